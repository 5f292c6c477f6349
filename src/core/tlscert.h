/* tlscert: a certificate natter checked itself, in words.
 *
 * libstrophe checks the XMPP stream's certificate and hands us its
 * fingerprint (xmpp/cert.c); the HTTPS of core/http.c (libcurl) and the
 * WSS of core/wsock.c (libwebsockets) give us OpenSSL's X509 instead.
 * This is the one place that turns such a certificate into what a pin
 * names (pinstore.h: the SHA-256 in canonical form) and into the lines
 * the user reads when it is refused. Every string in a struct tlscert is
 * the struct's own and one sanitised line.
 */
#ifndef NATTER_CORE_TLSCERT_H
#define NATTER_CORE_TLSCERT_H

#include <openssl/x509.h>

struct tlscert {
	char *fingerprint; /* SHA-256, as pinstore keeps it */
	char *subject;     /* one line each, sanitised */
	char *issuer;
	char *not_before;
	char *not_after;
	char *why;         /* OpenSSL's words for what failed */
};

/* c's SHA-256 fingerprint in canonical form ("AB:CD:..."), or NULL
 * (no certificate, or OpenSSL failed); the caller frees it. */
char *tlscert_fingerprint(X509 *c);
/* Describes c, refused with OpenSSL's verify error err, into t, unless
 * t already holds a certificate (the first one refused is the one told)
 * or c is NULL. */
void tlscert_record(struct tlscert *t, X509 *c, int err);
/* Frees what t holds and zeroes it. */
void tlscert_clear(struct tlscert *t);

#endif
