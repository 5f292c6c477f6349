"""Hostile remote text, and terminal resizes.

A peer cannot send ESC or other C0 controls (XML 1.0 forbids them: the
server closes a stream that tries), so the attacks here are what XML does
allow: C1 controls (U+0080-U+009F: U+009B is a one-character CSI, U+009D
an OSC, U+0085 NEL), CR sent as &#13;, bidi overrides and isolates,
and text that is hard to measure (CJK, emoji, combining marks, line
separators), in message bodies, a roster name, a group and a presence
status.  Each test checks (a) the screen: title, pane border, status bar
and input line where they belong, nothing cleared or recoloured, tmux's
pane title unchanged; and (b) the bytes natter wrote to the terminal
(tmux pipe-pane): no C1 control in UTF-8, no bidi control, no OSC/DCS,
no ESC[2J.

The resize tests shrink the terminal (tmux resize-window) while natter
runs: the bars stay at the bottom, nothing spills into other rows, and
natter keeps working."""

import os
import re
import time

import pytest

import harness
from harness import chat_state_xml, message_xml

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"

BODIES = [   # (marker, body, what the screen should show after the marker)
    ("H01", "csi\u009b2J after", "csi2J after"),
    ("H02", "osc\u009d0;PWNED-TITLE\u009c after", "osc0;PWNED-TITLE after"),
    ("H03", "sgr\u009b31mred\u009b0m after", "sgr31mred0m after"),
    ("H04", "nel\u0085 c1\u0080\u0090\u009f after", "nel c1 after"),
    ("H05", "rlo\u202eexe.txt\u202c lri\u2066x\u2069 rlm\u200f alm\u061c after",
     "rloexe.txt lrix rlm alm after"),
    # A CR reaches natter as a line feed (the server re-serialises it as
    # a raw CR, which XML parsing turns into LF): a second row, indented.
    ("H06", "cr\rOVERWRITE\ttab after", "cr\n +x? +OVERWRITE tab after"),
    ("H07", "wide \u6f22\u5b57\u30c6\u30b9\u30c8 \U0001F600\U0001F44D after",
     "wide \u6f22\u5b57\u30c6\u30b9\u30c8 \U0001F600\U0001F44D after"),
    ("H08", "combining e\u0301\u0301 a\u0308 zwsp\u200b after",
     "combining e\u0301\u0301 a\u0308 zwsp\u200b after"),
    ("H09", "long " + "\u6f22" * 150 + " after", None),
    ("H10", "bom\ufeff repl\ufffd after", None),
]

# Bytes that must never reach the terminal, whatever the remote sent.
FORBIDDEN = {
    "C1 control in UTF-8": re.compile(rb"\xc2[\x80-\x9f]"),
    "bidi control": re.compile(rb"\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-"
                               rb"\xa9]|\xd8\x9c"),
    "OSC, DCS, APC, PM or SOS": re.compile(rb"\x1b[\]P_^X]"),
    "clear screen": re.compile(rb"\x1b\[2J"),
    "remote CR": re.compile(rb"cr\rOVER"),
}


def check_bytes(path, must_contain=()):
    with open(path, "rb") as f:
        data = f.read()
    assert data, "nothing recorded from the terminal"
    for what, rx in FORBIDDEN.items():
        m = rx.search(data)
        assert not m, "%s in natter's output at byte %d: %r" % (
            what, m.start(), data[max(0, m.start() - 40):m.end() + 40])
    for text in must_contain:
        assert text.encode() in data, "%r was never drawn" % text
    return data


def check_screen(pane, screen, title_rx, windows_rx):
    lines = pane.lines(screen)
    assert re.match(title_rx, pane.title(screen)), pane.title(screen)
    assert re.match(r" test: online \| " + windows_rx,
                    pane.status_bar(screen)), pane.status_bar(screen)
    assert pane.input_line(screen).rstrip() == ">", pane.input_line(screen)
    assert pane.pane_border_intact(screen), harness.boxed(screen)
    wide = [l for l in lines if harness.cell_width(l) > pane.width]
    assert not wide, "lines wider than the terminal: %r" % wide


@pytest.fixture
def recording(tmp_path):
    return str(tmp_path / "terminal-output.bin")


