"""Jingle File Transfer received (xmpp/p2p.c): XEP-0234 over in-band
bytestreams (XEP-0261).

A slixmpp peer sends alice a raw Jingle session-initiate offering a file
with its SHA-256 (XEP-0300); natter acknowledges it and shows the same
offer dialog as for stream initiation. Accepting sends a session-accept
with the IBB transport; the peer then opens the in-band stream with
slixmpp's xep_0047 and sends the bytes; natter checks the hash, keeps the
file and ends the session with <success/>. A wrong hash keeps nothing
and ends it with an error; a declined offer ends it with <decline/>.
natter advertises the feature in disco#info.
"""

import asyncio
import base64
import copy
import hashlib
import os
import re
import threading
import xml.etree.ElementTree as ET

import harness
import natterdemo
from test_p2p import (  # noqa: F401 - fixtures
    befriend, downloads, open_dialog, prosody, send_ibb, start)

NATTER = "alice@localhost/natter"
JINGLE = "urn:xmpp:jingle:1"
JFT = "urn:xmpp:jingle:apps:file-transfer:5"
JIBB = "urn:xmpp:jingle:transports:ibb:1"
HASHES = "urn:xmpp:hashes:2"


def jingle_peer(make_peer):
    """bob with xep_0047, recording the Jingle IQ sets it gets (and
    answering them)."""
    bob = make_peer("bob", plugins=("xep_0047",))
    bob.jingles = []

    def setup():
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath

        def on_jingle(iq):
            bob.jingles.append(copy.deepcopy(iq.xml))
            iq.reply().send()
        bob.client.register_handler(Callback(
            "peer: jingle", MatchXPath("{jabber:client}iq/{%s}jingle"
                                       % JINGLE), on_jingle))
    bob.call_soon(setup)
    return bob


def wait_action(bob, action):
    """The first Jingle IQ bob got with this action, as an Element."""
    def found():
        for el in list(bob.jingles):
            j = el.find("{%s}jingle" % JINGLE)
            if j is not None and j.get("action") == action:
                return j
        return None
    harness.wait_value(found, "a %s" % action)
    return found()


def initiate(sid, ibb_sid, name, size, digest=None, desc=None):
    hash_ = ("<hash xmlns='%s' algo='sha-256'>%s</hash>"
             % (HASHES, base64.b64encode(digest).decode())
             if digest else "")
    return ("<jingle xmlns='%s' action='session-initiate' sid='%s' "
            "initiator='bob@localhost/peer'>"
            "<content creator='initiator' name='a-file' senders='initiator'>"
            "<description xmlns='%s'><file><name>%s</name><size>%d</size>"
            "%s%s</file></description>"
            "<transport xmlns='%s' sid='%s' block-size='4096'/>"
            "</content></jingle>" % (
                JINGLE, sid, JFT, name, size,
                "<desc>%s</desc>" % desc if desc else "", hash_,
                JIBB, ibb_sid))


def reason_of(jingle):
    r = jingle.find("{%s}reason" % JINGLE)
    assert r is not None, ET.tostring(jingle)
    return [harness.local(c.tag) for c in r]


def test_jingle_receive(prosody, write_rc, start_natter, downloads,
                        make_peer):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = jingle_peer(make_peer)
    _, _, feats = bob.disco_info(NATTER)
    assert {JINGLE, JFT, JIBB, HASHES} <= feats
    data = os.urandom(30 * 1024 + 3)
    digest = hashlib.sha256(data).digest()
    reply = bob.iq_set(NATTER, initiate("j1", "i1", "song.ogg", len(data),
                                        digest, desc="a tune"))
    assert reply.type == "result", reply
    natter.wait_for(r"bob@localhost/peer offers you the file song\.ogg")
    screen = open_dialog(natter)
    assert "Name: song.ogg" in screen
    assert "SHA-256: %s" % digest.hex() in screen
    assert "Description: a tune" in screen
    harness.keys(natter, "C-s")
    acc = wait_action(bob, "session-accept")
    assert acc.get("sid") == "j1"
    tr = acc.find("{%s}content/{%s}transport" % (JINGLE, JIBB))
    assert tr is not None and tr.get("sid") == "i1"
    send_ibb(bob, "i1", data)
    natter.wait_for(r"Transfer 1 done: saved as %s/song\.ogg"
                    % re.escape(downloads))
    with open(os.path.join(downloads, "song.ogg"), "rb") as f:
        assert f.read() == data
    assert reason_of(wait_action(bob, "session-terminate")) == ["success"]


