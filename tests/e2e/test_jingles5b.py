"""Jingle File Transfer over SOCKS5 bytestreams (xmpp/jingles5b.c,
XEP-0260), with in-band bytestreams (XEP-0261) as the fallback.

Two natters (alice's sends, bob's receives) offer each other
candidates: a direct one (a listener on loopback) and Prosody's proxy65,
found by disco. Each connects to the other's, says which one answered
(candidate-used) and both pick the same; a proxy picked is activated by
whoever offered it. The file then goes over that one connection and its
SHA-256 (XEP-0300), computed as it is read, comes in a checksum: the
receiver keeps the file only when it matches. With p2p_direct = false
neither offers nor tries a direct connection (the proxy carries it);
with no proxy either, nothing connects and alice replaces the transport
with in-band bytestreams (transport-replace), which bob accepts.

A raw slixmpp initiator checks the receiving side against a streamhost
of the test's own: a connection cut mid-transfer and a wrong hash are
reported and keep nothing; candidates that all fail end in candidate-
error, then the initiator's transport-replace is taken and the file
comes in band. A raw responder checks the sending side: it uses
natter's direct candidate (the whole file, the checksum, its success
ends the transfer; or it hangs up mid-transfer, which is reported), or
offers a dead candidate, and natter falls back to in band. Which
connection carried the bytes is read from natter's debug log.
"""

import asyncio
import base64
import copy
import hashlib
import os
import re
import threading
import xml.etree.ElementTree as ET

import pytest

import harness
import natterdemo
from test_p2p import (  # noqa: F401 - fixtures
    PROXY, S5Host, befriend, downloads, open_dialog, recv_exactly, s5_hash,
    s5_connect, send_ibb)

NATTER = "alice@localhost/natter"
BOB_NATTER = "bob@localhost/natter"
JINGLE = "urn:xmpp:jingle:1"
JFT = "urn:xmpp:jingle:apps:file-transfer:5"
JIBB = "urn:xmpp:jingle:transports:ibb:1"
JS5B = "urn:xmpp:jingle:transports:s5b:1"
HASHES = "urn:xmpp:hashes:2"


@pytest.fixture
def prosody(request):
    """The private Prosody, with mod_proxy65 as proxy.localhost unless
    the test is parametrized with False."""
    proxy = getattr(request, "param", True)
    server = natterdemo.PrivateProsody(domain="localhost")
    if proxy:
        port = natterdemo.free_ports(1)[0]
        with open(server.config_path, encoding="utf-8") as f:
            cfg = f.read()
        glob = ('proxy65_ports = { %d }\nproxy65_interfaces = '
                '{ "127.0.0.1" }\n' % port)
        cfg = cfg.replace("\nVirtualHost", "\n" + glob + "\nVirtualHost", 1)
        cfg += ('\nComponent "%s" "proxy65"\n'
                '    proxy65_address = "127.0.0.1"\n' % PROXY)
        with open(server.config_path, "w", encoding="utf-8") as f:
            f.write(cfg)
        server.proxy_port = port
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


def log_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Natter:
    """One natter for user, its downloads and debug log under base."""

    def __init__(self, prosody, accounts, natter_bin, base, user,
                 direct=True):
        acc = accounts[user]
        xdg = harness.Xdg.make(base / user)
        self.dl = base / ("%s-dl" % user)
        self.dl.mkdir()
        self.log = str(base / ("%s-debug.log" % user))
        rc = natterdemo.write_natterrc(xdg.natterrc, {
            "test": natterdemo.natter_account(
                jid=acc.jid, password=acc.password, port=prosody.c2s_port,
                resource="natter")})
        with open(rc, "a", encoding="utf-8") as f:
            f.write('download_dir = "%s"\n' % self.dl)
            f.write('debug = true\ndebug_log = "%s"\n' % self.log)
            if not direct:
                f.write("p2p_direct = false\n")
        self.pane = harness.NatterPane([natter_bin, "-c", rc], xdg.env())
        self.pane.start()
        self.pane.wait_for(r"connected as %s/natter" % re.escape(acc.jid))

    def opened(self):
        """How the Jingle SOCKS5 stream opened, from the debug log:
        (whose, type), or None."""
        m = re.search(r"Jingle SOCKS5 stream \S+ open over (our|their) "
                      r"(direct|proxy) candidate", log_text(self.log))
        return m.groups() if m else None


