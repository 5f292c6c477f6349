/* complete: Tab completion on the command line.
 *
 * The word before the cursor is completed from what the command table
 * says its position holds: command names for the first word of a
 * command, then accounts, commands or contacts (JIDs and roster names)
 * per the command's argument kind; in a conversation, plain words
 * complete to the peer's name. In a room window, plain words complete
 * to the occupants' nicks (ours excepted, case ignored): "al" at the
 * start of the line becomes "alice: ", elsewhere "alice "; commands
 * whose arguments are nicks (ARG_NICK), and contacts (ARG_CONTACT),
 * complete to nicks too, quoted when they hold a space. Repeated Tab
 * cycles through the matches in order; any other key ends the cycle.
 */
#ifndef NATTER_UI_COMPLETE_H
#define NATTER_UI_COMPLETE_H

#include <stddef.h>

struct app;
struct input;

struct completion {
	char **cands; /* sorted, unique */
	size_t n, cap, next;
	size_t start;  /* byte offset of the word being completed */
	int active;
	int suffixed;  /* the candidates carry their own separator */
};

/* Completes or cycles; returns the number of candidates (0: nothing). */
size_t complete_tab(struct app *app, struct completion *c, struct input *in);
void complete_reset(struct completion *c);

#endif
