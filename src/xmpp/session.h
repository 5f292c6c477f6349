/* session: per-account libstrophe state, shared by the files of xmpp/.
 *
 * One session per account: its own xmpp_ctx_t (so the log handler knows
 * which account a message is about) and one xmpp_conn_t reused across
 * reconnects (so stream management can resume), and the drain that
 * runs it (drain.h).
 *
 * Names: a file of xmpp/ prefixes what it exports with its own name
 * (forms_, gateway_, muc_, ...), except where core/ has a module of the
 * same name (roster, presence, disco): there the protocol side's names
 * are xs_<file>_ (xs_roster_push beside core's roster_put), the layer's
 * prefix xs.h already uses, so a name says which layer it belongs to
 * without cryptic one-letter prefixes. xmpp_ is libstrophe's.
 */
#ifndef NATTER_XMPP_SESSION_H
#define NATTER_XMPP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strophe.h>

#include "core/loop.h"
#include "xmpp/drain.h"

struct app;
struct account;
struct proc;

struct session {
	struct app *app;
	struct account *acc;
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	xmpp_log_t log;
	int fd;              /* the connection's socket, -1 when none */
	bool auth_failed;    /* libstrophe reported a SASL failure */
	bool cert_refused;   /* our certfail handler said no */
	bool user_stop;      /* the user asked to disconnect */
	bool was_online;     /* reached ACC_ONLINE on this attempt */
	int sock_error;      /* errno of a failed connect, from the log */
	struct dial *dial;   /* dial.c: how this connection is reached */
	bool legacy_auth;    /* logged in with jabber:iq:auth (iqauth.c) */
	bool no_auth_method; /* the server offered no login we may use */
	loop_timer_id login_timer;
	loop_timer_id grace_timer; /* conn.c: drains after libstrophe's close timeout */
	struct drain drain;  /* conn.c: runs libstrophe (drain.h) */
	loop_timer_id drain_timer; /* conn.c: a drain cut short resumes, or
				    * conn_close's writes the stream's end */
	bool resumed;        /* this attempt resumed the last stream (XEP-0198) */
	uint32_t resumed_h;  /* and the server's count then (xlog.c) */
	bool raw_wanted;     /* an XML console is open: libstrophe's
			      * "SENT:"/"RECV:" stanza texts must reach
			      * xlog_handler even with the debug log off */
	bool no_answer;      /* the keepalive or a resumed stream went
			      * unanswered: we dropped it */
	bool unproven;       /* a resumed stream that did so: the next
			      * connection starts a fresh session */
	loop_timer_id ka_timer; /* the next keepalive ping, or the resume
				 * proof's deadline; 0 when none */
	unsigned ka_gen;     /* ties a ping's answer to the session it is for */
	bool ka_proving;     /* keepalive.c: a resumed stream has not yet
			      * acknowledged what was sent on it */
	uint32_t ka_want;    /* the h that proves it */
	uint32_t ka_seen;    /* the highest h acknowledged while proving */
	struct proc *eval;   /* password_eval while it runs, else NULL */
	uint32_t stanzas_out;  /* sent on this stream, as XEP-0198 counts */
	uint32_t acked;        /* delivery.c: of those, how many the server
				* said it has (its last <a h/>) */
	bool acks;             /* delivery.c: an <a/> came on this stream
				* and our count is the server's: acked
				* means what it says */
	uint32_t queued_out;   /* what libstrophe counts as the user's in
				* its send queue, queued since the stream
				* came up (delivery.c: what reached the wire) */
	struct delivery *delivery; /* delivery.c's; NULL until used */
	struct bmstate *bm;  /* bookmarks.c's; NULL until used */
	struct features *feat; /* features.c's; NULL until used */
	struct upload *upload; /* upload.c's; NULL until used */
	xmpp_stanza_t *own_vcard; /* vcard.c: our vCard as the server sent
				   * it for /vcard (what it does not edit
				   * goes back untouched), or NULL */
	unsigned block_gen;  /* blocking.c: counts new sessions, so an
			      * answer meant for an earlier one is dropped */
	unsigned carbons;     /* carbons.c: enum carbons_state */
	unsigned carbons_gen; /* ties an answer to the session that asked */
	struct xsmarks *marks; /* marks.c's replies on their way; NULL
				* until used */
	struct mam *mam;     /* mam.c's; NULL until used */
	struct bridge *bridge; /* conn.c: the loopback endpoint this attempt
				* goes through (a proxy, BOSH, WebSocket),
				* or NULL for a direct connection */
	char *carrier_error; /* conn.c: why the bridge's carrier failed on
			      * this attempt, in words, or NULL */
	struct conn_via *via; /* conn.c: a connection being made through a
			       * proxy before libstrophe is started, or
			       * carried by a relay; NULL when none */
	struct iqauth *iqauth; /* iqauth.c: the legacy login's state, made
				* by the first legacy attempt; or NULL */
	bool legacy_try;     /* this attempt is a legacy login (iqauth.c) */
	bool legacy_next;    /* auth = "auto" found no SASL: the next
			      * attempt is a legacy login */
	bool legacy_no_tls;  /* a legacy login found no encryption */
	bool sasl_refused;   /* xlog.c: the server refused a SASL login */
	bool carrier_tls;    /* conn.c: the bridge's carrier is HTTPS (BOSH,
			      * WebSocket), encrypting the stream */
	bool feeds_reopened; /* pubsub.c: the remembered feeds
			      * (core/feedkeep.h) were opened in this run */
};

