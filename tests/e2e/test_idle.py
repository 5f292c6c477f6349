"""Auto-away (natterrc's autoaway, core/idle.c) as a contact sees it:
after a minute without a key natter's presence turns away with
autoaway_message, and the next key brings back plain availability.
(Chat states, the other half of idle.c, are in test_chat.py.)

This test waits out natter's shortest idle time, one minute."""

import natterdemo

import harness

CONNECTED = r"connected as alice@localhost/natter"
BOB = "bob@localhost"


def alice_presence(alice, show, status):
    """A predicate: an available presence from alice's natter with this
    show and status (None: none)."""
    def match(el):
        return (el.get("from") == alice.full_jid and el.get("type") is None
                and harness.text_of(el, "show") == show
                and harness.text_of(el, "status") == status)
    return match


def test_autoaway_and_back(prosody, alice, xdg, start_natter, make_peer):
    harness.write_roster(prosody, "alice", [{"jid": BOB}])
    harness.write_roster(prosody, "bob", [{"jid": alice.jid}])
    rc = natterdemo.write_natterrc(
        xdg.natterrc,
        {"test": natterdemo.natter_account(
            jid=alice.jid, password=alice.password, port=prosody.c2s_port,
            tls="trust", resource="natter")},
        extra='autoaway = 1\nautoaway_message = "gone fishing"\n')
    bob = make_peer("bob")
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    bob.wait_stanza("presence", alice_presence(alice, None, None),
                    "natter's initial presence")
    mark = len(bob.presences)

    away = bob.wait_stanza("presence",
                           alice_presence(alice, "away", "gone fishing"),
                           "auto-away after a minute without a key",
                           timeout=90)
    mark = bob.presences.index(away) + 1

    natter.send_keys("x", enter=False)
    bob.wait_stanza("presence",
                    lambda el: el in bob.presences[mark:] and
                    alice_presence(alice, None, None)(el),
                    "available again after a key")
