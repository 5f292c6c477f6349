"""natter behind a firewall that lets only HTTPS through: transport =
"bosh" (XEP-0124/0206) and transport = "websocket" (RFC 7395) against
Prosody's mod_bosh and mod_websocket on its HTTPS port.

natter's server port points at a closed port (the c2s port is out of
reach, as far as natter can tell), so whatever works here went over the
web transport; the slixmpp peers use c2s as usual. Each test runs over
each transport: login, chat both ways, a 2,000-contact roster, a
5,000-message flood counted exactly in the history, a gateway
registration, and a reconnect over the same transport after the server
restarts."""

import os
import re
import sqlite3
import subprocess

import pytest

import harness
import natterdemo
from harness import message_xml
from test_proxy import Socks5Relay

pytestmark = pytest.mark.prosody(web=True)

CONNECTED = r"\bconnected as alice@localhost/natter"
BOB = "bob@localhost"
FLOOD = 5000
TRANSPORTS = ("bosh", "websocket")


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


def web_rc(write_rc, prosody, transport, debug_log=None, **opts):
    """alice's natterrc for transport, her c2s port closed to her; with
    debug_log, natter writes its debug log there."""
    closed = natterdemo.free_ports(1)[0]
    rc = write_rc(port=closed, transport=transport,
                  bosh_url=prosody.bosh_url,
                  websocket_url=prosody.websocket_url, **opts)
    if debug_log:
        with open(rc, "a", encoding="utf-8") as f:
            f.write('debug = true\ndebug_log = "%s"\n' % debug_log)
    return rc


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_login_chat_roster_flood(transport, prosody, accounts, write_rc,
                                 start_natter, make_peer, xdg):
    alice = accounts["alice"]
    items = [{"jid": BOB, "name": "Bob", "groups": ["Friends"]}]
    items += [{"jid": "contact%04d@localhost" % i,
               "name": "Contact %04d" % i,
               "groups": ["Group %02d" % (i % 20)]}
              for i in range(1999)]
    harness.write_roster(prosody, "alice", items)
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])
    natter = start_natter(web_rc(write_rc, prosody, transport))
    natter.wait_for(CONNECTED)
    natter.wait_for(r"test: roster has 2000 contacts")
    bob = make_peer("bob")
    # both ways
    natter.send_keys("/msg bob@localhost hello over %s" % transport)
    got = bob.wait_message(lambda m: m[2] == "hello over %s" % transport)
    assert str(got[0]).startswith(alice.jid)
    bob.send_message(alice.full_jid, "and back over %s" % transport)
    natter.wait_for(said("Bob", "and back over %s" % transport))
    # a flood, every message stored exactly once
    bob.send_raw("".join(
        message_xml(alice.full_jid, "webflood %d of %d" % (i, FLOOD),
                    mid="wf%d" % i) for i in range(1, FLOOD + 1)))
    natter.wait_for(said("Bob", "webflood %d of %d" % (FLOOD, FLOOD)),
                    timeout=60)
    harness.wait_value(lambda: stored(xdg, "webflood") == FLOOD,
                       "all %d flood messages in the history" % FLOOD)
    harness.round_trip(natter, bob, alice.full_jid)
    assert stored(xdg, "webflood") == FLOOD
    # the session really went over the web transport
    log = open(prosody.log_path, encoding="utf-8", errors="replace").read()
    assert re.search(r"bosh|websocket", log, re.I), log[-2000:]
    assert natter.quit() == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.prosody(web=True, gateways=True)
def test_gateway_registration(transport, prosody, gateways, accounts,
                              write_rc, start_natter):
    alice = accounts["alice"]
    natter = start_natter(web_rc(write_rc, prosody, transport))
    natter.wait_for(CONNECTED)
    natter.send_keys("/register icq.localhost")
    natter.wait_for(r"Enter your ICQ number")
    natter.wait_for(r"\* Username\s+\[\]")
    harness.typed(natter, "12345")
    harness.keys(natter, "Tab")
    harness.typed(natter, "secret")
    harness.keys(natter, "C-s")
    natter.wait_for(r"registered with icq\.localhost")
    got = harness.wait_value(
        lambda: gateways.get("icq.localhost").registrations.get(alice.jid),
        "the gateway's record of alice's registration")
    assert got["username"] == "12345"
    natter.wait_for(r"icq\.localhost asks you to add its contacts")
    natter.send_keys("/accept icq.localhost")
    natter.wait_for(r"Accepted 2 contacts of icq\.localhost")
    natter.send_keys("/msg 11111@icq.localhost hello through %s" % transport)
    natter.wait_for(r"echo: hello through %s" % transport)
    assert natter.quit() == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_server_restart_reconnects(transport, prosody, accounts, write_rc,
                                   start_natter, make_peer):
    alice = accounts["alice"]
    natter = start_natter(web_rc(write_rc, prosody, transport))
    natter.wait_for(CONNECTED)
    prosody.restart()
    natter.wait_until(lambda s: natter.count(CONNECTED, s) >= 2,
                      "'connected as' again after the restart", timeout=60)
    bob = make_peer("bob")
    reply = bob.ping(alice.full_jid)
    assert reply.type == "result", reply
    natter.send_keys("/msg bob@localhost after the restart")
    bob.wait_message(lambda m: m[2] == "after the restart")
    assert natter.quit() == 0