def test_hostile_bodies(natter, bob, alice, recording):
    natter.wait_for(CONNECTED)
    tmux_title = natter.pane_title()
    natter.send_keys("/query bob@localhost")
    natter.wait_until(lambda s: re.match(r"\s*bob@localhost <",
                                         natter.title(s)), "bob's window")
    bob.send_message(alice.full_jid, "a harmless line before")
    natter.wait_for(r"<bob@localhost> a harmless line before")
    natter.record(recording)
    for marker, body, _shown in BODIES:
        bob.send_raw(message_xml(alice.full_jid, body="%s %s" % (marker, body)))
    bob.send_message(alice.full_jid, "H99 the end")
    screen = natter.wait_for(r"<bob@localhost> H99 the end")
    for marker, _body, shown in BODIES:
        want = r"<bob@localhost> %s " % marker
        if shown:
            want += r"\s*".join(re.escape(part) if i % 2 == 0 else part
                                for i, part in enumerate(
                                    re.split(r"(\n \+x\? \+)", shown)))
        assert re.search(want, screen), "%s: %r not on screen:\n%s" % (
            marker, shown, harness.boxed(screen))
    assert "a harmless line before" in screen, "the screen was cleared"
    check_screen(natter, screen, r"\s+bob@localhost <bob@localhost",
                 r"\[1:console\] \[2:bob@localhost\]$")
    assert natter.pane_title() == tmux_title, "the terminal title changed"

    # Search results show stored bodies: sanitised there too.
    natter.send_keys("/search PWNED")
    screen = natter.wait_for(r"\b1 match\b")
    assert re.search(r"\[1\] .* <bob@localhost> H02 osc0;PWNED-TITLE after",
                     screen), screen
    natter.send_keys("/win 2")
    natter.wait_for(r"<bob@localhost> H99 the end")
    natter.stop_recording()
    check_bytes(recording, must_contain=("PWNED-TITLE", "OVERWRITE"))
    assert natter.is_running()


def test_hostile_roster_name_group_and_status(prosody, accounts, write_rc,
                                              start_natter, make_peer,
                                              recording):
    harness.write_roster(prosody, "alice", [{
        "jid": BOB, "name": "Bob\u202e\u009b2J\u0085Evil\u200f",
        "groups": ["Fr\u009d0;PWNED\u009ciends\u2066"]}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])
    alice = accounts["alice"]
    natter = start_natter(write_rc(autoconnect=False))
    natter.wait_for(r"/help lists the commands")
    tmux_title = natter.pane_title()
    natter.record(recording)
    natter.send_keys("/connect")
    natter.wait_for(CONNECTED)
    bob = make_peer("bob", available=False)
    bob.send_presence(show="away",
                      status="St\u009b31m\u202eATUS\u0085 \u009d0;PWNED2\u009c")
    screen = natter.wait_until(
        lambda s: "- Bob2JEvil" in natter.roster_rows(s),
        "'- Bob2JEvil' in the pane")
    assert "Fr0;PWNEDiends" in natter.roster_rows(screen), screen
    natter.send_keys("/query bob@localhost")
    screen = natter.wait_until(
        lambda s: re.match(r" Bob2JEvil <bob@localhost[^>]*> — away: "
                           r"St31mATUS 0;PWNED2\s*$",
                           harness.split_cells(natter.title(s),
                                               harness.PANE_WIDTH)[1]),
        "the sanitised name and status in the title")
    bob.send_message(alice.full_jid, "hello from evil")
    screen = natter.wait_for(r"<Bob2JEvil> hello from evil")
    check_screen(natter, screen, r"\s+Bob2JEvil <",
                 r"\[1:console\] \[2:Bob2JEvil\]$")
    assert natter.pane_title() == tmux_title, "the terminal title changed"
    natter.stop_recording()
    check_bytes(recording, must_contain=("PWNED2", "Evil"))


def test_xml_forbidden_control_cannot_arrive(natter, bob, alice):
    """ESC itself cannot come over XMPP: the server ends the stream that
    tries, and natter gets nothing (and stays fine)."""
    natter.wait_for(CONNECTED)
    bob.send_message(alice.full_jid, "esc \x1b[2J clear")
    deadline = time.monotonic() + 10
    while bob.online and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not bob.online, "the server accepted ESC in a body"
    screen = natter.barrier()
    assert "clear" not in screen and "esc" not in screen, screen
    natter.send_keys("/help quit")
    natter.wait_for(r"/quit\b.*\n.*disconnect every account")


# -- resizing -------------------------------------------------------------------

def redrawn(pane, height, title_rx):
    """A predicate: natter has redrawn a screen of height rows: the title
    (title_rx) on top, the status bar on the second-to-last row, the input
    line on the last.  (Right after a resize, tmux shows the old screen cut
    to the new size until natter redraws.)  That nothing else spills onto
    the input line is test_status_bar_stays_on_its_row_when_narrow's."""
    def check(screen):
        lines = pane.lines(screen)
        return (len(lines) == height
                and re.match(title_rx, lines[0])
                and lines[-2].startswith(" test: online")
                and lines[-1].startswith(">"))
    return check


