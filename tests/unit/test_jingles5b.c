/* Tests for Jingle SOCKS5 bytestreams (xmpp/jingles5b.c, XEP-0260): the
 * transport's candidates read (sorted by priority, bounded, each string
 * one clean line, the malformed left out) and written, the priorities,
 * which connection both sides pick, and a Jingle offer carrying them
 * (xmpp/p2p.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "util/xmem.h"
#include "xmpp/session.h"

#define S5B "urn:xmpp:jingle:transports:s5b:1"
#define TR_HEAD "<transport xmlns='" S5B "' "
#define CAND(cid, host, port, prio, type) \
	"<candidate cid='" cid "' host='" host "' jid='p@x/r' port='" port \
	"' priority='" prio "' type='" type "'/>"

static xmpp_ctx_t *ctx;

static int group_setup(void **state)
{
	(void)state;
	ctx = tu_xmpp_init();
	return ctx ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_xmpp_done(&ctx);
	return 0;
}

static int tparse(const char *xml, char **sid, struct js5b_cand **c,
		  size_t *n)
{
	xmpp_stanza_t *tr = tu_parse(ctx, xml);
	int r = js5b_transport_parse(tr, sid, c, n);

	xmpp_stanza_release(tr);
	return r;
}

static void test_priority(void **state)
{
	(void)state;
	assert_int_equal(js5b_priority(false, 0), 126u << 16);
	assert_int_equal(js5b_priority(true, 0), 10u << 16);
	assert_int_equal(js5b_priority(false, 7), (126u << 16) + 7);
	/* the local preference cannot reach the type's */
	assert_int_equal(js5b_priority(true, 0x1ffff), (10u << 16) + 0xffff);
	assert_true(js5b_priority(false, 0) > js5b_priority(true, 0xffff));
}

static void test_parse_sorted(void **state)
{
	struct js5b_cand *c;
	size_t n;
	char *sid;

	(void)state;
	assert_int_equal(tparse(TR_HEAD "sid='s1' mode='tcp'>"
		CAND("low", "127.0.0.1", "1000", "655360", "proxy")
		CAND("high", "::1", "2000", "8257536", "direct")
		CAND("mid", "10.0.0.1", "3000", "7864320", "assisted")
		CAND("high2", "127.0.0.2", "4000", "8257536", "direct")
		"</transport>", &sid, &c, &n), 0);
	assert_string_equal(sid, "s1");
	assert_int_equal(n, 4);
	/* highest first; equal priorities keep their order */
	assert_string_equal(c[0].cid, "high");
	assert_string_equal(c[1].cid, "high2");
	assert_string_equal(c[2].cid, "mid");
	assert_string_equal(c[3].cid, "low");
	assert_true(c[3].proxy);
	assert_false(c[0].proxy);
	assert_false(c[2].proxy);
	assert_string_equal(c[0].host, "::1");
	assert_int_equal(c[0].port, 2000);
	assert_string_equal(c[0].jid, "p@x/r");
	assert_int_equal(c[3].priority, 655360);
	js5b_cands_free(&c, n);
	assert_null(c);
	free(sid);
}

