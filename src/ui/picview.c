/* picview: the view of picture windows (WIN_PICTURE), and the words
 * for EV_PICTURE.
 *
 * The picture is rendered (core/picture.c) to fit the window's area,
 * centred in it, again whenever the area changes. In symbols, each cell
 * is drawn through curses with a colour pair for its two colours: pairs
 * are made as colours need them, numbered above those the theme and the
 * nick colours can take, and reused from the start when the terminal's
 * pairs run out (only a picture with more colour couples than the
 * terminal has pairs looks the worse for it). A terminal with fewer
 * pairs than that gets the symbols without colours.
 *
 * Sixel and kitty pictures are terminal sequences curses knows nothing
 * of: the draw leaves the area blank and notes what it wants shown;
 * after curses has updated the screen, picview_after() writes the
 * sequence at the area's place (the cursor saved and restored around
 * it), once: curses leaves those blank cells alone until something else
 * is drawn there. When the picture goes (another window, a resize, a
 * new rendering) a kitty picture is deleted by its protocol and a sixel
 * one by having curses repaint the whole screen.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "core/app.h"
#include "core/picture.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/xmem.h"

/* The cell size assumed when the terminal does not say it (most fonts
 * are about twice as tall as wide). */
#define CELL_W 10
#define CELL_H 20
/* Pairs below this are the theme's and the nick colours' (occupantpane). */
#define PAIR_BASE (TH_COUNT + 1 + 256 + 1)
/* Fewer free pairs than this: no colours. */
#define PAIRS_MIN 64
#define PAIR_SLOTS (257 * 257) /* (fg + 1, bg + 1), each -1..255 */

struct picstate {
	int *pairs;   /* PAIR_SLOTS: the pair of a couple, 0: none yet */
	int next;     /* the next pair to make */
	/* the graphics this draw wants shown (sixel, kitty) */
	bool want;
	const char *seq;
	int y, x;
	enum image_protocol mode;
	uint64_t win, gen;
	/* what is on the terminal */
	bool shown;
	enum image_protocol shown_mode;
	uint64_t shown_win, shown_gen;
	int shown_y, shown_x;
};

static struct picstate *state(struct app *app)
{
	struct ui *ui = app->ui;

	if (!ui->pics)
		ui->pics = xcalloc(1, sizeof *ui->pics);
	return ui->pics;
}

void picview_end(struct app *app)
{
	struct ui *ui = app->ui;

	if (!ui || !ui->pics)
		return;
	if (ui->pics->shown && ui->pics->shown_mode == IMAGE_KITTY)
		ui_term_write("\033_Ga=d\033\\"); /* none left behind */
	free(ui->pics->pairs);
	free(ui->pics);
	ui->pics = NULL;
}

/* The terminal's colours for pictures: 256, 16, 8, or 0 (none). */
static int colours(void)
{
	if (!has_colors() || COLOR_PAIRS < PAIR_BASE + PAIRS_MIN)
		return 0;
	return COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : COLORS >= 8 ? 8 : 0;
}

static int pair_for(struct picstate *st, int fg, int bg)
{
	int slot = (fg + 1) * 257 + (bg + 1);

	if (fg == -1 && bg == -1)
		return 0;
	if (!st->pairs) {
		st->pairs = xcalloc(PAIR_SLOTS, sizeof *st->pairs);
		st->next = PAIR_BASE;
	}
	if (st->pairs[slot])
		return st->pairs[slot];
	if (st->next >= COLOR_PAIRS) { /* out: start again */
		memset(st->pairs, 0, PAIR_SLOTS * sizeof *st->pairs);
		st->next = PAIR_BASE;
	}
	if (init_extended_pair(st->next, fg, bg) == ERR)
		return 0;
	st->pairs[slot] = st->next;
	return st->next++;
}

/* The pixels of a cell, from the terminal if it says. */
static void cell_size(unsigned *w, unsigned *h)
{
	struct winsize ws;

	*w = CELL_W;
	*h = CELL_H;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col &&
	    ws.ws_row && ws.ws_xpixel >= ws.ws_col &&
	    ws.ws_ypixel >= ws.ws_row) {
		*w = ws.ws_xpixel / ws.ws_col;
		*h = ws.ws_ypixel / ws.ws_row;
	}
}

static void draw_cells(struct picstate *st, const struct picture_render *r,
		       int y0, int x0)
{
	for (unsigned y = 0; y < r->rows; y++)
		for (unsigned x = 0; x < r->cols; x++) {
			const struct picture_cell *c = &r->cells[y * r->cols + x];
			wchar_t wc[2] = { (wchar_t)c->ch, 0 };
			int pair = r->colours ? pair_for(st, c->fg, c->bg) : 0;
			cchar_t cc;

			if (!c->ch || wcwidth(wc[0]) != 1)
				wc[0] = L' ';
			setcchar(&cc, wc, A_NORMAL, 0, &pair);
			mvadd_wch(y0 + (int)y, x0 + (int)x, &cc);
		}
}

