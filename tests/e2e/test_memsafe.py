"""Memory safety, files and secrets (issue 9).

- The status bar with windows named by ~1,000-byte JIDs, the third one
  current (/win 3): the old bar ran past its 2 KiB buffer there (an
  abort under the sanitizers); natter must draw it and keep answering.
- A server whose roster reply has no type (and a roster push without
  one): the old handler dereferenced the missing type and crashed. A
  Prosody module of this test's own sends both before mod_roster's
  real answer, which natter must then load.
- tls = "trust" is said on the console at every connect.
- A natterrc with password_eval that others can write is refused.
- history.db and its -wal/-shm are 0600, natter's directories 0700, even
  when an older natter left them open.
"""

import os
import re
import stat
import subprocess

import pytest

import harness
import natterdemo
from conftest import DOMAIN

CONNECTED = r"connected as alice@localhost/natter"
ALICE_FULL = "alice@localhost/natter"
BOB = "bob@localhost"
RUN_TIMEOUT = 15

# Sent by the server before mod_roster answers: a reply to natter's roster
# request without a type, and a roster push without one.
TYPELESS_ROSTER_MODULE = r"""
local st = require "util.stanza";
module:hook("iq/self/jabber:iq:roster:query", function(event)
	local origin, stanza = event.origin, event.stanza;
	if stanza.attr.type ~= "get" then
		return;
	end
	origin.send(st.stanza("iq", { id = stanza.attr.id })
		:tag("query", { xmlns = "jabber:iq:roster" })
		:tag("item", { jid = "mallory@evil.example" }));
	origin.send(st.stanza("iq", { id = "typeless-push" })
		:tag("query", { xmlns = "jabber:iq:roster" })
		:tag("item", { jid = "eve@evil.example" }));
	-- nothing returned: mod_roster answers properly next
end, 10);
"""


@pytest.fixture
def lua_modules():
    """{name: Lua source} of extra Prosody modules; a test sets it with
    @pytest.mark.parametrize("lua_modules", [...])."""
    return {}


@pytest.fixture
def prosody(lua_modules):
    """This module's Prosody: conftest's, plus lua_modules."""
    server = natterdemo.PrivateProsody(domain=DOMAIN)
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        if lua_modules:
            add_modules(server, lua_modules)
        server.start()
        yield server
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


def add_modules(server, modules):
    plugins = os.path.join(server.dir, "plugins")
    os.makedirs(plugins, exist_ok=True)
    for name, source in modules.items():
        with open(os.path.join(plugins, "mod_%s.lua" % name), "w") as f:
            f.write(source)
    with open(server.config_path) as f:
        lines = f.read().split("\n")
    out = []
    for line in lines:
        if line.startswith("modules_enabled = {"):
            line = line.replace("{", "{ %s," % ", ".join(
                '"%s"' % n for n in modules), 1)
            out.append('plugin_paths = { "%s" }' % plugins)
        out.append(line)
    with open(server.config_path, "w") as f:
        f.write("\n".join(out))


def alive(natter, peer):
    """A round trip through natter: it answers bob's ping."""
    reply = peer.ping(ALICE_FULL)
    assert reply.type == "result", reply
    assert natter.is_running()


def test_status_bar_long_jids(online, peer):
    long_jids = ["%s@%s" % (c * 1000, DOMAIN) for c in "xyz"]
    for jid in long_jids:
        online.send_keys("/query " + jid)
    # window 3's entry is the one that crossed the old 2 KiB
    for n, c in ((3, "y"), (4, "z"), (2, "x")):
        online.send_keys("/win %d" % n)
        online.wait_until(lambda s, c=c: c * 40 in online.title(s),
                          "window %d current" % n)
        alive(online, peer)
    online.send_keys("/win 1")
    online.wait_until(lambda s: "[1:" in online.status_bar(s),
                      "the status bar after /win 1")
    alive(online, peer)


@pytest.mark.parametrize(
    "lua_modules", [{"natter_typeless_roster": TYPELESS_ROSTER_MODULE}],
    ids=["typeless"])
def test_roster_reply_without_type(natter, peer, prosody):
    # the type-less reply is ignored (request.c waits for a result or an
    # error); the real answer that follows is the roster natter loads
    natter.wait_for(CONNECTED)
    natter.wait_for(r"roster has \d+ contacts?")
    alive(natter, peer)
    assert not re.search(r"mallory|eve@evil", natter.screen()), \
        "the type-less reply or push was taken as the roster"


def test_trust_warned_at_each_connect(online, peer):
    warning = r"test: tls = \"trust\": the server's certificate is " \
              r"neither verified nor pinned"
    online.wait_for(warning)
    assert online.count(warning) == 1
    online.send_keys("/disconnect")
    online.wait_for(r"test: disconnected")
    online.send_keys("/connect")
    online.wait_until(lambda s: online.count(warning, s) == 2,
                      "the warning again at the second connect")
    online.wait_until(lambda s: len(re.findall(CONNECTED, s)) == 2,
                      "connected again")
    alive(online, peer)


def run_natter(natter_bin, rc, xdg):
    env = dict(os.environ)
    env.update(xdg.env())
    env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8"})
    res = subprocess.run([natter_bin, "-c", rc], env=env,
                         stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=RUN_TIMEOUT)
    return res.returncode, res.stderr.decode("utf-8", "replace")


def test_password_eval_writable_refused(natter_bin, write_rc, xdg, tmp_path):
    ran = tmp_path / "ran"
    rc = write_rc(password=None,
                  password_eval="touch %s; echo secret" % ran)
    os.chmod(rc, 0o664)
    code, err = run_natter(natter_bin, rc, xdg)
    assert code != 0, err
    assert rc in err and "password_eval" in err, err
    assert "other users can change it" in err and "chmod go-w" in err, err
    assert not ran.exists(), "the command ran"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_history_files_private(natterrc, start_natter, xdg, peer):
    natter_data = os.path.join(xdg.data, "natter")
    account_dir = os.path.join(natter_data, "test")
    os.makedirs(account_dir, mode=0o755)
    os.chmod(natter_data, 0o755)
    os.chmod(account_dir, 0o755)
    natter = start_natter(natterrc)
    natter.wait_for(CONNECTED)
    peer.send_message(ALICE_FULL, "stored privately")
    natter.wait_until(lambda s: "[2:bob@localhost(1)]" in natter.status_bar(s),
                      "bob's message")
    alive(natter, peer)
    assert mode(natter_data) == 0o700
    assert mode(account_dir) == 0o700
    db = os.path.join(account_dir, "history.db")
    for path in (db, db + "-wal", db + "-shm"):
        assert mode(path) == 0o600, (path, oct(mode(path)))
