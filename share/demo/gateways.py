"""gateways: the gateway ("transport") components of natter's test world.

Five XMPP external components (XEP-0114) written on slixmpp's
ComponentXMPP, for natter's end-to-end tests and its demo.  They connect
to one Prosody (natterdemo.PrivateProsody with components=...) whose
domain is "localhost"; each is a subdomain, so the server's disco#items
lists them all.  Nothing here talks to a real legacy network: every
"legacy contact" X@component is simulated.

What every component does
-------------------------
- disco#info on its own JID: its identity, and the features disco#info,
  disco#items, jabber:iq:register, plus jabber:iq:gateway and
  http://jabber.org/protocol/commands where it offers them.
- In-band registration (XEP-0077, slixmpp's xep_0077 with its user store
  replaced by ours).  A get from a registered user answers <registered/>
  and the current values; a set from a registered user edits the
  registration (new values, still registered); <remove/> from someone not
  registered is an error (item-not-found, type cancel, except MSN:
  registration-required, type auth).
- Echo: a <message/> of type chat (or normal) with body B from anyone to
  X@component is answered from X@component (bare) with a type chat
  message whose body is "echo: B".  Registration is not needed for this.

The four "gateway/*" components also play XEP-0100 (slixmpp's xep_0100,
subclassed as TransportPlugin because the stock plugin answers every
presence with the gateway's own availability and cannot fail a login):

1. After a successful first registration the gateway sends
   <presence type='subscribe'/> from its JID to the user's bare JID.
2. 'subscribed' from the user (to the gateway or a contact) is noted.
   'subscribe' from a registered user to the gateway or to a contact the
   gateway accepts is answered 'subscribed', followed by that entity's
   available presence when the user is logged in; from anyone else,
   'unsubscribed'.  'unsubscribe' is answered 'unsubscribed' +
   'unavailable'.
3. Legacy login: available presence (any <show/>) from a registered
   user's resource to the gateway's JID, directed or broadcast, logs in:
   the gateway answers with available presence from its JID to the
   user's bare JID, then available presence from every contact that has
   a subscription with the user either way.  The first login after each registration also introduces
   the gateway's contacts (see below).  A login that fails (ICQ password
   "wrong") is answered instead with
   <presence type='error' from=GATEWAY to=FULL-JID><error type='auth'>
   <not-authorized/><text>ICQ login failed: wrong password</text>.
   Re-registering while online tries the login again.
4. Logout: unavailable presence to the gateway's JID (directed or
   broadcast) from the user's last available resource ends the legacy
   session; the gateway answers unavailable from its JID and from those
   contacts.  A directed available presence logs on
   again.
5. Probes are answered with the current state (available while logged
   in, else unavailable); a probe from someone not registered gets
   'unsubscribed'.
6. Unregistration (<remove/>): result, then 'unsubscribe' and
   'unsubscribed' (and 'unavailable' while logged in) from each of the
   gateway's contacts (those it introduces, and any other the user
   subscribed to), then from the gateway itself, to the user's bare JID.
   The user's server passes on only those that change a subscription.

The components
--------------
icq.localhost  gateway/icq "ICQ Transport".  Legacy fields only:
    <instructions>Enter your ICQ number (UIN) and password.</instructions>
    <username/> <password/>.  A username that is not all digits is
    refused: not-acceptable (modify), "The UIN must be a number".
    Password "wrong" registers but every login then fails (above).
    Contacts are introduced by subscription requests at the first login:
    <presence type='subscribe'/> from 11111@icq.localhost with
    <nick xmlns='http://jabber.org/protocol/nick'>Ann</nick> and from
    22222@icq.localhost with nick Ben.  Any N@icq.localhost where N is
    all digits is a valid contact (33333 is the usual third one); others
    are refused with 'unsubscribed'.  jabber:iq:gateway (XEP-0100 6.3):
    get -> <desc>Enter the ICQ number of the person you want to add.</desc>
    <prompt>ICQ Number</prompt>; set <prompt>33333</prompt> ->
    <jid>33333@icq.localhost</jid>; a prompt that is not a number ->
    not-acceptable (modify), "Not an ICQ number".
    Unregistered <remove/>: item-not-found.

msn.localhost  gateway/msn "MSN Transport".  Registration by a data form
    (XEP-0004) holding every field type, with legacy <instructions>,
    <username/> and <password/> beside it (XEP-0077 section 8).  The
    form: type form, title "MSN Registration", instructions "Fill in your
    Microsoft account.", fields in this order:
      hidden       FORM_TYPE = jabber:iq:register
      fixed        "Account"
      text-single  email     "Passport e-mail"  required
      text-private password  "Password"         required
      text-multi   about     "About you"
      boolean      remember  "Remember me"      = 0
      list-single  server    "Server"  Europe/eu America/us Asia/asia = eu
      list-multi   features  "Features" Chat/chat Files/files Games/games
                                                = chat
      jid-single   buddy     "Buddy JID"
      jid-multi    buddies   "More buddies"
      hidden       session   = a random token, new for every get
      x-color      color     "Colour"           (a type nobody knows)
    A set must carry the form (else bad-request "Use the registration
    form"), echo a session token this user was given (else bad-request
    "The form's session token does not match"), have an email with '@'
    (else not-acceptable "Not a Passport e-mail address") and a password
    (else not-acceptable "The password is required").  The values are
    recorded per var: text-multi, list-multi and jid-multi as lists of
    their <value/>s, boolean as a bool, everything else as a string
    (FORM_TYPE and session included).
    Contacts arrive by roster exchange (XEP-0144), sent once per
    registration at the first successful login, to the full JID whose
    presence logged in, right after the gateway's available presence
    (that presence is normally the one the user's server sends when the
    user approves the gateway's subscription request):
      <message from='msn.localhost' to=FULL-JID>  (no type, no body)
        <x xmlns='http://jabber.org/protocol/rosterx'>
          <item action='add' jid='carol@msn.localhost' name='Carol'>
            <group>MSN</group></item>
          <item action='add' jid='dave@msn.localhost' name='Dave'>
            <group>MSN</group></item>
    Ad-hoc commands (XEP-0050, slixmpp's xep_0050 subclassed as
    AdhocPlugin so that <actions/> carries execute= and any set of
    actions):
      node "config", "Configure transport": step 1 a form with list-single
        "mode" (Simple/simple, Advanced/advanced), <actions execute='next'>
        <next/>; step 2 a form with text-single "nick" "Display name"
        required, <actions execute='complete'><prev/><complete/>; prev goes
        back to step 1; complete (or execute) answers status completed
        with a note type info "Saved: nick=NICK mode=MODE"; a blank nick
        is bad-request "Display name is required"; cancel answers status
        canceled.
      node "status", "Transport status": completes at once with notes
        info "All systems nominal" and warning "Maintenance at 03:00".
    Unregistered <remove/>: registration-required (auth).

picky.localhost  gateway/yahoo "Picky Transport".  Legacy username +
    password.  The first submission ever from a user is refused:
    not-acceptable (modify), "Yahoo! says: that username is taken, try
    another"; later ones are accepted.  XEP-0100 handshake, no contacts.

rogue.localhost  gateway/aim "Rogue Transport".  Legacy username +
    password, handshake, then at the first login a roster exchange that
    a client must not follow blindly: add eve@rogue.localhost (Eve), add
    mallory@evil.example (Mallory; outside its domain) and delete
    bob@localhost.

irc.localhost  conference/irc "IRC Gateway".  Legacy <nick/> (required)
    and <password/>; a registration just succeeds.  No XEP-0100.

Recorded state (attributes of each component, for tests to poll)
-----------------------------------------------------------------
  registrations  {bare JID: {field: value}}  current registrations
  attempts       [(bare JID, values, None or error condition)]  every set
  removed        [bare JID]  successful <remove/>s, in order
  received       [(from full JID, to JID, type, body)]  every message
  presences      [(from, to, type)]  every presence received
  logins         [full JID]  successful legacy logins
  login_failures [full JID]  failed ones (ICQ "wrong")
  gateway_queries [(from, prompt, jid or None)]  jabber:iq:gateway sets
  rosterx_sent   [(to full JID, [(action, jid, name, group)])]
  commands_completed [(from full JID, node, {values})]  (MSN)
  commands_canceled  [(from full JID, node)]  (MSN)
  users          {bare JID: LegacyUser}  subscription/session state
They are only changed on the component's own thread, one dict or list
operation at a time (a registration's dict is replaced, never edited), so
another thread may read them while polling (GatewaySet.wait does that);
copy a LegacyUser's sets before iterating over them.

Runner
------
  GATEWAYS                     [(jid, class)] for all five, in order
  prosody_components(secret)   [(jid, secret)] for PrivateProsody
  GatewaySet(port, secret, names=None).start(timeout) / .stop() / .get(jid)
  python3 gateways.py --port P --secret S   runs them until SIGTERM/SIGINT

Only the standard library, slixmpp and natterdemo are used.  Run with
Debian's /usr/bin/python3.
"""

