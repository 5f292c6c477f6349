"""Blocking (XEP-0191) and spam reports (XEP-0377) with Prosody's
mod_blocklist: /block hides a contact (the server drops what they send;
the roster pane moves them to its Blocked group), /blocked lists the
list, /unblock restores them and, without a JID, empties the list after
asking; a block made by another client of the same account appears live,
and the list survives a restart of natter (fetched at login); --report
puts the <report/> in the block's item (another resource of the account
sees it in the server's push); a domain blocks everyone there (here a
group chat service); a server without blocking says so in words."""

import copy
import re

import pytest

import harness

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
BLOCKING = "urn:xmpp:blocking"
REPORTING = "urn:xmpp:reporting:1"
MUC_DOMAIN = "conference.localhost"
ROOM = "lobby@" + MUC_DOMAIN
MUC = "http://jabber.org/protocol/muc"

BLOCKING_SERVER = pytest.mark.prosody(modules=("blocklist",))


@pytest.fixture
def friends(prosody, accounts):
    """alice and bob see each other's presence; alice calls him Bob, in
    group Friends.  Request it before natter and bob."""
    harness.write_roster(prosody, "alice", [
        {"jid": BOB, "name": "Bob", "groups": ["Friends"]}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


def group_rows(pane, group, screen=None):
    """The rows under the roster pane's group header `group`, up to the
    next header or the pane's end; None when there is no such group."""
    rows = pane.roster_rows(screen)
    if group not in rows:
        return None
    out = []
    for row in rows[rows.index(group) + 1:]:
        if not row or row[:2].strip() and row[1:2] != " ":
            break
        out.append(row)
    return out


def wait_group(pane, group, predicate, what):
    return pane.wait_until(
        lambda s: predicate(group_rows(pane, group, s)), what)


def is_bob(rows):
    return rows is not None and any(re.match(r". Bob\b", r) for r in rows)


def other_resource(make_peer):
    """alice on another resource, interested in the block list (it
    fetched it, so the server pushes it every change); .pushes collects
    the <block/> and <unblock/> pushes it receives."""
    other = make_peer("alice", resource="other", available=False)
    other.pushes = []

    def install():
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath

        def got(iq):
            other.pushes.append(copy.deepcopy(iq.xml))
            iq.reply().send()
        for what in ("block", "unblock"):
            other.client.register_handler(Callback(
                "blocking push " + what,
                MatchXPath("{jabber:client}iq/{%s}%s" % (BLOCKING, what)),
                got))
    other.call_soon(install)
    # after install on the same loop: the list asked for, pushes follow
    r = other.iq_get(None, "<blocklist xmlns='%s'/>" % BLOCKING)
    assert r.type == "result", r
    return other


def block_from(client, jid, unblock=False):
    what = "unblock" if unblock else "block"
    r = client.iq_set(None, "<%s xmlns='%s'><item jid='%s'/></%s>"
                      % (what, BLOCKING, jid, what))
    assert r.type == "result", r


def pushed_item(other, what, jid):
    """A predicate-waiter: the push `what` ("block"/"unblock") for jid
    that other received; returns its <item/>."""
    def find():
        for iq in list(other.pushes):
            el = iq.find("{%s}%s" % (BLOCKING, what))
            if el is None:
                continue
            for item in el.findall("{%s}item" % BLOCKING):
                if item.get("jid") == jid:
                    return [item]  # an Element without children is false
        return None
    return harness.wait_value(find, "a %s push for %s" % (what, jid))[0]


@BLOCKING_SERVER
def test_block_hides_a_contact_and_unblock_restores(friends, online, bob,
                                                    make_peer, alice):
    wait_group(online, "Friends", is_bob, "Bob online in Friends")
    online.send_keys("/query Bob")
    online.wait_until(lambda s: BOB in online.title(s), "Bob's window")
    online.send_keys("/block Bob")
    # told where it was typed, Bob's window, and on the console
    online.wait_for(r"Blocked bob@localhost$")
    # moved to the Blocked group, offline (the server passes nothing on)
    screen = wait_group(online, "Blocked", is_bob, "Bob in Blocked")
    assert group_rows(online, "Blocked", screen) == ["  Bob"], \
        harness.boxed(screen)
    assert not is_bob(group_rows(online, "Friends", screen)), \
        harness.boxed(screen)

    # bob's message is bounced by the server; the bounce, then a round
    # trip with carol through natter, is the barrier
    bob.send_message(alice.jid, "can you see this")
    bob.wait_stanza("message", lambda el: el.get("type") == "error",
                    "the server bouncing bob's message")
    carol = make_peer("carol")
    screen = harness.round_trip(online, carol, alice.full_jid)
    assert BOB in online.title(screen), harness.boxed(screen)
    assert "can you see this" not in screen, harness.boxed(screen)
    online.send_alt("1")
    online.wait_for(r"test: Blocked bob@localhost$")

    online.send_keys("/blocked")
    online.wait_for(r"1 blocked on alice@localhost:\s*$")
    online.wait_for(r"^.*  bob@localhost \(Bob\)\s*$")
    online.send_keys("/block bob@localhost")
    online.wait_for(r"bob@localhost is blocked already")

    online.send_keys("/unblock Bob")
    online.wait_for(r"Unblocked bob@localhost")
    online.wait_until(lambda s: group_rows(online, "Blocked", s) is None,
                      "the Blocked group gone")
    bob.send_presence()
    wait_group(online, "Friends", lambda rows: rows is not None and
               any(re.match(r"\+ Bob\b", r) for r in rows),
               "Bob online again")
    bob.send_message(alice.jid, "and now?")
    online.wait_until(lambda s: "[2:Bob(1)]" in online.status_bar(s),
                      "bob's message in his window")
    online.send_alt("2")
    online.wait_for(r"Bob.? and now\?")
    online.send_keys("/unblock Bob")
    online.wait_for(r"bob@localhost is not blocked")


@BLOCKING_SERVER
def test_another_clients_block_is_live_and_survives_restart(
        friends, make_peer, natterrc, start_natter):
    bob = make_peer("bob")
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    wait_group(natter, "Friends", is_bob, "Bob online in Friends")
    natter.barrier()  # natter asked for the list before this answer
    other = other_resource(make_peer)

    block_from(other, BOB)
    natter.wait_for(r"test: Blocked bob@localhost$")
    wait_group(natter, "Blocked", is_bob, "Bob in Blocked, live")
    block_from(other, "mallory@localhost")
    natter.wait_for(r"test: Blocked mallory@localhost$")
    assert natter.quit() == 0

    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.wait_for(r"test: 2 blocked \(/blocked lists them\)")
    screen = wait_group(natter, "Blocked", is_bob,
                        "Bob in Blocked after the restart")
    assert not is_bob(group_rows(natter, "Friends", screen)), \
        harness.boxed(screen)
    natter.send_keys("/blocked")
    natter.wait_for(r"  mallory@localhost\s*$")
    natter.wait_for(r"  bob@localhost \(Bob\)\s*$")

    block_from(other, BOB, unblock=True)
    natter.wait_for(r"test: Unblocked bob@localhost$")
    natter.wait_until(lambda s: group_rows(natter, "Blocked", s) is None,
                      "the Blocked group gone, live")
    # Tab completes /unblock from the list
    natter.send_keys("/unblock mal", enter=False)
    natter.send_key("Tab")
    natter.wait_until(lambda s: natter.input_line(s).rstrip().endswith(
        "/unblock mallory@localhost"), "the blocked JID completed")
    natter.send_key("C-u")

    # everyone, after asking: n keeps them, y unblocks
    natter.send_keys("/unblock")
    natter.wait_for(r"Unblock everyone alice@localhost blocks\?")
    natter.send_keys("n", enter=False)
    natter.wait_until(lambda s: "natter console" in natter.title(s),
                      "back on the console after n")
    natter.barrier()
    assert not other.pushes or not any(
        iq.find("{%s}unblock" % BLOCKING) is not None and
        not iq.find("{%s}unblock" % BLOCKING).findall(
            "{%s}item" % BLOCKING) for iq in other.pushes)
    natter.send_keys("/unblock")
    natter.wait_for(r"Unblock everyone alice@localhost blocks\?")
    natter.send_keys("y", enter=False)
    natter.wait_for(r"test: Unblocked everyone \(1 entry\)")
    r = other.iq_get(None, "<blocklist xmlns='%s'/>" % BLOCKING)
    assert r.xml.find(".//{%s}item" % BLOCKING) is None, r
    natter.send_keys("/unblock")
    natter.wait_for(r"Nobody is blocked on alice@localhost")


@BLOCKING_SERVER
def test_report_goes_in_the_block(make_peer, online):
    online.barrier()
    other = other_resource(make_peer)
    online.send_keys("/block spammer@localhost --report spam adverts all "
                     "day")
    online.wait_for(r"test: Blocked spammer@localhost \(reported as spam\)")
    item = pushed_item(other, "block", "spammer@localhost")
    report = item.find("{%s}report" % REPORTING)
    assert report is not None, harness.ET.tostring(item)
    assert report.get("reason") == "urn:xmpp:reporting:spam"
    assert report.findtext("{%s}text" % REPORTING) == "adverts all day"

    online.send_keys("/block --report abuse eve@localhost")
    online.wait_for(r"test: Blocked eve@localhost \(reported as abuse\)")
    item = pushed_item(other, "block", "eve@localhost")
    report = item.find("{%s}report" % REPORTING)
    assert report.get("reason") == "urn:xmpp:reporting:abuse"
    assert report.find("{%s}text" % REPORTING) is None

    # a plain block carries no report
    online.send_keys("/block joe@localhost")
    online.wait_for(r"test: Blocked joe@localhost$")
    item = pushed_item(other, "block", "joe@localhost")
    assert item.find("{%s}report" % REPORTING) is None

    online.send_keys("/block not@a@jid")
    online.wait_for(r'"not@a@jid" is neither a JID, a domain nor a '
                    r"contact's name")
    online.send_keys("/block")
    online.wait_for(r"usage: /block")


@pytest.mark.prosody(modules=("blocklist",), muc=MUC_DOMAIN)
def test_block_a_domain(make_peer, online, alice):
    bob = make_peer("bob")
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (ROOM, MUC))
    bob.wait_stanza("presence", lambda el: el.get("from") == ROOM + "/bob",
                    "bob in the room")
    online.send_keys("/join %s" % ROOM)
    online.wait_for(r"You joined lobby@conference\.localhost as alice")
    bob.send_message(ROOM, "seen before", mtype="groupchat")
    online.wait_for(r"<bob> seen before")

    online.send_keys("/block %s" % MUC_DOMAIN)
    online.wait_for(r"Blocked everyone at conference\.localhost")
    bob.send_message(ROOM, "hidden after", mtype="groupchat")
    # the room reflects it to bob after passing it to alice's server
    bob.wait_message(lambda m: m[2] == "hidden after")
    screen = harness.round_trip(online, bob, alice.full_jid)
    assert "hidden after" not in screen, harness.boxed(screen)
    # a JID there is blocked through the domain
    online.send_keys("/unblock %s/bob" % ROOM)
    online.wait_for(r"lobby@conference\.localhost/bob is not blocked itself "
                    r"but through conference\.localhost: /unblock "
                    r"conference\.localhost")
    online.send_keys("/blocked")
    online.wait_for(r"  conference\.localhost \(the whole domain\)")
    # and bob, elsewhere, is not
    bob.send_message(alice.jid, "direct still works")
    online.wait_until(lambda s: re.search(r"\[\d:bob@localhost\(1\)\]",
                                          online.status_bar(s)),
                      "bob's message in a window of its own")
    online.send_keys("/query bob@localhost")
    online.wait_for(r"direct still works")


@BLOCKING_SERVER
@pytest.mark.natterrc(strangers="window")
def test_strangers_window_follows_pushes(make_peer, online, alice):
    carol = make_peer("carol")
    carol.send_message(alice.jid, "buy cheap stuff")
    online.wait_until(lambda s: "[2:strangers(1)]" in online.status_bar(s),
                      "carol's message in the strangers window")
    online.send_keys("/win 2")
    online.wait_for(r"<carol@localhost> buy cheap stuff")
    other = other_resource(make_peer)
    block_from(other, "carol@localhost")
    # told live in the strangers window, where carol's lines are
    online.wait_for(r"Blocked carol@localhost$")
    carol.send_message(alice.jid, "more cheap stuff")
    carol.wait_stanza("message", lambda el: el.get("type") == "error",
                      "the server bouncing carol's message")
    screen = harness.round_trip(online, make_peer("dave"), alice.full_jid)
    assert "more cheap stuff" not in screen, harness.boxed(screen)
    block_from(other, "carol@localhost", unblock=True)
    online.wait_for(r"Unblocked carol@localhost$")


def test_server_without_blocking_says_so(online):
    online.barrier()  # the server's disco#info came before this answer
    online.send_keys("/block bob@localhost")
    online.wait_for(r"The server of alice@localhost does not support "
                    r"blocking \(XEP-0191\)")
    online.send_keys("/blocked")
    online.wait_for(r"(?s)does not support blocking.*does not support "
                    r"blocking")