/* The xmpp layer's state: app->xs, made by xs_init() and freed by
 * xs_shutdown(). */
struct pending;
struct inband;
struct xs {
	struct session **conns; /* conn.c: every connection, accounts' and
				 * inband.c's, in the order they were made */
	size_t nconns, capconns;
	struct pending *pendings; /* request.c: IQs awaiting an answer */
	struct inband *inband;    /* inband.c: the registration running */
	unsigned long pings;      /* ping.c: the pings sent, numbering them */
	struct resolver *resolver; /* dial.c: DNS, made with the first dial */
	struct http *http;         /* dial.c: host-meta (XEP-0156) fetches */
	struct p2p *p2p;          /* p2p.c: files moving peer to peer */
	unsigned long p2p_ids;    /* p2p.c: numbering them */
	struct p2p_proxy *p2p_proxies; /* p2p.c: each account's SOCKS5
					* proxy, once looked for */
};

struct session *session_of(struct account *a);
/* Sends and releases stanza (the caller's reference). */
void session_send(struct session *s, xmpp_stanza_t *stanza);
/* Asks the server to acknowledge what it has (XEP-0198 <r/>). */
void session_request_ack(struct session *s);

/* forms.c: dialog windows. Requests carry the window's id as their ud,
 * so an answer for a window the user closed finds nothing and is
 * dropped. Whoever opens a dialog gives it its ops (dialog_new); close
 * its window with app_close_window(). */
struct window;
struct dialog;
void *forms_ud(struct window *w);
struct window *forms_window(struct session *s, void *ud);
/* A WIN_FORM window named name holding d (taken over), not yet added
 * to the app's windows. */
struct window *forms_window_new(struct dialog *d, const char *name);
/* Opens a WIN_FORM window named name holding d (taken over) and makes
 * it current. */
struct window *forms_open(struct app *app, struct dialog *d,
			  const char *name);
/* An answer came for the dialog of window ud: returns that dialog, no
 * longer busy (its window in *w), or NULL when the window is gone. */
struct dialog *forms_answered(struct session *s, void *ud,
			      struct window **w);
/* A submitted form was refused with e: the dialog says why, its focus
 * on the field the text names when the condition is one a change of
 * the form can cure (not-acceptable, bad-request). */
struct req_error;
void forms_refused(struct dialog *d, const struct req_error *e);
/* disco.c: fill it from a disco#info <query/> (identities, sanitised,
 * and what it offers), and add d's items from a disco#items <query/>
 * (JIDs, nodes and names sanitised). */
struct disco;
struct disco_item;
void xs_disco_parse_info(xmpp_stanza_t *query, struct disco_item *it);
void xs_disco_parse_items(xmpp_stanza_t *query, struct disco *d);
/* version.c: fills v from a jabber:iq:version result (each string
 * sanitised to one line, cut to a sane length, NULL when absent or
 * empty); returns 0, or -1 (v empty) when reply is not a result holding
 * a <query/>. Release with version_info_clear(). */
struct version_info;
int version_parse(xmpp_stanza_t *reply, struct version_info *v);
void version_info_clear(struct version_info *v);
/* adhoc.c: replaces d's notes with a <command/>'s (sanitised). */
void adhoc_parse_notes(xmpp_stanza_t *cmd, struct dialog *d);
/* register.c */
/* Fills d from a jabber:iq:register <query/>: a data form, else legacy
 * fields, plus instructions, <registered/> and an OOB URL. */
