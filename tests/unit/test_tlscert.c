/* test_tlscert: core/tlscert.h on a fixed certificate.
 *
 * The certificate below was made once with `openssl req -x509` and its
 * fingerprint, names and dates read with `openssl x509 -fingerprint
 * -sha256 -subject -issuer -dates`: tlscert must say the same, in the
 * form the pin store keeps (pin_normalize leaves it as it is). Covered:
 * the fingerprint; a refused certificate recorded with OpenSSL's words
 * for its error; the first one recorded kept; NULL and clearing.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "core/pinstore.h"
#include "core/tlscert.h"

static const char cert_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBnDCCAUKgAwIBAgIBBzAKBggqhkjOPQQDAjAtMRQwEgYDVQQKDAtuYXR0ZXIg\n"
	"dW5pdDEVMBMGA1UEAwwMdGxzY2VydC50ZXN0MB4XDTI2MTEzMDIyNDgyMFoXDTM2\n"
	"MTEyNzIyNDgyMFowLTEUMBIGA1UECgwLbmF0dGVyIHVuaXQxFTATBgNVBAMMDHRs\n"
	"c2NlcnQudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBZZourlrb84Tshq\n"
	"7bJgtV9fQBMlfZ4U8SHh6yXVgG4b25g6dEZkOdJOUMO/u9ykfLyuNhkZRXAPfGaN\n"
	"fgpvVzWjUzBRMB0GA1UdDgQWBBQwgJpBFXlTDt1TQySp7JilWUgJvjAfBgNVHSME\n"
	"GDAWgBQwgJpBFXlTDt1TQySp7JilWUgJvjAPBgNVHRMBAf8EBTADAQH/MAoGCCqG\n"
	"SM49BAMCA0gAMEUCIQCdF/pFBUnu3k9YfAouYiC7qjHY360jkGFaxh38JcpGCAIg\n"
	"a+HmR2NSiCjYkg4PqI0JRnYmwO95pLL8N6QfxlJOuxM=\n"
	"-----END CERTIFICATE-----\n";

#define CERT_FP "C6:B4:29:8F:FA:3D:5A:6C:6B:0D:E7:7A:33:E3:AF:E6:" \
		"7F:3C:4C:18:89:3B:69:46:52:B2:FD:83:87:38:7C:42"

static X509 *load(void)
{
	BIO *b = BIO_new_mem_buf(cert_pem, -1);
	X509 *c = PEM_read_bio_X509(b, NULL, NULL, NULL);

	BIO_free(b);
	assert_non_null(c);
	return c;
}

static void test_fingerprint(void **state)
{
	X509 *c = load();
	char *fp = tlscert_fingerprint(c);
	char *norm;

	(void)state;
	assert_string_equal(fp, CERT_FP);
	norm = pin_normalize(fp);
	assert_string_equal(norm, fp);
	free(norm);
	free(fp);
	assert_null(tlscert_fingerprint(NULL));
	X509_free(c);
}

static void test_record_first_kept(void **state)
{
	X509 *c = load();
	struct tlscert t = { 0 };

	(void)state;
	tlscert_record(&t, NULL, X509_V_ERR_CERT_HAS_EXPIRED);
	assert_null(t.fingerprint);
	tlscert_record(&t, c, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	assert_string_equal(t.fingerprint, CERT_FP);
	assert_string_equal(t.subject, "/O=natter unit/CN=tlscert.test");
	assert_string_equal(t.issuer, "/O=natter unit/CN=tlscert.test");
	assert_string_equal(t.not_before, "Nov 30 22:48:20 2026 GMT");
	assert_string_equal(t.not_after, "Nov 27 22:48:20 2036 GMT");
	assert_string_equal(t.why, "self-signed certificate");
	/* a second refusal (another certificate of the chain) is not told */
	tlscert_record(&t, c, X509_V_ERR_CERT_HAS_EXPIRED);
	assert_string_equal(t.why, "self-signed certificate");
	tlscert_clear(&t);
	assert_null(t.fingerprint);
	assert_null(t.subject);
	assert_null(t.why);
	tlscert_clear(&t);
	X509_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_record_first_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
