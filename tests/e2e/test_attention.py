"""Attention: highlights in rooms, the bell, the terminal title and
notify_cmd (core/attention.c, ui/alert.c).

alice (natter) is in a Prosody MUC room with bob, a slixmpp occupant.
A room line naming alice marks the room "(N!)" in the status bar, in the
status_highlight colour, and is drawn in the highlight colour; a plain
line is "(N)" in the bar's own colour.  Highlights and private messages
(a conversation, an occupant's private message) in a window other than
the one shown ring: a BEL byte reaches the terminal (tmux pipe-pane
records what natter writes), and notify_cmd runs with NATTER_* in its
environment; a body full of shell syntax reaches it literally and runs
nothing.  Nothing rings for the window shown (checked after a round
trip, then a ring elsewhere proves the recording would have seen one).
Alt-A goes to the highlight first, then conversations, then the plain
room.  With title = true the terminal's title counts what waits and
comes back at exit; with bell = false no BEL is written though
notify_cmd still runs."""

import os
import re
import socket
import stat

import pytest

import harness
import natterdemo

pytestmark = pytest.mark.prosody(muc="conference.localhost")

CONNECTED = r"connected as alice@localhost/natter"
ROOM = "lobby@conference.localhost"
HALL = "hall@conference.localhost"
MUC = "http://jabber.org/protocol/muc"
MUC_USER = "http://jabber.org/protocol/muc#user"
BOB = "bob@localhost"

# The script notify_cmd runs: each call writes into the directory of
# its first argument a file holding the NATTER_* variables, one per line,
# named after the time it started (calls may run at the same time).
NOTIFY_SCRIPT = """#!/bin/sh
dir=$1
name="call.$(date +%s%N).$$"
printf '%s\\n' "$NATTER_KIND" "$NATTER_FROM" "$NATTER_WINDOW" \\
    "$NATTER_TEXT" "$NATTER_JID" "$NATTER_ACCOUNT" "$2" > "$dir/.$name"
mv "$dir/.$name" "$dir/$name"
"""
FIELDS = ("kind", "from", "window", "text", "jid", "account", "arg")


class Notify:
    """A notify_cmd whose path has a space in it, and its calls."""

    def __init__(self, tmp_path):
        base = tmp_path / "notify dir"
        base.mkdir()
        self.calls_dir = str(tmp_path / "calls")
        os.mkdir(self.calls_dir)
        self.script = str(base / "notify me.sh")
        with open(self.script, "w", encoding="ascii") as f:
            f.write(NOTIFY_SCRIPT)
        os.chmod(self.script, stat.S_IRWXU)
        # split into words by natter: a quoted path, then two arguments
        self.cmd = "'%s' %s \"two words\"" % (self.script, self.calls_dir)

    def calls(self):
        out = []
        names = sorted((n for n in os.listdir(self.calls_dir)
                        if n.startswith("call.")),
                       key=lambda n: tuple(int(p) for p in n.split(".")[1:]))
        for name in names:
            with open(os.path.join(self.calls_dir, name),
                      encoding="utf-8") as f:
                out.append(dict(zip(FIELDS, f.read().split("\n"))))
        return out

    def wait_calls(self, n):
        return harness.wait_value(lambda: len(self.calls()) >= n and
                                  self.calls(), "%d notify_cmd calls" % n)


@pytest.fixture
def notify(tmp_path):
    return Notify(tmp_path)


@pytest.fixture
def start(prosody, alice, xdg, start_natter):
    """start(**global_options) -> natter logged in as alice, with those
    global options (highlight as a list) in natterrc."""
    def go(**opts):
        account = natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=prosody.c2s_port,
            tls="trust", resource="natter", strangers="open")
        extra = []
        for key, value in opts.items():
            if isinstance(value, (list, tuple)):
                value = "{%s}" % ", ".join(natterdemo.confuse_value(v)
                                           for v in value)
            else:
                value = natterdemo.confuse_value(value)
            extra.append("%s = %s" % (key, value))
        rc = natterdemo.write_natterrc(xdg.natterrc, {"test": account},
                                       extra="\n".join(extra))
        natter = start_natter(rc)
        natter.wait_for(CONNECTED)
        return natter
    return go


