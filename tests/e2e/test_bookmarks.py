"""Bookmarks: /bookmark add, list and remove as another client of the same
account sees them on the server (XEP-0402 PEP items on a server with
mod_pep and mod_bookmarks; XEP-0048 private storage on one without),
changes made by that other client appearing live in natter's Rooms group,
autojoin at login (across a restart, and many rooms at a pace), the
Rooms group's unread counts, and a bookmark named but for case."""

import os
import re
import xml.etree.ElementTree as ET

import pytest

import harness

CONNECTED = r"connected as alice@localhost/natter"
MUC_DOMAIN = "conference.localhost"
ROOM = "lobby@" + MUC_DOMAIN
MUC = "http://jabber.org/protocol/muc"
PUBSUB = "http://jabber.org/protocol/pubsub"
BM2 = "urn:xmpp:bookmarks:1"
PRIVATE = "jabber:iq:private"
STORAGE = "storage:bookmarks"

PEP_SERVER = pytest.mark.prosody(muc=MUC_DOMAIN,
                                 modules=("pep", "private", "bookmarks"))
PRIVATE_SERVER = pytest.mark.prosody(muc=MUC_DOMAIN, modules=("private",))


def pep_items(client):
    """{room: <conference/> element} of the account's XEP-0402 node."""
    r = client.iq_get(None, "<pubsub xmlns='%s'><items node='%s'/></pubsub>"
                      % (PUBSUB, BM2))
    out = {}
    if r.type != "result":
        assert r.condition == "item-not-found", ET.tostring(r.xml)
        return out
    for item in r.xml.iter("{%s}item" % PUBSUB):
        out[item.get("id")] = item.find("{%s}conference" % BM2)
    return out


def private_storage(client):
    """The account's <storage xmlns='storage:bookmarks'/> element."""
    r = client.iq_get(None, "<query xmlns='%s'><storage xmlns='%s'/></query>"
                      % (PRIVATE, STORAGE))
    assert r.type == "result", ET.tostring(r.xml)
    return r.xml.find("{%s}query/{%s}storage" % (PRIVATE, STORAGE))


def publish(client, room, name=None, autojoin=False, nick=None):
    """Publish a bookmark from the other client, as XEP-0402 says."""
    conf = "<conference xmlns='%s'%s autojoin='%s'>%s</conference>" % (
        BM2, " name='%s'" % name if name else "",
        "true" if autojoin else "false",
        "<nick>%s</nick>" % nick if nick else "")
    opts = ("<publish-options><x xmlns='jabber:x:data' type='submit'>"
            "<field var='FORM_TYPE' type='hidden'><value>"
            "http://jabber.org/protocol/pubsub#publish-options</value>"
            "</field><field var='pubsub#persist_items'><value>true</value>"
            "</field><field var='pubsub#max_items'><value>max</value>"
            "</field><field var='pubsub#send_last_published_item'><value>"
            "never</value></field><field var='pubsub#access_model'><value>"
            "whitelist</value></field></x></publish-options>")
    r = client.iq_set(None, "<pubsub xmlns='%s'><publish node='%s'>"
                      "<item id='%s'>%s</item></publish>%s</pubsub>"
                      % (PUBSUB, BM2, room, conf, opts))
    assert r.type == "result", ET.tostring(r.xml)


def retract(client, room):
    r = client.iq_set(None, "<pubsub xmlns='%s'><retract node='%s' "
                      "notify='true'><item id='%s'/></retract></pubsub>"
                      % (PUBSUB, BM2, room))
    assert r.type == "result", ET.tostring(r.xml)


def other_client(make_peer):
    """alice on another resource, not available (no presence needed for
    IQs to her own account)."""
    return make_peer("alice", resource="other", available=False)


def joined_room(peer, room, nick):
    return lambda el: el.get("from") == "%s/%s" % (room, nick) and \
        el.get("type") is None


def bob_in(make_peer, room=ROOM):
    bob = make_peer("bob")
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (room, MUC))
    bob.wait_stanza("presence", joined_room(bob, room, "bob"),
                    "bob's own presence in %s" % room)
    return bob


