/* upload: HTTP File Upload (XEP-0363), and the message that tells the
 * peer where the file is (XEP-0066 out-of-band data).
 *
 * The service is found once per session, when features.c knows what
 * the server offers: the server itself if its disco#info lists
 * urn:xmpp:http:upload:0, else the first of its disco#items
 * (components such as upload.example.org) whose disco#info does, with
 * the max-file-size its form states (0: none stated). A session's
 * `upload` holds the answer, and a generation that ties each query's
 * answer to the search that asked it.
 *
 * /upload: the file's size is checked against that limit before
 * anything is asked; core/transfer starts the upload (listed, and
 * cancellable, while the slot is asked for); the slot's answer names
 * the transfer by number, so a cancelled or forgotten one is dropped;
 * its PUT goes through core/http; once the server has the file, its
 * GET address is sent as the body and as <x xmlns='jabber:x:oob'>,
 * through the outbox like any message (conv_outgoing_oob /
 * room_outgoing_oob keep the address with it for resends).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/paths.h"
#include "core/room.h"
#include "core/transfer.h"
#include "util/log.h"
#include "util/url.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xs.h"

/* At most this many of the server's items are asked what they are. */
#define UPLOAD_MAX_PROBES 32
/* A slot's headers that a client may send (XEP-0363 §5). */
static const char *const allowed_headers[] = { "Authorization", "Cookie",
					       "Expires" };

struct upload {
	unsigned gen;
	enum xs_upload_service state;
	unsigned pending; /* info queries awaited */
	char *jid;        /* the service, when found */
	int64_t max;      /* its max-file-size; 0: none stated */
};

static struct upload *up_of(struct session *s)
{
	if (!s->upload)
		s->upload = xcalloc(1, sizeof *s->upload);
	return s->upload;
}

void upload_free(struct session *s)
{
	if (!s->upload)
		return;
	free(s->upload->jid);
	free(s->upload);
	s->upload = NULL;
}

int64_t upload_max_size(xmpp_stanza_t *query)
{
	xmpp_stanza_t *x, *f;

	for (x = query ? xmpp_stanza_get_children(query) : NULL; x;
	     x = xmpp_stanza_get_next(x)) {
		const char *ns = xmpp_stanza_is_tag(x) ? xmpp_stanza_get_ns(x) :
							 NULL;
		bool ours = false;
		int64_t max = 0;

		if (!ns || strcmp(ns, NS_DATA) != 0 ||
		    strcmp(xmpp_stanza_get_name(x), "x") != 0)
			continue;
		for (f = xmpp_stanza_get_children(x); f;
		     f = xmpp_stanza_get_next(f)) {
			const char *var = xmpp_stanza_is_tag(f) ?
				xmpp_stanza_get_attribute(f, "var") : NULL;
			xmpp_stanza_t *v = var ?
				xmpp_stanza_get_child_by_name(f, "value") : NULL;
			char *text = v ? xmpp_stanza_get_text(v) : NULL;

			if (text && strcmp(var, "FORM_TYPE") == 0)
				ours = strcmp(text, NS_HTTP_UPLOAD) == 0;
			else if (text && strcmp(var, "max-file-size") == 0) {
				char *end;
				long long n = strtoll(text, &end, 10);

				max = end != text && !*end && n > 0 ? n : 0;
			}
			if (text)
				xmpp_free(xmpp_stanza_get_context(f), text);
		}
		if (ours)
			return max;
	}
	return 0;
}

static void found(struct session *s, const char *jid, xmpp_stanza_t *query)
{
	struct upload *u = up_of(s);

	u->state = XS_UPLOAD_FOUND;
	free(u->jid);
	u->jid = xstrdup(jid);
	u->max = upload_max_size(query);
	log_msg(LOG_INFO, "upload", "%s: the upload service is %s (at most "
		"%" PRId64 " bytes; 0: no limit stated)", s->acc->conf->name,
		jid, u->max);
}

/* ud: the search's generation */
static void on_item_info(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct upload *u = s->upload;
	xmpp_stanza_t *q;
	const char *from;

	if (!u || (uintptr_t)ud != u->gen || u->state != XS_UPLOAD_LOOKING)
		return;
	q = req_ok(reply) ? xmpp_stanza_get_child_by_name_and_ns(
				    reply, "query", NS_DISCO_INFO) : NULL;
	from = reply ? xmpp_stanza_get_from(reply) : NULL;
	if (q && from && stanza_has_feature(q, NS_HTTP_UPLOAD))
		found(s, from, q);
	else if (--u->pending == 0)
		u->state = XS_UPLOAD_NONE;
}

