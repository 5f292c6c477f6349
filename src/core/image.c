/* image: decoding pictures with limits (see image.h).
 *
 * Each library's functions are reached through a table filled by
 * dlsym() the first time its format is decoded, as core/http.c does for
 * libcurl; a table that cannot be filled keeps the reason, said each
 * time. The headers are only compiled against: their version macros
 * (libjpeg's struct sizes, libwebp's ABI) must match the libraries
 * Debian ships, which the sonames pin.
 *
 * Every decoder first reads the header and checks its dimensions
 * (image_check_size), then decodes the whole picture into one RGBA
 * buffer of at most IMAGE_MAX_PIXELS, which image_shrink() box-filters
 * down to the size kept (a big JPEG is decoded at 1/2 to 1/8 of its
 * size, image_jpeg_scale, near the size kept, in at most
 * IMAGE_JPEG_MAX_MEMORY). The libraries' errors come back through
 * setjmp/longjmp (libpng's and libjpeg's way): nothing is printed, and
 * the locals a jump may cross are volatile or set before it.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <webp/decode.h>
/* after stdio.h, which jpeglib.h needs first */
#include <jpeglib.h>
#include <png.h>

#include "core/image.h"
#include "util/log.h"
#include "util/xmem.h"

#define PNG_LIBRARY "libpng16.so.16"
#define JPEG_LIBRARY "libjpeg.so.62"
#define WEBP_LIBRARY "libwebp.so.7"
/* libpng: the most memory one ancillary chunk may take, and how many
 * such chunks are kept (text, palettes); the pixels are not bounded by
 * these but by IMAGE_MAX_PIXELS. */
#define PNG_CHUNK_MAX (1024 * 1024)
#define PNG_CHUNKS_MAX 100

static struct {
	void *lib;
	char *err;
	png_structp (*create_read_struct)(png_const_charp, png_voidp,
					  png_error_ptr, png_error_ptr);
	png_infop (*create_info_struct)(png_const_structrp);
	void (*destroy_read_struct)(png_structpp, png_infopp, png_infopp);
	void (*set_read_fn)(png_structrp, png_voidp, png_rw_ptr);
	png_voidp (*get_io_ptr)(png_const_structrp);
	png_voidp (*get_error_ptr)(png_const_structrp);
	void (*read_info)(png_structrp, png_inforp);
	png_uint_32 (*get_IHDR)(png_const_structrp, png_const_inforp,
				png_uint_32 *, png_uint_32 *, int *, int *,
				int *, int *, int *);
	void (*set_expand)(png_structrp);
	void (*set_strip_16)(png_structrp);
	void (*set_gray_to_rgb)(png_structrp);
	void (*set_add_alpha)(png_structrp, png_uint_32, int);
	int (*set_interlace_handling)(png_structrp);
	void (*read_update_info)(png_structrp, png_inforp);
	void (*read_image)(png_structrp, png_bytepp);
	void (*set_user_limits)(png_structrp, png_uint_32, png_uint_32);
	void (*set_chunk_malloc_max)(png_structrp, png_alloc_size_t);
	void (*set_chunk_cache_max)(png_structrp, png_uint_32);
} lpng;

static struct {
	void *lib;
	char *err;
	struct jpeg_error_mgr *(*std_error)(struct jpeg_error_mgr *);
	void (*create_decompress)(j_decompress_ptr, int, size_t);
	void (*mem_src)(j_decompress_ptr, const unsigned char *,
			unsigned long);
	int (*read_header)(j_decompress_ptr, boolean);
	boolean (*start_decompress)(j_decompress_ptr);
	JDIMENSION (*read_scanlines)(j_decompress_ptr, JSAMPARRAY, JDIMENSION);
	boolean (*finish_decompress)(j_decompress_ptr);
	void (*destroy_decompress)(j_decompress_ptr);
} ljpeg;

