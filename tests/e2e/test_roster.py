"""The roster and presence: /roster add|rename|group|remove with the
server's roster pushes, subscription requests both ways (/accept,
/deny), a contact's presence shown as the pane's mark and in the title
of their window, the pane's Alt-o/Alt-r/F2 toggles, and a 2,000-contact
roster that loads while natter keeps answering pings.

The pane (left, 24 columns) lists contacts by group: a group header, then
"M Name" where M is '+' online, '-' away, '~' xa, 'x' dnd, '*' chat,
' ' offline (offline contacts only after Alt-o).  Rosters that must exist
before anyone logs in are written into Prosody's storage (write_roster)
by the `friends` fixture, which tests request before natter and bob."""

import re

import pytest

import harness

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"


MARKS = "+-~x* "


def row_regex(text):
    """"M Name" is a contact's row: its presence mark M and name, then at
    most a subscription mark or an unread count; anything else is a group
    header (perhaps with a count of what it folds away)."""
    if len(text) > 2 and text[0] in MARKS and text[1] == " ":
        return r"%s %s(\s+\S+)?$" % (re.escape(text[0]), re.escape(text[2:]))
    return r"%s( \[\+\d+\])?$" % re.escape(text)


def pane_has(pane, *rows):
    """A predicate: consecutive rows of the roster pane are rows (see
    row_regex), in order."""
    rxs = [re.compile(row_regex(r)) for r in rows]

    def check(screen):
        got = pane.roster_rows(screen)
        n = len(rxs)
        return any(all(rx.match(got[i + k]) for k, rx in enumerate(rxs))
                   for i in range(len(got) - n + 1))
    return check


def pane_lacks(pane, regex):
    return lambda s: not any(re.search(regex, r) for r in pane.roster_rows(s))


def wait_pane(pane, *rows):
    return pane.wait_until(pane_has(pane, *rows), "pane rows %r" % (rows,))


def presence_from(jid, ptype):
    """Predicate on a received <presence/> element."""
    return lambda el: (el.get("from", "").split("/")[0] == jid
                       and el.get("type") == ptype)


