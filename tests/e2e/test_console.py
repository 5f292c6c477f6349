"""The XML console (/xmlconsole): an account's stanzas in and out,
pretty-printed, redacted and sanitised, with a filter, and stanzas typed
in it sent raw after a well-formedness check.

Each test opens the console in the running natter and reads the screen
(the console window's rows, right of the roster pane).  Waits are on
events: the stanza texts natter shows, or /ping round trips typed in the
console window (its answer shows there too)."""

import re

import harness
from harness import message_xml

CONNECTED = r"connected as alice@localhost/natter"
TITLE = r"XML console of test \(alice@localhost\)"


def rows(pane, screen):
    """The console window's rows, right of the roster pane, as one text."""
    return "\n".join(r.rstrip() for r in pane.chat_rows(screen))


def open_console(pane):
    pane.send_keys("/xmlconsole")
    return pane.wait_until(lambda s: re.search(TITLE, pane.title(s)),
                           "the XML console's title")


def wait_rows(pane, regex, what):
    rx = re.compile(regex, re.M)
    screen = pane.wait_until(lambda s: rx.search(rows(pane, s)), what)
    return rx.search(rows(pane, screen)), screen


def test_console_shows_ping_round_trips(online, bob, alice):
    open_console(online)
    assert "[2:xml]" in online.status_bar(), online.status_bar()
    # natter's own ping of its server: the get and its result, by id
    online.barrier()
    m, screen = wait_rows(
        online, r'^\d\d:\d\d SENT <iq (?=[^>\n]*type="get")'
        r'(?=[^>\n]*to="localhost")[^>\n]*id="([^"]+)"[^>\n]*>\n'
        r' +<ping xmlns="urn:xmpp:ping"/>\n +</iq>$', "natter's ping, sent")
    pid = re.escape(m.group(1))
    assert re.search(r'^\d\d:\d\d RECV <iq (?=[^>\n]*type="result")'
                     r'[^>\n]*id="%s"' % pid, rows(online, screen), re.M), \
        harness.boxed(screen)
    # a peer pings natter: its get comes in, natter's result goes out
    online.send_keys("/xmlconsole clear")
    online.barrier()                   # the clear is done before bob pings
    reply = bob.ping(alice.full_jid)
    assert reply.type == "result"
    m, screen = wait_rows(
        online, r'^\d\d:\d\d RECV <iq (?=[^>\n]*type="get")'
        r'(?=[^>\n]*from="bob@localhost/peer")[^>\n]*id="([^"]+)"[^>\n]*>\n'
        r' +<ping xmlns="urn:xmpp:ping"/>', "bob's ping, received")
    pid = re.escape(m.group(1))
    wait_rows(online, r'^\d\d:\d\d SENT <iq (?=[^>\n]*type="result")'
              r'(?=[^>\n]*to="bob@localhost/peer")[^>\n]*id="%s"' % pid,
              "natter's answer to bob's ping")
    # the console closes like any window, and natter goes on
    online.send_keys("/close")
    online.wait_until(lambda s: "natter console" in online.title(s),
                      "the console again")
    online.barrier()


def test_console_sends_typed_stanzas(online):
    open_console(online)
    online.send_keys("<iq type='get' to='localhost' id='typed1'>"
                     "<query xmlns='jabber:iq:version'/></iq>")
    wait_rows(online, r'^\d\d:\d\d SENT <iq (?=[^>\n]*id="typed1")'
              r'[^>\n]*>\n +<query xmlns="jabber:iq:version"/>\n +</iq>$',
              "the typed IQ, sent")
    m, screen = wait_rows(online, r'^\d\d:\d\d RECV <iq (?=[^>\n]*type="result")'
                          r'[^>\n]*id="typed1"[^>\n]*>\n'
                          r' +<query xmlns="jabber:iq:version">\n'
                          r' +<name>Prosody</name>',
                          "the server's version answer")
    # refused: not well-formed, not one stanza, not a stanza
    online.send_keys("<iq type='get'><query></iq>")
    online.wait_for(r"Not sent: that is not well-formed XML")
    online.send_keys("<iq type='get' to='localhost' id='two1'/>"
                     "<iq type='get' to='localhost' id='two2'/>")
    online.wait_for(r"Not sent: type one <iq/>, <message/> or <presence/> "
                    r"element")
    online.send_keys("/xmlconsole clear")
    online.send_keys("<stream:features/>")
    online.wait_for(r"Not sent: that is not well-formed XML")
    online.send_keys("<enable xmlns='urn:xmpp:sm:3'/>")
    screen = online.wait_for(r"Not sent: type one <iq/>, <message/> or "
                             r"<presence/> element")
    online.barrier()
    screen = online.barrier()
    text = rows(online, screen)
    assert 'id="two' not in text and "<enable" not in text, \
        harness.boxed(screen)
    # offline, nothing is sent
    online.send_keys("/disconnect")
    online.wait_for(r"^ test: offline \|")   # told on the console
    online.send_keys("<iq type='get' to='localhost' id='late1'/>")
    online.wait_for(r"Not sent: this account is not connected")


