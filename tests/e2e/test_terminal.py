"""The terminal side of natter: bracketed paste (mode 2004) and a few
terminal types.

Bracketed paste: tmux's `paste-buffer -p` wraps a pasted block in
ESC[200~ ... ESC[201~ while natter has mode 2004 on; natter keeps the
block's newlines in the input line (shown as the return mark U+21B5)
instead of sending each line, and Enter sends it as one message.

Terminal types: with TERM vt100, screen and xterm-256color natter logs in
and draws its title row, chat, status bar ("test: online") and input line
("> "), answers /help, and shows a received line holding CJK characters
and an emoji (two cells each) intact."""

import re

import pytest

import harness

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
MARK = "\u21b5"
LINES = ["line one", "line two", "line three", "line four", "line five"]


def said(nick, text):
    return r"\d\d:\d\d <%s> %s" % (re.escape(nick), re.escape(text))


def status_online(pane):
    return pane.wait_until(
        lambda s: re.search(r"test:\s*online", pane.status_bar(s), re.I),
        "'test: online' in the status bar")


@pytest.fixture
def start_with_term(natterrc, natter_bin, xdg):
    """start_with_term(term) -> natter running with TERM=term."""
    panes = []

    def start(term):
        pane = harness.NatterPane([natter_bin, "-c", natterrc],
                                  dict(xdg.env(), TERM=term))
        panes.append(pane)
        return pane.start()
    yield start
    bad = [p for p in (pane.finish() for pane in panes) if p]
    assert not bad, "\n\n".join(bad)


def test_bracketed_paste_is_one_message(natter, peer, alice):
    natter.wait_for(CONNECTED)
    peer.send_message(alice.full_jid, "paste something")
    natter.wait_for(r"\[2:bob@localhost\(1\)\]")
    natter.send_keys("/win 2")
    natter.wait_for(said(BOB, "paste something"))
    # Nothing has reached bob yet.
    assert peer.messages == [], peer.messages

    natter.paste("\n".join(LINES))
    joined = "> " + MARK.join(LINES)
    natter.wait_until(
        lambda s: natter.input_line(s).rstrip() == joined,
        "the pasted lines joined by %s in the input line" % MARK)
    # natter handled the paste (the input line shows it); a message it
    # sent then would reach bob before natter's answer to bob's ping
    assert peer.ping(alice.full_jid).type == "result"
    sent = [m for m in peer.messages if m[2]]
    assert sent == [], "the paste sent %r before Enter" % (sent,)
    screen = natter.screen()
    assert "line one" not in natter.console(screen), harness.boxed(screen)
    assert natter.input_line(screen).rstrip() == joined, \
        harness.boxed(screen)

    natter.send_key("Enter")
    frm, _, body = peer.wait_message(lambda m: m[2])
    assert frm == alice.full_jid, frm
    assert body == "\n".join(LINES), repr(body)
    natter.wait_for(said("alice", "line one"))
    natter.wait_until(
        lambda s: "line five" in natter.console(s)
        and natter.input_line(s).rstrip() == ">",
        "the whole message shown and the input line empty")
    # a second copy would reach bob (and show) before the round trip ends
    screen = harness.round_trip(natter, peer, alice.full_jid)
    bodies = [m[2] for m in peer.messages if m[2]]
    assert bodies == ["\n".join(LINES)], bodies
    console = natter.console(screen)
    for text in LINES:
        assert console.count(text) == 1, \
            "%r shown %d times:\n%s" % (text, console.count(text),
                                        harness.boxed(screen))
    # Shown once, as one message: the first line after the nick, the
    # others below it, aligned with it.
    rows = [r.rstrip() for r in natter.chat_rows(screen)]
    first = [i for i, r in enumerate(rows) if re.search(said("alice",
                                                             LINES[0]), r)]
    assert len(first) == 1, harness.boxed(screen)
    col = rows[first[0]].index(LINES[0])
    assert rows[first[0] + 1:first[0] + 5] == \
        [" " * col + text for text in LINES[1:]], harness.boxed(screen)


@pytest.mark.parametrize("term", ["vt100", "screen", "xterm-256color"])
def test_terminal_type(start_with_term, peer, alice, term):
    pane = start_with_term(term)
    pane.wait_for(CONNECTED)
    screen = status_online(pane)
    assert re.search(r"natter console", pane.title(screen)), \
        harness.boxed(screen)
    assert pane.input_line(screen).rstrip() == ">", harness.boxed(screen)

    # the end of /help's list: its top scrolls off a 40-row screen
    pane.send_keys("/help")
    screen = pane.wait_until(
        lambda s: all(re.search(r"(?<!\w)/%s\b" % c, pane.console(s))
                      for c in ("disco", "register", "password")),
        "/help listing /disco, /register and /password")
    assert pane.input_line(screen).rstrip() == ">", harness.boxed(screen)

    text = "\u6f22\u5b57 ok \U0001f389 done"     # 漢字 ok 🎉 done
    peer.send_message(alice.full_jid, text)
    pane.wait_for(r"\[2:bob@localhost\(1\)\]")
    pane.send_alt("2")
    screen = pane.wait_for(said(BOB, text) + r"\s*$")
    assert re.search(r"^\s*bob@localhost <bob@localhost/peer>",
                     pane.title(screen)), harness.boxed(screen)
    assert re.search(r"test:\s*online", pane.status_bar(screen)), \
        harness.boxed(screen)
    assert pane.input_line(screen).rstrip() == ">", harness.boxed(screen)
    # The roster pane's border: ACS_VLINE, which capture-pane shows as "x",
    # or U+2502 where ncurses draws lines in UTF-8 (TERM=screen).
    border = {harness.split_cells(l, harness.PANE_WIDTH - 1)[1][:1]
              for l in pane.lines(screen)[1:-2]}
    assert len(border) == 1 and border <= {"x", "\u2502"}, \
        harness.boxed(screen)
    pane.send_keys("a reply " + "\u6f22\u5b57")
    frm, _, body = peer.wait_message(lambda m: m[2])
    assert body == "a reply \u6f22\u5b57", repr(body)
    pane.wait_for(said("alice", "a reply \u6f22\u5b57"))
