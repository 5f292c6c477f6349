"""Pictures (cmd/pictures.c, core/image.c, core/picture.c, ui/picview.c,
xmpp/avatar.c).

The pictures are made here, with PIL (Debian's python3-pil): a PNG, a
JPEG and a WebP of the same drawing.  /view PATH shows each in a window
of its own, drawn with libchafa as Unicode block symbols in colour: the
screen (tmux capture-pane) holds block elements in the picture's window
and capture-pane -e their colours; the picture is fitted to the window
and drawn again when the terminal is resized.  A link is shown only on
/view N, after its download (nothing is fetched before); a transfer's
file is shown with /view --transfer N.  A PNG whose header claims
100000 x 100000 pixels is refused in words before anything is decoded,
and natter goes on.  A contact's avatar, published with slixmpp's
xep_0084, is shown by /avatar JID.  image_protocol = "sixel" and
"kitty" write those protocols' sequences to the terminal instead
(recorded with pipe-pane: tmux itself draws neither)."""

import base64
import http.server
import io
import os
import re
import ssl
import struct
import subprocess
import threading
import zlib

import pytest

import harness
import natterdemo
from conftest import Account

PIL = pytest.importorskip("PIL.Image", reason="needs python3-pil")
from PIL import ImageDraw  # noqa: E402

CONNECTED = r"connected as alice@localhost/natter"
BLOCKS = re.compile("[\u2580-\u259f]")


