/* mucstay: staying in rooms (XEP-0045, XEP-0410) and asking them only
 * for the discussion we lack.
 *
 * A room can lose us without a word: its server restarted, a link
 * between servers broke, our own session was replaced by a new one. So
 * each joined room has one loop timer (struct room.stay_timer, holding
 * the window, cancelled when the window closes). When it fires and the
 * room has sent nothing for `room_ping` seconds (struct room.heard_at,
 * set by every stanza from the room; the timer is not reset per stanza,
 * it is re-armed for the rest of the quiet when it fires), we ping our
 * own occupant JID. Its answer decides (XEP-0410 3.2): a result, or
 * service-unavailable / feature-not-implemented from a client of ours
 * without ping, means we are in; remote-server-not-found, -timeout or no
 * answer decide nothing and the ping is tried again later; any other
 * error means we are out and the room is joined again. Unlike the XEP,
 * item-not-found counts as out: Prosody answers it for a room that no
 * longer exists (it restarted and forgot it), and a nick changed by
 * another client of ours would have reached us as a presence.
 *
 * The room windows of an account are joined again when the connection
 * comes back as a new session (a resumed XEP-0198 stream keeps the
 * rooms: the server kept our presence), and a room that says it shuts
 * down (status 332) is joined again after ROOM_REJOIN_FIRST_MS. A rejoin
 * that gets no answer, or an error that may pass, is tried again with
 * growing waits; an error that will not pass (a ban, a taken nick, a
 * password) ends it.
 *
 * Every join asks for the history we lack: `<history since=…>` from the
 * newest stored line (core/room.h room_history_since), or the last
 * MUC_HISTORY_MAX messages when nothing is stored. Also when the room
 * keeps an archive, which xmpp/mam.c then catches up from: whether it
 * does is known only from its disco#info once we are in, and should
 * the archive fail, the replay has brought what it could; the two
 * overlap only by what the replay holds, stored once by stanza-id.
 *
 * What the user wrote in a room waits in the outbox (core/room.h) until
 * the room is joined and its join is over (the subject ends the replay,
 * whose echoes of our own lines acknowledge them; a room that sends no
 * subject is given ROOM_REJOIN_FIRST_MS), then goes in order with its
 * id; a message sent OUTBOX_MAX_TRIES times without an echo is given up
 * on, as for one-to-one messages.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/outbox.h"
#include "core/room.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"

/* How many old messages a room replays when nothing of it is stored. */
#define MUC_HISTORY_MAX "20"
/* The first wait before joining a room that shut down (or whose rejoin
 * went unanswered) again, doubled on each try up to the second. */
#define ROOM_REJOIN_FIRST_MS 5000
#define ROOM_REJOIN_MAX_MS (300 * 1000)
/* How long a self-ping waits for its answer. */
#define ROOM_PING_TIMEOUT_MS 30000

void muc_history_ask(struct session *s, xmpp_stanza_t *x, const char *room)
{
	xmpp_stanza_t *h = stanza_add_child(x, "history", NULL);
	int64_t since;

	if (room_history_since(s->acc, room, &since)) {
		time_t t = (time_t)(since / 1000);
		struct tm tm;
		char stamp[32];

		gmtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
		xmpp_stanza_set_attribute(h, "since", stamp);
	} else {
		xmpp_stanza_set_attribute(h, "maxstanzas", MUC_HISTORY_MAX);
	}
}

enum muc_stay_verdict muc_selfping_verdict(const char *cond)
{
	static const char *const in[] = { "service-unavailable",
					   "feature-not-implemented" };
	static const char *const later[] = { "remote-server-not-found",
					      "remote-server-timeout" };
	size_t i;

	if (!cond)
		return MUC_STAY_IN;
	for (i = 0; i < sizeof in / sizeof *in; i++)
		if (strcmp(cond, in[i]) == 0)
			return MUC_STAY_IN;
	for (i = 0; i < sizeof later / sizeof *later; i++)
		if (strcmp(cond, later[i]) == 0)
			return MUC_STAY_LATER;
	return MUC_STAY_OUT;
}

bool muc_rejoin_final(const char *cond)
{
	static const char *const final[] = {
		"conflict", "forbidden", "not-authorized",
		"registration-required", "not-allowed", "gone",
		"jid-malformed", "not-acceptable",
	};
	size_t i;

	for (i = 0; cond && i < sizeof final / sizeof *final; i++)
		if (strcmp(cond, final[i]) == 0)
			return true;
	return false;
}

