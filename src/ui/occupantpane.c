/* occupantpane: the occupants of a room beside its lines (see
 * occupantpane.h), and the nick colours of rooms (ui_nick_attr).
 *
 * A nick's colour is XEP-0392's (util/nickcolour.c) mapped onto the
 * terminal's palette: the 6x6x6 cube of a 256-colour terminal, else the
 * six basic colours; natterrc's nick_colours picks the colour-blind
 * corrections or none at all. Each terminal colour gets a curses colour
 * pair the first time a nick needs it, numbered after the theme's pairs,
 * so at most 216 pairs are ever made however many nicks a room holds.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/room.h"
#include "ui/occupantpane.h"
#include "ui/uiint.h"
#include "util/nickcolour.h"
#include "util/xmem.h"

#define NGROUPS 3

/* The group a role is listed under: moderators, participants, then
 * visitors; an occupant without a role (which a room should not send
 * for someone present) counts with the visitors. */
static int group_of(enum room_role role)
{
	switch (role) {
	case ROLE_MODERATOR: return 0;
	case ROLE_PARTICIPANT: return 1;
	default: return 2;
	}
}

static const enum room_role group_role[NGROUPS] = {
	ROLE_MODERATOR, ROLE_PARTICIPANT, ROLE_VISITOR
};

const char *opane_group_name(enum room_role role)
{
	static const char *const names[NGROUPS] = { "Moderators",
						    "Participants",
						    "Visitors" };

	return names[group_of(role)];
}

const char *opane_affil_mark(enum room_affil a)
{
	switch (a) {
	case AFFIL_OWNER: return "~";
	case AFFIL_ADMIN: return "&";
	case AFFIL_MEMBER: return "+";
	default: return " ";
	}
}

static void count_groups(const struct room *r, size_t counts[NGROUPS])
{
	memset(counts, 0, NGROUPS * sizeof *counts);
	for (size_t i = 0; i < r->nocc; i++)
		counts[group_of(r->occ[i].role)]++;
}

static size_t list_rows(const size_t counts[NGROUPS])
{
	size_t n = 0;

	for (int g = 0; g < NGROUPS; g++)
		if (counts[g])
			n += 1 + counts[g];
	return n;
}

size_t opane_list_rows(const struct room *r)
{
	size_t counts[NGROUPS];

	count_groups(r, counts);
	return list_rows(counts);
}

static size_t max_offset(size_t nlist, size_t height)
{
	size_t avail = height > 1 ? height - 1 : 0;

	return nlist > avail ? nlist - avail : 0;
}

size_t opane_max_offset(const struct room *r, size_t height)
{
	return max_offset(opane_list_rows(r), height);
}

size_t opane_layout(const struct room *r, size_t offset, size_t height,
		    struct opane_row *rows)
{
	size_t counts[NGROUPS], pos = 0, n = 0, skipped = 0, shown = 0;
	size_t nlist;

	if (height == 0)
		return 0;
	count_groups(r, counts);
	nlist = list_rows(counts);
	if (offset > max_offset(nlist, height))
		offset = max_offset(nlist, height);
	memset(rows, 0, height * sizeof *rows);
	rows[n].kind = OPANE_TOTAL;
	rows[n++].count = r->nocc;
	for (int g = 0; g < NGROUPS && n < height; g++) {
		if (!counts[g])
			continue;
		if (pos++ >= offset) {
			rows[n].kind = OPANE_GROUP;
			rows[n].role = group_role[g];
			rows[n++].count = counts[g];
		}
		if (pos + counts[g] <= offset) { /* all above the pane */
			pos += counts[g];
			skipped += counts[g];
			continue;
		}
		for (size_t i = 0; i < r->nocc && n < height; i++) {
			const struct occupant *o = &r->occ[i];

			if (group_of(o->role) != g)
				continue;
			if (pos++ < offset) {
				skipped++;
				continue;
			}
			rows[n].kind = OPANE_OCCUPANT;
			rows[n].role = o->role;
			rows[n].occ = o;
			rows[n++].self = r->nick && strcmp(o->nick, r->nick) == 0;
			shown++;
		}
	}
	if (n == height && height > 1 && nlist > offset + (height - 1)) {
		struct opane_row *last = &rows[height - 1];

		if (last->kind == OPANE_OCCUPANT)
			shown--;
		memset(last, 0, sizeof *last);
		last->kind = OPANE_MORE;
		last->count = r->nocc - skipped - shown;
	}
	return n;
}

/* ---- nick colours ---- */

/* nickcolour_pick() through the cache of struct nickcolours. */
static int nick_colour(struct nickcolours *nc, const char *nick,
		       enum nickcolour_cvd cvd)
{
	size_t len = strlen(nick), slot;
	uint32_t h = 2166136261u;

	if (len >= NICK_CACHE_LEN)
		return nickcolour_pick(&nc->pal, nick, cvd);
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)nick[i]) * 16777619u;
	slot = h % NICK_CACHE;
	if (nc->cache[slot].nick[0] && nc->cache[slot].cvd == (int)cvd &&
	    strcmp(nc->cache[slot].nick, nick) == 0)
		return nc->cache[slot].colour;
	memcpy(nc->cache[slot].nick, nick, len + 1);
	nc->cache[slot].cvd = (int)cvd;
	nc->cache[slot].colour = nickcolour_pick(&nc->pal, nick, cvd);
	return nc->cache[slot].colour;
}

