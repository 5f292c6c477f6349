/* feedkeep: the feeds an account follows, remembered across restarts.
 *
 * /feed's subscription is kept on the pubsub service, but which nodes
 * the user follows in a window is natter's to remember: the file
 * $XDG_STATE_HOME/natter/ACCOUNT/feeds (beside the remembered endpoint,
 * core/endpoint.h) holds one feed a line, "SERVICE<TAB>NODE". A
 * subscription the service confirmed is added, /unfeed removes it, and
 * the account's first session of a run opens each again (xmpp/pubsub.c).
 * Lines that are not a JID, a tab and a node of printable text are
 * skipped on reading. The file is written whole to a temporary name and
 * renamed over the old one, so a crash leaves the old list or the new.
 */
#ifndef NATTER_CORE_FEEDKEEP_H
#define NATTER_CORE_FEEDKEEP_H

#include <stddef.h>

#define FEEDKEEP_NODE_MAX 1024 /* bytes of a node name remembered */
#define FEEDKEEP_MAX 200       /* feeds remembered per account */

struct feedkeep {
	char *service;
	char *node;
};

/* The file of account's feeds under state_dir; the caller frees it. */
char *feedkeep_path(const char *state_dir, const char *account);

/* The feeds in path, in the order they were added, into *v (the caller
 * frees it with feedkeep_free); returns how many (0 with *v NULL when
 * the file is missing or holds none). */
size_t feedkeep_load(const char *path, struct feedkeep **v);

/* Adds service/node to path's list (nothing to do when it is there).
 * Returns 0, or -EINVAL for a service that is not a JID or a node that
 * cannot be kept, -ENOSPC when FEEDKEEP_MAX are kept, or -errno. */
int feedkeep_add(const char *path, const char *service, const char *node);

/* Removes service/node from path's list (nothing to do when it is not
 * there; the file goes with the last one). Returns 0 or -errno. */
int feedkeep_remove(const char *path, const char *service,
		    const char *node);

void feedkeep_free(struct feedkeep **v, size_t n);

#endif
