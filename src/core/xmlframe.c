/* xmlframe: expat, without namespace processing, tracks the depth of
 * the stream fed to it; the bytes of a child of the root are cut out of
 * the input as they arrived (positions from XML_GetCurrentByteIndex),
 * so nothing is re-serialised and nothing is lost.
 *
 * A feed is parsed in one buffer ("the chunk"); a child begun in an
 * earlier chunk is kept in acc until its end tag comes. The end handler
 * of every child suspends the parser, so that what follows the child is
 * looked at before expat sees it: a new stream header there (libstrophe
 * restarts the stream after STARTTLS and SASL, and expat would refuse a
 * second root) resets the parser. When the chunk ends in the first
 * bytes of what may be a header ("<st"), they are held back until the
 * next feed decides; a parser suspended meanwhile is replaced by a fresh
 * one given a root of the same name (reported to nobody), which is the
 * same state as far as children go: without namespace processing no
 * declaration of the old root matters.
 */
#include "config.h"

#include <expat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmlframe.h"
#include "util/xmem.h"

/* A child larger than this is refused (no server sends one). */
#define XMLFRAME_MAX_CHILD (16 * 1024 * 1024)

struct xmlframe {
	const struct xmlframe_ops *ops;
	void *ud;
	char *default_ns;
	XML_Parser p;
	char *err;
	int depth;
	bool quiet_root;   /* the next root is ours: not reported */
	char *root;        /* the root's name, for that one */
	bool suspended;    /* stopped after a child (see above) */
	size_t resume_off; /* where in the chunk that child ended */

	/* the chunk being parsed; chunk_base is the parser's byte index
	 * of its first byte */
	const char *chunk;
	XML_Index chunk_base;
	XML_Index fed; /* bytes given to this parser */

	/* the child being read */
	bool in_child;
	bool child_here;  /* it began in this chunk, at child_off */
	size_t child_off;
	size_t name_len;
	bool need_ns, need_stream_ns;
	char *acc; /* its bytes from earlier chunks */
	size_t acc_len, acc_cap;
	/* between children: the bytes since the last one ended, kept
	 * across chunks, for a start tag that begins in one chunk and ends
	 * in a later one (expat reports it then); tail_base is the
	 * parser's byte index of tail[0] */
	char *tail;
	size_t tail_len, tail_cap;
	XML_Index tail_base;
	/* nothing but blanks since the root opened or the last child
	 * ended, in this chunk or earlier ones: only then may a stream
	 * header (a restart) come, wherever the chunks were cut */
	bool clean;

	char *held; /* the possible start of a header (see above) */
	size_t held_len;
	char *out;  /* a child with a namespace added */
	size_t out_cap;
};

static const char *const stream_ns = "http://etherx.jabber.org/streams";

const char *xmlframe_attr(const char **attrs, const char *name)
{
	size_t i;

	for (i = 0; attrs && attrs[i]; i += 2)
		if (strcmp(attrs[i], name) == 0)
			return attrs[i + 1];
	return NULL;
}

static void fail(struct xmlframe *f, const char *why)
{
	if (!f->err)
		f->err = xstrdup(why);
	XML_StopParser(f->p, XML_FALSE);
}

static size_t chunk_pos(const struct xmlframe *f)
{
	return (size_t)(XML_GetCurrentByteIndex(f->p) - f->chunk_base);
}

static void acc_add(struct xmlframe *f, const char *s, size_t n)
{
	if (f->acc_len + n > XMLFRAME_MAX_CHILD) {
		fail(f, "an element larger than 16 MiB");
		return;
	}
	xgrow((void **)&f->acc, &f->acc_cap, f->acc_len + n, 1);
	memcpy(f->acc + f->acc_len, s, n);
	f->acc_len += n;
}

/* Hands the child acc + b[0..bn) to the owner, with the namespaces it
 * lacks declared right after its name. */
