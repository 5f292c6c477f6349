/* vcard: contacts' vCards for /info, and editing our own with /vcard.
 *
 * Reading: a vCard is asked as a vCard4 (XEP-0292, the PEP node
 * urn:xmpp:vcard4 of the contact's bare JID) and, when that finds none,
 * as a vcard-temp (XEP-0054); either becomes one struct vcard and one
 * EV_VCARD for the window /info was typed in. Every field is remote
 * text: sanitised to one line and cut to VCARD_FIELD_MAX bytes, the
 * note keeping its newlines (the view draws continuation rows) and cut
 * to VCARD_NOTE_MAX.
 *
 * Editing: /vcard opens a dialog (vcard_ops) holding a local data form
 * of the fields natter knows, prefilled from the server's copy of our
 * vCard. What the server sent is kept on the session (own_vcard), so
 * that a photo, an address or anything else natter does not edit is
 * sent back untouched; it never goes into the form, whose every value
 * is one sanitised line. A hidden field says which flavour it was: a
 * vCard4 found in PEP is published back there, anything else is set as
 * vcard-temp (which Prosody's vcard_legacy mirrors into PEP).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dialog.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h" /* NS_PUBSUB */
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/vcard.h"
#include "xmpp/xs.h"

/* The sanitised text of el trimmed and cut to max bytes (between
 * characters); NULL when absent or blank. The caller frees it. */
static char *clip(xmpp_stanza_t *el, size_t max, bool lines)
{
	char *t = el ? stanza_text(el, lines ? UTF8_KEEP_NEWLINES : 0) : NULL;
	size_t start = 0, end;
	char *out;

	if (!t)
		return NULL;
	end = strlen(t);
	if (end > max) {
		end = max;
		while (end > 0 && ((unsigned char)t[end] & 0xc0) == 0x80)
			end--;
	}
	while (start < end && (t[start] == ' ' || t[start] == '\n'))
		start++;
	while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\n'))
		end--;
	out = end > start ? xstrndup(t + start, end - start) : NULL;
	free(t);
	return out;
}

static xmpp_stanza_t *child(xmpp_stanza_t *el, const char *name)
{
	return el ? xmpp_stanza_get_child_by_name(el, name) : NULL;
}

/* Decoded size of base64 text (whitespace ignored). */
static size_t b64_bytes(const char *s)
{
	size_t n = 0, pad = 0;

	for (; s && *s; s++) {
		if (*s == '=')
			pad++;
		else if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t')
			n++;
	}
	n = (n + pad) / 4 * 3;
	pad = pad > 2 ? 2 : pad;
	return n > pad ? n - pad : 0;
}

static void photo_of_temp(xmpp_stanza_t *photo, struct vcard *c)
{
	xmpp_stanza_t *bin = child(photo, "BINVAL");
	char *b64;

	if (!photo || (!bin && !child(photo, "EXTVAL")))
		return;
	c->photo = true;
	c->photo_type = clip(child(photo, "TYPE"), 100, false);
	if (bin && (b64 = xmpp_stanza_get_text(bin))) {
		c->photo_bytes = b64_bytes(b64);
		xmpp_free(xmpp_stanza_get_context(bin), b64);
	}
}

int vcard_parse_temp(xmpp_stanza_t *el, struct vcard *c)
{
	const char *ns = el ? xmpp_stanza_get_ns(el) : NULL;
	xmpp_stanza_t *email;

	memset(c, 0, sizeof *c);
	if (!ns || strcmp(ns, NS_VCARD_TEMP) != 0)
		return -1;
	c->fn = clip(child(el, "FN"), VCARD_FIELD_MAX, false);
	c->nickname = clip(child(el, "NICKNAME"), VCARD_FIELD_MAX, false);
	email = child(el, "EMAIL");
	c->email = clip(child(email, "USERID") ? child(email, "USERID") : email,
			VCARD_FIELD_MAX, false);
	c->url = clip(child(el, "URL"), VCARD_FIELD_MAX, false);
	/* XEP-0054 says DESC; vcard_legacy writes a vCard4 note as NOTE */
	c->note = clip(child(el, "DESC") ? child(el, "DESC") : child(el, "NOTE"),
		       VCARD_NOTE_MAX, true);
	c->bday = clip(child(el, "BDAY"), VCARD_FIELD_MAX, false);
	c->org = clip(child(child(el, "ORG"), "ORGNAME"), VCARD_FIELD_MAX,
		      false);
	photo_of_temp(child(el, "PHOTO"), c);
	return 0;
}

