"""Room history and staying in a room.

History: a room's lines are stored in natter's history, shown again when
the room's window is opened (after /close and after a restart of natter)
without the duplicates the room's replay on join would add, found by
/search ("in room ROOM <nick>") and shown by /jump in the room's window.

Staying in: natter joins its open rooms again when the connection comes
back as a new session (Prosody restarted: the resume fails), but not
after a resumed stream (a cut link); a room that lost natter while the
connection stayed up is noticed by the XEP-0410 self-ping after the
room has been silent for room_ping seconds, and joined again; a room
that says it shuts down (status 332) is joined again.

What alice types in a room goes through the outbox: shown at once, kept
while natter is offline, sent after the rejoin, and acknowledged (its
mark gone, the outbox empty) when the room echoes it back.

This Prosody runs muc_mam on its MUC (rooms stamp their lines with
XEP-0359 stanza-ids and replay history from the archive) and the admin
shell, through which a test makes the room forget natter without a word
(as a remote MUC that restarted would) or sends natter a 332.  bob and
carol are slixmpp peers sending raw MUC stanzas.
"""

import os
import re
import sqlite3

import pytest

import harness
import natterdemo
from netproxy import netproxy  # noqa: F401 (a fixture)

CONNECTED = r"connected as alice@localhost/natter"
MUC = "conference.localhost"
ROOM = "lobby@" + MUC
MUC_NS = "http://jabber.org/protocol/muc"
TITLE = r"lobby@conference\.localhost — joined"


@pytest.fixture
def prosody():
    """The private Prosody with a MUC that archives (muc_mam) and the
    admin shell (prosodyctl shell)."""
    server = natterdemo.PrivateProsody(domain="localhost", muc=MUC)
    with open(server.config_path, encoding="utf-8") as f:
        cfg = f.read()
    cfg = cfg.replace("modules_enabled = { ",
                      "modules_enabled = { \"admin_shell\", ", 1)
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


def shell(prosody, lua):
    """Runs Lua inside Prosody (its admin shell)."""
    out = prosody.prosodyctl("shell", "> " + lua)
    assert "Error" not in out, out
    return out


def forget_alice(prosody):
    """The room drops natter's session without telling anyone."""
    shell(prosody,
          "local r = prosody.hosts[%r].modules.muc.get_room_from_jid(%r); "
          "local o = r:get_occupant_by_nick(%r); "
          "o:remove_session('alice@localhost/natter'); r:save_occupant(o)"
          % (MUC, ROOM, ROOM + "/alice"))


def tell_shutdown(prosody):
    """The room tells natter it shuts down (status codes 110 and 332)
    and forgets it."""
    forget_alice(prosody)
    shell(prosody,
          "local st = require 'util.stanza'; "
          "prosody.hosts[%r].modules.muc.get_room_from_jid(%r)"
          ":route_stanza(st.presence({from=%r, "
          "to='alice@localhost/natter', type='unavailable'})"
          ":tag('x', {xmlns=%r}):tag('item', {affiliation='none', "
          "role='none'}):up():tag('status', {code='110'}):up()"
          ":tag('status', {code='332'}))"
          % (MUC, ROOM, ROOM + "/alice", MUC_NS + "#user"))


@pytest.fixture
def debug_log(xdg):
    return os.path.join(xdg.state, "rooms-debug.log")


@pytest.fixture
def rc(write_rc, debug_log):
    """rc(room_ping=0, port=None) -> alice's natterrc, debug log on."""
    def write(room_ping=0, port=None):
        opts = {"port": port} if port else {}
        path = write_rc(**opts)
        with open(path, "a", encoding="utf-8") as f:
            f.write("debug = true\ndebug_log = \"%s\"\nroom_ping = %d\n"
                    % (debug_log, room_ping))
        return path
    return write


def log_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_log(path, predicate, what, timeout=harness.WAIT):
    return harness.wait_value(lambda: predicate(log_text(path)) or None,
                              what, timeout)


def join(make_peer, user, nick=None):
    peer = make_peer(user)
    nick = nick or user
    peer.send_raw("<presence to='%s/%s'><x xmlns='%s'/></presence>"
                  % (ROOM, nick, MUC_NS))
    peer.wait_stanza("presence",
                     lambda el: el.get("from") == "%s/%s" % (ROOM, nick),
                     "%s's own presence in the room" % nick)
    return peer


def say(peer, body):
    peer.send_message(ROOM, body, mtype="groupchat")


