/* xs: the xmpp layer's interface to the rest of natter.
 *
 * Everything libstrophe stays behind these functions; callers see only
 * core types. Each account gets one session (its own libstrophe context
 * and connection), all driven by the app's loop: sockets are registered
 * with it, and xs_prepare() runs before every poll to flush send queues
 * and set socket interest.
 */
#ifndef NATTER_XMPP_XS_H
#define NATTER_XMPP_XS_H

#include <stdbool.h>
#include <stdint.h>

struct app;
struct account;

/* Sets up libstrophe and one session per account. Returns 0 or -1. */
int xs_init(struct app *app);
void xs_shutdown(struct app *app);
/* Starts connecting (no-op when already connecting or online). */
void xs_connect(struct app *app, struct account *a);
/* Closes the connection and cancels any scheduled reconnect. */
void xs_disconnect(struct app *app, struct account *a);
/* Pins the certificate a->cert (the one last refused) and reconnects.
 * Returns 0, or -1 when there is no refused certificate to trust. */
int xs_trust(struct app *app, struct account *a);
/* Called before each poll: writes pending output, sets socket events. */
void xs_prepare(struct app *app);
/* True while any connection still has output queued. */
int xs_busy(struct app *app);

/* The functions below return 0, or -1 when the account is not online. */

/* Sends a chat message (with a receipt request) to bare, or to
 * bare/resource when resource is set, and records it in the conversation;
 * offline, it waits in the outbox. -1 only when offline without a history
 * database (nowhere to queue it). */
int xs_send_chat(struct app *app, struct account *a, const char *bare,
		 const char *resource, const char *body);
/* Sends a displayed chat marker (XEP-0333) for message id: to jid
 * (bare/resource when resource is set), or to the room jid when room
 * (id: the room's stanza-id). */
int xs_send_displayed(struct app *app, struct account *a, const char *jid,
		      const char *resource, const char *id, bool room);
/* Sends text in window w (a conversation or a room) as a reply to its
 * line orig (XEP-0461), with a fallback quote of orig for clients
 * without replies. Like xs_send_chat / xs_room_send otherwise; a reply
 * that waits in the outbox past this session goes as its text alone. */
struct window;
struct line;
int xs_send_reply(struct app *app, struct window *w, const struct line *orig,
		  const char *text);
/* Sends a standalone chat state notification (XEP-0085). */
int xs_send_chat_state(struct app *app, struct account *a, const char *bare,
		       const char *resource, int state);
/* Broadcasts a->show and a->status_text. */
int xs_send_presence(struct app *app, struct account *a);
/* Sends presence of type subscribe, subscribed, unsubscribe or
 * unsubscribed to bare. */
int xs_subscription(struct app *app, struct account *a, const char *bare,
		    const char *type);
/* Adds or updates a roster item (name and group may be NULL). */
int xs_roster_set(struct app *app, struct account *a, const char *bare,
		  const char *name, const char *group);
int xs_roster_remove(struct app *app, struct account *a, const char *bare);

/* Asks jid which software it runs (XEP-0092); the answer, an error or
 * the timeout is an EV_VERSION. */
int xs_version(struct app *app, struct account *a, const char *jid);
/* Sends an XEP-0199 ping to jid; its answer (or the timeout) is an
 * EV_PING. Returns the ping's number (> 0, counted per process), or -1
 * when the account is not online. */
int xs_ping(struct app *app, struct account *a, const char *jid);

/* The message archive (XEP-0313). */
struct window;
/* Asks the archive for the messages before the oldest stored in
 * conversation w (its local history ran out); they come into w as they
 * are stored. Returns 0 when asked (or already asking), -1 when there is
 * nothing to ask: not online, archive off, a room, or the archive said
 * it has nothing older. */
int xs_archive_older(struct app *app, struct window *w);
/* Asks the archiving default (dflt NULL), or sets it to dflt (always,
 * roster or never) keeping the always/never lists; the answer is an
 * EV_ARCHIVE_PREFS. */
