/* proxy: parsing proxy URLs and choosing one (see proxy.h).
 *
 * Messages never quote the URL whole: it may hold a password. A parse
 * error says what is wrong in words and the caller says where the URL
 * came from (natterrc's proxy, ALL_PROXY).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/proxy.h"
#include "util/url.h"
#include "util/xmem.h"

static const struct {
	const char *prefix;
	enum proxy_kind kind;
} schemes[] = {
	{ "socks5://", PROXY_SOCKS5 },
	{ "socks5h://", PROXY_SOCKS5 },
	{ "http://", PROXY_HTTP },
};

static void wipe_free(char **s)
{
	if (*s) {
		memset(*s, 0, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void proxy_clear(struct proxy *p)
{
	free(p->host);
	free(p->user);
	wipe_free(&p->pass);
	memset(p, 0, sizeof *p);
}

static bool host_char_ok(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c >= 0x80;
}

/* Fails the parse with a message; returns -1. */
static int bad(struct proxy *p, char **err, const char *msg)
{
	proxy_clear(p);
	*err = xstrdup(msg);
	return -1;
}

/* host[:port] or [v6]:port, from s[0..n). */
static int parse_hostport(const char *s, size_t n, struct proxy *p,
			  char **err)
{
	const char *colon;
	unsigned char v6[16];
	unsigned long port;
	char *digits, *end;
	size_t i;
	bool ok;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (!close)
			return bad(p, err, "an IPv6 address lacks its closing \"]\"");
		p->host = xstrndup(s + 1, (size_t)(close - s - 1));
		if (inet_pton(AF_INET6, p->host, v6) != 1)
			return bad(p, err, "the address in brackets is not an IPv6 address");
		colon = close + 1 < s + n && close[1] == ':' ? close + 1 : NULL;
		if (!colon && close + 1 != s + n)
			return bad(p, err, "something follows the IPv6 address");
	} else {
		colon = NULL;
		for (i = 0; i < n; i++)
			if (s[i] == ':')
				colon = s + i;
		p->host = xstrndup(s, colon ? (size_t)(colon - s) : n);
		if (!*p->host)
			return bad(p, err, "there is no host name");
		for (i = 0; p->host[i]; i++)
			if (!host_char_ok((unsigned char)p->host[i]))
				return bad(p, err, "the host name holds a character "
					   "a host name cannot hold");
	}
	if (!colon || colon + 1 == s + n)
		return bad(p, err, "there is no port (write host:port)");
	digits = xstrndup(colon + 1, (size_t)(s + n - colon - 1));
	port = strtoul(digits, &end, 10);
	ok = *end == '\0' && isdigit((unsigned char)digits[0]) && port > 0 &&
	     port <= 65535;
	free(digits);
	if (!ok)
		return bad(p, err, "the port is not a number from 1 to 65535");
	p->port = (unsigned)port;
	return 0;
}

int proxy_parse(const char *s, struct proxy *p, char **err)
{
	const char *rest = NULL, *auth_end, *at, *c;
	size_t i, n;

	memset(p, 0, sizeof *p);
	if (!*s || strcmp(s, "none") == 0)
		return 0;
	for (i = 0; i < sizeof schemes / sizeof *schemes; i++) {
		n = strlen(schemes[i].prefix);
		if (strncasecmp(s, schemes[i].prefix, n) == 0) {
			p->kind = schemes[i].kind;
			rest = s + n;
			break;
		}
	}
	if (!rest) {
		if (!strstr(s, "://"))
			return bad(p, err, "it has no scheme: write "
				   "socks5://host:port, http://host:port or none");
		return bad(p, err, "natter speaks to SOCKS5 and HTTP proxies "
			   "only: socks5://host:port or http://host:port");
	}
	/* the authority; nothing but "/" may follow it */
	auth_end = rest + strcspn(rest, "/?#");
	if (*auth_end && strcmp(auth_end, "/") != 0)
		return bad(p, err, "a proxy address has no path: write "
			   "scheme://host:port");
	at = NULL;
	for (c = rest; c < auth_end; c++)
		if (*c == '@')
			at = c;
	if (at) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		size_t ulen = colon ? (size_t)(colon - rest) : (size_t)(at - rest);

		p->user = url_pct_decode(rest, ulen, true);
		if (colon)
			p->pass = url_pct_decode(colon + 1,
						 (size_t)(at - colon - 1), true);
		if (!p->user || (colon && !p->pass))
			return bad(p, err, "a %-escape in the user name or "
				   "password is broken");
		if (!*p->user)
			return bad(p, err, "the user name is empty");
		rest = at + 1;
	}
	return parse_hostport(rest, (size_t)(auth_end - rest), p, err);
}

/* --- NO_PROXY ----------------------------------------------------------- */

