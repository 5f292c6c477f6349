"""/version asks which software a client runs (XEP-0092), and shows the
answer as one sanitised line of natter's, or why there is none.

bob is online with three clients: "peer" answers with a hostile name,
version and os (a newline followed by a forged "HH:MM demo: ..." line,
U+202E RLO, U+009B CSI); "mute" answers service-unavailable; "stall"
never answers.  /version Bob (his roster name) asks all three: the first
answer is one stamped row holding every word and no control, the second
is worded, the third ends at natter's request timeout.  /version of a
domain asks the server itself; /version of a contact natter has not seen
online says so without asking anyone."""

import re

import harness

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"
STAMPED = re.compile(r"^\d\d:\d\d ")
RLO, CSI = "\u202e", "\u009b"
# natter's request timeout (REQ_TIMEOUT_MS) is 20 s
REQUEST_TIMEOUT = 20


def friends(prosody):
    """alice and bob see each other's presence; alice calls him Bob.
    Before natter and bob log in."""
    harness.write_roster(prosody, "alice", [{"jid": BOB, "name": "Bob"}])
    harness.write_roster(prosody, "bob", [{"jid": "alice@localhost"}])


def wait_row(natter, regex, timeout=harness.WAIT):
    """Wait until a row of the chat area (right of the roster pane)
    matches regex; return that row."""
    rx = re.compile(regex)
    found = []

    def seen(screen):
        found[:] = [r for r in natter.chat_rows(screen) if rx.search(r)]
        return found
    natter.wait_until(seen, repr(regex), timeout)
    return found[-1]


def set_version(peer, name, version="", os_name=""):
    def go():
        plugin = peer.client["xep_0092"]
        plugin.software_name = name
        plugin.version = version
        plugin.os = os_name
    peer.call_soon(go)


def never_answer_version(peer):
    """Swallow version requests: no answer, no error."""
    def go():
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import StanzaPath
        peer.client.remove_handler("Software Version")
        peer.client.register_handler(Callback(
            "peer: swallow version requests",
            StanzaPath("iq@type=get/software_version"), lambda iq: None))
    peer.call_soon(go)


def test_version_of_each_client_one_clean_line(prosody, accounts, write_rc,
                                               start_natter, make_peer):
    friends(prosody)
    alice = accounts["alice"]
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    peer = make_peer("bob", resource="peer")
    set_version(peer, "Evil\n12:34 demo: CERTIFICATE CHANGED" + RLO + CSI
                + "31m", "6.6\n12:35 demo: connected", "Linux" + RLO)
    mute = make_peer("bob", resource="mute")
    set_version(mute, "")          # slixmpp: service-unavailable
    stall = make_peer("bob", resource="stall")
    never_answer_version(stall)
    # barrier: each client's presence went before its message, on the
    # same stream, so once natter shows the three messages it knows the
    # three resources (and the version handlers are set)
    for p in (peer, mute, stall):
        p.send_message(alice.full_jid, "hello from " + p.jid)
    natter.wait_for(r"\[\d:Bob\(3\)\]")

    natter.send_keys("/version Bob")
    for res in ("peer", "mute", "stall"):
        natter.wait_for(r"Asked %s/%s which software it runs" % (BOB, res))
    screen = natter.wait_for(r"%s/peer runs Evil" % BOB)
    rows = [r for r in natter.chat_rows(screen) if "/peer runs Evil" in r]
    assert len(rows) == 1 and STAMPED.match(rows[0]), harness.boxed(screen)
    # one line: the forged lines are words of it, on the same row
    assert re.search(r"/peer runs Evil 12:34 demo: CERTIFICATE CHANGED ?31m "
                     r"6\.6 12:35 demo: connected on Linux\s*$", rows[0]), \
        rows[0]
    for row in natter.chat_rows(screen):
        assert not re.match(r"^\d\d:\d\d demo:", row.strip()), \
            harness.boxed(screen)
    assert RLO not in screen and CSI not in screen and "\x1b" not in screen

    screen = natter.wait_for(r"%s/mute did not say which software it runs: "
                             r"it does not answer version requests" % BOB)
    natter.wait_for(r"%s/stall did not answer /version in time" % BOB,
                    timeout=REQUEST_TIMEOUT + harness.WAIT)
    # natter is still itself after the answers
    stall.send_message(alice.full_jid, "still there?")
    natter.wait_for(r"\[\d:Bob\(4\)\]")


def test_version_of_server_full_jid_and_offline(prosody, accounts, write_rc,
                                                start_natter, make_peer):
    friends(prosody)
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    # a domain is asked as it is: Prosody answers (mod_version)
    natter.send_keys("/version localhost")
    natter.wait_for(r"Asked localhost which software it runs")
    wait_row(natter, r"^\d\d:\d\d localhost runs Prosody \S+")
    # bob is not online: natter asks nobody and says why
    natter.send_keys("/version Bob")
    natter.wait_for(r"%s is offline, as far as natter knows: name one of "
                    r"its clients, e.g. /version %s/RESOURCE" % (BOB, BOB))
    assert not re.search(r"Asked %s" % BOB, natter.screen())
    # a full JID is asked even so; the server answers for a resource
    # that is not there
    natter.send_keys("/version %s/nowhere" % BOB)
    natter.wait_for(r"Asked %s/nowhere which software it runs" % BOB)
    natter.wait_for(r"%s/nowhere did not say which software it runs: "
                    % BOB)
    # once bob is online, a full JID asks that client only
    peer = make_peer("bob", resource="peer")
    set_version(peer, "Peer client", "1.2")
    peer.send_message(accounts["alice"].full_jid, "online")
    natter.wait_for(r"\[\d:Bob\(1\)\]")
    natter.send_keys("/version %s/peer" % BOB)
    wait_row(natter, r"^\d\d:\d\d %s/peer runs Peer client 1\.2\s*$" % BOB)
