/* delivery: outgoing chat messages from the outbox to the server, and
 * the server's word that it has them (XEP-0198 acknowledgements).
 *
 * libstrophe 0.12 keeps its own stream-management queue but tells the
 * application nothing about it: no callback, no query, and an opaque
 * state. Its numbering is also off: it counts only stanzas written
 * after <enabled/> arrived, while the server counts from <enable/>, so
 * it drops unacknowledged stanzas on an <a/> and leaves some out when it
 * replays them after a resume. So natter keeps the count itself.
 *
 * The server's h counts the stanzas it received since <enable/> (or, on
 * a resumed stream, since the original one). libstrophe fires CONNECT
 * right after queueing <enable/>, and every stanza natter sends goes
 * through session_send(), which counts it in s->stanzas_out; so the
 * position of a message on the stream is the count before it was sent,
 * and an <a h='N'/> confirms every message whose position is below N.
 * Messages on their way are kept in a FIFO ("flights", position order).
 * The server's last count is kept in s->acked (s->acks once one came on
 * a stream whose count is ours): the archive's catch-up asks its next
 * page once the server has everything we sent (mam_acked).
 *
 * A resume: libstrophe logs the <resumed h='N'/> it receives (xlog.c
 * reads it into s->resumed and s->resumed_h) and has queued its replays
 * by the time CONNECT fires. natter drops those replays from the send
 * queue, takes N as its count, confirms what lies
 * below N and sends the rest from the outbox, in order, with their ids:
 * each message reaches the server once. A fresh stream (no resume)
 * starts the count at 0 and sends everything in the outbox again.
 * Without stream management, XEP-0184 receipts confirm (conv_receipt).
 *
 * The other way round, the server forgets a message once natter's <a/>
 * counts it, so what came is committed to the history before that <a/>
 * leaves: libstrophe queues it itself once the handlers of the server's
 * <r/> ran, and on_sm, one of them, commits.
 *
 * A message is given up on after OUTBOX_MAX_TRIES tries (it keeps its
 * "(sent)"). A try counts when a message reached the wire: when a
 * connection dies, the messages still in libstrophe's send queue get
 * their try back (delivery_lost), so a flapping link does not use them
 * up. libstrophe only tells how many of the user's elements are still
 * queued; s->queued_out counts those natter queued on the stream, and
 * each message keeps its place among them.
 * An account without a store (history.db could not be opened) has no
 * outbox: libstrophe's replays stay, and acks are ignored after a resume.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/outbox.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

/* Without stream management nothing empties the FIFO but a new stream;
 * past this many the oldest are forgotten (they stay in the outbox). */
#define FLIGHTS_MAX 4096

struct flight {
	char *id;
	char *bare;
	uint32_t pos; /* its place on the stream: s->stanzas_out before it */
	uint32_t q;   /* its place in the send queue: s->queued_out with it */
};

struct delivery {
	struct flight *fl; /* FIFO: fl[head..n) */
	size_t head, n, cap;
	bool unsynced;     /* our count is not the server's: ignore <a/> */
	bool lost;         /* delivery_lost() ran for this stream */
};

static struct delivery *dv(struct session *s)
{
	if (!s->delivery)
		s->delivery = xcalloc(1, sizeof *s->delivery);
	return s->delivery;
}

static void flight_pop(struct delivery *d)
{
	struct flight *f = &d->fl[d->head++];

	free(f->id);
	free(f->bare);
	if (d->head == d->n)
		d->head = d->n = 0;
}

static void flights_clear(struct delivery *d)
{
	while (d->head < d->n)
		flight_pop(d);
}

static void flight_push(struct delivery *d, const char *bare, const char *id,
			uint32_t pos, uint32_t q)
{
	if (d->n - d->head >= FLIGHTS_MAX)
		flight_pop(d);
	if (d->head > 0 && d->n == d->cap) {
		/* slide the live part down before growing */
		memmove(d->fl, d->fl + d->head,
			(d->n - d->head) * sizeof *d->fl);
		d->n -= d->head;
		d->head = 0;
	}
	xgrow((void **)&d->fl, &d->cap, d->n + 1, sizeof *d->fl);
	d->fl[d->n].id = xstrdup(id);
	d->fl[d->n].bare = xstrdup(bare);
	d->fl[d->n].pos = pos;
	d->fl[d->n].q = q;
	d->n++;
}

/* Every message on its way below position h reached the server. */
static void confirm_below(struct session *s, uint32_t h)
{
	struct delivery *d = dv(s);

	/* positions wrap at 2^32 like h does: compare the distance */
	while (d->head < d->n && (int32_t)(h - d->fl[d->head].pos) > 0) {
		conv_delivery(s->app, s->acc, d->fl[d->head].bare,
			      d->fl[d->head].id, LINE_ACKED);
		flight_pop(d);
	}
}

void delivery_add_oob(xmpp_stanza_t *m, const char *url)
{
	stanza_add_text(stanza_add_child(m, "x", NS_OOB), "url", url);
}

void delivery_send(struct session *s, const char *bare, const char *resource,
		   const char *body, const char *id, const char *oob)
{
	char *to = resource ? xasprintf("%s/%s", bare, resource) : xstrdup(bare);
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, "chat", to, id);

	xmpp_message_set_body(m, body);
	if (oob)
		delivery_add_oob(m, oob);
	/* XEP-0359: the id is ours to keep; copies (carbons, the archive)
	 * and references to it (corrections, retractions) name it so */
	xmpp_stanza_set_attribute(stanza_add_child(m, "origin-id", NS_SID),
				  "id", id);
	stanza_add_child(m, "request", NS_RECEIPTS);
	xs_marks_outgoing(s, m, body); /* <markable/>, a reply */
	if (s->app->cfg.chat_states)
		stanza_add_child(m, "active", NS_CHATSTATES);
	flight_push(dv(s), bare, id, s->stanzas_out, s->queued_out + 1);
	session_send(s, m);
	conv_delivery(s->app, s->acc, bare, id, LINE_SENT);
	free(to);
}

