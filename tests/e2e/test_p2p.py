"""Files peer to peer (xmpp/p2p.c, core/transfer.c, cmd/files.c).

A slixmpp peer offers alice a file with stream initiation (XEP-0095, the
file profile of XEP-0096); natter shows the offer in a dialog window
(sender, name, size, hash, description, where to save it), and once
accepted takes the bytes over an in-band bytestream (XEP-0047) into
download_dir, never overwriting a file, answering pings meanwhile.
/sendfile --p2p sends the other way, to a slixmpp peer using its
xep_0095/0096/0047 plugins. Hostile offers: a stranger's is refused
unseen unless file_offers_from_strangers; names with paths, a leading
dot or control characters are made safe; a size over max_download is
refused before the user is asked, and a sender sending more than it
offered is stopped. A cut connection and /cancel end a transfer with
words, leaving no part behind.
"""

import asyncio
import hashlib
import os
import re
import socket
import threading

import pytest

import harness
import natterdemo
from harness import keys

CONNECTED = r"connected as alice@localhost/natter"
NATTER = "alice@localhost/natter"
SI = "http://jabber.org/protocol/si"
FT = "http://jabber.org/protocol/si/profile/file-transfer"
IBB = "http://jabber.org/protocol/ibb"
FNEG = "http://jabber.org/protocol/feature-neg"
S5B = "http://jabber.org/protocol/bytestreams"
PROXY = "proxy.localhost"


@pytest.fixture
def prosody():
    """The private Prosody, with a SOCKS5 proxy (mod_proxy65) on
    loopback as the component proxy.localhost."""
    server = natterdemo.PrivateProsody(domain="localhost")
    port = natterdemo.free_ports(1)[0]
    with open(server.config_path, encoding="utf-8") as f:
        cfg = f.read()
    glob = ('proxy65_ports = { %d }\nproxy65_interfaces = { "127.0.0.1" }\n'
            % port)
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


@pytest.fixture
def downloads(tmp_path):
    path = tmp_path / "dl"
    path.mkdir()
    return str(path)


def befriend(prosody, *users):
    """alice's roster holds users (subscription both), and theirs her."""
    harness.write_roster(prosody, "alice", [
        {"jid": "%s@localhost" % u} for u in users])
    for u in users:
        harness.write_roster(prosody, u, [{"jid": "alice@localhost"}])


def start(write_rc, start_natter, downloads, extra=(), **opts):
    rc = write_rc(**opts)
    with open(rc, "a", encoding="utf-8") as f:
        f.write('download_dir = "%s"\n' % downloads)
        for line in extra:
            f.write(line + "\n")
    pane = start_natter(rc)
    pane.wait_for(CONNECTED)
    return pane


def offer_xml(sid, name, size, desc=None, hash_=None,
              methods=(IBB,)):
    attrs = "name='%s' size='%s'" % (name, size)
    if hash_:
        attrs += " hash='%s'" % hash_
    options = "".join("<option><value>%s</value></option>" % m
                      for m in methods)
    return ("<si xmlns='%s' id='%s' profile='%s' mime-type='text/plain'>"
            "<file xmlns='%s' %s>%s</file>"
            "<feature xmlns='%s'><x xmlns='jabber:x:data' type='form'>"
            "<field var='stream-method' type='list-single'>%s</field>"
            "</x></feature></si>" % (
                SI, sid, FT, FT, attrs,
                "<desc>%s</desc>" % desc if desc is not None else "",
                FNEG, options))


class Offer:
    """An offer sent from peer in a thread of its own: the answer waits
    on the user."""

    def __init__(self, peer, xml, timeout=60):
        self.reply = None
        self.error = None

        def go():
            try:
                self.reply = peer.iq_set(NATTER, xml, timeout=timeout)
            except Exception as e:  # noqa: BLE001 - reported by wait()
                self.error = e
        self.thread = threading.Thread(target=go, daemon=True)
        self.thread.start()

    def wait(self, timeout=30):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "no answer to the offer"
        assert self.error is None, self.error
        return self.reply


