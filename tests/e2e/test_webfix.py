"""test_webfix: what BOSH and WebSocket lacked beside TCP.

- `natter --register ACCOUNT` creates an account over BOSH and over
  WebSocket (the web transport's HTTPS is the encryption: no STARTTLS);
- a web server's certificate that is refused is offered to /trust like
  the XMPP stream's, pinned for that web server ("https://HOST"), and the
  next connection over that transport goes through;
- a WebSocket's host name is looked up with natter's own resolver, so a
  DNS server that never answers freezes nothing;
- a remembered TCP endpoint that fails is forgotten, as a web one is.

natter's c2s port points at a closed port in the web tests, so whatever
works there went over the web transport.
"""

import os
import re
import secrets
import socket

import pytest

import harness
import natterdemo
from conftest import ACCOUNT, CONNECTED, DOMAIN, RESOURCE, Account
from test_account import login, open_form
from test_dns import DOMAIN as DNS_DOMAIN
from test_dns import account as dns_account
from test_dns import dns  # noqa: F401 (a fixture)
from test_dns import endpoint_file as dns_endpoint_file
from test_dns import write_rc as dns_rc
from test_proxy import run_natter  # noqa: F401 (a fixture)

TRANSPORTS = ("bosh", "websocket")
NAME = "new"


def web_account(prosody, user, password, transport, **opts):
    """An account for user@DOMAIN over transport, c2s out of reach."""
    closed = natterdemo.free_ports(1)[0]
    base = dict(jid="%s@%s" % (user, DOMAIN), password=password,
                port=closed, tls="trust", resource=RESOURCE,
                transport=transport, bosh_url=prosody.bosh_url,
                websocket_url=prosody.websocket_url)
    base.update(opts)
    return natterdemo.natter_account(**base)


# -- 1. in-band registration over BOSH and WebSocket ------------------------

@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.prosody(web=True, allow_registration=True)
def test_register_over_web(transport, prosody, xdg, start_natter):
    password = secrets.token_urlsafe(12)
    user = "reg" + transport
    rc = natterdemo.write_natterrc(xdg.natterrc, {
        NAME: web_account(prosody, user, password, transport)})
    natter = start_natter(rc, args=["--register", NAME])
    screen = open_form(natter)
    assert "does not offer TLS" not in screen, screen
    natter.send_key("C-s")
    natter.wait_for(r"account %s@localhost created" % user)
    natter.wait_for(r"connected as %s@localhost/natter" % user)
    assert login(prosody, user, password)
    log = open(prosody.log_path, encoding="utf-8", errors="replace").read()
    assert re.search(r"bosh|websocket", log, re.I), log[-2000:]
    assert natter.quit() == 0


# -- 2. a web server's certificate, refused, then /trust --------------------

@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.prosody(web=True)
def test_web_certificate_trusted(transport, prosody, alice, xdg,
                                 start_natter):
    """Prosody's self-signed certificate over HTTPS/WSS: refused and
    offered to /trust with its fingerprint; /trust pins it for the web
    server and the connection over the same transport goes through, and
    so does the next start."""
    rc = natterdemo.write_natterrc(xdg.natterrc, {
        ACCOUNT: web_account(prosody, "alice", alice.password, transport,
                             tls="required")})
    fp = prosody.cert_fingerprint()
    natter = start_natter(rc)
    screen = natter.wait_for(r"type /trust %s" % ACCOUNT)
    con = natter.console(screen)
    assert re.search(r"%s: certificate not trusted for https://localhost"
                     % ACCOUNT, con), con
    assert "SHA-256: %s" % fp in con, con
    # refused is final: no retry loop meanwhile
    natter.wait_for(r"not connected: .*certificate")
    assert not re.search(CONNECTED, natter.screen())
    natter.send_keys("/trust")
    natter.wait_for(r"certificate %s pinned for\s+(x\s+)?https://localhost"
                    % re.escape(fp))
    natter.wait_for(CONNECTED)
    with open(natterdemo.pin_store_path(xdg.data)) as f:
        assert "https://localhost %s" % fp in f.read()
    assert natter.quit() == 0
    natter = start_natter(rc)
    screen = natter.wait_for(CONNECTED)
    assert "certificate not trusted" not in screen
    assert natter.quit() == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.prosody(web=True, allow_registration=True)
