/* event: what core tells whoever listens (the UI) about model changes.
 *
 * Events are plain structs delivered synchronously to every subscriber
 * in subscription order. Pointers inside an event are borrowed for the
 * duration of the call. Core emits; ui/ turns events into words.
 */
#ifndef NATTER_CORE_EVENT_H
#define NATTER_CORE_EVENT_H

struct app;
struct account;

enum event_type {
	EV_ACCOUNT_STATE,  /* acc->state changed; code: enum conn_reason */
	EV_CERT_UNTRUSTED, /* acc->cert describes the refused certificate */
	EV_CERT_CHANGED,   /* acc->cert, with the pinned fingerprint */
	EV_CERT_PINNED,    /* the user trusted acc->cert */
	EV_ROSTER_LOADED,  /* acc->roster was (re)fetched; code: item count */
	EV_ROSTER_CHANGED, /* a push changed item jid; text: subscription */
	EV_PRESENCE,       /* jid: the contact, NULL for all contacts */
	EV_SUBSCRIBE,      /* jid asks to see our presence; text: its note */
	EV_MESSAGE,        /* a message arrived from jid */
	EV_ROSTER_VIEW,    /* how the roster is shown changed (folding) */
	EV_MESSAGE_ERROR,  /* jid, cond: RFC 6120 condition, text: or NULL */
};

struct event {
	enum event_type type;
	struct account *acc;
	int code;
	const char *text;
	const char *jid;  /* the peer concerned, where there is one */
	const char *cond; /* an XMPP error condition, where there is one */
};

typedef void (*event_fn)(struct app *app, const struct event *ev, void *ud);

struct event_sub {
	event_fn fn;
	void *ud;
};

void event_subscribe(struct app *app, event_fn fn, void *ud);
void event_emit(struct app *app, const struct event *ev);

#endif
