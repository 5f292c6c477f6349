/* event: what core tells whoever listens (the UI) about model changes.
 *
 * Events are plain structs delivered synchronously to every subscriber
 * in subscription order. Pointers inside an event are borrowed for the
 * duration of the call. Each type's payload is fixed and documented here,
 * like irssi's signals: this header is the list of events. Core emits;
 * ui/ turns events into words.
 */
#ifndef NATTER_CORE_EVENT_H
#define NATTER_CORE_EVENT_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct account;

/* Every event names its account in acc (NULL only for EV_ROSTER_VIEW)
 * and carries the payload of its type, the union member named beside
 * it below; no other member is set. Each payload field has one meaning.
 * Strings are one sanitised line, or NULL where a field says it may be. */
enum event_type {
	EV_ACCOUNT_STATE,  /* (none): acc->state, reason, reason_text changed */
	EV_CERT_UNTRUSTED, /* (none): acc->cert describes the refused one */
	EV_CERT_CHANGED,   /* (none): acc->cert, with the pinned fingerprint */
	EV_CERT_PINNED,    /* cert_pinned: the user trusted acc->cert */
	EV_ROSTER_LOADED,  /* roster_loaded: acc->roster was (re)fetched */
	EV_ROSTER_CHANGED, /* roster_changed: a push changed one item */
	EV_PRESENCE,       /* presence: a contact's presence changed */
	EV_SUBSCRIBE,      /* subscribe: someone asks to see our presence */
	EV_MESSAGE,        /* message: a message arrived */
	EV_ROSTER_VIEW,    /* (none): how the roster is shown changed
			    * (folding), emitted after the change */
	EV_MESSAGE_ERROR,  /* message_error: a message came back bounced */
	EV_GATEWAY,        /* gateway: news of gateways and registrations */
	EV_ROOM_ERROR,     /* room_error: a room refused us */
	EV_ROOM_SUBJECT,   /* room_subject: a room's subject was told */
	EV_ROOM_OCCUPANT,  /* room_occupant: someone (we) joined or left a
			    * room; the window's occupants are updated */
	EV_HISTORY_ERROR,  /* history_error: acc's history cannot be written */
	EV_VERSION,        /* version: an answer to /version */
	EV_PING,           /* ping: an answer to /ping */
	EV_STRANGERS_LIMIT, /* strangers_limit: one domain's strangers wrote
			     * too much this minute; the rest of the
			     * minute's messages are dropped */
};

struct ev_cert_pinned {
	const char *fingerprint; /* acc->cert's, pinned for acc->domain */
	const char *error; /* why the pin could not be saved; NULL: saved */
};

struct ev_roster_loaded {
	size_t count; /* items in acc->roster now */
};

struct ev_roster_changed {
	const char *jid;          /* the item */
	const char *subscription; /* as the push said; NULL: none */
	bool removed;             /* the push took the item away */
};

struct ev_presence {
	const char *jid; /* the contact; NULL: every contact (reset) */
	bool changed;    /* what the contact shows (availability or status)
			  * changed, not only a resource's details */
};

struct ev_subscribe {
	const char *jid;  /* who asks */
	const char *note; /* the status they sent with it; NULL: none */
};

struct ev_message {
	const char *jid; /* the sender's bare JID (a room's occupant: full) */
};

struct ev_message_error {
	const char *jid;  /* the peer the message was for */
	const char *cond; /* RFC 6120 stanza error condition */
	const char *text; /* the server's words; NULL: none */
};

struct ev_room_error {
	const char *room; /* the room's JID (its window is open) */
	const char *cond; /* RFC 6120 stanza error condition */
	const char *text; /* the room's words; NULL: none */
};

struct ev_room_subject {
	const char *room;    /* the room's JID (its window is open) */
	const char *nick;    /* who set it; NULL: not said */
	const char *subject; /* the subject */
};

/* What EV_ROOM_OCCUPANT reports. */
enum room_change {
	ROOM_WE_JOINED, /* our own presence came back: we are in */
	ROOM_JOINED,    /* someone joined after us */
	ROOM_WE_LEFT,
	ROOM_LEFT,
};

struct ev_room_occupant {
	const char *room;     /* the room's JID (its window is open) */
	const char *nick;     /* who joined or left (ours, for ROOM_WE_*) */
	enum room_change what;
	size_t here;          /* occupants now, ourselves included */
};

struct ev_history_error {
	const char *error; /* SQLite's words */
	size_t lost;       /* messages that will never be written */
	size_t kept;       /* messages kept in memory to be written later */
};

