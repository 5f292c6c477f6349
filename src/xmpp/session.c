/* session: connecting, losing and regaining one account's connection.
 *
 * Each account has a session with its own libstrophe context and one
 * connection object reused across attempts, made, opened, drained and
 * closed by conn.c like every connection. Whether a lost connection
 * is retried depends on why it was lost: a refused certificate, rejected
 * credentials or a resource conflict stop; anything else backs off and
 * tries again. While a reconnect is pending, what we knew of contacts'
 * presence is kept: a stream resumed with XEP-0198 carries on from it
 * (the server replays what we missed), while a fresh session starts
 * from everyone offline and fetches the roster again. A stream is not
 * resumed after the user closed it, nor after it was resumed and did not
 * prove that the server reads it (keepalive.c): the next connection
 * starts a fresh session.
 *
 * password_eval runs as a child of the loop (core/proc), so a slow
 * command never holds up other accounts; it has a time limit.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/app.h"
#include "core/presence.h"
#include "core/proc.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h"
#include "xmpp/castore.h"
#include "xmpp/conn.h"
#include "xmpp/iqauth.h"
#include "xmpp/pubsub.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define LOGIN_TIMEOUT_MS 30000
/* How long exiting waits for the servers to close the streams. */
#define SHUTDOWN_WAIT_MS 1000

struct session *session_of(struct account *a)
{
	return a->session;
}

void session_send(struct session *s, xmpp_stanza_t *stanza)
{
	s->stanzas_out++; /* delivery.c: the server's XEP-0198 count */
	if (xmpp_conn_is_connected(s->conn))
		s->queued_out++; /* else libstrophe drops it */
	xmpp_send(s->conn, stanza);
	xmpp_stanza_release(stanza);
}

void session_request_ack(struct session *s)
{
	/* not a stanza: the server does not count it */
	if (xmpp_conn_is_connected(s->conn))
		s->queued_out++;
	xmpp_send_raw_string(s->conn, "<r xmlns='%s'/>", XMPP_NS_SM);
}

/* Condition names in the order of libstrophe's xmpp_error_type_t. */
static const char *const stream_conditions[] = {
	"bad-format", "bad-namespace-prefix", "conflict",
	"connection-timeout", "host-gone", "host-unknown",
	"improper-addressing", "internal-server-error", "invalid-from",
	"invalid-id", "invalid-namespace", "invalid-xml", "not-authorized",
	"policy-violation", "remote-connection-failed", "resource-constraint",
	"restricted-xml", "see-other-host", "system-shutdown",
	"undefined-condition", "unsupported-encoding",
	"unsupported-stanza-type", "unsupported-version",
	"not-well-formed",
};

static const char *stream_condition(const xmpp_stream_error_t *se)
{
	size_t t = (size_t)se->type;

	if (t < sizeof stream_conditions / sizeof *stream_conditions)
		return stream_conditions[t];
	return "undefined-condition";
}

static void retry_cb(struct loop *l, void *ud)
{
	struct account *a = ud;
	struct session *s = session_of(a);

	(void)l;
	a->retry_timer = 0;
	xs_connect(s->app, a);
}

static void schedule_retry(struct session *s, enum conn_reason why,
			   const char *text)
{
	struct account *a = s->acc;
	uint64_t max = (uint64_t)s->app->cfg.reconnect_max * 1000;

	a->retry_in_ms = account_retry_delay(a, loop_now(s->app->loop), max,
					     drand48());
	a->retry_timer = loop_timer_add(s->app->loop, a->retry_in_ms, retry_cb,
					a);
	account_set_state(s->app, a, ACC_WAITING, why, text);
}