@pytest.fixture
def two(prosody, accounts, natter_bin, tmp_path):
    """Returns make(direct_alice, direct_bob) -> (alice, bob) natters,
    friends; both are finished (and must exit cleanly) after the
    test."""
    made = []

    def make(direct_alice=True, direct_bob=True):
        befriend(prosody, "bob")
        for user, direct in (("alice", direct_alice), ("bob", direct_bob)):
            made.append(Natter(prosody, accounts, natter_bin, tmp_path,
                               user, direct))
        return made
    yield make
    bad = [n.pane.finish() for n in made]
    assert not any(bad), bad


def send_file(alice, bob, tmp_path, size, name="big.bin"):
    """alice's natter sends bob's a file of size random bytes; bob
    accepts it. Returns the bytes."""
    data = os.urandom(size)
    path = tmp_path / name
    path.write_bytes(data)
    alice.pane.send_keys("/sendfile --p2p %s %s" % (BOB_NATTER, path))
    open_dialog(bob.pane, who="alice@localhost")
    harness.keys(bob.pane, "C-s")
    return data


def check_done(alice, bob, data, name="big.bin"):
    alice.pane.wait_for(r"Transfer 1 done: %s sent to %s"
                        % (re.escape(name), re.escape(BOB_NATTER)))
    bob.pane.wait_for(r"Transfer 1 done: saved as %s/%s"
                      % (re.escape(str(bob.dl)), re.escape(name)))
    with open(bob.dl / name, "rb") as f:
        assert f.read() == data


def test_s5b_direct(two, tmp_path):
    """Both offer a direct candidate and the proxy; the direct ones
    win, the same one on both sides (the initiator's choice)."""
    alice, bob = two()
    data = send_file(alice, bob, tmp_path, 2 * 1024 * 1024 + 17)
    check_done(alice, bob, data)
    # alice used bob's listener: the initiator's choice on a tie
    assert alice.opened() == ("their", "direct"), log_text(alice.log)
    assert bob.opened() == ("our", "direct"), log_text(bob.log)
    text = log_text(bob.log)
    assert "urn:xmpp:jingle:transports:s5b:1" in text
    assert "<candidate-used" in text
    # the SHA-256 came in a checksum, and it was checked
    assert re.search(r"<checksum[^>]*>.*%s" % re.escape(base64.b64encode(
        hashlib.sha256(data).digest()).decode()), text, re.S)


def test_s5b_proxy(two, tmp_path):
    """With p2p_direct = false on both sides only the proxy is offered
    and tried: bob's proxy candidate (the initiator used it) is
    activated by bob, then the file goes through the proxy."""
    alice, bob = two(direct_alice=False, direct_bob=False)
    data = send_file(alice, bob, tmp_path, 700 * 1024 + 5)
    check_done(alice, bob, data)
    assert alice.opened() == ("their", "proxy"), log_text(alice.log)
    assert bob.opened() == ("our", "proxy"), log_text(bob.log)
    text = log_text(bob.log)
    assert "<activate>%s</activate>" % NATTER in text
    assert "<activated" in text
    # no direct candidate was offered by either
    assert 'type="direct"' not in text and 'type="proxy"' in text


