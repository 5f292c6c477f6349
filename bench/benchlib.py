"""benchlib: the parts bench/run-bench is built from.

It owns no policy (sizes, scenarios, the table: see run-bench), only the
means of running clients and watching them from the outside:

- natterdemo, imported by path from share/demo (PrivateProsody, ClientThread,
  write_natterrc);
- sample(pid): CPU (also as user and system time), RSS, context switches
  and minor page faults of a process, from /proc;
- Pane: a program in a private tmux server (120x40), started through
  `sh -c 'date > T0; exec ...'` so that its exec time is known, with
  Control, a tmux control-mode client that timestamps every byte the
  program writes to its terminal;
- pty_first_screen(): one run of a program on a bare pty, timed until a
  marker appears in its output;
- Bot and Gateway: slixmpp peers (an account and an external component)
  that ping, flood and storm, timing round trips on their own loop;
- Crowd: an external component on a raw socket, the occupants of the
  room scenarios (with mod_bench_crowd.lua on Prosody's MUC), which
  writes bursts and times a pong without parsing what it reads.

Every wait is bounded; everything started has a stop function.
"""

import asyncio
import base64
import fcntl
import hashlib
import importlib.util
import os
import pty
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)


def _load_natterdemo():
    path = os.path.join(SRCDIR, "share", "demo", "natterdemo.py")
    spec = importlib.util.spec_from_file_location("natterdemo", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["natterdemo"] = mod
    spec.loader.exec_module(mod)
    return mod


natterdemo = _load_natterdemo()
slixmpp = natterdemo.slixmpp
PING_NS = "urn:xmpp:ping"
IBB_NS = "http://jabber.org/protocol/ibb"


def wait_for(pred, timeout, what, step=0.01):
    """Poll pred() until it returns a true value, at most timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise TimeoutError("no %s within %.0f s" % (what, timeout))
        time.sleep(step)


# -- /proc ------------------------------------------------------------------

Sample = namedtuple("Sample", "t cpu rss cs stat_cpu utime stime minflt")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _read(path):
    with open(path, encoding="ascii", errors="replace") as f:
        return f.read()


def sample(pid):
    """CPU seconds (the sum of the threads' schedstat run time, which is
    exact to the ns; else stat utime+stime), RSS in MiB (VmRSS), context
    switches (voluntary + nonvoluntary, all threads), and from stat the
    user and system seconds (in clock ticks) and minor page faults of pid,
    now."""
    cpu_ns, cs, have_sched = 0, 0, True
    for tid in os.listdir("/proc/%d/task" % pid):
        base = "/proc/%d/task/%s/" % (pid, tid)
        try:
            if have_sched:
                cpu_ns += int(_read(base + "schedstat").split()[0])
            for line in _read(base + "status").splitlines():
                if "ctxt_switches:" in line:
                    cs += int(line.split()[1])
        except FileNotFoundError:
            have_sched = have_sched and os.path.exists(base)
    fields = _read("/proc/%d/stat" % pid).rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK
    stat_cpu = utime + stime
    rss = 0.0
    for line in _read("/proc/%d/status" % pid).splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024.0
    return Sample(time.monotonic(), cpu_ns / 1e9 if have_sched else stat_cpu,
                  rss, cs, stat_cpu, utime, stime, int(fields[7]))


def rss_parts(pid):
    """RssAnon, RssFile and RssShmem of pid in MiB, as a short text."""
    parts = []
    for line in _read("/proc/%d/status" % pid).splitlines():
        if line.startswith(("RssAnon:", "RssFile:", "RssShmem:")):
            key, kb = line.split()[:2]
            parts.append("%s %.1f" % (key[3:-1].lower(), int(kb) / 1024.0))
    return ", ".join(parts)


def save_smaps(pid, directory, name):
    """Copy /proc/pid/smaps to directory/name.smaps (BENCH_SMAPS: which
    mappings the RSS is made of; bench/smaps-diff compares them)."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name + ".smaps"), "w") as f:
        f.write(_read("/proc/%d/smaps" % pid))


def settle(pid, quiet=0.002, step=0.5, limit=3.0):
    """Sample pid until it used less than `quiet` s of CPU in `step` s
    (bounded by limit); return the last sample.  The step is longer than
    any delay natter puts on work a burst leaves (its commits wait at
    most 250 ms), so that work is counted.  Under callgrind (see
    Callgrind) that work takes fifty times as long: the bound is a
    minute."""
    if callgrind_dir():
        limit = max(limit, 60.0)
    last = sample(pid)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(step)
        cur = sample(pid)
        if cur.cpu - last.cpu < quiet:
            return cur
        last = cur
    return last


def alive(pid):
    try:
        return _read("/proc/%d/stat" % pid).rsplit(")", 1)[1].split()[0] \
            != "Z"
    except (OSError, IndexError):
        return False


# -- tmux -------------------------------------------------------------------

class Pane:
    """argv in its own tmux server, width x height, env added to a small
    clean environment.  The pane's shell writes the realtime clock to T0
    and execs the program, so pid() is the program and t0() its exec."""

    def __init__(self, argv, env, workdir, width=120, height=40):
        self.argv, self.env = callgrind_argv(argv), dict(env)
        self.width, self.height = width, height
        self.socket = "natter-bench-%d-%s" % (os.getpid(),
                                              uuid.uuid4().hex[:6])
        self.t0_file = os.path.join(workdir, "t0-" + self.socket)
        self.started = False
        self._pid = None

    def tmux(self, *args, check=True):
        return natterdemo.tmux(self.socket, *args, check=check)

    def start(self):
        env = {"TERM": "xterm-256color", "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", "")}
        env.update(self.env)
        cmd = ["sh", "-c", 'date +%s.%N > "$0.tmp"; mv "$0.tmp" "$0"; '
               'exec "$@"', self.t0_file, "env", "-i"]
        cmd += ["%s=%s" % kv for kv in sorted(env.items())] + self.argv
        self.started = True
        self.tmux("new-session", "-d", "-s", "bench", "-x", str(self.width),
                  "-y", str(self.height), "--", *cmd)
        self.socket_path = self.tmux("display-message", "-p",
                                     "#{socket_path}").strip()
        return self

    def t0(self, timeout=10.0):
        """The realtime clock just before the program's exec."""
        text = wait_for(lambda: os.path.exists(self.t0_file) and
                        _read(self.t0_file).strip(), timeout, "exec time")
        return float(text)

    def pid(self, timeout=10.0):
        """The program's pid, once the pane's shell has exec'd it."""
        if self._pid is None:
            shell = int(self.tmux("display-message", "-p", "-t", "bench",
                                  "#{pane_pid}").strip())
            name = os.path.basename(self.argv[0])
            if name == "valgrind":  # callgrind_argv(): callgrind-ARCH
                name = "callgrind"
            wait_for(lambda: _read("/proc/%d/comm" % shell).startswith(
                name[:15]), timeout, "exec of " + name)
            self._pid = shell
        return self._pid

    def server_pid(self):
        return int(self.tmux("display-message", "-p", "#{pid}").strip())

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "bench")

    def size(self):
        return self.tmux("display-message", "-p", "-t", "bench",
                         "#{pane_width}x#{pane_height}").strip()

    def send_keys(self, text, enter=True):
        if text:
            self.tmux("send-keys", "-t", "bench", "-l", "--", text)
        if enter:
            self.tmux("send-keys", "-t", "bench", "Enter")

    def stop(self, timeout=5.0):
        """Type /quit, wait for the program to end, then kill the server."""
        if not self.started:
            return
        try:
            if self._pid and alive(self._pid):
                self.send_keys("/quit")
                wait_for(lambda: not alive(self._pid), timeout, "exit", 0.05)
        except Exception:  # noqa: BLE001 - the server goes regardless
            pass
        self.tmux("kill-server", check=False)
        try:  # tmux may leave its socket behind
            os.unlink(self.socket_path)
        except (OSError, AttributeError):
            pass
        if self._pid and alive(self._pid):
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.started = False


