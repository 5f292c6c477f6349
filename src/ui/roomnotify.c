/* roomnotify: the words of a room's news, in its window.
 *
 * core/room.c reports what happened in a room as events (EV_ROOM_*);
 * this file turns each into one line of the room's window: arrivals
 * and departures (folded: "12 joined: a, b, …"), nick changes, kicks
 * and bans with who did it and why, role and affiliation changes,
 * subjects, the room's status codes (XEP-0045 table 10.2) and the
 * errors a room answers with, worded by what we were doing (a join
 * refused for a password is not a message refused). Each status code
 * and each refusal has one row in a table below.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/room.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/xmem.h"

/* How many names a folded line lists before "and N more". */
#define FOLD_NAMES 10

/* What a room's refusal means, by what was refused. */
static const struct {
	enum room_op op;
	const char *cond;
	const char *words;
} refusals[] = {
	{ ROOM_OP_JOIN, "not-authorized", "this room needs a password" },
	{ ROOM_OP_JOIN, "registration-required",
	  "this room is for members only; an owner or admin can make you a member" },
	{ ROOM_OP_JOIN, "forbidden", "you are banned from this room" },
	{ ROOM_OP_JOIN, "service-unavailable",
	  "the room is full (it has as many occupants as it allows)" },
	{ ROOM_OP_JOIN, "item-not-found",
	  "the room does not exist, or is locked while its owner sets it up" },
	{ ROOM_OP_JOIN, "not-allowed",
	  "the service does not let you create rooms" },
	{ ROOM_OP_JOIN, "not-acceptable",
	  "this room wants your registered nickname" },
	{ ROOM_OP_JOIN, "jid-malformed", "a nickname is needed to join" },
	{ ROOM_OP_JOIN, "remote-server-not-found",
	  "the room's service cannot be reached" },
	{ ROOM_OP_JOIN, "remote-server-timeout",
	  "the room's service cannot be reached" },
	{ ROOM_OP_NICK, "not-acceptable",
	  "the room does not accept that nickname" },
	{ ROOM_OP_NICK, "not-allowed",
	  "the room does not allow nickname changes" },
	{ ROOM_OP_NICK, "forbidden",
	  "the room does not allow nickname changes" },
	{ ROOM_OP_MESSAGE, "forbidden",
	  "you may not speak here (visitors need a moderator's voice)" },
	{ ROOM_OP_MESSAGE, "not-acceptable",
	  "you are not in the room (/join it first)" },
	{ ROOM_OP_MESSAGE, "not-allowed", "the room does not allow that" },
	{ ROOM_OP_SUBJECT, "forbidden",
	  "you may not change the subject here (only moderators may)" },
	{ ROOM_OP_SUBJECT, "not-allowed",
	  "you may not change the subject here" },
	{ ROOM_OP_CONFIG, "forbidden", "only its owners may configure it" },
	{ ROOM_OP_CONFIG, "no-form", "the room sent no form to fill in" },
};

static const char *const op_words[] = {
	[ROOM_OP_JOIN] = "could not join",
	[ROOM_OP_NICK] = "nickname not changed",
	[ROOM_OP_MESSAGE] = "message not delivered",
	[ROOM_OP_SUBJECT] = "subject not changed",
	[ROOM_OP_CONFIG] = "cannot show its configuration",
};

const char *roomnotify_refusal(int op, const char *cond)
{
	for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++)
		if ((int)refusals[i].op == op &&
		    strcmp(refusals[i].cond, cond) == 0)
			return refusals[i].words;
	return ui_condition_words(cond);
}

/* The room's status codes that describe it (XEP-0045 table 10.2.1):
 * when we join, and when its configuration changes. */
static const struct {
	int code;
	const char *on_join;
	const char *changed;
} room_codes[] = {
	{ 100, "everyone here can see your full JID", NULL },
	{ 102, NULL, "the room now shows members who are not in it" },
	{ 103, NULL, "the room no longer shows members who are not in it" },
	{ 104, NULL, "the room's configuration changed" },
	{ 170, "this room is logged (a public record is kept)",
	  "the room is now logged (a public record is kept)" },
	{ 171, NULL, "the room is no longer logged" },
	{ 172, "everyone here can see your full JID",
	  "the room is now non-anonymous: everyone can see your full JID" },
	{ 173, "moderators here can see your full JID",
	  "the room is now semi-anonymous: moderators can see your full JID" },
	{ 174, NULL, "the room is now fully anonymous" },
	{ 201, "you created this room", NULL },
};

/* "a; b; c" for the codes of one kind (on_join or changed); NULL when
 * none is known. The caller frees it. */
