"""test_fixd: the raw stream's TLS (xmpp/conn.c conn_raw_open), which the
legacy login and `natter --register` now share.

Registration reaches the server through an _xmpps-client SRV record
alone (XEP-0368: direct TLS on the port it names).  The raw stream must
start TLS at once, as the legacy login always did; it used to start it
only for tls = "direct" and sent a plain stream header to the TLS port.
"""

import re
import secrets

import pytest

import harness
import natterdemo
from test_dns import DOMAIN, dns, trusting  # noqa: F401 (fixtures)

NAME = "new"


@pytest.fixture
def rprosody():
    server = natterdemo.PrivateProsody(domain=DOMAIN, allow_registration=True)
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


def test_register_through_xmpps_srv(rprosody, xdg, dns, natter_bin):
    d = dns([
        "--srv-host=_xmpps-client._tcp.dns.test,direct.test,%d,0,10"
        % rprosody.direct_tls_port,
        "--address=/direct.test/127.0.0.1",
    ])
    acct = natterdemo.natter_account(
        jid="ivy@" + DOMAIN, password=secrets.token_urlsafe(12),
        port=None, server=None, tls="required")
    rc = natterdemo.write_natterrc(xdg.natterrc, {NAME: acct},
                                   extra='dns_server = "%s"' % d.server)
    env = xdg.env()
    env.update(trusting(rprosody))
    pane = harness.NatterPane([natter_bin, "-c", rc, "--register", NAME], env)
    key = "pane-%d" % id(pane)
    harness.register_cleanup(key, pane.finish)
    try:
        pane.start()
        screen = pane.wait_for(r"Create the account .*(\n.*)*\n.*\* Password")
        assert re.search(r"Create the account ivy@dns\.test", screen), screen
    finally:
        bad = pane.finish()
        harness.unregister_cleanup(key)
    assert not bad, bad
