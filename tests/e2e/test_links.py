"""Links and downloads (cmd/files.c, core/transfer.c, core/http.c).

A peer's message holds web addresses; natter remembers them per window
(/links, 1 the newest) and fetches nothing until asked.  /download N
fetches one over HTTPS from a small server on loopback (Python's
http.server behind a certificate made for the test) into download_dir,
never overwriting a file (the second copy is "NAME (1)"), with the file
name taken from the address and sanitised (no path, no hidden file, no
escape sequences).  The account's tls = "trust" applies to downloads
asked for in its windows; in the console no account's rules apply, so
the test certificate is refused and described, and /trust --transfer N
pins it ("https://HOST" in trusted_certs) and fetches again.  With
SSL_CERT_FILE naming the test certificate, natter verifies it.
max_download refuses a larger file; /cancel stops a transfer that
stalls, leaving no part behind; /transfers lists them; /open runs
url_open_cmd with the address as one argument, no shell involved."""

import http.server
import os
import re
import ssl
import stat
import subprocess
import threading

import pytest

import harness
import natterdemo

CONNECTED = r"connected as alice@localhost/natter"
REPORT = b"quarterly report\n" * 100
STALL_RELEASE = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/files/"):
            body = REPORT
        elif self.path == "/big":
            body = b"x" * (2 * 1024 * 1024)
        elif self.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"y" * 5000)
            self.wfile.flush()
            STALL_RELEASE.wait(30)
            return
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate."""

    def __init__(self, tmp_path):
        self.cert = str(tmp_path / "web.pem")
        key = str(tmp_path / "web.key")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
             "-out", self.cert, "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True)
        out = subprocess.run(
            ["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
             self.cert], check=True, capture_output=True, text=True).stdout
        self.fingerprint = out.strip().split("=", 1)[1].upper()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, key)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket,
                                            server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def url(self, path):
        return "https://127.0.0.1:%d%s" % (self.port, path)

    def stop(self):
        STALL_RELEASE.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def web(tmp_path):
    STALL_RELEASE.clear()
    server = Server(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def downloads(tmp_path):
    path = tmp_path / "dl"
    path.mkdir()
    return str(path)


def start(write_rc, start_natter, downloads, extra=None, **opts):
    rc = write_rc(**opts)
    with open(rc, "a", encoding="utf-8") as f:
        f.write('download_dir = "%s"\n' % downloads)
        for line in extra or ():
            f.write(line + "\n")
    pane = start_natter(rc)
    pane.wait_for(CONNECTED)
    return pane


def test_links_download_no_overwrite_and_names(write_rc, start_natter,
                                               downloads, web, make_peer,
                                               alice):
    natter = start(write_rc, start_natter, downloads)
    bob = make_peer("bob")
    evil = "/files/..%2F..%2F.hidden%1B%5B31m.txt"
    bob.send_message(alice.full_jid, "two links: %s and (%s)." %
                     (web.url(evil), web.url("/files/report.txt")))
    natter.wait_until(lambda s: "bob@localhost(1)" in natter.status_bar(s),
                      "bob's message in window 2")
    natter.send_keys("/win 2")
    natter.wait_for(r"two links")
    natter.send_keys("/links")
    screen = natter.wait_for(r"\d\d:\d\d\s+2\s+https://")
    # the newest first; the brackets and the full stop are not the link's
    assert re.search(r"\d\d:\d\d\s+1\s+%s\s*$" %
                     re.escape(web.url("/files/report.txt")), screen,
                     re.M), screen
    assert re.search(r"\d\d:\d\d\s+2\s+%s\s*$" % re.escape(web.url(evil)),
                     screen, re.M), screen
    # nothing was fetched on its own
    assert os.listdir(downloads) == []

    natter.send_keys("/download 1")
    natter.wait_for(r"Transfer 1 done: saved as %s/report\.txt" %
                    re.escape(downloads))
    natter.send_keys("/download 1")
    natter.wait_for(r"Transfer 2 done: saved as %s/report \(1\)\.txt" %
                    re.escape(downloads))
    for name in ("report.txt", "report (1).txt"):
        with open(os.path.join(downloads, name), "rb") as f:
            assert f.read() == REPORT
    natter.send_keys("/download 2")
    natter.wait_for(r"Transfer 3 done")
    # the name lost its path, its leading dots and the escape sequence
    assert sorted(os.listdir(downloads)) == [
        "_.._.hidden[31m.txt", "report (1).txt", "report.txt"]
    natter.send_keys("/transfers")
    natter.wait_for(r"Transfer 3: _\.\._\.hidden\[31m\.txt: .*done")


def test_console_refuses_then_trust_pins(write_rc, start_natter, downloads,
                                         web, xdg):
    natter = start(write_rc, start_natter, downloads)
    natter.send_keys("/download %s" % web.url("/files/a.txt"))
    natter.wait_for(r"Transfer 1 failed: .*not trusted")
    # (the fingerprint may wrap: its first half is on the line)
    natter.wait_for(r"SHA-256 %s" % re.escape(web.fingerprint[:47]))
    natter.wait_for(r"/trust --transfer 1")
    assert os.listdir(downloads) == []   # no part left behind
    natter.send_keys("/trust --transfer 1")
    natter.wait_for(r"Transfer 2 done: saved as %s/a\.txt" %
                    re.escape(downloads))
    with open(xdg.pin_store, encoding="ascii") as f:
        assert "https://127.0.0.1 %s" % web.fingerprint in f.read()


def test_ssl_cert_file_verifies(write_rc, downloads, web, natter_bin, xdg):
    rc = write_rc()
    with open(rc, "a", encoding="utf-8") as f:
        f.write('download_dir = "%s"\n' % downloads)
    env = dict(xdg.env(), SSL_CERT_FILE=web.cert)
    pane = harness.NatterPane([natter_bin, "-c", rc], env).start()
    try:
        pane.wait_for(CONNECTED)
        pane.send_keys("/download %s" % web.url("/files/b.txt"))
        pane.wait_for(r"Transfer 1 done: saved as %s/b\.txt" %
                      re.escape(downloads))
    finally:
        assert not pane.finish()


def test_limit_cancel_and_open(write_rc, start_natter, downloads, web,
                               tmp_path, xdg):
    recorder = tmp_path / "open me.sh"
    seen = tmp_path / "opened"
    recorder.write_text("#!/bin/sh\nprintf '%%s\\n' \"$@\" > '%s.tmp'\n"
                        "mv '%s.tmp' '%s'\n" % (seen, seen, seen))
    recorder.chmod(stat.S_IRWXU)
    # pinned beforehand, as /trust --transfer would
    natterdemo.pin_certificate(xdg.data, "https://127.0.0.1", web.fingerprint)
    natter = start(write_rc, start_natter, downloads,
                   extra=["max_download = 1",
                          "url_open_cmd = \"'%s' first\"" % recorder])
    natter.send_keys("/download %s" % web.url("/big"))
    natter.wait_for(r"Transfer 1 failed: larger than the limit")
    natter.send_keys("/download %s" % web.url("/stall"))
    natter.wait_for(r"Transfer 2: stall: 4\.9 KiB of 977 KiB \(0%\)")
    natter.wait_until(lambda s: "1 transfer" in natter.status_bar(s),
                      "the status bar counts the transfer")
    natter.send_keys("/cancel 2")
    natter.wait_for(r"Transfer 2 cancelled")
    natter.send_keys("/cancel 2")
    natter.wait_for(r"Transfer 2 has ended")
    assert os.listdir(downloads) == []
    # /open: the command's own words, then the address as one argument
    url = web.url("/files/$(touch%20pwned);x")
    natter.send_keys("/open %s" % url)
    natter.wait_for(r"Opening")
    got = harness.wait_value(lambda: seen.exists() and seen.read_text(),
                             "url_open_cmd ran")
    assert got == "first\n%s\n" % url, got
    assert not (tmp_path / "pwned").exists()
