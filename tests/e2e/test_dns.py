"""test_dns: finding the server without blocking (xmpp/dial.c,
core/resolve.c), and the old jabber:iq:auth login.

Each DNS test starts its own dnsmasq on a free loopback port with the
SRV and address records it needs (--no-resolv --no-hosts: it answers
from those alone and asks nobody), and points natter at it with the
global dns_server option; the system resolver is never touched.  The
test's Prosody listens on 127.0.0.1 only, on random ports: its c2s port
(STARTTLS) and its direct TLS port stand for 5222 and 443.
"""

import os
import re
import secrets
import socket
import subprocess

import pytest

import harness
import natterdemo
from conftest import ACCOUNT, CONNECTED, Account
from test_proxy import run_natter  # noqa: F401 (a fixture)

DNSMASQ = "/usr/sbin/dnsmasq"


class Dnsmasq:
    """dnsmasq on 127.0.0.1:port answering only from the given options
    (e.g. "--srv-host=_xmpp-client._tcp.dns.test,a.test,5222,0,10",
    "--address=/a.test/127.0.0.1")."""

    def __init__(self, records):
        self.port = natterdemo.free_ports(1)[0]
        self.records = list(records)
        self.proc = None

    def start(self):
        argv = [DNSMASQ, "--keep-in-foreground", "--conf-file=/dev/null",
                "--port=%d" % self.port, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--pid-file=", "--user=root", "--log-facility=-",
                "--log-queries",
                # the names it has no record for do not exist (rather than
                # REFUSED: there is no upstream to ask)
                "--local=/test/"] + self.records
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        # it listens on TCP too
        harness.wait_value(lambda: self.proc.poll() is not None or
                           natterdemo.port_open(self.port),
                           "dnsmasq to listen", natterdemo.START_TIMEOUT)
        if self.proc.poll() is not None:
            raise RuntimeError("dnsmasq exited with %s"
                               % self.proc.returncode)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    @property
    def server(self):
        return "127.0.0.1:%d" % self.port


@pytest.fixture
def dns():
    """dns(records) -> a started Dnsmasq, stopped after the test."""
    started = []

    def make(records):
        d = Dnsmasq(records)
        key = "dnsmasq-%d" % id(d)
        harness.register_cleanup(key, d.stop)
        started.append((key, d))
        return d.start()
    yield make
    for key, d in started:
        d.stop()
        harness.unregister_cleanup(key)


# c-ares will not ask DNS about "localhost" (RFC 6761), the harness's
# domain: the DNS tests have a Prosody of their own for DOMAIN.
DOMAIN = "dns.test"
DCONNECTED = r"connected as alice@dns\.test/natter"


@pytest.fixture
def dprosody():
    server = natterdemo.PrivateProsody(domain=DOMAIN)
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


@pytest.fixture
def dalice(dprosody):
    acct = Account("alice", secrets.token_urlsafe(12))
    acct.jid = "alice@" + DOMAIN
    dprosody.register("alice", acct.password)
    return acct



def write_rc(xdg, accounts, dns_server=None):
    extra = 'dns_server = "%s"' % dns_server if dns_server else ""
    return natterdemo.write_natterrc(xdg.natterrc, accounts, extra=extra)


def account(alice, **opts):
    """alice's account with no server or port: found through DNS."""
    base = dict(jid=alice.jid, password=alice.password, port=None,
                server=None, tls="required", strangers="open")
    base.update(opts)
    return natterdemo.natter_account(**base)


def trusting(prosody):
    """Environment in which OpenSSL trusts the test's self-signed
    certificate (for its domain only) as a CA: a connection that
    logs in proves the certificate was checked against the JID's domain,
    not against the address natter connected to."""
    return {"SSL_CERT_FILE": prosody.cert_path}


def endpoint_file(xdg):
    return os.path.join(xdg.state, "natter", ACCOUNT, "endpoint")


