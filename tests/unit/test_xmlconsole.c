/* test_xmlconsole: core/xmlconsole.h, the XML console's model.
 *
 * The pretty-printer: one element per row with children indented, an
 * element holding only text on one row, a stream's opening tag and
 * close (fragments) tolerated, '>' inside a quoted attribute kept in
 * its tag, newlines, tabs, ESC, C1 and bidi controls written as
 * character references, a cut past the size limit with a note, text
 * cut short. The filter: by kind (a prefixed name too), by JID (from
 * or to; a bare JID matches its full JIDs, case aside; entities in the
 * attribute), both at once, and nothing for fragments without a tag.
 * Counting top-level elements for the console's input. The window: one
 * per account, stanzas marked SENT/RECV, SASL and passwords redacted,
 * the filter dropping what does not match, the ring capped at
 * XMLCONSOLE_LINES, no window: nothing kept, closing it emits
 * EV_XMLCONSOLE_CLOSED. The xmpp side: opening a console sets its
 * session's raw_wanted, libstrophe's SENT/RECV debug messages reach it
 * through xlog_handler (other messages do not), closing it clears
 * raw_wanted, and a message finding no console clears it too; a typed
 * line is sent only when it is one iq, message or presence, well-formed,
 * and the account online.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/xmlconsole.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#include "sendrec.h"
#include "testutil.h"

/* libstrophe's send is wrapped (sendrec.h): what the console typed went out */

static void pretty_is(const char *xml, const char *want)
{
	char *got = xmlconsole_pretty(xml, XMLCONSOLE_TEXT_MAX);

	assert_string_equal(got, want);
	free(got);
}

static void test_pretty_nesting(void **state)
{
	(void)state;
	pretty_is("<iq type=\"get\" id=\"p1\"><ping xmlns=\"urn:xmpp:ping\"/></iq>",
		  "<iq type=\"get\" id=\"p1\">\n"
		  "  <ping xmlns=\"urn:xmpp:ping\"/>\n"
		  "</iq>");
	pretty_is("<message to='a@b'><body>hi there</body><active xmlns='x'></active>"
		  "<x><y><z>deep</z></y></x></message>",
		  "<message to='a@b'>\n"
		  "  <body>hi there</body>\n"
		  "  <active xmlns='x'></active>\n"
		  "  <x>\n"
		  "    <y>\n"
		  "      <z>deep</z>\n"
		  "    </y>\n"
		  "  </x>\n"
		  "</message>");
	/* whitespace between elements goes, mixed text gets its own row */
	pretty_is("<a>\n  <b/>\n  text <c/></a>",
		  "<a>\n  <b/>\n  text\n  <c/>\n</a>");
	/* a '>' in a quoted value stays in its tag */
	pretty_is("<presence from=\"x&gt;\" status='a>b'><show>away</show></presence>",
		  "<presence from=\"x&gt;\" status='a>b'>\n"
		  "  <show>away</show>\n"
		  "</presence>");
}

static void test_pretty_fragments(void **state)
{
	(void)state;
	pretty_is("<?xml version=\"1.0\"?><stream:stream to=\"example.org\" "
		  "xmlns=\"jabber:client\" version=\"1.0\">",
		  "<?xml version=\"1.0\"?>\n"
		  "<stream:stream to=\"example.org\" xmlns=\"jabber:client\" "
		  "version=\"1.0\">");
	pretty_is("</stream:stream>", "</stream:stream>");
	pretty_is("<r xmlns='urn:xmpp:sm:3'/>", "<r xmlns='urn:xmpp:sm:3'/>");
	/* cut short: what is left is text, shown as it is */
	pretty_is("<iq type=\"get", "<iq type=\"get");
	pretty_is("<a><b>x</b>", "<a>\n  <b>x</b>");
	pretty_is("<a><!-- note --><![CDATA[<raw>]]></a>",
		  "<a>\n  <!-- note -->\n  <![CDATA[<raw>]]>\n</a>");
	pretty_is("", "");
}

static void test_pretty_controls(void **state)
{
	(void)state;
	pretty_is("<body>line one\nline\ttwo</body>",
		  "<body>line one&#xA;line&#x9;two</body>");
	pretty_is("<body>\x1b[2J\x1b]0;owned\x07 red</body>",
		  "<body>&#x1B;[2J&#x1B;]0;owned&#x7; red</body>");
	/* C1 CSI, RLO, DEL; plain non-ASCII stays */
	pretty_is("<body>\xc2\x9b" "31m \xe2\x80\xae" "olleh\x7f caf\xc3\xa9</body>",
		  "<body>&#x9B;31m &#x202E;olleh&#x7F; caf\xc3\xa9</body>");
	pretty_is("<x a='1\n2'/>", "<x a='1&#xA;2'/>");
}

