"""The gateway fixtures themselves (share/demo/gateways.py), checked with
slixmpp clients only: natter is not started here.  Each test gets its own
Prosody with the five components (@pytest.mark.prosody(gateways=True))
and logs alice in as a harness.Peer that answers no subscription request
on its own, so every step of the XEP-0100 handshake is the test's."""

import os
import select
import signal
import subprocess
import sys
import time

import pytest

import gateways as gatewaylib
import harness

pytestmark = pytest.mark.prosody(gateways=True)

ICQ = "icq.localhost"
MSN = "msn.localhost"
PICKY = "picky.localhost"
ROGUE = "rogue.localhost"
IRC = "irc.localhost"
WAIT = 10.0

REGISTER = "jabber:iq:register"
DATA = "jabber:x:data"
COMMANDS = "http://jabber.org/protocol/commands"
DISCO_INFO = "http://jabber.org/protocol/disco#info"
DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
ROSTERX = "http://jabber.org/protocol/rosterx"
NICK = "http://jabber.org/protocol/nick"
STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def q(ns, name):
    return "{%s}%s" % (ns, name)


@pytest.fixture
def user(gateways, make_peer):
    """alice, available, with her roster fetched; she answers no
    subscription request by herself."""
    return make_peer("alice", auto_authorize=None)


def bare(jid):
    return (jid or "").split("/", 1)[0]


def presence(peer, frm, ptype=None, after=0):
    """Wait for a presence from bare JID frm of type ptype (None:
    available) among those received after index `after`."""
    def fresh(el):
        return (bare(el.get("from")) == frm and el.get("type") == ptype
                and any(el is p for p in peer.presences[after:]))
    return peer.wait_stanza("presence", fresh, "presence %s from %s"
                            % (ptype or "available", frm), timeout=WAIT)


def legacy_register(peer, gw, **fields):
    inner = "".join("<%s>%s</%s>" % (k, v, k) for k, v in fields.items())
    return peer.iq_set(gw, "<query xmlns='%s'>%s</query>" % (REGISTER, inner))


def error_text(reply):
    text = reply.xml.find("{jabber:client}error/" + q(STANZAS, "text"))
    if text is None:
        text = reply.xml.find("error/" + q(STANZAS, "text"))
    return None if text is None else text.text


def error_type(reply):
    err = reply.xml.find("{jabber:client}error")
    if err is None:
        err = reply.xml.find("error")
    return None if err is None else err.get("type")


def handshake(peer, gw):
    """The user's half of XEP-0100 4.1 after registering: approve the
    gateway's request, subscribe back; returns once the gateway said
    subscribed and is available."""
    presence(peer, gw, "subscribe")
    mark = len(peer.presences)
    peer.send_presence(to=gw, ptype="subscribed")
    peer.send_presence(to=gw, ptype="subscribe")
    presence(peer, gw, "subscribed", after=mark)
    presence(peer, gw, None, after=mark)


def test_server_lists_every_gateway_with_its_identity(user):
    r = user.iq_get("localhost", "<query xmlns='%s'/>" % DISCO_ITEMS)
    items = {i.get("jid") for i in r.xml.iter(q(DISCO_ITEMS, "item"))}
    assert {ICQ, MSN, PICKY, ROGUE, IRC} <= items
    expect = {ICQ: ("gateway", "icq", "ICQ Transport"),
              MSN: ("gateway", "msn", "MSN Transport"),
              PICKY: ("gateway", "yahoo", "Picky Transport"),
              ROGUE: ("gateway", "aim", "Rogue Transport"),
              IRC: ("conference", "irc", "IRC Gateway")}
    for jid, identity in expect.items():
        r, idents, feats = user.disco_info(jid)
        assert r.type == "result" and idents == [identity], (jid, idents)
        assert {DISCO_INFO, DISCO_ITEMS, REGISTER} <= feats, jid
        assert ("jabber:iq:gateway" in feats) == (jid == ICQ), jid
        assert (COMMANDS in feats) == (jid == MSN), jid


