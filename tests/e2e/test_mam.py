"""The message archive (XEP-0313 MAM, paged with XEP-0059 RSM).

Prosody runs mod_mam (and mod_offline, which it always loads).  What
came while natter was not running -- from others, and what the user
wrote from another resource -- appears after start, once, and is stored
once; a connection lost (or natter killed) half way through a long
catch-up resumes without gaps or duplicates; scrolling back past the
stored history asks the archive; /archive shows and sets the archiving
default; offline storage and the archive delivering the same messages
store them once; a forged archive result is dropped.

Messages "while natter was stopped" are sent while another resource of
alice's (a slixmpp client, "phone") is online, so that they reach the
archive but not offline storage: only the archive can bring them back.
The history database is read after natter has quit."""

import os
import re
import sqlite3

import pytest

import harness
import natterdemo
from harness import message_xml
from netproxy import netproxy  # noqa: F401 (a fixture)

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
CAUGHT_UP = r"test: caught up from the archive"
PROGRESS = re.compile(r"archive: ([\d,]+)(?:/([\d,]+))?")


def said(nick, text):
    return r"\d\d:\d\d <%s> %s" % (re.escape(nick), re.escape(text))


def history_db(xdg):
    return os.path.join(xdg.data, "natter", "test", "history.db")


def rows(xdg, sql, args=()):
    con = sqlite3.connect("file:%s?mode=ro" % history_db(xdg), uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def bodies(xdg, like):
    """[(dir, body, device)] of the stored messages whose body is LIKE
    like, in the order history reads them (time)."""
    return rows(xdg, "SELECT dir, body, device FROM messages WHERE body LIKE ?"
                " ORDER BY ts, id", (like,))


def archived_once(natter, bob, alice):
    """natter gets one message live, so the history holds a message the
    archive named: later starts catch up after it."""
    natter.send_keys("/query bob@localhost")
    natter.wait_until(lambda s: "bob@localhost" in natter.title(s),
                      "bob's window")
    bob.send_message(alice.full_jid, "a first live message")
    natter.wait_for(said(BOB, "a first live message"))


def send_many(bob, to, n, fmt):
    """bob sends n messages (one write per 200) and waits until the last
    was delivered to `to`'s receiver (checked by the caller)."""
    batch = []
    for i in range(1, n + 1):
        batch.append(message_xml(to, fmt % i))
        if len(batch) == 200 or i == n:
            bob.send_raw("".join(batch))
            batch = []


@pytest.fixture
def phone(make_peer):
    """alice on another device: while it is online, messages to alice's
    bare JID reach it (and the archive), not offline storage."""
    return make_peer("alice", resource="phone")


def test_catch_up_after_restart(natterrc, start_natter, bob, alice, phone,
                                xdg):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    archived_once(natter, bob, alice)
    assert natter.quit() == 0

    for i in range(1, 4):
        bob.send_message(alice.jid, "while natter was away %d" % i)
    phone.wait_message(lambda m: m[2] == "while natter was away 3")
    phone.send_message(BOB, "written on the phone")
    bob.wait_message(lambda m: m[2] == "written on the phone")

    natter = start_natter(natterrc)
    natter.wait_for(CAUGHT_UP)
    natter.send_keys("/query bob@localhost")
    # written on the phone: ours, marked with that device (as carbons do)
    screen = natter.wait_for(said("alice", "[phone] written on the phone"))
    for i in range(1, 4):
        assert natter.count(said(BOB, "while natter was away %d" % i),
                            screen) == 1, screen
    order = [natter.lines(screen).index(line) for line in
             natter.lines(screen) if "while natter was away" in line
             or "written on the phone" in line]
    assert order == sorted(order)
    # a restart catches up after the newest: nothing comes twice
    assert natter.quit() == 0
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    bob.send_message(alice.full_jid, "after the second start")
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_for(said(BOB, "after the second start"))
    assert natter.count(said(BOB, "while natter was away 3"), screen) == 1
    assert natter.quit() == 0
    got = bodies(xdg, "while natter was away %")
    assert [b for _, b, _ in got] == ["while natter was away %d" % i
                                      for i in range(1, 4)], got
    assert bodies(xdg, "written on the phone") == \
        [(1, "written on the phone", "phone")]


def test_offline_and_archive_store_once(natterrc, start_natter, bob, alice,
                                        xdg):
    """No other resource is online: Prosody keeps the messages offline
    and archives them; both deliver them to natter, which keeps one."""
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    archived_once(natter, bob, alice)
    assert natter.quit() == 0
    for i in range(1, 6):
        bob.send_message(alice.jid, "offline and archived %d" % i)
    bob.ping("localhost")  # the server has them all once this returns

    natter = start_natter(natterrc)
    natter.wait_for(CAUGHT_UP)
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_for(said(BOB, "offline and archived 5"))
    for i in range(1, 6):
        assert natter.count(said(BOB, "offline and archived %d" % i),
                            screen) == 1, screen
    assert natter.quit() == 0
    got = bodies(xdg, "offline and archived %")
    assert [b for _, b, _ in got] == ["offline and archived %d" % i
                                      for i in range(1, 6)], got


def settled(pane):
    """Waits until no catch-up runs (the status bar shows none)."""
    pane.wait_until(lambda s: "archive:" not in pane.status_bar(s),
                    "the catch-up to end")


def progress_of(pane):
    """(got, total) the status bar shows for the catch-up, or None."""
    m = PROGRESS.search(pane.status_bar())
    if not m:
        return None
    return (int(m.group(1).replace(",", "")),
            int(m.group(2).replace(",", "")) if m.group(2) else None)


def wait_mid_catch_up(pane, at_least=200):
    """Waits until the catch-up is under way (the status bar counts at
    least at_least messages); returns what it shows."""
    found = []

    def under_way(_screen):
        p = progress_of(pane)
        if p and p[0] >= at_least:
            found.append(p)
            return True
        return False
    pane.wait_until(under_way, "the catch-up under way", timeout=60)
    return found[0]


BULK = 2000


def fill_archive(bob, alice, phone):
    send_many(bob, alice.jid, BULK, "bulk message %04d")
    phone.wait_message(lambda m: m[2] == "bulk message %04d" % BULK,
                       timeout=120)


def assert_bulk_once(xdg):
    got = [b for _, b, _ in bodies(xdg, "bulk message %")]
    assert len(got) == BULK, (len(got), len(set(got)))
    assert got == ["bulk message %04d" % i for i in range(1, BULK + 1)]


def start_mid_catch_up(write_rc, start_natter, bob, alice, phone,
                       netproxy):
    """natter with one archived message, stopped while BULK more are
    archived, started again through a slowed link: returns (rc, natter,
    got, total) once its catch-up is half way."""
    rc = write_rc(port=netproxy.port)
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    archived_once(natter, bob, alice)
    assert natter.quit() == 0
    fill_archive(bob, alice, phone)

    netproxy.slow(0.02)  # time to see the catch-up half way
    natter = start_natter(rc)
    got, total = wait_mid_catch_up(natter)
    return rc, natter, got, total


def test_reconnect_mid_catch_up(prosody, write_rc, start_natter, bob, alice,
                                phone, netproxy, xdg):
    _, natter, got, total = start_mid_catch_up(write_rc, start_natter, bob,
                                               alice, phone, netproxy)
    assert got < BULK
    assert total == BULK, natter.status_bar()
    netproxy.restore()
    netproxy.cut()
    natter.wait_for(CAUGHT_UP, timeout=120)
    harness.round_trip(natter, bob, alice.full_jid)
    assert progress_of(natter) is None, natter.status_bar()
    assert natter.quit() == 0
    assert_bulk_once(xdg)


def test_restart_mid_catch_up(prosody, write_rc, start_natter, bob, alice,
                              phone, netproxy, xdg):
    """natter killed half way: the next start goes on where the last
    finished page ended, although a newer message came live meanwhile."""
    rc, natter, _, _ = start_mid_catch_up(write_rc, start_natter, bob, alice,
                                          phone, netproxy)
    # a live message now is newer than the rest of the catch-up
    natter.send_keys("/query bob@localhost")
    bob.send_message(alice.full_jid, "live during the catch-up")
    natter.wait_for(r"live during the catch-up")
    natter.kill()
    netproxy.restore()
    natter = start_natter(rc)
    natter.wait_for(CAUGHT_UP, timeout=120)
    assert natter.quit() == 0
    assert_bulk_once(xdg)
    assert len(bodies(xdg, "live during the catch-up")) == 1


def test_live_during_catch_up_in_archive_order(prosody, write_rc,
                                               start_natter, bob, alice,
                                               phone, netproxy, xdg):
    """While a long catch-up runs, bob writes natter a message, then one
    that only alice's phone gets (<private/>: no carbon), then another to
    natter, in one write.  The archive holds them in that order; the
    first and last came live, stamped with natter's clock in ms, the one
    between comes with the catch-up, stamped in the archive's whole
    second (the same, or earlier than natter's for the first).  natter
    reads and shows it between them, not before the first."""
    _, natter, _, _ = start_mid_catch_up(write_rc, start_natter, bob, alice,
                                         phone, netproxy)
    natter.send_keys("/query bob@localhost")
    natter.wait_until(lambda s: "bob@localhost" in natter.title(s),
                      "bob's window")
    bob.send_raw(message_xml(alice.full_jid, "live, before")
                 + message_xml(alice.jid + "/phone", "to the phone only",
                               extra="<private xmlns='urn:xmpp:carbons:2'/>")
                 + message_xml(alice.full_jid, "live, after"))
    phone.wait_message(lambda m: m[2] == "to the phone only")
    natter.wait_for(said(BOB, "live, after"))
    netproxy.restore()
    screen = natter.wait_for(said(BOB, "to the phone only"), timeout=120)
    settled(natter)
    lines = natter.lines(screen)
    texts = ("live, before", "to the phone only", "live, after")
    at = [next((i for i, line in enumerate(lines)
                if re.search(said(BOB, t), line)), None) for t in texts]
    assert None not in at and at == sorted(at), screen
    assert natter.quit() == 0
    got = [b for (b,) in rows(xdg, "SELECT body FROM messages WHERE body IN"
                              " (?, ?, ?) ORDER BY ts, id", texts)]
    assert got == list(texts), got
    assert_bulk_once(xdg)


def test_scroll_back_asks_the_archive(natterrc, start_natter, bob, alice,
                                      phone, xdg):
    """80 messages before natter was installed: the first start fetches
    the archive's newest page only; /history and PageUp reach the rest,
    in order."""
    send_many(bob, alice.jid, 80, "before natter %02d")
    phone.wait_message(lambda m: m[2] == "before natter 80")
    natter = start_natter(natterrc)
    natter.wait_for(CAUGHT_UP)
    natter.send_keys("/query bob@localhost")
    natter.wait_for(said(BOB, "before natter 80"))
    natter.send_keys("/history")
    found = None
    for _ in range(8):
        natter.send_key("PPage")
        try:
            found = natter.wait_for(said(BOB, "before natter 01"), timeout=2)
            break
        except AssertionError:
            continue
    assert found, natter.screen()
    lines = natter.lines(found)
    shown = [int(m.group(1)) for m in
             (re.search(r"before natter (\d\d)$", ln.rstrip()) for ln in lines)
             if m]
    assert shown == sorted(shown) and shown[0] == 1, shown
    # the archive said that was all: it is not asked again
    natter.send_keys("/history")
    natter.wait_for(r"No older messages")
    assert natter.quit() == 0
    got = [b for _, b, _ in bodies(xdg, "before natter %")]
    assert got == ["before natter %02d" % i for i in range(1, 81)], got


def test_archive_prefs_round_trip(online):
    online.send_keys("/archive")
    online.wait_for(r"test: archive default always")
    online.send_keys("/archive never")
    online.wait_for(r"test: archive default now never")
    online.send_keys("/archive")
    screen = online.wait_for(r"test: archive default never:")
    assert "messages are not archived" in screen
    online.send_keys("/archive roster")
    online.wait_for(r"test: archive default now roster")
    online.send_keys("/archive sometimes")
    online.wait_for(r"Usage: /archive")


def forged(to, queryid, body):
    return ("<message to='%s'><result xmlns='urn:xmpp:mam:2' queryid='%s'"
            " id='forged-1'><forwarded xmlns='urn:xmpp:forward:0'>"
            "<delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00Z'/>"
            "<message xmlns='jabber:client' from='carol@localhost/x' to='%s'"
            " type='chat'><body>%s</body></message></forwarded></result>"
            "</message>" % (to, queryid, to, body))


def test_forged_results_dropped(prosody, alice, bob, start_natter, xdg,
                                netproxy):
    rc = natterdemo.write_natterrc(xdg.natterrc, {
        "test": natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=netproxy.port,
            tls="trust", resource="natter", strangers="open")},
        extra="debug = true")
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    settled(natter)
    # a queryid natter never used
    bob.send_raw(forged(alice.full_jid, "not-ours", "forged without a query"))
    # a queryid natter has in flight, from bob rather than the archive:
    # hold natter's query back so that it stays in flight
    natter.send_keys("/query bob@localhost")
    natter.wait_until(lambda s: "bob@localhost" in natter.title(s),
                      "bob's window")
    log_path = os.path.join(xdg.state, "natter", "debug.log")

    def queryids():
        with open(log_path, encoding="utf-8", errors="replace") as f:
            return re.findall(r"queryid=['\"]([^'\"]+)['\"]", f.read())
    before = queryids()  # the login's catch-up, finished
    netproxy.stall(up=True, down=False)
    natter.send_keys("/history")
    natter.wait_for(r"Asking the archive for older messages")
    # the line is drawn before the query is written (and logged)
    queryid = harness.wait_value(
        lambda: queryids()[len(before):][-1:] and queryids()[-1],
        "the /history query in the debug log")
    bob.send_raw(forged(alice.full_jid, queryid, "forged from a peer"))
    bob.send_message(alice.full_jid, "after the forgeries")
    natter.wait_for(said(BOB, "after the forgeries"))
    netproxy.restore()
    harness.round_trip(natter, bob, alice.full_jid)
    screen = natter.screen()
    assert "forged" not in screen, screen
    assert natter.quit() == 0
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    assert "archive result for no query of ours dropped" in log
    assert "archive result from someone else dropped" in log
    assert rows(xdg, "SELECT count(*) FROM messages WHERE body LIKE"
                " 'forged%'") == [(0,)]