import argparse
import logging
import os
import secrets
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import natterdemo  # noqa: E402
import slixmpp  # noqa: E402
from slixmpp import Iq  # noqa: E402
from slixmpp.exceptions import XMPPError  # noqa: E402
from slixmpp.plugins.base import register_plugin  # noqa: E402
from slixmpp.plugins.xep_0050 import XEP_0050  # noqa: E402
from slixmpp.plugins.xep_0100 import XEP_0100  # noqa: E402
from slixmpp.xmlstream import (  # noqa: E402
    ET, ElementBase, register_stanza_plugin)
from slixmpp.xmlstream.handler import Callback  # noqa: E402
from slixmpp.xmlstream.matcher import StanzaPath  # noqa: E402

log = logging.getLogger("gateways")

DISCO_INFO = "http://jabber.org/protocol/disco#info"
DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
REGISTER = "jabber:iq:register"
GATEWAY = "jabber:iq:gateway"
COMMANDS = "http://jabber.org/protocol/commands"
NICK = "http://jabber.org/protocol/nick"
ROSTERX = "http://jabber.org/protocol/rosterx"
DATA = "jabber:x:data"

START_TIMEOUT = natterdemo.START_TIMEOUT
WAIT = 10.0


# -- stanzas slixmpp has no class for ----------------------------------------

