"""demoworld: the people, the room and the gateways the demo account finds.

Used by share/demo/natter-demo (and its end-to-end test).  Before natter
logs in, build() gives the demo account "you" a world to look at:

- a roster: echo, and a few contacts in two groups (Friends: Alice,
  Bob; Work: Carol, Dave), each contact online with its own presence
  (chat, away, do not disturb, extended away) through a slixmpp client
  of its own, and the demo gateways ICQ and MSN under Transports,
  already registered (their state set in the running components) so
  they log in when natter does;
- a bookmarked room, lounge@conference.DOMAIN (XEP-0402, autojoin),
  where Alice, Bob and Carol talk slowly: a fixed script, one line every
  few seconds once natter is in the room, then silence.

The rosters are written as Prosody's own storage files (its internal
storage reads them at login), both ways "both", so nothing waits on a
subscription handshake.  Everything started here is a ClientThread of
natterdemo, stopped by stop(); the talk is bounded by its script and by
stop(), which ends it at once.
"""

import os
import random
import secrets
import threading

import natterdemo
import slixmpp

ROOM_LOCAL = "lounge"
ROOM_NAME = "Lounge"
MUC_NS = "http://jabber.org/protocol/muc"
PUBSUB = "http://jabber.org/protocol/pubsub"
BM2 = "urn:xmpp:bookmarks:1"

# (user, name, group, show, status); show None: plain available.
CONTACTS = (
    ("alice", "Alice", "Friends", "chat", "up for a chat"),
    ("bob", "Bob", "Friends", "away", "lunch, back at two"),
    ("carol", "Carol", "Work", "dnd", "in a meeting"),
    ("dave", "Dave", "Work", "xa", "on holiday"),
)
TALKERS = ("alice", "bob", "carol")
GATEWAYS = (("icq.localhost", {"username": "12345678", "password": "demo"}),
            ("msn.localhost", {"email": "you@example.org",
                               "password": "demo"}))

# The room's talk, said in order once natter is in the room.
SCRIPT = (
    ("alice", "oh, someone joined the lounge. hi there!"),
    ("bob", "welcome! this room is bookmarked, so natter joined it at login"),
    ("carol", "/me waves from a meeting"),
    ("alice", "try typing here: the room hears you"),
    ("bob", "Alt-A jumps to the next window with unread lines"),
    ("carol", "and /bookmark list shows what the server keeps for you"),
    ("alice", "the roster on the left: Friends, Work, Rooms, Transports"),
    ("bob", "echo answers whatever you send it: /msg echo@localhost hi"),
    ("carol", "/transports lists the demo gateways (ICQ, MSN, ...)"),
    ("alice", "anyone else hungry?"),
    ("bob", "always. I am away for lunch, as my status says"),
    ("carol", "I am still in that meeting. it could have been an email"),
    ("alice", "/help lists every command, /quit ends the demo"),
    ("bob", "see you around!"),
)


def lua_str(s):
    return natterdemo.lua_str(s)


def roster_lua(items):
    """A Prosody roster file: items [(jid, name or None, [groups])], all
    with subscription both."""
    out = ["return {", "\t[false] = { [\"version\"] = 1; "
           "[\"pending\"] = {}; };"]
    for jid, name, groups in items:
        fields = ["[\"subscription\"] = \"both\";",
                  "[\"groups\"] = { %s };" % " ".join(
                      "[%s] = true;" % lua_str(g) for g in groups)]
        if name:
            fields.append("[\"name\"] = %s;" % lua_str(name))
        out.append("\t[%s] = { %s };" % (lua_str(jid), " ".join(fields)))
    out.append("};")
    return "\n".join(out) + "\n"


def write_roster(server, user, items):
    path = os.path.join(server.data_dir, server.domain.replace(".", "%2e"),
                        "roster")
    os.makedirs(path, mode=0o700, exist_ok=True)
    with open(os.path.join(path, "%s.dat" % user), "w",
              encoding="utf-8") as f:
        f.write(roster_lua(items))


class Person(slixmpp.ClientXMPP):
    """A contact of the demo account: online with a presence, in the room
    when it is a talker."""

    def __init__(self, jid, password, show, status, room=None, nick=None):
        super().__init__(jid, password)
        self.show, self.status = show, status
        self.room, self.nick = room, nick
        self.seen_you = threading.Event()
        for plugin in ("xep_0030", "xep_0092", "xep_0199"):
            self.register_plugin(plugin)
        self["xep_0092"].name = "natter demo person"
        self.add_event_handler("session_start", self._on_start)
        self.add_event_handler("presence", self._on_presence)
        self.add_event_handler("message", self._on_message)

    async def _on_start(self, _event):
        self.send_presence(pshow=self.show, pstatus=self.status)
        if self.room:
            pres = self.make_presence(pto="%s/%s" % (self.room, self.nick),
                                      pshow=self.show, pstatus=self.status)
            x = slixmpp.xmlstream.ET.SubElement(pres.xml, "{%s}x" % MUC_NS)
            slixmpp.xmlstream.ET.SubElement(x, "{%s}history" % MUC_NS,
                                            maxstanzas="0")
            pres.send()

    def _on_presence(self, pres):
        if self.room and pres["from"].bare == self.room and \
                pres["from"].resource == "you" and pres["type"] != \
                "unavailable":
            self.seen_you.set()

    def _on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            msg.reply("%s is a demo person and cannot really chat; try "
                      "echo@localhost, or the lounge" % self.boundjid.user
                      ).send()

    def say(self, body):
        self.send_message(mto=self.room, mbody=body, mtype="groupchat")


