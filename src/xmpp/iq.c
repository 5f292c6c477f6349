/* iq: answering the IQ requests other entities send us.
 *
 * Every get and set lands in iq_handler(), which looks up the payload's
 * (element, namespace, type) in one routing table. Anything not in the
 * table is answered with service-unavailable, as RFC 6120 8.4 asks, so
 * no request goes unanswered. Version and time are answered only to
 * those the account's courtesy option allows (core/strangers). Results and errors to our own requests are
 * left to the id handlers that sent them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/pep.h"
#include "core/strangers.h"
#include "util/jid.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

typedef void (*iq_fn)(struct session *s, xmpp_stanza_t *iq,
		      xmpp_stanza_t *payload);

struct iq_route {
	const char *name;
	const char *ns;
	const char *type;
	iq_fn fn;
};

/* A reply to iq: same id, addressed back to its sender. libstrophe's
 * xmpp_stanza_reply() gives NULL for a stanza without 'from', which is
 * exactly what our own server's roster pushes are, so we build it. */
static xmpp_stanza_t *reply_to(struct session *s, xmpp_stanza_t *iq,
			       const char *type)
{
	xmpp_stanza_t *r = xmpp_iq_new(s->ctx, type, xmpp_stanza_get_id(iq));
	const char *from = xmpp_stanza_get_from(iq);

	if (from)
		xmpp_stanza_set_to(r, from);
	return r;
}

static void reply_error(struct session *s, xmpp_stanza_t *iq,
			const char *type, const char *cond)
{
	xmpp_stanza_t *r = reply_to(s, iq, "error");
	xmpp_stanza_t *e = stanza_add_child(r, "error", NULL);

	xmpp_stanza_set_type(e, type);
	stanza_add_child(e, cond, NS_STANZAS);
	session_send(s, r);
}

static void reply_with(struct session *s, xmpp_stanza_t *iq,
		       xmpp_stanza_t *payload)
{
	xmpp_stanza_t *r = reply_to(s, iq, "result");

	if (payload) {
		xmpp_stanza_add_child(r, payload);
		xmpp_stanza_release(payload);
	}
	session_send(s, r);
}

static void iq_ping(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *p)
{
	(void)p;
	reply_with(s, iq, NULL);
}

static void iq_disco_info(struct session *s, xmpp_stanza_t *iq,
			  xmpp_stanza_t *p)
{
	xmpp_stanza_t *q = caps_disco_info(s->ctx,
					   xmpp_stanza_get_attribute(p, "node"),
					   pep_mask(s->app));

	if (!q)
		reply_error(s, iq, "cancel", "item-not-found");
	else
		reply_with(s, iq, q);
}

/* Whether the sender of iq may have version and time answers (the
 * account's courtesy option); the others get service-unavailable, the
 * answer to what we do not support, so a refusal tells them nothing. */
static bool courteous(struct session *s, xmpp_stanza_t *iq)
{
	const char *from = xmpp_stanza_get_from(iq);
	char *bare = from ? jid_bare_of(from) : NULL;
	bool ok;

	if (from && !bare)
		return false;
	ok = strangers_courtesy_ok(s->app, s->acc, bare);
	free(bare);
	if (!ok)
		reply_error(s, iq, "cancel", "service-unavailable");
	return ok;
}

/* XEP-0092; the OS is left out on purpose: it helps attackers more than
 * it helps anyone asking. */
static void iq_version(struct session *s, xmpp_stanza_t *iq,
		       xmpp_stanza_t *p)
{
	xmpp_stanza_t *q;

	(void)p;
	if (!courteous(s, iq))
		return;
	q = stanza_new(s->ctx, "query", NS_VERSION);
	stanza_add_text(q, "name", PACKAGE_NAME);
	stanza_add_text(q, "version", PACKAGE_VERSION);
	reply_with(s, iq, q);
}

