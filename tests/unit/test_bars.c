/* test_bars: the status bar (ui/bars.c) with more windows than any fixed
 * buffer holds. Three windows named by ~1,000-byte JIDs, and 80 ordinary
 * ones, each in turn current: bars_status draws them into a curses
 * screen writing to /dev/null (under ASan, the old 2 KiB buffer was read
 * past its end here), and bars_status_text holds every entry, with the
 * current one's bounds on its own "[N:name]".
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/window.h"
#include "ui/uiint.h"
#include "util/xmem.h"
#include "testutil.h"

struct fixture {
	struct app app;
	char *dir;
	struct ui ui;
	struct tu_screen screen;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || tu_app_setup(&f->app, &f->dir, "bars", "acc",
			       "me@example.org") < 0) {
		free(f);
		return -1;
	}
	if (tu_screen_open(&f->screen, 0, 0) < 0) {
		tu_app_free(&f->app, f->dir);
		free(f);
		return -1;
	}
	f->app.ui = &f->ui;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_screen_close(&f->screen);
	f->app.ui = NULL;
	tu_app_free(&f->app, f->dir);
	free(f);
	return 0;
}

static void add_windows(struct app *app, size_t nlong, size_t nshort)
{
	size_t i;

	for (i = 0; i < nlong; i++) {
		char *jid = xmalloc(1024 + 32);

		memset(jid, 'a' + (int)i, 1000);
		snprintf(jid + 1000, 32, "@example.org");
		app_add_window(app, win_new(WIN_CHAT, jid, 8));
		free(jid);
	}
	for (i = 0; i < nshort; i++) {
		char name[64];

		snprintf(name, sizeof name, "contact%zu@example.org", i);
		app_add_window(app, win_new(WIN_CHAT, name, 8));
		app->wins[app->nwins - 1]->unread = (unsigned)i;
	}
}

static void check_text(struct app *app)
{
	size_t from, to, i;
	char *text = bars_status_text(app, true, &from, &to);
	char *cur;
	const char *p = text;

	/* every window is there, in order */
	for (i = 0; i < app->nwins; i++) {
		char key[32];

		snprintf(key, sizeof key, " [%zu:", i + 1);
		p = strstr(p, key);
		assert_non_null(p);
		p += strlen(key);
	}
	assert_non_null(strstr(text, " -- more --"));
	assert_true(to > from);
	assert_true(to <= strlen(text));
	cur = xasprintf(" [%zu:%s", app->cur_win + 1,
			app->wins[app->cur_win]->name);
	assert_memory_equal(text + from, cur, strlen(cur));
	assert_int_equal(text[to - 1], ']');
	free(cur);
	free(text);
}

static void test_long_jids(void **state)
{
	struct fixture *f = *state;

	add_windows(&f->app, 3, 0);
	/* /win 3 is the entry that crosses 2 KiB */
	for (f->app.cur_win = 0; f->app.cur_win < f->app.nwins;
	     f->app.cur_win++) {
		bars_status(&f->app, 0, 80);
		check_text(&f->app);
	}
}

static void test_many_windows(void **state)
{
	struct fixture *f = *state;

	add_windows(&f->app, 0, 80);
	for (f->app.cur_win = 0; f->app.cur_win < f->app.nwins;
	     f->app.cur_win++) {
		bars_status(&f->app, 0, 200);
		check_text(&f->app);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_long_jids, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_many_windows, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
