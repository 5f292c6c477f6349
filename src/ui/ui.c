/* ui: curses set-up, layout and keys.
 *
 * Layout, top to bottom: the title line, the roster pane beside the
 * current window's lines, the status bar, the command line. Drawing
 * redoes the whole screen into curses' buffer and lets doupdate() send
 * only what changed, which is cheap and keeps the code free of
 * partial-update bookkeeping; it happens only when the model changed.
 * The current window is drawn, and given its keys, by the view of its
 * kind (struct winview: view.c's lines, formview.c's dialogs,
 * discoview.c's browsers); nothing here switches over window kinds.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/attention.h"
#include "core/conv.h"
#include "core/edit.h"
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

/* Writes a mode-setting sequence curses has no capability for. */
void ui_term_write(const char *seq)
{
	fflush(stdout);
	if (write(STDOUT_FILENO, seq, strlen(seq)) < 0) {
		/* the terminal is gone; nothing to set */
	}
}

static void load_theme(struct app *app, struct ui *ui)
{
	char *err = NULL;

	if (theme_load(&ui->theme, app->cfg.theme, &err) < 0) {
		app_print(app, LINE_ERROR, "%s: %s", app->cfg.path, err);
		free(err);
	}
}

/* The default bindings, then the `bind` lines of natterrc; a bad line is
 * reported on the console and skipped. */
static void load_keys(struct app *app, struct ui *ui)
{
	size_t i;

	keys_defaults(&ui->keys);
	for (i = 0; i < app->cfg.nbinds; i++) {
		char *err = NULL;

		if (keys_bind(&ui->keys, app->cfg.binds[i], &err) < 0) {
			app_print(app, LINE_ERROR, "%s: %s", app->cfg.path, err);
			free(err);
		}
	}
}

int ui_init(struct app *app)
{
	/* the user's locale for what natter consults: characters and
	 * widths, numbers and times on screen, the C library's messages;
	 * the other categories (collation, money, paper, addresses, ...)
	 * are never used, and each one set maps its locale file */
	static const int used[] = { LC_CTYPE, LC_NUMERIC, LC_TIME,
				    LC_MESSAGES };
	struct ui *ui;
	size_t i;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -1;
	ui = xcalloc(1, sizeof *ui);
	for (i = 0; i < sizeof used / sizeof *used; i++)
		setlocale(used[i], "");
	ui->screen = newterm(NULL, stdout, stdin);
	if (!ui->screen) {
		free(ui);
		return -1;
	}
	set_term(ui->screen);
	/* ncurses 6.4 writes its buffer out at every cursor move until the
	 * program has once left curses mode and come back (it takes a move
	 * made before that for a terminfo program's): a frame then costs a
	 * write(2) per line it changes, fifty a frame in a flood. Leaving
	 * and coming back once, before anything is drawn, makes a frame one
	 * write. */
	endwin();
	doupdate();
	raw(); /* Ctrl-S, Ctrl-Q, Ctrl-C reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* ncurses looks for typed keys (a poll() of stdin) as it updates a
	 * frame, to give the frame up for them (slow serial lines); a frame
	 * here is one write and the keys are read right after it, so the
	 * look was only a system call per few lines, nine a frame in a
	 * flood */
	typeahead(-1);
	set_escdelay(25);
	load_theme(app, ui);
	/* bracketed paste: a pasted block arrives between these markers, so
	 * its newlines become part of one message instead of sending it */
	define_key("\033[200~", KEY_PASTE_BEGIN);
	define_key("\033[201~", KEY_PASTE_END);
	ui_term_write("\033[?2004h");
	input_init(&ui->in);
	input_init(&ui->form_in);
	ui->hist_win = app->wins[0]->id;
	load_keys(app, ui);
	ui->pane.visible = app->cfg.roster_visible;
	ui->pane.width = app->cfg.roster_width;
	ui->pane.right = app->cfg.roster_right;
	ui->pane.stale = true;
	app->ui = ui;
	ui_notify_init(app);
	alert_init(app);
	app->dirty = true;
	return 0;
}

