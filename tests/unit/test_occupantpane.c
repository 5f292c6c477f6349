/* test_occupantpane: the occupants pane of room windows as data
 * (opane_layout: the total, groups by role with their counts, occupants
 * by nick with ourselves marked, the "more" row, scrolling, a room of
 * 1,000) and drawn on a curses screen on /dev/null (marks, counts,
 * "(you)"); and ui_nick_attr giving a nick its XEP-0392 colour on an
 * 8-colour terminal, the same every time, and nothing with
 * nick_colours = "none". */
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
#include "util/nickcolour.h"
#include "core/room.h"
#include "testutil.h"
#include "ui/occupantpane.h"
#include "ui/uiint.h"

static void put(struct room *r, const char *nick, enum room_role role,
		enum room_affil affil)
{
	struct room_presence p;

	memset(&p, 0, sizeof p);
	p.nick = nick;
	p.available = true;
	p.show = SHOW_ONLINE;
	p.role = role;
	p.affil = affil;
	room_occupant_set(r, &p);
}

/* alice (owner, moderator), bob (member) and carol (us) participants,
 * dave a visitor; added out of order. */
static struct room *small_room(void)
{
	struct room *r = room_new("carol");

	put(r, "dave", ROLE_VISITOR, AFFIL_NONE);
	put(r, "carol", ROLE_PARTICIPANT, AFFIL_NONE);
	put(r, "alice", ROLE_MODERATOR, AFFIL_OWNER);
	put(r, "bob", ROLE_PARTICIPANT, AFFIL_MEMBER);
	return r;
}

static void assert_occ(const struct opane_row *row, const char *nick,
		       bool self)
{
	assert_int_equal(row->kind, OPANE_OCCUPANT);
	assert_non_null(row->occ);
	assert_string_equal(row->occ->nick, nick);
	assert_int_equal(row->self, self);
}

static void assert_group(const struct opane_row *row, enum room_role role,
			 size_t count)
{
	assert_int_equal(row->kind, OPANE_GROUP);
	assert_int_equal(row->role, role);
	assert_int_equal(row->count, count);
}

static void test_groups(void **state)
{
	struct room *r = small_room();
	struct opane_row rows[20];
	size_t n;

	(void)state;
	assert_int_equal(opane_list_rows(r), 7);
	n = opane_layout(r, 0, 20, rows);
	assert_int_equal(n, 8);
	assert_int_equal(rows[0].kind, OPANE_TOTAL);
	assert_int_equal(rows[0].count, 4);
	assert_group(&rows[1], ROLE_MODERATOR, 1);
	assert_occ(&rows[2], "alice", false);
	assert_group(&rows[3], ROLE_PARTICIPANT, 2);
	assert_occ(&rows[4], "bob", false);
	assert_occ(&rows[5], "carol", true);
	assert_group(&rows[6], ROLE_VISITOR, 1);
	assert_occ(&rows[7], "dave", false);
	/* bob is made a moderator: he moves to that group */
	put(r, "bob", ROLE_MODERATOR, AFFIL_ADMIN);
	n = opane_layout(r, 0, 20, rows);
	assert_int_equal(n, 8);
	assert_group(&rows[1], ROLE_MODERATOR, 2);
	assert_occ(&rows[2], "alice", false);
	assert_occ(&rows[3], "bob", false);
	assert_group(&rows[4], ROLE_PARTICIPANT, 1);
	assert_occ(&rows[5], "carol", true);
	/* the last participant leaves: the group goes */
	room_occupant_remove(r, "carol");
	n = opane_layout(r, 0, 20, rows);
	assert_int_equal(n, 6);
	assert_int_equal(rows[0].count, 3);
	assert_group(&rows[4], ROLE_VISITOR, 1);
	room_free(&r);
}

static void test_empty_and_roleless(void **state)
{
	struct room *r = room_new("me");
	struct opane_row rows[5];

	(void)state;
	assert_int_equal(opane_layout(r, 0, 5, rows), 1);
	assert_int_equal(rows[0].kind, OPANE_TOTAL);
	assert_int_equal(rows[0].count, 0);
	assert_int_equal(opane_layout(r, 3, 0, rows), 0);
	/* an occupant the room gave no role is listed with the visitors,
	 * so the groups add up to the total */
	put(r, "ghost", ROLE_NONE, AFFIL_NONE);
	assert_int_equal(opane_layout(r, 0, 5, rows), 3);
	assert_group(&rows[1], ROLE_VISITOR, 1);
	assert_occ(&rows[2], "ghost", false);
	room_free(&r);
}

static void test_marks(void **state)
{
	(void)state;
	assert_string_equal(opane_affil_mark(AFFIL_OWNER), "~");
	assert_string_equal(opane_affil_mark(AFFIL_ADMIN), "&");
	assert_string_equal(opane_affil_mark(AFFIL_MEMBER), "+");
	assert_string_equal(opane_affil_mark(AFFIL_NONE), " ");
	assert_string_equal(opane_group_name(ROLE_MODERATOR), "Moderators");
	assert_string_equal(opane_group_name(ROLE_PARTICIPANT), "Participants");
	assert_string_equal(opane_group_name(ROLE_VISITOR), "Visitors");
}

