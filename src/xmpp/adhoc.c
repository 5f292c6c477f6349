/* adhoc: running an ad-hoc command (XEP-0050) in a dialog window.
 *
 * Running a command opens a dialog (adhoc_ops) and sends action
 * 'execute'. Every answer is one step of the command: its sessionid
 * (kept, and echoed on every later request), the actions the step
 * allows and which one submitting means, its notes and its data form
 * replace what the dialog showed before. Submitting sends the form back
 * with the chosen action. A completed command stays on screen, read-only,
 * with its last form or notes, until the user closes the window; a
 * failed step shows the error, and ends the dialog when the session
 * cannot go on. Requests carry the window's id (forms_ud), so an answer
 * for a window closed meanwhile finds nothing; cancelling is sent
 * without waiting for the answer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dialog.h"
#include "core/disco.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

/* XEP-0050 actions by name, in the order the hint line lists them. */
static const struct {
	const char *name;
	unsigned act;
} adhoc_actions[] = {
	{ "execute", DLG_ACT_EXECUTE }, { "prev", DLG_ACT_PREV },
	{ "next", DLG_ACT_NEXT },       { "complete", DLG_ACT_COMPLETE },
};

static unsigned adhoc_action(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof adhoc_actions / sizeof *adhoc_actions;
	     i++)
		if (strcmp(adhoc_actions[i].name, name) == 0)
			return adhoc_actions[i].act;
	return 0;
}

static const char *adhoc_action_name(unsigned act)
{
	size_t i;

	for (i = 0; i < sizeof adhoc_actions / sizeof *adhoc_actions; i++)
		if (adhoc_actions[i].act == act)
			return adhoc_actions[i].name;
	return "execute";
}

/* The command's name as a browser window listing it gave it, else its
 * node (borrowed from the model either way). */
static const char *adhoc_label(struct app *app, struct account *a,
			       const char *jid, const char *node)
{
	size_t i;

	for (i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];
		struct disco_item *it;

		if (w->kind != WIN_DISCO || !w->disco || w->acc != a ||
		    !w->disco->commands)
			continue;
		it = disco_find(w->disco, jid, node);
		if (it && it->name && *it->name)
			return it->name;
	}
	return node;
}

/* <iq type='set'><command node sessionid action/></iq> to jid (session
 * NULL: a new one); the caller sends it. */
static xmpp_stanza_t *adhoc_iq(struct session *s, const char *jid,
			       const char *node, const char *session,
			       const char *action)
{
	xmpp_stanza_t *iq = req_iq(s, "set", jid, "command", NS_COMMANDS);
	xmpp_stanza_t *cmd = stanza_payload(iq);

	xmpp_stanza_set_attribute(cmd, "node", node);
	if (session)
		xmpp_stanza_set_attribute(cmd, "sessionid", session);
	xmpp_stanza_set_attribute(cmd, "action", action);
	return iq;
}

static void adhoc_ignore(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	(void)s;
	(void)reply;
	(void)ud;
}

/* Tells jid the session is over; nobody waits for the answer. */
static void adhoc_send_cancel(struct session *s, const char *jid,
			      const char *node, const char *session)
{
	req_send(s, adhoc_iq(s, jid, node, session, "cancel"), adhoc_ignore,
		 NULL, REQ_TIMEOUT_MS);
}

static bool adhoc_is(xmpp_stanza_t *el, const char *name, const char *ns)
{
	const char *n = xmpp_stanza_get_ns(el);

	return xmpp_stanza_is_tag(el) &&
	       strcmp(xmpp_stanza_get_name(el), name) == 0 &&
	       (!ns || (n && strcmp(n, ns) == 0));
}

/* The step's <actions/>: what it allows and what submitting means.
 * Without one the command has a single stage, which 'complete' ends
 * (XEP-0050: 'execute' then means 'complete'). */
static void adhoc_parse_actions(xmpp_stanza_t *cmd, struct dialog *d)
{
	xmpp_stanza_t *acts = xmpp_stanza_get_child_by_name(cmd, "actions");
	xmpp_stanza_t *c;
	unsigned def;

	if (!acts) {
		d->actions = DLG_ACT_COMPLETE;
		d->def_action = DLG_ACT_COMPLETE;
		return;
	}
	d->actions = 0;
	for (c = xmpp_stanza_get_children(acts); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c))
			d->actions |= adhoc_action(xmpp_stanza_get_name(c)) &
				      ~DLG_ACT_EXECUTE;
	def = adhoc_action(xmpp_stanza_get_attribute(acts, "execute"));
	if (!def)
		def = d->actions & DLG_ACT_NEXT ? DLG_ACT_NEXT :
		      d->actions & DLG_ACT_COMPLETE ? DLG_ACT_COMPLETE :
						      DLG_ACT_EXECUTE;
	/* what the responder names as the default it allows, listed or not */
	d->actions |= def;
	d->def_action = def;
}

