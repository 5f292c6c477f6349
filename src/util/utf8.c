/* utf8: strict UTF-8 decoding, sanitising and width (see utf8.h). */
#include "config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "util/utf8.h"
#include "util/xmem.h"

#define REPLACEMENT 0xFFFDu

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t len, i;

	if (n == 0) {
		*cp = REPLACEMENT;
		return 0;
	}
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2, c = s[0] & 0x1F, min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3, c = s[0] & 0x0F, min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	for (i = 1; i < len; i++) {
		if (i >= n || (s[i] & 0xC0) != 0x80) {
			*cp = REPLACEMENT;
			return i;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates and values past Unicode are invalid */
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = REPLACEMENT;
	*cp = c;
	return len;
}

size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

bool utf8_cp_hostile(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t utf8_printable_prefix(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = ones * 0x80;
	size_t i = 0;
	uint64_t x;

	/* eight bytes at a time: a byte below 0x20 sets its high bit in
	 * the first term, one from 0x7F up in the second (a carry out of
	 * a byte comes only from 0xFF, which is caught itself) */
	for (; i + sizeof x <= n; i += sizeof x) {
		memcpy(&x, s + i, sizeof x);
		if ((((x - ones * 0x20) & ~x) | (x + ones) | x) & highs)
			break;
	}
	while (i < n && s[i] >= 0x20 && s[i] < 0x7F)
		i++;
	return i;
}

char *utf8_sanitize(const char *s, int flags)
{
	size_t n = strlen(s), i, o, run;
	char *out;
	uint32_t cp;

	/* printable ASCII, most of any text, is copied as it is: text made
	 * only of it is copied whole, without the worst case's buffer */
	i = utf8_printable_prefix(s, n);
	if (i == n)
		return memcpy(xmalloc(n + 1), s, n + 1);
	/* each input byte yields at most 3 output bytes (U+FFFD) */
	out = xmalloc(n * 3 + 1);
	memcpy(out, s, i);
	o = i;
	while (i < n) {
		run = utf8_printable_prefix(s + i, n - i);
		if (run) {
			memcpy(out + o, s + i, run);
			i += run;
			o += run;
			continue;
		}
		i += utf8_decode(s + i, n - i, &cp);
		if (cp == '\n' && (flags & UTF8_KEEP_NEWLINES)) {
			out[o++] = '\n';
		} else if (cp == '\t' || cp == '\n') {
			out[o++] = ' ';
		} else if (!utf8_cp_hostile(cp)) {
			o += utf8_encode(cp, out + o);
		}
	}
	out[o] = '\0';
	return xrealloc(out, o + 1);
}

bool utf8_is_clean(const char *s, size_t n)
{
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		/* printable ASCII, most of any JID, is clean as it is */
		i += utf8_printable_prefix(s + i, n - i);
		if (i == n)
			break;
		len = utf8_decode(s + i, n - i, &cp);
		/* a literal U+FFFD is fine; a decoding failure is not */
		if (cp == 0xFFFD && !(len == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0))
			return false;
		if (utf8_cp_hostile(cp))
			return false;
		i += len;
	}
	return true;
}

int utf8_cp_width(uint32_t cp)
{
	int w;

	/* printable ASCII, most of any line drawn, without glibc's tables */
	if (cp >= 0x20 && cp < 0x7F)
		return 1;
	w = wcwidth((wchar_t)cp);

	if (w < 0)
		return 1; /* unprintable in this locale: shown as one cell */
	return w;
}

size_t utf8_width(const char *s)
{
	size_t n = strlen(s), i = 0, w = 0;
	uint32_t cp;

	while (i < n) {
		size_t run = utf8_printable_prefix(s + i, n - i);

		if (run) { /* printable ASCII: a column a byte */
			i += run;
			w += run;
			continue;
		}
		i += utf8_decode(s + i, n - i, &cp);
		w += (size_t)utf8_cp_width(cp);
	}
	return w;
}

/* Case and word classes come from glibc's built-in C.UTF-8 locale, so
 * they do not depend on the user's locale (nor on a test's "C"); made
 * once, on first use. Without it, ASCII rules hold. */
static locale_t unicode_ctype(void)
{
	static locale_t loc;
	static bool tried;

	if (!tried) {
		tried = true;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

uint32_t utf8_lower(uint32_t cp)
{
	locale_t loc = unicode_ctype();

	if (cp < 0x80 || !loc)
		return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
	return (uint32_t)towlower_l((wint_t)cp, loc);
}

bool utf8_same_nocase(const char *a, size_t na, const char *b, size_t nb)
{
	while (na > 0 && nb > 0) {
		uint32_t ca, cb;
		size_t la = utf8_decode(a, na, &ca), lb = utf8_decode(b, nb, &cb);

		if (utf8_lower(ca) != utf8_lower(cb))
			return false;
		a += la;
		na -= la;
		b += lb;
		nb -= lb;
	}
	return na == 0 && nb == 0;
}

/* Combining marks, which belong to the letter before them. */
static bool is_combining(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) ||
	       (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	       (cp >= 0x1DC0 && cp <= 0x1DFF) ||
	       (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

bool utf8_is_word(uint32_t cp)
{
	locale_t loc = unicode_ctype();

	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= '0' && cp <= '9') || cp == '_';
	if (!loc)
		return true; /* unknown: rather part of a word than a border */
	return iswalnum_l((wint_t)cp, loc) || is_combining(cp);
}

size_t utf8_count(const char *s)
{
	size_t n = strlen(s), i = 0, k = 0;
	uint32_t c;

	while (i < n) {
		i += utf8_decode(s + i, n - i, &c);
		k++;
	}
	return k;
}

size_t utf8_cut_at(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

void utf8_cut(char *s, size_t max)
{
	s[utf8_cut_at(s, max)] = '\0';
}

char *utf8_one_line(const char *s, size_t max)
{
	char *t = utf8_sanitize(s, UTF8_KEEP_NEWLINES);
	size_t i, o = 0;
	bool blank = true; /* at the start: drop leading blanks */

	for (i = 0; t[i]; i++) {
		bool b = t[i] == ' ' || t[i] == '\n' || t[i] == '\t' ||
			 t[i] == '\r';

		if (b && blank)
			continue;
		t[o++] = b ? ' ' : t[i];
		blank = b;
	}
	while (o > 0 && t[o - 1] == ' ')
		o--;
	t[o] = '\0';
	if (o > max) {
		o = utf8_cut_at(t, max);
		while (o > 0 && t[o - 1] == ' ')
			o--;
	}
	t[o] = '\0';
	return t;
}
