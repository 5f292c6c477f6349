"""Accounts on the server itself (XEP-0077): creating one with
`natter --register ACCOUNT` over a raw stream before login (the form in a
dialog, the name taken, registration closed), and /password changing the
password of the account natter is logged in to.  Each result is checked
from outside with a slixmpp login."""

import base64
import os
import re
import secrets
import socket
import stat
import threading

import pytest

import harness
import natterdemo

from conftest import DOMAIN, RESOURCE

NAME = "new"    # the account's name in natterrc


def write_account(xdg, prosody, user, password, **opts):
    """natterrc holding one account NAME for user@DOMAIN."""
    opts = dict(dict(tls="trust", resource=RESOURCE), **opts)
    acct = natterdemo.natter_account(
        jid="%s@%s" % (user, DOMAIN), password=password,
        port=prosody.c2s_port, **opts)
    return natterdemo.write_natterrc(xdg.natterrc, {NAME: acct})


def login(prosody, user, password):
    """True when user can log in with password (a slixmpp client)."""
    client = harness.Peer("%s@%s" % (user, DOMAIN), password,
                          prosody.c2s_port, resource="check")
    key = "peer-%d" % id(client)
    harness.register_cleanup(key, client.stop)
    try:
        client.start(timeout=15)
        return True
    except PermissionError:
        return False
    finally:
        client.stop()
        harness.unregister_cleanup(key)


def retype(pane, text):
    """Replaces the focused field's text by text."""
    pane.send_key("C-u")
    pane.send_keys(text, enter=False)


def open_form(natter):
    """Waits for the server's form (Prosody's: Username, Password)."""
    return natter.wait_for(r"Create the account .*(\n.*)*\n.*\* Password")


@pytest.mark.prosody(allow_registration=True)
def test_register_creates_account_and_logs_in(prosody, xdg, start_natter):
    password = secrets.token_urlsafe(12)
    rc = write_account(xdg, prosody, "carol", password)
    natter = start_natter(rc, args=["--debug", "--register", NAME])
    screen = open_form(natter)
    assert re.search(r"Create the account carol@localhost", screen), screen
    assert "Creating a new account" in screen, screen   # the form's title
    # natterrc's jid and password are filled in already; type them anyway
    assert re.search(r"\* Username\s+\[carol\]", screen), screen
    retype(natter, "carol")
    natter.send_key("Tab")
    retype(natter, password)
    screen = natter.wait_for(r"\* Password\s+\[\*{%d}\]" % len(password))
    assert password not in screen
    natter.send_key("C-s")
    screen = natter.wait_for(r"account carol@localhost created")
    screen = natter.wait_for(r"connected as carol@localhost/natter")
    assert not re.search(r"Create the account", screen), \
        "the dialog stayed open:\n" + screen
    assert login(prosody, "carol", password)
    assert not login(prosody, "carol", password + "x")
    assert natter.quit() == 0
    with open(os.path.join(xdg.state, "natter", "debug.log"),
              encoding="utf-8", errors="replace") as f:
        log = f.read()
    assert "jabber:iq:register" in log, "the exchange was not logged"
    assert password not in log, "the password reached the debug log"


@pytest.mark.prosody(allow_registration=True)
def test_register_direct_tls(prosody, xdg, start_natter):
    """tls = "direct" (XEP-0368): TLS from the first byte, no STARTTLS."""
    password = secrets.token_urlsafe(12)
    rc = natterdemo.write_natterrc(xdg.natterrc, {
        NAME: natterdemo.natter_account(
            jid="hank@" + DOMAIN, password=password,
            port=prosody.direct_tls_port, tls="direct", resource=RESOURCE)})
    # direct TLS verifies the certificate: pin the test server's
    natterdemo.pin_certificate(xdg.data, DOMAIN,
                               natterdemo.fingerprint_of_pem(prosody.cert_path))
    natter = start_natter(rc, args=["--register", NAME])
    open_form(natter)
    natter.send_key("C-s")
    natter.wait_for(r"connected as hank@localhost/natter")
    assert login(prosody, "hank", password)


def test_register_unreachable(xdg, start_natter):
    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rc = natterdemo.write_natterrc(xdg.natterrc, {
        NAME: natterdemo.natter_account(jid="ivy@" + DOMAIN, password="x",
                                        port=port, tls="trust")})
    natter = start_natter(rc, args=["--register", NAME])
    screen = natter.wait_for(r"Cannot reach the server: Connection refused")
    assert re.search(r"Create the account ivy@localhost", screen), screen
    natter.send_key("Escape")
    natter.wait_until(lambda s: not re.search(r"Create the account", s),
                      "the dialog to close")
    assert natter.is_running()