def chosen_method(reply):
    for el in reply.xml.iter():
        if el.tag == "{jabber:x:data}value":
            return el.text
    return None


def open_dialog(natter, who="bob@localhost"):
    screen = natter.wait_for(r"\[(\d+):file from %s" % re.escape(who))
    n = re.search(r"\[(\d+):file from %s" % re.escape(who), screen).group(1)
    natter.send_alt(n)
    return natter.wait_for(r"offers you a file")


def si_peer(make_peer, more=()):
    """bob with slixmpp's stream initiation plugins.  Its xep_0095 hands
    its coroutine handler to a plain Callback, which never runs it (seen
    with Debian's slixmpp 1.8): the same handler is registered again as a
    CoroutineCallback."""
    from slixmpp.xmlstream.handler import CoroutineCallback
    from slixmpp.xmlstream.matcher import StanzaPath
    bob = make_peer("bob", plugins=("xep_0047", "xep_0095", "xep_0096") +
                    tuple(more))

    def fix():
        bob.client.remove_handler("SI Request")
        bob.client.register_handler(CoroutineCallback(
            "SI Request", StanzaPath("iq@type=set/si"),
            bob.client["xep_0095"]._handle_request))
    bob.call_soon(fix)
    return bob


def send_ibb(peer, sid, data, chunks=None, close=True):
    """bob opens an IBB stream to natter and sends data (all of it, or
    the first `chunks` blocks); returns the stream."""
    async def go():
        stream = await peer.client["xep_0047"].open_stream(
            NATTER, sid=sid, block_size=4096)
        if chunks is None:
            await stream.sendall(data, timeout=20)
        else:
            for i in range(chunks):
                await stream.send(data[i * 4096:(i + 1) * 4096], timeout=20)
        if close:
            await stream.close(timeout=20)
        return stream
    return peer.run(go, 60)


def test_receive_in_band(prosody, write_rc, start_natter, downloads,
                         make_peer):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob", plugins=("xep_0047",))
    data = os.urandom(50 * 1024 + 17)
    md5 = hashlib.md5(data).hexdigest()
    offer = Offer(bob, offer_xml("s1", "report.bin", len(data),
                                 desc="the figures", hash_=md5))
    natter.wait_for(r"bob@localhost/peer offers you the file report\.bin "
                    r"\(50 KiB\)")
    screen = open_dialog(natter)
    assert "Name: report.bin" in screen
    assert "Size: %d bytes" % len(data) in screen
    assert "MD5: %s" % md5 in screen
    assert "Description: the figures" in screen
    assert "Save to" in screen and downloads in screen
    keys(natter, "C-s")
    reply = offer.wait()
    assert reply.type == "result", reply
    assert chosen_method(reply) == IBB
    stream = send_ibb(bob, "s1", data, chunks=3, close=False)
    # pings are answered while the transfer runs
    assert bob.ping(NATTER).type == "result"
    natter.wait_for(r"Transfer 1: report\.bin from bob@localhost/peer: "
                    r"[\d.]+ K?i?B of 50 KiB")

    async def rest():
        await stream.sendall(data[3 * 4096:], timeout=20)
        await stream.close(timeout=20)
    bob.run(rest, 60)
    natter.wait_for(r"Transfer 1 done: saved as %s/report\.bin"
                    % re.escape(downloads))
    with open(os.path.join(downloads, "report.bin"), "rb") as f:
        assert f.read() == data
    assert os.listdir(downloads) == ["report.bin"]
    natter.send_keys("/transfers")
    natter.wait_for(r"Transfer 1: report\.bin from bob@localhost/peer: "
                    r"50 KiB, done")


