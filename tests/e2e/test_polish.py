"""Loose ends of the hardening: what natter says when typed text cannot
go anywhere.

- Text typed in the strangers window: nobody to send it to; natter says
  how to answer one of them (/query JID) in that window, and nothing
  reaches the stranger (a message natter sends afterwards is the last
  one the peer gets: the barrier).
- Without a history database (history.db cannot be opened), a message
  typed offline has nowhere to wait: natter says so, not that the
  account is merely "not connected" (with a database it would be
  queued, see test_outbox.py)."""

import os

import pytest

CONNECTED = r"connected as alice@localhost/natter"
HOW_TO_ANSWER = r"/query JID opens a conversation to answer one"
NO_QUEUE = (r"Not sent: this account has no history database \(see the "
            r"console\), so nothing can wait to be sent while it is offline")


def bodies_from(peer, alice):
    return [body for frm, mtype, body in list(peer.messages)
            if frm.startswith(alice.jid + "/")]


@pytest.mark.natterrc(strangers="window")
def test_typing_in_strangers_window_says_how_to_answer(online, bob, alice):
    bob.send_message(alice.full_jid, "hello, who is this?")
    online.wait_until(lambda s: "[2:strangers(1)]" in online.status_bar(s),
                      "the strangers window")
    online.send_keys("/win 2")
    online.wait_for(r"<bob@localhost> hello, who is this\?")
    online.send_keys("it is me")
    screen = online.wait_for(HOW_TO_ANSWER)
    assert "has no conversation" not in screen, screen
    assert "strangers" in online.title(screen)   # said in that window
    online.send_keys("/msg bob@localhost the barrier")
    bob.wait_message(lambda m: m[2] == "the barrier")
    assert bodies_from(bob, alice) == ["the barrier"]


def test_no_history_offline_says_nothing_can_wait(write_rc, start_natter,
                                                  xdg):
    # history.db is a directory: SQLite cannot open it, history is off
    os.makedirs(os.path.join(xdg.data, "natter", "test", "history.db"))
    natter = start_natter(write_rc(autoconnect=False))
    natter.wait_for(r"test: history is off: cannot open")
    natter.send_keys("/query bob@localhost")
    natter.wait_for(r"\[2:bob@localhost\]")
    natter.send_keys("typed offline")
    screen = natter.wait_for(NO_QUEUE)
    assert "(queued)" not in screen, screen
    natter.send_keys("/me waves")
    natter.wait_until(lambda s: natter.count(NO_QUEUE, s) == 2,
                      "/me refused the same way")
    natter.send_keys("/msg bob@localhost typed offline too")
    natter.wait_until(lambda s: natter.count(NO_QUEUE, s) == 3,
                      "/msg refused the same way")
    assert "this account is not connected" not in natter.screen()