class GatewayQuery(ElementBase):
    """<query xmlns='jabber:iq:gateway'/> (XEP-0100 section 6.3)."""
    namespace = GATEWAY
    name = "query"
    plugin_attrib = "iq_gateway"
    interfaces = {"desc", "prompt", "jid"}
    sub_interfaces = interfaces


register_stanza_plugin(Iq, GatewayQuery)


def rosterx_element(items):
    """<x xmlns=rosterx/> for items [(action, jid, name, group or None)]."""
    x = ET.Element("{%s}x" % ROSTERX)
    for action, jid, name, group in items:
        item = ET.SubElement(x, "{%s}item" % ROSTERX,
                             {"action": action, "jid": jid})
        if name:
            item.set("name", name)
        if group:
            ET.SubElement(item, "{%s}group" % ROSTERX).text = group
    return x


def nick_element(nick):
    el = ET.Element("{%s}nick" % NICK)
    el.text = nick
    return el


# -- per-user state ----------------------------------------------------------

class LegacyUser:
    """What a transport knows about one registered user.

    approved: our bare JIDs (gateway or contacts) the user let see its
    presence ('subscribed' received).  subscribed: our JIDs the user
    subscribed to and we accepted.  contacts: legacy contact JIDs this
    user has dealt with (introduced, subscribed to)."""

    def __init__(self, jid):
        self.jid = jid
        self.resources = set()
        self.online = False
        self.introduced = False
        self.approved = set()
        self.subscribed = set()
        self.contacts = set()

    def __repr__(self):
        return ("LegacyUser(%s, online=%s, approved=%s, subscribed=%s)"
                % (self.jid, self.online, sorted(self.approved),
                   sorted(self.subscribed)))


# -- XEP-0100 as these transports play it ------------------------------------

class TransportPlugin(XEP_0100):
    """slixmpp's xep_0100 with the handshake of the module docstring.

    The stock plugin keeps identity, configuration and message routing;
    its presence handlers are replaced because it answers presence to any
    contact with the gateway's own availability, always reports a
    successful login, and sends a reverse subscription request for every
    contact.  Per-user state lives in the component (xmpp.users)."""

    name = "natter_transport"
    description = "XEP-0100 as natter's test transports play it"

    def plugin_init(self):
        super().plugin_init()
        for show in ("chat", "away", "xa", "dnd"):
            self.xmpp.add_event_handler("presence_" + show,
                                        self.on_presence_available)
        self.xmpp.add_event_handler("presence_subscribed",
                                    self.on_presence_subscribed)
        self.xmpp.add_event_handler("presence_unsubscribed",
                                    self.on_presence_unsubscribed)
        self.xmpp.add_event_handler("presence_probe", self.on_presence_probe)

    @property
    def me(self):
        return self.xmpp.boundjid.bare

    def _send(self, pfrom, pto, ptype=None):
        self.xmpp.send_presence(pfrom=pfrom, pto=pto, ptype=ptype)

    def _user(self, stanza):
        return self.xmpp.users.get(stanza["from"].bare)

    # registration

    async def on_user_register(self, iq):
        user = self._user(iq)
        if user is None:
            return
        if self.me not in user.approved:
            self._send(self.me, user.jid, "subscribe")
        elif user.resources:
            self.login(user, sorted(user.resources)[0])

    def on_user_unregister(self, iq):
        user = self.xmpp.users.pop(iq["from"].bare, None)
        if user is None:
            return
        for jid in self.xmpp.contacts_of(user) + [self.me]:
            self._send(jid, user.jid, "unsubscribe")
            self._send(jid, user.jid, "unsubscribed")
            if user.online:
                self._send(jid, user.jid, "unavailable")

    # the legacy session

    def login(self, user, resource):
        error = self.xmpp.login_error(user)
        if error:
            user.online = False
            pres = self.xmpp.make_presence(pto=resource, pfrom=self.me,
                                           ptype="error")
            pres["error"]["type"] = "auth"
            pres["error"]["condition"] = "not-authorized"
            pres["error"]["text"] = error
            pres.send()
            self.xmpp.login_failures.append(resource)
            return
        user.online = True
        self.xmpp.logins.append(resource)
        self._send(self.me, user.jid)
        for jid in self.linked_contacts(user):
            self._send(jid, user.jid)
        if not user.introduced:
            user.introduced = True
            self.xmpp.introduce(user, resource)

    def logout(self, user):
        user.online = False
        self._send(self.me, user.jid, "unavailable")
        for jid in self.linked_contacts(user):
            self._send(jid, user.jid, "unavailable")

    def linked_contacts(self, user):
        """Contacts with a subscription either way: they go online and
        offline with the legacy session."""
        return sorted((user.approved | user.subscribed) - {self.me})

    async def on_presence_available(self, pres):
        user = self._user(pres)
        if user is None:
            return
        user.resources.add(pres["from"].full)
        to = pres["to"].bare
        if to == self.me:
            self.login(user, pres["from"].full)
        elif user.online:
            self._send(to, pres["from"].full)

    async def on_presence_unavailable(self, pres):
        # Prosody acknowledges a subscription request with unavailable
        # presence from the bare JID: that is no resource leaving.
        user = self._user(pres)
        if user is None or pres["to"].bare != self.me or \
                not pres["from"].resource:
            return
        user.resources.discard(pres["from"].full)
        if not user.resources and user.online:
            self.logout(user)

    async def on_presence_probe(self, pres):
        user = self._user(pres)
        to = pres["to"].bare
        if user is None:
            self._send(to, pres["from"].bare, "unsubscribed")
        else:
            self._send(to, pres["from"].bare,
                       None if user.online else "unavailable")

    # subscriptions

    async def on_presence_subscribe(self, pres):
        user = self._user(pres)
        to = pres["to"].bare
        if user is None or (to != self.me and
                            not self.xmpp.accepts_contact(pres["to"].user)):
            self._send(to, pres["from"].bare, "unsubscribed")
            return
        user.subscribed.add(to)
        if to != self.me:
            user.contacts.add(to)
        self._send(to, user.jid, "subscribed")
        if user.online:
            self._send(to, user.jid)

    def on_presence_subscribed(self, pres):
        user = self._user(pres)
        if user is None:
            return
        to = pres["to"].bare
        user.approved.add(to)
        if to != self.me and user.online:
            self._send(to, user.jid)

    def on_presence_unsubscribed(self, pres):
        user = self._user(pres)
        if user is not None:
            user.approved.discard(pres["to"].bare)

    async def on_presence_unsubscribe(self, pres):
        user = self._user(pres)
        to = pres["to"].bare
        if user is not None:
            user.subscribed.discard(to)
        self._send(to, pres["from"].bare, "unsubscribed")
        self._send(to, pres["from"].bare, "unavailable")


