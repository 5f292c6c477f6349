/* roster: one account's contact list, as the server last told it.
 *
 * Items are kept in an array indexed by a hash table on the bare JID, so
 * a roster push or presence lookup costs O(1) even with thousands of
 * contacts. The roster owns every string in it.
 */
#ifndef NATTER_CORE_ROSTER_H
#define NATTER_CORE_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/presence.h"

struct app;
struct account;

enum subscription { SUB_NONE, SUB_TO, SUB_FROM, SUB_BOTH };

struct roster_item {
	char *jid;
	char *name; /* may be NULL */
	enum subscription sub;
	bool ask;   /* a subscription request of ours is pending */
	char **groups; /* one allocation: the ngroups pointers, then the
			* strings they point to (free(groups) frees all) */
	size_t ngroups;
	struct resource *res; /* available resources */
	size_t nres;
	enum show best;       /* most available resource, or offline */
	char *status;         /* status text of that resource, or NULL */
	unsigned unread;
};

struct roster {
	struct roster_item *items;
	size_t n, cap;
	size_t *slots; /* open addressing: index+1 into items, 0 = empty */
	size_t nslots;
	char *version; /* roster versioning (RFC 6121 2.6), or NULL */
};

/* names[0..n) copied as a roster_item's groups (one allocation, see
 * above); NULL when n is 0. */
char **roster_groups(char *const *names, size_t n);
void roster_init(struct roster *r);
void roster_clear(struct roster *r);
/* Adds or replaces the item for it->jid; takes ownership of its strings
 * and zeroes *it. */
void roster_put(struct roster *r, struct roster_item *it);
/* The server sent the whole roster again (a fresh session): items not
 * in fresh go; the others are updated as roster_put() does, keeping what
 * we know of their presence and their unread counts. Takes fresh's items
 * and leaves it empty (cleared). */
void roster_replace(struct roster *r, struct roster *fresh);
/* Removes jid; returns false if it was not there. */
bool roster_remove(struct roster *r, const char *jid);
struct roster_item *roster_get(const struct roster *r, const char *jid);
void roster_item_clear(struct roster_item *it);
/* "none", "to", "from", "both" to the enum; unknown is SUB_NONE. */
enum subscription roster_sub_parse(const char *s);
/* The enum to its RFC 6121 word: "none", "to", "from", "both". */
const char *roster_sub_name(enum subscription sub);

/* The changes the server makes to an account's roster, each made here
 * and then announced (core/event.h); xmpp/ only parses the stanzas.
 * roster_loaded: the whole roster came (as roster_replace(), taking
 * fresh), then EV_ROSTER_LOADED. roster_apply: a push for one item: it
 * replaces or adds *it (taking its strings) or, if remove, takes it->jid
 * away (clearing *it); the item's conversation gets its new title; then
 * EV_ROSTER_CHANGED. */
void roster_loaded(struct app *app, struct account *acc, struct roster *fresh);
void roster_apply(struct app *app, struct account *acc, struct roster_item *it,
		  bool remove);

#endif
