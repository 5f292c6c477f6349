"""Rooms: moderation, invitations and private messages with occupants.

- natter creates the room (so it owns it) and kicks, bans, changes the
  role and the affiliation of a slixmpp occupant: the occupant sees each
  change in the presence the room sends it.  /occupants (and /names)
  lists the occupants with roles, affiliations and real JIDs.
- In a room someone else owns, natter is a participant: /kick comes back
  forbidden, in words, in the room window; /ban NICK is explained (the
  room does not show real JIDs to participants).
- /invite: a peer whose client takes XEP-0249 gets a direct invitation,
  one whose client does not (or says nothing) gets it through the room.
- Invitations to natter: a direct one (with the password of a protected
  room) shows on the console and /accept joins with the password; a
  mediated one is declined with /deny, and the inviter receives the
  decline; a stranger's is one sanitised console line and opens nothing.
- Private messages: two occupants writing privately land in two windows
  titled "nick in room"; a reply goes to the right one; /query NICK in
  the room window opens the occupant's window (a nick no one has is
  refused, never taken for a server); a nick change and a
  departure are said in the private window, which follows the nick.

Every wait is on something natter shows or a peer receives; a /ping
round trip is the barrier before asserting that nothing else happened.
"""

import re

import pytest

import harness

pytestmark = pytest.mark.prosody(muc="conference.localhost")

CONNECTED = r"connected as alice@localhost/natter"
ROOM = "lobby@conference.localhost"
MUC = "http://jabber.org/protocol/muc"
MUC_USER = "http://jabber.org/protocol/muc#user"
MUC_OWNER = "http://jabber.org/protocol/muc#owner"
CONFERENCE = "jabber:x:conference"


def joins(make_peer, user, nick=None, room=ROOM, **kw):
    """A peer `user` in room as nick (default: user)."""
    return harness.join_room(make_peer, user, room, nick, **kw)


def muc_item(el):
    """The muc#user <item/> of a presence, or None."""
    x = harness.child(el, "x", MUC_USER)
    return harness.child(x, "item") if x is not None else None


def has_code(el, code):
    x = harness.child(el, "x", MUC_USER)
    return x is not None and any(
        s.get("code") == str(code)
        for s in x.findall("{%s}status" % MUC_USER))


def own_presence(nick, pred, room=ROOM):
    """A predicate on the presences a peer receives: its own (nick's),
    with pred(element, item) true."""
    def test(el):
        item = muc_item(el)
        return (el.get("from") == "%s/%s" % (room, nick) and
                item is not None and pred(el, item))
    return test


def natter_creates_room(natter):
    natter.wait_for(CONNECTED)
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice "
                    r"\(1 here\)")


def status(natter, screen):
    return natter.status_bar(screen)


def flat(natter, screen):
    """The window's rows right of the pane, each stripped, joined by one
    space: a line wrapped onto continuation rows reads as one."""
    return " ".join(row.strip() for row in natter.chat_rows(screen))


def wait_flat(natter, regex):
    rx = re.compile(regex)
    return natter.wait_until(lambda s: rx.search(flat(natter, s)),
                             repr(regex))


# -- moderation ---------------------------------------------------------------