static struct {
	void *lib;
	char *err;
	VP8StatusCode (*get_features)(const uint8_t *, size_t,
				      WebPBitstreamFeatures *, int);
	uint8_t *(*decode_rgba_into)(const uint8_t *, size_t, uint8_t *,
				     size_t, int);
} lwebp;

/* Opens name and fills n symbols of table fields (addresses in fields,
 * names in syms). Returns the handle, or NULL with *err set (kept for
 * good: a library missing now stays missing). */
static void *load(const char *name, const char *pkg, void **fields[],
		  const char *const syms[], size_t n, char **err)
{
	void *lib;
	size_t i;

	if (*err)
		return NULL;
	lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();

		*err = xasprintf("cannot load %s (the Debian package %s): %s",
				 name, pkg, why ? why : "unknown error");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		*fields[i] = dlsym(lib, syms[i]);
		if (!*fields[i]) {
			*err = xasprintf("%s has no %s", name, syms[i]);
			dlclose(lib);
			return NULL;
		}
	}
	log_msg(LOG_DEBUG, "image", "loaded %s", name);
	return lib;
}

#define FIELD(t, f) ((void **)&t.f)

static bool png_load(void)
{
	void **f[] = {
		FIELD(lpng, create_read_struct), FIELD(lpng, create_info_struct),
		FIELD(lpng, destroy_read_struct), FIELD(lpng, set_read_fn),
		FIELD(lpng, get_io_ptr), FIELD(lpng, get_error_ptr),
		FIELD(lpng, read_info), FIELD(lpng, get_IHDR),
		FIELD(lpng, set_expand), FIELD(lpng, set_strip_16),
		FIELD(lpng, set_gray_to_rgb), FIELD(lpng, set_add_alpha),
		FIELD(lpng, set_interlace_handling),
		FIELD(lpng, read_update_info), FIELD(lpng, read_image),
		FIELD(lpng, set_user_limits), FIELD(lpng, set_chunk_malloc_max),
		FIELD(lpng, set_chunk_cache_max),
	};
	static const char *const s[] = {
		"png_create_read_struct", "png_create_info_struct",
		"png_destroy_read_struct", "png_set_read_fn", "png_get_io_ptr",
		"png_get_error_ptr", "png_read_info", "png_get_IHDR",
		"png_set_expand", "png_set_strip_16", "png_set_gray_to_rgb",
		"png_set_add_alpha", "png_set_interlace_handling",
		"png_read_update_info", "png_read_image",
		"png_set_user_limits", "png_set_chunk_malloc_max",
		"png_set_chunk_cache_max",
	};

	if (!lpng.lib)
		lpng.lib = load(PNG_LIBRARY, "libpng16-16", f, s,
				sizeof s / sizeof *s, &lpng.err);
	return lpng.lib != NULL;
}

static bool jpeg_load(void)
{
	void **f[] = {
		FIELD(ljpeg, std_error), FIELD(ljpeg, create_decompress),
		FIELD(ljpeg, mem_src), FIELD(ljpeg, read_header),
		FIELD(ljpeg, start_decompress), FIELD(ljpeg, read_scanlines),
		FIELD(ljpeg, finish_decompress),
		FIELD(ljpeg, destroy_decompress),
	};
	static const char *const s[] = {
		"jpeg_std_error", "jpeg_CreateDecompress", "jpeg_mem_src",
		"jpeg_read_header", "jpeg_start_decompress",
		"jpeg_read_scanlines", "jpeg_finish_decompress",
		"jpeg_destroy_decompress",
	};

	if (!ljpeg.lib)
		ljpeg.lib = load(JPEG_LIBRARY, "libjpeg62-turbo", f, s,
				 sizeof s / sizeof *s, &ljpeg.err);
	return ljpeg.lib != NULL;
}

