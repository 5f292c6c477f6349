"""Strangers (JIDs not in the roster), gateway trust and room occupants'
private messages.

- Strangers' messages go to one "strangers" window per account (one line
  each, with the JID); /query JID promotes one to its own window, with
  what it already said; each domain may bring strangers_rate messages a
  minute, the rest are dropped with one notice; strangers = "drop" and
  "open" do what they say.  Many distinct JIDs come from one component
  (irc.localhost of share/demo/gateways.py, which is no gateway: its
  disco#info says conference/irc), each message a separate JID of its
  domain.  A ping from the same component is the barrier: it travels
  the same stream, behind the messages.
- Receipts (XEP-0184 section 8) go only to subscribed contacts or a
  conversation the user started.
- A domain is trusted as a gateway only when its disco#info says
  category "gateway": registering with irc.localhost makes it no
  gateway, so its contacts' requests are asked one by one.
- Private messages from two room occupants: two windows keyed by the
  occupants' full JIDs, and a reply in each reaches the right one."""

import re
import xml.etree.ElementTree as ET

import pytest

import harness

CONNECTED = r"connected as alice@localhost/natter"
ALICE_FULL = "alice@localhost/natter"
IRC = "irc.localhost"
RECEIPTS = "urn:xmpp:receipts"


# -- a component speaking from many JIDs of its domain -----------------------

def comp_send(gateways, frm, body, to=ALICE_FULL, name=IRC, extra=""):
    """The component `name` sends a chat message from frm (any JID of its
    domain)."""
    thread = gateways.threads[name]
    xml = harness.message_xml(to, body, extra=extra).replace(
        "<message ", "<message from='%s' " % frm, 1)
    thread.call_soon(thread.client.send_raw, xml)


def comp_presence(gateways, frm, ptype, to="alice@localhost", name=IRC):
    thread = gateways.threads[name]
    thread.call_soon(thread.client.send_raw,
                     "<presence from='%s' to='%s' type='%s'/>"
                     % (frm, to, ptype))


def comp_ping(gateways, frm=IRC, to=ALICE_FULL, name=IRC):
    """A ping from the component to natter: once answered, everything the
    component sent before it has been handled."""
    thread = gateways.threads[name]

    async def go():
        iq = thread.client.Iq(sto=to, sfrom=frm, stype="get")
        iq.append(ET.fromstring("<ping xmlns='urn:xmpp:ping'/>"))
        reply = await iq.send(timeout=15)
        return reply["type"]
    assert thread.run(go, 20) == "result"


def status(pane, screen=None):
    return pane.status_bar(screen)


# -- the strangers window ----------------------------------------------------

@pytest.mark.prosody(gateways=True)
@pytest.mark.natterrc(strangers="window", strangers_rate=100)
def test_many_strangers_one_window_and_query(gateways, natter):
    natter.wait_for(CONNECTED)
    n = 55
    for i in range(n):
        comp_send(gateways, "u%02d@%s" % (i, IRC), "hello from u%02d" % i)
    comp_ping(gateways)
    screen = natter.wait_until(
        lambda s: "[2:strangers(%d)]" % n in status(natter, s),
        "one strangers window holding %d messages" % n)
    assert "[3:" not in status(natter, screen), status(natter, screen)
    natter.send_keys("/win 2")
    screen = natter.wait_for(r"<u54@irc\.localhost> hello from u54")
    assert "strangers: messages from JIDs not in your roster" in \
        natter.title(screen)
    # what is typed there goes nowhere
    natter.send_keys("/win 3")
    natter.wait_for(r"No window 3 \(there are 2\)")
    # /query promotes one, with what it said
    natter.send_keys("/query u07@irc.localhost")
    screen = natter.wait_for(r"<u07@irc\.localhost> hello from u07")
    assert "[3:u07@irc.localhost]" in status(natter, screen)
    assert "u08" not in natter.console(screen)
    # its next message comes there, not to the strangers window
    comp_send(gateways, "u07@" + IRC, "second from u07")
    comp_ping(gateways)
    natter.wait_for(r"<u07@irc\.localhost> second from u07")
    assert "[2:strangers]" in status(natter), status(natter)   # no unread
    # and a reply reaches it (the component echoes it back)
    natter.send_keys("hi u07")
    gateways.wait(lambda: any(m[1] == "u07@" + IRC and m[3] == "hi u07"
                              for m in gateways.get(IRC).received),
                  what="alice's reply at u07")
    natter.wait_for(r"echo: hi u07")


