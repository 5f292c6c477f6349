"""natterdemo: a private Prosody and scripted XMPP peers on 127.0.0.1.

Shared by share/demo/natter-demo and tests/e2e.  It owns:

- PrivateProsody: one Prosody in a temporary directory (config, self-signed
  certificate, data, log), listening on free ports of 127.0.0.1 only, started
  in its own process group and always stopped by stop()/cleanup();
- write_natterrc() and pin_certificate(): the two files natter reads
  (its libconfuse config and its pin store "DOMAIN FINGERPRINT");
- ClientThread: a slixmpp client running on its own asyncio loop in a
  background thread, with blocking helpers bounded by timeouts;
- EchoBot: the demo's peer, which accepts subscriptions and echoes messages.

Only the standard library and slixmpp are used.  Run with /usr/bin/python3.
"""

import asyncio
import ctypes
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
POLL = 0.05
# Prosody's words for a port it cannot listen on (core/portmanager.lua)
PORT_REFUSED = re.compile(r"Failed to open server port (\d+)")


TMUX_TIMEOUT = 10.0


def tmux(socket, *args, check=True):
    """Run one tmux command against the private server `socket` (no user
    config); return its stdout.  Raises RuntimeError when check is set
    and tmux fails."""
    res = subprocess.run(["tmux", "-L", socket, "-f", "/dev/null"]
                         + list(args), stdin=subprocess.DEVNULL,
                         capture_output=True, text=True,
                         timeout=TMUX_TIMEOUT)
    if check and res.returncode != 0:
        raise RuntimeError("tmux %s: %s" % (args[0], res.stderr.strip()))
    return res.stdout


def _ephemeral_range():
    """The ports the kernel gives outgoing connections: (lowest, highest)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = map(int, f.read().split()[:2])
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def _kernel_ports(count):
    """`count` distinct ports the kernel picked (a bind to port 0)."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind((LOOPBACK, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_ports(count):
    """Return `count` distinct TCP ports of 127.0.0.1 that were free just
    now.  They are drawn outside the kernel's ephemeral range (below it,
    or above it when it starts too low to leave room): a port the kernel
    picked (a bind to port 0) can be given to any outgoing connection (a
    client, a bot, another test's peer) before the server told to use it
    binds it, and then that server does not listen.  Only a range that
    leaves no room either side gets the kernel's picks."""
    low, high = _ephemeral_range()
    base = 10000 if low > 20000 else 1024
    spans = [(lo, hi) for lo, hi in ((base, low), (high + 1, 65536))
             if hi - lo >= 100]
    if not spans:
        return _kernel_ports(count)
    rng = random.SystemRandom()
    ports = []
    for _ in range(1000):
        if len(ports) == count:
            break
        lo, hi = rng.choice(spans)
        port = rng.randrange(lo, hi)
        if port in ports:
            continue
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            continue
        finally:
            s.close()
        ports.append(port)
    if len(ports) < count:
        raise OSError("no %d free ports of 127.0.0.1 outside %d-%d"
                      % (count, low, high))
    return ports


def port_open(port, host=LOOPBACK):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def lua_str(value):
    """Quote a Python string as a Lua string literal."""
    out = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + out.replace("\n", "\\n") + '"'


