"""Chat markers (XEP-0333) and message replies (XEP-0461).

Markers: natter's messages carry <markable/>; a contact's <displayed/>
for one of them shows " (read)" after that line (and only the newest
such line). natter sends <displayed id=…/> for the newest markable
message of the window the user looks at: when the window becomes
current, or when the message arrives in the current window; never for
a window that is not current, never to a stranger, never with
send_markers = false. In a room the marker names the room's stanza-id.

Replies: a received reply whose original is in the window shows a
dimmed "> nick: first words…" row and its text without the fallback
(XEP-0428 ranges count code points, so the fallback here holds
non-ASCII text); one whose original is unknown is shown whole. /reply
lists the last message lines numbered from the newest (1); /reply N
TEXT sends <reply/> with the original's id (in a room its stanza-id)
and a fallback quote marked with <fallback/>.

bob is a slixmpp peer; in the room tests the MUC runs muc_mam, so the
room stamps its messages with XEP-0359 stanza-ids.
"""

import re

import pytest

import harness
import natterdemo
from harness import child, message_xml, text_of

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
MARKERS = "urn:xmpp:chat-markers:0"
REPLY = "urn:xmpp:reply:0"
FALLBACK = "urn:xmpp:fallback:0"
SID = "urn:xmpp:sid:0"
MUC_DOMAIN = "conference.localhost"
ROOM = "lobby@" + MUC_DOMAIN
MUC_NS = "http://jabber.org/protocol/muc"
MARKABLE = "<markable xmlns='%s'/>" % MARKERS


@pytest.fixture
def prosody():
    """The private Prosody, with a MUC that stamps stanza-ids (muc_mam)."""
    server = natterdemo.PrivateProsody(domain="localhost", muc=MUC_DOMAIN)
    with open(server.config_path, encoding="utf-8") as f:
        cfg = f.read()
    # the MUC component is the file's last section
    cfg += "    modules_enabled = { \"muc_mam\" }\n"
    with open(server.config_path, "w", encoding="utf-8") as f:
        f.write(cfg)
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


