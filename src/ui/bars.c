/* bars: the title line (its text is the current window's view's: who
 * a conversation is with, their presence and chat state, a room's
 * occupants, ...) and the status bar (accounts' states and the window
 * list with unread counts, "(2!)" where a highlight is among them, and
 * the windows that rang in the status_highlight colour).
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "ui/uiint.h"
#include "util/utf8.h"
#include "util/xmem.h"

static const char *const state_words[] = {
	[ACC_OFFLINE] = "offline",     [ACC_CONNECTING] = "connecting",
	[ACC_ONLINE] = "online",       [ACC_WAITING] = "reconnecting",
	[ACC_FAILED] = "failed",
};

static attr_t bar_attr(struct ui *ui)
{
	return UI_ATTR(ui, TH_STATUS);
}

void bars_title(struct app *app, int row, int left, int cols)
{
	struct ui *ui = app->ui;
	struct window *w = app->wins[app->cur_win];
	char *t = winview_of(w)->title(app, w);

	attron(UI_ATTR(ui, TH_TITLE));
	mvhline(row, left, ' ', cols);
	mvaddnstr(row, left, t, (int)ui_fit(t, (size_t)cols));
	attroff(UI_ATTR(ui, TH_TITLE));
	free(t);
}

/* Appends a formatted piece to *buf (of *len bytes, *cap allocated). */
static void bar_append(char **buf, size_t *len, size_t *cap, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));

static void bar_append(char **buf, size_t *len, size_t *cap, const char *fmt,
		       ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	xgrow((void **)buf, cap, *len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(*buf + *len, *cap - *len, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
}

/* Whether w's entry is drawn in the highlight colour: it rang (a
 * highlight, or a conversation's unread message). */
static bool rang(const struct window *w)
{
	return w->highlight || (w->unread && w->kind == WIN_CHAT);
}

/* n with a comma between each three digits, in buf. */
static void thousands(size_t n, char *buf, size_t size)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof digits, "%zu", n);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* ", archive: 3,200/10,000" while a catch-up runs (without the total
 * when the archive did not tell it). */
static void archive_progress(char **buf, size_t *len, size_t *cap,
			     const struct account *a)
{
	char got[32], total[32];

	thousands(a->archive_got, got, sizeof got);
	thousands(a->archive_total, total, sizeof total);
	if (a->archive_total)
		bar_append(buf, len, cap, ", archive: %s/%s", got, total);
	else
		bar_append(buf, len, cap, ", archive: %s", got);
}

/* The status bar's text; [from[i], to[i]) are the bytes of window i's
 * entry (from and to hold app->nwins each). */
static char *status_text(const struct app *app, bool more, size_t *from,
			 size_t *to)
{
	char *buf = NULL, *xfers;
	size_t i, len = 0, cap = 0;

	bar_append(&buf, &len, &cap, "%s", "");
	for (i = 0; i < app->naccounts; i++) {
		const struct account *a = app->accounts[i];

		bar_append(&buf, &len, &cap, " %s: %s", a->conf->name,
			   state_words[a->state]);
		if (a->archive_syncing && a->state == ACC_ONLINE)
			archive_progress(&buf, &len, &cap, a);
		bar_append(&buf, &len, &cap, "%s", " |");
	}
	if ((xfers = transfernotify_summary(app))) {
		bar_append(&buf, &len, &cap, "%s", xfers);
		free(xfers);
	}
	for (i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		from[i] = len + 1; /* after the space */
		/* "(2!)": 2 unread, a highlight among them */
		if (w->unread || w->highlight)
			bar_append(&buf, &len, &cap, " [%zu:%s(%u%s)]", i + 1,
				   w->name, w->unread, w->highlight ? "!" : "");
		else
			bar_append(&buf, &len, &cap, " [%zu:%s]", i + 1,
				   w->name);
		to[i] = len;
	}
	if (more)
		bar_append(&buf, &len, &cap, "%s", " -- more --");
	return buf;
}

char *bars_status_text(const struct app *app, bool more, size_t *cur_from,
		       size_t *cur_to)
{
	size_t *from = xcalloc(app->nwins, sizeof *from);
	size_t *to = xcalloc(app->nwins, sizeof *to);
	char *buf = status_text(app, more, from, to);

	/* the space before the entry counts as the entry's */
	*cur_from = from[app->cur_win] - 1;
	*cur_to = to[app->cur_win];
	free(from);
	free(to);
	return buf;
}

/* Redraws buf's bytes [from, to) on row with attr a, where they are
 * visible in cols columns. */
static void bar_segment(const char *buf, size_t from, size_t to, int row,
			int cols, attr_t a)
{
	char *head = xstrndup(buf, from);
	char *seg = xstrndup(buf + from, to - from);
	size_t lead = utf8_width(head);

	if (lead < (size_t)cols) {
		attron(a);
		mvaddnstr(row, (int)lead, seg,
			  (int)ui_fit(seg, (size_t)cols - lead));
		attroff(a);
	}
	free(head);
	free(seg);
}

void bars_status(struct app *app, int row, int cols)
{
	struct ui *ui = app->ui;
	size_t *from = xcalloc(app->nwins, sizeof *from);
	size_t *to = xcalloc(app->nwins, sizeof *to);
	size_t i;
	/* built as a string and clipped: printw would wrap onto the
	 * command line on a narrow terminal */
	char *buf = status_text(app, ui->scroll > 0, from, to);

	attron(bar_attr(ui));
	mvhline(row, 0, ' ', cols);
	mvaddnstr(row, 0, buf, (int)ui_fit(buf, (size_t)cols));
	attroff(bar_attr(ui));
	/* windows that rang in the highlight colour; the current window's
	 * entry in bold, where it is visible */
	for (i = 0; i < app->nwins; i++) {
		bool hl = rang(app->wins[i]);

		if (!hl && i != app->cur_win)
			continue;
		bar_segment(buf, i == app->cur_win ? from[i] - 1 : from[i],
			    to[i], row, cols,
			    UI_ATTR(ui, hl ? TH_STATUS_HIGHLIGHT : TH_STATUS) |
				    (i == app->cur_win ? A_BOLD : 0));
	}
	free(from);
	free(to);
	free(buf);
}
