/* occupantpane: the side pane of a room window, listing its occupants.
 *
 * In a room window the pane shows the room's occupants instead of the
 * roster (Alt-R switches between the two): a first row with the total,
 * then one group per role, moderators, participants and visitors, each
 * headed by its name and count and listing its occupants by nickname,
 * each with its presence mark, its affiliation mark (~ owner, & admin,
 * + member) and "(you)" on our own row. The room model (core/room.h)
 * keeps its occupants sorted by nick, so the pane needs no sorting: the
 * rows for a given scroll offset and height are found by walking the
 * occupants once per group, and nothing proportional to the room is
 * allocated. opane_layout() is that walk, as plain data a test can read
 * without a terminal; opane_draw() draws what it gives.
 */
#ifndef NATTER_UI_OCCUPANTPANE_H
#define NATTER_UI_OCCUPANTPANE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/room.h"

struct app;
struct window;

enum opane_kind {
	OPANE_TOTAL,    /* the first row: count = occupants in the room */
	OPANE_GROUP,    /* a role's heading: role, count */
	OPANE_OCCUPANT, /* occ; self when it is us */
	OPANE_MORE,     /* the last row, when more follow: count = how many
			 * occupants are below the pane */
};

struct opane_row {
	enum opane_kind kind;
	enum room_role role; /* OPANE_GROUP: the group's role */
	size_t count;
	const struct occupant *occ; /* OPANE_OCCUPANT: borrowed */
	bool self;
};

/* How many rows the scrolled list has: a heading per role that has
 * occupants, and one row per occupant (the total row is not counted). */
size_t opane_list_rows(const struct room *r);
/* Fills rows[0 .. height) with what a pane of height rows shows when
 * its list is scrolled by offset rows (clamped so the list's end stays
 * at the bottom): the total row, then the list from offset; when
 * occupants remain below, the last row says how many. Returns the
 * number of rows filled. rows borrow from r. */
size_t opane_layout(const struct room *r, size_t offset, size_t height,
		    struct opane_row *rows);
/* The largest useful offset for a pane of height rows. */
size_t opane_max_offset(const struct room *r, size_t height);
/* The group heading of a role: "Moderators", "Participants",
 * "Visitors". */
const char *opane_group_name(enum room_role role);
/* The affiliation mark: "~" owner, "&" admin, "+" member, " " none
 * (and outcast, who cannot be in the room). */
const char *opane_affil_mark(enum room_affil a);

/* Draws the occupants of room window w into the pane's area. */
void opane_draw(struct app *app, struct window *w, int top, int left,
		int height);

#endif
