/* stanza: building and reading the elements of stanzas.
 *
 * The small helpers every file of xmpp/ needs on top of libstrophe's
 * xmpp_stanza_*: making an element, adding children and text, finding a
 * stanza's payload, and reading an element's text. Remote text read here
 * is always sanitised (util/utf8.h): no caller sees raw text from a child.
 */
#ifndef NATTER_XMPP_STANZA_H
#define NATTER_XMPP_STANZA_H

#include <stdbool.h>
#include <strophe.h>

/* A new <name/> (in namespace ns unless NULL); the caller releases it. */
xmpp_stanza_t *stanza_new(xmpp_ctx_t *ctx, const char *name, const char *ns);
/* Adds an empty <name/> (in ns unless NULL) under parent and returns it
 * (borrowed: parent holds it). */
xmpp_stanza_t *stanza_add_child(xmpp_stanza_t *parent, const char *name,
				const char *ns);
/* Adds <name>text</name> under parent. */
void stanza_add_text(xmpp_stanza_t *parent, const char *name,
		     const char *text);
/* The first element child of st that is not an <error/>, or NULL (also
 * for a NULL st). */
xmpp_stanza_t *stanza_payload(xmpp_stanza_t *st);
/* The text of el sanitised with utf8_sanitize(flags), or NULL when el is
 * NULL or has no text; the caller frees it. */
char *stanza_text(xmpp_stanza_t *el, int flags);
/* The sanitised text of st's child name (newlines kept), or NULL; the
 * caller frees it. */
char *stanza_child_text(xmpp_stanza_t *st, const char *name);
/* The first child of the first item of a pubsub <items/> answer (an
 * IQ result, or NULL), when its name and namespace are these; NULL
 * otherwise (an error answer too). */
xmpp_stanza_t *stanza_item_payload(xmpp_stanza_t *reply, const char *name,
				   const char *ns);
/* Whether a disco#info <query/> (may be NULL) lists <feature var=var/>. */
bool stanza_has_feature(xmpp_stanza_t *query, const char *var);
/* XEP-0359 ids of message st: *sid the <stanza-id/> whose `by` is the
 * bare JID by (an archive's id for it: ours, or a room's; one naming
 * anyone else is a claim of the sender's, ignored), *oid the sender's
 * <origin-id/>. Sanitised copies, or NULL; the caller frees them. */
void stanza_sids(xmpp_stanza_t *st, const char *by, char **sid, char **oid);
/* Whether st's first child in namespace ns is a <name/> (stream
 * features: <starttls/>, <register/>). */
bool stanza_has_child(xmpp_stanza_t *st, const char *name, const char *ns);

#endif