def test_s5b_proxy_one_side(two, tmp_path):
    """Only alice keeps her address: she offers only the proxy and does
    not try bob's direct candidate (connecting would tell him her
    address); both use a proxy, and on the tie alice's choice (bob's
    proxy candidate) wins: bob activates it."""
    alice, bob = two(direct_alice=False, direct_bob=True)
    data = send_file(alice, bob, tmp_path, 300 * 1024)
    check_done(alice, bob, data)
    assert alice.opened() == ("their", "proxy"), log_text(alice.log)
    assert bob.opened() == ("our", "proxy"), log_text(bob.log)
    assert "<activate>%s</activate>" % NATTER in log_text(bob.log)
    sent = [line for line in log_text(alice.log).splitlines()
            if "SENT:" in line and "session-initiate" in line]
    assert len(sent) == 1 and 'type="proxy"' in sent[0]
    assert 'type="direct"' not in sent[0]
    got = [line for line in log_text(alice.log).splitlines()
           if "RECV:" in line and "session-accept" in line]
    assert len(got) == 1 and 'type="direct"' in got[0]


@pytest.mark.parametrize("prosody", [False], indirect=True)
def test_s5b_fallback_in_band(two, tmp_path):
    """No proxy and no direct candidate: both say candidate-error, alice
    replaces the transport with in-band bytestreams and the file comes
    whole, its hash checked."""
    alice, bob = two(direct_alice=False, direct_bob=False)
    data = send_file(alice, bob, tmp_path, 50 * 1024 + 1)
    check_done(alice, bob, data)
    assert alice.opened() is None and bob.opened() is None
    text = log_text(bob.log)
    assert "<candidate-error" in text
    assert "transport-replace" in text and "transport-accept" in text
    assert JIBB in text


# -- a raw initiator (slixmpp) against natter receiving -----------------------

def raw_peer(make_peer):
    """bob with xep_0047, recording the Jingle IQ sets it gets."""
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


def wait_jingle(bob, test, what):
    def found():
        for el in list(bob.jingles):
            j = el.find("{%s}jingle" % JINGLE)
            if j is not None and test(j):
                return j
        return None
    harness.wait_value(found, what)
    return found()


def action_is(action):
    return lambda j: j.get("action") == action


def info_with(name):
    return lambda j: (j.get("action") == "transport-info" and j.find(
        "{%s}content/{%s}transport/{%s}%s" % (JINGLE, JS5B, JS5B, name))
        is not None)


def initiate_s5b(sid, tsid, name, size, cands, digest=None):
    hash_ = ("<hash xmlns='%s' algo='sha-256'>%s</hash>"
             % (HASHES, base64.b64encode(digest).decode())
             if digest else "")
    return ("<jingle xmlns='%s' action='session-initiate' sid='%s' "
            "initiator='bob@localhost/peer'>"
            "<content creator='initiator' name='a-file' senders='initiator'>"
            "<description xmlns='%s'><file><name>%s</name><size>%d</size>"
            "%s</file></description>"
            "<transport xmlns='%s' sid='%s' mode='tcp'>%s</transport>"
            "</content></jingle>" % (
                JINGLE, sid, JFT, name, size, hash_, JS5B, tsid,
                "".join("<candidate cid='%s' host='127.0.0.1' jid='%s' "
                        "port='%d' priority='%d' type='direct'/>" % c
                        for c in cands)))


def transport_info(sid, tsid, child):
    return ("<jingle xmlns='%s' action='transport-info' sid='%s'>"
            "<content creator='initiator' name='a-file'><transport "
            "xmlns='%s' sid='%s'>%s</transport></content></jingle>"
            % (JINGLE, sid, JS5B, tsid, child))


def start_alice(prosody, write_rc, start_natter, downloads):
    befriend(prosody, "bob")
    rc = write_rc()
    with open(rc, "a", encoding="utf-8") as f:
        f.write('download_dir = "%s"\n' % downloads)
    pane = start_natter(rc)
    pane.wait_for(r"connected as alice@localhost/natter")
    return pane


def reason_of(jingle):
    r = jingle.find("{%s}reason" % JINGLE)
    assert r is not None, ET.tostring(jingle)
    return [harness.local(c.tag) for c in r]


