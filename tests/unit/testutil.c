/* testutil: fixture code shared by the cmocka unit tests (see
 * testutil.h). Built once, as tests/unit/libtestutil.a, which every unit
 * test links. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <curses.h>
#include <sqlite3.h>

#include "testutil.h"
#include "core/loop.h"
#include "xmpp/xs.h"

char *tu_strdup(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

char *tu_tmpdir(const char *tag)
{
	char *dir;

	if (asprintf(&dir, "/tmp/natter-test-%s-XXXXXX", tag) < 0) {
		fprintf(stderr, "tu_tmpdir: out of memory\n");
		return NULL;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "cannot make %s: %s\n", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* nftw passes no user data: the walk's failures are counted here. */
static int rm_failures;

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	if (remove(path) != 0 && errno != ENOENT) {
		fprintf(stderr, "cannot remove %s: %s\n", path, strerror(errno));
		rm_failures++;
	}
	return 0;
}

int tu_rmtree(const char *dir)
{
	if (!dir)
		return 0;
	rm_failures = 0;
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "cannot walk %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return rm_failures ? -1 : 0;
}

int tu_dir_setup(void **state, const char *tag, const char *name)
{
	struct tu_dir *d = calloc(1, sizeof *d);

	if (!d || !(d->dir = tu_tmpdir(tag)))
		goto fail;
	if (asprintf(&d->path, "%s/%s", d->dir, name) < 0) {
		d->path = NULL;
		tu_rmtree(d->dir);
		goto fail;
	}
	*state = d;
	return 0;
fail:
	if (d)
		free(d->dir);
	free(d);
	return -1;
}

int tu_dir_teardown(void **state)
{
	struct tu_dir *d = *state;

	tu_rmtree(d->dir);
	free(d->dir);
	free(d->path);
	free(d);
	return 0;
}

void tu_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

char *tu_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	assert_non_null(f);
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	assert_false(ferror(f));
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int tu_app_init(struct app *app, const char *dir, const char *account,
		const char *jid)
{
	struct config cfg;
	struct account_conf *a;

	setenv("XDG_DATA_HOME", dir, 1);
	setenv("XDG_STATE_HOME", dir, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);

	/* what conf_load gives for a natterrc with just this account */
	memset(&cfg, 0, sizeof cfg);
	cfg.time_format = tu_strdup("%H:%M");
	cfg.reconnect_max = 300;
	cfg.chat_states = true;
	cfg.send_markers = true;
	cfg.roster_width = 24;
	cfg.roster_visible = true;
	cfg.autoaway = 15;
	cfg.autoaway_message = tu_strdup("idle");
	cfg.accounts = calloc(1, sizeof *cfg.accounts);
	assert_non_null(cfg.accounts);
	cfg.naccounts = 1;
	a = &cfg.accounts[0];
	a->name = tu_strdup(account);
	a->jid = tu_strdup(jid);
	a->resource = tu_strdup("natter");
	a->tls = TLS_REQUIRED;
	a->autoconnect = true;
	a->strangers_rate = STRANGERS_RATE_DEFAULT;
	app_init(app, &cfg);
	return app->naccounts == 1 ? 0 : -1;
}

int tu_app_setup(struct app *app, char **dir, const char *tag,
		 const char *account, const char *jid)
{
	memset(app, 0, sizeof *app);
	*dir = tu_tmpdir(tag);
	if (!*dir)
		return -1;
	if (tu_app_init(app, *dir, account, jid) < 0) {
		tu_app_free(app, *dir);
		*dir = NULL;
		return -1;
	}
	return 0;
}

int tu_app_free(struct app *app, char *dir)
{
	int r;

	app_free(app);
	r = tu_rmtree(dir);
	free(dir);
	return r;
}

char *tu_history_open(struct history **h, char **path, const char *tag)
{
	char *dir = tu_tmpdir(tag), *err = NULL;

	assert_non_null(dir);
	assert_true(asprintf(path, "%s/history.db", dir) > 0);
	if (history_open(h, *path, &err) < 0)
		fail_msg("cannot open %s: %s", *path, err);
	return dir;
}

void tu_history_close(struct history **h, char *dir, char *path)
{
	history_close(h);
	assert_int_equal(tu_rmtree(dir), 0);
	free(dir);
	free(path);
}

int tu_app_open(struct app *app, char **dir, const char *tag, bool history)
{
	if (tu_app_setup(app, dir, tag, "home", "romeo@example.net") < 0)
		return -1;
	if (!history)
		return 0;
	app_open_history(app);
	if (!app->accounts[0]->history || !app->accounts[0]->outbox) {
		fprintf(stderr, "tu_app_open: no history in %s\n", *dir);
		tu_app_free(app, *dir);
		memset(app, 0, sizeof *app);
		*dir = NULL;
		return -1;
	}
	return 0;
}

int tu_session_open(struct app *app, char **dir, const char *tag,
		    uint64_t (*clock)(void))
{
	if (tu_app_open(app, dir, tag, true) < 0)
		return -1;
	loop_set_clock(app->loop, clock);
	if (xs_init(app) < 0) {
		tu_app_free(app, *dir);
		memset(app, 0, sizeof *app);
		*dir = NULL;
		return -1;
	}
	return 0;
}

int tu_app_close(void *fx, struct app *app, char *dir)
{
	assert_int_equal(tu_app_free(app, dir), 0);
	free(fx);
	return 0;
}

void tu_roster_put(struct account *acc, const char *jid, const char *name,
		   enum subscription sub)
{
	struct roster_item it;

	memset(&it, 0, sizeof it);
	it.jid = tu_strdup(jid);
	it.name = name ? tu_strdup(name) : NULL;
	it.sub = sub;
	roster_put(&acc->roster, &it);
}

int tu_screen_open(struct tu_screen *s, int rows, int cols)
{
	memset(s, 0, sizeof *s);
	s->out = fopen("/dev/null", "w");
	s->in = fopen("/dev/null", "r");
	s->scr = s->out && s->in ? newterm("xterm", s->out, s->in) : NULL;
	if (!s->scr) {
		fprintf(stderr, "tu_screen_open: no curses screen for xterm\n");
		if (s->out)
			fclose(s->out);
		if (s->in)
			fclose(s->in);
		memset(s, 0, sizeof *s);
		return -1;
	}
	set_term(s->scr);
	if (rows > 0)
		resizeterm(rows, cols);
	return 0;
}

void tu_screen_close(struct tu_screen *s)
{
	endwin();
	delscreen(s->scr);
	fclose(s->out);
	fclose(s->in);
	memset(s, 0, sizeof *s);
}

xmpp_ctx_t *tu_xmpp_init(void)
{
	xmpp_initialize();
	return xmpp_ctx_new(NULL, NULL);
}

void tu_xmpp_done(xmpp_ctx_t **ctx)
{
	if (*ctx)
		xmpp_ctx_free(*ctx);
	*ctx = NULL;
	xmpp_shutdown();
}

xmpp_stanza_t *tu_parse(xmpp_ctx_t *ctx, const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	if (!st)
		fail_msg("the test's stanza does not parse: %s", xml);
	return st;
}

long long tu_sql_number(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
					 NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}
