/* url: links in text and names for their downloads (see url.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/url.h"
#include "util/utf8.h"
#include "util/xmem.h"

static bool scheme_at(const char *p, size_t *n)
{
	if (strncasecmp(p, "https://", 8) == 0)
		*n = 8;
	else if (strncasecmp(p, "http://", 7) == 0)
		*n = 7;
	else
		return false;
	return true;
}

/* Whether an address may start at p: at the start of the text or after
 * something that is not part of a word ("xhttp://" is not one). */
static bool starts_here(const char *text, const char *p)
{
	unsigned char c = p > text ? (unsigned char)p[-1] : ' ';

	return !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
	       !(c >= '0' && c <= '9');
}

static const char *closer_of(char open)
{
	switch (open) {
	case '(': return ")";
	case '[': return "]";
	case '<': return ">";
	case '"': return "\"";
	case '\'': return "'";
	default: return NULL;
	}
}

/* Where an address whose "://" is at q starts ("https" or "http"
 * before it, at a word's start), else NULL; *n is its scheme's length
 * with the "://". */
static const char *address_at(const char *text, const char *q, size_t *n)
{
	if (q - text >= 5 && scheme_at(q - 5, n) && starts_here(text, q - 5))
		return q - 5;
	if (q - text >= 4 && scheme_at(q - 4, n) && starts_here(text, q - 4))
		return q - 4;
	return NULL;
}

bool url_next(const char *text, const char **start, size_t *len)
{
	const char *p, *q;

	/* every address has a "://", which strstr finds a word at a time:
	 * every line of a chat is scanned when it arrives, and most hold
	 * none */
	for (q = text; (q = strstr(q, "://")) != NULL; q += 3) {
		const char *end, *closer;
		size_t n;

		if (!(p = address_at(text, q, &n)))
			continue;
		end = p + n;
		while ((unsigned char)*end > ' ' && *end != 0x7f)
			end++;
		closer = p > text ? closer_of(p[-1]) : NULL;
		/* a bracket or quote around the address is not part of it */
		if (closer) {
			const char *c = memchr(p + n, *closer,
					       (size_t)(end - p - n));

			if (c)
				end = c;
		}
		while (end > p + n && strchr(".,;:!?)]>'\"", end[-1]) &&
		       !(end[-1] == ')' && memchr(p, '(', (size_t)(end - p))))
			end--;
		if (end == p + n)
			continue; /* "http://" alone */
		*start = p;
		*len = (size_t)(end - p);
		return true;
	}
	return false;
}

/* The host of an http(s) URL, or NULL when url is not one. */
char *url_host(const char *url)
{
	const char *p, *end, *at;

	if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return NULL;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		return close && close > p + 1 ? xstrndup(p + 1,
							 (size_t)(close - p - 1))
					      : NULL;
	}
	end = p + strcspn(p, ":/?#");
	return end > p ? xstrndup(p, (size_t)(end - p)) : NULL;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *url_pct_decode(const char *s, size_t n, bool strict)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		hi = i + 1 < n ? hex(s[i + 1]) : -1;
		lo = i + 2 < n ? hex(s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			if (strict) {
				free(out);
				return NULL;
			}
			*o++ = s[i]; /* kept as it stands */
			continue;
		}
		*o++ = (char)(hi * 16 + lo);
		i += 2;
	}
	*o = '\0';
	return out;
}

/* The last path segment of url, percent-decoded; the caller frees it. */
static char *last_segment(const char *url)
{
	const char *p = strstr(url, "://");
	const char *end, *seg;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "?#");
	seg = p + strcspn(p, "/");
	if (seg >= end)
		return xstrdup(""); /* no path */
	for (const char *q = seg; q < end; q++)
		if (*q == '/')
			seg = q + 1;
	return url_pct_decode(seg, (size_t)(end - seg), false);
}

/* Cuts s to at most max bytes on a character boundary, keeping its
 * extension (a last '.' within its final 16 bytes). */
static void cut(char *s, size_t max)
{
	size_t len = strlen(s), keep = 0, at;
	char *dot = strrchr(s, '.');

	if (len <= max)
		return;
	if (dot && len - (size_t)(dot - s) <= 16)
		keep = len - (size_t)(dot - s);
	at = utf8_cut_at(s, max - keep);
	memmove(s + at, s + len - keep, keep + 1);
}

char *url_file_name(const char *url)
{
	char *seg = last_segment(url);
	char *clean = url_clean_name(seg);

	free(seg);
	return clean;
}

char *url_clean_name(const char *name)
{
	char *clean = utf8_sanitize(name, 0);
	char *r, *w;

	/* separators of any system, and what a shell or a listing would
	 * take for something else, become '_' */
	for (r = clean; *r; r++)
		if (strchr("/\\:", *r))
			*r = '_';
	/* no hidden files, no names that start or end with a space */
	for (r = clean; *r == '.' || *r == ' '; r++)
		;
	memmove(clean, r, strlen(r) + 1);
	for (w = clean + strlen(clean); w > clean && w[-1] == ' ';)
		*--w = '\0';
	cut(clean, URL_NAME_MAX);
	if (!*clean) {
		free(clean);
		return xstrdup("download");
	}
	return clean;
}