def confuse_value(value):
    """Render a Python value in libconfuse syntax."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    out = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + out.replace("\n", "\\n") + '"'


def fingerprint_of_pem(pem_path):
    """SHA-256 of a PEM certificate as "AB:CD:...:EF" (openssl's form)."""
    with open(pem_path, "r", encoding="ascii") as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _die_with_parent():
    """preexec_fn: SIGKILL this child if the thread that forked it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - a safety net only
        pass


class ProsodyError(RuntimeError):
    pass


class PrivateProsody:
    """A Prosody server private to one test or demo run.

    Everything lives in self.dir.  Ports are chosen once, so restart()
    listens where clients expect it.  components: iterable of
    (name, secret) pairs declared as external components; admins: JIDs
    Prosody treats as its administrators (XEP-0133 commands); muc: the
    domain of a group chat service (XEP-0045), or None; muc_locking: a
    new room stays locked until its owner configures it (XEP-0045
    10.1), as on most servers, rather than opening at once; modules:
    more Prosody modules to load (e.g. "pep", "private", "bookmarks");
    pubsub: the domain of a publish-subscribe service (XEP-0060,
    Prosody's mod_pubsub), or None.
    file_share: the size limit in bytes of an HTTP upload service
    (XEP-0363, mod_http_file_share) at upload.DOMAIN, served over HTTPS
    on 127.0.0.1:self.https_port with the server's certificate, or None;
    file_share_types: the MIME types it takes (default: any);
    file_share_port: the port its addresses name (default https_port:
    another for a proxy in front of it).
    """

    def __init__(self, domain="localhost", log_level="info",
                 allow_registration=False, components=(),
                 die_with_parent=True, admins=(), muc=None,
                 muc_locking=False, modules=(), pubsub=None,
                 file_share=None,
                 file_share_types=(), file_share_port=None, web=False,
                 bosh_max_wait=None):
        self.domain = domain
        self.pubsub = pubsub
        # web: BOSH and WebSocket on the HTTPS port (self.https_port;
        # bosh_url and websocket_url say where)
        self.web = web
        # the longest BOSH wait granted (Prosody's default: 120 s)
        self.bosh_max_wait = bosh_max_wait
        self.muc_locking = muc_locking
        self.file_share = file_share
        self.https_port = (free_ports(1)[0] if file_share or web
                           else None)
        self.file_share_types = list(file_share_types)
        self.file_share_port = file_share_port or self.https_port
        self.admins = list(admins)
        self.muc = muc
        self.extra_modules = list(modules)
        self.log_level = log_level
        self.allow_registration = allow_registration
        self.components = list(components)
        self.die_with_parent = die_with_parent
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="natter-prosody-")
        (self.c2s_port, self.component_port,
         self.direct_tls_port) = free_ports(3)
        self.certs_dir = os.path.join(self.dir, "certs")
        self.data_dir = os.path.join(self.dir, "data")
        os.makedirs(self.certs_dir, mode=0o700)
        os.makedirs(self.data_dir, mode=0o700)
        self.cert_path = os.path.join(self.certs_dir, domain + ".crt")
        self.key_path = os.path.join(self.certs_dir, domain + ".key")
        self.config_path = os.path.join(self.dir, "prosody.cfg.lua")
        self.log_path = os.path.join(self.dir, "prosody.log")
        self.console_path = os.path.join(self.dir, "prosody.out")
        self.pidfile = os.path.join(self.dir, "prosody.pid")
        try:
            self._make_cert(self.cert_path, self.key_path)
            self._write_config()
        except BaseException:
            self.cleanup()
            raise

    # -- files ------------------------------------------------------------

    def _make_cert(self, cert_path, key_path):
        """Write a new self-signed certificate for self.domain (30 days)."""
        cmd = ["openssl", "req", "-x509", "-newkey", "ec",
               "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-keyout", key_path, "-out", cert_path, "-days", "30",
               "-subj", "/O=natter test/CN=" + self.domain,
               "-addext", "subjectAltName=DNS:" + self.domain]
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=30)
        if res.returncode != 0:
            raise ProsodyError("openssl failed: " + res.stderr.strip())
        os.chmod(key_path, 0o600)

    def _write_config(self):
        modules = ["roster", "saslauth", "tls", "disco", "ping", "register",
                   "smacks", "version", "time", "admin_adhoc", "posix"]
        modules += ["mam"]  # the message archive (XEP-0313)
        modules += [m for m in self.extra_modules if m not in modules]
        if self.web:
            modules += ["bosh", "websocket"]
        ssl_block = "{ certificate = %s, key = %s }" % (
            lua_str(self.cert_path), lua_str(self.key_path))
        lines = [
            "-- written by natterdemo.PrivateProsody; 127.0.0.1 only",
            "run_as_root = true",
            "daemonize = false",
            "pidfile = %s" % lua_str(self.pidfile),
            "data_path = %s" % lua_str(self.data_dir),
            "certificates = %s" % lua_str(self.certs_dir),
            "log = { { levels = { min = %s }, to = \"file\", filename = %s } }"
            % (lua_str(self.log_level), lua_str(self.log_path)),
            "interfaces = { \"127.0.0.1\" }",
            "local_interfaces = { \"127.0.0.1\" }",
            "c2s_ports = { %d }" % self.c2s_port,
            "c2s_direct_tls_ports = { %d }" % self.direct_tls_port,
            "c2s_direct_tls_ssl = " + ssl_block,
            "legacy_ssl_ports = { }",
            "component_ports = { %d }" % self.component_port,
            "component_interfaces = { \"127.0.0.1\" }",
            "s2s_ports = { }",
            "http_ports = { }",
            "https_ports = { %s }" % (self.https_port or ""),
            "https_interfaces = { \"127.0.0.1\" }",
            "https_ssl = " + ssl_block,
            "modules_disabled = { \"s2s\" }",
            "modules_enabled = { %s }" % ", ".join(lua_str(m) for m in modules),
            "c2s_require_encryption = true",
            "authentication = \"internal_hashed\"",
            "storage = \"internal\"",
            "allow_registration = %s"
            % ("true" if self.allow_registration else "false"),
            "admins = { %s }" % ", ".join(lua_str(a) for a in self.admins),
        ]
        if self.web:
            lines += [
                "consider_bosh_secure = true",
                "consider_websocket_secure = true",
                "cross_domain_bosh = true",
                "cross_domain_websocket = true",
            ]
            if self.bosh_max_wait is not None:
                lines.append("bosh_max_wait = %d" % self.bosh_max_wait)
        lines += [
            "",
            "VirtualHost %s" % lua_str(self.domain),
            "    ssl = " + ssl_block,
        ]
        for name, secret in self.components:
            lines += ["", "Component %s" % lua_str(name),
                      "    component_secret = %s" % lua_str(secret)]
        if self.file_share:
            # the service's addresses name the server's host (its
            # certificate's name); before the muc, which bench/run-bench
            # wants last
            lines += ["", "Component %s \"http_file_share\""
                      % lua_str("upload." + self.domain),
                      "    http_host = %s" % lua_str(self.domain),
                      "    http_external_url = %s"
                      % lua_str("https://%s:%d/" % (self.domain,
                                                    self.file_share_port)),
                      "    http_file_share_size_limit = %d" % self.file_share,
                      "    http_file_share_daily_quota = %d"
                      % (self.file_share * 100)]
            if self.file_share_types:
                lines += ["    http_file_share_allowed_file_types = { %s }"
                          % ", ".join(lua_str(t)
                                      for t in self.file_share_types)]
        if self.muc:
            # rooms open at once for whoever creates them, unless locked
            lines += ["", "Component %s \"muc\"" % lua_str(self.muc),
                      "    muc_room_locking = %s"
                      % ("true" if self.muc_locking else "false"),
                      "    restrict_room_creation = false",
                      "    muc_room_default_public = true"]
        if self.pubsub:
            # nodes are made by the server's admins (Prosody's default)
            lines += ["", "Component %s \"pubsub\"" % lua_str(self.pubsub)]
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")

    @property
    def bosh_url(self):
        return "https://%s:%d/http-bind" % (self.domain, self.https_port)

    @property
    def websocket_url(self):
        return "wss://%s:%d/xmpp-websocket" % (self.domain, self.https_port)

    def log_tail(self, lines=30, trouble=False):
        """The last lines of Prosody's console and log; with trouble, its
        warnings and errors first (a port it could not open), which the
        readiness probes' connections push out of the tail."""
        out, bad = [], []
        for path in (self.console_path, self.log_path):
            try:
                with open(path, "r", encoding="utf-8", errors="replace") as f:
                    text = f.read().splitlines()
            except OSError:
                continue
            out += text[-lines:]
            if trouble:
                bad += [line for line in text
                        if re.search(r"\b(warn|error)\b|Failed", line)]
        if bad:
            out = bad[-lines:] + ["-- tail --"] + out
        return "\n".join(out)

    # -- process ----------------------------------------------------------

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=START_TIMEOUT):
        """Launch prosody; return once the c2s port accepts TCP."""
        if self.is_running():
            return
        self.proc = None
        console = open(self.console_path, "ab")
        try:
            self.proc = subprocess.Popen(
                ["prosody", "-F", "--config", self.config_path],
                stdin=subprocess.DEVNULL, stdout=console,
                stderr=subprocess.STDOUT, cwd=self.dir,
                start_new_session=True,
                preexec_fn=_die_with_parent if self.die_with_parent else None)
        finally:
            console.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ProsodyError("prosody exited with status %s:\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            if port_open(self.c2s_port) and (
                    not self.components or port_open(self.component_port)
            ) and (not self.web or port_open(self.https_port)):
                return
            refused = self._ports_refused()
            if refused:
                self.kill()
                raise ProsodyError("prosody could not open port(s) %s:\n%s"
                                   % (", ".join(refused),
                                      self.log_tail(trouble=True)))
            time.sleep(POLL)
        closed = [p for p in (self.c2s_port,
                              self.components and self.component_port,
                              self.web and self.https_port)
                  if p and not port_open(p)]
        self.kill()
        raise ProsodyError("prosody did not listen on 127.0.0.1 port(s) %s "
                           "within %.0f s:\n%s" % (
                               ", ".join(map(str, closed)) or "(all open "
                               "now)", timeout, self.log_tail(trouble=True)))

    def _ports_refused(self):
        """The ports start() waits for that Prosody said it failed to open
        (its portmanager logs each as an error and runs on without it)."""
        waited = {str(p) for p in (self.c2s_port,
                                   self.components and self.component_port,
                                   self.web and self.https_port) if p}
        refused = []
        for path in (self.console_path, self.log_path):
            try:
                with open(path, "r", encoding="utf-8",
                          errors="replace") as f:
                    refused += PORT_REFUSED.findall(f.read())
            except OSError:
                pass
        return sorted(set(refused) & waited)

    def _signal_group(self, sig):
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM the process group, wait, then SIGKILL."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self):
        """SIGKILL the process group (the "server dies" case) and reap it."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        try:
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass

    def restart(self, timeout=START_TIMEOUT):
        self.stop()
        self.start(timeout)

    # -- accounts and certificates -----------------------------------------

    def prosodyctl(self, *args, timeout=30):
        res = subprocess.run(["prosodyctl", "--config", self.config_path]
                             + list(args), stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=timeout)
        if res.returncode != 0:
            raise ProsodyError("prosodyctl %s failed (%d): %s%s"
                               % (args[0], res.returncode, res.stdout,
                                  res.stderr))
        return res.stdout

    def register(self, user, password):
        """Create (or reset the password of) user@domain; works while
        prosody runs, because its internal storage reads the files."""
        self.prosodyctl("register", user, self.domain, password)
        return "%s@%s" % (user, self.domain)

    def replace_cert(self):
        """Put a new self-signed certificate where the old one was.

        The running server keeps the old one until restart()."""
        tmp_cert = self.cert_path + ".new"
        tmp_key = self.key_path + ".new"
        old = self.cert_fingerprint()
        self._make_cert(tmp_cert, tmp_key)
        os.replace(tmp_key, self.key_path)
        os.replace(tmp_cert, self.cert_path)
        if self.cert_fingerprint() == old:
            raise ProsodyError("new certificate has the old fingerprint")

    def cert_fingerprint(self):
        return fingerprint_of_pem(self.cert_path)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False


# -- natter's files --------------------------------------------------------

def natter_account(jid, password, port, tls="trust", server=LOOPBACK,
                   resource="natter", autoconnect=True, **extra):
    """An account block's options, in natterrc's usual order."""
    opts = {"jid": jid, "password": password, "server": server,
            "port": port, "resource": resource, "tls": tls,
            "autoconnect": autoconnect}
    opts.update(extra)
    return {k: v for k, v in opts.items() if v is not None}


def write_natterrc(path, accounts, extra=""):
    """Write a natterrc (mode 0600).  accounts maps an account name to its
    options (see natter_account), or is a list of (name, options)."""
    items = accounts.items() if hasattr(accounts, "items") else accounts
    text = []
    for name, opts in items:
        text.append("account %s {" % confuse_value(name))
        for key, value in opts.items():
            text.append("  %s = %s" % (key, confuse_value(value)))
        text.append("}")
    if extra:
        text.append(extra.rstrip("\n"))
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write("\n".join(text) + "\n")
    return path


def pin_store_path(xdg_data_home):
    return os.path.join(xdg_data_home, "natter", "trusted_certs")


def pin_certificate(xdg_data_home, domain, fingerprint):
    """Append "DOMAIN FINGERPRINT" to natter's pin store (mode 0600)."""
    path = pin_store_path(xdg_data_home)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="ascii") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write("%s %s\n" % (domain, fingerprint))
    return path