def test_console_filter(online, bob, alice):
    open_console(online)
    online.send_keys("/xmlconsole filter message")
    online.wait_for(r"Filter message: from now on only the stanzas it "
                    r"matches are shown")
    assert re.search(TITLE + r", filter: message", online.title())
    online.send_keys("/xmlconsole clear")
    online.barrier()                   # the clear is done before bob pings
    bob.ping(alice.full_jid)           # an iq: hidden
    bob.send_message(alice.full_jid, "filtered in")
    # natter handles stanzas in order: the ping before the message
    m, screen = wait_rows(online, r"<body>filtered in</body>",
                          "bob's message")
    online.barrier()                   # iqs again, hidden too
    screen = online.barrier()
    text = rows(online, screen)
    assert "urn:xmpp:ping" not in text and "<iq" not in text, \
        harness.boxed(screen)
    assert "<presence" not in text, harness.boxed(screen)
    # a JID filter: only what comes from or goes to bob
    online.send_keys("/xmlconsole filter bob@localhost")
    online.wait_for(r"Filter bob@localhost: from now on")
    online.send_keys("/xmlconsole clear")
    online.barrier()                   # natter <-> localhost: hidden
    bob.ping(alice.full_jid)
    wait_rows(online, r'SENT <iq (?=[^>\n]*type="result")'
              r'[^>\n]*to="bob@localhost/peer"', "the answer to bob's ping")
    screen = online.barrier()
    assert 'to="localhost"' not in rows(online, screen), \
        harness.boxed(screen)
    # no filter: everything again
    online.send_keys("/xmlconsole filter")
    online.wait_for(r"No filter: every stanza is shown from now on")
    assert not re.search(r"filter:", online.title())
    online.barrier()
    wait_rows(online, r'SENT <iq (?=[^>\n]*to="localhost")', "the ping again")
    online.send_keys("/xmlconsole filter iq nobody@ bob")
    online.wait_for(r"Usage: /xmlconsole")


def test_console_sanitises_remote_text(online, bob, alice, tmp_path):
    recording = str(tmp_path / "terminal-output.bin")
    open_console(online)
    tmux_title = online.pane_title()
    online.record(recording)
    bob.send_raw(message_xml(
        alice.full_jid, mid="evil1",
        body="csi\u009b2J osc\u009d0;PWNED\u009c rlo\u202eexe\u202c "
             "nel\u0085 two\nlines end"))
    m, screen = wait_rows(
        online, r"<body>csi&#x9B;2J osc&#x9D;0;PWNED&#x9C; "
        r"rlo&#x202E;exe&#x202C; nel&#x85; two&#xA;lines end</body>",
        "the message, its controls as references")
    online.barrier()
    assert online.pane_title() == tmux_title, "the terminal title changed"
    online.tmux("pipe-pane")           # stop recording
    with open(recording, "rb") as f:
        data = f.read()
    assert b"PWNED" in data
    for rx in (rb"\xc2[\x80-\x9f]", rb"\xe2\x80[\x8e\x8f\xaa-\xae]",
               rb"\x1b[\]P_^X]", rb"\x1b\[2J"):
        assert not re.search(rx, data), (rx, data[:200])


def test_console_redacts_sasl(online, alice):
    open_console(online)
    online.send_keys("/disconnect")
    online.wait_for(r"^ test: offline \|")   # told on the console
    online.send_keys("/xmlconsole clear")
    online.send_keys("/connect")
    online.wait_for(r"^ test: online \|")
    online.barrier()
    # the login scrolled up: page back to the SASL exchange
    seen = ""
    for _ in range(40):
        screen = online.screen()
        seen += rows(online, screen) + "\n"
        if re.search(r"<auth xmlns=", seen) or not rows(online, screen).strip():
            break
        online.send_key("PageUp")
        online.wait_until(lambda s, b=screen: s != b, "a page further up")
    assert re.search(r'SENT <auth (?=[^>\n]*xmlns="urn:ietf:params:xml:ns:'
                     r'xmpp-sasl")[^>\n]*mechanism="[A-Z0-9-]+"[^>\n]*>'
                     r'\[redacted\]</auth>', seen), seen
    assert re.search(r"RECV <success [^>\n]*>\[redacted\]</success>", seen), seen
    assert "[redacted]" in seen
    assert alice.password not in seen
    # SCRAM's first message names the user: "n,,n=alice,r=..." in base64
    assert "biwsbj1hbGljZSxy" not in seen, seen
