/* test_paths: core/paths.h's paths_replace, the one way natter writes a
 * small state file anew (pins, the remembered endpoint, kept feeds).
 *
 * In a temporary directory: a missing parent directory is made (0700)
 * and the file is written 0600 with what fill wrote; writing again
 * replaces it whole; a fill that fails leaves the old file as it was
 * and no temporary file; a temporary name that someone made a symlink
 * is not followed (its target keeps its content); without mkdir_parent
 * a missing directory is an error.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/paths.h"
#include "util/xmem.h"

#include "testutil.h"

static int fill_text(FILE *f, const void *ud)
{
	fputs(ud, f);
	return 0;
}

static int fill_fails(FILE *f, const void *ud)
{
	(void)ud;
	fputs("half", f);
	return -ENOSPC;
}

/* The fixture: dir/sub/state, sub not made. */
static int setup(void **state)
{
	return tu_dir_setup(state, "paths", "sub/state");
}

static void test_writes_with_parent(void **state)
{
	struct tu_dir *fx = *state;
	char *sub = xasprintf("%s/sub", fx->dir), *text;
	struct stat st;

	assert_int_equal(paths_replace(fx->path, true, fill_text, "one\n"), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = tu_read_file(fx->path);
	assert_string_equal(text, "one\n");
	free(text);

	assert_int_equal(paths_replace(fx->path, true, fill_text, "two\n"), 0);
	text = tu_read_file(fx->path);
	assert_string_equal(text, "two\n");
	free(text);
	free(sub);
}

static void test_failed_fill_keeps_old(void **state)
{
	struct tu_dir *fx = *state;
	char *tmp = xasprintf("%s.tmp", fx->path), *text;

	assert_int_equal(paths_replace(fx->path, true, fill_text, "old\n"), 0);
	assert_int_equal(paths_replace(fx->path, true, fill_fails, NULL),
			 -ENOSPC);
	text = tu_read_file(fx->path);
	assert_string_equal(text, "old\n");
	assert_int_equal(access(tmp, F_OK), -1);
	free(text);
	free(tmp);
}

static void test_tmp_link_not_followed(void **state)
{
	struct tu_dir *fx = *state;
	char *tmp = xasprintf("%s.tmp", fx->path);
	char *target = xasprintf("%s/target", fx->dir), *text;

	assert_int_equal(paths_replace(fx->path, true, fill_text, "a\n"), 0);
	tu_write_file(target, "untouched\n");
	assert_int_equal(symlink(target, tmp), 0);
	assert_int_equal(paths_replace(fx->path, true, fill_text, "b\n"), 0);
	text = tu_read_file(target);
	assert_string_equal(text, "untouched\n");
	free(text);
	text = tu_read_file(fx->path);
	assert_string_equal(text, "b\n");
	free(text);
	free(target);
	free(tmp);
}

static void test_no_parent_without_mkdir(void **state)
{
	struct tu_dir *fx = *state;

	assert_int_equal(paths_replace(fx->path, false, fill_text, "x\n"),
			 -ENOENT);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, tu_dir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_writes_with_parent),
		T(test_failed_fill_keeps_old),
		T(test_tmp_link_not_followed),
		T(test_no_parent_without_mkdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
