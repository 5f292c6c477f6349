/* test_view: the pure parts of the screen layout: how a line is cut to
 * a width (ui_fit: display cells, wide characters, combining marks,
 * breaking at a space, newlines) and the roster pane's order (groups,
 * Transports last, availability, then name); and the window drawn on a
 * real curses screen (writing to /dev/null, read back cell by cell):
 * remote text with newlines, in a formatted system line and in a
 * message, continues its own line on indented rows and never starts a
 * row with a timestamp; and the dialog's field editor reloading when a
 * new form comes, wherever its fields were allocated. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include <time.h>

#include "core/app.h"
#include "core/dialog.h"
#include "core/roster.h"
#include "testutil.h"
#include "ui/uiint.h"

static void test_fit_ascii(void **state)
{
	(void)state;
	assert_int_equal(ui_fit("hello", 10), 5);
	assert_int_equal(ui_fit("hello", 5), 5);
	assert_int_equal(ui_fit("helloworld", 4), 4);
	assert_int_equal(ui_fit("", 4), 0);
}

static void test_fit_breaks_at_space(void **state)
{
	(void)state;
	/* a space in the second half of the width is a better cut */
	assert_int_equal(ui_fit("the quick brown fox", 12), 10); /* "the quick " */
	/* a space too early is not used: cutting there would waste room */
	assert_int_equal(ui_fit("a verylongwordthatgoeson", 10), 10);
}

static void test_fit_stops_at_newline(void **state)
{
	(void)state;
	assert_int_equal(ui_fit("one\ntwo", 20), 3);
	assert_int_equal(ui_fit("\nx", 20), 0);
}

static void test_fit_wide_and_combining(void **state)
{
	const char *cjk = "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"; /* 3 wide chars */
	const char *comb = "e\xcc\x81" "e\xcc\x81" "e"; /* é é e with U+0301 */

	(void)state;
	/* two cells each: 5 cells hold two characters (6 bytes) */
	assert_int_equal(ui_fit(cjk, 5), 6);
	assert_int_equal(ui_fit(cjk, 6), 9);
	/* a wide character alone in a 1-cell width is still taken, or the
	 * caller would loop for ever */
	assert_int_equal(ui_fit(cjk, 1), 3);
	/* combining marks take no cell */
	assert_int_equal(ui_fit(comb, 2), 6);
	assert_int_equal(ui_fit(comb, 3), 7);
}

static struct roster_item item(const char *jid, const char *name,
			       const char *group, enum show best)
{
	struct roster_item it;

	memset(&it, 0, sizeof it);
	it.jid = (char *)jid;
	it.name = (char *)name;
	it.best = best;
	if (group) {
		it.groups = malloc(sizeof *it.groups);
		it.groups[0] = (char *)group;
		it.ngroups = 1;
	}
	return it;
}

static void test_roster_order(void **state)
{
	struct roster_item items[] = {
		item("zed@x", "Zed", "Work", SHOW_ONLINE),
		item("amy@x", "Amy", "Work", SHOW_AWAY),
		item("bob@x", "bob", "Work", SHOW_ONLINE),
		item("icq.x", NULL, NULL, SHOW_ONLINE),
		item("cat@x", "Cat", NULL, SHOW_OFFLINE),
		item("dan@x", "Dan", "Family", SHOW_DND),
		item("eve@x", "Eve", "Family", SHOW_CHAT),
	};
	const char *want[] = { "cat@x", "eve@x", "dan@x", "bob@x", "zed@x",
			       "amy@x", "icq.x" };
	size_t n = sizeof items / sizeof *items, i;
	struct rrow rows[7];

	(void)state;
	for (i = 0; i < n; i++) {
		rows[i].acc = NULL;
		rows[i].item = &items[i];
		rows[i].group = rpane_group_of(&items[i]);
		rows[i].hidden = 0;
	}
	assert_string_equal(rpane_group_of(&items[3]), "Transports");
	assert_string_equal(rpane_group_of(&items[4]), "Contacts");
	assert_string_equal(rpane_group_of(&items[0]), "Work");
	qsort(rows, n, sizeof *rows, rpane_cmp);
	/* Contacts, Family, Work by name (case-insensitive), Transports
	 * last; inside a group chat > online > away > xa > dnd > offline,
	 * then names case-insensitively */
	for (i = 0; i < n; i++)
		assert_string_equal(rows[i].item->jid, want[i]);
	for (i = 0; i < n; i++)
		free(items[i].groups);
}

