"""Through proxies: natter (alice) reaches its Prosody through Debian's
dante (danted, SOCKS5, without and with a user name and password) and
tinyproxy (HTTP CONNECT), started here on 127.0.0.1 with configurations
written here, and chats with a slixmpp peer (bob) both ways.  The proxy
is given the server's name ("localhost"), which it resolves itself.
Every connection is tls = "required" with Prosody's self-signed
certificate pinned, so TLS is checked end to end, between natter and
Prosody, through the proxy; each proxy's log shows that the connection
went through it.

A proxy that refuses (a wrong password, a CONNECT to a port it does not
allow, nothing listening) leaves a clear reason on natter's console.  A
proxy that changes a byte of the stream, and one that sends natter to
another server (a second Prosody of the same name with its own
certificate), are both refused.  ALL_PROXY in the environment is
honoured when natterrc says nothing, and NO_PROXY can exempt the
server.  Natter's private loopback endpoint (the bridge) turns away a
connection that is not libstrophe's own, and the session goes on.

dante's password method checks the system's password database; the
test gives danted its own passwd and shadow files through nss_wrapper
(Debian's libnss-wrapper, made for tests), so no system user is made.
"""

import os
import re
import select
import shutil
import socket
import struct
import subprocess
import threading

import pytest

import harness
import natterdemo

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
NSS_WRAPPER = "/usr/lib/x86_64-linux-gnu/libnss_wrapper.so"
PROXY_USER = "proxyuser"
PROXY_PASS = "s3cret-pr0xy"
START_WAIT = 20


def need(program):
    if not shutil.which(program) and not os.path.exists(program):
        pytest.fail("%s is not installed (./build.sh check installs it)"
                    % program, pytrace=False)


def wait_port(proc, port, log, what):
    """Until proc listens on port; its log tail if it exits or never
    does."""
    try:
        if harness.wait_value(lambda: proc.poll() is not None or
                              natterdemo.port_open(port),
                              "%s to listen" % what, START_WAIT) and \
                proc.poll() is None:
            return
    except AssertionError:
        pass
    with open(log, encoding="utf-8", errors="replace") as f:
        text = f.read()[-3000:]
    raise AssertionError("%s did not start:\n%s" % (what, text))


class Daemon:
    """A proxy daemon of the test's: its process, port and log."""

    def __init__(self, argv, port, log, what, env=None):
        self.port = port
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        self.key = "%s-%d" % (what, self.proc.pid)
        harness.register_cleanup(self.key, self.stop)
        wait_port(self.proc, port, log, what)

    def text(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 15)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(10)
        harness.unregister_cleanup(self.key)


@pytest.fixture
def proxies(tmp_path):
    """proxies.dante(password=False) and proxies.tinyproxy(connect_ports=
    None, auth=None) start a proxy on a free port of 127.0.0.1; all are
    stopped after the test."""
    started = []

    class Factory:
        @staticmethod
        def dante(password=False):
            need("danted")
            port, = natterdemo.free_ports(1)
            d = tmp_path / ("dante-%d" % port)
            d.mkdir()
            env = dict(os.environ)
            lines = ["logoutput: stderr",
                     "internal: 127.0.0.1 port = %d" % port,
                     "external: 127.0.0.1",
                     "clientmethod: none",
                     "socksmethod: %s" % ("username" if password else "none")]
            if os.geteuid() == 0:
                # dante wants to drop privileges: keep them (the files
                # below are in the test's private directory)
                lines += ["user.privileged: root", "user.unprivileged: root"]
            lines += ["client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 "
                      "log: error connect }",
                      "socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 "
                      "log: error connect }"]
            if password:
                need(NSS_WRAPPER)
                hashed = subprocess.run(
                    ["openssl", "passwd", "-6", PROXY_PASS], check=True,
                    capture_output=True, text=True).stdout.strip()
                uid = os.geteuid()
                (d / "passwd").write_text(
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "%s:x:%d:%d:proxy user:/nonexistent:/bin/false\n"
                    % (PROXY_USER, 4242 if uid == 0 else uid,
                       4242 if uid == 0 else os.getegid()))
                (d / "group").write_text("root:x:0:\n%s:x:4242:\n"
                                         % PROXY_USER)
                (d / "shadow").write_text("%s:%s:19000:0:99999:7:::\n"
                                          % (PROXY_USER, hashed))
                env.update(LD_PRELOAD=NSS_WRAPPER,
                           NSS_WRAPPER_PASSWD=str(d / "passwd"),
                           NSS_WRAPPER_GROUP=str(d / "group"),
                           NSS_WRAPPER_SHADOW=str(d / "shadow"))
            conf = d / "danted.conf"
            conf.write_text("\n".join(lines) + "\n")
            p = Daemon(["danted", "-f", str(conf), "-N", "1",
                        "-p", str(d / "danted.pid")], port,
                       str(d / "danted.log"), "danted", env)
            started.append(p)
            return p

        @staticmethod
        def tinyproxy(connect_ports=None, auth=None):
            need("tinyproxy")
            port, = natterdemo.free_ports(1)
            d = tmp_path / ("tinyproxy-%d" % port)
            d.mkdir()
            lines = ["Port %d" % port, "Listen 127.0.0.1", "Timeout 600",
                     "LogLevel Info", "MaxClients 20",
                     "PidFile \"%s\"" % (d / "tinyproxy.pid")]
            if os.geteuid() == 0:
                lines += ["User root", "Group root"]
            for p in connect_ports or ():
                lines.append("ConnectPort %d" % p)
            if auth:
                lines.append("BasicAuth %s %s" % auth)
            conf = d / "tinyproxy.conf"
            conf.write_text("\n".join(lines) + "\n")
            p = Daemon(["tinyproxy", "-d", "-c", str(conf)], port,
                       str(d / "tinyproxy.log"), "tinyproxy")
            started.append(p)
            return p

    yield Factory
    for p in started:
        p.stop()


