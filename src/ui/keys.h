/* keys: key bindings, one table from key to action.
 *
 * A key is encoded as an int: a character (Ctrl-A is 1), or a curses key
 * code with KEYS_FN set, either with KEYS_ALT set for Alt (ESC prefix).
 * The defaults below can be replaced or extended in natterrc with
 * `bind = {"M-r roster-toggle", "C-x quit"}`; the action names are the
 * ones keys_print() lists.
 */
#ifndef NATTER_UI_KEYS_H
#define NATTER_UI_KEYS_H

#include <stdio.h>

#define KEYS_ALT (1 << 24)
#define KEYS_FN (1 << 25)

enum key_action {
	KA_NONE, KA_SUBMIT, KA_NEWLINE, KA_BACKSPACE, KA_DELETE, KA_LEFT,
	KA_RIGHT, KA_HOME, KA_END, KA_WORD_LEFT, KA_WORD_RIGHT, KA_KILL_END,
	KA_KILL_START, KA_KILL_WORD, KA_YANK, KA_HIST_PREV, KA_HIST_NEXT,
	KA_SEARCH, KA_COMPLETE, KA_SCROLL_UP, KA_SCROLL_DOWN, KA_REDRAW,
	KA_WIN_PREV, KA_WIN_NEXT, KA_WIN_UNREAD, KA_WIN_GOTO, KA_ROSTER_TOGGLE,
	KA_OFFLINE_TOGGLE, KA_QUIT_HINT, KA_QUIT, KA_OCCUPANTS_TOGGLE,
	KA_PANE_UP, KA_PANE_DOWN,
};

struct binding {
	int key;
	enum key_action action;
	int arg; /* KA_WIN_GOTO: the window number, from 1 */
};

struct keymap {
	struct binding *b;
	size_t n, cap;
};

/* Fills km with the default bindings. */
void keys_defaults(struct keymap *km);
void keys_clear(struct keymap *km);
/* Applies one "KEY ACTION" line; returns 0, or -1 with *err set (the
 * caller frees it). */
int keys_bind(struct keymap *km, const char *line, char **err);
/* The action bound to key, with its argument; KA_NONE when unbound. */
enum key_action keys_lookup(const struct keymap *km, int key, int *arg);
/* Parses "C-a", "C-?" (DEL), "M-x", "F2", "M-Left", "PageUp", "KP-Enter",
 * "a"; -1 if unknown. */
int keys_parse(const char *name);
/* Lists the actions and the current bindings (for --keys). */
void keys_print(const struct keymap *km, FILE *f);

#endif