def bells(path):
    """BEL bytes natter wrote, not counting those ending an OSC string."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return 0
    data = re.sub(rb"\x1b\][^\x07\x1b]*(\x07|\x1b\\)", b"", data)
    return data.count(b"\x07")


def wait_bells(path, n):
    return harness.wait_value(lambda: bells(path) >= n and bells(path),
                              "%d bell(s) in natter's output" % n)


def join(natter, make_peer, room=ROOM):
    """alice joins room, then bob (a new peer each time); back to the
    console.  Returns bob."""
    natter.send_keys("/join %s" % room)
    natter.wait_for(r"You joined %s as alice" % re.escape(room))
    bob = make_peer()
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (room, MUC))
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/bob" % room,
                    "bob's own presence in %s" % room)
    natter.wait_for(r"bob joined")
    go_console(natter)
    return bob


def go_console(natter):
    natter.send_alt("1")
    natter.wait_until(lambda s: "natter console" in natter.title(s),
                      "the console")


def entry(natter, screen, name):
    """The status bar's entry [N:name...] for the window called name."""
    m = re.search(r"\[\d+:%s(\(\d+!?\))?\]" % re.escape(name),
                  natter.status_bar(screen))
    return m.group(0) if m else None


# -- colours: the SGR state of each character of a captured line ------------

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def cells(line):
    """[(char, fg, bg)] for a line captured with escapes; colours are
    0-255, or None for the terminal's default."""
    out, fg, bg = [], None, None
    pos = 0
    for m in SGR.finditer(line):
        out += [(c, fg, bg) for c in line[pos:m.start()]]
        pos = m.end()
        params = [int(p) if p else 0 for p in re.split("[;:]", m.group(1))]
        i = 0
        while i < len(params):
            p = params[i]
            if p == 0:
                fg = bg = None
            elif 30 <= p <= 37:
                fg = p - 30
            elif 90 <= p <= 97:
                fg = p - 90 + 8
            elif p == 39:
                fg = None
            elif 40 <= p <= 47:
                bg = p - 40
            elif 100 <= p <= 107:
                bg = p - 100 + 8
            elif p == 49:
                bg = None
            elif p in (38, 48) and i + 2 < len(params) and params[i + 1] == 5:
                if p == 38:
                    fg = params[i + 2]
                else:
                    bg = params[i + 2]
                i += 2
            i += 1
    out += [(c, fg, bg) for c in line[pos:]]
    return out


def colours_of(natter, row, text):
    """The set of (fg, bg) of text's characters on screen row row (-2:
    the status bar), captured with its escapes."""
    lines = natter.tmux("capture-pane", "-p", "-e").split("\n")
    cs = cells(lines[row if row >= 0 else natter.height + row])
    plain = "".join(c for c, _fg, _bg in cs)
    at = plain.find(text)
    assert at >= 0, "%r not on row %d: %r" % (text, row, plain)
    return {(fg, bg) for _c, fg, bg in cs[at:at + len(text)]
            if not _c.isspace()}


YELLOW, BLUE, WHITE = 3, 4, 7


def test_highlight_marks_rings_and_notifies(start, make_peer, notify,
                                            tmp_path):
    natter = start(notify_cmd=notify.cmd, highlight=["release day"])
    bob = join(natter, make_peer)
    rec = str(tmp_path / "out.bin")
    natter.record(rec)

    bob.send_message(ROOM, "a plain line", mtype="groupchat")
    screen = natter.wait_until(
        lambda s: entry(natter, s, ROOM) == "[2:%s(1)]" % ROOM,
        "the room marked (1)")
    assert colours_of(natter, -2, "[2:%s(1)]" % ROOM) == {(WHITE, BLUE)}
    harness.round_trip(natter, bob, "alice@localhost/natter")
    assert bells(rec) == 0, "a plain room line rang"
    assert notify.calls() == []

    bob.send_message(ROOM, "hey ALICE, look", mtype="groupchat")
    screen = natter.wait_until(
        lambda s: entry(natter, s, ROOM) == "[2:%s(2!)]" % ROOM,
        "the room marked (2!)")
    assert colours_of(natter, -2, "[2:%s(2!)]" % ROOM) == {(YELLOW, BLUE)}
    wait_bells(rec, 1)
    call, = notify.wait_calls(1)
    assert call == {"kind": "highlight", "from": "bob", "window": ROOM,
                    "text": "hey ALICE, look", "jid": ROOM,
                    "account": "test", "arg": "two words"}

    # a highlight word, as a phrase in another case
    bob.send_message(ROOM, "It is Release Day!", mtype="groupchat")
    natter.wait_until(
        lambda s: entry(natter, s, ROOM) == "[2:%s(3!)]" % ROOM,
        "the room marked (3!)")
    calls = notify.wait_calls(2)
    assert calls[1]["text"] == "It is Release Day!"
    wait_bells(rec, 2)

    # in the room: the highlighted lines in the highlight colour, the
    # plain one not; the mark is gone
    natter.send_alt("2")
    screen = natter.wait_for(r"<bob> It is Release Day!")
    row = next(i for i, l in enumerate(natter.lines(screen))
               if "hey ALICE, look" in l)
    assert colours_of(natter, row, "hey ALICE, look") == {(YELLOW, None)}
    row = next(i for i, l in enumerate(natter.lines(screen))
               if "a plain line" in l)
    assert (YELLOW, None) not in colours_of(natter, row, "a plain line")
    assert entry(natter, screen, ROOM) == "[2:%s]" % ROOM


