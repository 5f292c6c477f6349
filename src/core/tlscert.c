/* tlscert: a certificate natter checked itself, in words (see
 * tlscert.h). OpenSSL computes; we only format: the fingerprint as
 * `openssl x509 -fingerprint -sha256` prints it, names and dates as one
 * sanitised line each.
 */
#include "config.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tlscert.h"
#include "util/utf8.h"
#include "util/xmem.h"

char *tlscert_fingerprint(X509 *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char *out, *p;

	if (!c || !X509_digest(c, EVP_sha256(), md, &n) || n == 0)
		return NULL;
	out = p = xmalloc(n * 3);
	for (i = 0; i < n; i++)
		p += snprintf(p, 4, i + 1 < n ? "%02X:" : "%02X", md[i]);
	return out;
}

static char *name_of(X509_NAME *nm)
{
	char buf[512];

	if (!nm || !X509_NAME_oneline(nm, buf, sizeof buf))
		return xstrdup("(unknown)");
	return utf8_sanitize(buf, 0);
}

static char *time_of(const ASN1_TIME *t)
{
	char buf[128];
	BIO *b = t ? BIO_new(BIO_s_mem()) : NULL;
	int n = 0;

	if (b && ASN1_TIME_print(b, t))
		n = BIO_read(b, buf, sizeof buf - 1);
	BIO_free(b);
	if (n <= 0)
		return xstrdup("(unknown)");
	buf[n] = '\0';
	return utf8_sanitize(buf, 0);
}

void tlscert_record(struct tlscert *t, X509 *c, int err)
{
	if (t->fingerprint || !c)
		return;
	t->fingerprint = tlscert_fingerprint(c);
	if (!t->fingerprint)
		return;
	t->subject = name_of(X509_get_subject_name(c));
	t->issuer = name_of(X509_get_issuer_name(c));
	t->not_before = time_of(X509_get0_notBefore(c));
	t->not_after = time_of(X509_get0_notAfter(c));
	t->why = xstrdup(X509_verify_cert_error_string(err));
}

void tlscert_clear(struct tlscert *t)
{
	free(t->fingerprint);
	free(t->subject);
	free(t->issuer);
	free(t->not_before);
	free(t->not_after);
	free(t->why);
	memset(t, 0, sizeof *t);
}