register_plugin(TransportPlugin)


# -- XEP-0050 with complete <actions/> ---------------------------------------

class AdhocPlugin(XEP_0050):
    """slixmpp's xep_0050, whose replies cannot say <actions execute=...>
    nor offer prev+complete without next.  A session may set "actions"
    (a list of next/prev/complete) and "execute" (the default action);
    when it does, this builds the reply.  A completed session is dropped
    (the stock plugin keeps one-step sessions forever)."""

    name = "natter_adhoc"
    description = "XEP-0050 with execute= and free action sets"

    def _process_command_response(self, iq, session):
        if session.get("next") is not None and "actions" not in session:
            return super()._process_command_response(iq, session)
        payload = session.get("payload") or []
        if not isinstance(payload, list):
            payload = [payload]
        session.setdefault("interfaces", set()).update(
            item.plugin_attrib for item in payload)
        session.setdefault("payload_classes", set()).update(
            item.__class__ for item in payload)
        done = session.get("next") is None
        if done:
            self.sessions.pop(session["id"], None)
        else:
            self.sessions[session["id"]] = session
        reply = iq.reply()
        cmd = reply["command"]
        cmd["node"] = session["node"]
        cmd["sessionid"] = session["id"]
        cmd["status"] = "completed" if done else "executing"
        if not done:
            actions = ET.SubElement(cmd.xml, "{%s}actions" % COMMANDS)
            if session.get("execute"):
                actions.set("execute", session["execute"])
            for action in session["actions"]:
                ET.SubElement(actions, "{%s}%s" % (COMMANDS, action))
        for ntype, text in session.get("notes") or ():
            cmd.add_note(text, ntype)
        for item in payload:
            register_stanza_plugin(type(cmd), item.__class__, iterable=True)
            cmd.append(item)
        reply.send()


register_plugin(AdhocPlugin)


# -- the components ----------------------------------------------------------

