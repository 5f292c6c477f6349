/* dataform: XEP-0004 forms between stanzas and core/form.
 *
 * dataform_parse() reads an <x xmlns='jabber:x:data'/> into a struct
 * form, sanitising every text a remote party wrote (titles, labels,
 * instructions, values) on the way in. dataform_submit() builds the
 * <x type='submit'/> answer: every field with a var, hidden fields
 * echoed as they came, fixed fields left out.
 */
#ifndef NATTER_XMPP_DATAFORM_H
#define NATTER_XMPP_DATAFORM_H

#include <strophe.h>

#include "core/form.h"

#define NS_DATA "jabber:x:data"

/* Fills *f from x (which must be a jabber:x:data <x/>). Returns 0, or -1
 * when x is not a data form. */
int dataform_parse(xmpp_stanza_t *x, struct form *f);
/* A new <x type='submit'/> holding f's values; the caller releases it. */
xmpp_stanza_t *dataform_submit(xmpp_ctx_t *ctx, const struct form *f);

#endif
