/* ui: curses set-up, layout and keys.
 *
 * Layout, top to bottom: the title line, the roster pane beside the
 * current window's lines, the status bar, the command line. Drawing
 * redoes the whole screen into curses' buffer and lets doupdate() send
 * only what changed, which is cheap and keeps the code free of
 * partial-update bookkeeping; it happens only when the model changed.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/conv.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* Key codes we define for the bracketed-paste markers. */
#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)

/* The pane needs this many columns left for the chat to be useful. */
#define MIN_CHAT_COLS 30
/* After this long without a key, "composing" becomes "paused". */
#define PAUSED_AFTER_MS 10000

/* Writes a mode-setting sequence curses has no capability for. */
static void term_write(const char *seq)
{
	fflush(stdout);
	if (write(STDOUT_FILENO, seq, strlen(seq)) < 0) {
		/* the terminal is gone; nothing to set */
	}
}

static void init_colors(struct ui *ui)
{
	static const short pairs[][3] = {
		{ PAIR_ERROR, COLOR_RED, -1 },     { PAIR_OK, COLOR_GREEN, -1 },
		{ PAIR_WARN, COLOR_YELLOW, -1 },   { PAIR_INFO, COLOR_CYAN, -1 },
		{ PAIR_STATUS, COLOR_WHITE, COLOR_BLUE },
		{ PAIR_NICK_IN, COLOR_MAGENTA, -1 }, { PAIR_NICK_OUT, COLOR_BLUE, -1 },
		{ PAIR_ONLINE, COLOR_GREEN, -1 },  { PAIR_AWAY, COLOR_YELLOW, -1 },
		{ PAIR_DND, COLOR_RED, -1 },       { PAIR_OFFLINE, -1, -1 },
		{ PAIR_GROUP, COLOR_CYAN, -1 },
	};
	size_t i;

	if (!has_colors())
		return;
	start_color();
	use_default_colors();
	for (i = 0; i < sizeof pairs / sizeof *pairs; i++)
		init_pair(pairs[i][0], pairs[i][1], pairs[i][2]);
	ui->colors = 1;
}

int ui_init(struct app *app)
{
	struct ui *ui;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -1;
	ui = xcalloc(1, sizeof *ui);
	setlocale(LC_ALL, "");
	ui->screen = newterm(NULL, stdout, stdin);
	if (!ui->screen) {
		free(ui);
		return -1;
	}
	set_term(ui->screen);
	raw(); /* Ctrl-S, Ctrl-Q, Ctrl-C reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	init_colors(ui);
	/* bracketed paste: a pasted block arrives between these markers, so
	 * its newlines become part of one message instead of sending it */
	define_key("\033[200~", KEY_PASTE_BEGIN);
	define_key("\033[201~", KEY_PASTE_END);
	term_write("\033[?2004h");
	input_init(&ui->in);
	ui->pane.visible = app->cfg.roster_visible;
	ui->pane.width = app->cfg.roster_width;
	ui->pane.stale = true;
	app->ui = ui;
	ui_notify_init(app);
	app->dirty = true;
	return 0;
}

void ui_end(struct app *app)
{
	struct ui *ui = app->ui;

	if (!ui)
		return;
	endwin();
	term_write("\033[?2004l");
	delscreen(ui->screen);
	input_clear(&ui->in);
	complete_reset(&ui->comp);
	free(ui->pane.rows);
	free(ui);
	app->ui = NULL;
}

/* The input as shown: newlines of a multi-line message appear as a
 * return mark. Returns a new string; *cursor is mapped into it. */
static char *input_display(const struct input *in, size_t *cursor)
{
	static const char mark[] = "\u21b5";
	char *out = xmalloc(in->len * 3 + 1);
	size_t i, o = 0;

	for (i = 0; i < in->len; i++) {
		if (i == in->cursor)
			*cursor = o;
		if (in->buf[i] == '\n') {
			memcpy(out + o, mark, sizeof mark - 1);
			o += sizeof mark - 1;
		} else {
			out[o++] = in->buf[i];
		}
	}
	if (in->cursor >= in->len)
		*cursor = o;
	out[o] = '\0';
	return out;
}

