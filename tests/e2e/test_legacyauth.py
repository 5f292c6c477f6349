"""test_legacyauth: the old jabber:iq:auth login (XEP-0078, xmpp/iqauth.c).

natter does this login itself on a raw stream, digest before plaintext,
plaintext only over TLS.  Prosody's mod_legacyauth takes only the
plaintext <password/> (it never offers <digest/>), so the digest is
tested against IqAuthServer below: a small asyncio server on 127.0.0.1
with the test Prosody's certificate, speaking just enough of a stream
for STARTTLS (or direct TLS), iq:auth with the fields it is told to
offer, and a few IQs after login (ping both ways, an empty roster,
service-unavailable for the rest).  It checks the digest against the
stream id it gave, and records what each login sent.  Every connection
it serves is bounded in time (CONN_TIMEOUT).
"""

import asyncio
import hashlib
import re
import secrets
import ssl
import threading
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import pytest

import harness
import natterdemo
from conftest import ACCOUNT, CONNECTED
from test_dns import legacy_prosody  # noqa: F401 (a fixture)
from test_proxy import run_natter  # noqa: F401 (a fixture)

NS_STREAMS = "http://etherx.jabber.org/streams"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_AUTH = "jabber:iq:auth"
NS_PING = "urn:xmpp:ping"
NS_ROSTER = "jabber:iq:roster"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
CONN_TIMEOUT = 60
OLD_LOGIN = r"test: logged in with the old jabber:iq:auth method"
DIGEST_LINE = OLD_LOGIN + r" \(XEP-0078\) using a digest of the password"
PLAIN_LINE = OLD_LOGIN + r" \(XEP-0078\) using the password itself, over TLS"


