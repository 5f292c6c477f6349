/* window: the model of one window's content (the console, later one per
 * conversation).
 *
 * A window holds a ring of lines, newest last, capped at `cap` lines;
 * older lines fall off (issue: they come back from history later). Each
 * line owns its text, which win_add() has passed through the sanitiser,
 * so what the model holds is always safe to draw.
 */
#ifndef NATTER_CORE_WINDOW_H
#define NATTER_CORE_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum line_kind { LINE_INFO, LINE_ERROR, LINE_WARN, LINE_OK, LINE_PLAIN };

struct line {
	time_t ts;
	enum line_kind kind;
	char *text;
};

struct window {
	char *name;
	struct line *lines; /* ring of cap entries */
	size_t cap, start, count;
	unsigned unread;
	uint64_t generation; /* bumped on every change */
};

struct window *win_new(const char *name, size_t cap);
void win_free(struct window **w);
/* Appends a line; text is sanitised (newlines split it into lines). */
void win_add(struct window *w, time_t ts, enum line_kind kind,
	     const char *text);
/* The i-th line, 0 being the oldest kept; NULL past the end. */
const struct line *win_line(const struct window *w, size_t i);
void win_clear(struct window *w);

#endif
