/* feednotify: the words for publish-subscribe: /feed, /feeds, /unfeed
 * and /publish's answers (EV_FEED), each a line of the window the
 * command was typed in (for /feed: the feed's window), or of the
 * console once that window is gone; and what contacts publish about
 * themselves (core/pep.h), as /info's lines and in brief for the
 * conversation's title.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/pep.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/xmem.h"

/* ---- PEP ---- */

/* A mood or activity value in words: "in_love" is "in love". */
static char *value_words(const char *v)
{
	char *t = xstrdup(v), *p;

	for (p = t; *p; p++)
		if (*p == '_')
			*p = ' ';
	return t;
}

static char *tune_words(const struct pep_user *u)
{
	char len[16] = "";

	if (!u->tune_title && !u->tune_artist && !u->tune_source)
		return NULL;
	if (u->tune_length)
		snprintf(len, sizeof len, "%u:%02u", u->tune_length / 60,
			 u->tune_length % 60);
	return xasprintf("%s%s%s%s%s%s%s%s",
			 u->tune_artist ? u->tune_artist : "",
			 u->tune_artist ? " – " : "",
			 u->tune_title ? u->tune_title : "(untitled)",
			 u->tune_source || *len ? " (" : "",
			 u->tune_source ? u->tune_source : "",
			 u->tune_source && *len ? ", " : "", len,
			 u->tune_source || *len ? ")" : "");
}

/* A value and its words: "value: text" (brief: the value alone, or
 * the text when there is no value). */
static char *value_and_text(const char *value, const char *detail,
			    const char *text, bool brief)
{
	char *v = value ? value_words(value) : NULL;
	char *d = detail ? value_words(detail) : NULL;
	char *t;

	if (!v)
		t = xstrdup(text);
	else if (brief || !text)
		t = xasprintf("%s%s%s%s", v, d ? " (" : "", d ? d : "",
			      d ? ")" : "");
	else
		t = xasprintf("%s%s%s%s: %s", v, d ? " (" : "", d ? d : "",
			      d ? ")" : "", text);
	free(v);
	free(d);
	return t;
}

static char *mood_words(const struct pep_user *u, bool brief)
{
	if (!u->mood && !u->mood_text)
		return NULL;
	return value_and_text(u->mood, NULL, u->mood_text, brief);
}

static char *activity_words(const struct pep_user *u, bool brief)
{
	if (!u->activity && !u->activity_text)
		return NULL;
	return value_and_text(u->activity, u->activity_detail,
			      u->activity_text, brief);
}

char *feednotify_pep_line(const struct pep_user *u, int kind)
{
	char *w = NULL, *t;
	static const char *const heads[PEP_NKINDS] = {
		[PEP_TUNE] = "listening to", [PEP_MOOD] = "mood",
		[PEP_ACTIVITY] = "doing", [PEP_NICK] = "calls themselves",
	};

	if (!u || kind < 0 || kind >= PEP_NKINDS)
		return NULL;
	switch (kind) {
	case PEP_TUNE: w = tune_words(u); break;
	case PEP_MOOD: w = mood_words(u, false); break;
	case PEP_ACTIVITY: w = activity_words(u, false); break;
	case PEP_NICK: w = u->nick ? xstrdup(u->nick) : NULL; break;
	default: break;
	}
	if (!w)
		return NULL;
	t = xasprintf("%s: %s", heads[kind], w);
	free(w);
	return t;
}

char *feednotify_pep_brief(const struct pep_user *u)
{
	char *tune, *mood, *act, *t;

	if (!pep_any(u))
		return NULL;
	tune = tune_words(u);
	mood = mood_words(u, true);
	act = activity_words(u, true);
	if (!tune && !mood && !act) {
		free(tune);
		free(mood);
		free(act);
		return NULL;
	}
	t = xasprintf("%s%s%s%s%s%s", tune ? "♪ " : "", tune ? tune : "",
		      tune && (mood || act) ? " · " : "", mood ? mood : "",
		      mood && act ? " · " : "", act ? act : "");
	free(tune);
	free(mood);
	free(act);
	return t;
}

/* ---- feeds ---- */

