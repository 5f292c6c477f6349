"""libwebsockets and libuv are loaded with dlopen() by the first WebSocket
connection (core/wsock.c): a natter that logs in over TCP has neither in
its memory, one that logs in over WebSocket has both, and one that cannot
load them says so."""

import os
import re
import shutil
import subprocess

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


# dlopen() of libwebsockets fails as it would were the library missing:
# the shim asks for a name no library has
SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

void *dlopen(const char *file, int mode)
{
	void *(*real)(const char *, int) =
		(void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");

	if (file && strcmp(file, "libwebsockets.so.17") == 0)
		file = "libwebsockets.so.17-is-missing";
	return real(file, mode);
}
"""


class TestLibraryMissing:
    @pytest.fixture
    def natter_bin(self, tmp_path):
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc:
            pytest.skip("no C compiler for the dlopen shim")
        src = tmp_path / "shim.c"
        src.write_text(SHIM)
        shim = tmp_path / "shim.so"
        subprocess.run([cc, "-shared", "-fPIC", "-o", str(shim), str(src)],
                       check=True)
        real = os.path.abspath(os.environ["NATTER_BIN"])
        wrap = tmp_path / "natter"
        # a sanitizer build wants its runtime first: let the shim be
        wrap.write_text("#!/bin/sh\nLD_PRELOAD=%s "
                        "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}"
                        "verify_asan_link_order=0 exec %s \"$@\"\n"
                        % (shim, real))
        wrap.chmod(0o755)
        return str(wrap)

    def test_missing_library_is_said(self, prosody, write_rc, start_natter):
        closed = natterdemo.free_ports(1)[0]
        natter = start_natter(write_rc(port=closed, transport="websocket",
                                       websocket_url=prosody.websocket_url))
        screen = natter.wait_for(r"WebSocket needs libwebsockets\.so\.17 "
                                 r"\(the Debian package libwebsockets17\)")
        assert "cannot be loaded" in screen
        assert "is-missing" in screen  # dlerror()'s words
        assert natter.quit() == 0
