/* keys: default bindings, parsing of key names, lookup (see keys.h). */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/keys.h"
#include "util/xmem.h"

struct action_name {
	enum key_action action;
	const char *name;
	const char *help;
};

static const struct action_name actions[] = {
	{ KA_SUBMIT, "submit", "send the line or run the command" },
	{ KA_NEWLINE, "newline", "start a new line in the same message" },
	{ KA_BACKSPACE, "backspace", "delete the character before the cursor" },
	{ KA_DELETE, "delete", "delete the character under the cursor" },
	{ KA_LEFT, "left", "move left a character" },
	{ KA_RIGHT, "right", "move right a character" },
	{ KA_HOME, "home", "go to the start of the line" },
	{ KA_END, "end", "go to the end of the line" },
	{ KA_WORD_LEFT, "word-left", "move left a word" },
	{ KA_WORD_RIGHT, "word-right", "move right a word" },
	{ KA_KILL_END, "kill-end", "cut to the end of the line" },
	{ KA_KILL_START, "kill-start", "cut to the start of the line" },
	{ KA_KILL_WORD, "kill-word", "cut the word before the cursor" },
	{ KA_YANK, "yank", "paste what was cut last" },
	{ KA_HIST_PREV, "history-prev", "the previous line of this window" },
	{ KA_HIST_NEXT, "history-next", "the next line of this window" },
	{ KA_SEARCH, "history-search", "search back through the history" },
	{ KA_COMPLETE, "complete", "complete the word (again: the next match)" },
	{ KA_SCROLL_UP, "scroll-up", "scroll the window up a page" },
	{ KA_SCROLL_DOWN, "scroll-down", "scroll the window down a page" },
	{ KA_REDRAW, "redraw", "redraw the screen" },
	{ KA_WIN_PREV, "window-prev", "go to the previous window" },
	{ KA_WIN_NEXT, "window-next", "go to the next window" },
	{ KA_WIN_UNREAD, "window-unread", "go to the next window with unread messages, highlights first" },
	{ KA_WIN_GOTO, "window-N", "go to window N (window-1, window-2, ...)" },
	{ KA_ROSTER_TOGGLE, "roster-toggle", "show or hide the roster pane" },
	{ KA_OCCUPANTS_TOGGLE, "occupants-toggle", "in a room: switch the pane between occupants and roster; elsewhere: roster-toggle" },
	{ KA_PANE_UP, "occupants-up", "scroll the occupants pane up a page" },
	{ KA_PANE_DOWN, "occupants-down", "scroll the occupants pane down a page" },
	{ KA_OFFLINE_TOGGLE, "offline-toggle", "show or hide offline contacts" },
	{ KA_QUIT_HINT, "quit-hint", "say how to leave natter" },
	{ KA_QUIT, "quit", "leave natter, like /quit" },
	{ KA_NONE, "none", "do nothing: unbinds the key" },
};

#define CTRL(c) ((c) & 0x1f)

