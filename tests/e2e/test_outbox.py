"""The outbox: no message the user typed is lost or sent twice.

A message is written to natter's history database (the outbox table)
before it is sent, shown "(queued)" until it is handed to a connection,
"(sent)" until the server acknowledges it (XEP-0198) or a receipt comes,
and then without a mark (" ✓" once received).  Typed while offline, it
is queued and goes out on connect; after kill -9 it goes out when natter
starts again, once; across a cut connection (netproxy) it reaches the
peer exactly once, whether the server had it before the cut (the
resumed stream's h says so, natter must not send it again) or not
(natter must send it again); when the server lost the stream (it was
restarted), the fresh stream gets every unconfirmed message again, with
its id.  The peer counts what it got; a message
natter typed last is the barrier after which nothing more can come."""

import os
import re
import signal
import sqlite3

import harness
from netproxy import netproxy  # noqa: F401 (a fixture)

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
BOB_TITLE = r"^\s*bob@localhost <bob@localhost[/>]"
ACCOUNT = "test"


def said(text, mark=""):
    return r"\d\d:\d\d <alice> %s%s\s*$" % (re.escape(text),
                                           re.escape(mark))


def from_alice(peer, alice):
    """Bodies of the chat messages peer got from alice, in order."""
    return [body for frm, mtype, body in list(peer.messages)
            if frm.startswith(alice.jid + "/") and mtype == "chat"]


def wait_body(peer, text):
    return peer.wait_message(lambda m: m[2] == text)


def db_path(xdg):
    return os.path.join(xdg.data, "natter", ACCOUNT, "history.db")


def outbox_rows(xdg):
    with sqlite3.connect(db_path(xdg)) as db:
        return [r[0] for r in db.execute(
            "SELECT body FROM outbox ORDER BY seq")]


def history_out(xdg):
    with sqlite3.connect(db_path(xdg)) as db:
        return [r[0] for r in db.execute(
            "SELECT body FROM messages WHERE peer = ? AND dir = 1"
            " ORDER BY id", (BOB,))]


def open_bob(pane):
    pane.send_keys("/query " + BOB)
    pane.wait_until(lambda s: re.search(BOB_TITLE, pane.title(s)),
                    "bob's window")


def connections(pane):
    """How often the console says natter connected (it is window 1; the
    conversation is window 2)."""
    pane.send_alt("1")
    screen = pane.wait_for(r"natter console")
    pane.send_alt("2")
    pane.wait_until(lambda s: re.search(BOB_TITLE, pane.title(s)),
                    "bob's window")
    return len(re.findall(CONNECTED, screen))


def test_offline_typing_is_queued_and_sent_on_connect(write_rc,
                                                      start_natter, bob,
                                                      alice, xdg):
    natter = start_natter(write_rc(autoconnect=False))
    open_bob(natter)
    natter.send_keys("typed offline, one")
    natter.send_keys("typed offline, two")
    natter.wait_for(said("typed offline, two", " (queued)"))
    natter.wait_for(said("typed offline, one", " (queued)"))
    assert not re.search(r"not sent", natter.screen(), re.I)
    assert outbox_rows(xdg) == ["typed offline, one", "typed offline, two"]

    natter.send_keys("/connect")
    wait_body(bob, "typed offline, two")
    natter.send_keys("after connecting")
    wait_body(bob, "after connecting")
    assert from_alice(bob, alice) == ["typed offline, one",
                                      "typed offline, two",
                                      "after connecting"]
    # the server acknowledged each: no mark left, the outbox empty
    natter.wait_until(lambda s: not re.search(r"\((queued|sent)\)", s),
                      "no queued or sent marks")
    natter.wait_for(said("typed offline, one"))
    assert natter.quit() == 0
    assert outbox_rows(xdg) == []
    assert history_out(xdg) == ["typed offline, one", "typed offline, two",
                                "after connecting"]


def test_kill9_with_queued_messages_then_restart_sends_once(
        write_rc, start_natter, natter_bin, bob, alice, xdg):
    first = harness.NatterPane([natter_bin, "-c", write_rc(autoconnect=False)],
                               xdg.env())
    try:
        first.start()
        open_bob(first)
        for i in (1, 2, 3):
            first.send_keys("before the crash %d" % i)
        first.wait_for(said("before the crash 3", " (queued)"))
        os.kill(first.pid(), signal.SIGKILL)
        first.wait_exit()
    finally:
        first.kill_server()
    # on disk though natter never got to close the database
    assert outbox_rows(xdg) == ["before the crash %d" % i for i in (1, 2, 3)]

    natter = start_natter(write_rc(autoconnect=True))
    natter.wait_for(CONNECTED)
    wait_body(bob, "before the crash 3")
    open_bob(natter)
    # they came back from the history, queued or sent, then confirmed
    natter.wait_for(said("before the crash 1"))
    natter.send_keys("after the restart")
    wait_body(bob, "after the restart")
    assert from_alice(bob, alice) == ["before the crash 1",
                                      "before the crash 2",
                                      "before the crash 3",
                                      "after the restart"]
    assert natter.quit() == 0
    assert outbox_rows(xdg) == []
    assert history_out(xdg) == ["before the crash 1", "before the crash 2",
                                "before the crash 3", "after the restart"]


