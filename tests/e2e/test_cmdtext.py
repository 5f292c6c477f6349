"""Commands keep the user's text (issue 9): what follows /msg JID and
/me reaches the peer byte for byte, quotes, backslashes and runs of
spaces included; an unmatched quote in a message is text, not an error;
quoting still groups the words before the text (a roster name with a
space)."""

import re

import harness

CONNECTED = r"connected as alice@localhost/natter"
BOB_TITLE = r"^\s*bob@localhost <bob@localhost[/>]"

# Quotes, backslashes (also before a quote and at the end), runs of
# spaces, a Windows path: everything cmd_split would have eaten.
TEXT = r'He said "hi"   to C:\path\file,  \"not quoted\" and \\ ok \\'


def body_is(text):
    return lambda m: m[2] == text


def test_msg_text_byte_for_byte(online, bob, alice):
    online.send_keys("/msg bob@localhost   " + TEXT)
    frm, _, body = bob.wait_message(body_is(TEXT))
    assert frm.startswith(alice.jid + "/"), frm
    # shown as sent, once
    screen = online.wait_for(r"<alice> " + re.escape(TEXT))
    assert online.count(re.escape(TEXT), screen) == 1, harness.boxed(screen)
    # and nothing else went to bob
    online.barrier(bob.jid)
    assert [m[2] for m in bob.messages if m[2]] == [TEXT], bob.messages


def test_me_text_and_unmatched_quote(online, bob, alice):
    online.send_keys("/query bob@localhost")
    online.wait_until(lambda s: re.search(BOB_TITLE, online.title(s)),
                      "the conversation with bob")
    online.send_keys('/me says "hi"   there')
    bob.wait_message(body_is('/me says "hi"   there'))
    # once refused as an unclosed quote
    online.send_keys('/me is "happy')
    bob.wait_message(body_is('/me is "happy'))
    online.send_keys('/msg bob@localhost C:\\path')
    bob.wait_message(body_is('C:\\path'))
    screen = online.barrier(bob.jid)
    assert "Unclosed quote" not in screen, harness.boxed(screen)
    assert [m[2] for m in bob.messages if m[2]] == [
        '/me says "hi"   there', '/me is "happy', 'C:\\path'], bob.messages


def test_quoted_name_before_text(prosody, accounts, natterrc, start_natter,
                                 make_peer, alice):
    """A contact's roster name with a space, quoted, then the text."""
    harness.write_roster(prosody, "alice", [
        {"jid": "bob@localhost", "name": "Bob Smith"}])
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    bob = make_peer("bob")
    natter.send_keys('/msg "Bob Smith" "quoted"  text')
    bob.wait_message(body_is('"quoted"  text'))
