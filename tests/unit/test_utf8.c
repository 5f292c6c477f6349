/* test_utf8: util/utf8.h.
 *
 * utf8_decode on ASCII, 2-, 3- and 4-byte sequences and on what strict
 * decoding refuses (overlong forms, surrogates, values past U+10FFFF,
 * stray continuation and invalid lead bytes, truncated sequences), each
 * refusal giving U+FFFD and a byte count that lets the caller resume;
 * utf8_encode round trips; utf8_sanitize removing ESC, C0 and C1
 * controls, DEL and bidi controls, turning invalid bytes into U+FFFD and
 * tab and newline into spaces (newline kept with UTF8_KEEP_NEWLINES);
 * utf8_width and utf8_cp_width for ASCII, CJK, combining marks and emoji
 * in the C.UTF-8 locale.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

#define FFFD 0xFFFDu
#define FFFD_UTF8 "\xEF\xBF\xBD"

/* Decodes s (its strlen) and checks the code point and length. */
static void check_decode(const char *s, uint32_t want_cp, size_t want_len)
{
	uint32_t cp = 0x12345678;
	size_t n = utf8_decode(s, strlen(s), &cp);

	assert_int_equal(cp, want_cp);
	assert_int_equal(n, want_len);
}

static void test_decode_valid(void **state)
{
	(void)state;
	check_decode("A", 'A', 1);
	check_decode("\x7F", 0x7F, 1);
	check_decode("\x01", 0x01, 1);
	check_decode("\xC2\x80", 0x80, 2);
	check_decode("\xC3\xA9", 0xE9, 2);          /* é */
	check_decode("\xDF\xBF", 0x7FF, 2);
	check_decode("\xE0\xA0\x80", 0x800, 3);
	check_decode("\xE2\x82\xAC", 0x20AC, 3);    /* € */
	check_decode("\xE4\xB8\xAD", 0x4E2D, 3);    /* 中 */
	check_decode("\xED\x9F\xBF", 0xD7FF, 3);    /* just below surrogates */
	check_decode("\xEE\x80\x80", 0xE000, 3);    /* just above */
	check_decode("\xEF\xBF\xBD", 0xFFFD, 3);
	check_decode("\xF0\x90\x80\x80", 0x10000, 4);
	check_decode("\xF0\x9F\x98\x80", 0x1F600, 4); /* 😀 */
	check_decode("\xF4\x8F\xBF\xBF", 0x10FFFF, 4);
	/* only the first character is decoded */
	check_decode("\xC3\xA9xyz", 0xE9, 2);
}

static void test_decode_overlong(void **state)
{
	(void)state;
	check_decode("\xC0\x80", FFFD, 2);          /* NUL */
	check_decode("\xC0\xAF", FFFD, 2);          /* '/' */
	check_decode("\xC1\xBF", FFFD, 2);
	check_decode("\xE0\x80\xAF", FFFD, 3);
	check_decode("\xE0\x9F\xBF", FFFD, 3);
	check_decode("\xF0\x80\x80\xAF", FFFD, 4);
	check_decode("\xF0\x8F\xBF\xBF", FFFD, 4);
}

static void test_decode_surrogates(void **state)
{
	(void)state;
	check_decode("\xED\xA0\x80", FFFD, 3); /* U+D800 */
	check_decode("\xED\xAD\xBF", FFFD, 3); /* U+DB7F */
	check_decode("\xED\xB0\x80", FFFD, 3); /* U+DC00 */
	check_decode("\xED\xBF\xBF", FFFD, 3); /* U+DFFF */
}

static void test_decode_too_large(void **state)
{
	(void)state;
	check_decode("\xF4\x90\x80\x80", FFFD, 4); /* U+110000 */
	check_decode("\xF7\xBF\xBF\xBF", FFFD, 4);
	/* 5- and 6-byte forms and bytes that never start a sequence */
	check_decode("\xF8\x88\x80\x80\x80", FFFD, 1);
	check_decode("\xFC\x84\x80\x80\x80\x80", FFFD, 1);
	check_decode("\xFE", FFFD, 1);
	check_decode("\xFF", FFFD, 1);
}