@pytest.fixture
def contact(prosody, accounts):
    """bob in alice's roster (both ways); request it before natter."""
    harness.write_roster(prosody, "alice", [{"jid": BOB}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


@pytest.fixture
def online(natter):
    natter.wait_for(CONNECTED)
    return natter


def displayed_ids(peer):
    """The ids of every <displayed/> marker the peer received."""
    out = []
    for el in list(peer.stanzas):
        d = child(el, "displayed", MARKERS)
        if d is not None:
            out.append(d.get("id"))
    return out


def wait_body(peer, text):
    return peer.wait_stanza("message", lambda e: text_of(e, "body") == text,
                            "message %r" % text)


def said(nick, text):
    return r"\d\d:\d\d <%s> %s" % (re.escape(nick), re.escape(text))


def bob_says(bob, alice, body, mid, extra=MARKABLE):
    bob.send_raw(message_xml(alice.full_jid, body=body, mid=mid,
                             extra=extra))


def test_peer_displayed_marks_line_read(contact, online, bob, alice):
    online.send_keys("/msg bob@localhost first of two")
    online.send_keys("second of two")
    ids = {}
    for text in ("first of two", "second of two"):
        el = wait_body(bob, text)
        assert child(el, "markable", MARKERS) is not None, \
            "natter's message does not ask for markers"
        ids[text] = el.get("id")
    online.wait_for(said("alice", "second of two"))
    assert "(read)" not in online.screen()

    marker = "<displayed xmlns='%s' id='%%s'/>" % MARKERS
    bob.send_raw(message_xml(alice.full_jid, extra=marker % "no-such-id"))
    bob.send_raw(message_xml(alice.full_jid,
                             extra=marker % ids["first of two"]))
    screen = online.wait_for(said("alice", "first of two") + r" \(read\)")
    assert screen.count("(read)") == 1, screen
    # the newer marker moves the mark: it covers what came before
    bob.send_raw(message_xml(alice.full_jid,
                             extra=marker % ids["second of two"]))
    screen = online.wait_for(said("alice", "second of two") + r" \(read\)")
    assert screen.count("(read)") == 1, screen


def test_displayed_sent_when_window_viewed(contact, online, bob, alice):
    bob_says(bob, alice, "are you there?", "bob-1")
    online.wait_for(r"\[2:bob@localhost\(1\)\]")
    harness.round_trip(online, bob, alice.full_jid)
    assert displayed_ids(bob) == [], \
        "a marker for a window the user has not looked at"

    online.send_keys("/win 2")
    el = bob.wait_stanza("message",
                         lambda e: child(e, "displayed", MARKERS) is not None,
                         "the displayed marker")
    assert child(el, "displayed", MARKERS).get("id") == "bob-1"
    assert el.get("type") == "chat"

    # the window is current and the user at the keyboard: a new
    # markable message is displayed at once
    bob_says(bob, alice, "still there?", "bob-2")
    bob.wait_stanza("message",
                    lambda e: (child(e, "displayed", MARKERS) is not None and
                               child(e, "displayed", MARKERS).get("id") ==
                               "bob-2"),
                    "the marker for bob-2")
    # one that did not ask for markers gets none
    bob_says(bob, alice, "no markers for this", "bob-3", extra="")
    online.wait_for(said(BOB, "no markers for this"))
    harness.round_trip(online, bob, alice.full_jid)
    assert displayed_ids(bob) == ["bob-1", "bob-2"], displayed_ids(bob)


def test_no_marker_to_a_stranger(online, bob, alice):
    bob_says(bob, alice, "hello from a stranger", "s-1")
    online.wait_for(r"\[2:bob@localhost\(1\)\]")
    online.send_keys("/win 2")
    online.wait_for(said(BOB, "hello from a stranger"))
    harness.round_trip(online, bob, alice.full_jid)
    assert displayed_ids(bob) == [], "a marker went to a stranger"


@pytest.fixture
def markers_off(natterrc):
    with open(natterrc, "a", encoding="utf-8") as f:
        f.write("send_markers = false\n")
    return natterrc


def test_no_marker_when_send_markers_false(contact, markers_off,
                                           start_natter, bob, alice):
    pane = start_natter(markers_off)
    pane.wait_for(CONNECTED)
    bob_says(bob, alice, "read me", "off-1")
    pane.wait_for(r"\[2:bob@localhost\(1\)\]")
    pane.send_keys("/win 2")
    pane.wait_for(said(BOB, "read me"))
    harness.round_trip(pane, bob, alice.full_jid)
    assert displayed_ids(bob) == [], "a marker with send_markers = false"


def reply_xml(reply_id, to, start, end):
    return ("<reply xmlns='%s' to='%s' id='%s'/>"
            "<fallback xmlns='%s' for='%s'><body start='%d' end='%d'/>"
            "</fallback>" % (REPLY, to, reply_id, FALLBACK, REPLY, start,
                             end))


def test_received_reply_shows_quote_without_fallback(contact, online, bob,
                                                     alice):
    online.send_keys("/msg bob@localhost café at noon ☕ or later?")
    mid = wait_body(bob, "café at noon ☕ or later?").get("id")
    fallback = "> alice wrote:\n> café at noon ☕ or later?\n"
    text = "noon is fine ✓"
    # the range counts code points: in bytes it would end elsewhere
    assert len(fallback.encode()) != len(fallback)
    bob_says(bob, alice, fallback + text, "r-1",
             extra=reply_xml(mid, alice.full_jid, 0, len(fallback)))
    screen = online.wait_for(re.escape(text))
    rows = online.lines(screen)
    i = next(k for k, row in enumerate(rows) if "noon is fine" in row)
    assert re.search(r"<bob@localhost> > alice: café at noon ☕ or later\?",
                     rows[i - 1]), screen
    assert "alice wrote" not in screen, "the fallback was not stripped"

    # a reply to a message natter does not have keeps its fallback
    other = "> carol wrote:\n> something else\n"
    bob_says(bob, alice, other + "agreed", "r-2",
             extra=reply_xml("unknown-id", alice.full_jid, 0, len(other)))
    online.wait_for(r"carol wrote:")
    online.wait_for(r"> something else")


def test_reply_command_sends_reply_and_fallback(contact, online, bob, alice):
    bob_says(bob, alice, "first from bob", "b-1")
    online.wait_for(r"\[2:bob@localhost\(1\)\]")
    online.send_keys("/win 2")
    bob_says(bob, alice, "second from bob", "b-2")
    online.wait_for(said(BOB, "second from bob"))
    online.send_keys("/reply")
    online.wait_for(r"1  bob@localhost: second from bob")
    online.wait_for(r"2  bob@localhost: first from bob")
    online.send_keys("/reply 2 sure thing")
    el = bob.wait_stanza("message",
                         lambda e: child(e, "reply", REPLY) is not None,
                         "the reply")
    rep = child(el, "reply", REPLY)
    assert rep.get("id") == "b-1", rep.attrib
    assert rep.get("to") == BOB, rep.attrib
    fb = child(el, "fallback", FALLBACK)
    assert fb is not None and fb.get("for") == REPLY
    rng = child(fb, "body")
    body = text_of(el, "body")
    start, end = int(rng.get("start")), int(rng.get("end"))
    assert start == 0
    assert body[:end] == "> bob@localhost wrote:\n> first from bob\n", body
    assert body[end:] == "sure thing", body
    assert child(el, "markable", MARKERS) is not None
    # natter shows its own reply as it shows others': quote, then text
    screen = online.wait_for(r"<alice> > bob@localhost: first from bob")
    rows = online.lines(screen)
    i = next(k for k, row in enumerate(rows) if "<alice> >" in row)
    assert "sure thing" in rows[i + 1], screen
    assert "wrote:" not in screen


def bob_in_room(make_peer):
    bob = make_peer()
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (ROOM, MUC_NS))
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/bob" % ROOM,
                    "bob's own presence in the room")
    return bob