def test_send_in_band(prosody, write_rc, start_natter, downloads,
                      make_peer, tmp_path):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = si_peer(make_peer)
    got = {}
    done = threading.Event()

    def on_request(iq):
        got["name"] = iq["si"]["file"]["name"]
        got["size"] = iq["si"]["file"]["size"]
        asyncio.ensure_future(bob.client["xep_0095"].accept(
            iq["from"], iq["si"]["id"]))

    def on_stream(stream):
        async def collect():
            got["data"] = await stream.gather(timeout=60)
            done.set()
        asyncio.ensure_future(collect())
    bob.call_soon(bob.client.add_event_handler, "si_request", on_request)
    bob.call_soon(bob.client.add_event_handler, "ibb_stream_start",
                  on_stream)
    data = os.urandom(100 * 1024 + 5)
    path = tmp_path / "holiday photo.jpg"
    path.write_bytes(data)
    # a bare JID: the client natter knows bob by is picked
    natter.wait_for(r"bob@localhost")
    natter.send_keys("/sendfile --p2p bob@localhost %s" % path)
    natter.wait_for(r"Transfer 1 done: holiday photo\.jpg sent to "
                    r"bob@localhost/peer")
    assert done.wait(30), "bob got no end of stream"
    assert got["name"] == "holiday photo.jpg"
    assert int(got["size"]) == len(data)
    assert got["data"] == data


def test_send_declined_and_unknown(prosody, write_rc, start_natter,
                                   downloads, make_peer, tmp_path):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = si_peer(make_peer)

    def on_request(iq):
        asyncio.ensure_future(bob.client["xep_0095"].decline(
            iq["from"], iq["si"]["id"]))
    bob.call_soon(bob.client.add_event_handler, "si_request", on_request)
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello")
    natter.send_keys("/sendfile --p2p bob@localhost/peer %s" % path)
    natter.wait_for(r"Transfer 1 failed: bob@localhost/peer declined the "
                    r"offer$")
    natter.send_keys("/sendfile --p2p bob@localhost/peer %s"
                     % (tmp_path / "missing"))
    natter.wait_for(r"Cannot send the file: .*missing: No such file")
    natter.send_keys("/sendfile --p2p nobody@localhost %s" % path)
    natter.wait_for(r"nobody@localhost has no client online")


def test_stranger_offer_refused(prosody, write_rc, start_natter, downloads,
                                make_peer):
    natter = start(write_rc, start_natter, downloads, strangers_rate=3)
    carol = make_peer("carol", plugins=("xep_0047",))
    reply = carol.iq_set(NATTER, offer_xml("x1", "free.exe", 10))
    assert reply.type == "error" and reply.condition == "forbidden", reply
    natter.wait_for(r"refused the file free\.exe \(10 B\) carol@localhost/"
                    r"peer offered: they are not in your roster")
    assert "file from" not in natter.screen()
    # a flood is refused as well, told only within the domain's rate
    # (strangers_rate = 3 a minute, free.exe the first)
    for i in range(15):
        reply = carol.iq_set(NATTER, offer_xml("f%d" % i, "spam.exe", 10))
        assert reply.type == "error" and reply.condition == "forbidden"
    screen = natter.barrier(carol.jid)
    assert natter.count(r"refused the file spam\.exe", screen) == 2
    assert natter.count(r"Strangers at localhost sent more than 3 "
                        r"messages this minute", screen) == 1


def test_stranger_offer_allowed(prosody, write_rc, start_natter, downloads,
                                make_peer):
    natter = start(write_rc, start_natter, downloads,
                   extra=["file_offers_from_strangers = true"])
    carol = make_peer("carol", plugins=("xep_0047",))
    offer = Offer(carol, offer_xml("x2", "hello.txt", 5))
    open_dialog(natter, "carol@localhost")
    keys(natter, "Escape")
    reply = offer.wait()
    assert reply.type == "error" and reply.condition == "forbidden", reply
    assert os.listdir(downloads) == []


