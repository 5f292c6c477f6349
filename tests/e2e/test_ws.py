"""WebSocket (RFC 7395): the server's messages that arrive together reach
libstrophe together. Each stanza is one WebSocket message; natter hands
what one read from the server gave to libstrophe's loopback socket in
one write (core/wsock.c), not one write per message, and says so in its
debug log. Messages that need a look inside (<open/>, <close/>, and
anything that does not begin with a start tag) still get the full
parse, the rest go through as they came and arrive intact.

A burst that Prosody routes in one pass (one read of bob's stream) goes
out to natter's WebSocket in one flush, so its messages come in one
read."""

import re

import pytest

import harness
from harness import message_xml
from test_web import BOB, CONNECTED, said, stored, web_rc

pytestmark = pytest.mark.prosody(web=True)

BURST = 20
# what natter's debug log says for several messages in one write
BATCHED = re.compile(r"wsock: (\d+) messages from the server reach "
                     r"libstrophe in one write")


def test_websocket_burst_in_one_write(prosody, accounts, write_rc,
                                      start_natter, make_peer, tmp_path, xdg):
    alice = accounts["alice"]
    log = tmp_path / "natter-debug.log"
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])
    rc = web_rc(write_rc, prosody, "websocket", debug_log=log)
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    harness.round_trip(natter, bob, alice.full_jid)

    def batches():
        return [int(n) for n in
                BATCHED.findall(log.read_text(errors="replace"))]

    natter.send_keys("/query " + BOB)
    before = len(batches())
    # one send from bob: Prosody reads it at once and routes every
    # message to natter's WebSocket in the same pass; the bodies hold
    # markup-like text (escaped) and a prefixed child, which pass
    # through untouched
    bob.send_raw("".join(
        message_xml(alice.full_jid, "burst %d of %d <open/> & <close/>"
                    % (i, BURST), mid="wb%d" % i,
                    extra="<x:thread xmlns:x='urn:test:ws'>t%d</x:thread>"
                    % i)
        for i in range(1, BURST + 1)))
    natter.wait_for(said("Bob", "burst %d of %d <open/> & <close/>"
                         % (BURST, BURST)))
    harness.round_trip(natter, bob, alice.full_jid)
    after = batches()[before:]
    assert after and max(after) > 1, after
    # every message of the burst arrived, none lost in a batch
    harness.wait_value(lambda: stored(xdg, "burst") == BURST,
                       "all %d burst messages in the history" % BURST)
    # and the stream still works both ways
    natter.send_keys("/msg %s after the burst" % BOB)
    bob.wait_message(lambda m: m[2] == "after the burst")
    assert natter.quit() == 0
