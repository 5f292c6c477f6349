"""Ad-hoc commands (XEP-0050) end to end: natter runs commands in its
dialog window, step by step.

Prosody's own commands (XEP-0133, mod_admin_adhoc) need alice to be one
of its admins: /commands localhost lists them, Enter on one runs it, and
its single-stage forms complete with a result form or notes (a user is
really created; the online users list really shows bob).  The MSN
gateway of share/demo/gateways.py has a two-step command "config"
(next, prev, complete, a required field the dialog checks before
sending, cancel) and a one-step "status" that answers with two notes.

Dialog keys as a user types them: Tab moves, Space toggles, Enter opens
a list's choices, C-s submits the step's default action, F7/F8/F9 are
previous/next/complete, Escape cancels."""

import re

import pytest

import harness
from harness import keys, typed, hint, wait_value

CONNECTED = r"connected as alice@localhost/natter"
MSN = "msn.localhost"
ADMIN = pytest.mark.prosody(admins=["alice@localhost"])
GATEWAYS = pytest.mark.prosody(gateways=True)
ADD_USER = "http://jabber.org/protocol/admin#add-user"
WAIT = 20


def wait_hint(pane, regex):
    rx = re.compile(regex)
    return pane.wait_until(lambda s: rx.search(hint(pane, s)),
                           "keys line %r" % regex, WAIT)


def run_from_browser(pane, jid, name):
    """/commands JID, then the cursor down to the command called name and
    Enter."""
    pane.send_keys("/commands " + jid)
    row = re.compile(r"\S  %s node " % re.escape(jid))

    def rows(screen):
        return [line for line in pane.lines(screen) if row.search(line)]
    screen = pane.wait_until(
        lambda s: re.search(r"\b\d+ items?$", s, re.M) and
        any(name in line for line in rows(s)),
        "%r in the list of commands" % name, WAIT)
    index = next(i for i, line in enumerate(rows(screen)) if name in line)
    keys(pane, *["Down"] * index)
    keys(pane, "Enter")


# -- Prosody's admin commands ---------------------------------------------------

@ADMIN
def test_server_command_lists_online_users(online, make_peer):
    make_peer("bob", resource="peer")
    run_from_browser(online, "localhost", "Get List of Online Users")
    online.wait_for(r"Command Get List of Online Users on localhost")
    online.wait_for(r"Getting List of Online Users")
    online.wait_for(r"How many users should be returned at most\?")
    wait_hint(online, r"Ctrl-S/F10 complete .*F8 next  Esc cancel")
    # max_items: open its choices, go down to "50" and pick it
    keys(online, "Enter", "Down", "Enter")
    online.wait_for(r"Maximum number of users\s+< 50 >")
    keys(online, "Tab", "Space")
    online.wait_for(r"Show details\s+\[x\]")
    keys(online, "C-s")
    screen = online.wait_for(r"The list of all online users\s+\[.*bob@localhost",
                             WAIT)
    assert re.search(r"peer: available", screen)
    wait_hint(online, r"Ctrl-S/F10/Esc close")
    keys(online, "C-s")
    online.wait_until(lambda s: "Command Get List" not in s,
                      "the dialog closed", WAIT)
    online.send_alt("1")
    online.wait_for(r"test: command Get List of Online Users on localhost "
                    r"completed")
    assert online.quit() == 0


@ADMIN
def test_server_command_adds_user(online, prosody):
    online.send_keys("/commands localhost " + ADD_USER)
    online.wait_for(r"Command %s on localhost" % re.escape(ADD_USER))
    online.wait_for(r"Fill out this form to add a user\.")
    # the required JID is checked before anything is sent
    keys(online, "C-s")
    online.wait_for(r"The Jabber ID for the account to be added: this field "
                    r"is required")
    typed(online, "carol@localhost")
    keys(online, "Tab")
    typed(online, "s3cret-pw")
    keys(online, "Tab")
    typed(online, "s3cret-pw")
    keys(online, "C-s")
    online.wait_for(r"i Account successfully created")
    wait_hint(online, r"Ctrl-S/F10/Esc close")
    assert not re.search(r"is required", online.screen())
    # carol can log in with that password
    carol = harness.Peer("carol@localhost", "s3cret-pw", prosody.c2s_port)
    key = "peer-%d" % id(carol)
    harness.register_cleanup(key, carol.stop)
    try:
        carol.start()
        assert carol.ping("localhost") is not None
    finally:
        carol.stop()
        harness.unregister_cleanup(key)


@ADMIN
def test_server_command_error_note(online):
    online.send_keys("/commands localhost " + ADD_USER)
    online.wait_for(r"Fill out this form to add a user\.")
    typed(online, "dave@localhost")
    keys(online, "Tab")
    typed(online, "one")
    keys(online, "Tab")
    typed(online, "two")
    keys(online, "C-s")
    online.wait_for(r"✗ Invalid data\.")
    online.wait_for(r"Password mismatch, or empty username")
    wait_hint(online, r"Ctrl-S/F10/Esc close")


