/* floor: the benchmark's bare libstrophe client.
 *
 * It shows what a client costs with libstrophe alone and nothing on top:
 * it logs in (STARTTLS, certificate not verified), asks for the roster and
 * sends its initial presence (as natter does, both at once), joins a
 * group chat room when given one (XEP-0045: a presence to ROOM/NICK, no
 * history asked for), answers XEP-0199 pings and drops every other
 * stanza, all inside the plain xmpp_run() loop that a typical bare
 * client uses. bench/run-bench runs it
 * beside natter and measures both from the outside, so the ratio
 * natter/floor means something even on a noisy machine.
 *
 * Not installed; run-bench builds it with
 *   cc bench/floor.c $(pkg-config --cflags --libs libstrophe) -o floor
 *
 * Usage: floor JID PASSWORD HOST PORT [ROOM@SERVICE/NICK]
 * Exits 1 when the connection fails or ends; SIGTERM ends it too, after
 * closing its stream (as natter's /disconnect and /quit do): killed
 * with the stream open, its session would stay on in Prosody, waiting
 * for a resumption (XEP-0198), and take what is sent to the account
 * until the floor's next login replaces it, which would bill that
 * login for the work.
 *
 * With FLOOR_MAM_START (an XEP-0082 time) in the environment it also
 * catches up from its message archive (XEP-0313) after the login: from
 * that time on, FLOOR_MAM_MAX (default 250) messages a page, one page at
 * a time, each next page asked after the last one's RSM <last/> once
 * its <fin/> came; the results are counted and dropped. When the
 * archive says complete it writes "floor: archive N messages at T" (T
 * the realtime clock, seconds) to stderr.
 *
 * In-band bytestreams (XEP-0047) sent to it are received the least a
 * client can: each <open/>, <data/> and <close/> answered with a result,
 * each block's base64 decoded (and dropped). While a stream is open the
 * loop waits 1 ms rather than libstrophe's 1 s (xmpp_ctx_set_timeout):
 * a block left decrypted inside OpenSSL would otherwise wait out the
 * whole second (DESIGN.md's first trap), and the floor would measure
 * that trap rather than a client.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strophe.h>

/* Answers an IQ get carrying <ping xmlns='urn:xmpp:ping'/> with a result. */
static int on_ping(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *ud)
{
	xmpp_ctx_t *ctx = ud;
	const char *type = xmpp_stanza_get_type(iq);
	const char *from = xmpp_stanza_get_from(iq);
	xmpp_stanza_t *res;

	if (!type || strcmp(type, "get") != 0)
		return 1;
	res = xmpp_iq_new(ctx, "result", xmpp_stanza_get_id(iq));
	if (from)
		xmpp_stanza_set_to(res, from);
	xmpp_send(conn, res);
	xmpp_stanza_release(res);
	return 1;
}

/* Answers an IQ set of the in-band bytestream namespace with a result,
 * decoding a <data/> block's base64 first (see above). */
static int on_ibb(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *ud)
{
	static int open_streams;
	xmpp_ctx_t *ctx = ud;
	const char *type = xmpp_stanza_get_type(iq);
	const char *from = xmpp_stanza_get_from(iq);
	xmpp_stanza_t *el = xmpp_stanza_get_children(iq), *res;
	const char *name;

	if (!type || strcmp(type, "set") != 0 || !el)
		return 1;
	name = xmpp_stanza_get_name(el);
	if (strcmp(name, "data") == 0) {
		char *text = xmpp_stanza_get_text(el);
		unsigned char *bytes = NULL;
		size_t len = 0;

		if (text) {
			xmpp_base64_decode_bin(ctx, text, strlen(text), &bytes,
					       &len);
			xmpp_free(ctx, text);
		}
		if (bytes)
			xmpp_free(ctx, bytes);
	} else if (strcmp(name, "open") == 0) {
		if (open_streams++ == 0)
			xmpp_ctx_set_timeout(ctx, 1);
	} else if (strcmp(name, "close") == 0) {
		if (open_streams > 0 && --open_streams == 0)
			xmpp_ctx_set_timeout(ctx, 1000);
	}
	res = xmpp_iq_new(ctx, "result", xmpp_stanza_get_id(iq));
	if (from)
		xmpp_stanza_set_to(res, from);
	xmpp_send(conn, res);
	xmpp_stanza_release(res);
	return 1;
}

