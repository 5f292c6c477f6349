/* xlog: libstrophe's log, routed to the debug log.
 *
 * Every message goes to util/log (which redacts secrets) when the debug
 * log is on. One message matters even when it is off: libstrophe has no
 * event for "the server rejected our credentials", only an error in the
 * "auth" area before it disconnects, so that is how a login failure is
 * told apart from a lost connection (which would be retried). The same
 * goes for the errno of a failed connect(), and for a stream resumed
 * with XEP-0198: read_resume() is the one place that learns it, for
 * session.c (s->resumed) and delivery.c (s->resumed_h); the e2e resume
 * and outbox tests pin it. All of these come before the session is
 * online: after that libstrophe is given no log handler unless the debug
 * log or an XML console wants its messages (xlog_follow).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "util/log.h"
#include "xmpp/iqauth.h"
#include "xmpp/session.h"

#define CONNECT_FAILED "connection failed, error "
/* libstrophe 0.12 has no other sign that <resume/> succeeded than the
 * <resumed h='N'/> it logs receiving: the connect event looks the same
 * for a resumed stream and a fresh one. Handlers do not run before login
 * completes, so the log is also the only way to the server's h. */
#define RESUMED "RECV: <resumed "
/* every stream starts with features, a resume is told after them; the
 * log shows them as "<features xmlns=...>" (libstrophe drops the prefix) */
#define FEATURES "RECV: <features "
/* a server with no SASL mechanism we can use is only an error message
 * (session.c then tries the legacy login, or says so); the legacy login
 * itself is iqauth.c's, which learns the stream id from the log */
#define NO_AUTH_METHOD "Cannot authenticate with known methods"
/* libstrophe moves on to the next mechanism after a SASL <failure/>,
 * and says the line above once none is left: after a refusal that is
 * the user name or password, not a server without a login for us */
#define SASL_FAILED_HEAD "SASL "
#define SASL_FAILED_TAIL " auth failed"

static void read_resume(struct session *s, const char *msg)
{
	const char *h;

	if (strncmp(msg, FEATURES, sizeof FEATURES - 1) == 0)
		s->resumed = false;
	if (strncmp(msg, RESUMED, sizeof RESUMED - 1) != 0)
		return;
	h = strstr(msg, " h=\"");
	if (!h)
		h = strstr(msg, " h='");
	if (!h)
		return;
	s->resumed = true;
	s->resumed_h = (uint32_t)strtoul(h + 4, NULL, 10);
}

static bool sasl_failed(const char *msg)
{
	size_t n = strlen(msg), t = sizeof SASL_FAILED_TAIL - 1;

	return strncmp(msg, SASL_FAILED_HEAD, sizeof SASL_FAILED_HEAD - 1) == 0 &&
	       n > t && strcmp(msg + n - t, SASL_FAILED_TAIL) == 0;
}

void xlog_handler(void *ud, xmpp_log_level_t level, const char *area,
		  const char *msg)
{
	struct session *s = ud;
	static const enum log_level map[] = { LOG_DEBUG, LOG_INFO, LOG_WARN,
					      LOG_ERROR };

	if (level == XMPP_LEVEL_ERROR && strcmp(area, "auth") == 0)
		s->auth_failed = true;
	/* a refused or failed connect() is only logged, with its
	 * errno, while the disconnect event carries 0 */
	if (strncmp(msg, CONNECT_FAILED, sizeof CONNECT_FAILED - 1) == 0)
		s->sock_error = atoi(msg + sizeof CONNECT_FAILED - 1);
	if (sasl_failed(msg))
		s->sasl_refused = true;
	if (strncmp(msg, NO_AUTH_METHOD, sizeof NO_AUTH_METHOD - 1) == 0) {
		s->no_auth_method = !s->sasl_refused;
		s->auth_failed = s->sasl_refused;
	}
	if (level == XMPP_LEVEL_DEBUG)
		read_resume(s, msg);
	if (level == XMPP_LEVEL_DEBUG && s->iqauth)
		iqauth_log(s, msg);
	if (level == XMPP_LEVEL_DEBUG && s->raw_wanted) /* an XML console */
		xs_xmlconsole_log(s, msg);
	if (log_enabled())
		log_msg(map[level], area, "[%s] %s", s->acc->conf->name, msg);
}

/* libstrophe formats its messages (a copy of each stanza's text among
 * them, at debug level) only when the context has a log handler; it
 * renders each received stanza to text whether or not. Once the
 * session is online nothing above needs them: a login's failure, a
 * connect()'s errno, a resume's h, the legacy login's stream id all
 * come before. So the handler is there while a stream is being set up,
 * and afterwards only for the debug log or an XML console. libstrophe
 * reads s->log (the context's xmpp_log_t) at each message, so a change
 * takes effect at once. */
void xlog_follow(struct session *s)
{
	bool hear = !s->was_online || s->raw_wanted || log_enabled();

	s->log.handler = hear ? xlog_handler : NULL;
}

void xlog_raw_changed(struct session *s)
{
	xlog_follow(s);
}