def test_icq_legacy_registration_and_handshake(gateways, user):
    icq = gateways.get(ICQ)
    r = user.iq_get(ICQ, "<query xmlns='%s'/>" % REGISTER)
    query = r.xml.find(q(REGISTER, "query"))
    assert [harness.local(c.tag) for c in query] == \
        ["instructions", "username", "password"]
    assert query.findtext(q(REGISTER, "instructions")) == \
        "Enter your ICQ number (UIN) and password."
    assert query.find(q(DATA, "x")) is None

    assert legacy_register(user, ICQ, username="12345",
                           password="secret").type == "result"
    assert icq.registrations[user.client.boundjid.bare] == \
        {"username": "12345", "password": "secret"}
    handshake(user, ICQ)
    # then its contacts ask, with their nicknames
    asks = {}
    for jid in ("11111@icq.localhost", "22222@icq.localhost"):
        el = presence(user, jid, "subscribe")
        asks[jid] = el.findtext(q(NICK, "nick"))
    assert asks == {"11111@icq.localhost": "Ann",
                    "22222@icq.localhost": "Ben"}
    mark = len(user.presences)
    user.send_presence(to="11111@icq.localhost", ptype="subscribed")
    user.send_presence(to="11111@icq.localhost", ptype="subscribe")
    presence(user, "11111@icq.localhost", "subscribed", after=mark)
    presence(user, "11111@icq.localhost", None, after=mark)

    # registered: the values come back; an edit keeps the registration
    r = user.iq_get(ICQ, "<query xmlns='%s'/>" % REGISTER)
    query = r.xml.find(q(REGISTER, "query"))
    assert query.find(q(REGISTER, "registered")) is not None
    assert query.findtext(q(REGISTER, "username")) == "12345"
    assert query.findtext(q(REGISTER, "password")) == "secret"
    assert legacy_register(user, ICQ, username="12345",
                           password="new").type == "result"
    r = user.iq_get(ICQ, "<query xmlns='%s'/>" % REGISTER)
    assert r.xml.findtext("%s/%s" % (q(REGISTER, "query"),
                                     q(REGISTER, "password"))) == "new"


def test_icq_refuses_a_uin_that_is_not_a_number(gateways, user):
    r = legacy_register(user, ICQ, username="abc", password="secret")
    assert (r.type, r.condition, error_type(r)) == \
        ("error", "not-acceptable", "modify")
    assert error_text(r) == "The UIN must be a number"
    assert not gateways.get(ICQ).registrations


def test_icq_wrong_password_fails_the_legacy_login(gateways, user):
    assert legacy_register(user, ICQ, username="12345",
                           password="wrong").type == "result"
    presence(user, ICQ, "subscribe")
    user.send_presence(to=ICQ, ptype="subscribed")
    el = presence(user, ICQ, "error")
    assert el.get("to") == user.jid
    err = harness.child(el, "error")
    assert err.get("type") == "auth"
    assert harness.error_condition(el) == "not-authorized"
    assert err.findtext(q(STANZAS, "text")) == \
        "ICQ login failed: wrong password"
    assert gateways.get(ICQ).login_failures == [user.jid]


def test_icq_directed_presence_logs_off_and_on(gateways, user):
    """The gateway and the contacts alice subscribed to go offline and
    online with the legacy session."""
    carl = "33333@icq.localhost"
    legacy_register(user, ICQ, username="12345", password="secret")
    handshake(user, ICQ)
    mark = len(user.presences)
    user.send_presence(to=carl, ptype="subscribe")
    presence(user, carl, "subscribed", after=mark)
    mark = len(user.presences)
    user.send_presence(to=ICQ, ptype="unavailable")
    presence(user, ICQ, "unavailable", after=mark)
    presence(user, carl, "unavailable", after=mark)
    mark = len(user.presences)
    user.send_presence(to=ICQ)
    presence(user, ICQ, None, after=mark)
    presence(user, carl, None, after=mark)
    assert gateways.get(ICQ).logins == [user.jid] * 2


def test_remove_says_goodbye_and_errors_when_not_registered(gateways, user):
    icq = gateways.get(ICQ)
    r = user.iq_set(ICQ, "<query xmlns='%s'><remove/></query>" % REGISTER)
    assert (r.type, r.condition, error_type(r)) == \
        ("error", "item-not-found", "cancel")
    r = user.iq_set(MSN, "<query xmlns='%s'><remove/></query>" % REGISTER)
    assert (r.type, r.condition, error_type(r)) == \
        ("error", "registration-required", "auth")

    legacy_register(user, ICQ, username="12345", password="secret")
    handshake(user, ICQ)
    presence(user, "22222@icq.localhost", "subscribe")
    mark = len(user.presences)
    user.send_presence(to="11111@icq.localhost", ptype="subscribed")
    user.send_presence(to="11111@icq.localhost", ptype="subscribe")
    presence(user, "11111@icq.localhost", "subscribed", after=mark)
    mark = len(user.presences)
    r = user.iq_set(ICQ, "<query xmlns='%s'><remove/></query>" % REGISTER)
    assert r.type == "result"
    # the server passes on what changes a subscription: both from those
    # alice had both ways, the withdrawn request from 22222
    for jid in (ICQ, "11111@icq.localhost"):
        presence(user, jid, "unsubscribe", after=mark)
        presence(user, jid, "unsubscribed", after=mark)
    presence(user, "22222@icq.localhost", "unsubscribe", after=mark)
    assert icq.removed == [user.client.boundjid.bare]
    assert not icq.registrations


