/* alert: the terminal bell and title for what asks for the user's
 * attention (core/attention.h decides what does).
 *
 * EV_ATTENTION only notes that a ring is due; the next draw rings the
 * bell once (with `bell = true`), so a flood between two draws is one
 * ring. With `title = true` the terminal's title is saved on its title
 * stack at start (XTWINOPS 22), shows "natter" or "natter (N)", N being
 * attention_waiting(), rewritten only when N changes, and is taken back
 * from the stack at exit (XTWINOPS 23), which restores the user's own
 * title on terminals that keep one (xterm, VTE, kitty, tmux, ...). The
 * title holds our own words and a number only: no remote text.
 */
#include "config.h"

#include <stdlib.h>

#include "core/app.h"
#include "core/attention.h"
#include "ui/uiint.h"
#include "util/xmem.h"

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct ui *ui = app->ui;

	(void)ud;
	if (ev->type != EV_ATTENTION || !ui)
		return;
	if (app->cfg.bell)
		ui->bell_due = true;
	app->dirty = true;
}

char *alert_title(unsigned n)
{
	return n ? xasprintf("natter (%u)", n) : xstrdup("natter");
}

/* OSC 2: the window title. */
static void set_title(unsigned n)
{
	char *t = alert_title(n), *seq = xasprintf("\033]2;%s\007", t);

	ui_term_write(seq);
	free(seq);
	free(t);
}

void alert_init(struct app *app)
{
	struct ui *ui = app->ui;

	ui->title_count = -1;
	event_subscribe(app, on_event, NULL);
	if (app->cfg.title)
		ui_term_write("\033[22;2t"); /* push the title */
}

void alert_draw(struct app *app)
{
	struct ui *ui = app->ui;
	unsigned n;

	if (ui->bell_due) {
		ui->bell_due = false;
		beep();
	}
	if (!app->cfg.title)
		return;
	n = attention_waiting(app);
	if (ui->title_count != (long)n) {
		ui->title_count = (long)n;
		set_title(n);
	}
}

void alert_end(struct app *app)
{
	(void)app->ui;
	if (app->cfg.title)
		ui_term_write("\033[23;2t"); /* pop it: the old title */
}
