/* account: the runtime side of one configured account.
 *
 * An account borrows its settings from struct config and owns its state:
 * the connection state and why it last changed, the reconnect schedule,
 * the certificate the server last presented when natter refused it, and
 * the roster. The xmpp layer hangs its session off `session`; core never
 * looks inside it.
 */
#ifndef NATTER_CORE_ACCOUNT_H
#define NATTER_CORE_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/blocklist.h"
#include "core/bookmark.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/roster.h"
#include "util/strmap.h"

struct app;
struct history;
struct outbox;
struct invite;

enum account_state {
	ACC_OFFLINE,    /* not connected, nothing scheduled */
	ACC_CONNECTING, /* TCP/TLS/SASL/bind in progress */
	ACC_ONLINE,     /* bound, roster requested, presence sent */
	ACC_WAITING,    /* lost; a reconnect is scheduled */
	ACC_FAILED,     /* stopped for a reason retrying cannot fix */
};

/* Why the state last changed; ui/ words these. */
enum conn_reason {
	REASON_NONE,
	REASON_USER,          /* /connect, /disconnect, start-up */
	REASON_NETWORK,       /* reset or closed by the server */
	REASON_UNREACHABLE,   /* connect() failed; text: its error */
	REASON_TIMEOUT,       /* login did not finish in time */
	REASON_STREAM_ERROR,  /* text: the stream error condition */
	REASON_AUTH,          /* the server rejected the credentials */
	REASON_CERT_UNKNOWN,  /* certificate not verified and not pinned */
	REASON_CERT_CHANGED,  /* certificate differs from the pinned one */
	REASON_CONFLICT,      /* another session took our resource */
	REASON_NO_PASSWORD,   /* password_eval failed or no password */
	REASON_HANDSHAKE,     /* closed during TLS or login, no reason given */
	REASON_NO_ANSWER,     /* the server stopped answering the keepalive */
	REASON_INSECURE_LOGIN, /* auth = "legacy" over an unencrypted link */
	REASON_NO_LOGIN,      /* the server offers no login we may use */
	REASON_LEGACY_NO_TLS, /* a legacy login found no encryption */
};

struct cert_info {
	char *subject;
	char *issuer;
	char *not_before;
	char *not_after;
	char *fingerprint; /* canonical SHA-256 */
	char *pinned;      /* the pinned fingerprint, when it changed */
	char *error;       /* the verifier's complaint */
	char *pin_name;    /* what /trust pins it for: NULL for the
			    * account's domain (the XMPP stream), or
			    * "https://HOST" (a BOSH or WebSocket server) */
};

struct account {
	struct account_conf *conf; /* borrowed from app->cfg */
	char *bare_jid;
	char *domain;
	char *bound_jid; /* full JID once online, else NULL */
	enum account_state state;
	enum conn_reason reason;
	char *reason_text; /* stream error condition etc., or NULL */
	unsigned attempt;  /* consecutive failed attempts */
	bool up;           /* a session is (or was last) online */
	uint64_t up_since; /* loop time (ms) it came online, when up */
	loop_timer_id retry_timer;
	uint64_t retry_in_ms;
	struct cert_info *cert; /* last refused certificate, or NULL */
	struct roster roster;
	struct bookmarks bookmarks; /* the rooms bookmarked (core/bookmark.h) */
	char *nick;               /* our name in rooms: the nick option, else
				   * the localpart */
	enum show show;           /* our own presence (/status) */
	char *status_text;        /* our status message, or NULL */
	enum show saved_show;     /* what auto-away replaced */
	char *saved_status;
	struct history *history;  /* NULL when the store cannot be opened */
	struct outbox *outbox;    /* in history's database; NULL with it */
	char **sub_requests;      /* bare JIDs asking to subscribe to us */
	char **sub_nicks;         /* and the nick each gave (XEP-0172), or NULL */
	size_t nsub_requests;
	char **gateways;          /* gateways registered with this session */
	size_t ngateways;
	loop_timer_id gw_batch_timer; /* gathers gateway contacts' requests */
	struct strmap stranger_rates; /* domain -> its strangers' rate count
				       * (core/strangers.c) */
	size_t rates_prune_at;
	struct strmap gw_verdicts;    /* service -> enum disco_verdict
				       * (core/disco.c) */
	char **gw_deferred;           /* subscription requests waiting for
				       * a gateway check (xmpp/gateway.c) */
	size_t ngw_deferred;
	struct invite **invites;      /* invitations to rooms waiting for
				       * /accept or /deny, oldest first
				       * (core/invite.c) */
	size_t ninvites, capinvites;
	struct blocklist blocklist;   /* whom the server blocks for us
				       * (core/blocklist.h) */
	/* the archive (XEP-0313): a catch-up running, for the status bar
	 * (account_archive_progress) */
	bool archive_syncing;
	size_t archive_got, archive_total; /* total 0: not told */
	struct strmap pep;        /* bare JID -> struct pep_user: what
				   * contacts publish (core/pep.h), owned */
	void *session; /* the xmpp layer's; opaque here */
};

struct account *account_new(struct account_conf *conf);
void account_free(struct account **a);
/* Sets the state and reason and emits EV_ACCOUNT_STATE. */
void account_set_state(struct app *app, struct account *a,
		       enum account_state st, enum conn_reason why,
		       const char *text);
