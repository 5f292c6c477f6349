/* drain: how natter calls libstrophe's xmpp_run_once() (see drain.h).
 *
 * libstrophe 0.12 reads at most 4 KiB per xmpp_run_once() while a TLS
 * record holds up to 16 KiB: the rest waits inside OpenSSL, where the
 * app's poll() cannot see it. So after a wakeup the drain keeps calling
 * xmpp_run_once(ctx, 0) until a call finds nothing to do, and never
 * with a timeout: with one, a call whose data is all inside OpenSSL
 * would still wait out its select() first. Whether a call found
 * anything is counted exactly (count_pass), not guessed from the log:
 * a read inside one large stanza logs nothing. A long flood would keep
 * the drain going for ever, so drain_run() stops after max_calls busy
 * calls and says so; its caller lets the loop have a turn and comes
 * back at once, since poll() may not see what is left.
 *
 * xmpp_send() only queues; the queue is written at the start of the
 * next call, before anything is read. What a queued element
 * acknowledges (a receipt, a marker) must be stored before it goes out,
 * so the caller's before_write() runs before each call that will write
 * one.
 */
#include "config.h"

#include <errno.h>

#include "xmpp/drain.h"

/* libstrophe 0.12 runs its global timed handlers at the start of every
 * xmpp_run_once() and again at its end, but the second time only if its
 * select() found the socket ready or OpenSSL held decrypted bytes
 * (SSL_pending, which it checks itself): a call that meets neither
 * returns before reading, handling or writing anything more. With a
 * period of 0 this handler runs every time, so a call that counted one
 * pass found nothing left to read, and a call that counted two may have
 * read (or written) and another call is due. */
static int count_pass(xmpp_ctx_t *ctx, void *ud)
{
	struct drain *d = ud;

	(void)ctx;
	d->passes++;
	return 1;
}

void drain_init(struct drain *d, xmpp_ctx_t *ctx, xmpp_conn_t *conn,
		void (*before_write)(void *ud), void *ud)
{
	d->ctx = ctx;
	d->conn = conn;
	d->passes = 0;
	d->max_calls = DRAIN_MAX_CALLS;
	d->wait_ms = 0;
	d->before_write = before_write;
	d->ud = ud;
	xmpp_global_timed_handler_add(ctx, count_pass, 0, d);
}

void drain_fini(struct drain *d)
{
	xmpp_global_timed_handler_delete(d->ctx, count_pass);
}

bool drain_once(struct drain *d)
{
	unsigned long before = d->passes;

	/* the length leaves out an element partly written already (it was
	 * told before its first piece) and libstrophe's own XEP-0198 <a/>,
	 * queued inside the call (delivery.c's on_sm) */
	if (d->before_write && xmpp_conn_send_queue_len(d->conn) > 0)
		d->before_write(d->ud);
	errno = 0;
	xmpp_run_once(d->ctx, d->wait_ms);
	/* a select() interrupted by a signal (even with no timeout, one
	 * arriving during the system call) also returns early, before
	 * reading what OpenSSL may hold */
	return d->passes - before > 1 || errno == EINTR;
}

bool drain_run(struct drain *d)
{
	unsigned calls = 0;

	while (drain_once(d))
		if (++calls >= d->max_calls)
			return true;
	return false;
}