def test_hostile_names_and_sizes(prosody, write_rc, start_natter,
                                 downloads, make_peer, tmp_path):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads,
                   extra=["max_download = 1"])
    bob = make_peer("bob", plugins=("xep_0047",))
    # too large: refused before anyone is asked
    reply = bob.iq_set(NATTER, offer_xml("h0", "big.iso", 99999999999999))
    assert reply.type == "error" and reply.condition == "not-acceptable"
    natter.wait_for(r"refused the file big\.iso .* larger than max_download")
    # no stream method natter speaks
    reply = bob.iq_set(NATTER, offer_xml(
        "h9", "a.txt", 3, methods=("urn:example:pigeons",)))
    assert reply.type == "error" and reply.condition == "bad-request"
    # path traversal, an absolute path, a hidden file next to one that
    # exists, escape sequences and a newline
    (tmp_path / "dl" / "bashrc").write_bytes(b"mine")
    cases = [("h1", "../../x", "_.._x"),
             ("h2", "/etc/passwd", "_etc_passwd"),
             ("h3", ".bashrc", "bashrc (1)"),
             ("h4", "evil&#155;[31m&#10;&#8238;name.txt", "evil[31m name.txt")]
    for sid, name, saved in cases:
        offer = Offer(bob, offer_xml(sid, name, 4))
        screen = open_dialog(natter)
        assert "\x1b" not in screen
        keys(natter, "C-s")
        assert offer.wait().type == "result"
        send_ibb(bob, sid, b"data")
        natter.wait_for(r"done: saved as %s/%s" % (
            re.escape(downloads), re.escape(saved)))
        with open(os.path.join(downloads, saved), "rb") as f:
            assert f.read() == b"data"
    assert sorted(os.listdir(downloads)) == sorted(
        ["bashrc"] + [c[2] for c in cases])
    assert not (tmp_path / "x").exists()
    assert (tmp_path / "dl" / "bashrc").read_bytes() == b"mine"


def test_sender_sends_more_than_offered(prosody, write_rc, start_natter,
                                        downloads, make_peer):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob", plugins=("xep_0047",))
    offer = Offer(bob, offer_xml("m1", "small.txt", 10))
    open_dialog(natter)
    keys(natter, "C-s")
    assert offer.wait().type == "result"
    with pytest.raises(Exception):
        send_ibb(bob, "m1", b"y" * 20)
    natter.wait_for(r"Transfer 1 failed: the sender sent more than it "
                    r"offered")
    assert os.listdir(downloads) == []


def test_hash_mismatch(prosody, write_rc, start_natter, downloads,
                       make_peer):
    """The MD5 the offer gave is checked at the end: bytes that differ
    (here, in the middle) fail the transfer and are not kept."""
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob", plugins=("xep_0047",))
    data = os.urandom(9000)
    offer = Offer(bob, offer_xml("m2", "damaged.bin", len(data),
                                 hash_=hashlib.md5(data).hexdigest()))
    open_dialog(natter)
    keys(natter, "C-s")
    assert offer.wait().type == "result"
    # one byte changed for sure (a random byte may already be b"X")
    send_ibb(bob, "m2", data[:4000] + bytes([data[4000] ^ 0xFF]) +
             data[4001:])
    natter.wait_for(r"Transfer 1 failed: its MD5 hash is not the one the "
                    r"sender gave")
    assert os.listdir(downloads) == []