def test_disconnect_ends_the_session(prosody, accounts, write_rc,
                                     start_natter, make_peer):
    """/disconnect over WebSocket ends the session on the server at once:
    natter writes the stream's end (libstrophe queues it as its own,
    which natter's flush did not count) and the bridge carries it as
    RFC 7395's <close/>, so the server does not keep the session for a
    resumption. Before, nothing went out for two seconds, then
    libstrophe closed its side alone and the WebSocket stayed open and
    silent: a ping to the full JID got no answer until natter exited.
    (BOSH is left out: natter's terminate goes at once too, but
    Prosody 0.12's mod_bosh ends a session without the event that
    makes mod_smacks forget its resumption, so the session waits for
    one whatever the client does.)"""
    alice = accounts["alice"]
    natter = start_natter(web_rc(write_rc, prosody, "websocket"))
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    assert bob.ping(alice.full_jid).type == "result"
    natter.send_keys("/disconnect")
    natter.wait_until(lambda s: re.search(r"offline", natter.status_bar(s),
                                          re.I),
                      "'offline' in the status bar after /disconnect")
    assert bob.ping(alice.full_jid).type == "error"
    natter.send_keys("/connect")
    natter.wait_until(lambda s: natter.count(CONNECTED, s) >= 2,
                      "'connected as' again after /connect", timeout=30)
    assert bob.ping(alice.full_jid).type == "result"
    assert natter.quit() == 0


def test_quit_ends_the_session(prosody, accounts, write_rc, start_natter,
                               make_peer):
    """/quit over WebSocket ends the session on the server before natter
    exits: the streams end through natter's loop, which serves the
    bridge and the WebSocket. Before, only libstrophe ran at exit, the
    end tag never left the bridge, Prosody saw the connection drop and
    kept the session for a resumption: a ping to the full JID got no
    answer for minutes."""
    alice = accounts["alice"]
    natter = start_natter(web_rc(write_rc, prosody, "websocket"))
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    assert bob.ping(alice.full_jid).type == "result"
    assert natter.quit() == 0
    assert bob.ping(alice.full_jid).type == "error"


def test_websocket_refuses_a_proxy(prosody, write_rc, start_natter):
    """Debian's libwebsockets cannot go through a proxy: a WebSocket the
    user asked to send through one is refused in words rather than sent
    round it (it would tell the network where the user is)."""
    relay = Socks5Relay()
    harness.register_cleanup("relay-%d" % relay.port, relay.close)
    try:
        natter = start_natter(web_rc(write_rc, prosody, "websocket",
                                     proxy="socks5://127.0.0.1:%d"
                                     % relay.port))
        natter.wait_for(r"WebSocket cannot go through the SOCKS5 proxy")
        assert natter.quit() == 0
        assert not relay.requests
    finally:
        relay.close()
        harness.unregister_cleanup("relay-%d" % relay.port)


def test_bosh_through_a_socks5_proxy(prosody, accounts, write_rc,
                                     start_natter, make_peer):
    """BOSH goes through the account's proxy, and the proxy resolves the
    web server's name (socks5h), as for the other transports."""
    alice = accounts["alice"]
    relay = Socks5Relay()
    harness.register_cleanup("relay-%d" % relay.port, relay.close)
    try:
        natter = start_natter(web_rc(write_rc, prosody, "bosh",
                                     proxy="socks5://127.0.0.1:%d"
                                     % relay.port))
        natter.wait_for(CONNECTED)
        bob = make_peer("bob")
        reply = bob.ping(alice.full_jid)
        assert reply.type == "result", reply
        assert ("localhost", prosody.https_port) in relay.requests, \
            relay.requests
        assert natter.quit() == 0
    finally:
        relay.close()
        harness.unregister_cleanup("relay-%d" % relay.port)


def test_missing_url_is_said(prosody, write_rc, start_natter):
    rc = write_rc(transport="bosh")
    natter = start_natter(rc)
    natter.wait_for(r"transport = \"bosh\" needs bosh_url in natterrc")
    assert natter.quit() == 0


def test_plain_http_url_refused(prosody, write_rc, natter_bin, xdg):
    rc = write_rc(transport="bosh",
                  bosh_url="http://localhost:%d/http-bind" % prosody.https_port)
    env = dict(os.environ)
    env.update(xdg.env())
    res = subprocess.run([natter_bin, "-c", rc], env=env,
                         stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=20)
    err = res.stderr.decode("utf-8", "replace")
    assert res.returncode != 0, err
    assert re.search(r"bosh_url: .* is not a https:// address", err), err


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_certificate_verified(transport, prosody, write_rc, start_natter,
                              xdg):
    """tls = "required" over a web transport checks the web server's
    certificate: Prosody's self-signed one is refused, in words, until
    its fingerprint is pinned for the host; then natter logs in."""
    rc = web_rc(write_rc, prosody, transport, tls="required")
    natter = start_natter(rc)
    natter.wait_until(lambda s: re.search(r"test: not connected: "
                                          r"certificate not trusted", s) and
                      "SHA-256: " in s,
                      "the certificate refused, in words")
    assert not re.search(CONNECTED, natter.screen())
    assert natter.quit() == 0
    natterdemo.pin_certificate(xdg.data, "localhost",
                               prosody.cert_fingerprint())
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    assert natter.quit() == 0
