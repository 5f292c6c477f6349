/* xmlconsole: the protocol side of the XML console (core/xmlconsole.h).
 *
 * The stanza texts are libstrophe's own: it logs every stanza it
 * writes ("SENT: ...", once the whole of it is on the socket, so what
 * natter queued through session_send appears when it leaves) and every
 * one it parses ("RECV: ...", re-serialised) at debug level, one log
 * message each however long. While an account's console is open its
 * sessions have raw_wanted set, which keeps those messages coming
 * (xlog_raw_changed) and has xlog_handler pass them here. A line typed
 * in the console is parsed by libstrophe's parser and sent as it is,
 * when it is one iq, message or presence element.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/xmlconsole.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define SENT "SENT: "
#define RECV "RECV: "

/* Sets raw_wanted on every session of a (its own, and a registration
 * running for it). */
static void raw_wanted(struct app *app, struct account *a, bool on)
{
	struct xs *xs = app->xs;
	size_t i;

	for (i = 0; xs && i < xs->nconns; i++) {
		struct session *s = xs->conns[i];

		if (s->acc != a || s->raw_wanted == on)
			continue;
		s->raw_wanted = on;
		xlog_raw_changed(s);
	}
}

void xs_xmlconsole_log(struct session *s, const char *msg)
{
	bool out = strncmp(msg, SENT, sizeof SENT - 1) == 0;

	if (!out && strncmp(msg, RECV, sizeof RECV - 1) != 0)
		return;
	/* the console went without our hearing (app_free): stop asking */
	if (!xmlconsole_stanza(s->app, s->acc, out, msg + sizeof SENT - 1,
			       time(NULL)))
		raw_wanted(s->app, s->acc, false);
}

long xs_xmlconsole_open(struct app *app, struct account *a)
{
	struct window *w = xmlconsole_window(app, a);
	size_t i;

	raw_wanted(app, a, true);
	for (i = 0; i < app->nwins; i++)
		if (app->wins[i] == w)
			return (long)i;
	return -1;
}

int xs_xmlconsole_send(struct app *app, struct account *a, const char *xml)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *st;
	const char *name;

	(void)app;
	if (xmlconsole_top_elements(xml) > 1)
		return XS_RAW_NOT_STANZA;
	st = xmpp_stanza_new_from_string(s->ctx, xml);
	if (!st || xmlconsole_top_elements(xml) != 1) {
		if (st)
			xmpp_stanza_release(st);
		return XS_RAW_MALFORMED;
	}
	name = xmpp_stanza_get_name(st);
	if (!name || (strcmp(name, "iq") != 0 && strcmp(name, "message") != 0 &&
		      strcmp(name, "presence") != 0)) {
		xmpp_stanza_release(st);
		return XS_RAW_NOT_STANZA;
	}
	if (a->state != ACC_ONLINE) {
		xmpp_stanza_release(st);
		return XS_RAW_OFFLINE;
	}
	session_send(s, st);
	return XS_RAW_SENT;
}

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	(void)ud;
	if (ev->type == EV_XMLCONSOLE_CLOSED)
		raw_wanted(app, ev->acc, false);
}

void xs_xmlconsole_init(struct app *app)
{
	event_subscribe(app, on_event, NULL);
}