static char *codes_words(const int *codes, size_t n, bool on_join)
{
	char *out = NULL;

	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof room_codes / sizeof *room_codes;
		     k++) {
			const char *w = on_join ? room_codes[k].on_join :
						  room_codes[k].changed;
			char *t;

			if (room_codes[k].code != codes[i] || !w)
				continue;
			/* 100 and 172 say the same on joining */
			if (out && strstr(out, w))
				break;
			t = out ? xasprintf("%s; %s", out, w) : xstrdup(w);
			free(out);
			out = t;
			break;
		}
	}
	if (out) /* a line starts with a capital */
		out[0] = (char)(out[0] >= 'a' && out[0] <= 'z' ? out[0] - 32 :
								 out[0]);
	return out;
}

static void say(struct window *w, enum line_kind k, char *line)
{
	win_add(w, time(NULL), k, line);
	free(line);
}

/* " by ACTOR: REASON", " by ACTOR", ": REASON" or "". */
static char *by(const struct room_presence *p)
{
	return xasprintf("%s%s%s%s", p->actor ? " by " : "",
			 p->actor ? p->actor : "", p->reason ? ": " : "",
			 p->reason ? p->reason : "");
}

/* " (by ACTOR: REASON)", " (by ACTOR)", " (REASON)" or "". */
static char *by_paren(const struct room_presence *p)
{
	if (!p->actor && !p->reason)
		return xstrdup("");
	return xasprintf(" (%s%s%s%s)", p->actor ? "by " : "",
			 p->actor ? p->actor : "",
			 p->actor && p->reason ? ": " : "",
			 p->reason ? p->reason : "");
}

/* Why someone was put out (room_presence_removed), by status code.
 * A ban or a kick reads "NICK was kicked by ACTOR: REASON" ("You were
 * kicked from ROOM by ..."); the others "NICK was removed: WHY (by
 * ACTOR: REASON)" ("You were removed from ROOM: SELF (...)"). Our own
 * line ends with ". /join ROOM THEN" when joining again helps (a
 * members-only room lets nobody back in by /join; mucstay.c joins again
 * by itself after a shutdown). */
static const struct removal {
	int code;
	const char *verb;   /* banned, kicked; or NULL: "removed: why" */
	const char *why;    /* others' reason, after "removed: " */
	const char *self;   /* ours, after "You were removed from ROOM: " */
	const char *then;   /* what /join ROOM does then, or NULL */
} removals[] = {
	{ 301, "banned", NULL, NULL, NULL },
	{ 307, "kicked", NULL, NULL, "goes back in" },
	{ 321, NULL, "no longer a member", "you are no longer a member", NULL },
	{ 322, NULL, "the room is now for members only",
	  "the room is now for members only", NULL },
	{ 332, NULL, "the room's service is shutting down",
	  "the room's service is shutting down; natter will join again "
	  "when it is back", NULL },
	{ 333, NULL, "a technical problem at the room's service",
	  "a technical problem at the room's service", "tries again" },
};

static const struct removal *removal(const struct room_presence *p)
{
	size_t i;

	for (i = 0; i < sizeof(removals) / sizeof(removals[0]); i++)
		if (room_presence_has(p, removals[i].code))
			return &removals[i];
	return NULL;
}

static char *left_line(const struct ev_room_occupant *o)
{
	const struct room_presence *p = o->presence;
	const struct removal *r = removal(p);
	char *b, *line;

	if (!r) /* plain departures come folded */
		return NULL;
	b = r->verb ? by(p) : by_paren(p);
	line = r->verb ? xasprintf("%s was %s%s", o->nick, r->verb, b) :
			 xasprintf("%s was removed: %s%s", o->nick, r->why, b);
	free(b);
	return line;
}

static char *we_left_line(const struct ev_room_occupant *o)
{
	const struct room_presence *p = o->presence;
	const struct removal *r = removal(p);
	char *b, *then, *line;

	if (p->destroyed)
		return xasprintf("You left %s: the room was destroyed%s%s%s%s%s",
				 o->room, p->destroy_reason ? ": " : "",
				 p->destroy_reason ? p->destroy_reason : "",
				 p->destroy_jid ? ". It moved to " : "",
				 p->destroy_jid ? p->destroy_jid : "",
				 p->destroy_jid ? " (/join it)" : "");
	if (!r)
		return xasprintf("You left %s%s%s", o->room,
				 p->status ? ": " : "",
				 p->status ? p->status : "");
	b = r->verb ? by(p) : by_paren(p);
	then = r->then ? xasprintf(". /join %s %s", o->room, r->then) :
			 xstrdup("");
	line = r->verb ? xasprintf("You were %s from %s%s%s", r->verb,
				   o->room, b, then) :
			 xasprintf("You were removed from %s: %s%s%s", o->room,
				   r->self, b, then);
	free(then);
	free(b);
	return line;
}

