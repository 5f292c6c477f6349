/* presence: our own presence, contacts' presence, subscriptions.
 *
 * Incoming <presence/> is parsed into show/status/priority and handed to
 * core/presence; subscription requests go to the account's pending list
 * for /accept or /deny; a contact's presence change unlocks the resource
 * replies were going to (RFC 6121 5.1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/pep.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/vcard.h"
#include "xmpp/xs.h"

/* Builds our available presence from the account's current status. */
static xmpp_stanza_t *own_presence(struct session *s)
{
	struct account *a = s->acc;
	xmpp_stanza_t *p = xmpp_presence_new(s->ctx);
	xmpp_stanza_t *c = caps_element(s->ctx, pep_mask(s->app));
	char buf[8];

	if (a->show != SHOW_ONLINE && a->show != SHOW_OFFLINE)
		stanza_add_text(p, "show", presence_show_name(a->show));
	if (a->status_text)
		stanza_add_text(p, "status", a->status_text);
	if (a->conf->priority != 0) {
		snprintf(buf, sizeof buf, "%d", a->conf->priority);
		stanza_add_text(p, "priority", buf);
	}
	xmpp_stanza_add_child(p, c);
	xmpp_stanza_release(c);
	return p;
}

void xs_presence_send_initial(struct session *s)
{
	session_send(s, own_presence(s));
}

int xs_send_presence(struct app *app, struct account *a)
{
	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	session_send(session_of(a), own_presence(session_of(a)));
	muc_presence_update(session_of(a));
	return 0;
}

int xs_subscription(struct app *app, struct account *a, const char *bare,
		    const char *type)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *p;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	p = xmpp_presence_new(s->ctx);
	xmpp_stanza_set_type(p, type);
	xmpp_stanza_set_to(p, bare);
	session_send(s, p);
	return 0;
}

static void on_available(struct session *s, const char *bare,
			 const char *resource, xmpp_stanza_t *st)
{
	char *show = stanza_child_text(st, "show");
	char *status = stanza_child_text(st, "status");
	char *prio = stanza_child_text(st, "priority");

	conv_unlock(s->app, s->acc, bare);
	/* a gateway from an earlier session: is it one? */
	if (!strchr(bare, '@') && account_gateway_candidate(s->acc, bare))
		gateway_check(s, bare);
	presence_update(s->app, s->acc, bare, resource,
			presence_show_parse(show), status,
			prio ? atoi(prio) : 0);
	whois_presence(s, bare, resource, st);
	free(show);
	free(status);
	free(prio);
}

static int presence_handler(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct session *s = ud;
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	struct jid j;
	char *bare, *status;

	(void)conn;
	if (!from || jid_parse(from, &j) < 0)
		return 1;
	bare = jid_bare(&j);
	if (muc_presence(s, st, bare, j.resource)) {
		/* a room we are in */
	} else if (!type) {
		on_available(s, bare, j.resource, st);
	} else if (strcmp(type, "unavailable") == 0) {
		status = stanza_child_text(st, "status");
		conv_unlock(s->app, s->acc, bare);
		presence_gone(s->app, s->acc, bare, j.resource, status);
		free(status);
		if (j.resource)
			p2p_peer_gone(s, from);
	} else if (strcmp(type, "subscribe") == 0 &&
		   gateway_subscribe(s, bare, st)) {
		/* a gateway we registered with, or its contacts */
	} else if (strcmp(type, "subscribe") == 0) {
		status = stanza_child_text(st, "status");
		account_sub_asked(s->app, s->acc, bare, status);
		free(status);
	} else if (strcmp(type, "error") == 0) {
		gateway_presence_error(s, bare, st);
		presence_gone(s->app, s->acc, bare, NULL, NULL);
	}
	/* subscribed/unsubscribe/unsubscribed: the roster push that follows
	 * says what changed */
	free(bare);
	jid_clear(&j);
	return 1;
}

void xs_presence_register(struct session *s)
{
	xmpp_handler_add(s->conn, presence_handler, NULL, "presence", NULL, s);
}
