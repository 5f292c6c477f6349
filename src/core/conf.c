/* conf: natterrc parsing and checking with libconfuse (see conf.h).
 *
 * Errors from libconfuse come through errfunc(), which prefixes the file
 * and line so a user sees "natterrc:12: ..." rather than a bare complaint.
 * Checks that need the whole file (a password in a file others can read
 * or change, password_eval in a file others can change or that is not
 * ours) run after the parse, on what fstat said of the file we read.
 */
#include "config.h"

#include <confuse.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/conf.h"
#include "util/jid.h"
#include "util/xmem.h"

static const char *const tls_names[] = { "required", "direct", "trust",
					  "disable" };

const char *conf_tls_name(enum tls_mode m)
{
	return tls_names[m];
}

static int parse_tls(const char *s, enum tls_mode *out)
{
	size_t i;

	for (i = 0; i < sizeof tls_names / sizeof *tls_names; i++) {
		if (strcmp(s, tls_names[i]) == 0) {
			*out = (enum tls_mode)i;
			return 0;
		}
	}
	return -1;
}

static const char *const strangers_names[] = { "window", "open", "drop" };
static const char *const courtesy_names[] = { "roster", "all", "none" };

const char *conf_strangers_name(enum strangers_mode m)
{
	return strangers_names[m];
}

const char *conf_courtesy_name(enum courtesy c)
{
	return courtesy_names[c];
}

/* The index of s in names[n], or -1. */
static int choice_of(const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static int validate_choice(cfg_t *cfg, cfg_opt_t *opt,
			   const char *const *names, size_t n)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	char *list = NULL;
	size_t i;

	if (choice_of(v, names, n) >= 0)
		return 0;
	for (i = 0; i < n; i++) {
		char *t = xasprintf("%s%s%s", list ? list : "",
				    i == 0 ? "" : i + 1 == n ? " or " : ", ",
				    names[i]);

		free(list);
		list = t;
	}
	cfg_error(cfg, "%s must be %s (got \"%s\")", cfg_opt_name(opt), list,
		  v);
	free(list);
	return -1;
}

static int validate_strangers(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_choice(cfg, opt, strangers_names,
			       sizeof strangers_names / sizeof *strangers_names);
}

static int validate_courtesy(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_choice(cfg, opt, courtesy_names,
			       sizeof courtesy_names / sizeof *courtesy_names);
}

static int validate_tls(cfg_t *cfg, cfg_opt_t *opt)
{
	enum tls_mode m;
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (parse_tls(v, &m) < 0) {
		cfg_error(cfg,
			  "tls must be one of required, direct, trust, disable (got \"%s\")",
			  v);
		return -1;
	}
	return 0;
}

static int validate_jid(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	struct jid j;

	if (jid_parse(v, &j) < 0 || !j.local) {
		if (j.domain)
			jid_clear(&j);
		cfg_error(cfg, "jid \"%s\" is not of the form user@domain", v);
		return -1;
	}
	jid_clear(&j);
	return 0;
}

/* Integer options and the values they accept. */
struct int_range {
	const char *name;
	long min, max;
	const char *note; /* appended to the message */
};

static const struct int_range ranges[] = {
	{ "port", 0, 65535, " (0: the usual port)" },
	{ "priority", -128, 127, "" },
	{ "reconnect_max", 1, 86400, " seconds" },
	{ "roster_width", 10, 80, " columns" },
	{ "autoaway", 0, 24 * 60, " minutes (0: never)" },
	{ "keepalive", 0, 3600, " seconds (0: off)" },
	{ "keepalive_timeout", 1, 600, " seconds" },
	{ "password_eval_timeout", 1, 600, " seconds" },
	{ "strangers_rate", 1, 100000, " messages a minute" },
};

static int validate_range(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);
	size_t i;

	for (i = 0; i < sizeof ranges / sizeof *ranges; i++) {
		const struct int_range *r = &ranges[i];

		if (strcmp(r->name, cfg_opt_name(opt)) != 0)
			continue;
		if (v >= r->min && v <= r->max)
			return 0;
		cfg_error(cfg, "%s must be between %ld and %ld%s (got %ld)",
			  r->name, r->min, r->max, r->note, v);
		return -1;
	}
	return 0;
}

/* The timestamp is drawn from a fixed buffer: the format must produce
 * something, and something short. */