def sha1_hex(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Login:
    """What one iq:auth set carried and what the server made of it."""

    def __init__(self, username, digest, password, resource, ok):
        self.username = username
        self.digest = digest
        self.password = password
        self.resource = resource
        self.ok = ok


class IqAuthServer:
    """A jabber:iq:auth server for one user on 127.0.0.1 (see above).

    fields: what the iq:auth get's answer lists; starttls: offer STARTTLS
    (else the stream stays in the clear); direct: TLS from the first
    byte.  The records (logins, gets, pongs, connections) are read from
    the test's thread."""

    def __init__(self, cert, key, user, password, domain="localhost",
                 fields=("username", "password", "digest", "resource"),
                 starttls=True, direct=False):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.user, self.password, self.domain = user, password, domain
        self.fields = fields
        self.starttls, self.direct = starttls, direct
        self.logins = []
        self.messages = []
        self._writer = None
        self.gets = 0
        self.pongs = 0
        self.connections = 0
        self.port = None
        self._loop = asyncio.new_event_loop()
        self._server = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tasks = set()

    # -- life --------------------------------------------------------------

    def _run(self):
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def start(self):
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        self.port = fut.result(10)
        return self

    async def _listen(self):
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", 0,
            ssl=self.ctx if self.direct else None)
        return self._server.sockets[0].getsockname()[1]

    def stop(self):
        async def close():
            self._server.close()
            for t in list(self._tasks):
                t.cancel()
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def send(self, xml):
        """Sends xml on the logged-in stream (from the test's thread)."""
        async def go():
            self._writer.write(xml.encode())
            await self._writer.drain()
        asyncio.run_coroutine_threadsafe(go(), self._loop).result(10)

    # -- one connection ----------------------------------------------------

    async def _serve(self, reader, writer):
        self.connections += 1
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await asyncio.wait_for(self._stream(reader, writer),
                                   CONN_TIMEOUT)
        except (asyncio.TimeoutError, ConnectionError, ssl.SSLError,
                ET.ParseError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _elements(self, reader, parser):
        """Yields ("open", attrs) for a stream header, then each
        top-level element; ends at the end of the stream."""
        depth = 0
        while True:
            data = await reader.read(4096)
            if not data:
                return
            parser.feed(data)
            for event, el in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth == 1:
                        yield ("open", el.attrib)
                else:
                    depth -= 1
                    if depth == 1:
                        yield ("element", el)
                    elif depth == 0:
                        return

    def _header(self, sid):
        return ("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                " xmlns:stream='%s' id='%s' from='%s' version='1.0'>"
                % (NS_STREAMS, sid, self.domain))

    async def _stream(self, reader, writer):
        secure = self.direct
        authed = False
        while True:
            parser = ET.XMLPullParser(events=("start", "end"))
            restart = False
            async for kind, el in self._elements(reader, parser):
                if kind == "open":
                    sid = secrets.token_hex(8)
                    writer.write(self._header(sid).encode())
                    if not secure and self.starttls:
                        feats = ("<starttls xmlns='%s'><required/>"
                                 "</starttls>" % NS_TLS)
                    else:
                        feats = ("<auth xmlns='http://jabber.org/features/"
                                 "iq-auth'/>")
                    writer.write(("<stream:features>%s</stream:features>"
                                  % feats).encode())
                    await writer.drain()
                    continue
                if el.tag == "{%s}starttls" % NS_TLS and not secure:
                    writer.write(("<proceed xmlns='%s'/>" % NS_TLS).encode())
                    await writer.drain()
                    await writer.start_tls(self.ctx)
                    secure = restart = True
                    break
                if el.tag == "{jabber:client}iq":
                    authed = await self._iq(writer, el, sid, authed)
                    if authed:
                        self._writer = writer
                elif el.tag == "{jabber:client}message" and authed:
                    body = el.find("{jabber:client}body")
                    if body is not None:
                        self.messages.append(body.text or "")
            if not restart:
                return

    def _reply(self, writer, iq, body="", itype="result"):
        writer.write(("<iq type='%s' id=%s%s>%s</iq>" % (
            itype, quoteattr(iq.get("id", "")),
            " to=%s" % quoteattr(iq.get("from")) if iq.get("from") else "",
            body)).encode())

    def _error(self, writer, iq, etype, cond):
        self._reply(writer, iq, "<error type='%s'><%s xmlns='%s'/></error>"
                    % (etype, cond, NS_STANZAS), "error")

    async def _iq(self, writer, iq, sid, authed):
        itype = iq.get("type")
        query = iq.find("{%s}query" % NS_AUTH)
        if query is not None and not authed:
            if itype == "get":
                self.gets += 1
                self._reply(writer, iq, "<query xmlns='%s'>%s</query>" % (
                    NS_AUTH, "".join("<%s/>" % f for f in self.fields)))
            else:
                authed = self._login(writer, iq, query, sid)
        elif not authed:
            self._error(writer, iq, "auth", "not-authorized")
        elif itype in ("result", "error"):
            if iq.get("id") == "srv-ping" and itype == "result":
                self.pongs += 1
        elif iq.find("{%s}ping" % NS_PING) is not None:
            self._reply(writer, iq)
        elif (iq.find("{%s}query" % NS_ROSTER) is not None and
              itype == "get"):
            self._reply(writer, iq, "<query xmlns='%s'/>" % NS_ROSTER)
        else:
            self._error(writer, iq, "cancel", "service-unavailable")
        await writer.drain()
        return authed

    def _login(self, writer, iq, query, sid):
        def text(name):
            el = query.find("{%s}%s" % (NS_AUTH, name))
            return None if el is None else (el.text or "")
        login = Login(text("username"), text("digest"), text("password"),
                      text("resource"), False)
        good_user = login.username == self.user and login.resource
        if login.digest is not None:
            login.ok = good_user and "digest" in self.fields and \
                login.digest == sha1_hex(sid + self.password)
        elif login.password is not None:
            login.ok = good_user and "password" in self.fields and \
                login.password == self.password
        self.logins.append(login)
        if not login.ok:
            self._error(writer, iq, "auth", "not-authorized")
            return False
        self._reply(writer, iq)
        # the session is up: ask natter for a pong
        writer.write(("<iq type='get' id='srv-ping' from='%s' to='%s@%s/%s'>"
                      "<ping xmlns='%s'/></iq>" % (
                          self.domain, self.user, self.domain,
                          escape(login.resource), NS_PING)).encode())
        return True


@pytest.fixture
def iqauth_server(prosody):
    """iqauth_server(**opts) -> a started IqAuthServer with the test
    Prosody's certificate, for alice; stopped after the test."""
    made = []

    def make(user="alice", password=None, **opts):
        srv = IqAuthServer(prosody.cert_path, prosody.key_path, user,
                           password or ALICE_PASSWORD, **opts)
        key = "iqauth-%d" % id(srv)
        harness.register_cleanup(key, srv.stop)
        made.append((key, srv))
        return srv.start()
    yield make
    for key, srv in made:
        srv.stop()
        harness.unregister_cleanup(key)


ALICE_PASSWORD = "s3cret-" + secrets.token_hex(4)


def write_rc(prosody, xdg, port, tls="required", auth="legacy",
             password=ALICE_PASSWORD, pin=True):
    """alice's natterrc for a server on 127.0.0.1:port; its certificate
    (the test Prosody's, for "localhost") pinned unless pin is false."""
    if pin:
        natterdemo.pin_certificate(xdg.data, "localhost",
                                   prosody.cert_fingerprint())
    opts = natterdemo.natter_account(
        jid="alice@localhost", password=password, port=port, tls=tls,
        auth=auth, strangers="open")
    return natterdemo.write_natterrc(xdg.natterrc, {ACCOUNT: opts},
                                     "debug = true\n")


def online_and_answering(pane, srv):
    """natter is connected, answers the server's ping, its own /ping
    comes back (a round trip each way), and a chat goes both ways."""
    screen = pane.wait_for(CONNECTED)
    harness.wait_value(lambda: srv.pongs >= 1, "natter's pong")
    pane.barrier()
    pane.send_keys("/query bob@localhost")
    pane.wait_until(lambda s: "bob@localhost" in pane.title(s),
                    "bob's window")
    pane.send_keys("hello, old server")
    harness.wait_value(lambda: "hello, old server" in srv.messages,
                       "natter's message at the server")
    srv.send("<message from='bob@localhost/peer' "
             "to='alice@localhost/natter' type='chat'>"
             "<body>hello from an old server</body></message>")
    pane.wait_for(r"<bob@localhost> hello from an old server")
    pane.send_alt("1")
    pane.wait_until(lambda s: "console" in pane.title(s), "the console")
    return screen


def not_connected(pane):
    """A round trip while natter is not connected (and does not retry):
    /ping says so."""
    pane.send_keys("/ping")
    return pane.wait_for(r"test is not connected \(/connect test\)")


# -- digest -----------------------------------------------------------------

@pytest.mark.parametrize("tls", ["required", "direct"])
def test_digest_when_offered(iqauth_server, prosody, xdg, run_natter, tls):
    srv = iqauth_server(direct=tls == "direct")
    pane = run_natter(write_rc(prosody, xdg, srv.port, tls=tls))
    screen = online_and_answering(pane, srv)
    assert re.search(DIGEST_LINE, pane.console(screen)), screen
    assert len(srv.logins) == 1
    login = srv.logins[0]
    # the server checked the digest against its stream id
    assert login.ok and login.digest and re.fullmatch(r"[0-9a-f]{40}",
                                                      login.digest)
    assert login.password is None, "the password went along with the digest"
    assert login.username == "alice" and login.resource == "natter"


def test_auto_falls_back_to_digest(iqauth_server, prosody, xdg, run_natter):
    # no SASL mechanism at all: auto tries SASL, then the old login
    srv = iqauth_server()
    pane = run_natter(write_rc(prosody, xdg, srv.port, auth="auto"))
    screen = online_and_answering(pane, srv)
    assert re.search(DIGEST_LINE, pane.console(screen)), screen
    assert srv.connections == 2, "auto did not try SASL first"
    assert [lg.ok for lg in srv.logins] == [True]


# -- plaintext --------------------------------------------------------------

def test_plaintext_when_only_offered(iqauth_server, prosody, xdg, run_natter):
    srv = iqauth_server(fields=("username", "password", "resource"))
    pane = run_natter(write_rc(prosody, xdg, srv.port))
    screen = online_and_answering(pane, srv)
    assert re.search(PLAIN_LINE, pane.console(screen)), screen
    assert [(lg.ok, lg.password, lg.digest) for lg in srv.logins] == \
        [(True, ALICE_PASSWORD, None)]


def test_plaintext_with_prosody(legacy_prosody, alice, xdg, run_natter):
    # Prosody's mod_legacyauth offers no digest
    rc = natterdemo.write_natterrc(xdg.natterrc, {ACCOUNT: (
        natterdemo.natter_account(
            jid=alice.jid, password=alice.password,
            port=legacy_prosody.c2s_port, tls="trust", auth="legacy"))})
    pane = run_natter(rc)
    screen = pane.wait_for(CONNECTED)
    assert re.search(PLAIN_LINE, pane.console(screen)), screen
    pane.barrier()


# -- refusals ---------------------------------------------------------------

def test_refused_without_tls(iqauth_server, prosody, xdg, run_natter):
    # the server offers no STARTTLS: not even the user name is sent
    srv = iqauth_server(starttls=False)
    pane = run_natter(write_rc(prosody, xdg, srv.port))
    pane.wait_for(r"test: not connected: refused to log in with the old "
                  r"jabber:iq:auth method: the connection is not encrypted")
    not_connected(pane)
    assert srv.gets == 0 and srv.logins == []
    assert srv.connections == 1


def test_plaintext_field_alone_refused_without_tls(iqauth_server, prosody,
                                                   xdg, run_natter):
    # and tls = "disable" is refused before any connection
    srv = iqauth_server(starttls=False,
                        fields=("username", "password", "resource"))
    pane = run_natter(write_rc(prosody, xdg, srv.port, tls="disable"))
    pane.wait_for(r"refused to log in: auth = \"legacy\" sends the password "
                  r"unprotected")
    not_connected(pane)
    assert srv.connections == 0


def test_wrong_password(iqauth_server, prosody, xdg, run_natter):
    srv = iqauth_server()
    pane = run_natter(write_rc(prosody, xdg, srv.port,
                               password="not-the-password"))
    pane.wait_for(r"test: login failed: the server rejected the user name "
                  r"or password")
    not_connected(pane)
    assert [lg.ok for lg in srv.logins] == [False]
    assert srv.logins[0].digest and srv.logins[0].password is None
    assert srv.connections == 1, "natter retried a refused login"


def test_unknown_certificate_refused(iqauth_server, prosody, xdg,
                                     run_natter):
    # the raw stream checks the certificate like any other
    srv = iqauth_server()
    pane = run_natter(write_rc(prosody, xdg, srv.port, pin=False))
    pane.wait_for(r"test: not connected: certificate not trusted")
    assert srv.gets == 0 and srv.logins == []


# -- SASL first -------------------------------------------------------------

@pytest.fixture
def both_prosody(prosody):
    """The test's Prosody offering SASL and jabber:iq:auth both."""
    with open(prosody.config_path) as f:
        cfg = f.read()
    cfg = cfg.replace('modules_enabled = { "roster",',
                      'modules_enabled = { "legacyauth", "roster",')
    assert '"legacyauth"' in cfg
    with open(prosody.config_path, "w") as f:
        f.write(cfg)
    prosody.restart()
    return prosody


def test_auto_picks_sasl(both_prosody, alice, xdg, run_natter):
    rc = natterdemo.write_natterrc(xdg.natterrc, {ACCOUNT: (
        natterdemo.natter_account(
            jid=alice.jid, password=alice.password,
            port=both_prosody.c2s_port, tls="trust", auth="auto"))})
    pane = run_natter(rc)
    pane.wait_for(CONNECTED)
    screen = pane.barrier()
    assert not re.search(OLD_LOGIN, screen), screen


@pytest.mark.parametrize("auth", ["sasl", "auto"])
def test_sasl_wrong_password_in_words(both_prosody, alice, xdg, run_natter,
                                      auth):
    # a refused SASL login is the password, never "no login method", and
    # auto does not go on to send it with the old method
    rc = natterdemo.write_natterrc(xdg.natterrc, {ACCOUNT: (
        natterdemo.natter_account(
            jid=alice.jid, password="not-the-password",
            port=both_prosody.c2s_port, tls="trust", auth=auth))})
    pane = run_natter(rc)
    pane.wait_for(r"test: login failed: the server rejected the user name "
                  r"or password")
    screen = not_connected(pane)
    assert not re.search(OLD_LOGIN, screen), screen


# -- over HTTPS -------------------------------------------------------------

@pytest.mark.prosody(web=True)
@pytest.mark.parametrize("transport", ["bosh", "websocket"])
def test_legacy_over_web(legacy_prosody, alice, xdg, run_natter, transport):
    # BOSH and WebSocket are encrypted by their HTTPS, not by STARTTLS
    closed = natterdemo.free_ports(1)[0]
    rc = natterdemo.write_natterrc(xdg.natterrc, {ACCOUNT: (
        natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=closed,
            tls="trust", auth="legacy", transport=transport,
            bosh_url=legacy_prosody.bosh_url,
            websocket_url=legacy_prosody.websocket_url))})
    pane = run_natter(rc)
    screen = pane.wait_for(CONNECTED)
    assert re.search(PLAIN_LINE, pane.console(screen)), screen
    pane.barrier()
