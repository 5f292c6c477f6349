/* app: building and tearing down struct app (see app.h). */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/call.h"
#include "core/paths.h"
#include "core/picture.h"
#include "core/room.h"
#include "core/sound.h"
#include "core/transfer.h"
#include "core/xmlconsole.h"
#include "util/xmem.h"

void app_init(struct app *app, struct config *cfg)
{
	size_t i;
	char *pins;

	memset(app, 0, sizeof *app);
	app->loop = loop_new();
	app->cfg = *cfg;
	memset(cfg, 0, sizeof *cfg);
	app->data_dir = paths_data_dir();
	app->state_dir = paths_state_dir();
	pins = xasprintf("%s/trusted_certs", app->data_dir);
	pinstore_load(&app->pins, pins);
	free(pins);
	xgrow((void **)&app->wins, &app->capwins, 1, sizeof *app->wins);
	app->wins[app->nwins] = win_new(WIN_CONSOLE, "console", CONSOLE_LINES);
	app->wins[app->nwins++]->id = ++app->last_win_id;
	app->naccounts = app->cfg.naccounts;
	app->accounts = xcalloc(app->naccounts, sizeof *app->accounts);
	for (i = 0; i < app->naccounts; i++)
		app->accounts[i] = account_new(&app->cfg.accounts[i]);
	app->dirty = true;
}

/* The index key of a window: the account pointer's bytes, the kind and
 * the JID (empty for the strangers window). Returns its length; *heap is
 * set (for the caller to free) when buf was too small. */
static size_t index_key(struct account *acc, enum win_kind kind,
			const char *jid, char *buf, size_t size, char **heap)
{
	size_t jl = jid ? strlen(jid) : 0;
	size_t len = sizeof acc + 1 + jl;
	char *k = buf;

	*heap = NULL;
	if (len > size)
		k = *heap = xmalloc(len);
	memcpy(k, &acc, sizeof acc);
	k[sizeof acc] = (char)kind;
	if (jl)
		memcpy(k + sizeof acc + 1, jid, jl);
	return len;
}

static bool indexed(const struct window *w)
{
	if (w->kind == WIN_CHAT || w->kind == WIN_ROOM)
		return w->jid != NULL;
	/* an account's one of its kind: keyed by (account, kind) */
	return w->kind == WIN_STRANGERS || w->kind == WIN_XMLCONSOLE;
}

static void index_set(struct app *app, struct window *w, bool add)
{
	char buf[256], *heap;
	size_t len;

	if (!indexed(w))
		return;
	len = index_key(w->acc, w->kind, w->jid, buf, sizeof buf, &heap);
	if (add)
		strmap_put(&app->win_index, heap ? heap : buf, len, w);
	else if (strmap_get(&app->win_index, heap ? heap : buf, len) == w)
		strmap_del(&app->win_index, heap ? heap : buf, len);
	free(heap);
}

struct window *app_window_find(struct app *app, struct account *acc,
			       enum win_kind kind, const char *jid)
{
	char buf[256], *heap;
	size_t len = index_key(acc, kind, jid, buf, sizeof buf, &heap);
	struct window *w = strmap_get(&app->win_index, heap ? heap : buf, len);

	free(heap);
	return w;
}

size_t app_insert_window(struct app *app, struct window *w)
{
	xgrow((void **)&app->wins, &app->capwins, app->nwins + 1,
	      sizeof *app->wins);
	w->id = ++app->last_win_id;
	app->wins[app->nwins++] = w;
	index_set(app, w, true);
	app->dirty = true;
	return app->nwins - 1;
}

void app_window_rekey(struct app *app, struct window *w, const char *jid)
{
	index_set(app, w, false);
	free(w->jid);
	w->jid = xstrdup(jid);
	index_set(app, w, true);
	w->generation++;
	app->dirty = true;
}

size_t app_add_window(struct app *app, struct window *w)
{
	w->opener = app->wins[app->cur_win]->id;
	app->cur_win = app_insert_window(app, w);
	return app->cur_win;
}

static void chat_closed(struct app *app, struct window *w);
static void room_closed(struct app *app, struct window *w);

