/* conv: conversations, one window per (account, peer bare JID).
 *
 * The xmpp layer reports messages, receipts and chat states here; conv
 * finds or opens the window, appends the line, stores the message in the
 * account's history and keeps unread counts. Opening a conversation loads
 * its recent history; scrolling past the oldest line loads more.
 */
#ifndef NATTER_CORE_CONV_H
#define NATTER_CORE_CONV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/window.h"

struct app;
struct account;

#define CONV_LINES 500       /* lines kept in memory per conversation */
#define CONV_HISTORY_OPEN 50 /* lines loaded from history on open */

struct msg_in {
	const char *bare;     /* the peer */
	const char *resource; /* may be NULL */
	const char *body;
	const char *id;       /* may be NULL */
	int64_t ts_ms;
	bool delayed;
};

struct window *conv_find(struct app *app, struct account *acc,
			 const char *bare);
/* Finds or opens the conversation window; returns its index. */
size_t conv_open(struct app *app, struct account *acc, const char *bare);
/* Closes window idx: app_close_window() by index. */
void conv_close(struct app *app, size_t idx);
void conv_incoming(struct app *app, struct account *acc,
		   const struct msg_in *m);
/* Records a message we sent (id: its stanza id, for the receipt). */
void conv_outgoing(struct app *app, struct account *acc, const char *bare,
		   const char *body, const char *id);
void conv_receipt(struct app *app, struct account *acc, const char *bare,
		  const char *id);
void conv_chat_state(struct app *app, struct account *acc, const char *bare,
		     enum chat_state st);
/* An error came back for a message we sent to bare: cond is the RFC 6120
 * condition, text the server's explanation (may be NULL). */
void conv_error(struct app *app, struct account *acc, const char *bare,
		const char *cond, const char *text);
/* Forgets the resource replies were locked to (RFC 6121 5.1). */
void conv_unlock(struct app *app, struct account *acc, const char *bare);
/* Loads up to n older lines into w; returns how many came. */
int conv_load_older(struct app *app, struct window *w, size_t n);
/* Opens the conversation with bare and brings history row rowid into
 * view, marked LINE_FOUND. Returns 0, or -1 when it is too far back to
 * fit in the window. */
int conv_jump(struct app *app, struct account *acc, const char *bare,
	      int64_t rowid);
/* The roster changed the peer's name: the window follows. */
void conv_rename(struct app *app, struct account *acc, const char *bare);
/* The name a peer is shown under: roster name, else the JID. */
const char *conv_peer_name(struct account *acc, const char *bare);
/* Makes window idx current and clears its unread mark. */
void app_select(struct app *app, size_t idx);

#endif
