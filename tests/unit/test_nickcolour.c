/* test_nickcolour: XEP-0392 consistent colour generation against the
 * XEP's own test vectors (version 0.6, "Test Vectors"): the angle from
 * SHA-1, the red/green and blue corrections, HSLuv to RGB, and the
 * mapping onto the 216-colour "web safe" palette; then the terminal
 * palettes natter uses (the xterm cube, the six basic colours) and the
 * HSLuv round trip. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/nickcolour.h"

struct vector {
	const char *text;
	double angle;
	double rgb[3];          /* no correction */
	double rg_hue, rg_rgb[3]; /* red/green correction */
	double b_hue, b_rgb[3];   /* blue correction */
	/* the web-safe palette: best hue and colour, per correction */
	int pal_hue[3];
	double pal_rgb[3][3];
};

static const struct vector vectors[] = {
	{ "Romeo", 327.255249, { 0.865, 0.000, 0.686 },
	  327.255249, { 0.865, 0.000, 0.686 },
	  147.255249, { 0.000, 0.535, 0.350 },
	  { 327, 327, 147 },
	  { { 1.0, 0.0, 0.8 }, { 1.0, 0.0, 0.8 }, { 0.4, 0.8, 0.6 } } },
	{ "juliet@capulet.lit", 209.410400, { 0.000, 0.515, 0.573 },
	  29.410400, { 0.742, 0.359, 0.000 },
	  29.410400, { 0.742, 0.359, 0.000 },
	  { 226, 30, 30 },
	  { { 0.0, 0.8, 1.0 }, { 1.0, 0.6, 0.4 }, { 1.0, 0.6, 0.4 } } },
	{ "\xf0\x9f\x98\xba", 331.199341, { 0.872, 0.000, 0.659 },
	  331.199341, { 0.872, 0.000, 0.659 },
	  151.199341, { 0.000, 0.533, 0.373 },
	  { 331, 331, 153 },
	  { { 1.0, 0.4, 0.8 }, { 1.0, 0.4, 0.8 }, { 0.2, 0.8, 0.6 } } },
	{ "council", 359.994507, { 0.918, 0.000, 0.394 },
	  359.994507, { 0.918, 0.000, 0.394 },
	  179.994507, { 0.000, 0.524, 0.485 },
	  { 359, 359, 192 },
	  { { 0.8, 0.2, 0.4 }, { 0.8, 0.2, 0.4 }, { 0.0, 0.8, 0.8 } } },
	{ "Board", 171.430664, { 0.000, 0.527, 0.457 },
	  351.430664, { 0.904, 0.000, 0.494 },
	  171.430664, { 0.000, 0.527, 0.457 },
	  { 161, 353, 161 },
	  { { 0.0, 1.0, 0.8 }, { 0.4, 0.0, 0.2 }, { 0.0, 1.0, 0.8 } } },
};
#define NVEC (sizeof vectors / sizeof *vectors)

static void assert_rgb(const double got[3], const double want[3])
{
	/* the XEP gives three decimals */
	for (int i = 0; i < 3; i++)
		assert_true(fabs(got[i] - want[i]) < 0.0015);
}

static void test_angle(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVEC; i++) {
		const char *t = vectors[i].text;

		assert_true(fabs(nickcolour_angle(t, strlen(t)) -
				 vectors[i].angle) < 1e-5);
	}
}

static void test_corrections(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVEC; i++) {
		double a = vectors[i].angle;

		assert_true(fabs(nickcolour_correct(a, NICKCOLOUR_CVD_NONE) -
				 a) < 1e-9);
		assert_true(fabs(nickcolour_correct(a, NICKCOLOUR_CVD_REDGREEN) -
				 vectors[i].rg_hue) < 1e-5);
		assert_true(fabs(nickcolour_correct(a, NICKCOLOUR_CVD_BLUE) -
				 vectors[i].b_hue) < 1e-5);
	}
	/* always within [0, 360) */
	for (double a = 0; a < 360; a += 0.5) {
		double r = nickcolour_correct(a, NICKCOLOUR_CVD_REDGREEN);
		double b = nickcolour_correct(a, NICKCOLOUR_CVD_BLUE);

		assert_true(r >= 0 && r < 360);
		assert_true(b >= 0 && b < 180);
		/* red/green keeps only the hues 270..360 and 0..90 */
		assert_true(r >= 270 || r < 90);
	}
}

static void test_hsluv_rgb(void **state)
{
	double rgb[3];

	(void)state;
	for (size_t i = 0; i < NVEC; i++) {
		nickcolour_hsluv_rgb(vectors[i].angle, 100, 50, rgb);
		assert_rgb(rgb, vectors[i].rgb);
		nickcolour_hsluv_rgb(vectors[i].rg_hue, 100, 50, rgb);
		assert_rgb(rgb, vectors[i].rg_rgb);
		nickcolour_hsluv_rgb(vectors[i].b_hue, 100, 50, rgb);
		assert_rgb(rgb, vectors[i].b_rgb);
	}
}

