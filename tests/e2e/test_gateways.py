"""Gateways end to end: natter against Prosody with the gateway
components of share/demo/gateways.py (ICQ with legacy fields and
subscription requests for its contacts, MSN with a data form holding
every field type and roster exchange, Picky that refuses the first
attempt, Rogue whose roster exchange reaches outside its domain, and an
IRC gateway).  Each test drives natter in tmux: /transports, /disco,
the registration dialog, the XEP-0100 handshake, legacy contacts, chat
through the gateway, /gateway, editing, /unregister.

Dialog keys as a user types them: Tab/BTab/Up/Down move, Space
toggles, Enter opens a list, C-s submits, Escape cancels."""

import re
import time

import pytest

from harness import keys, typed

pytestmark = pytest.mark.prosody(gateways=True)

CONNECTED = r"connected as alice@localhost/natter"
ICQ = "icq.localhost"
MSN = "msn.localhost"


def pane_rows(pane, screen=None):
    return pane.roster_rows(screen)


def in_pane(pane, regex):
    rx = re.compile(regex)
    return lambda s: any(rx.search(r) for r in pane.roster_rows(s))


def not_in_pane(pane, regex):
    rx = re.compile(regex)
    return lambda s: not any(rx.search(r) for r in pane.roster_rows(s))