@pytest.mark.parametrize("cut", [True, False])
def test_s5b_receive_cut_or_wrong_hash(prosody, write_rc, start_natter,
                                       downloads, make_peer, cut):
    """natter connects to the initiator's candidate (after a dead one)
    and says candidate-used with its cid; the initiator has none of
    natter's. A connection cut mid-transfer, or all the bytes with
    another hash than offered, fail the transfer and keep nothing."""
    natter = start_alice(prosody, write_rc, start_natter, downloads)
    bob = raw_peer(make_peer)
    _, _, feats = bob.disco_info(NATTER)
    assert JS5B in feats
    data = os.urandom(200 * 1024)
    digest = hashlib.sha256(b"other" if not cut else data).digest()
    host = S5Host(s5_hash("t1", bob.jid, NATTER), data,
                  cut=60000 if cut else None)
    dead = natterdemo.free_ports(1)[0]
    try:
        assert bob.iq_set(NATTER, initiate_s5b(
            "j1", "t1", "cut.bin", len(data),
            [("dead", bob.jid, dead, 8257537),
             ("good", bob.jid, host.port, 8257536)], digest)
        ).type == "result"
        open_dialog(natter)
        harness.keys(natter, "C-s")
        acc = wait_jingle(bob, action_is("session-accept"), "an accept")
        tr = acc.find("{%s}content/{%s}transport" % (JINGLE, JS5B))
        assert tr is not None and tr.get("sid") == "t1"
        cands = tr.findall("{%s}candidate" % JS5B)
        assert cands, ET.tostring(acc)
        # natter's own: its listener, and the server's proxy
        assert {c.get("type") for c in cands} == {"direct", "proxy"}
        used = wait_jingle(bob, info_with("candidate-used"), "a used")
        assert used.find(".//{%s}candidate-used" % JS5B).get("cid") == \
            "good"
        assert bob.iq_set(NATTER, transport_info(
            "j1", "t1", "<candidate-error/>")).type == "result"
        host.go.set()
        if cut:
            natter.wait_for(r"Transfer 1 failed: it ended after 60000 of "
                            r"204800 bytes")
        else:
            natter.wait_for(r"Transfer 1 failed: its SHA256 hash is not "
                            r"the one the sender gave")
    finally:
        host.close()
    assert host.error is None, host.error
    assert os.listdir(downloads) == []
    term = wait_jingle(bob, action_is("session-terminate"), "the end")
    assert reason_of(term)[0] == "media-error"


@pytest.mark.parametrize("good", [True, False])
def test_s5b_receive_checksum_after_bytes(prosody, write_rc, start_natter,
                                          downloads, make_peer, good):
    """An offer without a hash: every byte comes over SOCKS5 first, and
    natter waits for the checksum before it judges the file: kept when
    it matches, failed when it does not."""
    natter = start_alice(prosody, write_rc, start_natter, downloads)
    bob = raw_peer(make_peer)
    data = os.urandom(150 * 1024)
    host = S5Host(s5_hash("t3", bob.jid, NATTER), data)
    try:
        assert bob.iq_set(NATTER, initiate_s5b(
            "j3", "t3", "late.bin", len(data),
            [("good", bob.jid, host.port, 8257536)])).type == "result"
        open_dialog(natter)
        harness.keys(natter, "C-s")
        wait_jingle(bob, info_with("candidate-used"), "a used")
        assert bob.iq_set(NATTER, transport_info(
            "j3", "t3", "<candidate-error/>")).type == "result"
        host.go.set()
        host.thread.join(30)

        def all_in():
            natter.send_keys("/transfers")
            return "150 KiB of 150 KiB (100%)" in natter.screen()
        # every byte is in, and natter still waits (a running transfer)
        harness.wait_value(all_in, "all the bytes in")
        assert "Transfer 1 done" not in natter.screen()
    finally:
        host.close()
    assert host.error is None, host.error
    digest = hashlib.sha256(data if good else b"not it").digest()
    assert bob.iq_set(NATTER, (
        "<jingle xmlns='%s' action='session-info' sid='j3'>"
        "<checksum xmlns='%s' creator='initiator' name='a-file'><file>"
        "<hash xmlns='%s' algo='sha-256'>%s</hash></file></checksum>"
        "</jingle>" % (JINGLE, JFT, HASHES,
                       base64.b64encode(digest).decode()))).type == "result"
    term = wait_jingle(bob, action_is("session-terminate"), "the end")
    if good:
        natter.wait_for(r"Transfer 1 done: saved as %s/late\.bin"
                        % re.escape(downloads))
        assert reason_of(term) == ["success"]
    else:
        natter.wait_for(r"Transfer 1 failed: its SHA256 hash is not the "
                        r"one the sender gave")
        assert reason_of(term)[0] == "media-error"
        assert os.listdir(downloads) == []