static void emit(struct xmlframe *f, const char *b, size_t bn)
{
	char extra[512];
	size_t en = 0, head = 1 + f->name_len, total;
	const char *src = b;

	if (f->need_ns)
		en += (size_t)snprintf(extra + en, sizeof extra - en,
				       " xmlns='%s'", f->default_ns);
	if (f->need_stream_ns && en < sizeof extra)
		en += (size_t)snprintf(extra + en, sizeof extra - en,
				       " xmlns:stream='%s'", stream_ns);
	if (en >= sizeof extra)
		en = sizeof extra - 1;
	if (!f->ops->element)
		return;
	if (!en && !f->acc_len) {
		f->ops->element(f->ud, b, bn);
		return;
	}
	if (f->acc_len) {
		acc_add(f, b, bn);
		if (f->err)
			return;
		src = f->acc;
		bn = f->acc_len;
	}
	if (!en) {
		f->ops->element(f->ud, src, bn);
		return;
	}
	total = bn + en;
	xgrow((void **)&f->out, &f->out_cap, total, 1);
	memcpy(f->out, src, head);
	memcpy(f->out + head, extra, en);
	memcpy(f->out + head + en, src + head, bn - head);
	f->ops->element(f->ud, f->out, total);
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **attrs)
{
	struct xmlframe *f = ud;

	if (f->depth == 0) {
		if (f->quiet_root) {
			f->quiet_root = false;
		} else {
			free(f->root);
			f->root = xstrdup(name);
			if (f->ops->open)
				f->ops->open(f->ud, name, attrs);
		}
	} else if (f->depth == 1) {
		XML_Index at = XML_GetCurrentByteIndex(f->p);

		f->in_child = true;
		f->acc_len = 0;
		if (at >= f->chunk_base) {
			f->child_here = true;
			f->child_off = chunk_pos(f);
		} else if (f->tail_len && at >= f->tail_base &&
			   at < f->tail_base + (XML_Index)f->tail_len) {
			/* its start tag began in an earlier chunk */
			size_t from = (size_t)(at - f->tail_base);

			f->child_here = false;
			acc_add(f, f->tail + from, f->tail_len - from);
		} else {
			f->child_here = false;
			fail(f, "internal: a start tag's first bytes were lost");
		}
		f->name_len = strlen(name);
		f->need_ns = f->default_ns &&
			     !xmlframe_attr(attrs, "xmlns");
		f->need_stream_ns = strncmp(name, "stream:", 7) == 0 &&
				    !xmlframe_attr(attrs, "xmlns:stream");
	}
	f->depth++;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct xmlframe *f = ud;
	size_t end;

	(void)name;
	f->depth--;
	if (f->depth == 0) {
		if (f->ops->close)
			f->ops->close(f->ud);
		return;
	}
	if (f->depth != 1)
		return;
	end = chunk_pos(f) + (size_t)XML_GetCurrentByteCount(f->p);
	if (f->child_here)
		emit(f, f->chunk + f->child_off, end - f->child_off);
	else
		emit(f, f->chunk, end);
	f->in_child = false;
	f->acc_len = 0;
	f->clean = true;
	if (f->err)
		return;
	f->resume_off = end;
	XML_StopParser(f->p, XML_TRUE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	fail(ud, "a document type declaration (XMPP allows none)");
}

static void parser_start(struct xmlframe *f)
{
	if (f->p)
		XML_ParserReset(f->p, "UTF-8");
	else
		f->p = XML_ParserCreate("UTF-8");
	if (!f->p)
		xmalloc((size_t)-1); /* out of memory: the one abort */
	XML_SetUserData(f->p, f);
	XML_SetElementHandler(f->p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(f->p, on_doctype);
	f->depth = 0;
	f->fed = 0;
	f->suspended = false;
	f->in_child = false;
	f->acc_len = 0;
	f->tail_len = 0;
	f->clean = true;
	f->quiet_root = false;
}

struct xmlframe *xmlframe_new(const struct xmlframe_ops *ops, void *ud,
			      const char *default_ns)
{
	struct xmlframe *f = xcalloc(1, sizeof *f);

	f->ops = ops;
	f->ud = ud;
	f->default_ns = default_ns ? xstrdup(default_ns) : NULL;
	parser_start(f);
	return f;
}

void xmlframe_free(struct xmlframe **fp)
{
	struct xmlframe *f = *fp;

	if (!f)
		return;
	XML_ParserFree(f->p);
	free(f->default_ns);
	free(f->root);
	free(f->err);
	free(f->acc);
	free(f->tail);
	free(f->held);
	free(f->out);
	free(f);
	*fp = NULL;
}

void xmlframe_reset(struct xmlframe *f)
{
	parser_start(f);
	xfree(&f->err);
	f->held_len = 0;
}

const char *xmlframe_error(const struct xmlframe *f)
{
	return f->err;
}

/* 1: s begins a new stream header; -1: it may (too short to say);
 * 0: it does not. */
static int header_at(const char *s, size_t n)
{
	static const char *const heads[] = { "<?xml", "<stream:stream" };
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < sizeof heads / sizeof *heads; i++) {
		size_t m = strlen(heads[i]);

		if (memcmp(s, heads[i], n < m ? n : m) == 0)
			return n < m ? -1 : 1;
	}
	return 0;
}

static size_t skip_space(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
			 s[i] == '\n'))
		i++;
	return i;
}

