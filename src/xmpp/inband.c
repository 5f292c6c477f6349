/* inband: creating a new account on its server (XEP-0077 section 3.1).
 *
 * `natter --register ACCOUNT` asks the server named by that natterrc
 * account for a registration form before any account exists, so it
 * cannot log in: it opens a raw stream of its own (libstrophe's
 * xmpp_connect_raw), with its own context so the certificate check and
 * the log know which account it serves (conn.c). conn_raw_open
 * negotiates what libstrophe would otherwise do for us: direct TLS, or
 * the stream features, STARTTLS and a second stream, under the
 * account's tls rules; then we fetch the form into a dialog
 * (account_ops) and send the user's answer on the same stream. conn.c
 * makes, opens, drains and closes the connection as it does a
 * session's.
 *
 * One registration runs at a time; app->xs->inband is it. It lives from
 * xs_register_account() until its dialog closes and the stream is shut,
 * and is freed from a timer, never inside one of libstrophe's callbacks.
 * Once the server says the account exists, the raw stream closes and the
 * account logs in normally when natterrc can give it a password.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dialog.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/conn.h"
#include "xmpp/dataform.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xs.h"

#define NS_FEATURE_REGISTER "http://jabber.org/features/iq-register"

/* From connect() to the form on screen. */
#define HANDSHAKE_TIMEOUT_MS 30000
/* How long exiting waits for the server to close the stream. */
#define SHUTDOWN_WAIT_MS 500

enum ib_phase {
	IB_CONNECTING, /* TCP, TLS, streams, up to asking for the form */
	IB_ASKING,     /* the form was asked for */
	IB_READY,      /* the form is on screen */
	IB_SENT,       /* the answer was sent */
	IB_DOWN,       /* the connection is gone; submitting reconnects */
	IB_CLOSING,    /* finished or cancelled: closing, then freed */
};

struct inband {
	struct session s;     /* own context, raw connection, socket */
	struct conn_raw raw;  /* its TLS */
	uint64_t win;         /* the dialog's window id */
	enum ib_phase phase;
	bool offers_register; /* the stream features listed iq-register */
	bool answer_pending;  /* send the answer once the stream is back */
	bool reported;        /* this attempt's failure is on the dialog */
	bool login_after;     /* the account logs in once this is freed */
	char *iq_id;          /* the IQ we await, or NULL */
	loop_timer_id timer;  /* handshake or answer deadline */
	loop_timer_id free_timer;
};

static void ib_close(struct inband *b);

static struct dialog *ib_dialog(struct inband *b, struct window **wp)
{
	struct window *w = app_window_by_id(b->s.app, b->win);

	if (wp)
		*wp = w;
	return w && w->kind == WIN_FORM ? w->dialog : NULL;
}

/* --- the stream -------------------------------------------------------- */

static void send_stanza(struct inband *b, xmpp_stanza_t *st)
{
	xmpp_send(b->s.conn, st);
	xmpp_stanza_release(st);
}

static void cancel_timer(struct inband *b)
{
	loop_timer_cancel(b->s.app->loop, b->timer);
	b->timer = 0;
}

static void forget_iq(struct inband *b);

/* --- reporting on the dialog ------------------------------------------ */

/* Shows what went wrong. final: there is nothing more to do than close
 * (registration is not offered); else submitting tries again. */
static void report(struct inband *b, const char *cond, const char *text,
		   bool final)
{
	struct dialog *d = ib_dialog(b, NULL);

	b->reported = true;
	b->s.app->dirty = true;
	if (!d)
		return;
	d->busy = false;
	dialog_set_failure(d, cond, text);
	if (final)
		d->done = true;
}

/* Registration is refused as such: not offered, closed, or not allowed
 * before login. */
static bool refusal(const char *cond)
{
	return strcmp(cond, "service-unavailable") == 0 ||
	       strcmp(cond, "not-allowed") == 0 ||
	       strcmp(cond, "feature-not-implemented") == 0 ||
	       strcmp(cond, "forbidden") == 0;
}

