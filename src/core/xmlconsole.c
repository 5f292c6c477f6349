/* xmlconsole: the XML console's windows, filters and pretty-printer
 * (see xmlconsole.h).
 *
 * The texts come from libstrophe's log, so they are what went over the
 * wire, or libstrophe's serialisation of what it parsed: well-formed
 * stanzas, but also fragments (a stream's opening tag, its close). The
 * printer therefore does not parse; it cuts the text into tokens
 * (tags, text, comments) and indents by the tags' nesting, which
 * tolerates anything and never fails.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/xmlconsole.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"

enum tok_kind { TOK_END_OF_TEXT, TOK_START, TOK_EMPTY, TOK_END, TOK_TEXT,
		TOK_OTHER /* comment, processing instruction, declaration */ };

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t len;
};

/* Where the tag starting at s ends (past its '>'), quotes respected;
 * NULL when it does not. */
static const char *tag_end(const char *s)
{
	char quote = 0;

	for (s++; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '>') {
			return s + 1;
		}
	}
	return NULL;
}

/* The token at *pos, which moves past it. */
static struct tok next_tok(const char **pos)
{
	const char *s = *pos, *e = NULL;
	struct tok t = { TOK_END_OF_TEXT, s, 0 };

	if (!*s)
		return t;
	if (*s != '<') {
		e = strchr(s, '<');
		if (!e)
			e = s + strlen(s);
		t.kind = TOK_TEXT;
	} else if (strncmp(s, "<!--", 4) == 0) {
		e = strstr(s + 4, "-->");
		e = e ? e + 3 : NULL;
		t.kind = TOK_OTHER;
	} else if (strncmp(s, "<![CDATA[", 9) == 0) {
		e = strstr(s + 9, "]]>");
		e = e ? e + 3 : NULL;
		t.kind = TOK_TEXT;
	} else if (s[1] == '?' || s[1] == '!') {
		e = tag_end(s);
		t.kind = TOK_OTHER;
	} else {
		e = tag_end(s);
		t.kind = s[1] == '/' ? TOK_END :
			 e && e - s >= 3 && e[-2] == '/' ? TOK_EMPTY :
							   TOK_START;
	}
	if (!e) { /* cut short: the rest is text */
		e = s + strlen(s);
		t.kind = TOK_TEXT;
	}
	t.len = (size_t)(e - s);
	*pos = e;
	return t;
}

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", p[i]))
			return false;
	return true;
}

/* A growing output text. */
struct out {
	char *buf;
	size_t len, cap;
};

static void put(struct out *o, const char *p, size_t n)
{
	xgrow((void **)&o->buf, &o->cap, o->len + n + 1, 1);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Whether cp may not reach the terminal as it is: what utf8_sanitize()
 * drops (C0 and C1 controls, DEL, bidi controls). */
static bool hostile(uint32_t cp)
{
	char buf[8];
	size_t n = utf8_encode(cp, buf);

	return !utf8_is_clean(buf, n);
}

/* Appends n bytes of p, with what the terminal must not see written as
 * character references; invalid UTF-8 is left to the window's
 * sanitiser (it becomes U+FFFD). */
static void put_safe(struct out *o, const char *p, size_t n)
{
	size_t i = 0, run = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(p + i, n - i, &cp);

		if ((unsigned char)p[i] < 0x80 && p[i] >= 0x20 && p[i] != 0x7f) {
			i++;
			run++;
			continue;
		}
		if (cp == 0xFFFD || !hostile(cp)) {
			i += len;
			run += len;
			continue;
		}
		put(o, p + i - run, run);
		run = 0;
		{
			char ref[16];
			int r = snprintf(ref, sizeof ref, "&#x%X;", (unsigned)cp);

			put(o, ref, (size_t)r);
		}
		i += len;
	}
	put(o, p + i - run, run);
}

static void row(struct out *o, int depth, const struct tok *a,
		const struct tok *b, const struct tok *c)
{
	if (o->len)
		put(o, "\n", 1);
	for (int d = 0; d < depth; d++)
		put(o, "  ", 2);
	put_safe(o, a->p, a->len);
	if (b)
		put_safe(o, b->p, b->len);
	if (c)
		put_safe(o, c->p, c->len);
}

/* Trims the blanks around a text token. */
static struct tok trimmed(struct tok t)
{
	while (t.len && strchr(" \t\r\n", t.p[0])) {
		t.p++;
		t.len--;
	}
	while (t.len && strchr(" \t\r\n", t.p[t.len - 1]))
		t.len--;
	return t;
}

