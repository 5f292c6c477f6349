/* test_roster: core/roster.h.
 *
 * roster_put, roster_get and roster_remove on a few items (ownership is
 * taken and the caller's item zeroed; a second put for a JID replaces
 * the first), then 5000 items put, a large share removed in a scattered
 * order and some put back: every item still present must be found with
 * its own data and every removed one must be gone, which checks that the
 * hash index follows the array through growth and removals.
 * roster_replace (a fresh session's roster) drops what the new roster
 * lacks, adds what it brings, and keeps presence and unread counts of
 * the contacts in both. Last, roster_sub_parse, and roster_groups: a
 * contact's groups in one block, the strings after the pointers.
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

#include "core/roster.h"

#include "testutil.h"

/* Fills *it with a freshly allocated item. */
static void make_item(struct roster_item *it, const char *jid,
		      const char *name, enum subscription sub, size_t ngroups)
{
	char g[8][32], *names[8];
	size_t i;

	assert_true(ngroups <= 8);
	memset(it, 0, sizeof *it);
	it->jid = tu_strdup(jid);
	it->name = name ? tu_strdup(name) : NULL;
	it->sub = sub;
	it->ask = sub == SUB_NONE;
	it->ngroups = ngroups;
	for (i = 0; i < ngroups; i++) {
		snprintf(g[i], sizeof g[i], "group%zu", i);
		names[i] = g[i];
	}
	it->groups = roster_groups(names, ngroups);
}

static int setup(void **state)
{
	struct roster *r = calloc(1, sizeof *r);

	if (!r)
		return -1;
	roster_init(r);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct roster *r = *state;

	roster_clear(r);
	assert_int_equal(r->n, 0);
	assert_null(r->items);
	free(r);
	return 0;
}

static void test_empty(void **state)
{
	struct roster *r = *state;

	assert_int_equal(r->n, 0);
	assert_null(roster_get(r, "juliet@example.com"));
	assert_false(roster_remove(r, "juliet@example.com"));
}

static void test_put_get(void **state)
{
	struct roster *r = *state;
	struct roster_item it, *got;

	make_item(&it, "juliet@example.com", "Juliet", SUB_BOTH, 2);
	roster_put(r, &it);
	/* ownership moved: the caller's item is zeroed */
	assert_null(it.jid);
	assert_null(it.name);
	assert_null(it.groups);
	assert_int_equal(it.ngroups, 0);

	make_item(&it, "romeo@example.net", NULL, SUB_NONE, 0);
	roster_put(r, &it);
	assert_int_equal(r->n, 2);

	got = roster_get(r, "juliet@example.com");
	assert_non_null(got);
	assert_string_equal(got->jid, "juliet@example.com");
	assert_string_equal(got->name, "Juliet");
	assert_int_equal(got->sub, SUB_BOTH);
	assert_false(got->ask);
	assert_int_equal(got->ngroups, 2);
	assert_string_equal(got->groups[0], "group0");
	assert_string_equal(got->groups[1], "group1");

	got = roster_get(r, "romeo@example.net");
	assert_non_null(got);
	assert_null(got->name);
	assert_int_equal(got->sub, SUB_NONE);
	assert_true(got->ask);

	/* exact match only */
	assert_null(roster_get(r, "juliet@example.co"));
	assert_null(roster_get(r, "juliet@example.com/balcony"));
	assert_null(roster_get(r, ""));
}

static void test_replace(void **state)
{
	struct roster *r = *state;
	struct roster_item it, *got;

	make_item(&it, "juliet@example.com", "Juliet", SUB_TO, 3);
	roster_put(r, &it);
	make_item(&it, "nurse@example.com", "Nurse", SUB_FROM, 0);
	roster_put(r, &it);

	make_item(&it, "juliet@example.com", "J. Capulet", SUB_BOTH, 1);
	roster_put(r, &it);
	assert_null(it.jid);
	assert_int_equal(r->n, 2);
	got = roster_get(r, "juliet@example.com");
	assert_non_null(got);
	assert_string_equal(got->name, "J. Capulet");
	assert_int_equal(got->sub, SUB_BOTH);
	assert_int_equal(got->ngroups, 1);
	/* the other item is untouched */
	got = roster_get(r, "nurse@example.com");
	assert_non_null(got);
	assert_string_equal(got->name, "Nurse");
}