def test_s5b_receive_fallback(prosody, write_rc, start_natter, downloads,
                              make_peer):
    """None of the initiator's candidates answers: natter says
    candidate-error; the initiator says so too and replaces the
    transport with IBB, which natter accepts; the file comes in band
    and its hash, in a checksum, is checked."""
    natter = start_alice(prosody, write_rc, start_natter, downloads)
    bob = raw_peer(make_peer)
    data = os.urandom(20 * 1024 + 7)
    dead = natterdemo.free_ports(1)[0]
    assert bob.iq_set(NATTER, initiate_s5b(
        "j2", "t2", "ibb.bin", len(data),
        [("dead", bob.jid, dead, 100), ("weird\u202e", bob.jid, 1, 99)])
    ).type == "result"
    screen = open_dialog(natter)
    assert "ibb.bin" in screen
    harness.keys(natter, "C-s")
    wait_jingle(bob, info_with("candidate-error"), "an error")
    assert bob.iq_set(NATTER, transport_info(
        "j2", "t2", "<candidate-error/>")).type == "result"
    assert bob.iq_set(NATTER, (
        "<jingle xmlns='%s' action='transport-replace' sid='j2'>"
        "<content creator='initiator' name='a-file'><transport xmlns='%s' "
        "sid='i2' block-size='4096'/></content></jingle>"
        % (JINGLE, JIBB))).type == "result"
    acc = wait_jingle(bob, action_is("transport-accept"), "an accept")
    tr = acc.find("{%s}content/{%s}transport" % (JINGLE, JIBB))
    assert tr is not None and tr.get("sid") == "i2"
    stream = send_ibb(bob, "i2", data, close=False)
    assert bob.iq_set(NATTER, (
        "<jingle xmlns='%s' action='session-info' sid='j2'>"
        "<checksum xmlns='%s' creator='initiator' name='a-file'><file>"
        "<hash xmlns='%s' algo='sha-256'>%s</hash></file></checksum>"
        "</jingle>" % (JINGLE, JFT, HASHES, base64.b64encode(
            hashlib.sha256(data).digest()).decode()))).type == "result"

    async def close():
        await stream.close(timeout=20)
    bob.run(close, 30)
    natter.wait_for(r"Transfer 1 done: saved as %s/ibb\.bin"
                    % re.escape(downloads))
    with open(os.path.join(downloads, "ibb.bin"), "rb") as f:
        assert f.read() == data
    term = wait_jingle(bob, action_is("session-terminate"), "the end")
    assert reason_of(term) == ["success"]


# -- natter sending to a raw responder (slixmpp) -------------------------------

