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
	/* what its last available presence said besides (presence_details);
	 * each string one sanitised line */
	long long idle_since_ms; /* XEP-0319 <idle since/>, ms since the
				  * epoch; 0: not idle, or not said */
	char *caps_node;   /* XEP-0115 node (names the client), or NULL */
	char *avatar_hash; /* XEP-0153 vCard photo hash, or NULL; "" when
			    * it says it has none */
};

/* What a presence says of a resource besides show, status and priority
 * (presence_details); strings are borrowed, raw: the core sanitises. */
struct presence_extra {
	long long idle_since_ms; /* 0: none */
	const char *caps_node;   /* NULL: none */
	const char *avatar_hash; /* NULL: not said; "": no photo */
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
/* Sets what the resource's presence said besides (after
 * presence_update); nothing when the contact or resource is unknown.
 * Emits nothing: the roster pane does not show these. */
void presence_details(struct account *acc, const char *bare,
		      const char *resource, const struct presence_extra *x);
/* Frees what r holds. */
void presence_resource_clear(struct resource *r);
/* Every contact of acc goes offline (we lost the connection). */
void presence_reset(struct app *app, struct account *acc);

#endif
