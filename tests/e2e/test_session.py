"""A session's life across failures: a stream resumed with XEP-0198 after
the link broke keeps presence, roster and unread counts; a fresh session
(the server restarted) fetches the roster again without losing unread
counts; a link that dies after every login is retried with growing
waits; the keepalive notices a link that went silent and reconnects,
and leaves a healthy one alone; password_eval runs beside the other
accounts' traffic, within its time limit, with clear errors.

Links are broken with netproxy, a loopback TCP proxy between natter and
Prosody: cut() closes every proxied connection at once (each side sees
the other close, as when a network dies; Prosody keeps the session for
resumption), silence() makes the current connections silent (bytes
are swallowed both ways, nothing is closed). New connections are always
proxied normally. Whether a stream was resumed is read from natter's
debug log ("online (stream resumed)" / "online (new session)"), which
these tests turn on.
"""

import os
import re
import time

import pytest

import harness
import natterdemo
from netproxy import netproxy  # noqa: F401 (a fixture)

CONNECTED = r"connected as alice@localhost/natter"
DISCONNECTED = r"\bdisconnected\b"
BOB = "bob@localhost"


@pytest.fixture
def friends(prosody, accounts):
    """alice and bob see each other's presence; alice calls him Bob."""
    harness.write_roster(prosody, "alice", [
        {"jid": BOB, "name": "Bob", "groups": ["Friends"]}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


@pytest.fixture
def debug_log(xdg):
    return os.path.join(xdg.state, "session-debug.log")


@pytest.fixture
def rc(prosody, alice, xdg, debug_log):
    """rc(port=None, extra="", **account opts) -> alice's natterrc, with
    the debug log on."""
    def write(port=None, extra="", **opts):
        acct = natterdemo.natter_account(
            alice.jid, alice.password, port or prosody.c2s_port,
            resource="natter", **opts)
        return natterdemo.write_natterrc(
            xdg.natterrc, {"test": acct},
            extra="debug = true\ndebug_log = \"%s\"\n%s" % (debug_log,
                                                            extra))
    return write


def log_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_log(path, predicate, what, timeout=harness.WAIT):
    """Poll the debug log until predicate(text) holds; return the text."""
    deadline = time.monotonic() + timeout
    while True:
        text = log_text(path)
        if predicate(text):
            return text
        if time.monotonic() >= deadline:
            raise AssertionError("timed out waiting for %s in the debug "
                                 "log; its end:\n%s" % (what, text[-3000:]))
        time.sleep(harness.POLL)


def latest_is(pane, pattern):
    return lambda s: pane.last_of((CONNECTED, DISCONNECTED), s) == pattern


def pane_row(pane, screen, mark, name):
    """The roster pane's row for name, if it has presence mark `mark`:
    the text after the name (an unread count or subscription mark)."""
    for row in pane.roster_rows(screen):
        m = re.match(r"%s %s(?:\s+(\S+))?$" % (re.escape(mark),
                                               re.escape(name)), row)
        if m:
            return m.group(1) or ""
    return None


def window_unread(pane, screen, num):
    m = re.search(r"\[%d:[^\]\(]+(?:\((\d+)\))?\]" % num,
                  pane.status_bar(screen))
    return int(m.group(1) or 0) if m else None


def bob_online_with(pane, unread):
    """Predicate: Bob online in the pane with `unread` in his row and in
    window 2's entry of the status bar."""
    def check(screen):
        return (pane_row(pane, screen, "+", "Bob") == "(%d)" % unread
                and window_unread(pane, screen, 2) == unread)
    return check


def test_resume_keeps_presence_and_unread(friends, netproxy, rc,
                                          start_natter, make_peer, alice,
                                          debug_log):
    natter = start_natter(rc(port=netproxy.port))
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    bob.send_message(alice.full_jid, "before the cut")
    natter.wait_until(bob_online_with(natter, 1),
                      "Bob online with one unread message")

    netproxy.cut()
    natter.wait_until(latest_is(natter, DISCONNECTED), "the cut noticed")
    natter.wait_until(latest_is(natter, CONNECTED), "connected again",
                      timeout=30)
    assert netproxy.accepted == 2
    # a message after the resume is the barrier: it arrives on the
    # resumed stream, and what was known before is still there
    bob.send_message(alice.full_jid, "after the cut")
    screen = natter.wait_until(bob_online_with(natter, 2),
                               "Bob still online, two unread")
    assert natter.count(r"roster has \d+ contact", screen) == 1, \
        "a resumed session fetched the roster again"
    text = wait_log(debug_log, lambda t: "online (stream resumed)" in t,
                    "the stream resumed")
    assert text.count("online (new session)") == 1, text[-3000:]
    # our presence was kept by the server: bob never saw us leave
    gone = [st for st in bob.presences
            if st.get("from", "").startswith(alice.jid)
            and st.get("type") == "unavailable"]
    assert not gone, gone


def test_fresh_session_keeps_unread(friends, prosody, rc, start_natter,
                                    make_peer, alice, debug_log):
    natter = start_natter(rc())
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    bob.send_message(alice.full_jid, "before the restart")
    natter.wait_until(bob_online_with(natter, 1),
                      "Bob online with one unread message")

    prosody.kill()     # its sessions die with it: nothing to resume
    natter.wait_until(latest_is(natter, DISCONNECTED), "the server gone")
    prosody.start()
    natter.wait_until(latest_is(natter, CONNECTED), "connected again",
                      timeout=30)
    natter.wait_until(lambda s: natter.count(r"roster has 1 contact", s) == 2,
                      "the roster fetched again")
    bob.reconnect()
    bob.send_presence()
    bob.send_message(alice.full_jid, "after the restart")
    natter.wait_until(bob_online_with(natter, 2),
                      "Bob online again, both messages unread")
    text = log_text(debug_log)
    assert text.count("online (new session)") == 2, text[-3000:]
    assert "online (stream resumed)" not in text


def test_no_reconnect_storm(netproxy, rc, start_natter, debug_log):
    """A link that dies right after every login is retried after longer
    and longer waits, not about every second."""
    natter = start_natter(rc(port=netproxy.port))
    waits = []
    for k in range(1, 4):
        natter.wait_until(lambda s: natter.count(CONNECTED, s) == k,
                          "login %d" % k, timeout=30)
        netproxy.cut()
        screen = natter.wait_until(
            lambda s: len(re.findall(r"reconnecting in ([\d.]+) s", s)) == k,
            "drop %d" % k)
        waits.append(float(re.findall(r"reconnecting in ([\d.]+) s",
                                      screen)[-1]))
    # 1 s, 2 s, 4 s, each +-20%
    assert 0.8 <= waits[0] <= 1.2, waits
    assert 1.6 <= waits[1] <= 2.4, waits
    assert 3.2 <= waits[2] <= 4.8, waits


def test_keepalive_notices_silent_link(netproxy, rc, start_natter, peer,
                                       alice, debug_log):
    natter = start_natter(rc(port=netproxy.port,
                             extra="keepalive = 2\nkeepalive_timeout = 2\n"))
    natter.wait_for(CONNECTED)
    assert peer.ping(alice.full_jid).type == "result"
    netproxy.silence()
    natter.wait_until(
        lambda s: latest_is(natter, DISCONNECTED)(s)
        and re.search(r"disconnected \(the server stopped answering\); "
                      r"reconnecting in", s),
        "the silent link noticed", timeout=30)
    natter.wait_until(latest_is(natter, CONNECTED),
                      "connected again over a new link", timeout=30)
    assert netproxy.accepted == 2
    assert peer.ping(alice.full_jid).type == "result"
    assert "no answer to a keepalive ping in 2 s" in log_text(debug_log)


def test_keepalive_keeps_healthy_link(rc, start_natter, peer, alice,
                                      debug_log):
    natter = start_natter(rc(extra="keepalive = 1\nkeepalive_timeout = 3\n"))
    natter.wait_for(CONNECTED)
    wait_log(debug_log, lambda t: t.count("keepalive answered") >= 4,
             "four keepalive pings answered", timeout=30)
    assert peer.ping(alice.full_jid).type == "result"
    screen = natter.screen()
    assert natter.count(DISCONNECTED, screen) == 0, screen
    assert natter.count(CONNECTED, screen) == 1, screen
    assert re.search(r"test:\s*online", natter.status_bar(screen)), screen


def test_keepalive_off(rc, start_natter, peer, alice, debug_log):
    natter = start_natter(rc(extra="keepalive = 0\n"))
    natter.wait_for(CONNECTED)
    # pings from the peer are the barrier: several round trips later,
    # natter has sent none of its own
    for _ in range(3):
        assert peer.ping(alice.full_jid).type == "result"
    assert "keepalive ping" not in log_text(debug_log)


# -- password_eval -----------------------------------------------------------

def two_accounts(prosody, accounts, xdg, slow_eval, extra=""):
    """natterrc with alice ("test", plain password) and bob ("slow",
    password_eval = slow_eval)."""
    alice, bob = accounts["alice"], accounts["bob"]
    return natterdemo.write_natterrc(xdg.natterrc, [
        ("test", natterdemo.natter_account(alice.jid, alice.password,
                                           prosody.c2s_port)),
        ("slow", natterdemo.natter_account(bob.jid, None, prosody.c2s_port,
                                           password_eval=slow_eval)),
    ], extra=extra)


def test_password_eval_does_not_block(prosody, accounts, xdg, start_natter,
                                      make_peer):
    alice, bob = accounts["alice"], accounts["bob"]
    gate = os.path.join(xdg.state, "gate")
    # bob's password comes once the test opens the gate
    cmd = "while [ ! -e '%s' ]; do sleep 0.1; done; printf %%s '%s'" % (
        gate, bob.password)
    natter = start_natter(two_accounts(prosody, accounts, xdg, cmd))
    natter.wait_for(CONNECTED)
    carol = make_peer("carol")
    # while slow's command runs, test's connection is served
    for _ in range(3):
        reply = carol.ping(alice.full_jid, timeout=5)
        assert reply.type == "result", reply
    assert not re.search(r"connected as bob@", natter.screen())
    open(gate, "w").close()
    natter.wait_for(r"connected as bob@localhost/natter")
    assert carol.ping(bob.full_jid).type == "result"


def test_password_eval_time_limit(prosody, accounts, xdg, start_natter):
    natter = start_natter(two_accounts(prosody, accounts, xdg, "sleep 600",
                                       extra="password_eval_timeout = 1\n"))
    screen = natter.wait_for(
        r"slow: not connected: no password: password_eval did not finish "
        r"within 1 s and was stopped")
    assert re.search(CONNECTED, screen) or natter.wait_for(CONNECTED)
    # the command was killed: natter has no child left
    pid = natter.pid()
    assert harness.child_pids(pid) == [], harness.child_pids(pid)


@pytest.mark.parametrize("cmd, words", [
    ("exit 3", r"password_eval failed \(exit status 3\)"),
    ("true", r"password_eval printed no password"),
    ("printf '\\n'; printf secret", r"password_eval printed no password"),
    ("kill -KILL $$", r"password_eval was killed by signal 9"),
])
def test_password_eval_errors(prosody, accounts, xdg, start_natter, cmd,
                              words):
    natter = start_natter(two_accounts(prosody, accounts, xdg, cmd))
    natter.wait_for(r"slow: not connected: no password: " + words)
    # not retried by itself: failed (nothing scheduled), not reconnecting
    screen = natter.wait_for(CONNECTED)
    assert not re.search(r"slow: connecting", screen.split(
        "slow: not connected")[-1])
    assert "slow: failed |" in natter.status_bar(screen), \
        natter.status_bar(screen)


def test_password_eval_works(prosody, accounts, xdg, start_natter, make_peer):
    bob = accounts["bob"]
    natter = start_natter(two_accounts(
        prosody, accounts, xdg, "printf '%s\\nignored'" % bob.password))
    natter.wait_for(r"connected as bob@localhost/natter")
    carol = make_peer("carol")
    assert carol.ping(bob.full_jid).type == "result"