def alice_joins(natter):
    natter.send_keys("/join %s" % ROOM)
    natter.wait_until(lambda s: re.search(TITLE, natter.title(s)),
                      "the room's window, joined")


def count(natter, text, screen=None):
    return len(re.findall(re.escape(text), screen or natter.screen()))


def db_path(xdg):
    return os.path.join(xdg.data, "natter", "test", "history.db")


def room_rows(xdg):
    with sqlite3.connect(db_path(xdg)) as db:
        return db.execute("SELECT nick, body, dir FROM messages"
                          " WHERE peer = ? AND room = 1 ORDER BY id",
                          (ROOM,)).fetchall()


def alice_said(bob, body):
    return bob.wait_message(lambda m: m[0] == "%s/alice" % ROOM
                            and m[1] == "groupchat" and m[2] == body)


def test_history_shown_again_without_duplicates(rc, start_natter,
                                                 make_peer, xdg):
    rcpath = rc()
    natter = start_natter(rcpath)
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    say(bob, "before alice came")
    alice_joins(natter)
    # nothing stored: the room replays its last lines
    natter.wait_for(r"<bob> before alice came")
    say(bob, "first from bob")
    natter.wait_for(r"<bob> first from bob")
    natter.send_keys("first from alice")
    alice_said(bob, "first from alice")
    natter.wait_for(r"<alice> first from alice")

    # leave and join again: the window shows the stored lines, and the
    # room's replay adds none of them twice
    natter.send_keys("/close")
    natter.wait_until(lambda s: "lobby@" not in natter.status_bar(s),
                      "the room window closed")
    say(bob, "while alice was away")
    alice_joins(natter)
    natter.wait_for(r"<bob> while alice was away")
    say(bob, "after the rejoin")
    screen = natter.wait_for(r"<bob> after the rejoin")
    for line in ("before alice came", "first from bob",
                 "first from alice", "while alice was away"):
        assert count(natter, line, screen) == 1, (line, screen)

    # and after a restart of natter
    assert natter.quit() == 0
    natter = start_natter(rcpath)
    natter.wait_for(CONNECTED)
    alice_joins(natter)
    say(bob, "after natter restarted")
    screen = natter.wait_for(r"<bob> after natter restarted")
    for line in ("before alice came", "first from bob",
                 "first from alice", "while alice was away",
                 "after the rejoin"):
        assert count(natter, line, screen) == 1, (line, screen)
    assert natter.quit() == 0
    assert room_rows(xdg) == [
        ("bob", "before alice came", 0), ("bob", "first from bob", 0),
        ("alice", "first from alice", 1), ("bob", "while alice was away", 0),
        ("bob", "after the rejoin", 0), ("bob", "after natter restarted", 0)]


def test_search_and_jump_to_a_room_line(rc, start_natter, make_peer):
    natter = start_natter(rc())
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    alice_joins(natter)
    say(bob, "the quokka question")
    for i in range(3):
        say(bob, "filler %d" % i)
    natter.wait_for(r"<bob> filler 2")
    natter.send_keys("/history 10")
    natter.wait_for(r"No older messages")
    natter.send_alt("1")
    natter.send_keys("/search quokka")
    natter.wait_for(r"\[1\] .* in room lobby@conference\.localhost <bob> "
                    r"the quokka question")
    natter.wait_for(r"1 match")
    natter.send_keys("/jump 1")
    natter.wait_until(lambda s: re.search(TITLE, natter.title(s)),
                      "/jump went to the room's window")
    natter.wait_for(r"<bob> the quokka question")


def test_rejoin_after_prosody_restart(prosody, rc, start_natter, make_peer):
    natter = start_natter(rc())
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    alice_joins(natter)
    say(bob, "before the restart")
    natter.wait_for(r"<bob> before the restart")
    # killed, as a crash would: the server forgets the stream and the
    # room (a graceful restart, prosody.restart(), works the same, but
    # makes libstrophe 0.12.2 leak the bound JID under the sanitizers:
    # its stream error resets the stream management state twice)
    prosody.kill()
    prosody.start()
    # natter cannot resume (the server forgot the stream): a new session
    natter.wait_for(r"Joining lobby@conference\.localhost again: the "
                    r"connection came back", timeout=60)
    natter.wait_for(r"Rejoined lobby@conference\.localhost as alice",
                    timeout=30)
    bob.reconnect()
    bob.send_presence()
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (ROOM, MUC_NS))
    natter.wait_for(r"bob joined")
    say(bob, "after the restart")
    screen = natter.wait_for(r"<bob> after the restart")
    # the window kept its lines; the replay added nothing twice
    assert count(natter, "before the restart", screen) == 1, screen
    natter.send_keys("hello again")
    alice_said(bob, "hello again")


