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
};

struct event {
	enum event_type type;
	struct account *acc;
	int code;
	const char *text;
};

typedef void (*event_fn)(struct app *app, const struct event *ev, void *ud);

struct event_sub {
	event_fn fn;
	void *ud;
};

void event_subscribe(struct app *app, event_fn fn, void *ud);
void event_emit(struct app *app, const struct event *ev);

#endif
