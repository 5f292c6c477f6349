/* test_castore: xmpp/castore.h.
 *
 * castore_dir_suffices counts a PEM bundle's certificates (whatever the
 * line lengths around them) and a directory's hashed names (HHHHHHHH.N,
 * a second certificate of one hash as .1; not revocation lists .rN, not
 * other files): enough names suffice, fewer do not, nor does a bundle
 * with a revocation list, an empty one, or a missing file or directory.
 * castore_lazy leaves a user's SSL_CERT_FILE alone and a list or an empty
 * SSL_CERT_DIR too; given an SSL_CERT_DIR with more names than OpenSSL's
 * default bundle holds certificates, it sets SSL_CERT_FILE to /dev/null
 * and hides it from the commands natter runs (proc_hide_env, which
 * test_proc tests).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/xmem.h"
#include "xmpp/castore.h"

#include "testutil.h"

static void put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

#define CERT "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

static void test_counts(void **state)
{
	char *dir = tu_tmpdir("castore");
	char *certs = xasprintf("%s/certs", dir);
	char *bundle = xasprintf("%s/bundle.pem", dir);
	char *crl = xasprintf("%s/crl.pem", dir);
	char *empty = xasprintf("%s/empty.pem", dir);
	char *nodir = xasprintf("%s/none", dir);
	char long_line[600];

	(void)state;
	memset(long_line, 'x', sizeof long_line - 2);
	long_line[sizeof long_line - 2] = '\n';
	long_line[sizeof long_line - 1] = '\0';
	assert_int_equal(mkdir(certs, 0700), 0);
	/* three certificates; text between them, a long line that ends in
	 * what looks like a marker at the start of fgets's second
	 * piece of it, which does not start a line */
	put(dir, "bundle.pem", "# a comment\n" CERT "\n" CERT);
	{
		FILE *f = fopen(bundle, "a");

		assert_non_null(f);
		fputs(long_line, f);
		memset(long_line, 'y', 300);
		memcpy(long_line + 255, "-----BEGIN CERTIFICATE-----", 27);
		fputs(long_line, f);
		fputs("-----BEGIN TRUSTED CERTIFICATE-----\nMIIB\n"
		      "-----END TRUSTED CERTIFICATE-----\n", f);
		assert_int_equal(fclose(f), 0);
	}
	put(dir, "crl.pem", CERT "-----BEGIN X509 CRL-----\nMIIB\n"
			    "-----END X509 CRL-----\n");
	put(dir, "empty.pem", "");

	put(certs, "0a1b2c3d.0", "");
	put(certs, "0a1b2c3d.r0", "");  /* a revocation list */
	put(certs, "ca-certificates.crt", "");
	put(certs, "0A1B2C3.0", "");    /* 7 digits */
	put(certs, "0a1b2c3g.0", "");   /* not hex */
	put(certs, "0a1b2c3d.", "");
	assert_false(castore_dir_suffices(bundle, certs));
	put(certs, "0a1b2c3d.1", "");
	assert_false(castore_dir_suffices(bundle, certs));
	put(certs, "ffffffff.0", "");
	assert_true(castore_dir_suffices(bundle, certs));
	put(certs, "0000abcd.12", "");
	assert_true(castore_dir_suffices(bundle, certs));

	assert_false(castore_dir_suffices(crl, certs));
	assert_false(castore_dir_suffices(empty, certs));
	assert_false(castore_dir_suffices(nodir, certs));
	assert_false(castore_dir_suffices(bundle, nodir));

	free(certs);
	free(bundle);
	free(crl);
	free(empty);
	free(nodir);
	tu_rmtree(dir);
	free(dir);
}

static void test_lazy(void **state)
{
	const char *file_env = X509_get_default_cert_file_env();
	const char *dir_env = X509_get_default_cert_dir_env();
	char *dir = tu_tmpdir("castore");
	char *two = xasprintf("%s:%s", dir, dir);
	int i;

	(void)state;
	/* more names than any system bundle holds certificates */
	for (i = 0; i < 2000; i++) {
		char name[16];

		snprintf(name, sizeof name, "%08x.0", (unsigned)i);
		put(dir, name, "");
	}
	if (!castore_dir_suffices(X509_get_default_cert_file(), dir)) {
		tu_rmtree(dir);
		free(dir);
		free(two);
		skip(); /* no readable default bundle here: nothing to spare */
	}
	setenv(file_env, "/etc/mine.pem", 1);
	setenv(dir_env, dir, 1);
	assert_false(castore_lazy());
	assert_string_equal(getenv(file_env), "/etc/mine.pem");
	unsetenv(file_env);
	setenv(dir_env, two, 1);
	assert_false(castore_lazy());
	setenv(dir_env, "", 1);
	assert_false(castore_lazy());
	assert_null(getenv(file_env));

	setenv(dir_env, dir, 1);
	assert_true(castore_lazy());
	assert_string_equal(getenv(file_env), "/dev/null");
	unsetenv(file_env);
	unsetenv(dir_env);
	tu_rmtree(dir);
	free(dir);
	free(two);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_lazy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