/* Parses buf[off..len) with the parser (or resumes it); the result as
 * XML_Parse gives it. */
static enum XML_Status run(struct xmlframe *f, const char *buf, size_t off,
			   size_t len)
{
	f->chunk = buf;
	if (f->suspended) {
		f->suspended = false;
		return XML_ResumeParser(f->p);
	}
	f->chunk_base = f->fed - (XML_Index)off;
	f->fed += (XML_Index)(len - off);
	return XML_Parse(f->p, buf + off, (int)(len - off), XML_FALSE);
}

static void hold(struct xmlframe *f, const char *s, size_t n)
{
	if (f->suspended) {
		/* the suspended parser holds these bytes: start afresh,
		 * inside a root of the same name (its end tag may come) */
		char *open = xasprintf("<%s>", f->root ? f->root : "r");

		parser_start(f);
		f->quiet_root = true;
		f->fed = (XML_Index)strlen(open);
		if (XML_Parse(f->p, open, (int)strlen(open), XML_FALSE) !=
		    XML_STATUS_OK)
			fail(f, "internal");
		free(open);
	}
	f->held = xrealloc(f->held, n ? n : 1);
	memcpy(f->held, s, n);
	f->held_len = n;
}

/* Keeps s[0..n), at the parser's byte index at, as the tail between
 * children: after the tail kept so far when it follows it, else in its
 * place. */
static void keep_tail(struct xmlframe *f, XML_Index at, const char *s,
		      size_t n)
{
	if (!f->tail_len || f->tail_base + (XML_Index)f->tail_len != at) {
		f->tail_len = 0;
		f->tail_base = at;
	}
	if (!n)
		return;
	if (f->tail_len + n > XMLFRAME_MAX_CHILD) {
		fail(f, "an element larger than 16 MiB");
		return;
	}
	xgrow((void **)&f->tail, &f->tail_cap, f->tail_len + n, 1);
	memcpy(f->tail + f->tail_len, s, n);
	f->tail_len += n;
	if (skip_space(s, n) < n)
		f->clean = false;
}