static void test_remove(void **state)
{
	struct roster *r = *state;
	struct roster_item it;

	make_item(&it, "a@example.com", "A", SUB_BOTH, 1);
	roster_put(r, &it);
	make_item(&it, "b@example.com", "B", SUB_BOTH, 0);
	roster_put(r, &it);
	make_item(&it, "c@example.com", "C", SUB_BOTH, 0);
	roster_put(r, &it);

	/* removing the first moves the last into its place */
	assert_true(roster_remove(r, "a@example.com"));
	assert_int_equal(r->n, 2);
	assert_null(roster_get(r, "a@example.com"));
	assert_string_equal(roster_get(r, "b@example.com")->name, "B");
	assert_string_equal(roster_get(r, "c@example.com")->name, "C");
	assert_false(roster_remove(r, "a@example.com"));

	/* removing the last */
	assert_true(roster_remove(r, "c@example.com"));
	assert_null(roster_get(r, "c@example.com"));
	assert_string_equal(roster_get(r, "b@example.com")->name, "B");

	/* a JID can come back after removal */
	make_item(&it, "a@example.com", "A again", SUB_TO, 0);
	roster_put(r, &it);
	assert_string_equal(roster_get(r, "a@example.com")->name, "A again");

	assert_true(roster_remove(r, "b@example.com"));
	assert_true(roster_remove(r, "a@example.com"));
	assert_int_equal(r->n, 0);
	assert_null(roster_get(r, "b@example.com"));
}

/* The removal order must jump around the array, not just pop the end. */
static int removed_first_pass(int i)
{
	return (i * 7919) % 5 < 3; /* about 60 % */
}

#define MANY 5000

static void jid_of(int i, char *buf, size_t n)
{
	snprintf(buf, n, "contact%d@host%d.example", i, i % 17);
}

static void test_many(void **state)
{
	struct roster *r = *state;
	struct roster_item it, *got;
	static bool present[MANY];
	char jid[64], name[32];
	size_t expect = 0;
	int i, k;

	for (i = 0; i < MANY; i++) {
		jid_of(i, jid, sizeof jid);
		snprintf(name, sizeof name, "Contact %d", i);
		make_item(&it, jid, name, (enum subscription)(i % 4),
			  (size_t)(i % 3));
		roster_put(r, &it);
		present[i] = true;
	}
	assert_int_equal(r->n, MANY);

	/* remove in a scattered order: walk with a stride coprime to MANY */
	for (k = 0, i = 0; k < MANY; k++, i = (i + 2999) % MANY) {
		if (!removed_first_pass(i))
			continue;
		jid_of(i, jid, sizeof jid);
		assert_true(roster_remove(r, jid));
		present[i] = false;
	}
	/* put a tenth of the removed ones back, with new names */
	for (i = 0; i < MANY; i += 10) {
		if (present[i])
			continue;
		jid_of(i, jid, sizeof jid);
		snprintf(name, sizeof name, "Back %d", i);
		make_item(&it, jid, name, SUB_BOTH, 0);
		roster_put(r, &it);
		present[i] = true;
	}

	for (i = 0; i < MANY; i++) {
		jid_of(i, jid, sizeof jid);
		got = roster_get(r, jid);
		if (!present[i]) {
			if (got)
				fail_msg("%s was removed but is still found", jid);
			assert_false(roster_remove(r, jid));
			continue;
		}
		expect++;
		if (!got)
			fail_msg("%s is missing", jid);
		assert_string_equal(got->jid, jid);
		if (removed_first_pass(i)) {
			snprintf(name, sizeof name, "Back %d", i);
			assert_int_equal(got->sub, SUB_BOTH);
		} else {
			snprintf(name, sizeof name, "Contact %d", i);
			assert_int_equal(got->sub, (enum subscription)(i % 4));
			assert_int_equal(got->ngroups, (size_t)(i % 3));
		}
		assert_string_equal(got->name, name);
	}
	assert_int_equal(r->n, expect);

	/* and the array holds each present JID exactly once */
	memset(present, 0, sizeof present);
	for (k = 0; k < (int)r->n; k++) {
		assert_int_equal(sscanf(r->items[k].jid, "contact%d@", &i), 1);
		assert_true(i >= 0 && i < MANY);
		assert_false(present[i]);
		present[i] = true;
	}
}

/* What a contact's presence and unread count look like mid-session. */
static void give_presence(struct roster_item *it, const char *res,
			  enum show show, const char *status, unsigned unread)
{
	it->res = calloc(1, sizeof *it->res);
	assert_non_null(it->res);
	it->res[0].name = tu_strdup(res);
	it->res[0].show = show;
	it->nres = 1;
	it->best = show;
	it->status = status ? tu_strdup(status) : NULL;
	it->unread = unread;
}

