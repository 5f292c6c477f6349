/* pubsub: the protocol side of PEP from contacts (core/pep.h) and of
 * feeds (core/feed.h): the readers of what a pubsub service sends,
 * exported for the unit tests and the fuzzer.
 */
#ifndef NATTER_XMPP_PUBSUB_H
#define NATTER_XMPP_PUBSUB_H

#include <strophe.h>

#include "core/feed.h"
#include "core/pep.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_MICROBLOG "urn:xmpp:microblog:0"
#define NS_TUNE "http://jabber.org/protocol/tune"
#define NS_MOOD "http://jabber.org/protocol/mood"
#define NS_ACTIVITY "http://jabber.org/protocol/activity"
/* NS_NICK (xmpp/ns.h) is XEP-0172's */

/* The PEP node of a kind ("http://jabber.org/protocol/tune"). */
const char *pubsub_pep_node(enum pep_kind kind);
/* The kind whose node is node, or -1. */
int pubsub_pep_kind(const char *node);

/* An <items/> of a PEP node (from an event or an items result) into
 * *kind and *u (zeroed first): the first item's payload, or nothing
 * (every field NULL) when the item is empty, holds no payload of its
 * kind, or was retracted (the contact took it back). Returns 0, or -1
 * (u empty) when the node is not one of pep_kind's or the element
 * holds neither an item nor a retraction. */
int pubsub_parse_pep(xmpp_stanza_t *items, enum pep_kind *kind,
		     struct pep_user *u);
/* A pubsub <item/> into *e (zeroed first): an Atom <entry/>'s title,
 * author, link, summary (else content, as text: an html one without its
 * tags, an xhtml one's words) and time, or, for any other payload, its
 * element's name in e->other. The strings are sanitised and cut to a
 * bounded length, but may hold newlines (feed_item() makes each one
 * line). Returns 0, or -1 when item is not an <item/>. */
int pubsub_parse_item(xmpp_stanza_t *item, struct feed_entry *e);

struct session;
/* A new session of s's account came up: the first of this run opens
 * the account's remembered feeds again (core/feedkeep.h), each in its
 * window, subscribed and with its latest items; later ones do nothing
 * (the service keeps the subscriptions, the windows stay open). */
void pubsub_connected(struct session *s);

#endif