def test_register_web_certificate_then_trust(transport, prosody, xdg,
                                             start_natter):
    """A registration over a web transport whose certificate is refused
    says /trust, and goes on once it is pinned."""
    password = secrets.token_urlsafe(12)
    user = "cert" + transport
    rc = natterdemo.write_natterrc(xdg.natterrc, {
        NAME: web_account(prosody, user, password, transport,
                          tls="required")})
    natter = start_natter(rc, args=["--register", NAME])
    screen = natter.wait_for(r"certificate is not trusted")
    assert not re.search(r"\* Username", screen), screen
    natter.send_alt("1")
    natter.wait_for(r"certificate not trusted for https://localhost")
    natter.send_keys("/trust " + NAME)
    natter.wait_for(r"certificate [0-9A-F:]+ pinned for\s+(x\s+)?https://localhost")
    natter.send_alt("2")
    open_form(natter)
    natter.send_key("C-s")
    natter.wait_for(r"connected as %s@localhost/natter" % user)
    assert login(prosody, user, password)


# -- 6. a remembered TCP endpoint that fails is forgotten -------------------

def test_remembered_tcp_endpoint_forgotten(xdg, dns, run_natter):
    """The endpoint file names a TCP endpoint where nobody listens: it is
    tried first, fails, is said forgotten and removed, and the usual ways
    follow (none works here: the domain has no records)."""
    dead = natterdemo.free_ports(1)[0]
    d = dns(["--address=/dead.test/127.0.0.1"])
    path = dns_endpoint_file(xdg)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("tcp dead.test %d starttls\n" % dead)
    acct = Account("alice", "whatever")
    acct.jid = "alice@" + DNS_DOMAIN
    rc = dns_rc(xdg, {ACCOUNT: dns_account(acct)}, d.server)
    pane = run_natter(rc)
    screen = pane.wait_for(r"test: every way to the server was tried")
    con = pane.console(screen)
    tried = con.find("test: trying 127.0.0.1:%d (STARTTLS, worked last time,"
                     " dead.test)" % dead)
    failed = con.find("test: 127.0.0.1:%d (STARTTLS, worked last time) "
                      "failed: Connection refused" % dead)
    forgot = con.find("test: dead.test:%d (STARTTLS, worked last time) is "
                      "forgotten, trying the usual ways" % dead)
    assert 0 <= tried < failed < forgot, con
    assert not os.path.exists(path)


# -- 4. a WebSocket's host is looked up without blocking --------------------

def test_websocket_lookup_does_not_freeze(prosody, alice, xdg, run_natter):
    """A WebSocket account whose host a silent DNS server never answers
    for: the lookup went to natter's resolver (the dns_server option, which
    libwebsockets' getaddrinfo knows nothing of), and meanwhile the other
    account logs in and the keyboard answers."""
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))  # takes queries, never answers
    try:
        port = silent.getsockname()[1]
        lost = natterdemo.natter_account(
            jid="someone@nowhere.test", password="x", server=None,
            port=None, tls="required", transport="websocket",
            websocket_url="wss://ws.nowhere.test:%d/xmpp-websocket"
            % natterdemo.free_ports(1)[0])
        ok = natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=prosody.c2s_port,
            tls="trust")
        rc = dns_rc(xdg, [("lost", lost), (ACCOUNT, ok)],
                    "127.0.0.1:%d" % port)
        pane = run_natter(rc)
        pane.wait_for(CONNECTED)
        pane.barrier()
        # the WebSocket's host was asked of natter's resolver, which waits
        silent.settimeout(5)
        data, _ = silent.recvfrom(512)
        assert b"\x02ws\x07nowhere\x04test" in data, data
        screen = pane.barrier()
        assert not re.search(r"lost: (connected|not connected)", screen), \
            screen
        # a key round trip: what is typed shows at once
        pane.send_keys("still here", enter=False)
        pane.wait_for(r"still here")
        pane.send_key("C-u")
    finally:
        silent.close()