static void on_online(struct session *s)
{
	struct account *a = s->acc;

	loop_timer_cancel(s->app->loop, s->login_timer);
	s->login_timer = 0;
	s->was_online = true;
	xlog_follow(s); /* the login's messages are over */
	/* the attempt count starts afresh only once this session has
	 * lasted (account_retry_delay) */
	account_mark_online(a, loop_now(s->app->loop));
	free(a->bound_jid);
	/* a legacy login (XEP-0078) binds no resource: the JID we asked
	 * for is the one we have */
	a->bound_jid = xstrdup(xmpp_conn_get_bound_jid(s->conn) ?
				       xmpp_conn_get_bound_jid(s->conn) :
				       xmpp_conn_get_jid(s->conn));
	if (!s->resumed) {
		/* a new session: the server tells us everyone's presence
		 * again once we send ours; until then nobody is known */
		presence_reset(s->app, a);
		xs_roster_request(s);
	}
	/* resumed too: ours may have changed while the link was down
	 * (auto-away, /status); on a resumed stream it probes nobody */
	xs_presence_send_initial(s);
	if (!s->resumed) { /* a resumed stream carries on with what it had */
		xs_bookmarks_connected(s);
		blocking_connected(s);
		carbons_online(s); /* the server keeps them with the stream */
		mam_connected(s);
		features_connected(s); /* then what starts from them */
	}
	log_msg(LOG_INFO, "session", "%s: online (%s)", a->conf->name,
		s->resumed ? "stream resumed" : "new session");
	keepalive_start(s);
	account_set_state(s->app, a, ACC_ONLINE, REASON_NONE, NULL);
	if (s->resumed)
		mam_resumed(s); /* a page held while the link was down */
	/* rooms: a new session is in none of them; a resumed one is */
	muc_stay_online(s);
	if (!s->resumed)
		pubsub_connected(s); /* the feeds remembered (online: sends) */
}

/* The next connection starts a fresh session instead of resuming this
 * one (XEP-0198): libstrophe makes new stream-management state when it
 * has none. Only while disconnected (libstrophe refuses otherwise); the
 * outbox sends again what the server did not confirm. */
static void forget_stream(struct session *s)
{
	xmpp_sm_state_t *sm = xmpp_conn_get_sm_state(s->conn);

	if (sm)
		xmpp_free_sm_state(sm);
}

static void login(struct session *s, const char *pw);