class Transport(slixmpp.ComponentXMPP):
    """What every component shares: disco identity and features, XEP-0077
    over our own user store, echoing contacts and the recorded state.

    Subclasses set the class attributes below and may override
    registration_form(), check_values(), login_error(), introduce(),
    accepts_contact() and contacts_of()."""

    category = "gateway"
    gtype = "xmpp"
    title = "Transport"
    xep0100 = True              # play the XEP-0100 handshake
    instructions = ""
    legacy_fields = ("username", "password")
    required_fields = ("username", "password")
    remove_error = ("item-not-found", "cancel")

    def __init__(self, jid, secret, host=natterdemo.LOOPBACK, port=None):
        super().__init__(jid, secret, host, port)
        self.users = {}
        self.registrations = {}
        self.attempts = []
        self.removed = []
        self.received = []
        self.presences = []
        self.logins = []
        self.login_failures = []
        self.gateway_queries = []
        self.rosterx_sent = []
        self.commands_completed = []
        self.commands_canceled = []
        # Subscriptions are ours (TransportPlugin), not slixmpp's roster:
        # left in place it would answer subscribe and probe on its own.
        for event, handler in (("presence_subscribe", self._handle_subscribe),
                               ("presence_subscribed",
                                self._handle_subscribed),
                               ("presence_unsubscribe",
                                self._handle_unsubscribe),
                               ("presence_unsubscribed",
                                self._handle_unsubscribed),
                               ("presence_probe", self._handle_probe)):
            self.del_event_handler(event, handler)
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0004")
        self.register_plugin("xep_0077", {
            "form_fields": set(self.required_fields),
            "form_instructions": self.instructions})
        api = self["xep_0077"].api
        api.register(self._api_user_get, "user_get")
        api.register(self._api_user_remove, "user_remove")
        api.register(self._api_form, "make_registration_form")
        api.register(self._api_user_validate, "user_validate")
        if self.xep0100:
            self.register_plugin("natter_transport", {
                "component_name": self.title, "type": self.gtype,
                "needs_registration": False})
        else:
            self["xep_0030"].add_identity(category=self.category,
                                          itype=self.gtype, name=self.title)
        self.add_event_handler("session_bind", self._on_bind)
        self.add_event_handler("message", self._on_message)
        self.add_event_handler("presence", self._on_presence)

    def _on_bind(self, _jid):
        for feature in (DISCO_INFO, DISCO_ITEMS, REGISTER):
            self["xep_0030"].add_feature(feature)

    @property
    def domain(self):
        return self.boundjid.bare

    def contact_jid(self, local):
        return "%s@%s" % (local, self.domain)

    # -- recording and echo ----------------------------------------------

    def _on_presence(self, pres):
        self.presences.append((pres["from"].full, pres["to"].full,
                               pres["type"]))

    def _on_message(self, msg):
        mtype, body = msg["type"], msg["body"]
        self.received.append((msg["from"].full, msg["to"].full, mtype, body))
        if mtype in ("chat", "normal") and body and msg["to"].user:
            self.send_message(mto=msg["from"], mbody="echo: " + body,
                              mtype="chat", mfrom=msg["to"].bare)

    # -- XEP-0077 over our store -------------------------------------------

    def _api_user_get(self, jid, node, ifrom, iq):
        return self.registrations.get(iq["from"].bare)

    async def _api_form(self, jid, node, ifrom, iq):
        reply = iq.reply()
        bare = iq["from"].bare
        self.registration_form(reply["register"], bare,
                               self.registrations.get(bare))
        return reply

    def _api_user_validate(self, jid, node, ifrom, registration):
        bare = ifrom.bare
        values = self.values_of(registration)
        try:
            self.check_values(bare, values, registration)
        except XMPPError as e:
            self.attempts.append((bare, values, e.condition))
            raise
        self.attempts.append((bare, values, None))
        self.registrations[bare] = values
        self.users.setdefault(bare, LegacyUser(bare))

    def _api_user_remove(self, jid, node, ifrom, iq):
        bare = iq["from"].bare
        if bare not in self.registrations:
            condition, etype = self.remove_error
            raise XMPPError(condition, "You are not registered", etype)
        del self.registrations[bare]
        self.removed.append(bare)
        if not self.xep0100:
            self.users.pop(bare, None)
        return True

    def registration_form(self, reg, bare, current):
        """Fill reg (the reply's <query/>) for bare; current is its
        registration or None."""
        if current is not None:
            reg["registered"] = True
        reg["instructions"] = self.instructions
        for field in self.legacy_fields:
            if current and current.get(field):
                reg[field] = current[field]
            else:
                reg.add_field(field)

    def values_of(self, registration):
        return {f: registration[f] for f in self.legacy_fields
                if registration.xml.find("{%s}%s" % (REGISTER, f))
                is not None}

    def check_values(self, bare, values, registration):
        """Raise XMPPError to refuse a submission."""

    # -- XEP-0100 hooks ------------------------------------------------------

    def login_error(self, user):
        """The text of a failed legacy login for user, or None."""
        return None

    def introduce(self, user, resource):
        """Present the legacy contacts at the first login."""

    def accepts_contact(self, local):
        return bool(local)

    def contacts_of(self, user):
        """Contact JIDs to say goodbye from when user unregisters."""
        return sorted(user.contacts)