/* Gives up on this attempt: says why and closes the stream. */
static void fail(struct inband *b, const char *cond, const char *text,
		 bool final)
{
	report(b, cond, text, final);
	cancel_timer(b);
	forget_iq(b);
	b->phase = IB_DOWN;
	conn_close(&b->s);
}

/* The server did not get as far as it should have in time. */
static void deadline(struct loop *l, void *ud)
{
	struct inband *b = ud;

	(void)l;
	b->timer = 0;
	fail(b, "remote-server-timeout", NULL, false);
}

/* --- the IQ we wait for ------------------------------------------------ */

static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud);

static void forget_iq(struct inband *b)
{
	if (!b->iq_id)
		return;
	xmpp_id_handler_delete(b->s.conn, on_reply, b->iq_id);
	xfree(&b->iq_id);
}

static void send_iq(struct inband *b, xmpp_stanza_t *iq, uint64_t timeout_ms)
{
	char *id = xmpp_uuid_gen(b->s.ctx);

	forget_iq(b);
	xmpp_stanza_set_id(iq, id);
	b->iq_id = xstrdup(id);
	xmpp_free(b->s.ctx, id);
	xmpp_id_handler_add(b->s.conn, on_reply, b->iq_id, b);
	cancel_timer(b);
	b->timer = loop_timer_add(b->s.app->loop, timeout_ms, deadline, b);
	send_stanza(b, iq);
}

/* --- the form ---------------------------------------------------------- */

static void prefill(struct form *f, const char *var, const char *v)
{
	struct form_field *fl = form_field(f, var);

	if (fl && v && !form_field_value(fl))
		form_field_set(fl, v);
}

/* A fresh form keeps what the user typed in the last one, except the
 * answers to challenges: those belong to the old pictures. */
static void carry_values(const struct form *old, struct form *f)
{
	size_t i, j;

	for (i = 0; i < old->nfields; i++) {
		const struct form_field *o = &old->fields[i];
		struct form_field *fl;

		if (!o->var || !dialog_editable(o) || o->nmedia || !o->nvalues ||
		    !(fl = form_field(f, o->var)) || fl->nmedia ||
		    fl->type != o->type)
			continue;
		form_field_set(fl, NULL);
		for (j = 0; j < o->nvalues; j++)
			form_field_add_value(fl, o->values[j]);
	}
}

static void ask_form(struct inband *b)
{
	struct session *s = &b->s;

	b->phase = IB_ASKING;
	send_iq(b, req_iq(s, "get", s->acc->domain, "query", NS_REGISTER),
		HANDSHAKE_TIMEOUT_MS);
}

static void got_form(struct inband *b, struct dialog *d, xmpp_stanza_t *reply)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply, NS_REGISTER);
	struct account *a = b->s.acc;
	struct form old = d->form;
	char *user;

	cancel_timer(b);
	memset(&d->form, 0, sizeof d->form);
	register_parse(q, d);
	dataform_media_save(reply, &d->form, b->s.app->state_dir);
	carry_values(&old, &d->form);
	form_media_remove(&old, &d->form);
	form_clear(&old);
	user = jid_local_of(a->bare_jid);
	prefill(&d->form, "username", user);
	prefill(&d->form, "password", a->conf->password);
	free(user);
	d->edit = false; /* nobody is logged in: there is nothing to edit */
	d->busy = false;
	b->phase = IB_READY;
	if (!d->form.nfields && !d->url)
		report(b, "no-fields", NULL, true);
}

static void send_answer(struct inband *b, struct dialog *d)
{
	xmpp_stanza_t *iq = req_iq(&b->s, "set", b->s.acc->domain, NULL, NULL);

	register_answer(iq, d);
	dialog_set_error(d, NULL);
	d->busy = true;
	b->answer_pending = false;
	b->phase = IB_SENT;
	send_iq(b, iq, REQ_TIMEOUT_MS);
}