void register_parse(xmpp_stanza_t *query, struct dialog *d);
/* A <query xmlns='jabber:iq:register'/> answering d's form, added to
 * parent; returns it (borrowed). */
xmpp_stanza_t *register_answer(xmpp_stanza_t *parent, const struct dialog *d);
/* rosterx.c */
int rosterx_message(struct session *s, xmpp_stanza_t *msg);
/* An <iq type='set'> carrying suggestions: 0 when taken, -1 refused. */
int rosterx_iq(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query);
/* gateway.c */
/* A subscription request from bare: handled (true) when it comes from a
 * gateway we registered with or one of its contacts. */
bool gateway_subscribe(struct session *s, const char *bare,
		       xmpp_stanza_t *st);
/* Asks jid's disco#info whether it is a gateway, unless that is known or
 * being asked; the answer is cached (core/disco.h) and settles requests
 * that waited for it. */
void gateway_check(struct session *s, const char *jid);
/* The browser learned whether jid is a gateway: cached, and requests
 * waiting for it are settled. */
void gateway_verdict(struct session *s, const char *jid, bool gateway);
/* A presence error from a gateway we use: reported (true). */
bool gateway_presence_error(struct session *s, const char *bare,
			    xmpp_stanza_t *st);
/* inband.c: account registration on a fresh connection */
/* Closes and frees a registration in progress (xs_shutdown). */
void inband_shutdown(struct app *app);
/* A's registration, if one runs, tries again (its certificate was just
 * trusted): true, and a must not log in yet. */
bool inband_retry(struct app *app, struct account *a);
/* muc.c: stanzas from rooms we have a window for; true when taken */
bool muc_presence(struct session *s, xmpp_stanza_t *st, const char *bare,
		  const char *nick);
/* type is st's, which the caller read already */
bool muc_message(struct session *s, xmpp_stanza_t *st, const char *type,
		 const char *bare, const char *nick, int64_t ts_ms,
		 bool delayed);
/* mucstay.c: staying in rooms, and the history a join asks for */
struct room_presence;
/* Adds to a join's muc <x/> the <history/> we lack of room. */
void muc_history_ask(struct session *s, xmpp_stanza_t *x, const char *room);
/* The session is up: a new one joins the account's rooms again, a
 * resumed one watches them. Call from the session-established path. */
void muc_stay_online(struct session *s);
/* The room of window w sent something (it keeps the self-ping away).
 * The caller found w (room_find): a stanza is looked up once. */
void muc_stay_heard(struct session *s, struct window *w);
/* After room_presence(): our own presence (watch from now; a 332
 * shutdown is joined again later). */
void muc_stay_presence(struct session *s, const char *room,
		       const struct room_presence *p);
/* The room sent its subject: the end of a join's replay. */
void muc_stay_subject(struct session *s, const char *room);
/* Sends the outbox's messages for w's room, if it is joined and its
 * join's replay is over: all of them (after a join), or only those not
 * yet handed to a connection. */
void muc_outbox_send(struct session *s, struct window *w, bool all);
/* muc.c: a groupchat message with id as its XEP-0359 origin-id. */
void muc_send_groupchat(struct session *s, const char *room,
			const char *body, const char *id, const char *oob);
/* The user left room (/leave, /close): no rejoin, no self-ping. */
void muc_stay_left(struct session *s, const char *room);
/* A presence error from room: a rejoin it ends stops. */
void muc_stay_error(struct session *s, const char *room, const char *cond);
/* What a self-ping's error condition (NULL: a result) says. */
enum muc_stay_verdict { MUC_STAY_IN, MUC_STAY_LATER, MUC_STAY_OUT };
enum muc_stay_verdict muc_selfping_verdict(const char *cond);
/* Whether a join refused with cond is not worth trying again. */
bool muc_rejoin_final(const char *cond);
/* muc.c: our join presence to room as nick (with password, or NULL),
 * carrying our show and status and the <history/> we lack. */
void muc_send_join(struct session *s, const char *room, const char *nick,
		   const char *password);
/* Our show and status changed (/status, auto-away): tells every room
 * we are in (presence to a room is directed, the server does not pass
 * on our broadcast). */
