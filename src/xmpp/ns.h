/* ns: the XML namespaces natter speaks. */
#ifndef NATTER_XMPP_NS_H
#define NATTER_XMPP_NS_H

#define NS_CAPS "http://jabber.org/protocol/caps"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_VERSION "jabber:iq:version"
#define NS_PING "urn:xmpp:ping"
#define NS_TIME "urn:xmpp:time"
#define NS_ROSTER "jabber:iq:roster"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_RECEIPTS "urn:xmpp:receipts"
#define NS_CHATSTATES "http://jabber.org/protocol/chatstates"
#define NS_DELAY "urn:xmpp:delay"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_REGISTER "jabber:iq:register"
#define NS_GATEWAY "jabber:iq:gateway"
#define NS_ROSTERX "http://jabber.org/protocol/rosterx"
#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_CONFERENCE "jabber:x:conference"
#define NS_SEARCH "jabber:iq:search"
#define NS_OOB "jabber:x:oob"
#define NS_NICK "http://jabber.org/protocol/nick"
#define NS_CAPTCHA "urn:xmpp:captcha"
#define NS_BOB "urn:xmpp:bob"
#define NS_SID "urn:xmpp:sid:0"
#define NS_MAM "urn:xmpp:mam:2"
#define NS_RSM "http://jabber.org/protocol/rsm"
#define NS_FORWARD "urn:xmpp:forward:0"

#endif
