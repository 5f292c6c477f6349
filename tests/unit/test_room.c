/* test_room: core/room.h, the model of a group chat room.
 *
 * Occupants stay sorted by nickname whatever order they come in, are
 * found by binary search, updated in place (role, affiliation, real JID,
 * show and status replaced; a JID or status taken away is cleared), and
 * removed keeping the order; 1,000 occupants in reverse order end sorted.
 * Role and affiliation names parse and print both ways, unknown words
 * being "none"; status codes are looked up in a presence.
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

#include "core/room.h"

static void set(struct room *r, const char *nick, enum room_role role,
		const char *jid)
{
	struct room_presence p = { .nick = nick, .available = true,
				   .role = role, .affil = AFFIL_MEMBER,
				   .jid = jid, .show = SHOW_ONLINE };

	room_occupant_set(r, &p);
}

static void assert_sorted(const struct room *r)
{
	for (size_t i = 1; i < r->nocc; i++)
		assert_true(strcmp(r->occ[i - 1].nick, r->occ[i].nick) < 0);
}

static void test_sorted_find_update_remove(void **state)
{
	struct room *r = room_new("me");
	struct occupant *o;
	struct room_presence p = { .nick = "bob", .available = true,
				   .role = ROLE_MODERATOR,
				   .affil = AFFIL_OWNER, .show = SHOW_AWAY,
				   .status = "lunch" };

	(void)state;
	set(r, "mallory", ROLE_VISITOR, NULL);
	set(r, "alice", ROLE_PARTICIPANT, "alice@example.org/pc");
	set(r, "bob", ROLE_PARTICIPANT, "bob@example.org/x");
	set(r, "carol", ROLE_PARTICIPANT, NULL);
	assert_int_equal(r->nocc, 4);
	assert_sorted(r);
	assert_string_equal(r->occ[0].nick, "alice");
	assert_string_equal(r->occ[3].nick, "mallory");

	o = room_occupant_find(r, "bob");
	assert_non_null(o);
	assert_string_equal(o->jid, "bob@example.org/x");
	/* updated in place: the JID no longer shown is cleared */
	o = room_occupant_set(r, &p);
	assert_int_equal(r->nocc, 4);
	assert_int_equal(o->role, ROLE_MODERATOR);
	assert_int_equal(o->affil, AFFIL_OWNER);
	assert_int_equal(o->show, SHOW_AWAY);
	assert_string_equal(o->status, "lunch");
	assert_null(o->jid);
	assert_null(room_occupant_find(r, "bobby"));
	assert_null(room_occupant_find(r, "aaa"));
	assert_null(room_occupant_find(r, "zzz"));

	assert_true(room_occupant_remove(r, "alice"));
	assert_false(room_occupant_remove(r, "alice"));
	assert_int_equal(r->nocc, 3);
	assert_sorted(r);
	assert_string_equal(r->occ[0].nick, "bob");
	assert_true(room_occupant_remove(r, "mallory"));
	assert_string_equal(r->occ[r->nocc - 1].nick, "carol");
	room_free(&r);
	assert_null(r);
	room_free(&r);
}

static void test_thousand_reversed(void **state)
{
	struct room *r = room_new("me");
	char nick[16];

	(void)state;
	for (int i = 999; i >= 0; i--) {
		snprintf(nick, sizeof nick, "n%04d", i);
		set(r, nick, ROLE_PARTICIPANT, NULL);
	}
	assert_int_equal(r->nocc, 1000);
	assert_sorted(r);
	for (int i = 0; i < 1000; i += 37) {
		snprintf(nick, sizeof nick, "n%04d", i);
		assert_non_null(room_occupant_find(r, nick));
	}
	room_free(&r);
}

static void test_names(void **state)
{
	struct room_presence p = { .codes = { 110, 201 }, .ncodes = 2 };

	(void)state;
	assert_int_equal(room_role_parse("moderator"), ROLE_MODERATOR);
	assert_int_equal(room_role_parse("visitor"), ROLE_VISITOR);
	assert_int_equal(room_role_parse("king"), ROLE_NONE);
	assert_int_equal(room_role_parse(NULL), ROLE_NONE);
	assert_string_equal(room_role_name(ROLE_PARTICIPANT), "participant");
	assert_int_equal(room_affil_parse("outcast"), AFFIL_OUTCAST);
	assert_int_equal(room_affil_parse("owner"), AFFIL_OWNER);
	assert_int_equal(room_affil_parse(""), AFFIL_NONE);
	assert_string_equal(room_affil_name(AFFIL_ADMIN), "admin");
	assert_string_equal(room_affil_name(AFFIL_NONE), "none");
	assert_true(room_presence_has(&p, 201));
	assert_false(room_presence_has(&p, 307));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_find_update_remove),
		cmocka_unit_test(test_thousand_reversed),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