static int validate_time_format(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	char buf[TIME_FORMAT_MAX];
	/* every day of 2024 (a leap year) at midnight and noon meets every
	 * month and weekday name and both halves of the day */
	time_t t = 1704067200;
	struct tm tm;
	int i;

	for (i = 0; i < 366 * 2; i++, t += 12 * 3600) {
		gmtime_r(&t, &tm);
		if (strftime(buf, sizeof buf, v, &tm) == 0)
			break;
	}
	if (i < 366 * 2) {
		cfg_error(cfg,
			  "time_format \"%s\" gives an empty or over-long time (at most %d bytes)",
			  v, TIME_FORMAT_MAX - 1);
		return -1;
	}
	return 0;
}

static int validate_roster_side(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (strcmp(v, "left") != 0 && strcmp(v, "right") != 0) {
		cfg_error(cfg, "roster_side must be left or right (got \"%s\")", v);
		return -1;
	}
	return 0;
}

static int validate_gateway_contacts(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (strcmp(v, "ask") != 0 && strcmp(v, "accept") != 0) {
		cfg_error(cfg, "gateway_contacts must be ask or accept (got \"%s\")",
			  v);
		return -1;
	}
	return 0;
}

static int validate_account(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);

	if (!cfg_getstr(sec, "jid")) {
		cfg_error(cfg, "account \"%s\" has no jid", cfg_title(sec));
		return -1;
	}
	if (cfg_getstr(sec, "password") && cfg_getstr(sec, "password_eval")) {
		cfg_error(cfg,
			  "account \"%s\": set password or password_eval, not both",
			  cfg_title(sec));
		return -1;
	}
	return 0;
}

/* One row per option: libconfuse's definition, its check and its help.
 * The help strings are what `natter --options` prints. */
struct opt_doc {
	const char *section; /* NULL: top level */
	const char *name;
	const char *help;
};

static const struct opt_doc opt_docs[] = {
	{ "account", "jid", "your address, user@domain (required)" },
	{ "account", "password", "the password (the file must then be mode 0600)" },
	{ "account", "password_eval",
	  "shell command whose first output line is the password (the file "
	  "must then be yours and writable by you alone)" },
	{ "account", "server", "host to connect to (default: the JID's domain)" },
	{ "account", "port", "port (default 5222, or 5223 with tls = \"direct\")" },
	{ "account", "resource", "resource to bind (default \"natter\")" },
	{ "account", "priority", "presence priority, -128..127 (default 0)" },
	{ "account", "tls",
	  "required (STARTTLS, verified or pinned) | direct (XEP-0368) | trust (encrypt, no check) | disable" },
	{ "account", "autoconnect", "connect at start (default true)" },
	{ "account", "gateway_contacts",
	  "contacts a registered gateway introduces: ask (once per batch) | accept (default \"ask\")" },
	{ "account", "strangers",
	  "messages from JIDs not in the roster: window (one \"strangers\" window; /query JID opens one) | open (a window each) | drop (default \"window\")" },
	{ "account", "strangers_rate",
	  "stranger messages kept a minute per domain; more are dropped with one notice (default 20)" },
	{ "account", "courtesy",
	  "who gets version and time answers: roster (your contacts and your server) | all | none (default \"roster\")" },
	{ NULL, "debug", "write the debug log (default false)" },
	{ NULL, "debug_log",
	  "debug log path (default $XDG_STATE_HOME/natter/debug.log)" },
	{ NULL, "time_format", "strftime format of timestamps (default \"%H:%M\")" },
	{ NULL, "reconnect_max",
	  "longest wait between reconnect attempts, seconds (default 300)" },
	{ NULL, "chat_states",
	  "tell contacts when you are typing (XEP-0085; default true)" },
	{ NULL, "roster_width", "columns of the roster pane, 10..80 (default 24)" },
	{ NULL, "roster_visible", "show the roster pane at start (default true)" },
	{ NULL, "roster_side", "left or right of the chat (default \"left\")" },
	{ NULL, "autoaway",
	  "minutes without a key press before you are shown away; 0: never (default 15)" },
	{ NULL, "theme",
	  "colour theme: NAME.theme from $XDG_CONFIG_HOME/natter/themes or the installed themes" },
	{ NULL, "bind",
	  "list of \"KEY ACTION\" key bindings, e.g. {\"M-r roster-toggle\"} (natter --keys)" },
	{ NULL, "autoaway_message",
	  "status message while auto-away (default \"idle\")" },
	{ NULL, "keepalive",
	  "seconds between pings to the server that notice a dead connection; 0: off (default 60)" },
	{ NULL, "keepalive_timeout",
	  "seconds a keepalive ping may wait for its answer before reconnecting (default 30)" },
	{ NULL, "password_eval_timeout",
	  "seconds password_eval may run before it is stopped (default 30)" },
};

