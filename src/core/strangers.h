/* strangers: containing messages from JIDs the user does not know.
 *
 * A stranger is a JID that is not in the account's roster, is none of
 * the user's own JIDs or servers, is not a gateway the user uses (one
 * whose disco#info said category "gateway") nor one of its contacts, not
 * a room the user is in, and has no conversation window open (one the
 * user started, promoted with /query, or that the `open` policy made).
 * The account's `strangers` option decides where their messages go: the
 * account's one strangers window (one line each, with the JID; /query
 * JID promotes one to a window of its own), a window each, or nowhere.
 * Whatever the policy, each domain may bring at most `strangers_rate`
 * messages a minute; the rest are dropped with one notice (an event) per
 * domain and minute, so a flood grows neither memory nor the history
 * without bound. The counts live in a hash map per account, keyed by
 * domain and pruned of stale domains as it grows.
 */
#ifndef NATTER_CORE_STRANGERS_H
#define NATTER_CORE_STRANGERS_H

#include <stdbool.h>
#include <stdint.h>

struct app;
struct account;
struct window;

#define STRANGERS_PERIOD_MS 60000 /* the rate limit's period */

/* Whether messages from jid (bare, or an occupant's full JID) are a
 * stranger's, as described above. */
bool strangers_is(struct app *app, struct account *acc, const char *jid);
/* Counts one message from stranger jid against its domain's allowance at
 * loop time now_ms; false when it is over the limit (and must be
 * dropped). The first refusal of a period emits EV_STRANGERS_LIMIT. */
bool strangers_admit(struct app *app, struct account *acc, const char *jid,
		     uint64_t now_ms);
/* Whether jid (the sender of a version or time request; NULL: our own
 * server on our behalf) gets an answer under the account's `courtesy`:
 * roster contacts, our own JIDs and our server; everyone; no one. */
bool strangers_courtesy_ok(struct app *app, struct account *acc,
			   const char *jid);
/* acc's strangers window, opened (not made current) if needed. */
struct window *strangers_window(struct app *app, struct account *acc);
/* Frees acc's rate counts (account_free). */
void strangers_forget(struct account *acc);

#endif
