"""Corrections (XEP-0308) and retractions (XEP-0424, XEP-0425 moderation).

One-to-one: bob's correction of his line replaces it on screen, marked
"(edited)", and in the history (the earlier text kept in the versions
table); a correction from bob's other resource is refused (the line and
the row stay as they were after a round trip). /correct sends a
<replace/> naming the original's id; with correct_on_up, Up in an empty
input line brings the last message back ("correct> "), Enter sends the
correction, Esc leaves without sending. bob's retraction removes his
line's text from the screen ("(retracted)") and from the history
database (the row's body and its search index entry); one from carol,
naming bob's message, changes nothing; /retract sends a <retract/> with
the id of alice's last message.

In a room (Prosody's MUC with muc_mam, so lines carry the room's
XEP-0359 stanza-ids): a correction by the occupant who wrote the line
is shown, one by another occupant is refused; alice's /correct and
/retract reach the others naming her origin-id and the room's
stanza-id; a moderation (XEP-0425) the room sends (played by Prosody's
admin shell routing the room's <retract><moderated/> to natter) removes
the line. Corrections and retractions alice makes on her phone reach
natter as carbons: the phone's own message changes, natter's refuses a
correction from the phone. /moderate NICK [REASON] sends a moderator's <moderate/> to
the room, which a small Prosody module of this file answers as a room
service implementing XEP-0425 does (Prosody 0.12 has none): the room
announces the retraction to everyone, natter says it is done and the
line goes.
"""

import os
import re
import sqlite3

import pytest

import harness
import natterdemo
from harness import child

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
CORRECT = "urn:xmpp:message-correct:0"
RETRACT = "urn:xmpp:message-retract:1"
MODERATE = "urn:xmpp:message-moderate:1"
FALLBACK = "urn:xmpp:fallback:0"
SID = "urn:xmpp:sid:0"
MUC = "conference.localhost"
ROOM = "lobby@" + MUC


def said(nick, text):
    return r"\d\d:\d\d <%s> %s" % (re.escape(nick), re.escape(text))


def db(xdg):
    path = os.path.join(xdg.data, "natter", "test", "history.db")
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True)


def rows(xdg, sql, *args):
    con = db(xdg)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def fts_hits(xdg, word):
    return rows(xdg, "SELECT count(*) FROM messages_fts"
                " WHERE messages_fts MATCH ?", '"%s"' % word)[0][0]


def correction_xml(to, body, replaces, mid, mtype="chat"):
    return harness.message_xml(
        to, body=body, mid=mid, mtype=mtype,
        extra="<replace xmlns='%s' id='%s'/>" % (CORRECT, replaces))


def retraction_xml(to, retracts, mid, mtype="chat"):
    return harness.message_xml(
        to, body="This person attempted to retract a previous message, "
        "but it's unsupported by your client.", mid=mid, mtype=mtype,
        extra="<retract xmlns='%s' id='%s'/><fallback xmlns='%s' for='%s'/>"
        "<store xmlns='urn:xmpp:hints'/>" % (RETRACT, retracts, FALLBACK,
                                             RETRACT))


def sent_by_alice(peer, body):
    """The <message/> alice sent peer with body; its element."""
    return peer.wait_stanza(
        "message", lambda el: harness.text_of(el, "body") == body,
        "alice's message %r" % body)


def open_chat(natter, bob):
    """alice writes to bob first, so his window is open and current."""
    natter.wait_for(CONNECTED)
    natter.send_keys("/msg %s hi bob" % BOB)
    bob.wait_message(lambda m: m[2] == "hi bob")


