/* Tests for core/image: the limits against decompression bombs, the
 * size a picture is kept at, and fitting a picture into cells. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/image.h"
#include "core/picture.h"
#include "util/xmem.h"

static void test_check_size(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(image_check_size(640, 480, &err), 0);
	assert_null(err);
	/* 32 megapixels exactly, and one row more */
	assert_int_equal(image_check_size(8000, 4000, &err), 0);
	assert_int_equal(image_check_size(8000, 4001, &err), -1);
	assert_non_null(strstr(err, "8000 x 4001"));
	assert_non_null(strstr(err, "decompression bomb"));
	free(err);
	err = NULL;
	/* the classic bomb: its product overflows 32 bits */
	assert_int_equal(image_check_size(100000, 100000, &err), -1);
	assert_non_null(strstr(err, "100000 x 100000"));
	free(err);
	err = NULL;
	/* few pixels, but a side no decoder should be asked for */
	assert_int_equal(image_check_size(IMAGE_MAX_SIDE + 1, 1, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(image_check_size(0, 10, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(image_check_size(4294967295u, 4294967295u, &err), -1);
	free(err);
}

static void test_keep_size(void **state)
{
	unsigned w, h;

	(void)state;
	image_keep_size(640, 480, 1600, &w, &h);
	assert_int_equal(w, 640);
	assert_int_equal(h, 480);
	image_keep_size(3200, 1600, 1600, &w, &h);
	assert_int_equal(w, 1600);
	assert_int_equal(h, 800);
	image_keep_size(1000, 5000, 1600, &w, &h);
	assert_int_equal(w, 320);
	assert_int_equal(h, 1600);
	/* a sliver keeps a pixel */
	image_keep_size(30000, 1, 1600, &w, &h);
	assert_int_equal(w, 1600);
	assert_int_equal(h, 1);
}

static void test_fit(void **state)
{
	unsigned c, r;

	(void)state;
	/* a square in 80 x 24 cells of 10 x 20 pixels: the rows bound it,
	 * and it takes twice as many columns as rows */
	image_fit(100, 100, 80, 24, 10, 20, &c, &r);
	assert_int_equal(r, 24);
	assert_int_equal(c, 48);
	/* 2:1 wide: the columns bound it */
	image_fit(200, 100, 80, 24, 10, 20, &c, &r);
	assert_int_equal(c, 80);
	assert_int_equal(r, 20);
	/* square cells (a terminal that says its pixels) */
	image_fit(300, 100, 90, 60, 8, 8, &c, &r);
	assert_int_equal(c, 90);
	assert_int_equal(r, 30);
	/* a tall sliver still covers a cell */
	image_fit(1, 30000, 80, 24, 10, 20, &c, &r);
	assert_int_equal(c, 1);
	assert_int_equal(r, 24);
	/* a wide sliver */
	image_fit(30000, 1, 80, 24, 10, 20, &c, &r);
	assert_int_equal(c, 80);
	assert_int_equal(r, 1);
	/* never more than the area, whatever the cell */
	image_fit(640, 480, 7, 3, 1, 100, &c, &r);
	assert_true(c <= 7 && r <= 3 && c >= 1 && r >= 1);
}

/* A PNG signature and IHDR claiming w x h (the CRC is not checked
 * before the size is). */
static size_t png_header(uint8_t *b, uint32_t w, uint32_t h)
{
	static const uint8_t sig[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
				       0x1a, '\n', 0, 0, 0, 13,
				       'I', 'H', 'D', 'R' };
	size_t n = sizeof sig;

	memcpy(b, sig, n);
	b[n++] = (uint8_t)(w >> 24);
	b[n++] = (uint8_t)(w >> 16);
	b[n++] = (uint8_t)(w >> 8);
	b[n++] = (uint8_t)w;
	b[n++] = (uint8_t)(h >> 24);
	b[n++] = (uint8_t)(h >> 16);
	b[n++] = (uint8_t)(h >> 8);
	b[n++] = (uint8_t)h;
	memcpy(b + n, "\x08\x06\x00\x00\x00\0\0\0\0", 9);
	return n + 9;
}

static void test_decode_refuses(void **state)
{
	uint8_t buf[64];
	struct image im;
	char *err = NULL;
	size_t n;

	(void)state;
	n = png_header(buf, 100000, 100000);
	assert_int_equal(image_sniff(buf, n), IMAGE_PNG);
	assert_int_equal(image_decode(buf, n, &im, &err), -1);
	assert_non_null(strstr(err, "decompression bomb"));
	assert_null(im.px);
	free(err);
	err = NULL;
	/* a sane header, then nothing: broken, not a crash */
	n = png_header(buf, 16, 16);
	assert_int_equal(image_decode(buf, n, &im, &err), -1);
	assert_non_null(err);
	assert_null(im.px);
	free(err);
	err = NULL;
	assert_int_equal(image_decode((const uint8_t *)"GIF89a....", 10, &im,
				      &err), -1);
	assert_non_null(strstr(err, "PNG, JPEG or WebP"));
	free(err);
	err = NULL;
	/* a WebP header claiming 16383 x 16383 (VP8L: 14 bits each) */
	{
		static const uint8_t webp[] = {
			'R', 'I', 'F', 'F', 26, 0, 0, 0, 'W', 'E', 'B', 'P',
			'V', 'P', '8', 'L', 13, 0, 0, 0, 0x2f,
			0xfe, 0xbf, 0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0
		};

		assert_int_equal(image_sniff(webp, sizeof webp), IMAGE_WEBP);
		assert_int_equal(image_decode(webp, sizeof webp, &im, &err),
				 -1);
		assert_non_null(strstr(err, "16383 x 16383"));
		free(err);
	}
}

/* A big JPEG is decoded at 1/d, never below the size it is kept at. */
static void test_jpeg_scale(void **state)
{
	(void)state;
	assert_int_equal(image_jpeg_scale(40, 24), 1);
	assert_int_equal(image_jpeg_scale(IMAGE_KEEP_SIDE, 10), 1);
	assert_int_equal(image_jpeg_scale(2 * IMAGE_KEEP_SIDE - 2, 100), 1);
	assert_int_equal(image_jpeg_scale(2 * IMAGE_KEEP_SIDE, 100), 2);
	assert_int_equal(image_jpeg_scale(4000, 3000), 2);
	assert_int_equal(image_jpeg_scale(8000, 6000), 4);
	assert_int_equal(image_jpeg_scale(3000, 8000), 4);
	assert_int_equal(image_jpeg_scale(IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), 8);
	/* 30000 x 1000 is kept at 1600 x 53: 1/8 gives 3750 x 125 */
	assert_int_equal(image_jpeg_scale(30000, 1000), 8);
	/* never below the kept size on the short side either: 4000 x 7 is
	 * kept at 1600 x 3, which 1/4 (1000 x 2) would not reach */
	assert_int_equal(image_jpeg_scale(4000, 7), 2);
	/* a progressive JPEG's scans are capped well below 500 */
	assert_true(IMAGE_MAX_SCANS <= 100);
}

/* The seeds of tests/fuzz/corpus/image: pictures PIL wrote, 40 x 24. */
static void decode_seed(const char *name, int want, enum image_format f)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct image im;
	char *err = NULL;

	snprintf(path, sizeof path, "%s/tests/fuzz/corpus/image/%s",
		 top ? top : "..", name);
	assert_int_equal(image_load(path, &im, &err), want);
	if (want < 0) {
		assert_non_null(err);
		assert_null(im.px);
		free(err);
		return;
	}
	assert_null(err);
	assert_int_equal(im.format, f);
	assert_int_equal(im.width, 40);
	assert_int_equal(im.height, 24);
	assert_int_equal(im.src_width, 40);
	/* the corner is the background: opaque blue */
	assert_true(im.px[2] > 150 && im.px[0] < 60 && im.px[3] == 255);
	image_clear(&im);
}

static void test_decode_seeds(void **state)
{
	(void)state;
	decode_seed("small.png", 0, IMAGE_PNG);
	decode_seed("palette.png", 0, IMAGE_PNG);
	decode_seed("small.jpg", 0, IMAGE_JPEG);
	decode_seed("progressive.jpg", 0, IMAGE_JPEG);
	decode_seed("small.webp", 0, IMAGE_WEBP);
	decode_seed("lossless.webp", 0, IMAGE_WEBP);
	decode_seed("truncated.png", -1, IMAGE_PNG);
	decode_seed("truncated.jpg", -1, IMAGE_JPEG);
	decode_seed("bomb.png", -1, IMAGE_PNG);
}

/* A picture rendered in symbols (core/picture.c, through libchafa):
 * fitted as image_fit says, block symbols in the 240 colours, kept
 * until the area changes. */
static void test_render_symbols(void **state)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct picture p = { 0 };
	const struct picture_render *r;
	char *err = NULL;
	unsigned c, rows, blocks = 0;
	uint64_t gen;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/fuzz/corpus/image/small.png",
		 top ? top : "..");
	assert_int_equal(image_load(path, &p.im, &err), 0);
	r = picture_render(&p, IMAGE_SYMBOLS, 60, 20, 10, 20, 256);
	assert_non_null(r);
	image_fit(40, 24, 60, 20, 10, 20, &c, &rows);
	assert_int_equal(r->cols, c);
	assert_int_equal(r->rows, rows);
	assert_null(r->seq);
	for (unsigned i = 0; i < r->cols * r->rows; i++) {
		const struct picture_cell *cell = &r->cells[i];

		if (cell->ch >= 0x2580 && cell->ch <= 0x259f)
			blocks++;
		else
			assert_int_equal(cell->ch, ' ');
		/* the palette's 240: never the user's first 16 */
		assert_true(cell->fg == -1 || (cell->fg >= 16 && cell->fg < 256));
		assert_true(cell->bg == -1 || (cell->bg >= 16 && cell->bg < 256));
	}
	assert_true(blocks > 0); /* the disc's edge */
	gen = r->gen;
	/* the same area: the same rendering */
	assert_ptr_equal(picture_render(&p, IMAGE_SYMBOLS, 60, 20, 10, 20, 256),
			 r);
	assert_int_equal(r->gen, gen);
	/* resized: rendered again, to fit */
	r = picture_render(&p, IMAGE_SYMBOLS, 30, 20, 10, 20, 256);
	assert_true(r->gen > gen);
	assert_true(r->cols <= 30);
	/* 8 colours: the first 8 only */
	r = picture_render(&p, IMAGE_SYMBOLS, 30, 20, 10, 20, 8);
	for (unsigned i = 0; i < r->cols * r->rows; i++)
		assert_true(r->cells[i].fg < 8 && r->cells[i].bg < 8);
	/* sixels: a sequence instead of cells */
	r = picture_render(&p, IMAGE_SIXEL, 30, 20, 10, 20, 256);
	assert_null(r->cells);
	assert_non_null(r->seq);
	assert_memory_equal(r->seq, "\033P", 2);
	{
		struct picture *pp = xcalloc(1, sizeof *pp);

		*pp = p;
		picture_free(&pp);
		assert_null(pp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_size),
		cmocka_unit_test(test_keep_size),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_decode_seeds),
		cmocka_unit_test(test_jpeg_scale),
		cmocka_unit_test(test_render_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
