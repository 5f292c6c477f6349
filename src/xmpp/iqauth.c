/* iqauth: the old jabber:iq:auth login (XEP-0078) on a raw stream.
 *
 * libstrophe 0.12 can log in this way itself (XMPP_CONN_FLAG_LEGACY_AUTH)
 * but sends only <password/>, the password in plain text, even where the
 * server would take a <digest/>; and it falls back to it after a failed
 * SASL login too. So natter never sets that flag: it opens a raw stream
 * (xmpp_connect_raw, through the account's transport like any stream,
 * conn.c), which conn_raw_open negotiates as for inband.c's
 * registration: direct TLS, or the features and STARTTLS and a second
 * stream under the account's tls rules and pins. Only on an encrypted
 * stream does it ask the server which fields it wants (an iq:auth get)
 * and answer with <digest/> (hex SHA-1 of the stream id and the
 * password) when offered, else <password/>. libstrophe keeps the stream
 * id to itself; it logs every stream header it receives, and xlog.c
 * hands those lines here.
 *
 * One struct iqauth per session, made by the first legacy attempt and
 * kept (s->iqauth) until conn_free: the raw stream's events come to
 * us (raw_ops), and we report to the session's handler what it would
 * have seen from a client stream: the connect once the server accepted
 * the login, and every disconnect. A raw stream fires user handlers
 * before login: ours act only in the phase they belong to (a client
 * stream never fires them before login, and none comes after it), and
 * the session's own see nothing they answer until then (iq.c answers
 * only gets and sets).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/app.h"
#include "core/conf.h"
#include "core/endpoint.h"
#include "util/log.h"
#include "util/sha1.h"
#include "util/xmem.h"
#include "xmpp/conn.h"
#include "xmpp/iqauth.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

#define STREAM_HEADER "RECV: <stream:stream"

enum ia_phase {
	IA_IDLE,       /* no attempt, or it ended */
	IA_STREAM,     /* connecting, TLS, streams (conn_raw) */
	IA_FIELDS,     /* the get was sent */
	IA_LOGIN,      /* the set was sent */
	IA_ONLINE,     /* the server accepted it */
};

struct iqauth {
	struct session *s;
	struct conn_raw raw;  /* the stream's TLS */
	xmpp_conn_handler cb; /* the session's */
	void *ud;
	enum ia_phase phase;
	char *stream_id;      /* the current stream's, from the log */
	bool versioned;       /* its header had a version: features follow */
	char *iq_id;          /* the get or set we wait for, or NULL */
	enum iqauth_method method;
};

/* --- the pure parts --------------------------------------------------- */

unsigned iqauth_fields(xmpp_stanza_t *query)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "username", IQAUTH_USERNAME },
		{ "password", IQAUTH_PASSWORD },
		{ "digest", IQAUTH_DIGEST },
		{ "resource", IQAUTH_RESOURCE },
	};
	xmpp_stanza_t *c;
	unsigned f = 0;
	size_t i;

	if (!query)
		return 0;
	for (c = xmpp_stanza_get_children(query); c;
	     c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_get_name(c);

		if (!xmpp_stanza_is_tag(c) || !name)
			continue;
		for (i = 0; i < sizeof names / sizeof *names; i++)
			if (strcmp(name, names[i].name) == 0)
				f |= names[i].bit;
	}
	return f;
}

enum iqauth_method iqauth_choose(unsigned fields, bool encrypted)
{
	if (!(fields & IQAUTH_USERNAME))
		return IQAUTH_NONE;
	if (fields & IQAUTH_DIGEST)
		return IQAUTH_DIGEST_SHA1;
	if ((fields & IQAUTH_PASSWORD) && encrypted)
		return IQAUTH_PLAIN;
	return IQAUTH_NONE;
}

void iqauth_digest(const char *stream_id, const char *password, char out[41])
{
	sha1_hex(out, stream_id, password, (const char *)NULL);
}

/* The value of attribute name in tag (as libstrophe logs it:
 * ` name="value"`), the caller's; NULL when absent. */
static char *attribute(const char *tag, const char *name)
{
	size_t n = strlen(name);
	const char *p = tag;

	while ((p = strchr(p, ' '))) {
		p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=' && p[n + 1] == '"') {
			const char *v = p + n + 2, *end = strchr(v, '"');

			return end ? xstrndup(v, (size_t)(end - v)) : NULL;
		}
	}
	return NULL;
}

char *iqauth_stream_id(const char *msg, bool *versioned)
{
	char *v;

	if (strncmp(msg, STREAM_HEADER, sizeof STREAM_HEADER - 1) != 0 ||
	    (msg[sizeof STREAM_HEADER - 1] != ' ' &&
	     msg[sizeof STREAM_HEADER - 1] != '>'))
		return NULL;
	if (versioned) {
		v = attribute(msg, "version");
		*versioned = v != NULL;
		free(v);
	}
	return attribute(msg, "id");
}

