/* theme: element colours from built-in defaults or a theme file (see
 * theme.h). A theme file is libconfuse syntax, one string per element:
 *   error = "red default bold"
 * naming the foreground, the background ("default" keeps the terminal's)
 * and any of bold, underline, reverse, dim. Colours are the eight names
 * or colorN for 256-colour terminals.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/paths.h"
#include "ui/theme.h"
#include "util/confuse.h"
#include "util/xmem.h"

struct elem_def {
	const char *name;
	const char *spec; /* the default theme */
	attr_t mono;      /* without colours */
};

static const struct elem_def elems[TH_COUNT] = {
	[TH_TEXT] = { "text", "default default", A_NORMAL },
	[TH_ERROR] = { "error", "red default bold", A_BOLD },
	[TH_OK] = { "ok", "green default", A_NORMAL },
	[TH_WARN] = { "warn", "yellow default", A_BOLD },
	[TH_INFO] = { "info", "cyan default", A_NORMAL },
	[TH_STATUS] = { "status", "white blue", A_REVERSE },
	[TH_TITLE] = { "title", "white blue", A_REVERSE },
	[TH_NICK_IN] = { "nick_in", "magenta default bold", A_BOLD },
	[TH_NICK_OUT] = { "nick_out", "blue default bold", A_BOLD },
	[TH_ONLINE] = { "online", "green default", A_BOLD },
	[TH_AWAY] = { "away", "yellow default", A_NORMAL },
	[TH_DND] = { "dnd", "red default", A_NORMAL },
	[TH_OFFLINE] = { "offline", "default default", A_DIM },
	[TH_GROUP] = { "group", "cyan default bold", A_BOLD },
	[TH_HIGHLIGHT] = { "highlight", "yellow default bold",
			   A_BOLD | A_UNDERLINE },
	[TH_STATUS_HIGHLIGHT] = { "status_highlight", "yellow blue bold",
				  A_REVERSE | A_BOLD | A_UNDERLINE },
	[TH_DEVICE] = { "device", "default default dim", A_DIM },
};

static const char *const color_names[] = { "black", "red", "green",
					    "yellow", "blue", "magenta",
					    "cyan", "white" };

static int parse_color(const char *s, short *out)
{
	size_t i;
	char *end;
	long n;

	if (strcasecmp(s, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (i = 0; i < 8; i++) {
		if (strcasecmp(s, color_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
	}
	if (strncasecmp(s, "color", 5) == 0) {
		n = strtol(s + 5, &end, 10);
		if (*end == '\0' && n >= 0 && n < 256) {
			/* on a smaller palette, fold onto the basic colours */
			*out = (short)(n < COLORS ? n : n % 8);
			return 0;
		}
	}
	return -1;
}

/* Parses "FG BG [ATTR...]" into pair number idx+1 and attributes. */
static int apply(struct theme *t, enum theme_elem e, const char *spec,
		 int colors, char **err)
{
	char buf[128], *tok, *save = NULL;
	short fg = -1, bg = -1;
	attr_t a = A_NORMAL;
	int n = 0;

	snprintf(buf, sizeof buf, "%s", spec);
	for (tok = strtok_r(buf, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save), n++) {
		if (n == 0 && parse_color(tok, &fg) == 0)
			continue;
		if (n == 1 && parse_color(tok, &bg) == 0)
			continue;
		if (strcasecmp(tok, "bold") == 0)
			a |= A_BOLD;
		else if (strcasecmp(tok, "underline") == 0)
			a |= A_UNDERLINE;
		else if (strcasecmp(tok, "reverse") == 0)
			a |= A_REVERSE;
		else if (strcasecmp(tok, "dim") == 0)
			a |= A_DIM;
		else {
			*err = xasprintf("theme element %s: \"%s\" is not a colour or attribute",
					 elems[e].name, tok);
			return -1;
		}
	}
	if (!colors) {
		t->attr[e] = elems[e].mono;
		return 0;
	}
	init_pair((short)(e + 1), fg, bg);
	t->attr[e] = COLOR_PAIR(e + 1) | a;
	return 0;
}

/* The theme file for name, or NULL; the caller frees it. */
static char *find_theme(const char *name)
{
	const char *dirs[3];
	char *user = paths_config_file(), *slash, *p;
	size_t i;

	slash = strrchr(user, '/');
	if (slash)
		*slash = '\0';
	dirs[0] = user;
	dirs[1] = getenv("NATTER_DATADIR");
	dirs[2] = PKGDATADIR;
	for (i = 0; i < 3; i++) {
		if (!dirs[i])
			continue;
		p = xasprintf("%s/themes/%s.theme", dirs[i], name);
		if (access(p, R_OK) == 0) {
			free(user);
			return p;
		}
		free(p);
	}
	free(user);
	return NULL;
}

static int load_file(struct theme *t, const char *path, int colors,
		     char **err)
{
	cfg_opt_t opts[TH_COUNT + 1];
	cfg_t *cfg;
	size_t i;
	int r = 0;

	for (i = 0; i < TH_COUNT; i++) {
		cfg_opt_t o = CFG_STR((char *)elems[i].name, (char *)elems[i].spec,
				      CFGF_NONE);
		opts[i] = o;
	}
	opts[TH_COUNT] = (cfg_opt_t)CFG_END();
	if (confuse_open(err) < 0)
		return -1;
	cfg = cfg_init(opts, CFGF_NONE);
	cfg_set_error_function(cfg, NULL);
	if (cfg_parse(cfg, path) != CFG_SUCCESS) {
		*err = xasprintf("%s: not a valid theme file", path);
		cfg_free(cfg);
		confuse_close();
		return -1;
	}
	for (i = 0; i < TH_COUNT && r == 0; i++)
		r = apply(t, (enum theme_elem)i, cfg_getstr(cfg, elems[i].name),
			  colors, err);
	cfg_free(cfg);
	confuse_close();
	return r;
}

int theme_load(struct theme *t, const char *name, char **err)
{
	int colors = has_colors();
	char *path;
	size_t i;
	int r;

	if (colors) {
		start_color();
		use_default_colors();
	}
	for (i = 0; i < TH_COUNT; i++)
		apply(t, (enum theme_elem)i, elems[i].spec, colors, err);
	if (!name || strcmp(name, "default") == 0)
		return 0;
	path = find_theme(name);
	if (!path) {
		*err = xasprintf("theme \"%s\" not found (looked for %s.theme in themes/ of the config and data directories)",
				 name, name);
		return -1;
	}
	r = load_file(t, path, colors, err);
	free(path);
	if (r < 0)
		for (i = 0; i < TH_COUNT; i++)
			apply(t, (enum theme_elem)i, elems[i].spec, colors, err);
	return r;
}

attr_t theme_attr(const struct theme *t, enum theme_elem e)
{
	return t->attr[e];
}
