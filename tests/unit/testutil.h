/* testutil: fixture code shared by the cmocka unit tests.
 *
 * Temporary directories (tu_tmpdir, tu_rmtree), a fixture holding one
 * with the path of a file in it (struct tu_dir), whole-file writes and
 * reads, a strdup that fails the test instead of returning NULL, a minimal
 * struct app: one account, XDG_* pointed at a temporary directory, the
 * configuration defaults conf_load would give (tu_app_init or
 * tu_app_setup, undone by tu_app_free; tu_app_open and tu_app_close
 * for the usual fixture around it), a roster entry (tu_roster_put), a
 * curses screen on /dev/null (tu_screen_open), libstrophe's context and
 * stanzas parsed from text (tu_xmpp_init, tu_parse), a history database
 * in a temporary directory (tu_history_open). Functions that "fail the test"
 * do so with cmocka's assertions, so they belong in tests and setups.
 */
#ifndef NATTER_TESTS_TESTUTIL_H
#define NATTER_TESTS_TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <strophe.h>

#include "core/app.h"
#include "core/history.h"
#include "core/roster.h"

/* strdup(s), failing the test when out of memory. */
char *tu_strdup(const char *s);

/* Makes a fresh directory /tmp/natter-test-TAG-XXXXXX and returns its
 * path (the caller frees it), or NULL, with a message on stderr. */
char *tu_tmpdir(const char *tag);

/* Removes dir and everything below it (links are removed, not followed);
 * a NULL or missing dir is nothing to do. Returns 0, or -1 with a
 * message on stderr when something could not be removed. */
int tu_rmtree(const char *dir);

/* A cmocka fixture: a temporary directory and the path of one file in it
 * (not created). tu_dir_setup sets *state to a new struct tu_dir, dir
 * from tu_tmpdir(tag) and path "DIR/NAME"; it returns 0, or -1 with
 * nothing left behind. tu_dir_teardown removes the tree and frees it all
 * (a failed removal is reported on stderr only); it always returns 0. */
struct tu_dir {
	char *dir;
	char *path;
};

int tu_dir_setup(void **state, const char *tag, const char *name);
int tu_dir_teardown(void **state);

/* Writes text to path (created or truncated), failing the test on error. */
void tu_write_file(const char *path, const char *text);

/* Returns the whole content of path as a string (the caller frees it),
 * failing the test on error. */
char *tu_read_file(const char *path);

/* What another connection (another process) sees in the SQLite database
 * at path: sql's one number, or -1 when it gives no row. */
long long tu_sql_number(const char *path, const char *sql);

/* Points XDG_DATA_HOME, XDG_STATE_HOME and XDG_CONFIG_HOME at dir and
 * builds *app with app_init from a configuration holding one account
 * (name account, the given jid, resource "natter") and conf_load's
 * defaults. Returns 0, or -1 if the app did not get its account;
 * tu_app_free undoes it either way. */
int tu_app_init(struct app *app, const char *dir, const char *account,
		const char *jid);

/* tu_tmpdir(tag) into *dir, then tu_app_init there. Returns 0, or -1
 * with both undone (*dir NULL, *app zeroed). */
int tu_app_setup(struct app *app, char **dir, const char *tag,
		 const char *account, const char *jid);

/* Frees *app, then removes dir's tree and frees dir (from tu_tmpdir; may
 * be NULL). Returns tu_rmtree's result. */
int tu_app_free(struct app *app, char *dir);

/* Makes a fresh tu_tmpdir(tag) and opens a history database
 * "history.db" in it: *h, with its path in *path (the caller frees it).
 * Returns the directory (the caller frees it); fails the test on error.
 * tu_history_close(h, dir, path) closes *h (if open), removes dir's tree,
 * failing the test if it cannot, and frees dir and path. */
char *tu_history_open(struct history **h, char **path, const char *tag);
void tu_history_close(struct history **h, char *dir, char *path);

/* The usual app fixture's start: tu_app_setup with account "home" for
 * romeo@example.net, then, with history, app_open_history, which must
 * give the account its history and outbox. Returns 0, or -1 with it all
 * undone (*dir NULL, *app zeroed). */
int tu_app_open(struct app *app, char **dir, const char *tag, bool history);

/* tu_app_open with history, the loop's clock set to clock (tests of
 * timers), and the xmpp layer (xs_init) made, so that session_of()
 * gives the account's session. Returns 0, or -1 with it all undone. */
int tu_session_open(struct app *app, char **dir, const char *tag,
		    uint64_t (*clock)(void));

/* The usual app fixture's end: tu_app_free(app, dir), failing the test
 * if the tree could not be removed, then free(fx), the fixture holding
 * app and dir. Returns 0, as a cmocka teardown does. */
int tu_app_close(void *fx, struct app *app, char *dir);

/* Puts jid in acc's roster with subscription sub and name (may be NULL). */
void tu_roster_put(struct account *acc, const char *jid, const char *name,
		   enum subscription sub);

/* A curses screen for an "xterm" writing to /dev/null, made the current
 * one (set_term), of rows x cols unless rows is 0 (then curses' size). */
struct screen; /* curses' SCREEN */

struct tu_screen {
	struct screen *scr;
	FILE *out, *in;
};

/* Opens *s; returns 0, or -1 with a message on stderr and nothing left
 * open. tu_screen_close ends it (endwin, delscreen, the files). */
int tu_screen_open(struct tu_screen *s, int rows, int cols);
void tu_screen_close(struct tu_screen *s);

/* xmpp_initialize and a new context with the default memory and log
 * (NULL if it cannot be made); tu_xmpp_done frees *ctx (NULL after) and
 * calls xmpp_shutdown. For a cmocka group setup and teardown. */
xmpp_ctx_t *tu_xmpp_init(void);
void tu_xmpp_done(xmpp_ctx_t **ctx);

/* The stanza xml parses to in ctx (the caller releases it), failing the
 * test, with xml in the message, if it does not parse. */
xmpp_stanza_t *tu_parse(xmpp_ctx_t *ctx, const char *xml);

#endif
