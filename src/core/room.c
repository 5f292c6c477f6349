/* room: group chat windows (see room.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/conv.h"
#include "core/room.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct window *room_find(struct app *app, struct account *acc,
			 const char *room)
{
	return app_window_find(app, acc, WIN_ROOM, room);
}

size_t room_open(struct app *app, struct account *acc, const char *room,
		 const char *nick)
{
	struct window *w = room_find(app, acc, room);
	size_t i;

	if (!w) {
		w = win_new(WIN_ROOM, room, CONV_LINES);
		w->acc = acc;
		w->jid = xstrdup(room);
		app_add_window(app, w);
	}
	free(w->room_nick);
	w->room_nick = xstrdup(nick);
	for (i = 0; i < app->nwins; i++)
		if (app->wins[i] == w)
			app_select(app, i);
	return app->cur_win;
}

bool room_has(const struct window *w, const char *nick)
{
	size_t i;

	for (i = 0; i < w->noccupants; i++)
		if (strcmp(w->occupants[i], nick) == 0)
			return true;
	return false;
}

static void mark_unread(struct app *app, struct window *w)
{
	if (app->wins[app->cur_win] != w)
		w->unread++;
	app->dirty = true;
}

void room_message(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *body, int64_t ts_ms,
		  bool delayed)
{
	struct window *w = room_find(app, acc, room);
	bool ours = nick && w && w->room_nick && strcmp(nick, w->room_nick) == 0;

	if (!w)
		return;
	if (!nick) { /* the room itself speaks */
		win_add(w, (time_t)(ts_ms / 1000), LINE_INFO, body);
	} else {
		attention_message(app, w,
				  win_add_msg(w, (time_t)(ts_ms / 1000),
					      ours ? LINE_MSG_OUT : LINE_MSG_IN,
					      delayed ? LINE_DELAYED : 0, nick,
					      body, NULL),
				  delayed);
	}
	if (!ours)
		mark_unread(app, w);
	app->dirty = true;
}

void room_subject(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *subject)
{
	struct event ev = { .type = EV_ROOM_SUBJECT, .acc = acc,
			    .room_subject = { .room = room, .nick = nick,
					      .subject = subject } };

	if (room_find(app, acc, room))
		event_emit(app, &ev);
}

static void occupant_remove(struct window *w, const char *nick)
{
	size_t i;

	for (i = 0; i < w->noccupants; i++) {
		if (strcmp(w->occupants[i], nick) != 0)
			continue;
		free(w->occupants[i]);
		w->occupants[i] = w->occupants[--w->noccupants];
		return;
	}
}

void room_occupant(struct app *app, struct account *acc, const char *room,
		   const char *nick, bool present, bool self)
{
	struct window *w = room_find(app, acc, room);
	struct event ev = { .type = EV_ROOM_OCCUPANT, .acc = acc,
			    .room_occupant = { .room = room, .nick = nick } };
	bool told = false;

	if (!w)
		return;
	if (present && !room_has(w, nick)) {
		w->occupants = xrealloc(w->occupants, (w->noccupants + 1) *
							      sizeof *w->occupants);
		w->occupants[w->noccupants++] = xstrdup(nick);
		/* the occupants before our own presence are not news */
		told = w->joined || self;
		ev.room_occupant.what = self && !w->joined ? ROOM_WE_JOINED :
							      ROOM_JOINED;
		if (self)
			w->joined = true;
	} else if (!present) {
		occupant_remove(w, nick);
		told = true;
		ev.room_occupant.what = self ? ROOM_WE_LEFT : ROOM_LEFT;
		if (self)
			w->joined = false;
	}
	ev.room_occupant.here = w->noccupants;
	if (told)
		event_emit(app, &ev);
	app->dirty = true;
}

void room_error(struct app *app, struct account *acc, const char *room,
		const char *cond, const char *text)
{
	struct window *w = room_find(app, acc, room);
	struct event ev = { .type = EV_ROOM_ERROR, .acc = acc,
			    .room_error = { .room = room, .cond = cond,
					    .text = text } };

	if (!w)
		return;
	event_emit(app, &ev);
}