static void on_items(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct upload *u = s->upload;
	xmpp_stanza_t *q, *c;

	if (!u || (uintptr_t)ud != u->gen || u->state != XS_UPLOAD_LOOKING)
		return;
	q = req_ok(reply) ? xmpp_stanza_get_child_by_name_and_ns(
				    reply, "query", NS_DISCO_ITEMS) : NULL;
	for (c = q ? xmpp_stanza_get_children(q) : NULL;
	     c && u->pending < UPLOAD_MAX_PROBES; c = xmpp_stanza_get_next(c)) {
		const char *jid = xmpp_stanza_is_tag(c) ?
			xmpp_stanza_get_attribute(c, "jid") : NULL;

		/* a node is a list of something, not a service */
		if (!jid || strcmp(xmpp_stanza_get_name(c), "item") != 0 ||
		    xmpp_stanza_get_attribute(c, "node"))
			continue;
		u->pending++;
		req_send(s, req_iq(s, "get", jid, "query", NS_DISCO_INFO),
			 on_item_info, ud, REQ_TIMEOUT_MS);
	}
	if (!u->pending)
		u->state = XS_UPLOAD_NONE;
}

void upload_features(struct session *s)
{
	struct upload *u = up_of(s);

	u->gen++;
	u->pending = 0;
	xfree(&u->jid);
	if (features_server(s, NS_HTTP_UPLOAD)) {
		found(s, s->acc->domain, features_server_info(s));
		return;
	}
	u->state = XS_UPLOAD_LOOKING;
	req_send(s, req_iq(s, "get", s->acc->domain, "query", NS_DISCO_ITEMS),
		 on_items, (void *)(uintptr_t)u->gen, REQ_TIMEOUT_MS);
}

enum xs_upload_service xs_upload_service(struct app *app, struct account *a,
					 int64_t *max)
{
	struct session *s = session_of(a);

	(void)app;
	*max = 0;
	if (a->state != ACC_ONLINE)
		return XS_UPLOAD_OFFLINE;
	if (!s->upload)
		return XS_UPLOAD_LOOKING; /* features.c has not answered yet */
	*max = s->upload->max;
	return s->upload->state;
}

/* -- the message that says where the file is ------------------------- */

static void send_url(struct transfer *t)
{
	struct app *app = t->app;
	struct account *a = t->acc;
	struct session *s = session_of(a);
	const char *url = t->get_url;
	char *id = xmpp_uuid_gen(s->ctx);

	if (t->to_room) {
		struct window *w = room_find(app, a, t->to);
		bool now = a->state == ACC_ONLINE && w && w->room->joined;

		if (w && room_outgoing_oob(app, a, t->to, url, id, url) == 0)
			muc_outbox_send(s, w, false);
		else if (now)
			muc_send_groupchat(s, t->to, url, id, url);
		else if (!w && room_outgoing_later(app, a, t->to, url, id,
						   url) == 0)
			t->url_fate = TRANSFER_URL_WAITS; /* for the next join */
		else {
			t->url_fate = TRANSFER_URL_UNSENT;
			log_msg(LOG_WARN, "upload", "%s: %s: nowhere to send "
				"%s", a->conf->name, t->to, url);
		}
	} else {
		struct window *w;

		conv_outgoing_oob(app, a, t->to, url, id, url);
		w = conv_find(app, a, t->to);
		if (a->state == ACC_ONLINE)
			delivery_send(s, t->to, w ? w->resource : NULL, url, id,
				      url);
	}
	xmpp_free(s->ctx, id);
}

/* -- the slot ---------------------------------------------------------- */

/* Keeps an allowed header of the slot's as "Name: value" in v, with
 * nothing that could end the line; false for one not allowed. */
