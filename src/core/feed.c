/* feed: feed windows and their items (see feed.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/feed.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct window *feed_find(struct app *app, struct account *acc,
			 const char *service, const char *node)
{
	size_t i;

	for (i = 1; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (w->kind == WIN_FEED && w->acc == acc && w->feed &&
		    strcmp(w->feed->service, service) == 0 &&
		    strcmp(w->feed->node, node) == 0)
			return w;
	}
	return NULL;
}

struct window *feed_window(struct app *app, struct account *acc,
			   const char *service, const char *node)
{
	struct window *w = feed_find(app, acc, service, node);
	char *name;

	if (w)
		return w;
	name = app->naccounts > 1 ?
		       xasprintf("%s/%s/%s", service, node, acc->conf->name) :
		       xasprintf("%s/%s", service, node);
	w = win_new(WIN_FEED, name, FEED_LINES);
	free(name);
	w->acc = acc;
	w->jid = xstrdup(service);
	w->feed = xcalloc(1, sizeof *w->feed);
	w->feed->service = xstrdup(service);
	w->feed->node = xstrdup(node);
	app_insert_window(app, w);
	return w;
}

/* s as one clean line of at most max bytes, or NULL when nothing is
 * left. The caller frees it. */
static char *clean(const char *s, size_t max)
{
	char *t;

	if (!s)
		return NULL;
	t = utf8_one_line(s, max);
	if (!*t) {
		free(t);
		return NULL;
	}
	return t;
}

/* The rows of an item's line: title, summary and link, each one line. */
static char *item_text(const struct feed_entry *e)
{
	char *title = clean(e->title, FEED_TITLE_MAX);
	char *summary = clean(e->summary, FEED_SUMMARY_MAX);
	char *link = clean(e->link, FEED_TITLE_MAX);
	char *t;

	if (!title && !summary)
		title = xstrdup("(no title)");
	t = xasprintf("%s%s%s%s%s", title ? title : summary,
		      title && summary ? "\n" : "",
		      title && summary ? summary : "", link ? "\n" : "",
		      link ? link : "");
	free(title);
	free(summary);
	free(link);
	return t;
}

bool feed_item(struct app *app, struct window *w,
	       const struct feed_entry *e, time_t now)
{
	char *id = clean(e->id, FEED_TITLE_MAX);
	char *nick, *text;
	struct line *l = id ? win_find_msg(w, id) : NULL;
	time_t ts = e->ts > 0 && e->ts <= now ? e->ts : now;
	bool made = false;

	if (e->other) {
		char *what = clean(e->other, FEED_TITLE_MAX);

		text = xasprintf("item %s: %s (not an Atom entry)",
				 id ? id : "without an id", what ? what : "?");
		nick = xstrdup(w->feed->service);
		free(what);
	} else {
		text = item_text(e);
		nick = clean(e->author, FEED_TITLE_MAX);
		if (!nick)
			nick = xstrdup(w->feed->service);
	}
	if (l) {
		/* published again under its id: the new text in its place */
		free(l->nick);
		l->nick = nick;
		nick = NULL;
		win_line_edit(w, l, text, 0, 0);
		win_note_links(w, l->text);
	} else if (win_insert_msg(w, ts, LINE_MSG_IN, 0, nick, text, id)) {
		made = true;
		w->feed->items++;
		if (app->wins[app->cur_win] != w)
			w->unread++;
	}
	w->generation++;
	app->dirty = true;
	free(nick);
	free(text);
	free(id);
	return made;
}

void feed_retracted(struct app *app, struct window *w, const char *id)
{
	char *t = clean(id, FEED_TITLE_MAX);
	char *text = t ? xasprintf("Item %s was taken back by the publisher", t) :
			 xstrdup("The publisher purged every item of this feed");

	win_add(w, time(NULL), LINE_INFO, text);
	free(text);
	free(t);
	w->generation++;
	app->dirty = true;
}

void feed_entry_clear(struct feed_entry *e)
{
	free(e->id);
	free(e->title);
	free(e->author);
	free(e->link);
	free(e->summary);
	free(e->other);
	memset(e, 0, sizeof *e);
}

void feed_free(struct feed **f)
{
	if (!*f)
		return;
	free((*f)->service);
	free((*f)->node);
	free(*f);
	*f = NULL;
}