def test_resize(natter, bob, alice):
    natter.wait_for(CONNECTED)
    bob.send_message(alice.full_jid, "before the resize")
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    natter.send_keys("/win 2")
    natter.wait_for(r"<bob@localhost> before the resize")

    natter.resize(60, 15)
    screen = natter.wait_until(redrawn(natter, 15, r" {25}bob@localhost <"),
                               "a redraw at 60x15")
    assert natter.pane_border_intact(screen), harness.boxed(screen)
    assert re.search(r"<bob@localhost> before the", screen), screen

    natter.resize(40, 10)   # too narrow for the pane: it steps aside
    natter.wait_until(redrawn(natter, 10, r" bob@localhost <"),
                      "a redraw at 40x10, without the pane")
    bob.send_message(alice.full_jid, "while small")
    natter.wait_for(r"<bob@localhost>\s+while small")
    natter.send_alt("1")
    natter.wait_until(lambda s: natter.title(s).startswith(" natter console"),
                      "the console after Alt-1")
    natter.send_keys("/help quit")
    natter.wait_for(r"disconnect every")

    natter.resize(12, 3)   # too small for anything but the input line
    natter.wait_until(lambda s: len(natter.lines(s)) == 3
                      and natter.input_line(s).startswith(">"),
                      "the input line at 12x3")
    natter.resize(100, 30)
    screen = natter.wait_until(redrawn(natter, 30, r" {25}natter console"),
                               "a redraw at 100x30")
    assert natter.pane_border_intact(screen), harness.boxed(screen)
    assert natter.is_running()
    assert bob.ping(alice.full_jid).type == "result"


def test_status_bar_stays_on_its_row_when_narrow(natter, bob, make_peer,
                                                 alice):
    """A window list longer than the terminal is cut, not wrapped onto
    the input line."""
    natter.wait_for(CONNECTED)
    carol = make_peer("carol")
    bob.send_message(alice.full_jid, "from bob")
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    carol.send_message(alice.full_jid, "from carol")
    natter.wait_for(r"\[3:carol@localhost\(1\)\]")
    natter.resize(40, 10)
    screen = natter.wait_until(
        lambda s: len(natter.lines(s)) == 10 and
        natter.title(s).startswith(" natter console"), "a redraw at 40x10")
    assert natter.status_bar(screen).startswith(" test: online"), screen
    assert natter.input_line(screen).rstrip() == ">", \
        "the input line holds %r:\n%s" % (natter.input_line(screen),
                                           harness.boxed(screen))


def test_title_stays_on_its_row_when_narrow(natter, bob, alice):
    """A long title with a chat state is cut, not wrapped into the pane."""
    natter.wait_for(CONNECTED)
    bob.send_message(alice.full_jid, "hello")
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    natter.send_keys("/win 2")
    natter.resize(60, 15)
    natter.wait_until(redrawn(natter, 15, r" {25}bob@localhost <"),
                      "a redraw at 60x15")
    bob.send_raw(message_xml(alice.full_jid, extra=chat_state_xml("composing")))
    # natter handled the state and redrew when the round trip ends (the
    # title is too long to show it)
    screen = harness.round_trip(natter, bob, alice.full_jid)
    row1 = natter.lines(screen)[1]
    assert "typing" not in row1 and "(" not in row1, \
        "the title spilled into row 1:\n%s" % harness.boxed(screen)
    assert natter.pane_border_intact(screen), harness.boxed(screen)


def test_wide_names_when_narrow(prosody, accounts, natterrc, start_natter,
                                make_peer):
    """A contact name of double-width characters, longer than the pane,
    the title and the status bar can hold, is cut to fit each of them."""
    name = "\u6f22\u5b57" * 20   # 80 cells
    harness.write_roster(prosody, "alice", [
        {"jid": BOB, "name": name, "groups": ["\u53cb\u9054" * 10]}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])
    alice = accounts["alice"]
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    natter.wait_until(lambda s: any(r.startswith("+ \u6f22\u5b57")
                                    for r in natter.roster_rows(s)),
                      "the contact in the pane")
    bob.send_message(alice.full_jid, "wide hello " + "\u6f22" * 40)
    natter.wait_for(r"\[2:\u6f22\u5b57")
    natter.send_keys("/win 2")
    for width, height in ((60, 15), (57, 12)):
        natter.resize(width, height)
        screen = natter.wait_until(
            redrawn(natter, height, r" {25}\u6f22\u5b57"),
            "a redraw at %dx%d" % (width, height))
        lines = natter.lines(screen)
        assert natter.input_line(screen).rstrip() == ">", \
            harness.boxed(screen)
        assert natter.pane_border_intact(screen), harness.boxed(screen)
        wide = [l for l in lines if harness.cell_width(l) > width]
        assert not wide, "rows wider than %d: %r" % (width, wide)
        assert re.search(r"wide hello", screen), harness.boxed(screen)