void adhoc_parse_notes(xmpp_stanza_t *cmd, struct dialog *d)
{
	xmpp_stanza_t *c;

	dialog_clear_notes(d);
	for (c = xmpp_stanza_get_children(cmd); c; c = xmpp_stanza_get_next(c)) {
		const char *type;
		enum note_type t = NOTE_INFO;
		char *clean;

		if (!adhoc_is(c, "note", NULL))
			continue;
		type = xmpp_stanza_get_type(c);
		/* "warning" is not XEP-0050's word, but some services use it */
		if (type && (strcmp(type, "warn") == 0 ||
			     strcmp(type, "warning") == 0))
			t = NOTE_WARN;
		else if (type && strcmp(type, "error") == 0)
			t = NOTE_ERROR;
		clean = stanza_text(c, UTF8_KEEP_NEWLINES);
		if (!clean)
			continue;
		if (*clean)
			dialog_add_note(d, t, clean);
		free(clean);
	}
}

/* The step's form replaces the last one; a step without one shows none. */
static void adhoc_parse_form(xmpp_stanza_t *cmd, struct dialog *d)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_ns(cmd, NS_DATA);
	struct form f = { 0 };

	if (!x || !adhoc_is(x, "x", NS_DATA) || dataform_parse(x, &f) < 0)
		form_clear(&f);
	dialog_set_form(d, &f);
}

static void adhoc_completed(struct session *s, struct dialog *d)
{
	struct event ev = { .type = EV_COMMAND_DONE, .acc = s->acc };

	d->done = true;
	d->actions = 0;
	if (!d->form.nfields && !d->nnotes)
		dialog_add_note(d, NOTE_INFO, "Done.");
	ev.command_done.jid = d->jid;
	ev.command_done.command = adhoc_label(s->app, d->acc, d->jid, d->node);
	event_emit(s->app, &ev);
}

/* XEP-0050's own condition in an error (bad-sessionid, ...), sanitised,
 * or NULL; the caller frees. */
static char *adhoc_error_cond(xmpp_stanza_t *reply)
{
	xmpp_stanza_t *err = reply ? xmpp_stanza_get_child_by_name(reply, "error") :
				     NULL;
	xmpp_stanza_t *c = err ? xmpp_stanza_get_child_by_ns(err, NS_COMMANDS) :
				 NULL;

	return c && xmpp_stanza_is_tag(c) ?
		       utf8_sanitize(xmpp_stanza_get_name(c), 0) :
		       NULL;
}

/* Whether the step can be tried again after this error: the session
 * lives on and the error says to change the form or wait (type modify
 * or wait), or the form or the action was refused. A request that
 * opened no session, or a session the responder has lost, cannot. */
static bool adhoc_retryable(const struct dialog *d, const struct req_error *e,
			    const char *own)
{
	if (!d->session)
		return false;
	if (own && (strcmp(own, "bad-sessionid") == 0 ||
		    strcmp(own, "session-expired") == 0 ||
		    strcmp(own, "malformed-action") == 0))
		return false;
	if (own && (strcmp(own, "bad-payload") == 0 ||
		    strcmp(own, "bad-action") == 0))
		return true;
	if (e->type && (strcmp(e->type, "modify") == 0 ||
			strcmp(e->type, "wait") == 0))
		return true;
	return strcmp(e->cond, "not-acceptable") == 0 ||
	       strcmp(e->cond, "resource-constraint") == 0 ||
	       strcmp(e->cond, "remote-server-timeout") == 0;
}

static void adhoc_failed(struct dialog *d, xmpp_stanza_t *reply)
{
	struct req_error e;
	char *own = adhoc_error_cond(reply);

	req_error_parse(reply, &e);
	dialog_set_failure(d, own ? own : e.cond, e.text);
	if (adhoc_retryable(d, &e, own)) {
		dialog_focus_mentioned(d, e.text);
	} else {
		d->done = true;
		d->actions = 0;
	}
	req_error_clear(&e);
	free(own);
}

/* An answer for a window that is gone: a session it opened is cancelled
 * rather than left to expire. */
