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
 * bare/resource when resource is set, and records it in the conversation. */
int xs_send_chat(struct app *app, struct account *a, const char *bare,
		 const char *resource, const char *body);
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

#endif
