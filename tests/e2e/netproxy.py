"""netproxy: a loopback TCP proxy that fails on command.

NetProxy(target_port) listens on 127.0.0.1 (port chosen by the kernel)
and joins every connection it accepts to target_port on 127.0.0.1, one
thread per direction.  Between a client and its server it can:

  cut()        close every joined connection at once, both sides (with
               a reset, as a dropped NAT mapping or a dead link reported
               by the kernel would); new connections are served normally
  stall(up=True, down=True)
               stop moving bytes (up: client to server, down: server to
               client), connections left open:
               what a blackholed route looks like to both ends (nothing
               arrives, nothing is refused; writes pile up in the socket
               buffers until they block).  New connections are accepted
               and stalled too.  Data read before the stall is held back.
  restore()    move bytes again (held data first), undoing stall/slow
  blackhole()  stall(); the usual way out is cut(), which loses whatever
               was held or in flight, as a real dead link does
  slow(delay)  deliver each chunk read only after `delay` seconds
  silence()    make the connections open now silent for good: bytes are
               read and dropped both ways and a close is not passed on
               (what a dead route looks like once the sockets are
               gone); unlike stall(), new connections are served
               normally, so a client that gives up on the silent link
               can connect again through the proxy
  cut_mid_write(up_bytes)
               let the next up_bytes the clients send through, then
               lose the rest of what they write and end the link: the
               server reads those bytes, then the end of the connection
               (a FIN after them, so it surely reads them all first),
               and the client sees it close once the server closed its
               side.  A link that dies in the middle of whatever the
               client was writing: sized to end inside a stanza, it
               leaves the server's parser in the middle of it

accepted counts connections since start (joined to the target);
upstream_errors lists why the target refused others (they were closed).  Only 127.0.0.1 is touched.
"""

import socket
import struct
import threading
import time

import pytest

import harness

LOOPBACK = "127.0.0.1"
CHUNK = 65536


class _Link:
    """One accepted connection and its upstream."""

    def __init__(self, down, up):
        self.down = down
        self.up = up
        self.closed = False
        self.silent = False
        self.deaf = False     # client to server: dropped (cut_mid_write)

    def close(self):
        if self.closed:
            return
        self.closed = True
        for s in (self.down, self.up):
            try:
                # linger 0: close sends a reset, the peer notices at once
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
            except OSError:
                pass
            try:
                # wakes a pump blocked in recv() on it: until that call
                # returns, close() alone would not end the connection
                s.shutdown(socket.SHUT_RD)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass


class NetProxy:
    def __init__(self, target_port, target_host=LOOPBACK):
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.links = []
        self.accepted = 0
        self.cuts = 0
        self.upstream_errors = []
        self.delay = 0.0
        self.cut_budget = None  # cut_mid_write: bytes still let through
        self.flow_up = threading.Event()
        self.flow_down = threading.Event()
        self.flow_up.set()
        self.flow_down.set()
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = None

    # -- control ----------------------------------------------------------

    def start(self):
        self.thread = threading.Thread(target=self._accept_loop,
                                       name="netproxy", daemon=True)
        self.thread.start()
        return self

    def cut(self):
        """Close every connection now; returns how many there were."""
        with self.lock:
            links, self.links = self.links, []
            self.cuts += 1
        for link in links:
            link.close()
        return len(links)

    def stall(self, up=True, down=True):
        if up:
            self.flow_up.clear()
        if down:
            self.flow_down.clear()

    def blackhole(self):
        self.stall()

    def silence(self):
        """Silence the open connections; returns how many there were."""
        with self.lock:
            links = list(self.links)
        for link in links:
            link.silent = True
        return len(links)

    def cut_mid_write(self, up_bytes):
        with self.lock:
            self.cut_budget = int(up_bytes)

    def restore(self):
        self.delay = 0.0
        self.flow_up.set()
        self.flow_down.set()

    def slow(self, delay):
        self.delay = float(delay)

    def connections(self):
        with self.lock:
            return len(self.links)

    def stop(self):
        self.stopping = True
        self.restore()
        try:
            self.listener.close()
        except OSError:
            pass
        self.cut()

    # -- the work ---------------------------------------------------------

    def _accept_loop(self):
        while not self.stopping:
            try:
                down, _addr = self.listener.accept()
            except OSError:
                return
            try:
                up = socket.create_connection(self.target, timeout=10)
                up.settimeout(None)
            except OSError as e:
                self.upstream_errors.append(str(e))
                down.close()
                continue
            link = _Link(down, up)
            with self.lock:
                self.links.append(link)
                self.accepted += 1
            for src, dst, flow in ((down, up, self.flow_up),
                                   (up, down, self.flow_down)):
                threading.Thread(target=self._pump,
                                 args=(link, src, dst, flow,
                                       flow is self.flow_up),
                                 name="netproxy-pump", daemon=True).start()

    def _budget(self, data):
        """cut_mid_write's share of data read from a client: (what to
        pass on, whether the budget ran out with it)."""
        with self.lock:
            if self.cut_budget is None:
                return data, False
            if len(data) < self.cut_budget:
                self.cut_budget -= len(data)
                return data, False
            data, self.cut_budget = data[:self.cut_budget], None
            return data, True

    def _pump(self, link, src, dst, flow, up=False):
        while not link.closed:
            # a stalled link reads nothing: the sender's buffers fill up
            while not flow.wait(0.2):
                if link.closed:
                    return
            try:
                data = src.recv(CHUNK)
            except OSError:
                data = b""
            if link.silent:
                if not data:
                    return      # a silent link does not say it closed
                continue        # nor passes anything on
            if not data:
                break
            if up and link.deaf:
                continue        # the rest of the cut write is lost
            ends = False
            if up:
                data, ends = self._budget(data)
            # read just before a stall or while slowed: hold it back
            if self.delay:
                time.sleep(self.delay)
            while not flow.wait(0.2):
                if link.closed:
                    return
            try:
                dst.sendall(data)
                if ends:
                    # the server reads up to here, then the end; the
                    # other pump ends the link once the server closed
                    link.deaf = True
                    with self.lock:
                        self.cuts += 1
                    dst.shutdown(socket.SHUT_WR)
            except OSError:
                break
        # one side ended: end the other side too (a half-closed XMPP
        # stream is no use to anyone)
        with self.lock:
            if link in self.links:
                self.links.remove(link)
        link.close()


@pytest.fixture
def netproxy(prosody):
    """A started NetProxy in front of the test's Prosody (c2s); point
    natter at netproxy.port (write_rc(port=netproxy.port))."""
    proxy = NetProxy(prosody.c2s_port).start()
    key = "netproxy-%d" % proxy.port
    harness.register_cleanup(key, proxy.stop)
    try:
        yield proxy
    finally:
        proxy.stop()
        harness.unregister_cleanup(key)