def rooms_group(pane, screen=None):
    """The rows of the roster pane's Rooms group (without its header)."""
    rows = pane.roster_rows(screen)
    if "Rooms" not in rows:
        return []
    out = []
    for row in rows[rows.index("Rooms") + 1:]:
        if not row or (not row.startswith(" ") and not row.startswith("#")):
            break  # the next group's header, or the pane's end
        out.append(row)
    return out


def wait_rooms(pane, predicate, what):
    return pane.wait_until(lambda s: predicate(rooms_group(pane, s)), what)


@PEP_SERVER
def test_add_list_remove_seen_by_another_client(make_peer, online):
    other = other_client(make_peer)
    online.send_keys("/bookmark add %s --name Lobby --nick al" % ROOM)
    online.wait_for(r'Bookmarked lobby@conference\.localhost as "Lobby", '
                    r'nick al')
    items = pep_items(other)
    assert list(items) == [ROOM]
    conf = items[ROOM]
    assert conf.get("name") == "Lobby"
    assert conf.get("autojoin") in ("false", "0")
    assert conf.findtext("{%s}nick" % BM2) == "al"
    # the node is private, as XEP-0402 asks (publish-options took)
    cfg = other.iq_get(None, "<pubsub xmlns='%s#owner'><configure node='%s'/>"
                       "</pubsub>" % (PUBSUB, BM2))
    assert cfg.type == "result", ET.tostring(cfg.xml)
    values = {f.get("var"): f.findtext("{jabber:x:data}value")
              for f in cfg.xml.iter("{jabber:x:data}field")}
    assert values.get("pubsub#access_model") == "whitelist", values
    wait_rooms(online, lambda rows: any("Lobby" in r for r in rows),
               "Lobby in the Rooms group")

    online.send_keys("/bookmark list")
    online.wait_for(r"test: 1 bookmark, kept in PEP \(XEP-0402\)")
    online.wait_for(r'lobby@conference\.localhost "Lobby" as al$')

    # a change keeps what it does not name
    online.send_keys("/bookmark add Lobby --autojoin")
    online.wait_for(r'Bookmarked lobby@conference\.localhost as "Lobby", '
                    r'nick al \(joined at login\)')
    conf = pep_items(other)[ROOM]
    assert conf.get("autojoin") in ("true", "1")
    assert conf.get("name") == "Lobby"

    # Tab completes the subcommand, then the bookmark's name
    online.send_keys("/bookmark re", enter=False)
    online.send_key("Tab")
    online.wait_until(lambda s: online.input_line(s).rstrip().endswith(
        "/bookmark remove"), "the subcommand completed")
    online.send_keys("Lo", enter=False)
    online.send_key("Tab")
    online.wait_until(lambda s: online.input_line(s).rstrip().endswith(
        "/bookmark remove Lobby"), "the name completed")
    online.send_key("Enter")
    online.wait_for(r"Bookmark removed: lobby@conference\.localhost")
    assert pep_items(other) == {}
    online.send_keys("/bookmark remove Lobby")
    online.wait_for(r"Not a room address \(room@service\) nor a "
                    r"bookmark's name: Lobby")


@PEP_SERVER
def test_bookmark_named_in_any_case(make_peer, online):
    # the demo's "Lounge" as users type it: /join lounge; two rooms that
    # answer to it but for case would be neither
    online.send_keys("/bookmark add %s --name Lobby --nick al" % ROOM)
    online.wait_for(r'Bookmarked lobby@conference\.localhost as "Lobby"')
    online.send_keys("/join lobby")
    online.wait_for(r"You joined lobby@conference\.localhost as al")
    online.send_alt("1")
    online.wait_until(lambda s: "natter console" in online.title(s),
                      "the console")
    online.send_keys("/bookmark add hall@%s --name LOBBY" % MUC_DOMAIN)
    online.wait_for(r'Bookmarked hall@conference\.localhost as "LOBBY"')
    online.send_keys("/join Lobby")   # exact: the first
    online.wait_until(lambda s: "lobby@" in online.title(s),
                      "the room's window")
    online.send_keys("/join lobbY")
    online.wait_for(r"Not a room address \(room@service\): lobbY")


