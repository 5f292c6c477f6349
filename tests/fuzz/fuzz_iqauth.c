/* fuzz_iqauth: what a server can put into the old jabber:iq:auth login
 * (xmpp/iqauth.c) on any bytes.
 *
 * The input is tried twice. As the rest of a stream header the way
 * libstrophe logs it ("RECV: <stream:stream" + input): a stream id read
 * from it must lie inside the line and hold no quote. As the inside of
 * an iq:auth answer's <query/> (parsed by libstrophe): the fields are
 * only the four natter knows, and the choice never sends the password
 * itself over a stream that is not encrypted, nor anything the server
 * did not ask for. Any failure aborts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "util/xmem.h"
#include "xmpp/iqauth.h"
#include "fuzz.h"

static void fail(const char *what, const char *in)
{
	fprintf(stderr, "iqauth: %s: \"%s\"\n", what, in);
	abort();
}

static void header(const char *in)
{
	char *line = xasprintf("RECV: <stream:stream%s", in);
	bool versioned;
	char *id = iqauth_stream_id(line, &versioned);

	if (id && (strchr(id, '"') || !strstr(line, id)))
		fail("the stream id is not a quoted value of the line", in);
	free(id);
	free(line);
}

static void fields(xmpp_ctx_t *ctx, const char *in)
{
	char *xml = xasprintf("<iq type='result' id='a'><query "
			      "xmlns='jabber:iq:auth'>%s</query></iq>", in);
	xmpp_stanza_t *iq = xmpp_stanza_new_from_string(ctx, xml);
	enum iqauth_method clear, tls;
	unsigned f;

	free(xml);
	if (!iq)
		return;
	f = iqauth_fields(xmpp_stanza_get_child_by_ns(iq, "jabber:iq:auth"));
	xmpp_stanza_release(iq);
	if (f & ~(unsigned)(IQAUTH_USERNAME | IQAUTH_PASSWORD | IQAUTH_DIGEST |
			    IQAUTH_RESOURCE))
		fail("a field natter does not know", in);
	clear = iqauth_choose(f, false);
	tls = iqauth_choose(f, true);
	if (clear == IQAUTH_PLAIN)
		fail("the password in the clear", in);
	if ((clear != IQAUTH_NONE || tls != IQAUTH_NONE) &&
	    !(f & IQAUTH_USERNAME))
		fail("a login without the username field", in);
	if (tls == IQAUTH_PLAIN && (!(f & IQAUTH_PASSWORD) || (f & IQAUTH_DIGEST)))
		fail("the password where it was not asked for, or before "
		     "the digest", in);
	if (tls == IQAUTH_DIGEST_SHA1 && !(f & IQAUTH_DIGEST))
		fail("a digest that was not asked for", in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static xmpp_ctx_t *ctx;
	char *in = fuzz_string(data, size);

	if (!ctx) {
		xmpp_initialize();
		ctx = xmpp_ctx_new(NULL, NULL);
		if (!ctx)
			abort();
	}
	header(in);
	fields(ctx, in);
	free(in);
	return 0;
}