def drawing(size=(120, 80)):
    """A picture with edges (so that symbols other than spaces are
    needed) and colours: a red disc and a green bar on blue."""
    im = PIL.new("RGB", size, (20, 40, 200))
    d = ImageDraw.Draw(im)
    w, h = size
    d.ellipse((w // 8, h // 8, w // 2, h * 7 // 8), fill=(230, 30, 30))
    d.rectangle((w * 5 // 8, 0, w * 6 // 8, h - 1), fill=(30, 220, 60))
    for x in range(0, w, 7):
        d.line((x, h - 6, x + 3, h - 1), fill=(255, 255, 255))
    return im


def save(im, path, fmt):
    im.save(str(path), fmt)
    return str(path)


def picture_bytes(fmt, size=(120, 80)):
    buf = io.BytesIO()
    drawing(size).save(buf, fmt)
    return buf.getvalue()


def png_bomb(path, w=100000, h=100000):
    """A PNG whose (valid) header claims w x h pixels, with a tiny
    IDAT: what a decoder that trusted it would allocate gigabytes for."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    body = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b""))
    with open(str(path), "wb") as f:
        f.write(body)
    return str(path)


def start(write_rc, start_natter, extra=()):
    rc = write_rc()
    with open(rc, "a", encoding="utf-8") as f:
        for line in extra:
            f.write(line + "\n")
    pane = start_natter(rc)
    pane.wait_for(CONNECTED)
    return pane


def picture_rows(pane, screen):
    """The rows of the window area holding block symbols."""
    return [r for r in pane.lines(screen)[1:-2] if BLOCKS.search(r)]


def wait_picture(pane, name, fmt, size="120 x 80"):
    screen = pane.wait_for(r"picture: %s, %s %s" % (re.escape(name),
                                                    size, fmt))
    screen = pane.wait_until(lambda s: len(picture_rows(pane, s)) >= 5,
                             "the picture's block symbols")
    return screen


def test_view_png_jpeg_webp(write_rc, start_natter, tmp_path):
    natter = start(write_rc, start_natter)
    files = [(save(drawing(), tmp_path / "disc.png", "PNG"), "PNG"),
             (save(drawing(), tmp_path / "disc.jpg", "JPEG"), "JPEG"),
             (save(drawing(), tmp_path / "disc.webp", "WEBP"), "WebP")]
    for path, fmt in files:
        natter.send_keys("/view %s" % path)
        screen = wait_picture(natter, os.path.basename(path), fmt)
        rows = picture_rows(natter, screen)
        cells = sum(len(BLOCKS.findall(r)) for r in rows)
        assert cells >= 20, harness.boxed(screen)
        # in colour: the 256-colour palette's foregrounds and backgrounds
        coloured = natter.tmux("capture-pane", "-p", "-e")
        assert re.search(r"\x1b\[[0-9;]*38;5;\d+", coloured), coloured
        assert re.search(r"\x1b\[[0-9;]*48;5;\d+", coloured), coloured
        # fitted: a 3:2 picture in cells twice as tall as wide, as wide as
        # the window (160 - the roster pane) allows, within its rows
        assert len(rows) <= natter.height - 3
        # the command's answer went to the window it was typed in
        natter.send_keys("/close")
        natter.wait_for(r"Showing %s \(120 x 80 %s\) in window \d" %
                        (re.escape(os.path.basename(path)), fmt))


def test_view_redrawn_on_resize(write_rc, start_natter, tmp_path):
    natter = start(write_rc, start_natter)
    path = save(drawing((400, 100)), tmp_path / "wide.png", "PNG")
    natter.send_keys("/view %s" % path)
    screen = wait_picture(natter, "wide.png", "PNG", size="400 x 100")
    before = len(picture_rows(natter, screen))
    natter.resize(100, 40)
    # a 4:1 picture is bound by the width: fewer columns, fewer rows
    screen = natter.wait_until(
        lambda s: 0 < len(picture_rows(natter, s)) < before,
        "the picture fitted to the narrower window")
    widths = [len(r.rstrip()) for r in picture_rows(natter, screen)]
    assert max(widths) <= 100, harness.boxed(screen)


def test_bomb_refused_in_words(write_rc, start_natter, tmp_path):
    natter = start(write_rc, start_natter)
    path = png_bomb(tmp_path / "bomb.png")
    natter.send_keys("/view %s" % path)
    natter.wait_for(harness.fuzzy(
        "Cannot show bomb.png: refused: it claims 100000 x 100000 pixels"))
    natter.wait_for(r"decompression\s+bomb")
    # no window was opened for it, and natter answers on
    assert "picture:" not in natter.title()
    natter.barrier()
    # not a picture at all
    (tmp_path / "notes.png").write_text("just text\n")
    natter.send_keys("/view %s" % (tmp_path / "notes.png"))
    natter.wait_for(r"Cannot show notes\.png: not a picture natter shows")
    # a FIFO would block a reader: refused, and natter does not hang
    os.mkfifo(str(tmp_path / "pipe.png"))
    natter.send_keys("/view %s" % (tmp_path / "pipe.png"))
    natter.wait_for(r"Cannot show pipe\.png: not a file")
    natter.barrier()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.server.fetched.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def web(tmp_path):
    """An HTTPS server on 127.0.0.1 serving web.files."""
    cert, key = str(tmp_path / "web.pem"), str(tmp_path / "web.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
         cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
         "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint",
                          "-sha256", "-in", cert], check=True,
                         capture_output=True, text=True).stdout
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    httpd.files, httpd.fetched = {}, []
    httpd.fingerprint = out.strip().split("=", 1)[1].upper()
    httpd.url = lambda p: "https://127.0.0.1:%d%s" % (
        httpd.server_address[1], p)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_view_link_only_when_asked(write_rc, start_natter, tmp_path, web,
                                   xdg, make_peer, alice):
    downloads = tmp_path / "dl"
    downloads.mkdir()
    web.files["/pics/photo.webp"] = picture_bytes("WEBP")
    natterdemo.pin_certificate(xdg.data, "https://127.0.0.1",
                               web.fingerprint)
    natter = start(write_rc, start_natter,
                   ['download_dir = "%s"' % downloads])
    bob = make_peer("bob")
    bob.send_message(alice.full_jid, "look: %s" % web.url("/pics/photo.webp"))
    natter.wait_until(lambda s: "bob@localhost(1)" in natter.status_bar(s),
                      "bob's message")
    natter.send_keys("/win 2")
    natter.wait_for(r"look: https://")
    natter.barrier()
    # a link in a message is text: nothing fetched, nothing decoded
    assert web.fetched == [] and os.listdir(str(downloads)) == []
    natter.send_keys("/view 1")
    wait_picture(natter, "photo.webp", "WebP")
    assert web.fetched == ["/pics/photo.webp"]
    assert os.listdir(str(downloads)) == ["photo.webp"]
    # the window it was asked in has the transfer's line and the news
    natter.send_keys("/win 2")
    natter.wait_for(r"Transfer 1 done")
    natter.wait_for(r"Showing photo\.webp \(120 x 80 WebP\) in window 3")
    # a transfer's file, by its number
    natter.send_keys("/close 3")
    natter.send_keys("/view --transfer 1")
    wait_picture(natter, "photo.webp", "WebP")
    # a picture window shows no lines: answers there go to the console
    natter.send_keys("/view --transfer 7")
    natter.send_keys("/win 1")
    natter.wait_for(r"No transfer 7 \(see /transfers\)")


def publish_raw_avatar(peer, data, ident=None):
    """XEP-0084 by hand: data under ident (its SHA-1 unless given)."""
    import hashlib
    ident = ident or hashlib.sha1(data).hexdigest()
    pub = ("<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish "
           "node='urn:xmpp:avatar:%s'><item id='%s'>%s</item></publish>"
           "</pubsub>")
    r = peer.iq_set(None, pub % ("data", ident,
                                 "<data xmlns='urn:xmpp:avatar:data'>%s"
                                 "</data>" % base64.b64encode(data).decode()))
    assert r.type == "result", r
    r = peer.iq_set(None, pub % ("metadata", ident,
                                 "<metadata xmlns='urn:xmpp:avatar:metadata'>"
                                 "<info id='%s' bytes='%d' type='image/png'/>"
                                 "</metadata>" % (ident, len(data))))
    assert r.type == "result", r


@pytest.mark.prosody(modules=("pep", "vcard"))
def test_avatar_on_request(prosody, accounts, write_rc, start_natter,
                           make_peer, tmp_path):
    for user in ("dave", "erin"):
        prosody.register(user, "secret-" + user)
        accounts[user] = Account(user, "secret-" + user)
    harness.write_roster(prosody, "alice",
                         [{"jid": "bob@localhost", "name": "Bob"},
                          {"jid": "dave@localhost"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])
    harness.write_roster(prosody, "dave", [{"jid": "alice@localhost"}])
    natter = start(write_rc, start_natter)
    bob = make_peer("bob", plugins=("xep_0084",))
    data = picture_bytes("PNG", (64, 64))

    async def publish():
        import hashlib
        av = bob.client["xep_0084"]
        ident = hashlib.sha1(data).hexdigest()
        await av.publish_avatar(data)
        await av.publish_avatar_metadata([{
            "id": ident, "bytes": str(len(data)), "type": "image/png",
            "width": "64", "height": "64"}])
    bob.run(publish, 15)
    natter.barrier()
    assert "picture:" not in natter.screen()   # nothing shown on its own
    natter.send_keys("/avatar Bob")
    wait_picture(natter, "the avatar of bob@localhost", "PNG",
                 size="64 x 64")
    # the older way: a vCard's photo (XEP-0054/0153), base64 with line
    # breaks as clients write it
    carol = make_peer("carol")
    b64 = base64.encodebytes(picture_bytes("JPEG", (48, 32))).decode()
    r = carol.iq_set(None, "<vCard xmlns='vcard-temp'><PHOTO><TYPE>"
                     "image/jpeg</TYPE><BINVAL>%s</BINVAL></PHOTO></vCard>"
                     % b64)
    assert r.type == "result", r
    natter.send_keys("/win 1")
    natter.send_keys("/avatar carol@localhost")
    wait_picture(natter, "the avatar of carol@localhost", "JPEG",
                 size="48 x 32")
    # a hostile avatar: a bomb, refused in words; data that is not what
    # the metadata names, refused too
    dave = make_peer("dave")
    bomb = png_bomb(os.path.join(str(tmp_path), "b.png"))
    with open(bomb, "rb") as f:
        publish_raw_avatar(dave, f.read())
    natter.send_keys("/win 1")
    natter.send_keys("/avatar dave@localhost")
    natter.wait_for(harness.fuzzy("Cannot show the avatar of dave@localhost"
                                  ": refused: it claims 100000 x 100000"))
    publish_raw_avatar(dave, picture_bytes("PNG"), ident="0" * 40)
    natter.send_keys("/avatar dave@localhost")
    natter.wait_for(r"Cannot show the avatar of dave@localhost: refused: "
                    r"its data is not what its metadata names")
    # PEP (XEP-0163) shows it to contacts only: erin is none of alice's
    erin = make_peer("erin")
    publish_raw_avatar(erin, picture_bytes("PNG"))
    natter.send_keys("/win 1")
    natter.send_keys("/avatar erin@localhost")
    natter.wait_for(r"Cannot show the avatar of erin@localhost: its owner "
                    r"shows it only to contacts who see their presence")
    # someone without one: said in words
    natter.send_keys("/win 1")
    natter.send_keys("/avatar alice@localhost")
    natter.wait_for(r"Cannot show the avatar of alice@localhost: it has "
                    r"published none")


@pytest.mark.parametrize("protocol,mark", [
    ("sixel", b"\x1bP0;1;0q"), ("kitty", b"\x1b_Ga=T,f=32")])
def test_graphics_protocols(write_rc, start_natter, tmp_path, protocol,
                            mark):
    natter = start(write_rc, start_natter,
                   ['image_protocol = "%s"' % protocol])
    path = save(drawing(), tmp_path / "g.png", "PNG")
    record = tmp_path / "terminal.bytes"
    natter.record(str(record))
    natter.send_keys("/view %s" % path)
    natter.wait_for(r"picture: g\.png, 120 x 80 PNG")
    got = harness.wait_value(
        lambda: record.exists() and mark in record.read_bytes(),
        "the %s sequence written" % protocol)
    assert got
    # no symbols: the window is left to the terminal's graphics
    assert not picture_rows(natter, natter.screen())
    if protocol == "kitty":
        natter.send_keys("/close")
        harness.wait_value(lambda: b"\x1b_Ga=d" in record.read_bytes(),
                           "the kitty picture deleted")
    natter.stop_recording()