class World:
    """The demo account's world on server (a started PrivateProsody with
    muc, pep, private and bookmarks); build() before natter starts,
    stop() at the end."""

    def __init__(self, server, you, you_password, echo, gateways=None,
                 pace=(4.0, 8.0)):
        self.server = server
        self.you = you
        self.you_password = you_password
        self.echo = echo
        self.gateways = gateways
        self.pace = pace
        self.room = "%s@%s" % (ROOM_LOCAL, server.muc)
        self.people = {}
        self._stop = threading.Event()
        self._talk = None

    def build(self):
        domain = self.server.domain
        passwords = {}
        for user, _, _, _, _ in CONTACTS:
            passwords[user] = secrets.token_urlsafe(12)
            self.server.register(user, passwords[user])
        items = [(self.echo, "Echo", [])]
        items += [("%s@%s" % (u, domain), n, [g])
                  for u, n, g, _, _ in CONTACTS]
        if self.gateways is not None:
            items += [(gw, None, []) for gw, _ in GATEWAYS]
        write_roster(self.server, "you", items)
        for user, _, _, _, _ in CONTACTS:
            write_roster(self.server, user, [(self.you, "You", [])])
        write_roster(self.server, "echo", [(self.you, "You", [])])
        self._bookmark()
        if self.gateways is not None:
            self._register_gateways()
        for user, name, _, show, status in CONTACTS:
            talker = user in TALKERS
            jid = "%s@%s/demo" % (user, domain)
            self.people[user] = natterdemo.ClientThread(
                lambda jid=jid, user=user, show=show, status=status,
                talker=talker, name=name: Person(
                    jid, passwords[user], show, status,
                    self.room if talker else None, name),
                self.server.c2s_port, name="demo " + user).start()
        self._talk = threading.Thread(target=self._talk_main,
                                      name="demo talk", daemon=True)
        self._talk.start()
        return self

    def _bookmark(self):
        """Publish the room's bookmark (XEP-0402) as the demo account."""
        setup = natterdemo.ClientThread(
            lambda: slixmpp.ClientXMPP(self.you + "/setup",
                                       self.you_password),
            self.server.c2s_port, name="demo setup").start()
        try:
            async def publish():
                c = setup.client
                iq = c.Iq(stype="set")
                iq.append(slixmpp.xmlstream.ET.fromstring(
                    "<pubsub xmlns='%s'><publish node='%s'><item id='%s'>"
                    "<conference xmlns='%s' name='%s' autojoin='true'/>"
                    "</item></publish><publish-options><x xmlns="
                    "'jabber:x:data' type='submit'><field var='FORM_TYPE' "
                    "type='hidden'><value>http://jabber.org/protocol/pubsub"
                    "#publish-options</value></field><field var="
                    "'pubsub#persist_items'><value>true</value></field>"
                    "<field var='pubsub#max_items'><value>max</value>"
                    "</field><field var='pubsub#send_last_published_item'>"
                    "<value>never</value></field><field var="
                    "'pubsub#access_model'><value>whitelist</value></field>"
                    "</x></publish-options></pubsub>"
                    % (PUBSUB, BM2, self.room, BM2, ROOM_NAME)))
                await iq.send(timeout=10)
            setup.run(publish, 15)
        finally:
            setup.stop()

    def _register_gateways(self):
        """The demo account is registered with ICQ and MSN already."""
        import gateways as gatewaylib
        for name, values in GATEWAYS:
            thread = self.gateways.threads.get(name)
            if thread is None:
                continue
            done = threading.Event()

            def register(comp=thread.client, name=name, values=values):
                comp.registrations[self.you] = dict(values)
                user = comp.users.setdefault(self.you,
                                             gatewaylib.LegacyUser(self.you))
                user.introduced = True
                user.approved.add(name)
                user.subscribed.add(name)
                done.set()
            thread.call_soon(register)
            done.wait(10)

    def _talk_main(self):
        """Say the script once natter is in the room, a line every few
        seconds; stop() ends it at once."""
        talkers = [self.people[u] for u in TALKERS]
        while not self._stop.is_set():
            if any(t.client.seen_you.is_set() for t in talkers):
                break
            self._stop.wait(0.2)
        rnd = random.Random()
        if self._stop.wait(1.5):
            return
        for user, body in SCRIPT:
            if self._stop.is_set():
                return
            person = self.people[user]
            if person.online:
                person.call_soon(person.client.say, body)
            if self._stop.wait(rnd.uniform(*self.pace)):
                return

    def stop(self):
        self._stop.set()
        if self._talk is not None:
            self._talk.join(5)
        errors = []
        for user in list(self.people):
            try:
                self.people.pop(user).stop()
            except Exception as e:  # noqa: BLE001 - stop the others too
                errors.append("%s: %s" % (user, e))
        if errors:
            raise RuntimeError("; ".join(errors))
