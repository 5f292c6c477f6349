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
#include <stdint.h>

struct app;
struct account;
struct room_presence;

/* Every event names its account in acc (NULL only for EV_ROSTER_VIEW,
 * and for EV_TRANSFER asked for in the console)
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
	EV_GATEWAY_REGISTERED, /* gateway_registered: a service accepted
				* our registration or its change */
	EV_GATEWAY_LEFT,   /* gateway_left: we left a service */
	EV_GATEWAY_SUBSCRIBED, /* gateway_subscribed: a gateway asked to see
				* our presence: approved, subscribed back */
	EV_GATEWAY_CONTACTS_ASK, /* gateway_contacts_ask: a gateway's contacts
				  * wait for /accept or /deny */
	EV_GATEWAY_CONTACT_ADDED, /* gateway_contact_added: a gateway's
				   * contact was accepted automatically */
	EV_GATEWAY_LOGIN_FAILED, /* gateway_login_failed: a gateway's
				  * presence error */
	EV_GATEWAY_PRESENCE_SENT, /* gateway_presence_sent: /transport
				   * online|offline was sent */
	EV_GATEWAY_PROMPT, /* gateway_prompt: what a gateway's ID translation
			    * asks for (XEP-0100 6.3) */
	EV_GATEWAY_ID,     /* gateway_id: the answer to an ID translation */
	EV_ROSTERX_REFUSED, /* rosterx_refused: roster suggestions outside
			     * the sender's domain were ignored */
	EV_ROSTERX_OFFERED, /* rosterx_offered: roster suggestions wait in
			     * a dialog window, added in the background */
	EV_PASSWORD,       /* password: the answer to a password change */
	EV_ACCOUNT_CREATED, /* account_created: natter --register made it */
	EV_COMMAND_DONE,   /* command_done: an ad-hoc command completed */
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
	EV_ATTENTION,      /* attention: a private message or a highlight
			    * outside the current window asks for the user
			    * (core/attention.h) */
	EV_NOTIFY_FAILED,  /* notify_failed: notify_cmd could not run or
			    * failed (once, until it succeeds again) */
	EV_BOOKMARKS_LOADED, /* bookmarks_loaded: acc->bookmarks was fetched */
	EV_BOOKMARK_CHANGED, /* bookmark_changed: one bookmark was added,
			      * changed or removed (by us or another client) */
	EV_BOOKMARK_ERROR,   /* bookmark_error: the server refused a change */
	/* rooms: staying in (core/room.c, xmpp/mucstay.c) */
	EV_TRANSFER,       /* transfer: a transfer started, moved or ended
			    * (acc: whose window asked for it; may be
			    * NULL) */
	EV_ROOM_REJOINING, /* room_rejoin: we are out of a room we had joined
			    * and join it again; its window keeps its lines */
	EV_ROOM_REJOINED,  /* room_rejoin: our presence came back: in again */
	/* rooms: entering, being in, leaving (mucjoin) */
	EV_ROOM_FOLD,      /* room_fold: arrivals and departures gathered
			    * since the last were told */
	EV_ROOM_STATUS,    /* room_status: the room said status codes in a
			    * message (configuration, logging, anonymity) */
	EV_ROOM_CONFIGURED, /* room_configured: a configuration was saved
			     * or refused */
	/* rooms: moderation, invitations, private messages (mucadmin) */
	EV_ROOM_ADMIN,     /* room_admin: a room answered /kick, /ban,
			    * /role or /affiliation */
	EV_ROOM_INVITED,   /* room_invited: our invitation was sent */
	EV_ROOM_INVITE,    /* room_invite: an invitation to a room came and
			    * waits for /accept or /deny (acc->invites) */
	EV_ROOM_DECLINED,  /* room_declined: someone declined our
			    * invitation */
	EV_ROOM_PRIVATE,   /* room_private: the occupant of a private
			    * conversation left, came back or changed nick */
	/* the XML console (core/xmlconsole.h) */
	EV_XMLCONSOLE_CLOSED, /* (none): acc's XML console window closes:
			       * its stanza texts are no longer wanted */
	/* blocking (core/blocklist.c, xmpp/blocking.c) */
	EV_BLOCKLIST_LOADED, /* blocklist_loaded: acc->blocklist was fetched */
	EV_BLOCKED,        /* blocked: someone was blocked or unblocked (by
			    * us or another client of ours) */
	EV_BLOCK_ERROR,    /* block_error: the server refused a block or an
			    * unblock */
	/* who is this: /info's answers, /vcard (xmpp/vcard.c) */
	EV_VCARD,          /* vcard: a contact's vCard, or why none came */
	EV_LAST_ACTIVITY,  /* last_activity: how long a contact has been
			    * gone (XEP-0012), or why that is not known */
	EV_AVATAR,         /* avatar: whether a contact published an
			    * avatar (XEP-0084 metadata) */
	EV_VCARD_SAVED,    /* vcard_saved: our own vCard was stored, or
			    * the server refused it */
	EV_CLIENT_ID,      /* client_id: what a contact's client says it is
			    * (its disco#info identity) */
	EV_ARCHIVE_SYNC,   /* archive_sync: an archive catch-up (XEP-0313)
			    * ended, or could not go on */
	EV_ARCHIVE_PREFS,  /* archive_prefs: the answer to /archive */
	/* sounds and calls (core/sound.h, core/call.h) */
	EV_SOUND_FAILED,   /* sound_failed: sound_cmd could not run or
			    * failed (once, until it works again) */
	EV_PLAY,           /* play: a download /play waited for was handed
			    * to play_cmd, or could not be */
	EV_BUZZ,           /* buzz: a contact asks for our attention
			    * (XEP-0224); its conversation window is open */
	EV_CALL,           /* call: someone calls us, or a call ended */
	/* pictures (core/picture.h); acc may be NULL */
	EV_PICTURE,        /* picture: a picture asked for is shown in a
			    * window of its own, or cannot be */
	/* publish-subscribe (core/pep.h, core/feed.h, xmpp/pubsub.c) */
	EV_PEP,            /* pep: a contact published its tune, mood,
			    * activity or nickname anew (acc->pep) */
	EV_FEED,           /* feed: the answer to /feed, /feeds, /unfeed
			    * or /publish */
	EV_DIAL,           /* dial: a step of finding and reaching the
			    * server (xmpp/dial.c) */
	/* peer-to-peer files (xmpp/p2p.c, core/transfer.c) */
	EV_FILE_OFFER,     /* file_offer: someone offered us a file: it
			    * waits in a dialog window, or was refused */
};