static void test_hsluv_round_trip(void **state)
{
	(void)state;
	for (double h = 0.5; h < 360; h += 7.25) {
		for (double l = 20; l <= 80; l += 15) {
			double rgb[3], h2, s2, l2;

			nickcolour_hsluv_rgb(h, 100, l, rgb);
			nickcolour_rgb_hsluv(rgb, &h2, &s2, &l2);
			assert_true(fabs(h2 - h) < 0.05);
			assert_true(fabs(s2 - 100) < 0.05);
			assert_true(fabs(l2 - l) < 0.05);
		}
	}
}

/* The XEP's palette: six samples a channel (0, 0.2, ... 1), colour
 * number r*36 + g*6 + b. */
static void websafe(struct nickcolour_palette *p)
{
	unsigned char rgb[216][3];
	int colours[216];

	for (int i = 0; i < 216; i++) {
		rgb[i][0] = (unsigned char)(i / 36 * 51);
		rgb[i][1] = (unsigned char)(i / 6 % 6 * 51);
		rgb[i][2] = (unsigned char)(i % 6 * 51);
		colours[i] = i;
	}
	nickcolour_palette_build(p, (const unsigned char (*)[3])rgb, colours,
				 216);
}

static void test_palette_vectors(void **state)
{
	static const enum nickcolour_cvd cvds[3] = {
		NICKCOLOUR_CVD_NONE, NICKCOLOUR_CVD_REDGREEN,
		NICKCOLOUR_CVD_BLUE
	};
	struct nickcolour_palette p;

	(void)state;
	websafe(&p);
	assert_true(p.n > 100);
	for (size_t i = 0; i < NVEC; i++) {
		for (int c = 0; c < 3; c++) {
			double a = nickcolour_correct(vectors[i].angle, cvds[c]);
			size_t at = nickcolour_palette_nearest(&p, a);
			int col = p.colour[at];
			double rgb[3] = { col / 36 * 0.2, col / 6 % 6 * 0.2,
					  col % 6 * 0.2 };

			assert_int_equal(p.hue[at], vectors[i].pal_hue[c]);
			assert_rgb(rgb, vectors[i].pal_rgb[c]);
			assert_int_equal(nickcolour_pick(&p, vectors[i].text,
							 cvds[c]),
					 col);
		}
	}
}

static void test_terminal_palettes(void **state)
{
	struct nickcolour_palette p;
	int seen[256] = { 0 }, distinct = 0;

	(void)state;
	nickcolour_palette_xterm256(&p);
	assert_true(p.n > 100);
	for (size_t i = 0; i < p.n; i++) {
		assert_true(p.colour[i] >= 16 && p.colour[i] <= 231);
		/* no greys: 16, 59, 102, 145, 188, 231 are the cube's greys */
		assert_int_not_equal((p.colour[i] - 16) % 43, 0);
		if (i)
			assert_true(p.hue[i] > p.hue[i - 1]);
	}
	for (int i = 0; i < 200; i++) {
		char nick[16];
		int c;

		snprintf(nick, sizeof nick, "nick%d", i);
		c = nickcolour_pick(&p, nick, NICKCOLOUR_CVD_NONE);
		assert_true(c >= 16 && c <= 231);
		if (!seen[c]++)
			distinct++;
	}
	/* 200 nicks spread over many colours, not a handful */
	assert_true(distinct > 40);

	nickcolour_palette_basic(&p);
	assert_int_equal(p.n, 6);
	/* red at 12 degrees: a nick whose hue is near red gets red, one
	 * near blue gets blue */
	assert_int_equal(p.colour[nickcolour_palette_nearest(&p, 10)], 1);
	assert_int_equal(p.colour[nickcolour_palette_nearest(&p, 359)], 1);
	assert_int_equal(p.colour[nickcolour_palette_nearest(&p, 265)], 4);
	assert_int_equal(p.colour[nickcolour_palette_nearest(&p, 130)], 2);
	/* Romeo (327) is magenta; juliet (209) cyan */
	assert_int_equal(nickcolour_pick(&p, "Romeo", NICKCOLOUR_CVD_NONE), 5);
	assert_int_equal(nickcolour_pick(&p, "juliet@capulet.lit",
					 NICKCOLOUR_CVD_NONE), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_angle),
		cmocka_unit_test(test_corrections),
		cmocka_unit_test(test_hsluv_rgb),
		cmocka_unit_test(test_hsluv_round_trip),
		cmocka_unit_test(test_palette_vectors),
		cmocka_unit_test(test_terminal_palettes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
