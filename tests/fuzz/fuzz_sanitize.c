/* fuzz_sanitize: the one sanitiser for remote text, checked against a
 * model written here independently of util/utf8.c.
 *
 * For any bytes, utf8_sanitize()'s output (with and without
 * UTF8_KEEP_NEWLINES) must be valid UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF, no truncated sequence) and hold no
 * C0 control (newline only when asked), no DEL or C1 control and no
 * bidi control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069);
 * text that already passes is left as it was, so sanitising twice
 * changes nothing; utf8_is_clean() agrees with the model; and the
 * display width is computed without reading past the string. Any
 * failure aborts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "fuzz.h"

/* Decodes one code point strictly; returns its length, or 0 when the
 * bytes at s are not valid UTF-8. */
static size_t model_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, c = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, c = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, c = s[0] & 0x07u;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3Fu);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

static bool model_forbidden(uint32_t cp, bool newlines)
{
	if (cp == '\n')
		return !newlines;
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return true;
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* True when s (n bytes) is what the terminal may be shown. */
static bool model_clean(const char *s, size_t n, bool newlines)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = model_decode(u + i, n - i, &cp);
		if (len == 0 || model_forbidden(cp, newlines))
			return false;
		i += len;
	}
	return true;
}

static void fail(const char *what, const char *in, const char *out)
{
	size_t i;

	fprintf(stderr, "utf8_sanitize: %s\n  in: ", what);
	for (i = 0; in[i]; i++)
		fprintf(stderr, "%02x", (unsigned char)in[i]);
	fprintf(stderr, "\n  out:");
	for (i = 0; out && out[i]; i++)
		fprintf(stderr, "%02x", (unsigned char)out[i]);
	fprintf(stderr, "\n");
	abort();
}

static void check(const char *in, int flags)
{
	bool nl = flags & UTF8_KEEP_NEWLINES;
	char *out = utf8_sanitize(in, flags), *again;
	size_t n = strlen(out);

	if (!model_clean(out, n, nl))
		fail("output is not clean", in, out);
	if (model_clean(in, strlen(in), nl) && strcmp(in, out) != 0)
		fail("clean input was changed", in, out);
	again = utf8_sanitize(out, flags);
	if (strcmp(again, out) != 0)
		fail("sanitising twice changed the text", in, out);
	free(again);
	/* utf8_is_clean counts a newline as a control */
	if (!nl && !utf8_is_clean(out, n))
		fail("utf8_is_clean refuses the output", in, out);
	(void)utf8_width(out);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_string(data, size);
	size_t n = strlen(in);

	check(in, 0);
	check(in, UTF8_KEEP_NEWLINES);
	/* utf8_is_clean() is the same judgement, newlines being controls */
	if (utf8_is_clean(in, n) != model_clean(in, n, false))
		fail("utf8_is_clean disagrees with the model", in, NULL);
	(void)utf8_width(in);
	free(in);
	return 0;
}
