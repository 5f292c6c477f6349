"""Entering, being in and leaving rooms, and what the room says: a taken
nickname retried with a suffix, password, members-only and banned rooms
refused in words, rooms created instantly or configured through the
dialog, /roomconfig and /destroy, nick changes both ways, kicks and bans
seen from both sides, role and affiliation changes, arrivals folded into
one line, /topic, /leave and /part.

The other occupants are slixmpp peers sending raw MUC stanzas; bob owns
the rooms he creates.  Twelve arrivals at once come from an external
component (crowd.localhost), which can speak for any JID of its domain:
one send_raw holds all twelve presences."""

import re

import pytest

import gateways as gatewaylib
import harness

CROWD = "crowd.localhost"
CROWD_SECRET = "crowd-secret"

pytestmark = pytest.mark.prosody(muc="conference.localhost",
                                 components=[(CROWD, CROWD_SECRET)])

CONNECTED = r"connected as alice@localhost/natter"
SERVICE = "conference.localhost"
MUC = "http://jabber.org/protocol/muc"
MUC_USER = MUC + "#user"
MUC_OWNER = MUC + "#owner"
MUC_ADMIN = MUC + "#admin"
ROOMCONFIG = MUC + "#roomconfig"


def room_of(name):
    return "%s@%s" % (name, SERVICE)


def rx(text):
    return re.escape(text)


def join_raw(peer, room, nick, extra=""):
    """peer enters room as nick; returns once the room confirmed it."""
    peer.send_raw("<presence to='%s/%s'><x xmlns='%s'>%s</x></presence>"
                  % (room, nick, MUC, extra))
    peer.wait_stanza("presence",
                     lambda el: el.get("from") == "%s/%s" % (room, nick)
                     and el.get("type") is None,
                     "%s's own presence in %s" % (nick, room))


def configure(peer, room, **fields):
    """peer, the room's owner, submits its configuration form."""
    values = "".join(
        "<field var='muc#roomconfig_%s'><value>%s</value></field>"
        % (k, v) for k, v in fields.items())
    r = peer.iq_set(room, "<query xmlns='%s'><x xmlns='jabber:x:data' "
                    "type='submit'><field var='FORM_TYPE'><value>%s</value>"
                    "</field>%s</x></query>" % (MUC_OWNER, ROOMCONFIG,
                                                values))
    assert r.type == "result", r


def admin(peer, room, item):
    r = peer.iq_set(room, "<query xmlns='%s'>%s</query>" % (MUC_ADMIN, item))
    assert r.type == "result", r


def bob_owns(make_peer, name, **config):
    """bob creates room name (and configures it); returns bob."""
    bob = make_peer()
    room = room_of(name)
    join_raw(bob, room, "bob")
    configure(bob, room, **config)
    return bob


def joined(natter, room, nick="alice"):
    return natter.wait_for(r"You joined %s as %s \(\d+ here\)"
                           % (rx(room), rx(nick)))


def joined_again(natter, room):
    """The second "You joined" line of room (the first is on screen)."""
    return natter.wait_until(
        lambda s: natter.count(r"You joined %s as alice \(2 here\)"
                               % rx(room), s) == 2, "the second join")


def test_taken_nick_retried_with_suffix(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("lobby")
    bob = bob_owns(make_peer, "lobby")
    join_raw(make_peer("carol"), room, "alice")
    natter.send_keys("/join %s" % room)
    natter.wait_for(r"%s: that nickname is taken here \(alice\).*/join %s "
                    r"again joins as alice_" % (rx(room), rx(room)))
    natter.send_keys("/join")   # in the room's window: this room again
    joined(natter, room, "alice_")
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/alice_" % room,
                    "alice's arrival as alice_")


