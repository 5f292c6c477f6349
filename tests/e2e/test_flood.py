"""Floods and the history: what natter received is stored before it
acknowledges anything, whatever the pace of its batched commits.

bob writes a burst of messages in one write, then pings natter: the
pong comes after natter read every message of the burst (one stream,
in order), and natter commits what it read before it writes anything
to the server. So natter killed right after the pong has every message
in its history (the search index, fed apart and later, is fed by the
next start); natter quitting right after it has them all, indexed.
The tests read the database after natter has ended."""

import os
import sqlite3

from harness import message_xml

CONNECTED = r"connected as alice@localhost/natter"
BURST = 2000


def history_db(xdg):
    return os.path.join(xdg.data, "natter", "test", "history.db")


def one(xdg, sql):
    con = sqlite3.connect(history_db(xdg))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def stored(xdg):
    return one(xdg, "SELECT count(*) FROM messages WHERE peer ="
                    " 'bob@localhost' AND body LIKE 'burst %'")


def indexed(xdg):
    return one(xdg, "SELECT count(*) FROM messages_fts WHERE messages_fts"
                    " MATCH 'zanzibar'")


def index_sound(xdg):
    """FTS5's own check that its index holds exactly the stored text."""
    con = sqlite3.connect(history_db(xdg))
    try:
        con.execute("INSERT INTO messages_fts(messages_fts) VALUES"
                    " ('integrity-check')")
        return True
    finally:
        con.close()


def burst_then_pong(bob, alice, tag):
    bob.send_raw("".join(
        message_xml(alice.full_jid, "burst %d of %s: zanzibar" % (i, tag),
                    mid="%s%d" % (tag, i))
        for i in range(BURST)))
    reply = bob.ping(alice.full_jid, timeout=60)
    assert reply.type == "result", reply


def test_killed_after_the_pong_keeps_the_burst(natterrc, start_natter, bob,
                                               alice, xdg):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    burst_then_pong(bob, alice, "k")
    natter.kill()
    assert stored(xdg) == BURST
    # the next start feeds the index what it lacked, each row once
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    assert natter.quit() == 0
    assert stored(xdg) == BURST
    assert indexed(xdg) == BURST
    assert index_sound(xdg)


def test_quit_after_the_burst_stores_and_indexes_it(natterrc, start_natter,
                                                    bob, alice, xdg):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/query bob@localhost")
    burst_then_pong(bob, alice, "q")
    assert natter.quit() == 0
    assert stored(xdg) == BURST
    assert indexed(xdg) == BURST
    assert index_sound(xdg)
