/* input: the command line's editing model, free of curses.
 *
 * The buffer is UTF-8; the cursor is a byte offset that always sits on a
 * character boundary. A per-line history is kept oldest first; browsing
 * it keeps the line being typed so Down gets it back. Tests drive this
 * model directly.
 */
#ifndef NATTER_UI_INPUT_H
#define NATTER_UI_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input {
	char *buf;
	size_t len, cap, cursor;
	char *yank; /* last killed text */
	char **hist;
	size_t nhist, caphist, hpos; /* hpos == nhist: not browsing */
	char *saved;                 /* the line being typed while browsing */
	/* Ctrl-R: incremental search back through the history */
	int searching;
	char *query;
	size_t spos; /* history index of the match shown; nhist: none */
	char *before_search;
};

void input_init(struct input *in);
void input_clear(struct input *in);
void input_insert(struct input *in, uint32_t cp);
void input_insert_str(struct input *in, const char *s);
/* The line becomes s, the cursor at its end (the history is kept). */
void input_set_text(struct input *in, const char *s);
void input_backspace(struct input *in);
void input_delete(struct input *in);
void input_left(struct input *in);
void input_right(struct input *in);
void input_home(struct input *in);
void input_end(struct input *in);
void input_word_left(struct input *in);
void input_word_right(struct input *in);
void input_kill_end(struct input *in);   /* Ctrl-K */
void input_kill_start(struct input *in); /* Ctrl-U */
void input_kill_word(struct input *in);  /* Ctrl-W */
void input_yank(struct input *in);       /* Ctrl-Y */
void input_hist_prev(struct input *in);
void input_hist_next(struct input *in);
/* Exchanges the history with the arrays given (another window's), and
 * stops browsing. */
void input_hist_swap(struct input *in, char ***hist, size_t *n, size_t *cap);
/* Ctrl-R: starts a search, or finds the next older match. */
void input_search(struct input *in);
/* Adds to / removes from the search text and shows the newest match. */
void input_search_insert(struct input *in, uint32_t cp);
void input_search_backspace(struct input *in);
/* Ends the search keeping the match (accept) or the line as it was. */
void input_search_end(struct input *in, int accept);
/* Returns the line (the caller frees it), records it in the history and
 * empties the buffer. */
char *input_take(struct input *in);

#endif
