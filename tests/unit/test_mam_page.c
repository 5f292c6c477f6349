/* test_mam_page: an archive catch-up's page in the history. A page's
 * messages and the cursor recorded after them (history_archive_cursor_set)
 * share one transaction: the page costs no commit of its own, and a
 * natter killed before the batch's commit keeps neither (the catch-up
 * then asks the page again), one killed after it keeps both, whole. And
 * however a message reaches us (live, as a carbon, from offline storage,
 * from the archive, in any order, in one batch or over a restart), it
 * is one row. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/history.h"
#include "testutil.h"

#define PAGE 250
#define PEER "archiver@x"

struct fixture {
	char *dir;
	char *path;
	struct history *h;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->dir = tu_history_open(&fx->h, &fx->path, "mampage");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_history_close(&fx->h, fx->dir, fx->path);
	free(fx);
	return 0;
}

/* Archive result i (as xmpp/mam.c stores one): its archive id Ai, the
 * sender's id ami. */
static int add_result(struct history *h, int i)
{
	char aid[32], sid[32], body[64];
	struct hist_msg m = { .peer = PEER, .ts_ms = 100000 + i,
			      .dir = HIST_IN, .nick = "archiver", .body = body,
			      .stanza_id = sid, .archive_id = aid };

	snprintf(aid, sizeof aid, "A%d", i);
	snprintf(sid, sizeof sid, "am%d", i);
	snprintf(body, sizeof body, "archived %d", i);
	return history_add(h, &m);
}

#define STORED "SELECT count(*) FROM messages WHERE peer = '" PEER "'"
#define CURSORS "SELECT count(*) FROM archive_cursor"

/* A page in a child that stops without closing: after the batch's
 * commit when commit is set, else before it. */
static void page_then_die(const char *path, bool commit)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct history *h;
		char *err = NULL;
		int i;

		if (history_open(&h, path, &err) < 0)
			_exit(1);
		for (i = 1; i <= PAGE; i++)
			if (add_result(h, i) != 1)
				_exit(2);
		if (history_archive_cursor_set(h, "", "A250", 100000 + PAGE) < 0)
			_exit(3);
		/* the cursor committed nothing by itself */
		if (tu_sql_number(path, STORED) != 0 || tu_sql_number(path, CURSORS) != 0)
			_exit(4);
		if (commit && history_commit(h) < 0)
			_exit(5);
		_exit(0); /* no close: as if killed */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_page_and_cursor_together(void **state)
{
	struct fixture *fx = *state;
	char *after = NULL, *err = NULL;
	int64_t ts = 0;

	history_close(&fx->h);
	/* killed before the commit: neither the page nor its cursor */
	page_then_die(fx->path, false);
	assert_int_equal(tu_sql_number(fx->path, STORED), 0);
	assert_int_equal(tu_sql_number(fx->path, CURSORS), 0);
	/* after it: the whole page and its cursor */
	page_then_die(fx->path, true);
	assert_int_equal(tu_sql_number(fx->path, STORED), PAGE);
	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(history_archive_cursor(fx->h, "", &after, &ts), 1);
	assert_string_equal(after, "A250");
	assert_int_equal(ts, 100000 + PAGE);
	free(after);
	/* the page asked again (the cursor said where): stored once */
	for (int i = 1; i <= PAGE; i++)
		assert_int_equal(add_result(fx->h, i), 0);
	history_close(&fx->h);
	assert_int_equal(tu_sql_number(fx->path, STORED), PAGE);
}

/* The cursor only follows what is stored: a batch still open is
 * committed with it, and forgetting it (the catch-up's end) joins the
 * batch too. */
static void test_cursor_in_open_batch(void **state)
{
	struct fixture *fx = *state;
	char *after = NULL;
	int64_t ts = 0;

	assert_int_equal(add_result(fx->h, 1), 1);
	assert_int_equal(history_archive_cursor_set(fx->h, "", "A1", 100001),
			 0);
	assert_true(history_pending(fx->h));
	assert_int_equal(tu_sql_number(fx->path, STORED), 0);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(tu_sql_number(fx->path, STORED), 1);
	assert_int_equal(tu_sql_number(fx->path, CURSORS), 1);
	assert_int_equal(history_archive_cursor_set(fx->h, "", NULL, -1), 0);
	assert_int_equal(tu_sql_number(fx->path, CURSORS), 1);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(tu_sql_number(fx->path, CURSORS), 0);
	assert_int_equal(history_archive_cursor(fx->h, "", &after, &ts), 0);
}

/* One message, four ways: live (with the archive's stanza-id), a carbon
 * of it (same ids), the offline copy (its id, no archive id: a server
 * without an archive on the way) and the archive's result (its archive
 * id and the sender's id), in every order. */
static void test_dedup_four_ways(void **state)
{
	struct fixture *fx = *state;
	struct hist_msg live = { .peer = "juliet@x", .ts_ms = 5000,
				 .dir = HIST_IN, .nick = "juliet",
				 .body = "hello", .stanza_id = "m1",
				 .origin_id = "o1", .archive_id = "S1" };
	struct hist_msg carbon = live, offline = live, archive = live;
	const struct hist_msg *orders[][4] = {
		{ &live, &carbon, &offline, &archive },
		{ &archive, &offline, &carbon, &live },
		{ &offline, &archive, &live, &carbon },
		{ &carbon, &live, &archive, &offline },
	};
	char peer[32], aid[32];
	size_t o, i;

	carbon.device = "phone";
	offline.archive_id = NULL;
	offline.ts_ms = 5100; /* its <delay/>, the server's clock */
	archive.ts_ms = 4000;
	archive.origin_id = NULL;
	for (o = 0; o < sizeof orders / sizeof *orders; o++) {
		/* (an archive id names one message of the whole archive) */
		snprintf(peer, sizeof peer, "juliet%zu@x", o);
		snprintf(aid, sizeof aid, "S1-%zu", o);
		for (i = 0; i < 4; i++) {
			struct hist_msg m = *orders[o][i];

			m.peer = peer;
			if (m.archive_id)
				m.archive_id = aid;
			assert_int_equal(history_add(fx->h, &m), i == 0 ? 1 : 0);
			if (i == 1) /* across a commit, too */
				assert_int_equal(history_commit(fx->h), 0);
		}
	}
	history_close(&fx->h);
	assert_int_equal(tu_sql_number(fx->path, "SELECT count(*) FROM messages"),
			 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_page_and_cursor_together,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cursor_in_open_batch,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_four_ways, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
