/* picture: the model of a picture window (WIN_PICTURE), and showing
 * pictures only when the user asks.
 *
 * A picture window owns one decoded image (core/image.h) and its name,
 * and the last rendering of it: how many cells it covers in the area it
 * was drawn in, and either those cells (a symbol and two colours each,
 * for image_protocol "symbols") or the terminal sequence that draws it
 * (sixel, kitty). Rendering goes through libchafa, loaded with dlopen()
 * the first time a picture is drawn; a rendering is kept until the
 * area, the cell size, the colours or the protocol change, so a resize
 * renders again and an ordinary redraw does not.
 *
 * Pictures come from a file (/view PATH, or a transfer's file), from
 * bytes (an avatar), or from a link: picture_view_link() downloads it
 * through core/transfer and shows it once its transfer is done. Nothing
 * here runs on its own: every picture is one the user asked for.
 *
 * Each attempt ends in one EV_PICTURE naming the window it was asked
 * in: the picture window opened (made current if the user is still in
 * that window), or why not, in words.
 */
#ifndef NATTER_CORE_PICTURE_H
#define NATTER_CORE_PICTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/image.h"

struct app;
struct window;

/* One cell of a rendering in symbols: a character, and its colours as
 * terminal colour indexes (-1: the terminal's default). */
struct picture_cell {
	uint32_t ch;
	int16_t fg, bg;
};

struct picture_render {
	enum image_protocol mode;
	/* what it was made for */
	unsigned area_cols, area_rows, cell_w, cell_h;
	int colours;           /* the terminal's colours: 256, 16, 8 or 0 */
	unsigned cols, rows;   /* the cells the picture covers */
	struct picture_cell *cells; /* symbols: cols * rows, row by row */
	char *seq;             /* sixel, kitty: what draws it at the cursor */
	size_t seq_len;
	uint64_t gen;          /* bumped for each new rendering */
};

struct picture {
	struct image im;
	char *name;    /* shown in the title: one sanitised line */
	char *source;  /* what it came from (a path, "avatar:JID"): a
			* second /view of it finds this window */
	struct picture_render r;
	char *error;   /* why it cannot be drawn (chafa missing), or NULL */
};

/* Limits on what is rendered (cells), whatever the terminal's size. */
#define PICTURE_MAX_COLS 500
#define PICTURE_MAX_ROWS 300

void picture_free(struct picture **p);
/* Renders p to fit an area of area_cols x area_rows cells, each
 * cell_w x cell_h pixels, for a terminal of that many colours, or
 * returns the rendering kept when nothing changed. NULL when it cannot
 * (p->error says why). Borrowed from p. */
const struct picture_render *picture_render(struct picture *p,
					    enum image_protocol mode,
					    unsigned area_cols,
					    unsigned area_rows,
					    unsigned cell_w, unsigned cell_h,
					    int colours);
/* Shows the file at path in a picture window (name: its title; NULL:
 * the file's name), asked for in window origin (an id). Returns 0, or
 * -1; either way one EV_PICTURE tells. */
int picture_show_file(struct app *app, uint64_t origin, const char *path,
		      const char *name);
/* The same for len bytes held in memory (an avatar); source names them
 * (a second show of the same source replaces the picture). */
int picture_show_bytes(struct app *app, uint64_t origin, const uint8_t *buf,
		       size_t len, const char *name, const char *source);
/* Says that name, asked for in window origin, cannot be shown: error,
 * in words, or the XMPP error condition cond (one EV_PICTURE). */
void picture_fail(struct app *app, uint64_t origin, const char *name,
		  const char *error, const char *cond);
/* Downloads url for window w (core/transfer: its number, progress and
 * end are told as for /download) and shows it when it is done. Returns
 * the transfer's number, or 0 with *err (the caller frees it). */
unsigned picture_view_link(struct app *app, struct window *w,
			   const char *url, char **err);
/* Forgets the links waiting to be shown (at exit). */
void picture_shutdown(struct app *app);

#endif
