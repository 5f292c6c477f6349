/* ui: curses set-up, layout, drawing and keys.
 *
 * Layout, top to bottom: the current window's lines, the status bar, the
 * command line. Drawing redoes the whole screen into curses' buffer and
 * lets doupdate() send only what changed, which is cheap and keeps the
 * code free of partial-update bookkeeping; it happens only when the
 * model says something changed.
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "ui/input.h"
#include "ui/ui.h"
#include "util/utf8.h"
#include "util/xmem.h"

enum { PAIR_ERROR = 1, PAIR_OK, PAIR_WARN, PAIR_INFO, PAIR_STATUS };

struct ui {
	SCREEN *screen;
	struct input in;
	size_t scroll; /* rows scrolled back from the bottom */
	int colors;
};

static struct ui *ui_of(struct app *app)
{
	return app->ui;
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
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_ERROR, COLOR_RED, -1);
		init_pair(PAIR_OK, COLOR_GREEN, -1);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_INFO, COLOR_CYAN, -1);
		init_pair(PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
		ui->colors = 1;
	}
	input_init(&ui->in);
	app->ui = ui;
	ui_notify_init(app);
	app->dirty = true;
	return 0;
}

void ui_end(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (!ui)
		return;
	endwin();
	delscreen(ui->screen);
	input_clear(&ui->in);
	free(ui);
	app->ui = NULL;
}

/* Byte length of the longest prefix of s that fits in width cells;
 * prefers to break after a space when one is in the second half. */
static size_t fit(const char *s, size_t width)
{
	size_t i = 0, n = strlen(s), w = 0, space = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_decode(s + i, n - i, &cp);
		size_t cw = (size_t)utf8_cp_width(cp);

		if (w + cw > width)
			break;
		w += cw;
		i += len;
		if (cp == ' ' && w > width / 2)
			space = i;
	}
	if (i < n && space)
		return space;
	return i ? i : (n ? utf8_decode(s, n, &cp) : 0);
}

static attr_t kind_attr(struct ui *ui, enum line_kind k)
{
	if (!ui->colors)
		return k == LINE_ERROR ? A_BOLD : A_NORMAL;
	switch (k) {
	case LINE_ERROR:
		return COLOR_PAIR(PAIR_ERROR) | A_BOLD;
	case LINE_OK:
		return COLOR_PAIR(PAIR_OK);
	case LINE_WARN:
		return COLOR_PAIR(PAIR_WARN);
	case LINE_INFO:
		return COLOR_PAIR(PAIR_INFO);
	default:
		return A_NORMAL;
	}
}

/* A line's timestamp, and the cells left for its text after it and one
 * space. Widths vary with the format (%A, %B), so each line measures
 * its own. */
static size_t line_stamp(struct app *app, const struct line *l, int cols,
			 char *stamp, size_t *sw)
{
	struct tm tm;

	localtime_r(&l->ts, &tm);
	if (strftime(stamp, TIME_FORMAT_MAX, app->cfg.time_format, &tm) == 0)
		stamp[0] = '\0';
	*sw = utf8_width(stamp) + 1;
	return (size_t)cols > *sw + 1 ? (size_t)cols - *sw : 1;
}

/* Draws l so that its first row is `top`, clipped to rows [0, last_row];
 * returns the number of rows it takes. With draw false it only counts. */
static size_t draw_line(struct app *app, const struct line *l, long top,
			int last_row, int cols, int draw)
{
	struct ui *ui = ui_of(app);
	char stamp[TIME_FORMAT_MAX];
	size_t sw, off = 0, len = strlen(l->text), rows = 0;
	size_t width = line_stamp(app, l, cols, stamp, &sw);
	long row = top;

	do {
		size_t n = fit(l->text + off, width);

		if (draw && row >= 0 && row <= last_row) {
			if (off == 0)
				mvaddstr((int)row, 0, stamp);
			attron(kind_attr(ui, l->kind));
			mvaddnstr((int)row, (int)sw, l->text + off, (int)n);
			attroff(kind_attr(ui, l->kind));
		}
		off += n;
		row++;
		rows++;
	} while (off < len);
	return rows;
}

static void draw_window(struct app *app, int height, int cols)
{
	struct ui *ui = ui_of(app);
	struct window *w = app->wins[app->cur_win];
	long bottom = height - 1 + (long)ui->scroll;
	size_t i = w->count;

	/* walk back from the newest line until the screen is full */
	while (i > 0 && bottom >= 0) {
		const struct line *l = win_line(w, --i);
		long rows = (long)draw_line(app, l, 0, 0, cols, 0);

		draw_line(app, l, bottom - rows + 1, height - 1, cols, 1);
		bottom -= rows;
	}
}

