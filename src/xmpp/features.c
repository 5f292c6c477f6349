/* features: what the account's server and the account itself offer.
 *
 * A new session asks once for the disco#info (XEP-0030) of the server
 * (its domain: carbons, blocking, ...) and of the account (its bare
 * JID: PEP, bookmarks' compat, the archive) and keeps both answers
 * whole. When both have come, or failed, features_ready runs the hooks
 * of the modules that start from a feature, in the order of the table
 * below; each asks features_server() or features_account(). A resumed
 * stream keeps what its session learned and asks nothing. Answers meant
 * for an earlier session are told apart by a generation.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

struct features {
	unsigned gen;
	unsigned pending;        /* answers awaited */
	xmpp_stanza_t *server;   /* the <query/> answers, or NULL */
	xmpp_stanza_t *account;
};

/* What runs once both are known, in order. */
static void (*const ready_hooks[])(struct session *s) = {
	xs_bookmarks_features,
	blocking_features,
	carbons_features,
	mam_features,
	upload_features,
};

static struct features *state_of(struct session *s)
{
	if (!s->feat)
		s->feat = xcalloc(1, sizeof *s->feat);
	return s->feat;
}

static void forget(struct features *f)
{
	if (f->server)
		xmpp_stanza_release(f->server);
	if (f->account)
		xmpp_stanza_release(f->account);
	f->server = f->account = NULL;
}

/* ud: the generation in its low bits, which answer in bit 0 */
static void on_info(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct features *f = s->feat;
	uintptr_t tag = (uintptr_t)ud;
	xmpp_stanza_t *q;

	if (!f || tag >> 1 != f->gen || !f->pending)
		return;
	q = req_ok(reply) ? xmpp_stanza_get_child_by_name_and_ns(
				    reply, "query", NS_DISCO_INFO) :
			    NULL;
	if (q)
		q = xmpp_stanza_clone(q);
	if (tag & 1)
		f->account = q;
	else
		f->server = q;
	if (!q)
		log_msg(LOG_INFO, "features", "%s: the %s said nothing of what "
			"it offers", s->acc->conf->name,
			tag & 1 ? "account" : "server");
	/* (at shutdown every request ends with NULL: nothing to start) */
	if (--f->pending == 0 && !s->app->quit &&
	    s->acc->state == ACC_ONLINE)
		for (size_t i = 0; i < sizeof ready_hooks / sizeof *ready_hooks;
		     i++)
			ready_hooks[i](s);
}

void features_connected(struct session *s)
{
	struct features *f = state_of(s);
	uintptr_t tag;

	forget(f);
	f->gen++;
	f->pending = 2;
	tag = (uintptr_t)f->gen << 1;
	req_send(s, req_iq(s, "get", s->acc->domain, "query", NS_DISCO_INFO),
		 on_info, (void *)tag, REQ_TIMEOUT_MS);
	req_send(s, req_iq(s, "get", s->acc->bare_jid, "query", NS_DISCO_INFO),
		 on_info, (void *)(tag | 1), REQ_TIMEOUT_MS);
}

bool features_server(struct session *s, const char *var)
{
	return s->feat && stanza_has_feature(s->feat->server, var);
}

bool features_server_known(struct session *s)
{
	return s->feat && s->feat->server;
}

bool features_account(struct session *s, const char *var)
{
	return s->feat && stanza_has_feature(s->feat->account, var);
}

xmpp_stanza_t *features_server_info(struct session *s)
{
	return s->feat ? s->feat->server : NULL;
}

xmpp_stanza_t *features_account_info(struct session *s)
{
	return s->feat ? s->feat->account : NULL;
}

void features_free(struct session *s)
{
	if (!s->feat)
		return;
	forget(s->feat);
	free(s->feat);
	s->feat = NULL;
}