def test_owner_kicks_bans_and_changes_role_and_affiliation(make_peer,
                                                          natter):
    natter_creates_room(natter)
    bob = joins(make_peer, "bob")
    natter.wait_for(r"^.*bob joined")
    # /occupants and /names: roles, affiliations, real JIDs (the owner
    # sees them)
    natter.send_keys("/occupants")
    natter.wait_for(r"lobby@conference\.localhost: 2 occupants")
    natter.wait_for(r"alice \(moderator, owner; you\) "
                    r"alice@localhost/natter")
    natter.wait_for(r"bob \(participant\) bob@localhost/peer")

    natter.send_keys("/role bob visitor")
    bob.wait_stanza("presence", own_presence(
        "bob", lambda el, it: it.get("role") == "visitor"),
        "bob made a visitor")
    natter.wait_for(r"You made bob a visitor")
    natter.send_keys("/role bob moderator")
    bob.wait_stanza("presence", own_presence(
        "bob", lambda el, it: it.get("role") == "moderator"),
        "bob made a moderator")
    natter.send_keys("/affiliation bob member")
    bob.wait_stanza("presence", own_presence(
        "bob", lambda el, it: it.get("affiliation") == "member"),
        "bob made a member (by nick: his real JID)")
    natter.wait_for(r"You made bob@localhost a member")
    natter.send_keys("/names")
    natter.wait_for(r"bob \(moderator, member\) bob@localhost/peer")

    # kicking or banning oneself by nick is refused, not asked for
    natter.send_keys("/kick alice")
    natter.wait_for(r"alice is you: /leave leaves lobby@conference\.localhost")
    natter.send_keys("/ban alice")
    screen = natter.wait_until(
        lambda s: flat(natter, s).count("alice is you: /leave") == 2,
        "/ban alice refused too")
    assert "You were kicked" not in screen
    natter.send_keys("/kick bob behave")
    el = bob.wait_stanza("presence", own_presence(
        "bob", lambda el, it: el.get("type") == "unavailable" and
        has_code(el, 307)), "bob kicked (307)")
    assert harness.text_of(muc_item(el), "reason") == "behave"
    natter.wait_for(r"You kicked bob")

    # bob comes back and is banned by nick: the ban is by his bare JID
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (ROOM, MUC))
    natter.wait_for(r"You kicked bob(.|\n)*bob joined")
    natter.send_keys("/ban bob spam")
    bob.wait_stanza("presence", own_presence(
        "bob", lambda el, it: el.get("type") == "unavailable" and
        has_code(el, 301)), "bob banned (301)")
    natter.wait_for(r"You banned bob@localhost")
    # banned: he cannot come back
    bob.send_raw("<presence to='%s/bob2'><x xmlns='%s'/></presence>"
                 % (ROOM, MUC))
    bob.wait_stanza("presence", lambda el: el.get("type") == "error" and
                    el.get("from") == ROOM + "/bob2" and
                    harness.error_condition(el) == "forbidden",
                    "bob refused: banned")
    # the ban shows in the affiliation list natter's owner sees; undo it
    natter.send_keys("/affiliation bob@localhost none")
    natter.wait_for(r"You took bob@localhost's affiliation away")
    bob.send_raw("<presence to='%s/bob3'><x xmlns='%s'/></presence>"
                 % (ROOM, MUC))
    bob.wait_stanza("presence", lambda el: el.get("from") ==
                    ROOM + "/bob3" and el.get("type") is None,
                    "bob back in after the ban was lifted")
    # argument checks, said in words
    natter.send_keys("/role bob3 king")
    natter.wait_for(r"Usage: /role NICK visitor\|participant\|moderator")
    natter.send_keys("/kick nobody")
    natter.wait_for(r"No one called nobody is in lobby@conference\.localhost")
    natter.send_keys("/ban nobody")
    natter.wait_for(r"No one called nobody is in lobby@conference\.localhost,"
                    r" and nobody is not a JID")


def test_participant_is_refused_in_words(make_peer, natter):
    natter.wait_for(CONNECTED)
    bob = joins(make_peer, "bob")          # bob creates and owns the room
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice")
    natter.send_keys("/kick bob")
    natter.wait_for(r"Could not kick bob: you are not allowed to")
    natter.send_keys("/role bob visitor")
    natter.wait_for(r"Could not make bob a visitor: you are not allowed to")
    # participants do not see real JIDs (Prosody: whois = moderators)
    natter.send_keys("/ban bob")
    natter.wait_for(r"lobby@conference\.localhost does not show you bob's "
                    r"real JID: name them by JID")
    natter.send_keys("/affiliation bob@localhost member")
    natter.wait_for(r"Could not make bob@localhost a member: you are not "
                    r"allowed to")
    natter.send_keys("/occupants")
    natter.wait_for(r"bob \(moderator, owner\)\s*$")
    natter.wait_for(r"does not show you real JIDs")
    # bob is still in: nothing reached him but what the room said
    natter.barrier()
    assert not any(el.get("type") == "unavailable" and
                   el.get("from") == ROOM + "/bob" for el in bob.presences)
    # outside a room window, the commands say where they work
    natter.send_alt("1")
    natter.wait_until(lambda s: "natter console" in natter.title(s),
                      "the console")
    natter.send_keys("/kick bob")
    natter.wait_for(r"/kick works in a room window")


