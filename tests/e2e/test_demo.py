"""The demo (share/demo/natter-demo): natter logs in to the demo's private
server with its pinned certificate, and after /quit nothing the demo
started is left: no prosody, no echo bot, no temporary directories."""

import os
import re
import time

import harness

DEMO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..",
                                     "share", "demo", "natter-demo"))


def children(pid):
    """{pid: argv} of the live children of pid."""
    out = {}
    for kid in harness.child_pids(pid):
        try:
            with open("/proc/%d/cmdline" % kid, "rb") as f:
                argv = f.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        out[kid] = [a for a in argv if a]
    return out


alive = harness.process_alive


def arg_after(argv, flag):
    return argv[argv.index(flag) + 1] if flag in argv else None


def test_demo_runs_and_cleans_up(natter_bin, xdg):
    pane = harness.NatterPane([DEMO], dict(xdg.env(), NATTER_BIN=natter_bin))
    pane.start()
    try:
        screen = pane.wait_for(r"connected as you@localhost", timeout=30)
        assert not re.search(r"not trusted|certificate changed", screen,
                             re.I), screen
        demo_pid = pane.pid()
        kids = children(demo_pid)
        prosody = [p for p, argv in kids.items()
                   if any(a.endswith("prosody") for a in argv)]
        natter = [p for p, argv in kids.items() if natter_bin in argv]
        assert len(prosody) == 1 and len(natter) == 1, kids
        config = arg_after(kids[prosody[0]], "--config")
        rc = arg_after(kids[natter[0]], "-c")
        assert config and rc, kids
        temp_dirs = [os.path.dirname(config),
                     os.path.dirname(os.path.dirname(os.path.dirname(
                         rc)))]            # TMP/config/natter/natterrc
        assert all(os.path.isdir(d) for d in temp_dirs), temp_dirs

        status = pane.quit(timeout=30)
        assert status == 0, ("natter-demo exited with %r (under the "
                             "sanitizers: an error or a leak at exit); last "
                             "screen:\n%s" % (status, harness.boxed(
                                 pane.last_screen())))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
                alive(demo_pid) or alive(prosody[0])):
            time.sleep(0.1)
        assert not alive(demo_pid), "natter-demo (bot inside) still runs"
        assert not alive(prosody[0]), "the demo's prosody still runs"
        assert not alive(natter[0]), "natter still runs"
        left = [d for d in temp_dirs if os.path.exists(d)]
        assert not left, "temporary directories left: %r" % left
    finally:
        pane.kill_server()
