"""What the benchmark's work on floods changed, seen from outside: while
messages stream in, natter spaces its redraws (100 ms) and history
commits (250 ms) instead of doing them every 20 ms, and the roster pane
is not re-sorted per message. The end of a burst must still reach the
screen and the history by itself, with nothing else happening: a timer
catches up on what the spacing held back.

The history is read while natter runs (SQLite's WAL lets a reader in);
the test waits for the rows to be there, bounded, as it waits for the
screen."""

import os
import re
import sqlite3

import harness
from harness import message_xml

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
FLOOD = 2000


def said(nick, text):
    return r"\d\d:\d\d <%s> %s" % (re.escape(nick), re.escape(text))


def stored(xdg, word):
    """How many stored messages hold word, read while natter runs."""
    path = os.path.join(xdg.data, "natter", "test", "history.db")
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=5)
    try:
        return con.execute("SELECT count(*) FROM messages WHERE body LIKE ?",
                           ("%" + word + "%",)).fetchone()[0]
    finally:
        con.close()


def test_flood_tail_drawn_and_stored(natterrc, start_natter, bob, alice,
                                     xdg):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/query bob@localhost")
    natter.wait_for(r"bob@localhost")
    bob.send_raw("".join(
        message_xml(alice.full_jid, "benchflood %d of %d" % (i, FLOOD),
                    mid="bf%d" % i) for i in range(1, FLOOD + 1)))
    # the last line is drawn without any key or stanza after it
    natter.wait_for(said(BOB, "benchflood %d of %d" % (FLOOD, FLOOD)))
    # and every line is committed, the last ones by the catch-up timer
    harness.wait_value(lambda: stored(xdg, "benchflood") == FLOOD,
                       "all %d flood messages in the history" % FLOOD)
    # a single message after the flood is drawn at once as before
    bob.send_message(alice.full_jid, "after the flood")
    natter.wait_for(said(BOB, "after the flood"))
    assert natter.quit() == 0
