"""The room window's occupants pane, nick colours and nick completion.

bob creates the room (its owner), carol, dave (away) and erin join, then
natter (alice); bob makes carol an admin, erin a member and dave a
visitor.  The pane beside the room's lines groups them by role with
counts, affiliation and presence marks, and "(you)" on alice's row;
Alt-R switches it to the roster and back.  Tab completes nicks ("ca"
at the start of a line becomes "carol: ", later in the line "dave ").
Colours are read from tmux with escape sequences (capture-pane -e): a
nick has the same colour in the pane and in its lines, and again after
natter restarts, and two nicks whose XEP-0392 hues are far apart get
different colours of the 256-colour cube."""

import hashlib
import re

import pytest

import harness

pytestmark = pytest.mark.prosody(muc="conference.localhost")

CONNECTED = r"connected as alice@localhost/natter"
ROOM = "lobby@conference.localhost"
MUC = "http://jabber.org/protocol/muc"
ADMIN = "http://jabber.org/protocol/muc#admin"


def join(make_peer, nick, show=None):
    peer = make_peer(nick)
    show_xml = "<show>%s</show>" % show if show else ""
    peer.send_raw("<presence to='%s/%s'>%s<x xmlns='%s'/></presence>"
                  % (ROOM, nick, show_xml, MUC))
    peer.wait_stanza("presence",
                     lambda el: el.get("from") == "%s/%s" % (ROOM, nick),
                     "%s's own presence in the room" % nick)
    return peer


def admin(bob, item):
    reply = bob.iq_set(ROOM, "<query xmlns='%s'>%s</query>" % (ADMIN, item))
    assert reply.type == "result", reply


def groupchat_from(nick, body):
    return lambda m: (m[0] == "%s/%s" % (ROOM, nick) and
                      m[1] == "groupchat" and m[2] == body)


def pane(natter, screen=None):
    """The pane's rows, up to the first empty one."""
    rows = natter.roster_rows(screen)
    return rows[:rows.index("")] if "" in rows else rows


WANT = ["5 occupants",
        "Moderators (2)",
        "+ ~bob",
        "+ &carol",
        "Participants (2)",
        "+  alice (you)",
        "+ +erin",
        "Visitors (1)",
        "-  dave"]


# -- colours from tmux -------------------------------------------------------

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESC = re.compile(r"\x1b[()][0-9A-Za-z]|\x1b[=>]")


def apply_sgr(fg, params):
    ps = params.replace(":", ";").split(";")
    j = 0
    while j < len(ps):
        p = int(ps[j] or 0)
        if p in (0, 39):
            fg = None
        elif 30 <= p <= 37:
            fg = p - 30
        elif 90 <= p <= 97:
            fg = p - 90 + 8
        elif p in (38, 48) and j + 1 < len(ps):
            n = 2 if ps[j + 1] == "5" else 4
            if p == 38 and ps[j + 1] == "5":
                fg = int(ps[j + 2])
            j += n
        j += 1
    return fg


def coloured_rows(natter):
    """The screen as [(text, [foreground of each character])], read with
    capture-pane -e; a foreground is None (the default) or a colour
    number."""
    raw = natter.tmux("capture-pane", "-p", "-e")
    rows, fg = [], None
    for line in raw.split("\n")[:natter.height]:
        text, fgs, i = [], [], 0
        while i < len(line):
            m = SGR.match(line, i)
            if m:
                fg = apply_sgr(fg, m.group(1))
                i = m.end()
                continue
            m = OTHER_ESC.match(line, i)
            if m:
                i = m.end()
                continue
            text.append(line[i])
            fgs.append(fg)
            i += 1
        rows.append(("".join(text), fgs))
    return rows


def colour_of(natter, needle, pane_side):
    """The foreground of the first character of needle, looked for in the
    pane (pane_side) or in the room's lines."""
    for text, fgs in coloured_rows(natter)[1:-2]:
        left, _ = harness.split_cells(text, harness.PANE_WIDTH)
        at = text.find(needle)
        if at < 0 or (at < len(left)) != pane_side:
            continue
        return fgs[at]
    raise AssertionError("%r is not on the screen:\n%s"
                         % (needle, harness.boxed(natter.screen())))


def xep0392_angle(nick):
    d = hashlib.sha1(nick.encode("utf-8")).digest()
    return (d[0] | d[1] << 8) / 65536 * 360


# -- the tests ------------------------------------------------------------


def room_with_roles(make_peer, natter):
    natter.wait_for(CONNECTED)
    bob = join(make_peer, "bob")
    peers = {"bob": bob, "carol": join(make_peer, "carol"),
             "dave": join(make_peer, "dave", show="away"),
             "erin": join(make_peer, "erin")}
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice")
    admin(bob, "<item affiliation='admin' jid='carol@localhost'/>")
    admin(bob, "<item affiliation='member' jid='erin@localhost'/>")
    admin(bob, "<item nick='dave' role='visitor'/>")
    natter.wait_until(lambda s: pane(natter, s) == WANT,
                      "the occupants pane with groups, marks and counts")
    return peers