static bool webp_load(void)
{
	void **f[] = { FIELD(lwebp, get_features),
		       FIELD(lwebp, decode_rgba_into) };
	static const char *const s[] = { "WebPGetFeaturesInternal",
					 "WebPDecodeRGBAInto" };

	if (!lwebp.lib)
		lwebp.lib = load(WEBP_LIBRARY, "libwebp7", f, s,
				 sizeof s / sizeof *s, &lwebp.err);
	return lwebp.lib != NULL;
}

/* ---- sizes ---- */

enum image_format image_sniff(const uint8_t *b, size_t n)
{
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return IMAGE_PNG;
	if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return IMAGE_JPEG;
	if (n >= 12 && memcmp(b, "RIFF", 4) == 0 &&
	    memcmp(b + 8, "WEBP", 4) == 0)
		return IMAGE_WEBP;
	return IMAGE_UNKNOWN;
}

const char *image_format_name(enum image_format f)
{
	switch (f) {
	case IMAGE_PNG: return "PNG";
	case IMAGE_JPEG: return "JPEG";
	case IMAGE_WEBP: return "WebP";
	default: return "unknown";
	}
}

int image_check_size(uint64_t w, uint64_t h, char **err)
{
	if (w == 0 || h == 0) {
		*err = xasprintf("the picture claims %llu x %llu pixels",
				 (unsigned long long)w, (unsigned long long)h);
		return -1;
	}
	if (w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE ||
	    w * h > IMAGE_MAX_PIXELS) {
		*err = xasprintf("refused: it claims %llu x %llu pixels, more "
				 "than the %u megapixels (%u a side) natter "
				 "decodes; a decompression bomb?",
				 (unsigned long long)w, (unsigned long long)h,
				 IMAGE_MAX_PIXELS / 1000000, IMAGE_MAX_SIDE);
		return -1;
	}
	return 0;
}

void image_keep_size(unsigned w, unsigned h, unsigned max, unsigned *kw,
		     unsigned *kh)
{
	if (max == 0)
		max = 1;
	if (w <= max && h <= max) {
		*kw = w ? w : 1;
		*kh = h ? h : 1;
	} else if (w >= h) {
		*kw = max;
		*kh = (unsigned)(((uint64_t)h * max + w / 2) / w);
	} else {
		*kh = max;
		*kw = (unsigned)(((uint64_t)w * max + h / 2) / h);
	}
	if (*kw == 0)
		*kw = 1;
	if (*kh == 0)
		*kh = 1;
}

void image_fit(unsigned w, unsigned h, unsigned area_cols,
	       unsigned area_rows, unsigned cell_w, unsigned cell_h,
	       unsigned *cols, unsigned *rows)
{
	uint64_t c, r;

	if (!w || !h || !area_cols || !area_rows || !cell_w || !cell_h) {
		*cols = area_cols ? 1 : 0;
		*rows = area_rows ? 1 : 0;
		return;
	}
	/* the full width, and the rows that keeps the proportions:
	 * rows * cell_h / (cols * cell_w) = h / w */
	c = area_cols;
	r = (c * cell_w * h + (uint64_t)w * cell_h / 2) / ((uint64_t)w * cell_h);
	if (r > area_rows) {
		r = area_rows;
		c = (r * cell_h * w + (uint64_t)h * cell_w / 2) /
		    ((uint64_t)h * cell_w);
		if (c > area_cols)
			c = area_cols;
	}
	*cols = c ? (unsigned)c : 1;
	*rows = r ? (unsigned)r : 1;
}

/* Box-filters src (sw x sh RGBA) down to dw x dh (each no larger),
 * weighting colours by alpha. Returns the caller's buffer. */
