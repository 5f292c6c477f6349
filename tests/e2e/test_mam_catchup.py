"""The archive catch-up's start (XEP-0313).

A history that holds what the account's archive named tells natter the
account has an archive: the catch-up's first page then goes out with the
session's first requests, before the disco#info that says so has come
back (the server answers it after the roster). With nothing stored yet
natter waits for the disco#info as before. Either way what came while
natter was away is stored once and shown once.

The order is read from natter's debug log (libstrophe's SENT/RECV
lines), after natter has quit."""

import os
import re

import natterdemo
from test_mam import (BOB, CAUGHT_UP, CONNECTED, archived_once, bodies,
                      phone, said)  # noqa: F401 (phone is a fixture)

MAM_QUERY = re.compile(r"SENT: <iq [^\n]*urn:xmpp:mam:2")


def sessions(log):
    """The debug log's text per new session, oldest first."""
    return re.split(r"online \(new session\)", log)[1:]


def account_info_answered_at(text, bare):
    """Where in text the answer to the account's disco#info comes (the
    RECV line of the id natter asked it with), or None."""
    ask = re.search(r"SENT: <iq (?=[^\n]*to=\"%s\")(?=[^\n]*disco#info)"
                    r"[^\n]*id=\"([^\"]+)\"" % re.escape(bare), text)
    if not ask:
        ask = re.search(r"SENT: <iq id=\"([^\"]+)\" to=\"%s\"[^\n]*"
                        r"disco#info" % re.escape(bare), text)
    assert ask, "no disco#info asked of " + bare
    answer = re.search(r"RECV: <iq [^\n]*id=\"%s\"" % re.escape(ask.group(1)),
                       text)
    return answer.start() if answer else None


def test_catch_up_starts_with_the_session(prosody, alice, bob, phone,
                                          start_natter, xdg):
    rc = natterdemo.write_natterrc(xdg.natterrc, {
        "test": natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=prosody.c2s_port,
            tls="trust", resource="natter", strangers="open")},
        extra="debug = true")
    log_path = os.path.join(xdg.state, "natter", "debug.log")
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    archived_once(natter, bob, alice)
    assert natter.quit() == 0

    for i in range(1, 4):
        bob.send_message(alice.jid, "while away %d" % i)
    phone.wait_message(lambda m: m[2] == "while away 3")

    natter = start_natter(rc)
    natter.wait_for(CAUGHT_UP)
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_for(said(BOB, "while away 3"))
    for i in range(1, 4):
        assert natter.count(said(BOB, "while away %d" % i), screen) == 1, \
            screen
    assert natter.quit() == 0
    assert [b for _, b, _ in bodies(xdg, "while away %")] == \
        ["while away %d" % i for i in range(1, 4)]

    with open(log_path, encoding="utf-8", errors="replace") as f:
        first, second = sessions(f.read())[-2:]
    # nothing stored at first: the (newest page's) query waited for the
    # account's disco#info
    info = account_info_answered_at(first, alice.jid)
    query = MAM_QUERY.search(first)
    assert info is not None and query and query.start() > info, first
    # then the history knew the archive: asked before that answer came
    info = account_info_answered_at(second, alice.jid)
    query = MAM_QUERY.search(second)
    assert query and (info is None or query.start() < info), second
