/* bars: the title line (its text is the current window's view's: who
 * a conversation is with, their presence and chat state, a room's
 * occupants, ...) and the status bar (accounts' states and the window
 * list with unread counts).
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

char *bars_status_text(const struct app *app, bool more, size_t *cur_from,
		       size_t *cur_to)
{
	char *buf = NULL;
	size_t i, len = 0, cap = 0;

	*cur_from = *cur_to = 0;
	bar_append(&buf, &len, &cap, "%s", "");
	for (i = 0; i < app->naccounts; i++)
		bar_append(&buf, &len, &cap, " %s: %s |",
			   app->accounts[i]->conf->name,
			   state_words[app->accounts[i]->state]);
	for (i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (i == app->cur_win)
			*cur_from = len;
		if (w->unread)
			bar_append(&buf, &len, &cap, " [%zu:%s(%u)]", i + 1,
				   w->name, w->unread);
		else
			bar_append(&buf, &len, &cap, " [%zu:%s]", i + 1,
				   w->name);
		if (i == app->cur_win)
			*cur_to = len;
	}
	if (more)
		bar_append(&buf, &len, &cap, "%s", " -- more --");
	return buf;
}

void bars_status(struct app *app, int row, int cols)
{
	struct ui *ui = app->ui;
	size_t cur_from, cur_to;
	/* built as a string and clipped: printw would wrap onto the
	 * command line on a narrow terminal */
	char *buf = bars_status_text(app, ui->scroll > 0, &cur_from, &cur_to);

	attron(bar_attr(ui));
	mvhline(row, 0, ' ', cols);
	mvaddnstr(row, 0, buf, (int)ui_fit(buf, (size_t)cols));
	/* the current window's entry in bold, where it is visible */
	if (cur_to > cur_from) {
		char *head = xstrndup(buf, cur_from);
		char *seg = xstrndup(buf + cur_from, cur_to - cur_from);
		size_t lead = utf8_width(head);

		if (lead < (size_t)cols) {
			attron(A_BOLD);
			mvaddnstr(row, (int)lead, seg,
				  (int)ui_fit(seg, (size_t)cols - lead));
			attroff(A_BOLD);
		}
		free(head);
		free(seg);
	}
	attroff(bar_attr(ui));
	free(buf);
}