static void draw_input(struct app *app, int row, int cols)
{
	struct ui *ui = app->ui;
	size_t cur = 0, start = 0, before;
	size_t avail = cols > 3 ? (size_t)cols - 3 : 1;
	char *buf = input_display(&ui->in, &cur);

	/* scroll horizontally so the cursor stays visible */
	for (;;) {
		char *head = xstrndup(buf + start, cur - start);

		before = utf8_width(head);
		free(head);
		if (before < avail || start >= cur)
			break;
		start += ui_fit(buf + start, 1);
	}
	if (ui->in.searching) {
		/* the match is shown after the query, cursor in the query */
		char *q = utf8_sanitize(ui->in.query, 0);

		mvprintw(row, 0, "(search '%s'): ", q);
		addnstr(buf, (int)ui_fit(buf, (size_t)cols));
		move(row, 9 + (int)utf8_width(q));
		free(q);
		free(buf);
		return;
	}
	mvaddstr(row, 0, "> ");
	addnstr(buf + start, (int)ui_fit(buf + start, (size_t)cols - 2));
	move(row, 2 + (int)before);
	free(buf);
}

void ui_draw(struct app *app)
{
	struct ui *ui = app->ui;
	int rows, cols, left = 0;

	if (!ui || !app->dirty)
		return;
	app->dirty = false;
	getmaxyx(stdscr, rows, cols);
	erase();
	if (rows >= 4) {
		if (ui->pane.visible && cols >= ui->pane.width + MIN_CHAT_COLS) {
			rpane_draw(app, 1, rows - 3);
			left = ui->pane.width;
		}
		bars_title(app, 0, left, cols - left);
		view_draw(app, 1, left, rows - 3, cols - left);
		bars_status(app, rows - 2, cols);
	}
	draw_input(app, rows - 1, cols);
	wnoutrefresh(stdscr);
	doupdate();
}

void ui_resize(struct app *app)
{
	struct winsize ws;

	if (!app->ui)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	app->dirty = true;
}

static struct window *cur(struct app *app)
{
	return app->wins[app->cur_win];
}

static void paused_cb(struct loop *l, void *ud)
{
	struct app *app = ud;
	struct ui *ui = app->ui;
	struct window *w = cur(app);

	(void)l;
	ui->composing_timer = 0;
	if (ui->composing && w->kind == WIN_CHAT)
		xs_send_chat_state(app, w->acc, w->jid, w->resource, CHAT_PAUSED);
	ui->composing = false;
}

/* Tells the peer we are typing (XEP-0085), once per burst. */
static void typing(struct app *app)
{
	struct ui *ui = app->ui;
	struct window *w = cur(app);

	if (w->kind != WIN_CHAT || !app->cfg.chat_states)
		return;
	if (!ui->composing &&
	    xs_send_chat_state(app, w->acc, w->jid, w->resource,
			       CHAT_COMPOSING) == 0)
		ui->composing = true;
	loop_timer_cancel(app->loop, ui->composing_timer);
	ui->composing_timer = loop_timer_add(app->loop, PAUSED_AFTER_MS,
					     paused_cb, app);
}

static void send_text(struct app *app, const char *text)
{
	struct ui *ui = app->ui;
	struct window *w = cur(app);

	if (w->kind != WIN_CHAT) {
		app_print(app, LINE_ERROR,
			  "This window has no conversation: commands start with / (try /help)");
		return;
	}
	loop_timer_cancel(app->loop, ui->composing_timer);
	ui->composing_timer = 0;
	ui->composing = false;
	if (xs_send_chat(app, w->acc, w->jid, w->resource, text) < 0)
		win_add(w, time(NULL), LINE_ERROR,
			"Not sent: this account is not connected (/connect)");
}

static void submit(struct app *app)
{
	struct ui *ui = app->ui;
	char *line = input_take(&ui->in);

	ui->scroll = 0;
	if (line[0] == '/' && line[1] != '/')
		cmd_run(app, line);
	else if (line[0])
		send_text(app, line[0] == '/' ? line + 1 : line); /* "//" escapes */
	free(line);
}

