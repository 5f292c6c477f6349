/* test_fixd: the helpers that replaced copies (util/sha1.h, util/dl.h).
 *
 * sha1_hex: FIPS 180's "abc" vector, and the same digest whether the
 * text comes whole or in parts (as s5_dst and iqauth_digest give it).
 * dl_load: a library that exists (the C library) fills its table, an
 * optional name it lacks is left NULL; a missing library and a missing
 * function fail with nothing open and words saying which.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "util/dl.h"
#include "util/sha1.h"

static void test_sha1_vector(void **state)
{
	char out[41];

	(void)state;
	sha1_hex(out, "abc", (const char *)NULL);
	assert_string_equal(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_hex(out, "a", "", "bc", (const char *)NULL);
	assert_string_equal(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_hex(out, (const char *)NULL);
	assert_string_equal(out, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

static struct {
	size_t (*len)(const char *);
	int (*nothing)(void);
} t;

static void test_dl_table(void **state)
{
	const struct dl_sym syms[] = {
		DL_SYM(t.len, "strlen"),
		DL_SYM_OPTIONAL(t.nothing, "natter_no_such_function"),
	};
	char *why = NULL;
	void *lib;

	(void)state;
	t.nothing = (int (*)(void))abort;
	lib = dl_load("libc.so.6", "libc6", syms, 2, &why);
	assert_non_null(lib);
	assert_null(why);
	assert_non_null(t.len);
	assert_int_equal(t.len("natter"), 6);
	assert_null(t.nothing);
	dlclose(lib);
}

static void test_dl_missing(void **state)
{
	const struct dl_sym syms[] = {
		DL_SYM(t.len, "strlen"),
		DL_SYM(t.nothing, "natter_no_such_function"),
	};
	char *why = NULL;

	(void)state;
	assert_null(dl_load("libnatter-no-such-library.so.0", "natter-none", syms, 2,
			    &why));
	assert_non_null(why);
	assert_non_null(strstr(why, "libnatter-no-such-library.so.0"));
	free(why);
	why = NULL;
	assert_null(dl_load("libc.so.6", "libc6", syms, 2, &why));
	assert_string_equal(why, "libc.so.6 (the Debian package libc6), which "
				 "cannot be loaded: it has no "
				 "natter_no_such_function");
	free(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_vector),
		cmocka_unit_test(test_dl_table),
		cmocka_unit_test(test_dl_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