def test_cut_connection_and_cancel(prosody, write_rc, start_natter,
                                   downloads, make_peer):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob", plugins=("xep_0047",))
    data = os.urandom(40 * 1024)
    # /cancel: the sender is told (a close), no part is left
    offer = Offer(bob, offer_xml("c1", "one.bin", len(data)))
    open_dialog(natter)
    keys(natter, "C-s")
    assert offer.wait().type == "result"
    stream = send_ibb(bob, "c1", data, chunks=2, close=False)
    natter.wait_for(r"Transfer 1: one\.bin from bob@localhost/peer: "
                    r"[\d.]+ K?i?B of 40 KiB")
    natter.send_alt("1")
    natter.send_keys("/cancel 1")
    natter.wait_for(r"Transfer 1 cancelled")
    harness.wait_value(lambda: stream.stream_in_closed,
                       "bob told the stream closed")
    assert os.listdir(downloads) == []
    # the sender's connection is cut mid-transfer
    offer = Offer(bob, offer_xml("c2", "two.bin", len(data)))
    open_dialog(natter)
    keys(natter, "C-s")
    assert offer.wait().type == "result"
    send_ibb(bob, "c2", data, chunks=2, close=False)
    natter.wait_for(r"Transfer 2: two\.bin from bob@localhost/peer: "
                    r"[\d.]+ K?i?B of 40 KiB")
    bob.call_soon(bob.client.abort)
    natter.wait_for(r"Transfer 2 failed: bob@localhost/peer went offline")
    assert os.listdir(downloads) == []
    # natter's own connection is cut mid-transfer
    bob = make_peer("bob", resource="again", plugins=("xep_0047",))
    offer = Offer(bob, offer_xml("c3", "three.bin", len(data)))
    open_dialog(natter)
    keys(natter, "C-s")
    assert offer.wait().type == "result"
    send_ibb(bob, "c3", data, chunks=2, close=False)
    natter.wait_for(r"Transfer 3: three\.bin from bob@localhost/again: "
                    r"[\d.]+ K?i?B of 40 KiB")
    prosody.kill()
    natter.wait_for(r"Transfer 3 failed: the connection to the server was "
                    r"lost")
    assert os.listdir(downloads) == []


# -- SOCKS5 bytestreams (XEP-0065) ---------------------------------------------

def s5_hash(sid, initiator, target):
    return hashlib.sha1((sid + initiator + target).encode()).hexdigest()


def recv_exactly(conn, n):
    got = b""
    while len(got) < n:
        chunk = conn.recv(n - len(got))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(got), n))
        got += chunk
    return got


def s5_connect(host, port, dst):
    """A SOCKS5 client handshake asking for dst; returns the socket."""
    conn = socket.create_connection((host, port), timeout=20)
    conn.sendall(b"\x05\x01\x00")
    assert recv_exactly(conn, 2) == b"\x05\x00"
    conn.sendall(b"\x05\x01\x00\x03" + bytes([len(dst)]) + dst.encode() +
                 b"\x00\x00")
    head = recv_exactly(conn, 5)
    assert head[:2] == b"\x05\x00", head
    recv_exactly(conn, head[4] + 2)
    return conn


