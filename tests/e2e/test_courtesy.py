"""Protocol courtesy: natter answers ping (XEP-0199), disco#info (XEP-0030
with XEP-0115 caps), version (XEP-0092) and time (XEP-0202), and answers
any other IQ get/set with service-unavailable.  Version and time go only
where the account's courtesy option allows: by default to roster
contacts (bob is one here, see `contact`), our own JIDs and our server;
a stranger gets service-unavailable, as for what natter does not
support."""

import datetime
import re

import pytest

import harness

CONNECTED = r"connected as alice@localhost/natter"
UNKNOWN = "<query xmlns='urn:example:nothing'/>"


@pytest.fixture
def contact(prosody, accounts):
    """bob in alice's roster (both ways); request it before natter."""
    harness.write_roster(prosody, "alice", [{"jid": "bob@localhost"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


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


def test_version(contact, online, peer, alice):
    reply, fields = peer.version(alice.full_jid)
    assert reply.type == "result", reply
    assert fields.get("name") == "natter", fields
    assert fields.get("version"), fields


def test_time(contact, online, peer, alice):
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


def test_strangers_get_no_version_or_time(online, peer, alice):
    for reply in (peer.version(alice.full_jid)[0],
                  peer.time(alice.full_jid)[0]):
        assert reply.type == "error", reply
        assert reply.condition == "service-unavailable", reply
        assert reply.xml.get("from") == alice.full_jid
    # ping and disco#info still answer
    assert peer.ping(alice.full_jid).type == "result"


def test_own_resources_get_version(online, make_peer, alice):
    me = make_peer("alice", resource="phone")
    reply, fields = me.version(alice.full_jid)
    assert reply.type == "result", reply
    assert fields.get("name") == "natter", fields


@pytest.mark.natterrc(courtesy="all")
def test_courtesy_all_answers_strangers(online, peer, alice):
    reply, fields = peer.version(alice.full_jid)
    assert reply.type == "result", reply
    assert fields.get("name") == "natter", fields
    assert peer.time(alice.full_jid)[0].type == "result"


@pytest.mark.natterrc(courtesy="none")
def test_courtesy_none_answers_nobody(contact, online, peer, alice):
    for reply in (peer.version(alice.full_jid)[0],
                  peer.time(alice.full_jid)[0]):
        assert reply.type == "error", reply
        assert reply.condition == "service-unavailable", reply