class IcqTransport(Transport):
    gtype = "icq"
    title = "ICQ Transport"
    instructions = "Enter your ICQ number (UIN) and password."
    contacts = (("11111", "Ann"), ("22222", "Ben"))
    gateway_desc = "Enter the ICQ number of the person you want to add."
    gateway_prompt = "ICQ Number"

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.register_handler(Callback("jabber:iq:gateway",
                                       StanzaPath("iq/iq_gateway"),
                                       self._on_gateway_query))

    def _on_bind(self, jid):
        super()._on_bind(jid)
        self["xep_0030"].add_feature(GATEWAY)

    def check_values(self, bare, values, registration):
        if not values.get("username", "").isdigit():
            raise XMPPError("not-acceptable", "The UIN must be a number",
                            "modify")

    def login_error(self, user):
        if self.registrations.get(user.jid, {}).get("password") == "wrong":
            return "ICQ login failed: wrong password"
        return None

    def accepts_contact(self, local):
        return local.isdigit()

    def introduce(self, user, resource):
        for local, nick in self.contacts:
            jid = self.contact_jid(local)
            user.contacts.add(jid)
            pres = self.make_presence(pfrom=jid, pto=user.jid,
                                      ptype="subscribe")
            pres.append(nick_element(nick))
            pres.send()

    def contacts_of(self, user):
        return sorted(user.contacts |
                      {self.contact_jid(c) for c, _ in self.contacts})

    def _on_gateway_query(self, iq):
        if iq["type"] == "get":
            reply = iq.reply()
            reply["iq_gateway"]["desc"] = self.gateway_desc
            reply["iq_gateway"]["prompt"] = self.gateway_prompt
            reply.send()
        elif iq["type"] == "set":
            prompt = (iq["iq_gateway"]["prompt"] or "").strip()
            if not prompt.isdigit():
                self.gateway_queries.append((iq["from"].full, prompt, None))
                raise XMPPError("not-acceptable", "Not an ICQ number",
                                "modify")
            jid = self.contact_jid(prompt)
            self.gateway_queries.append((iq["from"].full, prompt, jid))
            reply = iq.reply()
            reply["iq_gateway"]["jid"] = jid
            reply.send()


# The MSN form: (type, var, label, required, default value, options).
MSN_FIELDS = (
    ("hidden", "FORM_TYPE", None, False, REGISTER, ()),
    ("fixed", None, None, False, "Account", ()),
    ("text-single", "email", "Passport e-mail", True, None, ()),
    ("text-private", "password", "Password", True, None, ()),
    ("text-multi", "about", "About you", False, None, ()),
    ("boolean", "remember", "Remember me", False, "0", ()),
    ("list-single", "server", "Server", False, "eu",
     (("Europe", "eu"), ("America", "us"), ("Asia", "asia"))),
    ("list-multi", "features", "Features", False, ["chat"],
     (("Chat", "chat"), ("Files", "files"), ("Games", "games"))),
    ("jid-single", "buddy", "Buddy JID", False, None, ()),
    ("jid-multi", "buddies", "More buddies", False, None, ()),
    ("hidden", "session", None, False, None, ()),
    ("x-color", "color", "Colour", False, None, ()),
)
MULTI_TYPES = ("text-multi", "list-multi", "jid-multi")


def field_xml(ftype, var, label, required, values, options):
    """One <field/> of a form, built by hand: slixmpp's FormField would
    mangle the unknown type and convert values."""
    el = ET.Element("{%s}field" % DATA)
    el.set("type", ftype)
    if var:
        el.set("var", var)
    if label:
        el.set("label", label)
    if required:
        ET.SubElement(el, "{%s}required" % DATA)
    for value in values:
        ET.SubElement(el, "{%s}value" % DATA).text = value
    for olabel, ovalue in options:
        opt = ET.SubElement(el, "{%s}option" % DATA, {"label": olabel})
        ET.SubElement(opt, "{%s}value" % DATA).text = ovalue
    return el


def as_values(value):
    """A field value as the list of its <value/> texts."""
    if value is None:
        return []
    if isinstance(value, bool):
        return ["1" if value else "0"]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value).split("\n")