/* --- the end ------------------------------------------------------------ */

/* Whether the account can log in with natterrc as it is: 0, or
 * ACCOUNT_GAP_* flags for what the user must change there. */
static int natterrc_gaps(struct dialog *d, const struct account *a)
{
	struct form_field *fu = form_field(&d->form, "username");
	struct form_field *fp = form_field(&d->form, "password");
	const char *user = fu ? form_field_value(fu) : NULL;
	const char *pw = fp ? form_field_value(fp) : NULL;
	char *mine = jid_local_of(a->bare_jid);
	int gaps = 0;

	if (user && (!mine || strcmp(user, mine) != 0))
		gaps |= ACCOUNT_GAP_OTHER_JID;
	if (!a->conf->password_eval &&
	    (!a->conf->password || (pw && strcmp(pw, a->conf->password) != 0)))
		gaps |= ACCOUNT_GAP_PASSWORD;
	free(mine);
	return gaps;
}

static void created(struct inband *b, struct window *w, struct dialog *d)
{
	struct app *app = b->s.app;
	struct account *a = b->s.acc;
	struct event ev = { .type = EV_ACCOUNT_CREATED, .acc = a };
	struct form_field *fu = form_field(&d->form, "username");
	char *jid;

	if (fu && form_field_value(fu))
		jid = xasprintf("%s@%s", form_field_value(fu), a->domain);
	else
		jid = xstrdup(a->bare_jid);
	ev.account_created.jid = jid;
	ev.account_created.gaps = natterrc_gaps(d, a);
	/* the login waits until this stream is shut and freed: one
	 * connection of the account's at a time (and, over WebSocket, one
	 * libwebsockets context at a time) */
	b->login_after = !ev.account_created.gaps;
	ib_close(b);
	app_close_window(app, w);
	event_emit(app, &ev);
	free(jid);
}

static void answered(struct inband *b, struct window *w, struct dialog *d,
		     xmpp_stanza_t *reply)
{
	struct req_error e;
	size_t i;

	d->busy = false;
	if (req_ok(reply)) {
		created(b, w, d);
		return;
	}
	b->phase = IB_READY;
	req_error_parse(reply, &e);
	forms_refused(d, &e);
	if (strcmp(e.cond, "conflict") == 0) /* the name is taken */
		dialog_focus_mentioned(d, "username");
	req_error_clear(&e);
	/* a challenge answered wrongly is used up: fetch a fresh one, the
	 * error staying on screen meanwhile */
	for (i = 0; i < d->form.nfields; i++)
		if (d->form.fields[i].nmedia) {
			d->busy = true;
			ask_form(b);
			break;
		}
}

static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct inband *b = ud;
	const char *type = xmpp_stanza_get_type(st);
	struct window *w;
	struct dialog *d = ib_dialog(b, &w);
	struct req_error e;
	bool asked = b->phase == IB_ASKING;

	(void)conn;
	if (!type || (strcmp(type, "result") && strcmp(type, "error")))
		return 1;
	xfree(&b->iq_id);
	cancel_timer(b);
	b->s.app->dirty = true;
	if (!d) {
		ib_close(b);
		return 0;
	}
	if (!asked) {
		answered(b, w, d, st);
		return 0;
	}
	if (req_ok(st) && xmpp_stanza_get_child_by_ns(st, NS_REGISTER)) {
		got_form(b, d, st);
		if (b->answer_pending && b->phase == IB_READY)
			send_answer(b, d);
		return 0;
	}
	req_error_parse(st, &e);
	if (!b->offers_register || refusal(e.cond))
		fail(b, b->offers_register ? e.cond : "service-unavailable",
		     e.text, true);
	else
		fail(b, e.cond, e.text, false);
	req_error_clear(&e);
	return 0;
}

/* --- the streams ------------------------------------------------------- */