static void picview_draw(struct app *app, struct window *w, int top,
			 int left, int height, int cols)
{
	struct ui *ui = app->ui;
	struct picstate *st = state(app);
	struct picture *p = w->picture;
	const struct picture_render *r;
	enum image_protocol mode = app->cfg.image_protocol;
	unsigned cw, chh;

	if (is_cleared(curscr))
		st->shown = false; /* Ctrl-L: the terminal is wiped */
	if (!p || height < 1 || cols < 1)
		return;
	cell_size(&cw, &chh);
	r = picture_render(p, mode, (unsigned)cols, (unsigned)height, cw, chh,
			   mode == IMAGE_SYMBOLS ? colours() : 256);
	if (!r) {
		attron(UI_ATTR(ui, TH_ERROR));
		mvaddnstr(top, left, p->error ? p->error : "Nothing to draw",
			  cols);
		attrset(A_NORMAL);
		return;
	}
	if (mode == IMAGE_SYMBOLS) {
		draw_cells(st, r, top + (height - (int)r->rows) / 2,
			   left + (cols - (int)r->cols) / 2);
		return;
	}
	st->want = true;
	st->seq = r->seq;
	st->mode = mode;
	st->win = w->id;
	st->gen = r->gen;
	st->y = top + (height - (int)r->rows) / 2;
	st->x = left + (cols - (int)r->cols) / 2;
}

void picview_after(struct app *app)
{
	struct ui *ui = app->ui;
	struct picstate *st = ui ? ui->pics : NULL;
	bool same;

	if (!st)
		return;
	same = st->want && st->shown && st->shown_mode == st->mode &&
	       st->shown_win == st->win && st->shown_gen == st->gen &&
	       st->shown_y == st->y && st->shown_x == st->x;
	if (st->shown && !same) {
		if (st->shown_mode == IMAGE_KITTY) {
			ui_term_write("\033_Ga=d\033\\");
		} else {
			clearok(curscr, TRUE);
			wnoutrefresh(stdscr);
			doupdate();
		}
		st->shown = false;
	}
	if (st->want && !st->shown && st->seq) {
		char *at = xasprintf("\0337\033[%d;%dH", st->y + 1, st->x + 1);

		ui_term_write(at);
		ui_term_write(st->seq);
		ui_term_write("\0338");
		free(at);
		st->shown = true;
		st->shown_mode = st->mode;
		st->shown_win = st->win;
		st->shown_gen = st->gen;
		st->shown_y = st->y;
		st->shown_x = st->x;
	}
	st->want = false;
}

/* " picture: cat.png, 640 x 480 PNG; /close closes it" */
static char *picview_title(struct app *app, struct window *w)
{
	const struct picture *p = w->picture;

	(void)app;
	if (!p)
		return xstrdup(" picture");
	return xasprintf(" picture: %s, %u x %u %s; /close closes it",
			 p->name, p->im.src_width, p->im.src_height,
			 image_format_name(p->im.format));
}

const struct winview pictureview = { picview_draw, NULL, picview_title, 0,
				     NULL };

/* ---- EV_PICTURE ---- */

void picview_event(struct app *app, const struct event *ev)
{
	const struct ev_picture *e = &ev->picture;
	struct window *w = e->win ? app_window_by_id(app, e->win) : NULL;
	char *text;

	/* windows that show no lines: the console answers for them */
	if (!w || w->kind == WIN_PICTURE || w->kind == WIN_FORM ||
	    w->kind == WIN_DISCO)
		w = app_console(app);
	if (e->shown) {
		struct window *pw = app_window_by_id(app, e->shown);
		size_t idx = 0;

		for (size_t i = 0; i < app->nwins; i++)
			if (app->wins[i] == pw)
				idx = i;
		text = xasprintf("Showing %s (%u x %u %s) in window %zu",
				 e->name, e->width, e->height,
				 e->format ? e->format : "", idx + 1);
		win_add(w, time(NULL), LINE_OK, text);
	} else if (e->error || !e->cond) {
		text = xasprintf("Cannot show %s: %s", e->name,
				 e->error ? e->error : "no reason given");
		win_add(w, time(NULL), LINE_ERROR, text);
	} else {
		text = xasprintf("Cannot show %s: %s", e->name,
				 strcmp(e->cond, "forbidden") == 0 ?
				 "its owner shows it only to contacts who "
				 "see their presence" : ui_condition_words(e->cond));
		win_add(w, time(NULL), LINE_ERROR, text);
	}
	free(text);
	app->dirty = true;
}
