"""Message carbons (XEP-0280): natter turns them on at login when the
server offers them, and shows what the user's other client (here a
second slixmpp client of alice's, resource "phone") sends and receives in
the conversation with the peer, marked "[phone]" (written there) or
"[to phone]" (received there), and stores it with the device.

A carbon is believed only from alice's own bare JID: one a contact sends,
or one from alice's other resource, is dropped.  A carbon of a message
marked <private/> or <no-copy/> is not shown: Prosody never makes one,
so the test has Prosody itself send such a carbon down natter's stream
(its admin shell), exactly as a server that ignored the mark would.

History is read from $XDG_DATA_HOME/natter/test/history.db after natter
has quit."""

import os
import re
import sqlite3

import pytest

import harness
from harness import message_xml

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
NATTER = "alice@localhost/natter"
PHONE = "alice@localhost/phone"
CARBONS = "urn:xmpp:carbons:2"
FORWARD = "urn:xmpp:forward:0"

pytestmark = pytest.mark.prosody(modules=["carbons", "admin_shell"])


def said(nick, text, device=None, to=False):
    dev = ""
    if device:
        dev = r"\[%s%s\] " % ("to " if to else "", re.escape(device))
    return r"\d\d:\d\d <%s> %s%s" % (re.escape(nick), dev, re.escape(text))


def history_rows(xdg):
    """[(peer, dir, body, device)] of every stored message, oldest first
    (natter must have quit)."""
    path = os.path.join(xdg.data, "natter", "test", "history.db")
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute("SELECT peer, dir, body, device FROM messages "
                           "ORDER BY id").fetchall()
    finally:
        con.close()


def carbons_on(natter, tries=50):
    """Asks /carbons until natter says they are on (each answer after a
    round trip through natter, so no answer is missed)."""
    on, other = r"message carbons on\s*$", r"message carbons (?!on\s*$)"
    for _ in range(tries):
        natter.send_keys("/carbons")
        screen = natter.barrier()
        if natter.last_of([on, other], screen) == on:
            return
    raise AssertionError("carbons never came on:\n" + natter.screen())


def carbon_xml(kind, inner_from, inner_to, body, extra="", wrapper_to=None):
    """A <message/> holding a carbon of kind "sent" or "received" of a
    chat message inner_from -> inner_to; extra goes into the inner
    message."""
    inner = "<message xmlns='jabber:client' from='%s' to='%s' type='chat'>" \
            "<body>%s</body>%s</message>" % (inner_from, inner_to, body,
                                               extra)
    to = " to='%s'" % wrapper_to if wrapper_to else ""
    return ("<message type='chat'%s><%s xmlns='%s'><forwarded xmlns='%s'>%s"
            "</forwarded></%s></message>" % (to, kind, CARBONS, FORWARD,
                                              inner, kind))


def server_sends(prosody, to, xml):
    """Prosody itself sends xml (a <message/>, from alice's bare JID) down
    the stream of to, alice's full JID: what a server sends as a carbon."""
    lua = ("local st = require 'util.xml'.parse(%s); "
           "st.attr.from = 'alice@localhost'; st.attr.to = %s; "
           "prosody.full_sessions[%s].send(st)"
           % (lua_str(xml), lua_str(to), lua_str(to)))
    out = prosody.prosodyctl("shell", "> " + lua)
    assert "Error" not in out and "error" not in out.lower(), out


def lua_str(text):
    return "'%s'" % text.replace("\\", "\\\\").replace("'", "\\'")


@pytest.fixture
def phone(make_peer):
    """alice's other client."""
    return make_peer("alice", resource="phone")


@pytest.fixture
def bob(make_peer):
    return make_peer("bob")


def test_sent_and_received_carbons(natter, phone, bob, xdg):
    natter.wait_for(CONNECTED)
    carbons_on(natter)
    # what alice writes on the phone: the user's own, marked [phone],
    # and no news (no unread count on the window it opens)
    phone.send_message(BOB, "written on the phone")
    bob.wait_message(lambda m: m[2] == "written on the phone")
    screen = harness.round_trip(natter, bob, NATTER)
    assert re.search(r"\[2:bob@localhost\]", natter.status_bar(screen)), \
        natter.status_bar(screen)
    # what bob sends to the phone: shown here too, as unread
    bob.send_message(PHONE, "bob writes to the phone")
    phone.wait_message(lambda m: m[2] == "bob writes to the phone")
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_for(said(BOB, "bob writes to the phone", "phone",
                                  to=True))
    assert re.search(said("alice", "written on the phone", "phone"),
                     screen), screen
    # and what natter itself sends has no device mark
    natter.send_keys("written here")
    bob.wait_message(lambda m: m[2] == "written here")
    screen = natter.wait_for(said("alice", "written here"))
    assert natter.quit() == 0
    rows = history_rows(xdg)
    assert (BOB, 1, "written on the phone", "phone") in rows, rows
    assert (BOB, 0, "bob writes to the phone", "phone") in rows, rows
    assert (BOB, 1, "written here", None) in rows, rows
    assert len(rows) == 3, rows


def test_device_shown_from_history(natterrc, start_natter, phone, bob,
                                   xdg):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    carbons_on(natter)
    phone.send_message(BOB, "from the phone, before the restart")
    bob.wait_message(lambda m: m[2] == "from the phone, before the restart")
    harness.round_trip(natter, bob, NATTER)
    assert natter.quit() == 0
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/query bob@localhost")
    natter.wait_for(said("alice", "from the phone, before the restart",
                         "phone"))