# -- SRV: direct TLS first, a dead target, then the next -------------------

def test_srv_direct_tls_dead_first_then_remembered(dprosody, dalice, xdg, dns,
                                                   run_natter):
    dead = natterdemo.free_ports(1)[0]  # nobody listens there
    d = dns([
        "--srv-host=_xmpps-client._tcp.dns.test,dead.test,%d,0,10" % dead,
        "--srv-host=_xmpps-client._tcp.dns.test,direct.test,%d,5,10"
        % dprosody.direct_tls_port,
        "--srv-host=_xmpp-client._tcp.dns.test,starttls.test,%d,0,10"
        % dprosody.c2s_port,
        "--address=/dead.test/127.0.0.1",
        "--address=/direct.test/127.0.0.1",
        "--address=/starttls.test/127.0.0.1",
    ])
    rc = write_rc(xdg, {ACCOUNT: account(dalice)}, d.server)
    pane = run_natter(rc, trusting(dprosody))
    screen = pane.wait_for(DCONNECTED)
    con = pane.console(screen)
    # the dead target was tried first and refused, then the next one
    assert re.search(r"test: trying 127\.0\.0\.1:%d \(direct TLS from SRV, "
                     r"dead\.test\)" % dead, con), con
    assert re.search(r"test: 127\.0\.0\.1:%d \(direct TLS from SRV\) failed: "
                     r"Connection refused" % dead, con), con
    assert re.search(r"test: connected to 127\.0\.0\.1:%d \(direct TLS from "
                     r"SRV\)" % dprosody.direct_tls_port, con), con
    # never STARTTLS: direct TLS worked
    assert "starttls.test" not in con
    pane.barrier()
    with open(endpoint_file(xdg)) as f:
        assert f.read() == "tcp direct.test %d direct\n" % (
            dprosody.direct_tls_port)
    pane.quit()

    # the next start tries the remembered endpoint first
    pane = run_natter(rc, trusting(dprosody))
    screen = pane.wait_for(DCONNECTED)
    tries = [line for line in pane.lines(pane.console(screen))
             if "test: trying" in line]
    assert tries and re.search(r"127\.0\.0\.1:%d \(direct TLS, worked last "
                               r"time, direct\.test\)"
                               % dprosody.direct_tls_port, tries[0]), tries
    assert "dead.test" not in pane.console(screen)
    pane.barrier()


def test_srv_starttls_when_no_direct_tls(dprosody, dalice, xdg, dns,
                                         run_natter):
    d = dns([
        "--srv-host=_xmpp-client._tcp.dns.test,starttls.test,%d,0,10"
        % dprosody.c2s_port,
        "--address=/starttls.test/127.0.0.1",
    ])
    rc = write_rc(xdg, {ACCOUNT: account(dalice)}, d.server)
    pane = run_natter(rc, trusting(dprosody))
    screen = pane.wait_for(DCONNECTED)
    assert re.search(r"test: connected to 127\.0\.0\.1:%d \(STARTTLS from SRV"
                     % dprosody.c2s_port, pane.console(screen))
    pane.barrier()


# -- Happy Eyeballs: IPv6 refused, IPv4 works ------------------------------

def test_both_families_one_refused(dprosody, dalice, xdg, dns, run_natter):
    d = dns([
        "--srv-host=_xmpp-client._tcp.dns.test,dual.test,%d,0,10"
        % dprosody.c2s_port,
        "--address=/dual.test/::1",
        "--address=/dual.test/127.0.0.1",
    ])
    rc = write_rc(xdg, {ACCOUNT: account(dalice)}, d.server)
    pane = run_natter(rc, trusting(dprosody))
    screen = pane.wait_for(DCONNECTED)
    con = pane.console(screen)
    # IPv6 first (RFC 8305), refused (Prosody listens on 127.0.0.1 only),
    # then IPv4
    v6 = con.find("test: trying [::1]:%d" % dprosody.c2s_port)
    v4 = con.find("test: trying 127.0.0.1:%d" % dprosody.c2s_port)
    assert 0 <= v6 < v4, con
    assert re.search(r"test: \[::1\]:%d \(STARTTLS from SRV\) failed"
                     % dprosody.c2s_port, con), con
    assert "test: connected to 127.0.0.1:%d" % dprosody.c2s_port in con
    pane.barrier()