struct ev_cert_pinned {
	const char *fingerprint; /* acc->cert's, pinned for name */
	const char *name;  /* acc->domain, or a web server's "https://HOST"
			    * (acc->cert's pin_name) */
	const char *error; /* why the pin could not be saved; NULL: saved */
};

struct ev_roster_loaded {
	size_t count; /* items in acc->roster now */
};

struct ev_roster_changed {
	const char *jid; /* the item */
	bool removed;    /* the push took the item away */
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
	int op;           /* enum room_op (core/room.h): what was refused */
	const char *nick; /* the nickname asked for (joining, /nick); NULL
			   * for the other ops */
	const char *retry_nick; /* what /join tries next after a taken
				 * nick; NULL: nothing to retry */
};

struct ev_room_subject {
	const char *room;    /* the room's JID (its window is open) */
	const char *nick;    /* who set it; NULL: not said */
	const char *subject; /* the subject; "" when it was cleared */
	bool changed;        /* changed while we are in, not the subject
			      * told on joining */
};

/* What EV_ROOM_OCCUPANT reports. Why someone left (kicked, banned,
 * removed, the room destroyed) is in the presence's status codes. */
enum room_change {
	ROOM_WE_JOINED, /* our own presence came back: we are in */
	ROOM_JOINED,    /* someone joined after us */
	ROOM_WE_LEFT,
	ROOM_LEFT,
	ROOM_WE_RENAMED, /* our nick changed (303): presence->new_nick */
	ROOM_RENAMED,    /* someone's nick changed: nick is the old one */
	ROOM_WE_CHANGED, /* our role or affiliation changed */
	ROOM_CHANGED,    /* someone's role or affiliation changed */
};

