"""Chat between natter (alice) and live peers (slixmpp): messages both
ways, "//" escaping, replies to the resource that wrote, unread counts in
the status bar's window list with Alt-A, Alt-N and /win, /me actions,
delivery receipts (XEP-0184), offline storage on the server, and chat
states (XEP-0085) both ways.

Screen lines look like "HH:MM <nick> text" and "HH:MM * nick text";
a received receipt appends " ✓"; the window list looks like
"[1:console] [2:bob@localhost(3)]" (unread count in parentheses)."""

import os
import re
import time

import pytest

from harness import (CHATSTATES, RECEIPTS, chat_state_xml, child,
                     message_xml, text_of)

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
BOB_TITLE = r"^\s*bob@localhost <bob@localhost[/>]"   # name <jid[/resource]>
TICK = "\u2713"


def said(nick, text, action=False):
    """Regex of a chat line."""
    if action:
        return r"\d\d:\d\d \* %s %s" % (re.escape(nick), re.escape(text))
    return r"\d\d:\d\d <%s> %s" % (re.escape(nick), re.escape(text))


def body_is(text):
    return lambda m: m[2] == text


def window_list(pane, screen=None):
    """{window number: (name, unread or 0)} from the status bar."""
    out = {}
    for num, name, unread in re.findall(r"\[(\d+):([^\]\(]+)(?:\((\d+)\))?\]",
                                        pane.status_bar(screen)):
        out[int(num)] = (name, int(unread or 0))
    return out


def wait_windows(pane, want, what):
    """Wait until the window list holds want ({n: (name, unread)})."""
    return pane.wait_until(
        lambda s: all(window_list(pane, s).get(k) == v
                      for k, v in want.items()),
        "window list %s (%s)" % (want, what))


def title_is(pane, regex):
    return pane.wait_until(lambda s: re.search(regex, pane.title(s)),
                           "title matching %r" % regex)


def command_feedback(pane, regex):
    """Wait for a command's message: in the current window, or else in the
    console (where natter printed them at first)."""
    try:
        return pane.wait_for(regex, timeout=3)
    except AssertionError:
        pane.send_alt("1")
        return pane.wait_for(regex)


def test_two_way_chat(online, bob, alice):
    online.send_keys("/msg bob@localhost hello bob, it's alice")
    frm, mtype, _ = bob.wait_message(body_is("hello bob, it's alice"))
    assert frm == alice.full_jid and mtype == "chat", (frm, mtype)
    screen = online.wait_for(said("alice", "hello bob, it's alice"))
    assert re.match(BOB_TITLE, online.title(screen)), online.title(screen)
    assert window_list(online, screen) == {1: ("console", 0),
                                           2: (BOB, 0)}, screen

    bob.send_message(alice.full_jid, "hi alice, bob here")
    screen = online.wait_for(said(BOB, "hi alice, bob here"))
    assert window_list(online, screen)[2] == (BOB, 0), screen  # current

    # Plain text in a conversation goes to the contact; "//" sends "/".
    online.send_keys("plain words")
    bob.wait_message(body_is("plain words"))
    online.send_keys("//etc/hosts is a path")
    bob.wait_message(body_is("/etc/hosts is a path"))
    online.wait_for(said("alice", "/etc/hosts is a path"))
    # Plain text in the console is refused, not sent anywhere.
    online.send_keys("/win 1")
    online.send_keys("not for anyone")
    online.wait_for(r"This window has no conversation")
    online.barrier(bob.jid)   # had it gone to bob, it would be there now
    assert not any(m[2] == "not for anyone" for m in bob.messages)


def test_normal_message_and_error_reply(online, bob, alice):
    # A message without a type (or type normal) is shown like a chat.
    bob.send_raw(message_xml(alice.full_jid, body="a normal message",
                             mtype="normal"))
    online.wait_for(r"\[2:bob@localhost\(1\)\]")
    online.send_keys("/win 2")
    online.wait_for(said(BOB, "a normal message"))
    # An error bounced by the server is shown in the conversation.
    online.send_keys("/msg nobody@localhost is anyone there")
    title_is(online, r"^\s*nobody@localhost <nobody@localhost>")
    online.wait_for(r"Message to nobody@localhost failed: "
                    r"the recipient cannot receive it")


