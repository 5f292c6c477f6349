/* nickcolour: XEP-0392 consistent colour generation, and its mapping
 * onto a terminal's palette.
 *
 * A nickname becomes a hue angle (SHA-1 of its UTF-8 bytes, the first
 * two bytes read little-endian, scaled to 0..360), optionally corrected
 * for a colour vision deficiency, then a colour: an RGB triple through
 * HSLuv (saturation 100, lightness 50), or the nearest colour of a
 * palette by hue (XEP-0392 "Conversion of an RGB color palette to a Hue
 * palette" and "Mapping of a Hue angle to closest palette color"). A
 * palette is built once (struct nickcolour_palette, plain data) from RGB
 * triples, such as the xterm 256-colour cube or the six basic terminal
 * colours; picking a colour for a nick is then a SHA-1 and a scan of at
 * most 360 hues, with no allocation. Nothing here knows about curses:
 * the palette holds the terminal's colour numbers as plain integers.
 */
#ifndef NATTER_UTIL_NICKCOLOUR_H
#define NATTER_UTIL_NICKCOLOUR_H

#include <stddef.h>

/* XEP-0392's corrections for colour vision deficiencies. */
enum nickcolour_cvd {
	NICKCOLOUR_CVD_NONE,
	NICKCOLOUR_CVD_REDGREEN, /* red/green blindness */
	NICKCOLOUR_CVD_BLUE,     /* blue blindness */
};

/* The hue angle (0 <= angle < 360) of the len bytes at s. */
double nickcolour_angle(const char *s, size_t len);
/* angle corrected for cvd; still within [0, 360). */
double nickcolour_correct(double angle, enum nickcolour_cvd cvd);
/* HSLuv (h in degrees, s and l 0..100) to sRGB, each channel 0..1. */
void nickcolour_hsluv_rgb(double h, double s, double l, double rgb[3]);
/* sRGB (0..1) to HSLuv: hue in degrees, saturation and lightness
 * 0..100. */
void nickcolour_rgb_hsluv(const double rgb[3], double *h, double *s,
			  double *l);

/* A palette reduced to one colour per whole hue angle. */
struct nickcolour_palette {
	size_t n;
	short hue[360];    /* whole degrees, ascending */
	int colour[360];   /* the caller's number for the colour */
	double light[360]; /* its HSLuv lightness (to choose among equals) */
};

/* Builds p from n colours: rgb[i] (0..255 each) is known to the caller
 * as colours[i]. Greys are skipped; of the colours with the same whole
 * hue, the one whose lightness is nearest 73.2 is kept (XEP-0392). */
void nickcolour_palette_build(struct nickcolour_palette *p,
			      const unsigned char (*rgb)[3],
			      const int *colours, size_t n);
/* The xterm 256-colour palette's 6x6x6 cube (colours 16 to 231). */
void nickcolour_palette_xterm256(struct nickcolour_palette *p);
/* The six basic colours of every colour terminal (1 red to 6 cyan, with
 * xterm's RGB values), for terminals of 8 or 16 colours. */
void nickcolour_palette_basic(struct nickcolour_palette *p);
/* The index into p of the colour nearest angle (p must not be empty):
 * its whole hue if there is one, else the least circular distance. */
size_t nickcolour_palette_nearest(const struct nickcolour_palette *p,
				  double angle);
/* The caller's colour number for nick (NUL-terminated), after cvd. */
int nickcolour_pick(const struct nickcolour_palette *p, const char *nick,
		    enum nickcolour_cvd cvd);

#endif
