"""conftest: fixtures for natter's end-to-end tests.

Per test, in this order: a private Prosody on 127.0.0.1 (prosody), the
accounts alice and bob (accounts), XDG directories under the test's tmp
dir (xdg), alice's natterrc (natterrc; tls and password can be changed
with @pytest.mark.natterrc(tls=..., password=...); strangers is "open"
unless a test says otherwise), and natter itself in
tmux (natter; or start it yourself with start_natter()).  peer is bob,
logged in from this process; make_peer() logs in more peers (bob with
other plugins, or new accounts such as carol), each available at once.
Everything is stopped after each test, and again at session end in case a
test was interrupted.

The binary comes from NATTER_BIN (required).  Nothing is written into the
source tree: run through tests/e2e/run-e2e.
"""

import ctypes
import os
import secrets
import signal
import sys
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "share",
                                                 "demo")))
sys.path.insert(0, HERE)

import gateways as gatewaylib  # noqa: E402 (the fixture is "gateways")
import harness  # noqa: E402
import natterdemo  # noqa: E402

DOMAIN = "localhost"
ACCOUNT = "test"          # the account's name in natterrc
RESOURCE = "natter"
TEST_TIMEOUT = 180        # seconds; a watchdog, every wait is bounded anyway


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "natterrc(**opts): options for alice's natterrc account")
    config.addinivalue_line(
        "markers", "prosody(gateways=False, allow_registration=False, ...): "
        "how the test's Prosody is made (gateways: with the components of "
        "share/demo/gateways.py; see the gateways fixture)")
    path = os.environ.get("NATTER_BIN")
    if not path:
        raise pytest.UsageError(
            "NATTER_BIN is not set: point it at the natter binary to test, "
            "e.g. NATTER_BIN=build/src/natter tests/e2e/run-e2e")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise pytest.UsageError("NATTER_BIN=%s is not an executable file"
                                % path)


def pytest_unconfigure(config):
    harness.cleanup_all()


@pytest.fixture(scope="session")
def natter_bin():
    return os.path.abspath(os.environ["NATTER_BIN"])


@pytest.fixture(autouse=True)
def watchdog():
    """Fail a test that runs longer than TEST_TIMEOUT (teardown still runs).
    In the main thread an alarm signal interrupts the test; pytest-xdist
    workers sometimes run tests in another thread, where signal() raises
    "signal only works in main thread", so there a timer thread raises
    the TimeoutError in the test's thread instead."""
    def expired(_signum, _frame):
        raise TimeoutError("test exceeded %d s" % TEST_TIMEOUT)
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGALRM, expired)
        signal.alarm(TEST_TIMEOUT)
        yield
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        return
    tid = threading.get_ident()

    def raise_in_test():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(tid), ctypes.py_object(TimeoutError))
    timer = threading.Timer(TEST_TIMEOUT, raise_in_test)
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()


@pytest.fixture
def prosody(request):
    """The private Prosody.  @pytest.mark.prosody(gateways=True,
    allow_registration=True, ...) changes how it is made: gateways
    declares the components of share/demo/gateways.py with a random
    secret (kept as server.gateway_secret, for the gateways fixture);
    other options go to natterdemo.PrivateProsody."""
    marker = request.node.get_closest_marker("prosody")
    opts = dict(marker.kwargs) if marker else {}
    secret = None
    if opts.pop("gateways", False):
        secret = secrets.token_urlsafe(16)
        opts["components"] = gatewaylib.prosody_components(secret)
    server = natterdemo.PrivateProsody(domain=DOMAIN, **opts)
    server.gateway_secret = secret
    key = "prosody-%s" % server.dir
    harness.register_cleanup(key, server.cleanup)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
        harness.unregister_cleanup(key)


class Account:
    def __init__(self, user, password):
        self.user = user
        self.jid = "%s@%s" % (user, DOMAIN)
        self.password = password
        self.full_jid = "%s/%s" % (self.jid, RESOURCE)


@pytest.fixture
def accounts(prosody):
    out = {}
    for user in ("alice", "bob"):
        acct = Account(user, secrets.token_urlsafe(12))
        prosody.register(user, acct.password)
        out[user] = acct
    return out


@pytest.fixture
def alice(accounts):
    return accounts["alice"]


@pytest.fixture
def xdg(tmp_path):
    return harness.Xdg.make(tmp_path)


