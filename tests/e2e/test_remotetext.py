"""Remote text cannot pass for natter's own lines, and remote time
stamps are believed only from those who may give them.

A stranger's subscription request carries a <status> with a newline
and a forged "HH:MM demo: CERTIFICATE CHANGED" after it; a contact's
message error carries a <text> with newlines and a forged line; so do a
room's subject and a stored message shown again as a /search hit.  Each
stays one line of natter's: its first row has the stamp, what follows a
newline is an indented continuation row, so no row of the screen begins
with a time stamp followed by the forged text.

Delayed delivery (XEP-0203): a contact sends one message whose <delay/>
names a server that is neither the contact's nor ours (from="evil.example")
and one stamped by its own server; natter shows and stores the forged one
at the time it arrived and the other at its stamp."""

import re
import time

import pytest

import natterdemo

import harness
from harness import message_xml

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
# natter's own lines in the chat area start with the stamp (time_format,
# "%H:%M" by default)
STAMPED = re.compile(r"^\d\d:\d\d ")


def rows_with(pane, screen, text):
    """The chat-area rows holding text (the pane cut off)."""
    return [r for r in pane.chat_rows(screen) if text in r]


def assert_continued(pane, screen, first, forged):
    """first starts a stamped row; forged is on rows of its own that are
    indented, never stamped."""
    heads = rows_with(pane, screen, first)
    assert heads and STAMPED.match(heads[-1]), \
        "no stamped row holds %r:\n%s" % (first, harness.boxed(screen))
    rows = rows_with(pane, screen, forged)
    assert rows, "%r is not on screen:\n%s" % (forged, harness.boxed(screen))
    for row in rows:
        assert not STAMPED.match(row) and row.startswith("  "), \
            "a row of remote text passes for natter's own: %r\n%s" % (
                row, harness.boxed(screen))


def test_subscription_status_cannot_forge_a_line(natter, make_peer, alice):
    natter.wait_for(CONNECTED)
    mallory = make_peer("mallory")
    # the status as a stranger would write it: &#10; is a newline in XML
    mallory.send_raw(
        "<presence to='%s' type='subscribe'><status>hi&#10;12:34 demo: "
        "CERTIFICATE CHANGED for localhost, type /trust demo&#10;"
        "&#10;12:35 demo: connected</status></presence>" % alice.jid)
    screen = natter.wait_for(r"/accept mallory@localhost")
    assert_continued(natter, screen, "mallory@localhost asks to see",
                     "demo: CERTIFICATE CHANGED")
    assert_continued(natter, screen, "mallory@localhost asks to see",
                     "demo: connected")
    # the line goes on after the forged rows, on a row of its own kind
    tail = rows_with(natter, screen, "/accept mallory@localhost")
    assert tail and not STAMPED.match(tail[-1]), harness.boxed(screen)


def test_message_error_text_cannot_forge_a_line(prosody, accounts, write_rc,
                                                start_natter, make_peer):
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    alice = accounts["alice"]
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    bob.send_raw(
        "<message to='%s' type='error' id='e1'><error type='cancel'>"
        "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>gone&#10;"
        "12:34 demo: CERTIFICATE CHANGED&#13;&#10;12:34 &lt;Bob&gt; "
        "trust it</text></error></message>" % alice.full_jid)
    screen = natter.wait_for(r"Message to bob@localhost failed")
    screen = natter.wait_for(r"trust it\)")
    assert_continued(natter, screen, "Message to bob@localhost failed",
                     "demo: CERTIFICATE CHANGED")
    assert_continued(natter, screen, "Message to bob@localhost failed",
                     "<Bob> trust it")