void muc_presence_update(struct session *s);
/* Asks room's disco#info for its name (core's room_set_name). */
void muc_fetch_info(struct session *s, const char *room);
/* mucowner.c: we just created room (status 201): opens it with the
 * server's defaults, or shows its configuration form (/join
 * --configure). */
void mucowner_created(struct session *s, const char *room);
/* keepalive.c: pings the server while online, and has a resumed
 * stream prove that the server reads it (see the file) */
/* mucadmin.c: moderation and invitations. The builders return the
 * caller's reference. */
struct room_admin;
struct jid;
xmpp_stanza_t *mucadmin_iq(xmpp_ctx_t *ctx, const struct room_admin *req);
xmpp_stanza_t *mucadmin_direct_invite(xmpp_ctx_t *ctx, const char *room,
				      const char *to, const char *reason,
				      const char *password);
xmpp_stanza_t *mucadmin_mediated_invite(xmpp_ctx_t *ctx, const char *room,
					const char *to, const char *reason);
xmpp_stanza_t *mucadmin_decline(xmpp_ctx_t *ctx, const char *room,
				const char *to, const char *reason);
/* A message holding an invitation (direct, or through the room j) or a
 * decline of ours: handed to core/invite.c; true when taken. */
bool mucadmin_message(struct session *s, xmpp_stanza_t *st, const char *from,
		      const struct jid *j);
void keepalive_start(struct session *s);
void keepalive_stop(struct session *s);
/* The server acknowledged h stanzas (an XEP-0198 <a/>). */
void keepalive_acked(struct session *s, uint32_t h);
/* xlog.c */
void xlog_handler(void *ud, xmpp_log_level_t level, const char *area,
		  const char *msg);
/* s->raw_wanted changed: libstrophe's log follows it. */
void xlog_raw_changed(struct session *s);
/* Gives libstrophe's context xlog_handler, or no handler, as what the
 * session needs from its log now (xlog.c): call it when s->was_online
 * or s->raw_wanted changes. */
void xlog_follow(struct session *s);
/* xmlconsole.c: a debug message of libstrophe's, for s's XML console
 * (while s->raw_wanted); xs_init() has it hear of closed consoles. */
void xs_xmlconsole_log(struct session *s, const char *msg);
void xs_xmlconsole_init(struct app *app);
/* cert.c */
int cert_check(const xmpp_tlscert_t *cert, const char *errormsg);
/* iq.c */
void iq_register(struct session *s);
/* roster.c */
void xs_roster_request(struct session *s);
int xs_roster_push(struct session *s, xmpp_stanza_t *iq);
/* caps.c: pep is pep_mask()'s, the PEP kinds we ask to be sent */
xmpp_stanza_t *caps_element(xmpp_ctx_t *ctx, unsigned pep);
xmpp_stanza_t *caps_disco_info(xmpp_ctx_t *ctx, const char *node,
			       unsigned pep);
/* presence.c */
void xs_presence_send_initial(struct session *s);
void xs_presence_register(struct session *s);
/* message.c */
/* features.c: what the account's server (disco#info of its domain)
 * and the account (of its bare JID) offer, asked once for each new
 * session (features_connected); the modules that start from a feature
 * run from its table of hooks once both are known. */
void features_connected(struct session *s);
bool features_server(struct session *s, const char *var);
/* Whether the server answered (a failure or no answer: false). */
bool features_server_known(struct session *s);
bool features_account(struct session *s, const char *var);
/* The account's disco#info <query/> (borrowed), or NULL. */
xmpp_stanza_t *features_account_info(struct session *s);
void features_free(struct session *s);
/* The server's disco#info <query/> (borrowed), or NULL. */
xmpp_stanza_t *features_server_info(struct session *s);
/* upload.c: HTTP File Upload (XEP-0363). Finds the service (a hook of
 * features.c's); upload_free at the session's end. */
void upload_features(struct session *s);
void upload_free(struct session *s);
/* The max-file-size an upload service's disco#info <query/> states in
 * its urn:xmpp:http:upload:0 form; 0 when none. */
int64_t upload_max_size(xmpp_stanza_t *query);
/* How a message reached us: live, as a carbon copy (XEP-0280) of one
 * another client of the user received or sent, or from the user's
 * archive (XEP-0313). Carbons and the archive unwrap their <forwarded/>
 * and hand the inner message to message_read(). */
enum msg_via_kind { VIA_LIVE, VIA_CARBON_RECEIVED, VIA_CARBON_SENT,
		    VIA_ARCHIVE };