@pytest.fixture
def write_rc(prosody, alice, xdg):
    """write_rc(**opts) -> path: alice's account "test" in xdg's natterrc."""
    def write(**opts):
        # strangers = "open": bob is not in alice's roster, and most tests
        # expect his messages in a window of his own (test_strangers.py
        # tests the other policies, the default "window" among them)
        base = dict(jid=alice.jid, password=alice.password,
                    port=prosody.c2s_port, tls="trust", resource=RESOURCE,
                    strangers="open")
        base.update(opts)
        return natterdemo.write_natterrc(
            xdg.natterrc, {ACCOUNT: natterdemo.natter_account(**base)})
    return write


@pytest.fixture
def natterrc(request, write_rc):
    marker = request.node.get_closest_marker("natterrc")
    return write_rc(**(marker.kwargs if marker else {}))


@pytest.fixture
def start_natter(natter_bin, xdg, request):
    """start_natter(rc=None, args=()) -> a running harness.NatterPane."""
    panes = []
    # natter quits before its server stops (fixtures end in the reverse
    # order of their start): a natter that saw the server go would try
    # again, and libstrophe 0.12 loses the bound JID of a resumable
    # session when such an attempt fails, a leak at exit
    if "prosody" in request.fixturenames:
        request.getfixturevalue("prosody")

    def start(rc=None, args=()):
        argv = [natter_bin] + (["-c", rc] if rc else []) + list(args)
        pane = harness.NatterPane(argv, xdg.env())
        panes.append(pane)
        return pane.start()
    yield start
    # natter must still run at the end of a test (unless the test saw it
    # end) and /quit must end it with status 0: a crash or a hang fails.
    bad = [p for p in (pane.finish() for pane in panes) if p]
    assert not bad, "\n\n".join(bad)


@pytest.fixture
def natter(natterrc, start_natter):
    return start_natter(natterrc)


@pytest.fixture
def peer(prosody, accounts):
    bob = accounts["bob"]
    client = harness.Peer(bob.jid, bob.password, prosody.c2s_port)
    key = "peer-%d" % id(client)
    harness.register_cleanup(key, client.stop)
    try:
        client.start()
        yield client
    finally:
        client.stop()
        harness.unregister_cleanup(key)


@pytest.fixture
def make_peer(prosody, accounts):
    """make_peer(user="bob", resource="peer", available=True, **kw) -> a
    started harness.Peer; a user not yet in accounts is registered first.
    kw goes to harness.Peer (plugins, auto_authorize).  With available,
    the peer sends its initial presence (messages to its bare JID reach it
    only then).  Like a usual client, it fetches its roster first."""
    started = []

    def make(user="bob", resource="peer", available=True, **kw):
        if user not in accounts:
            acct = Account(user, secrets.token_urlsafe(12))
            prosody.register(user, acct.password)
            accounts[user] = acct
        acct = accounts[user]
        client = harness.Peer(acct.jid, acct.password, prosody.c2s_port,
                              resource=resource, **kw)
        key = "peer-%d" % id(client)
        harness.register_cleanup(key, client.stop)
        started.append((key, client))
        client.start()
        client.get_roster()
        if available:
            client.send_presence()
        return client
    yield make
    for key, client in started:
        try:
            client.stop()
        finally:
            harness.unregister_cleanup(key)


CONNECTED = r"connected as alice@localhost/natter"


@pytest.fixture
def online(natter):
    """natter, logged in as alice."""
    natter.wait_for(CONNECTED)
    return natter


@pytest.fixture
def bob(make_peer):
    """bob, logged in with his roster fetched (sees subscription replies)."""
    return make_peer("bob")


@pytest.fixture
def gateways(prosody):
    """The gateway components of share/demo/gateways.py, connected to this
    test's Prosody (which needs @pytest.mark.prosody(gateways=True)); a
    started gateways.GatewaySet: .get("icq.localhost") is a component and
    its recorded state, .wait(predicate) polls."""
    if not getattr(prosody, "gateway_secret", None):
        pytest.fail("the gateways fixture needs the test marked "
                    "@pytest.mark.prosody(gateways=True)", pytrace=False)
    gws = gatewaylib.GatewaySet(prosody.component_port,
                                prosody.gateway_secret)
    key = "gateways-%d" % id(gws)
    harness.register_cleanup(key, gws.stop)
    try:
        gws.start()
        yield gws
    finally:
        gws.stop()
        harness.unregister_cleanup(key)