def test_resumed_stream_keeps_the_room(rc, start_natter, make_peer,
                                       netproxy, debug_log):
    natter = start_natter(rc(port=netproxy.port))
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    alice_joins(natter)
    netproxy.cut()
    wait_log(debug_log, lambda t: "online (stream resumed)" in t,
             "the stream resumed")
    # a message through the room is the barrier: natter is still in
    say(bob, "after the cut")
    screen = natter.wait_for(r"<bob> after the cut")
    assert not re.search(r"Joining lobby@.* again|Rejoined", screen), screen


def test_self_ping_rejoins_a_room_that_forgot_us(prosody, rc, start_natter,
                                                 make_peer, debug_log):
    natter = start_natter(rc(room_ping=1))
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    alice_joins(natter)
    # a quiet room is pinged; while we are in, nothing else happens
    wait_log(debug_log, lambda t: "self-ping in %s answered: in" % ROOM in t,
             "a self-ping answered")
    say(bob, "still here")
    screen = natter.wait_for(r"<bob> still here")
    assert not re.search(r"Joining lobby@.* again", screen), screen

    forget_alice(prosody)
    natter.wait_for(r"Joining lobby@conference\.localhost again: the room "
                    r"no longer had you")
    natter.wait_for(r"Rejoined lobby@conference\.localhost as alice "
                    r"\(2 here\)")
    say(bob, "welcome back")
    screen = natter.wait_for(r"<bob> welcome back")
    assert count(natter, "still here", screen) == 1, screen
    natter.send_keys("back in")
    alice_said(bob, "back in")


def test_room_shutdown_332_is_joined_again(prosody, rc, start_natter,
                                           make_peer):
    natter = start_natter(rc())
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    alice_joins(natter)
    tell_shutdown(prosody)
    natter.wait_for(r"Joining lobby@conference\.localhost again: the room "
                    r"is restarting")
    natter.wait_for(r"Rejoined lobby@conference\.localhost as alice",
                    timeout=30)
    say(bob, "after the shutdown")
    natter.wait_for(r"<bob> after the shutdown")


def said(text, mark=""):
    return r"\d\d:\d\d <alice> %s%s\s*$" % (re.escape(text),
                                           re.escape(mark))


def outbox_rows(xdg):
    with sqlite3.connect(db_path(xdg)) as db:
        return [r[0] for r in db.execute(
            "SELECT body FROM outbox ORDER BY seq")]


def from_alice(peer, body):
    return [m for m in list(peer.messages)
            if m == ("%s/alice" % ROOM, "groupchat", body)]


def test_typed_while_offline_goes_after_the_rejoin(prosody, rc, start_natter,
                                                   make_peer, xdg):
    natter = start_natter(rc())
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    alice_joins(natter)
    natter.send_keys("said online")
    alice_said(bob, "said online")
    # the room's echo acknowledges it
    natter.wait_for(said("said online"))
    assert outbox_rows(xdg) == []

    prosody.kill()
    natter.wait_until(lambda s: re.search(r"test: (?!online)",
                                          natter.status_bar(s)),
                      "natter offline")
    natter.send_keys("typed offline 1")
    natter.send_keys("typed offline 2")
    natter.wait_for(said("typed offline 2", " (queued)"))
    natter.wait_for(said("typed offline 1", " (queued)"))
    assert not re.search(r"not sent", natter.screen(), re.I)
    assert outbox_rows(xdg) == ["typed offline 1", "typed offline 2"]

    prosody.start()
    natter.wait_for(r"Rejoined lobby@conference\.localhost as alice",
                    timeout=60)
    natter.wait_for(said("typed offline 2"))
    natter.wait_for(said("typed offline 1"))
    assert outbox_rows(xdg) == []
    # bob comes back and reads the room's history: each line once
    bob.reconnect()
    bob.send_presence()
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'><history "
                 "maxstanzas='20'/></x></presence>" % (ROOM, MUC_NS))
    alice_said(bob, "typed offline 2")
    natter.send_keys("after the rejoin")
    alice_said(bob, "after the rejoin")
    for body in ("typed offline 1", "typed offline 2"):
        assert len(from_alice(bob, body)) == 1, (body, bob.messages)
    assert natter.quit() == 0
    assert room_rows(xdg) == [
        ("alice", "said online", 1), ("alice", "typed offline 1", 1),
        ("alice", "typed offline 2", 1), ("alice", "after the rejoin", 1)]