/* 10 moderators, 980 participants, 10 visitors, joined in an order
 * unlike the nicks' */
static struct room *big_room(void)
{
	struct room *r = room_new("p0500");
	char nick[16];

	for (int i = 999; i >= 0; i--) {
		enum room_role role = i < 10 ? ROLE_MODERATOR :
				      i >= 990 ? ROLE_VISITOR :
						 ROLE_PARTICIPANT;

		snprintf(nick, sizeof nick, "%c%04d",
			 role == ROLE_MODERATOR ? 'm' :
			 role == ROLE_VISITOR ? 'v' : 'p', i);
		put(r, nick, role, i % 3 == 0 ? AFFIL_MEMBER : AFFIL_NONE);
	}
	return r;
}

static void test_thousand(void **state)
{
	struct room *r = big_room();
	struct opane_row rows[30];
	char want[16];
	size_t n;

	(void)state;
	assert_int_equal(r->nocc, 1000);
	/* three headings and 1,000 occupants */
	assert_int_equal(opane_list_rows(r), 1003);
	n = opane_layout(r, 0, 30, rows);
	assert_int_equal(n, 30);
	assert_int_equal(rows[0].count, 1000);
	assert_group(&rows[1], ROLE_MODERATOR, 10);
	assert_occ(&rows[2], "m0000", false);
	assert_occ(&rows[11], "m0009", false);
	assert_group(&rows[12], ROLE_PARTICIPANT, 980);
	assert_occ(&rows[13], "p0010", false);
	assert_occ(&rows[28], "p0025", false);
	/* the last row tells how many are not shown: 10 + 16 are */
	assert_int_equal(rows[29].kind, OPANE_MORE);
	assert_int_equal(rows[29].count, 974);

	/* scrolled into the middle: list row 500 is participant 488
	 * (rows 0-11 are the moderators' group, 12 the heading) */
	n = opane_layout(r, 500, 30, rows);
	assert_int_equal(n, 30);
	assert_int_equal(rows[0].kind, OPANE_TOTAL);
	for (int i = 1; i < 29; i++) {
		snprintf(want, sizeof want, "p%04d", 10 + 488 + i - 1);
		assert_occ(&rows[i], want, strcmp(want, "p0500") == 0);
	}
	assert_true(rows[3].self); /* p0500 is us */
	assert_int_equal(rows[29].kind, OPANE_MORE);
	/* above: 10 moderators and 488 participants; shown: 28 */
	assert_int_equal(rows[29].count, 1000 - 10 - 488 - 28);

	/* scrolled past the end: the end stays at the bottom */
	assert_int_equal(opane_max_offset(r, 30), 1003 - 29);
	n = opane_layout(r, 100000, 30, rows);
	assert_int_equal(n, 30);
	assert_occ(&rows[29], "v0999", false);
	assert_group(&rows[19], ROLE_VISITOR, 10);
	assert_occ(&rows[18], "p0989", false);

	/* the last heading and the rows of a group wholly above */
	n = opane_layout(r, 992, 5, rows);
	assert_group(&rows[1], ROLE_VISITOR, 10);
	assert_occ(&rows[2], "v0990", false);
	assert_int_equal(rows[4].kind, OPANE_MORE);
	assert_int_equal(rows[4].count, 8);
	room_free(&r);
}

/* ---- on a screen ---- */

#define ROWS 14
#define COLS 60

struct fx {
	struct app app;
	char *dir;
	struct ui ui;
	struct tu_screen screen;
	struct window *w;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (!f || tu_app_setup(&f->app, &f->dir, "opane", "acc",
			       "me@example.org") < 0) {
		free(f);
		return -1;
	}
	f->app.ui = &f->ui;
	f->ui.pane.width = 24;
	f->ui.pane.visible = true;
	if (tu_screen_open(&f->screen, ROWS, COLS) < 0) {
		tu_app_free(&f->app, f->dir);
		free(f);
		return -1;
	}
	start_color();
	use_default_colors();
	f->w = win_new(WIN_ROOM, "room@muc.example.org", 100);
	f->w->jid = strdup("room@muc.example.org");
	f->w->room = small_room();
	app_add_window(&f->app, f->w);
	app_select(&f->app, f->app.nwins - 1);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	free(f->ui.opane.rows);
	tu_screen_close(&f->screen);
	f->app.ui = NULL;
	tu_app_free(&f->app, f->dir);
	free(f);
	return 0;
}

static void row_text(int r, char *buf)
{
	mvinnstr(r, 0, buf, 24);
	buf[24] = '\0';
}