static void test_decode_invalid_bytes(void **state)
{
	(void)state;
	/* a continuation byte on its own */
	check_decode("\x80", FFFD, 1);
	check_decode("\xBF" "abc", FFFD, 1);
	/* a lead byte followed by something that is not a continuation:
	 * only the lead byte is consumed, so "A" is decoded next */
	check_decode("\xC3" "A", FFFD, 1);
	check_decode("\xE2\x82" "A", FFFD, 2);
	check_decode("\xF0\x9F\x98" "A", FFFD, 3);
}

static void test_decode_truncated(void **state)
{
	uint32_t cp;

	(void)state;
	/* the sequence runs past n */
	assert_int_equal(utf8_decode("\xE2\x82\xAC", 2, &cp), 2);
	assert_int_equal(cp, FFFD);
	assert_int_equal(utf8_decode("\xE2\x82\xAC", 1, &cp), 1);
	assert_int_equal(cp, FFFD);
	assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 3, &cp), 3);
	assert_int_equal(cp, FFFD);
	assert_int_equal(utf8_decode("\xC3\xA9", 1, &cp), 1);
	assert_int_equal(cp, FFFD);
	/* the string ends (NUL is not a continuation byte) */
	check_decode("\xE2\x82", FFFD, 2);
	check_decode("\xF0\x9F", FFFD, 2);
	check_decode("\xC3", FFFD, 1);
	/* nothing at all */
	assert_int_equal(utf8_decode("x", 0, &cp), 0);
	assert_int_equal(cp, FFFD);
}

static void test_encode_round_trip(void **state)
{
	static const struct {
		uint32_t cp;
		size_t len;
	} cases[] = {
		{ 0x00, 1 },    { 0x41, 1 },     { 0x7F, 1 },     { 0x80, 2 },
		{ 0xE9, 2 },    { 0x7FF, 2 },    { 0x800, 3 },    { 0x20AC, 3 },
		{ 0xD7FF, 3 },  { 0xE000, 3 },   { 0xFFFD, 3 },   { 0xFFFF, 3 },
		{ 0x10000, 4 }, { 0x1F600, 4 },  { 0x10FFFF, 4 },
	};
	char buf[8];
	uint32_t cp;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		memset(buf, 0x55, sizeof buf);
		n = utf8_encode(cases[i].cp, buf);
		assert_int_equal(n, cases[i].len);
		assert_int_equal(utf8_decode(buf, n, &cp), n);
		assert_int_equal(cp, cases[i].cp);
		/* nothing past the encoded bytes is touched */
		assert_int_equal((unsigned char)buf[n], 0x55);
	}
	n = utf8_encode(0x20AC, buf);
	assert_memory_equal(buf, "\xE2\x82\xAC", 3);
	n = utf8_encode(0x1F600, buf);
	assert_memory_equal(buf, "\xF0\x9F\x98\x80", 4);

	/* every scalar value survives a round trip */
	for (i = 0; i <= 0x10FFFF; i++) {
		if (i >= 0xD800 && i <= 0xDFFF)
			continue;
		n = utf8_encode((uint32_t)i, buf);
		if (utf8_decode(buf, n, &cp) != n || cp != i)
			fail_msg("U+%04zX does not round trip", i);
	}
}

