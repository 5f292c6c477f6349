/* drain: running libstrophe until it has nothing left to do (see
 * drain.c for why that takes a loop of xmpp_run_once() calls).
 *
 * A struct drain belongs to one context and its one connection (a
 * session's, conn.c). It depends on libstrophe alone, so the unit test
 * runs it against the real library on a loopback socket.
 */
#ifndef NATTER_XMPP_DRAIN_H
#define NATTER_XMPP_DRAIN_H

#include <stdbool.h>
#include <strophe.h>

/* How many calls that found work one drain_run() makes before it lets
 * the app's loop have a turn (conn.c then comes back at once). */
#define DRAIN_MAX_CALLS 256

struct drain {
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	unsigned long passes; /* libstrophe's passes, drain.c's count_pass */
	unsigned max_calls;   /* DRAIN_MAX_CALLS; a test sets fewer */
	/* xmpp_run_once()'s timeout: 0, never more, in natter (drain.c);
	 * a test waits so that a signal can interrupt the call */
	unsigned long wait_ms;
	/* called before a call that writes what is queued: what the
	 * queue acknowledges is stored first (conn.c commits history) */
	void (*before_write)(void *ud);
	void *ud;
};

/* Sets d up for ctx and conn, both borrowed, with the defaults above,
 * and registers its pass counter with ctx (drain_fini removes it). */
void drain_init(struct drain *d, xmpp_ctx_t *ctx, xmpp_conn_t *conn,
		void (*before_write)(void *ud), void *ud);
/* Before ctx is freed: libstrophe's xmpp_ctx_free() leaves the timed
 * handlers behind. */
void drain_fini(struct drain *d);
/* One xmpp_run_once(); true when libstrophe may have more to do. */
bool drain_once(struct drain *d);
/* Calls drain_once() until it is idle, or max_calls times in a row it
 * was not: then returns true (capped) and the caller must come back. */
bool drain_run(struct drain *d);

#endif
