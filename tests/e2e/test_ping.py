"""/ping (XEP-0199) and the barrier the e2e tests build on it: pings are
numbered, an answer shows its round trip, an error or a refusal says
why; after NatterPane.barrier() whatever natter sent before has reached
the peer, and after round_trip() whatever the peer sent before has been
handled and drawn; a natter that crashed before the end of a test fails
the teardown (finish)."""

import os
import re
import signal

import pytest

import harness
from harness import message_xml

CONNECTED = r"connected as alice@localhost/natter"


def test_ping_server_and_peer(online, bob):
    screen = online.barrier()
    assert re.search(r"Ping 1 sent to localhost", screen), screen
    assert re.search(r"Ping 1: answer in \d+ ms from localhost", screen)
    online.send_keys("/ping " + bob.jid)
    online.wait_for(r"Ping 2: answer in \d+ ms from %s" % re.escape(bob.jid))
    assert online.last_ping() == 2


def test_ping_errors(online, bob):
    # an address without a client: the server answers for it
    online.send_keys("/ping nobody@localhost/nowhere")
    online.wait_for(r"Ping 1 failed after \d+ ms: nobody@localhost/nowhere: "
                    r"the recipient cannot receive it")
    # a barrier whose ping fails fails (unless errors are fine)
    with pytest.raises(AssertionError, match="barrier's ping failed"):
        online.barrier("nobody@localhost/nowhere")
    online.barrier("nobody@localhost/nowhere", errors_ok=True)
    assert online.last_ping() == 3
    online.send_keys("/ping not@valid@jid")
    online.wait_for(r"Not an address: not@valid@jid")
    online.send_keys("/ping a b")
    online.wait_for(r"Usage: /ping \[JID\]")
    online.send_keys("/disconnect")
    online.wait_for(r"test: disconnected")
    online.send_keys("/ping")
    online.wait_for(r"test is not connected \(/connect test\)")


def test_barrier_natter_to_peer(online, bob):
    """Right after the barrier, the messages typed before it are there."""
    for i in range(5):
        online.send_keys("/msg %s burst %d" % (bob.jid, i))
    online.barrier(bob.jid)
    assert [m[2] for m in bob.messages if m[2]] == ["burst %d" % i
                                                    for i in range(5)]


def test_round_trip_peer_to_natter(prosody, accounts, natterrc, start_natter,
                                   make_peer, alice):
    """Right after round_trip(), what the peer sent before shows."""
    harness.write_roster(prosody, "alice", [{"jid": "bob@localhost"}])
    online = start_natter(natterrc)
    online.wait_for(CONNECTED)
    bob = make_peer("bob")
    for i in range(3):
        bob.send_raw(message_xml(alice.full_jid, body="flood %d" % i))
    screen = harness.round_trip(online, bob, alice.full_jid)
    assert re.search(r"\[2:bob@localhost\(3\)\]", online.status_bar(screen)), \
        harness.boxed(screen)


def test_crash_fails_the_teardown(natterrc, xdg, natter_bin):
    """finish() reports a natter that died during the test, and is happy
    with one that the test saw end."""
    pane = harness.NatterPane([natter_bin, "-c", natterrc], xdg.env())
    pane.start()
    try:
        pane.wait_for(CONNECTED)
        os.kill(pane.pid(), signal.SIGSEGV)
        pane.wait_until(lambda s: not pane.is_running(), "natter gone")
    finally:
        problem = pane.finish()
    assert problem and "ended before the test did" in problem, problem

    pane = harness.NatterPane([natter_bin, "-c", natterrc], xdg.env())
    pane.start()
    try:
        pane.wait_for(CONNECTED)
        assert pane.quit() == 0
    finally:
        assert pane.finish() is None

    # killed on purpose (kill() waits for the end): fine too
    pane = harness.NatterPane([natter_bin, "-c", natterrc], xdg.env())
    pane.start()
    try:
        pane.wait_for(CONNECTED)
        assert pane.kill() == 128 + signal.SIGKILL
    finally:
        assert pane.finish() is None


def test_hang_at_quit_fails_the_teardown(natterrc, xdg, natter_bin):
    pane = harness.NatterPane([natter_bin, "-c", natterrc], xdg.env())
    pane.start()
    pid = None
    try:
        pane.wait_for(CONNECTED)
        pid = pane.pid()
        os.kill(pid, signal.SIGSTOP)   # it cannot answer /quit
        problem = pane.finish(timeout=2)
    finally:
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pane.kill_server()
    assert problem and "did not end within 2 s of /quit" in problem, problem


def test_ping_pending_at_quit(online):
    """A ping still waiting for its answer is ended cleanly at /quit (the
    sanitizer build finds a leak or a use after free here)."""
    online.send_keys("/ping nosuch.example/x")
    online.send_keys("/quit")
    assert online.wait_exit() == 0