/* The server's certificate was refused: *ci (taken, *ci set to NULL)
 * becomes a->cert, then EV_CERT_CHANGED when ci->pinned says a pin
 * differs, else EV_CERT_UNTRUSTED. */
void account_cert_refused(struct app *app, struct account *a,
			  struct cert_info **ci);
/* The user trusts a->cert: its fingerprint is pinned for a->domain (or
 * its pin_name) and
 * a->cert dropped, then EV_CERT_PINNED (with the error if the pin file
 * could not be written). Returns 0, or -1 (no certificate, or not
 * saved). */
int account_trust_cert(struct app *app, struct account *a);
void cert_info_free(struct cert_info **ci);
/* Delay before reconnect attempt number `attempt` (1-based): 1 s doubling
 * up to max_ms, then +-20% jitter from rnd (0..RAND_MAX-like in [0,1)). */
uint64_t account_backoff_ms(unsigned attempt, uint64_t max_ms, double rnd);
/* A session must stay online this long before its loss counts as a first
 * failure again: a server that drops us right after login is retried
 * with a growing wait, not every second. */
#define ACCOUNT_STABLE_MS 60000
/* The session came online at now_ms (loop time). The attempt count is
 * not reset here: see account_retry_delay(). */
void account_mark_online(struct account *a, uint64_t now_ms);
/* The connection was lost or an attempt failed at now_ms: counts the
 * attempt (starting afresh when the last session had stayed up for
 * ACCOUNT_STABLE_MS) and returns the wait before the next one. */
uint64_t account_retry_delay(struct account *a, uint64_t now_ms,
			     uint64_t max_ms, double rnd);
struct account *account_find(struct app *app, const char *name);
/* An archive catch-up is running (got of total messages through, total
 * 0 when the archive did not say), or ended (running false): the status
 * bar shows it. */
void account_archive_progress(struct app *app, struct account *a,
			      bool running, size_t got, size_t total);
/* Opens the account's history (and the outbox in it) under data_dir/NAME/;
 * returns 0, or -1
 * with *err set (the caller frees it). */
int account_open_history(struct account *a, const char *data_dir, char **err);
/* Announces (EV_HISTORY_ERROR) what history_trouble() has to say about
 * a's history after a write or a flush; nothing when all is well. */
void account_history_check(struct app *app, struct account *a);
/* Commits the rows a's history holds in an open batch (cheap: the
 * search index is fed later), and tells of a failure as above. The loop
 * calls it before it sleeps and before it writes to a's server, so a
 * message natter received is stored before natter acknowledges it
 * (XEP-0198, receipts) or waits for more. */
void account_commit(struct app *app, struct account *a);
/* Remembers / forgets a pending subscription request. */
void account_sub_request_add(struct account *a, const char *bare,
			     const char *nick);
/* The nick a pending request came with, or NULL. */
const char *account_sub_request_nick(struct account *a, const char *bare);
bool account_sub_request_take(struct account *a, const char *bare);
/* Gateways: remembers that we registered with domain. A domain is a
 * gateway candidate when we did (in this session) or it is in the roster
 * as a subscribed contact; it is a gateway, trusted as one, only when its
 * disco#info also said category "gateway" (core/disco.h's verdict). */
void account_gateway_add(struct account *a, const char *domain);
void account_gateway_forget(struct account *a, const char *domain);
/* The gateway (or any service) at domain accepted our registration, or
 * (update) its change: remembered, then EV_GATEWAY_REGISTERED. */
void account_gateway_registered(struct app *app, struct account *a,
				const char *domain, bool update);
/* We left domain's service, and removed items from the roster with it
 * (not_registered: it said we were not registered): forgotten, then
 * EV_GATEWAY_LEFT. */
void account_gateway_left(struct app *app, struct account *a,
			  const char *domain, size_t removed,
			  bool not_registered);
/* The gateway asked to see our presence and was approved (XEP-0100
 * 4.1.1): its request is taken from the pending list, then
 * EV_GATEWAY_SUBSCRIBED. */
void account_gateway_subscribed(struct app *app, struct account *a,
				const char *gateway);
/* bare, a gateway's contact, was accepted without asking the user: its
 * request is taken from the pending list, then EV_GATEWAY_CONTACT_ADDED. */
void account_gateway_contact_added(struct app *app, struct account *a,
				   const char *bare);
/* One EV_GATEWAY_CONTACTS_ASK for each gateway whose contacts' requests
 * are pending (the batch window for them closed). */
void account_gateway_contacts_ask(struct app *app, struct account *a);
/* Roster suggestions from from wait in the dialog window w (not yet
 * opened): w is added in the background, marked unread, and the current
 * window stays; then EV_ROSTERX_OFFERED. */
struct window;
void account_rx_offered(struct app *app, struct account *a, struct window *w,
			const char *from);
/* bare asks to see our presence (note: what it said, or NULL): kept
 * pending for /accept or /deny (as it was, if it already is), then
 * EV_SUBSCRIBE. */
void account_sub_asked(struct app *app, struct account *a, const char *bare,
		       const char *note);
bool account_gateway_candidate(struct account *a, const char *domain);
bool account_is_gateway(struct account *a, const char *domain);
/* The gateway domain of a legacy contact's JID (the part after '@') when
 * the account is registered there, else NULL (borrowed from jid). */
const char *account_gateway_of(struct account *a, const char *jid);

#endif
