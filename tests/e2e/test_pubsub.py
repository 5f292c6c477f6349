"""Publish-subscribe: feeds and what contacts publish about themselves.

/feed SERVICE NODE subscribes to a node of Prosody's pubsub component
(XEP-0060) and opens a feed window: the latest feed_items items show at
once, each new one as slixmpp publishes it (Atom entries, XEP-0277
style: author, title, summary, link; the link in /links); /feeds lists
the subscriptions the service holds, /unfeed ends one, and a node that
does not exist or may not be read is refused in words.  /publish posts
an Atom entry to the user's own PEP node, which a slixmpp subscriber
receives.  A contact's tune (XEP-0118), mood (XEP-0107), activity
(XEP-0108) and nickname (XEP-0172), published through PEP, show in
/info and in brief in the conversation's title, because natter's caps
ask for them (+notify); the same sent by a stranger, or by a contact's
client rather than its PEP service, is ignored (asserted after a round
trip).  Remote text stays one clean line."""

import re
import xml.etree.ElementTree as ET

import pytest

import harness
import natterdemo

PUBSUB = "pubsub.localhost"
BOB = "bob@localhost"
ATOM = "http://www.w3.org/2005/Atom"
PUBSUB_NS = "http://jabber.org/protocol/pubsub"
EVENT_NS = "http://jabber.org/protocol/pubsub#event"
TUNE = "http://jabber.org/protocol/tune"
MICROBLOG = "urn:xmpp:microblog:0"
CONNECTED = r"connected as alice@localhost/natter"
RLO, CSI = "\u202e", "\u009b"

# bob makes the nodes: Prosody lets its admins create them
pytestmark = pytest.mark.prosody(pubsub=PUBSUB, modules=("pep",),
                                 admins=[BOB])

PEP_PLUGINS = ("xep_0060", "xep_0163", "xep_0118", "xep_0107", "xep_0108",
               "xep_0172")


@pytest.fixture
def start(prosody, alice, xdg, start_natter):
    """start(**global_options) -> natter logged in as alice."""
    def go(**opts):
        account = natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=prosody.c2s_port,
            tls="trust", resource="natter")
        extra = "\n".join("%s = %s" % (k, natterdemo.confuse_value(v))
                          for k, v in opts.items())
        rc = natterdemo.write_natterrc(xdg.natterrc, {"test": account},
                                       extra=extra)
        natter = start_natter(rc)
        natter.wait_for(CONNECTED)
        return natter
    return go


def friends(prosody):
    """alice and bob see each other's presence; alice calls him Bob."""
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


def entry(title, summary=None, link=None, author="Bob Writer",
          published="2026-01-02T03:04:05Z"):
    """An Atom entry as an ElementTree element."""
    e = ET.Element("{%s}entry" % ATOM)
    ET.SubElement(e, "{%s}title" % ATOM).text = title
    if summary is not None:
        ET.SubElement(e, "{%s}summary" % ATOM).text = summary
    if link is not None:
        ET.SubElement(e, "{%s}link" % ATOM, rel="alternate", href=link)
    a = ET.SubElement(e, "{%s}author" % ATOM)
    ET.SubElement(a, "{%s}name" % ATOM).text = author
    ET.SubElement(e, "{%s}published" % ATOM).text = published
    return e


def create_node(peer, node, access_model=None):
    """The peer (an admin) makes node on the pubsub service."""
    xep = peer.client.plugin["xep_0060"]
    config = None
    if access_model:
        form = peer.client.plugin["xep_0004"].make_form("submit")
        form.add_field(var="FORM_TYPE", ftype="hidden",
                       value="http://jabber.org/protocol/pubsub#node_config")
        form.add_field(var="pubsub#access_model", value=access_model)
        config = form

    async def go():
        return await xep.create_node(PUBSUB, node, config=config)
    peer.run(go)


def publish(peer, node, item_id, payload, jid=PUBSUB):
    xep = peer.client.plugin["xep_0060"]

    async def go():
        return await xep.publish(jid, node, id=item_id, payload=payload)
    peer.run(go)


def feed_rows(natter, screen=None):
    """The feed window's rows (no roster pane beside a feed window's
    text is assumed: the rows are read whole)."""
    return natter.lines(screen)[1:-2]


