"""Who is this: /info shows, besides the roster entry, what a contact's
presence said (XEP-0319 idle since, the XEP-0115 caps node naming its
client, an XEP-0153 vCard photo hash), then asks and shows in the
window it was typed in, as the answers come: the contact's vCard
(vCard4 through PEP, which Prosody's vcard_legacy fills from a
vcard-temp set), its last activity (XEP-0012: each online client's idle
time; an offline contact's time since it logged out, from Prosody's
mod_lastactivity) and its avatar's metadata (XEP-0084), as text.
/info --version also asks each client's XEP-0092 version.  /vcard edits
the user's own vCard in a dialog, prefilled from the server's copy, and
keeps what natter does not edit; a peer reads the new values back.
Remote text stays one line: a hostile vCard's controls are stripped and
its note's newlines become continuation rows, never natter lines."""

import re
import time
import xml.etree.ElementTree as ET

import pytest

import harness
from harness import keys, typed

pytestmark = pytest.mark.prosody(
    modules=("pep", "vcard4", "vcard_legacy", "lastactivity"))

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
STAMPED = re.compile(r"^\d\d:\d\d ")
RLO, CSI = "\u202e", "\u009b"
VCARD_TEMP = "vcard-temp"
CAPS_NODE = "https://client.example/caps"


def friends(prosody):
    """alice and bob see each other's presence; alice calls him Bob."""
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