# -- invitations ----------------------------------------------------------------

def invitations(peer):
    """(kind, element) of each invitation peer received: "direct" or
    "mediated"."""
    out = []
    for el in list(peer.stanzas):
        x = harness.child(el, "x", MUC_USER)
        # Prosody adds a jabber:x:conference <x/> to mediated ones too
        if x is not None and harness.child(x, "invite") is not None:
            out.append(("mediated", el))
        elif harness.child(el, "x", CONFERENCE) is not None:
            out.append(("direct", el))
    return out


def test_invite_direct_or_through_the_room(prosody, accounts, make_peer,
                                           write_rc, start_natter):
    harness.write_roster(prosody, "alice", [{"jid": "bob@localhost"},
                                            {"jid": "carol@localhost"}])
    natter = start_natter(write_rc())
    natter_creates_room(natter)
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])
    # bob's client takes direct invitations; carol's does not say so
    bob = make_peer("bob", plugins=("xep_0249",))
    carol = make_peer("carol")
    natter.send_keys("/invite bob@localhost join us")
    natter.wait_for(r"Invited bob@localhost to lobby@conference\.localhost "
                    r"directly")
    kind, el = harness.wait_value(lambda: (invitations(bob) or [None])[0],
                                  "bob's invitation")
    assert kind == "direct"
    x = harness.child(el, "x", CONFERENCE)
    assert x.get("jid") == ROOM and x.get("reason") == "join us"

    natter.send_keys("/invite carol@localhost")
    natter.wait_for(r"Invited carol@localhost to lobby@conference\.localhost "
                    r"through the room")
    kind, el = harness.wait_value(lambda: (invitations(carol) or [None])[0],
                                  "carol's invitation")
    assert kind == "mediated" and el.get("from") == ROOM
    invite = harness.child(harness.child(el, "x", MUC_USER), "invite")
    assert invite.get("from", "").startswith("alice@localhost") or \
        invite.get("from") == ROOM + "/alice", invite.get("from")
    # a full JID asks that client
    natter.send_keys("/invite %s" % bob.jid)
    natter.wait_for(r"Invited bob@localhost/peer to lobby@conference\."
                    r"localhost directly")


def protect_room(owner, room, password):
    """owner configures room with a password (XEP-0045 10.2)."""
    form = ("<query xmlns='%s'><x xmlns='jabber:x:data' type='submit'>"
            "<field var='FORM_TYPE'><value>http://jabber.org/protocol/"
            "muc#roomconfig</value></field>"
            "<field var='muc#roomconfig_passwordprotectedroom'><value>1"
            "</value></field>"
            "<field var='muc#roomconfig_roomsecret'><value>%s</value>"
            "</field></x></query>" % (MUC_OWNER, password))
    r = owner.iq_set(room, form)
    assert r.type == "result", r


