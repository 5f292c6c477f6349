"""CA certificates read as chains need them (xmpp/castore.h).

Where OpenSSL's hashed directory of CA certificates holds at least as
many as its bundle file, natter sets SSL_CERT_FILE=/dev/null for itself
so that libstrophe's TLS does not parse the whole bundle at each
connection, and the directory alone serves.  Here that directory is
SSL_CERT_DIR, made by the test: as many names as the system's bundle
holds certificates, plus, or not, the server's own self-signed
certificate under its subject's hash.  With it, tls = "required"
verifies the server (no certificate question, natter online, a ping
answered) and the debug log says the directory alone was used; without
it, the certificate is refused as before, so the bundle's absence does
not turn verification off.  The password comes from password_eval, a
command natter runs: it fails if natter's own SSL_CERT_FILE reaches it,
so logging in shows that the commands natter runs get the environment
as natter found it."""

import os
import re
import subprocess

import pytest

import harness

CONNECTED = r"connected as alice@localhost/natter"


def default_bundle():
    """OpenSSL's default CA bundle file (OPENSSLDIR/cert.pem)."""
    out = subprocess.run(["openssl", "version", "-d"], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    return os.path.join(re.search(r'"(.*)"', out).group(1), "cert.pem")


def certificates_in(path):
    with open(path, encoding="ascii", errors="replace") as f:
        return sum(1 for line in f
                   if line.startswith("-----BEGIN")
                   and "CERTIFICATE-----" in line)


def subject_hash(cert):
    return subprocess.run(["openssl", "x509", "-subject_hash", "-noout",
                           "-in", cert], capture_output=True, text=True,
                          check=True, timeout=30).stdout.strip()


def ca_dir(base, prosody, with_server):
    """A hashed directory with more names than the system's bundle has
    certificates (empty files under hashes no chain asks for) and, if
    with_server, the server's certificate under its own hash."""
    bundle = default_bundle()
    if not os.path.exists(bundle) or certificates_in(bundle) == 0:
        pytest.skip("no OpenSSL CA bundle at %s: nothing to spare" % bundle)
    d = os.path.join(str(base), "cacerts")
    os.makedirs(d)
    for i in range(certificates_in(bundle) + 1):
        open(os.path.join(d, "%08x.0" % (0xfeed0000 + i)), "w").close()
    if with_server:
        with open(prosody.cert_path, encoding="ascii") as f:
            pem = f.read()
        with open(os.path.join(d, subject_hash(prosody.cert_path) + ".0"),
                  "w", encoding="ascii") as f:
            f.write(pem)
    return d


@pytest.fixture
def start_with_ca_dir(prosody, alice, xdg, natter_bin, write_rc):
    """start(with_server) -> natter (tls = "required", --debug) with
    SSL_CERT_DIR a ca_dir(); its password from password_eval, which
    prints nothing when SSL_CERT_FILE is set."""
    panes = []

    def start(with_server):
        d = ca_dir(xdg.config + "-ca", prosody, with_server)
        rc = write_rc(tls="required", password=None,
                      password_eval='test -z "${SSL_CERT_FILE+set}" && '
                                    'echo %s' % alice.password)
        env = dict(xdg.env(), SSL_CERT_DIR=d)
        # a user's own SSL_CERT_FILE is left alone: none here (env
        # execs natter, which keeps the pane's pid)
        pane = harness.NatterPane(["env", "-u", "SSL_CERT_FILE", natter_bin,
                                   "-c", rc, "--debug"], env)
        panes.append(pane)
        return pane.start(), d
    yield start
    bad = [p for p in (pane.finish() for pane in panes) if p]
    assert not bad, "\n\n".join(bad)


def debug_log(xdg):
    with open(os.path.join(xdg.state, "natter", "debug.log"),
              encoding="utf-8", errors="replace") as f:
        return f.read()


def test_ca_dir_alone_verifies(start_with_ca_dir, peer, alice, xdg):
    natter, d = start_with_ca_dir(True)
    screen = natter.wait_for(CONNECTED)
    assert not re.search(r"certificate not trusted", screen, re.I), screen
    assert peer.ping(alice.full_jid).type == "result"
    log = debug_log(xdg)
    assert "CA certificates: %s, as chains need them" % d in log, \
        "natter did not leave the bundle out:\n" + log[-3000:]


def test_ca_dir_without_the_ca_refuses(start_with_ca_dir, peer, alice, xdg):
    natter, d = start_with_ca_dir(False)
    screen = natter.wait_for(r"certificate not trusted")
    assert not re.search(CONNECTED, screen, re.I), screen
    assert peer.ping(alice.full_jid).type == "error"
    assert "CA certificates: %s, as chains need them" % d in debug_log(xdg)
