/* iqauth: the old jabber:iq:auth login (XEP-0078), done by natter on a
 * raw stream (see iqauth.c).
 *
 * libstrophe 0.12's own legacy login sends only the plaintext
 * <password/>, even when the server offers <digest/>, so session.c logs
 * in through iqauth_open() instead of conn_open(s, CONN_CLIENT, ...)
 * when auth = "legacy", or when auth = "auto" and the server offered no
 * SASL mechanism natter can use. The pure parts (fields, choice, digest,
 * stream id) are exported for the unit tests.
 */
#ifndef NATTER_XMPP_IQAUTH_H
#define NATTER_XMPP_IQAUTH_H

#include <stdbool.h>
#include <strophe.h>

struct session;

/* What an iq:auth get's answer asks for (XEP-0078 3.1), as bits. */
enum {
	IQAUTH_USERNAME = 1 << 0,
	IQAUTH_PASSWORD = 1 << 1,
	IQAUTH_DIGEST = 1 << 2,
	IQAUTH_RESOURCE = 1 << 3,
};

/* How natter answers. */
enum iqauth_method {
	IQAUTH_NONE,   /* nothing natter may send */
	IQAUTH_DIGEST_SHA1, /* <digest/>: hex SHA-1 of stream id + password */
	IQAUTH_PLAIN,  /* <password/>: only over an encrypted stream */
};

/* The IQAUTH_* fields listed in query, a <query xmlns='jabber:iq:auth'/>
 * (borrowed; NULL gives 0). */
unsigned iqauth_fields(xmpp_stanza_t *query);
/* Digest before plaintext; plaintext only when encrypted; nothing
 * without a username field. */
enum iqauth_method iqauth_choose(unsigned fields, bool encrypted);
/* out = lowercase hex SHA-1 of stream_id followed by password. */
void iqauth_digest(const char *stream_id, const char *password,
		   char out[41]);
/* The id of the stream header libstrophe logs as msg ("RECV:
 * <stream:stream ... id=\"...\" ...>"), the caller's to free; NULL when
 * msg is no stream header or has no id. *versioned (unless NULL) tells
 * whether the header has a version attribute (features will follow). */
char *iqauth_stream_id(const char *msg, bool *versioned);

/* Connects s for a legacy login; cb(ud) then gets XMPP_CONN_CONNECT once
 * the server accepted it, and XMPP_CONN_DISCONNECT/FAIL as from
 * libstrophe (s->auth_failed, s->no_auth_method or s->legacy_no_tls say
 * why a login was refused). Returns as conn_open; XMPP_EINVOP when the
 * account's tls = "disable" (refused before connecting, told as an
 * EV_DIAL). */
int iqauth_open(struct session *s, xmpp_conn_handler cb, void *ud);
/* xlog.c: libstrophe logged msg on s's connection. */
void iqauth_log(struct session *s, const char *msg);
/* Frees s's legacy login state, if any (conn_free). */
void iqauth_free(struct session *s);

#endif