struct flush {
	struct session *s;
	struct window *w;
	bool all;
};

static int flush_row(const struct outbox_msg *m, void *ud)
{
	struct flush *f = ud;
	struct session *s = f->s;

	if (!m->room || strcmp(m->peer, f->w->jid) != 0 ||
	    (!f->all && m->state != OUTBOX_QUEUED))
		return 0;
	if (m->tries >= OUTBOX_MAX_TRIES) {
		log_msg(LOG_WARN, "outbox", "%s: giving up on %s after %u tries",
			s->acc->conf->name, m->id, m->tries);
		outbox_done(s->acc->outbox, m->peer, m->id);
		return 0;
	}
	muc_send_groupchat(s, m->peer, m->body, m->id, m->oob);
	room_delivery(s->app, s->acc, m->peer, m->id, LINE_SENT);
	return 0;
}

void muc_outbox_send(struct session *s, struct window *w, bool all)
{
	struct flush f = { s, w, all };

	if (s->acc->state != ACC_ONLINE || !w->room->joined ||
	    w->room->outbox_due || !s->acc->history || !s->acc->outbox)
		return;
	if (outbox_each(s->acc->outbox, flush_row, &f) < 0)
		log_msg(LOG_ERROR, "outbox", "%s: cannot read: %s",
			s->acc->conf->name, outbox_error(s->acc->outbox));
}

/* The join is over: what waited for it goes. */
static void join_over(struct session *s, struct window *w)
{
	if (!w->room->outbox_due)
		return;
	w->room->outbox_due = false;
	muc_outbox_send(s, w, true);
}

void muc_stay_subject(struct session *s, const char *room)
{
	struct window *w = room_find(s->app, s->acc, room);

	if (w && w->room && w->room->joined)
		join_over(s, w);
}

static void stay_due(struct loop *l, void *ud);

/* (Re)arms w's timer for delay_ms from now. */
static void arm(struct session *s, struct window *w, uint64_t delay_ms)
{
	struct room *r = w->room;

	loop_timer_cancel(s->app->loop, r->stay_timer);
	r->stay_timer = loop_timer_add(s->app->loop, delay_ms, stay_due, w);
}

static uint64_t ping_ms(struct session *s)
{
	return (uint64_t)s->app->cfg.room_ping * 1000;
}

/* Arms the self-ping of a joined room, when self-pings are on. */
static void arm_ping(struct session *s, struct window *w)
{
	if (ping_ms(s) > 0)
		arm(s, w, ping_ms(s));
}

/* Sends our presence to w's room again, asking for what we lack, and
 * arms the timer that tries again if it does not work. */
static void send_join(struct session *s, struct window *w)
{
	struct room *r = w->room;

	muc_send_join(s, w->jid, r->nick, r->password);
	r->retry_ms = r->retry_ms ? r->retry_ms * 2 : ROOM_REJOIN_FIRST_MS;
	if (r->retry_ms > ROOM_REJOIN_MAX_MS)
		r->retry_ms = ROOM_REJOIN_MAX_MS;
	arm(s, w, r->retry_ms);
	log_msg(LOG_INFO, "muc", "%s: joining %s again", s->acc->conf->name,
		w->jid);
}

static void rejoin(struct session *s, struct window *w,
		   enum room_rejoin_why why, const char *cond)
{
	room_rejoin_begin(s->app, w, why, cond);
	w->room->retry_ms = 0;
	send_join(s, w);
}

static void ping_answered(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w = app_window_by_id(s->app, (uint64_t)(uintptr_t)ud);
	struct req_error e;

	/* gone, offline (online again arms it), or joining again */
	if (!w || w->kind != WIN_ROOM || s->acc->state != ACC_ONLINE ||
	    !w->room->joined)
		return;
	if (reply && req_ok(reply)) {
		log_msg(LOG_DEBUG, "muc", "%s: self-ping in %s answered: in",
			s->acc->conf->name, w->jid);
		w->room->heard_at = loop_now(s->app->loop);
		arm_ping(s, w);
		return;
	}
	req_error_parse(reply, &e);
	switch (muc_selfping_verdict(e.cond)) {
	case MUC_STAY_IN:
		log_msg(LOG_DEBUG, "muc", "%s: self-ping in %s: %s: in",
			s->acc->conf->name, w->jid, e.cond);
		w->room->heard_at = loop_now(s->app->loop);
		arm_ping(s, w);
		break;
	case MUC_STAY_LATER:
		log_msg(LOG_INFO, "muc", "%s: self-ping in %s: %s: try later",
			s->acc->conf->name, w->jid, e.cond);
		arm_ping(s, w);
		break;
	case MUC_STAY_OUT:
		log_msg(LOG_INFO, "muc", "%s: self-ping in %s: %s: out",
			s->acc->conf->name, w->jid, e.cond);
		rejoin(s, w, ROOM_REJOIN_PING, e.cond);
		break;
	}
	req_error_clear(&e);
}