@pytest.mark.prosody(allow_registration=True)
def test_register_name_taken_keeps_dialog(prosody, accounts, xdg,
                                          start_natter):
    password = secrets.token_urlsafe(12)
    rc = write_account(xdg, prosody, "bob", password)
    natter = start_natter(rc, args=["--register", NAME])
    open_form(natter)
    natter.send_key("C-s")     # bob exists
    screen = natter.wait_for(r"that name is already taken")
    assert re.search(r"Create the account bob@localhost", screen), screen
    assert not re.search(r"created", natter.console(screen)), screen
    # bob's password is untouched
    assert login(prosody, "bob", accounts["bob"].password)
    # another name, on the same dialog: created, but natterrc names bob
    natter.send_key("Up")
    natter.send_key("Up")
    retype(natter, "dave")
    natter.send_key("C-s")
    screen = natter.wait_for(r"account dave@localhost created")
    screen = natter.wait_for(r'set jid = "dave@localhost"')
    # a login would have begun when natter said so (connecting)
    assert not re.search(r"connected as|connecting", screen), screen
    assert login(prosody, "dave", password)


@pytest.mark.prosody(allow_registration=True)
def test_register_other_password_does_not_log_in(prosody, xdg,
                                                  start_natter):
    rc = write_account(xdg, prosody, "erin", "in-natterrc")
    natter = start_natter(rc, args=["--register", NAME])
    open_form(natter)
    natter.send_key("Tab")
    retype(natter, "chosen-here")
    natter.send_key("C-s")
    screen = natter.wait_for(r"the password you chose is not the one in "
                             r"natterrc")
    assert re.search(r"account erin@localhost created", screen), screen
    assert not re.search(r"connected as|connecting", screen), screen
    assert login(prosody, "erin", "chosen-here")


@pytest.mark.prosody(allow_registration=True)
def test_register_unknown_certificate_then_trust(prosody, xdg,
                                                 start_natter):
    """tls = "required" against a self-signed server: refused like a
    login would be; /trust pins it and the registration goes on (no login
    attempt for the account that does not exist yet)."""
    password = secrets.token_urlsafe(12)
    rc = write_account(xdg, prosody, "frank", password, tls="required")
    natter = start_natter(rc, args=["--register", NAME])
    screen = natter.wait_for(r"certificate is not trusted")
    assert not re.search(r"\* Username", screen), screen
    natter.send_alt("1")
    natter.wait_for(r"certificate not trusted for localhost")
    natter.send_keys("/trust " + NAME)
    natter.wait_for(r"certificate [0-9A-F:]+ pinned for")
    natter.send_alt("2")
    open_form(natter)
    natter.send_key("C-s")
    screen = natter.wait_for(r"connected as frank@localhost/natter")
    assert re.search(r"account frank@localhost created", screen), screen
    assert not re.search(r"login failed", screen), screen


def test_register_refused_when_closed(prosody, xdg, start_natter):
    rc = write_account(xdg, prosody, "carol", "whatever")
    natter = start_natter(rc, args=["--register", NAME])
    screen = natter.wait_for(r"localhost does not offer registration")
    assert re.search(r"Create the account carol@localhost", screen), screen
    natter.send_key("Escape")
    natter.wait_until(lambda s: not re.search(r"Create the account", s),
                      "the dialog to close")
    assert natter.is_running()
    assert not login(prosody, "carol", "whatever")


def test_register_unknown_account(prosody, xdg, natter_bin):
    rc = write_account(xdg, prosody, "carol", "whatever")
    import subprocess
    res = subprocess.run([natter_bin, "-c", rc, "--register", "nosuch"],
                         capture_output=True, text=True, timeout=10,
                         env=dict(os.environ, **xdg.env()))
    assert res.returncode == 1
    assert 'no account "nosuch"' in res.stderr


def test_password_change(online, alice, prosody, xdg):
    new = secrets.token_urlsafe(12)
    online.send_keys("/password")
    screen = online.wait_for(r"Change the password of alice@localhost")
    assert re.search(r"\* New password", screen), screen
    assert re.search(r"\* Repeat it", screen), screen
    online.send_keys(new, enter=False)
    online.send_key("Tab")
    online.send_keys(new + "x", enter=False)
    online.send_key("C-s")
    online.wait_for(r"The two passwords differ")
    retype(online, new)
    online.send_key("C-s")
    screen = online.wait_for(r"password changed")
    assert not re.search(r"Change the password of", screen), screen
    assert new not in screen
    assert login(prosody, "alice", new)
    assert not login(prosody, "alice", alice.password)


# -- a CAPTCHA (XEP-0158), from a server that asks for one ------------------