static void test_replace_keeps_state(void **state)
{
	struct roster *r = *state;
	struct roster fresh;
	struct roster_item it, *got;
	char jid[64];
	size_t i;

	make_item(&it, "juliet@example.com", "Juliet", SUB_BOTH, 1);
	roster_put(r, &it);
	make_item(&it, "romeo@example.net", NULL, SUB_TO, 0);
	roster_put(r, &it);
	make_item(&it, "nurse@example.com", "Nurse", SUB_BOTH, 0);
	roster_put(r, &it);
	give_presence(roster_get(r, "juliet@example.com"), "balcony",
		      SHOW_AWAY, "sighing", 3);
	give_presence(roster_get(r, "nurse@example.com"), "kitchen",
		      SHOW_ONLINE, NULL, 0);
	roster_get(r, "romeo@example.net")->unread = 7;

	/* the server's roster now: Juliet renamed, Romeo gone, Benvolio new */
	roster_init(&fresh);
	make_item(&it, "juliet@example.com", "Jules", SUB_BOTH, 2);
	roster_put(&fresh, &it);
	make_item(&it, "nurse@example.com", "Nurse", SUB_FROM, 0);
	roster_put(&fresh, &it);
	make_item(&it, "benvolio@example.net", NULL, SUB_NONE, 0);
	roster_put(&fresh, &it);

	roster_replace(r, &fresh);
	assert_int_equal(fresh.n, 0);
	assert_null(fresh.items);
	assert_null(fresh.slots);

	assert_int_equal(r->n, 3);
	assert_null(roster_get(r, "romeo@example.net"));
	got = roster_get(r, "juliet@example.com");
	assert_non_null(got);
	assert_string_equal(got->name, "Jules");
	assert_int_equal(got->ngroups, 2);
	assert_int_equal(got->unread, 3);
	assert_int_equal(got->nres, 1);
	assert_string_equal(got->res[0].name, "balcony");
	assert_int_equal(got->best, SHOW_AWAY);
	assert_string_equal(got->status, "sighing");
	got = roster_get(r, "nurse@example.com");
	assert_non_null(got);
	assert_int_equal(got->sub, SUB_FROM);
	assert_int_equal(got->nres, 1);
	assert_int_equal(got->best, SHOW_ONLINE);
	got = roster_get(r, "benvolio@example.net");
	assert_non_null(got);
	assert_int_equal(got->unread, 0);
	assert_int_equal(got->nres, 0);
	assert_int_equal(got->best, SHOW_OFFLINE);

	/* many removals at once keep the index right */
	roster_init(&fresh);
	for (i = 0; i < 300; i++) {
		snprintf(jid, sizeof jid, "c%zu@example.org", i);
		make_item(&it, jid, NULL, SUB_BOTH, 0);
		roster_put(r, &it);
	}
	for (i = 0; i < 300; i += 3) {
		snprintf(jid, sizeof jid, "c%zu@example.org", i);
		make_item(&it, jid, NULL, SUB_BOTH, 0);
		roster_put(&fresh, &it);
		roster_get(r, jid)->unread = (unsigned)i + 1;
	}
	roster_replace(r, &fresh);
	assert_int_equal(r->n, 100);
	for (i = 0; i < 300; i++) {
		snprintf(jid, sizeof jid, "c%zu@example.org", i);
		got = roster_get(r, jid);
		if (i % 3) {
			assert_null(got);
		} else {
			assert_non_null(got);
			assert_string_equal(got->jid, jid);
			assert_int_equal(got->unread, i + 1);
		}
	}
	assert_null(roster_get(r, "juliet@example.com"));
}

static void test_sub_parse(void **state)
{
	(void)state;
	assert_int_equal(roster_sub_parse("none"), SUB_NONE);
	assert_int_equal(roster_sub_parse("to"), SUB_TO);
	assert_int_equal(roster_sub_parse("from"), SUB_FROM);
	assert_int_equal(roster_sub_parse("both"), SUB_BOTH);
	assert_int_equal(roster_sub_parse(NULL), SUB_NONE);
	assert_int_equal(roster_sub_parse(""), SUB_NONE);
	assert_int_equal(roster_sub_parse("remove"), SUB_NONE);
	assert_int_equal(roster_sub_parse("Both"), SUB_NONE);
	assert_int_equal(roster_sub_parse("bothx"), SUB_NONE);
	assert_int_equal(roster_sub_parse("t"), SUB_NONE);
}

static void test_groups_one_block(void **state)
{
	char *names[] = { "Friends", "", "Ünïcode" };
	char **g = roster_groups(names, 3);

	(void)state;
	assert_null(roster_groups(names, 0));
	assert_non_null(g);
	assert_ptr_equal(g[0], (char *)(g + 3));
	assert_string_equal(g[0], "Friends");
	assert_ptr_equal(g[1], g[0] + sizeof "Friends");
	assert_string_equal(g[1], "");
	assert_string_equal(g[2], "Ünïcode");
	assert_ptr_not_equal(g[2], names[2]);
	free(g); /* all of it: LeakSanitizer would say otherwise */
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty),
		T(test_put_get),
		T(test_replace),
		T(test_remove),
		T(test_many),
		T(test_replace_keeps_state),
		cmocka_unit_test(test_sub_parse),
		cmocka_unit_test(test_groups_one_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
