/* version: asking another entity which software it runs (XEP-0092,
 * /version).
 *
 * Each question is one request (xmpp/request, with its timeout) holding
 * the JID asked; its answer, error or timeout becomes one EV_VERSION
 * naming that JID. The reply's name, version and os are remote text:
 * each is sanitised to one line (a newline becomes a space) and cut to
 * VERSION_FIELD_MAX bytes, so a hostile client can neither start a line
 * of its own nor fill the screen. Answering other entities' version
 * requests is iq.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

/* Longer than any real client's name or version string. */
#define VERSION_FIELD_MAX 200

/* The sanitised, trimmed one-line text of q's child name, at most
 * VERSION_FIELD_MAX bytes (cut between characters); NULL when absent or
 * empty. The caller frees it. */
static char *field(xmpp_stanza_t *q, const char *name)
{
	char *clean = stanza_text(xmpp_stanza_get_child_by_name(q, name), 0);
	char *t;
	size_t start = 0, end;

	if (!clean)
		return NULL;
	end = strlen(clean);
	if (end > VERSION_FIELD_MAX) {
		end = VERSION_FIELD_MAX;
		while (end > 0 && ((unsigned char)clean[end] & 0xc0) == 0x80)
			end--;
	}
	while (start < end && clean[start] == ' ')
		start++;
	while (end > start && clean[end - 1] == ' ')
		end--;
	t = end > start ? xstrndup(clean + start, end - start) : NULL;
	free(clean);
	return t;
}

int version_parse(xmpp_stanza_t *reply, struct version_info *v)
{
	xmpp_stanza_t *q = req_ok(reply) ?
				   xmpp_stanza_get_child_by_ns(reply, NS_VERSION) :
				   NULL;

	memset(v, 0, sizeof *v);
	if (!q)
		return -1;
	v->name = field(q, "name");
	v->version = field(q, "version");
	v->os = field(q, "os");
	return 0;
}

void version_info_clear(struct version_info *v)
{
	free(v->name);
	free(v->version);
	free(v->os);
	memset(v, 0, sizeof *v);
}

static void on_version(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	char *jid = ud;
	struct event ev = { .type = EV_VERSION, .acc = s->acc,
			    .version.jid = jid };
	struct version_info v;
	struct req_error e = { 0 };

	if (version_parse(reply, &v) == 0) {
		ev.version.info = &v;
	} else {
		req_error_parse(reply, &e);
		ev.version.cond = e.cond;
		ev.version.detail = e.text;
		ev.version.timed_out = reply == NULL;
	}
	event_emit(s->app, &ev);
	version_info_clear(&v);
	req_error_clear(&e);
	free(jid);
}

int xs_version(struct app *app, struct account *a, const char *jid)
{
	struct session *s = session_of(a);

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	req_send(s, req_iq(s, "get", jid, "query", NS_VERSION), on_version,
		 xstrdup(jid), REQ_TIMEOUT_MS);
	return 0;
}