# -- slixmpp peers ---------------------------------------------------------

import slixmpp  # noqa: E402  (after the stdlib-only parts on purpose)


class EchoBot(slixmpp.ClientXMPP):
    """Accepts every subscription and answers chat messages with
    "echo: <body>"."""

    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.auto_authorize = True
        self.auto_subscribe = True
        for plugin in ("xep_0030", "xep_0092", "xep_0199"):
            self.register_plugin(plugin)
        self["xep_0092"].name = "natter echo bot"
        self.add_event_handler("session_start", self._on_start)
        self.add_event_handler("message", self._on_message)

    async def _on_start(self, _event):
        self.send_presence()
        try:
            await self.get_roster(timeout=10)
        except Exception:  # noqa: BLE001 - the roster is a nicety here
            pass

    def _on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            msg.reply("echo: %s" % msg["body"]).send()


class ClientThread:
    """Runs one slixmpp client in a background thread with its own loop.

    factory() builds the client; it is called inside the thread, after the
    thread's event loop is installed (slixmpp binds futures to the current
    loop at construction).  The client always connects to 127.0.0.1:port,
    STARTTLS without certificate verification.
    """

    def __init__(self, factory, port, host=LOOPBACK, name="xmpp-client"):
        self.factory = factory
        self.host = host
        self.port = port
        self.name = name
        self.loop = None
        self.client = None
        self.thread = None
        self._session = threading.Event()
        self._failure = None
        self._auth_failed = False

    # Runs in the thread.
    def _main(self, built):
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        try:
            self.client = self.factory()
            self._prepare(self.client)
        except BaseException as e:  # noqa: BLE001 - reported to start()
            self._failure = "client setup failed: %r" % (e,)
            built.set()
            loop.close()
            return
        built.set()
        try:
            loop.run_forever()
        finally:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(
                    asyncio.wait(pending, timeout=2))
            loop.close()

    def _prepare(self, client):
        client.ssl_context.check_hostname = False
        client.ssl_context.verify_mode = ssl.CERT_NONE
        host, port = self.host, self.port

        async def records(domain, port_=None):  # never ask DNS
            return [(domain, host, port)]
        client.get_dns_records = records
        client.add_event_handler("session_start", self._on_session)
        client.add_event_handler("failed_all_auth", self._on_auth_fail)
        client.add_event_handler("connection_failed", self._on_fail)
        client.add_event_handler("disconnected", self._on_disconnected)

    def _on_session(self, _event):
        self._failure = None
        self._session.set()

    def _on_fail(self, event):
        self._failure = "%s: %s" % (self.name, event)

    def _on_auth_fail(self, _event):
        self._failure = "%s: authentication failed" % self.name
        self._auth_failed = True

    def _on_disconnected(self, _event):
        self._session.clear()

    def _connect(self):
        self._session.clear()
        self._failure = None
        self._auth_failed = False
        self.client.cancel_connection_attempt()
        self.client.connect((self.host, self.port))

    def _wait_session(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._session.wait(POLL):
                return
            if self._auth_failed:  # connection failures slixmpp retries
                raise PermissionError(self._failure)
        raise TimeoutError("%s: no session within %.0f s (%s)"
                           % (self.name, timeout, self._failure))

    # Called from any other thread.
    def start(self, timeout=START_TIMEOUT):
        built = threading.Event()
        self.thread = threading.Thread(target=self._main, args=(built,),
                                       name=self.name, daemon=True)
        self.thread.start()
        if not built.wait(timeout) or self.client is None:
            self.stop()
            raise RuntimeError(self._failure or "%s: no client" % self.name)
        self.call_soon(self._connect)
        try:
            self._wait_session(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def reconnect(self, timeout=START_TIMEOUT):
        """Connect again (after the server restarted); wait for a session."""
        self.call_soon(self._connect)
        self._wait_session(timeout)

    @property
    def online(self):
        return self._session.is_set()

    def call_soon(self, fn, *args):
        self.loop.call_soon_threadsafe(fn, *args)

    def run(self, coro_fn, timeout=START_TIMEOUT):
        """Run coro_fn() on the client's loop; return its result, bounded."""
        fut = asyncio.run_coroutine_threadsafe(coro_fn(), self.loop)
        try:
            return fut.result(timeout)
        except BaseException:
            fut.cancel()
            raise

    def stop(self, timeout=STOP_TIMEOUT):
        """Disconnect and end the thread (bounded; the thread is a daemon)."""
        if self.thread is None:
            return
        loop, client = self.loop, self.client
        if loop is not None and not loop.is_closed() and self.thread.is_alive():
            async def shutdown():
                if client is not None:
                    client.cancel_connection_attempt()
                    try:
                        await asyncio.wait_for(
                            client.disconnect(wait=1.0), timeout=3)
                    except Exception:  # noqa: BLE001
                        client.abort()
                loop.stop()
            try:
                asyncio.run_coroutine_threadsafe(shutdown(), loop)
            except RuntimeError:
                pass
        self.thread.join(timeout)
        if self.thread.is_alive() and loop is not None:
            try:
                loop.call_soon_threadsafe(loop.stop)
            except RuntimeError:
                pass
            self.thread.join(2)
        alive = self.thread.is_alive()
        self.thread = None
        if alive:
            raise RuntimeError("%s: thread did not end" % self.name)


def start_echo_bot(jid, password, port, timeout=START_TIMEOUT):
    """Log an EchoBot in; returns its started ClientThread."""
    return ClientThread(lambda: EchoBot(jid, password), port,
                        name="echo-bot").start(timeout)