def test_invitations_received_accept_and_deny(make_peer, natter):
    natter.wait_for(CONNECTED)
    secret = "secret-room@conference.localhost"
    bob = joins(make_peer, "bob", room=secret)
    protect_room(bob, secret, "s3same")
    # without the password the room refuses natter
    natter.send_keys("/join %s" % secret)
    natter.wait_for(r"secret-room@conference\.localhost: could not join: "
                    r"this room needs a password")
    natter.send_keys("/close")
    natter.wait_until(lambda s: "natter console" in natter.title(s),
                      "the refused room's window closed")
    # a direct invitation with the password: /accept joins with it
    bob.send_raw("<message to='alice@localhost'><x xmlns='%s' jid='%s' "
                 "reason='our secret room' password='s3same'/></message>"
                 % (CONFERENCE, secret))
    wait_flat(natter, r"bob@localhost \(not in your roster\) invites you "
              r"to secret-room@conference\.localhost: \"our secret room\", "
              r"password s3same\. /accept secret-room@conference\.localhost "
              r"to join")
    natter.send_keys("/accept %s" % secret)
    natter.wait_for(r"You joined secret-room@conference\.localhost as alice")
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == secret + "/alice",
                    "alice in the protected room")

    # a mediated one, declined with a reason: carol receives the decline
    natter.send_alt("1")
    natter.wait_until(lambda s: "natter console" in natter.title(s),
                      "the console")
    lobby = joins(make_peer, "carol", room=ROOM)
    lobby.send_raw("<message to='%s'><x xmlns='%s'><invite "
                   "to='alice@localhost'><reason>lobby talk</reason>"
                   "</invite></x></message>" % (ROOM, MUC_USER))
    screen = wait_flat(natter, r"(\S+) \(not in your roster\) invites you to "
                       r"lobby@conference\.localhost \(through the room\): "
                       r"\"lobby talk\"\. /accept lobby@conference\.localhost "
                       r"to join, /deny lobby@conference\.localhost to "
                       r"decline")
    # the room names the inviter by real JID or by room JID
    inviter = re.search(r"(\S+) \(not in your roster\) invites you to lobby",
                        flat(natter, screen)).group(1)
    assert inviter in ("carol@localhost/peer", ROOM + "/carol"), inviter
    natter.send_keys("/deny %s not now, sorry" % ROOM)
    natter.wait_for(r"Declined %s's invitation to lobby@conference\.localhost"
                    % re.escape(inviter))
    el = lobby.wait_stanza(
        "message", lambda el: harness.child(el, "x", MUC_USER) is not None
        and harness.child(harness.child(el, "x", MUC_USER), "decline")
        is not None, "the decline")
    decline = harness.child(harness.child(el, "x", MUC_USER), "decline")
    assert decline.get("from", "").startswith("alice@localhost")
    assert harness.text_of(decline, "reason") == "not now, sorry"
    # /join takes a pending invitation too, with its password: leave the
    # protected room, be invited again, and /join it
    natter.send_keys("/win %s" % secret)
    natter.wait_until(lambda s: "secret-room" in natter.title(s),
                      "the protected room's window")
    natter.send_keys("/close")
    bob.wait_stanza("presence", lambda el: el.get("from") ==
                    secret + "/alice" and el.get("type") == "unavailable",
                    "alice left the protected room")
    bob.send_raw("<message to='alice@localhost'><x xmlns='%s' jid='%s' "
                 "password='s3same'/></message>" % (CONFERENCE, secret))
    wait_flat(natter, r"invites you to secret-room@conference\.localhost, "
              r"password s3same\. /accept")
    natter.send_keys("/join %s" % secret)
    natter.wait_for(r"You joined secret-room@conference\.localhost as alice")


def test_stranger_invitation_is_one_contained_line(make_peer, natter):
    natter.wait_for(CONNECTED)
    mallory = make_peer("mallory")
    screen = natter.barrier()
    windows_before = len(re.findall(r"\[\d+:", status(natter, screen)))
    mallory.send_raw(
        "<message to='alice@localhost'><x xmlns='%s' jid='%s' "
        "reason='free&#10;12:00 demo: X&#155;[31m&#8238;'/>"
        "<body>ignore the body</body></message>" % (CONFERENCE, ROOM))
    screen = natter.wait_for(r"mallory@localhost \(not in your roster\) "
                             r"invites you to lobby@conference\.localhost")
    line = [ln for ln in natter.lines(screen) if "invites you" in ln][0]
    assert "free 12:00 demo: X" in line
    assert "\u009b" not in screen and "\u202e" not in screen
    # no window, no message line: a round trip, then look again
    screen = natter.barrier()
    assert len(re.findall(r"\[\d+:", status(natter, screen))) == \
        windows_before
    assert "ignore the body" not in screen
    assert not re.search(r"x\s*12:00 demo", screen)
    # the only thing pending: /deny without a room drops it (a direct
    # invitation has no decline to send)
    natter.send_keys("/deny")
    wait_flat(natter, r"Forgot mallory@localhost's invitation to "
              r"lobby@conference\.localhost")


# -- private messages -------------------------------------------------------------