static void test_parse_hostile(void **state)
{
	struct js5b_cand *c;
	size_t n;
	char *sid;
	char xml[8192];
	size_t len;

	(void)state;
	/* each of these is left out; the last one is kept */
	assert_int_equal(tparse(TR_HEAD "sid='s2'>"
		"<candidate host='127.0.0.1' jid='a@b' port='1' "
		"priority='5'/>"                               /* no cid */
		CAND("p0", "127.0.0.1", "0", "5", "direct")     /* port 0 */
		CAND("pbig", "127.0.0.1", "65536", "5", "direct")
		CAND("pneg", "127.0.0.1", "-5", "5", "direct")
		CAND("prio", "127.0.0.1", "5", "x", "direct")
		CAND("prio0", "127.0.0.1", "5", "0", "direct")
		CAND("prio2", "127.0.0.1", "5", "4294967296", "direct")
		CAND("type", "127.0.0.1", "5", "5", "carrier-pigeon")
		CAND("ctl", "127.0.0.1&#155;[2J", "5", "5", "direct")
		CAND("nl", "127.0.0.1&#10;fake", "5", "5", "direct")
		CAND("bidi&#x202e;", "127.0.0.1", "5", "5", "direct")
		"<candidate cid='nojid' host='127.0.0.1' port='5' "
		"priority='5'/>"
		"<other cid='o' host='127.0.0.1' jid='a@b' port='5' "
		"priority='5'/>"
		"<candidate cid='ok' host='127.0.0.1' jid='a@b' port='5' "
		"priority='5'/>"                       /* no type: direct */
		"</transport>", &sid, &c, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].cid, "ok");
	assert_false(c[0].proxy);
	js5b_cands_free(&c, n);
	free(sid);

	/* no more than JS5B_CANDS_MAX */
	len = (size_t)snprintf(xml, sizeof xml, TR_HEAD "sid='s3'>");
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(xml + len, sizeof xml - len,
					CAND("c%d", "127.0.0.1", "%d", "%d",
					     "direct"), i, 1000 + i, 10 + i);
	snprintf(xml + len, sizeof xml - len, "</transport>");
	assert_int_equal(tparse(xml, &sid, &c, &n), 0);
	assert_int_equal(n, JS5B_CANDS_MAX);
	for (size_t i = 1; i < n; i++)
		assert_true(c[i - 1].priority >= c[i].priority);
	js5b_cands_free(&c, n);
	free(sid);

	/* udp: nothing natter can use; no sid, or a dirty one: refused */
	assert_int_equal(tparse(TR_HEAD "sid='s4' mode='udp'>"
		CAND("u", "127.0.0.1", "5", "5", "direct") "</transport>",
		&sid, &c, &n), 0);
	assert_int_equal(n, 0);
	assert_null(c);
	free(sid);
	assert_int_equal(tparse(TR_HEAD ">" CAND("u", "127.0.0.1", "5", "5",
		"direct") "</transport>", &sid, &c, &n), -1);
	assert_null(sid);
	assert_int_equal(tparse(TR_HEAD "sid='a&#10;b'/>", &sid, &c, &n), -1);
	assert_int_equal(tparse(TR_HEAD "sid='a&#155;b'/>", &sid, &c, &n), -1);
	assert_null(c);
}

static void test_build_round_trip(void **state)
{
	struct js5b_cand ours[2] = {
		{ .cid = "d1", .jid = "alice@x/natter", .host = "127.0.0.1",
		  .port = 4321, .priority = 126u << 16 },
		{ .cid = "p1", .jid = "proxy.x", .host = "::1", .port = 7777,
		  .priority = 10u << 16, .proxy = true },
	};
	xmpp_stanza_t *tr = js5b_transport_new(ctx, "sid9", "abcd", ours, 2);
	struct js5b_cand *c;
	size_t n;
	char *sid;

	(void)state;
	assert_string_equal(xmpp_stanza_get_ns(tr), S5B);
	assert_string_equal(xmpp_stanza_get_attribute(tr, "mode"), "tcp");
	assert_string_equal(xmpp_stanza_get_attribute(tr, "dstaddr"), "abcd");
	assert_int_equal(js5b_transport_parse(tr, &sid, &c, &n), 0);
	assert_string_equal(sid, "sid9");
	assert_int_equal(n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(c[i].cid, ours[i].cid);
		assert_string_equal(c[i].jid, ours[i].jid);
		assert_string_equal(c[i].host, ours[i].host);
		assert_int_equal(c[i].port, ours[i].port);
		assert_int_equal(c[i].priority, ours[i].priority);
		assert_int_equal(c[i].proxy, ours[i].proxy);
	}
	js5b_cands_free(&c, n);
	free(sid);
	xmpp_stanza_release(tr);
	/* no candidates at all: still a transport, which says so */
	tr = js5b_transport_new(ctx, "s", NULL, NULL, 0);
	assert_null(xmpp_stanza_get_children(tr));
	assert_null(xmpp_stanza_get_attribute(tr, "dstaddr"));
	xmpp_stanza_release(tr);
}

static void test_pick(void **state)
{
	const uint32_t d = 126u << 16, x = 10u << 16;

	(void)state;
	/* nothing either way: in band */
	assert_int_equal(js5b_pick(JS5B_ERROR, 0, JS5B_ERROR, 0, true),
			 JS5B_NONE);
	assert_int_equal(js5b_pick(JS5B_ERROR, 0, JS5B_ERROR, 0, false),
			 JS5B_NONE);
	/* one side only */
	assert_int_equal(js5b_pick(JS5B_USED, x, JS5B_ERROR, 0, false),
			 JS5B_LOCAL);
	assert_int_equal(js5b_pick(JS5B_ERROR, 0, JS5B_USED, x, true),
			 JS5B_REMOTE);
	/* both: the higher priority, seen the same from each side */
	assert_int_equal(js5b_pick(JS5B_USED, d, JS5B_USED, x, true),
			 JS5B_LOCAL);
	assert_int_equal(js5b_pick(JS5B_USED, x, JS5B_USED, d, false),
			 JS5B_REMOTE);
	assert_int_equal(js5b_pick(JS5B_USED, x, JS5B_USED, d, true),
			 JS5B_REMOTE);
	assert_int_equal(js5b_pick(JS5B_USED, d, JS5B_USED, x, false),
			 JS5B_LOCAL);
	/* a tie: the initiator's choice, on both sides */
	assert_int_equal(js5b_pick(JS5B_USED, d, JS5B_USED, d, true),
			 JS5B_LOCAL);
	assert_int_equal(js5b_pick(JS5B_USED, d, JS5B_USED, d, false),
			 JS5B_REMOTE);
}

