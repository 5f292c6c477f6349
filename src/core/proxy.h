/* proxy: which proxy a connection goes through, and how to say it.
 *
 * natterrc's per-account `proxy` is "socks5://[user:pass@]host:port"
 * (the proxy resolves the server's name, as curl's socks5h does, so
 * Tor works and no name leaks to the local resolver),
 * "http://[user:pass@]host:port" (HTTP CONNECT), or "none". When
 * natterrc says nothing the environment decides, as for other programs:
 * ALL_PROXY (or all_proxy) names the proxy, unless NO_PROXY (or
 * no_proxy) names the host being reached. The user name and password
 * may be percent-encoded in the URL (a ':' or '@' in them must be).
 *
 * A parsed proxy is a struct proxy; nothing here opens a connection
 * (core/tunnel.c does, through libcurl). proxy_describe() words one for
 * messages without its password.
 */
#ifndef NATTER_CORE_PROXY_H
#define NATTER_CORE_PROXY_H

#include <stdbool.h>

enum proxy_kind { PROXY_NONE, PROXY_SOCKS5, PROXY_HTTP };

struct proxy {
	enum proxy_kind kind;
	char *host;     /* without brackets for IPv6; NULL for PROXY_NONE */
	unsigned port;
	char *user;     /* decoded, or NULL */
	char *pass;     /* decoded, or NULL (wiped by proxy_clear) */
};

/* Parses s (natterrc's or the environment's syntax, above) into *p.
 * Returns 0, or -1 with *err set (the caller frees it) and *p empty.
 * "none" (and, for the environment, "") is PROXY_NONE. */
int proxy_parse(const char *s, struct proxy *p, char **err);
/* Frees what *p holds (wiping the password) and empties it. */
void proxy_clear(struct proxy *p);

/* Whether a NO_PROXY list names host: "*" names every host; an entry
 * names itself and, for a domain, its subdomains ("example.org" and
 * ".example.org" both cover "xmpp.example.org"); an IP address names
 * that address, and "ADDR/BITS" a network. Case does not matter; spaces
 * around entries are ignored, as is a ":port" after a name or an IPv4
 * address. */
bool proxy_no_proxy_matches(const char *list, const char *host);

/* The proxy for a connection to host: conf (natterrc's value, NULL when
 * it says nothing) or else the environment's. Returns 0 with *p set
 * (PROXY_NONE for a direct connection), or -1 with *err set (the
 * caller frees it): ALL_PROXY is not a proxy natter can use. */
int proxy_choose(const char *conf, const char *host, struct proxy *p,
		 char **err);

/* p as libcurl's CURLOPT_PROXY wants it: "socks5h://" or "http://",
 * user and password percent-encoded; "" for PROXY_NONE. The caller
 * frees it (it may hold the password: wipe it). */
char *proxy_curl_url(const struct proxy *p);
/* What struct http_req's proxy should be for an account whose natterrc
 * says conf (NULL: nothing): NULL when the environment decides (libcurl
 * reads ALL_PROXY, https_proxy and NO_PROXY itself), "none", or the
 * proxy in libcurl's form. The caller frees it (wipe it: it may hold a
 * password). conf was checked when natterrc was read; should it not
 * parse, "none" is not assumed: the result is NULL. */
char *proxy_for_http(const char *conf);
/* "the SOCKS5 proxy HOST port PORT" or "the HTTP proxy ...", never with
 * the password; the caller frees it. */
char *proxy_describe(const struct proxy *p);

#endif
