"""libwebsockets and libuv are loaded with dlopen() by the first WebSocket
connection (core/wsock.c): a natter that logs in over TCP has neither in
its memory, one that logs in over WebSocket has both."""

import re

import pytest

import natterdemo

pytestmark = pytest.mark.prosody(web=True)

CONNECTED = r"\bconnected as alice@localhost/natter"
LIBS = ("libwebsockets.so.17", "libuv.so.1")


def mapped(pid):
    """The set of LIBS in the process's memory."""
    with open("/proc/%d/maps" % pid, encoding="utf-8",
              errors="replace") as f:
        maps = f.read()
    # the file is the soname's target, libuv.so.1.0.0 say
    return {lib for lib in LIBS
            if re.search("/" + re.escape(lib) + r"[.\d]*$", maps, re.M)}


def test_tcp_login_loads_no_websocket_library(prosody, write_rc,
                                              start_natter):
    natter = start_natter(write_rc())
    natter.wait_for(CONNECTED)
    assert mapped(natter.pid()) == set()
    assert natter.quit() == 0


def test_websocket_login_loads_both(prosody, write_rc, start_natter):
    closed = natterdemo.free_ports(1)[0]
    natter = start_natter(write_rc(port=closed, transport="websocket",
                                   websocket_url=prosody.websocket_url))
    natter.wait_for(CONNECTED)
    assert mapped(natter.pid()) == set(LIBS)
    assert natter.quit() == 0