static const struct binding defaults[] = {
	{ '\r', KA_SUBMIT, 0 },
	{ KEYS_FN | KEY_ENTER, KA_SUBMIT, 0 },
	{ KEYS_ALT | '\r', KA_NEWLINE, 0 },
	{ 127, KA_BACKSPACE, 0 },       { CTRL('H'), KA_BACKSPACE, 0 },
	{ KEYS_FN | KEY_BACKSPACE, KA_BACKSPACE, 0 },
	{ KEYS_FN | KEY_DC, KA_DELETE, 0 }, { CTRL('D'), KA_DELETE, 0 },
	{ KEYS_FN | KEY_LEFT, KA_LEFT, 0 }, { CTRL('B'), KA_LEFT, 0 },
	{ KEYS_FN | KEY_RIGHT, KA_RIGHT, 0 }, { CTRL('F'), KA_RIGHT, 0 },
	{ KEYS_FN | KEY_HOME, KA_HOME, 0 }, { CTRL('A'), KA_HOME, 0 },
	{ KEYS_FN | KEY_END, KA_END, 0 },   { CTRL('E'), KA_END, 0 },
	{ KEYS_ALT | 'b', KA_WORD_LEFT, 0 }, { KEYS_ALT | 'f', KA_WORD_RIGHT, 0 },
	{ CTRL('K'), KA_KILL_END, 0 },  { CTRL('U'), KA_KILL_START, 0 },
	{ CTRL('W'), KA_KILL_WORD, 0 }, { CTRL('Y'), KA_YANK, 0 },
	{ KEYS_FN | KEY_UP, KA_HIST_PREV, 0 },
	{ KEYS_FN | KEY_DOWN, KA_HIST_NEXT, 0 },
	{ CTRL('R'), KA_SEARCH, 0 },    { '\t', KA_COMPLETE, 0 },
	{ KEYS_FN | KEY_PPAGE, KA_SCROLL_UP, 0 },
	{ KEYS_FN | KEY_NPAGE, KA_SCROLL_DOWN, 0 },
	{ CTRL('L'), KA_REDRAW, 0 },
	{ KEYS_ALT | 'a', KA_WIN_UNREAD, 0 },
	{ KEYS_ALT | KEYS_FN | KEY_LEFT, KA_WIN_PREV, 0 },
	{ KEYS_ALT | KEYS_FN | KEY_RIGHT, KA_WIN_NEXT, 0 },
	{ KEYS_ALT | 'r', KA_OCCUPANTS_TOGGLE, 0 },
	{ KEYS_ALT | KEYS_FN | KEY_PPAGE, KA_PANE_UP, 0 },
	{ KEYS_ALT | KEYS_FN | KEY_NPAGE, KA_PANE_DOWN, 0 },
	{ KEYS_FN | KEY_F(2), KA_ROSTER_TOGGLE, 0 },
	{ KEYS_ALT | 'o', KA_OFFLINE_TOGGLE, 0 },
	{ CTRL('C'), KA_QUIT_HINT, 0 },
	{ KEYS_ALT | '1', KA_WIN_GOTO, 1 }, { KEYS_ALT | '2', KA_WIN_GOTO, 2 },
	{ KEYS_ALT | '3', KA_WIN_GOTO, 3 }, { KEYS_ALT | '4', KA_WIN_GOTO, 4 },
	{ KEYS_ALT | '5', KA_WIN_GOTO, 5 }, { KEYS_ALT | '6', KA_WIN_GOTO, 6 },
	{ KEYS_ALT | '7', KA_WIN_GOTO, 7 }, { KEYS_ALT | '8', KA_WIN_GOTO, 8 },
	{ KEYS_ALT | '9', KA_WIN_GOTO, 9 }, { KEYS_ALT | '0', KA_WIN_GOTO, 10 },
};

static void put(struct keymap *km, int key, enum key_action a, int arg)
{
	size_t i;

	for (i = 0; i < km->n; i++) {
		if (km->b[i].key == key) {
			km->b[i].action = a;
			km->b[i].arg = arg;
			return;
		}
	}
	xgrow((void **)&km->b, &km->cap, km->n + 1, sizeof *km->b);
	km->b[km->n].key = key;
	km->b[km->n].action = a;
	km->b[km->n].arg = arg;
	km->n++;
}

void keys_defaults(struct keymap *km)
{
	size_t i;

	memset(km, 0, sizeof *km);
	for (i = 0; i < sizeof defaults / sizeof *defaults; i++)
		put(km, defaults[i].key, defaults[i].action, defaults[i].arg);
}

void keys_clear(struct keymap *km)
{
	free(km->b);
	memset(km, 0, sizeof *km);
}

struct named_key {
	const char *name;
	int code;
};

static const struct named_key named[] = {
	{ "Up", KEY_UP },       { "Down", KEY_DOWN },   { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "Home", KEY_HOME },   { "End", KEY_END },
	{ "PageUp", KEY_PPAGE }, { "PageDown", KEY_NPAGE },
	{ "Delete", KEY_DC },   { "Insert", KEY_IC },
	{ "Backspace", KEY_BACKSPACE },
};

int keys_parse(const char *name)
{
	int alt = 0;
	size_t i;
	char *end;

	if (strncmp(name, "M-", 2) == 0 && name[2]) {
		alt = KEYS_ALT;
		name += 2;
	}
	if (strncmp(name, "C-", 2) == 0 && name[2] && !name[3]) {
		int c = name[2] | 0x20;

		if (c >= 'a' && c <= 'z')
			return alt | (c & 0x1f);
		return -1;
	}
	if (name[0] && !name[1] && (unsigned char)name[0] >= 0x20)
		return alt | (unsigned char)name[0];
	if (strcmp(name, "C-?") == 0)
		return alt | 127; /* what most terminals send for Backspace */
	if (strcasecmp(name, "KP-Enter") == 0)
		return alt | KEYS_FN | KEY_ENTER;
	if (strcasecmp(name, "Tab") == 0)
		return alt | '\t';
	if (strcasecmp(name, "Enter") == 0)
		return alt | '\r';
	if (strcasecmp(name, "Space") == 0)
		return alt | ' ';
	if ((name[0] == 'F' || name[0] == 'f') && name[1]) {
		long n = strtol(name + 1, &end, 10);

		if (*end == '\0' && n >= 1 && n <= 24)
			return alt | KEYS_FN | KEY_F((int)n);
	}
	for (i = 0; i < sizeof named / sizeof *named; i++)
		if (strcasecmp(name, named[i].name) == 0)
			return alt | KEYS_FN | named[i].code;
	return -1;
}

