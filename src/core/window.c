/* window: a capped ring of sanitised lines (see window.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/dialog.h"
#include "core/disco.h"
#include "core/picture.h"
#include "core/room.h"
#include "core/window.h"
#include "core/xmlconsole.h"
#include "core/feed.h"
#include "util/url.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct window *win_new(enum win_kind kind, const char *name, size_t cap)
{
	struct window *w = xcalloc(1, sizeof *w);

	w->kind = kind;
	w->name = utf8_sanitize(name, 0);
	w->cap = cap ? cap : 1;
	/* the ring grows as lines come: most windows hold a few lines, and
	 * thousands of them (strangers = "open") must stay cheap */
	return w;
}

static void line_clear(struct line *l)
{
	free(l->nick);
	free(l->text);
	free(l->id);
	free(l->sid);
	free(l->device);
	free(l->quote);
	memset(l, 0, sizeof *l);
}

void win_clear(struct window *w)
{
	size_t i;

	for (i = 0; i < w->count; i++)
		line_clear(&w->lines[(w->start + i) % w->nalloc]);
	w->start = w->count = 0;
	w->generation++;
}

void win_free(struct window **wp)
{
	struct window *w = *wp;

	if (!w)
		return;
	win_clear(w);
	for (size_t i = 0; i < w->ntyped; i++)
		free(w->typed[i]);
	free(w->typed);
	for (size_t i = 0; i < w->nlinks; i++)
		free(w->links[i]);
	free(w->lines);
	free(w->name);
	free(w->jid);
	free(w->resource);
	dialog_free(&w->dialog);
	disco_free(&w->disco);
	room_free(&w->room);
	xmlconsole_free(&w->xmlconsole);
	picture_free(&w->picture);
	feed_free(&w->feed);
	free(w);
	*wp = NULL;
}

/* Smallest ring a window allocates for its first line. */
#define WIN_FIRST_SLOTS 16

/* When the ring is full but below the cap, doubles it (at most to the
 * cap), copying the lines oldest first so that start is 0 again. */
static void grow(struct window *w)
{
	struct line *lines;
	size_t n, i;

	if (w->count < w->nalloc || w->nalloc == w->cap)
		return;
	n = w->nalloc ? w->nalloc * 2 : WIN_FIRST_SLOTS;
	if (n > w->cap)
		n = w->cap;
	lines = xcalloc(n, sizeof *lines);
	for (i = 0; i < w->count; i++)
		lines[i] = w->lines[(w->start + i) % w->nalloc];
	free(w->lines);
	w->lines = lines;
	w->nalloc = n;
	w->start = 0;
}

/* Makes room at the end of the ring and returns the new, zeroed slot. */
static struct line *push(struct window *w)
{
	struct line *l;

	grow(w);
	if (w->count == w->cap) {
		line_clear(&w->lines[w->start]);
		w->start = (w->start + 1) % w->nalloc;
		w->count--;
	}
	l = &w->lines[(w->start + w->count) % w->nalloc];
	w->count++;
	w->generation++;
	return l;
}

/* The sanitised copy of remote or formatted text that a line keeps:
 * controls gone, newlines kept (the view draws what follows one as an
 * indented continuation row of the same line), trailing newlines
 * dropped so a line never ends in an empty row. The caller frees it. */
static char *line_text(const char *text)
{
	char *clean = utf8_sanitize(text, UTF8_KEEP_NEWLINES);
	size_t n = strlen(clean);

	while (n > 0 && clean[n - 1] == '\n')
		clean[--n] = '\0';
	return clean;
}

void win_add(struct window *w, time_t ts, enum line_kind kind,
	     const char *text)
{
	struct line *l = push(w);

	l->ts = ts;
	l->kind = kind;
	l->text = line_text(text);
}

struct line *win_add_msg(struct window *w, time_t ts, enum line_kind kind,
			 unsigned flags, const char *nick, const char *text,
			 const char *id)
{
	struct line *l = push(w);

	l->ts = ts;
	l->kind = kind;
	l->flags = flags;
	l->nick = nick ? utf8_sanitize(nick, 0) : NULL;
	l->text = line_text(text);
	l->id = id ? xstrdup(id) : NULL;
	if (kind == LINE_MSG_IN || kind == LINE_MSG_OUT)
		win_note_links(w, l->text);
	return l;
}

void win_note_links(struct window *w, const char *text)
{
	const char *p = text, *u;
	size_t len, i;

	while (url_next(p, &u, &len)) {
		char *url = xstrndup(u, len);

		p = u + len;
		for (i = 0; i < w->nlinks; i++)
			if (strcmp(w->links[i], url) == 0)
				break;
		if (i < w->nlinks) { /* seen again: the newest now */
			free(w->links[i]);
		} else if (w->nlinks == WIN_LINKS) {
			free(w->links[0]);
			i = 0;
		} else {
			i = w->nlinks++;
		}
		memmove(&w->links[i], &w->links[i + 1],
			(w->nlinks - 1 - i) * sizeof *w->links);
		w->links[w->nlinks - 1] = url;
	}
}

const char *win_link(const struct window *w, size_t n)
{
	return n >= 1 && n <= w->nlinks ? w->links[w->nlinks - n] : NULL;
}