/* Sanitises in with flags and compares the result with want. */
static void check_sanitize(const char *in, int flags, const char *want)
{
	char *out = utf8_sanitize(in, flags);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void test_sanitize_plain(void **state)
{
	(void)state;
	check_sanitize("", 0, "");
	check_sanitize("hello, world", 0, "hello, world");
	check_sanitize("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80", 0,
		       "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80");
	/* combining marks and right-to-left letters are text, not controls */
	check_sanitize("e\xCC\x81 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", 0,
		       "e\xCC\x81 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D");
	/* plain ASCII is copied whole; what follows a plain start is
	 * still cleaned, and the start kept */
	check_sanitize("the quick brown fox", UTF8_KEEP_NEWLINES,
		       "the quick brown fox");
	check_sanitize("plain then\ttab \xC3\xA9\x1B[31m", 0,
		       "plain then tab \xC3\xA9[31m");
	check_sanitize("two\nlines", UTF8_KEEP_NEWLINES, "two\nlines");
}

static void test_sanitize_escapes(void **state)
{
	char *out;

	(void)state;
	out = utf8_sanitize("\x1b[2J", 0);
	assert_null(strchr(out, 0x1b));
	assert_string_equal(out, "[2J");
	free(out);

	out = utf8_sanitize("a\x1b]0;evil title\x07z\x1b[31mred\x1b[0m", 0);
	assert_null(strchr(out, 0x1b));
	assert_null(strchr(out, 0x07));
	assert_string_equal(out, "a]0;evil titlez[31mred[0m");
	free(out);
}

static void test_sanitize_c0_del(void **state)
{
	char in[40], *out;
	int c, i = 0;

	(void)state;
	for (c = 1; c < 0x20; c++)
		if (c != '\t' && c != '\n')
			in[i++] = (char)c;
	in[i++] = 0x7F;
	in[i++] = 'k';
	in[i] = '\0';
	out = utf8_sanitize(in, UTF8_KEEP_NEWLINES);
	assert_string_equal(out, "k");
	free(out);
	check_sanitize("a\rb\bc\x7f" "d", 0, "abcd");
}

static void test_sanitize_c1(void **state)
{
	char in[80], *out;
	size_t o = 0;
	uint32_t cp;

	(void)state;
	/* U+0080..U+009F written as proper UTF-8 (C2 80 .. C2 9F) */
	for (cp = 0x80; cp <= 0x9F; cp++)
		o += utf8_encode(cp, in + o);
	strcpy(in + o, "ok");
	out = utf8_sanitize(in, 0);
	assert_string_equal(out, "ok");
	free(out);
	/* CSI as C1 (U+009B) must not survive */
	check_sanitize("x\xC2\x9B" "2Jy", 0, "x2Jy");
	/* U+00A0 and U+00A9 are printable and stay */
	check_sanitize("\xC2\xA0\xC2\xA9", 0, "\xC2\xA0\xC2\xA9");
}

static void test_sanitize_bidi(void **state)
{
	static const uint32_t bidi[] = {
		0x202A, 0x202B, 0x202C, 0x202D, 0x202E, /* embeddings, overrides */
		0x2066, 0x2067, 0x2068, 0x2069,         /* isolates */
		0x200E, 0x200F, 0x061C,                 /* marks */
	};
	char in[16], *out;
	size_t i, o;

	(void)state;
	for (i = 0; i < sizeof bidi / sizeof *bidi; i++) {
		o = 0;
		in[o++] = 'a';
		o += utf8_encode(bidi[i], in + o);
		in[o++] = 'b';
		in[o] = '\0';
		out = utf8_sanitize(in, 0);
		if (strcmp(out, "ab") != 0)
			fail_msg("U+%04X survived sanitising", (unsigned)bidi[i]);
		free(out);
	}
	/* the classic filename trick */
	check_sanitize("invoice\xE2\x80\xAE" "fdp.exe", 0, "invoicefdp.exe");
	/* neighbours of the removed ranges stay */
	check_sanitize("\xE2\x80\x94\xE2\x81\xA5\xE2\x81\xAA", 0,
		       "\xE2\x80\x94\xE2\x81\xA5\xE2\x81\xAA");
}

static void test_sanitize_invalid(void **state)
{
	(void)state;
	check_sanitize("a\xFF" "b", 0, "a" FFFD_UTF8 "b");
	check_sanitize("\x80", 0, FFFD_UTF8);
	check_sanitize("\xC0\xAF", 0, FFFD_UTF8);          /* overlong '/' */
	check_sanitize("\xED\xA0\x80", 0, FFFD_UTF8);      /* surrogate */
	check_sanitize("\xF4\x90\x80\x80", 0, FFFD_UTF8);  /* > U+10FFFF */
	/* truncated at the end of the string */
	check_sanitize("ok\xE2\x82", 0, "ok" FFFD_UTF8);
	/* a broken sequence does not swallow the character after it */
	check_sanitize("\xE2\x82" "A", 0, FFFD_UTF8 "A");
	/* the worst case for growth: every byte invalid */
	check_sanitize("\xFF\xFF\xFF\xFF", 0,
		       FFFD_UTF8 FFFD_UTF8 FFFD_UTF8 FFFD_UTF8);
	/* an overlong ESC is not a way around the filter */
	check_sanitize("\xC0\x9B[2J", 0, FFFD_UTF8 "[2J");
}

static void test_sanitize_whitespace(void **state)
{
	(void)state;
	check_sanitize("a\tb", 0, "a b");
	check_sanitize("a\tb", UTF8_KEEP_NEWLINES, "a b");
	check_sanitize("line1\nline2\n", 0, "line1 line2 ");
	check_sanitize("line1\nline2\n", UTF8_KEEP_NEWLINES, "line1\nline2\n");
	/* CR is a control, not a newline */
	check_sanitize("a\r\nb", UTF8_KEEP_NEWLINES, "a\nb");
	check_sanitize("a\r\nb", 0, "a b");
}

static void test_is_clean(void **state)
{
	(void)state;
	assert_true(utf8_is_clean("room@muc.example.org/n\xc3\xa9", 24));
	assert_true(utf8_is_clean("~ \xef\xbf\xbd", 5)); /* a real U+FFFD */
	assert_true(utf8_is_clean("", 0));
	/* ASCII's controls and DEL, wherever they are */
	assert_false(utf8_is_clean("a\tb", 3));
	assert_false(utf8_is_clean("ab\x7f", 3));
	assert_false(utf8_is_clean("a\0b", 3));
	/* what does not decode, C1, bidi controls */
	assert_false(utf8_is_clean("a\xc3", 2));
	assert_false(utf8_is_clean("a\xc2\x85", 3));
	assert_false(utf8_is_clean("a\xe2\x80\xae", 4));
	assert_false(utf8_is_clean("\xc0\xaf", 2)); /* overlong */
	/* only n bytes are looked at */
	assert_true(utf8_is_clean("ok\x01", 2));
}

/* Every byte value at every place of two words and a tail: the eight
 * bytes a time test must stop exactly where the byte loop would. */
static void test_printable_prefix(void **state)
{
	char buf[20];
	size_t n, p;
	int b;

	(void)state;
	for (n = 0; n <= sizeof buf; n++) {
		memset(buf, 'a', sizeof buf);
		assert_int_equal(utf8_printable_prefix(buf, n), n);
	}
	for (b = 0; b < 256; b++) {
		bool printable = b >= 0x20 && b < 0x7F;

		for (p = 0; p < sizeof buf; p++) {
			memset(buf, '~', sizeof buf); /* 0x7E, the last one */
			buf[p] = (char)b;
			assert_int_equal(utf8_printable_prefix(buf, sizeof buf),
					 printable ? sizeof buf : p);
			/* a byte past n is not looked at */
			assert_int_equal(utf8_printable_prefix(buf, p), p);
		}
	}
	/* what comes after the first stop does not matter */
	assert_int_equal(utf8_printable_prefix("abc\x01defghijkl\xff", 16), 3);
	assert_int_equal(utf8_printable_prefix("0123456789\x7f", 11), 10);
	assert_int_equal(utf8_printable_prefix(" !\x1f", 3), 2);
}

/* Lines long enough for the word-at-a-time paths, with what must go
 * at every place. */
static void test_sanitize_long(void **state)
{
	static const char *const bad[] = { "\x1b", "\x7f", "\xc2\x85",
					   "\xe2\x80\xae", "\xff" };
	char in[64], want[64];
	size_t i, p;

	(void)state;
	check_sanitize("room flood 17 of 5000: the quick brown fox jumps over "
		       "the lazy dog", 0,
		       "room flood 17 of 5000: the quick brown fox jumps over "
		       "the lazy dog");
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		for (p = 0; p < 24; p++) {
			memset(in, 'x', 24);
			in[24] = '\0';
			memcpy(want, in, 25);
			/* the bad bytes inserted at p are dropped; a byte
			 * that does not decode becomes U+FFFD */
			memmove(in + p + strlen(bad[i]), in + p, 25 - p);
			memcpy(in + p, bad[i], strlen(bad[i]));
			if (strcmp(bad[i], "\xff") == 0) {
				memmove(want + p + 3, want + p, 25 - p);
				memcpy(want + p, "\xef\xbf\xbd", 3);
			}
			check_sanitize(in, 0, want);
			assert_false(utf8_is_clean(in, strlen(in)));
			assert_true(utf8_is_clean(want, strlen(want)));
		}
	}
	/* a newline kept or made a space, past the first word */
	check_sanitize("0123456789abcdef\nxyz", UTF8_KEEP_NEWLINES,
		       "0123456789abcdef\nxyz");
	check_sanitize("0123456789abcdef\nxyz", 0, "0123456789abcdef xyz");
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width(""), 0);
	assert_int_equal(utf8_width("hello"), 5);
	/* CJK: two cells each */
	assert_int_equal(utf8_width("\xE4\xB8\xAD\xE6\x96\x87"), 4);
	assert_int_equal(utf8_width("a\xE4\xB8\xAD" "b"), 4);
	/* é as e + U+0301: the combining mark takes no cell */
	assert_int_equal(utf8_width("e\xCC\x81"), 1);
	assert_int_equal(utf8_width("caf" "e\xCC\x81" "!"), 5);
	/* precomposed é is one cell */
	assert_int_equal(utf8_width("\xC3\xA9"), 1);
	/* emoji: two cells */
	assert_int_equal(utf8_width("\xF0\x9F\x98\x80"), 2);
	assert_int_equal(utf8_width("ok \xF0\x9F\x91\x8D"), 5);
	/* U+FFFD from an invalid byte is one cell */
	assert_int_equal(utf8_width("\xFF"), 1);
}

