"""A room's message archive (XEP-0313 on the room's bare JID).

This Prosody's MUC runs muc_mam: rooms stamp their lines with XEP-0359
stanza-ids, replay at most 20 of them on a join (its history default),
and answer archive queries.  What the room said while natter was not in
it -- more than the join's replay brings -- appears after natter starts
and joins again: every line once, in order, on the screen and in the
history database (read after natter has quit).  A forged room archive
result (from a peer, or from the room with a queryid natter did not
send it) is dropped.

bob is a slixmpp occupant; the Prosody admin shell plays a room that
sends what it should not.
"""

import os
import re
import sqlite3

import pytest

import harness
from netproxy import netproxy  # noqa: F401 (a fixture)
# the Prosody with a MUC that archives (muc_mam) and the admin shell
from test_rooms_history import prosody  # noqa: F401 (a fixture)

CONNECTED = r"connected as alice@localhost/natter"
MUC = "conference.localhost"
ROOM = "lobby@" + MUC
MUC_NS = "http://jabber.org/protocol/muc"
TITLE = r"lobby@conference\.localhost — joined"
# more than the 20 the room replays on a join, more than a page (50)
MISSED = 70


@pytest.fixture
def debug_log(xdg):
    return os.path.join(xdg.state, "roommam-debug.log")


@pytest.fixture
def rc(write_rc, debug_log):
    """rc(port=None) -> alice's natterrc, debug log on."""
    def write(port=None):
        opts = {"port": port} if port else {}
        path = write_rc(**opts)
        with open(path, "a", encoding="utf-8") as f:
            f.write("debug = true\ndebug_log = \"%s\"\n" % debug_log)
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


def catch_ups_done(path):
    return len(re.findall(r"room %s: catch-up done" % re.escape(ROOM),
                          log_text(path)))


def join(make_peer, user):
    peer = make_peer(user)
    peer.send_raw("<presence to='%s/%s'><x xmlns='%s'/></presence>"
                  % (ROOM, user, MUC_NS))
    peer.wait_stanza("presence",
                     lambda el: el.get("from") == "%s/%s" % (ROOM, user),
                     "%s's own presence in the room" % user)
    return peer


def say(peer, body):
    peer.send_message(ROOM, body, mtype="groupchat")


def heard(peer, body):
    """peer's line came back from the room: the room has archived it."""
    return peer.wait_message(lambda m: m[0].startswith(ROOM + "/")
                             and m[1] == "groupchat" and m[2] == body)


def alice_joins(natter):
    natter.send_keys("/join %s" % ROOM)
    natter.wait_until(lambda s: re.search(TITLE, natter.title(s)),
                      "the room's window, joined")


def room_rows(xdg):
    path = os.path.join(xdg.data, "natter", "test", "history.db")
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute("SELECT nick, body FROM messages WHERE peer = ?"
                           " AND room = 1 ORDER BY ts, id",
                           (ROOM,)).fetchall()
    finally:
        con.close()


def test_missed_lines_come_from_the_room_archive(prosody, rc, start_natter,
                                                 make_peer, xdg, debug_log):
    rcpath = rc()
    natter = start_natter(rcpath)
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    alice_joins(natter)
    say(bob, "before natter stopped")
    natter.wait_for(r"<bob> before natter stopped")
    assert natter.quit() == 0

    # more than the join's replay would bring
    for i in range(1, MISSED + 1):
        say(bob, "missed %d" % i)
    heard(bob, "missed %d" % MISSED)

    natter = start_natter(rcpath)
    natter.wait_for(CONNECTED)
    alice_joins(natter)
    wait_log(debug_log, lambda t: catch_ups_done(debug_log) == 1,
             "the room's catch-up")
    say(bob, "after the catch-up")
    screen = natter.wait_for(r"<bob> after the catch-up")
    # the screen's last lines are the newest, in order, each once
    shown = [int(n) for n in re.findall(r"<bob> missed (\d+)\b", screen)]
    assert shown, screen
    assert shown == list(range(shown[0], MISSED + 1)), screen
    # what the archive held before the replay's first line is there too
    natter.send_keys("/search missed 1")
    natter.wait_for(r"in room lobby@conference\.localhost <bob> missed 1$",
                    timeout=harness.WAIT)
    assert natter.quit() == 0
    log = log_text(debug_log)
    assert re.search(r"room %s: catching up from its archive"
                     % re.escape(ROOM), log), log
    assert room_rows(xdg) == (
        [("bob", "before natter stopped")]
        + [("bob", "missed %d" % i) for i in range(1, MISSED + 1)]
        + [("bob", "after the catch-up")])


