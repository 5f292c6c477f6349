/* test_pinstore: core/pinstore.h.
 *
 * pin_normalize on the spellings a user may paste (any case, with or
 * without ':' separators, with spaces) and on what it must refuse (wrong
 * length, non-hex). The store itself runs in a temporary directory: a
 * missing file is an empty store; pinstore_set writes a mode-0600 file of
 * "DOMAIN FP" lines that a fresh pinstore_load reads back; a second pin
 * for a domain replaces the first; lookups ignore the domain's case;
 * comments and malformed lines in a hand-written file are skipped; a
 * malformed fingerprint gives -EINVAL and an unwritable location a
 * negative errno.
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

#include "core/pinstore.h"

#include "testutil.h"

/* The canonical form of the test fingerprints. */
#define FP_A "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:" \
	     "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"
#define FP_A_RAW "0123456789abcdef0123456789abcdef" \
		 "0123456789abcdef0123456789abcdef"
#define FP_B "FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00:" \
	     "FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00"

/* The fixture is a struct tu_dir: path is dir/trusted_certs. */
static int setup(void **state)
{
	return tu_dir_setup(state, "pins", "trusted_certs");
}

/* Checks pin_normalize(in) against want (NULL: refused). */
static void check_norm(const char *in, const char *want)
{
	char *got = pin_normalize(in);

	if (!want) {
		if (got) {
			char shown[128];

			snprintf(shown, sizeof shown, "%s", got);
			free(got);
			fail_msg("\"%s\" normalised to \"%s\", expected refusal",
				 in, shown);
		}
		return;
	}
	if (!got)
		fail_msg("\"%s\" refused, expected \"%s\"", in, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_normalize_forms(void **state)
{
	(void)state;
	check_norm(FP_A, FP_A);
	check_norm(FP_A_RAW, FP_A);
	/* lower case with colons */
	check_norm("01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
		   "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef",
		   FP_A);
	/* mixed case, no separators */
	check_norm("0123456789AbCdEf0123456789aBcDeF"
		   "0123456789ABCDEF0123456789abcdef",
		   FP_A);
	/* spaces as separators, and around */
	check_norm("01 23 45 67 89 AB CD EF 01 23 45 67 89 AB CD EF "
		   "01 23 45 67 89 AB CD EF 01 23 45 67 89 AB CD EF ",
		   FP_A);
	check_norm("ffeeddccbbaa99887766554433221100"
		   "FFEEDDCCBBAA99887766554433221100",
		   FP_B);
}

static void test_normalize_refused(void **state)
{
	(void)state;
	check_norm("", NULL);
	check_norm(":::", NULL);
	/* 31 bytes */
	check_norm("0123456789abcdef0123456789abcdef"
		   "0123456789abcdef0123456789abcd",
		   NULL);
	/* 33 bytes */
	check_norm(FP_A_RAW "00", NULL);
	/* an odd number of digits */
	check_norm(FP_A_RAW "0", NULL);
	/* a SHA-1 fingerprint (20 bytes) */
	check_norm("01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67",
		   NULL);
	/* non-hex characters, right length */
	check_norm("0123456789abcdef0123456789abcdef"
		   "0123456789abcdef0123456789abcdeg",
		   NULL);
	check_norm("0x23456789abcdef0123456789abcdef"
		   "0123456789abcdef0123456789abcdef",
		   NULL);
	check_norm("01-23-45-67-89-AB-CD-EF-01-23-45-67-89-AB-CD-EF-"
		   "01-23-45-67-89-AB-CD-EF-01-23-45-67-89-AB-CD-EF",
		   NULL);
}

static void test_load_missing(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;

	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(ps.n, 0);
	assert_string_equal(ps.path, fx->path);
	assert_null(pinstore_get(&ps, "example.com"));
	pinstore_clear(&ps);
	assert_null(ps.path);
	assert_null(ps.pins);
}

static void test_set_get(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;

	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(pinstore_set(&ps, "example.com", FP_A_RAW), 0);
	/* stored in canonical form */
	assert_string_equal(pinstore_get(&ps, "example.com"), FP_A);
	assert_null(pinstore_get(&ps, "example.org"));
	assert_int_equal(pinstore_set(&ps, "example.org", FP_B), 0);
	assert_string_equal(pinstore_get(&ps, "example.org"), FP_B);
	assert_string_equal(pinstore_get(&ps, "example.com"), FP_A);
	assert_int_equal(ps.n, 2);
	pinstore_clear(&ps);
}

static void test_set_writes_file(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;
	struct stat st;
	char *text, *line, *save = NULL;
	int pins = 0;

	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(pinstore_set(&ps, "example.com", FP_A), 0);
	assert_int_equal(pinstore_set(&ps, "example.org", FP_B), 0);
	pinstore_clear(&ps);

	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	text = tu_read_file(fx->path);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (strcmp(line, "example.com " FP_A) == 0 ||
		    strcmp(line, "example.org " FP_B) == 0)
			pins++;
		else
			fail_msg("unexpected line \"%s\"", line);
	}
	assert_int_equal(pins, 2);
	free(text);

	/* no temporary file is left behind */
	{
		char tmp[160];

		snprintf(tmp, sizeof tmp, "%s.tmp", fx->path);
		assert_int_equal(access(tmp, F_OK), -1);
	}
}

static void test_reload(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps, again;

	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(pinstore_set(&ps, "example.com", FP_A), 0);
	assert_int_equal(pinstore_set(&ps, "chat.example.net", FP_B), 0);

	assert_int_equal(pinstore_load(&again, fx->path), 0);
	assert_int_equal(again.n, 2);
	assert_string_equal(pinstore_get(&again, "example.com"), FP_A);
	assert_string_equal(pinstore_get(&again, "chat.example.net"), FP_B);
	pinstore_clear(&again);
	pinstore_clear(&ps);
}

static void test_set_replaces(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;
	char *text;

	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(pinstore_set(&ps, "example.com", FP_A), 0);
	assert_int_equal(pinstore_set(&ps, "example.com", FP_B), 0);
	assert_int_equal(ps.n, 1);
	assert_string_equal(pinstore_get(&ps, "example.com"), FP_B);
	/* the domain's case does not make a second pin */
	assert_int_equal(pinstore_set(&ps, "EXAMPLE.com", FP_A), 0);
	assert_int_equal(ps.n, 1);
	assert_string_equal(pinstore_get(&ps, "example.com"), FP_A);
	pinstore_clear(&ps);

	/* and the file holds the one, latest pin */
	text = tu_read_file(fx->path);
	assert_non_null(strstr(text, FP_A));
	assert_null(strstr(text, FP_B));
	free(text);
	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(ps.n, 1);
	assert_string_equal(pinstore_get(&ps, "example.com"), FP_A);
	pinstore_clear(&ps);
}

static void test_get_case_insensitive(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;

	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(pinstore_set(&ps, "Example.COM", FP_A), 0);
	assert_string_equal(pinstore_get(&ps, "example.com"), FP_A);
	assert_string_equal(pinstore_get(&ps, "EXAMPLE.COM"), FP_A);
	assert_string_equal(pinstore_get(&ps, "Example.COM"), FP_A);
	assert_null(pinstore_get(&ps, "example.co"));
	assert_null(pinstore_get(&ps, "example.com.au"));
	pinstore_clear(&ps);
}

static void test_hand_written_file(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;

	tu_write_file(fx->path,
		   "# pins written by hand\n"
		   "\n"
		   "example.com " FP_A "\n"
		   "#example.net " FP_A "\n"
		   "justonefield\n"
		   "bad.example nothex\n"
		   "short.example 01:23:45\n"
		   "   \n"
		   "lower.example " FP_A_RAW "\n"
		   "example.org " FP_B "\n");
	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(ps.n, 3);
	assert_string_equal(pinstore_get(&ps, "example.com"), FP_A);
	assert_string_equal(pinstore_get(&ps, "example.org"), FP_B);
	/* a fingerprint written by hand in another spelling is canonical */
	assert_string_equal(pinstore_get(&ps, "lower.example"), FP_A);
	assert_null(pinstore_get(&ps, "example.net"));
	assert_null(pinstore_get(&ps, "#example.net"));
	assert_null(pinstore_get(&ps, "justonefield"));
	assert_null(pinstore_get(&ps, "bad.example"));
	assert_null(pinstore_get(&ps, "short.example"));
	pinstore_clear(&ps);
}

static void test_set_malformed(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;

	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(pinstore_set(&ps, "example.com", "not a fingerprint"),
			 -EINVAL);
	assert_int_equal(pinstore_set(&ps, "example.com", "01:23"), -EINVAL);
	assert_int_equal(ps.n, 0);
	assert_null(pinstore_get(&ps, "example.com"));
	/* nothing was written */
	assert_int_equal(access(fx->path, F_OK), -1);
	/* an existing pin survives a malformed replacement */
	assert_int_equal(pinstore_set(&ps, "example.com", FP_A), 0);
	assert_int_equal(pinstore_set(&ps, "example.com", "zz"), -EINVAL);
	assert_string_equal(pinstore_get(&ps, "example.com"), FP_A);
	pinstore_clear(&ps);
}

static void test_set_missing_dir(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;
	char path[192];
	int r;

	snprintf(path, sizeof path, "%s/no/such/dir/trusted_certs", fx->dir);
	assert_int_equal(pinstore_load(&ps, path), 0);
	r = pinstore_set(&ps, "example.com", FP_A);
	assert_true(r < 0);
	assert_int_equal(r, -ENOENT);
	pinstore_clear(&ps);
}

/* The store's file is mode 0600 however it came to be written, even if
 * a crashed earlier save left its temporary file with a wider mode. */
static void test_mode_with_stale_tmp(void **state)
{
	struct tu_dir *fx = *state;
	struct pinstore ps;
	struct stat st;
	char tmp[160];

	snprintf(tmp, sizeof tmp, "%s.tmp", fx->path);
	tu_write_file(tmp, "leftover\n");
	assert_int_equal(chmod(tmp, 0644), 0);
	assert_int_equal(pinstore_load(&ps, fx->path), 0);
	assert_int_equal(pinstore_set(&ps, "example.com", FP_A), 0);
	pinstore_clear(&ps);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, tu_dir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_forms),
		cmocka_unit_test(test_normalize_refused),
		T(test_load_missing),
		T(test_set_get),
		T(test_set_writes_file),
		T(test_reload),
		T(test_set_replaces),
		T(test_get_case_insensitive),
		T(test_hand_written_file),
		T(test_set_malformed),
		T(test_set_missing_dir),
		T(test_mode_with_stale_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