static const char *const role_gain[] = {
	[ROLE_NONE] = NULL,
	[ROLE_VISITOR] = "can no longer speak",
	[ROLE_PARTICIPANT] = "can speak",
	[ROLE_MODERATOR] = "is now a moderator",
};
static const char *const affil_gain[] = {
	[AFFIL_OUTCAST] = "is banned",
	[AFFIL_NONE] = NULL,
	[AFFIL_MEMBER] = "is now a member",
	[AFFIL_ADMIN] = "is now an admin",
	[AFFIL_OWNER] = "is now an owner",
};
static const char *const affil_loss[] = {
	[AFFIL_OUTCAST] = NULL,
	[AFFIL_NONE] = NULL,
	[AFFIL_MEMBER] = "is no longer a member",
	[AFFIL_ADMIN] = "is no longer an admin",
	[AFFIL_OWNER] = "is no longer an owner",
};

/* Words for "is"/"can" after "You". */
static const char *second_person(const char *w, char *buf, size_t n)
{
	if (strncmp(w, "is ", 3) == 0)
		snprintf(buf, n, "are %s", w + 3);
	else
		snprintf(buf, n, "%s", w);
	return buf;
}

static char *changed_line(const struct ev_room_occupant *o, bool self)
{
	const struct room_presence *p = o->presence;
	const char *rw = NULL, *aw = NULL;
	char rb[64], ab[64], *b, *line;

	if ((int)p->role != o->old_role) {
		if (p->role == ROLE_PARTICIPANT && o->old_role == ROLE_MODERATOR)
			rw = "is no longer a moderator";
		else if (p->role == ROLE_PARTICIPANT &&
			 o->old_role == ROLE_VISITOR)
			rw = "can speak again";
		else
			rw = role_gain[p->role];
	}
	if ((int)p->affil != o->old_affil)
		aw = (int)p->affil > o->old_affil || p->affil == AFFIL_OUTCAST ?
			     affil_gain[p->affil] :
			     (p->affil == AFFIL_NONE ? affil_loss[o->old_affil] :
						       affil_gain[p->affil]);
	if (!rw && !aw)
		return NULL;
	if (self) {
		rw = rw ? second_person(rw, rb, sizeof rb) : NULL;
		aw = aw ? second_person(aw, ab, sizeof ab) : NULL;
	}
	b = by_paren(p);
	line = xasprintf("%s %s%s%s%s%s", self ? "You" : o->nick, aw ? aw : "",
			 aw && rw ? " and " : "", rw ? rw : "",
			 self && rw && p->role == ROLE_VISITOR ? " here" : "", b);
	free(b);
	return line;
}

static void occupant_line(struct window *w, const struct ev_room_occupant *o)
{
	const struct room_presence *p = o->presence;
	char *line = NULL, *extra;

	switch (o->what) {
	case ROOM_WE_JOINED:
		say(w, LINE_INFO, xasprintf("You joined %s as %s (%zu here)",
					    o->room, o->nick, o->here));
		if (room_presence_has(p, 210))
			say(w, LINE_INFO,
			    xasprintf("The room changed your nickname to %s",
				      o->nick));
		extra = codes_words(p->codes, p->ncodes, true);
		if (extra)
			say(w, LINE_INFO, extra);
		return;
	case ROOM_JOINED: /* told folded (EV_ROOM_FOLD) */
		return;
	case ROOM_WE_LEFT:
		line = we_left_line(o);
		break;
	case ROOM_LEFT:
		line = left_line(o);
		break;
	case ROOM_WE_RENAMED:
		line = xasprintf("You are now known as %s", p->new_nick);
		break;
	case ROOM_RENAMED:
		line = xasprintf("%s is now known as %s", o->nick, p->new_nick);
		break;
	case ROOM_WE_CHANGED:
	case ROOM_CHANGED:
		line = changed_line(o, o->what == ROOM_WE_CHANGED);
		break;
	}
	if (line)
		say(w, o->what == ROOM_WE_LEFT && removal(p) ? LINE_WARN :
								    LINE_INFO,
		    line);
}

/* "bob", or "12 joined: a, b, … and 2 more". */
static char *names(const char *verb, size_t n, const char *const *nicks,
		   const char *const *status)
{
	char *list, *t;
	size_t shown = n > FOLD_NAMES ? FOLD_NAMES : n;

	if (n == 1)
		return xasprintf("%s %s%s%s", nicks[0], verb,
				 status && status[0] ? ": " : "",
				 status && status[0] ? status[0] : "");
	list = xstrdup("");
	for (size_t i = 0; i < shown; i++) {
		t = xasprintf("%s%s%s", list, i ? ", " : "", nicks[i]);
		free(list);
		list = t;
	}
	if (n > shown)
		t = xasprintf("%zu %s: %s and %zu more", n, verb, list, n - shown);
	else
		t = xasprintf("%zu %s: %s", n, verb, list);
	free(list);
	return t;
}