def forged_result(to, queryid, body):
    return ("<message to='%s'><result xmlns='urn:xmpp:mam:2'"
            " queryid='%s' id='forged-%s'>"
            "<forwarded xmlns='urn:xmpp:forward:0'>"
            "<delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00Z'/>"
            "<message xmlns='jabber:client' from='%s/bob' to='%s'"
            " type='groupchat'><body>%s</body></message></forwarded>"
            "</result></message>"
            % (to, queryid, queryid, ROOM, to, body))


def test_forged_room_results_dropped(prosody, rc, start_natter, make_peer,
                                     xdg, debug_log, netproxy):
    natter = start_natter(rc(port=netproxy.port))
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    alice_joins(natter)
    say(bob, "a line the room named")
    natter.wait_for(r"<bob> a line the room named")
    natter.send_keys("/close")
    natter.wait_until(lambda s: "lobby@" not in natter.status_bar(s),
                      "the room window closed")
    # joining again asks the room's archive; slowed, the query stays in
    # flight long enough for bob to answer it first
    before = len(re.findall(r"queryid=['\"]([^'\"]+)['\"]",
                            log_text(debug_log)))
    netproxy.slow(2)
    natter.send_keys("/join %s" % ROOM)

    def room_query(text):
        ids = re.findall(r"to=['\"]%s['\"][^>]*>\s*<query[^>]*"
                         r"queryid=['\"]([^'\"]+)['\"]" % re.escape(ROOM),
                         text)
        return ids[-1] if len(ids) and len(re.findall(
            r"queryid=['\"]", text)) > before else None
    queryid = harness.wait_value(lambda: room_query(log_text(debug_log)),
                                 "natter's query to the room's archive",
                                 timeout=60)
    # from a peer with the queryid natter sent the room
    bob.send_raw(forged_result("alice@localhost/natter", queryid,
                               "forged from a peer"))
    # from the room, with a queryid natter did not send it
    out = prosody.prosodyctl(
        "shell",
        "> local st = require 'util.stanza'; "
        "prosody.hosts[%r].modules.muc.get_room_from_jid(%r)"
        ":route_stanza(st.message({from=%r, to='alice@localhost/natter'})"
        ":tag('result', {xmlns='urn:xmpp:mam:2', queryid='not-ours',"
        " id='forged-room'}):tag('forwarded', {xmlns='urn:xmpp:forward:0'})"
        ":tag('message', {xmlns='jabber:client', from=%r,"
        " type='groupchat'}):text_tag('body', 'forged from the room'))"
        % (MUC, ROOM, ROOM, ROOM + "/bob"))
    assert "Error" not in out, out
    netproxy.restore()
    natter.wait_until(lambda s: re.search(TITLE, natter.title(s)),
                      "the room's window, joined")
    wait_log(debug_log, lambda t: catch_ups_done(debug_log) >= 1,
             "the room's catch-up")
    say(bob, "after the forgeries")
    natter.wait_for(r"<bob> after the forgeries")
    screen = harness.round_trip(natter, bob, "alice@localhost/natter")
    assert "forged" not in screen, screen
    assert natter.quit() == 0
    log = log_text(debug_log)
    assert "archive result from someone else dropped" in log, log
    assert "archive result for no query of ours dropped" in log, log
    assert not [r for r in room_rows(xdg) if "forged" in r[1]]