void ui_end(struct app *app)
{
	struct ui *ui = app->ui;

	if (!ui)
		return;
	endwin();
	ui_term_write("\033[?2004l");
	alert_end(app);
	delscreen(ui->screen);
	input_clear(&ui->in);
	input_clear(&ui->form_in);
	complete_reset(&ui->comp);
	keys_clear(&ui->keys);
	free(ui->pane.rows);
	free(ui->opane.rows);
	picview_end(app);
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
	{
		/* Up-then-edit says what Enter will do */
		const char *prompt = ui->correcting ? "correct> " : "> ";
		int pw = (int)strlen(prompt);

		mvaddstr(row, 0, prompt);
		addnstr(buf + start,
			(int)ui_fit(buf + start,
				    (size_t)(cols > pw ? cols - pw : 1)));
		move(row, pw + (int)before);
	}
	free(buf);
}

/* Each kind of window's view. */
static const struct winview *const views[] = {
	[WIN_CONSOLE] = &consoleview, [WIN_CHAT] = &chatview,
	[WIN_FORM] = &formview,       [WIN_DISCO] = &discoview,
	[WIN_ROOM] = &roomview,       [WIN_STRANGERS] = &strangersview,
	[WIN_XMLCONSOLE] = &xmlconsoleview,
	[WIN_PICTURE] = &pictureview,
	[WIN_FEED] = &feedview,
};

const struct winview *winview_of(const struct window *w)
{
	if ((size_t)w->kind < sizeof views / sizeof *views && views[w->kind])
		return views[w->kind];
	return &consoleview;
}