# -- a proxy of our own that misbehaves --------------------------------------

class Socks5Relay:
    """A small SOCKS5 proxy (no authentication) on a free port: it relays
    to 127.0.0.1 at the port the client asked for, or at `redirect`
    when set (another server), and with `tamper` flips one bit of what the
    server sends on each connection once TLS has begun (40 bytes into the server's first TLS
    record, inside its handshake).  `requests` lists the (host, port)
    asked for; `flips` counts the connections it tampered with."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.redirect = None
        self.tamper = False
        self.requests = []
        self.flips = 0
        self.conns = []
        self.closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closing:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._serve, args=(c,),
                             daemon=True).start()

    @staticmethod
    def _recv_exact(c, n):
        data = b""
        while len(data) < n:
            chunk = c.recv(n - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    def _serve(self, c):
        try:
            ver, nmethods = self._recv_exact(c, 2)
            self._recv_exact(c, nmethods)
            c.sendall(b"\x05\x00")
            ver, cmd, _, atyp = self._recv_exact(c, 4)
            if atyp == 3:
                host = self._recv_exact(c, self._recv_exact(c, 1)[0]).decode()
            elif atyp == 1:
                host = socket.inet_ntoa(self._recv_exact(c, 4))
            else:
                host = socket.inet_ntop(socket.AF_INET6,
                                        self._recv_exact(c, 16))
            port, = struct.unpack("!H", self._recv_exact(c, 2))
            self.requests.append((host, port))
            up = socket.create_connection(("127.0.0.1",
                                           self.redirect or port))
            self.conns.append(up)
            c.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1")
                      + struct.pack("!H", 0))
        except OSError:
            c.close()
            return
        self._relay(c, up)

    def _relay(self, client, server):
        seen = b""
        tls_bytes = 0
        flipped = False
        socks = [client, server]
        while True:
            try:
                ready, _, _ = select.select(socks, [], [], 1.0)
            except (OSError, ValueError):
                return
            if self.closing:
                break
            for s in ready:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    client.close()
                    server.close()
                    return
                if s is server and self.tamper and not flipped:
                    if b"<proceed" not in seen:
                        seen += data
                        cut = seen.find(b"<proceed")
                        if cut >= 0:
                            end = seen.find(b"/>", cut)
                            # what follows the <proceed/> is TLS already
                            tls_bytes = len(seen) - (end + 2) if end >= 0 \
                                else 0
                    else:
                        if tls_bytes + len(data) > 40:
                            i = max(0, 40 - tls_bytes)
                            data = data[:i] + bytes([data[i] ^ 0x01]) \
                                + data[i + 1:]
                            flipped = True
                            self.flips += 1
                        tls_bytes += len(data)
                other = server if s is client else client
                try:
                    other.sendall(data)
                except OSError:
                    client.close()
                    server.close()
                    return

    def close(self):
        self.closing = True
        self.sock.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


@pytest.fixture
def relay():
    r = Socks5Relay()
    harness.register_cleanup("relay-%d" % r.port, r.close)
    yield r
    r.close()
    harness.unregister_cleanup("relay-%d" % r.port)


# -- natter --------------------------------------------------------------------

def write_rc(prosody, alice, xdg, proxy=None, debug_log=None,
             tls="required", port=None, **extra):
    """alice's natterrc: tls = "required" (or tls) with the server's
    certificate pinned; the server named as "localhost", for the proxy to
    resolve."""
    opts = natterdemo.natter_account(
        jid=alice.jid, password=alice.password,
        port=port or prosody.c2s_port, tls=tls, server="localhost",
        strangers="open", **extra)
    if proxy is not None:
        opts["proxy"] = proxy
    natterdemo.pin_certificate(xdg.data, "localhost",
                               prosody.cert_fingerprint())
    # the debug log (in XDG_STATE_HOME unless a test wants it elsewhere)
    # says what went wrong when a test fails
    glob = "debug = true\n"
    if debug_log:
        glob += 'debug_log = "%s"\n' % debug_log
    return natterdemo.write_natterrc(xdg.natterrc, {"test": opts}, glob)


@pytest.fixture
def run_natter(natter_bin, xdg):
    """run_natter(rc, env=None) -> a started NatterPane with extra
    environment variables; each must still run at the end and /quit
    cleanly."""
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


def chat_both_ways(natter, bob, alice, tag):
    """In bob's window: bob writes, natter shows it; natter writes, bob
    gets it."""
    natter.send_keys("/query " + BOB)
    natter.wait_until(lambda s: BOB in natter.title(s), "bob's window")
    text = "hello through the %s" % tag
    bob.send_message(alice.jid, text)
    natter.wait_for(r"<bob@localhost> " + re.escape(text))
    reply = "answer through the %s" % tag
    natter.send_keys(reply)
    bob.wait_message(lambda m: m[0].startswith(alice.jid + "/")
                     and m[2] == reply)
    harness.round_trip(natter, bob, alice.full_jid)
    natter.send_alt("1")  # back to the console


def flat(natter, screen):
    """The console's text as one line: the roster pane cut off, wrapped
    lines joined, runs of spaces made one."""
    parts = []
    for line in natter.console(screen).split("\n"):
        if len(line) > 23 and line[23] == "x":
            line = line[24:]
        parts.append(line.strip())
    return re.sub(r"\s+", " ", " ".join(parts))


def wait_said(natter, regex):
    """Waits until the console says regex (wrapped or not); returns the
    screen."""
    return natter.wait_until(lambda s: re.search(regex, flat(natter, s)),
                             "the console to say %r" % regex)


def offline(natter, bob, alice, screen):
    assert not re.search(CONNECTED, screen, re.I), harness.boxed(screen)
    assert bob.ping(alice.full_jid).type == "error"


# -- the tests -------------------------------------------------------------------

def test_socks5_without_password(prosody, alice, bob, xdg, proxies,
                                 run_natter):
    dante = proxies.dante()
    natter = run_natter(write_rc(prosody, alice, xdg,
                                 proxy="socks5://127.0.0.1:%d" % dante.port))
    natter.wait_for(CONNECTED)
    chat_both_ways(natter, bob, alice, "SOCKS5 proxy")
    # dante connected to Prosody for natter, the name resolved there
    assert re.search(r"pass\(\d+\): tcp/connect .*\b127\.0\.0\.1\.%d\b"
                     % prosody.c2s_port, dante.text()), dante.text()[-2000:]


def test_direct_tls_through_socks5(prosody, alice, bob, xdg, proxies,
                                   run_natter):
    # direct TLS (XEP-0368): libstrophe's handshake starts as soon as it
    # is connected, and does not return until it is over
    dante = proxies.dante()
    natter = run_natter(write_rc(prosody, alice, xdg, tls="direct",
                                 port=prosody.direct_tls_port,
                                 proxy="socks5://127.0.0.1:%d" % dante.port))
    natter.wait_for(CONNECTED)
    harness.round_trip(natter, bob, alice.full_jid)
    assert re.search(r"pass\(\d+\): tcp/connect .*\b127\.0\.0\.1\.%d\b"
                     % prosody.direct_tls_port, dante.text()), \
        dante.text()[-2000:]


def test_socks5_with_password(prosody, alice, bob, xdg, proxies,
                              run_natter):
    dante = proxies.dante(password=True)
    natter = run_natter(write_rc(
        prosody, alice, xdg, proxy="socks5://%s:%s@127.0.0.1:%d"
        % (PROXY_USER, PROXY_PASS, dante.port)))
    natter.wait_for(CONNECTED)
    chat_both_ways(natter, bob, alice, "SOCKS5 proxy with a password")
    log = dante.text()
    assert re.search(r"pass\(\d+\): tcp/connect .*%s" % PROXY_USER, log) \
        or re.search(r"pass\(\d+\): tcp/connect .*\b127\.0\.0\.1\.%d\b"
                     % prosody.c2s_port, log), log[-2000:]


def test_socks5_wrong_password(prosody, alice, bob, xdg, proxies,
                               run_natter):
    dante = proxies.dante(password=True)
    natter = run_natter(write_rc(
        prosody, alice, xdg, proxy="socks5://%s:wrong@127.0.0.1:%d"
        % (PROXY_USER, dante.port)))
    screen = wait_said(natter,
        r"disconnected \(cannot reach the server: the SOCKS5 proxy "
        r"127\.0\.0\.1:%d refused the user name or password\)" % dante.port)
    assert "wrong" not in screen, harness.boxed(screen)
    offline(natter, bob, alice, screen)


def test_http_connect(prosody, alice, bob, xdg, proxies, run_natter):
    tiny = proxies.tinyproxy()
    natter = run_natter(write_rc(prosody, alice, xdg,
                                 proxy="http://127.0.0.1:%d" % tiny.port))
    natter.wait_for(CONNECTED)
    chat_both_ways(natter, bob, alice, "HTTP proxy")
    assert re.search(r"CONNECT localhost:%d" % prosody.c2s_port,
                     tiny.text()), tiny.text()[-2000:]


def test_http_connect_with_password(prosody, alice, bob, xdg, proxies,
                                    run_natter):
    tiny = proxies.tinyproxy(auth=("natter", "tunnel-pass"))
    natter = run_natter(write_rc(
        prosody, alice, xdg,
        proxy="http://natter:tunnel-pass@127.0.0.1:%d" % tiny.port))
    natter.wait_for(CONNECTED)
    harness.round_trip(natter, bob, alice.full_jid)


def test_http_connect_refused(prosody, alice, bob, xdg, proxies,
                              run_natter):
    # the proxy allows CONNECT to one port only, not Prosody's
    tiny = proxies.tinyproxy(connect_ports=[prosody.c2s_port + 1 if
                                            prosody.c2s_port < 65535 else 1])
    natter = run_natter(write_rc(prosody, alice, xdg,
                                 proxy="http://127.0.0.1:%d" % tiny.port))
    screen = wait_said(natter,
        r"disconnected \(cannot reach the server: the HTTP proxy "
        r"127\.0\.0\.1:%d refused a connection to localhost port %d "
        r"\(HTTP 403\)\)" % (tiny.port, prosody.c2s_port))
    offline(natter, bob, alice, screen)


def test_http_proxy_wants_password(prosody, alice, bob, xdg, proxies,
                                   run_natter):
    tiny = proxies.tinyproxy(auth=("natter", "tunnel-pass"))
    natter = run_natter(write_rc(prosody, alice, xdg,
                                 proxy="http://127.0.0.1:%d" % tiny.port))
    screen = wait_said(natter,
        r"the HTTP proxy 127\.0\.0\.1:%d wants a user name and password "
        r"\(HTTP 407\)" % tiny.port)
    offline(natter, bob, alice, screen)


def test_proxy_not_there(prosody, alice, bob, xdg, run_natter):
    port, = natterdemo.free_ports(1)
    natter = run_natter(write_rc(prosody, alice, xdg,
                                 proxy="socks5://127.0.0.1:%d" % port))
    screen = wait_said(natter,
        r"disconnected \(cannot reach the server: cannot reach the SOCKS5 "
        r"proxy 127\.0\.0\.1:%d" % port)
    offline(natter, bob, alice, screen)


def test_all_proxy_and_no_proxy(prosody, alice, bob, xdg, proxies,
                                run_natter):
    dante = proxies.dante()
    rc = write_rc(prosody, alice, xdg)
    natter = run_natter(rc, {"ALL_PROXY": "socks5://127.0.0.1:%d"
                             % dante.port, "NO_PROXY": "example.org"})
    natter.wait_for(CONNECTED)
    harness.round_trip(natter, bob, alice.full_jid)
    assert re.search(r"pass\(\d+\): tcp/connect .*\b127\.0\.0\.1\.%d\b"
                     % prosody.c2s_port, dante.text()), dante.text()[-2000:]
    assert natter.quit() == 0
    natter.kill_server()
    # NO_PROXY names the server: a direct connection
    before = dante.text()
    direct = run_natter(rc, {"ALL_PROXY": "socks5://127.0.0.1:%d"
                             % dante.port, "NO_PROXY": "localhost"})
    direct.wait_for(CONNECTED)
    harness.round_trip(direct, bob, alice.full_jid)
    assert dante.text() == before, dante.text()[len(before):]


def test_tampering_proxy_refused(prosody, alice, bob, xdg, relay,
                                 run_natter):
    natter = run_natter(write_rc(prosody, alice, xdg,
                                 proxy="socks5://127.0.0.1:%d" % relay.port))
    # an honest relay first: the same way works
    natter.wait_for(CONNECTED)
    harness.round_trip(natter, bob, alice.full_jid)
    assert relay.requests == [("localhost", prosody.c2s_port)]
    natter.send_keys("/disconnect")
    natter.wait_for(r"test: disconnected\s*$")
    relay.tamper = True
    natter.send_keys("/connect")
    screen = wait_said(natter, r"disconnected \([^)]*\); reconnecting")
    assert relay.flips >= 1
    # online once, with the honest relay; never with the tampering one
    assert natter.count(CONNECTED, screen) == 1, harness.boxed(screen)
    assert bob.ping(alice.full_jid).type == "error"


def test_proxy_to_another_server_refused(prosody, alice, bob, xdg, relay,
                                         run_natter):
    impostor = natterdemo.PrivateProsody(domain="localhost")
    harness.register_cleanup("impostor", impostor.cleanup)
    try:
        impostor.start()
        assert impostor.cert_fingerprint() != prosody.cert_fingerprint()
        relay.redirect = impostor.c2s_port
        natter = run_natter(write_rc(
            prosody, alice, xdg, proxy="socks5://127.0.0.1:%d" % relay.port))
        screen = natter.wait_for(r"CERTIFICATE CHANGED")
        assert relay.requests[0] == ("localhost", prosody.c2s_port)
        offline(natter, bob, alice, screen)
    finally:
        impostor.cleanup()
        harness.unregister_cleanup("impostor")


def listening_ports(pid):
    """The TCP ports process pid listens on (from /proc)."""
    inodes = set()
    fd_dir = "/proc/%d/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]", target)
        if m:
            inodes.add(m.group(1))
    ports = []
    with open("/proc/net/tcp", encoding="ascii") as f:
        next(f)
        for line in f:
            parts = line.split()
            local, state, inode = parts[1], parts[3], parts[9]
            if state == "0A" and inode in inodes:
                ports.append(int(local.split(":")[1], 16))
    return ports


def test_bridge_refuses_foreign_connection(prosody, alice, bob, xdg,
                                           proxies, run_natter, tmp_path):
    dante = proxies.dante()
    log = str(tmp_path / "debug.log")
    natter = run_natter(write_rc(prosody, alice, xdg, debug_log=log,
                                 proxy="socks5://127.0.0.1:%d" % dante.port))
    natter.wait_for(CONNECTED)
    ports = listening_ports(natter.pid())
    assert len(ports) == 1, ports
    # another local program connects to natter's endpoint: it is closed
    # at once, without a byte of the stream
    with socket.create_connection(("127.0.0.1", ports[0]), timeout=10) as s:
        s.settimeout(10)
        try:
            got = s.recv(4096)
        except ConnectionResetError:
            got = b""
        assert got == b"", got
    # natter's session goes on through the proxy
    chat_both_ways(natter, bob, alice, "bridge after an intruder")
    with open(log, encoding="utf-8", errors="replace") as f:
        text = f.read()
    assert re.search(r"port %d: refused a foreign connection from 127\.0\.0\.1"
                     % ports[0], text), text[-3000:]


def test_download_through_the_accounts_proxy(prosody, alice, bob, xdg,
                                             proxies, run_natter, tmp_path):
    from test_links import REPORT, Server
    web = Server(tmp_path)
    try:
        tiny = proxies.tinyproxy()
        downloads = tmp_path / "dl"
        downloads.mkdir()
        rc = write_rc(prosody, alice, xdg,
                      proxy="http://127.0.0.1:%d" % tiny.port)
        with open(rc, "a", encoding="utf-8") as f:
            f.write('download_dir = "%s"\n' % downloads)
        natter = run_natter(rc, {"SSL_CERT_FILE": web.cert})
        natter.wait_for(CONNECTED)
        natter.send_keys("/query " + BOB)
        natter.wait_until(lambda s: BOB in natter.title(s), "bob's window")
        bob.send_message(alice.jid, "the report: %s"
                         % web.url("/files/report.txt"))
        natter.wait_for(r"the report: https://")
        # a download asked for in the account's window takes its proxy
        natter.send_keys("/download 1")
        wait_said(natter, r"Transfer 1 done: saved as %s/report\.txt"
                  % re.escape(str(downloads)))
        assert (downloads / "report.txt").read_bytes() == REPORT
        assert re.search(r"CONNECT 127\.0\.0\.1:%d" % web.port,
                         tiny.text()), tiny.text()[-2000:]
    finally:
        web.stop()
