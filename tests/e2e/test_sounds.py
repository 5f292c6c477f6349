"""Sounds and calls (core/sound.c, core/call.c, xmpp/buzz.c,
xmpp/call.c, cmd/sounds.c).

sound_cmd is a script that records each run's arguments in a file of its
own; the tests read those files after a round trip, never after a sleep.
alice (natter) has bob in her roster with a subscription both ways;
carol is a stranger.

- /buzz reaches bob's slixmpp client as an XEP-0224 attention request;
  bob's buzz rings natter (sound_cmd with sound_buzz's file) once: a
  second buzz within 30 s, and a stranger's buzz, ring nothing.  A
  message in a window not shown plays sound_message's file.
- A call proposal (XEP-0353 <propose/>, sent raw) is shown in words,
  rings (sound_call), and /decline sends bob a <reject/> with the
  reason; a retraction ends the next one with a line (a stranger's
  retraction of it does not, and its reason is one sanitised line).
  A Jingle session-initiate (XEP-0167) is acknowledged and shown, and
  the caller's session-terminate ends it; a stranger's is refused.
- /play N downloads a link and hands the file to play_cmd as one
  argument: its name full of shell syntax runs nothing.
"""

import base64
import hashlib
import http.server
import os
import re
import stat
import threading

import pytest

import harness

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
ATTENTION = "urn:xmpp:attention:0"
JMI = "urn:xmpp:jingle-message:0"
JINGLE = "urn:xmpp:jingle:1"
RTP = "urn:xmpp:jingle:apps:rtp:1"

# Each run writes its arguments after the first (the directory), one a
# line, into a file of its own in that directory.
RECORDER = """#!/bin/sh
dir=$1
shift
name="run.$(date +%s%N).$$"
printf '%s\\n' "$@" > "$dir/.$name"
mv "$dir/.$name" "$dir/$name"
"""


class Recorder:
    """A command natter runs (sound_cmd, play_cmd) and its runs."""

    def __init__(self, tmp_path, name):
        self.dir = str(tmp_path / ("%s runs" % name))
        os.mkdir(self.dir)
        self.script = str(tmp_path / ("%s me.sh" % name))
        with open(self.script, "w", encoding="ascii") as f:
            f.write(RECORDER)
        os.chmod(self.script, stat.S_IRWXU)

    def cmd(self, *words):
        return " ".join(["'%s'" % self.script, "'%s'" % self.dir] +
                        list(words))

    def runs(self):
        names = sorted((n for n in os.listdir(self.dir)
                        if n.startswith("run.")),
                       key=lambda n: tuple(int(p) for p in n.split(".")[1:]))
        out = []
        for name in names:
            with open(os.path.join(self.dir, name), encoding="utf-8") as f:
                out.append(f.read().split("\n")[:-1])
        return out

    def wait_runs(self, n):
        return harness.wait_value(lambda: len(self.runs()) >= n and
                                  self.runs(), "%d run(s)" % n)


@pytest.fixture
def friends(prosody, accounts):
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "bob"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


def start(write_rc, start_natter, **opts):
    rc = write_rc()
    with open(rc, "a", encoding="utf-8") as f:
        for key, value in opts.items():
            f.write('%s = "%s"\n' % (key, value.replace("\\", "\\\\")
                                     .replace('"', '\\"')))
    pane = start_natter(rc)
    pane.wait_for(CONNECTED)
    return pane


