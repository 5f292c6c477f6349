/* bars: the title line (who the current window is with, their presence
 * and chat state) and the status bar (accounts' states and the window
 * list with unread counts).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "ui/uiint.h"

static const char *const state_words[] = {
	[ACC_OFFLINE] = "offline",     [ACC_CONNECTING] = "connecting",
	[ACC_ONLINE] = "online",       [ACC_WAITING] = "reconnecting",
	[ACC_FAILED] = "failed",
};

static const char *const chat_state_words[] = {
	[CHAT_NONE] = NULL,         [CHAT_ACTIVE] = NULL,
	[CHAT_COMPOSING] = "typing…", [CHAT_PAUSED] = "stopped typing",
	[CHAT_INACTIVE] = "inactive", [CHAT_GONE] = "left the conversation",
};

static attr_t bar_attr(struct ui *ui)
{
	return UI_ATTR(ui, TH_STATUS);
}

void bars_title(struct app *app, int row, int left, int cols)
{
	struct ui *ui = app->ui;
	struct window *w = app->wins[app->cur_win];

	attron(UI_ATTR(ui, TH_TITLE));
	mvhline(row, left, ' ', cols);
	if (w->kind == WIN_CONSOLE) {
		mvaddnstr(row, left, " natter console: messages from natter and the servers",
			  cols);
	} else {
		struct roster_item *it = roster_get(&w->acc->roster, w->jid);
		const char *cs = chat_state_words[w->peer_state];
		char buf[1024];

		snprintf(buf, sizeof buf, " %s <%s%s%s>%s%s%s%s",
			 w->name, w->jid, w->resource ? "/" : "",
			 w->resource ? w->resource : "",
			 it ? " — " : " — not in your roster",
			 it ? presence_show_name(it->best) : "",
			 it && it->status ? ": " : "",
			 it && it->status ? it->status : "");
		mvaddnstr(row, left, buf, cols);
		if (cs)
			printw(" (%s)", cs);
	}
	attroff(UI_ATTR(ui, TH_TITLE));
}

void bars_status(struct app *app, int row, int cols)
{
	struct ui *ui = app->ui;
	size_t i;

	attron(bar_attr(ui));
	mvhline(row, 0, ' ', cols);
	move(row, 0);
	for (i = 0; i < app->naccounts; i++)
		printw(" %s: %s |", app->accounts[i]->conf->name,
		       state_words[app->accounts[i]->state]);
	for (i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (i == app->cur_win)
			attron(A_BOLD);
		if (w->unread)
			printw(" [%zu:%s(%u)]", i + 1, w->name, w->unread);
		else
			printw(" [%zu:%s]", i + 1, w->name);
		if (i == app->cur_win)
			attroff(A_BOLD);
	}
	if (ui->scroll)
		printw(" -- more --");
	attroff(bar_attr(ui));
}
