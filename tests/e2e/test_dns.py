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
import socket
import subprocess
import time

import pytest

import harness
import natterdemo
from conftest import ACCOUNT, CONNECTED

DNSMASQ = "/usr/sbin/dnsmasq"


class Dnsmasq:
    """dnsmasq on 127.0.0.1:port answering only from the given options
    (e.g. "--srv-host=_xmpp-client._tcp.localhost,a.test,5222,0,10",
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
                "--log-queries"] + self.records
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + natterdemo.START_TIMEOUT
        while not natterdemo.port_open(self.port):  # it listens on TCP too
            if self.proc.poll() is not None:
                raise RuntimeError("dnsmasq exited with %s"
                                   % self.proc.returncode)
            if time.monotonic() > deadline:
                raise RuntimeError("dnsmasq did not start")
            time.sleep(natterdemo.POLL)
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


@pytest.fixture
def run_natter(natter_bin, xdg):
    """run_natter(rc, env={}) -> natter in tmux with extra environment."""
    panes = []

    def start(rc, env=None):
        e = xdg.env()
        e.update(env or {})
        pane = harness.NatterPane([natter_bin, "-c", rc], e)
        panes.append(pane)
        return pane.start()
    yield start
    bad = [p for p in (pane.finish() for pane in panes) if p]
    assert not bad, "\n\n".join(bad)


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
    certificate (for DNS:localhost only) as a CA: a connection that
    logs in proves the certificate was checked against the JID's domain,
    not against the address natter connected to."""
    return {"SSL_CERT_FILE": prosody.cert_path}


def endpoint_file(xdg):
    return os.path.join(xdg.state, "natter", ACCOUNT, "endpoint")


# -- SRV: direct TLS first, a dead target, then the next -------------------

def test_srv_direct_tls_dead_first_then_remembered(prosody, alice, xdg, dns,
                                                   run_natter):
    dead = natterdemo.free_ports(1)[0]  # nobody listens there
    d = dns([
        "--srv-host=_xmpps-client._tcp.localhost,dead.test,%d,0,10" % dead,
        "--srv-host=_xmpps-client._tcp.localhost,direct.test,%d,5,10"
        % prosody.direct_tls_port,
        "--srv-host=_xmpp-client._tcp.localhost,starttls.test,%d,0,10"
        % prosody.c2s_port,
        "--address=/dead.test/127.0.0.1",
        "--address=/direct.test/127.0.0.1",
        "--address=/starttls.test/127.0.0.1",
    ])
    rc = write_rc(xdg, {ACCOUNT: account(alice)}, d.server)
    pane = run_natter(rc, trusting(prosody))
    screen = pane.wait_for(CONNECTED)
    con = pane.console(screen)
    # the dead target was tried first and refused, then the next one
    assert re.search(r"test: trying 127\.0\.0\.1:%d \(direct TLS from SRV, "
                     r"dead\.test\)" % dead, con), con
    assert re.search(r"test: 127\.0\.0\.1:%d \(direct TLS from SRV\) failed: "
                     r"Connection refused" % dead, con), con
    assert re.search(r"test: connected to 127\.0\.0\.1:%d \(direct TLS from "
                     r"SRV\)" % prosody.direct_tls_port, con), con
    # never STARTTLS: direct TLS worked
    assert "starttls.test" not in con
    pane.barrier()
    with open(endpoint_file(xdg)) as f:
        assert f.read() == "tcp direct.test %d direct\n" % (
            prosody.direct_tls_port)
    pane.quit()

    # the next start tries the remembered endpoint first
    pane = run_natter(rc, trusting(prosody))
    screen = pane.wait_for(CONNECTED)
    tries = [line for line in pane.lines(pane.console(screen))
             if "test: trying" in line]
    assert tries and re.search(r"127\.0\.0\.1:%d \(direct TLS, worked last "
                               r"time, direct\.test\)"
                               % prosody.direct_tls_port, tries[0]), tries
    assert "dead.test" not in pane.console(screen)
    pane.barrier()


def test_srv_starttls_when_no_direct_tls(prosody, alice, xdg, dns,
                                         run_natter):
    d = dns([
        "--srv-host=_xmpp-client._tcp.localhost,starttls.test,%d,0,10"
        % prosody.c2s_port,
        "--address=/starttls.test/127.0.0.1",
    ])
    rc = write_rc(xdg, {ACCOUNT: account(alice)}, d.server)
    pane = run_natter(rc, trusting(prosody))
    screen = pane.wait_for(CONNECTED)
    assert re.search(r"test: connected to 127\.0\.0\.1:%d \(STARTTLS from SRV"
                     % prosody.c2s_port, pane.console(screen))
    pane.barrier()


# -- Happy Eyeballs: IPv6 refused, IPv4 works ------------------------------

def test_both_families_one_refused(prosody, alice, xdg, dns, run_natter):
    d = dns([
        "--srv-host=_xmpp-client._tcp.localhost,dual.test,%d,0,10"
        % prosody.c2s_port,
        "--address=/dual.test/::1",
        "--address=/dual.test/127.0.0.1",
    ])
    rc = write_rc(xdg, {ACCOUNT: account(alice)}, d.server)
    pane = run_natter(rc, trusting(prosody))
    screen = pane.wait_for(CONNECTED)
    con = pane.console(screen)
    # IPv6 first (RFC 8305), refused (Prosody listens on 127.0.0.1 only),
    # then IPv4
    v6 = con.find("test: trying [::1]:%d" % prosody.c2s_port)
    v4 = con.find("test: trying 127.0.0.1:%d" % prosody.c2s_port)
    assert 0 <= v6 < v4, con
    assert re.search(r"test: \[::1\]:%d \(STARTTLS from SRV\) failed"
                     % prosody.c2s_port, con), con
    assert "test: connected to 127.0.0.1:%d" % prosody.c2s_port in con
    pane.barrier()


def test_configured_server_name_resolved(prosody, alice, xdg, dns,
                                         run_natter):
    d = dns(["--address=/xmpp.test/127.0.0.1"])
    rc = write_rc(xdg, {ACCOUNT: account(alice, server="xmpp.test",
                                         port=prosody.c2s_port)}, d.server)
    pane = run_natter(rc, trusting(prosody))
    screen = pane.wait_for(CONNECTED)
    assert re.search(r"test: trying 127\.0\.0\.1:%d \(STARTTLS, the account's "
                     r"server, xmpp\.test\)" % prosody.c2s_port,
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
