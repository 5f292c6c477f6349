/* url: the links in a text, and the file name a link would be saved as.
 *
 * url_next() finds http and https addresses in message text the way a
 * reader sees them: from the scheme to the first space or control
 * character, less trailing punctuation that ends a sentence, and less a
 * closing bracket or quote that opened before the address. Nothing is
 * fetched or resolved here.
 *
 * url_file_name() turns the last segment of a URL's path into a name a
 * download may take in a directory of the user's: percent-decoded, then
 * sanitised as remote text, with path separators, leading dots and
 * spaces taken away, at most URL_NAME_MAX bytes (cut on a character
 * boundary, keeping the extension), and "download" when nothing is left.
 */
#ifndef NATTER_UTIL_URL_H
#define NATTER_UTIL_URL_H

#include <stdbool.h>
#include <stddef.h>

#define URL_NAME_MAX 120

/* The first address at or after text: true, with its start and length;
 * false when there is none. Call again from start + len for the next. */
bool url_next(const char *text, const char **start, size_t *len);
/* The host of an http(s) URL (without brackets for IPv6), or NULL when
 * url is not one; the caller frees it. */
char *url_host(const char *url);
/* The name to save url as (see above); the caller frees it. */
char *url_file_name(const char *url);
/* A name a remote party gave a file (an offer's), made one a download
 * may take as url_file_name() makes the URL's last segment (no
 * percent-decoding); the caller frees it. */
char *url_clean_name(const char *name);
/* s[0..n) percent-decoded; the caller frees it. A broken escape or one
 * giving a NUL makes it NULL when strict, else is kept as it stands. */
char *url_pct_decode(const char *s, size_t n, bool strict);

#endif
