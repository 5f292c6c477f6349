/* bookmark: an account's bookmarked rooms, as its server keeps them.
 *
 * A bookmark names a group chat room by its bare JID and may give it a
 * name, the nick to join as, a password and the autojoin flag. The list
 * is kept sorted by JID (strcmp order) in one array, so lookups are a
 * binary search and /bookmark list and the roster pane's Rooms group walk
 * it in order. The list owns every string in it. Where the server keeps
 * the list (XEP-0402 PEP items, or XEP-0048 private XML storage) is the
 * xmpp layer's business (xmpp/bookmarks.c); it records the store it
 * chose in `store` for /bookmark list to tell.
 *
 * Changes go through the functions at the end, which change the list
 * and then emit EV_BOOKMARKS_LOADED, EV_BOOKMARK_CHANGED or
 * EV_BOOKMARK_ERROR (core/event.h); a change that changes nothing emits
 * nothing, so our own publish coming back as a notification is silent.
 */
#ifndef NATTER_CORE_BOOKMARK_H
#define NATTER_CORE_BOOKMARK_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct account;

struct bookmark {
	char *jid;      /* the room's bare JID */
	char *name;     /* NULL: none */
	char *nick;     /* NULL: the account's nick */
	char *password; /* NULL: none */
	bool autojoin;
};

/* Where the server keeps an account's bookmarks. */
enum bookmark_store {
	BM_STORE_NONE,    /* not known yet (offline, or not fetched) */
	BM_STORE_PEP,     /* XEP-0402 items in PEP, notifications live */
	BM_STORE_PRIVATE, /* XEP-0048 in XEP-0049 private XML storage */
};

struct bookmarks {
	struct bookmark *items; /* sorted by jid */
	size_t n, cap;
	enum bookmark_store store;
	bool loaded;            /* the server's list came at least once */
};

void bookmark_clear(struct bookmark *b);
/* A deep copy of b. */
void bookmark_copy(struct bookmark *dst, const struct bookmark *src);
/* Whether a and b say the same (every field). */
bool bookmark_equal(const struct bookmark *a, const struct bookmark *b);
/* The name to show: the bookmark's name, else the room's local part;
 * the caller frees it. */
char *bookmark_label(const struct bookmark *b);

void bookmarks_init(struct bookmarks *l);
void bookmarks_clear(struct bookmarks *l);
struct bookmark *bookmarks_find(const struct bookmarks *l, const char *jid);
/* The first bookmark (in JID order) whose name is name, or NULL. */
struct bookmark *bookmarks_by_name(const struct bookmarks *l,
				   const char *name);
/* The one bookmark without a name whose room's local part (the label
 * the Rooms group shows for it) is label; NULL when none, or when two
 * rooms of different services share it. */
struct bookmark *bookmarks_by_label(const struct bookmarks *l,
				    const char *label);
/* The one bookmark whose name, or label when it has none, is s but for
 * case ("lounge" for "Lounge", as users type it): for when the exact
 * lookups found nothing. NULL when none is, or when two are. */
struct bookmark *bookmarks_by_name_nocase(const struct bookmarks *l,
					  const char *s);
/* The bookmark a name the user typed stands for: by its name exactly,
 * else (s no JID) by the label the Rooms group shows, else by either
 * but for case; NULL when none. */
struct bookmark *bookmarks_typed(const struct bookmarks *l, const char *s);
/* Adds *b or replaces the bookmark with its JID, taking b's strings and
 * zeroing *b; returns whether the list changed (false: an equal one was
 * there, and *b is freed). */
bool bookmarks_put(struct bookmarks *l, struct bookmark *b);
/* Removes jid; returns whether it was there. */
bool bookmarks_remove(struct bookmarks *l, const char *jid);

/* The model changes, each announced (core/event.h).
 * bookmarks_loaded: the server's whole list came (fetched at connect):
 * it replaces acc's (taking fresh's items, leaving fresh empty), store
 * is recorded, then EV_BOOKMARKS_LOADED.
 * bookmark_changed: one bookmark was added or changed (a notification,
 * or our publish was accepted): put as bookmarks_put() does (taking *b),
 * then EV_BOOKMARK_CHANGED when it changed anything.
 * bookmark_removed: jid is no longer bookmarked: EV_BOOKMARK_CHANGED
 * (removed) when it was.
 * bookmark_failed: the server refused to store (or remove) jid's
 * bookmark: EV_BOOKMARK_ERROR with its condition and words. */
void bookmarks_loaded(struct app *app, struct account *acc,
		      struct bookmarks *fresh, enum bookmark_store store);
void bookmark_changed(struct app *app, struct account *acc,
		      struct bookmark *b);
void bookmark_removed(struct app *app, struct account *acc,
		      const char *jid);
void bookmark_failed(struct app *app, struct account *acc, const char *jid,
		     bool removing, const char *cond, const char *text);

#endif