int xs_archive_prefs(struct app *app, struct account *a, const char *dflt);

/* Gateways, discovery, forms. Each opens or fills a window; failures
 * are reported through the window or as events, never drawn here. */
struct window;

/* Opens a service discovery browser on jid (node may be NULL) and starts
 * scanning; gateways: list only transports. Returns the window's index,
 * or -1 when the account is not online. */
long xs_disco_open(struct app *app, struct account *a, const char *jid,
		   const char *node, bool gateways);
/* Re-scans what the browser window w shows (after browsing in or out). */
void xs_disco_refresh(struct app *app, struct window *w);
/* Opens the registration dialog for jid (XEP-0077): fetches its form. */
long xs_register_open(struct app *app, struct account *a, const char *jid);
/* Asks to leave jid: opens a confirmation dialog. */
long xs_unregister_open(struct app *app, struct account *a, const char *jid);
/* Sends directed available or unavailable presence to a gateway. */
int xs_transport_presence(struct app *app, struct account *a,
			  const char *jid, bool online);
/* XEP-0100 6.3: asks gateway for the JID of legacy_id, then adds and
 * subscribes to it. */
int xs_gateway_add(struct app *app, struct account *a, const char *gateway,
		   const char *legacy_id, const char *name);
/* Lists jid's ad-hoc commands in a browser window. */
long xs_commands_open(struct app *app, struct account *a, const char *jid);
/* Runs one command (XEP-0050) in a dialog window. */
long xs_command_run(struct app *app, struct account *a, const char *jid,
		    const char *node);
/* Approves bare's pending subscription request, adds it to the roster
 * (under the nick it gave) and subscribes back. */
int xs_accept(struct app *app, struct account *a, const char *bare);
/* Creates the account on its server (XEP-0077 in-band registration,
 * natter --register): connects without logging in and shows the
 * server's form in a dialog window. Returns the window's index, or -1
 * when a registration is already running or libstrophe could not make
 * a connection. */
long xs_register_account(struct app *app, struct account *a);
/* HTTP File Upload (XEP-0363): what the account knows of its server's
 * upload service. */
enum xs_upload_service {
	XS_UPLOAD_FOUND,      /* found (for xs_upload: the upload started) */
	XS_UPLOAD_OFFLINE,    /* the account is not online */
	XS_UPLOAD_LOOKING,    /* still being looked for */
	XS_UPLOAD_NONE,       /* the server offers none */
	XS_UPLOAD_TOO_LARGE,  /* xs_upload: the file exceeds the limit */
	XS_UPLOAD_CANNOT,     /* xs_upload: the file cannot be sent (*err) */
};
/* The state of a's upload service, and its size limit (0: none) in
 * *max. */
enum xs_upload_service xs_upload_service(struct app *app, struct account *a,
					 int64_t *max);
/* Uploads the file at path and sends its address to window w's peer (a
 * conversation or a room) as a message with XEP-0066 data: checks the
 * service (*max: its limit) and the file's size (*size) first, then
 * starts a transfer (core/transfer.h) that asks for a slot, PUTs the
 * file and sends the message. XS_UPLOAD_FOUND when started; otherwise
 * why not, with *err (the caller frees it) for XS_UPLOAD_CANNOT. */
enum xs_upload_service xs_upload(struct app *app, struct window *w,
				 const char *path, int64_t *size,
				 int64_t *max, char **err);
/* Group chat (XEP-0045): join room as nick with password (NULL: none),
 * opening its window; leave it; send it a message. */
int xs_room_join(struct app *app, struct account *a, const char *room,
		 const char *nick, const char *password);
int xs_room_leave(struct app *app, struct account *a, const char *room);
int xs_room_send(struct app *app, struct account *a, const char *room,
		 const char *body);
/* Bookmarks (XEP-0402, or XEP-0048 in private storage): stores b (a
 * new bookmark, or a change of the one with its JID) / removes room's
 * on the server; the model follows when the server accepted it
 * (EV_BOOKMARK_CHANGED), or EV_BOOKMARK_ERROR says why not. A new
 * autojoin bookmark of a room we are not in is joined. */