/* Whether host (an IP literal, or not) lies in the network addr/bits. */
static bool in_network(const char *host, const char *addr, int bits)
{
	unsigned char h[16], a[16];
	int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
	int len = fam == AF_INET6 ? 16 : 4, i;

	if (inet_pton(fam, host, h) != 1 || inet_pton(fam, addr, a) != 1)
		return false;
	if (bits < 0 || bits > len * 8)
		return false;
	for (i = 0; i < len && bits > 0; i++, bits -= 8) {
		unsigned char mask = bits >= 8 ? 0xff :
				     (unsigned char)(0xff << (8 - bits));

		if ((h[i] & mask) != (a[i] & mask))
			return false;
	}
	return true;
}

/* One NO_PROXY entry e[0..n) against host. */
static bool entry_matches(const char *e, size_t n, const char *host)
{
	char *ent = xstrndup(e, n), *slash, *p;
	size_t hl = strlen(host), el;
	bool m = false;

	/* [v6] or [v6]:port */
	if (ent[0] == '[') {
		p = strchr(ent, ']');
		if (p) {
			*p = '\0';
			memmove(ent, ent + 1, strlen(ent + 1) + 1);
		}
	} else if ((p = strchr(ent, ':')) && !strchr(p + 1, ':')) {
		*p = '\0'; /* a name or IPv4 address with a port */
	}
	slash = strchr(ent, '/');
	if (slash) {
		*slash = '\0';
		m = in_network(host, ent, atoi(slash + 1));
		free(ent);
		return m;
	}
	p = ent[0] == '.' ? ent + 1 : ent;
	el = strlen(p);
	if (el == 0)
		m = false;
	else if (strcasecmp(host, p) == 0)
		m = true;
	else if (in_network(host, p, strchr(p, ':') ? 128 : 32))
		m = true; /* the same address written another way */
	else if (hl > el && host[hl - el - 1] == '.' &&
		 strcasecmp(host + hl - el, p) == 0)
		m = true;
	free(ent);
	return m;
}

bool proxy_no_proxy_matches(const char *list, const char *host)
{
	const char *s = list;

	if (!list || !host)
		return false;
	while (*s) {
		size_t n;

		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		n = strcspn(s, ", \t");
		if (n == 1 && *s == '*')
			return true;
		if (n > 0 && entry_matches(s, n, host))
			return true;
		s += n;
	}
	return false;
}

/* The first of two environment variables that is set and not empty. */
static const char *env2(const char *lower, const char *upper)
{
	const char *v = getenv(lower);

	if (v && *v)
		return v;
	v = getenv(upper);
	return v && *v ? v : NULL;
}

bool proxy_may_apply(const char *conf)
{
	if (conf)
		return *conf && strcmp(conf, "none") != 0;
	return env2("all_proxy", "ALL_PROXY") != NULL;
}

int proxy_choose(const char *conf, const char *host, struct proxy *p,
		 char **err)
{
	const char *env;
	char *why;

	memset(p, 0, sizeof *p);
	if (conf) {
		if (proxy_parse(conf, p, &why) == 0)
			return 0;
		*err = xasprintf("proxy: %s", why);
		free(why);
		return -1;
	}
	env = env2("all_proxy", "ALL_PROXY");
	if (!env || proxy_no_proxy_matches(env2("no_proxy", "NO_PROXY"), host))
		return 0;
	if (proxy_parse(env, p, &why) == 0)
		return 0;
	*err = xasprintf("ALL_PROXY in the environment: %s", why);
	free(why);
	return -1;
}

/* --- words ---------------------------------------------------------------- */

static char *pct_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '%';
		*o++ = hex[c >> 4];
		*o++ = hex[c & 15];
	}
	*o = '\0';
	return out;
}

static char *hostport(const struct proxy *p)
{
	bool v6 = strchr(p->host, ':') != NULL;

	return xasprintf("%s%s%s:%u", v6 ? "[" : "", p->host, v6 ? "]" : "",
			 p->port);
}

char *proxy_curl_url(const struct proxy *p)
{
	char *hp, *user = NULL, *pass = NULL, *url;

	if (p->kind == PROXY_NONE)
		return xstrdup("");
	hp = hostport(p);
	if (p->user)
		user = pct_encode(p->user);
	if (p->pass)
		pass = pct_encode(p->pass);
	url = xasprintf("%s%s%s%s%s%s",
			p->kind == PROXY_SOCKS5 ? "socks5h://" : "http://",
			user ? user : "", pass ? ":" : "", pass ? pass : "",
			user ? "@" : "", hp);
	free(hp);
	free(user);
	wipe_free(&pass);
	return url;
}

char *proxy_describe(const struct proxy *p)
{
	char *hp, *s;

	if (p->kind == PROXY_NONE)
		return xstrdup("no proxy");
	hp = hostport(p);
	s = xasprintf("the %s proxy %s",
		      p->kind == PROXY_SOCKS5 ? "SOCKS5" : "HTTP", hp);
	free(hp);
	return s;
}

char *proxy_for_http(const char *conf)
{
	struct proxy p;
	char *err, *url;

	if (!conf)
		return NULL;
	if (proxy_parse(conf, &p, &err) < 0) {
		free(err);
		return NULL;
	}
	url = p.kind == PROXY_NONE ? xstrdup("none") : proxy_curl_url(&p);
	proxy_clear(&p);
	return url;
}