def test_private_windows_titled_nick_in_room(make_peer, natter):
    natter.wait_for(CONNECTED)
    bob = joins(make_peer, "bob")
    carol = joins(make_peer, "carol")
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice "
                    r"\(3 here\)")
    for p, nick in ((bob, "bob"), (carol, "carol")):
        p.wait_stanza("presence", lambda el: el.get("from") == ROOM + "/alice",
                      "alice in the room (%s)" % nick)
    bob.send_message(ROOM + "/alice", "psst from bob")
    carol.send_message(ROOM + "/alice", "psst from carol")
    screen = natter.wait_until(
        lambda s: "bob in lobby(1)]" in status(natter, s) and
        "carol in lobby(1)]" in status(natter, s),
        "two private windows titled nick in room")
    # the room window shows neither
    assert "psst" not in screen
    # /query NICK in the room window opens bob's private window
    natter.send_keys("/query bob")
    screen = natter.wait_for(r"<bob> psst from bob")
    assert "psst from carol" not in screen
    natter.send_keys("hello bob")
    bob.wait_message(lambda m: m[0] == ROOM + "/alice" and
                     m[2] == "hello bob")
    # by its title, spaces and all
    natter.send_keys("/win carol in lobby")
    natter.wait_for(r"<carol> psst from carol")
    natter.send_keys("hello carol")
    carol.wait_message(lambda m: m[0] == ROOM + "/alice" and
                       m[2] == "hello carol")
    assert not any(m[2] == "hello carol" for m in bob.messages)

    # bob changes nick: his window follows him and says so
    bob.send_raw("<presence to='%s/robert'><x xmlns='%s'/></presence>"
                 % (ROOM, MUC))
    natter.wait_until(lambda s: "robert in lobby" in status(natter, s),
                      "the window retitled")
    natter.send_keys("/win %s/robert" % ROOM)
    natter.wait_for(r"bob is now known as robert: this window follows them")
    assert "<bob> psst from bob" in natter.screen()
    natter.send_keys("still there?")
    bob.wait_message(lambda m: m[0] == ROOM + "/alice" and
                     m[2] == "still there?")
    # carol leaves: said in her window
    carol.send_raw("<presence to='%s/carol' type='unavailable'/>" % ROOM)
    natter.send_keys("/win %s/carol" % ROOM)
    natter.wait_for(r"carol left lobby@conference\.localhost: what you "
                    r"write here goes to the nick carol")
    # the room's refusal of a message to her lands here, not in the room
    natter.send_keys("are you gone?")
    natter.wait_for(r"Message to lobby@conference\.localhost/carol failed: "
                    r"no such user")
    # /msg room@service/nick opens (or finds) the occupant's window
    natter.send_keys("/msg %s/robert one more" % ROOM)
    bob.wait_message(lambda m: m[0] == ROOM + "/alice" and
                     m[2] == "one more")
    natter.wait_until(lambda s: "robert in lobby" in natter.title(s) or
                      "robert in lobby" in status(natter, s),
                      "robert's window")


def test_query_unknown_nick_in_room_is_refused(make_peer, natter):
    # a nick mistyped (or gone) in a room window is not a server's
    # domain: /query and /msg say so and open no window; a nick given to
    # a command that wants a contact is said to be a nick
    natter.wait_for(CONNECTED)
    bob = joins(make_peer, "bob")
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice "
                    r"\(2 here\)")
    natter.send_keys("/query bobb")
    wait_flat(natter, r"No one called bobb is in lobby@conference\.localhost"
              r" \(a contact: by JID or roster name\)")
    natter.send_keys("/msg bobb are you there?")
    screen = natter.wait_until(
        lambda s: flat(natter, s).count("No one called bobb") == 2,
        "/msg refused too")
    assert "bobb" not in status(natter, screen)
    # a nick is no contact either: /info and /version do not ask a
    # server called bob
    said = ("bob is a nick in lobby@conference.localhost, not a contact: "
            "name a contact by JID or roster name (/query bob talks to "
            "them privately)")
    for n, cmd in enumerate(("/info", "/version"), 1):
        natter.send_keys("%s bob" % cmd)
        natter.wait_until(lambda s: flat(natter, s).count(said) == n,
                          "%s bob refused" % cmd)
    assert "Asking for bob" not in flat(natter, natter.screen())
    # the nick itself still works, and the message reaches bob only
    natter.send_keys("/msg bob are you there?")
    bob.wait_message(lambda m: m[0] == ROOM + "/alice" and
                     m[2] == "are you there?")
    natter.wait_until(lambda s: "bob in lobby" in natter.title(s),
                      "bob's private window")