struct line *win_prepend_msg(struct window *w, time_t ts,
			     enum line_kind kind, unsigned flags,
			     const char *nick, const char *text)
{
	struct line *l;

	if (w->count == w->cap)
		return NULL; /* full: older lines would fall off at once */
	grow(w);
	w->start = (w->start + w->nalloc - 1) % w->nalloc;
	w->count++;
	l = &w->lines[w->start];
	l->ts = ts;
	l->kind = kind;
	l->flags = flags;
	l->nick = nick ? utf8_sanitize(nick, 0) : NULL;
	l->text = line_text(text);
	w->generation++;
	return l;
}

void win_line_set_device(struct window *w, struct line *l,
			 const char *device)
{
	free(l->device);
	l->device = device && *device ? utf8_sanitize(device, 0) : NULL;
	w->generation++;
}

bool win_mark_received(struct window *w, const char *id)
{
	size_t i;

	/* receipts come for recent messages: search from the newest */
	for (i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		/* only what we sent: a peer's lines have ids too */
		if (l->kind == LINE_MSG_OUT && l->id &&
		    strcmp(l->id, id) == 0) {
			l->flags |= LINE_RECEIVED;
			w->generation++;
			return true;
		}
	}
	return false;
}

bool win_mark_delivery(struct window *w, const char *id, unsigned st)
{
	size_t i;

	for (i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		/* only what we sent: a peer's lines have ids too */
		if (l->kind == LINE_MSG_OUT && l->id &&
		    strcmp(l->id, id) == 0) {
			l->flags = (l->flags & ~LINE_DELIVERY) | st;
			w->generation++;
			return true;
		}
	}
	return false;
}

struct line *win_find_msg(struct window *w, const char *id)
{
	size_t i;

	if (!id || !*id)
		return NULL;
	/* what names a line is recent, mostly: from the newest */
	for (i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		if (l->kind != LINE_MSG_IN && l->kind != LINE_MSG_OUT)
			continue;
		if ((l->id && strcmp(l->id, id) == 0) ||
		    (l->sid && strcmp(l->sid, id) == 0))
			return l;
	}
	return NULL;
}

void win_line_set_sid(struct window *w, struct line *l, const char *sid)
{
	free(l->sid);
	l->sid = sid ? xstrdup(sid) : NULL;
	w->generation++;
}

void win_line_edit(struct window *w, struct line *l, const char *text,
		   unsigned set, unsigned clear)
{
	free(l->text);
	l->text = line_text(text);
	l->flags = (l->flags & ~clear) | set;
	w->generation++;
}

struct line *win_find_id(struct window *w, const char *id)
{
	for (size_t i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		/* a message's id is its sender's to choose: never one of
		 * natter's own keys */
		if (l->kind != LINE_MSG_IN && l->kind != LINE_MSG_OUT &&
		    l->id && strcmp(l->id, id) == 0)
			return l;
	}
	return NULL;
}

const struct line *win_line(const struct window *w, size_t i)
{
	if (i >= w->count)
		return NULL;
	return &w->lines[(w->start + i) % w->nalloc];
}

/* Inserts a line before the pos-th (pos < count). */
static struct line *insert_at(struct window *w, size_t pos, time_t ts,
			      enum line_kind kind, unsigned flags,
			      const char *nick, const char *text,
			      const char *id)
{
	struct line l;
	size_t i;

	if (pos == 0 && w->count == w->cap)
		return NULL; /* it would fall off at once */
	l = (struct line){ .ts = ts, .kind = kind, .flags = flags,
			   .nick = nick ? utf8_sanitize(nick, 0) : NULL,
			   .text = line_text(text),
			   .id = id ? xstrdup(id) : NULL };
	if (w->count == w->cap)
		pos--; /* push() drops the oldest line */
	(void)push(w);
	/* the new slot is the last: move the newer lines up by one */
	for (i = w->count - 1; i > pos; i--)
		w->lines[(w->start + i) % w->nalloc] =
			w->lines[(w->start + i - 1) % w->nalloc];
	w->lines[(w->start + pos) % w->nalloc] = l;
	if (kind == LINE_MSG_IN || kind == LINE_MSG_OUT)
		win_note_links(w, l.text);
	return &w->lines[(w->start + pos) % w->nalloc];
}

struct line *win_insert_msg(struct window *w, time_t ts, enum line_kind kind,
			    unsigned flags, const char *nick,
			    const char *text, const char *id)
{
	size_t pos = w->count;

	while (pos > 0 && win_line(w, pos - 1)->ts > ts)
		pos--;
	if (pos == w->count)
		return win_add_msg(w, ts, kind, flags, nick, text, id);
	return insert_at(w, pos, ts, kind, flags, nick, text, id);
}

struct line *win_insert_msg_at(struct window *w, size_t at, time_t ts,
			       enum line_kind kind, unsigned flags,
			       const char *nick, const char *text,
			       const char *id)
{
	if (at >= w->count)
		return win_add_msg(w, ts, kind, flags, nick, text, id);
	return insert_at(w, at, ts, kind, flags, nick, text, id);
}