def test_password_room(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("vault")
    bob_owns(make_peer, "vault", passwordprotectedroom="1",
             roomsecret="s3cret")
    natter.send_keys("/join %s" % room)
    natter.wait_for(harness.fuzzy("%s: could not join: this room needs a "
                                  "password. /join %s PASSWORD"
                                  % (room, room)))
    natter.send_keys("/join %s wrong" % room)
    natter.wait_for(harness.fuzzy("%s: could not join: the password was "
                                  "not accepted" % room))
    natter.send_keys("/join %s s3cret" % room)
    joined(natter, room)


def test_members_only_and_banned_refused(make_peer, natter):
    natter.wait_for(CONNECTED)
    club, pub = room_of("club"), room_of("pub")
    bob = bob_owns(make_peer, "club", membersonly="1")
    join_raw(bob, pub, "bob")
    configure(bob, pub)
    admin(bob, pub, "<item affiliation='outcast' jid='alice@localhost'>"
          "<reason>spam</reason></item>")
    natter.send_keys("/join %s" % club)
    natter.wait_for(r"%s: could not join: this room is for members only"
                    % rx(club))
    natter.send_keys("/join %s" % pub)
    natter.wait_for(r"%s: could not join: you are banned from this room"
                    % rx(pub))


@pytest.mark.prosody(muc=SERVICE, muc_locking=True)
def test_locked_room_refused(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("building")
    bob = make_peer()
    join_raw(bob, room, "bob")   # created, locked until bob configures it
    natter.send_keys("/join %s" % room)
    natter.wait_for(harness.fuzzy("%s: could not join: the room does not "
                                  "exist, or is locked while its owner "
                                  "sets it up" % room))


@pytest.mark.prosody(muc=SERVICE, muc_locking=True)
def test_instant_creation(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("fresh")
    natter.send_keys("/join %s" % room)
    joined(natter, room)
    natter.wait_for(r"You created this room")
    natter.wait_for(r"Room created with the service's default "
                    r"configuration")
    # opened: a locked room would refuse bob (item-not-found)
    bob = make_peer()
    join_raw(bob, room, "bob")
    natter.wait_for(r"bob joined")


@pytest.mark.prosody(muc=SERVICE, muc_locking=True)
def test_configured_creation_through_the_dialog(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("planned")
    natter.send_keys("/join %s --configure" % room)
    natter.wait_for(r"New room %s: set it up" % rx(room))
    natter.wait_for(r"Title")
    # Prosody's form: Title, Description, Language, Persistent, Public,
    # Password, Members only, Invites, Subject, Moderated, Addresses...
    harness.typed(natter, "Planning Room")              # text-single
    harness.keys(natter, "Tab", "Tab", "Tab", "Space")  # boolean
    natter.wait_for(r"Persistent .*\[x\]")
    harness.keys(natter, "Tab", "Tab")
    harness.typed(natter, "pw")                         # text-private
    harness.keys(natter, "Tab", "Tab", "Tab", "Tab", "Tab", "Enter",
                 "Down", "Enter")                       # list-single
    natter.wait_for(r"< Anyone >")
    harness.keys(natter, "C-s")
    natter.wait_for(r"Room configuration saved")
    natter.wait_for(r"%s \(Planning Room\) — joined" % rx(room))
    bob = make_peer()
    _, idents, features = bob.disco_info(room)
    assert ("conference", "text", "Planning Room") in idents, idents
    assert {"muc_persistent", "muc_passwordprotected",
            "muc_nonanonymous"} <= features, features
    join_raw(bob, room, "bob", "<password>pw</password>")


@pytest.mark.prosody(muc=SERVICE, muc_locking=True)
def test_configure_cancelled_leaves_no_room(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("dropped")
    natter.send_keys("/join %s --configure" % room)
    natter.wait_for(r"Title")
    harness.keys(natter, "Escape")
    natter.wait_until(lambda s: "config %s" % room not in s,
                      "the dialog closed")
    bob = make_peer()
    # the room was never opened: bob creates a new one (status 201)
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (room, MUC))
    el = bob.wait_stanza("presence",
                         lambda e: e.get("from") == "%s/bob" % room,
                         "bob's presence in the room")
    codes = [s.get("code") for s in el.iter("{%s}status" % MUC_USER)]
    assert "201" in codes, harness.ET.tostring(el)


def test_dialog_closed_goes_back_to_its_room(make_peer, natter):
    # the room's dialogs, closed, give the room window back, not the
    # window before the dialog in the list (here bob's conversation):
    # what is typed next goes to the room
    natter.wait_for(CONNECTED)
    room = room_of("back")
    natter.send_keys("/join %s" % room)
    natter.wait_for(r"Room created with the service's default")
    bob = make_peer()
    join_raw(bob, room, "bob")
    natter.wait_for(r"bob joined")
    natter.send_keys("/query bob@localhost")
    natter.wait_until(lambda s: "bob@localhost" in natter.title(s),
                      "bob's conversation")
    natter.send_keys("/win 2")
    natter.wait_until(lambda s: natter.title(s).strip().startswith(room),
                      "the room again")
    natter.send_keys("/destroy")
    natter.wait_for(r"Destroy %s\?" % rx(room))
    harness.keys(natter, "n")
    natter.wait_until(lambda s: natter.title(s).strip().startswith(room),
                      "the room after the dialog")
    natter.send_keys("/roomconfig")
    natter.wait_for(r"Configuration of %s" % rx(room))
    harness.keys(natter, "Escape")
    natter.wait_until(lambda s: natter.title(s).strip().startswith(room),
                      "the room after the form")
    natter.send_keys("meant for the room")
    bob.wait_message(lambda m: m[0] == "%s/alice" % room and
                     m[1] == "groupchat" and m[2] == "meant for the room")
    assert not any(m[2] == "meant for the room" and m[1] != "groupchat"
                   for m in bob.messages)


def test_roomconfig_and_destroy(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("ours")
    natter.send_keys("/join %s" % room)
    natter.wait_for(r"Room created with the service's default")
    natter.send_keys("/roomconfig")
    natter.wait_for(r"Configuration of %s" % rx(room))
    natter.wait_for(r"Title")
    harness.typed(natter, "Our Room")
    harness.keys(natter, "C-s")
    natter.wait_for(r"Room configuration saved")
    natter.wait_for(r"%s \(Our Room\) — joined" % rx(room))
    bob = make_peer()
    join_raw(bob, room, "bob")
    natter.wait_for(r"bob joined")
    natter.send_keys("/destroy closing time")
    natter.wait_for(r"Destroy %s\?" % rx(room))
    harness.keys(natter, "n")
    natter.wait_for(r"not joined|joined, 2 here")
    # the room is still there: after a round trip through natter's
    # stream (anything "n" sent is handled by then), bob can still talk
    # in it and natter shows what he said
    natter.barrier()
    bob.send_message(room, "still standing", mtype="groupchat")
    screen = natter.wait_for(r"<bob> still standing")
    assert "destroyed" not in screen, screen
    natter.send_keys("/destroy closing time")
    natter.wait_for(r"Destroy %s\?" % rx(room))
    harness.keys(natter, "y")
    natter.wait_for(r"You left %s: the room was destroyed: closing time"
                    % rx(room))
    el = bob.wait_stanza("presence",
                         lambda e: e.get("type") == "unavailable" and
                         e.find(".//{%s}destroy" % MUC_USER) is not None,
                         "the room's destruction")
    assert el.get("from") == "%s/bob" % room


def test_nick_change_both_ways(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("names")
    bob = bob_owns(make_peer, "names")
    natter.send_keys("/join %s" % room)
    joined(natter, room)
    natter.send_keys("/nick alicia")
    natter.wait_for(r"You are now known as alicia")
    natter.wait_for(r"you are alicia")
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/alicia" % room,
                    "alice as alicia")
    bob.send_raw("<presence to='%s/robert'/>" % room)
    natter.wait_for(r"bob is now known as robert")
    natter.send_keys("/nick robert")
    natter.wait_for(r"%s: the nickname robert is taken here; you keep yours"
                    % rx(room))
    # a nick no JID can hold is refused before asking (the room's
    # answer would come from an address natter cannot read)
    natter.send_keys("/nick " + "n" * 1100)
    natter.wait_for(r"Not a nickname a room can take: at most 1023 bytes")
    screen = natter.barrier()
    assert "robert joined" not in screen and "bob left" not in screen
    # /join with another nick while in the room changes the nick too
    natter.send_keys("/join %s/ally" % room)
    natter.wait_for(r"You are now known as ally")


def test_kicked_and_banned_both_sides(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("court")
    bob = bob_owns(make_peer, "court")
    natter.send_keys("/join %s" % room)
    joined(natter, room)
    carol = make_peer("carol")
    join_raw(carol, room, "carol")
    natter.wait_for(r"carol joined")
    admin(bob, room, "<item nick='carol' role='none'><reason>too loud"
          "</reason></item>")
    natter.wait_for(r"carol was kicked by bob: too loud")
    carol.send_raw("<presence to='%s/carol'><x xmlns='%s'/></presence>"
                   % (room, MUC))
    natter.wait_until(lambda s: natter.count(r"carol joined", s) == 2,
                      "carol's return")
    admin(bob, room, "<item jid='carol@localhost' affiliation='outcast'>"
          "<reason>spam</reason></item>")
    natter.wait_for(r"carol was banned by bob: spam")
    # natter's own side
    admin(bob, room, "<item nick='alice' role='none'><reason>calm down"
          "</reason></item>")
    natter.wait_for(r"You were kicked from %s by bob: calm down\. /join %s "
                    r"goes back in" % (rx(room), rx(room)))
    natter.wait_for(r"%s — not joined" % rx(room))
    natter.send_keys("/join")
    joined_again(natter, room)
    admin(bob, room, "<item jid='alice@localhost' affiliation='outcast'>"
          "<reason>enough</reason></item>")
    natter.wait_for(r"You were banned from %s by bob: enough" % rx(room))
    natter.send_keys("/join")
    natter.wait_for(r"could not join: you are banned from this room")


def test_role_and_affiliation_changes(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("stage")
    bob = bob_owns(make_peer, "stage")
    carol = make_peer("carol")
    join_raw(carol, room, "carol")
    natter.send_keys("/join %s" % room)
    joined(natter, room)
    admin(bob, room, "<item nick='carol' role='visitor'/>")
    natter.wait_for(r"carol can no longer speak")
    admin(bob, room, "<item nick='carol' role='participant'/>")
    natter.wait_for(r"carol can speak again")
    admin(bob, room, "<item jid='carol@localhost' affiliation='member'/>")
    natter.wait_for(r"carol is now a member")
    admin(bob, room, "<item jid='carol@localhost' affiliation='none'/>")
    natter.wait_for(r"carol is no longer a member")
    admin(bob, room, "<item nick='alice' role='moderator'><reason>trusted"
          "</reason></item>")
    natter.wait_for(r"You are now a moderator \(by bob: trusted\)")
    natter.wait_for(r"you are alice \(moderator\)")


def crowd(prosody):
    """The component that speaks for many JIDs at once."""
    import slixmpp
    thread = gatewaylib.ComponentThread(
        lambda: slixmpp.ComponentXMPP(CROWD, CROWD_SECRET, "127.0.0.1",
                                      prosody.component_port),
        prosody.component_port, host="127.0.0.1", name="crowd")
    key = "crowd-%d" % id(thread)
    harness.register_cleanup(key, thread.stop)
    thread.start()
    return thread, key


def test_arrivals_and_departures_folded(make_peer, natter, prosody):
    natter.wait_for(CONNECTED)
    room = room_of("hall")
    bob = bob_owns(make_peer, "hall")
    natter.send_keys("/join %s" % room)
    joined(natter, room)
    thread, key = crowd(prosody)
    try:
        nicks = ["guest%02d" % i for i in range(1, 13)]
        thread.call_soon(thread.client.send_raw, "".join(
            "<presence from='%s@%s/x' to='%s/%s'><x xmlns='%s'/></presence>"
            % (n, CROWD, room, n, MUC) for n in nicks))
        screen = natter.wait_for(r"12 joined: guest01, guest02, guest03")
        assert re.search(r"12 joined: guest01, guest02, guest03, guest04, "
                         r"guest05, guest06, guest07, guest08, guest09, "
                         r"guest10 and 2 more", screen), screen
        assert not re.search(r"guest\d\d joined", screen), screen
        thread.call_soon(thread.client.send_raw, "".join(
            "<presence from='%s@%s/x' to='%s/%s' type='unavailable'>"
            "<status>bye</status></presence>"
            % (n, CROWD, room, n) for n in nicks))
        natter.wait_for(r"12 left: guest01, guest02")
        # one departure alone keeps its words
        bob.send_raw("<presence to='%s/bob' type='unavailable'>"
                     "<status>off to lunch</status></presence>" % room)
        natter.wait_for(r"bob left: off to lunch")
    finally:
        thread.stop()
        harness.unregister_cleanup(key)


def test_topic(make_peer, natter):
    natter.wait_for(CONNECTED)
    theirs, ours = room_of("theirs"), room_of("mine")
    bob = bob_owns(make_peer, "theirs")
    natter.send_keys("/join %s" % theirs)
    joined(natter, theirs)
    natter.send_keys("/topic")
    natter.wait_for(r"%s has no subject" % rx(theirs))
    bob.send_raw("<message to='%s' type='groupchat'><subject>Tea at five"
                 "</subject></message>" % theirs)
    natter.wait_for(r"bob changed the subject to: Tea at five")
    natter.wait_for(r"joined, 2 here, you are alice \(participant\) — "
                    r"Tea at five")
    natter.send_keys("/topic")
    natter.wait_for(r"Subject of %s: Tea at five" % rx(theirs))
    natter.send_keys("/topic Coffee instead")
    natter.wait_for(r"%s: subject not changed: you may not change the "
                    r"subject here" % rx(theirs))
    # in a room of our own, we may
    natter.send_keys("/join %s" % ours)
    natter.wait_for(r"Room created with the service's default")
    natter.send_keys("/topic Our plans")
    natter.wait_for(r"alice changed the subject to: Our plans")


def test_leave_part_and_join_again(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("porch")
    bob = bob_owns(make_peer, "porch")
    natter.send_keys("/join %s" % room)
    joined(natter, room)
    natter.send_keys("/leave see you later")
    natter.wait_for(r"You left %s: see you later" % rx(room))
    el = bob.wait_stanza("presence",
                         lambda e: e.get("from") == "%s/alice" % room and
                         e.get("type") == "unavailable",
                         "alice's departure")
    assert harness.text_of(el, "status") == "see you later"
    natter.wait_for(r"%s — not joined" % rx(room))
    natter.send_keys("/leave")
    natter.wait_for(r"You are not in %s \(/close closes the window\)"
                    % rx(room))
    # out of the room, a subject or an invitation is not sent
    natter.send_keys("/topic from outside")
    natter.wait_for(r"You are not in %s: /join goes back in" % rx(room))
    natter.send_keys("/invite carol@localhost")
    natter.wait_until(lambda s: natter.count(r"You are not in %s: /join "
                                             r"goes back in" % rx(room), s)
                      == 2, "/invite refused too")
    natter.send_keys("/join")
    joined_again(natter, room)
    natter.send_keys("/part")
    natter.wait_until(lambda s: natter.count(r"You left %s" % rx(room), s)
                      == 2, "the second departure")
    natter.send_keys("/close")
    natter.wait_until(lambda s: "porch@" not in natter.status_bar(s),
                      "the room window closed")


@pytest.mark.natterrc(nick="Ali")
def test_nick_option_and_room_status_codes(make_peer, natter):
    natter.wait_for(CONNECTED)
    room = room_of("open")
    bob = bob_owns(make_peer, "open", whois="anyone")
    natter.send_keys("/join %s" % room)
    joined(natter, room, "Ali")
    # status 100 on our own presence: the room shows real JIDs
    natter.wait_for(r"Everyone here can see your full JID")
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/Ali" % room,
                    "Ali's arrival")
    # a configuration change is said (status 104), and the new name
    # shows in the title
    configure(bob, room, roomname="The Open Room")
    natter.wait_for(r"The room's configuration changed")
    natter.wait_for(r"%s \(The Open Room\) — joined" % rx(room))


def test_room_destroyed_by_its_owner(make_peer, natter):
    natter.wait_for(CONNECTED)
    room, venue = room_of("old"), room_of("new")
    bob = bob_owns(make_peer, "old")
    natter.send_keys("/join %s" % room)
    joined(natter, room)
    r = bob.iq_set(room, "<query xmlns='%s'><destroy jid='%s'><reason>"
                   "moving house</reason></destroy></query>"
                   % (MUC_OWNER, venue))
    assert r.type == "result", r
    natter.wait_for(harness.fuzzy(
        "You left %s: the room was destroyed: moving house. It moved to "
        "%s (/join it)" % (room, venue)))
    natter.wait_for(r"%s — not joined" % rx(room))