def test_peer_correction_and_forged_one(natter, bob, make_peer, alice, xdg):
    open_chat(natter, bob)
    bob.send_raw(harness.message_xml(alice.full_jid, body="see you at nine",
                                     mid="bob-1"))
    natter.wait_for(said(BOB, "see you at nine"))
    # the same bare JID, another resource: not the writer of the line
    other = make_peer("bob", resource="other")
    other.send_raw(correction_xml(alice.full_jid, "FORGED by other",
                                  "bob-1", "other-1"))
    screen = harness.round_trip(natter, other, alice.full_jid)
    assert re.search(said(BOB, "see you at nine") + r"$", screen, re.M), \
        screen
    assert "FORGED" not in screen and "(edited)" not in screen
    # the writer itself
    bob.send_raw(correction_xml(alice.full_jid, "see you at eight", "bob-1",
                                "bob-2"))
    screen = natter.wait_for(said(BOB, "see you at eight") + r" \(edited\)")
    assert "see you at nine" not in screen
    assert natter.quit() == 0
    assert rows(xdg, "SELECT body, flags & 1 FROM messages WHERE"
                " stanza_id = 'bob-1'") == [("see you at eight", 1)]
    assert rows(xdg, "SELECT body FROM versions") == [("see you at nine",)]
    assert rows(xdg, "SELECT count(*) FROM messages WHERE body LIKE"
                " '%FORGED%'") == [(0,)]
    assert fts_hits(xdg, "eight") == 1 and fts_hits(xdg, "nine") == 0


def test_correct_command_and_up_then_edit(write_rc, start_natter, bob, xdg):
    rc = write_rc()
    with open(rc, "a", encoding="utf-8") as f:
        f.write("correct_on_up = true\n")
    natter = start_natter(rc)
    open_chat(natter, bob)
    natter.send_keys("helo bob")
    orig = sent_by_alice(bob, "helo bob")
    oid = orig.get("id")
    natter.send_keys("/correct hello bob")
    fix = sent_by_alice(bob, "hello bob")
    assert child(fix, "replace", CORRECT).get("id") == oid
    assert fix.get("id") != oid
    natter.wait_for(said("alice", "hello bob") + r" \(edited\)")
    # Up in an empty input line: the last message, to correct
    natter.send_key("Up")
    natter.wait_until(lambda s: natter.input_line(s).startswith(
        "correct> hello bob"), "the last message in the input line")
    natter.send_key("C-u")
    natter.send_keys("hello, bob")
    fix = sent_by_alice(bob, "hello, bob")
    assert child(fix, "replace", CORRECT).get("id") == oid
    natter.wait_for(said("alice", "hello, bob") + r" \(edited\)")
    # Esc leaves the correction: nothing is sent, the next line is new
    natter.send_key("Up")
    natter.wait_until(lambda s: natter.input_line(s).startswith("correct> "),
                      "correcting again")
    natter.send_key("Escape")
    natter.wait_until(lambda s: natter.input_line(s).rstrip() == ">",
                      "the input line empty again")
    natter.send_keys("a new line")
    new = sent_by_alice(bob, "a new line")
    assert child(new, "replace", CORRECT) is None
    screen = natter.wait_for(said("alice", "a new line") + "$")
    assert re.search(said("alice", "hello, bob") + r" \(edited\)", screen)
    assert natter.quit() == 0
    assert rows(xdg, "SELECT body FROM messages WHERE stanza_id = ?",
                oid) == [("hello, bob",)]
    assert sorted(rows(xdg, "SELECT body FROM versions")) == \
        [("hello bob",), ("helo bob",)]


