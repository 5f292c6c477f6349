/* nickcolour: XEP-0392 colours (see nickcolour.h).
 *
 * HSLuv is CIE LCh(uv) with the chroma given as a percentage of the
 * largest chroma sRGB can show at that lightness and hue. That largest
 * chroma is where the hue's ray in the (u, v) plane first leaves the
 * sRGB gamut, whose faces at a given lightness are six straight lines
 * (each of R, G, B at 0 and at 1); the conversions below go
 * HSLuv -> LCh -> Luv -> XYZ -> linear RGB -> sRGB and back, with the
 * D65 white point and the sRGB matrices.
 */
#include "config.h"

#include <math.h>
#include <openssl/evp.h>
#include <string.h>

#include "util/nickcolour.h"

/* XYZ to linear sRGB, and back. */
static const double to_rgb[3][3] = {
	{ 3.240969941904521, -1.537383177570093, -0.498610760293 },
	{ -0.96924363628087, 1.87596750150772, 0.041555057407175 },
	{ 0.055630079696993, -0.20397695888897, 1.056971514242878 },
};
static const double to_xyz[3][3] = {
	{ 0.41239079926595, 0.35758433938387, 0.18048078840183 },
	{ 0.21263900587151, 0.71516867876775, 0.072192315360733 },
	{ 0.019330818715591, 0.11919477979462, 0.95053215224966 },
};
/* the white point's u' and v' */
#define REF_U 0.19783000664283
#define REF_V 0.46831999493879
/* CIE's kappa and epsilon (the linear part of L* near black) */
#define KAPPA 903.2962962
#define EPSILON 0.0088564516

double nickcolour_angle(const char *s, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(s, len, md, &mdlen, EVP_sha1(), NULL) || mdlen < 2)
		return 0.0;
	return (double)(md[0] | (unsigned)md[1] << 8) / 65536.0 * 360.0;
}

/* x mod 360, never negative. */
static double wrap(double x)
{
	double r = fmod(x, 360.0);

	return r < 0 ? r + 360.0 : r;
}

double nickcolour_correct(double angle, enum nickcolour_cvd cvd)
{
	switch (cvd) {
	case NICKCOLOUR_CVD_REDGREEN:
		/* fold the hues onto the half circle away from red/green
		 * confusion: +90, mod 180, -90 */
		return wrap(fmod(angle + 90.0, 180.0) - 90.0);
	case NICKCOLOUR_CVD_BLUE:
		return fmod(angle, 180.0);
	default:
		return angle;
	}
}

/* The largest chroma sRGB holds at lightness l and hue h (degrees). */
static double max_chroma(double l, double h)
{
	double sub1 = pow(l + 16.0, 3.0) / 1560896.0;
	double sub2 = sub1 > EPSILON ? sub1 : l / KAPPA;
	double rad = h / 180.0 * M_PI, best = INFINITY;

	for (int c = 0; c < 3; c++) {
		double m1 = to_rgb[c][0], m2 = to_rgb[c][1], m3 = to_rgb[c][2];

		for (int t = 0; t < 2; t++) {
			/* the face channel c = t as a line v = slope u + b */
			double top1 = (284517.0 * m1 - 94839.0 * m3) * sub2;
			double top2 = (838422.0 * m3 + 769860.0 * m2 +
				       731718.0 * m1) * l * sub2 -
				      769860.0 * t * l;
			double bottom = (632260.0 * m3 - 126452.0 * m2) * sub2 +
					126452.0 * t;
			double slope = top1 / bottom, icpt = top2 / bottom;
			double len = icpt / (sin(rad) - slope * cos(rad));

			if (len >= 0 && len < best)
				best = len;
		}
	}
	return best;
}

static double from_linear(double c)
{
	return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1.0 / 2.4) - 0.055;
}

