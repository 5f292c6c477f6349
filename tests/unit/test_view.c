/* test_view: the pure parts of the screen layout: how a line is cut to
 * a width (ui_fit: display cells, wide characters, combining marks,
 * breaking at a space, newlines) and the roster pane's order (groups,
 * Transports last, availability, then name). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/roster.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_ascii),
		cmocka_unit_test(test_fit_breaks_at_space),
		cmocka_unit_test(test_fit_stops_at_newline),
		cmocka_unit_test(test_fit_wide_and_combining),
		cmocka_unit_test(test_roster_order),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
