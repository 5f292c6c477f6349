/* test_iqauth: the pure parts of the jabber:iq:auth login (XEP-0078,
 * xmpp/iqauth.c): the fields a server's answer lists, which way natter
 * answers (digest before plaintext, plaintext only when encrypted), the
 * digest itself (XEP-0078's own example) and the stream id read from
 * the stream header as libstrophe 0.12 logs it.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "testutil.h"
#include "xmpp/iqauth.h"
#include "xmpp/session.h"

static unsigned fields_of(const char *xml)
{
	xmpp_ctx_t *ctx = tu_xmpp_init();
	xmpp_stanza_t *iq = xmpp_stanza_new_from_string(ctx, xml);
	unsigned f;

	assert_non_null(iq);
	f = iqauth_fields(xmpp_stanza_get_child_by_ns(iq, "jabber:iq:auth"));
	xmpp_stanza_release(iq);
	tu_xmpp_done(&ctx);
	return f;
}

static void test_fields(void **state)
{
	(void)state;
	assert_int_equal(fields_of("<iq type='result' id='a'>"
				   "<query xmlns='jabber:iq:auth'><username/>"
				   "<password/><digest/><resource/></query></iq>"),
			 IQAUTH_USERNAME | IQAUTH_PASSWORD | IQAUTH_DIGEST |
				 IQAUTH_RESOURCE);
	/* Prosody's mod_legacyauth: no digest */
	assert_int_equal(fields_of("<iq type='result' id='a'>"
				   "<query xmlns='jabber:iq:auth'><username/>"
				   "<password/><resource/></query></iq>"),
			 IQAUTH_USERNAME | IQAUTH_PASSWORD | IQAUTH_RESOURCE);
	/* text and unknown fields are not fields natter knows */
	assert_int_equal(fields_of("<iq type='result' id='a'>"
				   "<query xmlns='jabber:iq:auth'>x<username>alice"
				   "</username><sequence/><token/></query></iq>"),
			 IQAUTH_USERNAME);
	assert_int_equal(fields_of("<iq type='result' id='a'/>"), 0);
	assert_int_equal(iqauth_fields(NULL), 0);
}

static void test_choose(void **state)
{
	unsigned all = IQAUTH_USERNAME | IQAUTH_PASSWORD | IQAUTH_DIGEST |
		       IQAUTH_RESOURCE;
	unsigned plain = IQAUTH_USERNAME | IQAUTH_PASSWORD | IQAUTH_RESOURCE;

	(void)state;
	/* digest before plaintext, encrypted or not */
	assert_int_equal(iqauth_choose(all, true), IQAUTH_DIGEST_SHA1);
	assert_int_equal(iqauth_choose(all, false), IQAUTH_DIGEST_SHA1);
	/* plaintext only over an encrypted stream */
	assert_int_equal(iqauth_choose(plain, true), IQAUTH_PLAIN);
	assert_int_equal(iqauth_choose(plain, false), IQAUTH_NONE);
	/* nothing natter can fill */
	assert_int_equal(iqauth_choose(IQAUTH_USERNAME | IQAUTH_RESOURCE, true),
			 IQAUTH_NONE);
	assert_int_equal(iqauth_choose(IQAUTH_DIGEST | IQAUTH_PASSWORD, true),
			 IQAUTH_NONE);
	assert_int_equal(iqauth_choose(0, true), IQAUTH_NONE);
}

static void test_digest(void **state)
{
	char hex[41];

	(void)state;
	/* XEP-0078 example 5: stream id 3EE948B0, password Calli0pe */
	iqauth_digest("3EE948B0", "Calli0pe", hex);
	assert_string_equal(hex, "48fc78be9ec8f86d8ce1c39c320c97c21d62334d");
	/* UTF-8 bytes as they are; an empty stream id still hashes */
	iqauth_digest("", "p\xc3\xa4ss", hex);
	assert_int_equal(strlen(hex), 40);
	assert_string_equal(hex, "b5af3570e138c0cfedc29ed84a6adae941dfd2ea");
}

static void test_stream_id(void **state)
{
	bool v = false;
	char *id;

	(void)state;
	id = iqauth_stream_id("RECV: <stream:stream id=\"3EE948B0\" "
			      "from=\"localhost\" version=\"1.0\" "
			      "xml:lang=\"en\">", &v);
	assert_string_equal(id, "3EE948B0");
	assert_true(v);
	free(id);
	/* the order of the attributes is the server's */
	id = iqauth_stream_id("RECV: <stream:stream from=\"localhost\" "
			      "id=\"a b\" xml:lang=\"en\">", &v);
	assert_string_equal(id, "a b");
	assert_false(v); /* a pre-XMPP 1.0 stream: no features */
	free(id);
	/* an attribute merely ending in "id" is not the id */
	id = iqauth_stream_id("RECV: <stream:stream xml:id=\"no\" "
			      "sid=\"no\" version=\"1.0\">", &v);
	assert_null(id);
	assert_true(v);
	/* not a stream header */
	assert_null(iqauth_stream_id("SENT: <stream:stream id=\"x\">", NULL));
	assert_null(iqauth_stream_id("RECV: <stream:streamx id=\"x\">", NULL));
	assert_null(iqauth_stream_id("RECV: <iq id=\"x\"/>", NULL));
	/* cut short: no closing quote */
	assert_null(iqauth_stream_id("RECV: <stream:stream id=\"abc", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_stream_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
