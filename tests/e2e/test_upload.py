"""HTTP File Upload (XEP-0363): /upload and /sendfile (xmpp/upload.c,
core/transfer.c, core/http.c, core/mime.c).

The private Prosody runs mod_http_file_share as upload.localhost (found
by natter through the server's disco#items and the component's
disco#info, with its max-file-size), serving HTTPS with the server's
certificate; a NetProxy sits in front of its HTTPS port and the slots'
addresses name the proxy, so a test can stall an upload half-way.
alice's account has tls = "trust", which covers her own server's host
(localhost) for uploads as for downloads.  bob, a slixmpp peer, gets
each address as the body and as <x xmlns='jabber:x:oob'>, and fetches
it with urllib trusting the test's certificate: the same bytes.  A file
larger than the limit is refused before anything is asked; a type the
service does not take is refused by the service, in words; /cancel
stops an upload that stalls, and nothing reaches bob.  In a room,
/sendfile sends the address to the room, where bob reads it."""

import os
import random
import re
import pathlib
import shutil
import ssl
import tempfile
import urllib.request

import pytest

import harness
import natterdemo
import netproxy
from conftest import DOMAIN

CONNECTED = r"connected as alice@localhost/natter"
OOB = "jabber:x:oob"
LIMIT = 16 * 1024 * 1024
TYPES = ("application/octet-stream", "text/plain", "inode/x-empty")


def noise(size):
    """size bytes that look random but are the same every run: libmagic
    takes about one in 75 truly random files for something (a cpio
    archive, a DOS program), which the service's TYPES would refuse."""
    return random.Random(size).randbytes(size)


@pytest.fixture
def files():
    """A directory with a short name (paths on screen stay on one line)."""
    path = tempfile.mkdtemp(prefix="up", dir="/tmp")
    yield pathlib.Path(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def web_proxy():
    proxy = netproxy.NetProxy(0).start()
    key = "upload-proxy-%d" % proxy.port
    harness.register_cleanup(key, proxy.stop)
    yield proxy
    proxy.stop()
    harness.unregister_cleanup(key)


@pytest.fixture
def prosody(web_proxy):
    """This module's Prosody: with the upload service, behind web_proxy."""
    server = natterdemo.PrivateProsody(domain=DOMAIN, file_share=LIMIT,
                                       file_share_types=TYPES,
                                       file_share_port=web_proxy.port,
                                       muc="conference.localhost")
    web_proxy.target = ("127.0.0.1", server.https_port)
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


def oob_urls(el):
    return [u.text for x in el.iter() if x.tag == "{%s}x" % OOB
            for u in x if u.tag.endswith("url")]


def fetch(prosody, url):
    """bob's download of url, trusting the server's certificate.  It
    goes to Prosody's own port rather than the proxy's the address
    names: the test proxy may close a connection before passing on the
    last bytes of a response that closes it (the empty file's)."""
    ctx = ssl.create_default_context(cafile=prosody.cert_path)
    prefix = "https://localhost:%d/" % prosody.file_share_port
    assert url.startswith(prefix), url
    url = "https://localhost:%d/%s" % (prosody.https_port, url[len(prefix):])
    with urllib.request.urlopen(url, context=ctx, timeout=30) as r:
        return r.read()


def conversation(natter, bob):
    natter.wait_for(CONNECTED)
    natter.send_keys("/query %s" % bob.jid.split("/")[0])
    natter.wait_for(r"bob@localhost")


def upload(natter, bob, prosody, path, n, cmd="upload"):
    """/upload path as transfer n; returns the address bob got."""
    natter.send_keys("/%s %s" % (cmd, path))
    screen = natter.wait_for(r"Transfer %d done: %s is at (https://\S+)"
                             % (n, re.escape(path)))
    url = re.search(r"Transfer %d done: \S+ is at (https://\S+)" % n,
                    screen).group(1)
    el = bob.wait_stanza(
        "message", lambda e: any(u.startswith("https://") and
                                 u.endswith("/" + os.path.basename(path))
                                 for u in oob_urls(e)),
        "the address of %s" % path)
    got = oob_urls(el)[0]
    body = [c.text for c in el if c.tag.endswith("}body")]
    assert body == [got], body
    # the screen may cut a long address: it is where natter put it
    assert got.startswith(url[:40]), (got, url)
    return got


def test_upload_sizes_peer_downloads_same_bytes(start_natter, natterrc,
                                                make_peer, prosody,
                                                files):
    natter = start_natter(natterrc)
    bob = make_peer("bob")
    conversation(natter, bob)
    contents = {"empty.bin": b"", "one.txt": b"a",
                "ten.bin": noise(10 * 1024 * 1024)}
    for i, (name, data) in enumerate(contents.items(), 1):
        path = files / name
        path.write_bytes(data)
        url = upload(natter, bob, prosody, str(path), i,
                     cmd="upload" if i != 2 else "sendfile")
        assert fetch(prosody, url) == data, name
    # the last address is the window's newest link
    natter.send_keys("/links")
    natter.wait_for(r"\d\d:\d\d\s+1\s+https://localhost:\d+/file_share/\S+"
                    r"/ten\.bin\s*$")
    natter.send_keys("/transfers")
    natter.wait_for(r"Transfer 3: ten\.bin \(upload\): 10 MiB, done")


def test_upload_too_large_and_unreadable_refused_before(
        start_natter, natterrc, make_peer, prosody, files, web_proxy):
    natter = start_natter(natterrc)
    bob = make_peer("bob")
    conversation(natter, bob)
    big = files / "big.bin"
    with open(big, "wb") as f:
        f.truncate(LIMIT + 1)
    natter.send_keys("/upload %s" % big)
    natter.wait_for(r"Not sent: %s is too large \(16 MiB\); the upload "
                    r"service takes at most 16 MiB" % re.escape(str(big)))
    natter.send_keys("/upload %s" % (files / "missing.txt"))
    natter.wait_for(r"Not sent: cannot read \S+missing\.txt: No such file")
    natter.send_keys("/upload %s" % files)
    natter.wait_for(r"Not sent: \S+ is not a file")
    natter.send_keys("/transfers")
    natter.wait_for(r"No transfers")
    # nothing was asked of the web server either
    assert web_proxy.accepted == 0


def test_upload_type_refused_in_words(start_natter, natterrc, make_peer,
                                      prosody, files):
    natter = start_natter(natterrc)
    bob = make_peer("bob")
    conversation(natter, bob)
    png = files / "pic.png"
    # a PNG signature and header: libmagic says image/png, which this
    # service does not take
    png.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001"
                                  "0000000108060000001f15c489") + b"\0" * 64)
    natter.send_keys("/upload %s" % png)
    natter.wait_for(r"Transfer 1 failed: the upload service refused "
                    r"pic\.png: .*File type not allowed")


