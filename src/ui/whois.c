/* whois: the words for /info's answers and /vcard's outcome.
 *
 * /info's answers (EV_VCARD, EV_LAST_ACTIVITY, EV_AVATAR, EV_CLIENT_ID)
 * arrive one by one after the command; each is shown in the window
 * /info was typed in (the event carries its id), or on the console when
 * that window has closed since. A vCard is a heading line and one indented line per
 * field; its note keeps its newlines, which the view draws as
 * continuation rows of that one line. Each kind has its row in says[].
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/timefmt.h"
#include "util/xmem.h"

/* An error's words: the condition (with a better word for the usual
 * "not offered") and the entity's text. The caller frees it. */
static char *failure(const char *cond, const char *detail,
		     const char *unsupported)
{
	const char *why = unsupported &&
					  (strcmp(cond, "service-unavailable") == 0 ||
					   strcmp(cond, "feature-not-implemented") == 0) ?
				  unsupported :
				  ui_condition_words(cond);

	return xasprintf("%s%s%s", why, detail ? ": " : "",
			 detail ? detail : "");
}

static void vcard_field(struct app *app, struct window *w, const char *name,
			const char *value)
{
	if (value)
		ui_take_line(app, w, LINE_PLAIN, xasprintf("  %s: %s", name, value));
}

static void vcard_line(struct app *app, const struct event *ev)
{
	const struct ev_vcard *e = &ev->vcard;
	const struct vcard *c = e->card;
	struct window *w = app_window_or_console(app, e->win);
	char *why;

	if (!c) {
		if (e->timed_out) {
			ui_take_line(app, w, LINE_ERROR,
			    xasprintf("%s: no vCard came in time", e->jid));
			return;
		}
		if (strcmp(e->cond, "item-not-found") == 0) {
			ui_take_line(app, w, LINE_INFO, xasprintf("%s has no vCard", e->jid));
			return;
		}
		why = failure(e->cond, e->detail, "its server keeps no vCards");
		ui_take_line(app, w, LINE_ERROR,
		    xasprintf("%s: vCard not available: %s", e->jid, why));
		free(why);
		return;
	}
	ui_take_line(app, w, LINE_INFO, xasprintf("vCard of %s%s:", e->jid,
					 e->vcard4 ? " (vCard4)" : ""));
	vcard_field(app, w, "name", c->fn);
	vcard_field(app, w, "nickname", c->nickname);
	vcard_field(app, w, "e-mail", c->email);
	vcard_field(app, w, "web", c->url);
	vcard_field(app, w, "birthday", c->bday);
	vcard_field(app, w, "organisation", c->org);
	if (c->photo && c->photo_bytes)
		ui_take_line(app, w, LINE_PLAIN,
		    xasprintf("  photo: %zu KiB%s%s (/avatar shows it)",
			      (c->photo_bytes + 1023) / 1024,
			      c->photo_type ? ", " : "",
			      c->photo_type ? c->photo_type : ""));
	else if (c->photo)
		ui_take_line(app, w, LINE_PLAIN,
		    xasprintf("  photo: yes%s%s (/avatar shows it)",
			      c->photo_type ? ", " : "",
			      c->photo_type ? c->photo_type : ""));
	vcard_field(app, w, "note", c->note);
}

static void last_line(struct app *app, const struct event *ev)
{
	const struct ev_last_activity *e = &ev->last_activity;
	struct window *w = app_window_or_console(app, e->win);
	bool client = strchr(e->jid, '/') != NULL;
	char len[64], when[32], *why;
	time_t t;
	struct tm tm;

	if (e->seconds >= 0 && client) {
		if (e->seconds == 0)
			ui_take_line(app, w, LINE_INFO, xasprintf("%s is active now",
							 e->jid));
		else
			ui_take_line(app, w, LINE_INFO,
			    xasprintf("%s has been idle for %s", e->jid,
				      timefmt_duration(e->seconds, len,
						       sizeof len)));
		return;
	}
	if (e->seconds >= 0) {
		t = time(NULL) - (time_t)e->seconds;
		if (!localtime_r(&t, &tm) ||
		    !strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm))
			snprintf(when, sizeof when, "a long time ago");
		ui_take_line(app, w, LINE_INFO,
		    xasprintf("%s was last online %s ago (%s)%s%s", e->jid,
			      timefmt_duration(e->seconds, len, sizeof len),
			      when, e->status ? ", saying: " : "",
			      e->status ? e->status : ""));
		return;
	}
	if (e->timed_out) {
		ui_take_line(app, w, LINE_ERROR,
		    xasprintf("%s: last activity not available: no answer in "
			      "time", e->jid));
		return;
	}
	why = failure(e->cond, e->detail,
		      client ? "the client does not tell its idle time" :
			       "its server does not tell when it was last online");
	ui_take_line(app, w, LINE_ERROR, xasprintf("%s: %s not available: %s", e->jid,
					  client ? "idle time" : "last activity",
					  why));
	free(why);
}