def test_pane_groups_marks_counts_and_alt_r(make_peer, natter):
    peers = room_with_roles(make_peer, natter)
    assert natter.pane_border_intact()
    # Alt-R: the roster (alice's has no contacts: only the Rooms group
    # with the room open) in place of the occupants
    natter.send_alt("r")
    natter.wait_until(lambda s: pane(natter, s) == ["Rooms", "# lobby"],
                      "the roster pane after Alt-R")
    assert natter.pane_border_intact()
    natter.send_alt("r")
    natter.wait_until(lambda s: pane(natter, s) == WANT,
                      "the occupants again after a second Alt-R")
    # a short terminal: the pane's last row counts who is below, and
    # Alt-PageDown / Alt-PageUp scroll it (7 rows: the total and 6 of
    # the list's 8)
    natter.resize(160, 10)
    natter.wait_until(lambda s: pane(natter, s) == WANT[:6] + ["  ... 2 more"],
                      "the pane cut short, with a 'more' row")
    natter.send_key("M-NPage")
    natter.wait_until(lambda s: pane(natter, s) == WANT[:1] + WANT[3:],
                      "the pane scrolled to its end by Alt-PageDown")
    natter.send_key("Escape", "PPage")
    natter.wait_until(lambda s: pane(natter, s) == WANT[:6] + ["  ... 2 more"],
                      "the pane back at its top after Alt-PageUp")
    natter.resize(160, 40)
    natter.wait_until(lambda s: pane(natter, s) == WANT, "the whole pane")
    # someone leaves and the counts follow
    peers["erin"].send_raw("<presence to='%s/erin' type='unavailable'/>"
                           % ROOM)
    natter.wait_until(
        lambda s: pane(natter, s) == ["4 occupants", "Moderators (2)",
                                      "+ ~bob", "+ &carol",
                                      "Participants (1)", "+  alice (you)",
                                      "Visitors (1)", "-  dave"],
        "the pane after erin left")
    # outside the room Alt-R still shows and hides the roster pane
    natter.send_alt("1")
    natter.wait_until(lambda s: "natter console" in natter.title(s),
                      "the console")
    natter.send_alt("r")
    natter.wait_until(lambda s: not natter.pane_border_intact(s),
                      "the pane hidden by Alt-R in the console")
    natter.send_alt("r")
    natter.wait_until(natter.pane_border_intact, "the pane back")


def test_nick_completion(make_peer, natter):
    peers = room_with_roles(make_peer, natter)
    carol = peers["carol"]
    # at the start of the line: "carol: "
    natter.send_keys("ca", enter=False)
    natter.send_key("Tab")
    # (the screen's trailing blanks are not read: what carol receives
    # shows the space)
    natter.wait_until(lambda s: natter.input_line(s).rstrip() == "> carol:",
                      "ca<Tab> completed to 'carol: '")
    natter.send_keys("the room is ready")
    carol.wait_message(groupchat_from("alice", "carol: the room is ready"))
    # later in the line: "dave " (case does not matter)
    natter.send_keys("thanks D", enter=False)
    natter.send_key("Tab")
    natter.wait_until(
        lambda s: natter.input_line(s).rstrip() == "> thanks dave",
        "D<Tab> completed to 'dave '")
    natter.send_keys("and bob")
    carol.wait_message(groupchat_from("alice", "thanks dave and bob"))


def test_nick_colours_stable_across_restart(make_peer, natter, natterrc,
                                            start_natter):
    peers = room_with_roles(make_peer, natter)
    # the test's premise: bob's and carol's hues are far apart, so no
    # palette can give them one colour
    diff = abs(xep0392_angle("bob") - xep0392_angle("carol"))
    assert min(diff, 360 - diff) > 90
    peers["bob"].send_message(ROOM, "first from bob", mtype="groupchat")
    peers["carol"].send_message(ROOM, "first from carol", mtype="groupchat")
    natter.wait_for(r"<bob> first from bob")
    natter.wait_for(r"<carol> first from carol")
    bob_line = colour_of(natter, "<bob> first", pane_side=False)
    carol_line = colour_of(natter, "<carol> first", pane_side=False)
    bob_pane = colour_of(natter, "bob", pane_side=True)
    carol_pane = colour_of(natter, "carol", pane_side=True)
    # colours of the 256-colour cube, the same in the pane and the lines
    assert bob_line is not None and 16 <= bob_line <= 231, bob_line
    assert carol_line is not None and 16 <= carol_line <= 231, carol_line
    assert bob_line == bob_pane
    assert carol_line == carol_pane
    assert bob_line != carol_line
    assert natter.quit() == 0

    again = start_natter(natterrc)
    again.wait_for(CONNECTED)
    again.send_keys("/join %s" % ROOM)
    again.wait_for(r"You joined lobby@conference\.localhost as alice")
    peers["bob"].send_message(ROOM, "again from bob", mtype="groupchat")
    again.wait_for(r"<bob> again from bob")
    assert colour_of(again, "<bob> again", pane_side=False) == bob_line
    assert colour_of(again, "bob", pane_side=True) == bob_pane
    assert colour_of(again, "carol", pane_side=True) == carol_pane
