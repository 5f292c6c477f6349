/* window: a capped ring of sanitised lines (see window.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/window.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct window *win_new(const char *name, size_t cap)
{
	struct window *w = xcalloc(1, sizeof *w);

	w->name = xstrdup(name);
	w->cap = cap ? cap : 1;
	w->lines = xcalloc(w->cap, sizeof *w->lines);
	return w;
}

void win_clear(struct window *w)
{
	size_t i;

	for (i = 0; i < w->count; i++)
		free(w->lines[(w->start + i) % w->cap].text);
	w->start = w->count = 0;
	w->generation++;
}

void win_free(struct window **wp)
{
	struct window *w = *wp;

	if (!w)
		return;
	win_clear(w);
	free(w->lines);
	free(w->name);
	free(w);
	*wp = NULL;
}

static void push(struct window *w, time_t ts, enum line_kind kind, char *text)
{
	struct line *l;

	if (w->count == w->cap) {
		l = &w->lines[w->start];
		free(l->text);
		w->start = (w->start + 1) % w->cap;
		w->count--;
	}
	l = &w->lines[(w->start + w->count) % w->cap];
	l->ts = ts;
	l->kind = kind;
	l->text = text;
	w->count++;
}

void win_add(struct window *w, time_t ts, enum line_kind kind,
	     const char *text)
{
	char *clean = utf8_sanitize(text, UTF8_KEEP_NEWLINES);
	char *p = clean, *nl;

	while ((nl = strchr(p, '\n'))) {
		push(w, ts, kind, xstrndup(p, (size_t)(nl - p)));
		p = nl + 1;
	}
	push(w, ts, kind, xstrdup(p));
	free(clean);
	w->generation++;
}

const struct line *win_line(const struct window *w, size_t i)
{
	if (i >= w->count)
		return NULL;
	return &w->lines[(w->start + i) % w->cap];
}