/* --- the attempt ------------------------------------------------------- */

static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud);

static void forget_iq(struct iqauth *ia)
{
	if (!ia->iq_id)
		return;
	xmpp_id_handler_delete(ia->s->conn, on_reply, ia->iq_id);
	xfree(&ia->iq_id);
}

/* Gives up: the flags already set on the session say why. The stanza
 * handlers stay (they act only in their phases): deleting them from
 * inside one of them would free the list item libstrophe 0.12 reads
 * next (ASan showed it). */
static void give_up(struct iqauth *ia, const char *why)
{
	log_msg(LOG_INFO, "iqauth", "%s: %s", ia->s->acc->conf->name, why);
	forget_iq(ia);
	ia->phase = IA_IDLE;
	conn_close(ia->s);
}

static void send_iq(struct iqauth *ia, xmpp_stanza_t *iq)
{
	char *id = xmpp_uuid_gen(ia->s->ctx);

	forget_iq(ia);
	xmpp_stanza_set_id(iq, id);
	ia->iq_id = xstrdup(id);
	xmpp_free(ia->s->ctx, id);
	xmpp_id_handler_add(ia->s->conn, on_reply, ia->iq_id, ia);
	xmpp_send(ia->s->conn, iq);
	xmpp_stanza_release(iq);
}

/* The node of the account's JID, the caller's. */
static char *username(struct iqauth *ia)
{
	char *n = xmpp_jid_node(ia->s->ctx, xmpp_conn_get_jid(ia->s->conn));
	char *r = xstrdup(n ? n : "");

	xmpp_free(ia->s->ctx, n);
	return r;
}

/* XEP-0078 3.1: ask which fields the server wants, on an encrypted
 * stream only (even the user name travels no other way). */
static void ask_fields(struct iqauth *ia)
{
	struct session *s = ia->s;
	xmpp_stanza_t *iq, *q;
	char *user;

	if (!conn_encrypted(s)) {
		s->legacy_no_tls = true;
		give_up(ia, "the stream is not encrypted: no legacy login");
		return;
	}
	iq = req_iq(s, "get", s->acc->domain, "query", XMPP_NS_AUTH);
	q = xmpp_stanza_get_child_by_ns(iq, XMPP_NS_AUTH);
	user = username(ia);
	stanza_add_text(q, "username", user);
	free(user);
	ia->phase = IA_FIELDS;
	send_iq(ia, iq);
}

static void log_in(struct iqauth *ia, unsigned fields)
{
	struct session *s = ia->s;
	xmpp_stanza_t *iq, *q;
	char *user, *res;

	ia->method = iqauth_choose(fields, conn_encrypted(s));
	if (ia->method == IQAUTH_NONE) {
		s->no_auth_method = true;
		give_up(ia, "the server asks for no field natter may send");
		return;
	}
	iq = req_iq(s, "set", s->acc->domain, "query", XMPP_NS_AUTH);
	q = xmpp_stanza_get_child_by_ns(iq, XMPP_NS_AUTH);
	user = username(ia);
	stanza_add_text(q, "username", user);
	free(user);
	if (ia->method == IQAUTH_DIGEST_SHA1) {
		char hex[41];

		iqauth_digest(ia->stream_id ? ia->stream_id : "",
			      xmpp_conn_get_pass(s->conn), hex);
		stanza_add_text(q, "digest", hex);
		explicit_bzero(hex, sizeof hex);
	} else {
		stanza_add_text(q, "password", xmpp_conn_get_pass(s->conn));
	}
	res = xmpp_jid_resource(s->ctx, xmpp_conn_get_jid(s->conn));
	stanza_add_text(q, "resource", res ? res : s->acc->conf->resource);
	xmpp_free(s->ctx, res);
	log_msg(LOG_INFO, "iqauth", "%s: legacy login with %s",
		s->acc->conf->name,
		ia->method == IQAUTH_DIGEST_SHA1 ? "a digest" : "the password");
	ia->phase = IA_LOGIN;
	send_iq(ia, iq);
}

static void online(struct iqauth *ia)
{
	struct session *s = ia->s;
	struct ev_dial e = { .what = DIAL_LEGACY_AUTH };

	forget_iq(ia);
	ia->phase = IA_ONLINE;
	s->legacy_auth = true;
	e.legacy_digest = ia->method == IQAUTH_DIGEST_SHA1;
	endpoint_news(s->app, s->acc, &e);
	ia->cb(s->conn, XMPP_CONN_CONNECT, 0, NULL, ia->ud);
}

