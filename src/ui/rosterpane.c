/* rosterpane: the contact list at the side of the screen.
 *
 * The pane shows every account's contacts by group, each with a presence
 * mark, its name and unread count, sorted by availability then name;
 * transports (JIDs without a localpart) sit in their own group. The
 * sorted row list is rebuilt only when the roster or presence changed
 * since the last draw (at most once per loop pass, however many
 * presences a pass brought), not on every redraw.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "ui/uiint.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define NO_GROUP "Contacts"
#define TRANSPORTS "Transports"

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

	/* transports last, then groups by name */
	c = (strcmp(a->group, TRANSPORTS) == 0) - (strcmp(b->group, TRANSPORTS) == 0);
	if (c)
		return c;
	c = strcasecmp(a->group, b->group);
	if (c)
		return c;
	if (a->item->best != b->item->best)
		return (int)b->item->best - (int)a->item->best;
	return strcasecmp(display_name(a->item), display_name(b->item));
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

			if (!p->show_offline && it->best == SHOW_OFFLINE &&
			    !it->unread && strchr(it->jid, '@'))
				continue;
			tmp[n].acc = app->accounts[i];
			tmp[n].item = it;
			tmp[n].group = rpane_group_of(it);
			n++;
		}
	}
	qsort(tmp, n, sizeof *tmp, rpane_cmp);
	/* interleave group headers; a folded group keeps only its header,
	 * which counts what it hides */
	p->n = 0;
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(tmp[i].group, tmp[i - 1].group) != 0) {
			xgrow((void **)&p->rows, &p->cap, p->n + 1, sizeof *p->rows);
			p->rows[p->n].acc = NULL;
			p->rows[p->n].item = NULL;
			p->rows[p->n].group = tmp[i].group;
			p->rows[p->n].hidden = 0;
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

void rpane_draw(struct app *app, int top, int left, int height)
{
	struct ui *ui = app->ui;
	struct rpane *p = &ui->pane;
	int w = p->width, row;
	/* the separator faces the chat: right edge on the left, left edge
	 * on the right */
	int x = p->right ? left + 1 : left, sep = p->right ? left : left + w - 1;
	size_t i;

	if (p->stale)
		rebuild(app, p);
	for (row = 0, i = 0; row < height && i < p->n; row++, i++) {
		struct rrow *r = &p->rows[i];

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