static bool header_line(xmpp_stanza_t *h, char **line)
{
	const char *name = xmpp_stanza_get_attribute(h, "name");
	char *text, *p;
	size_t i;

	*line = NULL;
	for (i = 0; name && i < sizeof allowed_headers /
				  sizeof *allowed_headers; i++)
		if (strcasecmp(name, allowed_headers[i]) == 0)
			break;
	if (!name || i == sizeof allowed_headers / sizeof *allowed_headers)
		return false;
	text = xmpp_stanza_get_text(h);
	if (!text)
		return false;
	for (p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	*line = xasprintf("%s: %s", allowed_headers[i], text);
	xmpp_free(xmpp_stanza_get_context(h), text);
	return true;
}

/* XEP-0363 wants HTTPS: a PUT in clear text would carry the file and
 * the slot's Authorization and Cookie headers for anyone to read. Plain
 * http only for an account that turned TLS off (tls = "disable"). */
static bool http_url(const struct account *a, const char *u)
{
	return u && (strncmp(u, "https://", 8) == 0 ||
		     (a->conf->tls == TLS_DISABLE &&
		      strncmp(u, "http://", 7) == 0));
}

/* ud: the transfer's number */
static void on_slot(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct transfer *t = transfer_find(s->app, (unsigned)(uintptr_t)ud);
	xmpp_stanza_t *slot, *put, *get, *h;
	const char *put_url, *get_url;
	char *headers[4] = { 0 };
	size_t n = 0;

	if (s->app->quit || !t || t->state != TRANSFER_RUNNING || t->url)
		return; /* cancelled meanwhile, or at shutdown */
	if (!reply || !req_ok(reply)) {
		struct req_error e;

		req_error_parse(reply, &e);
		transfer_refused(t, e.cond, e.text);
		req_error_clear(&e);
		return;
	}
	slot = xmpp_stanza_get_child_by_name_and_ns(reply, "slot",
						    NS_HTTP_UPLOAD);
	put = slot ? xmpp_stanza_get_child_by_name(slot, "put") : NULL;
	get = slot ? xmpp_stanza_get_child_by_name(slot, "get") : NULL;
	put_url = put ? xmpp_stanza_get_attribute(put, "url") : NULL;
	get_url = get ? xmpp_stanza_get_attribute(get, "url") : NULL;
	if (!http_url(s->acc, put_url) || !http_url(s->acc, get_url) ||
	    !utf8_is_clean(get_url, strlen(get_url)) ||
	    strpbrk(get_url, " \t") || strpbrk(put_url, " \t")) {
		transfer_refused(t, "bad-request", "the upload service's "
				 "answer holds no usable https addresses");
		return;
	}
	for (h = xmpp_stanza_get_children(put); h && n < 3;
	     h = xmpp_stanza_get_next(h))
		if (xmpp_stanza_is_tag(h) &&
		    strcmp(xmpp_stanza_get_name(h), "header") == 0 &&
		    header_line(h, &headers[n]))
			n++;
	transfer_upload_put(t, put_url, (const char *const *)headers, get_url,
			    send_url);
	while (n--)
		free(headers[n]);
}

enum xs_upload_service xs_upload(struct app *app, struct window *w,
				 const char *path, int64_t *size,
				 int64_t *max, char **err)
{
	struct account *a = w->acc;
	enum xs_upload_service st = xs_upload_service(app, a, max);
	struct session *s;
	struct transfer *t;
	xmpp_stanza_t *iq, *req;
	char num[24], *full;
	struct stat sb;

	*size = 0;
	*err = NULL;
	if (st != XS_UPLOAD_FOUND)
		return st;
	full = paths_expand_home(path);
	if (stat(full, &sb) < 0) {
		*err = xasprintf("cannot read %s: %s", path, strerror(errno));
		free(full);
		return XS_UPLOAD_CANNOT;
	}
	free(full);
	*size = (int64_t)sb.st_size;
	if (S_ISREG(sb.st_mode) && *max > 0 && *size > *max)
		return XS_UPLOAD_TOO_LARGE;
	t = transfer_upload(app, w, path, err);
	if (!t)
		return XS_UPLOAD_CANNOT;
	s = session_of(a);
	iq = req_iq(s, "get", s->upload->jid, "request", NS_HTTP_UPLOAD);
	req = xmpp_stanza_get_child_by_name_and_ns(iq, "request",
						   NS_HTTP_UPLOAD);
	snprintf(num, sizeof num, "%" PRId64, t->total);
	xmpp_stanza_set_attribute(req, "filename", t->name);
	xmpp_stanza_set_attribute(req, "size", num);
	xmpp_stanza_set_attribute(req, "content-type", t->mime);
	req_send(s, iq, on_slot, (void *)(uintptr_t)t->n, REQ_TIMEOUT_MS);
	return XS_UPLOAD_FOUND;
}
