/* rosterpane: the contact list at the side of the screen.
 *
 * The pane shows every account's contacts by group, each with a presence
 * mark, its name and unread count, sorted by availability then name;
 * transports (JIDs without a localpart) sit in their own group, and
 * contacts the server blocks for us (core/blocklist.h) in a Blocked
 * group at the end, shown even while offline (which they always seem
 * to be). A Rooms
 * group on top lists the bookmarked rooms (in JID order) and then the
 * other rooms open in windows, each with "#" when we are in it and its
 * window's unread count ("!" when some are highlights). The
 * sorted row list is rebuilt only when the roster or presence changed
 * since the last draw (at most once per loop pass, however many
 * presences a pass brought), not on every redraw.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/bookmark.h"
#include "core/room.h"
#include "ui/uiint.h"
#include "util/jid.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define NO_GROUP "Contacts"
#define TRANSPORTS "Transports"
#define ROOMS "Rooms"
#define BLOCKED "Blocked"

const char *rpane_group_of(const struct roster_item *it)
{
	if (!strchr(it->jid, '@'))
		return TRANSPORTS;
	return it->ngroups ? it->groups[0] : NO_GROUP;
}

const char *ui_show_mark(int show)
{
	static const char *const marks[] = {
		[SHOW_OFFLINE] = " ", [SHOW_DND] = "x", [SHOW_XA] = "~",
		[SHOW_AWAY] = "-",    [SHOW_ONLINE] = "+", [SHOW_CHAT] = "*",
	};
	return marks[show];
}

attr_t ui_show_attr(struct ui *ui, int show)
{
	switch (show) {
	case SHOW_ONLINE: case SHOW_CHAT: return UI_ATTR(ui, TH_ONLINE);
	case SHOW_AWAY: case SHOW_XA: return UI_ATTR(ui, TH_AWAY);
	case SHOW_DND: return UI_ATTR(ui, TH_DND);
	default: return UI_ATTR(ui, TH_OFFLINE);
	}
}

/* Where the subscription is not mutual, a short mark says how:
 * ">" we see them only, "<" they see us only, "?" we asked and wait,
 * "!" neither. */
static const char *sub_mark(const struct roster_item *it)
{
	if (it->ask)
		return "?";
	switch (it->sub) {
	case SUB_TO: return ">";
	case SUB_FROM: return "<";
	case SUB_NONE: return "!";
	default: return NULL;
	}
}

static const char *display_name(const struct roster_item *it)
{
	return it->name ? it->name : it->jid;
}

int rpane_cmp(const void *pa, const void *pb)
{
	const struct rrow *a = pa, *b = pb;
	int c;

	/* transports last but the blocked, then groups by name */
	c = (strcmp(a->group, TRANSPORTS) == 0) - (strcmp(b->group, TRANSPORTS) == 0);
	c += 2 * ((strcmp(a->group, BLOCKED) == 0) -
		  (strcmp(b->group, BLOCKED) == 0));
	if (c)
		return c;
	c = strcasecmp(a->group, b->group);
	if (c)
		return c;
	if (a->item->best != b->item->best)
		return (int)b->item->best - (int)a->item->best;
	return strcasecmp(display_name(a->item), display_name(b->item));
}

static void add_row(struct rpane *p, const struct rrow *r)
{
	xgrow((void **)&p->rows, &p->cap, p->n + 1, sizeof *p->rows);
	p->rows[p->n++] = *r;
}

static int cmp_win_jid(const void *a, const void *b)
{
	const struct window *const *x = a, *const *y = b;

	return strcmp((*x)->jid, (*y)->jid);
}

/* The Rooms group: every account's bookmarks, then the room windows
 * open without one. Rows name bookmarks by index and windows by id, so
 * a window that closes before the next rebuild is looked up, not used. */
static void rebuild_rooms(struct app *app, struct rpane *p)
{
	struct rrow head = { .group = ROOMS }, r;
	struct window **open = xcalloc(app->nwins + 1, sizeof *open);
	size_t i, j, nopen = 0, hdr = p->n;
	bool folded = app_group_collapsed(app, ROOMS);

	add_row(p, &head);
	for (i = 0; i < app->naccounts; i++) {
		for (j = 0; j < app->accounts[i]->bookmarks.n; j++) {
			memset(&r, 0, sizeof r);
			r.acc = app->accounts[i];
			r.group = ROOMS;
			r.room = true;
			r.bm = j;
			if (folded)
				p->rows[hdr].hidden++;
			else
				add_row(p, &r);
		}
	}
	for (i = 1; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (w->kind == WIN_ROOM && w->acc &&
		    !bookmarks_find(&w->acc->bookmarks, w->jid))
			open[nopen++] = w;
	}
	qsort(open, nopen, sizeof *open, cmp_win_jid);
	for (i = 0; i < nopen; i++) {
		memset(&r, 0, sizeof r);
		r.acc = open[i]->acc;
		r.group = ROOMS;
		r.room = true;
		r.bm = SIZE_MAX;
		r.win = open[i]->id;
		if (folded)
			p->rows[hdr].hidden++;
		else
			add_row(p, &r);
	}
	free(open);
	if (p->n == hdr + 1 && !p->rows[hdr].hidden)
		p->n = hdr; /* no rooms: no group */
}