def test_not_admin_is_refused(online):
    online.send_keys("/commands localhost " + ADD_USER)
    online.wait_for(r"Command %s on localhost" % re.escape(ADD_USER))
    online.wait_for(r"✗ localhost: (you are not allowed to|you are not "
                    r"authorized)")
    wait_hint(online, r"Ctrl-S/F10/Esc close")
    keys(online, "Escape")
    online.wait_until(lambda s: "Command http" not in s, "the dialog closed",
                      WAIT)


# -- a gateway's multi-step command -----------------------------------------------

def recorded(gateways, what):
    """A list the MSN component records (commands_completed, ...)."""
    return getattr(gateways.get(MSN), what)


@GATEWAYS
def test_gateway_command_steps(gateways, online, alice):
    run_from_browser(online, MSN, "Configure transport")
    online.wait_for(r"Command Configure transport on msn\.localhost")
    online.wait_for(r"Mode\s+< Simple >")
    wait_hint(online, r"Ctrl-S/F10 next  Esc cancel")
    keys(online, "Enter", "Down", "Enter")
    online.wait_for(r"Mode\s+< Advanced >")
    keys(online, "C-s")
    online.wait_for(r"\* Display name\s+\[\]")
    wait_hint(online, r"Ctrl-S/F10 complete  F7 previous  Esc cancel")
    # back to step 1, which remembers the mode; then on again
    keys(online, "F7")
    online.wait_for(r"Mode\s+< Advanced >")
    wait_hint(online, r"Ctrl-S/F10 next")
    keys(online, "F8")
    online.wait_for(r"\* Display name\s+\[\]")
    # the required field is checked before anything is sent
    keys(online, "C-s")
    online.wait_for(r"Display name: this field is required")
    wait_hint(online, r"Ctrl-S/F10 complete")
    # blanks pass natter's check but not the gateway's: the step stays
    typed(online, "  ")
    keys(online, "C-s")
    online.wait_for(r"✗ msn\.localhost: .*Display name is required")
    wait_hint(online, r"Ctrl-S/F10 complete")
    assert recorded(gateways, "commands_completed") == []
    keys(online, "C-u")
    typed(online, "Ally")
    keys(online, "C-s")
    screen = online.wait_for(r"i Saved: nick=Ally mode=advanced")
    assert "Display name" not in screen
    assert "is required" not in screen
    wait_hint(online, r"Ctrl-S/F10/Esc close")
    done = wait_value(lambda: recorded(gateways, "commands_completed"),
                      "the command's completion")
    assert done == [(alice.full_jid, "config",
                     {"mode": "advanced", "nick": "Ally"})]
    assert recorded(gateways, "commands_canceled") == []
    keys(online, "Escape")
    online.wait_until(lambda s: "Command Configure" not in s,
                      "the dialog closed", WAIT)
    online.send_alt("1")
    online.wait_for(r"test: command Configure transport on msn\.localhost "
                    r"completed")
    # closing a completed command cancels nothing: a cancel would reach
    # the gateway before natter's ping
    online.barrier(MSN, errors_ok=True)
    assert recorded(gateways, "commands_canceled") == []
    assert online.quit() == 0


@GATEWAYS
def test_gateway_command_cancelled(gateways, online, alice):
    online.send_keys("/commands %s config" % MSN)
    online.wait_for(r"Command config on msn\.localhost")
    online.wait_for(r"Mode\s+< Simple >")
    keys(online, "C-s")
    online.wait_for(r"\* Display name\s+\[\]")
    typed(online, "never sent")
    keys(online, "Escape")
    online.wait_until(lambda s: "Command config" not in s,
                      "the dialog closed", WAIT)
    got = wait_value(lambda: recorded(gateways, "commands_canceled"),
                     "the cancel")
    assert got == [(alice.full_jid, "config")]
    assert recorded(gateways, "commands_completed") == []
    online.send_alt("1")
    assert online.quit() == 0


@GATEWAYS
def test_gateway_command_one_step_notes(gateways, online):
    online.send_keys("/commands %s status" % MSN)
    online.wait_for(r"Command status on msn\.localhost")
    screen = online.wait_for(r"! Maintenance at 03:00")
    assert re.search(r"i All systems nominal", screen)
    assert "Done." not in screen
    wait_hint(online, r"Ctrl-S/F10/Esc close")
    keys(online, "C-s")
    online.wait_until(lambda s: "Command status" not in s,
                      "the dialog closed", WAIT)
    # a finished command is not cancelled on closing: a cancel would
    # reach the gateway before natter's ping (which it answers with an
    # error: it has no XEP-0199)
    online.barrier(MSN, errors_ok=True)
    assert recorded(gateways, "commands_canceled") == []


@GATEWAYS
def test_gateway_command_closed_at_once(gateways, online, alice):
    """Esc right after running: whether the first step came before or
    after the window closed, the session the gateway opened is
    cancelled."""
    online.send_keys("/commands %s config" % MSN)
    keys(online, "Escape", pause=0)
    got = wait_value(lambda: recorded(gateways, "commands_canceled"),
                     "the cancel")
    assert got == [(alice.full_jid, "config")]
    # natter redrew after sending the cancel: the dialog is gone for good
    online.send_alt("1")
    screen = online.barrier(MSN, errors_ok=True)
    assert "Command config" not in screen, harness.boxed(screen)
    assert recorded(gateways, "commands_canceled") == got