def test_retractions(natter, bob, make_peer, alice, xdg):
    open_chat(natter, bob)
    bob.send_raw(harness.message_xml(alice.full_jid,
                                     body="my password is hunter2",
                                     mid="bob-pw"))
    natter.wait_for(said(BOB, "my password is hunter2"))
    # carol cannot retract bob's message
    carol = make_peer("carol")
    carol.send_raw(retraction_xml(alice.full_jid, "bob-pw", "carol-1"))
    screen = harness.round_trip(natter, carol, alice.full_jid)
    assert re.search(said(BOB, "my password is hunter2"), screen)
    assert "retract" not in screen   # nor is its fallback shown
    # bob can, from any of his resources
    other = make_peer("bob", resource="other")
    other.send_raw(retraction_xml(alice.full_jid, "bob-pw", "bob-r"))
    screen = natter.wait_for(said(BOB, "(retracted)"))
    assert "hunter2" not in screen and "attempted" not in screen
    # alice retracts her own last message
    natter.send_keys("wrong window, sorry")
    orig = sent_by_alice(bob, "wrong window, sorry")
    natter.send_keys("/retract")
    ret = bob.wait_stanza("message",
                          lambda el: child(el, "retract", RETRACT) is not None,
                          "alice's retraction")
    assert child(ret, "retract", RETRACT).get("id") == orig.get("id")
    assert child(ret, "fallback", FALLBACK).get("for") == RETRACT
    screen = natter.wait_for(said("alice", "(retracted)"))
    assert "wrong window" not in screen
    assert natter.quit() == 0
    assert rows(xdg, "SELECT body, flags & 2 FROM messages WHERE"
                " stanza_id IN ('bob-pw', ?) ORDER BY id",
                orig.get("id")) == [("", 2), ("", 2)]
    assert rows(xdg, "SELECT count(*) FROM messages WHERE body LIKE"
                " '%hunter2%' OR body LIKE '%wrong window%'") == [(0,)]
    assert fts_hits(xdg, "hunter2") == 0
    assert fts_hits(xdg, "window") == 0


def carbons_on(natter, tries=50):
    """Asks /carbons until natter says they are on."""
    on, other = r"message carbons on\s*$", r"message carbons (?!on\s*$)"
    for _ in range(tries):
        natter.send_keys("/carbons")
        screen = natter.barrier()
        if natter.last_of([on, other], screen) == on:
            return
    raise AssertionError("carbons never came on:\n" + natter.screen())


def test_changes_from_another_device(natter, bob, make_peer, alice, xdg):
    natter.wait_for(CONNECTED)
    carbons_on(natter)
    phone = make_peer("alice", resource="phone")
    phone.send_raw(harness.message_xml(BOB, body="see you at nine",
                                       mid="ph-1"))
    bob.wait_message(lambda m: m[2] == "see you at nine")
    natter.send_keys("/query %s" % BOB)
    natter.wait_for(said("alice", "[phone] see you at nine"))
    phone.send_raw(correction_xml(BOB, "see you at eight", "ph-1", "ph-2"))
    natter.wait_for(said("alice", "[phone] see you at eight") +
                    r" \(edited\)")
    # natter's own message: the phone is not the client that wrote it
    natter.send_keys("written here")
    mine = sent_by_alice(bob, "written here")
    phone.send_raw(correction_xml(BOB, "FORGED on the phone",
                                  mine.get("id"), "ph-3"))
    bob.wait_message(lambda m: m[2] == "FORGED on the phone")
    screen = harness.round_trip(natter, bob, alice.full_jid)
    assert re.search(said("alice", "written here") + "$", screen, re.M)
    assert "FORGED" not in screen
    # the phone retracts its own message
    phone.send_raw(retraction_xml(BOB, "ph-1", "ph-4"))
    screen = natter.wait_for(said("alice", "[phone] (retracted)"))
    assert "see you at" not in screen
    assert natter.quit() == 0
    assert rows(xdg, "SELECT body, flags FROM messages WHERE"
                " stanza_id = 'ph-1'") == [("", 3)]
    assert rows(xdg, "SELECT count(*) FROM messages WHERE body LIKE"
                " '%FORGED%'") == [(0,)]


# ---- rooms -------------------------------------------------------------