static void rebuild(struct app *app, struct rpane *p)
{
	size_t i, j, n = 0;
	struct rrow *tmp;

	for (i = 0; i < app->naccounts; i++)
		n += app->accounts[i]->roster.n;
	tmp = xcalloc(n ? n : 1, sizeof *tmp);
	n = 0;
	for (i = 0; i < app->naccounts; i++) {
		struct roster *r = &app->accounts[i]->roster;

		for (j = 0; j < r->n; j++) {
			struct roster_item *it = &r->items[j];
			bool blocked = blocklist_match(
					       &app->accounts[i]->blocklist,
					       it->jid) != NULL;

			if (!p->show_offline && it->best == SHOW_OFFLINE &&
			    !it->unread && strchr(it->jid, '@') && !blocked)
				continue;
			tmp[n].acc = app->accounts[i];
			tmp[n].item = it;
			tmp[n].group = blocked ? BLOCKED : rpane_group_of(it);
			n++;
		}
	}
	qsort(tmp, n, sizeof *tmp, rpane_cmp);
	p->n = 0;
	rebuild_rooms(app, p);
	/* interleave group headers; a folded group keeps only its header,
	 * which counts what it hides */
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(tmp[i].group, tmp[i - 1].group) != 0) {
			xgrow((void **)&p->rows, &p->cap, p->n + 1, sizeof *p->rows);
			memset(&p->rows[p->n], 0, sizeof *p->rows);
			p->rows[p->n].group = tmp[i].group;
			p->n++;
		}
		if (app_group_collapsed(app, tmp[i].group)) {
			p->rows[p->n - 1].hidden++;
			continue;
		}
		xgrow((void **)&p->rows, &p->cap, p->n + 1, sizeof *p->rows);
		p->rows[p->n++] = tmp[i];
	}
	free(tmp);
	p->stale = false;
	p->nwins = app->nwins;
}

void rpane_mark_stale(struct app *app)
{
	struct ui *ui = app->ui;

	if (ui)
		ui->pane.stale = true;
}

/* Each draw reads the unread counts it shows, so a message changes the
 * rows only when it makes an offline contact they hide worth showing:
 * a flood from one contact must not sort the whole roster per draw. */
void rpane_message(struct app *app, struct account *acc, const char *jid)
{
	struct ui *ui = app->ui;
	struct roster_item *it = acc ? roster_get(&acc->roster, jid) : NULL;

	if (ui && it && it->unread == 1 && it->best == SHOW_OFFLINE &&
	    !ui->pane.show_offline)
		ui->pane.stale = true;
}

/* One room row: "#" when we are in it, its name, its window's unread
 * count with "!" when some are highlights. */
static void draw_room(struct app *app, const struct rrow *r, int y, int x,
		      int w)
{
	struct ui *ui = app->ui;
	const struct bookmark *b = r->bm < r->acc->bookmarks.n ?
					   &r->acc->bookmarks.items[r->bm] :
					   NULL;
	struct window *win = b ? app_window_find(app, r->acc, WIN_ROOM, b->jid) :
				 app_window_by_id(app, r->win);
	bool in = win && win->room && win->room->joined &&
		  r->acc->state == ACC_ONLINE;
	char *label;

	if (b)
		label = bookmark_label(b);
	else if (win && win->room && win->room->name)
		label = xstrdup(win->room->name);
	else if (win)
		label = jid_local_of(win->jid);
	else
		return; /* closed since the last rebuild */
	if (!label)
		label = xstrdup(win->jid);
	attron(UI_ATTR(ui, in ? TH_ONLINE : TH_OFFLINE));
	mvaddstr(y, x, in ? "#" : " ");
	mvaddnstr(y, x + 2, label, (int)ui_fit(label, (size_t)w - 9));
	attrset(A_NORMAL);
	if (win && win->unread)
		mvprintw(y, x + w - 7, "(%u%s)", win->unread > 99 ? 99 :
						  win->unread,
			 win->highlight ? "!" : "");
	free(label);
}

void rpane_draw(struct app *app, int top, int left, int height)
{
	struct ui *ui = app->ui;
	struct rpane *p = &ui->pane;
	int w = p->width, row;
	/* the separator faces the chat: right edge on the left, left edge
	 * on the right */
	int x = p->right ? left + 1 : left, sep = p->right ? left : left + w - 1;
	size_t i;

	if (p->stale || p->nwins != app->nwins)
		rebuild(app, p);
	for (row = 0, i = 0; row < height && i < p->n; row++, i++) {
		struct rrow *r = &p->rows[i];

		if (r->room) {
			draw_room(app, r, top + row, x, w);
			continue;
		}
		if (!r->item) {
			attron(UI_ATTR(ui, TH_GROUP));
			mvaddnstr(top + row, x, r->group,
				  (int)ui_fit(r->group, (size_t)w - 8));
			if (r->hidden)
				printw(" [+%zu]", r->hidden);
			attrset(A_NORMAL);
			continue;
		}
		attron(ui_show_attr(ui, r->item->best));
		mvaddstr(top + row, x, ui_show_mark(r->item->best));
		mvaddnstr(top + row, x + 2, display_name(r->item),
			  (int)ui_fit(display_name(r->item), (size_t)w - 8));
		attrset(A_NORMAL);
		if (r->item->unread)
			mvprintw(top + row, x + w - 6, "(%u)",
				 r->item->unread > 99 ? 99 : r->item->unread);
		else if (sub_mark(r->item))
			mvaddstr(top + row, x + w - 4, sub_mark(r->item));
	}
	if (p->n > (size_t)height) {
		mvhline(top + height - 1, x, ' ', w - 1);
		mvaddstr(top + height - 1, x, "  ...");
	}
	mvvline(top, sep, ACS_VLINE, height);
}