void conf_print_options(FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof opt_docs / sizeof *opt_docs; i++) {
		char *name = opt_docs[i].section ?
				     xasprintf("%s.%s", opt_docs[i].section,
					       opt_docs[i].name) :
				     xstrdup(opt_docs[i].name);

		fprintf(f, "%-22s %s\n", name, opt_docs[i].help);
		free(name);
	}
}

/* libconfuse reports errors through a callback without user data; these
 * hold the file being parsed and the first error, for one parse at a
 * time. */
static const char *error_path;
static char *error_buf;

static void errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	char *msg;

	if (error_buf)
		return; /* keep the first error: later ones are fallout */
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	if (cfg && cfg->line)
		error_buf = xasprintf("%s:%d: %s", error_path, cfg->line, msg);
	else
		error_buf = xasprintf("%s: %s", error_path, msg);
	free(msg);
}

/* Blanks out comments (keeping newlines, so line numbers stay right) and
 * checks that braces balance; libconfuse 3.3 does neither reliably: it
 * miscounts lines after '#' comments and accepts a section left open at
 * the end of the file. Returns 0, or the line of an unclosed '{' (or of
 * a stray '}') as a negative number. */
static int prescan(char *t)
{
	int line = 1, depth = 0, open_line[64] = { 0 };

	for (; *t; t++) {
		if (*t == '\n') {
			line++;
		} else if (*t == '"' || *t == '\'') {
			char q = *t;

			for (t++; *t && *t != q; t++) {
				if (*t == '\\' && q == '"' && t[1])
					t++;
				if (*t == '\n')
					line++;
			}
			if (!*t)
				return -line;
		} else if (*t == '#' || (*t == '/' && t[1] == '/')) {
			while (*t && *t != '\n')
				*t++ = ' ';
			t--;
		} else if (*t == '/' && t[1] == '*') {
			for (; *t && !(*t == '*' && t[1] == '/'); t++)
				if (*t != '\n')
					*t = ' ';
				else
					line++;
			if (!*t)
				return -line;
			t[0] = t[1] = ' ';
			t++;
		} else if (*t == '{') {
			if (depth < 64)
				open_line[depth] = line;
			depth++;
		} else if (*t == '}') {
			if (--depth < 0)
				return -line;
		}
	}
	if (depth > 0)
		return -open_line[depth - 1 < 64 ? depth - 1 : 63];
	return 0;
}

/* Reads the whole file, filling *st from the file it opened (not from
 * the path, which could change in between); returns it (the caller
 * frees it) or NULL with errno set. */
