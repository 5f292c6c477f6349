/* keepalive: noticing a connection that died without a word (XEP-0199).
 *
 * A link whose far end vanished (a NAT that forgot it, a frozen server,
 * a laptop that changed networks) can look open for hours: nothing is
 * read because nothing comes. While a session is online, it pings its
 * server every `keepalive` seconds; any answer (result or error) within
 * `keepalive_timeout` seconds proves the link, and the next ping is
 * scheduled from then. No answer: the socket is shut down under
 * libstrophe, which reports the connection lost as for any reset. The
 * stream is not closed, so the server keeps the session for XEP-0198
 * resumption, and the usual reconnect follows.
 *
 * One timer per session. Each ping carries the session's generation,
 * which keepalive_stop() advances, so the late answer (or the timeout) of
 * a ping sent on an earlier connection is ignored.
 */
#include "config.h"

#include <stdint.h>

#include "core/app.h"
#include "util/log.h"
#include "xmpp/conn.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"

static void send_ping(struct loop *l, void *ud);

static void ping_answered(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	unsigned gen = (unsigned)(uintptr_t)ud;

	if (gen != s->ka_gen)
		return; /* for a connection that is gone */
	if (reply) {
		log_msg(LOG_DEBUG, "session", "%s: keepalive answered",
			s->acc->conf->name);
		s->ka_timer = loop_timer_add(s->app->loop,
					     (uint64_t)s->app->cfg.keepalive *
						     1000,
					     send_ping, s);
		return;
	}
	log_msg(LOG_WARN, "session",
		"%s: no answer to a keepalive ping in %d s: dropping the connection",
		s->acc->conf->name, s->app->cfg.keepalive_timeout);
	s->ka_gen++;
	s->no_answer = true;
	conn_drop(s);
}

static void send_ping(struct loop *l, void *ud)
{
	struct session *s = ud;
	xmpp_stanza_t *iq;

	(void)l;
	s->ka_timer = 0;
	iq = req_iq(s, "get", s->acc->domain, "ping", NS_PING);
	log_msg(LOG_DEBUG, "session", "%s: keepalive ping",
		s->acc->conf->name);
	req_send(s, iq, ping_answered, (void *)(uintptr_t)s->ka_gen,
		 (uint64_t)s->app->cfg.keepalive_timeout * 1000);
}

void keepalive_start(struct session *s)
{
	keepalive_stop(s);
	if (s->app->cfg.keepalive > 0)
		s->ka_timer = loop_timer_add(s->app->loop,
					     (uint64_t)s->app->cfg.keepalive *
						     1000,
					     send_ping, s);
}

void keepalive_stop(struct session *s)
{
	s->ka_gen++;
	loop_timer_cancel(s->app->loop, s->ka_timer);
	s->ka_timer = 0;
}