static void test_cp_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_cp_width('a'), 1);
	assert_int_equal(utf8_cp_width(0x4E2D), 2);
	assert_int_equal(utf8_cp_width(0xFF21), 2);  /* fullwidth A */
	assert_int_equal(utf8_cp_width(0x0301), 0);
	assert_int_equal(utf8_cp_width(0x1F600), 2);
	assert_int_equal(utf8_cp_width(0xE9), 1);
	/* what wcwidth cannot measure (controls, unassigned) takes a cell,
	 * never a negative width */
	assert_int_equal(utf8_cp_width(0x1B), 1);
	assert_int_equal(utf8_cp_width(0x0378), 1);
}

static int set_locale(void **state)
{
	(void)state;
	return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

/* Cutting between characters, never inside one. */
static void test_cut(void **state)
{
	char s[32];

	(void)state;
	/* "aé€" is 1 + 2 + 3 bytes */
	assert_int_equal(utf8_cut_at("a\xc3\xa9\xe2\x82\xac", 10), 6);
	assert_int_equal(utf8_cut_at("a\xc3\xa9\xe2\x82\xac", 6), 6);
	assert_int_equal(utf8_cut_at("a\xc3\xa9\xe2\x82\xac", 5), 3);
	assert_int_equal(utf8_cut_at("a\xc3\xa9\xe2\x82\xac", 4), 3);
	assert_int_equal(utf8_cut_at("a\xc3\xa9\xe2\x82\xac", 2), 1);
	assert_int_equal(utf8_cut_at("\xe2\x82\xac", 2), 0);
	strcpy(s, "a\xc3\xa9\xe2\x82\xac");
	utf8_cut(s, 5);
	assert_string_equal(s, "a\xc3\xa9");
	utf8_cut(s, 0);
	assert_string_equal(s, "");
}

/* Text the same but for case, code point by code point: how a
 * bookmark's name is matched as typed. */
static void test_same_nocase(void **state)
{
	(void)state;
	assert_true(utf8_same_nocase("Lounge", 6, "lounge", 6));
	assert_true(utf8_same_nocase("LOUNGE", 6, "lounge", 6));
	assert_true(utf8_same_nocase("", 0, "", 0));
	/* É (2 bytes) and é */
	assert_true(utf8_same_nocase("\xc3\x89t\xc3\xa9", 5,
				     "\xc3\xa9T\xc3\x89", 5));
	assert_false(utf8_same_nocase("Lounge", 6, "lounge2", 7));
	assert_false(utf8_same_nocase("Lounge", 6, "loung", 5));
	assert_false(utf8_same_nocase("lobby", 5, "hobby", 5));
	/* a length cuts the text: "lobby@x" compared as its local part */
	assert_true(utf8_same_nocase("lobby@x", 5, "LOBBY", 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_valid),
		cmocka_unit_test(test_decode_overlong),
		cmocka_unit_test(test_decode_surrogates),
		cmocka_unit_test(test_decode_too_large),
		cmocka_unit_test(test_decode_invalid_bytes),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_encode_round_trip),
		cmocka_unit_test(test_sanitize_plain),
		cmocka_unit_test(test_sanitize_escapes),
		cmocka_unit_test(test_sanitize_c0_del),
		cmocka_unit_test(test_sanitize_c1),
		cmocka_unit_test(test_sanitize_bidi),
		cmocka_unit_test(test_sanitize_invalid),
		cmocka_unit_test(test_sanitize_whitespace),
		cmocka_unit_test(test_is_clean),
		cmocka_unit_test(test_printable_prefix),
		cmocka_unit_test(test_sanitize_long),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_cp_width),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_same_nocase),
	};

	return cmocka_run_group_tests(tests, set_locale, NULL);
}
