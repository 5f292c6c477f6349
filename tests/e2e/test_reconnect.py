"""Connection life cycle: reconnecting by itself after the server died,
/disconnect and /connect, and /quit's clean exit."""

import re

import harness

CONNECTED = r"\bconnected as alice@localhost/natter"
DISCONNECTED = r"\bdisconnected\b"
EVENTS = (CONNECTED, DISCONNECTED)


def offline_round_trip(pane):
    """/ping while offline: natter refuses it at once.  Returns the
    screen once the refusal shows (natter handled everything before)."""
    refused = r"test is not connected \(/connect test\)"
    before = pane.count(refused)
    pane.send_keys("/ping")
    return pane.wait_until(lambda s: pane.count(refused, s) > before,
                           "/ping refused while offline")


def latest_is(pane, pattern):
    """The most recent connect/disconnect line on screen is `pattern`."""
    return lambda s: pane.last_of(EVENTS, s) == pattern


def test_reconnect_after_server_killed(prosody, natter, peer, alice):
    natter.wait_for(CONNECTED)
    assert peer.ping(alice.full_jid).type == "result"
    prosody.kill()
    screen = natter.wait_until(
        lambda s: latest_is(natter, DISCONNECTED)(s)
        and re.search(r"reconnecting in", s, re.I),
        "'disconnected' and 'reconnecting in'")
    assert not re.search(r"online", natter.status_bar(screen), re.I), screen
    prosody.start()
    natter.wait_until(latest_is(natter, CONNECTED),
                      "'connected as' again after the restart", timeout=30)
    peer.reconnect()
    reply = peer.ping(alice.full_jid)
    assert reply.type == "result", reply


def test_disconnect_connect_quit(natter, peer, alice):
    natter.wait_for(CONNECTED)
    natter.send_keys("/disconnect")
    screen = natter.wait_until(latest_is(natter, DISCONNECTED),
                               "'disconnected' after /disconnect")
    natter.wait_until(lambda s: re.search(r"offline", natter.status_bar(s),
                                          re.I),
                      "'offline' in the status bar")
    assert peer.ping(alice.full_jid).type == "error"
    # A disconnect the user asked for is not undone behind their back:
    # natter announces every reconnect it schedules ("reconnecting in"),
    # when it learns that the stream is down. After a command's round
    # trip through natter it has handled that, and said nothing.
    screen = offline_round_trip(natter)
    assert natter.last_of(EVENTS, screen) == DISCONNECTED, screen
    assert not re.search(r"reconnecting in", screen, re.I), screen
    assert peer.ping(alice.full_jid).type == "error"

    natter.send_keys("/connect")
    natter.wait_until(latest_is(natter, CONNECTED),
                      "'connected as' after /connect")
    natter.wait_until(lambda s: re.search(r"test:\s*online",
                                          natter.status_bar(s), re.I),
                      "'test: online' in the status bar")
    assert peer.ping(alice.full_jid).type == "result"

    pid = natter.pid()
    status = natter.quit()
    assert status == 0, "natter exited with %r" % (status,)
    assert not natter.is_running()
    assert not harness.process_alive(pid), "natter (pid %d) still exists" % pid

