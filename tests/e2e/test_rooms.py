"""Group chat, as far as natter goes: a room found with /disco on the
server's MUC service and joined with j, messages both ways, arrivals and
departures, /me actions both ways, a taken nickname, /join and /close (which leaves:
the others see alice go).  bob is a
slixmpp peer that sends raw MUC presence and messages."""

import re
import time

import pytest

import harness

pytestmark = pytest.mark.prosody(muc="conference.localhost")

CONNECTED = r"connected as alice@localhost/natter"
ROOM = "lobby@conference.localhost"
MUC = "http://jabber.org/protocol/muc"


def bob_joins(make_peer, nick="bob"):
    bob = make_peer()
    bob.send_raw("<presence to='%s/%s'><x xmlns='%s'/></presence>"
                 % (ROOM, nick, MUC))
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/%s" % (ROOM, nick),
                    "bob's own presence in the room")
    return bob


def groupchat_from(nick, body):
    return lambda m: (m[0] == "%s/%s" % (ROOM, nick) and
                      m[1] == "groupchat" and m[2] == body)


def test_join_from_disco_and_talk(make_peer, natter):
    natter.wait_for(CONNECTED)
    bob = bob_joins(make_peer)
    natter.send_keys("/disco conference.localhost")
    screen = natter.wait_for(r"lobby@conference\.localhost.*\[rooms\]")
    assert re.search(r"> .*lobby@conference\.localhost", screen)
    natter.send_key("j")
    natter.wait_for(r"You joined lobby@conference\.localhost as alice "
                    r"\(2 here\)")
    natter.wait_for(r"lobby@conference\.localhost — joined, 2 here, "
                    r"you are alice")
    bob.send_message(ROOM, "hello, alice", mtype="groupchat")
    natter.wait_for(r"<bob> hello, alice")
    natter.send_keys("hi bob and everyone")
    bob.wait_message(groupchat_from("alice", "hi bob and everyone"))
    natter.wait_for(r"<alice> hi bob and everyone")
    # /me actions both ways, drawn as actions, sent as "/me ..."
    bob.send_message(ROOM, "/me waves", mtype="groupchat")
    natter.wait_for(r"\d\d:\d\d \* bob waves")
    natter.send_keys("/me bows")
    bob.wait_message(groupchat_from("alice", "/me bows"))
    natter.wait_for(r"\d\d:\d\d \* alice bows")
    assert "/me" not in natter.screen()
    bob.send_raw("<presence to='%s/bob' type='unavailable'/>" % ROOM)
    natter.wait_for(r"bob left")
    # bob comes back, to see alice go
    bob.presences.clear()
    bob.send_raw("<presence to='%s/bob'><x xmlns='%s'/></presence>"
                 % (ROOM, MUC))
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/bob" % ROOM and
                    el.get("type") != "unavailable",
                    "bob's own presence in the room again")
    # /close leaves the room: the room tells bob alice is gone
    natter.send_keys("/close")
    natter.wait_until(lambda s: "lobby@" not in natter.status_bar(s),
                      "the room window closed")
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/alice" % ROOM and
                    el.get("type") == "unavailable",
                    "alice's unavailable presence on /close")


def test_join_command_and_taken_nick(make_peer, natter):
    natter.wait_for(CONNECTED)
    bob = bob_joins(make_peer, nick="alice")
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"lobby@conference\.localhost: that nickname is taken "
                    r"here")
    natter.send_keys("/close")
    natter.send_keys("/join %s/Alice2" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as Alice2")
    bob.wait_stanza("presence",
                    lambda el: el.get("from") == "%s/Alice2" % ROOM,
                    "alice's arrival")
    natter.send_keys("/join not-a-room")
    natter.wait_for(r"Not a room address \(room@service\): not-a-room")


def test_our_status_reaches_the_rooms_we_are_in(make_peer, natter):
    """/status goes to every room we are in (presence to a room is
    directed: the server does not pass our broadcast on), and a join
    carries it too."""
    natter.wait_for(CONNECTED)
    bob = bob_joins(make_peer)
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice")
    natter.send_keys("/status away gone fishing")

    def shows(show, status):
        def ok(el):
            s = el.find("{jabber:client}show")
            t = el.find("{jabber:client}status")
            return (el.get("from") == "%s/alice" % ROOM and
                    s is not None and s.text == show and
                    t is not None and t.text == status)
        return ok
    bob.wait_stanza("presence", shows("away", "gone fishing"),
                    "alice away in the room")
    # a later join carries the status from the start
    natter.send_keys("/leave")
    natter.wait_for(r"You left lobby@conference\.localhost")
    natter.send_keys("/status dnd busy")
    natter.send_keys("/join")
    bob.wait_stanza("presence", shows("dnd", "busy"),
                    "alice joins again, busy")


def test_offline_room_says_so_and_is_joined_again(make_peer, natter):
    """While the account is offline the room's title does not claim we
    are in; /connect joins it again, keeping the window's lines."""
    natter.wait_for(CONNECTED)
    bob = bob_joins(make_peer)
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"lobby@conference\.localhost — joined, 2 here")
    bob.send_message(ROOM, "before", mtype="groupchat")
    natter.wait_for(r"<bob> before")
    natter.send_keys("/disconnect")
    natter.wait_until(
        lambda s: "lobby@conference.localhost — offline (joined again "
                  "when test is back)" in natter.title(s),
        "the room's title says offline")
    natter.send_keys("/connect")
    natter.wait_for(r"Rejoined lobby@conference\.localhost as alice",
                    timeout=30)
    natter.wait_until(
        lambda s: "— joined, 2 here" in natter.title(s),
        "the room's title says joined again")
    bob.send_message(ROOM, "after", mtype="groupchat")
    screen = natter.wait_for(r"<bob> after")
    assert screen.count("<bob> before") == 1, screen