class S5Host:
    """bob's own streamhost on loopback: takes one SOCKS5 connection
    asking for dst, then sends data (or its first `cut` bytes) when
    go is set, and closes."""

    def __init__(self, dst, data, cut=None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(2)
        self.port = self.sock.getsockname()[1]
        self.go = threading.Event()
        self.asked = None
        self.error = None

        def serve():
            try:
                conn, _ = self.sock.accept()
                conn.settimeout(20)
                head = recv_exactly(conn, 2)
                recv_exactly(conn, head[1])
                conn.sendall(b"\x05\x00")
                req = recv_exactly(conn, 5)
                self.asked = recv_exactly(conn, req[4]).decode()
                recv_exactly(conn, 2)
                assert self.asked == dst, (self.asked, dst)
                conn.sendall(b"\x05\x00\x00\x03" + bytes([len(dst)]) +
                             dst.encode() + b"\x00\x00")
                assert self.go.wait(30)
                conn.sendall(data if cut is None else data[:cut])
                conn.close()
            except Exception as e:  # noqa: BLE001 - the test reads it
                self.error = e
        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()

    def close(self):
        self.go.set()
        self.sock.close()


def accept_offer(natter, bob, sid, name, data, methods):
    offer = Offer(bob, offer_xml(sid, name, len(data), methods=methods))
    open_dialog(natter)
    keys(natter, "C-s")
    reply = offer.wait()
    assert reply.type == "result", reply
    return chosen_method(reply)


def streamhosts_xml(sid, hosts):
    return "<query xmlns='%s' sid='%s' mode='tcp'>%s</query>" % (
        S5B, sid, "".join("<streamhost jid='%s' host='%s' port='%d'/>" % h
                          for h in hosts))


def used_jid(reply):
    for el in reply.xml.iter():
        if el.tag == "{%s}streamhost-used" % S5B:
            return el.get("jid")
    return None


def test_receive_socks5_direct(prosody, write_rc, start_natter, downloads,
                               make_peer):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob")
    data = os.urandom(300 * 1024 + 3)
    assert accept_offer(natter, bob, "d1", "video.bin", data,
                        (IBB, S5B)) == S5B
    host = S5Host(s5_hash("d1", bob.jid, NATTER), data)
    try:
        dead = natterdemo.free_ports(1)[0]  # nobody listens: tried first
        reply = bob.iq_set(NATTER, streamhosts_xml("d1", [
            ("nobody@localhost/x", "127.0.0.1", dead),
            ("weird", "not an address", 7),
            (bob.jid, "127.0.0.1", host.port)]), timeout=30)
        assert reply.type == "result", reply
        assert used_jid(reply) == bob.jid
        host.go.set()
        natter.wait_for(r"Transfer 1 done: saved as %s/video\.bin"
                        % re.escape(downloads))
    finally:
        host.close()
    assert host.error is None, host.error
    with open(os.path.join(downloads, "video.bin"), "rb") as f:
        assert f.read() == data


def test_receive_socks5_cut(prosody, write_rc, start_natter, downloads,
                            make_peer):
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob")
    data = os.urandom(100 * 1024)
    assert accept_offer(natter, bob, "k1", "half.bin", data,
                        (S5B,)) == S5B
    host = S5Host(s5_hash("k1", bob.jid, NATTER), data, cut=30000)
    try:
        reply = bob.iq_set(NATTER, streamhosts_xml(
            "k1", [(bob.jid, "127.0.0.1", host.port)]))
        assert reply.type == "result"
        host.go.set()
        natter.wait_for(r"Transfer 1 failed: it ended after 30000 of "
                        r"102400 bytes")
    finally:
        host.close()
    assert os.listdir(downloads) == []
    # a stream none of whose streamhosts answers
    assert accept_offer(natter, bob, "k2", "none.bin", data,
                        (S5B,)) == S5B
    dead = natterdemo.free_ports(1)[0]
    reply = bob.iq_set(NATTER, streamhosts_xml(
        "k2", [(bob.jid, "127.0.0.1", dead)]))
    assert reply.type == "error" and reply.condition == "item-not-found"
    screen = natter.wait_for(
        r"Transfer 2 failed: no streamhost the sender offered could be "
        r"reached: bob@localhost/peer \(127\.0\.0\.1 port \d+\): cannot "
        r"connect:")
    assert "Connection refused" in screen


def test_receive_socks5_proxy(prosody, write_rc, start_natter, downloads,
                              make_peer):
    """bob (slixmpp's xep_0065) sends through the server's proxy."""
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob", plugins=("xep_0065",))
    data = os.urandom(200 * 1024 + 1)
    assert accept_offer(natter, bob, "p1", "via proxy.bin", data,
                        (S5B,)) == S5B

    async def send():
        conn = await bob.client["xep_0065"].handshake(NATTER, sid="p1")
        await conn.write(data)
        conn.transport.close()
    bob.run(send, 60)
    natter.wait_for(r"Transfer 1 done: saved as %s/via proxy\.bin"
                    % re.escape(downloads))
    with open(os.path.join(downloads, "via proxy.bin"), "rb") as f:
        assert f.read() == data


def test_send_socks5_direct(prosody, write_rc, start_natter, downloads,
                            make_peer, tmp_path):
    """natter offers itself as a streamhost on loopback; bob (slixmpp,
    told to take SOCKS5 only) connects to it."""
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = si_peer(make_peer, ("xep_0065",))
    got = {"data": b""}
    done = threading.Event()

    def setup():
        bob.client["xep_0095"].unregister_method(IBB)
    bob.call_soon(setup)

    def on_request(iq):
        asyncio.ensure_future(bob.client["xep_0095"].accept(
            iq["from"], iq["si"]["id"]))

    def on_data(chunk):
        got["data"] += chunk

    bob.call_soon(bob.client.add_event_handler, "si_request", on_request)
    bob.call_soon(bob.client.add_event_handler, "socks5_data", on_data)
    bob.call_soon(bob.client.add_event_handler, "socks5_closed",
                  lambda exc: done.set())
    data = os.urandom(500 * 1024 + 9)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    natter.send_keys("/sendfile --p2p %s %s" % (bob.jid, path))
    natter.wait_for(r"Transfer 1 done: big\.bin sent to bob@localhost/peer")
    assert done.wait(30), "bob's SOCKS5 connection did not close"
    assert got["data"] == data


def test_send_socks5_proxy(prosody, write_rc, start_natter, downloads,
                           make_peer, tmp_path):
    """bob answers natter's streamhosts by taking the server's proxy:
    natter connects to it too, activates it and sends."""
    befriend(prosody, "bob")
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob")
    from slixmpp.xmlstream.handler import Callback
    from slixmpp.xmlstream.matcher import MatchXPath
    state = {"data": b"", "hosts": None}
    done = threading.Event()

    def on_si(iq):
        state["sid"] = iq.xml.find("{%s}si" % SI).get("id")
        bob.send_raw(
            "<iq type='result' to='%s' id='%s'><si xmlns='%s'>"
            "<feature xmlns='%s'><x xmlns='jabber:x:data' type='submit'>"
            "<field var='stream-method'><value>%s</value></field></x>"
            "</feature></si></iq>" % (iq["from"], iq["id"], SI, FNEG, S5B))

    def on_hosts(iq):
        q = iq.xml.find("{%s}query" % S5B)
        hosts = [(h.get("jid"), h.get("host"), int(h.get("port")))
                 for h in q.findall("{%s}streamhost" % S5B)]
        state["hosts"] = hosts
        proxy = [h for h in hosts if h[0] == PROXY][0]

        def connect():
            try:
                conn = s5_connect(proxy[1], proxy[2],
                                  s5_hash(state["sid"], NATTER, bob.jid))
                bob.send_raw(
                    "<iq type='result' to='%s' id='%s'><query xmlns='%s' "
                    "sid='%s'><streamhost-used jid='%s'/></query></iq>"
                    % (iq["from"], iq["id"], S5B, state["sid"], PROXY))
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    state["data"] += chunk
                conn.close()
            except Exception as e:  # noqa: BLE001 - the test reads it
                state["error"] = e
            done.set()
        threading.Thread(target=connect, daemon=True).start()

    def register():
        bob.client.register_handler(Callback(
            "test: si", MatchXPath("{jabber:client}iq/{%s}si" % SI), on_si))
        bob.client.register_handler(Callback(
            "test: s5b", MatchXPath("{jabber:client}iq/{%s}query" % S5B),
            on_hosts))
    bob.call_soon(register)
    data = os.urandom(300 * 1024 + 11)
    path = tmp_path / "proxied.bin"
    path.write_bytes(data)
    natter.send_keys("/sendfile --p2p %s %s" % (bob.jid, path))
    natter.wait_for(r"Transfer 1 done: proxied\.bin sent to "
                    r"bob@localhost/peer")
    assert done.wait(30), "bob's connection through the proxy did not end"
    assert "error" not in state, state.get("error")
    # natter offered itself first, then the proxy it found
    assert [h[0] for h in state["hosts"]] == [NATTER, PROXY]
    assert state["hosts"][0][1] == "127.0.0.1"
    assert state["data"] == data
