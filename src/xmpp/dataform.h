/* dataform: XEP-0004 forms between stanzas and core/form.
 *
 * dataform_parse() reads an <x xmlns='jabber:x:data'/> into a struct
 * form, sanitising every text a remote party wrote (titles, labels,
 * vars, instructions, values, options, media) on the way in.
 * dataform_submit() builds the <x type='submit'/> answer: every field
 * with a var, hidden fields echoed as they came (sanitised), fixed
 * fields left out.
 *
 * A field may carry media (XEP-0221), as CAPTCHA challenges do
 * (XEP-0158): their http(s) and cid: URIs are kept on the field, and
 * dataform_media_save() writes the ones sent inline as bits of binary
 * (XEP-0231) to files the user can open.
 */
#ifndef NATTER_XMPP_DATAFORM_H
#define NATTER_XMPP_DATAFORM_H

#include <strophe.h>

#include "core/form.h"

#define NS_DATA "jabber:x:data"
#define NS_MEDIA "urn:xmpp:media-element"
/* The most inline data one challenge may hold. */
#define DATAFORM_MEDIA_MAX (1024 * 1024)

/* Fills *f from x (which must be a jabber:x:data <x/>). Returns 0, or -1
 * when x is not a data form. */
int dataform_parse(xmpp_stanza_t *x, struct form *f);
/* A new <x type='submit'/> holding f's values; the caller releases it. */
xmpp_stanza_t *dataform_submit(xmpp_ctx_t *ctx, const struct form *f);
/* For each cid: media URI of f, finds the <data xmlns='urn:xmpp:bob'/>
 * with that cid under stanza (the IQ or message that carried the form:
 * its children or theirs), decodes it into a new file under dir (mode
 * 0600, named after the cid) and sets the media's path. Returns how
 * many it saved. */
int dataform_media_save(xmpp_stanza_t *stanza, struct form *f,
			const char *dir);

#endif