def test_configured_server_name_resolved(dprosody, dalice, xdg, dns,
                                         run_natter):
    d = dns(["--address=/xmpp.test/127.0.0.1"])
    rc = write_rc(xdg, {ACCOUNT: account(dalice, server="xmpp.test",
                                         port=dprosody.c2s_port)}, d.server)
    pane = run_natter(rc, trusting(dprosody))
    screen = pane.wait_for(DCONNECTED)
    assert re.search(r"test: trying 127\.0\.0\.1:%d \(STARTTLS, the account's "
                     r"server, xmpp\.test\)" % dprosody.c2s_port,
                     pane.console(screen))
    pane.barrier()
    # an explicit server is not remembered
    assert not os.path.exists(endpoint_file(xdg))


# -- a resolver that never answers blocks nothing --------------------------

def test_silent_resolver_does_not_freeze(prosody, alice, xdg, run_natter):
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))  # takes queries, never answers
    try:
        port = silent.getsockname()[1]
        lost = natterdemo.natter_account(
            jid="someone@nowhere.test", password="x", server=None,
            port=None, tls="required")
        ok = natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=prosody.c2s_port,
            tls="trust")
        rc = write_rc(xdg, [("lost", lost), (ACCOUNT, ok)],
                      "127.0.0.1:%d" % port)
        pane = run_natter(rc)
        # the other account logs in and answers while the lookup waits
        pane.wait_for(CONNECTED)
        pane.barrier()
        # the query did reach the silent resolver, and is still waiting
        silent.settimeout(5)
        data, _ = silent.recvfrom(512)
        assert b"_xmpp" in data
        screen = pane.barrier()
        assert "lost: trying" not in screen
        assert "lost: every way" not in screen
        # a key round trip: what is typed shows at once
        pane.send_keys("still here", enter=False)
        pane.wait_for(r"still here")
        pane.send_key("C-u")
    finally:
        silent.close()


# -- legacy jabber:iq:auth (XEP-0078) --------------------------------------

@pytest.fixture
def legacy_prosody(prosody):
    """The test's Prosody with SASL off and jabber:iq:auth on."""
    with open(prosody.config_path) as f:
        cfg = f.read()
    cfg = cfg.replace('modules_disabled = { "s2s" }',
                      'modules_disabled = { "s2s", "saslauth" }')
    cfg = cfg.replace('modules_enabled = { "roster",',
                      'modules_enabled = { "legacyauth", "roster",')
    assert '"legacyauth"' in cfg and '"saslauth" }' in cfg
    with open(prosody.config_path, "w") as f:
        f.write(cfg)
    prosody.restart()
    return prosody


@pytest.mark.parametrize("auth", ["legacy", "auto"])
def test_legacy_auth(legacy_prosody, alice, xdg, run_natter, auth):
    rc = write_rc(xdg, {ACCOUNT: natterdemo.natter_account(
        jid=alice.jid, password=alice.password,
        port=legacy_prosody.c2s_port, tls="trust", auth=auth)})
    pane = run_natter(rc)
    screen = pane.wait_for(CONNECTED)
    assert re.search(r"test: logged in with the old jabber:iq:auth method",
                     pane.console(screen))
    pane.barrier()


def test_sasl_only_refuses_legacy_server(legacy_prosody, alice, xdg,
                                         run_natter):
    rc = write_rc(xdg, {ACCOUNT: natterdemo.natter_account(
        jid=alice.jid, password=alice.password,
        port=legacy_prosody.c2s_port, tls="trust", auth="sasl")})
    pane = run_natter(rc)
    pane.wait_for(r"the server offers no login method natter may use")
    assert "logged in with the old" not in pane.screen()


