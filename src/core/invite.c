/* invite: invitations to rooms, pending and announced (see invite.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/invite.h"
#include "core/strangers.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/xmem.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void invite_free(struct invite **ip)
{
	struct invite *inv = *ip;

	if (!inv)
		return;
	free(inv->room);
	free(inv->from);
	free(inv->reason);
	free(inv->password);
	free(inv);
	*ip = NULL;
}

static size_t slot_of(const struct account *acc, const char *room)
{
	size_t i;

	for (i = 0; i < acc->ninvites; i++)
		if (strcmp(acc->invites[i]->room, room) == 0)
			return i;
	return acc->ninvites;
}

/* Removes entry i, keeping the order; returns it. */
static struct invite *remove_at(struct account *acc, size_t i)
{
	struct invite *inv = acc->invites[i];

	memmove(&acc->invites[i], &acc->invites[i + 1],
		(acc->ninvites - i - 1) * sizeof *acc->invites);
	acc->ninvites--;
	return inv;
}

/* Makes room for one more: drops the oldest stranger's invitation, else
 * the oldest. Returns how many were dropped (0 or 1). */
static size_t make_room(struct account *acc)
{
	size_t i, victim = 0;
	struct invite *inv;

	if (acc->ninvites < INVITE_MAX)
		return 0;
	for (i = 0; i < acc->ninvites; i++)
		if (acc->invites[i]->stranger) {
			victim = i;
			break;
		}
	inv = remove_at(acc, victim);
	invite_free(&inv);
	return 1;
}

/* Whether the inviter is a stranger (judged by its bare JID). */
static bool inviter_stranger(struct app *app, struct account *acc,
			     const char *from)
{
	char *bare = jid_bare_of(from);
	bool s = strangers_is(app, acc, bare ? bare : from);

	free(bare);
	return s;
}

bool invite_received(struct app *app, struct account *acc,
		     const struct invite_in *in, uint64_t now_ms)
{
	struct event ev = { .type = EV_ROOM_INVITE, .acc = acc };
	bool stranger = inviter_stranger(app, acc, in->from);
	struct invite *inv;
	size_t i, dropped = 0;

	if (stranger && acc->conf->strangers == STRANGERS_DROP) {
		log_msg(LOG_INFO, "invite", "%s: dropped an invitation from %s",
			acc->conf->name, in->from);
		return false;
	}
	if (stranger && !strangers_admit(app, acc, in->sender, now_ms)) {
		log_msg(LOG_INFO, "invite", "%s: over the rate: dropped %s",
			acc->conf->name, in->from);
		return false;
	}
	i = slot_of(acc, in->room);
	if (i < acc->ninvites) {
		inv = remove_at(acc, i);
		invite_free(&inv);
	}
	dropped = make_room(acc);
	inv = xcalloc(1, sizeof *inv);
	inv->room = xstrdup(in->room);
	inv->from = xstrdup(in->from);
	inv->reason = dup_or_null(in->reason);
	inv->password = dup_or_null(in->password);
	inv->mediated = in->mediated;
	inv->stranger = stranger;
	xgrow((void **)&acc->invites, &acc->capinvites, acc->ninvites + 1,
	      sizeof *acc->invites);
	acc->invites[acc->ninvites++] = inv;
	ev.room_invite = (struct ev_room_invite){
		.room = inv->room, .from = inv->from, .reason = inv->reason,
		.password = inv->password, .mediated = inv->mediated,
		.stranger = stranger, .dropped = dropped
	};
	event_emit(app, &ev);
	return true;
}

const struct invite *invite_find(const struct account *acc, const char *room)
{
	size_t i = slot_of(acc, room);

	return i < acc->ninvites ? acc->invites[i] : NULL;
}

struct invite *invite_take(struct account *acc, const char *room)
{
	size_t i = slot_of(acc, room);

	return i < acc->ninvites ? remove_at(acc, i) : NULL;
}

void invite_forget(struct account *acc)
{
	size_t i;

	for (i = 0; i < acc->ninvites; i++)
		invite_free(&acc->invites[i]);
	free(acc->invites);
	acc->invites = NULL;
	acc->ninvites = acc->capinvites = 0;
}

void invite_sent(struct app *app, struct account *acc, const char *room,
		 const char *jid, bool direct)
{
	struct event ev = { .type = EV_ROOM_INVITED, .acc = acc,
			    .room_invited = { .room = room, .jid = jid,
					      .direct = direct } };

	event_emit(app, &ev);
}

void invite_declined(struct app *app, struct account *acc, const char *room,
		     const char *from, const char *reason)
{
	struct event ev = { .type = EV_ROOM_DECLINED, .acc = acc,
			    .room_declined = { .room = room, .from = from,
					       .reason = reason } };

	event_emit(app, &ev);
}
