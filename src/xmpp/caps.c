/* caps: what natter says it can do (XEP-0030 identity and features) and
 * the XEP-0115 entity-capabilities hash derived from it.
 *
 * The feature list is one sorted table, plus the "+notify" features of
 * the PEP kinds pep_notify asks for (core/pep.h: XEP-0163 section 4,
 * how a PEP service learns what to send us), merged in byte order; the
 * disco#info answer and the caps hash are both built from that list,
 * so they cannot disagree. pep is a mask of PEP_BIT()s.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pep.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h"
#include "xmpp/ns.h"
#include "xmpp/pubsub.h"
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
	NS_ATTENTION, /* XEP-0224 */
	NS_BOOKMARKS2_NOTIFY,
	NS_MARKERS,
	NS_CORRECT, /* XEP-0308 */
	NS_RETRACT, /* XEP-0424 */
	NS_PING,
	NS_RECEIPTS,
	NS_REPLY,
	NS_TIME,
	NS_JINGLE, /* XEP-0234 files over XEP-0261 (p2p.c) */
	NS_JINGLE_FT,
	NS_JINGLE_IBB,
	NS_JINGLE_S5B, /* XEP-0260 (jingles5b.c) */
	NS_HASHES, /* XEP-0300 */
	NS_HASH_SHA256,
};

#define NFEATURES (sizeof features / sizeof *features)

#define NMAX (NFEATURES + PEP_NKINDS)

static int by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Our features with pep's "+notify" ones, sorted, into out (NMAX
 * entries, the notify ones from notify[][], which holds them); returns
 * how many. */
static size_t feature_list(unsigned pep, const char **out,
			   char notify[PEP_NKINDS][64])
{
	size_t n = 0, i;

	for (i = 0; i < NFEATURES; i++)
		out[n++] = features[i];
	for (i = 0; i < PEP_NKINDS; i++) {
		if (!(pep & PEP_BIT(i)))
			continue;
		snprintf(notify[i], 64, "%s+notify", pubsub_pep_node(i));
		out[n++] = notify[i];
	}
	qsort(out, n, sizeof *out, by_bytes);
	return n;
}

/* Computes a mask's ver string once; it never changes while we run. */
static const char *caps_ver(xmpp_ctx_t *ctx, unsigned pep)
{
	static char vers[PEP_ALL + 1][64];
	char *ver = vers[pep & PEP_ALL];
	unsigned char digest[XMPP_SHA1_DIGEST_SIZE];
	const char *list[NMAX];
	char notify[PEP_NKINDS][64];
	char *s, *b64;
	size_t i, len, n;

	if (ver[0])
		return ver;
	n = feature_list(pep, list, notify);
	s = xasprintf("%s/%s//%s<", IDENTITY_CATEGORY, IDENTITY_TYPE,
		      IDENTITY_NAME);
	for (i = 0; i < n; i++) {
		char *t = xasprintf("%s%s<", s, list[i]);

		free(s);
		s = t;
	}
	len = strlen(s);
	xmpp_sha1_digest((const unsigned char *)s, len, digest);
	free(s);
	b64 = xmpp_base64_encode(ctx, digest, sizeof digest);
	snprintf(ver, 64, "%s", b64);
	xmpp_free(ctx, b64);
	return ver;
}

xmpp_stanza_t *caps_element(xmpp_ctx_t *ctx, unsigned pep)
{
	xmpp_stanza_t *c = stanza_new(ctx, "c", NS_CAPS);

	xmpp_stanza_set_attribute(c, "hash", "sha-1");
	xmpp_stanza_set_attribute(c, "node", CAPS_NODE);
	xmpp_stanza_set_attribute(c, "ver", caps_ver(ctx, pep));
	return c;
}

xmpp_stanza_t *caps_disco_info(xmpp_ctx_t *ctx, const char *node,
			       unsigned pep)
{
	xmpp_stanza_t *q, *id;
	char *ournode = xasprintf("%s#%s", CAPS_NODE, caps_ver(ctx, pep));
	const char *list[NMAX];
	char notify[PEP_NKINDS][64];
	size_t i, n;

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
	n = feature_list(pep, list, notify);
	for (i = 0; i < n; i++)
		xmpp_stanza_set_attribute(stanza_add_child(q, "feature", NULL),
					  "var", list[i]);
	return q;
}