static uint8_t *image_shrink(const uint8_t *src, unsigned sw, unsigned sh,
			     unsigned dw, unsigned dh)
{
	uint8_t *out = xmalloc((size_t)dw * dh * 4);
	unsigned dx, dy;

	for (dy = 0; dy < dh; dy++) {
		unsigned y0 = (unsigned)((uint64_t)dy * sh / dh);
		unsigned y1 = (unsigned)((uint64_t)(dy + 1) * sh / dh);

		if (y1 <= y0)
			y1 = y0 + 1;
		for (dx = 0; dx < dw; dx++) {
			unsigned x0 = (unsigned)((uint64_t)dx * sw / dw);
			unsigned x1 = (unsigned)((uint64_t)(dx + 1) * sw / dw);
			uint64_t acc[4] = { 0, 0, 0, 0 }, n;
			uint8_t *o = out + ((size_t)dy * dw + dx) * 4;

			if (x1 <= x0)
				x1 = x0 + 1;
			n = (uint64_t)(x1 - x0) * (y1 - y0);
			for (unsigned y = y0; y < y1; y++) {
				const uint8_t *p = src + ((size_t)y * sw + x0) * 4;

				for (unsigned x = x0; x < x1; x++, p += 4) {
					acc[0] += (uint64_t)p[0] * p[3];
					acc[1] += (uint64_t)p[1] * p[3];
					acc[2] += (uint64_t)p[2] * p[3];
					acc[3] += p[3];
				}
			}
			for (int i = 0; i < 3; i++)
				o[i] = acc[3] ? (uint8_t)(acc[i] / acc[3]) : 0;
			o[3] = (uint8_t)(acc[3] / n);
		}
	}
	return out;
}

/* Keeps px (w x h, the caller's, taken over) in im, shrunk if need be. */
static void keep(struct image *im, uint8_t *px, unsigned w, unsigned h)
{
	unsigned kw, kh;

	image_keep_size(w, h, IMAGE_KEEP_SIDE, &kw, &kh);
	im->src_width = w;
	im->src_height = h;
	if (kw == w && kh == h) {
		im->px = px;
	} else {
		im->px = image_shrink(px, w, h, kw, kh);
		free(px);
	}
	im->width = kw;
	im->height = kh;
}

/* ---- PNG ---- */

struct png_src {
	const uint8_t *buf;
	size_t len, off;
	jmp_buf jb;
	char why[128];
};