def test_buzz_both_ways_and_event_sounds(friends, write_rc, start_natter,
                                         make_peer, alice, tmp_path):
    sound = Recorder(tmp_path, "sound")
    natter = start(write_rc, start_natter, sound_cmd=sound.cmd(),
                   sound_buzz="/snd/buzz.oga",
                   sound_message="/snd/message.oga",
                   sound_subscribe="/snd/subscribe.oga")
    bob = make_peer("bob", plugins=("xep_0224",))
    carol = make_peer("carol", plugins=("xep_0224",))
    natter.wait_for(r"\bbob\b")    # in the roster pane

    # advertised, and the caps hash of natter's presence still matches
    # what disco#info lists (XEP-0115: features sorted, hashed)
    reply, idents, feats = bob.disco_info(alice.full_jid)
    assert ATTENTION in feats
    caps = harness.wait_value(lambda: [
        c for p in bob.presences if p.get("from") == alice.full_jid
        for c in p if c.tag == "{http://jabber.org/protocol/caps}c"],
        "natter's presence with caps")[0]
    text = "".join("%s/%s//%s<" % (cat, typ, name or "")
                   for cat, typ, name in sorted(idents))
    text += "".join(f + "<" for f in sorted(feats))
    ver = base64.b64encode(hashlib.sha1(text.encode()).digest()).decode()
    assert caps.get("ver") == ver

    # /buzz: bob's client sees an attention request
    buzzed = []
    bob.call_soon(lambda: bob.client.add_event_handler(
        "attention", lambda msg: buzzed.append(str(msg["from"]))))
    natter.send_keys("/buzz %s" % BOB)
    natter.wait_for(r"You buzzed bob")
    assert harness.wait_value(lambda: buzzed, "bob's attention event") == \
        ["alice@localhost/natter"]

    # bob's buzz rings: sound_cmd with sound_buzz's file
    bob.call_soon(lambda: bob.client["xep_0224"].request_attention(
        alice.full_jid))
    assert sound.wait_runs(1) == [["/snd/buzz.oga"]]
    # again within 30 s, and a stranger's: nothing more
    bob.call_soon(lambda: bob.client["xep_0224"].request_attention(
        alice.full_jid))
    harness.round_trip(natter, bob, alice.full_jid)
    carol.call_soon(lambda: carol.client["xep_0224"].request_attention(
        alice.full_jid))
    harness.round_trip(natter, carol, alice.full_jid)
    assert sound.runs() == [["/snd/buzz.oga"]]

    # a message in a window not shown plays sound_message's file
    bob.send_message(alice.full_jid, "are you there?")
    assert sound.wait_runs(2)[1] == ["/snd/message.oga"]

    natter.send_keys("/query %s" % BOB)
    screen = natter.wait_for(r"are you there\?")
    assert natter.count(r"bob buzzes you", screen) == 1, screen
    assert "carol" not in natter.console(screen)
    # in the window shown, a message plays nothing
    bob.send_message(alice.full_jid, "hello again")
    natter.wait_for(r"hello again")
    harness.round_trip(natter, bob, alice.full_jid)
    assert len(sound.runs()) == 2
    # a subscription request plays sound_subscribe
    carol.send_presence(to=alice.jid, ptype="subscribe")
    assert sound.wait_runs(3)[2] == ["/snd/subscribe.oga"]
    natter.send_alt("1")
    natter.wait_for(r"carol@localhost asks to see your presence")


def propose(call_id, media="audio"):
    return ("<propose xmlns='%s' id='%s'><description xmlns='%s' "
            "media='%s'/></propose><store xmlns='urn:xmpp:hints'/>"
            % (JMI, call_id, RTP, media))


def jmi_of(el, name):
    return el.find("{%s}%s" % (JMI, name))


def test_call_proposal_declined_retracted(friends, write_rc, start_natter,
                                          make_peer, alice, tmp_path):
    sound = Recorder(tmp_path, "sound")
    natter = start(write_rc, start_natter, sound_cmd=sound.cmd(),
                   sound_call="/snd/ring.oga")
    bob = make_peer("bob")
    carol = make_peer("carol")
    natter.wait_for(r"\bbob\b")

    bob.send_raw(harness.message_xml(alice.jid, extra=propose("call-1")))
    natter.wait_for(harness.fuzzy("bob is calling (audio)… natter cannot "
                                  "carry audio yet"))
    assert sound.wait_runs(1) == [["/snd/ring.oga"]]
    natter.send_keys("/decline busy <now>")
    natter.wait_for(r"You declined the call from bob \(busy <now>\)")
    el = bob.wait_stanza("message", lambda m: jmi_of(m, "reject")
                         is not None, "the <reject/>")
    reject = jmi_of(el, "reject")
    assert reject.get("id") == "call-1"
    reason = reject.find("{%s}reason" % JINGLE)
    assert reason.find("{%s}decline" % JINGLE) is not None
    assert reason.find("{%s}text" % JINGLE).text == "busy <now>"
    natter.send_keys("/decline")
    natter.wait_for(r"No call rings")

    # the next one: a stranger cannot retract it, the caller can
    bob.send_raw(harness.message_xml(alice.jid, extra=propose("call-2",
                                                              "video")))
    natter.wait_for(r"bob is calling \(video\)")
    carol.send_raw(harness.message_xml(
        alice.jid, extra="<retract xmlns='%s' id='call-2'/>" % JMI))
    screen = harness.round_trip(natter, carol, alice.full_jid)
    assert "ended" not in screen, screen
    bob.send_raw(harness.message_xml(
        alice.jid, extra="<retract xmlns='%s' id='call-2'><reason "
        "xmlns='%s'><cancel/><text>gone&#10;FAKE\u202e red</text>"
        "</reason></retract>" % (JMI, JINGLE)))
    screen = natter.wait_for(r"Call from bob ended: bob hung up "
                             r"\(gone ?FAKE red\)")
    assert not re.search(r"^\s*FAKE", screen, re.M), screen
    natter.send_keys("/decline")
    natter.wait_for(r"No call rings")