@pytest.mark.parametrize("cut", [False, True])
def test_s5b_send_to_raw_responder(prosody, write_rc, start_natter,
                                   downloads, make_peer, tmp_path, cut):
    """A responder with no candidates of its own connects to natter's
    direct one and says candidate-used; natter, whose candidate-error
    says it reached none of the responder's (there are none), sends the
    file over that connection, then its SHA-256 in a checksum, and is
    done when the responder ends the session with success. A responder
    that hangs up mid-transfer fails the transfer with words and a
    session-terminate."""
    natter = start_alice(prosody, write_rc, start_natter, downloads)
    bob = raw_peer(make_peer)

    def setup():
        for feat in (JFT, JS5B):
            bob.client["xep_0030"].add_feature(feat)
    bob.call_soon(setup)
    # cut: more than the socket buffers on both sides can hold (up to
    # 4 MiB sending, 32 MiB receiving here), so that natter is still
    # writing when the responder hangs up
    data = os.urandom((64 if cut else 8) * 1024 * 1024 + 3)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    natter.wait_for(r"bob@localhost")
    natter.send_keys("/sendfile --p2p bob@localhost/peer %s" % path)
    ini = wait_jingle(bob, action_is("session-initiate"), "an offer")
    jsid = ini.get("sid")
    tr = ini.find("{%s}content/{%s}transport" % (JINGLE, JS5B))
    assert tr is not None, ET.tostring(ini)
    tsid = tr.get("sid")
    assert tr.get("dstaddr") == s5_hash(tsid, NATTER, bob.jid)
    cands = {c.get("type"): c for c in tr.findall("{%s}candidate" % JS5B)}
    assert set(cands) == {"direct", "proxy"}, ET.tostring(ini)
    assert cands["proxy"].get("jid") == PROXY
    assert int(cands["direct"].get("priority")) > \
        int(cands["proxy"].get("priority"))
    d = cands["direct"]
    conn = s5_connect(d.get("host"), int(d.get("port")),
                      s5_hash(tsid, NATTER, bob.jid))
    try:
        assert bob.iq_set(NATTER, (
            "<jingle xmlns='%s' action='session-accept' sid='%s' "
            "responder='%s'><content creator='initiator' name='a-file'>"
            "<description xmlns='%s'/><transport xmlns='%s' sid='%s' "
            "mode='tcp'/></content></jingle>"
            % (JINGLE, jsid, bob.jid, JFT, JS5B, tsid))).type == "result"
        wait_jingle(bob, info_with("candidate-error"), "natter's error")
        assert bob.iq_set(NATTER, transport_info(
            jsid, tsid, "<candidate-used cid='%s'/>" % d.get("cid"))
        ).type == "result"
        if cut:
            recv_exactly(conn, 100 * 1024)
            conn.close()
            natter.wait_for(r"Transfer 1 failed: (Connection reset by "
                            r"peer|Broken pipe)")
            term = wait_jingle(bob, action_is("session-terminate"),
                               "the end")
            assert reason_of(term)[0] == "connectivity-error"
            return
        assert recv_exactly(conn, len(data)) == data
        assert conn.recv(1) == b""  # natter closed it
    finally:
        conn.close()
    info = wait_jingle(bob, action_is("session-info"), "a checksum")
    h = info.find("{%s}checksum/{%s}file/{%s}hash" % (JFT, JFT, HASHES))
    assert h.get("algo") == "sha-256"
    assert base64.b64decode(h.text) == hashlib.sha256(data).digest()
    assert bob.iq_set(NATTER, (
        "<jingle xmlns='%s' action='session-terminate' sid='%s'><reason>"
        "<success/></reason></jingle>" % (JINGLE, jsid))).type == "result"
    natter.wait_for(r"Transfer 1 done: big\.bin sent to bob@localhost/peer")


