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
	EV_GATEWAY,        /* code: enum gw_event; jid: the gateway or contact */
	EV_ROOM_ERROR,     /* jid: the room; cond, text: what it said */
	EV_HISTORY_ERROR,  /* acc's history could not be written; text:
			    * SQLite's words, code: messages lost, code2:
			    * messages kept in memory to be written later */
	EV_VERSION,        /* an answer to /version from jid (a full JID, or
			    * the domain asked): version, or NULL with cond
			    * and detail saying why not; code: 1 when no
			    * answer came in time */
	EV_PING,           /* an answer to /ping from jid; code: round trip
			    * in ms, code2: the ping's number; cond, detail:
			    * the error, or NULL when it answered */
	EV_STRANGERS_LIMIT, /* jid: a domain whose strangers wrote more than
			     * code messages this minute; the rest of the
			     * minute's are dropped */
};

/* What EV_GATEWAY reports; ui/notify.c words each. */
enum gw_event {
	GW_REGISTERED,      /* jid: the gateway (text: its name or NULL) */
	GW_UPDATED,         /* the registration was changed */
	GW_UNREGISTERED,    /* jid: the gateway; text: how many contacts went */
	GW_CONTACTS_ASK,    /* jid: gateway; text: the JIDs waiting */
	GW_CONTACT_ADDED,   /* jid: a legacy contact accepted automatically */
	GW_LOGIN_FAILED,    /* jid: gateway; cond, text: its presence error */
	GW_RX_REFUSED,      /* jid: who suggested; text: the JIDs refused */
	GW_RX_OFFERED,      /* jid: who suggested roster changes (a dialog) */
	GW_ID_PROMPT,       /* jid: gateway; text: its prompt */
	GW_ID_RESOLVED,     /* jid: the contact's JID, added; text: legacy ID */
	GW_ID_UNSUPPORTED,  /* jid: gateway; text: the legacy ID */
	GW_ID_FAILED,       /* jid: gateway; cond, text */
	GW_PRESENCE_SENT,   /* jid: gateway; code2: 1 online, 0 offline */
	GW_PASSWORD_CHANGED,
	GW_PASSWORD_FAILED, /* cond, text */
	GW_SUBSCRIBED_BACK, /* jid: a gateway we approved and subscribed to */
	GW_COMMAND_DONE,    /* jid: entity; text: the command's name */
	GW_ACCOUNT_CREATED, /* jid: the new account (natter --register);
			     * code2: GW_ACCOUNT_* flags, what natterrc
			     * lacks for logging in to it */
};

#define GW_ACCOUNT_PASSWORD 1  /* natterrc's password is not the new one */
#define GW_ACCOUNT_OTHER_JID 2 /* the account is not natterrc's jid */

/* What an entity said it runs (XEP-0092), for EV_VERSION. Each string
 * is one sanitised line, NULL when the reply left it out. */
struct version_info {
	char *name;
	char *version;
	char *os;
};

struct event {
	enum event_type type;
	struct account *acc;
	int code;
	const char *text;
	const char *jid;  /* the peer concerned, where there is one */
	const char *cond; /* an XMPP error condition, where there is one */
	const char *detail; /* the server's own words, where there are some */
	int code2;
	const struct version_info *version; /* EV_VERSION */
};

typedef void (*event_fn)(struct app *app, const struct event *ev, void *ud);

struct event_sub {
	event_fn fn;
	void *ud;
};

void event_subscribe(struct app *app, event_fn fn, void *ud);
void event_emit(struct app *app, const struct event *ev);

#endif
