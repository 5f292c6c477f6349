"""harness: drive the real natter binary and a scripted peer, for tests/e2e.

Owns two things:
- NatterPane: natter running in a private tmux server (one socket per
  pane, `tmux -L <socket> -f /dev/null`), 160x40, with its own XDG
  directories; reads the screen (capture-pane), types (send-keys -l),
  waits with bounded polling and always kills its tmux server.  Tests
  wait for events, never for time: barrier() (a /ping round trip through
  natter) and round_trip() (a peer's ping to natter, then natter's to the
  peer) come before any assertion that something did not happen.
  finish() ends a test's natter and says what went wrong (a crash before
  the end, a hang or a bad status at /quit); a test that ends natter on
  purpose waits for it (quit, kill, wait_exit).
- Peer: another account (a slixmpp client in a thread, see
  natterdemo.ClientThread) with blocking IQ helpers that return Reply
  tuples and never wait longer than their timeout.

Screen layout assumed from natter's UI: row 0 is the title bar, the last
line is the input line, the one above it the status bar, everything
between is the console/chat, with the roster pane (PANE_WIDTH columns,
its right border drawn as ACS_VLINE, which capture-pane shows as "x") on
the left when it is visible.

Also here: cell widths of captured text (cell_width, split_cells), the
raw stanza text a peer can send (message_xml, presence_xml) and Prosody
roster storage written before anyone logs in (write_roster).
"""

import collections
import copy
import ctypes
import locale
import os
import re
import shlex
import shutil
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET

import natterdemo

POLL = 0.1
WAIT = 20.0

# Everything started here registers its stop function, so that a session
# ended by Ctrl-C or an internal error still stops it (see conftest.py).
_CLEANUPS = {}


def register_cleanup(key, fn):
    _CLEANUPS[key] = fn


def unregister_cleanup(key):
    _CLEANUPS.pop(key, None)


def cleanup_all():
    for key, fn in list(_CLEANUPS.items()):
        try:
            fn()
        except Exception:  # noqa: BLE001 - stop everything we can
            pass
        _CLEANUPS.pop(key, None)


def fuzzy(text):
    """Regex for text that may be broken by line wraps/indentation."""
    return r"\s*".join(re.escape(c) for c in text if not c.isspace())


class Xdg(collections.namedtuple("Xdg", "config data state")):
    """Per-test XDG base directories."""

    @classmethod
    def make(cls, base):
        dirs = [os.path.join(str(base), d) for d in ("config", "data",
                                                     "state")]
        for d in dirs:
            os.makedirs(d, mode=0o700, exist_ok=True)
        return cls(*dirs)

    def env(self):
        return {"XDG_CONFIG_HOME": self.config, "XDG_DATA_HOME": self.data,
                "XDG_STATE_HOME": self.state}

    @property
    def natterrc(self):
        return os.path.join(self.config, "natter", "natterrc")

    @property
    def pin_store(self):
        return natterdemo.pin_store_path(self.data)


