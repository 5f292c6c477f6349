"""Feeds remembered across restarts.

A feed followed with /feed SERVICE NODE (the service confirmed the
subscription) is remembered per account: the next run opens its window
again at login, subscribed, with the node's latest items, and a new item
slixmpp publishes then shows in it.  /unfeed forgets it: the run after
that opens no feed window (asserted after a round trip through natter:
the login opens the remembered feeds as it comes online, before it
handles anything else)."""

import re

import pytest

import natterdemo
from test_pubsub import (PEP_PLUGINS, PUBSUB, create_node, entry, publish)

CONNECTED = r"connected as alice@localhost/natter"

pytestmark = pytest.mark.prosody(pubsub=PUBSUB, modules=("pep",),
                                 admins=["bob@localhost"])


@pytest.fixture
def rc(prosody, alice, xdg):
    account = natterdemo.natter_account(
        jid=alice.jid, password=alice.password, port=prosody.c2s_port,
        tls="trust", resource="natter")
    return natterdemo.write_natterrc(xdg.natterrc, {"test": account})


def started(start_natter, rc):
    natter = start_natter(rc)
    natter.wait_for(CONNECTED)
    return natter


def test_feed_comes_back_after_restart_until_unfeed(rc, start_natter,
                                                    make_peer):
    bob = make_peer("bob", plugins=PEP_PLUGINS)
    create_node(bob, "news")
    publish(bob, "news", "old", entry("Before the restart"))

    natter = started(start_natter, rc)
    natter.send_keys("/feed %s news" % PUBSUB)
    natter.wait_for(r"Subscribed to news on %s" % re.escape(PUBSUB))
    natter.wait_for(r"Before the restart")
    assert natter.quit() == 0

    # the next run: the window is back (not current: the console is)
    natter = started(start_natter, rc)
    assert "natter console" in natter.title(), natter.title()
    natter.wait_until(lambda s: PUBSUB + "/news" in natter.status_bar(s),
                      "the feed's window in the window list")
    natter.send_alt("2")
    natter.wait_until(lambda s: "feed news on %s" % PUBSUB in
                      natter.title(s), "the feed's window current")
    natter.wait_for(r"Subscribed to news on %s" % re.escape(PUBSUB))
    natter.wait_for(r"Before the restart")
    publish(bob, "news", "new", entry("Published after the restart"))
    natter.wait_for(r"Published after the restart")

    # /unfeed forgets it: the run after opens no feed window
    natter.send_keys("/unfeed")
    natter.wait_for(r"Unsubscribed from news on %s" % re.escape(PUBSUB))
    assert natter.quit() == 0
    natter = started(start_natter, rc)
    screen = natter.barrier()
    assert PUBSUB not in natter.status_bar(screen), natter.status_bar(screen)
    assert "natter console" in natter.title(screen)