static void png_fail(png_structp png, png_const_charp msg)
{
	struct png_src *s = lpng.get_error_ptr(png);

	snprintf(s->why, sizeof s->why, "%s", msg ? msg : "broken");
	longjmp(s->jb, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void png_read(png_structp png, png_bytep out, size_t n)
{
	struct png_src *s = lpng.get_io_ptr(png);

	if (n > s->len - s->off) {
		snprintf(s->why, sizeof s->why, "the file is cut short");
		longjmp(s->jb, 1);
	}
	memcpy(out, s->buf + s->off, n);
	s->off += n;
}

static int png_decode(const uint8_t *buf, size_t len, struct image *im,
		      char **err)
{
	struct png_src s = { .buf = buf, .len = len };
	png_structp png;
	png_infop info = NULL;
	uint8_t *volatile px = NULL;
	png_bytep *volatile rows = NULL;
	png_uint_32 w, h;
	int depth, colour, interlace;

	if (!png_load()) {
		*err = xstrdup(lpng.err);
		return -1;
	}
	png = lpng.create_read_struct(PNG_LIBPNG_VER_STRING, &s, png_fail,
				      png_warn);
	if (!png) {
		*err = xstrdup("libpng could not start");
		return -1;
	}
	info = lpng.create_info_struct(png);
	if (setjmp(s.jb)) {
		if (!*err)
			*err = xasprintf("not a readable PNG: %s", s.why);
		free(px);
		free(rows);
		lpng.destroy_read_struct(&png, &info, NULL);
		return -1;
	}
	if (!info)
		png_fail(png, "out of memory");
	lpng.set_read_fn(png, &s, png_read);
	/* libpng's own guards: our side limit (it refuses the header),
	 * and bounded ancillary chunks */
	lpng.set_user_limits(png, IMAGE_MAX_SIDE, IMAGE_MAX_SIDE);
	lpng.set_chunk_malloc_max(png, PNG_CHUNK_MAX);
	lpng.set_chunk_cache_max(png, PNG_CHUNKS_MAX);
	/* the header, checked before libpng reads on */
	if (len >= 24 && memcmp(buf + 12, "IHDR", 4) == 0) {
		uint64_t hw = (uint64_t)buf[16] << 24 | buf[17] << 16 |
			      buf[18] << 8 | buf[19];
		uint64_t hh = (uint64_t)buf[20] << 24 | buf[21] << 16 |
			      buf[22] << 8 | buf[23];

		if (image_check_size(hw, hh, err) < 0)
			longjmp(s.jb, 1);
	}
	lpng.read_info(png, info);
	lpng.get_IHDR(png, info, &w, &h, &depth, &colour, &interlace, NULL,
		      NULL);
	if (image_check_size(w, h, err) < 0)
		longjmp(s.jb, 1);
	lpng.set_expand(png);
	lpng.set_strip_16(png);
	lpng.set_gray_to_rgb(png);
	lpng.set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
	lpng.set_interlace_handling(png);
	lpng.read_update_info(png, info);
	px = xmalloc((size_t)w * h * 4);
	rows = xmalloc(h * sizeof *rows);
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = px + (size_t)y * w * 4;
	lpng.read_image(png, rows);
	free(rows);
	lpng.destroy_read_struct(&png, &info, NULL);
	keep(im, px, w, h);
	return 0;
}

/* ---- JPEG ---- */

unsigned image_jpeg_scale(unsigned w, unsigned h)
{
	unsigned kw, kh, d;

	image_keep_size(w, h, IMAGE_KEEP_SIDE, &kw, &kh);
	for (d = 8; d > 1; d /= 2)
		if ((w + d - 1) / d >= kw && (h + d - 1) / d >= kh)
			break;
	return d;
}

struct jpeg_err {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
	char why[JMSG_LENGTH_MAX];
};

static void jpeg_fail(j_common_ptr c)
{
	struct jpeg_err *e = (struct jpeg_err *)c->err;

	e->mgr.format_message(c, e->why);
	longjmp(e->jb, 1);
}

static void jpeg_quiet(j_common_ptr c, int level)
{
	(void)c;
	(void)level;
}

static void jpeg_scans(j_common_ptr c)
{
	j_decompress_ptr d = (j_decompress_ptr)c;
	struct jpeg_err *e = (struct jpeg_err *)c->err;

	if (c->is_decompressor && d->input_scan_number > IMAGE_MAX_SCANS) {
		snprintf(e->why, sizeof e->why, "more than %d scans",
			 IMAGE_MAX_SCANS);
		longjmp(e->jb, 1);
	}
}

static int jpeg_decode(const uint8_t *buf, size_t len, struct image *im,
		       char **err)
{
	struct jpeg_decompress_struct d;
	struct jpeg_err e;
	struct jpeg_progress_mgr prog = { .progress_monitor = jpeg_scans };
	uint8_t *volatile px = NULL;
	unsigned w, h;

	if (!jpeg_load()) {
		*err = xstrdup(ljpeg.err);
		return -1;
	}
	memset(&d, 0, sizeof d);
	d.err = ljpeg.std_error(&e.mgr);
	e.mgr.error_exit = jpeg_fail;
	e.mgr.emit_message = jpeg_quiet;
	e.why[0] = '\0';
	if (setjmp(e.jb)) {
		if (!*err)
			*err = xasprintf("not a readable JPEG: %s", e.why);
		free(px);
		ljpeg.destroy_decompress(&d);
		return -1;
	}
	ljpeg.create_decompress(&d, JPEG_LIB_VERSION, sizeof d);
	d.progress = &prog;
	ljpeg.mem_src(&d, buf, (unsigned long)len);
	d.mem->max_memory_to_use = IMAGE_JPEG_MAX_MEMORY;
	ljpeg.read_header(&d, TRUE);
	if (image_check_size(d.image_width, d.image_height, err) < 0)
		longjmp(e.jb, 1);
	d.out_color_space = JCS_EXT_RGBA;
	/* decoded near the size it is kept at, not whole */
	d.scale_num = 1;
	d.scale_denom = image_jpeg_scale(d.image_width, d.image_height);
	ljpeg.start_decompress(&d);
	w = d.output_width;
	h = d.output_height;
	if (image_check_size(w, h, err) < 0)
		longjmp(e.jb, 1);
	px = xmalloc((size_t)w * h * 4);
	while (d.output_scanline < h) {
		JSAMPROW row = px + (size_t)d.output_scanline * w * 4;

		if (ljpeg.read_scanlines(&d, &row, 1) != 1) {
			snprintf(e.why, sizeof e.why, "the file is cut short");
			longjmp(e.jb, 1);
		}
	}
	ljpeg.finish_decompress(&d);
	keep(im, px, w, h);
	im->src_width = d.image_width;
	im->src_height = d.image_height;
	ljpeg.destroy_decompress(&d);
	return 0;
}

/* ---- WebP ---- */

static int webp_decode(const uint8_t *buf, size_t len, struct image *im,
		       char **err)
{
	WebPBitstreamFeatures f;
	uint8_t *px;
	size_t size;

	if (!webp_load()) {
		*err = xstrdup(lwebp.err);
		return -1;
	}
	if (lwebp.get_features(buf, len, &f, WEBP_DECODER_ABI_VERSION) !=
	    VP8_STATUS_OK) {
		*err = xstrdup("not a readable WebP picture");
		return -1;
	}
	if (image_check_size((uint64_t)f.width, (uint64_t)f.height, err) < 0)
		return -1;
	if (f.has_animation) {
		*err = xstrdup("an animated WebP: natter shows still pictures");
		return -1;
	}
	size = (size_t)f.width * (size_t)f.height * 4;
	px = xmalloc(size);
	if (!lwebp.decode_rgba_into(buf, len, px, size, f.width * 4)) {
		free(px);
		*err = xstrdup("not a readable WebP picture");
		return -1;
	}
	keep(im, px, (unsigned)f.width, (unsigned)f.height);
	return 0;
}

/* ---- the whole ---- */

int image_decode(const uint8_t *buf, size_t len, struct image *im,
		 char **err)
{
	int r;

	memset(im, 0, sizeof *im);
	*err = NULL;
	if (len > IMAGE_MAX_BYTES) {
		*err = xasprintf("refused: %zu bytes, more than the %u MiB "
				 "natter decodes", len,
				 IMAGE_MAX_BYTES / (1024 * 1024));
		return -1;
	}
	im->format = image_sniff(buf, len);
	switch (im->format) {
	case IMAGE_PNG: r = png_decode(buf, len, im, err); break;
	case IMAGE_JPEG: r = jpeg_decode(buf, len, im, err); break;
	case IMAGE_WEBP: r = webp_decode(buf, len, im, err); break;
	default:
		*err = xstrdup("not a picture natter shows (PNG, JPEG or WebP)");
		return -1;
	}
	if (r < 0)
		image_clear(im);
	return r;
}

int image_load(const char *path, struct image *im, char **err)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, r;

	memset(im, 0, sizeof *im);
	*err = NULL;
	/* O_NONBLOCK: a FIFO must not hang the loop (it is refused below) */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = xasprintf("cannot read it: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xstrdup("not a file");
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > IMAGE_MAX_BYTES) {
		*err = xasprintf("refused: %lld bytes, more than the %u MiB "
				 "natter decodes", (long long)st.st_size,
				 IMAGE_MAX_BYTES / (1024 * 1024));
		close(fd);
		return -1;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	r = image_decode(buf, got, im, err);
	free(buf);
	return r;
}

void image_clear(struct image *im)
{
	free(im->px);
	memset(im, 0, sizeof *im);
}
