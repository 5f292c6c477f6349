/* Tests for core/xmlframe: libstrophe's stream cut into elements in
 * pieces of every size, restarts, namespaces added, BOSH bodies, and
 * the stream header given back to libstrophe. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xmlframe.h"

/* What the callbacks saw, one event a line: "open NAME to=..",
 * "el XML", "close". */
static char seen[8192];

static void on_open(void *ud, const char *name, const char **attrs)
{
	const char *to = xmlframe_attr(attrs, "to");

	(void)ud;
	snprintf(seen + strlen(seen), sizeof seen - strlen(seen),
		 "open %s to=%s\n", name, to ? to : "-");
}

static void on_element(void *ud, const char *xml, size_t len)
{
	(void)ud;
	snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "el %.*s\n",
		 (int)len, xml);
}

static void on_close(void *ud)
{
	(void)ud;
	strncat(seen, "close\n", sizeof seen - strlen(seen) - 1);
}

static const struct xmlframe_ops ops = { on_open, on_element, on_close };

/* libstrophe's side of a login: header, STARTTLS-less SASL, restart
 * (its own "<?xml" again), a stanza with entities and a child that
 * nests its own name, whitespace keepalive, the end. */
static const char *const stream_in =
	"<?xml version=\"1.0\"?>"
	"<stream:stream to=\"example.org\" xml:lang=\"en\" version=\"1.0\" "
	"xmlns=\"jabber:client\" "
	"xmlns:stream=\"http://etherx.jabber.org/streams\">"
	"<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" "
	"mechanism=\"PLAIN\">AGEAYg==</auth>"
	"<?xml version=\"1.0\"?>"
	"<stream:stream to=\"example.org\" version=\"1.0\" "
	"xmlns=\"jabber:client\" "
	"xmlns:stream=\"http://etherx.jabber.org/streams\">"
	"<message to='b@example.org' type='chat'><body>a &amp; b &lt;"
	"</body><message/></message>  \n "
	"<iq type='get' id='1'/>"
	"</stream:stream>";

static const char *const stream_out =
	"open stream:stream to=example.org\n"
	"el <auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" "
	"mechanism=\"PLAIN\">AGEAYg==</auth>\n"
	"open stream:stream to=example.org\n"
	"el <message xmlns='jabber:client' to='b@example.org' type='chat'>"
	"<body>a &amp; b &lt;</body><message/></message>\n"
	"el <iq xmlns='jabber:client' type='get' id='1'/>\n"
	"close\n";

/* The whole stream fed in pieces of n bytes must give the same events. */
static void feed_in_pieces(size_t n)
{
	struct xmlframe *f = xmlframe_new(&ops, NULL, "jabber:client");
	size_t len = strlen(stream_in), off;

	seen[0] = '\0';
	for (off = 0; off < len; off += n) {
		size_t k = len - off < n ? len - off : n;

		if (xmlframe_feed(f, stream_in + off, k) != 0)
			fail_msg("pieces of %zu, at %zu: %s", n, off,
				 xmlframe_error(f));
	}
	assert_string_equal(seen, stream_out);
	assert_null(xmlframe_error(f));
	xmlframe_free(&f);
	assert_null(f);
}

static void test_stream_pieces(void **state)
{
	size_t n;

	(void)state;
	for (n = 1; n <= strlen(stream_in); n++)
		feed_in_pieces(n);
}

/* Each element a feed of its own, as libstrophe writes them. */
static void test_stream_writes(void **state)
{
	struct xmlframe *f = xmlframe_new(&ops, NULL, "jabber:client");

	(void)state;
	seen[0] = '\0';
	assert_int_equal(xmlframe_feed(f, "<stream:stream to='x'>", 22), 0);
	assert_int_equal(xmlframe_feed(f, " ", 1), 0);
	assert_int_equal(xmlframe_feed(f, "<presence/>", 11), 0);
	/* a restart in its own write, then an element split before the
	 * decision could be made ("<st" is a stream or a stanza) */
	assert_int_equal(xmlframe_feed(f, "<st", 3), 0);
	assert_int_equal(xmlframe_feed(f, "ream:stream to='y'>", 19), 0);
	assert_int_equal(xmlframe_feed(f, "<presence/><st", 14), 0);
	assert_int_equal(xmlframe_feed(f, "ream:error><x/></stream:error>", 30),
			 0);
	assert_string_equal(seen,
			    "open stream:stream to=x\n"
			    "el <presence xmlns='jabber:client'/>\n"
			    "open stream:stream to=y\n"
			    "el <presence xmlns='jabber:client'/>\n"
			    "el <stream:error xmlns='jabber:client' "
			    "xmlns:stream='http://etherx.jabber.org/streams'>"
			    "<x/></stream:error>\n");
	xmlframe_free(&f);
}