def test_feed_shows_latest_items_then_new_ones(start, make_peer):
    bob = make_peer("bob", plugins=PEP_PLUGINS)
    create_node(bob, "news")
    for i in (1, 2, 3):
        publish(bob, "news", "item%d" % i,
                entry("Headline %d" % i, "Summary %d" % i,
                      "https://news.example/%d" % i,
                      published="2026-01-0%dT10:00:00Z" % i))
    natter = start(feed_items=2)
    natter.send_keys("/feed %s news" % PUBSUB)
    screen = natter.wait_for(r"2 items of news shown")
    assert "feed news on %s" % PUBSUB in natter.title(screen)
    assert re.search(r"Subscribed to news on %s" % re.escape(PUBSUB), screen)
    # the latest two, with author, title, summary and link; not the first
    assert "Headline 2" in screen and "Headline 3" in screen
    assert "Headline 1" not in screen
    assert re.search(r"Bob Writer.*Headline 3", screen)
    assert "Summary 3" in screen and "https://news.example/3" in screen

    # a new item comes as it is published; its link goes to /links
    publish(bob, "news", "item4",
            entry("Breaking " + RLO + "news" + CSI,
                  "line one\nline two\n\n   line three",
                  "https://news.example/4"))
    screen = natter.wait_for(r"Breaking news")
    rows = feed_rows(natter, screen)
    assert not any(RLO in r or CSI in r for r in rows)
    # the summary's lines are one row: never a row of its own
    assert any("line one line two line three" in r for r in rows)
    natter.send_keys("/links")
    screen = natter.wait_for(r"1\W+https://news\.example/4")

    # published again under its id: the line changes, no new line
    publish(bob, "news", "item4", entry("Corrected headline"))
    natter.wait_for(r"Corrected headline")
    screen = natter.barrier()
    assert "Breaking news" not in screen


def test_feeds_unfeed_and_errors(start, make_peer):
    bob = make_peer("bob", plugins=PEP_PLUGINS)
    create_node(bob, "news")
    create_node(bob, "secret", access_model="whitelist")
    natter = start()
    natter.send_keys("/feed %s news" % PUBSUB)
    natter.wait_for(r"news holds no items yet")
    natter.send_keys("/feeds")
    natter.wait_for(r"Your subscriptions at %s \(1\):" % re.escape(PUBSUB))
    natter.wait_for(r"^\s*.*news \(subscribed\)")

    # the service holds the subscription: bob's items reach alice
    xep = bob.client.plugin["xep_0060"]

    async def subscribers():
        return await xep.get_node_subscriptions(PUBSUB, "news")
    subs = bob.run(subscribers)
    assert "alice@localhost" in str(subs)

    natter.send_keys("/unfeed")
    natter.wait_for(r"Unsubscribed from news on %s" % re.escape(PUBSUB))
    natter.send_keys("/feeds %s" % PUBSUB)
    natter.wait_for(r"You have no subscriptions at %s" % re.escape(PUBSUB))
    subs = bob.run(subscribers)
    assert "alice@localhost" not in str(subs)

    # refusals in words
    natter.send_keys("/feed %s nosuchnode" % PUBSUB)
    natter.wait_for(r"Not subscribed to nosuchnode on %s: there is no such "
                    r"node" % re.escape(PUBSUB))
    natter.send_keys("/feed %s secret" % PUBSUB)
    natter.wait_for(r"Not subscribed to secret on %s: (you are not allowed "
                    r"to|the node's owner has not authorized you)"
                    % re.escape(PUBSUB))


def test_publish_reaches_a_subscriber(prosody, start, make_peer):
    friends(prosody)
    natter = start()
    bob = make_peer("bob", plugins=PEP_PLUGINS)
    natter.send_keys("/publish %s First post" % MICROBLOG)
    natter.wait_for(r"Published to your node %s" % re.escape(MICROBLOG))
    xep = bob.client.plugin["xep_0060"]

    async def subscribe():
        return await xep.subscribe("alice@localhost", MICROBLOG)
    bob.run(subscribe)
    natter.send_keys("/publish %s Hello <world> & all" % MICROBLOG)
    natter.wait_for(r"Published to your node .*\(item .*\)\s*$")

    def got(el):
        ev = el.find("{%s}event" % EVENT_NS)
        if ev is None:
            return False
        e = ev.find(".//{%s}entry" % ATOM)
        return e is not None and e.findtext(
            "{%s}title" % ATOM) == "Hello <world> & all"
    el = bob.wait_stanza("message", got, "alice's second entry")
    e = el.find(".//{%s}entry" % ATOM)
    assert e.findtext("{%s}author/{%s}uri" % (ATOM, ATOM)) == \
        "xmpp:alice@localhost"
    assert e.findtext("{%s}published" % ATOM)
    assert el.get("from") == "alice@localhost"


