/* soundnotify: buzzes, calls and sounds in words.
 *
 * A buzz and a call are lines of the contact's conversation window
 * (core opened it); a call's line says natter cannot carry its sound
 * and how to refuse it, and every end of a call has its own line, so
 * none is left looking as if it still rang. A call that rings in a
 * window other than the one shown is told in the console too. The
 * caller's words (a reason) are one sanitised line already (xmpp/).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/sound.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/xmem.h"

static void sound_failed(struct app *app, const struct event *ev)
{
	notify_cmd_failed(app, "sound_cmd", &ev->sound_failed,
			  SOUND_CMD_LIMIT_MS);
}

/* A line in the window with id win, else the console. */
static void in_window(struct app *app, uint64_t win, enum line_kind kind,
		      const char *text)
{
	struct window *w = win ? app_window_by_id(app, win) : NULL;

	if (w)
		win_add(w, time(NULL), kind, text);
	else
		app_print(app, kind, "%s", text);
	app->dirty = true;
}

static void play_line(struct app *app, const struct event *ev)
{
	const struct ev_play *p = &ev->play;
	char *line = p->error ? xasprintf("Cannot play %s: %s", p->path,
					  p->error) :
				xasprintf("Playing %s", p->path);

	in_window(app, p->win, p->error ? LINE_ERROR : LINE_INFO, line);
	free(line);
}

static void buzz_line(struct app *app, const struct event *ev)
{
	struct window *w = conv_find(app, ev->acc, ev->buzz.jid);
	char *line = xasprintf("%s buzzes you",
			       conv_peer_name(ev->acc, ev->buzz.jid));

	if (w)
		win_add(w, time(NULL), LINE_WARN, line);
	free(line);
	app->dirty = true;
}

static const char *media_words(unsigned media)
{
	if ((media & CALL_VIDEO) && (media & CALL_AUDIO))
		return "audio and video";
	return media & CALL_VIDEO ? "video" : "audio";
}

/* How a call ended, for "Call from NAME ...". The caller frees it. */
static char *ended_words(const struct ev_call *c, const char *name)
{
	const char *r = c->reason;

	switch (c->why) {
	case CALL_END_RETRACTED:
	case CALL_END_HUNG_UP:
		return xasprintf("Call from %s ended: %s hung up%s%s%s", name,
				 name, r ? " (" : "", r ? r : "", r ? ")" : "");
	case CALL_END_DECLINED:
		return xasprintf("You declined the call from %s%s%s%s", name,
				 r ? " (" : "", r ? r : "", r ? ")" : "");
	case CALL_END_ANSWERED:
		return xasprintf("Call from %s answered on another device",
				 name);
	case CALL_END_REJECTED:
		return xasprintf("Call from %s declined on another device",
				 name);
	case CALL_END_MISSED:
	case CALL_END_NONE:
		break;
	}
	return xasprintf("Missed call from %s (%s)", name,
			 media_words(c->media));
}

static void call_line(struct app *app, const struct event *ev)
{
	const struct ev_call *c = &ev->call;
	struct window *w = conv_find(app, ev->acc, c->bare);
	const char *name = conv_peer_name(ev->acc, c->bare);
	char *line;
	enum line_kind kind = LINE_WARN;

	if (c->what == CALL_RINGING)
		line = xasprintf("%s is calling (%s)… natter cannot carry "
				 "%s yet: /decline [REASON] to refuse, or "
				 "answer on another device",
				 name, media_words(c->media),
				 c->media & CALL_VIDEO ? "calls" : "audio");
	else {
		line = ended_words(c, name);
		kind = c->why == CALL_END_MISSED ? LINE_WARN : LINE_INFO;
	}
	if (w)
		win_add(w, time(NULL), kind, line);
	if (!w || w != app->wins[app->cur_win])
		app_print(app, kind, "%s: %s", ev->acc->conf->name, line);
	free(line);
	app->dirty = true;
}

void soundnotify_event(struct app *app, const struct event *ev)
{
	switch (ev->type) {
	case EV_SOUND_FAILED:
		sound_failed(app, ev);
		break;
	case EV_PLAY:
		play_line(app, ev);
		break;
	case EV_BUZZ:
		buzz_line(app, ev);
		break;
	case EV_CALL:
		call_line(app, ev);
		break;
	default:
		break;
	}
}