static void test_draw(void **state)
{
	struct fx *f = *state;
	static const char *const want[] = {
		"4 occupants",  "Moderators (1)",   "+ ~alice",
		"Participants (2)", "+ +bob",        "+  carol (you)",
		"Visitors (1)", "+  dave",
	};
	char buf[25];

	assert_true(opane_shown(&f->app));
	erase();
	opane_draw(&f->app, f->w, 0, 0, ROWS);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		row_text((int)i, buf);
		assert_memory_equal(buf, want[i], strlen(want[i]));
	}
	/* the separator at the pane's right edge */
	assert_int_equal(mvinch(0, 23) & A_CHARTEXT, ACS_VLINE & A_CHARTEXT);
	/* Alt-R's roster: the pane is the roster's again */
	f->ui.opane.roster = true;
	assert_false(opane_shown(&f->app));
}

static void test_draw_scrolls(void **state)
{
	struct fx *f = *state;
	char buf[25];

	room_free(&f->w->room);
	f->w->room = big_room();
	f->ui.opane.win = f->w->id;
	f->ui.opane.off = 0;
	opane_scroll(&f->app, 1);
	assert_true(f->ui.opane.off > 0);
	f->ui.opane.off = 500;
	erase();
	opane_draw(&f->app, f->w, 0, 0, ROWS);
	row_text(0, buf);
	assert_memory_equal(buf, "1000 occupants", 14);
	row_text(1, buf);
	assert_memory_equal(buf, "+ +p0498", 8);
	row_text(3, buf);
	assert_memory_equal(buf, "+  p0500 (you)", 14);
	row_text(ROWS - 1, buf);
	assert_memory_equal(buf, "  ... ", 6);
	/* far past the end: clamped to the last page */
	f->ui.opane.off = 5000;
	opane_draw(&f->app, f->w, 0, 0, ROWS);
	assert_int_equal(f->ui.opane.off, 1003 - (ROWS - 1));
	row_text(ROWS - 1, buf);
	assert_memory_equal(buf, "+ +v0999", 8);
	opane_scroll(&f->app, -1000);
	assert_int_equal(f->ui.opane.off, 0);
}

static void test_nick_attr(void **state)
{
	struct fx *f = *state;
	attr_t a, b, c;
	short fg, bg;

	if (!has_colors())
		skip();
	f->app.cfg.nick_colours = NICK_COLOURS_XEP0392;
	a = ui_nick_attr(&f->app, "Romeo", A_BOLD);
	b = ui_nick_attr(&f->app, "juliet@capulet.lit", A_BOLD);
	c = ui_nick_attr(&f->app, "Romeo", A_BOLD);
	assert_int_equal(a, c);
	assert_int_not_equal(a, b);
	/* 8 colours: the six basic ones, Romeo magenta, juliet cyan */
	pair_content((short)PAIR_NUMBER(a), &fg, &bg);
	assert_int_equal(fg, COLOR_MAGENTA);
	assert_int_equal(bg, -1);
	pair_content((short)PAIR_NUMBER(b), &fg, &bg);
	assert_int_equal(fg, COLOR_CYAN);
	/* the pairs come after the theme's */
	assert_true(PAIR_NUMBER(a) > TH_COUNT);
	/* blue blindness turns juliet (209 degrees) orange: red here */
	f->app.cfg.nick_colours = NICK_COLOURS_BLUE;
	pair_content((short)PAIR_NUMBER(ui_nick_attr(&f->app,
						     "juliet@capulet.lit", 0)),
		     &fg, &bg);
	assert_int_equal(fg, COLOR_RED);
	f->app.cfg.nick_colours = NICK_COLOURS_NONE;
	assert_int_equal(ui_nick_attr(&f->app, "Romeo", A_BOLD), A_BOLD);
	f->app.cfg.nick_colours = NICK_COLOURS_XEP0392;
	assert_int_equal(ui_nick_attr(&f->app, NULL, A_DIM), A_DIM);
}

/* The nicks' colours are remembered (a draw shows dozens): whatever
 * the cache holds or drops, a nick gets the colour XEP-0392 gives it,
 * long nicks (not cached) and many nicks sharing slots included. */
static void test_nick_attr_cached(void **state)
{
	struct fx *f = *state;
	char nick[64];

	if (!has_colors())
		skip();
	f->app.cfg.nick_colours = NICK_COLOURS_XEP0392;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 3 * NICK_CACHE; i++) {
			short fg, bg;
			int want;

			snprintf(nick, sizeof nick, i % 7 ? "guest%04d" :
				 "a rather long nickname for a cache, %04d", i);
			pair_content((short)PAIR_NUMBER(ui_nick_attr(&f->app,
								     nick, 0)),
				     &fg, &bg);
			want = nickcolour_pick(&f->ui.nickcol.pal, nick,
					       NICKCOLOUR_CVD_NONE);
			assert_int_equal(fg, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_empty_and_roleless),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_thousand),
		cmocka_unit_test_setup_teardown(test_draw, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_draw_scrolls, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nick_attr, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nick_attr_cached, fx_setup,
						fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