def test_reply_goes_to_resource_that_wrote(online, bob, make_peer, alice):
    other = make_peer("bob", resource="other")
    bob.send_message(alice.full_jid, "from my peer resource")
    online.wait_for(r"\[2:bob@localhost\(1\)\]")
    online.send_keys("/win 2")
    title_is(online, r"^\s*bob@localhost <bob@localhost/peer>")
    online.send_keys("answer to peer")
    frm, _, _ = bob.wait_message(body_is("answer to peer"))
    assert frm == alice.full_jid
    # a copy for bob/other would reach it before natter's ping does
    online.barrier(other.jid)
    assert not any(m[2] == "answer to peer" for m in other.messages), \
        "a reply to the resource that wrote also reached bob/other"


def test_unread_counts_alt_a_and_win(online, bob, make_peer, alice):
    carol = make_peer("carol")
    bob.send_message(alice.full_jid, "one")
    wait_windows(online, {2: (BOB, 1)}, "a message opens window 2")
    bob.send_message(alice.full_jid, "two")
    screen = wait_windows(online, {2: (BOB, 2)}, "second message")
    assert "natter console" in online.title(screen), "window switched"
    carol.send_message(alice.full_jid, "hey from carol")
    wait_windows(online, {1: ("console", 0), 2: (BOB, 2),
                          3: ("carol@localhost", 1)}, "carol's message")

    online.send_alt("a")   # the next window with unread lines: bob's
    screen = wait_windows(online, {2: (BOB, 0), 3: ("carol@localhost", 1)},
                          "Alt-A to bob")
    title_is(online, BOB_TITLE)
    online.wait_for(said(BOB, "two"))
    assert re.search(said(BOB, "one"), online.screen())
    online.send_alt("a")   # then carol's
    wait_windows(online, {3: ("carol@localhost", 0)}, "Alt-A to carol")
    title_is(online, r"^\s*carol@localhost <carol@localhost[/>]")
    online.wait_for(said("carol@localhost", "hey from carol"))

    online.send_alt("1")
    title_is(online, r"natter console")
    bob.send_message(alice.full_jid, "three")
    wait_windows(online, {2: (BOB, 1)}, "third message")
    online.send_keys("/win 2")
    wait_windows(online, {2: (BOB, 0)}, "/win 2 clears the count")
    online.wait_for(said(BOB, "three"))
    online.send_alt("1")
    bob.send_message(alice.full_jid, "four")
    wait_windows(online, {2: (BOB, 1)}, "fourth message")
    online.send_keys("/win bob@localhost")
    wait_windows(online, {2: (BOB, 0)}, "/win NAME clears the count")
    title_is(online, BOB_TITLE)
    online.send_keys("/win 7")
    command_feedback(online, r"No window 7 \(there are 3\)")


def test_me_action(online, bob, alice):
    online.send_keys("/me waves from the console")
    online.wait_for(r"/me works in a conversation or room window")
    online.send_keys("/query bob@localhost")
    title_is(online, BOB_TITLE)
    online.send_keys("/me waves hello")
    bob.wait_message(body_is("/me waves hello"))
    online.wait_for(said("alice", "waves hello", action=True))
    bob.send_message(alice.full_jid, "/me dances")
    screen = online.wait_for(said(BOB, "dances", action=True))
    assert not re.search(r"<bob@localhost> /me", screen), screen


def test_receipt_auto_ack(online, make_peer):
    bob = make_peer("bob", plugins=("xep_0184",))
    online.send_keys("/msg bob@localhost please confirm this")
    bob.wait_message(body_is("please confirm this"))
    online.wait_for(said("alice", "please confirm this") + " " + TICK)