static char *slurp(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
	    !(f = fdopen(fd, "r"))) {
		/* a directory or a FIFO is no natterrc */
		int e = fstat(fd, st) == 0 && !S_ISREG(st->st_mode) ? EINVAL :
								      errno;

		close(fd);
		errno = e;
		return NULL;
	}
	do {
		xgrow((void **)&buf, &cap, len + 4096, 1);
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static cfg_t *config_schema(void)
{
	static cfg_opt_t account_opts[] = {
		CFG_STR("jid", NULL, CFGF_NODEFAULT),
		CFG_STR("password", NULL, CFGF_NODEFAULT),
		CFG_STR("password_eval", NULL, CFGF_NODEFAULT),
		CFG_STR("server", NULL, CFGF_NODEFAULT),
		CFG_INT("port", 0, CFGF_NONE),
		CFG_STR("resource", "natter", CFGF_NONE),
		CFG_INT("priority", 0, CFGF_NONE),
		CFG_STR("tls", "required", CFGF_NONE),
		CFG_BOOL("autoconnect", cfg_true, CFGF_NONE),
		CFG_STR("gateway_contacts", "ask", CFGF_NONE),
		CFG_STR("strangers", "window", CFGF_NONE),
		CFG_INT("strangers_rate", STRANGERS_RATE_DEFAULT, CFGF_NONE),
		CFG_STR("courtesy", "roster", CFGF_NONE),
		CFG_END()
	};
	static cfg_opt_t opts[] = {
		CFG_SEC("account", account_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_BOOL("debug", cfg_false, CFGF_NONE),
		CFG_STR("debug_log", NULL, CFGF_NODEFAULT),
		CFG_STR("time_format", "%H:%M", CFGF_NONE),
		CFG_INT("reconnect_max", 300, CFGF_NONE),
		CFG_BOOL("chat_states", cfg_true, CFGF_NONE),
		CFG_INT("roster_width", 24, CFGF_NONE),
		CFG_BOOL("roster_visible", cfg_true, CFGF_NONE),
		CFG_STR("roster_side", "left", CFGF_NONE),
		CFG_INT("autoaway", 15, CFGF_NONE),
		CFG_STR("autoaway_message", "idle", CFGF_NONE),
		CFG_STR_LIST("bind", NULL, CFGF_NODEFAULT),
		CFG_STR("theme", NULL, CFGF_NODEFAULT),
		CFG_INT("keepalive", 60, CFGF_NONE),
		CFG_INT("keepalive_timeout", 30, CFGF_NONE),
		CFG_INT("password_eval_timeout", 30, CFGF_NONE),
		CFG_END()
	};
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);

	cfg_set_error_function(cfg, errfunc);
	cfg_set_validate_func(cfg, "account|tls", validate_tls);
	cfg_set_validate_func(cfg, "account|jid", validate_jid);
	cfg_set_validate_func(cfg, "account|port", validate_range);
	cfg_set_validate_func(cfg, "account|priority", validate_range);
	cfg_set_validate_func(cfg, "account", validate_account);
	cfg_set_validate_func(cfg, "reconnect_max", validate_range);
	cfg_set_validate_func(cfg, "time_format", validate_time_format);
	cfg_set_validate_func(cfg, "roster_width", validate_range);
	cfg_set_validate_func(cfg, "autoaway", validate_range);
	cfg_set_validate_func(cfg, "roster_side", validate_roster_side);
	cfg_set_validate_func(cfg, "account|gateway_contacts",
			      validate_gateway_contacts);
	cfg_set_validate_func(cfg, "keepalive", validate_range);
	cfg_set_validate_func(cfg, "keepalive_timeout", validate_range);
	cfg_set_validate_func(cfg, "password_eval_timeout", validate_range);
	cfg_set_validate_func(cfg, "account|strangers", validate_strangers);
	cfg_set_validate_func(cfg, "account|strangers_rate", validate_range);
	cfg_set_validate_func(cfg, "account|courtesy", validate_courtesy);
	return cfg;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void read_account(cfg_t *sec, struct account_conf *a)
{
	a->name = xstrdup(cfg_title(sec));
	a->jid = xstrdup(cfg_getstr(sec, "jid"));
	a->password = dup_or_null(cfg_getstr(sec, "password"));
	a->password_eval = dup_or_null(cfg_getstr(sec, "password_eval"));
	a->server = dup_or_null(cfg_getstr(sec, "server"));
	a->port = (int)cfg_getint(sec, "port");
	a->resource = xstrdup(cfg_getstr(sec, "resource"));
	a->priority = (int)cfg_getint(sec, "priority");
	parse_tls(cfg_getstr(sec, "tls"), &a->tls); /* validated already */
	a->autoconnect = cfg_getbool(sec, "autoconnect");
	a->gateway_accept =
		strcmp(cfg_getstr(sec, "gateway_contacts"), "accept") == 0;
	/* validated already */
	a->strangers = (enum strangers_mode)choice_of(
		cfg_getstr(sec, "strangers"), strangers_names,
		sizeof strangers_names / sizeof *strangers_names);
	a->strangers_rate = (int)cfg_getint(sec, "strangers_rate");
	a->courtesy = (enum courtesy)choice_of(
		cfg_getstr(sec, "courtesy"), courtesy_names,
		sizeof courtesy_names / sizeof *courtesy_names);
}

/* A password in a file others can read is refused outright: better a
 * clear stop than a secret quietly exposed. A file holding a password or
 * a password_eval command must also be ours and writable by us alone:
 * whoever can change it can run commands as us, or point the account at
 * their own server. */
static int check_mode(const struct config *c, const struct stat *st,
		      char **err)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++) {
		const struct account_conf *a = &c->accounts[i];
		const char *what = a->password ? "a password" : "password_eval";

		if (!a->password && !a->password_eval)
			continue;
		if (st->st_uid != geteuid()) {
			*err = xasprintf(
				"%s holds %s but belongs to another user (uid %u); "
				"natter only reads such a file if it is yours",
				c->path, what, (unsigned)st->st_uid);
			return -1;
		}
		if (st->st_mode & (S_IWGRP | S_IWOTH)) {
			*err = xasprintf(
				"%s holds %s but other users can change it (mode %04o); "
				"fix it with: chmod %s %s",
				c->path, what, (unsigned)(st->st_mode & 07777),
				a->password ? "600" : "go-w", c->path);
			return -1;
		}
		if (a->password && (st->st_mode & (S_IRWXG | S_IRWXO))) {
			*err = xasprintf(
				"%s holds a password but other users can access it (mode %04o); "
				"fix it with: chmod 600 %s",
				c->path, (unsigned)(st->st_mode & 07777), c->path);
			return -1;
		}
	}
	return 0;
}