struct bookmark;
int xs_bookmark_set(struct app *app, struct account *a,
		    const struct bookmark *b);
int xs_bookmark_remove(struct app *app, struct account *a, const char *room);
/* Leaves room saying status (NULL: nothing); the window stays. Nothing
 * is sent when we are not in it. */
int xs_room_part(struct app *app, struct account *a, const char *room,
		 const char *status);
/* Asks room to call us nick (XEP-0045 7.6). */
int xs_room_nick(struct app *app, struct account *a, const char *room,
		 const char *nick);
/* Sets room's subject ("" clears it). */
int xs_room_subject(struct app *app, struct account *a, const char *room,
		    const char *subject);
/* Asks for room's configuration form (XEP-0045 10.2), shown in a
 * dialog window when it comes (a refusal: in the room's window).
 * Returns -1 when the account is not online, else 0. */
long xs_room_config_open(struct app *app, struct account *a,
			 const char *room);
/* Asks whether to destroy room (with reason, or NULL) in a yes-or-no
 * dialog; yes destroys it (XEP-0045 10.9). Returns the window's index,
 * or -1 when the account is not online. */
long xs_room_destroy_open(struct app *app, struct account *a,
			  const char *room, const char *reason);
/* Room moderation and invitations (xmpp/mucadmin.c). */
struct room_admin;
/* Sends one muc#admin request (XEP-0045 8, 9): the answer is an
 * EV_ROOM_ADMIN. */
int xs_room_admin(struct app *app, struct account *a,
		  const struct room_admin *req);
/* Invites jid to room (reason may be NULL): directly (XEP-0249) when
 * jid's client says it takes that, else through the room (XEP-0045
 * 7.8.2); EV_ROOM_INVITED says which was sent. */
int xs_room_invite(struct app *app, struct account *a, const char *room,
		   const char *jid, const char *reason);
/* Declines an invitation to room from inviter through the room. */
int xs_room_decline(struct app *app, struct account *a, const char *room,
		    const char *inviter, const char *reason);
/* Changes the account's password (XEP-0077 3.3). */
int xs_password(struct app *app, struct account *a, const char *password);
/* The dialog in window w is submitted with action (DLG_ACT_*; 0 for the
 * step's default) / cancelled. Cancel closes the window. */
void xs_dialog_submit(struct app *app, struct window *w, unsigned action);
void xs_dialog_cancel(struct app *app, struct window *w);
/* The user corrects (XEP-0308) or retracts (XEP-0424) their newest
 * message in w, a conversation or a room: sent at once, and w's line
 * and the history change (core/edit). Returns 0, or one of these. */
#define XS_EDIT_NOWHERE (-1) /* w is no conversation or room */
#define XS_EDIT_OFFLINE (-2) /* the account is not connected */
#define XS_EDIT_NONE (-3)    /* no message of ours to change in w */
#define XS_EDIT_NO_SID (-4)  /* a room's line the room has not named
			      * (no XEP-0359 stanza-id) */
#define XS_EDIT_QUEUED (-5)  /* still in the outbox, not sent */
int xs_correct(struct app *app, struct window *w, const char *body);
int xs_retract(struct app *app, struct window *w);
/* A moderator retracts nick's newest line in room window w (XEP-0425;
 * reason may be NULL); the room's answer is an EV_ROOM_ADMIN
 * (ROOM_MODERATE), and the room announces the retraction to everyone.
 * Returns 0 or an XS_EDIT_* code (NONE: no line of nick's the room
 * named). */
int xs_moderate(struct app *app, struct window *w, const char *nick,
		const char *reason);
/* Who is this (xmpp/whois.c, xmpp/vcard.c). Asks for bare's vCard, its
 * last activity (each online client's idle time, or since when it is
 * offline), its avatar's metadata and each online client's identity;
 * each answer, error or timeout is an event (EV_VCARD,
 * EV_LAST_ACTIVITY, EV_AVATAR, EV_CLIENT_ID) for the window with id
 * win. */