/* What the core does differently per kind of window. */
static const struct win_kind_ops {
	/* what closing one does besides freeing it (and what it owns: a
	 * dialog, a browser), or NULL; the console is never closed */
	void (*closed)(struct app *app, struct window *w);
	bool no_lines; /* shows no lines: app_say() answers on the console,
			* and closing it goes back to where it was opened */
} kinds[] = {
	[WIN_CONSOLE] = { NULL, false }, [WIN_CHAT] = { chat_closed, false },
	[WIN_FORM] = { NULL, true },     [WIN_DISCO] = { NULL, true },
	[WIN_ROOM] = { room_closed, false }, [WIN_STRANGERS] = { NULL, false },
	[WIN_XMLCONSOLE] = { xmlconsole_closed, false },
	[WIN_PICTURE] = { NULL, true },
	[WIN_FEED] = { NULL, false },
};

static const struct win_kind_ops *kind_of(const struct window *w)
{
	static const struct win_kind_ops none = { NULL, false };

	if ((size_t)w->kind < sizeof kinds / sizeof *kinds)
		return &kinds[w->kind];
	return &none;
}

/* A conversation's unread count in the roster goes with its window. */
static void chat_closed(struct app *app, struct window *w)
{
	struct roster_item *it = roster_get(&w->acc->roster, w->jid);

	(void)app;
	if (it)
		it->unread = 0;
}

/* A room's timer (xmpp/mucstay.c) holds its window: it goes first. */
static void room_closed(struct app *app, struct window *w)
{
	if (w->room) {
		loop_timer_cancel(app->loop, w->room->stay_timer);
		w->room->stay_timer = 0;
	}
}

/* The index of the window whose id is id, or app->nwins when it is
 * gone (or id is 0). */
static size_t index_of_id(const struct app *app, uint64_t id)
{
	size_t i;

	for (i = 0; id && i < app->nwins; i++)
		if (app->wins[i]->id == id)
			return i;
	return app->nwins;
}

void app_close_window(struct app *app, struct window *w)
{
	size_t idx, back;
	bool current;

	for (idx = 1; idx < app->nwins; idx++)
		if (app->wins[idx] == w)
			break;
	if (idx >= app->nwins)
		return;
	current = app->cur_win == idx;
	/* a dialog or a browser closed goes back to the window it was
	 * opened from, not to whichever window precedes it in the list:
	 * what is typed next must reach the conversation it was meant for */
	back = current && kind_of(w)->no_lines ?
		       index_of_id(app, w->opener) : app->nwins;
	if (kind_of(w)->closed)
		kind_of(w)->closed(app, w);
	index_set(app, w, false);
	win_free(&app->wins[idx]);
	memmove(&app->wins[idx], &app->wins[idx + 1],
		(app->nwins - idx - 1) * sizeof *app->wins);
	app->nwins--;
	if (back < app->nwins + 1 && back != idx)
		app_select(app, back > idx ? back - 1 : back);
	else if (app->cur_win >= idx && app->cur_win > 0)
		app->cur_win--;
	app->dirty = true;
}

void app_select(struct app *app, size_t idx)
{
	struct window *w;

	if (idx >= app->nwins)
		return;
	app->cur_win = idx;
	w = app->wins[idx];
	w->unread = 0;
	w->highlight = false;
	if (w->kind == WIN_CHAT) {
		struct roster_item *it = roster_get(&w->acc->roster, w->jid);

		if (it)
			it->unread = 0;
	}
	app->dirty = true;
}

struct window *app_account_window(struct app *app, struct account *acc,
				  enum win_kind kind, const char *base,
				  size_t cap, bool *made)
{
	struct window *w = app_window_find(app, acc, kind, NULL);
	char *name;

	if (made)
		*made = !w;
	if (w)
		return w;
	name = app->naccounts > 1 ? xasprintf("%s/%s", base, acc->conf->name) :
				    xstrdup(base);
	w = win_new(kind, name, cap);
	free(name);
	w->acc = acc;
	app_insert_window(app, w);
	return w;
}

struct window *app_window_by_id(struct app *app, uint64_t id)
{
	size_t i;

