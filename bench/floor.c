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
 * Exits 1 when the connection fails or ends; SIGTERM ends it too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
		    xmpp_stream_error_t *stream_error, void *ud)
{
	xmpp_ctx_t *ctx = ud;
	xmpp_stanza_t *iq, *query, *pres;

	(void)stream_error;
	if (status != XMPP_CONN_CONNECT) {
		fprintf(stderr, "floor: disconnected (error %d)\n", error);
		xmpp_stop(ctx);
		return;
	}
	xmpp_handler_add(conn, on_ping, "urn:xmpp:ping", "iq", NULL, ctx);

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
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL); /* default allocator, no logging */
	conn = xmpp_conn_new(ctx);
	flags = xmpp_conn_get_flags(conn) | XMPP_CONN_FLAG_TRUST_TLS;
	xmpp_conn_set_flags(conn, flags);
	xmpp_conn_set_jid(conn, argv[1]);
	xmpp_conn_set_pass(conn, argv[2]);
	ok = xmpp_connect_client(conn, argv[3],
				 (unsigned short)atoi(argv[4]), on_conn,
				 ctx) == XMPP_EOK;
	if (ok)
		xmpp_run(ctx);
	else
		fprintf(stderr, "floor: cannot connect to %s:%s\n", argv[3],
			argv[4]);
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 1;
}