struct msg_via {
	enum msg_via_kind kind;
	int64_t ts_ms;          /* the <forwarded/>'s <delay/>, stamped by
				 * our server; -1: none */
	const char *archive_id; /* VIA_ARCHIVE: the result's id */
	bool in_order;          /* VIA_ARCHIVE: a catch-up's result, in
				 * the archive's order (msg_in's) */
};
/* Reads message st (live, or unwrapped from a carbon or the archive,
 * whose sender the caller has checked): chat messages, receipts and
 * chat states to core/conv; a live one may also be a room's (muc.c), an
 * invitation (mucadmin.c) or a roster exchange (rosterx.c). What the
 * user wrote on another device (a sent carbon, or the archive's copy:
 * from our own bare JID) is shown and stored as ours, in the
 * conversation with its recipient; copies get no receipts and do not
 * change chat states. */
void message_read(struct session *s, xmpp_stanza_t *st,
		  const struct msg_via *via);
void message_register(struct session *s);
/* buzz.c: a live message from bare holding an attention request
 * (XEP-0224) is handed to core/sound; true when it needs nothing more
 * (no body). */
bool buzz_message(struct session *s, xmpp_stanza_t *st, const char *bare,
		  bool delayed);
/* call.c: calls (XEP-0353 proposals, XEP-0167 sessions) to core/call.
 * A message holding XEP-0353 signalling is taken (true); a Jingle IQ
 * is answered and taken when it is an RTP session offered to us or one
 * of the calls that ring (false: not a call's, for the caller to
 * answer). */
bool xs_call_message(struct session *s, xmpp_stanza_t *st,
		     const struct msg_via *via);
bool xs_call_iq(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *jingle);
/* The words of el's Jingle <reason/>: its <text/>, else its
 * condition's name, one sanitised line of at most 300 bytes; NULL when
 * none. The caller frees it. */
char *xs_call_reason(xmpp_stanza_t *el);
/* Ends the Jingle sessions core/call lets go unanswered (xs_init). */
void xs_call_init(struct app *app);
/* correct.c: a correction or retraction in st, of a line of the
 * one-to-one conversation peer (resource: the sender's, or for out,
 * the user's device it came from) / of room (nick: the occupant's, NULL
 * for the room itself), to core/edit. Returns true when st needs
 * nothing more: its body is not a message of its own. */
bool correct_read_chat(struct session *s, xmpp_stanza_t *st, const char *peer,
		       const char *resource, bool out);
bool correct_read_room(struct session *s, xmpp_stanza_t *st, const char *room,
		       const char *nick);
/* carbons.c: message carbons (XEP-0280) */
enum carbons_state { CARBONS_OFF, CARBONS_ASKING, CARBONS_ON,
		     CARBONS_UNSUPPORTED, CARBONS_REFUSED, CARBONS_DISABLED };
/* A new session (not a resumed one) starts asking, unless the
 * account's option says no (carbons_online); once the server's features
 * are known (a hook of features.c), carbons are enabled if offered. */
void carbons_online(struct session *s);
void carbons_features(struct session *s);
/* A carbon copy (a <received/> or <sent/> wrapper) is taken: read when
 * it comes from our own bare JID, else dropped and logged; true. False
 * when st is no carbon. */
bool carbons_message(struct session *s, xmpp_stanza_t *st);
/* Whether msg's sender asked that it not be copied to other devices
 * (<private/>, XEP-0280; <no-copy/>, XEP-0334). */
bool carbons_private(xmpp_stanza_t *msg);
/* Words for an enum carbons_state, for the debug log and /carbons. */
const char *carbons_state_name(unsigned st);
/* mam.c: the user's message archive (XEP-0313) */
/* A new session is up: what the last one asked is forgotten (a
 * resumed stream missed nothing and goes on with what it asked). */
void mam_connected(struct session *s);
/* A hook of features.c: when the account offers an archive
 * (urn:xmpp:mam:2), catch up from it. */
void mam_features(struct session *s);
/* An archive <result/> wrapper: checked and its message read, or for
 * the catch-up queued to be read by the loop's next passes (true);
 * false when st is no such wrapper. */
bool mam_result(struct session *s, xmpp_stanza_t *st);
/* Reads the catch-up's results still queued: a message that came
 * behind them is read after them. */
void mam_settle(struct session *s);
/* delivery.c: the server acknowledged what we sent up to s->acked (a
 * catch-up's next page may be waiting for that). */