	for (i = 0; i < app->nwins; i++)
		if (app->wins[i]->id == id)
			return app->wins[i];
	return NULL;
}

struct window *app_window_or_console(struct app *app, uint64_t id)
{
	struct window *w = id ? app_window_by_id(app, id) : NULL;

	return w ? w : app_console(app);
}

void app_open_history(struct app *app)
{
	size_t i;

	for (i = 0; i < app->naccounts; i++) {
		char *err = NULL;

		if (account_open_history(app->accounts[i], app->data_dir,
					 &err) < 0) {
			app_print(app, LINE_ERROR,
				  "%s: history is off: cannot open %s",
				  app->accounts[i]->conf->name, err);
			free(err);
		}
	}
}

void app_free(struct app *app)
{
	size_t i;

	transfer_shutdown(app);
	call_free(&app->calls);
	picture_shutdown(app);
	for (i = 0; i < app->naccounts; i++)
		account_free(&app->accounts[i]);
	free(app->accounts);
	for (i = 0; i < app->nwins; i++)
		win_free(&app->wins[i]);
	free(app->wins);
	strmap_clear(&app->win_index);
	free(app->subs);
	app_hits_clear(app);
	for (i = 0; i < app->ncollapsed; i++)
		free(app->collapsed[i]);
	free(app->collapsed);
	pinstore_clear(&app->pins);
	attention_free(&app->attention);
	sound_free(&app->sounds);
	conf_clear(&app->cfg);
	free(app->data_dir);
	free(app->state_dir);
	loop_free(&app->loop);
	memset(app, 0, sizeof *app);
}

struct window *app_console(struct app *app)
{
	return app->wins[0];
}

static void vprint(struct app *app, struct window *w, enum line_kind kind,
		   const char *fmt, va_list ap)
{
	char *text;

	if (vasprintf(&text, fmt, ap) < 0)
		return;
	win_add(w, time(NULL), kind, text);
	free(text);
	app->dirty = true;
}

void app_print(struct app *app, enum line_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(app, app_console(app), kind, fmt, ap);
	va_end(ap);
}

void app_say(struct app *app, enum line_kind kind, const char *fmt, ...)
{
	va_list ap;

	struct window *w = app->wins[app->cur_win];

	/* dialogs and browsers show no lines: their answers go to the console */
	if (kind_of(w)->no_lines)
		w = app->wins[0];
	va_start(ap, fmt);
	vprint(app, w, kind, fmt, ap);
	va_end(ap);
}

bool app_group_collapsed(const struct app *app, const char *group)
{
	size_t i;

	for (i = 0; i < app->ncollapsed; i++)
		if (strcmp(app->collapsed[i], group) == 0)
			return true;
	return false;
}

bool app_group_toggle(struct app *app, const char *group)
{
	struct event ev = { .type = EV_ROSTER_VIEW };
	size_t i;

	for (i = 0; i < app->ncollapsed; i++) {
		if (strcmp(app->collapsed[i], group) == 0) {
			free(app->collapsed[i]);
			app->collapsed[i] = app->collapsed[--app->ncollapsed];
			event_emit(app, &ev);
			return false;
		}
	}
	app->collapsed = xrealloc(app->collapsed, (app->ncollapsed + 1) *
							  sizeof *app->collapsed);
	app->collapsed[app->ncollapsed++] = xstrdup(group);
	event_emit(app, &ev);
	return true;
}

void app_hits_clear(struct app *app)
{
	size_t i;

	for (i = 0; i < app->nhits; i++)
		free(app->hits[i].peer);
	free(app->hits);
	app->hits = NULL;
	app->nhits = app->caphits = 0;
}

void app_hit_add(struct app *app, struct account *acc, const char *peer,
		 int64_t rowid, bool room)
{
	xgrow((void **)&app->hits, &app->caphits, app->nhits + 1,
	      sizeof *app->hits);
	app->hits[app->nhits].acc = acc;
	app->hits[app->nhits].peer = xstrdup(peer);
	app->hits[app->nhits].rowid = rowid;
	app->hits[app->nhits].room = room;
	app->nhits++;
}
