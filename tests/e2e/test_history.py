"""History: messages survive a restart of natter and come back when the
conversation is opened again (/query), older ones with /history and
PageUp; /search finds words across conversations ("N matches", newest
first); a stanza id seen twice from the same peer is stored once.

History lives in $XDG_DATA_HOME/natter/ACCOUNT/history.db (SQLite); the
tests read it directly only after natter has quit."""

import os
import re
import sqlite3

import pytest

from harness import message_xml

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"


def said(nick, text, action=False):
    if action:
        return r"\d\d:\d\d \* %s %s" % (re.escape(nick), re.escape(text))
    return r"\d\d:\d\d <%s> %s" % (re.escape(nick), re.escape(text))


def row_of(pane, regex, screen):
    """Index of the first screen line matching regex, or None."""
    for i, line in enumerate(pane.lines(screen)):
        if re.search(regex, line):
            return i
    return None


def history_db(xdg):
    return os.path.join(xdg.data, "natter", "test", "history.db")


def db_bodies(xdg):
    """[(dir, body)] of every stored message, oldest first (natter must
    have quit)."""
    con = sqlite3.connect("file:%s?mode=ro" % history_db(xdg), uri=True)
    try:
        return con.execute("SELECT dir, body FROM messages ORDER BY id"
                           ).fetchall()
    finally:
        con.close()


def test_history_after_restart(natterrc, start_natter, bob, alice, xdg):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/msg bob@localhost first words before the restart")
    bob.wait_message(lambda m: m[2] == "first words before the restart")
    bob.send_message(alice.full_jid, "bob answers before the restart")
    natter.wait_for(said(BOB, "bob answers before the restart"))
    natter.send_keys("/me leaves for a while")
    bob.wait_message(lambda m: m[2] == "/me leaves for a while")
    natter.wait_for(said("alice", "leaves for a while", action=True))
    assert natter.quit() == 0
    assert os.path.isfile(history_db(xdg)), "no %s" % history_db(xdg)

    natter = start_natter(natterrc)
    screen = natter.wait_for(CONNECTED)
    assert "before the restart" not in screen, screen
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_for(said("alice", "leaves for a while",
                                  action=True))
    rows = [row_of(natter, said("alice", "first words before the restart"),
                   screen),
            row_of(natter, said(BOB, "bob answers before the restart"),
                   screen),
            row_of(natter, said("alice", "leaves for a while", action=True),
                   screen)]
    assert None not in rows and rows == sorted(rows), (rows, screen)
    # New lines go below the history.
    bob.send_message(alice.full_jid, "bob after the restart")
    screen = natter.wait_for(said(BOB, "bob after the restart"))
    assert row_of(natter, said(BOB, "bob after the restart"), screen) > \
        row_of(natter, said(BOB, "bob answers before the restart"), screen)


def test_search(online, bob, alice):
    online.send_keys("/msg bob@localhost a zanzibar word and a common word")
    bob.wait_message(lambda m: m[2].startswith("a zanzibar"))
    bob.send_message(alice.full_jid, "the common answer")
    online.wait_for(said(BOB, "the common answer"))

    online.send_keys("/search zanzibar")
    screen = online.wait_for(r"\b1 match\b")
    assert re.search(r"\[1\] \d{4}-\d\d-\d\d \d\d:\d\d to bob@localhost "
                     r"<alice> a zanzibar word", screen), screen

    online.send_keys("/search common")
    screen = online.wait_for(r"\b2 matches\b")
    newest = row_of(online, r"\[1\] .* from bob@localhost .*the common "
                    r"answer", screen)
    older = row_of(online, r"\[2\] .* to bob@localhost .*a zanzibar",
                   screen)
    assert newest is not None and older is not None and newest < older, \
        screen

    online.send_keys("/search nowhere-to-be-found")
    online.wait_for(r"\b0 matches\b")
    # Operators and stars are searched for as words, not interpreted:
    # "common AND" needs the word "and" (one message has it), "zanz*"
    # is no prefix search.
    online.send_keys("/search common AND")
    screen = online.wait_for(r"Searching history for \"common AND\":"
                             r"\n.*\[1\] .*a zanzibar word and a common word"
                             r"\n.*\b1 match\b")
    online.send_keys("/search zanz*")
    screen = online.wait_for(r"Searching history for \"zanz\*\":"
                             r"\n.*\b0 matches\b")
    assert "search failed" not in screen, screen


def test_history_command_and_paging(natterrc, start_natter, bob, alice):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/query bob@localhost")
    natter.wait_until(lambda s: re.match(r"\s*bob@localhost <",
                                         natter.title(s)), "bob's window")
    natter.send_keys("/history")
    natter.wait_for(r"No older messages")
    for i in range(1, 61):
        bob.send_message(alice.full_jid, "numbered message %02d" % i)
    natter.wait_for(said(BOB, "numbered message 60"))
    assert natter.quit() == 0

    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/query bob@localhost")
    natter.wait_for(said(BOB, "numbered message 60"))
    natter.send_keys("/history 100")   # the oldest, beyond the first 50
    found = None
    for _ in range(6):
        natter.send_key("PPage")
        try:
            found = natter.wait_for(said(BOB, "numbered message 01"),
                                    timeout=2)
            break
        except AssertionError:
            continue
    assert found, "message 01 never came into view:\n%s" % natter.screen()
    assert "-- more --" in natter.status_bar(found) or \
        "more" in natter.status_bar(found).lower(), natter.status_bar(found)


def test_duplicate_stanza_ids_stored_once(natterrc, start_natter, bob,
                                          alice, xdg):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    for mid in ("dup-1", "dup-1", "dup-2"):
        bob.send_raw(message_xml(alice.full_jid, body="repeated body",
                                 mid=mid))
    bob.send_raw(message_xml(alice.full_jid, body="the last one", mid="x-3"))
    # A resent message is not news: three new messages, not four.
    natter.wait_for(r"\[2:bob@localhost\(3\)\]")
    natter.send_alt("2")
    screen = natter.wait_for(said(BOB, "the last one"))
    assert natter.count(said(BOB, "repeated body"), screen) == 2, screen
    assert natter.quit() == 0
    stored = [b for _d, b in db_bodies(xdg)]
    assert stored.count("repeated body") == 2, stored   # dup-1 once, dup-2

    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_for(said(BOB, "the last one"))
    assert natter.count(said(BOB, "repeated body"), screen) == 2, screen


def test_same_id_with_other_text_is_not_dropped(natterrc, start_natter, bob,
                                                alice, xdg):
    """Message ids are not unique forever: clients that count them anew
    each session reuse them.  Only the same message again is a duplicate."""
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    bob.send_raw(message_xml(alice.full_jid, body="monday's message",
                             mid="purple1"))
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    bob.send_raw(message_xml(alice.full_jid, body="tuesday, same id",
                             mid="purple1"))
    bob.send_raw(message_xml(alice.full_jid, body="tuesday, next id",
                             mid="purple2"))
    natter.wait_for(r"\[2:bob@localhost\(\d+\)\]")
    natter.send_alt("2")
    screen = natter.wait_for(said(BOB, "tuesday, next id"))
    assert re.search(said(BOB, "tuesday, same id"), screen), \
        "a new message reusing an old id was dropped:\n%s" % screen
    assert natter.quit() == 0
    assert "tuesday, same id" in [b for _d, b in db_bodies(xdg)]
