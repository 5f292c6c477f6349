/* reply: quotes and fallbacks of message replies (see reply.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/reply.h"
#include "core/window.h"
#include "util/utf8.h"
#include "util/xmem.h"

/* The byte offset of code point cp of s (n bytes), or n when s has
 * fewer; *past says which. */
static size_t byte_of(const char *s, size_t n, size_t cp, bool *past)
{
	size_t i = 0, k = 0;
	uint32_t c;

	while (k < cp && i < n) {
		i += utf8_decode(s + i, n - i, &c);
		k++;
	}
	*past = k < cp;
	return i;
}

char *reply_strip(const char *body, size_t start, size_t end)
{
	size_t n = strlen(body), a, b;
	bool past_a, past_b;
	char *out;

	if (end <= start)
		return NULL;
	a = byte_of(body, n, start, &past_a);
	b = byte_of(body, n, end, &past_b);
	if (past_a || past_b)
		return NULL;
	out = xmalloc(n - (b - a) + 1);
	memcpy(out, body, a);
	/* what followed the fallback starts a line of its own */
	while (a == 0 && b < n && body[b] == '\n')
		b++;
	memcpy(out + a, body + b, n - b);
	out[a + n - b] = '\0';
	return out;
}

/* Appends up to max code points of text to *buf (of *len bytes, *cap
 * allocated), newlines as nl; returns whether text was cut. */
static bool append_cps(char **buf, size_t *len, size_t *cap,
		       const char *text, size_t max, const char *nl)
{
	size_t n = strlen(text), i = 0, k = 0, nll = strlen(nl);
	uint32_t c;

	while (i < n && k < max) {
		size_t l = utf8_decode(text + i, n - i, &c);

		xgrow((void **)buf, cap, *len + l + nll + 1, 1);
		if (c == '\n') {
			memcpy(*buf + *len, nl, nll);
			*len += nll;
		} else {
			memcpy(*buf + *len, text + i, l);
			*len += l;
		}
		i += l;
		k++;
	}
	(*buf)[*len] = '\0';
	return i < n;
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t l = strlen(s);

	xgrow((void **)buf, cap, *len + l + 1, 1);
	memcpy(*buf + *len, s, l + 1);
	*len += l;
}

char *reply_quote(const char *nick, const char *text, size_t max)
{
	char *buf = NULL, *clean;
	size_t len = 0, cap = 0;

	append(&buf, &len, &cap, nick ? nick : "?");
	append(&buf, &len, &cap, ": ");
	while (*text == '\n')
		text++;
	if (append_cps(&buf, &len, &cap, text, max, " "))
		append(&buf, &len, &cap, "\u2026");
	clean = utf8_sanitize(buf, 0); /* one line, whatever came in */
	free(buf);
	return clean;
}

char *reply_fallback(const char *nick, const char *text, size_t *cps)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	append(&buf, &len, &cap, "> ");
	append(&buf, &len, &cap, nick ? nick : "?");
	append(&buf, &len, &cap, " wrote:\n> ");
	if (append_cps(&buf, &len, &cap, text, REPLY_FALLBACK_CPS, "\n> "))
		append(&buf, &len, &cap, "\u2026");
	append(&buf, &len, &cap, "\n");
	*cps = utf8_count(buf);
	return buf;
}

static bool is_msg(const struct line *l)
{
	return l->kind == LINE_MSG_IN || l->kind == LINE_MSG_OUT;
}

char *reply_resolve(struct window *w, const char *body,
		    const struct reply_ref *r, char **quote)
{
	const struct line *orig = win_find_msg(w, r->id);
	char *text = NULL;

	*quote = NULL;
	if (!orig)
		return xstrdup(body);
	*quote = reply_quote(orig->nick, orig->text, REPLY_QUOTE_CPS);
	if (r->fallback)
		text = reply_strip(body, r->fb_start, r->fb_end);
	return text ? text : xstrdup(body);
}

struct line *reply_nth(struct window *w, unsigned n)
{
	size_t i;

	for (i = w->count; i > 0 && n > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		if (is_msg(l) && --n == 0)
			return l;
	}
	return NULL;
}

void reply_shown(struct window *w, const char *body, const char *text,
		 const char *quote)
{
	char *as_added = utf8_sanitize(body, UTF8_KEEP_NEWLINES);
	size_t n = strlen(as_added), i;

	while (n > 0 && as_added[n - 1] == '\n')
		as_added[--n] = '\0';
	for (i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		if (l->kind != LINE_MSG_OUT)
			continue;
		/* a room without a store shows our line when it echoes */
		if (strcmp(l->text, as_added) == 0) {
			free(l->text);
			l->text = utf8_sanitize(text, UTF8_KEEP_NEWLINES);
			free(l->quote);
			l->quote = xstrdup(quote);
			w->generation++;
		}
		break;
	}
	free(as_added);
}