class Control:
    """A tmux control-mode client of a Pane: records the monotonic time of
    every %output notification (bytes the program wrote), and sends
    commands without starting a tmux process each time."""

    def __init__(self, pane):
        self.proc = subprocess.Popen(
            ["tmux", "-L", pane.socket, "-f", "/dev/null", "-C",
             "attach-session", "-t", "bench"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.outputs = []
        self.wrote = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            if line.startswith(b"%output "):
                with self.wrote:
                    self.outputs.append(time.monotonic())
                    self.wrote.notify_all()

    def wait_output(self, count, timeout):
        """Waits until more than count outputs were seen, timeout s at
        most."""
        with self.wrote:
            self.wrote.wait_for(lambda: len(self.outputs) > count, timeout)

    def send(self, command):
        """Write one tmux command; returns the monotonic time of writing."""
        t = time.monotonic()
        self.proc.stdin.write(command.encode() + b"\n")
        self.proc.stdin.flush()
        return t

    def last_output(self, since, until):
        got = [t for t in list(self.outputs) if since <= t <= until]
        return got[-1] if got else None

    def close(self):
        try:
            self.send("detach-client")
            self.proc.stdin.close()
            self.proc.wait(5)
        except Exception:  # noqa: BLE001
            self.proc.kill()
            self.proc.wait(5)


def tmux_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def timed_command(pane, ctl, command, done, timeout, step=0.005,
                  on_output=False):
    """Type command in the pane, then press Enter at t0 and poll the screen
    until done(screen).  Returns (output ms, poll ms): from Enter to the
    last bytes natter wrote before the screen showed the result (control
    mode, sub-ms), and to the poll that saw it (resolution about `step` s
    plus a tmux round trip).

    on_output: the screen is read again as soon as natter wrote something
    since the last reading began, else every `step` s. For a long
    transfer: each reading starts a tmux process (about 4 ms of CPU), and
    200 of them a second would take half a core from the server and
    natter on a small machine, which curl beside it does not pay. The
    output figure does not depend on step."""
    ctl.send("send-keys -t bench -l -- " + tmux_quote(command))
    time.sleep(0.3)  # the echo of the typed text is not what we time
    t0 = ctl.send("send-keys -t bench Enter")
    deadline = t0 + timeout
    while True:
        seen = len(ctl.outputs)
        screen = pane.screen()
        t_seen = time.monotonic()
        if done(screen):
            break
        if t_seen >= deadline:
            raise TimeoutError("no result of %s within %.0f s" % (command,
                                                                  timeout))
        if on_output:
            ctl.wait_output(seen, min(step, max(deadline - t_seen, 0)))
        else:
            time.sleep(step)
    time.sleep(0.05)  # let the reader thread catch up with tmux
    t_out = ctl.last_output(t0, t_seen)
    return ((t_out - t0) * 1000 if t_out else None), (t_seen - t0) * 1000


# -- a bare pty -------------------------------------------------------------

def pty_first_screen(argv, env, marker, width=120, height=40, timeout=10.0):
    """Runs argv on a new pty of width x height; returns the ms from just
    before its exec until marker (bytes) appears in its output, or None.
    Then types /quit and reaps it (SIGKILL after timeout)."""
    rfd, wfd = os.pipe()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal, note the time, exec
        try:
            os.close(rfd)
            fcntl.ioctl(0, termios.TIOCSWINSZ,
                        struct.pack("HHHH", height, width, 0, 0))
            os.write(wfd, repr(time.monotonic()).encode())
            os.close(wfd)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    os.close(wfd)
    buf, found = b"", None
    deadline = time.monotonic() + timeout
    try:
        while found is None and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            now = time.monotonic()
            buf += chunk
            if marker in buf:
                found = now
        with os.fdopen(rfd, "rb") as f:
            t0 = float(f.read().decode() or "nan")
        os.write(fd, b"/quit\r")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if os.waitpid(pid, os.WNOHANG)[0]:
                pid = 0
                break
            try:  # keep draining so the program never blocks on output
                if select.select([fd], [], [], 0.05)[0]:
                    os.read(fd, 65536)
            except OSError:
                pass
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    return (found - t0) * 1000 if found else None


# -- peers ------------------------------------------------------------------

class Peer:
    """What Bot and Gateway share: round-trip timing on the client's own
    loop, so the thread hop from the caller is not counted."""

    async def ping(self, to, timeout, sfrom=None):
        """One XEP-0199 ping; returns (type, rtt s, realtime at reply)
        with type None on timeout."""
        from slixmpp.exceptions import IqError, IqTimeout
        iq = self.Iq(sto=to, stype="get")
        if sfrom:
            iq["from"] = sfrom
        iq.append(ET.Element("{%s}ping" % PING_NS))
        start = time.monotonic()
        try:
            reply = await iq.send(timeout=timeout)
        except IqError as e:
            reply = e.iq
        except IqTimeout:
            return None, time.monotonic() - start, time.time()
        return reply["type"], time.monotonic() - start, time.time()

    async def room_occupants(self, room, timeout):
        """The occupant count room gives in its disco#info (XEP-0045's
        muc#roominfo_occupants), or None."""
        from slixmpp.exceptions import IqError, IqTimeout
        iq = self.Iq(sto=room, stype="get")
        iq.append(ET.Element("{http://jabber.org/protocol/disco#info}query"))
        try:
            reply = await iq.send(timeout=timeout)
        except (IqError, IqTimeout):
            return None
        for field in reply.xml.iter("{jabber:x:data}field"):
            if field.get("var") == "muc#roominfo_occupants":
                value = field.find("{jabber:x:data}value")
                if value is not None and (value.text or "").isdigit():
                    return int(value.text)
        return None

    async def send_ibb(self, to, sid, path, block, window, timeout):
        """Sends the file at path to `to` over an in-band bytestream
        (XEP-0047, data in IQs): the <open/> with block-size `block`,
        blocks with at most `window` unanswered (the XEP lets a sender
        go on before the answers), then the <close/>. Returns the
        seconds from the open's answer to the close's; raises on an
        error answer."""
        def iq(name, attrs, text=None):
            stanza = self.Iq(sto=to, stype="set")
            el = ET.Element("{%s}%s" % (IBB_NS, name), attrs)
            el.text = text
            stanza.append(el)
            return stanza.send(timeout=timeout)
        await iq("open", {"sid": sid, "block-size": str(block),
                          "stanza": "iq"})
        start = time.monotonic()
        pending, seq = set(), 0
        with open(path, "rb") as f:
            while True:
                data = f.read(block)
                if data:
                    pending.add(asyncio.ensure_future(iq(
                        "data", {"sid": sid, "seq": str(seq & 0xffff)},
                        base64.b64encode(data).decode("ascii"))))
                    seq += 1
                if pending and (len(pending) >= window or not data):
                    done, pending = await asyncio.wait(
                        pending, return_when=asyncio.FIRST_COMPLETED)
                    for d in done:
                        d.result()
                if not data and not pending:
                    break
        await iq("close", {"sid": sid})
        return time.monotonic() - start

    async def burst(self, raw, to, timeout, sfrom=None):
        """Write raw XML at once, then ping; returns (type, seconds from the
        write to the pong)."""
        start = time.monotonic()
        self.send_raw(raw)
        typ, _, _ = await self.ping(to, timeout, sfrom)
        return typ, time.monotonic() - start


class Bot(slixmpp.ClientXMPP, Peer):
    """The bot account: notes when each full JID sends available presence."""

    def __init__(self, jid, password):
        slixmpp.ClientXMPP.__init__(self, jid, password)
        self.seen = {}
        self.add_event_handler("session_start", self._start)
        self.add_event_handler("presence_available", self._presence)

    def _start(self, _event):
        self.send_presence()

    def _presence(self, pres):
        self.seen.setdefault(str(pres["from"]), time.monotonic())


class Gateway(slixmpp.ComponentXMPP, Peer):
    """The gateway component: contacts user{i}@DOMAIN/legacy.  It drops
    everything sent to it."""

    def __init__(self, domain, secret, port):
        slixmpp.ComponentXMPP.__init__(self, domain, secret,
                                       natterdemo.LOOPBACK, port)
        self.auto_authorize = None
        self.auto_subscribe = False
        # slixmpp answers a probe for a contact it has no roster entry
        # for with "unsubscribed": every login of natter (2000 probes)
        # would have Prosody rewrite natter's roster 2000 times, slowing
        # whatever runs next (the web scenario's logins and floods)
        self.del_event_handler("presence_probe", self._handle_probe)


class GatewayThread(natterdemo.ClientThread):
    """A ClientThread for a component: no TLS, connect(host, port)."""

    def _prepare(self, client):
        client.add_event_handler("session_start", self._on_session)
        client.add_event_handler("connection_failed", self._on_fail)
        client.add_event_handler("disconnected", self._on_disconnected)

    def _connect(self):
        self._session.clear()
        self._failure = None
        self.client.connect(self.host, self.port)


class Crowd:
    """An external component (XEP-0114) on a plain socket: it writes raw
    stanzas in bulk and waits for the reply to an IQ it sent, reading and
    dropping everything else without parsing it, so that a thousand
    occupants cost the harness next to nothing.  One reader thread
    timestamps what arrives."""

    def __init__(self, domain, secret, port, timeout=10.0):
        self.domain = domain
        self.sock = socket.create_connection((natterdemo.LOOPBACK, port),
                                             timeout)
        self.sock.sendall((
            "<?xml version='1.0'?><stream:stream xmlns='jabber:component:"
            "accept' xmlns:stream='http://etherx.jabber.org/streams' "
            "to='%s'>" % domain).encode())
        head, found = b"", None
        while not found:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("%s: the server closed the stream"
                                   % domain)
            head += chunk
            found = re.search(rb"<stream:stream[^>]*\sid=(['\"])([^'\"]+)\1",
                              head)
        sid = found.group(2)
        digest = hashlib.sha1(sid + secret.encode()).hexdigest()
        self.sock.sendall(("<handshake>%s</handshake>" % digest).encode())
        reply = b""
        while b"<handshake" not in reply:
            chunk = self.sock.recv(4096)
            if not chunk or b"<stream:error" in reply + chunk:
                raise RuntimeError("%s: handshake refused" % domain)
            reply += chunk
        self.sock.settimeout(None)
        self.lock = threading.Lock()
        self.waiting = {}  # IQ id -> [event, monotonic time, reply type]
        self.serial = 0
        self.closed = False
        self.thread = threading.Thread(target=self._read, daemon=True,
                                       name="crowd-" + domain)
        self.thread.start()

    def _read(self):
        tail = b""
        while True:
            try:
                chunk = self.sock.recv(262144)
            except OSError:
                chunk = b""
            now = time.monotonic()
            if not chunk:
                self.closed = True
                with self.lock:
                    for w in self.waiting.values():
                        w[0].set()
                return
            data = tail + chunk
            with self.lock:
                for key, w in self.waiting.items():
                    if w[1] is None and key in data:
                        start = data.rfind(b"<iq", 0, data.index(key))
                        tag = data[start:data.index(b">", data.index(key))]
                        w[1] = now
                        w[2] = "result" if b"type='result'" in tag or \
                            b'type="result"' in tag else "error"
                        w[0].set()
            # an id cut in two by recv() is found in the next round
            tail = data[-512:]

    def burst(self, raw, to, timeout):
        """Writes raw at once, then pings `to` from the component; returns
        (type, seconds from the write to the pong), type None when none
        came in time."""
        with self.lock:
            self.serial += 1
            iq_id = "crowd-%d" % self.serial
            w = self.waiting[("id='%s'" % iq_id).encode()] = \
                [threading.Event(), None, None]
        start = time.monotonic()
        self.sock.sendall((raw + "<iq type='get' id='%s' from='%s' to='%s'>"
                           "<ping xmlns='%s'/></iq>" % (
                               iq_id, self.domain, to, PING_NS)).encode())
        w[0].wait(timeout)
        with self.lock:
            del self.waiting[("id='%s'" % iq_id).encode()]
        if w[1] is None:
            return None, time.monotonic() - start
        return w[2], w[1] - start

    def close(self):
        try:
            self.sock.sendall(b"</stream:stream>")
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(5)


class Perf:
    """`perf record -g` attached to pid while a scenario runs, when
    BENCH_PERF names a directory; a no-op otherwise.  Under callgrind
    (BENCH_CALLGRIND), callgrind counts the scenario instead."""

    def __init__(self, pid, name):
        outdir = os.environ.get("BENCH_PERF")
        self.proc = None
        self.callgrind = Callgrind(pid, name)
        self.strace = Strace(pid, name)
        if outdir and shutil.which("perf"):
            os.makedirs(outdir, exist_ok=True)
            self.path = os.path.join(os.path.abspath(outdir),
                                     name + ".perf.data")
            self.proc = subprocess.Popen(
                ["perf", "record", "-F",
                 os.environ.get("BENCH_PERF_FREQ", "999"), "--call-graph",
                 os.environ.get("BENCH_PERF_CALLGRAPH", "dwarf"),
                 "-p", str(pid), "-o", self.path], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.3)  # perf needs a moment to attach

    def stop(self):
        self.callgrind.stop()
        self.strace.stop()
        if self.proc is None:
            return None
        _interrupt(self.proc)
        self.proc = None
        return self.path


def _interrupt(proc):
    """Ends an attached tracer (perf, strace) as ^C would, so that it
    writes what it gathered; killed if it has not within 20 s."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


class Strace:
    """`strace -c` attached to pid while a scenario runs, when
    BENCH_STRACE names a directory (its count of each system call and
    the time in them goes to NAME.strace there); a no-op otherwise."""

    def __init__(self, pid, name):
        outdir = os.environ.get("BENCH_STRACE")
        self.proc = None
        if outdir and shutil.which("strace"):
            os.makedirs(outdir, exist_ok=True)
            path = os.path.join(os.path.abspath(outdir), name + ".strace")
            self.proc = subprocess.Popen(
                ["strace", "-c", "-f", "-p", str(pid), "-o", path],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            time.sleep(0.3)  # strace needs a moment to attach

    def stop(self):
        if self.proc is not None:
            _interrupt(self.proc)
        self.proc = None


def callgrind_dir():
    """BENCH_CALLGRIND: the directory natter's callgrind counts go to,
    or None."""
    return os.environ.get("BENCH_CALLGRIND") or None


def callgrind_argv(argv):
    """argv under callgrind when BENCH_CALLGRIND is set (counting only
    while a Callgrind is running), else argv itself."""
    outdir = callgrind_dir()
    if not outdir:
        return list(argv)
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(os.path.abspath(outdir), "callgrind.out.%p")
    return ["valgrind", "--tool=callgrind", "--instr-atstart=no",
            "--callgrind-out-file=" + out] + list(argv)


class Callgrind:
    """Counts pid's instructions while a scenario runs, when pid runs
    under callgrind_argv(): instrumentation on at the start, and at
    stop() a dump named after the scenario (callgrind.out.PID.N, its
    `desc: Trigger` line naming it), then off again.  A no-op for a
    process not under callgrind."""

    def __init__(self, pid, name):
        self.pid, self.name = pid, name
        self.on = bool(callgrind_dir()) and _read(
            "/proc/%d/comm" % pid).startswith("callgrind")
        if self.on:
            self._control("-i", "on")

    def _control(self, *args):
        subprocess.run(["callgrind_control", *args, str(self.pid)],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60, check=False)

    def stop(self):
        if not self.on:
            return None
        self._control("--dump=" + self.name)
        self._control("-i", "off")
        self.on = False
        return self.name


class Pinger:
    """Pings `to` from peer (a ClientThread) one after another, `gap` s
    (20 ms) apart, on a thread of its own until stop(), which returns the
    round trips (ms) of the pings answered with a result."""

    def __init__(self, peer, to, gap=0.02, sfrom=None):
        self.peer, self.to, self.gap, self.sfrom = peer, to, gap, sfrom
        self.rtts, self.done = [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            sent = time.monotonic()
            try:
                typ, rtt, _ = self.peer.run(
                    lambda: self.peer.client.ping(self.to, 5, self.sfrom),
                    10)
            except Exception:  # noqa: BLE001 - a missed ping, not a figure
                typ = None
            if typ == "result":
                self.rtts.append((sent, rtt * 1000))
            self.done.wait(self.gap)

    def stop(self, since=None):
        """The round trips (ms) of the pings answered, of those sent after
        since (a time.monotonic(); None: all)."""
        self.done.set()
        self.thread.join(15)
        return [r for t, r in self.rtts if since is None or t >= since]


# -- the floor --------------------------------------------------------------

def _build(outdir, name, source, packages, libs=()):
    """Compile bench/SOURCE into outdir/NAME against the pkg-config
    packages (and libs); returns the binary's path."""
    out = os.path.join(outdir, name)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs"] + packages,
                           capture_output=True, text=True, check=True,
                           timeout=30).stdout.split()
    subprocess.run([os.environ.get("CC", "cc"), "-O2",
                    os.path.join(HERE, source)] + flags + list(libs) +
                   ["-o", out], check=True, timeout=120,
                   stdin=subprocess.DEVNULL)
    return out


def build_floor(outdir):
    """Compile bench/floor.c into outdir; returns the binary's path."""
    return _build(outdir, "floor", "floor.c", ["libstrophe"])


def build_wsfloor(outdir):
    """Compile bench/wsfloor.c (the floor over WebSocket) into outdir;
    returns the binary's path."""
    return _build(outdir, "wsfloor", "wsfloor.c",
                  ["libwebsockets", "expat", "openssl"])


class Floor:
    """The floor client as a child process, started like Pane."""

    def __init__(self, binary, args, workdir, env=None, name="floor"):
        self.t0_file = os.path.join(workdir, "t0-" + name)
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["sh", "-c", 'date +%s.%N > "$0.tmp"; mv "$0.tmp" "$0"; '
             'exec "$@"', self.t0_file] + callgrind_argv([binary] + list(args)),
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            start_new_session=True,
            env=dict(os.environ, **env) if env else None)

    def t0(self, timeout=10.0):
        return float(wait_for(lambda: os.path.exists(self.t0_file) and
                              _read(self.t0_file).strip(), timeout,
                              "floor exec time"))

    def pid(self):
        return self.proc.pid

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()


def make_workdir():
    return tempfile.mkdtemp(prefix="natter-bench-")


def remove_workdir(path):
    shutil.rmtree(path, ignore_errors=True)