/* The room to join at login ("room@service/nick"), or NULL. */
static const char *room;

/* Joins room: presence to room/nick with the MUC <x/>, asking for no
 * discussion history. */
static void join_room(xmpp_conn_t *conn, xmpp_ctx_t *ctx)
{
	xmpp_stanza_t *pres = xmpp_presence_new(ctx);
	xmpp_stanza_t *x = xmpp_stanza_new(ctx);
	xmpp_stanza_t *hist = xmpp_stanza_new(ctx);

	xmpp_stanza_set_to(pres, room);
	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_ns(x, "http://jabber.org/protocol/muc");
	xmpp_stanza_set_name(hist, "history");
	xmpp_stanza_set_attribute(hist, "maxstanzas", "0");
	xmpp_stanza_add_child(x, hist);
	xmpp_stanza_release(hist);
	xmpp_stanza_add_child(pres, x);
	xmpp_stanza_release(x);
	xmpp_send(conn, pres);
	xmpp_stanza_release(pres);
}

/* The archive catch-up (FLOOR_MAM_START): results counted, pages asked. */
static const char *mam_start;
static const char *mam_max = "250";
static long mam_got;
static int mam_pages;

static int on_result(xmpp_conn_t *conn, xmpp_stanza_t *msg, void *ud)
{
	(void)conn;
	(void)ud;
	if (xmpp_stanza_get_child_by_name_and_ns(msg, "result",
						 "urn:xmpp:mam:2"))
		mam_got++;
	return 1;
}

static xmpp_stanza_t *text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
				 const char *name, const char *text)
{
	xmpp_stanza_t *el = xmpp_stanza_new(ctx), *t;

	xmpp_stanza_set_name(el, name);
	if (text) {
		t = xmpp_stanza_new(ctx);
		xmpp_stanza_set_text(t, text);
		xmpp_stanza_add_child(el, t);
		xmpp_stanza_release(t);
	}
	xmpp_stanza_add_child(parent, el);
	xmpp_stanza_release(el);
	return el;
}

static int on_fin(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *ud);

/* Asks for the page after `after` (NULL: the first). */
static void mam_page(xmpp_conn_t *conn, xmpp_ctx_t *ctx, const char *after)
{
	char id[32];
	xmpp_stanza_t *iq, *q, *x, *f, *set;

	snprintf(id, sizeof id, "mam%d", ++mam_pages);
	iq = xmpp_iq_new(ctx, "set", id);
	q = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, "urn:xmpp:mam:2");
	xmpp_stanza_set_attribute(q, "queryid", "floor");
	x = text_child(ctx, q, "x", NULL);
	xmpp_stanza_set_ns(x, "jabber:x:data");
	xmpp_stanza_set_type(x, "submit");
	f = text_child(ctx, x, "field", NULL);
	xmpp_stanza_set_attribute(f, "var", "FORM_TYPE");
	xmpp_stanza_set_type(f, "hidden");
	text_child(ctx, f, "value", "urn:xmpp:mam:2");
	f = text_child(ctx, x, "field", NULL);
	xmpp_stanza_set_attribute(f, "var", "start");
	text_child(ctx, f, "value", mam_start);
	set = text_child(ctx, q, "set", NULL);
	xmpp_stanza_set_ns(set, "http://jabber.org/protocol/rsm");
	text_child(ctx, set, "max", mam_max);
	if (after)
		text_child(ctx, set, "after", after);
	xmpp_stanza_add_child(iq, q);
	xmpp_stanza_release(q);
	xmpp_id_handler_add(conn, on_fin, id, ctx);
	xmpp_send(conn, iq);
	xmpp_stanza_release(iq);
}