/* A data: URI's type and size ("data:image/png;base64,...."). */
static void photo_of_uri(xmpp_stanza_t *uri, struct vcard *c)
{
	char *t = uri ? xmpp_stanza_get_text(uri) : NULL;
	const char *comma, *semi;

	if (!t)
		return;
	c->photo = true;
	if (strncmp(t, "data:", 5) == 0 && (comma = strchr(t, ','))) {
		semi = memchr(t, ';', (size_t)(comma - t));
		if ((semi ? semi : comma) > t + 5) {
			char *type = xstrndup(t + 5, (size_t)((semi ? semi : comma) -
							      (t + 5)));

			c->photo_type = utf8_sanitize(type, 0);
			free(type);
			if (strlen(c->photo_type) > 100)
				c->photo_type[100] = '\0';
		}
		if (semi && strncmp(semi, ";base64,", 8) == 0)
			c->photo_bytes = b64_bytes(comma + 1);
	}
	xmpp_free(xmpp_stanza_get_context(uri), t);
}

int vcard_parse_v4(xmpp_stanza_t *el, struct vcard *c)
{
	const char *ns = el ? xmpp_stanza_get_ns(el) : NULL;
	xmpp_stanza_t *b;

	memset(c, 0, sizeof *c);
	if (!ns || strcmp(ns, NS_VCARD4) != 0)
		return -1;
	c->fn = clip(child(child(el, "fn"), "text"), VCARD_FIELD_MAX, false);
	c->nickname = clip(child(child(el, "nickname"), "text"),
			   VCARD_FIELD_MAX, false);
	c->email = clip(child(child(el, "email"), "text"), VCARD_FIELD_MAX,
			false);
	c->url = clip(child(child(el, "url"), "uri"), VCARD_FIELD_MAX, false);
	c->note = clip(child(child(el, "note"), "text"), VCARD_NOTE_MAX, true);
	b = child(el, "bday");
	c->bday = clip(child(b, "date") ? child(b, "date") : child(b, "text"),
		       VCARD_FIELD_MAX, false);
	c->org = clip(child(child(el, "org"), "text"), VCARD_FIELD_MAX, false);
	photo_of_uri(child(child(el, "photo"), "uri"), c);
	return 0;
}

xmpp_stanza_t *vcard_v4_of(xmpp_stanza_t *reply)
{
	xmpp_stanza_t *ps = req_ok(reply) ?
				    xmpp_stanza_get_child_by_name_and_ns(
					    reply, "pubsub", NS_PUBSUB) :
				    NULL;
	xmpp_stanza_t *item = child(child(ps, "items"), "item");

	return item ? xmpp_stanza_get_child_by_name_and_ns(item, "vcard",
							   NS_VCARD4) :
		      NULL;
}

bool vcard_empty(const struct vcard *c)
{
	return !c->fn && !c->nickname && !c->email && !c->url && !c->note &&
	       !c->bday && !c->org && !c->photo;
}

void vcard_clear(struct vcard *c)
{
	free(c->fn);
	free(c->nickname);
	free(c->email);
	free(c->url);
	free(c->note);
	free(c->bday);
	free(c->org);
	free(c->photo_type);
	memset(c, 0, sizeof *c);
}

/* ---- writing ---- */

/* The vCard fields natter edits, by name in each flavour. */
static const char *const temp_names[] = { "FN", "NICKNAME", "EMAIL", "URL",
					  "DESC", "NOTE", "BDAY", "ORG" };
static const char *const v4_names[] = { "fn", "nickname", "email", "url",
					"note", "bday", "org" };