static void scroll_by(struct app *app, long delta)
{
	struct ui *ui = app->ui;
	long s = (long)ui->scroll + delta;

	ui->scroll = s < 0 ? 0 : (size_t)s;
}

/* Alt-A: the next window with unread lines, after the current one. */
static void next_unread(struct app *app)
{
	size_t i;

	for (i = 1; i < app->nwins; i++) {
		size_t idx = (app->cur_win + i) % app->nwins;

		if (app->wins[idx]->unread) {
			app_select(app, idx);
			return;
		}
	}
}

static void select_rel(struct app *app, long d)
{
	long n = (long)app->nwins;

	app_select(app, (size_t)((((long)app->cur_win + d) % n + n) % n));
	((struct ui *)app->ui)->scroll = 0;
}

static void on_alt(struct app *app, wint_t k)
{
	struct ui *ui = app->ui;

	if (k >= '1' && k <= '9')
		app_select(app, (size_t)(k - '1'));
	else if (k == '0')
		app_select(app, 9);
	else if (k == 'a' || k == 'A')
		next_unread(app);
	else if (k == 'r' || k == 'R')
		ui->pane.visible = !ui->pane.visible;
	else if (k == 'o' || k == 'O') {
		ui->pane.show_offline = !ui->pane.show_offline;
		ui->pane.stale = true;
	} else if (k == '\r' || k == '\n')
		input_insert(&ui->in, '\n'); /* Alt-Enter: a new line */
	else if (k == 'b')
		input_word_left(&ui->in);
	else if (k == 'f')
		input_word_right(&ui->in);
	ui->scroll = 0;
}

static void on_fkey(struct app *app, wint_t k)
{
	struct ui *ui = app->ui;
	struct input *in = &ui->in;
	int page = LINES > 6 ? LINES - 6 : 1;
	const char *name = keyname((int)k);

	switch (k) {
	case KEY_PASTE_BEGIN: ui->pasting = true; return;
	case KEY_PASTE_END: ui->pasting = false; return;
	case KEY_BTAB: return;
	case KEY_ENTER: submit(app); return;
	case KEY_BACKSPACE: input_backspace(in); return;
	case KEY_DC: input_delete(in); return;
	case KEY_LEFT: input_left(in); return;
	case KEY_RIGHT: input_right(in); return;
	case KEY_HOME: input_home(in); return;
	case KEY_END: input_end(in); return;
	case KEY_UP: input_hist_prev(in); return;
	case KEY_DOWN: input_hist_next(in); return;
	case KEY_PPAGE: scroll_by(app, page); return;
	case KEY_NPAGE: scroll_by(app, -page); return;
	case KEY_F(2): ui->pane.visible = !ui->pane.visible; return;
	case KEY_RESIZE: ui_resize(app); return;
	default: break;
	}
	/* xterm's modified arrows: Alt-Left/Right switch windows */
	if (name && strcmp(name, "kLFT3") == 0)
		select_rel(app, -1);
	else if (name && strcmp(name, "kRIT3") == 0)
		select_rel(app, 1);
	else if (name && strcmp(name, "kLFT5") == 0)
		input_word_left(in);
	else if (name && strcmp(name, "kRIT5") == 0)
		input_word_right(in);
}

/* Auto-away: after cfg.autoaway idle minutes, accounts that are plainly
 * available become away; the next key press restores what they were. */
static void away_cb(struct loop *l, void *ud)
{
	struct app *app = ud;
	struct ui *ui = app->ui;
	size_t i;

	(void)l;
	ui->away_timer = 0;
	for (i = 0; i < app->naccounts; i++) {
		struct account *a = app->accounts[i];

		if (a->state != ACC_ONLINE ||
		    (a->show != SHOW_ONLINE && a->show != SHOW_CHAT))
			continue;
		a->saved_show = a->show;
		free(a->saved_status);
		a->saved_status = a->status_text;
		a->status_text = xstrdup(app->cfg.autoaway_message);
		a->show = SHOW_AWAY;
		xs_send_presence(app, a);
		ui->auto_away = true;
	}
}