def test_jingle_wrong_hash(prosody, write_rc, start_natter, downloads,
                           make_peer):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = jingle_peer(make_peer)
    data = os.urandom(9000)
    wrong = hashlib.sha256(b"something else").digest()
    assert bob.iq_set(NATTER, initiate("j2", "i2", "x.bin", len(data),
                                       wrong)).type == "result"
    open_dialog(natter)
    harness.keys(natter, "C-s")
    wait_action(bob, "session-accept")
    send_ibb(bob, "i2", data)
    natter.wait_for(r"Transfer 1 failed: its SHA256 hash is not the one "
                    r"the sender gave")
    assert os.listdir(downloads) == []
    term = wait_action(bob, "session-terminate")
    assert reason_of(term)[0] == "media-error"


def test_jingle_checksum_later(prosody, write_rc, start_natter, downloads,
                               make_peer):
    """The hash may come in a session-info <checksum/> instead, after
    the bytes."""
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = jingle_peer(make_peer)
    data = os.urandom(5000)
    for n, digest in ((1, hashlib.sha256(data).digest()),
                      (2, hashlib.sha256(b"no").digest())):
        assert bob.iq_set(NATTER, initiate("j4%d" % n, "i4%d" % n,
                                           "y%d.bin" % n, len(data))
                          ).type == "result"
        open_dialog(natter)
        harness.keys(natter, "C-s")
        wait_action(bob, "session-accept")
        stream = send_ibb(bob, "i4%d" % n, data, close=False)
        reply = bob.iq_set(NATTER, (
            "<jingle xmlns='%s' action='session-info' sid='j4%d'>"
            "<checksum xmlns='%s' creator='initiator' name='a-file'><file>"
            "<hash xmlns='%s' algo='sha-256'>%s</hash></file></checksum>"
            "</jingle>" % (JINGLE, n, JFT, HASHES,
                           base64.b64encode(digest).decode())))
        assert reply.type == "result", reply

        async def close():
            await stream.close(timeout=20)
        bob.run(close, 30)
        bob.jingles.clear()
    natter.wait_for(r"Transfer 1 done: saved as %s/y1\.bin"
                    % re.escape(downloads))
    natter.wait_for(r"Transfer 2 failed: its SHA256 hash is not the one")
    assert os.listdir(downloads) == ["y1.bin"]


def test_jingle_decline(prosody, write_rc, start_natter, downloads,
                        make_peer):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = jingle_peer(make_peer)
    assert bob.iq_set(NATTER, initiate("j3", "i3", "no.txt", 10)
                      ).type == "result"
    open_dialog(natter)
    harness.keys(natter, "Escape")
    term = wait_action(bob, "session-terminate")
    assert term.get("sid") == "j3"
    assert reason_of(term) == ["decline"]
    # an unknown session is not ours: refused
    reply = bob.iq_set(NATTER, "<jingle xmlns='%s' action='session-info' "
                       "sid='nope'/>" % JINGLE)
    assert reply.type == "error"


def jingle_receiver(make_peer, answer):
    """bob's client says it takes Jingle files in band; answer(bob, j)
    is called (in bob's loop) with each session-initiate it gets."""
    bob = jingle_peer(make_peer)
    bob.got = {}
    bob.done = threading.Event()

    def setup():
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath
        for feat in (JFT, JIBB):
            bob.client["xep_0030"].add_feature(feat)
        bob.client["xep_0047"].auto_accept = True

        def on_initiate(iq):
            j = iq.xml.find("{%s}jingle" % JINGLE)
            if j is not None and j.get("action") == "session-initiate":
                answer(bob, j)

        def on_stream(stream):
            async def collect():
                bob.got["data"] = await stream.gather(timeout=60)
                bob.done.set()
            asyncio.ensure_future(collect())
        bob.client.register_handler(Callback(
            "peer: jingle initiate", MatchXPath(
                "{jabber:client}iq/{%s}jingle" % JINGLE), on_initiate))
        bob.client.add_event_handler("ibb_stream_start", on_stream)
    bob.call_soon(setup)
    return bob


def accept(bob, j):
    tr = j.find("{%s}content/{%s}transport" % (JINGLE, JIBB))
    bob.send_raw(
        "<iq type='set' to='%s' id='acc1'><jingle xmlns='%s' "
        "action='session-accept' sid='%s' responder='%s'>"
        "<content creator='initiator' name='a-file'>"
        "<description xmlns='%s'/><transport xmlns='%s' sid='%s' "
        "block-size='2048'/></content></jingle></iq>"
        % (NATTER, JINGLE, j.get("sid"), bob.jid, JFT, JIBB,
           tr.get("sid")))


def decline(bob, j):
    bob.send_raw(
        "<iq type='set' to='%s' id='dec1'><jingle xmlns='%s' "
        "action='session-terminate' sid='%s'><reason><decline/>"
        "</reason></jingle></iq>" % (NATTER, JINGLE, j.get("sid")))


