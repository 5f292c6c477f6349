/* webstream: the dispatch from one carrier handle to its kind's
 * functions (see webstream.h); the carriers are bosh.c and wsock.c. */
#include "config.h"

#include <stdlib.h>

#include "core/webstream.h"
#include "util/xmem.h"

struct webstream {
	const struct webstream_impl *impl;
	void *c;
};

const char *webstream_kind_name(enum webstream_kind k)
{
	return k == WEBSTREAM_BOSH ? "bosh" : "websocket";
}

struct webstream *webstream_new(enum webstream_kind k, struct loop *l,
				const struct webstream_conf *c,
				const struct webstream_ops *ops, void *ud,
				char **err)
{
	const struct webstream_impl *impl =
		k == WEBSTREAM_BOSH ? &bosh_impl : &wsock_impl;
	void *made = impl->make(l, c, ops, ud, err);
	struct webstream *w;

	if (!made)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->impl = impl;
	w->c = made;
	return w;
}

void webstream_from_client(struct webstream *w, const char *buf, size_t len)
{
	w->impl->from_client(w->c, buf, len);
}

void webstream_client_closed(struct webstream *w)
{
	w->impl->client_closed(w->c);
}

void webstream_free(struct webstream **wp)
{
	struct webstream *w = *wp;

	if (!w)
		return;
	w->impl->free(w->c);
	free(w);
	*wp = NULL;
}
