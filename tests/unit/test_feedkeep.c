/* test_feedkeep: the remembered feeds of an account (core/feedkeep.h).
 *
 * - Feeds added are read back in order, once each; removing one keeps
 *   the others, and removing the last removes the file.
 * - What cannot be kept on one line is refused (a service that is not
 *   a JID, an empty node, a node with a tab or a newline).
 * - Lines of the file that are not feeds (no tab, a bad JID, a control
 *   character, a line longer than any feed) are skipped on reading.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/feedkeep.h"
#include "testutil.h"

static int setup(void **state)
{
	return tu_dir_setup(state, "feedkeep", "sub/feeds");
}

static int teardown(void **state)
{
	return tu_dir_teardown(state);
}

static void test_add_remove(void **state)
{
	struct tu_dir *d = *state;
	struct feedkeep *v;
	size_t n;

	assert_int_equal(feedkeep_load(d->path, &v), 0);
	assert_null(v);
	assert_int_equal(feedkeep_add(d->path, "pubsub.example.org", "news"),
			 0);
	assert_int_equal(feedkeep_add(d->path, "bob@example.org",
				      "urn:xmpp:microblog:0"), 0);
	assert_int_equal(feedkeep_add(d->path, "pubsub.example.org",
				      "a node with spaces"), 0);
	/* there already: nothing to do */
	assert_int_equal(feedkeep_add(d->path, "pubsub.example.org", "news"),
			 0);
	n = feedkeep_load(d->path, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].service, "pubsub.example.org");
	assert_string_equal(v[0].node, "news");
	assert_string_equal(v[1].service, "bob@example.org");
	assert_string_equal(v[1].node, "urn:xmpp:microblog:0");
	assert_string_equal(v[2].node, "a node with spaces");
	feedkeep_free(&v, n);
	assert_null(v);

	assert_int_equal(feedkeep_remove(d->path, "pubsub.example.org",
					 "news"), 0);
	assert_int_equal(feedkeep_remove(d->path, "nobody.example.org",
					 "news"), 0);
	n = feedkeep_load(d->path, &v);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].service, "bob@example.org");
	assert_string_equal(v[1].node, "a node with spaces");
	feedkeep_free(&v, n);
	feedkeep_remove(d->path, "bob@example.org", "urn:xmpp:microblog:0");
	feedkeep_remove(d->path, "pubsub.example.org", "a node with spaces");
	assert_int_equal(access(d->path, F_OK), -1);
	assert_int_equal(feedkeep_load(d->path, &v), 0);
}

static void test_refused(void **state)
{
	struct tu_dir *d = *state;
	struct feedkeep *v;

	assert_int_equal(feedkeep_add(d->path, "not a jid", "news"), -EINVAL);
	assert_int_equal(feedkeep_add(d->path, "pubsub.example.org", ""),
			 -EINVAL);
	assert_int_equal(feedkeep_add(d->path, "pubsub.example.org",
				      "a\tb"), -EINVAL);
	assert_int_equal(feedkeep_add(d->path, "pubsub.example.org",
				      "a\nb"), -EINVAL);
	assert_int_equal(feedkeep_load(d->path, &v), 0);
}

static void test_junk_skipped(void **state)
{
	struct tu_dir *d = *state;
	struct feedkeep *v;
	char *long_line = malloc(20000), *text;
	size_t n;

	assert_non_null(long_line);
	memset(long_line, 'x', 19999);
	long_line[19999] = '\0';
	assert_int_equal(feedkeep_add(d->path, "pubsub.example.org", "news"),
			 0); /* makes the directory */
	text = malloc(21000);
	assert_non_null(text);
	snprintf(text, 21000,
		 "no tab here\n"
		 "not a jid\tnews\n"
		 "pubsub.example.org\tbell\a\n"
		 "pubsub.example.org\t%s\tlong\n"
		 "pubsub.example.org\tkept\n"
		 "pubsub.example.org\tunfinished",
		 long_line);
	tu_write_file(d->path, text);
	n = feedkeep_load(d->path, &v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].node, "kept");
	feedkeep_free(&v, n);
	free(text);
	free(long_line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_remove, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junk_skipped, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
