/* disco: what a service discovery browser shows, as plain data.
 *
 * A browser window (win->disco) lists one entity's items (XEP-0030
 * disco#items), each with what its disco#info said: identities and the
 * features natter can act on. The xmpp layer fills it as answers come
 * (answered counts up to total: "Scanning 4/12"); an item that gave an
 * error or no answer in time is marked so. `gateways` narrows the list
 * to transports (/transports). The cursor and the trail of entities
 * browsed into belong to the model too, so tests can inspect them.
 */
#ifndef NATTER_CORE_DISCO_H
#define NATTER_CORE_DISCO_H

#include <stdbool.h>
#include <stddef.h>

struct account;

/* What an item offers, from its features. */
#define DISCO_REGISTER 1u  /* jabber:iq:register */
#define DISCO_COMMANDS 2u  /* http://jabber.org/protocol/commands */
#define DISCO_MUC 4u       /* http://jabber.org/protocol/muc */
#define DISCO_SEARCH 8u    /* jabber:iq:search */
#define DISCO_GATEWAY 16u  /* jabber:iq:gateway */
#define DISCO_ITEMS 32u    /* disco#items: can be browsed into */

enum disco_state { DISCO_WAITING, DISCO_ANSWERED, DISCO_FAILED };

struct disco_identity {
	char *category;
	char *type;
	char *name; /* may be NULL */
};

struct disco_item {
	char *jid;
	char *node; /* may be NULL */
	char *name; /* from disco#items, or the identity's; may be NULL */
	struct disco_identity *ids;
	size_t nids;
	unsigned offers; /* DISCO_* */
	enum disco_state state;
	char *error; /* the error condition when it failed */
};

/* One level of browsing: the entity and node whose items are listed. */
struct disco_place {
	char *jid;
	char *node; /* may be NULL */
};

struct disco {
	struct account *acc;
	struct disco_place *trail; /* trail[ntrail - 1] is shown */
	size_t ntrail;
	bool gateways;  /* list only transports */
	bool commands;  /* the items are ad-hoc commands (node list) */
	bool listed;    /* the items list came */
	char *error;    /* the items request failed: why */
	struct disco_item *items;
	size_t nitems;
	size_t answered; /* items whose info came or failed */
	size_t cursor;
	unsigned gen; /* bumped on each new listing: late answers are dropped */
};

struct disco *disco_new(struct account *acc, const char *jid,
			const char *node);
void disco_free(struct disco **d);
/* The entity shown. */
const struct disco_place *disco_here(const struct disco *d);
/* Forgets the items and starts a new listing (gen bumped). */
void disco_reset(struct disco *d);
/* Browses into jid/node (pushes it on the trail) / back out; back
 * returns false at the top. Both reset the listing. */
void disco_enter(struct disco *d, const char *jid, const char *node);
bool disco_back(struct disco *d);
struct disco_item *disco_add_item(struct disco *d, const char *jid,
				  const char *node, const char *name);
void disco_item_add_identity(struct disco_item *it, const char *category,
			     const char *type, const char *name);
/* The item for jid/node, or NULL. */
struct disco_item *disco_find(struct disco *d, const char *jid,
			      const char *node);
/* Records an item's answer (error NULL) or failure. */
void disco_item_done(struct disco *d, struct disco_item *it,
		     const char *error);
/* True when the item is a transport: category gateway, or conference
 * of type irc. */
bool disco_is_gateway(const struct disco_item *it);
/* Whether the item is listed (gateways mode hides the others once their
 * info came). */
bool disco_visible(const struct disco *d, const struct disco_item *it);
/* Moves the cursor over visible items; returns the item under it. */
void disco_move(struct disco *d, int delta);
struct disco_item *disco_current(struct disco *d);
/* A short word for an identity's type for lists: "icq", "irc", ... */
const char *disco_kind_of(const struct disco_item *it);

/* What disco#info said about a service, cached per account: whether it
 * is a gateway (an identity of category "gateway"), which is what makes
 * a domain a gateway natter trusts (account_is_gateway). The browser's
 * answers and xmpp/gateway.c's own checks fill it. */
enum disco_verdict { DISCO_UNKNOWN, DISCO_ASKING, DISCO_IS_GATEWAY,
		     DISCO_NOT_GATEWAY };

enum disco_verdict disco_verdict_get(struct account *acc, const char *jid);
void disco_verdict_set(struct account *acc, const char *jid,
		       enum disco_verdict v);
/* Whether identities say "gateway" (category gateway, strictly: not a
 * conference/irc one, which the browser lists as a transport too). */
bool disco_ids_gateway(const struct disco_identity *ids, size_t nids);

#endif
