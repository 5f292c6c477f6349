/* ping: XEP-0199 pings the user asks for (/ping).
 *
 * Each ping is one request (xmpp/request) holding its target and the loop
 * time it left; the answer, an error or the timeout becomes one EV_PING
 * carrying the ping's number (counted per process, so the user and the
 * tests can tell two pings to the same address apart) and the round trip
 * in milliseconds. Answering other entities' pings is iq.c's.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>

#include "core/app.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

struct ping {
	char *jid;
	uint64_t sent; /* loop time */
	unsigned long seq;
};

static void on_pong(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ping *p = ud;
	struct event ev = { .type = EV_PING, .acc = s->acc, .ping.jid = p->jid };
	struct req_error e = { 0 };
	uint64_t ms = loop_now(s->app->loop) - p->sent;

	ev.ping.rtt_ms = ms > INT_MAX ? INT_MAX : (int)ms;
	ev.ping.seq = (int)(p->seq % INT_MAX);
	if (!req_ok(reply)) {
		req_error_parse(reply, &e);
		ev.ping.cond = e.cond;
		ev.ping.detail = e.text;
	}
	event_emit(s->app, &ev);
	req_error_clear(&e);
	free(p->jid);
	free(p);
}

int xs_ping(struct app *app, struct account *a, const char *jid)
{
	struct session *s = session_of(a);
	struct ping *p;

	if (a->state != ACC_ONLINE)
		return -1;
	p = xcalloc(1, sizeof *p);
	p->jid = xstrdup(jid);
	p->sent = loop_now(app->loop);
	p->seq = ++app->xs->pings;
	req_send(s, req_iq(s, "get", jid, "ping", NS_PING), on_pong, p,
		 REQ_TIMEOUT_MS);
	return (int)(p->seq % INT_MAX);
}