def test_private_messages_ring_without_shell(start, make_peer, notify,
                                             tmp_path):
    natter = start(notify_cmd=notify.cmd)
    bob = join(natter, make_peer)
    rec = str(tmp_path / "out.bin")
    natter.record(rec)
    pwned = tmp_path / "pwned"
    keep = tmp_path / "keep"
    keep.mkdir()
    body = ("$(touch %s) `touch %s`; rm -rf %s & echo \"$HOME\" 'q' \\"
            % (pwned, pwned, keep))

    bob.send_message("alice@localhost/natter", body)
    screen = natter.wait_until(
        lambda s: entry(natter, s, BOB) == "[3:%s(1)]" % BOB,
        "bob's window marked (1)")
    assert colours_of(natter, -2, "[3:%s(1)]" % BOB) == {(YELLOW, BLUE)}
    call, = notify.wait_calls(1)
    assert call["kind"] == "chat"
    assert call["from"] == BOB
    assert call["window"] == BOB
    assert call["jid"] == BOB
    assert call["text"] == body
    wait_bells(rec, 1)

    # an occupant's private message through the room
    bob.send_raw(harness.message_xml("%s/alice" % ROOM, body="psst",
                                     extra="<x xmlns='%s'/>" % MUC_USER))
    calls = notify.wait_calls(2)
    assert calls[1]["kind"] == "private"
    assert calls[1]["from"] == "bob"
    assert calls[1]["window"] == "bob in %s" % ROOM.split("@")[0]
    assert calls[1]["jid"] == "%s/bob" % ROOM
    assert calls[1]["text"] == "psst"
    wait_bells(rec, 2)

    harness.round_trip(natter, bob, "alice@localhost/natter")
    assert not pwned.exists(), "remote text ran as a command"
    assert keep.is_dir(), "remote text ran as a command"


def test_nothing_rings_for_the_window_shown(start, make_peer, notify,
                                            tmp_path):
    natter = start(notify_cmd=notify.cmd)
    bob = join(natter, make_peer)
    natter.send_keys("/query %s" % BOB)
    natter.wait_until(lambda s: re.match(r"\s*%s <" % re.escape(BOB),
                                          natter.title(s)),
                      "bob's window")
    rec = str(tmp_path / "out.bin")
    natter.record(rec)

    bob.send_message("alice@localhost/natter", "you are looking at me")
    natter.wait_for(r"<%s> you are looking at me" % re.escape(BOB))
    harness.round_trip(natter, bob, "alice@localhost/natter")
    assert bells(rec) == 0
    assert notify.calls() == []

    # the room shown: the line naming alice is coloured, nothing rings
    natter.send_alt("2")
    natter.wait_until(lambda s: ROOM in natter.title(s), "the room")
    bob.send_message(ROOM, "alice, you see this", mtype="groupchat")
    screen = natter.wait_for(r"<bob> alice, you see this")
    row = next(i for i, l in enumerate(natter.lines(screen))
               if "alice, you see this" in l)
    assert colours_of(natter, row, "alice, you see this") == {(YELLOW, None)}
    harness.round_trip(natter, bob, "alice@localhost/natter")
    assert bells(rec) == 0
    assert notify.calls() == []
    assert "!" not in entry(natter, screen, ROOM)

    # elsewhere it rings: the recording would have seen one
    go_console(natter)
    bob.send_message(ROOM, "alice, now you do not", mtype="groupchat")
    wait_bells(rec, 1)
    call, = notify.wait_calls(1)
    assert call["text"] == "alice, now you do not"