/* A BOSH response: the body's attributes, its children; reset between
 * responses; an empty body opens and closes. */
static void test_bosh_body(void **state)
{
	struct xmlframe *f = xmlframe_new(&ops, NULL, NULL);
	const char *a = "<body xmlns='http://jabber.org/protocol/httpbind' "
			"sid='s1' to='t'><message xmlns='jabber:client'>"
			"<body>hi</body></message></body>";

	(void)state;
	seen[0] = '\0';
	assert_int_equal(xmlframe_feed(f, a, strlen(a)), 0);
	xmlframe_reset(f);
	assert_int_equal(xmlframe_feed(f, "<body to='u'/>", 14), 0);
	assert_string_equal(seen, "open body to=t\n"
				  "el <message xmlns='jabber:client'>"
				  "<body>hi</body></message>\n"
				  "close\n"
				  "open body to=u\n"
				  "close\n");
	xmlframe_free(&f);
}

static void test_malformed(void **state)
{
	struct xmlframe *f = xmlframe_new(&ops, NULL, NULL);

	(void)state;
	seen[0] = '\0';
	assert_int_equal(xmlframe_feed(f, "<s><a></b></s>", 14), -1);
	assert_non_null(xmlframe_error(f));
	/* stays refused until reset */
	assert_int_equal(xmlframe_feed(f, "<a/>", 4), -1);
	xmlframe_reset(f);
	assert_int_equal(xmlframe_feed(f, "<a/>", 4), 0);
	/* no DTD, so no entity expansion */
	xmlframe_reset(f);
	assert_int_equal(xmlframe_feed(f, "<!DOCTYPE s [<!ENTITY e 'x'>]><s>",
				       33), -1);
	assert_string_equal(seen, "open s to=-\nopen a to=-\nclose\n");
	xmlframe_free(&f);
}

static void test_header(void **state)
{
	char *h = xmlframe_stream_header("ex<'", "id1", NULL);

	(void)state;
	assert_string_equal(h, "<?xml version='1.0'?><stream:stream "
			       "xmlns='jabber:client' xmlns:stream="
			       "'http://etherx.jabber.org/streams' "
			       "version='1.0' from='ex&lt;&apos;' id='id1'>");
	free(h);
	h = xmlframe_escape("a&\"b>");
	assert_string_equal(h, "a&amp;&quot;b&gt;");
	free(h);
}

/* A WebSocket message goes through unparsed only when it is plainly one
 * child: a start tag first, '>' last, and no framing element. */
static void test_plain_child(void **state)
{
	static const char *const plain[] = {
		"<presence from='a@b/c'><show>away</show></presence>",
		"  <message to='x'><body>&lt;open/&gt;</body></message>\r\n",
		"<iq/>",
		"<stream:features xmlns:stream='http://etherx.jabber.org/"
		"streams'/>",
		"<opener/>",
		"<closed/>",
		"<openx:a/>",
		"<\xc3\xa9t\xc3\xa9/>",
		"<_x/>",
	};
	static const char *const full[] = {
		"<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='b'/>",
		"<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
		"\n<open>",
		"<f:open xmlns:f='urn:ietf:params:xml:ns:xmpp-framing'/>",
		"<f:close/>",
		"<close>",
		"<?xml version='1.0'?><presence/>",
		"<!-- a comment --><presence/>",
		"text",
		"<presence",
		"<presence/>tail",
		"</presence>",
		"<1a/>",
		"<>",
		"",
		"   ",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof plain / sizeof *plain; i++)
		assert_true(xmlframe_plain_child(plain[i], strlen(plain[i])));
	for (i = 0; i < sizeof full / sizeof *full; i++)
		assert_false(xmlframe_plain_child(full[i], strlen(full[i])));
	/* only the n bytes given count */
	assert_false(xmlframe_plain_child("<presence/>", 10));
	assert_true(xmlframe_plain_child("<iq/>ignored", 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_pieces),
		cmocka_unit_test(test_stream_writes),
		cmocka_unit_test(test_bosh_body),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_plain_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
