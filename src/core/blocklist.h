/* blocklist: the JIDs an account blocks, as its server keeps them.
 *
 * XEP-0191 lets the user's server refuse everything from (and to) the
 * entities on a list. natter keeps a copy: one sorted array of entries,
 * each a JID as the server states it (domain lowercased, local part
 * ASCII-lowercased, the resource as it is), so lookups are a binary
 * search. An entry blocks more than itself, by XEP-0016's order of
 * matching (which XEP-0191 follows): "user@domain/resource" only that
 * resource; "user@domain" every resource of the user; "domain/resource"
 * only that JID; "domain" the domain and every JID at it. The server
 * enforces the list; natter uses the copy to mark blocked contacts (the
 * roster pane's Blocked group), to answer /blocked, and as a second
 * guard against messages and presence from a blocked JID.
 *
 * Whether the server offers blocking at all is learned at login (its
 * disco#info), in `support`. Changes go through the functions at the
 * end, which change the list and then emit EV_BLOCKLIST_LOADED,
 * EV_BLOCKED or EV_BLOCK_ERROR (core/event.h); a change that changes
 * nothing emits nothing, so the server's push of our own block, after
 * its answer, is silent.
 */
#ifndef NATTER_CORE_BLOCKLIST_H
#define NATTER_CORE_BLOCKLIST_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct account;

/* What the account's server said of urn:xmpp:blocking. */
enum block_support {
	BLOCK_UNKNOWN, /* not asked yet (offline), or no answer yet */
	BLOCK_NONE,    /* the server does not offer it */
	BLOCK_OFFERED, /* it does: the list is fetched and kept */
};

struct blocklist {
	char **jids; /* sorted (strcmp), normalised as above */
	size_t n, cap;
	enum block_support support;
	bool loaded; /* the server's list came in this session */
};

void blocklist_init(struct blocklist *l);
void blocklist_clear(struct blocklist *l);
/* jid as the list keeps it (see above); NULL when it is no valid JID.
 * The caller frees it. */
char *blocklist_norm(const char *jid);
/* Adds / removes the entry jid (normalised here); returns whether the
 * list changed (false also for an invalid JID). */
bool blocklist_add(struct blocklist *l, const char *jid);
bool blocklist_remove(struct blocklist *l, const char *jid);
/* Whether jid is an entry itself (not merely covered by one). */
bool blocklist_has(const struct blocklist *l, const char *jid);
/* The entry that blocks jid (a full or bare JID, or a domain) by the
 * rules above, borrowed from the list; NULL when none does. */
const char *blocklist_match(const struct blocklist *l, const char *jid);

/* What a block carried as an XEP-0377 report. */
enum block_report { REPORT_NONE, REPORT_SPAM, REPORT_ABUSE };

/* The model changes, each announced (core/event.h).
 * blocklist_offered: what the server said of blocking (support); with
 * BLOCK_NONE the list is emptied, silently.
 * blocklist_loaded: the server's whole list came (at login): it
 * replaces acc's (taking fresh's entries, leaving fresh empty), then
 * EV_BLOCKLIST_LOADED.
 * blocklist_blocked / blocklist_unblocked: jid is now blocked (report:
 * what it was reported as) / no longer blocked (NULL: nobody is, the
 * whole list was emptied): the list changes, a newly blocked contact's
 * resources are taken offline, then EV_BLOCKED when anything changed.
 * blocklist_failed: the server refused to block or unblock jid (NULL:
 * everyone): EV_BLOCK_ERROR with its condition and words. */
void blocklist_offered(struct app *app, struct account *acc,
		       enum block_support support);
void blocklist_loaded(struct app *app, struct account *acc,
		      struct blocklist *fresh);
void blocklist_blocked(struct app *app, struct account *acc, const char *jid,
		       enum block_report report);
void blocklist_unblocked(struct app *app, struct account *acc,
			 const char *jid);
void blocklist_failed(struct app *app, struct account *acc, const char *jid,
		      bool unblocking, const char *cond, const char *text);

#endif