static int send_row(const struct outbox_msg *m, void *ud)
{
	struct session *s = ud;

	if (m->room)
		return 0; /* sent once the room is joined (mucstay.c) */
	if (m->tries >= OUTBOX_MAX_TRIES) {
		/* never confirmed: the server keeps no acks and the peer
		 * sends no receipts; stop repeating it, but do not call it
		 * acknowledged: its line keeps "(sent)" */
		log_msg(LOG_WARN, "outbox", "%s: giving up on %s after %u tries",
			s->acc->conf->name, m->id, m->tries);
		if (s->acc->outbox)
			outbox_done(s->acc->outbox, m->peer, m->id);
		return 0;
	}
	delivery_send(s, m->peer, m->resource, m->body, m->id, m->oob);
	return 0;
}

/* Takes libstrophe's replays of the old stream out of the send queue:
 * the outbox sends what the server lacks, in order. Anything else the
 * old stream lost (an IQ, a chat state) is not worth a stale replay:
 * requests time out and presence is sent anew. */
static void drop_replays(struct session *s)
{
	char *data;
	int n = 0;

	while ((data = xmpp_conn_send_queue_drop_element(s->conn,
							 XMPP_QUEUE_OLDEST))) {
		xmpp_free(s->ctx, data);
		n++;
	}
	if (n)
		log_msg(LOG_INFO, "outbox", "%s: dropped %d replayed stanzas",
			s->acc->conf->name, n);
}

void delivery_connected(struct session *s)
{
	struct delivery *d = dv(s);
	bool store = s->acc->outbox && s->acc->history;

	if (s->resumed && store) {
		drop_replays(s);
		s->stanzas_out = s->resumed_h;
		confirm_below(s, s->resumed_h);
	} else if (s->resumed) {
		/* no outbox to send from: libstrophe's replays are all there
		 * is, and they make the count unknown until a fresh stream;
		 * counting from h, we count no more than the server does
		 * (keepalive.c asks no more of it) */
		confirm_below(s, s->resumed_h);
		s->stanzas_out = s->resumed_h;
		d->unsynced = true;
	} else {
		s->stanzas_out = 0;
		d->unsynced = false;
	}
	s->acks = false; /* until this stream's first <a/> */
	/* what is still on its way is sent again from the outbox */
	flights_clear(d);
	d->lost = false;
	/* what libstrophe queued as ours before now (the replays kept
	 * above) is ahead of whatever we send */
	s->queued_out = (uint32_t)xmpp_conn_send_queue_len(s->conn);
	if (store && outbox_each(s->acc->outbox, send_row, s) < 0)
		log_msg(LOG_ERROR, "outbox", "%s: cannot read: %s",
			s->acc->conf->name, outbox_error(s->acc->outbox));
}

void delivery_lost(struct session *s)
{
	struct delivery *d = dv(s);
	struct outbox *ob = s->acc->outbox;
	uint32_t left, written;
	size_t i;

	if (d->lost)
		return;
	d->lost = true;
	/* the queue is freed only when the next connection starts: what is
	 * still in it never reached the wire, and it is what was queued
	 * last (a partly written head counts as written) */
	left = (uint32_t)xmpp_conn_send_queue_len(s->conn);
	written = left < s->queued_out ? s->queued_out - left : 0;
	for (i = d->head; ob && i < d->n; i++) {
		if (d->fl[i].q <= written)
			continue;
		if (outbox_unsent(ob, d->fl[i].id) < 0)
			log_msg(LOG_ERROR, "outbox", "%s: cannot update: %s",
				s->acc->conf->name, outbox_error(ob));
	}
}

static int on_sm(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct session *s = ud;
	const char *name = xmpp_stanza_get_name(st);
	const char *h;
	char *end;
	unsigned long v;

	(void)conn;
	if (name && strcmp(name, "r") == 0) {
		/* libstrophe queues its <a/> right after this handler and
		 * writes it in the next xmpp_run_once(), and the server then
		 * forgets what it counts: what came before is stored first.
		 * (conn_drain's commit does not see that <a/>: libstrophe
		 * counts only our own elements in its send queue.) */
		if (s->acc)
			account_commit(s->app, s->acc);
		return 1;
	}
	if (name && strcmp(name, "enabled") == 0) {
		/* libstrophe asks for acks only for stanzas sent after this:
		 * ask for those sent with the outbox at login */
		if (dv(s)->head < dv(s)->n)
			session_request_ack(s);
		return 1;
	}
	if (!name || strcmp(name, "a") != 0)
		return 1;
	h = xmpp_stanza_get_attribute(st, "h");
	if (!h)
		return 1;
	v = strtoul(h, &end, 10);
	if (*end || end == h)
		return 1;
	keepalive_acked(s, (uint32_t)v);
	if (dv(s)->unsynced)
		return 1;
	confirm_below(s, (uint32_t)v);
	s->acked = (uint32_t)v;
	s->acks = true;
	mam_acked(s);
	return 1;
}

void delivery_register(struct session *s)
{
	xmpp_handler_add(s->conn, on_sm, XMPP_NS_SM, NULL, NULL, s);
}

void delivery_free(struct session *s)
{
	struct delivery *d = s->delivery;

	if (!d)
		return;
	flights_clear(d);
	free(d->fl);
	free(d);
	s->delivery = NULL;
}