static void test_pretty_cut(void **state)
{
	char big[20000], *got;
	size_t i;

	(void)state;
	strcpy(big, "<message><body>");
	for (i = strlen(big); i < sizeof big - 20; i++)
		big[i] = 'a';
	strcpy(big + i, "</body></message>");
	got = xmlconsole_pretty(big, 1000);
	assert_true(strlen(got) < 1100);
	assert_non_null(strstr(got, "\n[cut: "));
	assert_non_null(strstr(got, " more bytes]"));
	free(got);
	/* many elements: stops taking them once past the limit */
	big[0] = '\0';
	for (i = 0; i < 1000; i++)
		strcat(big, "<a/>");
	got = xmlconsole_pretty(big, 100);
	assert_true(strlen(got) < 200);
	assert_non_null(strstr(got, "[cut: "));
	free(got);
}

static bool match(const char *element, const char *jid, const char *xml)
{
	struct xmlconsole f = { (char *)element, (char *)jid };

	return xmlconsole_match(&f, xml);
}

static void test_match(void **state)
{
	(void)state;
	assert_true(xmlconsole_match(NULL, "<iq/>"));
	assert_true(match(NULL, NULL, "anything"));
	assert_true(match("iq", NULL, "<iq type='get'/>"));
	assert_true(match("iq", NULL, "  <iq type='get'><x/></iq>"));
	assert_false(match("iq", NULL, "<iqx/>"));
	assert_false(match("iq", NULL, "<message/>"));
	assert_false(match("message", NULL, "<presence/>"));
	assert_true(match("presence", NULL, "<presence to='a@b'/>"));
	assert_false(match("iq", NULL, "</stream:stream>"));
	assert_false(match("iq", NULL, "text only"));
	assert_true(match("features", NULL,
			  "<stream:features><bind/></stream:features>"));
	/* JIDs: from or to, bare matches full, case aside */
	assert_true(match(NULL, "bob@example.org",
			  "<message from='bob@example.org/phone' to='me@x/y'/>"));
	assert_true(match(NULL, "bob@example.org",
			  "<message to=\"Bob@Example.org\"/>"));
	assert_true(match(NULL, "bob@example.org/phone",
			  "<iq from='bob@example.org/phone'/>"));
	assert_false(match(NULL, "bob@example.org/phone",
			   "<iq from='bob@example.org/laptop'/>"));
	assert_false(match(NULL, "bob@example.org",
			   "<iq from='bob@example.orgx'/>"));
	assert_false(match(NULL, "example.org",
			   "<iq from='bob@example.org'/>"));
	assert_true(match(NULL, "example.org", "<iq to='example.org' id='1'/>"));
	assert_false(match(NULL, "bob@example.org", "<iq id='1'/>"));
	/* an attribute named like it, inside another's value, is not it */
	assert_false(match(NULL, "bob@example.org",
			   "<iq id=\" from='bob@example.org'\"/>"));
	assert_true(match(NULL, "a&b@x", "<iq from='a&amp;b@x'/>"));
	/* both */
	assert_true(match("iq", "bob@x", "<iq from='bob@x/r'/>"));
	assert_false(match("iq", "bob@x", "<message from='bob@x/r'/>"));
	assert_false(match("iq", "bob@x", "<iq from='eve@x/r'/>"));
}

static void test_top_elements(void **state)
{
	(void)state;
	assert_int_equal(xmlconsole_top_elements("<iq/>"), 1);
	assert_int_equal(xmlconsole_top_elements(" <iq><q/></iq>\n"), 1);
	assert_int_equal(xmlconsole_top_elements("<iq/><iq/>"), 2);
	assert_int_equal(xmlconsole_top_elements(""), 0);
	assert_int_equal(xmlconsole_top_elements("hello"), -1);
	assert_int_equal(xmlconsole_top_elements("<iq/>x"), -1);
	assert_int_equal(xmlconsole_top_elements("<iq>"), -1);
	assert_int_equal(xmlconsole_top_elements("</iq>"), -1);
	assert_int_equal(xmlconsole_top_elements("</stream><iq/>"), -1);
	assert_int_equal(xmlconsole_top_elements("<!-- c --><iq/>"), -1);
}

struct fixture {
	char *dir;
	struct app app;
	unsigned closed;
};

static void count_closed(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *f = ud;

	(void)app;
	if (ev->type == EV_XMLCONSOLE_CLOSED)
		f->closed++;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || tu_app_open(&f->app, &f->dir, "xmlconsole", false) < 0) {
		free(f);
		return -1;
	}
	event_subscribe(&f->app, count_closed, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	return tu_app_close(f, &f->app, f->dir);
}