static void legacy_now(struct loop *l, void *ud)
{
	struct account *a = ud;
	struct session *s = session_of(a);
	char *pw;

	(void)l;
	a->retry_timer = 0;
	if (!xmpp_conn_get_pass(s->conn)) { /* cannot be: login() set it */
		s->legacy_next = false;
		account_set_state(s->app, a, ACC_FAILED, REASON_NO_PASSWORD,
				  NULL);
		return;
	}
	/* a copy: login() replaces the connection's */
	pw = xstrdup(xmpp_conn_get_pass(s->conn));
	login(s, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
}

/* auth = "auto" and the server offered no SASL mechanism natter can
 * use: the old jabber:iq:auth login is tried next, once, on a fresh
 * stream (never when tls = "disable": it must be encrypted). Returns
 * whether it will be. */
static bool legacy_fallback(struct session *s)
{
	struct account *a = s->acc;

	if (a->conf->auth != AUTH_AUTO || s->legacy_try || s->user_stop ||
	    a->conf->tls == TLS_DISABLE)
		return false;
	log_msg(LOG_INFO, "session", "%s: no SASL login; trying jabber:iq:auth",
		a->conf->name);
	/* from the loop: libstrophe is inside its disconnect handler */
	s->legacy_next = true;
	a->retry_timer = loop_timer_add(s->app->loop, 0, legacy_now, a);
	return true;
}

static void on_down(struct session *s, int error, xmpp_stream_error_t *se)
{
	struct account *a = s->acc;
	const char *cond = se ? stream_condition(se) : NULL;

	loop_timer_cancel(s->app->loop, s->login_timer);
	s->login_timer = 0;
	keepalive_stop(s);
	xs_bookmarks_down(s);
	delivery_lost(s);
	p2p_down(s);
	conn_lost(s);
	xfree(&a->bound_jid);
	/* libstrophe's `error` is a TLS library code here, not an errno;
	 * socket errors come through the log (see xlog.c) */
	log_msg(LOG_INFO, "session", "%s: down (error %d, stream error %s)",
		a->conf->name, error, cond ? cond : "none");

	/* a stream we closed cannot be resumed, and one that was resumed
	 * but did not answer is not worth resuming again: the server that
	 * keeps it does not read it (see keepalive.c) */
	if (s->user_stop || s->unproven)
		forget_stream(s);
	if (s->user_stop) {
		/* a connection the user asks for starts a new series */
		a->attempt = 0;
		a->up = false;
		account_set_state(s->app, a, ACC_OFFLINE, REASON_USER, NULL);
	}
	else if (s->cert_refused)
		account_set_state(s->app, a, ACC_FAILED,
				  a->cert && a->cert->pinned ?
					  REASON_CERT_CHANGED :
					  REASON_CERT_UNKNOWN,
				  NULL);
	else if (s->no_auth_method && legacy_fallback(s))
		return; /* still connecting: the legacy login is next */
	else if (s->legacy_no_tls)
		account_set_state(s->app, a, ACC_FAILED, REASON_LEGACY_NO_TLS,
				  NULL);
	else if (s->no_auth_method)
		account_set_state(s->app, a, ACC_FAILED, REASON_NO_LOGIN, NULL);
	else if (s->auth_failed || (cond && strcmp(cond, "not-authorized") == 0))
		account_set_state(s->app, a, ACC_FAILED, REASON_AUTH, NULL);
	else if (cond && strcmp(cond, "conflict") == 0)
		account_set_state(s->app, a, ACC_FAILED, REASON_CONFLICT, NULL);
	else if (s->carrier_error) /* a proxy's or a bridge's words */
		schedule_retry(s, REASON_UNREACHABLE, s->carrier_error);
	else if (s->no_answer)
		schedule_retry(s, REASON_NO_ANSWER, NULL);
	else if (cond)
		schedule_retry(s, REASON_STREAM_ERROR, cond);
	else if (s->sock_error)
		schedule_retry(s, REASON_UNREACHABLE, strerror(s->sock_error));
	else if (!s->was_online)
		schedule_retry(s, REASON_HANDSHAKE, NULL);
	else
		schedule_retry(s, REASON_NETWORK, NULL);
	/* kept for a reconnect that may resume the stream, else dropped */
	if (a->state != ACC_WAITING)
		presence_reset(s->app, a);
}

static void conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t event,
			 int error, xmpp_stream_error_t *se, void *ud)
{
	struct session *s = ud;

	(void)conn;
	if (event == XMPP_CONN_CONNECT) {
		delivery_connected(s); /* first: a resume's replays go */
		on_online(s);
	}
	else if (event == XMPP_CONN_DISCONNECT || event == XMPP_CONN_FAIL)
		on_down(s, error, se);
}

static void login_timeout(struct loop *l, void *ud)
{
	struct session *s = ud;

	s->login_timer = 0;
	if (s->acc->state != ACC_CONNECTING)
		return;
	log_msg(LOG_WARN, "session", "%s: login timed out",
		s->acc->conf->name);
	(void)l;
	conn_close(s);
}

/* What a finished password_eval gave: the first line of its output
 * (the caller wipes and frees it), or NULL with *why set (the caller
 * frees it). */
static char *eval_result(const struct proc_result *res, int limit_s,
			 char **why)
{
	size_t n;

	*why = NULL;
	if (res->end == PROC_TIMEOUT)
		*why = xasprintf("password_eval did not finish within %d s and was stopped",
				 limit_s);
	else if (res->status == -1)
		*why = xstrdup("password_eval: its exit status was lost");
	else if (WIFSIGNALED(res->status))
		*why = xasprintf("password_eval was killed by signal %d",
				 WTERMSIG(res->status));
	else if (WEXITSTATUS(res->status) == 127)
		*why = xstrdup("password_eval failed (exit status 127: command not found?)");
	else if (WEXITSTATUS(res->status) != 0)
		*why = xasprintf("password_eval failed (exit status %d)",
				 WEXITSTATUS(res->status));
	if (*why)
		return NULL;
	n = strcspn(res->out, "\r\n");
	if (n == 0) {
		*why = xstrdup("password_eval printed no password");
		return NULL;
	}
	return xstrndup(res->out, n);
}

