/* jid: parsing and splitting Jabber IDs (RFC 7622, without stringprep).
 *
 * A struct jid owns three strings: local (may be NULL), domain and
 * resource (may be NULL), made by jid_parse() in one allocation that
 * jid_clear() frees: never free one of them alone. natter does not
 * apply PRECIS profiles; it checks the structure and the length limits
 * (1023 bytes per part) and lowercases the domain's ASCII letters,
 * which is what comparisons need in practice.
 */
#ifndef NATTER_UTIL_JID_H
#define NATTER_UTIL_JID_H

#include <stdbool.h>

struct jid {
	char *local;
	char *domain;
	char *resource;
};

/* Parses s into *out; returns 0, or -1 if s is not a valid JID (then
 * *out is left zeroed). Release with jid_clear(). */
int jid_parse(const char *s, struct jid *out);
void jid_clear(struct jid *j);
/* Returns "local@domain" or "domain"; the caller frees it. */
char *jid_bare(const struct jid *j);
/* Returns the full JID string; the caller frees it. */
char *jid_full(const struct jid *j);
bool jid_valid(const char *s);
/* Returns the bare part of a JID string, or NULL if invalid; caller frees. */
char *jid_bare_of(const char *s);
/* Returns the localpart of a JID string (what stands before an '@' that
 * comes before any '/'), or NULL when it has none; the caller frees it.
 * Textual: s is not validated. */
char *jid_local_of(const char *s);

#endif