static const struct winview *cur_view(struct app *app)
{
	return winview_of(app->wins[app->cur_win]);
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
	ui->cursor_y = -1;
	if (rows >= 4) {
		int width = cols;

		if (ui->pane.visible && cols >= ui->pane.width + MIN_CHAT_COLS) {
			width = cols - ui->pane.width;
			if (!ui->pane.right)
				left = ui->pane.width;
			if (opane_shown(app))
				opane_draw(app, app->wins[app->cur_win], 1,
					   ui->pane.right ? width : 0, rows - 3);
			else
				rpane_draw(app, 1, ui->pane.right ? width : 0,
					   rows - 3);
		}
		bars_title(app, 0, left, width);
		cur_view(app)->draw(app, app->wins[app->cur_win], 1, left,
				    rows - 3, width);
		bars_status(app, rows - 2, cols);
	}
	draw_input(app, rows - 1, cols);
	if (ui->cursor_y >= 0)
		move(ui->cursor_y, ui->cursor_x);
	wnoutrefresh(stdscr);
	doupdate();
	picview_after(app);
	alert_draw(app);
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

static void send_text(struct app *app, const char *text)
{
	struct window *w = cur(app);
	const struct winview *v = winview_of(w);

	if (!v->send) {
		app_print(app, LINE_ERROR,
			  "This window has no conversation: commands start with / (try /help)");
		return;
	}
	v->send(app, w, text);
}

static void submit(struct app *app)
{
	struct ui *ui = app->ui;
	char *line = input_take(&ui->in);
	size_t n = strlen(line);

	ui->scroll = 0;
	/* a pasted block often ends with a line break nobody means to send */
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (ui->correcting) {
		bool here = ui->correcting == cur(app)->id;

		ui->correcting = 0;
		/* a command typed over it runs; "/me ..." is the text */
		if (here && line[0] &&
		    (line[0] != '/' || conv_is_action(line))) {
			cmd_correct(app, line);
			free(line);
			return;
		}
	}
	if (line[0] == '/' && line[1] != '/' && strchr(line, '\n'))
		app_say(app, LINE_ERROR,
			"A command takes one line: nothing was run (use // to send text that starts with /)");
	else if (line[0] == '/' && line[1] != '/')
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

/* Alt-A: highlights first, then conversations, then anything unread
 * (core/attention.h). */
static void next_unread(struct app *app)
{
	size_t idx = attention_next(app);

	if (idx != app->cur_win) {
		app_select(app, idx);
		((struct ui *)app->ui)->scroll = 0;
	}
}

static void select_rel(struct app *app, long d)
{
	long n = (long)app->nwins;

	app_select(app, (size_t)((((long)app->cur_win + d) % n + n) % n));
	((struct ui *)app->ui)->scroll = 0;
}

/* Alt-R: in a room window, the pane switches between the occupants and
 * the roster (and shows if it was hidden); elsewhere it shows or hides
 * the roster. */
static void occupants_toggle(struct app *app)
{
	struct ui *ui = app->ui;

	if (cur(app)->kind != WIN_ROOM)
		ui->pane.visible = !ui->pane.visible;
	else if (!ui->pane.visible)
		ui->pane.visible = true;
	else
		ui->opane.roster = !ui->opane.roster;
}

/* Up in an empty input line, with correct_on_up: the user's last
 * message here comes back to be corrected (Enter sends the correction,
 * Esc leaves). Returns whether it did. */
static bool correct_up(struct app *app)
{
	struct ui *ui = app->ui;
	struct window *w = cur(app);
	struct line *l;

	if (!app->cfg.correct_on_up || ui->in.len > 0 || ui->correcting ||
	    ui->in.hpos != ui->in.nhist || !(l = edit_last_own(w)))
		return false;
	if (l->flags & LINE_ACTION) {
		char *t = xasprintf("/me %s", l->text);

		input_set_text(&ui->in, t);
		free(t);
	} else {
		input_set_text(&ui->in, l->text);
	}
	ui->correcting = w->id;
	return true;
}

/* Esc leaves Up-then-edit: the line goes, nothing is sent. */
static void correct_leave(struct app *app)
{
	struct ui *ui = app->ui;

	input_set_text(&ui->in, "");
	ui->correcting = 0;
}

static void run_action(struct app *app, enum key_action a, int arg)
{
	struct ui *ui = app->ui;
	struct input *in = &ui->in;
	int page = LINES > 6 ? LINES - 6 : 1;

	switch (a) {
	case KA_NONE: break;
	case KA_SUBMIT: submit(app); break;
	case KA_NEWLINE: input_insert(in, '\n'); break;
	case KA_BACKSPACE: input_backspace(in); break;
	case KA_DELETE: input_delete(in); break;
	case KA_LEFT: input_left(in); break;
	case KA_RIGHT: input_right(in); break;
	case KA_HOME: input_home(in); break;
	case KA_END: input_end(in); break;
	case KA_WORD_LEFT: input_word_left(in); break;
	case KA_WORD_RIGHT: input_word_right(in); break;
	case KA_KILL_END: input_kill_end(in); break;
	case KA_KILL_START: input_kill_start(in); break;
	case KA_KILL_WORD: input_kill_word(in); break;
	case KA_YANK: input_yank(in); break;
	case KA_HIST_PREV:
		if (!correct_up(app))
			input_hist_prev(in);
		break;
	case KA_HIST_NEXT: input_hist_next(in); break;
	case KA_SEARCH: input_search(in); break;
	case KA_COMPLETE:
		if (complete_tab(app, &ui->comp, in) == 0)
			beep();
		break;
	case KA_SCROLL_UP: scroll_by(app, page); break;
	case KA_SCROLL_DOWN: scroll_by(app, -page); break;
	case KA_REDRAW: clearok(curscr, TRUE); break;
	case KA_WIN_PREV: select_rel(app, -1); break;
	case KA_WIN_NEXT: select_rel(app, 1); break;
	case KA_WIN_UNREAD: next_unread(app); break;
	case KA_WIN_GOTO:
		app_select(app, (size_t)(arg - 1));
		ui->scroll = 0;
		break;
	case KA_ROSTER_TOGGLE: ui->pane.visible = !ui->pane.visible; break;
	case KA_OCCUPANTS_TOGGLE: occupants_toggle(app); break;
	case KA_PANE_UP: opane_scroll(app, -1); break;
	case KA_PANE_DOWN: opane_scroll(app, 1); break;
	case KA_OFFLINE_TOGGLE:
		ui->pane.show_offline = !ui->pane.show_offline;
		ui->pane.stale = true;
		break;
	case KA_QUIT_HINT:
		app_print(app, LINE_INFO, "Type /quit to leave natter");
		break;
	case KA_QUIT: app->quit = true; break;
	}
}

/* The key as keys.h encodes it; xterm's modified arrows, which curses
 * reports as extended keys, become Alt- arrows and word moves. */
static int encode_key(struct ui *ui, int r, wint_t k)
{
	int alt = ui->esc ? KEYS_ALT : 0;

	ui->esc = false;
	if (r == KEY_CODE_YES) {
		const char *name = keyname((int)k);

		if (name && strcmp(name, "kLFT3") == 0)
			return KEYS_ALT | KEYS_FN | KEY_LEFT;
		if (name && strcmp(name, "kRIT3") == 0)
			return KEYS_ALT | KEYS_FN | KEY_RIGHT;
		if (name && strcmp(name, "kPRV3") == 0)
			return KEYS_ALT | KEYS_FN | KEY_PPAGE;
		if (name && strcmp(name, "kNXT3") == 0)
			return KEYS_ALT | KEYS_FN | KEY_NPAGE;
		if (name && strcmp(name, "kLFT5") == 0)
			return KEYS_ALT | 'b';
		if (name && strcmp(name, "kRIT5") == 0)
			return KEYS_ALT | 'f';
		return alt | KEYS_FN | (int)k;
	}
	return alt | (k == '\n' ? '\r' : (int)k);
}

/* Keys while searching the history with Ctrl-R; returns 1 when the
 * key was consumed by the search. */
static int search_key(struct app *app, wint_t k)
{
	struct input *in = &((struct ui *)app->ui)->in;

	switch (k) {
	case 18: input_search(in); return 1;             /* Ctrl-R */
	case 7: input_search_end(in, 0); return 1; /* Ctrl-G */
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

/* Each window has its own command-line history: when the current window
 * changed, give the editor's history back to the window it came from
 * (unless that was closed) and take the new window's. */
static void sync_history(struct app *app)
{
	struct ui *ui = app->ui;
	struct window *w = cur(app);
	char **none = NULL;
	size_t i, n0 = 0, c0 = 0;

	if (ui->hist_win == w->id)
		return;
	for (i = 0; i < app->nwins; i++) {
		struct window *o = app->wins[i];

		if (o->id == ui->hist_win) {
			input_hist_swap(&ui->in, &o->typed, &o->ntyped,
					&o->captyped);
			break;
		}
	}
	if (i == app->nwins) { /* its window is gone: so is its history */
		input_hist_swap(&ui->in, &none, &n0, &c0);
		for (i = 0; i < n0; i++)
			free(none[i]);
		free(none);
	}
	input_hist_swap(&ui->in, &w->typed, &w->ntyped, &w->captyped);
	ui->hist_win = w->id;
}

/* Actions that work in every window, dialogs and browsers included. */
static bool global_action(enum key_action a)
{
	switch (a) {
	case KA_WIN_PREV: case KA_WIN_NEXT: case KA_WIN_UNREAD:
	case KA_WIN_GOTO: case KA_REDRAW: case KA_ROSTER_TOGGLE:
	case KA_OFFLINE_TOGGLE: case KA_QUIT: case KA_OCCUPANTS_TOGGLE:
	case KA_PANE_UP: case KA_PANE_DOWN:
		return true;
	default:
		return false;
	}
}

/* Keys in a window whose view takes keys (a dialog, a browser) go to
 * it, except the window and screen keys. Returns true when the key was
 * taken. A lone Esc is delivered by ui_on_input once no key follows
 * it. */
static bool modal_key(struct app *app, int r, wint_t k)
{
	struct ui *ui = app->ui;
	struct window *w = app->wins[app->cur_win];
	const struct winview *v = winview_of(w);
	enum key_action a;
	int key, arg = 0;

	if (!v->key)
		return false;
	if ((v->flags & WV_COMMAND) && !ui->esc &&
	    (ui->in.len > 0 || (r != KEY_CODE_YES && k == '/')))
		return false;
	if (ui->pasting) {
		if ((v->flags & WV_PASTE) && r != KEY_CODE_YES && k >= 0x20 &&
		    k != 0x7f)
			v->key(app, w, (int)k);
		return true;
	}
	if (r != KEY_CODE_YES && k == 27 && !ui->esc) {
		ui->esc = true;
		return true;
	}
	key = encode_key(ui, r, k);
	a = keys_lookup(&ui->keys, key, &arg);
	if (global_action(a)) {
		run_action(app, a, arg);
		return true;
	}
	if (key == (KEYS_ALT | 27))
		key = 27; /* Esc pressed twice */
	else if (key & KEYS_ALT)
		return true;
	v->key(app, w, key);
	return true;
}

static void on_key(struct app *app, int r, wint_t k)
{
	struct ui *ui = app->ui;
	struct input *in = &ui->in;
	enum key_action a;
	int key, arg = 0;

	sync_history(app);
	if (r == KEY_CODE_YES && k == KEY_PASTE_BEGIN) {
		ui->pasting = true;
		return;
	}
	if (r == KEY_CODE_YES && k == KEY_PASTE_END) {
		ui->pasting = false;
		return;
	}
	if (r == KEY_CODE_YES && k == KEY_RESIZE) {
		/* resizeterm() (called on SIGWINCH) queues this key; resizing
		 * again here would queue another, for ever */
		app->dirty = true;
		return;
	}
	if (modal_key(app, r, k))
		return;
	if (ui->pasting) {
		/* pasted text goes in as typed, newlines included */
		if (r != KEY_CODE_YES && (k == '\r' || k == '\n'))
			input_insert(in, '\n');
		else if (r != KEY_CODE_YES && (k == '\t' || (k >= 0x20 && k != 0x7f)))
			input_insert(in, (uint32_t)k);
		return;
	}
	if (in->searching) {
		if (r != KEY_CODE_YES && k != 27 && search_key(app, k))
			return;
		/* Esc cancels the search; other keys keep the match */
		input_search_end(in, !(r != KEY_CODE_YES && k == 27));
		if (r != KEY_CODE_YES && k == 27)
			return;
	}
	if (r != KEY_CODE_YES && k == 27 && !ui->esc) {
		ui->esc = true;
		return;
	}
	key = encode_key(ui, r, k);
	a = keys_lookup(&ui->keys, key, &arg);
	if (a != KA_COMPLETE)
		complete_reset(&ui->comp);
	if (a != KA_NONE) {
		run_action(app, a, arg);
		return;
	}
	if (!(key & (KEYS_ALT | KEYS_FN)) && k >= 0x20 && k != 0x7f) {
		input_insert(in, (uint32_t)k);
		if (in->buf[0] != '/')
			idle_typing(app, cur(app));
	}
}

/* An Esc with nothing after it, in a window whose view takes keys: the
 * user pressed Esc itself, not Alt-something. */
static bool ui_pending_esc(struct app *app)
{
	struct ui *ui = app->ui;

	if (!ui->esc || !cur_view(app)->key)
		return false;
	ui->esc = false;
	return true;
}

void ui_on_input(struct app *app)
{
	wint_t k;
	int r;

	while ((r = wget_wch(stdscr, &k)) != ERR) {
		on_key(app, r, k);
		app->dirty = true;
	}
	if (ui_pending_esc(app))
		cur_view(app)->key(app, app->wins[app->cur_win], 27);
	else if (((struct ui *)app->ui)->esc &&
		 ((struct ui *)app->ui)->correcting) {
		((struct ui *)app->ui)->esc = false;
		correct_leave(app);
	}
	idle_activity(app);
}