char *xmlconsole_pretty(const char *xml, size_t max)
{
	struct out o = { NULL, 0, 0 };
	const char *pos = xml;
	int depth = 0;
	struct tok t;

	put(&o, "", 0);
	while ((t = next_tok(&pos)).kind != TOK_END_OF_TEXT && o.len <= max) {
		const char *save = pos;
		struct tok t2, t3;

		switch (t.kind) {
		case TOK_START:
			/* <a/>-like: nothing or only text before its end */
			t2 = next_tok(&pos);
			if (t2.kind == TOK_END) {
				row(&o, depth, &t, &t2, NULL);
				continue;
			}
			if (t2.kind == TOK_TEXT) {
				t3 = next_tok(&pos);
				if (t3.kind == TOK_END) {
					row(&o, depth, &t, &t2, &t3);
					continue;
				}
			}
			pos = save;
			row(&o, depth++, &t, NULL, NULL);
			break;
		case TOK_END:
			if (depth > 0)
				depth--;
			row(&o, depth, &t, NULL, NULL);
			break;
		case TOK_TEXT:
			if (blank(t.p, t.len))
				break;
			t = trimmed(t);
			row(&o, depth, &t, NULL, NULL);
			break;
		default:
			row(&o, depth, &t, NULL, NULL);
			break;
		}
	}
	if (o.len > max) {
		size_t keep = max;
		char note[64];
		int n;

		/* cut at a character's start */
		while (keep > 0 && ((unsigned char)o.buf[keep] & 0xC0) == 0x80)
			keep--;
		n = snprintf(note, sizeof note, "\n[cut: %zu more bytes]",
			     strlen(xml) - (size_t)(t.p - xml) +
				     (o.len - keep));
		o.len = keep;
		put(&o, note, (size_t)n);
	}
	return o.buf;
}

int xmlconsole_top_elements(const char *xml)
{
	const char *pos = xml;
	int depth = 0, n = 0;
	struct tok t;

	while ((t = next_tok(&pos)).kind != TOK_END_OF_TEXT) {
		switch (t.kind) {
		case TOK_START:
			n += depth == 0;
			depth++;
			break;
		case TOK_EMPTY:
			n += depth == 0;
			break;
		case TOK_END:
			if (depth == 0)
				return -1;
			depth--;
			break;
		case TOK_TEXT:
			if (depth == 0 && !blank(t.p, t.len))
				return -1;
			break;
		default:
			if (depth == 0)
				return -1;
			break;
		}
	}
	return depth == 0 ? n : -1;
}

/* The value of attribute name in the tag t, its five predefined
 * entities replaced; NULL when absent. The caller frees it. */
static char *attr_value(const struct tok *t, const char *name)
{
	size_t nl = strlen(name);
	const char *p = t->p + 1, *end = t->p + t->len;

	p += strcspn(p, " \t\r\n/>"); /* past the element's name */
	while (p < end) {
		const char *an, *v;
		size_t alen;
		char q;

		while (p < end && strchr(" \t\r\n", *p))
			p++;
		an = p;
		while (p < end && !strchr(" \t\r\n=/>", *p))
			p++;
		alen = (size_t)(p - an);
		while (p < end && strchr(" \t\r\n", *p))
			p++;
		if (p >= end || *p != '=') {
			if (alen == 0)
				p++;
			continue;
		}
		p++;
		while (p < end && strchr(" \t\r\n", *p))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return NULL;
		q = *p++;
		v = p;
		while (p < end && *p != q)
			p++;
		if (alen == nl && strncmp(an, name, nl) == 0) {
			static const char *const ent[][2] = {
				{ "&amp;", "&" }, { "&apos;", "'" },
				{ "&quot;", "\"" }, { "&lt;", "<" },
				{ "&gt;", ">" } };
			struct out o = { NULL, 0, 0 };

			put(&o, "", 0);
			while (v < p) {
				size_t i;

				for (i = 0; i < 5; i++) {
					size_t el = strlen(ent[i][0]);

					if ((size_t)(p - v) >= el &&
					    strncmp(v, ent[i][0], el) == 0)
						break;
				}
				if (i < 5) {
					put(&o, ent[i][1], 1);
					v += strlen(ent[i][0]);
				} else {
					put(&o, v++, 1);
				}
			}
			return o.buf;
		}
		p++;
	}
	return NULL;
}