def esc(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def set_vcard_temp(peer, fields, extra=""):
    """The peer stores its own vCard (vcard-temp, XEP-0054) from a dict
    of element name -> text; returns the reply."""
    body = "".join("<%s>%s</%s>" % (k, esc(v), k) for k, v in fields.items())
    r = peer.iq_set(None, "<vCard xmlns='vcard-temp'>%s%s</vCard>"
                    % (body, extra))
    assert r.type == "result", ET.tostring(r.xml, encoding="unicode")
    return r


def get_vcard_temp(peer, jid):
    """jid's vcard-temp as read by the peer: {NAME: text} of its direct
    children (EMAIL and ORG: their USERID and ORGNAME)."""
    r = peer.iq_get(jid, "<vCard xmlns='vcard-temp'/>")
    assert r.type == "result", ET.tostring(r.xml, encoding="unicode")
    v = r.xml.find("{vcard-temp}vCard")
    out = {}
    for el in (v if v is not None else []):
        name = harness.local(el.tag)
        if name == "EMAIL":
            out[name] = el.findtext("{vcard-temp}USERID")
        elif name == "ORG":
            out[name] = el.findtext("{vcard-temp}ORGNAME")
        elif name == "TEL":
            out[name] = el.findtext("{vcard-temp}NUMBER")
        else:
            out[name] = el.text
    return out


def stamp(secs_ago):
    t = time.gmtime(time.time() - secs_ago)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", t)


def rich_presence(idle_secs=None, photo=None):
    """An available presence with caps, and XEP-0319 idle and an
    XEP-0153 photo hash when asked for."""
    extra = ("<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
             "node='%s' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>" % CAPS_NODE)
    if idle_secs is not None:
        extra += "<idle xmlns='urn:xmpp:idle:1' since='%s'/>" % stamp(
            idle_secs)
    if photo is not None:
        extra += ("<x xmlns='vcard-temp:x:update'><photo>%s</photo></x>"
                  % photo)
    return "<presence><show>away</show><status>lunch</status>%s</presence>" \
        % extra


def answer_last(peer, seconds):
    """The peer's client answers jabber:iq:last with seconds (its idle
    time, XEP-0012 section 4)."""
    def go():
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath

        def reply(iq):
            peer.client.send_raw(
                "<iq type='result' id='%s' to='%s'><query xmlns='jabber:iq:"
                "last' seconds='%d'/></iq>" % (iq["id"], iq["from"], seconds))
        peer.client.register_handler(Callback(
            "peer: last activity",
            MatchXPath("{jabber:client}iq/{jabber:iq:last}query"), reply))
    peer.call_soon(go)


def publish_avatar_metadata(peer, nbytes, mime, width, height):
    item = ("<item id='1234abcd'><metadata xmlns='urn:xmpp:avatar:metadata'>"
            "<info bytes='%d' id='1234abcd' type='%s' width='%d' "
            "height='%d'/></metadata></item>" % (nbytes, mime, width, height))
    r = peer.iq_set(None, "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    "<publish node='urn:xmpp:avatar:metadata'>%s</publish>"
                    "</pubsub>" % item)
    assert r.type == "result", ET.tostring(r.xml, encoding="unicode")


def set_identity(peer, name, itype):
    """The peer's client says it is client/itype called name (XEP-0030;
    slixmpp says client/bot only while it has no identity)."""
    peer.call_soon(lambda: peer.client["xep_0030"].add_identity(
        category="client", itype=itype, name=name))


def set_version(peer, name, version=""):
    def go():
        plugin = peer.client["xep_0092"]
        plugin.software_name = name
        plugin.version = version
    peer.call_soon(go)


def rows_matching(natter, screen, regex):
    rx = re.compile(regex)
    return [r for r in natter.chat_rows(screen) if rx.search(r)]


def test_info_vcard_idle_client_avatar(prosody, accounts, write_rc,
                                       start_natter, make_peer):
    friends(prosody)
    alice = accounts["alice"]
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    bob = make_peer("bob", resource="laptop")
    set_vcard_temp(bob, {"FN": "Bob Example", "NICKNAME": "bobby",
                         "URL": "https://bob.example/",
                         "BDAY": "1970-01-31", "DESC": "Plays the oboe"},
                   extra="<EMAIL><INTERNET/><USERID>bob@mail.example"
                   "</USERID></EMAIL><ORG><ORGNAME>Oboe Society</ORGNAME>"
                   "</ORG>")
    publish_avatar_metadata(bob, 12 * 1024, "image/png", 64, 64)
    answer_last(bob, 300)
    set_version(bob, "TestClient", "1.2")
    set_identity(bob, "Test Client", "pc")
    bob.send_raw(rich_presence(idle_secs=2 * 3600, photo="1234abcd"))
    bob.send_message(alice.full_jid, "hello")
    natter.wait_for(r"\[\d:Bob\(1\)\]")

    natter.send_keys("/info --version Bob")
    natter.wait_for(r"Bob <bob@localhost>")
    natter.wait_for(r"resource laptop: away, priority 0: lunch")
    natter.wait_for(r"\d\d:\d\d     idle for 2 hours")
    natter.wait_for(r"client: %s" % re.escape(CAPS_NODE))
    natter.wait_for(r"has an avatar \(its presence names a vCard photo\)")
    # the answers, as they come
    natter.wait_for(r"vCard of bob@localhost \(vCard4\):")
    natter.wait_for(r"\d\d:\d\d   name: Bob Example\s*$", flags=re.M)
    natter.wait_for(r"\d\d:\d\d   nickname: bobby\s*$", flags=re.M)
    natter.wait_for(r"\d\d:\d\d   e-mail: bob@mail\.example\s*$", flags=re.M)
    natter.wait_for(r"\d\d:\d\d   web: https://bob\.example/\s*$", flags=re.M)
    natter.wait_for(r"\d\d:\d\d   birthday: 1970-01-31\s*$", flags=re.M)
    natter.wait_for(r"\d\d:\d\d   organisation: Oboe Society\s*$", flags=re.M)
    natter.wait_for(r"\d\d:\d\d   note: Plays the oboe\s*$", flags=re.M)
    natter.wait_for(r"bob@localhost/laptop has been idle for 5 minutes")
    natter.wait_for(r"bob@localhost has an avatar, 12 KiB, image/png, "
                    r"64x64 \(/avatar bob@localhost shows it\)")
    natter.wait_for(r"bob@localhost/laptop runs TestClient 1\.2")
    natter.wait_for(r"bob@localhost/laptop identifies as Test Client "
                    r"\(client/pc\)")


def test_info_without_version_points_at_it_and_answers_in_its_window(
        prosody, accounts, write_rc, start_natter, make_peer):
    """Without --version, /info names the way to ask; a contact without
    a vCard or avatar is told so in words; typed in a conversation
    window, the answers show there."""
    friends(prosody)
    alice = accounts["alice"]
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    bob = make_peer("bob", resource="phone")
    bob.send_message(alice.full_jid, "hi")
    natter.wait_for(r"\[\d:Bob\(1\)\]")
    natter.send_keys("/query Bob")
    natter.wait_for(r"hi\s*$")
    natter.send_keys("/info Bob")
    natter.wait_for(r"which software its clients run: /info --version Bob")
    screen = natter.wait_for(r"bob@localhost has no vCard")
    natter.wait_for(r"bob@localhost has published no avatar")
    # slixmpp without a last-activity handler: its words
    natter.wait_for(r"bob@localhost/phone: idle time not available: the "
                    r"client does not tell its idle time")
    assert "runs" not in screen


def test_info_offline_contact_last_activity(prosody, accounts, write_rc,
                                            start_natter, make_peer):
    friends(prosody)
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    alice = accounts["alice"]
    bob = make_peer("bob", resource="laptop")
    # logging out with a status: mod_lastactivity keeps the time and it;
    # the message after it is the barrier (same stream, same order)
    bob.send_raw("<presence type='unavailable'><status>gone fishing"
                 "</status></presence>")
    bob.send_message(alice.full_jid, "bye")
    natter.wait_for(r"\[\d:Bob\(1\)\]")
    natter.send_keys("/info --version Bob")
    natter.wait_for(r"offline: gone fishing")
    natter.wait_for(r"no client of bob@localhost is online to ask which "
                    r"software it runs")
    natter.wait_for(r"bob@localhost was last online \d+ seconds? ago "
                    r"\(\d{4}-\d\d-\d\d \d\d:\d\d\), saying: gone fishing")


def test_info_hostile_vcard_is_one_clean_line_per_field(
        prosody, accounts, write_rc, start_natter, make_peer):
    friends(prosody)
    alice = accounts["alice"]
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    bob = make_peer("bob", resource="evil")
    set_vcard_temp(bob, {
        "FN": "Evil\r12:34 demo: CERTIFICATE CHANGED" + RLO + CSI + "31m",
        "NICKNAME": "nick\nname",
        "DESC": "first line\n12:35 demo: connected as root\nlast" + RLO})
    bob.send_message(alice.full_jid, "hello")
    natter.wait_for(r"\[\d:Bob\(1\)\]")
    natter.send_keys("/info Bob")
    natter.wait_for(r"vCard of bob@localhost")
    screen = natter.wait_for(r"\d\d:\d\d   note: first line\s*$", flags=re.M)
    screen = natter.wait_for(r"\s{4,}last\s*$", flags=re.M)
    rows = natter.chat_rows(screen)
    # the name: one row, its controls gone, the forged line a part of it
    name = [r for r in rows if "name: Evil" in r and "nickname" not in r]
    assert len(name) == 1, harness.boxed(screen)
    assert re.search(r"name: Evil 12:34 demo: CERTIFICATE CHANGED ?31m\s*$",
                     name[0]), name[0]
    nick = [r for r in rows if "nickname: nick" in r]
    assert len(nick) == 1 and re.search(r"nickname: nick name\s*$",
                                        nick[0]), harness.boxed(screen)
    # the note's lines are continuation rows: indented, never stamped
    i = next(i for i, r in enumerate(rows) if "note: first line" in r)
    assert not STAMPED.match(rows[i + 1]) and \
        "12:35 demo: connected as root" in rows[i + 1], harness.boxed(screen)
    assert rows[i + 1].startswith(" "), harness.boxed(screen)
    for row in rows:
        assert not re.match(r"^\d\d:\d\d demo:", row), \
            harness.boxed(screen)
    assert RLO not in screen and CSI not in screen and "\x1b" not in screen


def test_vcard_dialog_edits_own_vcard_and_keeps_the_rest(
        prosody, accounts, write_rc, start_natter, make_peer):
    friends(prosody)
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    # another client of alice's set her vCard before: a phone number
    # natter does not edit must survive natter's change
    phone = make_peer("alice", resource="phone")
    set_vcard_temp(phone, {"FN": "Old Name", "NICKNAME": "al"},
                   extra="<TEL><VOICE/><NUMBER>+1 555 0100</NUMBER></TEL>")
    natter.send_keys("/vcard")
    natter.wait_for(r"Full name\s+\[Old Name\]")
    natter.wait_for(r"Nickname\s+\[al\]")
    keys(natter, "End", "C-u")
    typed(natter, "Alice Liddell")
    keys(natter, "Tab", "Tab")           # past the nickname, kept
    typed(natter, "alice@mail.example")
    keys(natter, "Tab")
    typed(natter, "https://alice.example/")
    keys(natter, "Tab", "Tab", "Tab")    # birthday, organisation: empty
    typed(natter, "Through the")
    keys(natter, "Enter")
    typed(natter, "looking glass")
    keys(natter, "C-s")
    natter.wait_for(r"test: your vCard is saved")
    bob = make_peer("bob", resource="reader")
    got = get_vcard_temp(bob, "alice@localhost")
    assert got.get("FN") == "Alice Liddell", got
    assert got.get("NICKNAME") == "al", got
    assert got.get("EMAIL") == "alice@mail.example", got
    assert got.get("URL") == "https://alice.example/", got
    assert got.get("TEL") == "+1 555 0100", got
    note = got.get("NOTE") or got.get("DESC")
    assert note == "Through the\nlooking glass", got
    # opened again: the saved values come back from the server
    natter.send_keys("/vcard")
    natter.wait_for(r"Full name\s+\[Alice Liddell\]")
    natter.wait_for(r"E-mail\s+\[alice@mail\.example\]")
    keys(natter, "Escape")
    natter.wait_until(lambda s: "(dialog)" not in s, "the dialog closed")


def hold_last(peer, held):
    """The peer's client keeps last-activity requests unanswered in held
    (as (id, from)) until the test answers them (answer_held)."""
    def go():
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath
        peer.client.register_handler(Callback(
            "peer: hold last activity",
            MatchXPath("{jabber:client}iq/{jabber:iq:last}query"),
            lambda iq: held.append((iq["id"], str(iq["from"])))))
    peer.call_soon(go)


def test_info_answers_go_to_the_window_it_was_typed_in(
        prosody, accounts, write_rc, start_natter, make_peer):
    """An answer that comes after the user moved to another window still
    shows where /info was typed (here the console), not where the user
    is now."""
    friends(prosody)
    alice = accounts["alice"]
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    bob = make_peer("bob", resource="desk")
    held = []
    hold_last(bob, held)
    bob.send_message(alice.full_jid, "hi")
    natter.wait_for(r"\[\d:Bob\(1\)\]")
    natter.send_keys("/info Bob")
    natter.wait_for(r"bob@localhost has no vCard")
    harness.wait_value(lambda: held, "the last-activity request")
    natter.send_alt("2")
    natter.wait_for(r"^\S*\s*\d\d:\d\d <?Bob>? ?hi|hi\s*$", flags=re.M)
    iq_id, asker = held[0]
    bob.send_raw("<iq type='result' id='%s' to='%s'><query xmlns='jabber:"
                 "iq:last' seconds='120'/></iq>" % (iq_id, asker))
    # same stream, same order: once "after" shows, the answer was handled
    bob.send_message(alice.full_jid, "after")
    screen = natter.wait_for(r"after\s*$", flags=re.M)
    assert "has been idle" not in screen, harness.boxed(screen)
    natter.send_alt("1")
    natter.wait_for(r"bob@localhost/desk has been idle for 2 minutes")