static int feed_chunk(struct xmlframe *f, const char *buf, size_t len)
{
	size_t off = 0;

	for (;;) {
		enum XML_Status st;

		if (f->depth == 1 && !f->in_child && f->clean) {
			size_t ws = skip_space(buf + off, len - off);
			int h = header_at(buf + off + ws, len - off - ws);

			if (h < 0) {
				hold(f, buf + off + ws, len - off - ws);
				return f->err ? -1 : 0;
			}
			if (h > 0) {
				parser_start(f);
				off += ws;
			}
		}
		st = run(f, buf, off, len);
		if (st == XML_STATUS_ERROR) {
			if (!f->err)
				f->err = xasprintf(
					"%s (byte %ld)",
					XML_ErrorString(XML_GetErrorCode(f->p)),
					(long)XML_GetCurrentByteIndex(f->p));
			return -1;
		}
		if (st == XML_STATUS_SUSPENDED) {
			f->suspended = true;
			off = f->resume_off;
			continue;
		}
		break;
	}
	if (f->in_child) {
		if (f->child_here)
			acc_add(f, buf + f->child_off, len - f->child_off);
		else
			acc_add(f, buf, len);
		f->child_here = false;
		f->tail_len = 0;
	} else if (f->depth == 1 && !f->err) {
		keep_tail(f, f->chunk_base + (XML_Index)off, buf + off,
			  len - off);
	}
	return f->err ? -1 : 0;
}

int xmlframe_feed(struct xmlframe *f, const char *buf, size_t len)
{
	char *joined;
	int rc;

	if (f->err)
		return -1;
	if (!f->held_len)
		return feed_chunk(f, buf, len);
	joined = xmalloc(f->held_len + len + 1);
	memcpy(joined, f->held, f->held_len);
	memcpy(joined + f->held_len, buf, len);
	len += f->held_len;
	f->held_len = 0;
	rc = feed_chunk(f, joined, len);
	free(joined);
	return rc;
}

char *xmlframe_escape(const char *s)
{
	size_t n = 0;
	const char *p;
	char *out, *o;

	for (p = s; *p; p++)
		n += *p == '&' ? 5 : (*p == '<' || *p == '>') ? 4 :
		     (*p == '\'' || *p == '"') ? 6 : 1;
	out = o = xmalloc(n + 1);
	for (p = s; *p; p++) {
		const char *r = NULL;

		switch (*p) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '\'': r = "&apos;"; break;
		case '"': r = "&quot;"; break;
		}
		if (r) {
			memcpy(o, r, strlen(r));
			o += strlen(r);
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* " name='value'" for a value that is there, else "". The caller frees
 * it. */
static char *attr_text(const char *name, const char *value)
{
	char *e, *s;

	if (!value)
		return xstrdup("");
	e = xmlframe_escape(value);
	s = xasprintf(" %s='%s'", name, e);
	free(e);
	return s;
}

char *xmlframe_stream_header(const char *from, const char *id,
			     const char *lang)
{
	char *a = attr_text("from", from), *b = attr_text("id", id),
	     *c = attr_text("xml:lang", lang), *s;

	s = xasprintf("<?xml version='1.0'?><stream:stream "
		      "xmlns='jabber:client' xmlns:stream='%s' "
		      "version='1.0'%s%s%s>",
		      stream_ns, a, b, c);
	free(a);
	free(b);
	free(c);
	return s;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A byte that may start an XML name: a letter, '_', or any byte of a
 * multi-byte UTF-8 character (expat judges those). */
static bool name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c >= 0x80;
}

bool xmlframe_plain_child(const char *m, size_t n)
{
	size_t i = 0, start, colon, len;

	while (i < n && is_blank(m[i]))
		i++;
	while (n > i && is_blank(m[n - 1]))
		n--;
	if (n - i < 3 || m[i] != '<' || m[n - 1] != '>' ||
	    !name_start((unsigned char)m[i + 1]))
		return false;
	start = colon = ++i;
	while (i < n && !is_blank(m[i]) && m[i] != '/' && m[i] != '>') {
		if (m[i] == ':')
			colon = i + 1;
		i++;
	}
	len = i - colon;
	return !((len == 4 && memcmp(m + colon, "open", 4) == 0) ||
		 (len == 5 && memcmp(m + colon, "close", 5) == 0)) &&
	       i > start;
}
