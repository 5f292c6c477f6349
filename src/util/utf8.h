/* utf8: decoding, display width and the one sanitiser for remote text.
 *
 * Everything a remote party controls passes through utf8_sanitize()
 * before it can reach the terminal: invalid sequences become U+FFFD,
 * C0/C1 controls and DEL are dropped (tab becomes a space, newline is
 * kept only when asked), and bidi embedding/override/isolate controls
 * are removed so a name cannot reorder the line it sits in.
 */
#ifndef NATTER_UTIL_UTF8_H
#define NATTER_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_KEEP_NEWLINES 1

/* Decodes one code point from s (at most n bytes). Returns the number of
 * bytes consumed (>= 1 when n >= 1) and stores the code point, or
 * 0xFFFD for an invalid or truncated sequence, in *cp. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (4 bytes room); returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);
/* Returns a sanitised copy of s; the caller frees it. */
char *utf8_sanitize(const char *s, int flags);
/* How many of the first n bytes of s are printable ASCII (0x20 to
 * 0x7E) before the first that is not: what the sanitising copies as it
 * is, found eight bytes at a time. */
size_t utf8_printable_prefix(const char *s, size_t n);
/* True when s (n bytes) is valid UTF-8 with nothing utf8_sanitize()
 * would remove or replace. */
bool utf8_is_clean(const char *s, size_t n);
/* Whether cp must never reach the terminal: C0 and C1 controls, DEL,
 * and the marks and overrides that reorder text (bidi). */
bool utf8_cp_hostile(uint32_t cp);
/* Code points in s (an invalid sequence counts as one, as decoded). */
size_t utf8_count(const char *s);
/* Display width of a (sanitised) UTF-8 string in terminal cells. */
size_t utf8_width(const char *s);
/* Display width of one code point: 0 (combining), 1 or 2. */
int utf8_cp_width(uint32_t cp);
/* The lower-case form of cp (Unicode's simple mapping, whatever the
 * locale), for comparing text without regard to case. */
uint32_t utf8_lower(uint32_t cp);
/* Whether a (na bytes) and b (nb bytes) are the same text but for
 * case (utf8_lower on each code point): "Lounge" and "lounge". */
bool utf8_same_nocase(const char *a, size_t na, const char *b, size_t nb);
/* Whether cp belongs inside a word: a letter or digit of any script, a
 * combining mark or '_'. */
bool utf8_is_word(uint32_t cp);
/* s as one line of at most max bytes: sanitised as utf8_sanitize(s, 0)
 * does, every run of blanks (newlines, tabs, spaces) made one space,
 * trimmed, and cut between characters. The caller frees it. */
char *utf8_one_line(const char *s, size_t max);
/* The length s has cut to at most max bytes between characters (its
 * whole length when it is no longer). */
size_t utf8_cut_at(const char *s, size_t max);
/* Cuts s in place to at most max bytes, between characters. */
void utf8_cut(char *s, size_t max);

#endif