def jingle_xml(action, sid, content=True):
    inner = ""
    if content:
        inner = ("<content creator='initiator' name='voice'><description "
                 "xmlns='%s' media='audio'/></content>" % RTP)
    return ("<jingle xmlns='%s' action='%s' initiator='%%s' sid='%s'>%s"
            "</jingle>" % (JINGLE, action, sid, inner))


def test_jingle_session_shown_and_ended(friends, write_rc, start_natter,
                                        make_peer, alice):
    natter = start(write_rc, start_natter)
    bob = make_peer("bob")
    carol = make_peer("carol")
    natter.wait_for(r"\bbob\b")

    r = bob.iq_set(alice.full_jid,
                   jingle_xml("session-initiate", "s-1") % bob.jid)
    assert r.type == "result", r
    natter.wait_for(r"bob is calling \(audio\)")
    r = bob.iq_set(alice.full_jid,
                   jingle_xml("session-terminate", "s-1", False) % bob.jid)
    assert r.type == "result", r
    natter.wait_for(r"Call from bob ended: bob hung up")
    # a stranger's call is none of natter's business
    r = carol.iq_set(alice.full_jid,
                     jingle_xml("session-initiate", "s-2") % carol.jid)
    assert (r.type, r.condition) == ("error", "service-unavailable"), r
    # and the ended session is unknown now
    r = bob.iq_set(alice.full_jid,
                   jingle_xml("session-terminate", "s-1", False) % bob.jid)
    assert r.type == "error", r
    # /decline: a session-terminate with <decline/> and the reason
    terminates = []

    def install():
        import copy
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath

        def got(iq):
            terminates.append(copy.deepcopy(iq.xml))
            iq.reply().send()
        bob.client.register_handler(Callback(
            "jingle", MatchXPath("{jabber:client}iq/{%s}jingle" % JINGLE),
            got))
    bob.call_soon(install)
    r = bob.iq_set(alice.full_jid,
                   jingle_xml("session-initiate", "s-3") % bob.jid)
    assert r.type == "result", r
    natter.wait_until(lambda s: natter.count(r"bob is calling", s) == 2,
                      "the second call")
    natter.send_keys("/decline not now")
    natter.wait_for(r"You declined the call from bob \(not now\)")
    el = harness.wait_value(lambda: terminates and terminates[0],
                            "the session-terminate")
    assert el.get("type") == "set"
    jingle = el.find("{%s}jingle" % JINGLE)
    assert (jingle.get("action"), jingle.get("sid")) == \
        ("session-terminate", "s-3")
    reason = jingle.find("{%s}reason" % JINGLE)
    assert reason.find("{%s}decline" % JINGLE) is not None
    assert reason.find("{%s}text" % JINGLE).text == "not now"
    natter.send_keys("/decline")
    natter.wait_for(r"No call rings")


class VoiceHandler(http.server.BaseHTTPRequestHandler):
    BODY = b"OggS fake voice message"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if not self.path.startswith("/voice/"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "audio/ogg")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)