struct ev_room_occupant {
	const char *room;     /* the room's JID (its window is open) */
	const char *nick;     /* who joined or left (ours, for ROOM_WE_*) */
	enum room_change what;
	size_t here;          /* occupants now, ourselves included */
	const struct room_presence *presence; /* what the room said */
	int old_role;         /* enum room_role before this presence
			       * (ROLE_NONE for an arrival) */
	int old_affil;        /* enum room_affil before it (AFFIL_NONE for
			       * an arrival) */
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

/* core/transfer.h */
struct transfer;
enum transfer_news { TRANSFER_STARTED, TRANSFER_MOVED, TRANSFER_ENDED };
struct ev_transfer {
	const struct transfer *t; /* its state says how an end went */
	enum transfer_news what;
};

struct ev_ping {
	const char *jid;    /* who was pinged */
	int seq;            /* the ping's number, as /ping said it */
	int rtt_ms;         /* round trip, or time until the error */
	const char *cond;   /* the error condition; NULL: it answered */
	const char *detail; /* the error's words; NULL: none */
};

/* rooms (mucjoin) */
struct ev_room_fold {
	const char *room;                /* the room's JID (its window) */
	size_t njoined;
	const char *const *joined;       /* who arrived, in order */
	size_t nleft;
	const char *const *left;         /* who left, in order */
	const char *const *left_status;  /* and what each said; an entry
					  * NULL: nothing */
};

struct ev_room_status {
	const char *room;  /* the room's JID (its window is open) */
	const int *codes;  /* XEP-0045 status codes, as sent */
	size_t ncodes;
};

struct ev_room_configured {
	const char *room;  /* the room's JID (its window is open) */
	bool instant;      /* a room we created, opened as the server's
			    * defaults make it (XEP-0045 10.1.2) */
	const char *cond;  /* the error condition; NULL: saved */
	const char *text;  /* the room's words; NULL: none */
};

struct ev_strangers_limit {
	const char *domain; /* whose strangers wrote too much */
	unsigned limit;     /* messages a minute they may write */
};

/* What asks for attention (core/attention.h). */
enum attn_kind {
	ATTN_NONE,
	ATTN_HIGHLIGHT, /* a room line naming us or a highlight word */
	ATTN_CHAT,      /* a message in a 1:1 conversation */
	ATTN_PRIVATE,   /* an occupant's private message through a room */
	/* besides messages (attention_event), each with its sound */
	ATTN_BUZZ,      /* a contact's attention request (XEP-0224) */
	ATTN_CALL,      /* an incoming call */
	ATTN_SUBSCRIBE, /* a subscription request */
	ATTN_FILE,      /* a file offered to us */
};

struct ev_attention {
	enum attn_kind kind;
	const char *window; /* the window's name */
	const char *from;   /* who wrote (a nick or a contact's name) */
	const char *text;   /* what they wrote, one sanitised line */
};

struct ev_notify_failed {
	const char *program; /* notify_cmd's first word */
	int error;     /* errno when it could not be started, else 0 */
	int status;    /* its waitpid() status when it ran and failed */
	bool timed_out; /* it ran past its time and was stopped */
};

struct ev_bookmarks_loaded {
	size_t count; /* bookmarks in acc->bookmarks now */
};

struct ev_bookmark_changed {
	const char *jid; /* the room */
	bool removed;    /* it is no longer bookmarked */
};

struct ev_bookmark_error {
	const char *jid;  /* the room */
	bool removing;    /* the refused change was a removal */
	const char *cond; /* RFC 6120 stanza error condition */
	const char *text; /* the server's words; NULL: none */
};

/* Rooms: staying in. Why we join a room again (EV_ROOM_REJOIN*). */
enum room_rejoin_why {
	ROOM_REJOIN_RECONNECT, /* the connection came back as a new session */
	ROOM_REJOIN_PING,      /* a self-ping (XEP-0410) said we are out */
	ROOM_REJOIN_SHUTDOWN,  /* the room shut down (status code 332) */
};

struct ev_room_rejoin {
	const char *room; /* the room's JID (its window is open) */
	const char *nick; /* the nick we join as (EV_ROOM_REJOINED: have) */
	enum room_rejoin_why why;
	const char *cond; /* ROOM_REJOIN_PING: the ping's error condition;
			   * else NULL */
	size_t here;      /* EV_ROOM_REJOINED: occupants now, us included */
};

struct ev_gateway_registered {
	const char *gateway; /* the service's domain, now remembered */
	bool update;         /* a change of an existing registration */
};

struct ev_gateway_left {
	const char *gateway;  /* the service's domain, now forgotten */
	size_t removed;       /* roster items removed with it */
	bool not_registered;  /* it said we were not registered */
};

struct ev_gateway_subscribed {
	const char *gateway; /* its request is taken from the pending list */
};

struct ev_gateway_contacts_ask {
	const char *gateway;          /* whose contacts ask */
	size_t n;                     /* how many */
	const char *const *jids;      /* each contact's bare JID */
	const char *const *nicks;     /* and its nick; an entry NULL: none */
};

struct ev_gateway_contact_added {
	const char *jid; /* the contact, its request taken from the list */
};

struct ev_gateway_login_failed {
	const char *gateway;
	const char *cond;   /* RFC 6120 stanza error condition */
	const char *detail; /* the gateway's words; NULL: none */
};

struct ev_gateway_presence_sent {
	const char *gateway;
	bool online; /* the presence sent was available */
};

struct ev_gateway_prompt {
	const char *gateway;
	const char *prompt; /* its prompt (and description) */
};

struct ev_gateway_id {
	const char *gateway;
	const char *legacy_id; /* the legacy ID the user asked about */
	const char *contact;   /* its JID, added to the roster; NULL: failed */
	bool unsupported;      /* the gateway cannot translate IDs */
	const char *cond;      /* the error condition when it failed */
	const char *detail;    /* the error's words; NULL: none */
};

struct ev_rosterx_refused {
	const char *from;        /* who suggested */
	size_t n;
	const char *const *jids; /* the JIDs refused */
};

struct ev_rosterx_offered {
	const char *from; /* who suggested; its window is "roster from FROM" */
};

struct ev_password {
	const char *cond;   /* the error condition; NULL: changed */
	const char *detail; /* the error's words; NULL: none */
};

#define ACCOUNT_GAP_PASSWORD 1  /* natterrc's password is not the new one */
#define ACCOUNT_GAP_OTHER_JID 2 /* the account is not natterrc's jid */

struct ev_account_created {
	const char *jid; /* the new account */
	unsigned gaps;   /* ACCOUNT_GAP_*: what natterrc lacks to log in */
};

struct ev_command_done {
	const char *jid;     /* the entity that ran it */
	const char *command; /* its name; NULL: unknown */
};

/* ---- rooms: moderation, invitations, private messages ---- */

/* What EV_ROOM_ADMIN answers. */
enum room_admin_op { ROOM_KICK, ROOM_BAN, ROOM_SET_ROLE, ROOM_SET_AFFIL,
		     ROOM_MODERATE /* retract target's last line, XEP-0425 */
};

struct ev_room_admin {
	const char *room;     /* the room's JID (its window may have closed) */
	enum room_admin_op op;
	const char *target;   /* the nick or JID acted on */
	const char *value;    /* the role or affiliation asked for */
	const char *cond;     /* the error condition; NULL: done */
	const char *text;     /* the room's words; NULL: none */
};

struct ev_room_invited {
	const char *room;     /* the room invited to */
	const char *jid;      /* who was invited */
	bool direct;          /* XEP-0249 direct; false: through the room
			       * (XEP-0045 7.8.2) */
};

struct ev_room_invite {
	const char *room;     /* the room we are invited to */
	const char *from;     /* the inviter's JID */
	const char *reason;   /* NULL: none */
	const char *password; /* NULL: none */
	bool mediated;        /* through the room: /deny declines it */
	bool stranger;        /* the inviter is a stranger (strangers.h) */
	size_t dropped;       /* older invitations forgotten to make room */
};

struct ev_room_declined {
	const char *room;     /* the room we invited to */
	const char *from;     /* who declined */
	const char *reason;   /* NULL: none */
};

/* What EV_ROOM_PRIVATE reports of a private conversation's occupant. */
enum room_private_change {
	ROOM_PM_LEFT,    /* the occupant left the room (codes say why) */
	ROOM_PM_BACK,    /* an occupant of that nick is in the room again */
	ROOM_PM_RENAMED, /* the occupant changed nick: the window follows */
	ROOM_PM_WE_LEFT, /* we left the room */
};

struct ev_room_private {
	const char *jid;      /* the private window's JID (after a rename,
			       * the new one) */
	const char *room;     /* the room's JID */
	const char *nick;     /* the occupant's nick (before a rename) */
	const char *new_nick; /* ROOM_PM_RENAMED: the new nick; else NULL */
	bool followed;        /* ROOM_PM_RENAMED: the window now writes to
			       * the new nick (false: the new nick had a
			       * window of its own already) */
	enum room_private_change what;
	const struct room_presence *presence; /* what the room said; NULL
					       * for ROOM_PM_WE_LEFT */
};

/* ---- blocking (XEP-0191) ---- */

struct ev_blocklist_loaded {
	size_t count; /* entries in acc->blocklist now */
};

struct ev_blocked {
	const char *jid; /* the entry (a JID or a domain); NULL: every entry
			  * went (unblocked all) */
	bool blocked;    /* it was added; false: removed */
	int report;      /* enum block_report (core/blocklist.h): what the
			  * block reported it as (XEP-0377) */
	size_t count;    /* entries in acc->blocklist now */
	size_t was;      /* jid NULL: how many entries went */
};

struct ev_block_error {
	const char *jid;  /* what was to be blocked or unblocked; NULL:
			   * unblocking everyone */
	bool unblocking;
	const char *cond; /* RFC 6120 stanza error condition */
	const char *text; /* the server's words; NULL: none */
};

/* ---- who is this (/info, /vcard) ---- */

/* A vCard's fields natter shows and edits (XEP-0054 vcard-temp or
 * XEP-0292 vCard4), each NULL when absent or empty. Every string is
 * one sanitised line, except note, which keeps its newlines (shown as
 * continuation rows). */
struct vcard {
	char *fn;       /* full name */
	char *nickname;
	char *email;    /* the first address */
	char *url;
	char *note;     /* vcard-temp DESC */
	char *bday;     /* as written, e.g. 1970-01-31 */
	char *org;      /* the organisation's name */
	bool photo;     /* the vCard holds a picture */
	char *photo_type;    /* its MIME type, or NULL */
	size_t photo_bytes;  /* its size once decoded; 0: a link or unknown */
};

struct ev_vcard {
	const char *jid;  /* whose (a bare JID) */
	uint64_t win;     /* the window /info was typed in (struct window
			   * id); closed since: the console */
	const struct vcard *card; /* NULL: none, see below */
	bool vcard4;      /* card came as a vCard4 (XEP-0292) */
	bool timed_out;   /* no answer came in time */
	const char *cond; /* the error condition; "item-not-found": the
			   * contact has no vCard */
	const char *detail; /* the error's words; NULL: none */
};

struct ev_last_activity {
	const char *jid;   /* who was asked: a bare JID (how long since it
			    * went offline) or a full one (its idle time) */
	uint64_t win;      /* as in ev_vcard */
	long long seconds; /* the answer; -1: none, see below */
	const char *status; /* what the answer said besides; NULL: nothing */
	bool timed_out;
	const char *cond;
	const char *detail;
};

struct ev_avatar {
	const char *jid;   /* whose (a bare JID) */
	uint64_t win;      /* as in ev_vcard */
	bool found;        /* the metadata names an avatar; the fields: */
	size_t bytes;      /* its size; 0: not said */
	const char *type;  /* its MIME type; NULL: not said */
	unsigned width, height; /* in pixels; 0: not said */
	bool timed_out;
	const char *cond;  /* NULL with !found: the contact took it away */
	const char *detail;
};

struct ev_client_id {
	const char *jid;      /* the client asked (a full JID) */
	uint64_t win;         /* as in ev_vcard */
	bool found;           /* it named an identity; the fields: */
	const char *name;     /* its name; NULL: none given */
	const char *category; /* e.g. "client" */
	const char *type;     /* e.g. "pc", "phone", "console" */
	bool timed_out;
	const char *cond;     /* !found: the error condition, or NULL when
			       * it answered without an identity */
	const char *detail;
};

struct ev_vcard_saved {
	bool vcard4;       /* published as a vCard4 (else vcard-temp) */
	const char *cond;  /* the error condition; NULL: stored */
	const char *detail;
};

/* ---- the user's message archive (XEP-0313) ---- */

struct ev_archive_sync {
	size_t fetched;   /* messages the catch-up went through */
	bool older;       /* a scroll back's fetch, not a catch-up */
	size_t shown;     /* older: lines the conversation's window gained */
	const char *jid;  /* older: the conversation; else NULL */
	const char *cond; /* why it stopped short; NULL: it finished */
};

struct ev_archive_prefs {
	const char *dflt; /* always, roster or never; NULL: on error */
	size_t always;    /* JIDs always archived */
	size_t never;     /* JIDs never archived */
	bool set;         /* the answer to a change, not to a question */
	const char *cond; /* the error condition; NULL: none */
};

/* ---- sounds and calls ---- */

struct ev_play {
	const char *path;  /* the file handed to play_cmd */
	unsigned transfer; /* the download it came from */
	uint64_t win;      /* the window /play was typed in (closed since:
			    * the console) */
	const char *error; /* why play_cmd could not run; NULL: it runs */
};

struct ev_buzz {
	const char *jid;   /* the contact (bare), whose window shows it */
};

/* What EV_CALL reports. */
enum call_news { CALL_RINGING, CALL_ENDED };
/* Why a call ended. */
enum call_end {
	CALL_END_NONE,      /* (it rings) */
	CALL_END_RETRACTED, /* the caller gave up before an answer */
	CALL_END_HUNG_UP,   /* the caller ended the session (Jingle) */
	CALL_END_DECLINED,  /* we declined it here (/decline) */
	CALL_END_ANSWERED,  /* answered on another device of ours */
	CALL_END_REJECTED,  /* declined on another device of ours */
	CALL_END_MISSED,    /* nobody answered in time, or we went
			     * offline while it rang */
};
#define CALL_AUDIO 1u
#define CALL_VIDEO 2u

struct ev_call {
	const char *jid;    /* the caller's full JID */
	const char *bare;   /* and bare JID: the conversation it shows in */
	const char *sid;    /* the session's id */
	unsigned media;     /* CALL_AUDIO | CALL_VIDEO; 0: not said */
	enum call_news what;
	enum call_end why;  /* CALL_ENDED: why; else CALL_END_NONE */
	const char *reason; /* CALL_ENDED: the words the other side or
			     * /decline gave; NULL: none */
	bool jingle;        /* a Jingle session (XEP-0167) rather than a
			     * message proposal (XEP-0353) */
};

/* ---- pictures (/view, /avatar) ---- */

struct ev_picture {
	uint64_t win;       /* the window it was asked in (a struct window
			     * id); closed since: the console */
	const char *name;   /* what was asked for: a file name, a link's */
	uint64_t shown;     /* the picture window's id; 0: not shown */
	const char *error;  /* !shown: why, in words; or NULL, and: */
	const char *cond;   /* !shown: the XMPP error condition that
			     * stopped it, or NULL */
	unsigned width, height; /* shown: the picture's pixels */
	const char *format; /* shown: "PNG", "JPEG", "WebP" */
};

/* ---- publish-subscribe ---- */

struct ev_pep {
	const char *jid;   /* the contact (a bare JID in acc's roster) */
	int kind;          /* enum pep_kind (core/pep.h): what changed */
};

/* What EV_FEED answers. */
enum feed_op {
	FEED_SUBSCRIBED,   /* /feed: the subscription (state in `state`) */
	FEED_FETCHED,      /* /feed: the latest items came (count: how
			    * many the window shows now) */
	FEED_UNSUBSCRIBED, /* /unfeed */
	FEED_PUBLISHED,    /* /publish (id: the item's id) */
	FEED_LISTED,       /* /feeds: one service's subscriptions */
};

struct ev_feed {
	enum feed_op op;
	const char *service; /* the pubsub service (a JID) */
	const char *node;    /* the node; FEED_LISTED: NULL */
	uint64_t win;        /* the window the command was typed in (struct
			      * window id); closed since: the console */
	size_t count;        /* FEED_FETCHED: items shown; FEED_LISTED:
			      * entries in nodes[] */
	const char *const *nodes;  /* FEED_LISTED: each subscription's node */
	const char *const *states; /* FEED_LISTED: and its state
				    * (subscribed, pending, ...) */
	const char *state;   /* FEED_SUBSCRIBED: subscribed, pending or
			      * unconfigured; else NULL */
	const char *id;      /* FEED_PUBLISHED: the item's id; else NULL */
	bool timed_out;      /* no answer came in time (cond is set too) */
	const char *cond;    /* the error condition; NULL: done */
	const char *detail;  /* the error's words; NULL: none */
};

/* xmpp/dial.c: what EV_DIAL reports. */
enum dial_news {
	DIAL_TRYING,      /* host, ip, port, source: connecting */
	DIAL_FAILED,      /* the same and why: that address failed */
	DIAL_NO_ADDRESS,  /* host, source, why: the name gave no address */
	DIAL_LOOKUP_FAILED, /* host (the SRV name), why: DNS failed */
	DIAL_CONNECTED,   /* host, ip, port, source: this one worked */
	DIAL_WEB_FOUND,   /* url, web_kind: the domain publishes it */
	DIAL_WEB_TRYING,  /* url, web_kind: connecting over it */
	DIAL_WEB_FAILED,  /* url, web_kind, why */
	DIAL_WEB_CONNECTED, /* url, web_kind: this one worked */
	DIAL_WEB_NONE,    /* why: host-meta gave nothing usable */
	DIAL_EXHAUSTED,   /* every way was tried and failed */
	DIAL_LEGACY_AUTH, /* logged in with jabber:iq:auth (XEP-0078) */
	DIAL_LEGACY_REFUSED, /* legacy login refused: tls = "disable" */
	DIAL_NO_AUTH,     /* the server offers no login natter may use */
	DIAL_FORGOTTEN,   /* host, port, direct: the endpoint that worked
			   * last time failed and is forgotten */
};
/* Where an address to try came from. */
enum dial_source {
	DIAL_FROM_REMEMBERED, /* the endpoint that worked last time */
	DIAL_FROM_CONFIG,     /* the account's server and port */
	DIAL_FROM_SRV_DIRECT, /* _xmpps-client._tcp (XEP-0368) */
	DIAL_FROM_SRV,        /* _xmpp-client._tcp */
	DIAL_FROM_DOMAIN,     /* the domain's own address */
};
struct ev_dial {
	enum dial_news what;
	enum dial_source source;
	bool direct;      /* direct TLS, else STARTTLS */
	const char *host; /* the name looked up, or NULL */
	const char *ip;   /* the address tried, or NULL */
	int port;
	const char *why;  /* what went wrong, in words, or NULL */
	const char *url;  /* DIAL_WEB_FOUND */
	const char *web_kind; /* "WebSocket" or "BOSH" */
	bool more;        /* DIAL_FAILED etc.: another way is tried next */
	bool remembered;  /* DIAL_WEB_*: the URL worked last time (not
			   * from this start's host-meta) */
	bool legacy_digest; /* DIAL_LEGACY_AUTH: with <digest/>, else
			     * the password itself (over TLS) */
};

/* ---- peer-to-peer files (XEP-0096) ---- */

enum file_offer_verdict {
	OFFER_WAITS,     /* in a dialog window, for the user */
	OFFER_STRANGER,  /* refused: the sender is not in the roster
			  * (file_offers_from_strangers) */
	OFFER_TOO_LARGE, /* refused: over max_download */
	OFFER_NO_METHOD, /* refused: no stream method natter speaks */
	OFFER_TOO_MANY,  /* refused: too many offers wait already */
};

struct ev_file_offer {
	const char *from;   /* the sender's full JID */
	const char *name;   /* the name it would be saved as (made safe) */
	int64_t size;       /* bytes; -1 when not said */
	enum file_offer_verdict verdict;
	const char *window; /* OFFER_WAITS: the dialog window's name */
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
		struct ev_gateway_registered gateway_registered;
		struct ev_gateway_left gateway_left;
		struct ev_gateway_subscribed gateway_subscribed;
		struct ev_gateway_contacts_ask gateway_contacts_ask;
		struct ev_gateway_contact_added gateway_contact_added;
		struct ev_gateway_login_failed gateway_login_failed;
		struct ev_gateway_presence_sent gateway_presence_sent;
		struct ev_gateway_prompt gateway_prompt;
		struct ev_gateway_id gateway_id;
		struct ev_rosterx_refused rosterx_refused;
		struct ev_rosterx_offered rosterx_offered;
		struct ev_password password;
		struct ev_account_created account_created;
		struct ev_command_done command_done;
		struct ev_room_error room_error;
		struct ev_room_subject room_subject;
		struct ev_room_occupant room_occupant;
		struct ev_history_error history_error;
		struct ev_version version;
		struct ev_ping ping;
		struct ev_transfer transfer;
		struct ev_strangers_limit strangers_limit;
		struct ev_attention attention;
		struct ev_notify_failed notify_failed;
		struct ev_bookmarks_loaded bookmarks_loaded;
		struct ev_bookmark_changed bookmark_changed;
		struct ev_bookmark_error bookmark_error;
		struct ev_room_rejoin room_rejoin;
		struct ev_room_fold room_fold;
		struct ev_room_status room_status;
		struct ev_room_configured room_configured;
		struct ev_room_admin room_admin;
		struct ev_room_invited room_invited;
		struct ev_room_invite room_invite;
		struct ev_room_declined room_declined;
		struct ev_room_private room_private;
		struct ev_blocklist_loaded blocklist_loaded;
		struct ev_blocked blocked;
		struct ev_block_error block_error;
		struct ev_vcard vcard;
		struct ev_last_activity last_activity;
		struct ev_avatar avatar;
		struct ev_vcard_saved vcard_saved;
		struct ev_client_id client_id;
		struct ev_archive_sync archive_sync;
		struct ev_archive_prefs archive_prefs;
		struct ev_notify_failed sound_failed;
		struct ev_play play;
		struct ev_buzz buzz;
		struct ev_call call;
		struct ev_picture picture;
		struct ev_pep pep;
		struct ev_feed feed;
		struct ev_dial dial;
		struct ev_file_offer file_offer;
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
