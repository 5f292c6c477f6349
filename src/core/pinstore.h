/* pinstore: certificates the user chose to trust, pinned by fingerprint.
 *
 * The file ($XDG_DATA_HOME/natter/trusted_certs, mode 0600) holds one
 * pin per line: "DOMAIN FINGERPRINT", the fingerprint being the SHA-256
 * of the certificate in canonical form (uppercase hex pairs joined by
 * ':', as `openssl x509 -fingerprint -sha256` prints it). Lines starting
 * with '#' and blank lines are ignored. One pin per domain: trusting a
 * new certificate replaces the old pin. A web server's certificate,
 * pinned for a download (core/transfer.h), is kept as "https://HOST".
 */
#ifndef NATTER_CORE_PINSTORE_H
#define NATTER_CORE_PINSTORE_H

#include <stddef.h>

struct pin {
	char *domain;
	char *fingerprint;
};

struct pinstore {
	char *path;
	struct pin *pins;
	size_t n, cap;
};

/* Loads path (a missing file is an empty store). Returns 0 or -errno;
 * malformed lines are skipped. */
int pinstore_load(struct pinstore *ps, const char *path);
void pinstore_clear(struct pinstore *ps);
/* The pinned fingerprint of domain, or NULL; borrowed from the store. */
const char *pinstore_get(const struct pinstore *ps, const char *domain);
/* Pins fp for domain and rewrites the file atomically. Returns 0, -EINVAL
 * for a malformed fingerprint, or -errno. */
int pinstore_set(struct pinstore *ps, const char *domain, const char *fp);
/* Canonical form of a SHA-256 fingerprint written in hex with or without
 * ':' separators, any case; NULL if it is not 32 bytes of hex. The
 * caller frees the result. */
char *pin_normalize(const char *fp);

#endif