class MsnTransport(Transport):
    gtype = "msn"
    title = "MSN Transport"
    instructions = ("Use the enclosed form to sign in with your Microsoft "
                    "account.")
    form_title = "MSN Registration"
    form_instructions = "Fill in your Microsoft account."
    required_fields = ()
    remove_error = ("registration-required", "auth")
    contacts = (("carol", "Carol"), ("dave", "Dave"))
    group = "MSN"

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.tokens = {}    # bare JID -> session tokens handed out
        self.register_plugin("natter_adhoc")
        self.add_event_handler("session_start", self._add_commands)

    def _add_commands(self, _event):
        self["natter_adhoc"].add_command(node="config",
                                         name="Configure transport",
                                         handler=self._config_start)
        self["natter_adhoc"].add_command(node="status",
                                         name="Transport status",
                                         handler=self._status)

    # registration

    def registration_form(self, reg, bare, current):
        super().registration_form(reg, bare, current and {
            "username": current.get("email"),
            "password": current.get("password")})
        token = secrets.token_hex(8)
        self.tokens.setdefault(bare, set()).add(token)
        x = ET.SubElement(reg.xml, "{%s}x" % DATA, {"type": "form"})
        ET.SubElement(x, "{%s}title" % DATA).text = self.form_title
        ET.SubElement(x, "{%s}instructions" % DATA).text = \
            self.form_instructions
        for ftype, var, label, required, default, options in MSN_FIELDS:
            value = default
            if var == "session":
                value = token
            elif current is not None and var in current and \
                    var not in ("FORM_TYPE", "session"):
                value = current[var]
            x.append(field_xml(ftype, var, label, required,
                               as_values(value), options))

    def values_of(self, registration):
        x = registration.xml.find("{%s}x" % DATA)
        if x is None:
            return {}
        types = {var: ftype for ftype, var, *_ in MSN_FIELDS if var}
        values = {}
        for field in x.findall("{%s}field" % DATA):
            var = field.get("var")
            if not var:
                continue
            texts = [v.text or "" for v in field.findall("{%s}value" % DATA)]
            ftype = types.get(var) or field.get("type")
            if ftype in MULTI_TYPES or len(texts) > 1:
                values[var] = texts
            elif ftype == "boolean":
                values[var] = bool(texts) and texts[0] in ("1", "true")
            else:
                values[var] = texts[0] if texts else ""
        return values

    def check_values(self, bare, values, registration):
        if registration.xml.find("{%s}x" % DATA) is None:
            raise XMPPError("bad-request", "Use the registration form",
                            "modify")
        token = values.get("session")
        if not isinstance(token, str) or \
                token not in self.tokens.get(bare, ()):
            raise XMPPError("bad-request",
                            "The form's session token does not match",
                            "modify")
        if "@" not in str(values.get("email") or ""):
            raise XMPPError("not-acceptable", "Not a Passport e-mail address",
                            "modify")
        if not values.get("password"):
            raise XMPPError("not-acceptable", "The password is required",
                            "modify")
        self.tokens[bare].discard(token)

    # XEP-0100 hooks

    def introduce(self, user, resource):
        items = [("add", self.contact_jid(local), name, self.group)
                 for local, name in self.contacts]
        user.contacts.update(jid for _, jid, _, _ in items)
        self.send_rosterx(resource, items)

    def send_rosterx(self, to, items):
        msg = self.make_message(mto=to, mfrom=self.domain)
        msg.append(rosterx_element(items))
        self.rosterx_sent.append((to, items))
        msg.send()

    def contacts_of(self, user):
        return sorted(user.contacts |
                      {self.contact_jid(c) for c, _ in self.contacts})

    # ad-hoc commands

    def _form(self, title, field):
        form = self["xep_0004"].make_form(ftype="form", title=title)
        form.append(field)
        return form

    def _mode_form(self, mode="simple"):
        return self._form("Configure transport", field_xml(
            "list-single", "mode", "Mode", False, [mode],
            (("Simple", "simple"), ("Advanced", "advanced"))))

    def _config_start(self, iq, session):
        session["user"] = iq["from"].full
        session["mode"] = "simple"
        return self._config_step1(session)

    def _config_step1(self, session):
        session.update(payload=self._mode_form(session["mode"]),
                       next=self._config_step2, prev=None,
                       cancel=self._config_cancel, has_next=True,
                       actions=["next"], execute="next")
        return session

    def _config_back(self, _payload, session):
        return self._config_step1(session)

    def _config_step2(self, payload, session):
        mode = form_value(payload, "mode") or session["mode"]
        if mode not in ("simple", "advanced"):
            raise XMPPError("bad-request", "Unknown mode", "modify")
        session["mode"] = mode
        form = self._form("Configure transport", field_xml(
            "text-single", "nick", "Display name", True, [], ()))
        session.update(payload=form, next=self._config_done,
                       prev=self._config_back, actions=["prev", "complete"],
                       execute="complete")
        return session

    def _config_done(self, payload, session):
        nick = (form_value(payload, "nick") or "").strip()
        if not nick:
            raise XMPPError("bad-request", "Display name is required",
                            "modify")
        session.update(payload=None, next=None, prev=None, actions=[],
                       notes=[("info", "Saved: nick=%s mode=%s"
                               % (nick, session["mode"]))])
        self.commands_completed.append(
            (session["user"], "config", {"mode": session["mode"],
                                         "nick": nick}))
        return session

    def _config_cancel(self, _iq, session):
        self.commands_canceled.append((session["user"], "config"))
        session["notes"] = None
        return session

    def _status(self, iq, session):
        session.update(payload=None, next=None, actions=[],
                       notes=[("info", "All systems nominal"),
                              ("warning", "Maintenance at 03:00")])
        self.commands_completed.append((iq["from"].full, "status", {}))
        return session


def form_value(payload, var):
    """The first value of field var in a submitted form (or list of
    payloads), or None."""
    items = payload if isinstance(payload, list) else [payload]
    for item in items:
        xml = getattr(item, "xml", None)
        if xml is None or xml.tag != "{%s}x" % DATA:
            continue
        for field in xml.findall("{%s}field" % DATA):
            if field.get("var") == var:
                value = field.find("{%s}value" % DATA)
                return None if value is None else (value.text or "")
    return None