static const char *last_text(struct window *w)
{
	const struct line *l = win_line(w, w->count - 1);

	assert_non_null(l);
	return l->text;
}

static void test_window(void **state)
{
	struct fixture *f = *state;
	struct app *app = &f->app;
	struct account *a = app->accounts[0];
	struct window *w;
	char *words[] = { "iq", "bob@example.org", "message" };
	size_t nwins = app->nwins, i;

	assert_null(xmlconsole_find(app, a));
	assert_false(xmlconsole_stanza(app, a, true, "<iq/>", 1));
	w = xmlconsole_window(app, a);
	assert_int_equal(app->nwins, nwins + 1);
	assert_ptr_equal(xmlconsole_window(app, a), w);
	assert_ptr_equal(xmlconsole_find(app, a), w);
	assert_int_equal(w->kind, WIN_XMLCONSOLE);
	assert_int_equal(w->cap, XMLCONSOLE_LINES);

	assert_true(xmlconsole_stanza(app, a, true,
				      "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>",
				      1700000000));
	assert_string_equal(last_text(w), XMLCONSOLE_OUT_MARK
			    "<iq type='get' id='1'>\n"
			    "  <ping xmlns='urn:xmpp:ping'/>\n</iq>");
	assert_int_equal(win_line(w, 0)->ts, 1700000000);
	assert_true(xmlconsole_stanza(app, a, false,
				      "<iq type='result' id='1'/>", 1));
	assert_string_equal(last_text(w), XMLCONSOLE_IN_MARK
			    "<iq type='result' id='1'/>");
	/* secrets: as in the debug log */
	assert_true(xmlconsole_stanza(app, a, true,
				      "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" "
				      "mechanism=\"PLAIN\">AHJvbWVvAHMzY3JldA==</auth>", 1));
	assert_null(strstr(last_text(w), "AHJvbWVv"));
	assert_non_null(strstr(last_text(w), "[redacted]"));
	assert_true(xmlconsole_stanza(app, a, true,
				      "<iq type='set'><query xmlns='jabber:iq:register'>"
				      "<username>r</username><password>s3cret</password>"
				      "</query></iq>", 1));
	assert_null(strstr(last_text(w), "s3cret"));
	/* a remote party's escapes: no control byte reaches the window */
	assert_true(xmlconsole_stanza(app, a, false,
				      "<message><body>\x1b[31mred\xc2\x9b</body></message>", 1));
	for (const char *p = last_text(w); *p; p++)
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
	assert_non_null(strstr(last_text(w), "&#x1B;[31mred&#x9B;"));

	/* the filter */
	assert_int_equal(xmlconsole_filter_set(w, 3, words), -1);
	assert_null(xmlconsole_filter_text(w));
	words[1] = "not a jid";
	assert_int_equal(xmlconsole_filter_set(w, 2, words), -1);
	words[1] = "bob@example.org";
	assert_int_equal(xmlconsole_filter_set(w, 2, words), 0);
	{
		char *t = xmlconsole_filter_text(w);

		assert_string_equal(t, "iq bob@example.org");
		free(t);
	}
	win_clear(w);
	assert_true(xmlconsole_stanza(app, a, false,
				      "<message from='bob@example.org/x'/>", 1));
	assert_true(xmlconsole_stanza(app, a, false,
				      "<iq from='eve@example.org/x'/>", 1));
	assert_int_equal(w->count, 0);
	assert_true(xmlconsole_stanza(app, a, false,
				      "<iq from='bob@example.org/x' type='get'/>", 1));
	assert_int_equal(w->count, 1);
	assert_int_equal(xmlconsole_filter_set(w, 0, NULL), 0);
	assert_null(xmlconsole_filter_text(w));
	assert_true(xmlconsole_stanza(app, a, false, "<message/>", 1));
	assert_int_equal(w->count, 2);

	/* bounded */
	for (i = 0; i < XMLCONSOLE_LINES + 50; i++)
		xmlconsole_stanza(app, a, i % 2, "<presence/>", 1);
	assert_int_equal(w->count, XMLCONSOLE_LINES);

	/* closing tells whoever listens, and stanzas find no window */
	assert_int_equal(f->closed, 0);
	app_close_window(app, w);
	assert_int_equal(f->closed, 1);
	assert_null(xmlconsole_find(app, a));
	assert_false(xmlconsole_stanza(app, a, true, "<iq/>", 1));
	assert_int_equal(app->nwins, nwins);
}

static uint64_t test_clock(void)
{
	return 1000;
}

