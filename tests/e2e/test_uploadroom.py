"""An upload to a room whose window was closed before it ended (review
finding M5).

alice sends a file to a room with /sendfile while the upload service's
HTTPS port is stalled (test_upload's NetProxy), then closes the room's
window, which leaves the room.  When the upload ends, the message with
the file's address cannot go to a room she is not in: the console says
that it waits in the room's outbox, and the next /join of the room
sends it, where bob, in the room all along, reads it (body and
XEP-0066 data).  Nothing is lost, natter does not crash."""

import re

from test_upload import (CONNECTED, files, noise, oob_urls,  # noqa: F401
                         prosody, web_proxy)

ROOM = "lobby@conference.localhost"


def test_address_waits_for_the_next_join(start_natter, natterrc, make_peer,
                                         prosody, files, web_proxy):
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    bob.send_raw("<presence to='%s/bob'><x xmlns='http://jabber.org/"
                 "protocol/muc'/></presence>" % ROOM)
    bob.wait_stanza("presence", lambda el: el.get("from") == ROOM + "/bob",
                    "bob in the room")
    natter.send_keys("/join %s" % ROOM)
    natter.wait_for(r"You joined lobby@conference\.localhost as alice")

    path = files / "late.bin"
    path.write_bytes(noise(2 * 1024 * 1024))
    web_proxy.stall()
    natter.send_keys("/sendfile %s" % path)
    natter.wait_for(r"Transfer 1: late\.bin \(upload\): .* of 2\.0 MiB")
    natter.send_keys("/close")
    bob.wait_stanza("presence", lambda el: el.get("from") == ROOM +
                    "/alice" and el.get("type") == "unavailable",
                    "alice leaving the room")
    web_proxy.restore()
    natter.wait_for(r"Transfer 1 done: \S+late\.bin is at https://")
    natter.wait_for(r"The window of lobby@conference\.localhost was closed "
                    r"before it ended: the address waits in its outbox")
    # not sent to a room alice is not in: a message to bob after the
    # upload ended reaches him first
    natter.send_keys("/msg bob@localhost after the upload")
    bob.wait_message(lambda m: m[2] == "after the upload")
    assert not [el for el in bob.stanzas if oob_urls(el)]

    natter.send_keys("/join %s" % ROOM)
    el = bob.wait_stanza(
        "message", lambda e: e.get("type") == "groupchat" and
        e.get("from") == ROOM + "/alice" and oob_urls(e),
        "the address in the room after the join")
    url = oob_urls(el)[0]
    assert url.endswith("/late.bin"), url
    body = [c.text for c in el if c.tag.endswith("}body")]
    assert body == [url], body
    # the room's echo is alice's line, once
    screen = natter.wait_for(r"<alice> https://\S+/late\.bin")
    assert len(re.findall(r"<alice> https://\S+/late\.bin", screen)) == 1
