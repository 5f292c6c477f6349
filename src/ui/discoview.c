/* discoview: the service discovery browser window.
 *
 * One row per item: name, JID (and node), identity, what it offers,
 * and whether it answered; for transports also whether you are
 * registered and the transport's presence. Keys act on the item under
 * the cursor: open (browse into it, or run it in a command list),
 * register, list its commands, join it (a room); Backspace goes back
 * up the trail.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/disco.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* Why a discovery request failed, in words fit for a list. */
static const char *disco_failure(const char *cond)
{
	if (!cond)
		return "an unspecified error";
	if (strcmp(cond, "item-not-found") == 0)
		return "nothing there";
	if (strcmp(cond, "service-unavailable") == 0 ||
	    strcmp(cond, "feature-not-implemented") == 0)
		return "does not support discovery";
	if (strcmp(cond, "remote-server-timeout") == 0)
		return "no answer in time";
	if (strcmp(cond, "remote-server-not-found") == 0)
		return "its server cannot be found";
	return ui_condition_words(cond);
}

static char *offers_words(const struct disco_item *it)
{
	return xasprintf("%s%s%s%s", it->offers & DISCO_REGISTER ? " [register]" : "",
			 it->offers & DISCO_COMMANDS ? " [commands]" : "",
			 it->offers & DISCO_MUC ? " [rooms]" : "",
			 it->offers & DISCO_SEARCH ? " [search]" : "");
}

/* registered / presence, for transports */
static char *gateway_words(struct account *a, const struct disco_item *it)
{
	struct roster_item *ri = roster_get(&a->roster, it->jid);

	if (!account_gateway_candidate(a, it->jid))
		return xstrdup("not registered");
	return xasprintf("registered, %s",
			 ri ? presence_show_name(ri->best) : "offline");
}

static char *item_row(struct disco *d, const struct disco_item *it)
{
	char *ids = NULL, *off, *row, *tail;
	size_t i;

	for (i = 0; i < it->nids; i++) {
		char *t = xasprintf("%s%s%s/%s", ids ? ids : "", ids ? " " : "",
				    it->ids[i].category, it->ids[i].type);

		free(ids);
		ids = t;
	}
	off = offers_words(it);
	if (it->state == DISCO_WAITING)
		tail = xstrdup("…");
	else if (it->state == DISCO_FAILED)
		tail = xasprintf("(did not answer: %s)",
				 disco_failure(it->error));
	else if (d->gateways)
		tail = gateway_words(d->acc, it);
	else
		tail = xstrdup("");
	row = xasprintf("%s  %s%s%s  %s%s  %s", it->name ? it->name : it->jid,
			it->jid, it->node ? " node " : "", it->node ? it->node : "",
			ids ? ids : "", off, tail);
	free(ids);
	free(off);
	free(tail);
	return row;
}

static char *heading(const struct disco *d)
{
	const struct disco_place *p = disco_here(d);
	char *trail = NULL, *h;
	size_t i;

	for (i = 0; i < d->ntrail; i++) {
		char *t = xasprintf("%s%s%s%s%s", trail ? trail : "",
				    trail ? " › " : "", d->trail[i].jid,
				    d->trail[i].node ? "#" : "",
				    d->trail[i].node ? d->trail[i].node : "");

		free(trail);
		trail = t;
	}
	h = xasprintf(" %s %s", d->gateways ? "Transports on" :
				d->commands ? "Commands of" : "Service discovery:",
		      d->gateways || d->commands ? p->jid : trail);
	free(trail);
	return h;
}

static char *progress(const struct disco *d)
{
	size_t i, shown = 0;

	if (d->error)
		return xasprintf(" %s: %s", disco_here(d)->jid,
				 strcmp(d->error, "not-connected") == 0 ?
					 "not connected (/connect first)" :
					 disco_failure(d->error));
	if (!d->listed)
		return xstrdup(" Listing…");
	for (i = 0; i < d->nitems; i++)
		if (disco_visible(d, &d->items[i]))
			shown++;
	if (d->answered < d->nitems)
		return xasprintf(" Scanning %zu/%zu", d->answered, d->nitems);
	if (d->gateways)
		return xasprintf(" %zu transport%s found (%zu service%s scanned)",
				 shown, shown == 1 ? "" : "s", d->nitems,
				 d->nitems == 1 ? "" : "s");
	return xasprintf(" %zu item%s", d->nitems, d->nitems == 1 ? "" : "s");
}