static void key_activity(struct app *app)
{
	struct ui *ui = app->ui;
	size_t i;

	if (ui->auto_away) {
		ui->auto_away = false;
		for (i = 0; i < app->naccounts; i++) {
			struct account *a = app->accounts[i];

			if (a->show != SHOW_AWAY || !a->saved_show)
				continue;
			a->show = a->saved_show;
			free(a->status_text);
			a->status_text = a->saved_status;
			a->saved_status = NULL;
			a->saved_show = SHOW_OFFLINE;
			xs_send_presence(app, a);
		}
	}
	if (app->cfg.autoaway > 0) {
		loop_timer_cancel(app->loop, ui->away_timer);
		ui->away_timer = loop_timer_add(
			app->loop, (uint64_t)app->cfg.autoaway * 60000, away_cb, app);
	}
}

void ui_start(struct app *app)
{
	key_activity(app);
}

/* Keys while searching the history with Ctrl-R; returns 1 when the
 * key was consumed by the search. */
static int search_key(struct app *app, wint_t k)
{
	struct input *in = &((struct ui *)app->ui)->in;

	switch (k) {
	case 18: input_search(in); return 1;             /* Ctrl-R */
	case 7: case 27: input_search_end(in, 0); return 1; /* Ctrl-G, Esc */
	case 127: case 8: input_search_backspace(in); return 1;
	case '\r': case '\n':
		input_search_end(in, 1);
		submit(app);
		return 1;
	default:
		if (k >= 0x20) {
			input_search_insert(in, (uint32_t)k);
			return 1;
		}
		input_search_end(in, 1); /* other control keys edit the match */
		return 0;
	}
}

static void on_key(struct app *app, int r, wint_t k)
{
	struct ui *ui = app->ui;
	struct input *in = &ui->in;

	if (k != '\t' || r == KEY_CODE_YES)
		complete_reset(&ui->comp);
	if (r == KEY_CODE_YES) {
		ui->esc = false;
		on_fkey(app, k);
		return;
	}
	if (in->searching && r != KEY_CODE_YES) {
		if (search_key(app, k))
			return;
	} else if (in->searching) {
		input_search_end(in, 1); /* a function key: keep the match */
	}
	if (ui->pasting) {
		/* pasted text goes in as typed, newlines included */
		if (k == '\r' || k == '\n')
			input_insert(in, '\n');
		else if (k == '\t' || (k >= 0x20 && k != 0x7f))
			input_insert(in, (uint32_t)k);
		return;
	}
	if (ui->esc) {
		ui->esc = false;
		on_alt(app, k);
		return;
	}
	switch (k) {
	case 27: ui->esc = true; break;
	case '\t':
		if (complete_tab(app, &ui->comp, in) == 0)
			beep();
		break;
	case '\r': case '\n': submit(app); break;
	case 127: case 8: input_backspace(in); break;
	case 1: input_home(in); break;        /* Ctrl-A */
	case 5: input_end(in); break;         /* Ctrl-E */
	case 2: input_left(in); break;        /* Ctrl-B */
	case 6: input_right(in); break;       /* Ctrl-F */
	case 4: input_delete(in); break;      /* Ctrl-D */
	case 11: input_kill_end(in); break;   /* Ctrl-K */
	case 21: input_kill_start(in); break; /* Ctrl-U */
	case 23: input_kill_word(in); break;  /* Ctrl-W */
	case 25: input_yank(in); break;       /* Ctrl-Y */
	case 12: clearok(curscr, TRUE); break; /* Ctrl-L */
	case 18: input_search(in); break;      /* Ctrl-R */
	case 3:
		app_print(app, LINE_INFO, "Type /quit to leave natter");
		break;
	default:
		if (k >= 0x20 && k != 0x7f) {
			input_insert(in, (uint32_t)k);
			if (in->buf[0] != '/')
				typing(app);
		}
		break;
	}
}

void ui_on_input(struct app *app)
{
	wint_t k;
	int r;

	while ((r = wget_wch(stdscr, &k)) != ERR) {
		on_key(app, r, k);
		app->dirty = true;
	}
	key_activity(app);
}