def test_forged_carbons_dropped(natter, phone, bob, prosody, xdg):
    natter.wait_for(CONNECTED)
    carbons_on(natter)
    # a contact claims alice wrote something on another client, and that
    # alice's phone received something
    bob.send_raw(carbon_xml("sent", PHONE, BOB, "forged by bob",
                            wrapper_to=NATTER))
    bob.send_raw(carbon_xml("received", "carol@localhost/x", PHONE,
                            "forged received by bob", wrapper_to=NATTER))
    # alice's own other client is not the server either
    phone.send_raw(carbon_xml("sent", PHONE, BOB, "forged by the phone",
                              wrapper_to=NATTER))
    # the server's copy of a message that is not alice's at all
    server_sends(prosody, NATTER, carbon_xml("sent", "carol@localhost/x",
                                             BOB, "not alice's message"))
    bob.send_message(NATTER, "a plain message after the forgeries")
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    screen = harness.round_trip(natter, bob, NATTER)
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_for(said(BOB, "a plain message after the "
                                  "forgeries"))
    assert "forged" not in screen and "not alice's" not in screen, screen
    assert natter.quit() == 0
    bodies = [r[2] for r in history_rows(xdg)]
    assert bodies == ["a plain message after the forgeries"], bodies


def test_private_and_no_copy_not_shown(natter, phone, bob, prosody, xdg):
    natter.wait_for(CONNECTED)
    carbons_on(natter)
    server_sends(prosody, NATTER, carbon_xml(
        "sent", PHONE, BOB, "private from the phone",
        "<private xmlns='%s'/>" % CARBONS))
    server_sends(prosody, NATTER, carbon_xml(
        "received", "bob@localhost/peer", PHONE, "no-copy to the phone",
        "<no-copy xmlns='urn:xmpp:hints'/>"))
    # the same from the server, unmarked: shown (the check above is not
    # a check that nothing from the shell arrives)
    server_sends(prosody, NATTER, carbon_xml(
        "sent", PHONE, BOB, "plain from the phone"))
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_for(said("alice", "plain from the phone", "phone"))
    screen = harness.round_trip(natter, bob, NATTER)
    assert "private from" not in screen and "no-copy to" not in screen, \
        screen
    # the server honours the marks itself: a private message the phone
    # sends is not copied, and bob gets it
    phone.send_raw(message_xml(BOB, "private, server side",
                               extra="<private xmlns='%s'/>" % CARBONS))
    bob.wait_message(lambda m: m[2] == "private, server side")
    phone.send_message(BOB, "not private")
    bob.wait_message(lambda m: m[2] == "not private")
    screen = natter.wait_for(said("alice", "not private", "phone"))
    screen = harness.round_trip(natter, bob, NATTER)
    assert "private, server side" not in screen, screen
    assert natter.quit() == 0
    bodies = [r[2] for r in history_rows(xdg)]
    assert bodies == ["plain from the phone", "not private"], bodies


def test_carbon_then_live_shown_once(natter, phone, bob, xdg):
    natter.wait_for(CONNECTED)
    carbons_on(natter)
    bob.send_raw(message_xml(PHONE, "said once", mid="dup-1"))
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    natter.send_keys("/query bob@localhost")
    natter.wait_for(said(BOB, "said once", "phone", to=True))
    # the same stanza again, now to natter itself (a resend)
    bob.send_raw(message_xml(NATTER, "said once", mid="dup-1"))
    bob.send_message(NATTER, "said after the resend")
    screen = natter.wait_for(said(BOB, "said after the resend"))
    screen = harness.round_trip(natter, bob, NATTER)
    assert len(re.findall(r"said once", screen)) == 1, screen
    assert natter.quit() == 0
    bodies = [r[2] for r in history_rows(xdg)]
    assert bodies == ["said once", "said after the resend"], bodies


@pytest.mark.natterrc(carbons=False)
def test_carbons_option_off(natter, phone, bob):
    natter.wait_for(CONNECTED)
    natter.send_keys("/carbons")
    natter.wait_for(r"message carbons off \(carbons = false\)")
    phone.send_message(BOB, "unseen by natter")
    bob.wait_message(lambda m: m[2] == "unseen by natter")
    bob.send_message(NATTER, "seen by natter")
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    natter.send_keys("/query bob@localhost")
    natter.wait_for(said(BOB, "seen by natter"))
    screen = harness.round_trip(natter, bob, NATTER)
    assert "unseen by natter" not in screen, screen


def test_carbons_again_after_reconnect(natter, phone, bob):
    """A new session (after /disconnect, /connect) asks for carbons
    again: the server forgets them with the old session."""
    natter.wait_for(CONNECTED)
    carbons_on(natter)
    natter.send_keys("/disconnect")
    natter.wait_for(r"test: disconnected")
    natter.send_keys("/carbons")
    natter.wait_for(r"message carbons off until connected")
    natter.send_keys("/connect")
    natter.wait_until(lambda s: len(re.findall(CONNECTED, s)) == 2,
                      "connected again")
    carbons_on(natter)
    phone.send_message(BOB, "after the reconnect")
    bob.wait_message(lambda m: m[2] == "after the reconnect")
    natter.send_keys("/query bob@localhost")
    natter.wait_for(said("alice", "after the reconnect", "phone"))