def test_legacy_auth_refused_without_encryption(prosody, alice, xdg,
                                                run_natter):
    # nothing is even tried: the refusal comes before any connection
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    try:
        rc = write_rc(xdg, {ACCOUNT: natterdemo.natter_account(
            jid=alice.jid, password=alice.password,
            port=listener.getsockname()[1], tls="disable", auth="legacy")})
        pane = run_natter(rc)
        screen = pane.wait_for(r"refused to log in: auth = \"legacy\" sends "
                               r"the password unprotected")
        assert "test: trying" not in screen
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()


# -- XEP-0156: what the domain publishes, over HTTPS -----------------------

HOST_META_XML = """<?xml version='1.0' encoding='utf-8'?>
<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
  <Link rel="urn:xmpp:alt-connections:xbosh"
        href="https://127.0.0.1:1/http-bind"/>
  <Link rel="urn:xmpp:alt-connections:websocket"
        href="wss://127.0.0.1:1/xmpp-websocket"/>
  <Link rel="urn:xmpp:alt-connections:websocket"
        href="ws://127.0.0.1:1/not-encrypted"/>
</XRD>
"""
HOST_META_JSON = """{"links": [
  {"rel": "urn:xmpp:alt-connections:websocket",
   "href": "wss://127.0.0.1:1/from-json"}]}
"""


