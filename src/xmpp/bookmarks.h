/* bookmarks: the protocol side of bookmarked rooms (xmpp/bookmarks.c).
 *
 * The parsers and builders are here for the unit tests; the session
 * hooks for session.c, message.c and xs_init. Names carry xs_ (core has
 * a module of the same name, core/bookmark.c). Every string a parser
 * puts into a struct bookmark is sanitised to one line (the password is
 * kept as sent: it is never drawn).
 */
#ifndef NATTER_XMPP_BOOKMARKS_H
#define NATTER_XMPP_BOOKMARKS_H

#include <stdbool.h>
#include <strophe.h>

#include "core/bookmark.h"

struct app;
struct session;

#define NS_BOOKMARKS2 "urn:xmpp:bookmarks:1"
#define NS_BOOKMARKS2_NOTIFY "urn:xmpp:bookmarks:1+notify"
#define NS_BOOKMARKS2_COMPAT "urn:xmpp:bookmarks:1#compat"
#define NS_BOOKMARKS_CONVERSION "urn:xmpp:bookmarks-conversion:0"
#define NS_PRIVATE "jabber:iq:private"
#define NS_STORAGE_BOOKMARKS "storage:bookmarks"
#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"

/* How many autojoin joins may wait for their answer at once, and how
 * long one may hold its place before the next goes anyway. */
#define BM_JOIN_PARALLEL 3
#define BM_JOIN_STALL_MS 10000

/* XEP-0402: one pubsub <item id=JID><conference/></item> into *b;
 * returns 0, or -1 (b zeroed) when it is not a bookmark of a room. */
int xs_bookmarks_parse_item(xmpp_stanza_t *item, struct bookmark *b);
/* Every valid item under el (a pubsub <items/>) into out (put, so a
 * JID given twice keeps its last item). */
void xs_bookmarks_parse_items(xmpp_stanza_t *el, struct bookmarks *out);
/* XEP-0048: every <conference/> of a <storage xmlns='storage:bookmarks'/>
 * into out. */
void xs_bookmarks_parse_storage(xmpp_stanza_t *storage, struct bookmarks *out);
/* A new <conference xmlns='urn:xmpp:bookmarks:1'/> for b (XEP-0402); the
 * caller releases it. */
xmpp_stanza_t *xs_bookmarks_conference(xmpp_ctx_t *ctx, const struct bookmark *b);
/* A new <storage xmlns='storage:bookmarks'/> holding l's rooms, after
 * the children of old (may be NULL) that are not conferences (its URL
 * bookmarks and whatever else another client keeps there); the caller
 * releases it. */
xmpp_stanza_t *xs_bookmarks_storage(xmpp_ctx_t *ctx, const struct bookmarks *l,
				 xmpp_stanza_t *old);

/* Where to keep bookmarks given the account's disco#info <query/> (NULL
 * when it failed): PEP (XEP-0402) only when it advertises
 * urn:xmpp:bookmarks:1#compat, private storage (XEP-0048) otherwise,
 * XEP-0411's conversion alone included. */
enum bookmark_store xs_bookmarks_store_for(xmpp_stanza_t *info);

/* Session hooks. */
void xs_bookmarks_init(struct app *app);
/* A new session (not a resumed one) is up: what the last one fetched
 * or was joining is forgotten. */
void xs_bookmarks_connected(struct session *s);
/* What the account offers is known (xmpp/features.c): fetch the
 * bookmarks from where it keeps them, then join the autojoin rooms at a
 * pace. */
void xs_bookmarks_features(struct session *s);
/* The connection is gone: joins waiting for it are dropped. */
void xs_bookmarks_down(struct session *s);
void xs_bookmarks_free(struct session *s);
/* Registers the notification handler on s's connection. */
void xs_bookmarks_register(struct session *s);
/* A PEP notification (XEP-0163) of our bookmarks node: taken (true). */
bool xs_bookmarks_message(struct session *s, xmpp_stanza_t *msg);

#endif