@pytest.fixture
def friends(prosody, accounts):
    """alice and bob see each other's presence; alice calls him Bob, in
    group Friends.  Request it before natter and bob."""
    harness.write_roster(prosody, "alice", [
        {"jid": BOB, "name": "Bob", "groups": ["Friends"]}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


def test_roster_add_and_approve(online, make_peer, alice):
    bob = make_peer("bob", auto_authorize=None)   # bob answers himself
    online.send_keys("/roster add bob@localhost Bob Friends")
    online.wait_for(r"Adding bob@localhost and asking to see their presence")
    online.wait_for(r"test: roster: bob@localhost \(subscription none\)")
    bob.wait_stanza("presence", presence_from(alice.jid, "subscribe"),
                    "a subscription request from alice")
    # Not approved yet, so offline: hidden until Alt-o shows it.
    screen = online.screen()
    assert pane_lacks(online, r"Bob")(screen), screen
    online.send_alt("o")
    wait_pane(online, "Friends", "  Bob")
    online.send_alt("o")
    online.wait_until(pane_lacks(online, r"Bob"), "Bob hidden again")

    bob.send_presence(to=alice.jid, ptype="subscribed")
    online.wait_for(r"test: roster: bob@localhost \(subscription to\)")
    wait_pane(online, "Friends", "+ Bob")


def test_rename_group_remove(friends, online, bob):
    wait_pane(online, "Friends", "+ Bob")
    online.send_keys("/roster rename bob@localhost Robert")
    screen = wait_pane(online, "Friends", "+ Robert")
    assert pane_lacks(online, r"\bBob\b")(screen), screen
    online.send_keys("/roster rename Robert Rob")   # a contact by name
    wait_pane(online, "Friends", "+ Rob")
    online.send_keys("/roster group bob@localhost Work")
    screen = wait_pane(online, "Work", "+ Rob")
    assert pane_lacks(online, r"Friends")(screen), screen
    online.send_keys("/roster remove bob@localhost")
    online.wait_for(r"test: bob@localhost removed from the roster")
    online.wait_until(pane_lacks(online, r"Rob|Work"), "Rob gone from pane")
    online.send_alt("o")   # not merely hidden as offline
    screen = online.barrier()   # natter handled the key and redrew
    assert pane_lacks(online, r"Rob|Work")(screen), screen
    online.send_keys("/roster remove bob@localhost")
    online.wait_for(r"bob@localhost is not in the roster")


def test_rename_updates_open_window(friends, online, bob, alice):
    wait_pane(online, "Friends", "+ Bob")
    online.send_keys("/query Bob")
    online.wait_until(lambda s: re.match(r"\s*Bob <bob@localhost",
                                         online.title(s)), "Bob's window")
    online.wait_for(r"\[2:Bob\]")
    online.send_keys("/roster rename bob@localhost Robert")
    wait_pane(online, "Friends", "+ Robert")
    bob.send_message(alice.full_jid, "after the rename")
    screen = online.wait_for(r"<Robert> after the rename")
    assert re.match(r"\s*Robert <bob@localhost", online.title(screen)), \
        "title still shows the old name: %r" % online.title(screen)
    assert "[2:Robert]" in online.status_bar(screen), \
        "window list still shows the old name: %r" % online.status_bar(screen)


def test_subscription_request_accept(online, make_peer, alice):
    bob = make_peer("bob", auto_authorize=None)
    bob.send_presence(to=alice.jid, ptype="subscribe")
    online.wait_for(harness.fuzzy(
        "test: bob@localhost asks to see your presence. "
        "/accept bob@localhost or /deny bob@localhost"))
    online.send_keys("/accept bob@localhost")
    bob.wait_stanza("presence", presence_from(alice.jid, "subscribed"),
                    "'subscribed' from alice")
    online.wait_for(r"bob@localhost may now see your presence")
    # Someone new is added to the roster and asked in return.
    bob.wait_stanza("presence", presence_from(alice.jid, "subscribe"),
                    "alice's request in return")
    online.wait_for(r"test: roster: bob@localhost \(subscription from\)")
    online.send_keys("/accept")
    online.wait_for(r"No subscription request is waiting")


def test_subscription_request_deny(online, make_peer, alice):
    carol = make_peer("carol", auto_authorize=None)
    carol.send_raw(harness.presence_xml(to=alice.jid, ptype="subscribe",
                                        status="let me in"))
    online.wait_for(harness.fuzzy('carol@localhost asks to see your presence '
                                  '("let me in")'))
    online.send_keys("/deny")   # the only pending request
    carol.wait_stanza("presence", presence_from(alice.jid, "unsubscribed"),
                      "'unsubscribed' from alice")
    online.wait_for(r"carol@localhost may no longer see your presence")


PRESENCES = [  # show, status, mark, words in the title
    ("away", "gone fishing", "-", "away: gone fishing"),
    ("xa", "far away", "~", "xa: far away"),
    ("dnd", "in a meeting", "x", "dnd: in a meeting"),
    ("chat", "talk to me", "*", "chat: talk to me"),
    (None, None, "+", "online"),
]


def test_presence_changes(friends, online, bob):
    wait_pane(online, "Friends", "+ Bob")
    online.send_keys("/query Bob")
    for show, status, mark, words in PRESENCES:
        bob.send_presence(show=show, status=status)
        screen = wait_pane(online, "Friends", "%s Bob" % mark)
        screen = online.wait_until(
            lambda s, w=words: re.search(r"<bob@localhost[^>]*> — %s\s*$"
                                         % re.escape(w), online.title(s)),
            "title ending in %r" % words)
    online.wait_for(r"Bob is now away: gone fishing")

    bob.send_presence(ptype="unavailable", status="see you")
    online.wait_until(pane_lacks(online, r"Bob"), "offline Bob hidden")
    online.wait_until(lambda s: re.search(r"— offline", online.title(s)),
                      "'offline' in the title")
    online.send_alt("o")
    wait_pane(online, "Friends", "  Bob")
    online.send_alt("o")
    online.wait_until(pane_lacks(online, r"Bob"), "hidden after Alt-o again")

    # Alt-r and F2 hide and show the pane; the window takes the room.
    online.send_alt("r")
    screen = online.wait_until(lambda s: re.match(r" Bob <",
                                                  online.title(s)),
                               "the title at column 0 without the pane")
    assert not online.pane_border_intact(screen), screen
    online.send_key("F2")
    screen = online.wait_until(online.pane_border_intact, "the pane back")
    assert online.title(screen).startswith(" " * harness.PANE_WIDTH)


def test_large_roster(prosody, accounts, natterrc, start_natter, make_peer):
    items = [{"jid": BOB, "name": "Bob", "groups": ["Friends"]}]
    items += [{"jid": "contact%04d@localhost" % i,
               "name": "Contact %04d" % i,
               "groups": ["Group %02d" % (i % 20)],
               "subscription": ("both", "to", "from", "none")[i % 4]}
              for i in range(1999)]
    harness.write_roster(prosody, "alice", items)
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])
    alice = accounts["alice"]

    natter = start_natter(natterrc)
    natter.wait_for(r"test: roster has 2000 contacts", timeout=15)
    bob = make_peer("bob")
    wait_pane(natter, "Friends", "+ Bob")
    for _ in range(5):
        reply = bob.ping(alice.full_jid)
        assert reply.type == "result", reply
        assert reply.rtt < 1.0, "ping took %.2f s with 2000 contacts" % \
            reply.rtt

    natter.send_alt("o")   # 1,999 offline contacts into the pane
    screen = wait_pane(natter, "Friends", "+ Bob", "Group 00",
                       "  Contact 0000", "  Contact 0020")
    assert natter.pane_border_intact(screen), screen
    reply = bob.ping(alice.full_jid)
    assert reply.type == "result" and reply.rtt < 1.0, reply
    bob.send_presence(show="away", status="still here")
    screen = wait_pane(natter, "Friends", "- Bob")
    # The pane says it holds more than fits, and nothing else on that row.
    assert natter.roster_rows(screen)[-1] == "  ...", \
        "last pane row %r" % natter.roster_rows(screen)[-1]