class HostMetaServer:
    """HTTPS on 127.0.0.N:443 (N random: the address the test's DNS gives
    the domain) with the test Prosody's certificate, serving host-meta
    and host-meta.json; records the paths asked for."""

    def __init__(self, cert, key, xml=HOST_META_XML, json=HOST_META_JSON):
        import http.server
        import random
        import ssl
        import threading

        paths = self.paths = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                paths.append(self.path)
                body = {"/.well-known/host-meta": xml,
                        "/.well-known/host-meta.json": json
                        }.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        for _ in range(20):
            self.ip = "127.0.0.%d" % random.randint(2, 250)
            try:
                self.httpd = http.server.ThreadingHTTPServer(
                    (self.ip, 443), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("no free 127.0.0.N:443")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket,
                                            server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def host_meta(dprosody):
    server = HostMetaServer(dprosody.cert_path, dprosody.key_path)
    key = "hostmeta-%d" % id(server)
    harness.register_cleanup(key, server.stop)
    yield server
    server.stop()
    harness.unregister_cleanup(key)


def test_host_meta_discovery(dprosody, dalice, xdg, dns, host_meta,
                             run_natter):
    # no SRV records; on the domain's address 5222 is closed, or (when
    # this machine runs an XMPP server on every address) serves another
    # domain: either way natter goes on
    d = dns(["--address=/dns.test/%s" % host_meta.ip])
    rc = write_rc(xdg, {ACCOUNT: account(dalice)}, d.server)
    pane = run_natter(rc, trusting(dprosody))
    screen = pane.wait_for(r"test: every way to the server was tried")
    con = pane.console(screen)
    assert re.search(r"test: trying %s:5222 \(STARTTLS, the domain's "
                     r"address, dns\.test\)" % re.escape(host_meta.ip), con)
    # both asked (again at each retry, which may have begun by now)
    assert set(host_meta.paths) == {"/.well-known/host-meta",
                                    "/.well-known/host-meta.json"}
    ws1 = con.find("publishes a WebSocket endpoint, "
                   "wss://127.0.0.1:1/xmpp-websocket")
    ws2 = con.find("publishes a WebSocket endpoint, "
                   "wss://127.0.0.1:1/from-json")
    bosh = con.find("publishes a BOSH endpoint, https://127.0.0.1:1/http-bind")
    # WebSocket before BOSH, whatever the document's order; each tried
    assert 0 <= ws1 < ws2 < bosh, con
    t1 = con.find("trying WebSocket wss://127.0.0.1:1/xmpp-websocket "
                  "(from host-meta)")
    t2 = con.find("trying WebSocket wss://127.0.0.1:1/from-json")
    t3 = con.find("trying BOSH https://127.0.0.1:1/http-bind")
    assert bosh < t1 < t2 < t3, con
    assert re.search(r"BOSH https://127\.0\.0\.1:1/http-bind \(from "
                     r"host-meta\) failed", con), con
    assert "not-encrypted" not in con  # ws: is not HTTPS


def test_host_meta_certificate_checked(dprosody, dalice, xdg, dns, host_meta,
                                       run_natter):
    # without the test's CA the HTTPS server is not believed
    d = dns(["--address=/dns.test/%s" % host_meta.ip])
    rc = write_rc(xdg, {ACCOUNT: account(dalice)}, d.server)
    pane = run_natter(rc)
    screen = pane.wait_for(r"test: every way to the server was tried")
    assert re.search(r"no usable host-meta \(XEP-0156\): host-meta: .*"
                     r"certificate", screen, re.S), screen
    assert "publishes a" not in screen


def test_host_meta_websocket_login(alice_web, xdg, dns, run_natter):
    """Nothing answers on TCP; the domain's host-meta names Prosody's
    WebSocket and BOSH endpoints, and natter logs in over them."""
    server, acct = alice_web
    xml = ("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
           "<Link rel='urn:xmpp:alt-connections:xbosh' href='%s'/>"
           "<Link rel='urn:xmpp:alt-connections:websocket' href='%s'/>"
           "</XRD>" % (
               "https://127.0.0.1:%d/http-bind" % server.https_port,
               "wss://127.0.0.1:%d/xmpp-websocket" % server.https_port))
    hm = HostMetaServer(server.cert_path, server.key_path, xml=xml,
                        json="{}")
    key = "hostmeta-%d" % id(hm)
    harness.register_cleanup(key, hm.stop)
    try:
        d = dns(["--address=/dns.test/%s" % hm.ip])
        # tls = "trust": the endpoint's address is not the certificate's
        # name (the certificate test above checks host-meta's HTTPS)
        rc = write_rc(xdg, {ACCOUNT: account(acct, tls="trust")}, d.server)
        pane = run_natter(rc)
        screen = pane.wait_for(DCONNECTED)
        con = pane.console(screen)
        # WebSocket is tried first; here Prosody may close a WebSocket
        # reached by address before login, and BOSH then takes over
        ws = con.find("test: trying WebSocket wss://127.0.0.1:%d/"
                      "xmpp-websocket (from host-meta)" % server.https_port)
        assert ws >= 0, con
        assert re.search(r"test: connected over (WebSocket wss://127\.0\.0\.1:"
                         r"%d/xmpp-websocket|BOSH https://127\.0\.0\.1:%d/"
                         r"http-bind) \(from host-meta\)"
                         % (server.https_port, server.https_port), con), con
        bosh = con.find("test: trying BOSH")
        assert bosh < 0 or bosh > ws
        pane.barrier()
    finally:
        hm.stop()
        harness.unregister_cleanup(key)


@pytest.fixture
def alice_web():
    """A Prosody for DOMAIN with mod_websocket and mod_bosh on its HTTPS
    port (the default HTTP host: the endpoint is named by address), and
    alice on it."""
    server = natterdemo.PrivateProsody(domain=DOMAIN, web=True)
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        with open(server.config_path) as f:
            cfg = f.read()
        cfg = cfg.replace("\nVirtualHost ", '\nhttp_default_host = "%s"\n'
                          '\nVirtualHost ' % DOMAIN, 1)
        with open(server.config_path, "w") as f:
            f.write(cfg)
        server.start()
        acct = Account("alice", secrets.token_urlsafe(12))
        acct.jid = "alice@" + DOMAIN
        server.register("alice", acct.password)
        yield server, acct
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


def _web_login(alice_web, xdg, dns, run_natter, before=None):
    """natter logs in through a host-meta endpoint (nothing on TCP);
    before(hm) may write the endpoint file first. Returns (pane, con,
    the URL remembered, the web server)."""
    server, acct = alice_web
    ws = "wss://127.0.0.1:%d/xmpp-websocket" % server.https_port
    bosh = "https://127.0.0.1:%d/http-bind" % server.https_port
    xml = ("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
           "<Link rel='urn:xmpp:alt-connections:xbosh' href='%s'/>"
           "<Link rel='urn:xmpp:alt-connections:websocket' href='%s'/>"
           "</XRD>" % (bosh, ws))
    hm = HostMetaServer(server.cert_path, server.key_path, xml=xml,
                        json="{}")
    key = "hostmeta-%d" % id(hm)
    harness.register_cleanup(key, hm.stop)
    try:
        d = dns(["--address=/dns.test/%s" % hm.ip])
        rc = write_rc(xdg, {ACCOUNT: account(acct, tls="trust")}, d.server)
        if before:
            before()
        pane = run_natter(rc)
        screen = pane.wait_for(DCONNECTED)
        con = pane.console(screen)
        pane.barrier()
        m = re.search(r"test: connected over (WebSocket|BOSH) (\S+) \(from "
                      r"host-meta\)", con)
        assert m, con
        with open(endpoint_file(xdg)) as f:
            assert f.read() == "%s %s\n" % (
                "websocket" if m.group(1) == "WebSocket" else "bosh",
                m.group(2))
        assert m.group(2) in (ws, bosh)
        return pane, con, m.group(2), rc
    finally:
        hm.stop()
        harness.unregister_cleanup(key)


def test_host_meta_endpoint_remembered(alice_web, xdg, dns, run_natter):
    """A host-meta endpoint that worked is tried first at the next start,
    before any DNS lookup or TCP attempt (host-meta is gone by then)."""
    pane, con, url, rc = _web_login(alice_web, xdg, dns, run_natter)
    pane.quit()

    pane = run_natter(rc)
    screen = pane.wait_for(DCONNECTED)
    con = pane.console(screen)
    kind = "WebSocket" if url.startswith("wss:") else "BOSH"
    steps = [line for line in pane.lines(con)
             if re.search(r"test: (trying|connected over|DNS|\S.* failed)",
                         line)]
    assert steps, con
    assert "test: trying %s %s (worked last time)" % (kind, url) in \
        steps[0], steps
    assert "test: connected over %s %s (worked last time)" % (kind, url) in \
        steps[1], steps
    assert "from host-meta" not in con and "STARTTLS" not in con, con
    pane.barrier()
    with open(endpoint_file(xdg)) as f:
        assert f.read().split()[1] == url


def test_host_meta_endpoint_forgotten(alice_web, xdg, dns, run_natter):
    """A remembered endpoint that fails is said so, forgotten, and the
    usual order follows: TCP, then host-meta."""
    dead = "wss://127.0.0.1:%d/gone" % natterdemo.free_ports(1)[0]

    def before():
        path = endpoint_file(xdg)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("websocket %s\n" % dead)

    pane, con, url, rc = _web_login(alice_web, xdg, dns, run_natter,
                                    before)
    tried = con.find("test: trying WebSocket %s (worked last time)" % dead)
    failed = con.find("test: WebSocket %s (worked last time) failed:" % dead)
    forgot = con.find("forgotten, trying the usual ways")
    tcp = con.find("(STARTTLS, the domain's address, dns.test)")
    hmeta = con.find("(from host-meta)")
    assert 0 <= tried < failed < forgot < tcp < hmeta, con
    assert con.count(dead) == 2, con
