"""A network that fails: 1,000 messages each way between natter (alice)
and a slixmpp peer (bob) while the link between natter and its server
(netproxy) is cut three times and blackholed once, and is slow for a
while.  Afterwards every message is in both histories exactly once and
in order (natter's history database; the peer's is the list of messages
it received), and the peer received every message natter shows as sent
(everything, since natter's outbox ends empty).

natter types its messages through tmux in batches of 100: one plain
(unbracketed) paste of 100 lines is 100 Enter-terminated lines, each a
message, the way bench/ drives natter without one tmux call per key.

A blackholed link delivers nothing and refuses nothing: neither end
notices until a keepalive does.  natter's own keepalive (XEP-0199 or
XEP-0198 <r/> every 60 s, 30 s deadline) is work in progress on another
branch and far too slow for a test, so the blackhole here lasts until
natter has typed a whole batch into it and the peer has sent one, and
then the proxy cuts the link: what was held back in it is lost, as it
would be when a keepalive gave up.  Each cut lets natter resume its
stream (Prosody keeps it), so what matters is the outbox's accounting
across resumption: nothing the server got is sent again, nothing it did
not get is forgotten.

The counts (sent, received, duplicates, lost, each way) are printed:
run with -s to see them."""

import os
import re
import signal
import sqlite3

from harness import message_xml, wait_value as wait
from netproxy import netproxy  # noqa: F401 (a fixture)

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
BOB_TITLE = r"^\s*bob@localhost <bob@localhost[/>]"
ACCOUNT = "test"
TOTAL = 1000
BATCH = 100
# what happens to the link during each batch
PLAN = {1: "cut", 3: "blackhole", 5: "cut", 6: "slow", 8: "cut"}
SCENARIO_TIMEOUT = 900  # seconds, for the whole test


def n2b(i):
    return "natter to bob %04d" % i


def b2n(i):
    return "bob to natter %04d" % i


def db_rows(xdg, sql, args=()):
    path = os.path.join(xdg.data, "natter", ACCOUNT, "history.db")
    db = sqlite3.connect(path, timeout=10)
    try:
        return [r[0] for r in db.execute(sql, args)]
    finally:
        db.close()


# In the order natter reads a conversation (core/history.c): by time,
# ties in the order stored.  Not by id alone: what the archive's
# catch-up brings after a failed resumption is stored after the live
# messages that came meanwhile, and must read before them.
def incoming(xdg):
    return db_rows(xdg, "SELECT body FROM messages WHERE peer = ? AND"
                   " dir = 0 ORDER BY ts, id", (BOB,))


def outgoing(xdg):
    return db_rows(xdg, "SELECT body FROM messages WHERE peer = ? AND"
                   " dir = 1 ORDER BY ts, id", (BOB,))


def tally(expected, got):
    """(received, duplicates, lost, in_order) of got against expected."""
    seen = {}
    for body in got:
        seen[body] = seen.get(body, 0) + 1
    dups = sum(n - 1 for n in seen.values())
    lost = [b for b in expected if b not in seen]
    firsts = []
    for body in got:
        if body in expected and body not in firsts:
            firsts.append(body)
    unexpected = [b for b in seen if b not in expected]
    return (len([b for b in expected if b in seen]), dups, lost,
            firsts == [b for b in expected if b in seen], unexpected)