class NatterPane:
    """One program (natter, or the demo) in its own tmux server.

    The pane runs `sh -c 'PROGRAM; echo $? > STATUS'`: tmux 3.3a sometimes
    misses its child's exit (the child stays a zombie and pane_dead_status
    never appears; seen here 3 times in 20 runs of a plain `sh`), so the
    exit status comes from that file, written by sh, which reaps the program
    itself.  pid() is the program's pid (the child of that sh)."""

    def __init__(self, argv, env, width=160, height=40):
        self.argv = list(argv)
        self.env = dict(env)
        self.width = width
        self.height = height
        self.socket = "natter-e2e-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
        self.started = False
        self.workdir = None
        self.socket_path = None
        self.exit_seen = False   # the test saw the program end

    def tmux(self, *args, check=True):
        return natterdemo.tmux(self.socket, *args, check=check)

    @property
    def status_file(self):
        return os.path.join(self.workdir, "status")

    def start(self):
        env = {"TERM": "xterm-256color", "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8"}
        env.update(self.env)
        self.workdir = tempfile.mkdtemp(prefix="natter-pane-")
        status = shlex.quote(self.status_file)
        script = '"$@"; s=$?; echo $s > %s.tmp; mv %s.tmp %s' % (
            status, status, status)
        cmd = ["sh", "-c", script, "natter-pane", "env"]
        cmd += ["%s=%s" % kv for kv in sorted(env.items())] + self.argv
        register_cleanup(self.socket, self.kill_server)
        self.started = True
        # remain-on-exit keeps the last screen of a finished program.
        self.tmux("start-server", ";", "set-option", "-g", "remain-on-exit",
                  "on", ";", "new-session", "-d", "-x", str(self.width),
                  "-y", str(self.height), "--", *cmd)
        self.socket_path = self._format("#{socket_path}")
        return self

    # -- reading ---------------------------------------------------------

    def screen(self):
        """The visible screen, exactly `height` lines joined by newlines."""
        lines = self.tmux("capture-pane", "-p").split("\n")[:self.height]
        lines += [""] * (self.height - len(lines))
        return "\n".join(lines)

    def lines(self, screen=None):
        return (screen if screen is not None else self.screen()).split("\n")

    def status_bar(self, screen=None):
        return self.lines(screen)[-2]

    def console(self, screen=None):
        """All lines above the status bar."""
        return "\n".join(self.lines(screen)[:-2])

    def wait_until(self, predicate, what, timeout=WAIT):
        """Poll until predicate(screen) is true; return that screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            try:
                screen = self.screen()
            except RuntimeError as e:  # the tmux server is gone
                screen = "(%s)\n%s" % (e, screen)
                break
            if predicate(screen):
                return screen
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL)
        raise AssertionError("timed out after %.0f s waiting for %s; "
                             "last screen:\n%s" % (timeout, what,
                                                   boxed(screen)))

    def wait_for(self, regex, timeout=WAIT, flags=re.I | re.M):
        """Wait until regex matches the screen; return the screen."""
        rx = re.compile(regex, flags)
        return self.wait_until(lambda s: rx.search(s), repr(regex), timeout)

    def count(self, regex, screen=None, flags=re.I):
        rx = re.compile(regex, flags)
        return sum(1 for line in self.lines(self.console(screen))
                   if rx.search(line))

    def last_of(self, patterns, screen=None):
        """The pattern among `patterns` that matches the lowest console
        line (the most recent message), or None."""
        for line in reversed(self.lines(self.console(screen))):
            for p in patterns:
                if re.search(p, line, re.I):
                    return p
        return None

    # -- typing ------------------------------------------------------------

    def send_keys(self, text, enter=True):
        if text:
            self.tmux("send-keys", "-l", "--", text)
        if enter:
            self.tmux("send-keys", "Enter")


    def send_alt(self, key):
        """Alt-KEY, sent as Escape then KEY (what a terminal sends)."""
        self.tmux("send-keys", "Escape", key)

    def send_key(self, *names):
        """tmux key names: "F2", "C-u", "Enter", ..."""
        self.tmux("send-keys", *names)

    def paste(self, text, bracketed=True):
        """Paste text as a terminal would (tmux paste-buffer; newlines
        become CR).  bracketed: wrap it in ESC[200~ ... ESC[201~, which
        tmux does only while the program has enabled mode 2004."""
        path = os.path.join(self.workdir, "paste")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        self.tmux("load-buffer", "-b", "e2e-paste", path)
        self.tmux("paste-buffer", "-d", "-b", "e2e-paste",
                  *(["-p"] if bracketed else []))

    # -- layout ----------------------------------------------------------

    def title(self, screen=None):
        return self.lines(screen)[0]

    def input_line(self, screen=None):
        return self.lines(screen)[-1]

    def roster_rows(self, screen=None):
        """The roster pane's rows (right-stripped, without its border),
        assuming the pane is visible."""
        return [split_cells(line, PANE_WIDTH - 1)[0].rstrip()
                for line in self.lines(screen)[1:-2]]

    def chat_rows(self, screen=None, pane=True):
        """The conversation area: rows 1..-3, right of the pane if pane."""
        rows = self.lines(screen)[1:-2]
        if pane:
            rows = [split_cells(line, PANE_WIDTH)[1] for line in rows]
        return rows

    def pane_border_intact(self, screen=None):
        """Every pane row has the border (capture shows ACS_VLINE as x)
        in the pane's last column."""
        return all(split_cells(line, PANE_WIDTH - 1)[1][:1] == "x"
                   for line in self.lines(screen)[1:-2])

    # -- terminal ----------------------------------------------------------

    def record(self, path):
        """Append every byte the program writes to the terminal to path."""
        self.tmux("pipe-pane", "-o", "cat >> %s" % shlex.quote(path))

    def stop_recording(self):
        self.tmux("pipe-pane")

    def pane_title(self):
        return self._format("#{pane_title}")

    def resize(self, width, height):
        """Resize the tmux window (and so natter's terminal)."""
        self.tmux("resize-window", "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    # -- the process ---------------------------------------------------------

    def _alive_server(self):
        try:
            self.tmux("has-session")
            return True
        except RuntimeError:
            return False

    def _format(self, fmt):
        return self.tmux("display-message", "-p", fmt).strip()

    def pid(self, timeout=5.0):
        """The program's pid (the child of the pane's sh)."""
        shell = int(self._format("#{pane_pid}"))
        deadline = time.monotonic() + timeout
        while True:
            kids = child_pids(shell)
            if kids:
                return kids[0]
            if time.monotonic() >= deadline:
                raise AssertionError("no program under pane pid %d" % shell)
            time.sleep(POLL)

    def exit_status(self):
        """The program's exit status once it ended, else None."""
        try:
            with open(self.status_file, encoding="ascii") as f:
                return int(f.read().strip())
        except (OSError, ValueError, TypeError):
            return None

    def is_running(self):
        if self.exit_status() is not None or not self.started:
            return False
        return self._alive_server() and self._format("#{pane_dead}") == "0"

    def wait_exit(self, timeout=WAIT):
        """Wait for the program to end; return its exit status (None if
        it went away without one, e.g. with the tmux server)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.exit_status()
            if status is not None:
                self.exit_seen = True
                return status
            if not self.is_running():
                self.exit_seen = True
                return self.exit_status()
            time.sleep(POLL)
        raise AssertionError("still running after %.0f s; last screen:\n%s"
                             % (timeout, boxed(self.screen())))

    def kill(self, signum=9, timeout=WAIT):
        """Send signum (default SIGKILL) to the program and wait for it to
        end; return its exit status.  The teardown then takes the ending
        as expected (see finish)."""
        os.kill(self.pid(), signum)
        return self.wait_exit(timeout)

    def quit(self, timeout=WAIT):
        """Go to the console (dialog windows take typed keys as their
        own), empty the input line (a test may leave text there), type
        /quit and return the exit status (bounded)."""
        self.send_alt("1")
        self.wait_until(lambda s: "natter console" in self.title(s),
                        "the console (Alt-1)", timeout)
        self.send_key("End", "C-u")
        self.wait_until(lambda s: self.input_line(s).rstrip() == ">",
                        "an empty input line (C-u)", timeout)
        self.send_keys("/quit")
        return self.wait_exit(timeout)

    def finish(self, timeout=10.0):
        """End of a test: /quit natter, then kill the tmux server
        regardless.  Returns None when all went well: natter was running
        and /quit ended it with status 0, or the test itself saw it end
        (wait_exit, quit) and checked that.  Otherwise returns what went
        wrong, with the last screen: natter ended (a crash?) without the
        test waiting for it, did not end within timeout of /quit (a
        hang), or ended /quit with another status (under the sanitizers:
        an error or a leak at exit)."""
        problem = None
        try:
            if self.exit_seen:
                pass
            elif not self.started:
                problem = "natter was never started"
            elif not self.is_running():
                status = self.exit_status()
                problem = ("natter ended before the test did, with status "
                           "%s (a crash?); last screen:\n%s"
                           % (status, boxed(self.last_screen())))
            else:
                try:
                    status = self.quit(timeout)
                except AssertionError as e:
                    problem = ("natter did not end within %.0f s of /quit "
                               "(%s); last screen:\n%s"
                               % (timeout, str(e).split(";")[0],
                                  boxed(self.last_screen())))
                else:
                    if status != 0:
                        problem = ("natter ended /quit with status %s (under "
                                   "the sanitizers: an error or a leak at "
                                   "exit); last screen:\n%s"
                                   % (status, boxed(self.last_screen())))
        finally:
            self.kill_server()
        return problem

    def last_screen(self):
        try:
            return self.screen()
        except RuntimeError as e:
            return "(no screen: %s)" % e

    # -- barriers ----------------------------------------------------------

    # natter's lines: "Ping 3 sent to JID", "Ping 3: answer in 2 ms from
    # JID", "Ping 3 failed after 20000 ms: JID: what went wrong"
    PING_RX = re.compile(r"\bPing (\d+)(?: sent|:| failed)")
    PONG_RX = re.compile(r"\bPing (\d+): answer in \d+ ms")
    PING_FAILED_RX = re.compile(r"\bPing (\d+) failed after \d+ ms: (.*)")
    PING_TIMEOUT = "does not answer"

    def last_ping(self, screen=None):
        """The highest ping number on the screen, 0 when none shows."""
        return max([int(n) for n in self.PING_RX.findall(
            screen if screen is not None else self.screen())] or [0])

    def barrier(self, jid=None, timeout=WAIT, errors_ok=False):
        """A round trip through natter: type /ping JID (default: its
        server) and wait until the answer shows; return that screen.

        natter handles stanzas and keys in the order they come, and
        redraws after handling them, so when the answer shows: natter
        handled every key typed before, and whatever it sent before
        reached JID's server (and, for a peer's full JID, the peer: slixmpp
        handles what it receives in order too) before JID answered.  To
        be sure natter handled what a peer sent, use round_trip().  Type
        it in a window that takes commands (the console, a conversation
        or a room), not in a dialog.  Fails when the ping fails; with
        errors_ok, only when no answer came (an entity without XEP-0199
        answers with an error, which is a round trip too)."""
        before = self.last_ping()
        self.send_keys("/ping" + (" " + jid if jid else ""))

        def answered(screen):
            for rx in (self.PONG_RX, self.PING_FAILED_RX):
                for m in rx.finditer(screen):
                    if int(m.group(1)) > before:
                        return m
            return None
        screen = self.wait_until(answered, "the answer to /ping %s"
                                 % (jid or ""), timeout)
        m = answered(screen)
        if m.re is self.PING_FAILED_RX and (
                not errors_ok or self.PING_TIMEOUT in m.group(2)):
            raise AssertionError("the barrier's ping failed: %s; screen:\n%s"
                                 % (m.group(0), boxed(screen)))
        return screen

    def barrier_from(self, window, jid=None, timeout=WAIT, errors_ok=False):
        """barrier() for a window that takes no commands (a dialog or a
        browser: typed keys go to its form): switch to the console (Alt-1;
        natter handles keys in order, so whatever was typed in the dialog
        is handled first), make the round trip there, then switch back to
        window number `window` and wait until it shows.  Returns the
        console's screen after the round trip."""
        self.send_alt("1")
        self.wait_until(lambda s: "natter console" in self.title(s),
                        "the console (Alt-1)", timeout)
        screen = self.barrier(jid, timeout, errors_ok)
        self.send_alt(str(window))
        self.wait_until(lambda s: "natter console" not in self.title(s),
                        "window %s again" % window, timeout)
        return screen

    def stop(self):
        """Ask natter to quit, then kill the tmux server regardless.
        Returns the status /quit ended with, or None when natter had
        already ended or did not quit (a sanitizer build exits non-zero
        when it finds a leak or an error at exit)."""
        status = None
        try:
            if self.is_running():
                status = self.quit(10)
        except Exception:  # noqa: BLE001 - the server goes anyway
            pass
        self.kill_server()
        return status

    def kill_server(self):
        if self.started:
            self.tmux("kill-server", check=False)
            if self.socket_path:
                try:
                    os.unlink(self.socket_path)  # tmux may leave it behind
                except FileNotFoundError:
                    pass
        self.started = False
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        unregister_cleanup(self.socket)


def child_pids(pid):
    """Live children of pid, oldest first."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid),
                  encoding="ascii") as f:
            kids = [int(k) for k in f.read().split()]
    except OSError:
        return []
    return [k for k in kids if process_alive(k)]


def process_alive(pid):
    """pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def boxed(screen):
    return "\n".join("|%s|" % line for line in screen.split("\n"))


def round_trip(pane, peer, natter_jid, timeout=WAIT):
    """The barrier after which "nothing happened" can be asserted, both
    ways between a peer and natter: the peer pings natter (natter answers
    only after handling everything the peer sent before), then natter
    pings the peer (whatever natter sent before reached the peer, and
    natter redrew after handling the peer's stanzas).  Returns natter's
    screen after it."""
    reply = peer.ping(natter_jid, timeout)
    assert reply.type == "result", \
        "natter did not answer the barrier's ping: %r" % (reply,)
    return pane.barrier(peer.jid, timeout)


# -- display cells -------------------------------------------------------------

PANE_WIDTH = 24   # natter's default roster_width

_libc = ctypes.CDLL(None)
_libc.wcwidth.argtypes = [ctypes.c_wchar]
_libc.wcwidth.restype = ctypes.c_int
try:
    locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
except locale.Error:
    pass



# ---- typing into dialogs (tests of dialog and browser windows) ----------

def keys(pane, *names, pause=0.15):
    """Sends tmux keys one at a time.  natter reads keys in order, so no
    key needs to wait for the one before, except after an Escape: an
    Escape followed within curses' ESCDELAY (25 ms, ui.c) by another
    key reads as Alt-key, so an Escape is given `pause` to stand
    alone.  That is the only wait here; what a key did is asserted by
    reading the screen or a round trip, never after a sleep."""
    for name in names:
        pane.send_key(name)
        if name == "Escape":
            time.sleep(pause)


def typed(pane, text):
    """Types text into the focused field without Enter."""
    pane.send_keys(text, enter=False)


def hint(pane, screen=None):
    """A dialog's keys line: the last row above natter's status bar."""
    return pane.lines(screen)[-3]


def join_room(make_peer, user, room, nick=None, **kw):
    """A peer `user` (make_peer's keywords in kw) that has joined group
    chat room as nick (default: user): returns once the room sent it
    its own presence."""
    nick = nick or user
    p = make_peer(user, **kw)
    p.send_raw("<presence to='%s/%s'><x xmlns='%s'/></presence>"
               % (room, nick, "http://jabber.org/protocol/muc"))
    p.wait_stanza("presence",
                  lambda el: el.get("from") == "%s/%s" % (room, nick),
                  "%s's own presence in the room" % nick)
    return p


def wait_value(cond, what, timeout=WAIT):
    """Polls cond() (say, a component's recorded state) until it is
    true; returns what it gave."""
    deadline = time.monotonic() + timeout
    while True:
        got = cond()
        if got:
            return got
        if time.monotonic() >= deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.1)


def char_width(ch):
    """Terminal cells of one character (libc wcwidth, as tmux and natter
    use it); 0 for what has no width."""
    return max(_libc.wcwidth(ch), 0)


def cell_width(text):
    return sum(char_width(c) for c in text)


def split_cells(line, col):
    """Split a captured line at display column col: (left, right)."""
    w = 0
    for i, ch in enumerate(line):
        if w >= col:
            return line[:i], line[i:]
        w += char_width(ch)
    return line, ""


# -- the scripted peer -------------------------------------------------------

Reply = collections.namedtuple("Reply", "type condition rtt xml")
STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def local(tag):
    return tag.rsplit("}", 1)[-1]


def error_condition(el):
    """The defined condition of an error stanza (any namespace prefix on
    <error/>: slixmpp's str() leaves jabber:client out), or None."""
    for err in el.iter():
        if local(err.tag) != "error":
            continue
        for child in err:
            if child.tag.startswith("{%s}" % STANZAS) and \
                    not child.tag.endswith("}text"):
                return local(child.tag)
    return None


class Peer(natterdemo.ClientThread):
    """Another account, logged in from this process.  All helpers block
    for at most their timeout and return Reply(type, condition, rtt, xml)
    where xml is the reply stanza as an ElementTree element."""

    def __init__(self, jid, password, port, resource="peer", plugins=(),
                 auto_authorize=True):
        """plugins: slixmpp plugins beyond disco, version and ping (e.g.
        "xep_0184" answers receipt requests).  auto_authorize: slixmpp's
        answer to subscription requests (True accept, False refuse, None
        leave them to the test)."""
        self.jid = "%s/%s" % (jid, resource)

        def factory():
            from slixmpp.xmlstream.handler import Callback
            from slixmpp.xmlstream.matcher import StanzaPath
            client = natterdemo.slixmpp.ClientXMPP(self.jid, password)
            for plugin in ("xep_0030", "xep_0092", "xep_0199") + \
                    tuple(plugins):
                client.register_plugin(plugin)
            client.auto_authorize = auto_authorize
            client.auto_subscribe = bool(auto_authorize)
            client.add_event_handler("message", self._on_message)
            client.register_handler(Callback(
                "peer: every message", StanzaPath("message"),
                lambda st: self.stanzas.append(copy.deepcopy(st.xml))))
            client.register_handler(Callback(
                "peer: every presence", StanzaPath("presence"),
                lambda st: self.presences.append(copy.deepcopy(st.xml))))
            return client
        super().__init__(factory, port, name="peer " + jid)
        self.messages = []
        self.stanzas = []     # every <message/> received, as Elements
        self.presences = []   # every <presence/> received, as Elements

    def _on_message(self, msg):
        self.messages.append((str(msg["from"]), msg["type"], msg["body"]))

    def iq(self, itype, to, payload, timeout=10.0):
        """Send an IQ get/set holding payload (XML text); return the reply.
        Raises TimeoutError when no reply came within timeout."""
        from slixmpp.exceptions import IqError, IqTimeout

        async def go():
            iq = self.client.Iq(sto=to, stype=itype)  # gets a fresh id
            iq.append(ET.fromstring(payload))
            start = time.monotonic()
            try:
                reply = await iq.send(timeout=timeout)
            except IqError as e:
                reply = e.iq
            except IqTimeout:
                return None
            return str(reply), time.monotonic() - start
        got = self.run(go, timeout + 5)
        if got is None:
            raise TimeoutError("no reply from %s within %.0f s to %s"
                               % (to, timeout, payload))
        text, rtt = got
        el = ET.fromstring(text)
        return Reply(el.get("type"), error_condition(el), rtt, el)

    def iq_get(self, to, payload, timeout=10.0):
        return self.iq("get", to, payload, timeout)

    def iq_set(self, to, payload, timeout=10.0):
        return self.iq("set", to, payload, timeout)

    def ping(self, to, timeout=10.0):
        return self.iq_get(to, "<ping xmlns='urn:xmpp:ping'/>", timeout)

    def disco_info(self, to, timeout=10.0):
        """Return (reply, identities [(category, type, name)], features)."""
        ns = "http://jabber.org/protocol/disco#info"
        r = self.iq_get(to, "<query xmlns='%s'/>" % ns, timeout)
        q = r.xml.find("{%s}query" % ns)
        idents, feats = [], set()
        if q is not None:
            idents = [(i.get("category"), i.get("type"), i.get("name"))
                      for i in q.findall("{%s}identity" % ns)]
            feats = {f.get("var") for f in q.findall("{%s}feature" % ns)}
        return r, idents, feats

    def version(self, to, timeout=10.0):
        """Return (reply, {"name":..., "version":..., "os":...})."""
        ns = "jabber:iq:version"
        r = self.iq_get(to, "<query xmlns='%s'/>" % ns, timeout)
        q = r.xml.find("{%s}query" % ns)
        fields = {}
        if q is not None:
            for child in q:
                fields[local(child.tag)] = (child.text or "").strip()
        return r, fields

    def time(self, to, timeout=10.0):
        """Return (reply, {"utc":..., "tzo":...})."""
        ns = "urn:xmpp:time"
        r = self.iq_get(to, "<time xmlns='%s'/>" % ns, timeout)
        t = r.xml.find("{%s}time" % ns)
        fields = {}
        if t is not None:
            for child in t:
                fields[local(child.tag)] = (child.text or "").strip()
        return r, fields

    def send_message(self, to, body, mtype="chat"):
        self.call_soon(lambda: self.client.send_message(
            mto=to, mbody=body, mtype=mtype))

    def get_roster(self, timeout=10.0):
        """Fetch the roster, which also makes this resource "interested":
        only then does the server pass it subscription stanzas (RFC 6121
        2.1.6; Prosody sends subscribed/unsubscribed to those only)."""
        async def go():
            return await self.client.get_roster(timeout=timeout)
        return self.run(go, timeout + 5)

    def send_raw(self, xml):
        """Send stanza text as it is (see message_xml, presence_xml)."""
        self.call_soon(self.client.send_raw, xml)

    def send_presence(self, show=None, status=None, to=None, ptype=None,
                      priority=None):
        """Available presence (broadcast by the server) unless ptype or to
        say otherwise."""
        self.send_raw(presence_xml(to=to, ptype=ptype, show=show,
                                   status=status, priority=priority))

    def wait_stanza(self, kind, predicate, what, timeout=WAIT):
        """Wait for a received stanza (kind "message" or "presence") for
        which predicate(element) is true; return it."""
        got = self.stanzas if kind == "message" else self.presences
        deadline = time.monotonic() + timeout
        while True:
            for el in list(got):
                if predicate(el):
                    return el
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL)
        raise AssertionError("%s: no %s within %.0f s; got:\n%s" % (
            self.jid, what, timeout,
            "\n".join(ET.tostring(el, encoding="unicode") for el in got)))

    def wait_message(self, predicate, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in list(self.messages):
                if predicate(m):
                    return m
            time.sleep(POLL)
        raise AssertionError("no matching message within %.0f s; got %r"
                             % (timeout, self.messages))


# -- raw stanzas a peer sends ---------------------------------------------------

CHATSTATES = "http://jabber.org/protocol/chatstates"
RECEIPTS = "urn:xmpp:receipts"


def _xml_text(text):
    """Escape text for XML; a CR is sent as a character reference, since a
    literal one would reach the receiver as a newline."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("\r", "&#13;")


def _xml_attr(text):
    return _xml_text(text).replace("'", "&apos;").replace('"', "&quot;")


def message_xml(to, body=None, mid=None, mtype="chat", extra=""):
    """<message/> text; extra is raw XML appended inside it."""
    attrs = "to='%s' type='%s'" % (_xml_attr(to), _xml_attr(mtype))
    if mid is not None:
        attrs += " id='%s'" % _xml_attr(mid)
    inner = "<body>%s</body>" % _xml_text(body) if body is not None else ""
    return "<message %s>%s%s</message>" % (attrs, inner, extra)


def chat_state_xml(state):
    return "<%s xmlns='%s'/>" % (state, CHATSTATES)


def presence_xml(to=None, ptype=None, show=None, status=None, priority=None):
    attrs = ""
    if to:
        attrs += " to='%s'" % _xml_attr(to)
    if ptype:
        attrs += " type='%s'" % _xml_attr(ptype)
    inner = ""
    if show:
        inner += "<show>%s</show>" % _xml_text(show)
    if status is not None:
        inner += "<status>%s</status>" % _xml_text(status)
    if priority is not None:
        inner += "<priority>%d</priority>" % priority
    return "<presence%s>%s</presence>" % (attrs, inner)


def child(el, name, ns=None):
    """The first child of el called name (any namespace unless ns)."""
    for c in el:
        if local(c.tag) == name and (ns is None or c.tag == "{%s}%s"
                                     % (ns, name)):
            return c
    return None


def text_of(el, name):
    c = child(el, name)
    return None if c is None else (c.text or "")


# -- Prosody's roster storage ------------------------------------------------


def _lua_bytes(text):
    """A Lua string literal holding text's UTF-8 bytes; everything but
    printable ASCII as decimal escapes, so any character survives."""
    out = []
    for b in text.encode("utf-8"):
        if 32 <= b < 127 and b not in b'"\\':
            out.append(chr(b))
        else:
            out.append("\\%03d" % b)
    return '"' + "".join(out) + '"'


def write_roster(prosody, user, items):
    """Write user's roster into Prosody's internal storage.  Do it before
    anything loads that roster (a login, a presence to the user): Prosody
    caches rosters it has read.  items: dicts with jid, and optionally name,
    groups (list) and subscription (default "both")."""
    lines = ["return {", "\t[false] = { [\"pending\"] = {}; "
             "[\"version\"] = 1; };"]
    for it in items:
        fields = ["[\"subscription\"] = %s;"
                  % _lua_bytes(it.get("subscription", "both"))]
        if it.get("name") is not None:
            fields.append("[\"name\"] = %s;" % _lua_bytes(it["name"]))
        groups = "".join("[%s] = true; " % _lua_bytes(g)
                         for g in it.get("groups", ()))
        fields.append("[\"groups\"] = { %s};" % groups)
        lines.append("\t[%s] = { %s };" % (_lua_bytes(it["jid"]),
                                           " ".join(fields)))
    lines.append("};")
    folder = os.path.join(prosody.data_dir, prosody.domain.replace(".", "%2e"),
                          "roster")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, "%s.dat" % user)
    with open(path, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    return path