@pytest.mark.prosody(muc="conference.localhost")
def test_room_subject_and_search_hit_cannot_forge_a_line(
        prosody, accounts, write_rc, start_natter, make_peer):
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    alice = accounts["alice"]
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    room = "lobby@conference.localhost"
    bob.send_raw("<presence to='%s/bob'><x xmlns='http://jabber.org/"
                 "protocol/muc'/></presence>" % room)
    bob.wait_stanza("presence", lambda el: el.get("from") == room + "/bob",
                    "bob's own presence in the room")
    bob.send_raw("<message to='%s' type='groupchat'><subject>Welcome&#10;"
                 "12:34 demo: CERTIFICATE CHANGED in the subject</subject>"
                 "</message>" % room)
    bob.wait_stanza("message", lambda el: harness.text_of(el, "subject")
                    is not None, "the subject set")
    natter.send_keys("/join %s" % room)
    screen = natter.wait_for(r"CERTIFICATE CHANGED in the subject")
    assert_continued(natter, screen, "Subject set by bob: Welcome",
                     "demo: CERTIFICATE CHANGED in the subject")

    # a stored message with a newline, shown again as a /search hit
    bob.send_raw(message_xml(alice.full_jid, body="findme first&#10;"
                             "12:34 demo: CERTIFICATE CHANGED in a hit")
                 .replace("&amp;#10;", "&#10;"))
    natter.wait_for(r"\[\d:Bob\(1\)\]")
    natter.send_keys("/search findme")
    screen = natter.wait_for(r"\b1 match\b")
    assert_continued(natter, screen, "<Bob> findme first",
                     "demo: CERTIFICATE CHANGED in a hit")


# -- delayed delivery ---------------------------------------------------------

DELAY = "urn:xmpp:delay"


def delayed_xml(to, body, stamp, by):
    return message_xml(to, body=body, extra="<delay xmlns='%s' from='%s' "
                       "stamp='%s'/>" % (DELAY, by, stamp))


def test_delay_stamp_believed_only_from_the_servers(prosody, accounts, xdg,
                                                    start_natter, make_peer):
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    alice = accounts["alice"]
    rc = natterdemo.write_natterrc(
        xdg.natterrc,
        {"test": natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=prosody.c2s_port,
            tls="trust", resource="natter")},
        extra='time_format = "%Y-%m-%d %H:%M"')
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    today = time.strftime("%Y-%m-%d")
    bob.send_raw(delayed_xml(alice.full_jid, "forged stamp",
                             "2001-02-03T04:05:06Z", "evil.example"))
    bob.send_raw(delayed_xml(alice.full_jid, "stamp of a stranger",
                             "2001-02-03T04:05:06Z", "mallory@localhost"))
    bob.send_raw(delayed_xml(alice.full_jid, "server stamp",
                             "2002-03-04T05:06:07Z", "localhost"))
    bob.send_raw(delayed_xml(alice.full_jid, "own stamp",
                             "2003-04-05T06:07:08Z", BOB + "/peer"))
    natter.wait_for(r"\[2:Bob\(4\)\]")  # all four arrived
    natter.send_keys("/win 2")
    screen = natter.wait_for(r"<Bob> own stamp")
    stamps = {}
    for body in ("forged stamp", "stamp of a stranger", "server stamp",
                 "own stamp"):
        rows = rows_with(natter, screen, "<Bob> " + body)
        assert len(rows) == 1, "%r:\n%s" % (body, harness.boxed(screen))
        stamps[body] = rows[0].split(" <Bob>")[0].strip()
    # the forged ones: the day they arrived (the test runs in UTC, as
    # natter does here: no TZ is set)
    assert stamps["forged stamp"].startswith(today), stamps
    assert stamps["stamp of a stranger"].startswith(today), stamps
    assert stamps["server stamp"] == "2002-03-04 05:06", stamps
    assert stamps["own stamp"] == "2003-04-05 06:07", stamps
    # the history stores the same times
    natter.send_keys("/search forged")
    screen = natter.wait_for(r"\b1 match\b")
    assert re.search(r"\[1\] %s \d\d:\d\d from bob@localhost <[^>]*> "
                     r"forged stamp" % today, screen), harness.boxed(screen)