CAPTCHA_PNG = b"\x89PNG\r\n\x1a\n natter captcha test image"
CAPTCHA_CID = "sha1+0123456789abcdef0123456789abcdef01234567@bob.xmpp.org"
CAPTCHA_FORM = (
    "<query xmlns='jabber:iq:register'>"
    "<x xmlns='jabber:x:data' type='form'>"
    "<title>Sign up</title>"
    "<instructions>Prove you are human.</instructions>"
    "<field type='hidden' var='FORM_TYPE'><value>urn:xmpp:captcha</value>"
    "</field>"
    "<field type='hidden' var='challenge'><value>ch-42</value></field>"
    "<field type='hidden' var='sid'><value>sid-7</value></field>"
    "<field type='text-single' var='username' label='Username'><required/>"
    "</field>"
    "<field type='text-private' var='password' label='Password'><required/>"
    "</field>"
    "<field var='ocr' label='Enter the text you see'>"
    "<media xmlns='urn:xmpp:media-element' height='80' width='290'>"
    "<uri type='image/png'>cid:" + CAPTCHA_CID + "</uri>"
    "<uri type='image/png'>https://captcha.example/ch-42.png</uri>"
    "</media><required/></field>"
    "</x></query>"
    "<data xmlns='urn:xmpp:bob' cid='" + CAPTCHA_CID + "' type='image/png'>"
    + base64.b64encode(CAPTCHA_PNG).decode() + "</data>")


class CaptchaServer(threading.Thread):
    """Just enough of a server for one registration in plain text: the
    stream, features offering registration, the form above, and a result
    for the answer (kept in self.answer)."""

    def __init__(self):
        super().__init__(daemon=True, name="captcha server")
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(30)
        self.port = self.sock.getsockname()[1]
        self.answer = None
        self.error = None

    def run(self):
        try:
            conn, _ = self.sock.accept()
            with conn:
                conn.settimeout(30)
                buf = self._until(conn, "", r"<stream:stream[^>]*>")
                conn.sendall((
                    "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                    " xmlns:stream='http://etherx.jabber.org/streams'"
                    " from='localhost' id='s1' version='1.0'><stream:features>"
                    "<register xmlns='http://jabber.org/features/iq-register'/>"
                    "</stream:features>").encode())
                buf, get = self._iq(conn, buf, "get")
                conn.sendall(("<iq type='result' id='%s' from='localhost'>%s"
                              "</iq>" % (get, CAPTCHA_FORM)).encode())
                buf, sid = self._iq(conn, buf, "set")
                self.answer = buf
                conn.sendall(("<iq type='result' id='%s' from='localhost'/>"
                              % sid).encode())
                self._until(conn, buf, r"</stream:stream>")
                conn.sendall(b"</stream:stream>")
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = repr(e)
        finally:
            self.sock.close()

    @staticmethod
    def _until(conn, buf, regex):
        while not re.search(regex, buf):
            data = conn.recv(65536)
            if not data:
                raise EOFError("closed while waiting for " + regex)
            buf += data.decode("utf-8", "replace")
        return buf

    def _iq(self, conn, buf, itype):
        rx = r'<iq[^>]*type="%s"[^>]*>.*?</iq>' % itype
        buf = self._until(conn, buf, rx)
        iq = re.search(rx, buf, re.S).group(0)
        return buf[buf.index(iq):], re.search(r'id="([^"]+)"', iq).group(1)


def test_register_captcha(xdg, start_natter):
    server = CaptchaServer()
    server.start()
    acct = natterdemo.natter_account(
        jid="gina@" + DOMAIN, password="in-natterrc", port=server.port,
        tls="disable", resource=RESOURCE)
    rc = natterdemo.write_natterrc(xdg.natterrc, {NAME: acct})
    natter = start_natter(rc, args=["--register", NAME])
    screen = natter.wait_for(r"Picture saved to")
    assert "Prove you are human." in screen, screen
    assert re.search(r"\* Enter the text you see", screen), screen
    assert "Picture: https://captcha.example/ch-42.png" in screen, screen
    path = os.path.join(xdg.state, "natter", "captcha-sha1%s.png"
                        % CAPTCHA_CID[5:45])
    # the path may wrap: join the dialog's rows
    shown = re.search(r"Picture saved to (\S+?\.png)",
                      re.sub(r"\n *x +", "", screen))
    assert shown and shown.group(1) == path, screen
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, "rb") as f:
        assert f.read() == CAPTCHA_PNG
    natter.send_key("Tab")
    retype(natter, "chosen")
    natter.send_key("Tab")
    natter.send_keys("7nHL3", enter=False)
    natter.send_key("C-s")
    natter.wait_for(r"account gina@localhost created")
    server.join(10)
    assert server.error is None, server.error
    answer = server.answer
    for var, value in (("challenge", "ch-42"), ("sid", "sid-7"),
                       ("FORM_TYPE", "urn:xmpp:captcha"),
                       ("username", "gina"), ("ocr", "7nHL3")):
        assert re.search(r'<field var="%s"><value>%s</value>'
                         % (var, re.escape(value)), answer), answer
