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
 * A resumed stream (XEP-0198) must first prove that the server reads
 * it: right after the resumption natter asks for an acknowledgement
 * (<r/>), and the server's <a h='N'/> must count everything natter sent
 * up to that request within RESUME_PROOF_MS. An <a/> that falls short
 * but counts more than the last shows the server reading, only slowly,
 * and extends the deadline; none at all means the server takes our
 * bytes for something else. Prosody 0.12 does that when the lost connection ended in the
 * middle of a stanza: the resumed session keeps that connection's
 * parser, which reads everything after as the stanza's content, while
 * the server's stanzas still reach us. Resuming again would only find
 * the same session, so such a stream is dropped (s->unproven) and the
 * next connection starts a fresh session (session.c), where the outbox
 * sends again whatever the server did not acknowledge. A link the
 * keepalive found dead is resumed as usual: the resumption tells which
 * messages the server had (a fresh session would send those twice), and
 * the proof catches a session that stopped reading.
 *
 * One timer per session (the next ping, or the proof's deadline). Each
 * ping carries the session's generation, which keepalive_stop()
 * advances, so the late answer (or the timeout) of a ping sent on an
 * earlier connection is ignored.
 */
#include "config.h"

#include <stdint.h>

#include "core/app.h"
#include "util/log.h"
#include "xmpp/conn.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"

/* How long a resumed stream has to acknowledge what was sent on it
 * (again from each acknowledgement that falls short). */
#define RESUME_PROOF_MS 5000

static void send_ping(struct loop *l, void *ud);

static void schedule_ping(struct session *s)
{
	if (s->app->cfg.keepalive > 0)
		s->ka_timer = loop_timer_add(s->app->loop,
					     (uint64_t)s->app->cfg.keepalive *
						     1000,
					     send_ping, s);
}

static void ping_answered(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	unsigned gen = (unsigned)(uintptr_t)ud;

	if (gen != s->ka_gen)
		return; /* for a connection that is gone */
	if (reply) {
		log_msg(LOG_DEBUG, "session", "%s: keepalive answered",
			s->acc->conf->name);
		schedule_ping(s);
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

static void resume_unproven(struct loop *l, void *ud)
{
	struct session *s = ud;

	(void)l;
	s->ka_timer = 0;
	s->ka_proving = false;
	log_msg(LOG_WARN, "session",
		"%s: the resumed stream did not acknowledge what was sent in %d ms: dropping it for a fresh session",
		s->acc->conf->name, RESUME_PROOF_MS);
	s->ka_gen++;
	s->no_answer = s->unproven = true;
	conn_drop(s);
}

static void prove_deadline(struct session *s)
{
	loop_timer_cancel(s->app->loop, s->ka_timer);
	s->ka_timer = loop_timer_add(s->app->loop, RESUME_PROOF_MS,
				     resume_unproven, s);
}

void keepalive_start(struct session *s)
{
	keepalive_stop(s);
	if (!s->resumed) {
		schedule_ping(s);
		return;
	}
	/* whatever the keepalive option says: a stream that swallows what
	 * we send loses messages */
	s->ka_proving = true;
	s->ka_want = s->stanzas_out;
	s->ka_seen = s->resumed_h;
	session_request_ack(s);
	prove_deadline(s);
}

void keepalive_acked(struct session *s, uint32_t h)
{
	if (!s->ka_proving)
		return;
	/* h wraps at 2^32 like our count: compare the distance */
	if ((int32_t)(h - s->ka_want) < 0) {
		if ((int32_t)(h - s->ka_seen) > 0) {
			s->ka_seen = h;
			prove_deadline(s); /* reading, but not there yet */
		}
		return;
	}
	log_msg(LOG_DEBUG, "session", "%s: the resumed stream acknowledged %u",
		s->acc->conf->name, (unsigned)h);
	s->ka_proving = false;
	loop_timer_cancel(s->app->loop, s->ka_timer);
	s->ka_timer = 0;
	schedule_ping(s);
}

void keepalive_stop(struct session *s)
{
	s->ka_gen++;
	s->ka_proving = false;
	loop_timer_cancel(s->app->loop, s->ka_timer);
	s->ka_timer = 0;
}