static void avatar_line(struct app *app, const struct event *ev)
{
	const struct ev_avatar *e = &ev->avatar;
	struct window *w = app_window_or_console(app, e->win);
	char size[48] = "", dims[48] = "", *why;

	if (e->found) {
		if (e->bytes)
			snprintf(size, sizeof size, ", %zu KiB",
				 (e->bytes + 1023) / 1024);
		if (e->width && e->height)
			snprintf(dims, sizeof dims, ", %ux%u", e->width,
				 e->height);
		ui_take_line(app, w, LINE_INFO,
		    xasprintf("%s has an avatar%s%s%s%s (/avatar %s shows it)",
			      e->jid, size, e->type ? ", " : "",
			      e->type ? e->type : "", dims, e->jid));
		return;
	}
	if (!e->cond) {
		ui_take_line(app, w, LINE_INFO,
		    xasprintf("%s has taken its avatar down", e->jid));
		return;
	}
	if (strcmp(e->cond, "item-not-found") == 0) {
		ui_take_line(app, w, LINE_INFO,
		    xasprintf("%s has published no avatar", e->jid));
		return;
	}
	why = e->timed_out ? xstrdup("no answer in time") :
			     failure(e->cond, e->detail,
				     "its server does not keep avatars");
	ui_take_line(app, w, LINE_ERROR,
	    xasprintf("%s: avatar not available: %s", e->jid, why));
	free(why);
}

static void client_line(struct app *app, const struct event *ev)
{
	const struct ev_client_id *e = &ev->client_id;
	struct window *w = app_window_or_console(app, e->win);
	char *why;

	if (e->found) {
		ui_take_line(app, w, LINE_INFO,
		    xasprintf("%s identifies as %s (%s/%s)", e->jid,
			      e->name ? e->name : "a client without a name",
			      e->category ? e->category : "?",
			      e->type ? e->type : "?"));
		return;
	}
	why = !e->cond ? xstrdup("it names no identity") :
	      e->timed_out ? xstrdup("no answer in time") :
			     failure(e->cond, e->detail,
				     "it does not answer service discovery");
	ui_take_line(app, w, LINE_ERROR,
	    xasprintf("%s: client identity not available: %s", e->jid, why));
	free(why);
}

static void saved_line(struct app *app, const struct event *ev)
{
	const struct ev_vcard_saved *e = &ev->vcard_saved;

	if (!e->cond) {
		app_say(app, LINE_OK, "%s: your vCard is saved%s",
			ev->acc->conf->name, e->vcard4 ? " (vCard4)" : "");
		return;
	}
	app_say(app, LINE_ERROR, "%s: your vCard was not saved: %s%s%s",
		ev->acc->conf->name, ui_condition_words(e->cond),
		e->detail ? ": " : "", e->detail ? e->detail : "");
}

static void (*const says[])(struct app *, const struct event *) = {
	[EV_VCARD] = vcard_line,
	[EV_LAST_ACTIVITY] = last_line,
	[EV_AVATAR] = avatar_line,
	[EV_VCARD_SAVED] = saved_line,
	[EV_CLIENT_ID] = client_line,
};

void whois_event(struct app *app, const struct event *ev)
{
	if ((size_t)ev->type < sizeof says / sizeof *says && says[ev->type])
		says[ev->type](app, ev);
}