static int session_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || tu_session_open(&f->app, &f->dir, "xmlconsole-xs",
				  test_clock) < 0) {
		free(f);
		return -1;
	}
	tu_sent_reset();
	*state = f;
	return 0;
}

static int session_teardown(void **state)
{
	struct fixture *f = *state;

	tu_sent_reset();
	f->app.accounts[0]->state = ACC_OFFLINE;
	xs_shutdown(&f->app);
	return tu_app_close(f, &f->app, f->dir);
}

static void test_session(void **state)
{
	struct fixture *f = *state;
	struct app *app = &f->app;
	struct account *a = app->accounts[0];
	struct session *s = session_of(a);
	struct window *w;
	long idx;

	assert_false(s->raw_wanted);
	/* nothing is looked at while no console is open */
	xlog_handler(s, XMPP_LEVEL_DEBUG, "conn", "SENT: <iq id='early'/>");
	idx = xs_xmlconsole_open(app, a);
	assert_true(idx > 0);
	w = app->wins[idx];
	assert_int_equal(w->kind, WIN_XMLCONSOLE);
	assert_ptr_equal(w->acc, a);
	assert_true(s->raw_wanted);
	assert_int_equal(xs_xmlconsole_open(app, a), idx);
	assert_int_equal(w->count, 0);

	xlog_handler(s, XMPP_LEVEL_DEBUG, "conn", "SENT: <iq id='a1'/>");
	xlog_handler(s, XMPP_LEVEL_DEBUG, "xmpp",
		     "RECV: <message from='bob@x/y'><body>hi</body></message>");
	xlog_handler(s, XMPP_LEVEL_DEBUG, "xmpp", "Q_SENT: 0x1234");
	xlog_handler(s, XMPP_LEVEL_INFO, "xmpp", "SENT: <iq id='info'/>");
	assert_int_equal(w->count, 2);
	assert_string_equal(win_line(w, 0)->text, "SENT <iq id='a1'/>");
	assert_string_equal(win_line(w, 1)->text,
			    "RECV <message from='bob@x/y'>\n"
			    "  <body>hi</body>\n</message>");

	/* typed lines */
	a->state = ACC_OFFLINE;
	assert_int_equal(xs_xmlconsole_send(app, a, "<iq type='get' id='t'/>"),
			 XS_RAW_OFFLINE);
	a->state = ACC_ONLINE;
	assert_int_equal(xs_xmlconsole_send(app, a, "<iq type='get'><q></iq>"),
			 XS_RAW_MALFORMED);
	assert_int_equal(xs_xmlconsole_send(app, a, "not xml"),
			 XS_RAW_MALFORMED);
	assert_int_equal(xs_xmlconsole_send(app, a, "<iq/> trailing"),
			 XS_RAW_MALFORMED);
	assert_int_equal(xs_xmlconsole_send(app, a, "<iq/></stream><iq/>"),
			 XS_RAW_MALFORMED);
	assert_int_equal(xs_xmlconsole_send(app, a, "<iq id='1'/><iq id='2'/>"),
			 XS_RAW_NOT_STANZA);
	assert_int_equal(xs_xmlconsole_send(app, a, "<auth xmlns='x'/>"),
			 XS_RAW_NOT_STANZA);
	assert_int_equal(tu_nsent, 0);
	assert_int_equal(xs_xmlconsole_send(app, a,
					    " <iq type='get' to='example.net' id='v1'>"
					    "<query xmlns='jabber:iq:version'/></iq>\n"),
			 XS_RAW_SENT);
	assert_int_equal(tu_nsent, 1);
	assert_non_null(strstr(tu_sent_last(), "id=\"v1\""));
	assert_non_null(strstr(tu_sent_last(), "<query xmlns=\"jabber:iq:version\"/>"));
	assert_int_equal(xs_xmlconsole_send(app, a,
					    "<message to='b@x'><body>a &amp; b</body></message>"),
			 XS_RAW_SENT);
	assert_non_null(strstr(tu_sent_last(), "<body>a &amp; b</body>"));

	/* closing the console stops the stanza texts */
	app_close_window(app, w);
	assert_false(s->raw_wanted);
	/* and one that went unheard stops them at the next message */
	s->raw_wanted = true;
	xlog_handler(s, XMPP_LEVEL_DEBUG, "conn", "SENT: <iq id='late'/>");
	assert_false(s->raw_wanted);
	assert_null(xmlconsole_find(app, a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pretty_nesting),
		cmocka_unit_test(test_pretty_fragments),
		cmocka_unit_test(test_pretty_controls),
		cmocka_unit_test(test_pretty_cut),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_top_elements),
		cmocka_unit_test_setup_teardown(test_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session, session_setup,
						session_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