@pytest.fixture
def voice_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), VoiceHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_play_downloads_then_plays_without_shell(write_rc, start_natter,
                                                 make_peer, alice, tmp_path,
                                                 voice_server):
    player = Recorder(tmp_path, "player")
    downloads = tmp_path / "dl"
    downloads.mkdir()
    natter = start(write_rc, start_natter, download_dir=str(downloads),
                   play_cmd=player.cmd("--first 'two words'"))
    bob = make_peer("bob")
    url = voice_server + "/voice/$(touch%20pwned);x%20'q'.oga"
    bob.send_message(alice.full_jid, "listen: %s" % url)
    natter.wait_until(lambda s: "bob@localhost(1)" in natter.status_bar(s),
                      "bob's message")
    natter.send_keys("/win 2")
    natter.wait_for(r"listen:")
    natter.send_keys("/play 1")
    natter.wait_for(r"Playing it once transfer 1 is done")
    name = "$(touch pwned);x 'q'.oga"
    path = str(downloads / name)
    natter.wait_for(r"Playing %s" % re.escape(path))
    runs = player.wait_runs(1)
    assert runs == [["--first", "two words", path]], runs
    with open(path, "rb") as f:
        assert f.read() == VoiceHandler.BODY
    # played again from the file, not fetched again; and by transfer
    natter.send_keys("/play 1")
    natter.wait_for(r"Playing %s" % re.escape(url))
    natter.send_keys("/play --transfer 1")
    assert player.wait_runs(3)[1:] == [["--first", "two words", path]] * 2
    assert os.listdir(str(downloads)) == [name]
    for where in (os.getcwd(), str(tmp_path), player.dir):
        assert not os.path.exists(os.path.join(where, "pwned"))


def carbons_on(natter, tries=50):
    """Asks /carbons until natter says they are on."""
    on, other = r"message carbons on\s*$", r"message carbons (?!on\s*$)"
    for _ in range(tries):
        natter.send_keys("/carbons")
        screen = natter.barrier()
        if natter.last_of([on, other], screen) == on:
            return
    raise AssertionError("carbons never came on:\n" + natter.screen())


@pytest.mark.prosody(modules=["carbons"])
def test_call_answered_or_rejected_elsewhere(friends, write_rc, start_natter,
                                             make_peer, alice):
    natter = start(write_rc, start_natter)
    phone = make_peer("alice", resource="phone")
    bob = make_peer("bob")
    carbons_on(natter)

    # the phone takes it (XEP-0353 <proceed/> to the caller: a carbon)
    bob.send_raw(harness.message_xml(alice.jid, extra=propose("c-1")))
    natter.wait_for(r"bob is calling \(audio\)")
    phone.send_raw(harness.message_xml(
        BOB, extra="<proceed xmlns='%s' id='c-1'/>" % JMI))
    natter.wait_for(r"Call from bob answered on another device")
    # the phone refuses the next
    bob.send_raw(harness.message_xml(alice.jid, extra=propose("c-2")))
    natter.wait_until(lambda s: natter.count(r"bob is calling", s) == 2,
                      "the second call")
    phone.send_raw(harness.message_xml(
        BOB, extra="<reject xmlns='%s' id='c-2'><reason xmlns='%s'><busy/>"
        "</reason></reject>" % (JMI, JINGLE)))
    natter.wait_for(r"Call from bob declined on another device")
    # an older client's <accept/>, sent to our own bare JID
    bob.send_raw(harness.message_xml(alice.jid, extra=propose("c-3")))
    natter.wait_until(lambda s: natter.count(r"bob is calling", s) == 3,
                      "the third call")
    phone.send_raw(harness.message_xml(
        alice.jid, extra="<accept xmlns='%s' id='c-3'/>" % JMI))
    natter.wait_until(lambda s: natter.count(r"answered on another device",
                                             s) == 2, "answered again")
    # bob cannot pretend to be alice's other device
    bob.send_raw(harness.message_xml(alice.jid, extra=propose("c-4")))
    natter.wait_until(lambda s: natter.count(r"bob is calling", s) == 4,
                      "the fourth call")
    bob.send_raw(harness.message_xml(
        alice.jid, extra="<accept xmlns='%s' id='c-4'/>" % JMI))
    screen = harness.round_trip(natter, bob, alice.full_jid)
    assert natter.count(r"answered on another device", screen) == 2, screen
    natter.send_keys("/decline")
    natter.wait_for(r"You declined the call from bob")
