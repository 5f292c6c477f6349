"""Yes-or-no dialogs end to end: leaving a gateway (/unregister) asks
first, and the question takes the keys a person expects: Enter or y
(as well as Ctrl-S) says yes, n or Escape says no.

The IRC gateway of share/demo/gateways.py registers anyone who gives a
nick and records every successful <remove/>, so each answer can be
checked on the gateway's side: a "no" sends nothing (the barrier is a
fresh registration form, asked of the same gateway after the answer,
which still says we are registered), a "yes" removes the registration
once."""

import re

import pytest

from harness import keys, typed, hint, wait_value

pytestmark = pytest.mark.prosody(gateways=True)

CONNECTED = r"connected as alice@localhost/natter"
IRC = "irc.localhost"
WAIT = 20
ASKED = r"Leave irc\.localhost\?"
HINT = r"Enter/y/Ctrl-S leave  n/Esc cancel"


def no_dialog(pane):
    pane.wait_until(lambda s: "(dialog)" not in s, "the dialog closed")


def register_irc(pane, gw, jid):
    pane.send_keys("/register " + IRC)
    pane.wait_for(r"\* Nickname\s+\[\]")
    typed(pane, "alice_irc")
    keys(pane, "Tab")
    typed(pane, "secret")
    keys(pane, "C-s")
    wait_value(lambda: jid in gw.registrations, "the IRC registration")
    no_dialog(pane)


def ask_to_leave(pane):
    pane.send_keys("/unregister " + IRC)
    pane.wait_for(ASKED)
    pane.wait_until(lambda s: re.search(HINT, hint(pane, s)),
                    "keys line %r" % HINT, WAIT)


def still_registered(pane):
    """A round trip to the gateway after the answer: its form still
    says we are registered, so no <remove/> went before it."""
    pane.send_keys("/register " + IRC)
    pane.wait_for(r"You are registered: change what you want")
    keys(pane, "Escape")
    no_dialog(pane)


def test_leave_question_yes_and_no_keys(gateways, natter, alice):
    gw = gateways.get(IRC)
    natter.wait_for(CONNECTED)
    register_irc(natter, gw, alice.jid)

    # n: no, the dialog closes and nothing is sent
    ask_to_leave(natter)
    keys(natter, "n")
    no_dialog(natter)
    still_registered(natter)
    assert gw.removed == [] and alice.jid in gw.registrations

    # Escape: the same
    ask_to_leave(natter)
    keys(natter, "Escape")
    no_dialog(natter)
    still_registered(natter)
    assert gw.removed == [] and alice.jid in gw.registrations

    # y: yes, the registration is removed, once
    ask_to_leave(natter)
    keys(natter, "y")
    wait_value(lambda: gw.removed == [alice.jid], "one <remove/>")
    natter.send_alt("1")
    natter.wait_for(r"left irc\.localhost; removed it and \d+ of its contacts")
    no_dialog(natter)

    # Enter: yes as well
    register_irc(natter, gw, alice.jid)
    ask_to_leave(natter)
    keys(natter, "Enter")
    wait_value(lambda: gw.removed == [alice.jid, alice.jid],
               "a second <remove/>")
    no_dialog(natter)
    assert alice.jid not in gw.registrations