def test_contact_tune_mood_activity_nick(prosody, start, make_peer):
    friends(prosody)
    natter = start(pep_notify="tune,mood,activity,nick")
    bob = make_peer("bob", plugins=PEP_PLUGINS)
    # natter's caps ask for tunes
    _, _, feats = bob.disco_info("alice@localhost/natter")
    assert TUNE + "+notify" in feats

    async def tune():
        return await bob.client.plugin["xep_0118"].publish_tune(
            artist="The Band", title="A Song" + RLO, length=215,
            source="The Album")

    async def mood():
        return await bob.client.plugin["xep_0107"].publish_mood(
            "happy", "sunny\nday")

    async def activity():
        return await bob.client.plugin["xep_0108"].publish_activity(
            "relaxing", "reading", "a book")

    async def nick():
        return await bob.client.plugin["xep_0172"].publish_nick("Bobby")
    for fn in (tune, mood, activity, nick):
        bob.run(fn)
    natter.send_keys("/query %s" % BOB)
    screen = natter.wait_for(r"The Band – A Song .*happy")
    title = natter.title(screen)
    assert "♪ The Band – A Song (The Album, 3:35)" in title, title
    assert "relaxing (reading)" in title and RLO not in title
    natter.send_keys("/info %s" % BOB)
    screen = natter.wait_for(r"calls themselves: Bobby")
    assert re.search(r"listening to: The Band – A Song \(The Album, 3:35\)",
                     screen)
    assert "mood: happy: sunny day" in screen
    assert "doing: relaxing (reading): a book" in screen

    # an empty tune: the contact stopped listening
    async def stop():
        return await bob.client.plugin["xep_0118"].stop()
    bob.run(stop)
    natter.wait_until(lambda s: "♪" not in natter.title(s),
                      "the tune gone from the title")


def event_message(sender_to, artist):
    return ("<message to='%s' type='headline'><event xmlns='%s'>"
            "<items node='%s'><item id='current'><tune xmlns='%s'>"
            "<artist>%s</artist><title>Forged</title></tune></item></items>"
            "</event></message>" % (sender_to, EVENT_NS, TUNE, TUNE, artist))


def test_tune_from_stranger_or_client_ignored(prosody, start, make_peer):
    friends(prosody)
    natter = start()
    bob = make_peer("bob")
    carol = make_peer("carol")
    # a stranger's PEP event, and one sent by bob's client (a full JID),
    # not by his PEP service
    carol.send_raw(event_message("alice@localhost/natter", "Carol Fake"))
    bob.send_raw(event_message("alice@localhost/natter", "Bob Client"))
    harness.round_trip(natter, carol, "alice@localhost/natter")
    harness.round_trip(natter, bob, "alice@localhost/natter")
    natter.send_keys("/info carol@localhost")
    natter.send_keys("/info %s" % BOB)
    natter.wait_for(r"Asking for bob@localhost's vCard")
    screen = natter.barrier()
    assert "Forged" not in screen and "listening to" not in screen
    natter.send_keys("/query %s" % BOB)
    screen = natter.wait_for(r"<bob@localhost>")
    assert "♪" not in natter.title(screen)


def test_pep_notify_none_asks_for_nothing(prosody, start, make_peer):
    friends(prosody)
    natter = start(pep_notify="none")
    bob = make_peer("bob", plugins=PEP_PLUGINS)
    _, _, feats = bob.disco_info("alice@localhost/natter")
    assert not any(f.endswith("+notify") and "bookmarks" not in f
                   for f in feats), feats
    # bob's tune is not sent to natter, and would not be believed

    async def tune():
        return await bob.client.plugin["xep_0118"].publish_tune(
            artist="Unasked", title="Tune")
    bob.run(tune)
    harness.round_trip(natter, bob, "alice@localhost/natter")
    natter.send_keys("/info %s" % BOB)
    natter.wait_for(r"Asking for bob@localhost's vCard")
    screen = natter.barrier()
    assert "Unasked" not in screen
