/* roomadmin: moderation targets and answers (see roomadmin.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/room.h"
#include "core/roomadmin.h"
#include "util/jid.h"
#include "util/xmem.h"

enum roomadmin_target roomadmin_resolve(const struct room *r,
					const char *arg, bool want_jid,
					const char **nick, char **jid)
{
	const struct occupant *o = r ? room_occupant_find(r, arg) : NULL;

	*nick = NULL;
	*jid = NULL;
	if (o && !want_jid) {
		*nick = o->nick;
		return TARGET_NICK;
	}
	if (o) {
		if (!o->jid)
			return TARGET_HIDDEN;
		*jid = jid_bare_of(o->jid);
		return *jid ? TARGET_JID : TARGET_HIDDEN;
	}
	if (!want_jid || !(strchr(arg, '@') || strchr(arg, '.')) ||
	    !jid_valid(arg))
		return TARGET_UNKNOWN;
	*jid = jid_bare_of(arg);
	return *jid ? TARGET_JID : TARGET_UNKNOWN;
}

void roomadmin_done(struct app *app, struct account *acc,
		    const struct room_admin *req, const char *cond,
		    const char *text)
{
	struct event ev = { .type = EV_ROOM_ADMIN, .acc = acc,
			    .room_admin = { .room = req->room, .op = req->op,
					    .target = req->nick ? req->nick :
								  req->jid,
					    .value = req->value, .cond = cond,
					    .text = text } };

	event_emit(app, &ev);
}