@pytest.mark.prosody(gateways=True)
@pytest.mark.natterrc(strangers="window", strangers_rate=5)
def test_strangers_rate_limit(gateways, natter):
    natter.wait_for(CONNECTED)
    for i in range(12):
        comp_send(gateways, "r%02d@%s" % (i, IRC), "flood %02d" % i)
    comp_ping(gateways)
    natter.wait_until(lambda s: "[2:strangers(5)]" in status(natter, s),
                      "5 messages in the strangers window")
    natter.send_keys("/win 2")
    screen = natter.wait_for(
        r"Strangers at irc\.localhost sent more than 5 messages this minute")
    body = natter.console(screen)
    assert natter.count(r"flood \d\d", screen) == 5, body
    assert natter.count(r"Strangers at irc\.localhost", screen) == 1, body
    assert "flood 04" in body and "flood 05" not in body, body
    # the dropped ones are not in the history either
    natter.send_keys("/query r07@irc.localhost")
    screen = natter.wait_for(r"\[3:r07@irc\.localhost\]")
    assert "flood 07" not in natter.console(screen)
    natter.send_keys("/query r03@irc.localhost")
    natter.wait_for(r"<r03@irc\.localhost> flood 03")


@pytest.mark.natterrc(strangers="drop")
def test_strangers_drop(online, bob, alice):
    bob.send_raw(harness.message_xml(
        alice.full_jid, "psst", mid="drop-1",
        extra="<request xmlns='%s'/>" % RECEIPTS))
    assert bob.ping(alice.full_jid).type == "result"   # the barrier
    online.send_keys("/win 2")
    online.wait_for(r"No window 2 \(there are 1\)")
    assert "psst" not in online.screen()
    assert not any(harness.child(el, "received", RECEIPTS) is not None
                   for el in bob.stanzas)
    # nor stored: a conversation opened now shows nothing of it
    online.send_keys("/query bob@localhost")
    screen = online.wait_for(r"\[2:bob@localhost\]")
    assert "psst" not in screen
    # a conversation the user started: no stranger any more, receipts go
    bob.send_raw(harness.message_xml(
        alice.full_jid, "now you hear me", mid="drop-2",
        extra="<request xmlns='%s'/>" % RECEIPTS))
    online.wait_for(r"<bob@localhost> now you hear me")
    bob.wait_stanza("message",
                    lambda el: (harness.child(el, "received", RECEIPTS)
                                is not None and
                                harness.child(el, "received", RECEIPTS)
                                .get("id") == "drop-2"),
                    "a receipt for the message in a started conversation")


@pytest.mark.natterrc(strangers="open")
def test_strangers_open_and_no_receipts(online, bob, alice):
    bob.send_raw(harness.message_xml(
        alice.full_jid, "knock knock", mid="open-1",
        extra="<request xmlns='%s'/>" % RECEIPTS))
    screen = online.wait_until(
        lambda s: "[2:bob@localhost(1)]" in status(online, s),
        "bob's own window")
    assert "strangers" not in status(online, screen)
    assert bob.ping(alice.full_jid).type == "result"
    # a stranger's window natter opened: no receipt (XEP-0184 section 8)
    assert not any(harness.child(el, "received", RECEIPTS) is not None
                   for el in bob.stanzas), bob.stanzas


@pytest.mark.natterrc(strangers=None)   # natter's default: "window"
def test_stranger_default_window_no_receipt(online, bob, alice):
    bob.send_raw(harness.message_xml(
        alice.full_jid, "hello stranger", mid="win-1",
        extra="<request xmlns='%s'/>" % RECEIPTS))
    online.wait_until(lambda s: "[2:strangers(1)]" in status(online, s),
                      "the strangers window")
    assert bob.ping(alice.full_jid).type == "result"
    assert not any(harness.child(el, "received", RECEIPTS) is not None
                   for el in bob.stanzas), bob.stanzas


