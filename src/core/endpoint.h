/* endpoint: where an account's server was last reached, remembered.
 *
 * With transport = "auto" the endpoint that worked is written to the
 * account's state directory ($XDG_STATE_HOME/natter/ACCOUNT/endpoint)
 * and tried first at the next start. The file is one line of words:
 * "tcp HOST PORT direct" or "tcp HOST PORT starttls" (HOST a DNS name
 * or an address, as the SRV record or the domain gave it), or, for an
 * endpoint the domain published through XEP-0156 host-meta,
 * "websocket wss://..." or "bosh https://..." (one line, at most
 * ENDPOINT_URL_MAX bytes, printable ASCII without spaces). Anything
 * else in it is ignored as if there were no file (a debug-log note).
 */
#ifndef NATTER_CORE_ENDPOINT_H
#define NATTER_CORE_ENDPOINT_H

#include <stdbool.h>

struct endpoint {
	char *host;
	int port;
	bool direct; /* direct TLS (XEP-0368), else STARTTLS */
	/* a host-meta endpoint instead (host NULL): a wss:// URL is a
	 * WebSocket one, an https:// URL a BOSH one */
	char *url;
};

#define ENDPOINT_URL_MAX 1024

/* state_dir/account/endpoint; the caller frees it. */
char *endpoint_path(const char *state_dir, const char *account);
/* Reads path into *ep (endpoint_clear frees it). Returns 0, or -1 when
 * there is no such file or it does not hold one endpoint. */
int endpoint_load(const char *path, struct endpoint *ep);
/* Writes ep to path (its directory made 0700 as needed), replacing it
 * whole. Returns 0 or -errno. */
int endpoint_save(const char *path, const struct endpoint *ep);
/* Removes path (an endpoint that no longer works). */
void endpoint_forget(const char *path);
void endpoint_clear(struct endpoint *ep);

struct app;
struct account;
struct ev_dial;
/* A step of reaching a's server (xmpp/dial.c): emits EV_DIAL. */
void endpoint_news(struct app *app, struct account *a,
		   const struct ev_dial *d);

#endif
