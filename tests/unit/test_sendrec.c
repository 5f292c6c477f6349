/* test_sendrec: the xmpp_send recorder the unit tests share
 * (tests/unit/sendrec.h), linked as they link it (-Wl,--wrap=xmpp_send).
 *
 * - What is sent through xmpp_send is not sent but kept, in order, as
 *   the server would read it: parsed back from its text (a stanza built
 *   with a text child reads back with that text escaped and restored),
 *   with the text beside it; the caller's stanza stays the caller's.
 * - tu_sent_last() is the newest text, NULL when nothing is kept;
 *   tu_sent_reset() forgets it all and recording starts again at 0.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <strophe.h>

#include "sendrec.h"
#include "testutil.h"

static int group_setup(void **state)
{
	*state = tu_xmpp_init();
	return *state ? 0 : -1;
}

static int group_teardown(void **state)
{
	xmpp_ctx_t *ctx = *state;

	tu_xmpp_done(&ctx);
	return 0;
}

static void test_records_in_order(void **state)
{
	xmpp_ctx_t *ctx = *state;
	xmpp_stanza_t *msg = xmpp_message_new(ctx, "chat", "juliet@example.com",
					      "m1");
	xmpp_stanza_t *iq = tu_parse(ctx, "<iq type='get' id='p1'><ping "
				     "xmlns='urn:xmpp:ping'/></iq>");

	assert_null(tu_sent_last());
	xmpp_message_set_body(msg, "a < b & c");
	xmpp_send(NULL, msg);
	xmpp_send(NULL, iq);
	/* the caller still owns its stanzas: releasing them is theirs */
	xmpp_stanza_release(msg);
	xmpp_stanza_release(iq);

	assert_int_equal(tu_nsent, 2);
	assert_string_equal(xmpp_stanza_get_name(tu_sent[0]), "message");
	assert_string_equal(xmpp_stanza_get_id(tu_sent[0]), "m1");
	{
		char *body = xmpp_message_get_body(tu_sent[0]);

		assert_string_equal(body, "a < b & c");
		xmpp_free(ctx, body);
	}
	assert_non_null(strstr(tu_sent_xml[0], "a &lt; b &amp; c"));
	assert_non_null(xmpp_stanza_get_child_by_name_and_ns(
		tu_sent[1], "ping", "urn:xmpp:ping"));
	assert_ptr_equal(tu_sent_last(), tu_sent_xml[1]);
	assert_non_null(strstr(tu_sent_last(), "id=\"p1\""));

	tu_sent_reset();
	assert_int_equal(tu_nsent, 0);
	assert_null(tu_sent[0]);
	assert_null(tu_sent_last());
	iq = tu_parse(ctx, "<presence/>");
	xmpp_send(NULL, iq);
	xmpp_stanza_release(iq);
	assert_int_equal(tu_nsent, 1);
	assert_string_equal(xmpp_stanza_get_name(tu_sent[0]), "presence");
	tu_sent_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_in_order),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
