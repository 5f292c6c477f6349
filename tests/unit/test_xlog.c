/* test_xlog: what xlog_handler() learns from libstrophe's log lines, fed
 * the lines libstrophe 0.12 logs (the e2e debug logs show them): a
 * resumed stream and the server's h from <resumed/>, and each stream's
 * features (logged as "<features xmlns=...>", without the stream:
 * prefix) clearing what an earlier stream said; and when the handler is
 * there at all (xlog_follow: while a stream is set up, then only for
 * the debug log or an XML console).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <strophe.h>

#include "xmpp/session.h"

#define FEATURES "RECV: <features xmlns=\"http://etherx.jabber.org/streams\">" \
	"<bind xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"><required/></bind>" \
	"<sm xmlns=\"urn:xmpp:sm:3\"/></features>"
#define RESUMED "RECV: <resumed h=\"853\" previd=\"cvaZ1HtIvfRE\"" \
	" xmlns=\"urn:xmpp:sm:3\"/>"

static void feed(struct session *s, const char *line)
{
	xlog_handler(s, XMPP_LEVEL_DEBUG, "xmpp", line);
}

static void test_resumed_sets_h(void **state)
{
	struct session s;

	(void)state;
	memset(&s, 0, sizeof s);
	feed(&s, FEATURES);
	assert_false(s.resumed);
	feed(&s, "SENT: <resume h=\"604\" previd=\"cvaZ1HtIvfRE\""
		 " xmlns=\"urn:xmpp:sm:3\"/>");
	assert_false(s.resumed);
	feed(&s, RESUMED);
	assert_true(s.resumed);
	assert_int_equal(s.resumed_h, 853);
}

static void test_single_quotes(void **state)
{
	struct session s;

	(void)state;
	memset(&s, 0, sizeof s);
	feed(&s, "RECV: <resumed xmlns='urn:xmpp:sm:3' h='7' previd='x'/>");
	assert_true(s.resumed);
	assert_int_equal(s.resumed_h, 7);
}

/* the next stream's features say nothing was resumed yet: a resume that
 * then fails gives a fresh session, which must not count from the old h */
static void test_features_clear_a_resume(void **state)
{
	struct session s;

	(void)state;
	memset(&s, 0, sizeof s);
	feed(&s, FEATURES);
	feed(&s, RESUMED);
	assert_true(s.resumed);
	feed(&s, "RECV: <stream:stream id=\"e47074bd\" from=\"localhost\">");
	assert_true(s.resumed);
	feed(&s, FEATURES);
	assert_false(s.resumed);
	feed(&s, "RECV: <failed xmlns=\"urn:xmpp:sm:3\"><item-not-found"
		 " xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></failed>");
	assert_false(s.resumed);
}

/* only debug lines are read: a <resumed/> in a warning is not the server's */
static void test_other_levels_ignored(void **state)
{
	struct session s;

	(void)state;
	memset(&s, 0, sizeof s);
	xlog_handler(&s, XMPP_LEVEL_WARN, "xmpp", RESUMED);
	assert_false(s.resumed);
}

/* libstrophe says "Cannot authenticate with known methods" both when
 * the server offered nothing it knows and after every SASL mechanism was
 * refused: only the first is a server without a login for us (auto then
 * tries jabber:iq:auth); the second is the password */
#define NO_METHOD "Cannot authenticate with known methods"

static void test_no_sasl_mechanism(void **state)
{
	struct session s;

	(void)state;
	memset(&s, 0, sizeof s);
	feed(&s, FEATURES);
	xlog_handler(&s, XMPP_LEVEL_ERROR, "auth", NO_METHOD);
	assert_true(s.no_auth_method);
	assert_false(s.auth_failed);
}

static void test_sasl_refused_is_the_password(void **state)
{
	struct session s;

	(void)state;
	memset(&s, 0, sizeof s);
	feed(&s, "SASL SCRAM-SHA-1 auth failed");
	feed(&s, "SASL PLAIN auth failed");
	xlog_handler(&s, XMPP_LEVEL_ERROR, "auth", NO_METHOD);
	assert_false(s.no_auth_method);
	assert_true(s.auth_failed);
}

/* libstrophe formats its messages only for a handler: one is there
 * while the stream is set up, then only for the debug log (off here) or
 * an XML console */
static void test_handler_only_while_needed(void **state)
{
	struct session s;

	(void)state;
	memset(&s, 0, sizeof s);
	xlog_follow(&s);
	assert_ptr_equal(s.log.handler, xlog_handler);
	s.was_online = true;
	xlog_follow(&s);
	assert_null(s.log.handler);
	s.raw_wanted = true;
	xlog_raw_changed(&s);
	assert_ptr_equal(s.log.handler, xlog_handler);
	s.raw_wanted = false;
	xlog_raw_changed(&s);
	assert_null(s.log.handler);
	s.was_online = false; /* the next attempt */
	xlog_follow(&s);
	assert_ptr_equal(s.log.handler, xlog_handler);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resumed_sets_h),
		cmocka_unit_test(test_single_quotes),
		cmocka_unit_test(test_features_clear_a_resume),
		cmocka_unit_test(test_other_levels_ignored),
		cmocka_unit_test(test_no_sasl_mechanism),
		cmocka_unit_test(test_sasl_refused_is_the_password),
		cmocka_unit_test(test_handler_only_while_needed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