# A room service's side of XEP-0425 (0.3), which Prosody 0.12 lacks: a
# moderator's <moderate/> is answered and announced to the room as a
# retraction the room makes, <moderated/> naming the moderator.
MODERATION_LUA = """
local st = require "util.stanza";
local get_room = rawget(module:depends("muc"), "get_room_from_jid");

module:hook("iq-set/bare/urn:xmpp:message-moderate:1:moderate",
function (event)
	local stanza, origin = event.stanza, event.origin;
	local room = get_room(stanza.attr.to);
	if not room then
		origin.send(st.error_reply(stanza, "cancel", "item-not-found"));
		return true;
	end
	local nick = room:get_occupant_jid(stanza.attr.from);
	if not nick or room:get_role(nick) ~= "moderator" then
		origin.send(st.error_reply(stanza, "auth", "forbidden"));
		return true;
	end
	local moderate = stanza.tags[1];
	local announce = st.message({ from = room.jid, type = "groupchat",
		id = "moderation-" .. moderate.attr.id })
		:tag("retract", { xmlns = "urn:xmpp:message-retract:1",
			id = moderate.attr.id })
		:tag("moderated", { xmlns = "urn:xmpp:message-moderate:1",
			by = nick }):up();
	local reason = moderate:get_child_text("reason");
	if reason then announce:text_tag("reason", reason); end
	room:broadcast_message(announce);
	origin.send(st.reply(stanza));
	return true;
end);
"""


@pytest.fixture
def prosody():
    """The private Prosody of every test here: carbons, a MUC that stamps
    its lines with stanza-ids (muc_mam) and takes moderations
    (MODERATION_LUA), and the admin shell."""
    server = natterdemo.PrivateProsody(domain="localhost", muc=MUC,
                                       modules=["carbons"])
    plugins = os.path.join(server.dir, "plugins")
    os.makedirs(plugins, exist_ok=True)
    with open(os.path.join(plugins, "mod_moderation_test.lua"), "w",
              encoding="utf-8") as f:
        f.write(MODERATION_LUA)
    with open(server.config_path, encoding="utf-8") as f:
        cfg = f.read()
    cfg = cfg.replace("modules_enabled = { ",
                      "plugin_paths = { %s }\nmodules_enabled = { "
                      "\"admin_shell\", " % natterdemo.lua_str(plugins), 1)
    # the MUC section is the file's last
    cfg += "    modules_enabled = { \"muc_mam\", \"moderation_test\" }\n"
    with open(server.config_path, "w", encoding="utf-8") as f:
        f.write(cfg)
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


def joins(make_peer, user, nick, resource="peer"):
    return harness.join_room(make_peer, user, ROOM, nick, resource=resource)


def echo(peer, nick, body):
    """The room's copy of a line from nick with body, as peer got it."""
    return peer.wait_stanza(
        "message", lambda el: el.get("from") == "%s/%s" % (ROOM, nick) and
        harness.text_of(el, "body") == body, "%s's %r in the room"
        % (nick, body))


def stanza_id(el):
    sid = child(el, "stanza-id", SID)
    assert sid is not None and sid.get("by") == ROOM, el
    return sid.get("id")