/* XEP-0202: UTC time and the local offset. */
static void iq_time(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *p)
{
	xmpp_stanza_t *t;
	char utc[32], tzo[16];
	time_t now = time(NULL);
	struct tm gm, lt;
	int off;

	(void)p;
	if (!courteous(s, iq))
		return;
	t = stanza_new(s->ctx, "time", NS_TIME);
	gmtime_r(&now, &gm);
	localtime_r(&now, &lt);
	strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", &gm);
	/* offsets are within a day; the clamp convinces the compiler */
	off = (int)(lt.tm_gmtoff / 60) % (24 * 60);
	snprintf(tzo, sizeof tzo, "%c%02d:%02d", off < 0 ? '-' : '+',
		 abs(off) / 60, abs(off) % 60);
	stanza_add_text(t, "tzo", tzo);
	stanza_add_text(t, "utc", utc);
	reply_with(s, iq, t);
}

static void iq_roster(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *p)
{
	(void)p;
	if (xs_roster_push(s, iq) < 0)
		reply_error(s, iq, "cancel", "service-unavailable");
	else
		reply_with(s, iq, NULL);
}

static void iq_rosterx(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *p)
{
	if (rosterx_iq(s, iq, p) < 0)
		reply_error(s, iq, "auth", "forbidden");
	else
		reply_with(s, iq, NULL);
}

static void iq_blocking(struct session *s, xmpp_stanza_t *iq,
			xmpp_stanza_t *p)
{
	if (blocking_push(s, iq, p) < 0)
		reply_error(s, iq, "cancel", "service-unavailable");
	else
		reply_with(s, iq, NULL);
}

/* A Jingle IQ: a call's (xmpp/call.c), a file's (xmpp/p2p.c), or none
 * we know. */
static void iq_jingle(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *p)
{
	if (!xs_call_iq(s, iq, p) && !p2p_jingle_iq(s, iq, p))
		reply_error(s, iq, "cancel", "service-unavailable");
}

/* Files peer to peer: p2p.c answers. */
static void iq_p2p(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *p)
{
	if (p2p_iq(s, iq, p) < 0)
		reply_error(s, iq, "cancel", "service-unavailable");
}

static const struct iq_route routes[] = {
	{ "ping", NS_PING, "get", iq_ping },
	{ "query", NS_DISCO_INFO, "get", iq_disco_info },
	{ "query", NS_VERSION, "get", iq_version },
	{ "time", NS_TIME, "get", iq_time },
	{ "query", NS_ROSTER, "set", iq_roster },
	{ "query", NS_ROSTERX, "set", iq_rosterx },
	{ "block", NS_BLOCKING, "set", iq_blocking },
	{ "unblock", NS_BLOCKING, "set", iq_blocking },
	{ "jingle", NS_JINGLE, "set", iq_jingle },
	{ "si", NS_SI, "set", iq_p2p },
	{ "open", NS_IBB, "set", iq_p2p },
	{ "data", NS_IBB, "set", iq_p2p },
	{ "close", NS_IBB, "set", iq_p2p },
	{ "query", NS_BYTESTREAMS, "set", iq_p2p },
};

static int iq_handler(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *ud)
{
	struct session *s = ud;
	const char *type = xmpp_stanza_get_type(iq);
	xmpp_stanza_t *p;
	const char *name, *ns;
	size_t i;

	(void)conn;
	if (!type || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return 1;
	p = stanza_payload(iq);
	if (!p) {
		reply_error(s, iq, "modify", "bad-request");
		return 1;
	}
	name = xmpp_stanza_get_name(p);
	ns = xmpp_stanza_get_ns(p);
	for (i = 0; i < sizeof routes / sizeof *routes; i++) {
		if (strcmp(routes[i].name, name) == 0 && ns &&
		    strcmp(routes[i].ns, ns) == 0 &&
		    strcmp(routes[i].type, type) == 0) {
			routes[i].fn(s, iq, p);
			return 1;
		}
	}
	reply_error(s, iq, "cancel", "service-unavailable");
	return 1;
}

void iq_register(struct session *s)
{
	xmpp_handler_add(s->conn, iq_handler, NULL, "iq", NULL, s);
}