def wait_registered(gateways, name, jid, timeout=20):
    """Waits until the component `name` recorded a registration for jid;
    returns what was submitted."""
    gw = gateways.get(name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = gw.registrations.get(jid)
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("%s recorded no registration for %s" % (name, jid))


def register_icq(pane, uin="12345", password="secret"):
    pane.send_keys("/register " + ICQ)
    pane.wait_for(r"Enter your ICQ number")
    pane.wait_for(r"\* Username\s+\[\]")
    typed(pane, uin)
    keys(pane, "Tab")
    typed(pane, password)
    keys(pane, "C-s")


def test_transports_and_disco(gateways, natter):
    natter.wait_for(CONNECTED)
    natter.send_keys("/transports")
    screen = natter.wait_for(r"5 transports found")
    for name in ("ICQ Transport", "MSN Transport", "Picky Transport",
                 "Rogue Transport", "IRC Gateway"):
        assert re.search(name + r".*not registered", screen), screen
    assert "gateway/icq" in screen and "conference/irc" in screen
    # the browser: every item of the server, what it offers
    natter.send_keys("/disco")
    screen = natter.wait_for(r"Service discovery: localhost")
    screen = natter.wait_for(r"^\s*\S*\s*\d+ items", timeout=20)
    assert re.search(r"icq\.localhost\s+gateway/icq \[register\]", screen)
    assert re.search(r"msn\.localhost\s+gateway/msn \[register\] \[commands\]",
                     screen)
    # r on the item under the cursor opens its registration dialog
    keys(natter, "Home")
    natter.wait_for(r"^\S*\s*x> ")
    keys(natter, "r")
    natter.wait_for(r"register \S+\.localhost \(dialog\)")
    keys(natter, "Escape")
    natter.wait_until(lambda s: "(dialog)" not in s, "the dialog closed")


def test_icq_legacy_registration_and_life(gateways, natter, alice):
    natter.wait_for(CONNECTED)
    # a UIN that is not a number: refused, the dialog stays
    register_icq(natter, uin="abc")
    natter.wait_for(r"icq\.localhost did not accept the form: The UIN must "
                    r"be a number")
    assert "(dialog)" in natter.screen()
    keys(natter, "BTab", "BSpace", "BSpace", "BSpace")
    typed(natter, "12345")
    keys(natter, "F10")
    natter.wait_for(r"registered with icq\.localhost")
    got = wait_registered(gateways, ICQ, alice.jid)
    assert got["username"] == "12345" and got["password"] == "secret"
    # XEP-0100: approved and subscribed back; the transport is online
    natter.wait_for(r"icq\.localhost asked to see your presence: accepted")
    natter.wait_until(in_pane(natter, r"^\+ icq\.localhost$"),
                      "the transport online under Transports")
    # its contacts ask to be added: one question for the batch
    natter.wait_for(r"icq\.localhost asks you to add its contacts: "
                    r"11111@icq\.localhost Ann, 22222@icq\.localhost Ben")
    natter.send_keys("/accept icq.localhost")
    natter.wait_for(r"Accepted 2 contacts of icq\.localhost")
    natter.wait_until(in_pane(natter, r"^\+ Ann$"), "Ann online")
    natter.wait_until(in_pane(natter, r"^\+ Ben$"), "Ben online")
    # chat through the gateway
    natter.send_keys("/msg 11111@icq.localhost hello over there")
    natter.wait_for(r"echo: hello over there")
    # add a contact by legacy ID
    natter.send_keys("/gateway icq.localhost 33333 Carl")
    natter.wait_for(r"33333 is 33333@icq\.localhost; added it")
    natter.wait_until(in_pane(natter, r"^\S? ?Carl"), "Carl in the roster")
    natter.send_keys("/gateway icq.localhost not-a-number")
    natter.wait_for(r"icq\.localhost did not accept not-a-number: Not an "
                    r"ICQ number")
    # editing: the dialog shows what we registered with
    natter.send_keys("/register icq.localhost")
    natter.wait_for(r"You are registered: change what you want")
    natter.wait_for(r"Username\s+\[12345\]")
    keys(natter, "Escape")
    natter.wait_until(lambda s: "(dialog)" not in s, "the dialog closed")
    # logging off and on the legacy network
    natter.send_keys("/transport icq.localhost offline")
    natter.wait_for(r"logging off icq\.localhost")
    natter.send_keys("/transport icq.localhost online")
    natter.wait_for(r"logging on to icq\.localhost")
    # leaving: confirmation, then the roster is cleaned
    natter.send_keys("/unregister icq.localhost")
    natter.wait_for(r"Leave icq\.localhost\?")
    natter.wait_for(r"icq\.localhost and its 3 contacts will be removed")
    keys(natter, "C-s")
    natter.send_alt("1")
    natter.wait_for(r"left icq\.localhost; removed it and 4 of its contacts")
    natter.wait_until(not_in_pane(natter, r"Ann|Ben|Carl|icq\.localhost"),
                      "the gateway's contacts gone")
    assert alice.jid in gateways.get(ICQ).removed


def test_legacy_login_failure_is_shown(gateways, natter):
    natter.wait_for(CONNECTED)
    register_icq(natter, password="wrong")
    natter.wait_for(r"registered with icq\.localhost")
    natter.wait_for(r"icq\.localhost could not log you in: you are not "
                    r"authorized: ICQ login failed: wrong password")


@pytest.mark.natterrc(gateway_contacts="accept")
def test_gateway_contacts_accepted_by_option(gateways, natter):
    natter.wait_for(CONNECTED)
    register_icq(natter)
    natter.wait_for(r"added 11111@icq\.localhost \(gateway contact\)")
    natter.wait_for(r"added 22222@icq\.localhost \(gateway contact\)")
    natter.wait_until(in_pane(natter, r"^\+ Ann$"), "Ann online")


def test_msn_data_form_every_field_type(gateways, natter, alice):
    natter.wait_for(CONNECTED)
    natter.send_keys("/register " + MSN)
    natter.wait_for(r"MSN Registration")
    screen = natter.wait_for(r"Fill in your Microsoft account")
    assert re.search(r"\* Passport e-mail\s+\[\]", screen)
    assert re.search(r"\* Password\s+\[\]", screen)
    assert re.search(r"Remember me\s+\[ \]", screen)
    assert re.search(r"Server\s+< Europe >", screen)
    assert re.search(r"Features\s+\{ Chat \}", screen)
    assert "Account" in screen and "session" not in screen
    # nothing is sent while a required field is empty
    keys(natter, "C-s")
    natter.wait_for(r"Passport e-mail: this field is required")
    # a submission would reach the gateway before natter's ping (which it
    # answers with an error: it has no XEP-0199)
    natter.barrier_from(2, MSN, errors_ok=True)
    natter.wait_for(r"Fill in your Microsoft account")
    assert not gateways.get(MSN).registrations.get(alice.jid)
    typed(natter, "me@example.com")
    keys(natter, "Tab")
    typed(natter, "pw")
    keys(natter, "Tab")                       # about: two lines
    typed(natter, "first line")
    keys(natter, "Enter")
    typed(natter, "second line")
    keys(natter, "Tab", "Space")              # remember me
    keys(natter, "Tab", "Enter", "Down", "Enter")   # server: America
    keys(natter, "Tab", "Space", "Down", "Space", "Enter")  # + Files
    keys(natter, "Tab")
    typed(natter, "bob@localhost")
    keys(natter, "Tab")
    typed(natter, "c@localhost")
    keys(natter, "Enter")
    typed(natter, "d@localhost")
    keys(natter, "Tab")
    typed(natter, "blue")
    screen = natter.wait_for(r"Colour\s+\[blue\]")
    assert re.search(r"Password\s+\[\*\*\]", screen)
    assert re.search(r"Server\s+< America >", screen)
    assert re.search(r"Features\s+\{ Chat, Files \}", screen)
    assert re.search(r"Remember me\s+\[x\]", screen)
    keys(natter, "C-s")
    got = wait_registered(gateways, MSN, alice.jid)
    assert got["email"] == "me@example.com"
    assert got["password"] == "pw"
    assert got["about"] in (["first line", "second line"],
                            "first line\nsecond line")
    assert got["remember"] in (True, "1", "true")
    assert got["server"] == "us"
    assert sorted(got["features"]) == ["chat", "files"]
    assert got["buddy"] == "bob@localhost"
    assert sorted(got["buddies"]) == ["c@localhost", "d@localhost"]
    assert got["color"] == "blue"
    # the roster exchange: a dialog with a checkbox per contact
    natter.wait_for(r"msn\.localhost suggests roster changes")
    screen = natter.wait_for(r"\[\d:roster from msn\.localhost")
    natter.send_alt(re.search(r"\[(\d):roster from msn", screen).group(1))
    screen = natter.wait_for(r"msn\.localhost suggests changes to your roster")
    assert re.search(r"Add carol@msn\.localhost \(Carol\) in MSN\s+\[x\]",
                     screen)
    keys(natter, "Down", "Space")             # untick Dave
    natter.wait_for(r"Add dave@msn\.localhost \(Dave\) in MSN\s+\[ \]")
    keys(natter, "C-s")
    natter.wait_until(in_pane(natter, r"^MSN$"), "the MSN group")
    natter.wait_until(in_pane(natter, r"Carol"), "Carol in the roster")
    # a roster push for Dave would come before the server's ping answer
    screen = natter.barrier()
    assert not any("Dave" in r for r in natter.roster_rows(screen))


def test_not_acceptable_first_then_accepted(gateways, natter, alice):
    natter.wait_for(CONNECTED)
    natter.send_keys("/register picky.localhost")
    natter.wait_for(r"\* Username\s+\[\]")
    typed(natter, "yahoo_user")
    keys(natter, "Tab")
    typed(natter, "pw")
    keys(natter, "C-s")
    natter.wait_for(r"did not accept the form: Yahoo! says: that username "
                    r"is taken, try another")
    # the complaint names the username: the focus went back there
    typed(natter, "2")
    natter.wait_for(r"Username\s+\[yahoo_user2\]")
    keys(natter, "C-s")
    natter.wait_for(r"registered with picky\.localhost")
    got = wait_registered(gateways, "picky.localhost", alice.jid)
    assert got["username"] == "yahoo_user2"


def test_rosterx_outside_domain_refused(gateways, natter):
    natter.wait_for(CONNECTED)
    natter.send_keys("/register rogue.localhost")
    natter.wait_for(r"\* Username\s+\[\]")
    typed(natter, "me")
    keys(natter, "Tab")
    typed(natter, "pw")
    keys(natter, "C-s")
    natter.wait_for(r"registered with rogue\.localhost")
    natter.wait_for(r"ignored roster suggestions from rogue\.localhost "
                    r"outside its own domain: mallory@evil\.example, "
                    r"bob@localhost")
    screen = natter.wait_for(r"\[\d:roster from rogue\.localhost")
    natter.send_alt(re.search(r"\[(\d):roster from rogue", screen).group(1))
    screen = natter.wait_for(r"rogue\.localhost suggests changes")
    assert "eve@rogue.localhost" in screen
    assert "mallory" not in screen.split("suggests changes")[1]
