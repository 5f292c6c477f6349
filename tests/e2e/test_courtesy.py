"""Protocol courtesy: natter answers ping (XEP-0199), disco#info (XEP-0030
with XEP-0115 caps), version (XEP-0092) and time (XEP-0202), and answers
any other IQ get/set with service-unavailable."""

import datetime
import re

import pytest

CONNECTED = r"connected as alice@localhost/natter"
UNKNOWN = "<query xmlns='urn:example:nothing'/>"


@pytest.fixture
def online(natter, peer, alice):
    """natter logged in, and the peer sees it answer (a ping succeeds)."""
    natter.wait_for(CONNECTED)
    reply = peer.ping(alice.full_jid)
    assert reply.type == "result", reply
    return natter


def test_ping_twice(online, peer, alice):
    for _ in range(2):
        reply = peer.ping(alice.full_jid)
        assert reply.type == "result", reply
        assert reply.xml.get("from") == alice.full_jid
        assert reply.rtt < 5, "ping took %.1f s" % reply.rtt


def test_disco_info(online, peer, alice):
    reply, identities, features = peer.disco_info(alice.full_jid)
    assert reply.type == "result", reply
    assert any(cat == "client" for cat, _t, _n in identities), identities
    wanted = {"urn:xmpp:ping", "http://jabber.org/protocol/disco#info",
              "jabber:iq:version", "urn:xmpp:time",
              "http://jabber.org/protocol/caps"}
    assert wanted <= features, "missing %s" % sorted(wanted - features)


def test_version(online, peer, alice):
    reply, fields = peer.version(alice.full_jid)
    assert reply.type == "result", reply
    assert fields.get("name") == "natter", fields
    assert fields.get("version"), fields


def test_time(online, peer, alice):
    reply, fields = peer.time(alice.full_jid)
    assert reply.type == "result", reply
    utc = fields.get("utc", "")
    tzo = fields.get("tzo", "")
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z", utc)
    assert m, "utc %r is not XEP-0082 UTC" % utc
    assert re.fullmatch(r"[+-]\d\d:\d\d|Z", tzo), "tzo %r" % tzo
    then = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    now = datetime.datetime.utcnow()
    assert abs((now - then).total_seconds()) < 120, (utc, now)


@pytest.mark.parametrize("itype", ["get", "set"])
def test_unknown_iq_service_unavailable(online, peer, alice, itype):
    reply = peer.iq(itype, alice.full_jid, UNKNOWN)
    assert reply.type == "error", reply
    assert reply.condition == "service-unavailable", reply
    assert reply.xml.get("from") == alice.full_jid
    # Still connected, so the error above came from natter, not the server.
    assert peer.ping(alice.full_jid).type == "result"