@PEP_SERVER
def test_bookmark_from_another_client_appears_live(make_peer, online):
    other = other_client(make_peer)
    bob = bob_in(make_peer)
    online.send_keys("/bookmark list")
    online.wait_for(r"test: 0 bookmarks, kept in PEP")
    publish(other, ROOM, name="The Lobby")
    online.wait_for(r'test: Bookmarked lobby@conference\.localhost as '
                    r'"The Lobby"')
    rows = wait_rooms(online, lambda rows: rows, "a row in Rooms")
    assert rooms_group(online, rows) == ["  The Lobby"], \
        rooms_group(online, rows)
    # not autojoin: nobody joined
    online.barrier()
    assert not any(joined_room(bob, ROOM, "alice")(el)
                   for el in bob.presences)

    # autojoin set elsewhere: natter joins the room, live
    publish(other, ROOM, name="The Lobby", autojoin=True, nick="ali")
    bob.wait_stanza("presence", joined_room(bob, ROOM, "ali"),
                    "alice joining as ali")
    wait_rooms(online, lambda rows: rows == ["# The Lobby"],
               "the room joined ('#')")
    # joining did not take the user away from the console
    assert "natter console" in online.title(), online.title()
    retract(other, ROOM)
    online.wait_for(r"Bookmark removed: lobby@conference\.localhost")
    # still open as a room, no longer as a bookmark: shown by its JID
    wait_rooms(online, lambda rows: rows == ["# lobby"],
               "the open room without its bookmark")


@PEP_SERVER
def test_autojoin_across_restart_and_unread_counts(make_peer, natterrc,
                                                    start_natter):
    bob = bob_in(make_peer)
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/bookmark add %s --autojoin" % ROOM)
    natter.wait_for(r"Bookmarked lobby@conference\.localhost "
                    r"\(joined at login\)")
    bob.wait_stanza("presence", joined_room(bob, ROOM, "alice"),
                    "alice joining on /bookmark add --autojoin")
    assert natter.quit() == 0
    bob.presences.clear()

    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    bob.wait_stanza("presence", joined_room(bob, ROOM, "alice"),
                    "alice joining at login")
    wait_rooms(natter, lambda rows: rows == ["# lobby"], "lobby joined")
    assert "natter console" in natter.title(), natter.title()
    bob.send_message(ROOM, "one", mtype="groupchat")
    bob.send_message(ROOM, "two", mtype="groupchat")
    bob.send_message(ROOM, "alice: three", mtype="groupchat")
    wait_rooms(natter, lambda rows: len(rows) == 1 and
               re.search(r"# lobby +\(3!?\)$", rows[0]),
               "three unread in the Rooms group")
    # by the label the Rooms group shows (the local part: no name);
    # joined already, so /join goes to its window: no /win here
    natter.send_keys("/join lobby")
    natter.wait_until(lambda s: ROOM in natter.title(s),
                      "the room's window current after /join lobby")
    natter.wait_for(r"<bob> alice: three")
    # back on the console (a room window's pane shows its occupants)
    natter.send_alt("1")
    wait_rooms(natter, lambda rows: rows == ["# lobby"],
               "read once shown")


@PEP_SERVER
def test_autojoin_after_the_server_restarts(make_peer, prosody, online):
    """A new session (the server restarted: nothing to resume) joins the
    autojoin rooms again, though their windows stayed open."""
    online.send_keys("/bookmark add %s --autojoin" % ROOM)
    online.wait_for(r"Bookmarked lobby@conference\.localhost "
                    r"\(joined at login\)")
    wait_rooms(online, lambda rows: rows == ["# lobby"], "lobby joined")
    prosody.restart()
    bob = bob_in(make_peer)
    bob.wait_stanza("presence", joined_room(bob, ROOM, "alice"),
                    "alice back in the room", timeout=60)


@PEP_SERVER
def test_fifty_autojoin_rooms_at_a_pace(make_peer, natterrc, start_natter):
    other = other_client(make_peer)
    bob = make_peer("bob")
    rooms = ["r%02d@%s" % (i, MUC_DOMAIN) for i in range(50)]
    for room in rooms:
        publish(other, room, autojoin=True)
        bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                     % (room, MUC))
    for room in rooms:
        bob.wait_stanza("presence", joined_room(bob, room, "bob"),
                        "bob in %s" % room)
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.wait_for(r"test: 50 bookmarked rooms")
    # (that at most three wait at a time is checked, deterministically,
    # by tests/unit/test_roomsend.c)
    # the client answers while the joins go on
    natter.barrier()
    for room in rooms:
        bob.wait_stanza("presence", joined_room(bob, room, "alice"),
                        "alice in %s" % room, timeout=60)
    natter.send_keys("/bookmark list")
    natter.wait_for(r"r49@conference\.localhost \(autojoin\) \[joined\]")
    # the console stayed where the user was
    assert "natter console" in natter.title(), natter.title()


