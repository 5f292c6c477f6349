"""What an exploratory run of the demo found typed commands doing wrong,
and what natter does instead.

- A number out of range (/history 99999999999999999999, /reply
  4294967297) is refused, saying the range; it never wraps into one
  (4294967297 once answered line 1).
- /invite refuses a word that is neither a user's JID nor a contact's
  name ("/invite bad jid" invited the server "bad").
- (test_bookmarks.py: a bookmark is named as typed, but for case.)
- /nick takes the rest of the line: a room nick may hold spaces.
- A refused /roomconfig (not an owner) is said in the room window; no
  dialog opens.
- In a private conversation with an occupant, your lines carry your nick
  in that room, not the account's.

Every wait is on something natter shows or a peer receives; a /ping
round trip is the barrier before asserting that nothing else happened.
"""

import pytest

import harness

pytestmark = pytest.mark.prosody(muc="conference.localhost")

CONNECTED = r"connected as alice@localhost/natter"
ROOM = "lobby@conference.localhost"


def joins(make_peer, user, nick=None, room=ROOM):
    """A peer `user` in room as nick (default: user)."""
    return harness.join_room(make_peer, user, room, nick)


def test_numbers_out_of_range_say_the_range(online, bob, alice):
    bob.send_message(alice.full_jid, "first of all")
    online.send_keys("/query bob@localhost")
    online.wait_for(r"<bob@localhost> first of all")
    online.send_keys("/history 99999999999999999999")
    online.wait_for(r"/history N must be a number from 1 to 500")
    online.send_keys("/history 0")
    online.wait_until(
        lambda s: online.count(r"/history N must be a number from 1 "
                               r"to 500", s) == 2, "/history 0 refused")
    online.send_keys("/reply 4294967297 wrapped")
    online.wait_for(r"/reply N must be a number from 1 to 500")
    online.send_keys("/win 99999999999999999999")
    online.wait_for(r"No window 99999999999999999999 \(there are \d+\)")
    online.send_keys("/reply 1 answered")
    bob.wait_message(lambda m: m[2].endswith("answered"))
    assert not any("wrapped" in m[2] for m in bob.messages)


def test_invite_refuses_a_word_that_is_no_jid(make_peer, natter):
    natter.wait_for(CONNECTED)
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice")
    natter.send_keys("/invite bad jid")
    natter.wait_for(r'"bad" is neither a user\'s JID \(user@server\) nor a '
                    r"contact's name")
    natter.send_keys("/invite localhost")
    natter.wait_until(lambda s: natter.count(r"is neither a user's JID",
                                             s) == 2,
                      "a bare server name refused too")
    # a user's JID is invited: the barrier, after which "Invited" says
    # whom natter invited
    make_peer("bob")
    natter.send_keys("/invite bob@localhost come in")
    screen = natter.wait_for(r"Invited bob@localhost to lobby")
    assert natter.count(r"Invited ", screen) == 1, screen


def test_nick_with_spaces_and_private_lines_carry_it(make_peer, natter):
    natter.wait_for(CONNECTED)
    bob = joins(make_peer, "bob")
    natter.send_keys("/join %s/Ally" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as Ally")
    natter.send_keys("/nick Ann Smith  ")
    natter.wait_for(r"You are now known as Ann Smith")
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == ROOM + "/Ann Smith",
                    "the nick with spaces, as the room shows it")
    # a quoted word is that word, as before
    natter.send_keys('/nick "Ally"')
    natter.wait_for(r"You are now known as Ally")
    # privately with bob: natter's lines say Ally, not alice
    natter.send_keys("/query bob")
    natter.wait_until(lambda s: "bob in lobby" in natter.title(s),
                      "bob's private window")
    natter.send_keys("just between us")
    bob.wait_message(lambda m: m[0] == ROOM + "/Ally" and
                     m[2] == "just between us")
    screen = natter.wait_for(r"<Ally> just between us")
    assert "<alice> just between us" not in screen, screen


def test_roomconfig_refused_in_the_room_window(make_peer, natter):
    natter.wait_for(CONNECTED)
    joins(make_peer, "bob")          # bob creates and owns the room
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice")
    natter.send_keys("/roomconfig")
    screen = natter.wait_for(r"lobby@conference\.localhost: cannot show "
                             r"its configuration: only its owners may "
                             r"configure it")
    assert "lobby@" in natter.title(screen), screen
    assert "config" not in natter.status_bar(screen), screen
    natter.barrier()
    assert "config" not in natter.status_bar(natter.screen())
