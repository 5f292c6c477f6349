/* call: incoming calls, which natter shows but cannot carry (yet).
 *
 * A call comes as a Jingle Message Initiation proposal (XEP-0353: a
 * <propose/> in a message the server gives every device of ours) or as
 * a Jingle RTP session offered to this client (XEP-0166/XEP-0167: a
 * session-initiate IQ). Each call that rings is a struct call on
 * app->calls, known by account and session id, shown in the caller's
 * conversation window (EV_CALL, CALL_RINGING) and rung as a private
 * message is (core/attention: the bell, notify_cmd, the "call" sound).
 *
 * A call never stays half-open: it ends (EV_CALL, CALL_ENDED, then it
 * is freed) when the caller retracts the proposal or ends the session,
 * when another device of ours answers or declines it, when the user
 * declines it here (/decline), when its account goes offline, or, with
 * nobody answering, after CALL_RING_MS: a missed call. A proposal
 * delivered so late that it cannot be answered (stored while we were
 * offline) is told as a missed call at once.
 *
 * Who may end a call is checked here: only the caller (its bare JID)
 * retracts or hangs up, and only the user's own JID answers or declines
 * elsewhere. A stranger (core/strangers.h) does not ring: its call is
 * refused, and xmpp/ answers as if natter knew nothing of calls. At most
 * CALL_MAX calls ring at once; more are refused the same way.
 */
#ifndef NATTER_CORE_CALL_H
#define NATTER_CORE_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/loop.h"

struct app;
struct account;
struct window;
struct calls;

#define CALL_RING_MS 60000 /* a call nobody answers is missed after this */
#define CALL_MAX 8          /* calls ringing at once */
#define CALL_SID_MAX 256    /* longest session id taken */

struct call {
	struct app *app;
	struct account *acc;
	char *sid;
	char *jid;   /* the caller's full JID */
	char *bare;  /* and bare JID */
	unsigned media; /* CALL_AUDIO | CALL_VIDEO */
	bool jingle; /* a Jingle session, not a proposal */
	loop_timer_id timer; /* when it is missed */
};

/* What an incoming call says of itself. */
struct call_offer {
	const char *sid;  /* the proposal's id or the session's sid */
	const char *jid;  /* the caller's full JID */
	unsigned media;   /* CALL_AUDIO | CALL_VIDEO; 0: not said */
	bool jingle;
	int64_t age_ms;   /* how long ago it was sent (a delay stamp), -1:
			   * now */
};

/* A call rings: 0, or 1 when it is known already (a proposal and its
 * session share the id; or told twice), or -1 when refused: a
 * stranger's, one too many, or without a usable id. */
int call_incoming(struct app *app, struct account *acc,
		  const struct call_offer *o);
/* acc's call sid ends for why, told by who (the JID the news came from;
 * see above for who may), with reason (the other side's or the user's
 * words; NULL: none). Returns 0, or -1 when there is no such call or
 * who may not end it. */
int call_end(struct app *app, struct account *acc, const char *sid,
	     const char *who, enum call_end why, const char *reason);
/* acc's ringing call sid, or NULL. */
struct call *call_find(struct app *app, struct account *acc,
		       const char *sid);
/* The call /decline means in window w: the one from w's peer (a
 * conversation's bare JID), else the only one ringing; NULL when none
 * (or, outside a caller's window, several) ring. */
struct call *call_for_window(struct app *app, const struct window *w);
/* How many calls ring. */
size_t call_count(const struct app *app);
/* acc went offline: its calls end as missed. */
void call_account_offline(struct app *app, struct account *acc);
/* Frees every call without telling (at exit); clears *c. */
void call_free(struct calls **c);

#endif
