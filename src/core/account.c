/* account: runtime account state (see account.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "core/account.h"
#include "core/attention.h"
#include "core/pep.h"
#include "core/app.h"
#include "core/call.h"
#include "core/event.h"
#include "core/disco.h"
#include "core/history.h"
#include "core/outbox.h"
#include "core/paths.h"
#include "core/invite.h"
#include "core/strangers.h"
#include "core/window.h"
#include "util/jid.h"
#include "util/xmem.h"

struct account *account_new(struct account_conf *conf)
{
	struct account *a = xcalloc(1, sizeof *a);
	struct jid j;

	a->conf = conf;
	if (jid_parse(conf->jid, &j) == 0) {
		a->bare_jid = jid_bare(&j);
		a->domain = xstrdup(j.domain);
		a->nick = xstrdup(conf->nick && *conf->nick ? conf->nick :
				  j.local ? j.local : j.domain);
		jid_clear(&j);
	} else { /* config validation makes this unreachable */
		a->bare_jid = xstrdup(conf->jid);
		a->domain = xstrdup(conf->jid);
		a->nick = xstrdup(conf->jid);
	}
	roster_init(&a->roster);
	bookmarks_init(&a->bookmarks);
	blocklist_init(&a->blocklist);
	a->show = SHOW_ONLINE;
	return a;
}

void cert_info_free(struct cert_info **cp)
{
	struct cert_info *c = *cp;

	if (!c)
		return;
	free(c->subject);
	free(c->issuer);
	free(c->not_before);
	free(c->not_after);
	free(c->fingerprint);
	free(c->pinned);
	free(c->error);
	free(c->pin_name);
	free(c);
	*cp = NULL;
}

void account_free(struct account **ap)
{
	struct account *a = *ap;

	if (!a)
		return;
	size_t i;

	free(a->bare_jid);
	free(a->domain);
	free(a->nick);
	free(a->status_text);
	free(a->saved_status);
	outbox_close(&a->outbox);
	history_close(&a->history);
	for (i = 0; i < a->nsub_requests; i++) {
		free(a->sub_requests[i]);
		free(a->sub_nicks[i]);
	}
	free(a->sub_requests);
	free(a->sub_nicks);
	for (i = 0; i < a->ngateways; i++)
		free(a->gateways[i]);
	free(a->gateways);
	strangers_forget(a);
	pep_forget(a);
	invite_forget(a);
	strmap_clear(&a->gw_verdicts);
	for (i = 0; i < a->ngw_deferred; i++)
		free(a->gw_deferred[i]);
	free(a->gw_deferred);
	free(a->bound_jid);
	free(a->reason_text);
	cert_info_free(&a->cert);
	roster_clear(&a->roster);
	bookmarks_clear(&a->bookmarks);
	blocklist_clear(&a->blocklist);
	free(a);
	*ap = NULL;
}

void account_set_state(struct app *app, struct account *a,
		       enum account_state st, enum conn_reason why,
		       const char *text)
{
	struct event ev = { .type = EV_ACCOUNT_STATE, .acc = a };

	a->state = st;
	a->reason = why;
	free(a->reason_text);
	a->reason_text = text ? xstrdup(text) : NULL;
	event_emit(app, &ev);
	/* a call cannot be declined from here any more: not left ringing */
	if (st != ACC_ONLINE)
		call_account_offline(app, a);
}

void account_cert_refused(struct app *app, struct account *a,
			  struct cert_info **ci)
{
	struct event ev = { .type = (*ci)->pinned ? EV_CERT_CHANGED :
						    EV_CERT_UNTRUSTED,
			    .acc = a };

	cert_info_free(&a->cert);
	a->cert = *ci;
	*ci = NULL;
	event_emit(app, &ev);
}

int account_trust_cert(struct app *app, struct account *a)
{
	struct event ev = { .type = EV_CERT_PINNED, .acc = a };
	int r;

	if (!a->cert)
		return -1;
	ev.cert_pinned.name = a->cert->pin_name ? a->cert->pin_name :
						  a->domain;
	r = pinstore_set(&app->pins, ev.cert_pinned.name,
			 a->cert->fingerprint);
	ev.cert_pinned.fingerprint = a->cert->fingerprint;
	if (r < 0) {
		ev.cert_pinned.error = strerror(-r);
		event_emit(app, &ev);
		return -1;
	}
	a->attempt = 0;
	event_emit(app, &ev);
	cert_info_free(&a->cert);
	return 0;
}

uint64_t account_backoff_ms(unsigned attempt, uint64_t max_ms, double rnd)
{
	uint64_t base = 1000;
	double jitter;

	while (attempt > 1 && base < max_ms) {
		base *= 2;
		attempt--;
	}
	if (base > max_ms)
		base = max_ms;
	/* jitter spreads many clients that lost the same server */
	jitter = (rnd * 0.4 - 0.2) * (double)base;
	return (uint64_t)((double)base + jitter);
}

