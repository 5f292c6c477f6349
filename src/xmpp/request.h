/* request: IQs we send and the answers we wait for.
 *
 * req_send() sends an IQ get/set and calls back exactly once: with the
 * result or error stanza (borrowed for the call), or with NULL when no
 * answer came within the timeout. Pending requests are a small list in
 * app->xs; each holds the libstrophe id handler and our loop timer, and
 * whichever fires first removes the other.
 */
#ifndef NATTER_XMPP_REQUEST_H
#define NATTER_XMPP_REQUEST_H

#include <stdint.h>
#include <strophe.h>

#include "xmpp/stanza.h" /* requests are built with its helpers */

struct app;
struct session;

#define REQ_TIMEOUT_MS 20000

typedef void (*req_fn)(struct session *s, xmpp_stanza_t *reply, void *ud);

/* Sends iq (the caller's reference is taken); gives it an id if it has
 * none. */
void req_send(struct session *s, xmpp_stanza_t *iq, req_fn fn, void *ud,
	      uint64_t timeout_ms);

/* Ends every pending request as if it timed out (callbacks run with
 * NULL), so each frees what it holds; for shutdown. */
void req_end_all(struct app *app);

/* What an error reply says. cond and text are sanitised copies (NULL
 * when absent); code is the legacy numeric code, or 0. */
struct req_error {
	char *cond;
	char *type;
	char *text;
	int code;
};

/* True when reply is a type='result' IQ. */
int req_ok(xmpp_stanza_t *reply);
/* Fills e from reply's <error/> (NULL reply: cond "remote-server-timeout").
 * Legacy code-only errors (XEP-0086) are mapped to their condition. */
void req_error_parse(xmpp_stanza_t *reply, struct req_error *e);
void req_error_clear(struct req_error *e);

/* A new IQ of type to `to` (unless NULL) holding an empty <name xmlns=ns/>
 * (unless name is NULL); the caller's reference. */
xmpp_stanza_t *req_iq(struct session *s, const char *type, const char *to,
		      const char *name, const char *ns);

#endif
