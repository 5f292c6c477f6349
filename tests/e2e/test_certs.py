"""Certificates with tls = "required": an unknown certificate is shown and
refused until /trust pins it; a pinned fingerprint that no longer matches
is refused with both fingerprints shown."""

import re

import pytest

import harness
import natterdemo

CONNECTED = r"connected as alice@localhost/natter"


def on_screen(fingerprint, text):
    """The fingerprint is on screen (it may be wrapped)."""
    return re.search(harness.fuzzy(fingerprint), text, re.I) is not None


def not_online(pane, peer, alice, screen):
    assert not re.search(CONNECTED, screen, re.I), screen
    assert not re.search(r"online", pane.status_bar(screen), re.I), screen
    reply = peer.ping(alice.full_jid)
    assert reply.type == "error", \
        "natter answered a ping while it should be offline: %r" % (reply,)


def pinned(xdg):
    with open(xdg.pin_store, encoding="utf-8") as f:
        return [line.split() for line in f
                if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.natterrc(tls="required")
def test_unknown_cert_then_trust(prosody, natter, natterrc, start_natter,
                                 peer, alice, xdg):
    fp = prosody.cert_fingerprint()
    screen = natter.wait_for(r"certificate not trusted")
    screen = natter.wait_for(r"/trust\s+test")
    for label in (r"Subject:", r"Issuer:", r"Valid", r"SHA-256:"):
        assert re.search(label, screen, re.I), \
            "%s missing:\n%s" % (label, harness.boxed(screen))
    assert re.search(r"SHA-256:\s*" + harness.fuzzy(fp), screen, re.I), \
        "fingerprint %s not shown after SHA-256:\n%s" % (
            fp, harness.boxed(screen))
    assert re.search(r"Subject:.*\blocalhost\b", screen, re.I), screen
    not_online(natter, peer, alice, screen)

    natter.send_keys("/trust test")
    natter.wait_for(CONNECTED)
    assert peer.ping(alice.full_jid).type == "result"
    entries = pinned(xdg)
    assert ["localhost", fp] in [[d, f.upper()] for d, f in entries], \
        "pin store %s holds %r, not localhost %s" % (xdg.pin_store,
                                                     entries, fp)

    assert natter.quit() == 0
    natter.kill_server()
    again = start_natter(natterrc)
    screen = again.wait_for(CONNECTED)
    assert not re.search(r"not trusted", screen, re.I), screen
    assert peer.ping(alice.full_jid).type == "result"


def test_changed_cert_refused(prosody, write_rc, start_natter, peer, alice,
                              xdg):
    old = prosody.cert_fingerprint()
    natterdemo.pin_certificate(xdg.data, "localhost", old)
    prosody.replace_cert()
    prosody.restart()
    peer.reconnect()
    new = prosody.cert_fingerprint()
    assert new != old
    natter = start_natter(write_rc(tls="required"))
    natter.wait_for(r"certificate changed")
    natter.wait_until(
        lambda s: on_screen(old, s) and on_screen(new, s),
        "both the pinned (%s) and the new (%s) fingerprint" % (old, new))
    not_online(natter, peer, alice, natter.screen())
    assert natter.is_running()