void mam_acked(struct session *s);
/* A stream resumed: a next page held while the link was down is asked
 * now. */
void mam_resumed(struct session *s);
void mam_free(struct session *s);
/* Our join to room goes out (muc.c): where a catch-up from the room's
 * archive would start is read now, before the join's replay is stored. */
void mam_room_joining(struct session *s, const char *room);
/* Room's disco#info came (muc.c): offered, whether it names
 * urn:xmpp:mam:2; then the catch-up the join prepared starts. */
void mam_room_info(struct session *s, const char *room, bool offered);
/* muc.c: message st (groupchat, whose wrapper mam.c checked came from
 * room's archive in answer to our query) is a room line stored and
 * shown as archived (delayed: no alert), stanza_id the archive's id,
 * ts_ms its time (-1: unknown). */
void muc_archived(struct session *s, xmpp_stanza_t *st, const char *room,
		  int64_t ts_ms, const char *stanza_id);
/* delivery.c: outbox messages to the server, XEP-0198 acks */
/* Sends a chat message (never refused: the outbox holds it) and counts
 * it on its way; oob (may be NULL) goes with it as XEP-0066 data. */
void delivery_send(struct session *s, const char *bare, const char *resource,
		   const char *body, const char *id, const char *oob);
/* Adds <x xmlns='jabber:x:oob'><url>url</url></x> to message m. */
void delivery_add_oob(xmpp_stanza_t *m, const char *url);
/* The stream is up (fresh or resumed): settles what is on its way and
 * sends the outbox. Call before anything else is sent on it. */
void delivery_connected(struct session *s);
/* The stream is down: a message that never left libstrophe's send
 * queue gets back the try it was counted (outbox_unsent). */
void delivery_lost(struct session *s);
void delivery_register(struct session *s);
void delivery_free(struct session *s);
/* marks.c: chat markers (XEP-0333) and replies (XEP-0461). */
struct msg_in;
struct reply_ref;
/* Reads what st adds to the message m (its body set): <markable/> and
 * a reply, whose reference goes in r (strings borrowed from st). */
void xs_marks_parse(xmpp_stanza_t *st, struct msg_in *m,
		    struct reply_ref *r);
/* A <displayed/> marker in st from peer (one-to-one): its line shows
 * "read". Markers of type groupchat or error are not read. */
void xs_marks_read(struct session *s, xmpp_stanza_t *st, const char *peer);
/* Adds to our outgoing message m (body body): <markable/>, and the reply
 * and fallback when body is a reply /reply made. */
void xs_marks_outgoing(struct session *s, xmpp_stanza_t *m,
		       const char *body);
void xs_marks_free(struct session *s);
int64_t xs_parse_stamp(const char *s);
/* blocking.c: the block list (XEP-0191). A new session forgets the
 * last one's (blocking_connected), and fetches it when the server offers
 * blocking (blocking_features, a hook of features.c); a push (a <block/>
 * or <unblock/> set, payload p) is taken (0) or refused (-1: not from
 * our own server). */
void blocking_connected(struct session *s);
void blocking_features(struct session *s);
int blocking_push(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *p);

/* pubsub.c: PEP from contacts and feeds' events (xmpp/pubsub.h). */
void pubsub_register(struct session *s);
/* p2p.c: files peer to peer, offered with stream initiation
 * (XEP-0095/0096) and carried in band (XEP-0047). */
#define P2P_METHOD_IBB 1u
#define P2P_METHOD_SOCKS5 2u
struct p2p_offer {
	char *sid;      /* one clean line of at most 128 bytes */
	char *name;     /* as the sender gave it, sanitised (not yet a
			 * safe file name: url_clean_name) */
	int64_t size;   /* bytes */
	char *hash;     /* MD5 as the sender says, sanitised, or NULL */
	char *desc;     /* one sanitised line, or NULL */
	unsigned methods; /* P2P_METHOD_* offered */
	/* Jingle (XEP-0234 over XEP-0261); NULL for stream initiation */
	char *jsid;     /* the Jingle session's sid (sid is the IBB one) */
	char *content;  /* the content's name, and who created it */
	char *creator;
	char *sha256;   /* the SHA-256 offered, in lower-case hex, or NULL */
	unsigned block; /* the IBB block size proposed */
	/* or SOCKS5 (XEP-0260): the initiator's candidates, best first */
	struct js5b_cand *cands;
	size_t ncands;
};
/* Reads an XEP-0096 file offer <si/>. Returns 0, or -1 when it is not
 * one natter can take (no sid, other profile, no name or size); clear
 * o either way. */
