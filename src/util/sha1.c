/* sha1: the hex SHA-1 of joined strings (see sha1.h). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/sha1.h"

void sha1_hex(char out[41], const char *first, ...)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	const char *p;
	va_list ap;

	if (!c || !EVP_DigestInit_ex(c, EVP_sha1(), NULL))
		abort();
	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, const char *))
		if (!EVP_DigestUpdate(c, p, strlen(p)))
			abort();
	va_end(ap);
	if (!EVP_DigestFinal_ex(c, md, &len) || len != 20)
		abort();
	EVP_MD_CTX_free(c);
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[40] = '\0';
	explicit_bzero(md, sizeof md);
}
