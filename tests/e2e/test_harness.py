"""Checks of the test machinery itself (no natter involved): the server
listens on 127.0.0.1 only, fingerprints have openssl's form, the files
natter reads are written as natter expects, and the peer works."""

import os
import re
import socket
import stat
import subprocess

import pytest

import natterdemo


def listening_addresses(pid):
    """Local addresses of the TCP sockets pid listens on (IPv4 and IPv6)."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        m = re.fullmatch(r"socket:\[(\d+)\]", target)
        if m:
            inodes.add(m.group(1))
    out = []
    for table in ("tcp", "tcp6"):
        with open("/proc/%d/net/%s" % (pid, table), encoding="ascii") as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and cols[9] in inodes:  # LISTEN
                    out.append(cols[1])
    return out


def test_prosody_loopback_only(prosody):
    addrs = listening_addresses(prosody.pid)
    assert addrs, "prosody listens nowhere?"
    # 0100007F is 127.0.0.1 in /proc/net/tcp's byte order.
    assert all(a.startswith("0100007F:") for a in addrs), addrs
    ports = {int(a.split(":")[1], 16) for a in addrs}
    assert prosody.c2s_port in ports


def test_fingerprint_matches_openssl(prosody):
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint",
                          "-sha256", "-in", prosody.cert_path],
                         capture_output=True, text=True, timeout=30,
                         check=True).stdout.strip()
    fp = prosody.cert_fingerprint()
    assert out.split("=", 1)[1] == fp
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", fp)
    prosody.replace_cert()
    assert prosody.cert_fingerprint() != fp


def test_natterrc_and_pin_store(natterrc, xdg, prosody):
    assert stat.S_IMODE(os.stat(natterrc).st_mode) == 0o600
    with open(natterrc, encoding="utf-8") as f:
        text = f.read()
    assert re.search(r'^account "test" \{$', text, re.M), text
    assert re.search(r'^  port = %d$' % prosody.c2s_port, text, re.M), text
    assert re.search(r'^  autoconnect = true$', text, re.M), text
    fp = prosody.cert_fingerprint()
    path = natterdemo.pin_certificate(xdg.data, "localhost", fp)
    assert path == xdg.pin_store
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding="ascii") as f:
        assert f.read() == "localhost %s\n" % fp


def test_peer_helpers_against_echo_bot(prosody, peer):
    prosody.register("echo", "echo-pw")
    bot = natterdemo.start_echo_bot("echo@localhost/bot", "echo-pw",
                                    prosody.c2s_port)
    try:
        assert peer.ping("echo@localhost/bot").type == "result"
        reply, fields = peer.version("echo@localhost/bot")
        assert reply.type == "result" and fields["name"], fields
        unknown = peer.iq_get("echo@localhost/bot",
                              "<query xmlns='urn:example:nothing'/>")
        # slixmpp itself says feature-not-implemented here.
        assert unknown.type == "error" and unknown.condition, unknown
        offline = peer.ping("echo@localhost/nobody")
        assert offline.condition == "service-unavailable", offline
        peer.send_message("echo@localhost/bot", "hello")
        peer.wait_message(lambda m: m[2] == "echo: hello")
    finally:
        bot.stop()


def test_free_ports_outside_the_ephemeral_range():
    """Ports handed to servers are never ones the kernel could give an
    outgoing connection meanwhile (the race that kept Prosody from
    listening under parallel tests)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low, high = map(int, f.read().split())
    ports = natterdemo.free_ports(5)
    assert len(set(ports)) == 5
    assert all(p < low or p > high for p in ports), (ports, low, high)


def test_prosody_port_taken_is_told():
    """A port Prosody cannot open is named in the error as soon as
    Prosody says so, with its own complaint ahead of its log's tail."""
    server = natterdemo.PrivateProsody(domain="localhost")
    taker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        taker.bind((natterdemo.LOOPBACK, server.c2s_port))  # not listening
        with pytest.raises(natterdemo.ProsodyError) as err:
            server.start()
        text = str(err.value)
        # told as Prosody said it, not after the start's whole timeout
        assert text.startswith("prosody could not open port(s) %d:"
                               % server.c2s_port), text
        assert "-- tail --" in text, text
    finally:
        taker.close()
        server.cleanup()


@pytest.mark.parametrize("span", [(1024, 60999), (1024, 65535), (900, 65535)])
def test_free_ports_with_a_low_ephemeral_range(monkeypatch, span):
    """An ephemeral range that starts at the lowest unprivileged port (or
    below) leaves no room under it: the ports come from above it, or
    from the kernel when it reaches the top, rather than an error."""
    low, high = span
    monkeypatch.setattr(natterdemo, "_ephemeral_range", lambda: span)
    ports = natterdemo.free_ports(5)
    assert len(set(ports)) == 5
    if high < 65535:
        assert all(high < p < 65536 for p in ports), ports
    for p in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((natterdemo.LOOPBACK, p))
        s.close()