int xs_info(struct app *app, struct account *a, const char *bare,
	    uint64_t win);
/* Fetches bare's avatar (XEP-0084, else its vCard's photo) and shows
 * it in a picture window (core/picture.h); the outcome is one
 * EV_PICTURE for the window with id win. Returns 0, or -1 when a is
 * not online. */
int xs_avatar_show(struct app *app, struct account *a, const char *bare,
		   uint64_t win);
/* Opens the dialog editing our own vCard (prefilled from the server's
 * copy); saving it is an EV_VCARD_SAVED. Returns the window's index, or
 * -1 when the account is not online. */
long xs_vcard_open(struct app *app, struct account *a);

/* The XML console (core/xmlconsole.h): opens a's console window (or
 * finds it) and has libstrophe's stanza texts shown there; returns its
 * index. */
long xs_xmlconsole_open(struct app *app, struct account *a);
/* Sends xml, typed in a's console, as it is: one of XS_RAW_*. */
enum { XS_RAW_SENT = 0, XS_RAW_OFFLINE = -1, XS_RAW_MALFORMED = -2,
       XS_RAW_NOT_STANZA = -3 };
int xs_xmlconsole_send(struct app *app, struct account *a, const char *xml);
/* Blocking (XEP-0191, xmpp/blocking.c). Blocks jid (a JID or a domain),
 * with an XEP-0377 report (int: enum block_report; text may be NULL) /
 * unblocks it; the model follows the server's answer (EV_BLOCKED, or
 * EV_BLOCK_ERROR). */
int xs_block(struct app *app, struct account *a, const char *jid,
	     int report, const char *text);
int xs_unblock(struct app *app, struct account *a, const char *jid);
/* Asks whether to unblock everyone in a yes-or-no dialog; yes does.
 * Returns the window's index, or -1 when the account is not online. */
long xs_unblock_all_open(struct app *app, struct account *a);

/* Sounds and calls (xmpp/buzz.c, xmpp/call.c). Sends an attention
 * request (XEP-0224) to bare, or to bare/resource when resource is
 * set. */
int xs_buzz(struct app *app, struct account *a, const char *bare,
	    const char *resource);
/* Declines call c (core/call.h) with reason (NULL: none): an XEP-0353
 * <reject/>, or a Jingle session-terminate with <decline/>; c ends
 * (CALL_END_DECLINED) and is freed. -1 when its account is offline. */
struct call;
int xs_call_decline(struct app *app, struct call *c, const char *reason);
/* Offers the file at path to jid (a full JID, or a contact whose most
 * available client is picked) peer to peer (XEP-0096 over XEP-0047);
 * the transfer it starts (core/transfer.h) tells the rest in window w.
 * Returns 0, or -1 with *err (the caller frees it). */
int xs_sendfile_p2p(struct app *app, struct window *w, struct account *a,
		    const char *jid, const char *path, char **err);

/* Where message carbons (XEP-0280) stand for a, in words ("on", "not
 * offered by the server", ...); borrowed, static. */
const char *xs_carbons_state(struct app *app, struct account *a);

/* Publish-subscribe (xmpp/pubsub.c, core/feed.h): each returns 0, or
 * -1 when a is not online; the answers come as EV_FEED naming win.
 * xs_feed_open opens (not selects) acc's window for node at service,
 * its index in *idx (also when offline), subscribes and fetches the
 * latest feed_items items into it. */
int xs_feed_open(struct app *app, struct account *a, const char *service,
		 const char *node, long *idx);
int xs_feed_close(struct app *app, struct account *a, const char *service,
		  const char *node, uint64_t win);
/* Asks service which of its nodes we are subscribed to. */
int xs_feeds_list(struct app *app, struct account *a, const char *service,
		  uint64_t win);
/* Publishes text as an Atom entry to node of our own PEP service. */
int xs_publish(struct app *app, struct account *a, const char *node,
	       const char *text, uint64_t win);

#endif