static void set_defaults(struct config *c)
{
	c->time_format = xstrdup("%H:%M");
	c->reconnect_max = 300;
	c->chat_states = true;
	c->roster_width = 24;
	c->roster_visible = true;
	c->autoaway = 15;
	c->autoaway_message = xstrdup("idle");
	c->keepalive = 60;
	c->keepalive_timeout = 30;
	c->password_eval_timeout = 30;
}

int conf_load(const char *path, bool must_exist, struct config *out,
		char **err)
{
	struct stat st;
	char *text;
	cfg_t *cfg;
	size_t i;
	int r;

	memset(out, 0, sizeof *out);
	*err = NULL;
	text = slurp(path, &st);
	if (!text) {
		if (errno == ENOENT && !must_exist) {
			out->path = xstrdup(path);
			set_defaults(out);
			return 0;
		}
		*err = xasprintf("%s: %s", path,
				 errno == EINVAL ? "not a regular file" :
						   strerror(errno));
		return -1;
	}
	r = prescan(text);
	if (r < 0) {
		*err = xasprintf("%s:%d: unbalanced brace or unclosed quote or comment here",
				 path, -r);
		free(text);
		return -1;
	}
	cfg = config_schema();
	error_path = path;
	error_buf = NULL;
	r = cfg_parse_buf(cfg, text);
	free(text);
	if (r != CFG_SUCCESS) {
		*err = error_buf ? error_buf :
				   xasprintf("%s: cannot parse the file", path);
		error_buf = NULL;
		cfg_free(cfg);
		return -1;
	}
	out->path = xstrdup(path);
	out->naccounts = cfg_size(cfg, "account");
	out->accounts = xcalloc(out->naccounts, sizeof *out->accounts);
	for (i = 0; i < out->naccounts; i++)
		read_account(cfg_getnsec(cfg, "account", (unsigned)i),
			     &out->accounts[i]);
	out->debug = cfg_getbool(cfg, "debug");
	out->debug_log = dup_or_null(cfg_getstr(cfg, "debug_log"));
	out->time_format = xstrdup(cfg_getstr(cfg, "time_format"));
	out->reconnect_max = (int)cfg_getint(cfg, "reconnect_max");
	out->chat_states = cfg_getbool(cfg, "chat_states");
	out->roster_width = (int)cfg_getint(cfg, "roster_width");
	out->roster_visible = cfg_getbool(cfg, "roster_visible");
	out->roster_right = strcmp(cfg_getstr(cfg, "roster_side"), "right") == 0;
	out->autoaway = (int)cfg_getint(cfg, "autoaway");
	out->autoaway_message = xstrdup(cfg_getstr(cfg, "autoaway_message"));
	out->theme = dup_or_null(cfg_getstr(cfg, "theme"));
	out->nbinds = cfg_size(cfg, "bind");
	out->binds = xcalloc(out->nbinds ? out->nbinds : 1, sizeof *out->binds);
	for (i = 0; i < out->nbinds; i++)
		out->binds[i] = xstrdup(cfg_getnstr(cfg, "bind", (unsigned)i));
	out->keepalive = (int)cfg_getint(cfg, "keepalive");
	out->keepalive_timeout = (int)cfg_getint(cfg, "keepalive_timeout");
	out->password_eval_timeout =
		(int)cfg_getint(cfg, "password_eval_timeout");
	cfg_free(cfg);
	if (check_mode(out, &st, err) < 0) {
		conf_clear(out);
		return -1;
	}
	return 0;
}

static void account_conf_clear(struct account_conf *a)
{
	free(a->name);
	free(a->jid);
	if (a->password)
		explicit_bzero(a->password, strlen(a->password));
	free(a->password);
	free(a->password_eval);
	free(a->server);
	free(a->resource);
	memset(a, 0, sizeof *a);
}

int conf_keep_account(struct config *c, const char *name)
{
	struct account_conf *keep = conf_account(c, name), tmp;
	size_t i;

	if (!keep)
		return -1;
	tmp = *keep;
	memset(keep, 0, sizeof *keep);
	for (i = 0; i < c->naccounts; i++)
		account_conf_clear(&c->accounts[i]);
	c->accounts[0] = tmp;
	c->naccounts = 1;
	return 0;
}

void conf_clear(struct config *c)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++)
		account_conf_clear(&c->accounts[i]);
	free(c->accounts);
	free(c->path);
	free(c->debug_log);
	free(c->time_format);
	free(c->autoaway_message);
	free(c->theme);
	for (i = 0; i < c->nbinds; i++)
		free(c->binds[i]);
	free(c->binds);
	memset(c, 0, sizeof *c);
}

struct account_conf *conf_account(struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0)
			return &c->accounts[i];
	return NULL;
}