def test_s5b_send_fallback_raw(prosody, write_rc, start_natter, downloads,
                               make_peer, tmp_path):
    """The responder's only candidate is dead and it reaches none of
    natter's (it does not try): both say candidate-error, natter
    replaces the transport with in-band bytestreams, and once the
    responder accepts that, sends the file in band with its checksum."""
    natter = start_alice(prosody, write_rc, start_natter, downloads)
    bob = raw_peer(make_peer)
    got = {}
    done = threading.Event()

    def setup():
        for feat in (JFT, JS5B, JIBB):
            bob.client["xep_0030"].add_feature(feat)
        bob.client["xep_0047"].auto_accept = True

        def on_stream(stream):
            async def collect():
                got["data"] = await stream.gather(timeout=60)
                done.set()
            asyncio.ensure_future(collect())
        bob.client.add_event_handler("ibb_stream_start", on_stream)
    bob.call_soon(setup)
    data = os.urandom(30 * 1024 + 1)
    path = tmp_path / "small.bin"
    path.write_bytes(data)
    natter.wait_for(r"bob@localhost")
    natter.send_keys("/sendfile --p2p bob@localhost/peer %s" % path)
    ini = wait_jingle(bob, action_is("session-initiate"), "an offer")
    jsid = ini.get("sid")
    tsid = ini.find("{%s}content/{%s}transport" % (JINGLE, JS5B)).get("sid")
    dead = natterdemo.free_ports(1)[0]
    assert bob.iq_set(NATTER, (
        "<jingle xmlns='%s' action='session-accept' sid='%s' "
        "responder='%s'><content creator='initiator' name='a-file'>"
        "<description xmlns='%s'/><transport xmlns='%s' sid='%s' "
        "mode='tcp'><candidate cid='b1' host='127.0.0.1' jid='%s' "
        "port='%d' priority='8257536' type='direct'/></transport>"
        "</content></jingle>"
        % (JINGLE, jsid, bob.jid, JFT, JS5B, tsid, bob.jid, dead))
    ).type == "result"
    wait_jingle(bob, info_with("candidate-error"), "natter's error")
    assert bob.iq_set(NATTER, transport_info(
        jsid, tsid, "<candidate-error/>")).type == "result"
    rep = wait_jingle(bob, action_is("transport-replace"), "a replace")
    ibb = rep.find("{%s}content/{%s}transport" % (JINGLE, JIBB))
    assert ibb is not None, ET.tostring(rep)
    assert bob.iq_set(NATTER, (
        "<jingle xmlns='%s' action='transport-accept' sid='%s'>"
        "<content creator='initiator' name='a-file'><transport xmlns='%s' "
        "sid='%s' block-size='2048'/></content></jingle>"
        % (JINGLE, jsid, JIBB, ibb.get("sid")))).type == "result"
    natter.wait_for(r"Transfer 1 done: small\.bin sent to "
                    r"bob@localhost/peer")
    assert done.wait(30), "bob got no end of stream"
    assert got["data"] == data
    info = wait_jingle(bob, action_is("session-info"), "a checksum")
    h = info.find("{%s}checksum/{%s}file/{%s}hash" % (JFT, JFT, HASHES))
    assert base64.b64decode(h.text) == hashlib.sha256(data).digest()


# -- review fixes: before the accept, proxies by their word, silence ----------

def test_s5b_replace_before_accept(prosody, write_rc, start_natter, downloads,
                                  make_peer):
    """An initiator that replaces the transport with in band while the
    offer still waits for the user, then opens the stream and sends a
    block: none of it is taken (natter used to accept the replace and
    write the block to a transfer that did not exist yet, and crash);
    natter answers a ping after, and the dialog still asks."""
    natter = start_alice(prosody, write_rc, start_natter, downloads)
    bob = raw_peer(make_peer)
    dead = natterdemo.free_ports(1)[0]
    assert bob.iq_set(NATTER, initiate_s5b(
        "j5", "t5", "early.bin", 10000, [("dead", bob.jid, dead, 100)])
    ).type == "result"
    natter.wait_for(r"\[\d+:file from bob@localhost")
    assert bob.iq_set(NATTER, (
        "<jingle xmlns='%s' action='transport-replace' sid='j5'>"
        "<content creator='initiator' name='a-file'><transport xmlns='%s' "
        "sid='i5' block-size='4096'/></content></jingle>"
        % (JINGLE, JIBB))).type == "result"
    ibb = "http://jabber.org/protocol/ibb"
    for sid in ("i5", "t5"):
        r = bob.iq_set(NATTER, "<open xmlns='%s' sid='%s' block-size='4096' "
                       "stanza='iq'/>" % (ibb, sid))
        assert r.type == "error", r
        r = bob.iq_set(NATTER, "<data xmlns='%s' sid='%s' seq='0'>%s</data>"
                       % (ibb, sid, base64.b64encode(os.urandom(3000))
                          .decode()))
        assert r.type == "error", r
    assert bob.ping(NATTER).type == "result"
    assert not [j for j in bob.jingles
                if j.find("{%s}jingle" % JINGLE).get("action")
                == "transport-accept"]
    screen = open_dialog(natter)
    assert "early.bin" in screen


