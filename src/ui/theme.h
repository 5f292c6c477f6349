/* theme: the colours and attributes of each element of the screen.
 *
 * Each element has a colour pair and attributes; the built-in default is
 * the "default" theme, and natterrc's `theme = "NAME"` loads NAME.theme
 * from $XDG_CONFIG_HOME/natter/themes/ or the installed share/themes/.
 * On a terminal without colours every element falls back to plain
 * attributes (bold, reverse, dim), so monochrome stays readable.
 */
#ifndef NATTER_UI_THEME_H
#define NATTER_UI_THEME_H

#include <curses.h>

enum theme_elem {
	TH_TEXT, TH_ERROR, TH_OK, TH_WARN, TH_INFO, TH_STATUS, TH_TITLE,
	TH_NICK_IN, TH_NICK_OUT, TH_ONLINE, TH_AWAY, TH_DND, TH_OFFLINE,
	TH_GROUP,
	TH_HIGHLIGHT,        /* a line that names the user (core/attention.h) */
	TH_STATUS_HIGHLIGHT, /* a window that rang, in the status bar */
	TH_DEVICE,           /* "[phone]": the user's other client a line
			      * came from or went to (carbons) */
	TH_COUNT
};

struct theme {
	attr_t attr[TH_COUNT];
};

/* Sets up colours and loads theme `name` (NULL or "default": built in).
 * Returns 0, or -1 with *err set (the caller frees it); on error the
 * built-in theme is in effect. */
int theme_load(struct theme *t, const char *name, char **err);
attr_t theme_attr(const struct theme *t, enum theme_elem e);

#endif
