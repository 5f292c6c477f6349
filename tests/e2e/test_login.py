"""Logging in: tls = "trust" against a self-signed server, and a wrong
password (reported once, no retry loop, natter stays usable)."""

import re

import pytest

CONNECTED = r"connected as alice@localhost/natter"
CONNECTING = r"\bconnecting\b"      # not "reconnecting"


def test_login_trust_and_ping(natter, peer, alice):
    screen = natter.wait_for(CONNECTED)
    assert re.search(r"test:.*connected as alice@localhost/natter", screen,
                     re.I), "status line lacks the account prefix:\n" + screen
    assert natter.count(CONNECTING, screen) >= 1, \
        "no 'connecting' line before 'connected as':\n" + screen
    natter.wait_until(lambda s: re.search(r"test:\s*online",
                                          natter.status_bar(s), re.I),
                      "'test: online' in the status bar")
    reply = peer.ping(alice.full_jid)
    assert reply.type == "result", reply


@pytest.mark.natterrc(password="not-the-password")
def test_wrong_password_no_retry(natter, peer, alice):
    screen = natter.wait_for(r"login failed")
    connecting = natter.count(CONNECTING, screen)
    assert connecting >= 1, screen
    # natter announces a retry when it schedules one, on learning that the
    # login failed; after a command's round trip it has handled that.
    natter.send_keys("/ping")
    screen = natter.wait_for(r"test is not connected \(/connect test\)")
    assert natter.count(CONNECTING, screen) <= connecting, \
        "natter retried after a failed login:\n" + screen
    assert not re.search(r"reconnecting|connected as", screen, re.I), \
        "natter retried after a failed login:\n" + screen
    assert re.search(r"login failed", screen, re.I), screen
    assert not re.search(r"online", natter.status_bar(screen), re.I), screen
    assert natter.is_running(), "natter exited after a failed login"
    # Still usable: /help answers (the end of its list: the top scrolls
    # off a 40-row screen), and so does /help connect.
    natter.send_keys("/help")
    natter.wait_until(
        lambda s: all(re.search(r"(?<!\w)/%s\b" % c, natter.console(s))
                      for c in ("disco", "register", "password")),
        "/help listing /disco, /register and /password")
    natter.send_keys("/help connect")
    natter.wait_for(r"\d\d:\d\d /connect \[ACCOUNT\]")
    assert peer.ping(alice.full_jid).type == "error"