def test_jabber_iq_gateway_and_a_legacy_contact(gateways, user):
    ns = "jabber:iq:gateway"
    r = user.iq_get(ICQ, "<query xmlns='%s'/>" % ns)
    assert r.type == "result"
    assert r.xml.findtext("%s/%s" % (q(ns, "query"), q(ns, "desc"))) == \
        "Enter the ICQ number of the person you want to add."
    assert r.xml.findtext("%s/%s" % (q(ns, "query"), q(ns, "prompt"))) == \
        "ICQ Number"
    r = user.iq_set(ICQ, "<query xmlns='%s'><prompt>33333</prompt></query>"
                    % ns)
    assert r.xml.findtext("%s/%s" % (q(ns, "query"), q(ns, "jid"))) == \
        "33333@icq.localhost"
    r = user.iq_set(ICQ, "<query xmlns='%s'><prompt>carl</prompt></query>"
                    % ns)
    assert (r.type, r.condition) == ("error", "not-acceptable")

    # echo works for anyone; subscribing needs a registration
    user.send_message("33333@icq.localhost", "hello there")
    user.wait_message(lambda m: m == ("33333@icq.localhost", "chat",
                                      "echo: hello there"), timeout=WAIT)
    legacy_register(user, ICQ, username="12345", password="secret")
    handshake(user, ICQ)
    mark = len(user.presences)
    user.send_presence(to="33333@icq.localhost", ptype="subscribe")
    presence(user, "33333@icq.localhost", "subscribed", after=mark)
    presence(user, "33333@icq.localhost", None, after=mark)
    assert gateways.get(ICQ).received[0][1:] == \
        ("33333@icq.localhost", "chat", "hello there")


def form_fields(x):
    out = []
    for f in x.findall(q(DATA, "field")):
        out.append((f.get("type"), f.get("var"), f.get("label"),
                    f.find(q(DATA, "required")) is not None,
                    [v.text for v in f.findall(q(DATA, "value"))],
                    [(o.get("label"), o.findtext(q(DATA, "value")))
                     for o in f.findall(q(DATA, "option"))]))
    return out


def msn_submit(session, email="me@example.com", password="pw"):
    values = [("FORM_TYPE", ["jabber:iq:register"]), ("email", [email]),
              ("password", [password]), ("about", ["one", "two"]),
              ("remember", ["1"]), ("server", ["us"]),
              ("features", ["chat", "files"]), ("buddy", ["bob@localhost"]),
              ("buddies", ["c@localhost", "d@localhost"]),
              ("session", [session]), ("color", ["blue"])]
    fields = "".join("<field var='%s'>%s</field>" % (
        var, "".join("<value>%s</value>" % v for v in vals))
        for var, vals in values)
    return ("<query xmlns='%s'><x xmlns='%s' type='submit'>%s</x></query>"
            % (REGISTER, DATA, fields))