static int parse_action(const char *name, enum key_action *a, int *arg)
{
	size_t i;
	char *end;

	if (strncmp(name, "window-", 7) == 0 && name[7] >= '0' && name[7] <= '9') {
		long n = strtol(name + 7, &end, 10);

		if (*end || n < 1 || n > 99)
			return -1;
		*a = KA_WIN_GOTO;
		*arg = (int)n;
		return 0;
	}
	for (i = 0; i < sizeof actions / sizeof *actions; i++) {
		if (actions[i].action != KA_WIN_GOTO &&
		    strcmp(actions[i].name, name) == 0) {
			*a = actions[i].action;
			*arg = 0;
			return 0;
		}
	}
	return -1;
}

int keys_bind(struct keymap *km, const char *line, char **err)
{
	char key[64], action[64];
	enum key_action a;
	int k, arg;

	if (sscanf(line, "%63s %63s", key, action) != 2) {
		*err = xasprintf("bind \"%s\": expected \"KEY ACTION\"", line);
		return -1;
	}
	k = keys_parse(key);
	if (k < 0) {
		*err = xasprintf("bind \"%s\": unknown key %s (C-x, M-x, F1..F24, Up, PageUp, Tab, ...)",
				 line, key);
		return -1;
	}
	if (parse_action(action, &a, &arg) < 0) {
		*err = xasprintf("bind \"%s\": unknown action %s (natter --keys lists them)",
				 line, action);
		return -1;
	}
	put(km, k, a, arg);
	return 0;
}

enum key_action keys_lookup(const struct keymap *km, int key, int *arg)
{
	size_t i;

	for (i = 0; i < km->n; i++) {
		if (km->b[i].key == key) {
			*arg = km->b[i].arg;
			return km->b[i].action;
		}
	}
	return KA_NONE;
}

static void keys_name(int key, char *buf, size_t n)
{
	const char *alt = key & KEYS_ALT ? "M-" : "";
	int k = key & ~(KEYS_ALT | KEYS_FN);
	size_t i;

	if (key & KEYS_FN) {
		for (i = 0; i < sizeof named / sizeof *named; i++) {
			if (named[i].code == k) {
				snprintf(buf, n, "%s%s", alt, named[i].name);
				return;
			}
		}
		if (k >= KEY_F(1) && k <= KEY_F(24))
			snprintf(buf, n, "%sF%d", alt, k - KEY_F0);
		else if (k == KEY_ENTER)
			snprintf(buf, n, "%sKP-Enter", alt);
		else
			snprintf(buf, n, "%skey%d", alt, k);
	} else if (k == '\t') {
		snprintf(buf, n, "%sTab", alt);
	} else if (k == '\r' || k == '\n') {
		snprintf(buf, n, "%sEnter", alt);
	} else if (k == 127) {
		snprintf(buf, n, "%sC-?", alt);
	} else if (k < 0x20) {
		snprintf(buf, n, "%sC-%c", alt, k + 'a' - 1);
	} else {
		snprintf(buf, n, "%s%c", alt, k);
	}
}

void keys_print(const struct keymap *km, FILE *f)
{
	size_t i, j;
	char name[32];

	for (i = 0; i < sizeof actions / sizeof *actions; i++) {
		fprintf(f, "%-15s %-45s", actions[i].name, actions[i].help);
		for (j = 0; actions[i].action != KA_NONE && j < km->n; j++) {
			if (km->b[j].action != actions[i].action)
				continue;
			keys_name(km->b[j].key, name, sizeof name);
			if (actions[i].action == KA_WIN_GOTO)
				fprintf(f, " %s(%d)", name, km->b[j].arg);
			else
				fprintf(f, " %s", name);
		}
		fputc('\n', f);
	}
}
