/* jid: JID parsing (see jid.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/jid.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define JID_PART_MAX 1023

/* No part may hold invalid UTF-8, controls or bidi overrides: a JID is
 * shown to the user, and PRECIS forbids them anyway. */
static bool part_ok(const char *s, size_t n)
{
	if (n == 0 || n > JID_PART_MAX)
		return false;
	return utf8_is_clean(s, n);
}

/* Whether none of s's n bytes is one of set's (s holds no NUL within
 * n: part_ok made sure). */
static bool none_of(const char *s, size_t n, const char *set)
{
	return strcspn(s, set) >= n;
}

static bool local_ok(const char *s, size_t n)
{
	/* RFC 7622 section 3.3.1 forbids these in the localpart */
	return part_ok(s, n) && none_of(s, n, "\"&'/:<>@ ");
}

static bool domain_ok(const char *s, size_t n)
{
	size_t i;

	if (!part_ok(s, n))
		return false;
	/* no empty label: "a..b", ".a" and (its one final dot dropped
	 * already) "a.." are not domains, and would compare unequal to
	 * themselves once a dot is dropped on the next parse */
	if (s[0] == '.' || s[n - 1] == '.' || !none_of(s, n, "@/ "))
		return false;
	for (i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
	return true;
}

int jid_parse(const char *s, struct jid *out)
{
	const char *slash, *at, *dom;
	size_t dlen, llen, rlen, i;
	char *p;

	memset(out, 0, sizeof *out);
	if (!s)
		return -1;
	slash = strchr(s, '/');
	/* the first '@' before the resource separates the localpart */
	at = memchr(s, '@', slash ? (size_t)(slash - s) : strlen(s));
	dom = at ? at + 1 : s;
	dlen = slash ? (size_t)(slash - dom) : strlen(dom);
	if (at && !local_ok(s, (size_t)(at - s)))
		return -1;
	/* a trailing dot on the domain is dropped (RFC 7622 3.2) */
	if (dlen > 1 && dom[dlen - 1] == '.')
		dlen--;
	if (!domain_ok(dom, dlen))
		return -1;
	rlen = slash ? strlen(slash + 1) : 0;
	if (slash && !part_ok(slash + 1, rlen))
		return -1;
	llen = at ? (size_t)(at - s) : 0;
	/* one allocation for the three, the domain first (jid_clear frees
	 * it): every stanza's sender is parsed, and three were a tenth of
	 * what natter itself spent on a room's line */
	p = xmalloc(dlen + 1 + (at ? llen + 1 : 0) + (slash ? rlen + 1 : 0));
	out->domain = p;
	for (i = 0; i < dlen; i++) /* ASCII only: UTF-8 stays as it is */
		p[i] = dom[i] >= 'A' && dom[i] <= 'Z' ? (char)(dom[i] + 32) :
							 dom[i];
	p[dlen] = '\0';
	p += dlen + 1;
	if (at) {
		out->local = memcpy(p, s, llen);
		p[llen] = '\0';
		p += llen + 1;
	}
	if (slash)
		out->resource = memcpy(p, slash + 1, rlen + 1);
	return 0;
}

void jid_clear(struct jid *j)
{
	free(j->domain); /* and with it local and resource */
	j->local = j->domain = j->resource = NULL;
}

/* a, then sep and b when b is not NULL, then sep2 and c likewise: jid_bare
 * and jid_full run per stanza, where a printf costs more than the copy */
static char *join(const char *a, char sep, const char *b, char sep2,
		  const char *c)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
	char *out = xmalloc(la + (b ? lb + 1 : 0) + (c ? lc + 1 : 0) + 1);
	char *p = out;

	memcpy(p, a, la);
	p += la;
	if (b) {
		*p++ = sep;
		memcpy(p, b, lb);
		p += lb;
	}
	if (c) {
		*p++ = sep2;
		memcpy(p, c, lc);
		p += lc;
	}
	*p = '\0';
	return out;
}

char *jid_bare(const struct jid *j)
{
	if (j->local)
		return join(j->local, '@', j->domain, 0, NULL);
	return xstrdup(j->domain);
}

char *jid_full(const struct jid *j)
{
	if (j->local)
		return join(j->local, '@', j->domain, '/', j->resource);
	return join(j->domain, '/', j->resource, 0, NULL);
}

bool jid_valid(const char *s)
{
	struct jid j;

	if (jid_parse(s, &j) < 0)
		return false;
	jid_clear(&j);
	return true;
}

char *jid_bare_of(const char *s)
{
	struct jid j;
	char *bare;

	if (jid_parse(s, &j) < 0)
		return NULL;
	bare = jid_bare(&j);
	jid_clear(&j);
	return bare;
}

char *jid_local_of(const char *s)
{
	const char *at = strchr(s, '@');
	const char *slash = strchr(s, '/');

	if (!at || (slash && slash < at))
		return NULL;
	return xstrndup(s, (size_t)(at - s));
}