class PickyTransport(Transport):
    gtype = "yahoo"
    title = "Picky Transport"
    instructions = "Enter your Yahoo! ID and password."

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.refused = set()

    def check_values(self, bare, values, registration):
        if bare not in self.refused:
            self.refused.add(bare)
            raise XMPPError("not-acceptable", "Yahoo! says: that username "
                            "is taken, try another", "modify")


class RogueTransport(Transport):
    gtype = "aim"
    title = "Rogue Transport"
    instructions = "Enter your screen name and password."

    def introduce(self, user, resource):
        server = self.domain.split(".", 1)[-1]
        items = [("add", self.contact_jid("eve"), "Eve", None),
                 ("add", "mallory@evil.example", "Mallory", None),
                 ("delete", "bob@" + server, None, None)]
        user.contacts.add(self.contact_jid("eve"))
        msg = self.make_message(mto=resource, mfrom=self.domain)
        msg.append(rosterx_element(items))
        self.rosterx_sent.append((resource, items))
        msg.send()


class IrcGateway(Transport):
    category = "conference"
    gtype = "irc"
    title = "IRC Gateway"
    xep0100 = False
    instructions = "Choose your IRC nickname; the password is optional."
    legacy_fields = ("nick", "password")
    required_fields = ("nick",)


GATEWAYS = [
    ("icq.localhost", IcqTransport),
    ("msn.localhost", MsnTransport),
    ("picky.localhost", PickyTransport),
    ("rogue.localhost", RogueTransport),
    ("irc.localhost", IrcGateway),
]


def prosody_components(secret):
    """(name, secret) pairs for natterdemo.PrivateProsody(components=...)."""
    return [(jid, secret) for jid, _ in GATEWAYS]


# -- running them ------------------------------------------------------------

class ComponentThread(natterdemo.ClientThread):
    """A ClientThread for an external component: plain TCP to
    host:port, the XEP-0114 handshake instead of TLS and SASL."""

    def _prepare(self, client):
        client.add_event_handler("session_start", self._on_session)
        client.add_event_handler("connection_failed", self._on_fail)
        client.add_event_handler("disconnected", self._on_disconnected)
        client.add_event_handler("stream_error", self._on_stream_error)

    def _on_stream_error(self, error):
        self._failure = "%s: stream error %s %s" % (
            self.name, error["condition"], error["text"])
        if error["condition"] == "not-authorized":
            self._auth_failed = True

    def _connect(self):
        self._session.clear()
        self._failure = None
        self._auth_failed = False
        self.client.connect(self.host, self.port)


class GatewaySet:
    """Some or all of GATEWAYS, each on its own ComponentThread."""

    def __init__(self, port, secret, names=None, host=natterdemo.LOOPBACK):
        known = dict(GATEWAYS)
        names = [jid for jid, _ in GATEWAYS] if names is None else list(names)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError("unknown gateways: %s" % ", ".join(unknown))
        self.port = port
        self.secret = secret
        self.host = host
        self.names = names
        self.classes = known
        self.threads = {}

    def start(self, timeout=START_TIMEOUT):
        """Connect every component; return once each has its session."""
        try:
            for name in self.names:
                cls = self.classes[name]
                thread = ComponentThread(
                    lambda cls=cls, name=name: cls(name, self.secret,
                                                   self.host, self.port),
                    self.port, host=self.host, name="gateway " + name)
                self.threads[name] = thread
                thread.start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        errors = []
        for name in reversed(list(self.threads)):
            try:
                self.threads.pop(name).stop()
            except Exception as e:  # noqa: BLE001 - stop the others too
                errors.append("%s: %s" % (name, e))
        if errors:
            raise RuntimeError("; ".join(errors))

    def get(self, name):
        """The component object for JID name (its recorded state)."""
        return self.threads[name].client

    @property
    def online(self):
        return all(t.online for t in self.threads.values())

    def wait(self, predicate, timeout=WAIT, what="the gateways' state"):
        """Poll predicate() until it returns a true value; return it."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError("no %s within %.0f s" % (what, timeout))
            time.sleep(0.05)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run natter's test gateways as components of a local "
                    "Prosody until SIGTERM or SIGINT.")
    parser.add_argument("--port", type=int, required=True,
                        help="Prosody's component port")
    parser.add_argument("--secret", required=True,
                        help="the components' shared secret")
    parser.add_argument("--host", default=natterdemo.LOOPBACK)
    parser.add_argument("--only", action="append", metavar="JID",
                        help="run only this gateway (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose
                        else logging.ERROR)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    gateways = GatewaySet(args.port, args.secret, args.only, args.host)
    try:
        gateways.start()
    except (OSError, RuntimeError, TimeoutError, PermissionError) as e:
        print("gateways: %s" % e, file=sys.stderr)
        return 1
    print("gateways: connected %s" % ", ".join(gateways.names), flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        gateways.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