@pytest.fixture
def bob_in_roster(prosody, accounts):
    """alice and bob see each other's presence; request before natter."""
    harness.write_roster(prosody, "alice", [{"jid": "bob@localhost",
                                             "name": "Bob"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


@pytest.mark.natterrc(strangers=None)
def test_contacts_and_own_jids_are_no_strangers(bob_in_roster, online,
                                                make_peer, alice):
    bob = make_peer("bob")
    bob.send_raw(harness.message_xml(
        alice.full_jid, "from a friend", mid="c-1",
        extra="<request xmlns='%s'/>" % RECEIPTS))
    online.wait_until(lambda s: "[2:Bob(1)]" in status(online, s),
                      "Bob's own window")
    bob.wait_stanza("message",
                    lambda el: harness.child(el, "received", RECEIPTS)
                    is not None, "a receipt for a subscribed contact")
    me = make_peer("alice", resource="phone")
    me.send_message(alice.full_jid, "note to self")
    online.wait_until(lambda s: "[3:alice@localhost(1)]" in status(online, s),
                      "a window for our own other resource")
    assert "strangers" not in status(online)


# -- gateway trust -------------------------------------------------------------

def register(natter, domain, field, name, password):
    """Fill natter's /register dialog for domain: its first field, named
    field, with name, the password field below it, and send the form."""
    natter.send_keys("/register " + domain)
    natter.wait_for(r"\* %s\s+\[\]" % field)
    natter.send_keys(name, enter=False)
    natter.wait_for(r"%s\s+\[%s\]" % (field, re.escape(name)))
    natter.send_key("Tab")
    natter.send_keys(password, enter=False)
    natter.wait_for(r"Password\s+\[\*{%d}\]" % len(password))
    natter.send_key("C-s")


@pytest.mark.prosody(gateways=True)
def test_non_gateway_domain_is_asked_one_by_one(gateways, natter, alice):
    natter.wait_for(CONNECTED)
    # irc.localhost takes registrations but is conference/irc, no gateway
    register(natter, IRC, "Nickname", "me", "pw")
    natter.wait_for(r"registered with irc\.localhost \(no gateway: its "
                    r"requests are yours to answer\)")
    comp = gateways.get(IRC)
    for who in ("a@" + IRC, "b@" + IRC, IRC):
        comp_presence(gateways, who, "subscribe")
    comp_ping(gateways)
    # each asked like anyone: no batch question, nothing approved
    natter.wait_for(r"a@irc\.localhost asks to see your presence")
    natter.wait_for(r"b@irc\.localhost asks to see your presence")
    screen = natter.wait_for(r"test: irc\.localhost asks to see your presence")
    assert "asks you to add its contacts" not in screen
    assert "accepted" not in screen
    assert not any(p[2] == "subscribed" for p in comp.presences), \
        comp.presences
    natter.send_keys("/deny irc.localhost")
    natter.send_keys("/accept irc.localhost")
    natter.wait_for(r"irc\.localhost is not a gateway \(its service "
                    r"discovery does not say so\): answer its 2 requests "
                    r"one by one: /accept")
    natter.wait_for(r"a@irc\.localhost, /accept b@irc\.localhost")
    comp_ping(gateways)
    assert not any(p[2] == "subscribed" and p[1].startswith("a@")
                   for p in comp.presences), comp.presences
    natter.send_keys("/accept a@irc.localhost")
    gateways.wait(lambda: any(p[1] == "a@" + IRC and p[2] == "subscribed"
                              for p in comp.presences),
                  what="a@irc.localhost approved alone")
    # an approval of b would reach the component before natter's ping
    natter.barrier(IRC, errors_ok=True)
    assert not any(p[1] == "b@" + IRC and p[2] == "subscribed"
                   for p in comp.presences), comp.presences


@pytest.mark.prosody(gateways=True)
@pytest.mark.natterrc(strangers=None)
def test_gateway_contacts_are_no_strangers(gateways, natter):
    natter.wait_for(CONNECTED)
    register(natter, "icq.localhost", "Username", "12345", "secret")
    # a real gateway (disco#info: gateway/icq): trusted as one
    natter.wait_for(r"registered with icq\.localhost; it will ask")
    natter.wait_for(r"icq\.localhost asked to see your presence: accepted")
    natter.wait_for(r"icq\.localhost asks you to add its contacts")
    # a legacy contact not (yet) in the roster writes: its own window
    comp_send(gateways, "33333@icq.localhost", "hello from ICQ",
              name="icq.localhost")
    # a gateway the user is not registered with: its users are strangers
    comp_send(gateways, "x@msn.localhost", "hello from MSN",
              name="msn.localhost")
    comp_ping(gateways, frm="icq.localhost", name="icq.localhost")
    comp_ping(gateways, frm="msn.localhost", name="msn.localhost")
    screen = natter.wait_until(
        lambda s: re.search(r"\[\d:33333@icq\.localhost\(1\)\]",
                            status(natter, s)) and
        re.search(r"\[\d:strangers\(1\)\]", status(natter, s)),
        "the ICQ contact's window and the MSN stranger's line")
    assert "msn.localhost]" not in status(natter, screen)


# -- room occupants' private messages -------------------------------------------

ROOM = "lobby@conference.localhost"


def joins(make_peer, user, nick):
    return harness.join_room(make_peer, user, ROOM, nick)


@pytest.mark.prosody(muc="conference.localhost")
@pytest.mark.natterrc(strangers=None)
def test_occupants_private_messages_have_their_own_windows(make_peer,
                                                           natter):
    natter.wait_for(CONNECTED)
    bob = joins(make_peer, "bob", "bob")
    carol = joins(make_peer, "carol", "carol")
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice "
                    r"\(3 here\)")
    for p, nick in ((bob, "bob"), (carol, "carol")):
        p.wait_stanza("presence",
                      lambda el: el.get("from") == ROOM + "/alice",
                      "alice in the room (%s)" % nick)
    bob.send_message(ROOM + "/alice", "psst, it is bob")
    natter.wait_until(
        lambda s: "bob in lobby(1)]" in status(natter, s),
        "bob's private window")
    carol.send_message(ROOM + "/alice", "psst, it is carol")
    screen = natter.wait_until(
        lambda s: "carol in lobby(1)]" in status(natter, s),
        "carol's private window")
    assert "bob in lobby(1)]" in status(natter, screen)
    # answer bob in bob's window: it reaches bob, not carol (who wrote last)
    natter.send_keys("/win %s/bob" % ROOM)
    screen = natter.wait_for(r"<bob> psst, it is bob")
    assert "carol" not in natter.console(screen)
    natter.send_keys("hello bob")
    bob.wait_message(lambda m: m[0] == ROOM + "/alice" and
                     m[2] == "hello bob")
    natter.send_keys("/win %s/carol" % ROOM)
    natter.wait_for(r"<carol> psst, it is carol")
    natter.send_keys("hello carol")
    carol.wait_message(lambda m: m[0] == ROOM + "/alice" and
                       m[2] == "hello carol")
    # the barrier for bob: a later message on the same way reaches him
    # after any copy of "hello carol" would have
    natter.send_keys("/msg %s/bob bye bob" % ROOM)
    bob.wait_message(lambda m: m[0] == ROOM + "/alice" and
                     m[2] == "bye bob")
    assert not any(m[2] == "hello carol" for m in bob.messages), bob.messages
    assert not any(m[2] == "hello bob" for m in carol.messages), \
        carol.messages
    # the history keeps them apart: bob's window, closed and opened by
    # his next message, holds only his conversation
    natter.send_keys("/win %s/bob" % ROOM)
    natter.wait_for(r"<bob> psst, it is bob")
    natter.send_keys("/close")
    natter.wait_until(lambda s: "bob in lobby" not in status(natter, s),
                      "bob's window closed")
    bob.send_message(ROOM + "/alice", "me again")
    natter.wait_until(lambda s: "bob in lobby(1)]"
                      in status(natter, s), "bob's window again")
    natter.send_keys("/win %s/bob" % ROOM)
    screen = natter.wait_for(r"<bob> me again")
    assert "hello bob" in screen and "psst, it is bob" in screen, screen
    assert "carol" not in natter.console(screen).split("\n", 1)[1], screen
    # /query with an occupant's full JID opens the same window
    natter.send_keys("/query %s/carol" % ROOM)
    natter.wait_for(r"<carol> psst, it is carol")
