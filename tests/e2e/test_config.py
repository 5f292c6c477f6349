"""Config file errors, with natter run directly (no terminal): a password
readable by others is refused, and a syntax error names file and line.
Both exit non-zero before any screen is drawn."""

import os
import re
import subprocess

import pytest

RUN_TIMEOUT = 15


def run_natter(natter_bin, rc, xdg):
    env = dict(os.environ)
    env.update(xdg.env())
    env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8"})
    try:
        res = subprocess.run([natter_bin, "-c", rc], env=env,
                             cwd=os.path.dirname(rc),
                             stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        pytest.fail("natter -c %s still ran after %d s (it should have "
                    "refused the config); output: %r %r"
                    % (rc, RUN_TIMEOUT, e.stdout, e.stderr))
    out = res.stdout.decode("utf-8", "replace")
    err = res.stderr.decode("utf-8", "replace")
    assert "\x1b[" not in out + err, \
        "natter drew on the terminal: %r" % ((out + err)[:300],)
    return res.returncode, out, err


def test_config_readable_by_others_refused(natter_bin, natterrc, xdg):
    os.chmod(natterrc, 0o644)
    code, out, err = run_natter(natter_bin, natterrc, xdg)
    assert code != 0, (code, out, err)
    assert natterrc in err, "stderr does not name %s: %r" % (natterrc, err)
    assert re.search(r"chmod\s+(0?600|go-rwx|og-rwx)", err), \
        "stderr does not say chmod 600: %r" % err


def test_config_syntax_error_names_line(natter_bin, prosody, alice, xdg):
    rc = xdg.natterrc
    os.makedirs(os.path.dirname(rc), exist_ok=True)
    text = ('account "test" {\n'                           # 1
            '  jid = "%s"\n'                                # 2
            '  password = "%s"\n'                           # 3
            '  server = "127.0.0.1"\n'                      # 4
            '  port = = %d\n'                               # 5: the error
            '  tls = "trust"\n'                             # 6
            '}\n') % (alice.jid, alice.password, prosody.c2s_port)
    fd = os.open(rc, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    code, out, err = run_natter(natter_bin, rc, xdg)
    assert code != 0, (code, out, err)
    assert re.search(r"natterrc\S*?(:|,?\s+line\s+)5\b", err, re.I), \
        "stderr does not name natterrc and line 5: %r" % err