def test_thousand_each_way_through_cuts_and_a_blackhole(
        write_rc, start_natter, netproxy, bob, alice, xdg):
    # the watchdog's 180 s fit ordinary tests; this one is a scenario
    signal.alarm(SCENARIO_TIMEOUT)
    natter = start_natter(write_rc(port=netproxy.port))
    natter.wait_for(CONNECTED)
    natter.send_keys("/query " + BOB)
    natter.wait_until(lambda s: re.search(BOB_TITLE, natter.title(s)),
                      "bob's window")

    def peer_got():
        return [body for frm, mtype, body in list(bob.messages)
                if frm.startswith(alice.jid + "/") and mtype == "chat"]

    events = []
    for r in range(TOTAL // BATCH):
        first = r * BATCH
        mine = [n2b(i) for i in range(first, first + BATCH)]
        action = PLAN.get(r)
        if action:
            # strike a live link: natter is back online and everything
            # before this batch went through
            wait(lambda: set(peer_got()) >= {n2b(i) for i in range(first)},
                 "batches before %d at the peer" % r, 300)
            wait(lambda: netproxy.connections() > 0, "natter's link", 60)
        if action == "blackhole":
            netproxy.blackhole()
        elif action == "slow":
            netproxy.slow(0.05)
        natter.paste("".join(line + "\n" for line in mine), bracketed=False)
        for i in range(first, first + BATCH):
            bob.send_raw(message_xml(alice.full_jid, body=b2n(i),
                                     mid="b2n-%04d" % i))
        if action == "cut":
            # in the middle of the batch: some delivered, some on the
            # wire, some still being typed
            wait(lambda: len(peer_got()) >= first + BATCH // 3,
                 "a third of batch %d at the peer" % r, 120)
            events.append("cut during batch %d (%d links)"
                          % (r, netproxy.cut()))
        elif action == "blackhole":
            # natter has typed (and written) the whole batch into it
            wait(lambda: outgoing(xdg)[-1:] == [mine[-1]],
                 "batch %d typed" % r, 120)
            events.append("blackhole during batch %d, then cut (%d links)"
                          % (r, netproxy.cut()))
            netproxy.restore()
        elif action == "slow":
            wait(lambda: len(peer_got()) >= first + BATCH // 2,
                 "half of batch %d at the peer" % r, 120)
            netproxy.restore()
            events.append("slow (50 ms a chunk) during batch %d" % r)

    # everything arrives, however long the reconnects took
    wait(lambda: set(peer_got()) >= {n2b(i) for i in range(TOTAL)},
         "all natter's messages at the peer", 300)
    wait(lambda: set(incoming(xdg)) >= {b2n(i) for i in range(TOTAL)},
         "all the peer's messages in natter's history", 300)
    # a last message each way: nothing sent before it can still come
    natter.send_keys("natter's last word")
    bob.wait_message(lambda m: m[2] == "natter's last word", timeout=120)
    bob.send_raw(message_xml(alice.full_jid, body="bob's last word",
                             mid="b2n-last"))
    wait(lambda: incoming(xdg)[-1:] == ["bob's last word"],
         "bob's last word in natter's history", 120)
    natter.wait_until(lambda s: not re.search(r"\((queued|sent)\)", s),
                      "no queued or sent marks", timeout=60)
    assert natter.quit() == 0

    sent_n2b = [n2b(i) for i in range(TOTAL)] + ["natter's last word"]
    sent_b2n = [b2n(i) for i in range(TOTAL)] + ["bob's last word"]
    unconfirmed = db_rows(xdg, "SELECT body FROM outbox")
    out_hist, in_hist, peer_hist = outgoing(xdg), incoming(xdg), peer_got()
    # how many of the peer's were stored after a later one (a catch-up
    # that ran while live messages came): the case ORDER BY ts, id is for
    by_id = db_rows(xdg, "SELECT body FROM messages WHERE peer = ? AND"
                    " dir = 0 ORDER BY id", (BOB,))
    stored_late = sum(1 for a, b in zip(by_id, in_hist) if a != b)
    n2b_peer = tally(sent_n2b, peer_hist)
    n2b_hist = tally(sent_n2b, out_hist)
    b2n_hist = tally(sent_b2n, in_hist)
    print("\nnetwork scenario: %s; %d connections through the proxy"
          % ("; ".join(events), netproxy.accepted))
    print("natter -> peer: typed %d, in natter's history %d (duplicates %d),"
          " shown as sent %d (unconfirmed %d), received by the peer %d,"
          " duplicates %d, lost %d, in order %s"
          % (len(sent_n2b), n2b_hist[0], n2b_hist[1],
             len(out_hist) - len(unconfirmed), len(unconfirmed),
             n2b_peer[0], n2b_peer[1], len(n2b_peer[2]), n2b_peer[3]))
    print("peer -> natter: sent %d, in natter's history %d, duplicates %d,"
          " lost %d, in order %s (stored out of order %d)"
          % (len(sent_b2n), b2n_hist[0], b2n_hist[1], len(b2n_hist[2]),
             b2n_hist[3], stored_late))

    assert unconfirmed == []
    assert out_hist == sent_n2b, "natter's own history of what it sent"
    assert peer_hist == sent_n2b, (
        "the peer got: duplicates %d, lost %r, unexpected %r"
        % (n2b_peer[1], n2b_peer[2][:10], n2b_peer[4][:10]))
    assert in_hist == sent_b2n, (
        "natter's history of the peer's: duplicates %d, lost %r"
        % (b2n_hist[1], b2n_hist[2][:10]))