static void no_password(struct session *s, const char *why)
{
	account_set_state(s->app, s->acc, ACC_FAILED, REASON_NO_PASSWORD, why);
}

/* Opens the connection with password pw (borrowed). */
static void login(struct session *s, const char *pw)
{
	struct app *app = s->app;
	struct account *a = s->acc;
	struct account_conf *c = a->conf;
	char *jid = xasprintf("%s/%s", a->bare_jid, c->resource);
	int r;

	xmpp_conn_set_jid(s->conn, jid);
	xmpp_conn_set_pass(s->conn, pw);
	free(jid);
	s->user_stop = false;
	s->was_online = s->resumed = s->no_answer = s->unproven = false;
	xlog_follow(s);
	if (a->state != ACC_CONNECTING) /* else said when password_eval began */
		account_set_state(app, a, ACC_CONNECTING, REASON_NONE, NULL);
	/* the old jabber:iq:auth login when asked for by name, or after
	 * auto found no SASL (legacy_fallback) */
	s->legacy_try = c->auth == AUTH_LEGACY || s->legacy_next;
	s->legacy_next = false;
	s->legacy_no_tls = false;
	if (s->legacy_try)
		r = iqauth_open(s, conn_handler, s);
	else
		r = conn_open(s, CONN_CLIENT, conn_handler, s);
	if (r != XMPP_EOK && s->carrier_error) {
		schedule_retry(s, REASON_UNREACHABLE, s->carrier_error);
		return;
	}
	if (r == XMPP_EINVOP) { /* a legacy login in the clear (iqauth.c) */
		account_set_state(app, a, ACC_FAILED, REASON_INSECURE_LOGIN,
				  NULL);
		return;
	}
	if (r != XMPP_EOK) {
		schedule_retry(s, REASON_NETWORK, "cannot resolve the server's address");
		return;
	}
	s->login_timer = loop_timer_add(app->loop, LOGIN_TIMEOUT_MS,
					login_timeout, s);
}

