/* avatar: fetching a contact's avatar to show it, when the user asks
 * (/avatar JID).
 *
 * XEP-0084 first: the newest item of the contact's metadata node names
 * the picture (its id is the SHA-1 of the bytes); the item of that id
 * is fetched from the data node, its base64 decoded and checked
 * against the id, and the bytes go to core/picture. A contact with no
 * XEP-0084 avatar (or one only at a URL) is asked for its vCard
 * (XEP-0054), whose PHOTO/BINVAL is the older way (XEP-0153). Each step
 * is one request (xmpp/request) holding the JID and the id of the
 * window /avatar was typed in; every end, shown or not, is one
 * EV_PICTURE for that window. Base64 longer than the bytes
 * core/image.h would decode is refused unread.
 */
#include "config.h"

#include <ctype.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/image.h"
#include "core/picture.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h" /* NS_PUBSUB */
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xs.h"

/* The longest base64 text read: IMAGE_MAX_BYTES of data, and room for
 * line breaks. */
#define B64_MAX ((size_t)IMAGE_MAX_BYTES / 3 * 4 + (size_t)IMAGE_MAX_BYTES / 32)

struct avq {
	char *jid;
	char *name; /* "avatar of JID" */
	uint64_t win;
	char *id;   /* the XEP-0084 item asked for (its SHA-1) */
	char *cond; /* why XEP-0084 gave nothing (other than none there) */
};

static struct avq *avq_new(const char *jid, uint64_t win)
{
	struct avq *q = xcalloc(1, sizeof *q);

	q->jid = xstrdup(jid);
	q->name = xasprintf("the avatar of %s", jid);
	q->win = win;
	return q;
}

static void avq_free(struct avq *q)
{
	free(q->jid);
	free(q->name);
	free(q->id);
	free(q->cond);
	free(q);
}

static void fail(struct session *s, struct avq *q, const char *why)
{
	picture_fail(s->app, q->win, q->name, why, NULL);
	avq_free(q);
}

/* The bytes of el's base64 text, or NULL with *why set (a constant). */
static uint8_t *b64_of(struct session *s, xmpp_stanza_t *el, size_t *len,
		       const char **why)
{
	char *t = el ? xmpp_stanza_get_text(el) : NULL;
	unsigned char *out = NULL;
	size_t n = 0, i;
	uint8_t *copy;

	*why = "it holds no picture";
	if (!t)
		return NULL;
	if (strlen(t) > B64_MAX) {
		*why = "refused: it is larger than natter decodes";
		xmpp_free(s->ctx, t);
		return NULL;
	}
	for (i = 0; t[i]; i++) /* line breaks are allowed, and dropped */
		if (!isspace((unsigned char)t[i]))
			t[n++] = t[i];
	t[n] = '\0';
	if (n)
		xmpp_base64_decode_bin(s->ctx, t, n, &out, len);
	xmpp_free(s->ctx, t);
	if (!out || !*len) {
		if (out)
			xmpp_free(s->ctx, out);
		*why = "its data is not base64";
		return NULL;
	}
	copy = xmalloc(*len);
	memcpy(copy, out, *len);
	xmpp_free(s->ctx, out);
	return copy;
}

static void on_vcard(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct avq *q = ud;
	xmpp_stanza_t *v = req_ok(reply) ? xmpp_stanza_get_child_by_name_and_ns(
						   reply, "vCard", NS_VCARD_TEMP) :
					   NULL;
	xmpp_stanza_t *photo = v ? xmpp_stanza_get_child_by_name(v, "PHOTO") :
				   NULL;
	xmpp_stanza_t *bin = photo ? xmpp_stanza_get_child_by_name(photo,
								   "BINVAL") :
				     NULL;
	const char *why;
	uint8_t *buf;
	size_t len = 0;

	if (!reply) {
		fail(s, q, "no answer came in time");
		return;
	}
	if (!bin && !photo && q->cond) { /* the first refusal says more */
		picture_fail(s->app, q->win, q->name, NULL, q->cond);
		avq_free(q);
		return;
	}
	if (!bin) {
		fail(s, q, photo ? "its vCard's photo is only a link" :
				   "it has published none");
		return;
	}
	if (!(buf = b64_of(s, bin, &len, &why))) {
		fail(s, q, why);
		return;
	}
	picture_show_bytes(s->app, q->win, buf, len, q->name,
			   q->name);
	free(buf);
	avq_free(q);
}