def test_alt_a_goes_to_highlights_first(start, make_peer):
    natter = start()
    bob = join(natter, make_peer, ROOM)         # window 2
    natter.send_keys("/join %s" % HALL)         # window 3
    natter.wait_for(r"You joined %s as alice" % re.escape(HALL))
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (HALL, MUC))
    natter.wait_for(r"bob joined")
    go_console(natter)

    bob.send_message(ROOM, "just chatting", mtype="groupchat")
    bob.send_message("alice@localhost/natter", "a private word")  # window 4
    bob.send_message(HALL, "where is alice?", mtype="groupchat")
    natter.wait_until(
        lambda s: (entry(natter, s, ROOM) == "[2:%s(1)]" % ROOM and
                   entry(natter, s, HALL) == "[3:%s(1!)]" % HALL and
                   entry(natter, s, BOB) == "[4:%s(1)]" % BOB),
        "three windows waiting")

    natter.send_alt("a")
    natter.wait_until(lambda s: HALL in natter.title(s), "the hall first")
    natter.send_alt("a")
    natter.wait_until(lambda s: re.match(r"\s*%s <" % re.escape(BOB),
                                          natter.title(s)),
                      "bob's conversation second")
    natter.send_alt("a")
    natter.wait_until(lambda s: ROOM in natter.title(s), "the lobby last")
    screen = natter.screen()
    for name in (ROOM, HALL, BOB):
        assert "(" not in entry(natter, screen, name), screen


def test_title_counts_and_comes_back(start, make_peer, notify, tmp_path):
    natter = start(title=True, bell=False, notify_cmd=notify.cmd)
    bob = join(natter, make_peer)
    rec = str(tmp_path / "out.bin")
    natter.record(rec)
    assert natter.pane_title() == "natter"

    bob.send_message("alice@localhost/natter", "one")
    harness.wait_value(lambda: natter.pane_title() == "natter (1)",
                       "the title natter (1)")
    bob.send_message(ROOM, "alice: two", mtype="groupchat")
    harness.wait_value(lambda: natter.pane_title() == "natter (2)",
                       "the title natter (2)")
    bob.send_message(ROOM, "not for you", mtype="groupchat")
    harness.round_trip(natter, bob, "alice@localhost/natter")
    assert natter.pane_title() == "natter (2)"
    # bell = false: notify_cmd runs, the bell does not ring
    notify.wait_calls(2)
    assert bells(rec) == 0

    natter.send_alt("a")
    natter.wait_until(lambda s: ROOM in natter.title(s), "the room")
    harness.wait_value(lambda: natter.pane_title() == "natter (1)",
                       "the title natter (1) again")
    natter.send_alt("a")
    harness.wait_value(lambda: natter.pane_title() == "natter",
                       "the title natter")

    # tmux's own title for a pane is the host's name: it comes back
    assert natter.quit() == 0
    host = socket.gethostname()
    harness.wait_value(lambda: natter.pane_title() in (host,
                                                       host.split(".")[0]),
                       "the old title back")



def test_notify_cmd_failure_told_once(start, make_peer, tmp_path):
    """A notify_cmd that fails is told on the console once, not at every
    message; each run leaves a mark first, so the test knows both ran."""
    marks = tmp_path / "marks"
    marks.mkdir()
    script = tmp_path / "failing notifier"
    script.write_text('#!/bin/sh\ntouch "$1/ran.$$"\nexit 3\n')
    script.chmod(0o700)
    natter = start(notify_cmd="'%s' %s" % (script, marks))
    bob = make_peer()
    said = r"notify_cmd .*failing notifier failed with exit status 3"
    bob.send_message("alice@localhost/natter", "first")
    natter.wait_for(said)
    bob.send_message("alice@localhost/natter", "second")
    harness.wait_value(lambda: len(os.listdir(marks)) == 2,
                       "the second run of notify_cmd")
    screen = harness.round_trip(natter, bob, "alice@localhost/natter")
    assert natter.count(said, screen) == 1, harness.boxed(screen)