int p2p_offer_parse(xmpp_stanza_t *si, struct p2p_offer *o);
void p2p_offer_clear(struct p2p_offer *o);
/* Reads a Jingle session-initiate <jingle/> offering a file
 * (XEP-0234) over in-band bytestreams (XEP-0261). Returns 0, or -1
 * when it is not one natter can take; clear o either way. */
int p2p_jingle_parse(xmpp_stanza_t *jingle, struct p2p_offer *o);
/* The SHA-256 among the <hash/>s (XEP-0300) under el, as lower-case
 * hex (the caller frees it), or NULL. */
char *p2p_sha256_of(xmpp_stanza_t *el);
/* A Jingle IQ set about a file: answered here (true), or false when it
 * is not one (xmpp/call.c's turn). */
bool p2p_jingle_iq(struct session *s, xmpp_stanza_t *iq,
		   xmpp_stanza_t *jingle);
/* A SOCKS5 streamhost offered (XEP-0065): each string one clean line. */
struct p2p_host {
	char *jid;
	char *host;
	int port;
};
/* The <streamhost/>s of a bytestreams <query/>, at most P2P_HOSTS_MAX,
 * those without a JID, a host or a port from 1 to 65535 left out: how
 * many, in *hosts (the caller frees them with p2p_hosts_free). */
#define P2P_HOSTS_MAX 8
size_t p2p_hosts_parse(xmpp_stanza_t *query, struct p2p_host **hosts);
void p2p_hosts_free(struct p2p_host **hosts, size_t n);
/* jingles5b.c: a Jingle SOCKS5 bytestreams candidate (XEP-0260),
 * each string one clean line. */
struct js5b_cand {
	char *cid, *jid, *host;
	int port;
	uint32_t priority;
	bool proxy;     /* type proxy: whoever offered it activates it */
};
#define JS5B_CANDS_MAX 8
/* A candidate's priority (XEP-0260's formula): its type's preference
 * (direct 126, proxy 10) times 2^16, plus local (below 2^16). */
uint32_t js5b_priority(bool proxy, unsigned local);
/* An XEP-0260 <transport/>: 0 with its sid (the caller frees it) and
 * its candidates in *cands (at most JS5B_CANDS_MAX, highest priority
 * first, those without a cid, a JID, a host or a port from 1 to 65535
 * or of a mode other than tcp left out; the caller frees them with
 * js5b_cands_free), or -1 when it has no clean sid. */
int js5b_transport_parse(xmpp_stanza_t *tr, char **sid,
			 struct js5b_cand **cands, size_t *n);
void js5b_cands_free(struct js5b_cand **cands, size_t n);
/* A <transport/> offering cands (the caller releases it). */
xmpp_stanza_t *js5b_transport_new(xmpp_ctx_t *ctx, const char *sid,
				  const char *dstaddr,
				  const struct js5b_cand *cands, size_t n);
/* What both sides said, for the connection that carries the file:
 * local is what we said of the other's candidates (JS5B_USED, at
 * priority local_prio, or JS5B_ERROR), remote what the other said of
 * ours. The higher priority wins, the initiator's choice on a tie. */
enum js5b_said { JS5B_WAIT, JS5B_USED, JS5B_ERROR };
enum js5b_pick {
	JS5B_NONE,   /* nothing connected: in band instead */
	JS5B_LOCAL,  /* the connection we made to the other's candidate */
	JS5B_REMOTE, /* the one the other made to ours */
};
enum js5b_pick js5b_pick(enum js5b_said local, uint32_t local_prio,
			 enum js5b_said remote, uint32_t remote_prio,
			 bool initiator);
/* Whether the other's candidate k may be connected to: every one with
 * p2p_direct (direct), else only a proxy whose JID is a bare domain. */
bool js5b_may_try(const struct js5b_cand *k, bool direct);
/* An IQ set of stream initiation or IBB: answered here. Returns -1 for
 * a payload that is neither. */
int p2p_iq(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *payload);
/* full went offline / s's connection went down: its streams fail. */
void p2p_peer_gone(struct session *s, const char *full);
void p2p_down(struct session *s);
/* Forgets every stream without telling anyone (at exit). */
void p2p_free_all(struct app *app);

#endif