void account_mark_online(struct account *a, uint64_t now_ms)
{
	a->up = true;
	a->up_since = now_ms;
}

uint64_t account_retry_delay(struct account *a, uint64_t now_ms,
			     uint64_t max_ms, double rnd)
{
	if (a->up && now_ms - a->up_since >= ACCOUNT_STABLE_MS)
		a->attempt = 0;
	a->up = false;
	a->attempt++;
	return account_backoff_ms(a->attempt, max_ms, rnd);
}

struct account *account_find(struct app *app, const char *name)
{
	size_t i;

	for (i = 0; i < app->naccounts; i++)
		if (strcmp(app->accounts[i]->conf->name, name) == 0)
			return app->accounts[i];
	return NULL;
}

int account_open_history(struct account *a, const char *data_dir, char **err)
{
	char *dir = xasprintf("%s/%s", data_dir, a->conf->name);
	char *path = xasprintf("%s/history.db", dir);
	int r = paths_mkdir(dir);

	if (r < 0) {
		*err = xasprintf("%s: %s", dir, strerror(-r));
	} else {
		r = history_open(&a->history, path, err);
		if (r == 0 && outbox_open(&a->outbox, a->history, err) < 0) {
			history_close(&a->history);
			r = -1;
		}
	}
	free(dir);
	free(path);
	return r < 0 ? -1 : 0;
}

void account_history_check(struct app *app, struct account *a)
{
	struct event ev = { .type = EV_HISTORY_ERROR, .acc = a };
	size_t lost, waiting;

	if (!a->history ||
	    !history_trouble(a->history, &lost, &waiting,
			     &ev.history_error.error))
		return;
	ev.history_error.lost = lost;
	ev.history_error.kept = waiting;
	event_emit(app, &ev);
}

void account_commit(struct app *app, struct account *a)
{
	if (a->history && history_commit(a->history) < 0)
		account_history_check(app, a);
}

void account_sub_request_add(struct account *a, const char *bare,
			     const char *nick)
{
	size_t i;

	for (i = 0; i < a->nsub_requests; i++)
		if (strcmp(a->sub_requests[i], bare) == 0)
			return;
	a->sub_requests = xrealloc(a->sub_requests, (a->nsub_requests + 1) *
							    sizeof *a->sub_requests);
	a->sub_nicks = xrealloc(a->sub_nicks, (a->nsub_requests + 1) *
						      sizeof *a->sub_nicks);
	a->sub_nicks[a->nsub_requests] = nick ? xstrdup(nick) : NULL;
	a->sub_requests[a->nsub_requests++] = xstrdup(bare);
}

const char *account_sub_request_nick(struct account *a, const char *bare)
{
	size_t i;

	for (i = 0; i < a->nsub_requests; i++)
		if (strcmp(a->sub_requests[i], bare) == 0)
			return a->sub_nicks[i];
	return NULL;
}

/* Keeps the order requests came in: /accept lists and takes them so. */
bool account_sub_request_take(struct account *a, const char *bare)
{
	size_t i;

	for (i = 0; i < a->nsub_requests; i++) {
		if (strcmp(a->sub_requests[i], bare) != 0)
			continue;
		free(a->sub_requests[i]);
		free(a->sub_nicks[i]);
		a->nsub_requests--;
		memmove(&a->sub_requests[i], &a->sub_requests[i + 1],
			(a->nsub_requests - i) * sizeof *a->sub_requests);
		memmove(&a->sub_nicks[i], &a->sub_nicks[i + 1],
			(a->nsub_requests - i) * sizeof *a->sub_nicks);
		return true;
	}
	return false;
}

void account_gateway_add(struct account *a, const char *domain)
{
	size_t i;

	for (i = 0; i < a->ngateways; i++)
		if (strcmp(a->gateways[i], domain) == 0)
			return;
	a->gateways = xrealloc(a->gateways,
			       (a->ngateways + 1) * sizeof *a->gateways);
	a->gateways[a->ngateways++] = xstrdup(domain);
}

void account_gateway_forget(struct account *a, const char *domain)
{
	size_t i;

	for (i = 0; i < a->ngateways; i++) {
		if (strcmp(a->gateways[i], domain) != 0)
			continue;
		free(a->gateways[i]);
		a->gateways[i] = a->gateways[--a->ngateways];
		return;
	}
}

void account_gateway_registered(struct app *app, struct account *a,
				const char *domain, bool update)
{
	struct event ev = { .type = EV_GATEWAY_REGISTERED, .acc = a,
			    .gateway_registered = { .gateway = domain,
						    .update = update } };

	account_gateway_add(a, domain);
	event_emit(app, &ev);
}