def test_upload_in_console_and_completion(start_natter, natterrc, prosody,
                                          files):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    natter.send_keys("/upload /etc/hostname")
    natter.wait_for(r"/upload sends a file to the peer of a conversation")
    (files / "a dir").mkdir()
    (files / "report-2026.txt").write_text("x")
    natter.send_keys("/upload %s/rep" % files, enter=False)
    natter.send_key("Tab")
    natter.wait_until(lambda s: natter.input_line(s).rstrip().endswith(
        "/report-2026.txt"), "the file name completed")


def test_cancel_stalled_upload(start_natter, natterrc, make_peer, prosody,
                               files, web_proxy):
    natter = start_natter(natterrc)
    bob = make_peer("bob")
    conversation(natter, bob)
    path = files / "stuck.bin"
    path.write_bytes(noise(4 * 1024 * 1024))
    web_proxy.stall()
    natter.send_keys("/upload %s" % path)
    # the slot came (over XMPP): the PUT is on its way, and stuck
    natter.wait_for(r"Transfer 1: stuck\.bin \(upload\): .* of 4\.0 MiB")
    natter.wait_until(lambda s: "1 transfer" in natter.status_bar(s),
                      "the status bar counts the upload")
    natter.send_keys("/cancel 1")
    natter.wait_for(r"Transfer 1 cancelled: %s" % re.escape(str(path)))
    web_proxy.restore()
    # a round trip: a message after the cancel reaches bob, and no
    # address came before it
    natter.send_keys("after the cancel")
    bob.wait_message(lambda m: m[2] == "after the cancel")
    assert not [el for el in bob.stanzas if oob_urls(el)]


def test_sendfile_in_a_room(start_natter, natterrc, make_peer, prosody,
                            files):
    room = "lobby@conference.localhost"
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    bob.send_raw("<presence to='%s/bob'><x xmlns='http://jabber.org/"
                 "protocol/muc'/></presence>" % room)
    bob.wait_stanza("presence", lambda el: el.get("from") == room + "/bob",
                    "bob in the room")
    natter.send_keys("/join %s" % room)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice")
    path = files / "notes.txt"
    path.write_bytes(b"minutes of the meeting\n")
    natter.send_keys("/sendfile %s" % path)
    natter.wait_for(r"Transfer 1 done: \S+notes\.txt is at https://")
    el = bob.wait_stanza(
        "message", lambda e: e.get("type") == "groupchat" and
        e.get("from") == room + "/alice" and oob_urls(e),
        "the address in the room")
    url = oob_urls(el)[0]
    assert url.endswith("/notes.txt"), url
    assert fetch(prosody, url) == b"minutes of the meeting\n"
    # the room's echo is alice's line, once
    natter.wait_for(r"<alice> https://\S+/notes\.txt")