/* What an entity said it runs (XEP-0092), for EV_VERSION. Each string
 * is one sanitised line, NULL when the reply left it out. */
struct version_info {
	char *name;
	char *version;
	char *os;
};

struct ev_version {
	const char *jid; /* who was asked (a full JID, or the domain) */
	const struct version_info *info; /* the answer; NULL: none, see below */
	bool timed_out;     /* no answer came in time */
	const char *cond;   /* the error condition, when it answered one */
	const char *detail; /* the error's words; NULL: none */
};

struct ev_ping {
	const char *jid;    /* who was pinged */
	int seq;            /* the ping's number, as /ping said it */
	int rtt_ms;         /* round trip, or time until the error */
	const char *cond;   /* the error condition; NULL: it answered */
	const char *detail; /* the error's words; NULL: none */
};

struct ev_strangers_limit {
	const char *domain; /* whose strangers wrote too much */
	unsigned limit;     /* messages a minute they may write */
};

/* What EV_GATEWAY reports (ev_gateway.what); ui/notify.c words each.
 * Beside each: what jid is, and which other fields are set. */
enum gw_event {
	GW_REGISTERED,      /* jid: the gateway */
	GW_UPDATED,         /* jid: the gateway; the registration changed */
	GW_UNREGISTERED,    /* jid: the gateway; removed, not_registered */
	GW_CONTACTS_ASK,    /* jid: the gateway; jids: the contacts waiting */
	GW_CONTACT_ADDED,   /* jid: a legacy contact accepted automatically */
	GW_LOGIN_FAILED,    /* jid: the gateway; cond, detail: its presence
			     * error */
	GW_RX_REFUSED,      /* jid: who suggested; jids: the JIDs refused */
	GW_RX_OFFERED,      /* jid: who suggested roster changes (a dialog) */
	GW_ID_PROMPT,       /* jid: the gateway; prompt: what it asks for */
	GW_ID_RESOLVED,     /* jid: the contact's JID, added; legacy_id */
	GW_ID_UNSUPPORTED,  /* jid: the gateway; legacy_id; cond, detail */
	GW_ID_FAILED,       /* jid: the gateway; legacy_id; cond, detail */
	GW_PRESENCE_SENT,   /* jid: the gateway; online */
	GW_PASSWORD_CHANGED, /* jid: NULL */
	GW_PASSWORD_FAILED, /* jid: NULL; cond, detail */
	GW_SUBSCRIBED_BACK, /* jid: a gateway we approved and subscribed to */
	GW_COMMAND_DONE,    /* jid: the entity; command: its name */
	GW_ACCOUNT_CREATED, /* jid: the new account (natter --register);
			     * gaps: what natterrc lacks to log in to it */
};

#define GW_ACCOUNT_PASSWORD 1  /* natterrc's password is not the new one */
#define GW_ACCOUNT_OTHER_JID 2 /* the account is not natterrc's jid */

struct ev_gateway {
	enum gw_event what;
	const char *jid;       /* the peer concerned, per gw_event */
	const char *jids;      /* a list of JIDs (a contact's may be followed
				* by its nick), ", " between them */
	const char *legacy_id; /* the legacy ID the user asked about */
	const char *prompt;    /* the gateway's prompt (and description) */
	const char *command;   /* an ad-hoc command's name; NULL: unknown */
	const char *cond;      /* an RFC 6120 stanza error condition */
	const char *detail;    /* the error's words; NULL: none */
	size_t removed;        /* roster items removed with the gateway */
	bool not_registered;   /* the gateway said we were not registered */
	bool online;           /* the presence sent was available */
	unsigned gaps;         /* GW_ACCOUNT_* flags */
};

struct event {
	enum event_type type;
	struct account *acc;
	union {
		struct ev_cert_pinned cert_pinned;
		struct ev_roster_loaded roster_loaded;
		struct ev_roster_changed roster_changed;
		struct ev_presence presence;
		struct ev_subscribe subscribe;
		struct ev_message message;
		struct ev_message_error message_error;
		struct ev_gateway gateway;
		struct ev_room_error room_error;
		struct ev_room_subject room_subject;
		struct ev_room_occupant room_occupant;
		struct ev_history_error history_error;
		struct ev_version version;
		struct ev_ping ping;
		struct ev_strangers_limit strangers_limit;
	};
};

typedef void (*event_fn)(struct app *app, const struct event *ev, void *ud);

struct event_sub {
	event_fn fn;
	void *ud;
};

void event_subscribe(struct app *app, event_fn fn, void *ud);
void event_emit(struct app *app, const struct event *ev);

#endif