void account_gateway_left(struct app *app, struct account *a,
			  const char *domain, size_t removed,
			  bool not_registered)
{
	struct event ev = { .type = EV_GATEWAY_LEFT, .acc = a,
			    .gateway_left = { .gateway = domain,
					      .removed = removed,
					      .not_registered = not_registered } };

	account_gateway_forget(a, domain);
	event_emit(app, &ev);
}

void account_gateway_subscribed(struct app *app, struct account *a,
				const char *gateway)
{
	struct event ev = { .type = EV_GATEWAY_SUBSCRIBED, .acc = a,
			    .gateway_subscribed = { .gateway = gateway } };

	account_sub_request_take(a, gateway);
	event_emit(app, &ev);
}

void account_gateway_contact_added(struct app *app, struct account *a,
				   const char *bare)
{
	struct event ev = { .type = EV_GATEWAY_CONTACT_ADDED, .acc = a,
			    .gateway_contact_added = { .jid = bare } };

	account_sub_request_take(a, bare);
	event_emit(app, &ev);
}

/* Whether gw, the i-th of the gateways then the roster's items, was
 * seen before as one of the gateways (registered and in the roster). */
static bool gateway_seen(const struct account *a, size_t i, const char *gw)
{
	size_t j;

	if (i < a->ngateways)
		return false;
	for (j = 0; j < a->ngateways; j++)
		if (strcmp(a->gateways[j], gw) == 0)
			return true;
	return false;
}

void account_gateway_contacts_ask(struct app *app, struct account *a)
{
	const char **jids = xcalloc(a->nsub_requests + 1, sizeof *jids);
	const char **nicks = xcalloc(a->nsub_requests + 1, sizeof *nicks);
	size_t i, j;

	for (i = 0; i < a->ngateways + a->roster.n; i++) {
		const char *gw = i < a->ngateways ? a->gateways[i] :
						    a->roster.items[i - a->ngateways].jid;
		struct event ev = { .type = EV_GATEWAY_CONTACTS_ASK, .acc = a,
				    .gateway_contacts_ask = { .gateway = gw,
							      .jids = jids,
							      .nicks = nicks } };
		size_t n = 0;

		if (strchr(gw, '@') || !account_is_gateway(a, gw) ||
		    gateway_seen(a, i, gw))
			continue;
		for (j = 0; j < a->nsub_requests; j++) {
			const char *at = strchr(a->sub_requests[j], '@');

			if (!at || strcmp(at + 1, gw) != 0)
				continue;
			jids[n] = a->sub_requests[j];
			nicks[n++] = a->sub_nicks[j];
		}
		ev.gateway_contacts_ask.n = n;
		if (n)
			event_emit(app, &ev);
	}
	free(jids);
	free(nicks);
}

void account_rx_offered(struct app *app, struct account *a, struct window *w,
			const char *from)
{
	struct event ev = { .type = EV_ROSTERX_OFFERED, .acc = a,
			    .rosterx_offered = { .from = from } };
	size_t cur = app->cur_win;

	app_add_window(app, w);
	app_select(app, cur);
	w->unread = 1;
	event_emit(app, &ev);
}

void account_sub_asked(struct app *app, struct account *a, const char *bare,
		       const char *note)
{
	struct event ev = { .type = EV_SUBSCRIBE, .acc = a,
			    .subscribe = { .jid = bare, .note = note } };

	account_sub_request_add(a, bare, NULL);
	event_emit(app, &ev);
	attention_event(app, a, NULL, ATTN_SUBSCRIBE, bare, note, false);
}

bool account_is_gateway(struct account *a, const char *domain)
{
	return account_gateway_candidate(a, domain) &&
	       disco_verdict_get(a, domain) == DISCO_IS_GATEWAY;
}

bool account_gateway_candidate(struct account *a, const char *domain)
{
	struct roster_item *it;
	size_t i;

	if (!domain || strchr(domain, '@') || strchr(domain, '/'))
		return false;
	for (i = 0; i < a->ngateways; i++)
		if (strcmp(a->gateways[i], domain) == 0)
			return true;
	it = roster_get(&a->roster, domain);
	return it && (it->sub == SUB_TO || it->sub == SUB_BOTH);
}

const char *account_gateway_of(struct account *a, const char *jid)
{
	const char *at = jid ? strchr(jid, '@') : NULL;

	if (!at || !account_is_gateway(a, at + 1))
		return NULL;
	return at + 1;
}

void account_archive_progress(struct app *app, struct account *a,
			      bool running, size_t got, size_t total)
{
	a->archive_syncing = running;
	a->archive_got = running ? got : 0;
	a->archive_total = running ? total : 0;
	app->dirty = true;
}