static bool edited(const char *name, bool v4)
{
	const char *const *names = v4 ? v4_names : temp_names;
	size_t i, n = v4 ? sizeof v4_names / sizeof *v4_names :
			   sizeof temp_names / sizeof *temp_names;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* <name><inner>text</inner></name> under parent (inner NULL: text
 * directly in <name/>), unless text is NULL. */
static void add_field(xmpp_stanza_t *parent, const char *name,
		      const char *inner, const char *text)
{
	xmpp_stanza_t *el;

	if (!text || !*text)
		return;
	if (!inner) {
		stanza_add_text(parent, name, text);
		return;
	}
	el = stanza_add_child(parent, name, NULL);
	stanza_add_text(el, inner, text);
}

xmpp_stanza_t *vcard_build(xmpp_ctx_t *ctx, xmpp_stanza_t *orig,
			   const struct vcard *c, bool v4)
{
	xmpp_stanza_t *v = stanza_new(ctx, v4 ? "vcard" : "vCard",
				      v4 ? NS_VCARD4 : NS_VCARD_TEMP);
	xmpp_stanza_t *k;

	if (v4) {
		add_field(v, "fn", "text", c->fn);
		add_field(v, "nickname", "text", c->nickname);
		add_field(v, "email", "text", c->email);
		add_field(v, "url", "uri", c->url);
		add_field(v, "note", "text", c->note);
		add_field(v, "bday", "date", c->bday);
		add_field(v, "org", "text", c->org);
	} else {
		add_field(v, "FN", NULL, c->fn);
		add_field(v, "NICKNAME", NULL, c->nickname);
		if (c->email && *c->email) {
			k = stanza_add_child(v, "EMAIL", NULL);
			stanza_add_child(k, "INTERNET", NULL);
			stanza_add_text(k, "USERID", c->email);
		}
		add_field(v, "URL", NULL, c->url);
		add_field(v, "DESC", NULL, c->note);
		add_field(v, "BDAY", NULL, c->bday);
		add_field(v, "ORG", "ORGNAME", c->org);
	}
	for (k = orig ? xmpp_stanza_get_children(orig) : NULL; k;
	     k = xmpp_stanza_get_next(k)) {
		xmpp_stanza_t *copy;

		if (!xmpp_stanza_is_tag(k) ||
		    edited(xmpp_stanza_get_name(k), v4))
			continue;
		copy = xmpp_stanza_copy(k);
		xmpp_stanza_add_child(v, copy);
		xmpp_stanza_release(copy);
	}
	return v;
}

/* ---- asking a contact's vCard (/info) ---- */

struct ask {
	char *bare;
	uint64_t win;
};

static void ask_free(struct ask *a)
{
	free(a->bare);
	free(a);
}

static void emit(struct session *s, struct ask *a, const struct vcard *c,
		 bool v4, xmpp_stanza_t *reply)
{
	struct event ev = { .type = EV_VCARD, .acc = s->acc };
	struct req_error e = { 0 };

	ev.vcard.jid = a->bare;
	ev.vcard.win = a->win;
	ev.vcard.card = c;
	ev.vcard.vcard4 = v4;
	if (!c) {
		req_error_parse(reply, &e);
		ev.vcard.cond = e.cond;
		ev.vcard.detail = e.text;
		ev.vcard.timed_out = reply == NULL;
	}
	event_emit(s->app, &ev);
	req_error_clear(&e);
}

static void on_temp(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ask *a = ud;
	struct vcard c;
	xmpp_stanza_t *v = req_ok(reply) ? xmpp_stanza_get_child_by_name_and_ns(
						   reply, "vCard", NS_VCARD_TEMP) :
					   NULL;

	if (vcard_parse_temp(v, &c) == 0 && !vcard_empty(&c)) {
		emit(s, a, &c, false, reply);
	} else if (req_ok(reply)) {
		/* an empty result is how servers say "no vCard" */
		struct event ev = { .type = EV_VCARD, .acc = s->acc };

		ev.vcard.jid = a->bare;
		ev.vcard.win = a->win;
		ev.vcard.cond = "item-not-found";
		event_emit(s->app, &ev);
	} else {
		emit(s, a, NULL, false, reply);
	}
	vcard_clear(&c);
	ask_free(a);
}

static void ask_temp(struct session *s, struct ask *a)
{
	req_send(s, req_iq(s, "get", a->bare, "vCard", NS_VCARD_TEMP), on_temp,
		 a, REQ_TIMEOUT_MS);
}

static void on_v4(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ask *a = ud;
	struct vcard c;

	if (vcard_parse_v4(vcard_v4_of(reply), &c) == 0 && !vcard_empty(&c)) {
		emit(s, a, &c, true, reply);
		vcard_clear(&c);
		ask_free(a);
		return;
	}
	vcard_clear(&c);
	/* a timeout or the session going: no second try */
	if (!reply || s->acc->state != ACC_ONLINE) {
		emit(s, a, NULL, false, reply);
		ask_free(a);
		return;
	}
	ask_temp(s, a);
}

/* <iq type=get to=jid><pubsub><items node=urn:xmpp:vcard4/></pubsub>. */
static xmpp_stanza_t *v4_get(struct session *s, const char *jid)
{
	xmpp_stanza_t *iq = req_iq(s, "get", jid, "pubsub", NS_PUBSUB);
	xmpp_stanza_t *items = stanza_add_child(stanza_payload(iq), "items",
						NULL);

	xmpp_stanza_set_attribute(items, "node", NS_VCARD4_NODE);
	xmpp_stanza_set_attribute(items, "max_items", "1");
	return iq;
}

void vcard_ask(struct session *s, const char *bare, uint64_t win)
{
	struct ask *a = xcalloc(1, sizeof *a);

	a->bare = xstrdup(bare);
	a->win = win;
	req_send(s, v4_get(s, bare), on_v4, a, REQ_TIMEOUT_MS);
}

/* ---- /vcard: our own ---- */

#define VAR_FLAVOUR "natter-flavour"

static const struct {
	const char *var, *label;
	size_t off;
	bool multi;
} edit_fields[] = {
	{ "fn", "Full name", offsetof(struct vcard, fn), false },
	{ "nickname", "Nickname", offsetof(struct vcard, nickname), false },
	{ "email", "E-mail", offsetof(struct vcard, email), false },
	{ "url", "Web page", offsetof(struct vcard, url), false },
	{ "bday", "Birthday (YYYY-MM-DD)", offsetof(struct vcard, bday), false },
	{ "org", "Organisation", offsetof(struct vcard, org), false },
	{ "note", "About you", offsetof(struct vcard, note), true },
};

#define NEDIT (sizeof edit_fields / sizeof *edit_fields)

static char **field_of(struct vcard *c, size_t i)
{
	return (char **)((char *)c + edit_fields[i].off);
}

/* The local form, prefilled from c; the flavour goes into a hidden
 * field, orig (may be NULL) is kept on the session for the submit. */
static void local_form(struct session *s, struct dialog *d, struct vcard *c,
		       xmpp_stanza_t *orig, bool v4)
{
	struct form f = { 0 };
	struct form_field *fl;
	size_t i;

	f.type = xstrdup("form");
	for (i = 0; i < NEDIT; i++) {
		const char *v = *field_of(c, i);

		fl = form_add_field(&f, edit_fields[i].multi ? FIELD_TEXT_MULTI :
							       FIELD_TEXT_SINGLE,
				    edit_fields[i].var);
		fl->label = xstrdup(edit_fields[i].label);
		if (v && edit_fields[i].multi)
			form_field_set_lines(fl, v);
		else if (v)
			form_field_set(fl, v);
	}
	fl = form_add_field(&f, FIELD_HIDDEN, VAR_FLAVOUR);
	form_field_set(fl, v4 ? "vcard4" : "vcard-temp");
	if (s->own_vcard)
		xmpp_stanza_release(s->own_vcard);
	s->own_vcard = orig ? xmpp_stanza_clone(orig) : NULL;
	dialog_set_form(d, &f);
}

/* What the user filled in. */
static void form_vcard(struct dialog *d, struct vcard *c)
{
	size_t i, j;

	memset(c, 0, sizeof *c);
	for (i = 0; i < NEDIT; i++) {
		struct form_field *fl = form_field(&d->form, edit_fields[i].var);
		char *t = NULL;

		for (j = 0; fl && j < fl->nvalues; j++) {
			char *n = xasprintf("%s%s%s", t ? t : "", t ? "\n" : "",
					    fl->values[j]);

			free(t);
			t = n;
		}
		if (t && !*t) {
			free(t);
			t = NULL;
		}
		*field_of(c, i) = t;
	}
}

static void on_saved(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	struct event ev = { .type = EV_VCARD_SAVED, .acc = s->acc };
	struct form_field *fl;
	struct req_error e;

	if (!d)
		return;
	fl = form_field(&d->form, VAR_FLAVOUR);
	ev.vcard_saved.vcard4 = fl && form_field_value(fl) &&
				strcmp(form_field_value(fl), "vcard4") == 0;
	if (req_ok(reply)) {
		app_close_window(s->app, w);
		event_emit(s->app, &ev);
		return;
	}
	req_error_parse(reply, &e);
	forms_refused(d, &e);
	ev.vcard_saved.cond = e.cond;
	ev.vcard_saved.detail = e.text;
	event_emit(s->app, &ev);
	req_error_clear(&e);
}

static void vcard_submit(struct app *app, struct window *w, unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	struct form_field *fl = form_field(&d->form, VAR_FLAVOUR);
	bool v4 = fl && form_field_value(fl) &&
		  strcmp(form_field_value(fl), "vcard4") == 0;
	xmpp_stanza_t *card, *iq, *item;
	struct vcard c;

	(void)app;
	(void)action;
	if (dialog_check(d) < 0)
		return;
	dialog_set_error(d, NULL);
	form_vcard(d, &c);
	card = vcard_build(s->ctx, s->own_vcard, &c, v4);
	vcard_clear(&c);
	if (v4) {
		iq = req_iq(s, "set", NULL, "pubsub", NS_PUBSUB);
		item = stanza_add_child(stanza_payload(iq), "publish", NULL);
		xmpp_stanza_set_attribute(item, "node", NS_VCARD4_NODE);
		item = stanza_add_child(item, "item", NULL);
		xmpp_stanza_set_attribute(item, "id", "current");
	} else {
		iq = item = req_iq(s, "set", NULL, NULL, NULL);
	}
	xmpp_stanza_add_child(item, card);
	xmpp_stanza_release(card);
	d->busy = true;
	req_send(s, iq, on_saved, forms_ud(w), REQ_TIMEOUT_MS);
}

static const struct dialog_ops vcard_ops = {
	"save", DLG_NEEDS_ONLINE, vcard_submit, NULL,
};

/* Our vcard-temp came (or did not): the dialog shows it, or an empty
 * form when there is none; a server that has neither flavour says so. */
static void on_own_temp(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	xmpp_stanza_t *v = req_ok(reply) ? xmpp_stanza_get_child_by_name_and_ns(
						   reply, "vCard", NS_VCARD_TEMP) :
					   NULL;
	struct vcard c = { 0 };
	struct req_error e;

	if (!d)
		return;
	if (req_ok(reply)) {
		vcard_parse_temp(v, &c);
		local_form(s, d, &c, v, false);
		vcard_clear(&c);
		return;
	}
	req_error_parse(reply, &e);
	if (strcmp(e.cond, "item-not-found") == 0)
		local_form(s, d, &c, NULL, false); /* none yet */
	else if (strcmp(e.cond, "service-unavailable") == 0 ||
		 strcmp(e.cond, "feature-not-implemented") == 0)
		local_form(s, d, &c, NULL, true); /* vCard4 alone: publish */
	else
		dialog_set_failure(d, e.cond, e.text);
	req_error_clear(&e);
}

static void on_own_v4(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w = forms_window(s, ud);
	xmpp_stanza_t *v = vcard_v4_of(reply);
	struct vcard c;

	if (!w || !w->dialog)
		return;
	if (vcard_parse_v4(v, &c) == 0) {
		forms_answered(s, ud, &w);
		local_form(s, w->dialog, &c, v, true);
		vcard_clear(&c);
		return;
	}
	if (s->acc->state != ACC_ONLINE) {
		forms_answered(s, ud, &w);
		dialog_set_failure(w->dialog, "not-connected", NULL);
		return;
	}
	req_send(s, req_iq(s, "get", NULL, "vCard", NS_VCARD_TEMP),
		 on_own_temp, ud, REQ_TIMEOUT_MS);
}

long xs_vcard_open(struct app *app, struct account *a)
{
	struct session *s = session_of(a);
	struct dialog *d;
	struct window *w;
	char *name;

	if (a->state != ACC_ONLINE)
		return -1;
	d = dialog_new(&vcard_ops, a, a->bare_jid);
	d->busy = true;
	d->heading = xasprintf("Your vCard (%s): what contacts see with /info",
			       a->bare_jid);
	name = xasprintf("vcard %s", a->conf->name);
	w = forms_open(app, d, name);
	free(name);
	req_send(s, v4_get(s, a->bare_jid), on_own_v4, forms_ud(w),
		 REQ_TIMEOUT_MS);
	return (long)app->cur_win;
}