def test_jingle_send(prosody, write_rc, start_natter, downloads, make_peer,
                     tmp_path):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = jingle_receiver(make_peer, accept)
    data = os.urandom(20 * 1024 + 9)
    path = tmp_path / "movie clip.bin"
    path.write_bytes(data)
    natter.wait_for(r"bob@localhost")
    natter.send_keys("/sendfile --p2p bob@localhost %s" % path)
    natter.wait_for(r"Transfer 1 done: movie clip\.bin sent to "
                    r"bob@localhost/peer")
    assert bob.done.wait(30), "bob got no end of stream"
    assert bob.got["data"] == data
    ini = wait_action(bob, "session-initiate")
    f = ini.find("{%s}content/{%s}description/{%s}file" % (JINGLE, JFT, JFT))
    assert f.findtext("{%s}name" % JFT) == "movie clip.bin"
    assert int(f.findtext("{%s}size" % JFT)) == len(data)
    info = wait_action(bob, "session-info")
    h = info.find("{%s}checksum/{%s}file/{%s}hash" % (JFT, JFT, HASHES))
    assert h.get("algo") == "sha-256"
    assert base64.b64decode(h.text) == hashlib.sha256(data).digest()
    assert reason_of(wait_action(bob, "session-terminate")) == ["success"]


def test_jingle_send_declined(prosody, write_rc, start_natter, downloads,
                              make_peer, tmp_path):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    jingle_receiver(make_peer, decline)
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello")
    natter.send_keys("/sendfile --p2p bob@localhost/peer %s" % path)
    natter.wait_for(r"Transfer 1 failed: bob@localhost/peer declined the "
                    r"offer$")


def test_jingle_cancel_and_terminated(prosody, write_rc, start_natter,
                                      downloads, make_peer):
    """/cancel ends the session in words; a sender ending it ends the
    transfer with its reason."""
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = jingle_peer(make_peer)
    data = os.urandom(40 * 1024)
    assert bob.iq_set(NATTER, initiate("j5", "i5", "one.bin", len(data))
                      ).type == "result"
    open_dialog(natter)
    harness.keys(natter, "C-s")
    wait_action(bob, "session-accept")
    send_ibb(bob, "i5", data, chunks=2, close=False)
    natter.wait_for(r"Transfer 1: one\.bin from bob@localhost/peer: ")
    natter.send_keys("/cancel 1")
    natter.wait_for(r"Transfer 1 cancelled")
    term = wait_action(bob, "session-terminate")
    assert term.get("sid") == "j5" and reason_of(term)[0] == "cancel"
    assert os.listdir(downloads) == []
    bob.jingles.clear()
    # the sender gives up
    assert bob.iq_set(NATTER, initiate("j6", "i6", "two.bin", len(data))
                      ).type == "result"
    open_dialog(natter)
    harness.keys(natter, "C-s")
    wait_action(bob, "session-accept")
    send_ibb(bob, "i6", data, chunks=2, close=False)
    reply = bob.iq_set(NATTER, (
        "<jingle xmlns='%s' action='session-terminate' sid='j6'><reason>"
        "<media-error/><text>disk full</text></reason></jingle>" % JINGLE))
    assert reply.type == "result", reply
    natter.wait_for(r"Transfer 2 failed: bob@localhost/peer ended the "
                    r"session \(media-error\): disk full")
    assert os.listdir(downloads) == []


def test_jingle_natter_to_natter(prosody, accounts, write_rc, start_natter,
                                 downloads, natter_bin, tmp_path):
    """Two natters: alice's sends bob's a file with Jingle in band, the
    SHA-256 in a checksum; bob's keeps it."""
    befriend(prosody, "bob")
    alice = start(write_rc, start_natter, downloads)
    bob = accounts["bob"]
    xdg = harness.Xdg.make(tmp_path / "bob")
    bob_dl = tmp_path / "bob-dl"
    bob_dl.mkdir()
    rc = natterdemo.write_natterrc(xdg.natterrc, {
        "test": natterdemo.natter_account(
            jid=bob.jid, password=bob.password, port=prosody.c2s_port,
            resource="natter")})
    with open(rc, "a", encoding="utf-8") as f:
        f.write('download_dir = "%s"\n' % bob_dl)
    pane = harness.NatterPane([natter_bin, "-c", rc], xdg.env())
    pane.start()
    try:
        pane.wait_for(r"connected as bob@localhost/natter")
        data = os.urandom(60 * 1024 + 1)
        path = tmp_path / "both.bin"
        path.write_bytes(data)
        alice.send_keys("/sendfile --p2p bob@localhost/natter %s" % path)
        open_dialog(pane, who="alice@localhost")
        harness.keys(pane, "C-s")
        alice.wait_for(r"Transfer 1 done: both\.bin sent to "
                       r"bob@localhost/natter")
        pane.wait_for(r"Transfer 1 done: saved as %s/both\.bin"
                      % re.escape(str(bob_dl)))
        with open(bob_dl / "both.bin", "rb") as f:
            assert f.read() == data
    finally:
        bad = pane.finish()
    assert not bad, bad