def _warmed_up(write_rc, start_natter, netproxy, bob):
    """natter connected through netproxy, in bob's window, with a first
    message ("warm up") through to bob."""
    natter = start_natter(write_rc(port=netproxy.port))
    natter.wait_for(CONNECTED)
    open_bob(natter)
    natter.send_keys("warm up")
    wait_body(bob, "warm up")
    return natter


def _cut_and_resume(natter, netproxy):
    """Cut natter's link and let it come back (Prosody keeps the stream
    for resumption, so natter resumes it)."""
    before = connections(natter)
    netproxy.cut()
    netproxy.restore()
    natter.send_alt("1")
    natter.wait_until(lambda s: len(re.findall(CONNECTED, s)) > before,
                      "natter connected again", timeout=30)
    natter.send_alt("2")
    natter.wait_until(lambda s: re.search(BOB_TITLE, natter.title(s)),
                      "bob's window")


def _each_once_after_the_cut(natter, bob, alice, xdg, cut):
    """natter sends "after the cut"; bob has had each message once, in
    order: "warm up", the list cut, "after the cut"; natter marks none
    queued or sent any more and quits cleanly with its outbox empty."""
    natter.send_keys("after the cut")
    wait_body(bob, "after the cut")
    assert from_alice(bob, alice) == ["warm up"] + cut + ["after the cut"]
    natter.wait_until(lambda s: not re.search(r"\((queued|sent)\)", s),
                      "no queued or sent marks")
    assert natter.quit() == 0
    assert outbox_rows(xdg) == []


def test_cut_after_the_server_had_them_sends_nothing_twice(
        write_rc, start_natter, netproxy, bob, alice, xdg):
    natter = _warmed_up(write_rc, start_natter, netproxy, bob)
    # the server gets them, natter never hears it acknowledge them
    netproxy.stall(up=False, down=True)
    for i in (1, 2, 3):
        natter.send_keys("reached the server %d" % i)
    wait_body(bob, "reached the server 3")
    natter.wait_for(said("reached the server 3", " (sent)"))
    _cut_and_resume(natter, netproxy)
    _each_once_after_the_cut(natter, bob, alice, xdg, [
        "reached the server %d" % i for i in (1, 2, 3)])


def test_cut_before_the_server_had_them_sends_them_again(
        write_rc, start_natter, netproxy, bob, alice, xdg):
    natter = _warmed_up(write_rc, start_natter, netproxy, bob)
    # natter writes them into a link that delivers nothing, then it dies
    netproxy.stall(up=True, down=False)
    for i in (1, 2, 3):
        natter.send_keys("lost in the link %d" % i)
    natter.wait_for(said("lost in the link 3", " (sent)"))
    _cut_and_resume(natter, netproxy)
    wait_body(bob, "lost in the link 3")
    _each_once_after_the_cut(natter, bob, alice, xdg, [
        "lost in the link %d" % i for i in (1, 2, 3)])
    assert history_out(xdg) == ["warm up"] + [
        "lost in the link %d" % i for i in (1, 2, 3)] + ["after the cut"]


def test_fresh_session_sends_the_unconfirmed_again_with_their_ids(
        prosody, write_rc, start_natter, netproxy, bob, alice, xdg):
    natter = _warmed_up(write_rc, start_natter, netproxy, bob)
    # confirmed: a fresh stream has no way to tell the server had it
    # but the outbox's word
    natter.wait_for(said("warm up"))
    netproxy.stall(up=True, down=False)
    for i in (1, 2):
        natter.send_keys("never confirmed %d" % i)
    natter.wait_for(said("never confirmed 2", " (sent)"))
    with sqlite3.connect(db_path(xdg)) as db:
        ids = dict(db.execute("SELECT body, stanza_id FROM messages"
                              " WHERE dir = 1"))
    # the server forgets the stream: natter cannot resume it and starts
    # a fresh one, where the outbox goes out again
    before = connections(natter)
    prosody.kill()
    netproxy.cut()
    netproxy.restore()
    prosody.start()
    bob.reconnect()
    bob.send_presence()
    natter.send_alt("1")
    natter.wait_until(lambda s: len(re.findall(CONNECTED, s)) > before,
                      "natter connected again", timeout=60)
    natter.send_alt("2")
    wait_body(bob, "never confirmed 2")
    natter.send_keys("after the restart")
    wait_body(bob, "after the restart")
    assert from_alice(bob, alice) == ["warm up", "never confirmed 1",
                                      "never confirmed 2",
                                      "after the restart"]
    got = {harness.text_of(el, "body"): el.get("id") for el in bob.stanzas
           if harness.text_of(el, "body")}
    for i in (1, 2):
        body = "never confirmed %d" % i
        assert got[body] == ids[body], (body, got[body], ids[body])
    assert natter.quit() == 0
    assert outbox_rows(xdg) == []