def test_msn_data_form_registration_and_roster_exchange(gateways, user):
    msn = gateways.get(MSN)
    r = user.iq_get(MSN, "<query xmlns='%s'/>" % REGISTER)
    query = r.xml.find(q(REGISTER, "query"))
    for legacy in ("instructions", "username", "password"):
        assert query.find(q(REGISTER, legacy)) is not None
    x = query.find(q(DATA, "x"))
    assert x.get("type") == "form"
    assert x.findtext(q(DATA, "title")) == "MSN Registration"
    assert x.findtext(q(DATA, "instructions")) == \
        "Fill in your Microsoft account."
    fields = form_fields(x)
    session = fields[10][4][0]
    assert len(session) >= 8
    assert fields == [
        ("hidden", "FORM_TYPE", None, False, ["jabber:iq:register"], []),
        ("fixed", None, None, False, ["Account"], []),
        ("text-single", "email", "Passport e-mail", True, [], []),
        ("text-private", "password", "Password", True, [], []),
        ("text-multi", "about", "About you", False, [], []),
        ("boolean", "remember", "Remember me", False, ["0"], []),
        ("list-single", "server", "Server", False, ["eu"],
         [("Europe", "eu"), ("America", "us"), ("Asia", "asia")]),
        ("list-multi", "features", "Features", False, ["chat"],
         [("Chat", "chat"), ("Files", "files"), ("Games", "games")]),
        ("jid-single", "buddy", "Buddy JID", False, [], []),
        ("jid-multi", "buddies", "More buddies", False, [], []),
        ("hidden", "session", None, False, [session], []),
        ("x-color", "color", "Colour", False, [], []),
    ]

    r = user.iq_set(MSN, msn_submit("not-the-token"))
    assert (r.type, r.condition) == ("error", "bad-request")
    r = user.iq_set(MSN, "<query xmlns='%s'><username>me@example.com"
                    "</username><password>pw</password></query>" % REGISTER)
    assert (r.type, r.condition) == ("error", "bad-request")
    r = user.iq_set(MSN, msn_submit(session, email="me.example.com"))
    assert (r.type, r.condition) == ("error", "not-acceptable")
    assert error_text(r) == "Not a Passport e-mail address"
    assert not msn.registrations
    r = user.iq_set(MSN, msn_submit(session))
    assert r.type == "result"
    got = msn.registrations[user.client.boundjid.bare]
    assert got == {"FORM_TYPE": "jabber:iq:register",
                   "email": "me@example.com", "password": "pw",
                   "about": ["one", "two"], "remember": True, "server": "us",
                   "features": ["chat", "files"], "buddy": "bob@localhost",
                   "buddies": ["c@localhost", "d@localhost"],
                   "session": session, "color": "blue"}
    assert [a[2] for a in msn.attempts] == \
        ["bad-request", "bad-request", "not-acceptable", None]

    # the handshake, then the contacts by roster exchange
    handshake(user, MSN)
    msg = user.wait_stanza("message", lambda el: harness.child(
        el, "x", ROSTERX) is not None, "a roster exchange", timeout=WAIT)
    assert msg.get("from") == MSN and msg.get("to") == user.jid
    items = [(i.get("action"), i.get("jid"), i.get("name"),
              [g.text for g in i.findall(q(ROSTERX, "group"))])
             for i in harness.child(msg, "x", ROSTERX)]
    assert items == [("add", "carol@msn.localhost", "Carol", ["MSN"]),
                     ("add", "dave@msn.localhost", "Dave", ["MSN"])]
    mark = len(user.presences)
    user.send_presence(to="carol@msn.localhost", ptype="subscribe")
    presence(user, "carol@msn.localhost", "subscribed", after=mark)
    presence(user, "carol@msn.localhost", None, after=mark)

    # registered: the form comes back filled in, with a new token
    r = user.iq_get(MSN, "<query xmlns='%s'/>" % REGISTER)
    query = r.xml.find(q(REGISTER, "query"))
    assert query.find(q(REGISTER, "registered")) is not None
    values = {f[1]: f[4] for f in form_fields(query.find(q(DATA, "x")))}
    assert values["email"] == ["me@example.com"]
    assert values["features"] == ["chat", "files"]
    assert values["session"] != [session]


def command(peer, node, action="execute", session=None, form=None):
    attrs = "node='%s' action='%s'" % (node, action)
    if session:
        attrs += " sessionid='%s'" % session
    inner = ""
    if form:
        inner = "<x xmlns='%s' type='submit'>%s</x>" % (DATA, "".join(
            "<field var='%s'><value>%s</value></field>" % kv
            for kv in form.items()))
    r = peer.iq_set(MSN, "<command xmlns='%s' %s>%s</command>"
                    % (COMMANDS, attrs, inner))
    return r, r.xml.find(q(COMMANDS, "command"))


def actions(cmd):
    el = cmd.find(q(COMMANDS, "actions"))
    if el is None:
        return None
    return el.get("execute"), [harness.local(a.tag) for a in el]


def notes(cmd):
    return [(n.get("type"), n.text) for n in cmd.findall(q(COMMANDS, "note"))]