static const char *state_word(const struct account *a)
{
	static const char *const words[] = {
		[ACC_OFFLINE] = "offline",     [ACC_CONNECTING] = "connecting",
		[ACC_ONLINE] = "online",       [ACC_WAITING] = "reconnecting",
		[ACC_FAILED] = "failed",
	};
	return words[a->state];
}

static void draw_status(struct app *app, int row, int cols)
{
	struct ui *ui = ui_of(app);
	size_t i;

	attron(ui->colors ? COLOR_PAIR(PAIR_STATUS) : A_REVERSE);
	mvhline(row, 0, ' ', cols);
	mvprintw(row, 0, " natter [%zu:%s]", app->cur_win + 1,
		 app->wins[app->cur_win]->name);
	for (i = 0; i < app->naccounts; i++)
		printw(" | %s: %s", app->accounts[i]->conf->name,
		       state_word(app->accounts[i]));
	if (ui->scroll)
		printw(" | -- more --");
	attroff(ui->colors ? COLOR_PAIR(PAIR_STATUS) : A_REVERSE);
}

static void draw_input(struct app *app, int row, int cols)
{
	struct ui *ui = ui_of(app);
	const char *buf = ui->in.buf;
	size_t start = 0, before, avail = cols > 3 ? (size_t)cols - 3 : 1;

	/* scroll horizontally so the cursor stays visible */
	for (;;) {
		char *head = xstrndup(buf + start, ui->in.cursor - start);

		before = utf8_width(head);
		free(head);
		if (before < avail || start >= ui->in.cursor)
			break;
		start += fit(buf + start, 1);
	}
	mvaddstr(row, 0, "> ");
	addnstr(buf + start, (int)(ui->in.len - start));
	move(row, 2 + (int)before);
}

void ui_draw(struct app *app)
{
	int rows, cols;

	if (!app->ui || !app->dirty)
		return;
	app->dirty = false;
	getmaxyx(stdscr, rows, cols);
	erase();
	if (rows >= 3) {
		draw_window(app, rows - 2, cols);
		draw_status(app, rows - 2, cols);
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

static void submit(struct app *app)
{
	struct ui *ui = ui_of(app);
	char *line = input_take(&ui->in);

	ui->scroll = 0;
	if (line[0] == '/')
		cmd_run(app, line);
	else if (line[0])
		app_print(app, LINE_ERROR,
			  "This window has no conversation: commands start with / (try /help)");
	free(line);
}

static void scroll_by(struct app *app, long delta)
{
	struct ui *ui = ui_of(app);
	long s = (long)ui->scroll + delta;

	ui->scroll = s < 0 ? 0 : (size_t)s;
}

static void on_key(struct app *app, int r, wint_t k)
{
	struct ui *ui = ui_of(app);
	struct input *in = &ui->in;
	int page = LINES > 4 ? LINES - 4 : 1;

	if (r == KEY_CODE_YES) {
		switch (k) {
		case KEY_ENTER: submit(app); break;
		case KEY_BACKSPACE: input_backspace(in); break;
		case KEY_DC: input_delete(in); break;
		case KEY_LEFT: input_left(in); break;
		case KEY_RIGHT: input_right(in); break;
		case KEY_HOME: input_home(in); break;
		case KEY_END: input_end(in); break;
		case KEY_UP: input_hist_prev(in); break;
		case KEY_DOWN: input_hist_next(in); break;
		case KEY_PPAGE: scroll_by(app, page); break;
		case KEY_NPAGE: scroll_by(app, -page); break;
		case KEY_RESIZE: ui_resize(app); break;
		default: break;
		}
		return;
	}
	switch (k) {
	case '\r': case '\n': submit(app); break;
	case 127: case 8: input_backspace(in); break;
	case 1: input_home(in); break;       /* Ctrl-A */
	case 5: input_end(in); break;        /* Ctrl-E */
	case 2: input_left(in); break;       /* Ctrl-B */
	case 6: input_right(in); break;      /* Ctrl-F */
	case 4: input_delete(in); break;     /* Ctrl-D */
	case 11: input_kill_end(in); break;  /* Ctrl-K */
	case 21: input_kill_start(in); break; /* Ctrl-U */
	case 23: input_kill_word(in); break; /* Ctrl-W */
	case 25: input_yank(in); break;      /* Ctrl-Y */
	case 12: clearok(curscr, TRUE); break; /* Ctrl-L */
	case 3:
		app_print(app, LINE_INFO, "Type /quit to leave natter");
		break;
	default:
		if (k >= 0x20 && k != 0x7f)
			input_insert(in, (uint32_t)k);
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
}
