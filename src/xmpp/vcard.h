/* vcard: what xmpp/vcard.c and xmpp/whois.c share, and what their unit
 * tests reach: reading vCards (XEP-0054 vcard-temp, XEP-0292 vCard4),
 * last activity (XEP-0012) and avatar metadata (XEP-0084) replies into
 * the core structs of core/event.h, and writing our own vCard back.
 * Every string read is sanitised and cut to a sane length here.
 */
#ifndef NATTER_XMPP_VCARD_H
#define NATTER_XMPP_VCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strophe.h>

struct vcard;
struct session;
struct presence_extra;

/* Longer than any real name, address or URL; a note may be longer. */
#define VCARD_FIELD_MAX 300
#define VCARD_NOTE_MAX 2000

/* Fills c from a <vCard xmlns='vcard-temp'/> element; returns 0, or -1
 * (c empty) when el is not one. */
int vcard_parse_temp(xmpp_stanza_t *el, struct vcard *c);
/* Fills c from a <vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/>. */
int vcard_parse_v4(xmpp_stanza_t *el, struct vcard *c);
/* The <vcard/> of a pubsub items result for urn:xmpp:vcard4, or NULL
 * (borrowed from reply). */
xmpp_stanza_t *vcard_v4_of(xmpp_stanza_t *reply);
/* True when no field is set. */
bool vcard_empty(const struct vcard *c);
void vcard_clear(struct vcard *c);

/* Our own vCard with c's fields (NULL: the field goes) in place of
 * orig's of the same names, orig's other children kept (orig may be
 * NULL). v4: a vCard4 <vcard/>, else a vcard-temp <vCard/>. The
 * caller's reference. */
xmpp_stanza_t *vcard_build(xmpp_ctx_t *ctx, xmpp_stanza_t *orig,
			   const struct vcard *c, bool v4);

/* A jabber:iq:last result: its seconds (>= 0) and its text (*status,
 * sanitised to one line, or NULL; the caller frees it); -1 when reply
 * is not one. */
long long vcard_parse_last(xmpp_stanza_t *reply, char **status);

/* The first <info/> of XEP-0084 metadata in a pubsub items result:
 * returns 1 with its bytes, type (sanitised, the caller frees it, or
 * NULL), width and height; 0 when the metadata is empty (no avatar);
 * -1 when reply holds no metadata item at all. */
int vcard_parse_avatar(xmpp_stanza_t *reply, size_t *bytes, char **type,
		       unsigned *width, unsigned *height);

/* The identity a disco#info result names, the first of category
 * "client" else the first: returns 0 with its name (or NULL), category
 * and type, each sanitised and the caller's; -1 (all NULL) when reply
 * is not a result holding an identity. */
int vcard_parse_identity(xmpp_stanza_t *reply, char **name, char **category,
			 char **type);

/* What a presence says besides show and status: XEP-0319 idle since,
 * the XEP-0115 caps node, the XEP-0153 photo hash. x's strings are
 * borrowed from st, except the hash: the returned string (NULL when
 * the presence does not say), which the caller frees after using x. */
char *vcard_presence_extra(xmpp_stanza_t *st, struct presence_extra *x);

/* whois.c: an available presence of bare/resource was handled: keeps
 * its extras (core's presence_details). */
void whois_presence(struct session *s, const char *bare,
		    const char *resource, xmpp_stanza_t *st);

/* vcard.c: asks bare's vCard (vCard4 first, then vcard-temp): the
 * answer is one EV_VCARD for window win. */
void vcard_ask(struct session *s, const char *bare, uint64_t win);

#endif
