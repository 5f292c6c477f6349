/* sha1: the hex SHA-1 that XMPP puts on the wire.
 *
 * Two protocols send a SHA-1 of strings joined end to end as 40
 * lowercase hex digits: the SOCKS5 bytestream address (XEP-0065) and
 * the legacy login's digest (XEP-0078). One function makes both, with
 * no copy of the strings (the digest's include a password).
 */
#ifndef NATTER_UTIL_SHA1_H
#define NATTER_UTIL_SHA1_H

/* out: the SHA-1 of the strings given, up to a NULL, joined, as 40
 * lowercase hex digits and a NUL. Aborts when OpenSSL cannot (out of
 * memory, as xmem does). */
void sha1_hex(char out[41], const char *first, ...);

#endif