static void discoview_draw(struct app *app, struct window *w, int top,
			   int left, int height, int cols)
{
	struct ui *ui = app->ui;
	struct disco *d = w->disco;
	int body = height - 4, y;
	size_t i, first = 0, pos = 0, cur_pos = 0;
	char *t;
	const char *hint = d->commands ?
		" Enter run  Up/Down move  Backspace back  Esc close  F5 rescan  / command" :
		" Enter open  r register  c commands  j join  u leave  Backspace back  Esc close  F5 rescan  / command";

	if (height < 5 || cols < 10)
		return;
	t = heading(d);
	attron(A_BOLD);
	mvaddnstr(top, left, t, (int)ui_fit(t, (size_t)cols));
	attroff(A_BOLD);
	free(t);
	t = progress(d);
	attron(UI_ATTR(ui, d->error ? TH_ERROR : TH_INFO));
	mvaddnstr(top + 1, left, t, (int)ui_fit(t, (size_t)cols));
	attroff(UI_ATTR(ui, d->error ? TH_ERROR : TH_INFO));
	free(t);
	for (i = 0; i < d->nitems; i++) {
		if (!disco_visible(d, &d->items[i]))
			continue;
		if (i == d->cursor)
			cur_pos = pos;
		pos++;
	}
	if (cur_pos >= (size_t)body)
		first = cur_pos - (size_t)body + 1;
	y = top + 3;
	pos = 0;
	for (i = 0; i < d->nitems && y < top + 3 + body; i++) {
		struct disco_item *it = &d->items[i];
		attr_t a;

		if (!disco_visible(d, it))
			continue;
		if (pos++ < first)
			continue;
		t = item_row(d, it);
		a = i == d->cursor ? A_REVERSE :
		    it->state == DISCO_FAILED ? UI_ATTR(ui, TH_OFFLINE) : 0;
		attron(a);
		mvaddstr(y, left, i == d->cursor ? "> " : "  ");
		addnstr(t, (int)ui_fit(t, (size_t)cols - 2));
		attroff(a);
		free(t);
		y++;
	}
	attron(UI_ATTR(ui, TH_STATUS));
	mvhline(top + height - 1, left, ' ', cols);
	mvaddnstr(top + height - 1, left, hint, (int)ui_fit(hint, (size_t)cols));
	attroff(UI_ATTR(ui, TH_STATUS));
}

static int discoview_key(struct app *app, struct window *w, int key)
{
	struct disco *d = w->disco;
	struct disco_item *it = disco_current(d);
	int page = LINES > 8 ? LINES - 8 : 1;

	switch (key) {
	case KEYS_FN | KEY_UP: disco_move(d, -1); return 1;
	case KEYS_FN | KEY_DOWN: disco_move(d, 1); return 1;
	case KEYS_FN | KEY_PPAGE: disco_move(d, -page); return 1;
	case KEYS_FN | KEY_NPAGE: disco_move(d, page); return 1;
	case KEYS_FN | KEY_HOME: disco_move(d, -(int)d->nitems); return 1;
	case KEYS_FN | KEY_END: disco_move(d, (int)d->nitems); return 1;
	case 27: case 'q': app_close_window(app, w); return 1;
	case KEYS_FN | KEY_F(5): xs_disco_refresh(app, w); return 1;
	case 127: case 8: case KEYS_FN | KEY_BACKSPACE: case KEYS_FN | KEY_LEFT:
		if (disco_back(d))
			xs_disco_refresh(app, w);
		return 1;
	}
	if (!it)
		return 1;
	switch (key) {
	case '\r': case KEYS_FN | KEY_RIGHT:
		if (d->commands && it->node) {
			xs_command_run(app, d->acc, it->jid, it->node);
		} else if (it->state == DISCO_FAILED || it->offers & DISCO_ITEMS ||
			   it->state == DISCO_WAITING || it->node) {
			disco_enter(d, it->jid, it->node);
			xs_disco_refresh(app, w);
		} else {
			app_say(app, LINE_INFO, "%s has no items to browse", it->jid);
		}
		return 1;
	case 'r':
		xs_register_open(app, d->acc, it->jid);
		return 1;
	case 'u':
		xs_unregister_open(app, d->acc, it->jid);
		return 1;
	case 'c':
		xs_commands_open(app, d->acc, it->jid);
		return 1;
	case 'j':
		if (!strchr(it->jid, '@'))
			app_say(app, LINE_ERROR,
				"%s is a room service, not a room: Enter lists its rooms",
				it->jid);
		else
			xs_room_join(app, d->acc, it->jid, d->acc->nick, NULL);
		return 1;
	}
	return 1;
}

static char *discoview_title(struct app *app, struct window *w)
{
	(void)app;
	return xasprintf(" %s (browser)", w->name);
}

/* Browsers take single keys; '/' starts a command line. */
const struct winview discoview = { discoview_draw, discoview_key,
				   discoview_title, WV_COMMAND,
				   NULL };
