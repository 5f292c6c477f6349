/* hostmeta: the connection endpoints a domain publishes (XEP-0156).
 *
 * https://DOMAIN/.well-known/host-meta is an XRD document (XML) and
 * host-meta.json its JSON twin (RFC 6415); both list Link elements
 * whose rel names the kind: urn:xmpp:alt-connections:websocket and
 * urn:xmpp:alt-connections:xbosh. Only secure URLs are kept (wss: for
 * WebSocket, https: for BOSH), at most HOSTMETA_MAX of each, in the
 * document's order, each at most HOSTMETA_URL_MAX bytes of printable
 * ASCII. XML goes through expat (a streaming parser, no entities
 * expanded, no DTD read), JSON through json-c's tokener.
 */
#ifndef NATTER_CORE_HOSTMETA_H
#define NATTER_CORE_HOSTMETA_H

#include <stdbool.h>
#include <stddef.h>

#define HOSTMETA_MAX 8
#define HOSTMETA_URL_MAX 2048
/* a larger document is refused before it is parsed */
#define HOSTMETA_DOC_MAX (64 * 1024)

struct hostmeta {
	char *websocket[HOSTMETA_MAX];
	size_t nwebsocket;
	char *bosh[HOSTMETA_MAX];
	size_t nbosh;
};

/* Adds what the document lists to *hm (a URL already there is not
 * added again). Returns 0, or -1 with *err set (the caller frees it):
 * not well-formed, not an XRD / not a JSON object, too large. */
int hostmeta_parse_xml(struct hostmeta *hm, const char *doc, size_t len,
		       char **err);
int hostmeta_parse_json(struct hostmeta *hm, const char *doc, size_t len,
			char **err);
/* Adds url (already checked: one of hm's) to hm's WebSocket or BOSH
 * list, unless it is there or the list is full. */
void hostmeta_add(struct hostmeta *hm, bool websocket, const char *url);
void hostmeta_clear(struct hostmeta *hm);

#endif
