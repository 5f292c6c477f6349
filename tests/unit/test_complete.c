/* test_complete: Tab completion of nicks in a room window: "al" at the
 * start of a line becomes "alan: ", cycling to "alice: " on the next
 * Tab; later in the line a nick gets a space; case does not matter; our
 * own nick is never offered; a command taking a contact (/query) offers
 * the room's nicks, quoted when they hold a space; outside rooms plain
 * words still complete to the peer's name. /upload's argument completes
 * to local paths: a directory's with its '/' and no space, so that the
 * next Tab goes into it; hidden names only when asked for with a dot;
 * ~/ stays as typed. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/room.h"
#include "testutil.h"
#include "ui/complete.h"
#include "ui/input.h"

struct fx {
	struct app app;
	char *dir;
	struct input in;
	struct completion c;
	struct window *room;
};

static void put(struct room *r, const char *nick)
{
	struct room_presence p;

	memset(&p, 0, sizeof p);
	p.nick = nick;
	p.available = true;
	p.role = ROLE_PARTICIPANT;
	p.affil = AFFIL_NONE;
	room_occupant_set(r, &p);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	static const char *const nicks[] = { "alice", "alan", "Bob",
					     "carol smith", "me",
					     "quo\"te" };

	if (!f || tu_app_setup(&f->app, &f->dir, "complete", "acc",
			       "me@example.org") < 0) {
		free(f);
		return -1;
	}
	f->room = win_new(WIN_ROOM, "room@muc.example.org", 100);
	f->room->jid = strdup("room@muc.example.org");
	f->room->acc = f->app.accounts[0];
	f->room->room = room_new("me");
	for (size_t i = 0; i < sizeof nicks / sizeof *nicks; i++)
		put(f->room->room, nicks[i]);
	app_add_window(&f->app, f->room);
	app_select(&f->app, f->app.nwins - 1);
	input_init(&f->in);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	complete_reset(&f->c);
	input_clear(&f->in);
	tu_app_free(&f->app, f->dir);
	free(f);
	return 0;
}

/* Puts text in the line (cursor at its end) and ends any cycle. */
static void line(struct fx *f, const char *text)
{
	input_clear(&f->in);
	input_init(&f->in);
	input_insert_str(&f->in, text);
	complete_reset(&f->c);
}

static size_t tab(struct fx *f)
{
	return complete_tab(&f->app, &f->c, &f->in);
}

static void test_line_start(void **state)
{
	struct fx *f = *state;

	line(f, "al");
	assert_int_equal(tab(f), 2);
	assert_string_equal(f->in.buf, "alan: ");
	assert_int_equal(tab(f), 2);
	assert_string_equal(f->in.buf, "alice: ");
	assert_int_equal(tab(f), 2);
	assert_string_equal(f->in.buf, "alan: ");
	/* a unique match gets its separator once */
	line(f, "ali");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "alice: ");
	/* case does not matter */
	line(f, "BO");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "Bob: ");
}

static void test_mid_line(void **state)
{
	struct fx *f = *state;

	line(f, "thanks b");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "thanks Bob ");
	/* a nick with a space is taken whole in plain text */
	line(f, "hi Car");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "hi carol smith ");
}

static void test_not_ours(void **state)
{
	struct fx *f = *state;

	line(f, "m");
	assert_int_equal(tab(f), 0);
	assert_string_equal(f->in.buf, "m");
	/* with nothing typed, every other nick is offered */
	line(f, "");
	assert_int_equal(tab(f), 5);
}

static void test_command_nicks(void **state)
{
	struct fx *f = *state;

	line(f, "/query car");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "/query \"carol smith\" ");
	line(f, "/query \"car");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "/query \"carol smith\" ");
	line(f, "/query quo");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "/query \"quo\\\"te\" ");
}

static void test_outside_rooms(void **state)
{
	struct fx *f = *state;

	/* the console has no nicks */
	app_select(&f->app, 0);
	line(f, "al");
	assert_int_equal(tab(f), 0);
	/* a conversation completes to its peer's name */
	app_select(&f->app, conv_open(&f->app, f->app.accounts[0],
				      "juliet@example.org"));
	line(f, "ju");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "juliet@example.org ");
}

static void touch(const char *dir, const char *name)
{
	char path[1100];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
}

static void test_paths(void **state)
{
	struct fx *f = *state;
	char base[400], text[1100], want[1100];
	const char *home = getenv("HOME");
	char *old_home = home ? strdup(home) : NULL;

	snprintf(base, sizeof base, "%s/files", f->dir);
	assert_int_equal(mkdir(base, 0700), 0);
	snprintf(text, sizeof text, "%s/photos", base);
	assert_int_equal(mkdir(text, 0700), 0);
	touch(base, "report.txt");
	touch(base, "report.pdf");
	touch(base, ".hidden");
	/* a lone directory: its '/', no space */
	snprintf(text, sizeof text, "/upload %s/ph", base);
	line(f, text);
	assert_int_equal(tab(f), 1);
	snprintf(want, sizeof want, "/upload %s/photos/", base);
	assert_string_equal(f->in.buf, want);
	/* two files: cycled in order */
	snprintf(text, sizeof text, "/sendfile %s/rep", base);
	line(f, text);
	assert_int_equal(tab(f), 2);
	snprintf(want, sizeof want, "/sendfile %s/report.pdf", base);
	assert_string_equal(f->in.buf, want);
	/* hidden names only on request */
	snprintf(text, sizeof text, "/upload %s/", base);
	line(f, text);
	assert_int_equal(tab(f), 3);
	snprintf(text, sizeof text, "/upload %s/.h", base);
	line(f, text);
	assert_int_equal(tab(f), 1);
	snprintf(want, sizeof want, "/upload %s/.hidden ", base);
	assert_string_equal(f->in.buf, want);
	/* ~/ is the home, and stays */
	setenv("HOME", base, 1);
	line(f, "/upload ~/report.t");
	assert_int_equal(tab(f), 1);
	assert_string_equal(f->in.buf, "/upload ~/report.txt ");
	if (old_home)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	free(old_home);
	/* nothing there: nothing offered */
	line(f, "/upload /nonexistent-dir-of-natter/x");
	assert_int_equal(tab(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_line_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mid_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_nicks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_rooms, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