/* Why a pubsub request failed, in words: the usual conditions as what
 * they mean for a node, else the general table's. */
static const char *why(const struct ev_feed *e)
{
	static const char *const words[][2] = {
		{ "item-not-found", "there is no such node" },
		{ "forbidden", "you are not allowed to" },
		{ "not-authorized", "the node's owner has not authorized you "
				    "(its access model may need a presence "
				    "subscription or a whitelist)" },
		{ "service-unavailable", "that is not a pubsub service" },
		{ "feature-not-implemented",
		  "the service does not offer that" },
		{ "remote-server-timeout", "no answer came in time" },
	};
	size_t i;

	if (e->timed_out)
		return "no answer came in time";
	for (i = 0; i < sizeof words / sizeof *words; i++)
		if (strcmp(e->cond, words[i][0]) == 0)
			return words[i][1];
	return ui_condition_words(e->cond);
}

static void failed(struct app *app, struct window *w, const struct ev_feed *e,
		   const char *what)
{
	ui_take_line(app, w, LINE_ERROR,
	    xasprintf("%s: %s%s%s", what, why(e), e->detail ? ": " : "",
		      e->detail ? e->detail : ""));
}

static void feed_line(struct app *app, const struct event *ev)
{
	const struct ev_feed *e = &ev->feed;
	struct window *w = app_window_or_console(app, e->win);
	char *what;
	size_t i;

	switch (e->op) {
	case FEED_SUBSCRIBED:
		if (e->cond) {
			what = xasprintf("Not subscribed to %s on %s", e->node,
					 e->service);
			failed(app, w, e, what);
			free(what);
		} else if (strcmp(e->state, "subscribed") == 0) {
			ui_take_line(app, w, LINE_OK,
			    xasprintf("Subscribed to %s on %s: new items "
				      "show here as they come", e->node,
				      e->service));
		} else {
			ui_take_line(app, w, LINE_WARN,
			    xasprintf("Subscription to %s on %s is %s: items "
				      "come once the node's owner approves",
				      e->node, e->service, e->state));
		}
		break;
	case FEED_FETCHED:
		if (e->cond) {
			failed(app, w, e, "Its latest items could not be fetched");
		} else {
			ui_take_line(app, w, LINE_INFO,
			    e->count ? xasprintf("%zu item%s of %s shown", e->count,
						 e->count == 1 ? "" : "s", e->node) :
				       xasprintf("%s holds no items yet", e->node));
		}
		break;
	case FEED_UNSUBSCRIBED:
		what = xasprintf("Not unsubscribed from %s on %s", e->node,
				 e->service);
		if (e->cond)
			failed(app, w, e, what);
		else
			ui_take_line(app, w, LINE_OK,
			    xasprintf("Unsubscribed from %s on %s", e->node,
				      e->service));
		free(what);
		break;
	case FEED_PUBLISHED:
		what = xasprintf("Not published to %s", e->node);
		if (e->cond)
			failed(app, w, e, what);
		else
			ui_take_line(app, w, LINE_OK,
			    xasprintf("Published to your node %s (item %s)",
				      e->node, e->id ? e->id : "?"));
		free(what);
		break;
	case FEED_LISTED:
		if (e->cond) {
			what = xasprintf("%s did not list your subscriptions",
					 e->service);
			failed(app, w, e, what);
			free(what);
			break;
		}
		ui_take_line(app, w, LINE_INFO,
		    e->count ? xasprintf("Your subscriptions at %s (%zu):",
					 e->service, e->count) :
			       xasprintf("You have no subscriptions at %s",
					 e->service));
		for (i = 0; i < e->count; i++)
			ui_take_line(app, w, LINE_PLAIN,
			    xasprintf("  %s (%s)", e->nodes[i], e->states[i]));
		break;
	}
}

void feednotify_event(struct app *app, const struct event *ev)
{
	if (ev->type == EV_FEED) {
		feed_line(app, ev);
	} else if (ev->type == EV_PEP) {
		/* the conversation's title shows it */
		if (app_window_find(app, ev->acc, WIN_CHAT, ev->pep.jid))
			app->dirty = true;
	}
}
