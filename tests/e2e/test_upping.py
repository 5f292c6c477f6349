"""Stanzas leave natter as they are written: the XMPP stream's socket has
Nagle's algorithm off (TCP_NODELAY), so that a small stanza (a ping's
answer, the answer to an in-band block) is not held back by the kernel
until the server acknowledges what went before. The test borrows
natter's socket (pidfd_getfd, Linux 5.6) to ask it."""

import ctypes
import errno
import os
import socket

import pytest

SYS_PIDFD_OPEN = 434
SYS_PIDFD_GETFD = 438
TCP_ESTABLISHED = "01"

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _syscall(*args):
    r = _libc.syscall(*[ctypes.c_long(a) for a in args])
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def _inodes_to(pid, port):
    """The inodes of pid's established TCP sockets to 127.0.0.1/::1 port."""
    found = set()
    for table in ("tcp", "tcp6"):
        try:
            with open("/proc/%d/net/%s" % (pid, table), encoding="ascii") as f:
                next(f)
                for line in f:
                    fields = line.split()
                    remote, state, inode = fields[2], fields[3], fields[9]
                    if (state == TCP_ESTABLISHED and
                            int(remote.rsplit(":", 1)[1], 16) == port):
                        found.add(inode)
        except FileNotFoundError:
            pass
    return found


def _socket_fds(pid, inodes):
    """pid's descriptors that are one of these sockets."""
    fds = []
    for name in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, name))
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            fds.append(int(name))
    return fds


def _nodelay_of(pid, fd):
    """TCP_NODELAY of pid's descriptor fd, through a copy of it."""
    pidfd = _syscall(SYS_PIDFD_OPEN, pid, 0)
    try:
        mine = _syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
    finally:
        os.close(pidfd)
    s = socket.socket(fileno=mine)
    try:
        return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        s.close()


def test_stream_socket_sends_at_once(prosody, online, bob):
    # after a round trip the stream is up and in use
    online.barrier(bob.jid)
    pid = online.pid()
    fds = _socket_fds(pid, _inodes_to(pid, prosody.c2s_port))
    assert len(fds) == 1, fds
    try:
        nodelay = _nodelay_of(pid, fds[0])
    except OSError as e:
        if e.errno in (errno.ENOSYS, errno.EPERM):
            pytest.skip("pidfd_getfd: %s" % e)
        raise
    assert nodelay != 0