attr_t ui_nick_attr(struct app *app, const char *nick, attr_t fallback)
{
	struct ui *ui = app->ui;
	struct nickcolours *nc = &ui->nickcol;
	int colour;
	short pair;

	if (!nick || app->cfg.nick_colours == NICK_COLOURS_NONE ||
	    !has_colors())
		return fallback;
	if (!nc->ready) {
		if (COLORS >= 256)
			nickcolour_palette_xterm256(&nc->pal);
		else
			nickcolour_palette_basic(&nc->pal);
		nc->next = TH_COUNT + 1;
		nc->ready = true;
	}
	colour = nick_colour(nc, nick,
				 app->cfg.nick_colours == NICK_COLOURS_REDGREEN ?
					 NICKCOLOUR_CVD_REDGREEN :
				 app->cfg.nick_colours == NICK_COLOURS_BLUE ?
					 NICKCOLOUR_CVD_BLUE :
					 NICKCOLOUR_CVD_NONE);
	if (colour < 0 || colour > 255)
		return fallback;
	pair = nc->pair[colour];
	if (!pair) {
		if (nc->next >= COLOR_PAIRS || nc->next <= 0)
			return fallback; /* out of pairs */
		pair = nc->next++;
		init_pair(pair, (short)colour, -1);
		nc->pair[colour] = pair;
	}
	return COLOR_PAIR(pair);
}

/* ---- drawing ---- */

static void draw_row(struct app *app, const struct opane_row *r, int y,
		     int x, int w)
{
	struct ui *ui = app->ui;
	size_t avail;
	bool you;
	char *s;

	switch (r->kind) {
	case OPANE_TOTAL:
		s = xasprintf("%zu %s", r->count,
			      r->count == 1 ? "occupant" : "occupants");
		attron(UI_ATTR(ui, TH_GROUP));
		mvaddnstr(y, x, s, (int)ui_fit(s, (size_t)w - 1));
		attrset(A_NORMAL);
		free(s);
		break;
	case OPANE_GROUP:
		s = xasprintf("%s (%zu)", opane_group_name(r->role), r->count);
		attron(UI_ATTR(ui, TH_GROUP));
		mvaddnstr(y, x, s, (int)ui_fit(s, (size_t)w - 1));
		attrset(A_NORMAL);
		free(s);
		break;
	case OPANE_OCCUPANT:
		attron(ui_show_attr(ui, r->occ->show));
		mvaddstr(y, x, ui_show_mark(r->occ->show));
		attrset(A_NORMAL);
		mvaddstr(y, x + 2, opane_affil_mark(r->occ->affil));
		/* the marks, the nick, " (you)" and the separator share the
		 * width; a pane too narrow for " (you)" shows ours in bold
		 * only */
		you = r->self && w >= 4 + 6 + 4;
		avail = (size_t)w - 4 - (you ? 6 : 0);
		attron(ui_nick_attr(app, r->occ->nick, A_NORMAL) |
		       (r->self ? A_BOLD : 0));
		mvaddnstr(y, x + 3, r->occ->nick,
			  (int)ui_fit(r->occ->nick, avail));
		attrset(A_NORMAL);
		if (you)
			addstr(" (you)");
		break;
	case OPANE_MORE:
		s = xasprintf("  ... %zu more", r->count);
		mvaddnstr(y, x, s, (int)ui_fit(s, (size_t)w - 1));
		free(s);
		break;
	}
}

void opane_draw(struct app *app, struct window *w, int top, int left,
		int height)
{
	struct ui *ui = app->ui;
	struct opane *o = &ui->opane;
	int width = ui->pane.width;
	/* the separator faces the chat, as the roster pane's does */
	int x = ui->pane.right ? left + 1 : left;
	int sep = ui->pane.right ? left : left + width - 1;
	size_t n, max;

	if (height <= 0 || !w->room)
		return;
	if (o->win != w->id) { /* another room: from the top */
		o->win = w->id;
		o->off = 0;
	}
	max = opane_max_offset(w->room, (size_t)height);
	if (o->off > max)
		o->off = max;
	xgrow((void **)&o->rows, &o->cap, (size_t)height, sizeof *o->rows);
	n = opane_layout(w->room, o->off, (size_t)height, o->rows);
	for (size_t i = 0; i < n; i++)
		draw_row(app, &o->rows[i], top + (int)i, x, width);
	mvvline(top, sep, ACS_VLINE, height);
}

bool opane_shown(struct app *app)
{
	struct ui *ui = app->ui;
	struct window *w = app->wins[app->cur_win];

	return w->kind == WIN_ROOM && w->room && !ui->opane.roster;
}

void opane_scroll(struct app *app, long pages)
{
	struct ui *ui = app->ui;
	long page = LINES > 8 ? LINES - 6 : 1, off;

	if (!opane_shown(app))
		return;
	off = (long)ui->opane.off + pages * page;
	/* opane_draw clamps the far end to what the room holds */
	ui->opane.off = off < 0 ? 0 : (size_t)off;
	ui->opane.win = app->wins[app->cur_win]->id;
}
