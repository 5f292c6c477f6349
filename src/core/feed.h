/* feed: a publish-subscribe node followed in a window of its own.
 *
 * /feed SERVICE NODE opens a WIN_FEED window (one per account, service
 * and node; struct feed, owned by the window, names them) that shows
 * the node's items, Atom entries as XEP-0277 microblogs publish them:
 * each item is one line of the window, its author as the line's nick,
 * its title, summary and link as the rows of that line (every remote
 * string made one clean line and cut, so a feed cannot draw rows that
 * look like natter's own), in the order of their publication times;
 * the link also goes into the window's /links. An item published again
 * under the same id replaces its line. Items that are not Atom entries
 * show as their id and the payload's element.
 *
 * Items arrive only while the feed's window is open: what a service
 * sends for a node without a window is dropped (a stranger cannot open
 * windows by sending pubsub events). /close closes the window and keeps
 * the subscription; /unfeed ends it.
 */
#ifndef NATTER_CORE_FEED_H
#define NATTER_CORE_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct app;
struct account;
struct window;

#define FEED_LINES 500        /* items a feed window keeps */
#define FEED_TITLE_MAX 300    /* bytes of an item's title, author, link */
#define FEED_SUMMARY_MAX 1000 /* bytes of an item's summary */

struct feed {
	char *service; /* the pubsub service's JID */
	char *node;
	size_t items;  /* items shown since the window opened */
};

/* One item, as the xmpp layer read it. Every field may be NULL; the
 * strings are remote text, made clean by feed_item(). */
struct feed_entry {
	char *id;      /* the pubsub item id */
	char *title;
	char *author;  /* the author's name, else its URI */
	char *link;    /* the entry's (alternate) link */
	char *summary; /* its summary, else its content as text */
	char *other;   /* not an Atom entry: the payload's element name
			* (and namespace); the fields above are NULL */
	time_t ts;     /* published (else updated); 0: not said */
};

/* acc's window for node at service, or NULL when none is open. */
struct window *feed_find(struct app *app, struct account *acc,
			 const char *service, const char *node);
/* That window, opened (not made current) when there is none. */
struct window *feed_window(struct app *app, struct account *acc,
			   const char *service, const char *node);
/* Shows item e in w (a feed window), replacing the line of an item
 * with the same id; now is when it came (for items without a time, or
 * with one in the future). Returns true when it made a new line. */
bool feed_item(struct app *app, struct window *w,
	       const struct feed_entry *e, time_t now);
/* Item id was retracted (or the node purged, id NULL): says so in w. */
void feed_retracted(struct app *app, struct window *w, const char *id);
void feed_entry_clear(struct feed_entry *e);
void feed_free(struct feed **f);

#endif