static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct iqauth *ia = ud;
	struct session *s = ia->s;
	const char *type = xmpp_stanza_get_type(st);
	struct req_error e;

	(void)conn;
	if (!type || (strcmp(type, "result") && strcmp(type, "error")))
		return 1;
	xfree(&ia->iq_id);
	if (ia->phase == IA_FIELDS && req_ok(st)) {
		log_in(ia, iqauth_fields(
				   xmpp_stanza_get_child_by_ns(st, XMPP_NS_AUTH)));
		return 0;
	}
	if (ia->phase == IA_LOGIN && req_ok(st)) {
		online(ia);
		return 0;
	}
	req_error_parse(st, &e);
	log_msg(LOG_INFO, "iqauth", "%s: the server says %s to the %s",
		s->acc->conf->name, e.cond,
		ia->phase == IA_FIELDS ? "fields request" : "login");
	/* a refused get means no legacy login here; a refused set, the
	 * credentials (XEP-0078 3.2: not-authorized), unless the server
	 * says the resource is the trouble */
	if (ia->phase == IA_FIELDS)
		s->no_auth_method = true;
	else if (strcmp(e.cond, "conflict") != 0)
		s->auth_failed = true;
	req_error_clear(&e);
	give_up(ia, "the legacy login was refused");
	return 0;
}

/* The stream is encrypted: the legacy login can start. */
static void on_ready(void *ud, xmpp_stanza_t *features)
{
	struct iqauth *ia = ud;

	(void)features;
	if (ia->phase == IA_STREAM)
		ask_fields(ia);
}

static void on_no_tls(void *ud, enum conn_raw_fail why)
{
	struct iqauth *ia = ud;

	if (ia->phase != IA_STREAM)
		return;
	switch (why) {
	case CONN_RAW_NO_STARTTLS: /* ask_fields refuses such a stream */
		ask_fields(ia);
		break;
	case CONN_RAW_TLS_REFUSED:
		ia->s->legacy_no_tls = true;
		give_up(ia, "the server refused to start TLS");
		break;
	case CONN_RAW_TLS_FAILED:
		/* cert_refused says so when our check refused the
		 * certificate */
		give_up(ia, "TLS could not be set up");
		break;
	}
}

/* A pre-XMPP 1.0 server sends no features after its header. */
static bool on_opened(void *ud)
{
	struct iqauth *ia = ud;

	if (ia->phase != IA_STREAM || ia->versioned)
		return false;
	ask_fields(ia);
	return true;
}

static void on_down(void *ud, xmpp_conn_event_t event, int error,
		    xmpp_stream_error_t *se)
{
	struct iqauth *ia = ud;

	forget_iq(ia);
	ia->phase = IA_IDLE;
	ia->cb(ia->s->conn, event, error, se, ia->ud);
}

static const struct conn_raw_ops raw_ops = {
	on_ready, on_no_tls, on_opened, on_down,
};

int iqauth_open(struct session *s, xmpp_conn_handler cb, void *ud)
{
	struct iqauth *ia = s->iqauth;

	s->legacy_auth = s->no_auth_method = s->legacy_no_tls = false;
	if (s->acc->conf->tls == TLS_DISABLE) {
		struct ev_dial e = { .what = DIAL_LEGACY_REFUSED };

		endpoint_news(s->app, s->acc, &e);
		return XMPP_EINVOP;
	}
	if (!ia) {
		ia = s->iqauth = xcalloc(1, sizeof *ia);
		ia->s = s;
	}
	forget_iq(ia);
	xfree(&ia->stream_id);
	ia->cb = cb;
	ia->ud = ud;
	ia->phase = IA_STREAM;
	ia->versioned = false;
	ia->method = IQAUTH_NONE;
	return conn_raw_open(&ia->raw, s, &raw_ops, ia);
}

void iqauth_log(struct session *s, const char *msg)
{
	struct iqauth *ia = s->iqauth;
	bool versioned;
	char *id;

	if (!ia || ia->phase == IA_IDLE || ia->phase == IA_ONLINE)
		return;
	id = iqauth_stream_id(msg, &versioned);
	if (!id && strncmp(msg, STREAM_HEADER, sizeof STREAM_HEADER - 1) != 0)
		return;
	free(ia->stream_id);
	ia->stream_id = id;
	ia->versioned = versioned;
}

void iqauth_free(struct session *s)
{
	struct iqauth *ia = s->iqauth;

	if (!ia)
		return;
	if (s->conn) {
		forget_iq(ia);
		conn_raw_free(&ia->raw);
	}
	free(ia->stream_id);
	free(ia);
	s->iqauth = NULL;
}