#define ROWS 12
#define COLS 40

struct screen_fixture {
	struct app app;
	char *dir;
	struct ui ui;
	struct tu_screen screen;
	char rows[ROWS][COLS + 1];
};

static int screen_setup(void **state)
{
	struct screen_fixture *f = calloc(1, sizeof *f);

	if (!f || tu_app_setup(&f->app, &f->dir, "view", "acc",
			       "me@example.org") < 0) {
		free(f);
		return -1;
	}
	f->app.ui = &f->ui;
	if (tu_screen_open(&f->screen, ROWS, COLS) < 0) {
		tu_app_free(&f->app, f->dir);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int screen_teardown(void **state)
{
	struct screen_fixture *f = *state;

	tu_screen_close(&f->screen);
	f->app.ui = NULL;
	tu_app_free(&f->app, f->dir);
	free(f);
	return 0;
}

/* Draws the current window into the whole screen and reads it back. */
static void screen_draw(struct screen_fixture *f)
{
	int r;

	erase();
	view_draw(&f->app, f->app.wins[f->app.cur_win], 0, 0, ROWS, COLS);
	for (r = 0; r < ROWS; r++) {
		mvinnstr(r, 0, f->rows[r], COLS);
		f->rows[r][COLS] = '\0';
	}
}

/* The row holding needle, failing the test when none does. */
static int screen_find(struct screen_fixture *f, const char *needle)
{
	int r;

	for (r = 0; r < ROWS; r++)
		if (strstr(f->rows[r], needle))
			return r;
	for (r = 0; r < ROWS; r++)
		fprintf(stderr, "|%s|\n", f->rows[r]);
	fail_msg("\"%s\" is not on the screen", needle);
	return -1;
}

/* The current time as the view stamps it ("%H:%M"). */
static void stamp_now(char *buf, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, n, "%H:%M", &tm);
}

static void test_draw_remote_newlines(void **state)
{
	struct screen_fixture *f = *state;
	char stamp[16];
	int r, first, forged, more;

	/* a stranger's status in a formatted line of natter's own */
	app_print(&f->app, LINE_INFO, "Subscription request from %s: %s",
		  "eve@evil.example",
		  "hi\n12:00 demo: CERTIFICATE CHANGED\nlast");
	assert_int_equal(app_console(&f->app)->count, 1);
	stamp_now(stamp, sizeof stamp);
	screen_draw(f);
	first = screen_find(f, "Subscription request");
	forged = screen_find(f, "demo: CERTIFICATE CHANGED");
	more = screen_find(f, "last");
	/* the first row carries the stamp, the rest continue it below */
	assert_memory_equal(f->rows[first], stamp, strlen(stamp));
	assert_true(forged > first);
	assert_int_equal(more, forged + 1);
	/* indented under the text, after the stamp's width */
	assert_memory_equal(f->rows[forged], "      12:00 demo:", 17);
	assert_memory_equal(f->rows[more], "      last", 10);
	for (r = first + 1; r <= more; r++)
		assert_true(f->rows[r][0] == ' ');
}

static void test_draw_message_newlines(void **state)
{
	struct screen_fixture *f = *state;
	struct window *w = app_console(&f->app);
	int r, first, forged;

	win_add_msg(w, time(NULL), LINE_MSG_IN, 0, "mallory",
		    "see below\n12:00 <alice> send me your password", NULL);
	screen_draw(f);
	first = screen_find(f, "<mallory> see below");
	forged = screen_find(f, "<alice> send");
	assert_int_equal(forged, first + 1);
	/* under the text, past the stamp and the sender */
	assert_memory_equal(f->rows[forged], "                12:00 <alice>",
			    29);
	for (r = 0; r < ROWS; r++)
		assert_null(strstr(f->rows[r], "\n"));
}

/* A line from or to another client of the user's (carbons) names it
 * after the sender, sanitised and cut (left out when the text would
 * keep too little room), and its text and continuation rows start after
 * it. */
static void test_draw_device(void **state)
{
	struct screen_fixture *f = *state;
	struct window *w = app_console(&f->app);
	struct line *l;
	int r, first, next;

	l = win_add_msg(w, time(NULL), LINE_MSG_OUT, 0, "alice",
			"from the phone\nsecond row", NULL);
	win_line_set_device(w, l, "ph\x1b[2Jone");
	l = win_add_msg(w, time(NULL), LINE_MSG_OUT, 0, "a", "cut", NULL);
	win_line_set_device(w, l, "a-very-long-resource-name-indeed");
	l = win_add_msg(w, time(NULL), LINE_MSG_IN, 0, "bob", "to it", NULL);
	win_line_set_device(w, l, "a-very-long-resource-name-indeed");
	win_add_msg(w, time(NULL), LINE_MSG_IN, 0, "bob", "here", NULL);
	screen_draw(f);
	first = screen_find(f, "<alice> [ph[2Jone] from the phone");
	next = screen_find(f, "second row");
	assert_int_equal(next, first + 1);
	/* under the text: past the stamp, the sender and the device */
	assert_memory_equal(f->rows[next] + 6 + 8 + 11, "second row", 10);
	for (r = 0; r < 6 + 8 + 11; r++)
		assert_true(f->rows[next][r] == ' ');
	screen_find(f, "<a> [a-very-long-reso] cut");
	/* too wide beside the text in 40 columns: left out */
	screen_find(f, "<bob> to it");
	r = screen_find(f, "<bob> here");
	assert_null(strchr(f->rows[r], '['));
}

/* The dialog's field editor reloads when a new form arrives, even one
 * whose fields sit at the address the old ones had (the allocator
 * reuses freed memory; here the very array is handed over). */
static void test_form_editor_follows_new_form(void **state)
{
	struct app app;
	struct ui ui;
	struct window *w = win_new(WIN_FORM, "form", 16);
	struct dialog *d = dialog_new(NULL, NULL, "svc.example");
	struct form f = { 0 };
	struct form_field *fl;

	(void)state;
	memset(&app, 0, sizeof app);
	memset(&ui, 0, sizeof ui);
	input_init(&ui.form_in);
	app.ui = &ui;
	w->dialog = d;
	d->win = w;
	fl = form_add_field(&f, FIELD_TEXT_SINGLE, "name");
	form_field_set(fl, "old");
	dialog_set_form(d, &f);
	formview_sync(&app, w);
	assert_int_equal(ui.form_in.len, 3);
	assert_memory_equal(ui.form_in.buf, "old", 3);

	/* the next form: same field count, same array, another value */
	f = d->form;
	memset(&d->form, 0, sizeof d->form);
	fl = f.fields;
	form_field_set(fl, "newer");
	dialog_set_form(d, &f);
	assert_ptr_equal(d->form.fields, fl);
	assert_int_equal(d->form.nfields, 1);
	formview_sync(&app, w);
	assert_int_equal(ui.form_in.len, 5);
	assert_memory_equal(ui.form_in.buf, "newer", 5);

	input_clear(&ui.form_in);
	win_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_ascii),
		cmocka_unit_test(test_fit_breaks_at_space),
		cmocka_unit_test(test_fit_stops_at_newline),
		cmocka_unit_test(test_fit_wide_and_combining),
		cmocka_unit_test(test_roster_order),
		cmocka_unit_test(test_form_editor_follows_new_form),
		cmocka_unit_test_setup_teardown(test_draw_remote_newlines,
						screen_setup, screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_message_newlines,
						screen_setup, screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_device,
						screen_setup, screen_teardown),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
