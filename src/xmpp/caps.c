/* caps: what natter says it can do (XEP-0030 identity and features) and
 * the XEP-0115 entity-capabilities hash derived from it.
 *
 * The feature list is one sorted table; the disco#info answer and the
 * caps hash are both built from it, so they cannot disagree.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"
#include "xmpp/bookmarks.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

#define CAPS_NODE "https://natter.invalid/caps"
#define IDENTITY_CATEGORY "client"
#define IDENTITY_TYPE "console"
#define IDENTITY_NAME "natter"

/* Sorted by byte value, as XEP-0115 section 5.1 requires for hashing. */
static const char *const features[] = {
	NS_BYTESTREAMS, /* XEP-0065, files peer to peer (s5b.c) */
	NS_CAPS,
	NS_CHATSTATES,
	NS_DISCO_INFO,
	NS_IBB, /* XEP-0047, files peer to peer (p2p.c) */
	NS_ROSTERX,
	NS_SI, /* XEP-0095 */
	NS_SI_FT, /* XEP-0096 */
	NS_VERSION,
	NS_CONFERENCE, /* XEP-0249 direct invitations */
	NS_BOOKMARKS2_NOTIFY,
	NS_MARKERS,
	NS_CORRECT, /* XEP-0308 */
	NS_RETRACT, /* XEP-0424 */
	NS_PING,
	NS_RECEIPTS,
	NS_REPLY,
	NS_TIME,
};

#define NFEATURES (sizeof features / sizeof *features)

/* Computes the ver string once; it never changes while we run. */
static const char *caps_ver(xmpp_ctx_t *ctx)
{
	static char ver[64];
	unsigned char digest[XMPP_SHA1_DIGEST_SIZE];
	char *s, *b64;
	size_t i, len;

	if (ver[0])
		return ver;
	s = xasprintf("%s/%s//%s<", IDENTITY_CATEGORY, IDENTITY_TYPE,
		      IDENTITY_NAME);
	for (i = 0; i < NFEATURES; i++) {
		char *t = xasprintf("%s%s<", s, features[i]);

		free(s);
		s = t;
	}
	len = strlen(s);
	xmpp_sha1_digest((const unsigned char *)s, len, digest);
	free(s);
	b64 = xmpp_base64_encode(ctx, digest, sizeof digest);
	snprintf(ver, sizeof ver, "%s", b64);
	xmpp_free(ctx, b64);
	return ver;
}

xmpp_stanza_t *caps_element(xmpp_ctx_t *ctx)
{
	xmpp_stanza_t *c = stanza_new(ctx, "c", NS_CAPS);

	xmpp_stanza_set_attribute(c, "hash", "sha-1");
	xmpp_stanza_set_attribute(c, "node", CAPS_NODE);
	xmpp_stanza_set_attribute(c, "ver", caps_ver(ctx));
	return c;
}

xmpp_stanza_t *caps_disco_info(xmpp_ctx_t *ctx, const char *node)
{
	xmpp_stanza_t *q, *id;
	char *ournode = xasprintf("%s#%s", CAPS_NODE, caps_ver(ctx));
	size_t i;

	if (node && strcmp(node, ournode) != 0) {
		free(ournode);
		return NULL; /* a node we do not have */
	}
	free(ournode);
	q = stanza_new(ctx, "query", NS_DISCO_INFO);
	if (node)
		xmpp_stanza_set_attribute(q, "node", node);
	id = stanza_add_child(q, "identity", NULL);
	xmpp_stanza_set_attribute(id, "category", IDENTITY_CATEGORY);
	xmpp_stanza_set_attribute(id, "type", IDENTITY_TYPE);
	xmpp_stanza_set_attribute(id, "name", IDENTITY_NAME);
	for (i = 0; i < NFEATURES; i++)
		xmpp_stanza_set_attribute(stanza_add_child(q, "feature", NULL),
					  "var", features[i]);
	return q;
}