static void self_ping(struct session *s, struct window *w)
{
	char *to = xasprintf("%s/%s", w->jid, w->room->nick);
	xmpp_stanza_t *iq = req_iq(s, "get", to, "ping", NS_PING);

	log_msg(LOG_DEBUG, "muc", "%s: self-ping in %s", s->acc->conf->name,
		w->jid);
	req_send(s, iq, ping_answered, (void *)(uintptr_t)w->id,
		 ROOM_PING_TIMEOUT_MS);
	free(to);
}

static void stay_due(struct loop *l, void *ud)
{
	struct window *w = ud;
	struct room *r = w->room;
	struct session *s = session_of(w->acc);
	uint64_t quiet;

	r->stay_timer = 0;
	if (w->acc->state != ACC_ONLINE)
		return; /* muc_stay_online() takes it up again */
	if (!r->joined) {
		if (r->rejoining)
			send_join(s, w); /* no answer yet, or one that may pass */
		return;
	}
	join_over(s, w); /* a room that sent no subject */
	if (ping_ms(s) == 0)
		return;
	quiet = loop_now(l) - r->heard_at;
	if (quiet < ping_ms(s))
		arm(s, w, ping_ms(s) - quiet);
	else
		self_ping(s, w);
}

void muc_stay_online(struct session *s)
{
	struct app *app = s->app;
	size_t i;

	for (i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (w->kind != WIN_ROOM || w->acc != s->acc || !w->room)
			continue;
		if (s->resumed) {
			/* the server kept our presence: the rooms have us */
			if (w->room->joined) {
				arm_ping(s, w);
				muc_outbox_send(s, w, false);
			} else if (w->room->rejoining)
				send_join(s, w);
		} else if (w->room->joined || w->room->rejoining) {
			rejoin(s, w, ROOM_REJOIN_RECONNECT, NULL);
		}
	}
}

void muc_stay_heard(struct session *s, struct window *w)
{
	if (w->room)
		w->room->heard_at = loop_now(s->app->loop);
}

void muc_stay_presence(struct session *s, const char *room,
		       const struct room_presence *p)
{
	struct window *w = room_find(s->app, s->acc, room);

	if (!w || !w->room || !room_presence_has(p, 110))
		return;
	if (p->available) {
		/* in (again): the outbox waits for the end of the join (a
		 * room without a subject for a while), then the self-ping
		 * watches */
		if (w->room->outbox_due)
			arm(s, w, ROOM_REJOIN_FIRST_MS);
		else if (w->room->joined && !w->room->stay_timer)
			arm_ping(s, w);
	} else if (room_presence_has(p, 332)) {
		/* the room shuts down: back in once it is up again */
		room_rejoin_begin(s->app, w, ROOM_REJOIN_SHUTDOWN, NULL);
		w->room->retry_ms = ROOM_REJOIN_FIRST_MS;
		arm(s, w, w->room->retry_ms);
	}
}

/* Stops joining w's room again, and its self-pings. */
static void stay_stop(struct session *s, struct window *w)
{
	w->room->rejoining = false;
	loop_timer_cancel(s->app->loop, w->room->stay_timer);
	w->room->stay_timer = 0;
}

void muc_stay_error(struct session *s, const char *room, const char *cond)
{
	struct window *w = room_find(s->app, s->acc, room);

	if (!w || !w->room || !w->room->rejoining || !muc_rejoin_final(cond))
		return;
	stay_stop(s, w); /* it will not pass: stop trying (the window says
			  * why) */
}

void muc_stay_left(struct session *s, const char *room)
{
	struct window *w = room_find(s->app, s->acc, room);

	if (w && w->room)
		stay_stop(s, w);
}
