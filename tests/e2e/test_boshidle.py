"""An idle BOSH session: exactly one request held at the server, and no
wake-up other than the server's answer to it when its `wait` is over.

Prosody grants a wait of at most 3 s here (bosh_max_wait), so several
wait periods pass in a few seconds; they are counted from Prosody's own
log (each request it handles), never slept through. After them a
message and a ping still get through at once both ways.

natter's wake-ups while idle are its voluntary context switches (each
return from poll() is one): one per renewed request, where libcurl's
stall check used to add one every second of each held request."""

import re
import time

import pytest

import harness
from test_web import BOB, CONNECTED, said, web_rc

WAIT = 3       # bosh_max_wait: the held request's wait, seconds
PERIODS = 4    # wait periods idled through
PROMPT = 10    # seconds a message or a ping may take after them

pytestmark = pytest.mark.prosody(web=True, log_level="debug",
                                 bosh_max_wait=WAIT)

# Prosody's mod_bosh, for each request it handles (debug level)
OPEN = re.compile(r"Session \S+ has (\d+) out of \d+ requests open")


def bosh_requests(prosody):
    """How many requests each handled request found open (itself
    included), in order."""
    with open(prosody.log_path, encoding="utf-8", errors="replace") as f:
        return [int(n) for n in OPEN.findall(f.read())]


def wakeups(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    raise AssertionError("no voluntary_ctxt_switches for %d" % pid)


def test_idle_bosh_one_held_request(prosody, accounts, write_rc,
                                    start_natter, make_peer):
    alice = accounts["alice"]
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])
    natter = start_natter(web_rc(write_rc, prosody, "bosh"))
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    harness.round_trip(natter, bob, alice.full_jid)
    pid = natter.pid()
    # idle from here: only the held request, renewed each wait
    seen = len(bosh_requests(prosody))
    woke = wakeups(pid)
    t0 = time.monotonic()
    harness.wait_value(lambda: len(bosh_requests(prosody)) >= seen + PERIODS,
                       "%d held requests renewed" % PERIODS,
                       timeout=WAIT * PERIODS * 5 + 10)
    idle = time.monotonic() - t0
    woke = wakeups(pid) - woke
    renewed = bosh_requests(prosody)[seen:]
    # every renewal found no other request open: one held at a time
    assert renewed and all(n == 1 for n in renewed), renewed
    # each renewal came after a whole wait (the server's answer), not
    # sooner: PERIODS renewals took about PERIODS waits
    assert idle >= WAIT * (PERIODS - 1), idle
    # one wake-up per renewal (the answer read, the next request sent
    # in the same pass; one more allowed for a split answer), none in
    # between: libcurl's stall check added one per second idle
    assert woke <= 2 * len(renewed) + 1, (woke, len(renewed), idle)
    # and after the idle periods, both ways, well within the 20 s an
    # answer once waited for libcurl to look again
    natter.send_keys("/msg %s after %d waits" % (BOB, PERIODS))
    bob.wait_message(lambda m: m[2] == "after %d waits" % PERIODS,
                     timeout=PROMPT)
    bob.send_message(alice.full_jid, "and back after the waits")
    natter.wait_for(said("Bob", "and back after the waits"), timeout=PROMPT)
    reply = bob.ping(alice.full_jid, PROMPT)
    assert reply.type == "result", reply
    assert natter.quit() == 0


# what natter's debug log says when libwebsockets' housekeeping (its
# periodic check, every 30 s on unix: the only timer an idle WebSocket
# connection had) is left for the next wake-up instead of a timer
DEFERRED = re.compile(r"idle: libwebsockets' housekeeping \(due in (\d+) ms\) "
                      r"waits for the next wake-up")


def test_idle_websocket_no_wakeups(prosody, accounts, write_rc,
                                   start_natter, make_peer, tmp_path):
    """Over WebSocket an idle natter keeps no timer for libwebsockets'
    housekeeping: once the connection is up and quiet, natter's debug
    log says the deadline (a second or more away) waits for the next
    wake-up, after a round trip and again after the next one; the
    connection still works both ways at once afterwards."""
    alice = accounts["alice"]
    log = tmp_path / "natter-debug.log"
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    rc = web_rc(write_rc, prosody, "websocket", debug_log=log)
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")

    def deferrals():
        try:
            return DEFERRED.findall(log.read_text(errors="replace"))
        except FileNotFoundError:
            return []

    harness.round_trip(natter, bob, alice.full_jid)
    first = harness.wait_value(deferrals, "the housekeeping deferred")
    assert all(int(ms) >= 1000 for ms in first), first
    # the next quiet spell defers it again: a ping wakes natter, and
    # afterwards no timer is left for it
    harness.round_trip(natter, bob, alice.full_jid)
    harness.wait_value(lambda: len(deferrals()) > len(first),
                       "the housekeeping deferred after the next wake-up")
    # and the connection still works both ways at once
    reply = bob.ping(alice.full_jid, PROMPT)
    assert reply.type == "result", reply
    natter.send_keys("/msg %s after the idle span" % BOB)
    bob.wait_message(lambda m: m[2] == "after the idle span",
                     timeout=PROMPT)
    bob.send_message(alice.full_jid, "and back after it")
    natter.wait_for(said("Bob", "and back after it"), timeout=PROMPT)
    assert natter.quit() == 0
