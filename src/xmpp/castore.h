/* castore: the CA certificates of libstrophe's TLS, read as a chain
 * needs them rather than all at each connection.
 *
 * libstrophe gives every TLS context OpenSSL's default verify paths:
 * the CA bundle file, which OpenSSL parses whole there and then (about
 * 140 certificates: 0.85 MiB of heap for as long as the connection
 * lasts and 50 ms of CPU, each time natter connects), and the hashed
 * directory, from which it reads one certificate by its subject's hash
 * when a chain needs it. Where that directory holds at least as many
 * certificates as the bundle (Debian's update-ca-certificates writes
 * both from the same list), the bundle adds nothing but its cost, so
 * castore_lazy() sets SSL_CERT_FILE, OpenSSL's override of the bundle's
 * path, to /dev/null, and the directory alone serves. A user's own
 * SSL_CERT_FILE is left alone, and so is a directory that holds fewer
 * certificates than the bundle; the programs natter runs get the
 * environment as natter found it (proc_hide_env), and libcurl
 * (core/http.c) its own CA file, as when the user sets none
 * (proc_env_hidden).
 */
#ifndef NATTER_XMPP_CASTORE_H
#define NATTER_XMPP_CASTORE_H

#include <stdbool.h>

/* Whether dir's hashed names (HHHHHHHH.N) are at least as many as the
 * certificates of the PEM bundle file, which has at least one and no
 * revocation list. false when either cannot be read. */
bool castore_dir_suffices(const char *file, const char *dir);

/* Points OpenSSL at the hashed directory alone when it suffices (see
 * above): OpenSSL's default one, or SSL_CERT_DIR when that names one
 * directory. Call before the first TLS connection. Returns whether it
 * did. */
bool castore_lazy(void);

#endif