static void ask_vcard(struct session *s, struct avq *q)
{
	req_send(s, req_iq(s, "get", q->jid, "vCard", NS_VCARD_TEMP),
		 on_vcard, q, REQ_TIMEOUT_MS);
}

/* Whether buf's SHA-1, in hex, is id (any case). */
static bool sha1_is(const uint8_t *buf, size_t len, const char *id)
{
	unsigned char md[SHA_DIGEST_LENGTH];
	char hex[2 * SHA_DIGEST_LENGTH + 1];

	SHA1(buf, len, md);
	for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return strcasecmp(hex, id) == 0;
}

static void on_data(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct avq *q = ud;
	xmpp_stanza_t *data = stanza_item_payload(reply, "data", NS_AVATAR_DATA);
	const char *why;
	uint8_t *buf;
	size_t len = 0;

	if (!reply) {
		fail(s, q, "no answer came in time");
		return;
	}
	if (!data) {
		ask_vcard(s, q); /* announced but not there: the older way */
		return;
	}
	if (!(buf = b64_of(s, data, &len, &why))) {
		fail(s, q, why);
		return;
	}
	if (!sha1_is(buf, len, q->id)) {
		free(buf);
		fail(s, q, "refused: its data is not what its metadata names "
			   "(the SHA-1 differs)");
		return;
	}
	picture_show_bytes(s->app, q->win, buf, len, q->name, q->name);
	free(buf);
	avq_free(q);
}

static void on_meta(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct avq *q = ud;
	xmpp_stanza_t *meta = stanza_item_payload(reply, "metadata", NS_AVATAR_META);
	xmpp_stanza_t *info, *iq, *items, *item;
	const char *id = NULL;

	if (!reply) {
		fail(s, q, "no answer came in time");
		return;
	}
	/* the first picture kept in the data node (one with a url is
	 * elsewhere, on the web) */
	for (info = meta ? xmpp_stanza_get_children(meta) : NULL; info;
	     info = xmpp_stanza_get_next(info)) {
		const char *n = xmpp_stanza_get_name(info);

		if (n && strcmp(n, "info") == 0 &&
		    !xmpp_stanza_get_attribute(info, "url") &&
		    (id = xmpp_stanza_get_attribute(info, "id")) && *id &&
		    strlen(id) <= 128)
			break;
		id = NULL;
	}
	if (!id) {
		if (!req_ok(reply)) {
			struct req_error e = { 0 };

			req_error_parse(reply, &e);
			if (e.cond && strcmp(e.cond, "item-not-found") != 0)
				q->cond = xstrdup(e.cond);
			req_error_clear(&e);
		}
		ask_vcard(s, q);
		return;
	}
	q->id = xstrdup(id);
	iq = req_iq(s, "get", q->jid, "pubsub", NS_PUBSUB);
	items = stanza_add_child(stanza_payload(iq), "items", NULL);
	xmpp_stanza_set_attribute(items, "node", NS_AVATAR_DATA);
	item = stanza_add_child(items, "item", NULL);
	xmpp_stanza_set_attribute(item, "id", id);
	req_send(s, iq, on_data, q, REQ_TIMEOUT_MS);
}

int xs_avatar_show(struct app *app, struct account *a, const char *bare,
		   uint64_t win)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *iq, *items;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	iq = req_iq(s, "get", bare, "pubsub", NS_PUBSUB);
	items = stanza_add_child(stanza_payload(iq), "items", NULL);
	xmpp_stanza_set_attribute(items, "node", NS_AVATAR_META);
	xmpp_stanza_set_attribute(items, "max_items", "1");
	req_send(s, iq, on_meta, avq_new(bare, win), REQ_TIMEOUT_MS);
	return 0;
}