static void on_password(const struct proc_result *res, void *ud)
{
	struct session *s = ud;
	char *why, *pw;

	s->eval = NULL;
	pw = eval_result(res, s->app->cfg.password_eval_timeout, &why);
	if (!pw) {
		log_msg(LOG_WARN, "session", "%s: %s", s->acc->conf->name, why);
		no_password(s, why);
		free(why);
		return;
	}
	login(s, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
}

void xs_connect(struct app *app, struct account *a)
{
	struct session *s = session_of(a);
	struct account_conf *c = a->conf;

	if (a->state == ACC_CONNECTING || a->state == ACC_ONLINE)
		return;
	loop_timer_cancel(app->loop, a->retry_timer);
	a->retry_timer = 0;
	if (!xmpp_conn_is_disconnected(s->conn))
		return; /* still closing the last stream */
	if (c->password_eval) {
		/* the command gets no terminal input and its stderr is
		 * discarded: curses owns the screen */
		s->eval = proc_run(app->loop, c->password_eval,
				   (uint64_t)app->cfg.password_eval_timeout * 1000,
				   on_password, s);
		if (!s->eval) {
			char *why = xasprintf("cannot run password_eval: %s",
					      strerror(errno));

			no_password(s, why);
			free(why);
			return;
		}
		account_set_state(app, a, ACC_CONNECTING, REASON_NONE, NULL);
	} else if (c->password) {
		login(s, c->password);
	} else {
		no_password(s, "no password configured");
	}
}

void xs_disconnect(struct app *app, struct account *a)
{
	struct session *s = session_of(a);

	loop_timer_cancel(app->loop, a->retry_timer);
	a->retry_timer = 0;
	if (s->legacy_next) { /* between auto's SASL and legacy attempts */
		s->legacy_next = false;
		account_set_state(app, a, ACC_OFFLINE, REASON_USER, NULL);
		return;
	}
	if (s->eval) { /* still asking for the password */
		proc_cancel(&s->eval);
		account_set_state(app, a, ACC_OFFLINE, REASON_USER, NULL);
		return;
	}
	if (a->state == ACC_CONNECTING || a->state == ACC_ONLINE) {
		s->user_stop = true;
		conn_close(s);
		return;
	}
	account_set_state(app, a, ACC_OFFLINE, REASON_USER, NULL);
}

int xs_trust(struct app *app, struct account *a)
{
	if (account_trust_cert(app, a) < 0)
		return -1;
	if (!inband_retry(app, a)) /* else the registration was waiting */
		xs_connect(app, a);
	return 0;
}

void xs_prepare(struct app *app)
{
	conn_prepare_all(app);
}

int xs_busy(struct app *app)
{
	size_t i;

	for (i = 0; i < app->naccounts; i++) {
		struct session *s = session_of(app->accounts[i]);

		if (!xmpp_conn_is_disconnected(s->conn))
			return 1;
	}
	return 0;
}

static struct session *session_new(struct app *app, struct account *a)
{
	struct session *s = xcalloc(1, sizeof *s);

	s->app = app;
	s->acc = a;
	if (conn_new(s) < 0) {
		free(s);
		return NULL;
	}
	iq_register(s);
	message_register(s);
	xs_presence_register(s);
	xs_bookmarks_register(s);
	pubsub_register(s);
	a->session = s;
	return s;
}

int xs_init(struct app *app)
{
	size_t i;

	xmpp_initialize();
	castore_lazy();
	srand48((long)time(NULL) ^ (long)getpid());
	app->xs = xcalloc(1, sizeof *app->xs);
	xs_bookmarks_init(app);
	xs_xmlconsole_init(app);
	xs_call_init(app);
	for (i = 0; i < app->naccounts; i++) {
		if (session_new(app, app->accounts[i]))
			continue;
		/* libstrophe could not make a context or a connection: undo
		 * what was made, so nothing holds half a session */
		log_msg(LOG_ERROR, "session", "%s: libstrophe has no connection",
			app->accounts[i]->conf->name);
		while (i-- > 0) {
			struct session *s = session_of(app->accounts[i]);

			conn_free(s);
			free(s);
			app->accounts[i]->session = NULL;
		}
		free(app->xs);
		app->xs = NULL;
		xmpp_shutdown();
		return -1;
	}
	return 0;
}

/* Closes every stream politely, giving the servers up to a second to
 * answer, then frees libstrophe's state. */
void xs_shutdown(struct app *app)
{
	struct session **v = xcalloc(app->naccounts + 1, sizeof *v);
	size_t i;

	for (i = 0; i < app->naccounts; i++) {
		struct session *s = session_of(app->accounts[i]);

		keepalive_stop(s);
		proc_cancel(&s->eval);
	}
	p2p_free_all(app); /* first: the requests' ends find nothing */
	req_end_all(app);
	inband_shutdown(app);
	for (i = 0; i < app->naccounts; i++) {
		struct session *s = session_of(app->accounts[i]);

		s->user_stop = true;
		loop_timer_cancel(app->loop, app->accounts[i]->retry_timer);
		v[i] = s;
	}
	conn_shutdown(v, app->naccounts, SHUTDOWN_WAIT_MS);
	free(v);
	/* what arrived while the streams closed (a room's late welcome, an
	 * offer) may have started more: end that too */
	p2p_free_all(app);
	req_end_all(app);
	for (i = 0; i < app->naccounts; i++) {
		struct session *s = session_of(app->accounts[i]);

		xs_bookmarks_free(s); /* before its context goes */
		features_free(s);
		upload_free(s);
		if (s->own_vcard)
			xmpp_stanza_release(s->own_vcard);
		mam_free(s); /* its stanzas before their context */
		conn_free(s);
		delivery_free(s);
		xs_marks_free(s);
		free(s);
		app->accounts[i]->session = NULL;
	}
	free(app->xs);
	app->xs = NULL;
	xmpp_shutdown();
}