/* Whether the JID a (full or bare) is f, or its bare JID is. */
static bool jid_is(const char *a, const char *f)
{
	size_t bl = strcspn(a, "/");

	if (strcasecmp(a, f) == 0)
		return true;
	return strlen(f) == bl && strncasecmp(a, f, bl) == 0;
}

bool xmlconsole_match(const struct xmlconsole *f, const char *xml)
{
	const char *pos = xml, *name;
	size_t nlen;
	struct tok t;
	bool ok = true;

	if (!f || (!f->element && !f->jid))
		return true;
	do
		t = next_tok(&pos);
	while (t.kind == TOK_OTHER || (t.kind == TOK_TEXT && blank(t.p, t.len)));
	if (t.kind != TOK_START && t.kind != TOK_EMPTY)
		return false;
	name = t.p + 1;
	nlen = strcspn(name, " \t\r\n/>");
	if (f->element) {
		const char *colon = memchr(name, ':', nlen);

		if (colon) { /* a prefix: stream:features */
			nlen -= (size_t)(colon + 1 - name);
			name = colon + 1;
		}
		ok = strlen(f->element) == nlen &&
		     strncmp(name, f->element, nlen) == 0;
	}
	if (ok && f->jid) {
		char *from = attr_value(&t, "from"), *to = attr_value(&t, "to");

		ok = (from && jid_is(from, f->jid)) || (to && jid_is(to, f->jid));
		free(from);
		free(to);
	}
	return ok;
}

struct window *xmlconsole_find(struct app *app, struct account *acc)
{
	return app_window_find(app, acc, WIN_XMLCONSOLE, NULL);
}

struct window *xmlconsole_window(struct app *app, struct account *acc)
{
	bool made;
	struct window *w = app_account_window(app, acc, WIN_XMLCONSOLE, "xml",
					      XMLCONSOLE_LINES, &made);

	if (made)
		w->xmlconsole = xcalloc(1, sizeof *w->xmlconsole);
	return w;
}

bool xmlconsole_stanza(struct app *app, struct account *acc, bool out,
		       const char *xml, time_t ts)
{
	struct window *w = xmlconsole_find(app, acc);
	char *clean, *pretty, *text;

	if (!w)
		return false;
	clean = log_redact(xml);
	if (!xmlconsole_match(w->xmlconsole, clean)) {
		free(clean);
		return true;
	}
	pretty = xmlconsole_pretty(clean, XMLCONSOLE_TEXT_MAX);
	text = xasprintf("%s%s", out ? XMLCONSOLE_OUT_MARK : XMLCONSOLE_IN_MARK,
			 pretty);
	win_add(w, ts, out ? LINE_INFO : LINE_PLAIN, text);
	free(text);
	free(pretty);
	free(clean);
	if (app->wins[app->cur_win] == w)
		app->dirty = true;
	return true;
}

static bool stanza_kind(const char *word)
{
	return strcmp(word, "iq") == 0 || strcmp(word, "message") == 0 ||
	       strcmp(word, "presence") == 0;
}

int xmlconsole_filter_set(struct window *w, int nwords, char **words)
{
	const char *element = NULL, *jid = NULL;
	int i;

	for (i = 0; i < nwords; i++) {
		if (stanza_kind(words[i]) && !element)
			element = words[i];
		else if (!stanza_kind(words[i]) && !jid &&
			 jid_valid(words[i]))
			jid = words[i];
		else
			return -1;
	}
	free(w->xmlconsole->element);
	free(w->xmlconsole->jid);
	w->xmlconsole->element = element ? xstrdup(element) : NULL;
	w->xmlconsole->jid = jid ? xstrdup(jid) : NULL;
	w->generation++;
	return 0;
}

char *xmlconsole_filter_text(const struct window *w)
{
	const struct xmlconsole *f = w->xmlconsole;

	if (!f || (!f->element && !f->jid))
		return NULL;
	return xasprintf("%s%s%s", f->element ? f->element : "",
			 f->element && f->jid ? " " : "", f->jid ? f->jid : "");
}

void xmlconsole_closed(struct app *app, struct window *w)
{
	struct event ev = { .type = EV_XMLCONSOLE_CLOSED, .acc = w->acc };

	event_emit(app, &ev);
}

void xmlconsole_free(struct xmlconsole **x)
{
	if (!*x)
		return;
	free((*x)->element);
	free((*x)->jid);
	free(*x);
	*x = NULL;
}