static void on_ready(void *ud, xmpp_stanza_t *features)
{
	struct inband *b = ud;

	if (b->phase != IB_CONNECTING)
		return;
	b->offers_register =
		stanza_has_child(features, "register", NS_FEATURE_REGISTER);
	ask_form(b);
}

/* What the user reads when the server's certificate (the stream's, or
 * its web transport's) was refused; the caller frees it. */
static char *untrusted(struct inband *b)
{
	return xasprintf("The server's certificate is not trusted (see the "
			 "console); /trust %s pins it, and the registration "
			 "goes on", b->s.acc->conf->name);
}

static void on_no_tls(void *ud, enum conn_raw_fail why)
{
	struct inband *b = ud;
	char *text;

	if (b->phase != IB_CONNECTING)
		return;
	switch (why) {
	case CONN_RAW_NO_STARTTLS:
		text = xstrdup("The server does not offer TLS; natter will "
			       "not send a password in the clear (tls = "
			       "\"disable\" allows it)");
		break;
	case CONN_RAW_TLS_REFUSED:
		text = xstrdup("The server refused to start TLS");
		break;
	case CONN_RAW_TLS_FAILED:
	default:
		text = b->s.cert_refused ? untrusted(b) :
			xstrdup("TLS could not be set up with the server");
		break;
	}
	fail(b, NULL, text, false);
	free(text);
}

static void on_down(struct inband *b, xmpp_stream_error_t *se)
{
	const char *gone = "The server closed the connection";
	struct dialog *d;

	conn_lost(&b->s);
	cancel_timer(b);
	forget_iq(b);
	if (b->phase == IB_CLOSING) {
		ib_close(b);
		return;
	}
	if (!b->reported) {
		char *why = NULL;

		if (b->s.cert_refused) /* a web transport's certificate */
			why = untrusted(b);
		else if (b->s.carrier_error) /* through a proxy or a bridge */
			why = xasprintf("Cannot reach the server: %s",
					b->s.carrier_error);
		else if (b->s.sock_error)
			why = xasprintf("Cannot reach the server: %s",
					strerror(b->s.sock_error));
		else if (b->phase == IB_ASKING && !b->offers_register)
			report(b, "service-unavailable", NULL, true);
		else if (se && se->text)
			why = xasprintf("%s: %s", gone, se->text);
		if (!b->reported)
			report(b, NULL, why ? why : gone, false);
		free(why);
	}
	b->phase = IB_DOWN;
	/* nothing more can be tried: the dialog is gone, or it only
	 * shows why */
	d = ib_dialog(b, NULL);
	if (!d || d->done)
		ib_close(b);
}

static void conn_down(void *ud, xmpp_conn_event_t event, int error,
		      xmpp_stream_error_t *se)
{
	(void)event;
	(void)error;
	on_down(ud, se);
}

/* No on_opened: a stream without features has no form to offer. */
static const struct conn_raw_ops raw_ops = {
	on_ready, on_no_tls, NULL, conn_down,
};

static void ib_connect(struct inband *b)
{
	struct dialog *d = ib_dialog(b, NULL);

	if (d) {
		d->busy = true;
		dialog_set_error(d, NULL);
	}
	b->phase = IB_CONNECTING;
	b->reported = b->offers_register = false;
	xmpp_conn_set_jid(b->s.conn, b->s.acc->domain);
	if (conn_raw_open(&b->raw, &b->s, &raw_ops, b) != XMPP_EOK) {
		fail(b, NULL, b->s.carrier_error ? b->s.carrier_error :
			      "Cannot resolve the server's address", false);
		return;
	}
	b->timer = loop_timer_add(b->s.app->loop, HANDSHAKE_TIMEOUT_MS,
				  deadline, b);
}

/* --- life and death ------------------------------------------------------ */