/* With p2p_direct = false only a proxy is tried, and "proxy" is the
 * peer's word: one whose JID is not a bare domain (the peer's own
 * listener, labelled so) is not. */
static void test_may_try(void **state)
{
	xmpp_stanza_t *tr = tu_parse(ctx,
		TR_HEAD "sid='s'>"
		"<candidate cid='own' host='10.0.0.9' jid='bob@x/r' port='7'"
		" priority='9' type='proxy'/>"
		"<candidate cid='bare' host='10.0.0.9' jid='bob@x' port='7'"
		" priority='8' type='proxy'/>"
		"<candidate cid='res' host='10.0.0.9' jid='x/r' port='7'"
		" priority='7' type='proxy'/>"
		"<candidate cid='svc' host='10.0.0.8' jid='proxy.x' port='7'"
		" priority='6' type='proxy'/>"
		"<candidate cid='dir' host='10.0.0.9' jid='proxy.x' port='7'"
		" priority='5' type='direct'/>"
		"</transport>");
	struct js5b_cand *c = NULL;
	char *sid = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(js5b_transport_parse(tr, &sid, &c, &n), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_true(js5b_may_try(&c[i], true));
	assert_string_equal(c[0].cid, "own");
	assert_false(js5b_may_try(&c[0], false));
	assert_false(js5b_may_try(&c[1], false));
	assert_false(js5b_may_try(&c[2], false));
	assert_string_equal(c[3].cid, "svc");
	assert_true(js5b_may_try(&c[3], false));
	assert_false(js5b_may_try(&c[4], false)); /* direct */
	js5b_cands_free(&c, n);
	free(sid);
	xmpp_stanza_release(tr);
}

#define J_HEAD "<jingle xmlns='urn:xmpp:jingle:1' "
#define JFT "urn:xmpp:jingle:apps:file-transfer:5"

static void test_offer_over_s5b(void **state)
{
	struct p2p_offer o;
	xmpp_stanza_t *j = tu_parse(ctx, J_HEAD "action='session-initiate' "
		"sid='j1'><content creator='initiator' name='c1'>"
		"<description xmlns='" JFT "'><file><name>a.bin</name>"
		"<size>12</size></file></description>"
		TR_HEAD "sid='t1' dstaddr='x'>"
		CAND("px", "127.0.0.1", "7777", "655360", "proxy")
		CAND("dx", "127.0.0.1", "4444", "8257536", "direct")
		"</transport></content></jingle>");

	(void)state;
	assert_int_equal(p2p_jingle_parse(j, &o), 0);
	xmpp_stanza_release(j);
	assert_int_equal(o.methods, P2P_METHOD_SOCKS5);
	assert_string_equal(o.jsid, "j1");
	assert_string_equal(o.sid, "t1");
	assert_int_equal(o.ncands, 2);
	assert_string_equal(o.cands[0].cid, "dx");
	assert_string_equal(o.cands[1].cid, "px");
	p2p_offer_clear(&o);
	assert_null(o.cands);

	/* a transport without a sid natter takes: no method (refused) */
	j = tu_parse(ctx, J_HEAD "action='session-initiate' sid='j2'>"
		"<content creator='initiator' name='c'>"
		"<description xmlns='" JFT "'><file><name>a</name>"
		"<size>1</size></file></description>"
		TR_HEAD ">" CAND("dx", "127.0.0.1", "4444", "5", "direct")
		"</transport></content></jingle>");
	assert_int_equal(p2p_jingle_parse(j, &o), 0);
	xmpp_stanza_release(j);
	assert_int_equal(o.methods, 0);
	assert_int_equal(o.ncands, 0);
	assert_string_equal(o.sid, "j2");
	p2p_offer_clear(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_parse_sorted),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_build_round_trip),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_may_try),
		cmocka_unit_test(test_offer_over_s5b),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