def room_sid(el):
    for c in el:
        if c.tag == "{%s}stanza-id" % SID and c.get("by") == ROOM:
            return c.get("id")
    return None


def test_room_reply_and_marker_use_stanza_id(make_peer, online):
    bob = bob_in_room(make_peer)
    online.send_keys("/join " + ROOM)
    online.wait_for(r"lobby@conference\.localhost — joined, 2 here")
    bob.send_raw(message_xml(ROOM, body="hello room", mid="bob-room-1",
                             mtype="groupchat", extra=MARKABLE))
    echo = bob.wait_stanza("message",
                           lambda e: text_of(e, "body") == "hello room",
                           "the room's echo")
    sid = room_sid(echo)
    assert sid and sid != "bob-room-1", echo.attrib
    online.wait_for(r"<bob> hello room")
    # the room window is current: the marker names the room's stanza-id
    el = bob.wait_stanza("message",
                         lambda e: child(e, "displayed", MARKERS) is not None,
                         "alice's marker through the room")
    assert el.get("type") == "groupchat"
    assert el.get("from") == ROOM + "/alice"
    assert child(el, "displayed", MARKERS).get("id") == sid

    online.send_keys("/reply 1 hello bob")
    el = bob.wait_stanza("message",
                         lambda e: child(e, "reply", REPLY) is not None,
                         "alice's reply through the room")
    rep = child(el, "reply", REPLY)
    assert rep.get("id") == sid, (rep.attrib, sid)
    assert rep.get("to") == ROOM + "/bob"
    assert text_of(el, "body").endswith("hello bob")
    online.wait_for(r"<alice> > bob: hello room")