def test_msn_ad_hoc_commands(gateways, user):
    msn = gateways.get(MSN)
    r = user.iq_get(MSN, "<query xmlns='%s' node='%s'/>"
                    % (DISCO_ITEMS, COMMANDS))
    listed = [(i.get("node"), i.get("name"))
              for i in r.xml.iter(q(DISCO_ITEMS, "item"))]
    assert listed == [("config", "Configure transport"),
                      ("status", "Transport status")]

    r, cmd = command(user, "config")
    sid = cmd.get("sessionid")
    assert cmd.get("status") == "executing"
    assert actions(cmd) == ("next", ["next"])
    step1 = form_fields(cmd.find(q(DATA, "x")))
    assert [(f[0], f[1], f[5]) for f in step1] == [
        ("list-single", "mode", [("Simple", "simple"),
                                 ("Advanced", "advanced")])]
    r, cmd = command(user, "config", "next", sid, {"mode": "advanced"})
    assert actions(cmd) == ("complete", ["prev", "complete"])
    assert [(f[0], f[1], f[2], f[3])
            for f in form_fields(cmd.find(q(DATA, "x")))] == \
        [("text-single", "nick", "Display name", True)]
    r, cmd = command(user, "config", "prev", sid)
    assert actions(cmd) == ("next", ["next"])
    assert form_fields(cmd.find(q(DATA, "x")))[0][4] == ["advanced"]
    command(user, "config", "next", sid, {"mode": "simple"})
    r, cmd = command(user, "config", "complete", sid, {"nick": ""})
    assert (r.type, r.condition) == ("error", "bad-request")
    r, cmd = command(user, "config", "complete", sid, {"nick": "Alice"})
    assert cmd.get("status") == "completed" and actions(cmd) is None
    assert notes(cmd) == [("info", "Saved: nick=Alice mode=simple")]

    r, cmd = command(user, "config")
    r, cmd = command(user, "config", "cancel", cmd.get("sessionid"))
    assert cmd.get("status") == "canceled"

    r, cmd = command(user, "status")
    assert cmd.get("status") == "completed"
    assert notes(cmd) == [("info", "All systems nominal"),
                          ("warning", "Maintenance at 03:00")]
    assert [(c[0], c[1], c[2]) for c in msn.commands_completed] == [
        (user.jid, "config", {"mode": "simple", "nick": "Alice"}),
        (user.jid, "status", {})]
    assert msn.commands_canceled == [(user.jid, "config")]


def test_picky_refuses_the_first_attempt(gateways, user):
    r = legacy_register(user, PICKY, username="me", password="pw")
    assert (r.type, r.condition) == ("error", "not-acceptable")
    assert error_text(r) == "Yahoo! says: that username is taken, try another"
    r = legacy_register(user, PICKY, username="me2", password="pw")
    assert r.type == "result"
    assert gateways.get(PICKY).registrations == {
        user.client.boundjid.bare: {"username": "me2", "password": "pw"}}
    handshake(user, PICKY)


def test_rogue_suggests_outside_its_domain(gateways, user):
    legacy_register(user, ROGUE, username="me", password="pw")
    handshake(user, ROGUE)
    msg = user.wait_stanza("message", lambda el: harness.child(
        el, "x", ROSTERX) is not None, "a roster exchange", timeout=WAIT)
    items = [(i.get("action"), i.get("jid"))
             for i in harness.child(msg, "x", ROSTERX)]
    assert items == [("add", "eve@rogue.localhost"),
                     ("add", "mallory@evil.example"),
                     ("delete", "bob@localhost")]


def test_irc_registration_just_succeeds(gateways, user):
    r = user.iq_get(IRC, "<query xmlns='%s'/>" % REGISTER)
    query = r.xml.find(q(REGISTER, "query"))
    assert query.find(q(REGISTER, "nick")) is not None
    assert query.find(q(REGISTER, "password")) is not None
    assert legacy_register(user, IRC, nick="alice",
                           password="").type == "result"
    assert gateways.get(IRC).registrations[user.client.boundjid.bare] == \
        {"nick": "alice", "password": ""}


@pytest.mark.prosody(gateways=True)
def test_runner_in_the_foreground(prosody):
    """python3 gateways.py --port P --secret S: says when it is connected,
    ends with status 0 on SIGTERM."""
    script = os.path.join(os.path.dirname(gatewaylib.__file__),
                          "gateways.py")
    proc = subprocess.Popen(
        [sys.executable, script, "--port", str(prosody.component_port),
         "--secret=" + prosody.gateway_secret], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    try:
        said = b""
        deadline = time.monotonic() + 20
        while b"gateways: connected icq.localhost" not in said:
            left = deadline - time.monotonic()
            ready = left > 0 and select.select([proc.stdout], [], [], left)[0]
            assert ready, "the runner did not connect within 20 s: %r" % said
            chunk = os.read(proc.stdout.fileno(), 4096)
            assert chunk, "the runner ended: %r" % said
            said += chunk
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        proc.stdout.close()