static void fold_lines(struct window *w, const struct ev_room_fold *f)
{
	if (f->njoined)
		say(w, LINE_INFO, names("joined", f->njoined, f->joined, NULL));
	if (f->nleft)
		say(w, LINE_INFO,
		    names("left", f->nleft, f->left, f->left_status));
}

static void subject_line(struct window *w, const struct ev_room_subject *s)
{
	if (s->changed && !*s->subject)
		say(w, LINE_INFO, xasprintf("%s cleared the subject",
					    s->nick ? s->nick : "The room"));
	else if (s->changed && s->nick)
		say(w, LINE_INFO, xasprintf("%s changed the subject to: %s",
					    s->nick, s->subject));
	else if (!*s->subject)
		say(w, LINE_INFO, xstrdup("No subject"));
	else
		say(w, LINE_INFO, xasprintf("Subject%s%s: %s",
					    s->nick ? " set by " : "",
					    s->nick ? s->nick : "", s->subject));
}

static void error_line(struct window *w, const struct ev_room_error *e)
{
	bool had_password = w->room && w->room->password;
	char *text = e->text ? xasprintf(" (%s)", e->text) : xstrdup("");
	char *line;

	if (e->op == ROOM_OP_JOIN && strcmp(e->cond, "conflict") == 0 &&
	    e->retry_nick)
		line = xasprintf("%s: that nickname is taken here (%s)%s. "
				 "/join %s again joins as %s; /join %s/NICK picks another",
				 e->room, e->nick, text, e->room,
				 e->retry_nick, e->room);
	else if (e->op == ROOM_OP_NICK && strcmp(e->cond, "conflict") == 0)
		line = xasprintf("%s: the nickname %s is taken here; you keep yours%s",
				 e->room, e->nick ? e->nick : "", text);
	else if (e->op == ROOM_OP_JOIN && strcmp(e->cond, "not-authorized") == 0)
		line = xasprintf("%s: could not join: %s%s. /join %s PASSWORD",
				 e->room,
				 had_password ? "the password was not accepted" :
						roomnotify_refusal(e->op, e->cond),
				 text, e->room);
	else
		line = xasprintf("%s: %s: %s%s", e->room, op_words[e->op],
				 roomnotify_refusal(e->op, e->cond), text);
	free(text);
	say(w, LINE_ERROR, line);
}

static void configured_line(struct window *w,
			    const struct ev_room_configured *c)
{
	if (!c->cond)
		say(w, LINE_OK,
		    c->instant ?
			    xstrdup("Room created with the service's default configuration (/roomconfig changes it)") :
			    xstrdup("Room configuration saved"));
	else
		say(w, LINE_ERROR,
		    xasprintf("%s: %s%s%s%s",
			      c->instant ? "The new room could not be opened" :
					   "Configuration not saved",
			      ui_condition_words(c->cond), c->text ? " (" : "",
			      c->text ? c->text : "", c->text ? ")" : ""));
}

static const char *event_room(const struct event *ev)
{
	switch (ev->type) {
	case EV_ROOM_ERROR: return ev->room_error.room;
	case EV_ROOM_SUBJECT: return ev->room_subject.room;
	case EV_ROOM_OCCUPANT: return ev->room_occupant.room;
	case EV_ROOM_FOLD: return ev->room_fold.room;
	case EV_ROOM_STATUS: return ev->room_status.room;
	case EV_ROOM_CONFIGURED: return ev->room_configured.room;
	default: return NULL;
	}
}

void roomnotify_event(struct app *app, const struct event *ev)
{
	const char *room = event_room(ev);
	struct window *w = room ? room_find(app, ev->acc, room) : NULL;
	char *line;

	if (!w)
		return;
	switch (ev->type) {
	case EV_ROOM_ERROR:
		error_line(w, &ev->room_error);
		break;
	case EV_ROOM_SUBJECT:
		subject_line(w, &ev->room_subject);
		break;
	case EV_ROOM_OCCUPANT:
		occupant_line(w, &ev->room_occupant);
		break;
	case EV_ROOM_FOLD:
		fold_lines(w, &ev->room_fold);
		break;
	case EV_ROOM_STATUS:
		line = codes_words(ev->room_status.codes, ev->room_status.ncodes,
				   false);
		if (line)
			say(w, LINE_INFO, line);
		break;
	case EV_ROOM_CONFIGURED:
		configured_line(w, &ev->room_configured);
		break;
	default:
		break;
	}
	app->dirty = true;
}
