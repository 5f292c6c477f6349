/* image: decoding pictures (PNG, JPEG, WebP) into pixels, with limits.
 *
 * Decoding goes through the formats' own well-kept libraries, libpng,
 * libjpeg(-turbo) and libwebp, each loaded with dlopen() the first time
 * a picture of its format is shown (natter that never shows a picture
 * never maps them). Nothing else is decoded: three small, audited
 * decoders rather than GdkPixbuf, whose loader directory would let any
 * installed loader (of formats natter has no use for) read remote bytes.
 *
 * Limits against decompression bombs, checked before anything is
 * decoded: a file longer than IMAGE_MAX_BYTES is not read, and the
 * dimensions a header claims must be at most IMAGE_MAX_SIDE a side and
 * IMAGE_MAX_PIXELS in all; libpng's ancillary chunks and a JPEG's scans
 * are bounded too. A picture is kept as RGBA (8 bits a channel, alpha
 * not premultiplied), shrunk so that no side exceeds IMAGE_KEEP_SIDE:
 * more than any terminal shows.
 *
 * The fitting arithmetic (image_fit) is here too: how many terminal
 * cells a picture covers in an area, keeping its proportions.
 */
#ifndef NATTER_CORE_IMAGE_H
#define NATTER_CORE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define IMAGE_MAX_BYTES (64u * 1024 * 1024)
#define IMAGE_MAX_PIXELS (32u * 1000 * 1000) /* 32 megapixels */
#define IMAGE_MAX_SIDE 30000u
#define IMAGE_KEEP_SIDE 1600u
/* A JPEG with more scans than this is refused (a progressive JPEG of
 * thousands of scans costs minutes of CPU). */
#define IMAGE_MAX_SCANS 100
/* Memory libjpeg may use for one picture (a progressive JPEG keeps all
 * its coefficients); one that needs more is refused. */
#define IMAGE_JPEG_MAX_MEMORY (64L * 1024 * 1024)

enum image_format { IMAGE_UNKNOWN, IMAGE_PNG, IMAGE_JPEG, IMAGE_WEBP };

struct image {
	enum image_format format;
	unsigned src_width, src_height; /* what the file holds */
	unsigned width, height;         /* of px, shrunk to IMAGE_KEEP_SIDE */
	uint8_t *px;                    /* width * height * 4 bytes, RGBA */
};

/* The format the first bytes say, or IMAGE_UNKNOWN. */
enum image_format image_sniff(const uint8_t *buf, size_t len);
/* "PNG", "JPEG", "WebP" or "unknown". */
const char *image_format_name(enum image_format f);
/* Whether a picture of w x h pixels may be decoded: 0, or -1 with *err
 * in words (the caller frees it). */
int image_check_size(uint64_t w, uint64_t h, char **err);
/* The size a w x h picture is kept at: shrunk, proportions kept, so
 * that no side exceeds max (at least 1 x 1). */
void image_keep_size(unsigned w, unsigned h, unsigned max, unsigned *kw,
		     unsigned *kh);
/* How many cells (*cols x *rows) a w x h picture covers when fitted
 * into an area of area_cols x area_rows cells of cell_w x cell_h
 * pixels each: as large as fits, proportions kept, at least 1 x 1. */
void image_fit(unsigned w, unsigned h, unsigned area_cols,
	       unsigned area_rows, unsigned cell_w, unsigned cell_h,
	       unsigned *cols, unsigned *rows);
/* The d of the 1/d (1, 2, 4 or 8) a w x h JPEG is decoded at: the
 * largest that still gives at least the size it is kept at
 * (image_keep_size with IMAGE_KEEP_SIDE), so a big picture is never
 * decoded whole only to be shrunk. */
unsigned image_jpeg_scale(unsigned w, unsigned h);
/* Decodes len bytes of buf into *im (cleared first). Returns 0, or -1
 * with *err in words (the caller frees it): an unknown format, a
 * picture over the limits, a broken file, a library that cannot be
 * loaded. */
int image_decode(const uint8_t *buf, size_t len, struct image *im,
		 char **err);
/* Reads the file at path (at most IMAGE_MAX_BYTES) and decodes it. */
int image_load(const char *path, struct image *im, char **err);
void image_clear(struct image *im);

#endif