static void adhoc_orphan(struct session *s, xmpp_stanza_t *reply)
{
	xmpp_stanza_t *cmd = req_ok(reply) ?
				     xmpp_stanza_get_child_by_ns(reply, NS_COMMANDS) :
				     NULL;
	const char *status, *sid, *node, *from;

	if (!cmd)
		return;
	status = xmpp_stanza_get_attribute(cmd, "status");
	sid = xmpp_stanza_get_attribute(cmd, "sessionid");
	node = xmpp_stanza_get_attribute(cmd, "node");
	from = xmpp_stanza_get_from(reply);
	if (status && strcmp(status, "executing") == 0 && sid && node && from)
		adhoc_send_cancel(s, from, node, sid);
}

static void adhoc_submit(struct app *app, struct window *w, unsigned action);
static void adhoc_cancel(struct app *app, struct window *w);

/* A command's steps: F7/F8/F9 pick an action; cancelling tells the
 * responder. */
static const struct dialog_ops adhoc_ops = {
	"submit", DLG_NEEDS_ONLINE | DLG_STEPS, adhoc_submit, adhoc_cancel,
};

static void adhoc_on_step(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w = forms_window(s, ud);
	struct dialog *d = w ? w->dialog : NULL;
	xmpp_stanza_t *cmd;
	const char *status, *sid;

	if (!d || d->ops != &adhoc_ops) {
		adhoc_orphan(s, reply);
		return;
	}
	d->busy = false;
	s->app->dirty = true;
	if (!req_ok(reply)) {
		adhoc_failed(d, reply);
		return;
	}
	cmd = xmpp_stanza_get_child_by_ns(reply, NS_COMMANDS);
	status = cmd ? xmpp_stanza_get_attribute(cmd, "status") : NULL;
	if (status && strcmp(status, "canceled") == 0) {
		app_close_window(s->app, w);
		return;
	}
	sid = cmd ? xmpp_stanza_get_attribute(cmd, "sessionid") : NULL;
	if (sid) {
		free(d->session);
		d->session = xstrdup(sid);
	}
	dialog_set_error(d, NULL);
	if (!cmd) {
		/* a bare result: nothing more to show than that it ran */
		dialog_clear_notes(d);
		adhoc_completed(s, d);
		return;
	}
	adhoc_parse_notes(cmd, d);
	adhoc_parse_form(cmd, d);
	if (status && strcmp(status, "executing") == 0)
		adhoc_parse_actions(cmd, d);
	else
		adhoc_completed(s, d);
}

/* Sends the step's answer with action act (a DLG_ACT_* bit). */
static void adhoc_send(struct session *s, struct window *w, unsigned act)
{
	struct dialog *d = w->dialog;
	xmpp_stanza_t *iq = adhoc_iq(s, d->jid, d->node, d->session,
				     adhoc_action_name(act));

	if (act != DLG_ACT_PREV && d->form.nfields) {
		xmpp_stanza_t *x = dataform_submit(s->ctx, &d->form);

		xmpp_stanza_add_child(stanza_payload(iq), x);
		xmpp_stanza_release(x);
	}
	d->busy = true;
	req_send(s, iq, adhoc_on_step, forms_ud(w), REQ_TIMEOUT_MS);
}

static void adhoc_submit(struct app *app, struct window *w, unsigned action)
{
	struct dialog *d = w->dialog;

	(void)app;
	if (!action)
		action = d->def_action;
	if (!(action & d->actions) && action != DLG_ACT_EXECUTE)
		return; /* the step does not offer it */
	if (action != DLG_ACT_PREV && dialog_check(d) < 0)
		return;
	dialog_set_error(d, NULL);
	adhoc_send(session_of(d->acc), w, action);
}

/* The user closed a step: a session the responder keeps is ended, when
 * we still can. */
static void adhoc_cancel(struct app *app, struct window *w)
{
	struct dialog *d = w->dialog;

	(void)app;
	if (d->done || !d->session || d->acc->state != ACC_ONLINE)
		return;
	adhoc_send_cancel(session_of(d->acc), d->jid, d->node, d->session);
}

long xs_command_run(struct app *app, struct account *a, const char *jid,
		    const char *node)
{
	struct session *s = session_of(a);
	struct dialog *d;
	struct window *w;
	char *name;

	if (a->state != ACC_ONLINE)
		return -1;
	d = dialog_new(&adhoc_ops, a, jid);
	d->node = xstrdup(node);
	d->heading = xasprintf("Command %s on %s",
			       adhoc_label(app, a, jid, node), jid);
	d->busy = true;
	name = xasprintf("command %s", jid);
	w = forms_open(app, d, name);
	free(name);
	req_send(s, adhoc_iq(s, jid, node, NULL, "execute"), adhoc_on_step,
		 forms_ud(w), REQ_TIMEOUT_MS);
	return (long)app->cur_win;
}