@PRIVATE_SERVER
def test_private_storage_fallback(make_peer, natterrc, start_natter):
    other = other_client(make_peer)
    # another client's storage, with a URL bookmark natter must keep
    r = other.iq_set(None, "<query xmlns='%s'><storage xmlns='%s'>"
                     "<url name='Docs' url='https://example.org/'/>"
                     "<conference jid='old@%s' name='Old' autojoin='false'/>"
                     "</storage></query>" % (PRIVATE, STORAGE, MUC_DOMAIN))
    assert r.type == "result"
    bob = bob_in(make_peer)
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.wait_for(r"test: 1 bookmarked room")
    natter.send_keys("/bookmark add %s --autojoin --name Lobby" % ROOM)
    natter.wait_for(r'Bookmarked lobby@conference\.localhost as "Lobby" '
                    r'\(joined at login\)')
    bob.wait_stanza("presence", joined_room(bob, ROOM, "alice"),
                    "alice joining")
    natter.send_keys("/bookmark list")
    natter.wait_for(r"test: 2 bookmarks, kept in private storage "
                    r"\(XEP-0048\)")
    st = private_storage(other)
    confs = {c.get("jid"): c for c in st.findall("{%s}conference" % STORAGE)}
    assert set(confs) == {ROOM, "old@" + MUC_DOMAIN}
    assert confs[ROOM].get("name") == "Lobby"
    assert confs[ROOM].get("autojoin") in ("true", "1")
    assert [u.get("url") for u in st.findall("{%s}url" % STORAGE)] == \
        ["https://example.org/"]
    natter.send_keys("/bookmark remove old@%s" % MUC_DOMAIN)
    natter.wait_for(r"Bookmark removed: old@conference\.localhost")
    st = private_storage(other)
    assert [c.get("jid") for c in st.findall("{%s}conference" % STORAGE)] \
        == [ROOM]
    # autojoin from private storage after a restart
    assert natter.quit() == 0
    bob.presences.clear()
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    bob.wait_stanza("presence", joined_room(bob, ROOM, "alice"),
                    "alice joining at login")
    wait_rooms(natter, lambda rows: rows == ["# Lobby"], "Lobby joined")


DEMO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..",
                                     "share", "demo", "natter-demo"))


def test_demo_starts_with_roster_and_room(natter_bin, xdg):
    """natter --demo's first screen: echo, contacts in two groups with
    their presences, the gateways under Transports, and the bookmarked
    lounge joined at login, where the demo people talk."""
    pane = harness.NatterPane([DEMO], dict(xdg.env(), NATTER_BIN=natter_bin))
    pane.start()
    try:
        pane.wait_for(r"connected as you@localhost", timeout=40)
        want = ["Contacts", "+ Echo", "Friends", "* Alice", "- Bob",
                "Work", "~ Dave", "x Carol", "Transports",
                "+ icq.localhost", "+ msn.localhost"]

        def roster_shown(screen):
            rows = [r for r in pane.roster_rows(screen) if r]
            return rows[:1] == ["Rooms"] and len(rows) > 2 and \
                re.match(r"# Lounge( +\(\d+\))?$", rows[1]) and \
                rows[2:] == want
        screen = pane.wait_until(roster_shown, "the demo's roster",
                                 timeout=30)
        # the lounge: joined at login, and its people talk
        wait_rooms(pane, lambda rows: len(rows) == 1 and
                   re.match(r"# Lounge +\(\d+\)$", rows[0]),
                   "unread lines in the Lounge")
        assert "natter console" in pane.title(screen)
        pane.send_alt("2")
        pane.wait_for(r"<Alice> oh, someone joined the lounge")
        pane.wait_for(r"lounge@conference\.localhost — joined")
        pane.send_keys("/bookmark list")
        pane.wait_for(r'lounge@conference\.localhost "Lounge" \(autojoin\) '
                      r'\[joined\]')
        assert pane.quit(timeout=30) == 0
    finally:
        pane.stop()