static double to_linear(double c)
{
	return c > 0.04045 ? pow((c + 0.055) / 1.055, 2.4) : c / 12.92;
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

void nickcolour_hsluv_rgb(double h, double s, double l, double rgb[3])
{
	double c, u, v, xyz[3], var_u, var_v, rad = h / 180.0 * M_PI;

	if (l > 99.9999999 || l < 1e-8) {
		double grey = l > 50 ? 1.0 : 0.0;

		rgb[0] = rgb[1] = rgb[2] = grey;
		return;
	}
	c = max_chroma(l, h) / 100.0 * s;
	u = cos(rad) * c;
	v = sin(rad) * c;
	/* Luv to XYZ */
	var_u = u / (13.0 * l) + REF_U;
	var_v = v / (13.0 * l) + REF_V;
	xyz[1] = l <= 8 ? l / KAPPA : pow((l + 16.0) / 116.0, 3.0);
	xyz[0] = -(9.0 * xyz[1] * var_u) /
		 ((var_u - 4.0) * var_v - var_u * var_v);
	xyz[2] = (9.0 * xyz[1] - 15.0 * var_v * xyz[1] - var_v * xyz[0]) /
		 (3.0 * var_v);
	for (int i = 0; i < 3; i++)
		rgb[i] = clamp01(from_linear(to_rgb[i][0] * xyz[0] +
					     to_rgb[i][1] * xyz[1] +
					     to_rgb[i][2] * xyz[2]));
}

void nickcolour_rgb_hsluv(const double rgb[3], double *h, double *s,
			  double *l)
{
	double lin[3], xyz[3], div, u, v, c, hue;

	for (int i = 0; i < 3; i++)
		lin[i] = to_linear(rgb[i]);
	for (int i = 0; i < 3; i++)
		xyz[i] = to_xyz[i][0] * lin[0] + to_xyz[i][1] * lin[1] +
			 to_xyz[i][2] * lin[2];
	*l = xyz[1] <= EPSILON ? xyz[1] * KAPPA : 116.0 * cbrt(xyz[1]) - 16.0;
	div = xyz[0] + 15.0 * xyz[1] + 3.0 * xyz[2];
	if (*l < 1e-8 || div == 0) {
		*h = *s = 0;
		return;
	}
	u = 13.0 * *l * (4.0 * xyz[0] / div - REF_U);
	v = 13.0 * *l * (9.0 * xyz[1] / div - REF_V);
	c = sqrt(u * u + v * v);
	hue = c < 1e-8 ? 0 : wrap(atan2(v, u) * 180.0 / M_PI);
	*h = hue;
	*s = *l > 99.9999999 ? 0 : c / max_chroma(*l, hue) * 100.0;
}

void nickcolour_palette_build(struct nickcolour_palette *p,
			      const unsigned char (*rgb)[3],
			      const int *colours, size_t n)
{
	double light[360] = { 0 };
	int colour[360] = { 0 };
	unsigned char have[360];
	size_t i;
	int a;

	memset(have, 0, sizeof have);
	for (i = 0; i < n; i++) {
		double c[3] = { rgb[i][0] / 255.0, rgb[i][1] / 255.0,
				rgb[i][2] / 255.0 };
		double h, s, l;

		if (rgb[i][0] == rgb[i][1] && rgb[i][1] == rgb[i][2])
			continue; /* a grey has no hue */
		nickcolour_rgb_hsluv(c, &h, &s, &l);
		a = (int)lround(h) % 360;
		if (!have[a] || fabs(light[a] - 73.2) > fabs(l - 73.2)) {
			have[a] = 1;
			light[a] = l;
			colour[a] = colours[i];
		}
	}
	p->n = 0;
	for (a = 0; a < 360; a++) {
		if (!have[a])
			continue;
		p->hue[p->n] = (short)a;
		p->colour[p->n] = colour[a];
		p->light[p->n] = light[a];
		p->n++;
	}
}

void nickcolour_palette_xterm256(struct nickcolour_palette *p)
{
	static const unsigned char level[6] = { 0, 95, 135, 175, 215, 255 };
	unsigned char rgb[216][3];
	int colours[216];

	for (int i = 0; i < 216; i++) {
		rgb[i][0] = level[i / 36];
		rgb[i][1] = level[i / 6 % 6];
		rgb[i][2] = level[i % 6];
		colours[i] = 16 + i;
	}
	nickcolour_palette_build(p, (const unsigned char (*)[3])rgb, colours,
				 216);
}

void nickcolour_palette_basic(struct nickcolour_palette *p)
{
	static const unsigned char rgb[6][3] = {
		{ 205, 0, 0 },   { 0, 205, 0 },   { 205, 205, 0 },
		{ 0, 0, 238 },   { 205, 0, 205 }, { 0, 205, 205 },
	};
	static const int colours[6] = { 1, 2, 3, 4, 5, 6 };

	nickcolour_palette_build(p, rgb, colours, 6);
}

size_t nickcolour_palette_nearest(const struct nickcolour_palette *p,
				  double angle)
{
	int whole = (int)lround(angle) % 360;
	double best = INFINITY;
	size_t i, at = 0;

	for (i = 0; i < p->n; i++)
		if (p->hue[i] == whole)
			return i;
	for (i = 0; i < p->n; i++) {
		double d1 = wrap(angle - p->hue[i]), d2 = wrap(p->hue[i] - angle);
		double d = d1 < d2 ? d1 : d2;

		if (d < best) {
			best = d;
			at = i;
		}
	}
	return at;
}

int nickcolour_pick(const struct nickcolour_palette *p, const char *nick,
		    enum nickcolour_cvd cvd)
{
	double a = nickcolour_correct(nickcolour_angle(nick, strlen(nick)),
				      cvd);

	return p->colour[nickcolour_palette_nearest(p, a)];
}