static void ib_free(struct inband *b)
{
	struct loop *l = b->s.app->loop;
	struct app *app = b->s.app;
	struct account *login = b->login_after ? b->s.acc : NULL;

	cancel_timer(b);
	loop_timer_cancel(l, b->free_timer);
	forget_iq(b);
	conn_raw_free(&b->raw);
	conn_free(&b->s);
	if (app->xs->inband == b)
		app->xs->inband = NULL;
	free(b);
	if (login)
		xs_connect(app, login);
}

static void free_later(struct loop *l, void *ud)
{
	(void)l;
	((struct inband *)ud)->free_timer = 0;
	ib_free(ud);
}

/* Ends the registration: closes the stream if there is one; frees b
 * from a timer once it is down. The dialog is left to its caller. */
static void ib_close(struct inband *b)
{
	struct loop *l = b->s.app->loop;

	b->phase = IB_CLOSING;
	cancel_timer(b);
	forget_iq(b);
	if (!xmpp_conn_is_disconnected(b->s.conn))
		conn_close(&b->s);
	else if (!b->free_timer)
		b->free_timer = loop_timer_add(l, 0, free_later, b);
}

static void inband_submit(struct app *app, struct window *w,
			  unsigned action);
static void inband_cancel(struct app *app, struct window *w);

/* The new account's form: it travels on our own stream, so submitting
 * needs no account online; cancelling shuts that stream. */
static const struct dialog_ops account_ops = {
	"submit", DLG_REGISTRATION, inband_submit, inband_cancel,
};

long xs_register_account(struct app *app, struct account *a)
{
	struct inband *b;
	struct dialog *d;
	struct window *w;
	char *name;

	if (app->xs->inband)
		return -1;
	b = xcalloc(1, sizeof *b);
	b->s.app = app;
	b->s.acc = a;
	if (conn_new(&b->s) < 0) {
		free(b);
		return -1;
	}
	app->xs->inband = b;

	d = dialog_new(&account_ops, a, a->domain);
	d->heading = xasprintf("Create the account %s", a->bare_jid);
	name = xasprintf("new account %s", a->conf->name);
	w = forms_open(app, d, name);
	free(name);
	b->win = w->id;
	log_msg(LOG_INFO, "inband", "%s: asking %s for a registration form",
		a->conf->name, a->domain);
	ib_connect(b);
	return (long)app->cur_win;
}

static void inband_submit(struct app *app, struct window *w,
			  unsigned action)
{
	struct inband *ib = app->xs->inband;
	struct dialog *d = w->dialog;

	(void)action;
	if (!ib || ib->win != w->id)
		return;
	switch (ib->phase) {
	case IB_READY:
		if (dialog_check(d) == 0)
			send_answer(ib, d);
		break;
	case IB_DOWN:
		/* the stream is gone: a new one, then the answer */
		if (d->form.nfields && dialog_check(d) < 0)
			break;
		ib->answer_pending = d->form.nfields > 0;
		if (xmpp_conn_is_disconnected(ib->s.conn))
			ib_connect(ib);
		break;
	default:
		break; /* busy */
	}
}

static void inband_cancel(struct app *app, struct window *w)
{
	struct inband *ib = app->xs->inband;

	if (ib && ib->win == w->id)
		ib_close(ib);
}

bool inband_retry(struct app *app, struct account *a)
{
	struct inband *ib = app->xs->inband;
	struct dialog *d;

	if (!ib || ib->s.acc != a)
		return false;
	d = ib_dialog(ib, NULL);
	if (ib->phase == IB_DOWN && d && !d->done &&
	    xmpp_conn_is_disconnected(ib->s.conn)) {
		ib->answer_pending = false; /* the user submits what they see */
		ib_connect(ib);
	}
	return true;
}

void inband_shutdown(struct app *app)
{
	struct inband *ib = app->xs->inband;
	struct session *s;

	if (!ib)
		return;
	ib->phase = IB_CLOSING;
	ib->login_after = false; /* exiting */
	s = &ib->s;
	conn_shutdown(&s, 1, SHUTDOWN_WAIT_MS);
	ib_free(ib);
}