def test_s5b_no_direct_own_proxy(prosody, write_rc, start_natter, downloads,
                                 make_peer):
    """With p2p_direct = false natter tries only proxies, and "proxy" is
    the peer's word: a candidate so labelled whose JID is the peer's own
    (its listener) is not connected to; natter says candidate-error."""
    befriend(prosody, "bob")
    rc = write_rc()
    with open(rc, "a", encoding="utf-8") as f:
        f.write('download_dir = "%s"\np2p_direct = false\n' % downloads)
    natter = start_natter(rc)
    natter.wait_for(r"connected as alice@localhost/natter")
    bob = raw_peer(make_peer)
    host = S5Host(s5_hash("t6", bob.jid, NATTER), b"x" * 100)
    try:
        assert bob.iq_set(NATTER, initiate_s5b(
            "j6", "t6", "own.bin", 100,
            [("own", bob.jid, host.port, 655360)]).replace(
                "type='direct'", "type='proxy'")).type == "result"
        open_dialog(natter)
        harness.keys(natter, "C-s")
        wait_jingle(bob, info_with("candidate-error"), "an error")
        assert host.asked is None
        assert not bob.jingles or not [
            j for j in bob.jingles if j.find(
                ".//{%s}candidate-used" % JS5B) is not None]
    finally:
        host.close()


def test_s5b_silent_responder(prosody, write_rc, natter_bin, xdg, downloads,
                              make_peer, tmp_path):
    """A responder that accepts, offers nothing and then says nothing
    more: past the deadline (shortened for the test) natter counts its
    silence as candidate-error and replaces the transport with in band;
    silent still, the session ends (timeout) and the transfer fails with
    words."""
    befriend(prosody, "bob")
    rc = write_rc()
    with open(rc, "a", encoding="utf-8") as f:
        f.write('download_dir = "%s"\n' % downloads)
    natter = harness.NatterPane([natter_bin, "-c", rc],
                                dict(xdg.env(), NATTER_JS5B_WAIT_MS="1500"))
    natter.start()
    try:
        natter.wait_for(r"connected as alice@localhost/natter")
        bob = raw_peer(make_peer)

        def setup():
            for feat in (JFT, JS5B, JIBB):
                bob.client["xep_0030"].add_feature(feat)
        bob.call_soon(setup)
        path = tmp_path / "quiet.bin"
        path.write_bytes(os.urandom(5000))
        natter.wait_for(r"bob@localhost")
        natter.send_keys("/sendfile --p2p bob@localhost/peer %s" % path)
        ini = wait_jingle(bob, action_is("session-initiate"), "an offer")
        jsid = ini.get("sid")
        tsid = ini.find("{%s}content/{%s}transport"
                        % (JINGLE, JS5B)).get("sid")
        assert bob.iq_set(NATTER, (
            "<jingle xmlns='%s' action='session-accept' sid='%s' "
            "responder='%s'><content creator='initiator' name='a-file'>"
            "<description xmlns='%s'/><transport xmlns='%s' sid='%s' "
            "mode='tcp'/></content></jingle>"
            % (JINGLE, jsid, bob.jid, JFT, JS5B, tsid))).type == "result"
        wait_jingle(bob, info_with("candidate-error"), "natter's error")
        rep = wait_jingle(bob, action_is("transport-replace"), "a replace")
        assert rep.find("{%s}content/{%s}transport" % (JINGLE, JIBB)) \
            is not None
        term = wait_jingle(bob, action_is("session-terminate"), "the end")
        assert reason_of(term)[0] == "timeout"
        natter.wait_for(r"Transfer 1 failed: the other client stopped "
                        r"answering")
    finally:
        bad = natter.finish()
    assert not bad, bad
