/* presence: what we know of contacts' availability (RFC 6121 4).
 *
 * Each roster item carries its contact's available resources, each with
 * show, status and priority; the item's `best` is the most available of
 * them, which is what the roster pane sorts and colours by. Presence from
 * JIDs outside the roster is not kept.
 */
#ifndef NATTER_CORE_PRESENCE_H
#define NATTER_CORE_PRESENCE_H

struct app;
struct account;

/* Most available last, so a larger value sorts first. */
enum show { SHOW_OFFLINE, SHOW_DND, SHOW_XA, SHOW_AWAY, SHOW_ONLINE,
	    SHOW_CHAT };

struct resource {
	char *name;
	enum show show;
	char *status; /* may be NULL */
	int priority;
};

/* "away", "chat", "dnd", "xa" or NULL (online); unknown is online. */
enum show presence_show_parse(const char *s);
const char *presence_show_name(enum show s);
/* A resource became available or changed (takes nothing; copies). */
void presence_update(struct app *app, struct account *acc, const char *bare,
		     const char *resource, enum show show, const char *status,
		     int priority);
/* A resource went away (NULL resource: all of them). */
void presence_gone(struct app *app, struct account *acc, const char *bare,
		   const char *resource, const char *status);
/* Every contact of acc goes offline (we lost the connection). */
void presence_reset(struct app *app, struct account *acc);

#endif
