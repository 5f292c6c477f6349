"""A resumed stream must prove itself (XEP-0198): natter asks for an
acknowledgement right after every resumption, and a stream whose server
does not answer within a few seconds is given up for a fresh session, so
nothing natter sends vanishes into it.

The broken resumption is Prosody 0.12's own: its resumed session keeps
reading with the parser of the connection that was lost, so when that
connection died in the middle of a stanza natter was writing, everything
natter sends on the resumed stream is taken as more of that stanza's
content and ignored (stanzas and <r/> alike) while the server's stanzas
still reach natter.  netproxy.cut_mid_write() makes that happen at will:
natter writes one message larger than a TLS record (16 KiB), the proxy
lets the first record and a part of the next through, then ends the
link, leaving Prosody's parser inside the message's <body>.

Afterwards every message reaches the peer exactly once and in order
(those typed before the cut, the one cut in half, those typed into the
broken stream and one typed last, the barrier), and natter shows none of
them queued or sent any more: the server acknowledged them all.  A link
the keepalive found dead is resumed (the resumption says what the server
had, so nothing is sent twice) and proves itself like any.  Which
stream natter got is read from its debug log ("online (stream resumed)"
/ "online (new session)")."""

import os
import re
import signal
import sqlite3

import harness
import natterdemo
from netproxy import netproxy  # noqa: F401 (a fixture)

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
BOB_TITLE = r"^\s*bob@localhost <bob@localhost[/>]"
ACCOUNT = "test"
# one body spanning two TLS records of at most 16 KiB of text each...
BIG_BODY = 30000
# ...of which the first record (and what little natter sent before it)
# gets through, and the second only in part
CUT_AFTER = 20000
# natter gives a mute resumed stream a few seconds, then reconnects
RECOVERY = 60
# the watchdog's 180 s would cut short the waits of a failing run
SCENARIO_TIMEOUT = 300


def big_message():
    """A body of BIG_BODY characters, numbered so that a cut shows."""
    words = ("%05d" % i for i in range(BIG_BODY // 6 + 1))
    return " ".join(words)[:BIG_BODY]


def log_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def from_alice(peer, alice):
    """Bodies of the chat messages peer got from alice, in order."""
    return [body for frm, mtype, body in list(peer.messages)
            if frm.startswith(alice.jid + "/") and mtype == "chat"]


def outbox_rows(xdg):
    path = os.path.join(xdg.data, "natter", ACCOUNT, "history.db")
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute(
            "SELECT body FROM outbox ORDER BY seq")]


def session_kinds(path):
    """natter's sessions so far, from its debug log: "new" or
    "resumed", in order."""
    found = re.findall(r"online \((new) session\)|online \(stream "
                       r"(resumed)\)", log_text(path))
    return [new or resumed for new, resumed in found]


def start(prosody, alice, xdg, start_natter, netproxy, extra=""):
    """natter through netproxy with its debug log on, in bob's window;
    returns (natter, the debug log's path)."""
    log = os.path.join(xdg.state, "resume-debug.log")
    acct = natterdemo.natter_account(alice.jid, alice.password,
                                     netproxy.port, resource="natter")
    rc = natterdemo.write_natterrc(
        xdg.natterrc, {ACCOUNT: acct},
        extra='debug = true\ndebug_log = "%s"\n%s' % (log, extra))
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/query " + BOB)
    natter.wait_until(lambda s: re.search(BOB_TITLE, natter.title(s)),
                      "bob's window")
    return natter, log


def test_resume_into_a_deaf_session_starts_afresh(
        prosody, alice, bob, xdg, start_natter, netproxy):
    signal.alarm(SCENARIO_TIMEOUT)
    natter, log = start(prosody, alice, xdg, start_natter, netproxy)
    before = ["before the cut %d" % i for i in (1, 2, 3)]
    for text in before:
        natter.send_keys(text)
    bob.wait_message(lambda m: m[2] == before[-1])
    # the server acknowledged them: the link is idle, nothing in flight
    natter.wait_until(lambda s: not re.search(r"\((queued|sent)\)", s),
                      "the first messages acknowledged")

    big = big_message()
    netproxy.cut_mid_write(CUT_AFTER)
    natter.paste(big)
    natter.send_key("Enter")
    harness.wait_value(lambda: netproxy.cuts == 1, "the cut", 30)
    # natter reconnects and Prosody resumes the stream, which from now
    # on reads natter's bytes as more of the big message's body
    harness.wait_value(lambda: session_kinds(log)[1:2] == ["resumed"],
                       "the stream resumed", 30)
    into = ["into the resumed stream %d" % i for i in (1, 2)]
    for text in into:
        natter.send_keys(text)

    # natter gives up on the stream that does not answer and starts a
    # fresh session, where the outbox goes out again
    bob.wait_message(lambda m: m[2] == into[-1], timeout=RECOVERY)
    natter.send_keys("the last word")
    bob.wait_message(lambda m: m[2] == "the last word")
    got = from_alice(bob, alice)
    assert got == before + [big] + into + ["the last word"], [
        b if len(b) < 100 else "%s...(%d)" % (b[:20], len(b)) for b in got]
    natter.wait_until(lambda s: not re.search(r"\((queued|sent)\)", s),
                      "no queued or sent marks")
    text = log_text(log)
    assert "did not acknowledge" in text, text[-3000:]
    kinds = session_kinds(log)
    assert kinds[:2] == ["new", "resumed"] and kinds[-1] == "new", kinds
    assert natter.quit() == 0
    assert outbox_rows(xdg) == []


def test_a_link_the_keepalive_found_dead_is_resumed_and_proven(
        prosody, alice, bob, xdg, start_natter, netproxy):
    """Resumed, not started afresh: the resumption's h tells which
    messages the server had, so even one whose acknowledgement the dead
    link swallowed is not sent twice; and the resumed stream proves that
    the server reads it."""
    natter, log = start(prosody, alice, xdg, start_natter, netproxy,
                        extra="keepalive = 2\nkeepalive_timeout = 2\n")
    natter.send_keys("before the silence")
    bob.wait_message(lambda m: m[2] == "before the silence")
    netproxy.silence()
    natter.send_keys("into the silence")
    harness.wait_value(lambda: len(session_kinds(log)) >= 2,
                       "natter online again", 30)
    bob.wait_message(lambda m: m[2] == "into the silence")
    natter.send_keys("the last word")
    bob.wait_message(lambda m: m[2] == "the last word")
    assert from_alice(bob, alice) == ["before the silence",
                                      "into the silence", "the last word"]
    # the server's <a/> that proves the resumed stream may come after
    # bob has the message natter sent with its <r/>
    harness.wait_value(
        lambda: "the resumed stream acknowledged" in log_text(log),
        "the resumed stream acknowledged", 30)
    text = log_text(log)
    assert "no answer to a keepalive ping" in text, text[-3000:]
    assert session_kinds(log) == ["new", "resumed"], text[-3000:]
    natter.wait_until(lambda s: not re.search(r"\((queued|sent)\)", s),
                      "no queued or sent marks")
    assert natter.quit() == 0
    assert outbox_rows(xdg) == []