static int on_fin(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *ud)
{
	xmpp_ctx_t *ctx = ud;
	xmpp_stanza_t *fin = xmpp_stanza_get_child_by_name(iq, "fin");
	xmpp_stanza_t *set = fin ? xmpp_stanza_get_child_by_name(fin, "set") :
				   NULL;
	xmpp_stanza_t *last = set ? xmpp_stanza_get_child_by_name(set, "last") :
				    NULL;
	const char *complete = fin ? xmpp_stanza_get_attribute(fin, "complete") :
				     NULL;
	char *after = last ? xmpp_stanza_get_text(last) : NULL;
	struct timespec now;

	if (!fin || (complete && strcmp(complete, "true") == 0) || !after) {
		clock_gettime(CLOCK_REALTIME, &now);
		fprintf(stderr, "floor: archive %ld messages at %ld.%09ld\n",
			mam_got, (long)now.tv_sec, now.tv_nsec);
		fflush(stderr);
	} else {
		mam_page(conn, ctx, after);
	}
	if (after)
		xmpp_free(ctx, after);
	return 0;
}

/* Set by SIGTERM: the loop stops, and main() closes the stream. */
static volatile sig_atomic_t terminated;
static xmpp_ctx_t *the_ctx;

static void on_term(int sig)
{
	(void)sig;
	terminated = 1;
	xmpp_stop(the_ctx); /* only sets the loop's status */
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
		    xmpp_stream_error_t *stream_error, void *ud)
{
	xmpp_ctx_t *ctx = ud;
	xmpp_stanza_t *iq, *query, *pres;

	(void)stream_error;
	if (status != XMPP_CONN_CONNECT) {
		fprintf(stderr, "floor: disconnected (error %d)\n", error);
		terminated = 0; /* the stream is closed */
		xmpp_stop(ctx);
		return;
	}
	xmpp_handler_add(conn, on_ping, "urn:xmpp:ping", "iq", NULL, ctx);
	xmpp_handler_add(conn, on_ibb, "http://jabber.org/protocol/ibb", "iq",
			 NULL, ctx);

	iq = xmpp_iq_new(ctx, "get", "roster1");
	query = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(query, "query");
	xmpp_stanza_set_ns(query, XMPP_NS_ROSTER);
	xmpp_stanza_add_child(iq, query);
	xmpp_stanza_release(query);
	xmpp_send(conn, iq); /* the result is dropped like everything else */
	xmpp_stanza_release(iq);

	pres = xmpp_presence_new(ctx);
	xmpp_send(conn, pres);
	xmpp_stanza_release(pres);
	if (room)
		join_room(conn, ctx);
	if (mam_start) {
		xmpp_handler_add(conn, on_result, "urn:xmpp:mam:2", "message",
				 NULL, ctx);
		mam_page(conn, ctx, NULL);
	}
}

int main(int argc, char **argv)
{
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	long flags;
	int ok;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: floor JID PASSWORD HOST PORT "
				"[ROOM@SERVICE/NICK]\n");
		return 2;
	}
	room = argc == 6 ? argv[5] : NULL;
	mam_start = getenv("FLOOR_MAM_START");
	if (getenv("FLOOR_MAM_MAX"))
		mam_max = getenv("FLOOR_MAM_MAX");
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL); /* default allocator, no logging */
	the_ctx = ctx;
	signal(SIGTERM, on_term);
	conn = xmpp_conn_new(ctx);
	flags = xmpp_conn_get_flags(conn) | XMPP_CONN_FLAG_TRUST_TLS;
	xmpp_conn_set_flags(conn, flags);
	xmpp_conn_set_jid(conn, argv[1]);
	xmpp_conn_set_pass(conn, argv[2]);
	ok = xmpp_connect_client(conn, argv[3],
				 (unsigned short)atoi(argv[4]), on_conn,
				 ctx) == XMPP_EOK;
	if (ok) {
		xmpp_run(ctx);
		if (terminated) {
			/* </stream:stream>, then until the server's close (at
			 * most a second) */
			xmpp_disconnect(conn);
			for (int i = 0; i < 100 && terminated; i++)
				xmpp_run_once(ctx, 10);
		}
	} else
		fprintf(stderr, "floor: cannot connect to %s:%s\n", argv[3],
			argv[4]);
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 1;
}