def test_receipt_marks_only_its_message(online, bob, alice):
    online.send_keys("/msg bob@localhost first-unconfirmed")
    online.send_keys("second-confirmed")
    ids = {}
    for text in ("first-unconfirmed", "second-confirmed"):
        el = bob.wait_stanza("message", lambda e, t=text: text_of(e, "body")
                             == t, "message %r" % text)
        assert child(el, "request", RECEIPTS) is not None, \
            "natter did not ask for a receipt"
        ids[text] = el.get("id")
        assert ids[text], "a message asking for a receipt has no id"
    screen = online.wait_for(said("alice", "second-confirmed"))
    assert TICK not in online.console(screen), "a tick before any receipt"

    receipt = "<received xmlns='%s' id='%%s'/>" % RECEIPTS
    bob.send_raw(message_xml(alice.full_jid, extra=receipt % "no-such-id"))
    bob.send_raw(message_xml(alice.full_jid,
                             extra=receipt % ids["second-confirmed"]))
    screen = online.wait_for(said("alice", "second-confirmed") + " " + TICK)
    first = [l for l in online.lines(screen) if "first-unconfirmed" in l]
    assert first and TICK not in first[0], screen


def offline_stored(prosody, text):
    """Prosody's offline store (internal storage) holds text."""
    folder = os.path.join(prosody.data_dir, "localhost", "offline")
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return False
    for name in names:
        # Prosody writes a store anew and renames it in place: a name
        # listed a moment ago may be gone (the next poll sees the new one)
        try:
            with open(os.path.join(folder, name), encoding="utf-8",
                      errors="replace") as f:
                if text in f.read():
                    return True
        except FileNotFoundError:
            continue
    return False


def test_offline_message_delivered(prosody, natterrc, start_natter, bob,
                                   alice):
    text = "sent while natter was not running"
    bob.send_message(alice.jid, text)
    deadline = time.monotonic() + 10
    while not offline_stored(prosody, text):
        assert time.monotonic() < deadline, \
            "Prosody did not store the message offline (mod_offline?)"
        time.sleep(0.1)
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    wait_windows(natter, {2: (BOB, 1)}, "the stored message opens window 2")
    natter.send_alt("2")
    natter.wait_for(said(BOB, text))


def test_chat_states_incoming(online, bob, alice):
    online.send_keys("/query bob@localhost")
    screen = title_is(online, BOB_TITLE)
    assert "typing" not in online.title(screen)
    bob.send_raw(message_xml(alice.full_jid, extra=chat_state_xml("composing")))
    title_is(online, r"\(typing")
    bob.send_raw(message_xml(alice.full_jid, extra=chat_state_xml("paused")))
    title_is(online, r"\(stopped typing\)")
    bob.send_raw(message_xml(alice.full_jid, body="done typing",
                             extra=chat_state_xml("active")))
    screen = online.wait_for(said(BOB, "done typing"))
    assert "typing" not in online.title(screen), online.title(screen)
    bob.send_raw(message_xml(alice.full_jid, extra=chat_state_xml("gone")))
    title_is(online, r"\(left the conversation\)")


def test_chat_states_outgoing(online, bob, alice):
    def states():
        return [(c.tag.split("}")[1], text_of(el, "body"))
                for el in list(bob.stanzas) for c in el
                if c.tag.startswith("{%s}" % CHATSTATES)]

    online.send_keys("/query bob@localhost")
    title_is(online, BOB_TITLE)
    online.send_keys("/a command is not typing", enter=False)
    online.wait_until(lambda s: "/a command is not typing" in
                      online.input_line(s), "the command typed")
    online.send_key("C-u")
    # a state sent while typing would reach bob before natter's ping
    online.barrier(bob.jid)
    assert states() == [], "typing a command sent %r" % states()

    online.send_keys("typing to bob", enter=False)
    el = bob.wait_stanza("message", lambda e: child(e, "composing",
                                                    CHATSTATES) is not None,
                         "<composing/> from natter")
    assert el.get("from") == alice.full_jid
    assert text_of(el, "body") is None, "composing came with a body"
    online.send_key("Enter")
    el = bob.wait_stanza("message",
                         lambda e: text_of(e, "body") == "typing to bob",
                         "the message itself")
    assert child(el, "active", CHATSTATES) is not None, \
        "the message carries no <active/>"
    assert states().count(("composing", None)) == 1, states()

    # Stop typing mid-message: natter says "paused" after a while (10 s).
    online.send_keys("half a thou", enter=False)
    bob.wait_stanza("message", lambda e: child(e, "paused", CHATSTATES)
                    is not None, "<paused/> after typing stopped",
                    timeout=20)