def test_room_corrections_and_moderation(prosody, natter, make_peer, alice,
                                         xdg):
    natter.wait_for(CONNECTED)
    bob = joins(make_peer, "bob", "bob")
    natter.send_keys("/join %s" % ROOM)
    natter.wait_until(lambda s: re.search(r"lobby@conference\.localhost — "
                                          r"joined", natter.title(s)),
                      "the room's window, joined")
    mallory = joins(make_peer, "carol", "mallory")
    bob.send_raw(harness.message_xml(ROOM, body="helo room", mid="b-1",
                                     mtype="groupchat"))
    natter.wait_for(said("bob", "helo room"))
    # another occupant's correction of bob's line: refused
    mallory.send_raw(correction_xml(ROOM, "FORGED by mallory", "b-1", "m-1",
                                    mtype="groupchat"))
    echo(bob, "mallory", "FORGED by mallory")
    screen = harness.round_trip(natter, mallory, alice.full_jid)
    assert re.search(said("bob", "helo room") + r"$", screen, re.M), screen
    assert "FORGED" not in screen
    # bob's own
    bob.send_raw(correction_xml(ROOM, "hello room", "b-1", "b-2",
                                mtype="groupchat"))
    natter.wait_for(said("bob", "hello room") + r" \(edited\)")
    # alice corrects and retracts hers
    natter.send_keys("helo all")
    mine = echo(bob, "alice", "helo all")
    oid = child(mine, "origin-id", SID).get("id")
    sid = stanza_id(mine)
    natter.send_keys("/correct hello all")
    fix = echo(bob, "alice", "hello all")
    assert child(fix, "replace", CORRECT).get("id") == oid
    natter.wait_for(said("alice", "hello all") + r" \(edited\)")
    natter.barrier()   # the room's echo of the correction came back too
    natter.send_keys("/retract")
    ret = bob.wait_stanza(
        "message", lambda el: el.get("from") == ROOM + "/alice" and
        child(el, "retract", RETRACT) is not None, "alice's retraction")
    assert child(ret, "retract", RETRACT).get("id") == sid
    natter.wait_for(said("alice", "(retracted)"))
    # a moderator's retraction of bob's line, as the room announces it
    bob_sid = stanza_id(echo(bob, "bob", "helo room"))
    out = prosody.prosodyctl(
        "shell", "> local st = require 'util.stanza'; "
        "prosody.hosts[%r].modules.muc.get_room_from_jid(%r)"
        ":route_stanza(st.message({from=%r, to=%r, type='groupchat',"
        " id='mod-1'}):tag('retract', {xmlns=%r, id=%r})"
        ":tag('moderated', {xmlns=%r, by=%r}))"
        % (MUC, ROOM, ROOM, alice.full_jid, RETRACT, bob_sid, MODERATE,
           ROOM + "/owner"))
    assert "Error" not in out, out
    screen = natter.wait_for(said("bob", "(retracted)"))
    assert "hello room" not in screen and "helo room" not in screen
    assert natter.quit() == 0
    assert rows(xdg, "SELECT count(*) FROM messages WHERE room = 1 AND"
                " (body LIKE '%room%' OR body LIKE '%all%')") == [(0,)]
    assert rows(xdg, "SELECT nick, flags FROM messages WHERE room = 1"
                " AND flags != 0 ORDER BY id") == [("bob", 3), ("alice", 3)]
    assert rows(xdg, "SELECT count(*) FROM versions") == [(0,)]


def test_moderate_command(prosody, natter, make_peer, alice, xdg):
    natter.wait_for(CONNECTED)
    # outside a room each command names itself and the window it needs
    natter.send_keys("/moderate bob")
    natter.wait_for(r"/moderate works in a room window \(/join one\)")
    natter.send_keys("/retract")
    natter.wait_for(r"/retract works in a conversation or room window")
    # alice makes the room, so she is its owner and a moderator
    natter.send_keys("/join %s" % ROOM)
    natter.wait_until(lambda s: re.search(r"lobby@conference\.localhost — "
                                          r"joined", natter.title(s)),
                      "the room's window, joined")
    bob = joins(make_peer, "bob", "bob")
    natter.send_keys("/moderate nobody")
    natter.wait_for(r"nobody has no message here")
    bob.send_raw(harness.message_xml(ROOM, body="buy cheap stuff",
                                     mid="spam-1", mtype="groupchat"))
    natter.wait_for(said("bob", "buy cheap stuff"))
    sid = stanza_id(echo(bob, "bob", "buy cheap stuff"))
    natter.send_keys("/moderate bob advertising")
    natter.wait_for(r"You retracted bob's last message")
    note = bob.wait_stanza(
        "message", lambda el: el.get("from") == ROOM and
        child(el, "retract", RETRACT) is not None, "the room's retraction")
    retract = child(note, "retract", RETRACT)
    assert retract.get("id") == sid
    assert child(retract, "moderated", MODERATE).get("by") == \
        ROOM + "/alice"
    assert harness.text_of(retract, "reason") == "advertising"
    screen = natter.wait_for(said("bob", "(retracted)"))
    assert "cheap" not in screen
    # nothing of bob's left to retract
    natter.send_keys("/moderate bob")
    natter.wait_for(r"bob has no message here")
    assert natter.quit() == 0
    assert rows(xdg, "SELECT body, flags FROM messages WHERE room = 1"
                " AND nick = 'bob'") == [("", 2)]
    assert fts_hits(xdg, "cheap") == 0
