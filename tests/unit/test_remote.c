/* test_remote: every string a remote party can put into natter's model
 * through the stanza parsers comes out sanitised.
 *
 * Hostile stanzas (built with xmpp_stanza_new_from_string) put the same
 * payload into every text and attribute they can carry: CR (&#13;), a
 * newline (&#10;, also inside attributes), C1 controls (U+0085 NEL,
 * U+009B CSI), bidi controls (U+202E RLO, U+2066 LRI, U+200F RLM, U+061C
 * ALM) and a tab. XML cannot carry C0 controls other than tab, newline
 * and CR, nor invalid UTF-8 (the parser refuses them), so these are what
 * a hostile peer can send. Each parser's result is then walked string by
 * string: a data form (title, instructions, every field's var, label,
 * description, values, options and media, also a field that has no
 * label, whose var is what the dialog shows), a jabber:iq:register
 * query (data form and legacy fields, instructions, OOB URL), an ad-hoc
 * command's notes, a disco#info reply (identities) and a disco#items
 * reply (JIDs, nodes, names), a jabber:iq:version reply (name,
 * version, os: one line each, cut to a sane length), and an error
 * (condition, type, text; also a legacy error whose text is the
 * element's own, and a version request's), and what xmpp/stanza.c's
 * readers return (a presence's show and status). Every string must be
 * valid UTF-8 without C0/C1 or bidi controls; texts that may run over
 * several lines (instructions, descriptions, values, notes, error texts)
 * may keep their newlines, which the view draws as continuation rows,
 * and nothing else may.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "core/dialog.h"
#include "core/disco.h"
#include "core/event.h"
#include "core/form.h"
#include "util/utf8.h"
#include "xmpp/dataform.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

#include "testutil.h"

/* What a hostile peer puts everywhere. */
#define BAD "&#13;&#10;\xc2\x85\xc2\x9b" "31m\xe2\x80\xae" "evil\xe2\x81\xa6" \
	"\xe2\x80\x8f\xd8\x9c\t"

static xmpp_ctx_t *ctx;
static unsigned checked; /* strings walked, so a walk cannot pass empty */

static int setup(void **state)
{
	(void)state;
	ctx = tu_xmpp_init();
	return ctx ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tu_xmpp_done(&ctx);
	return 0;
}

static xmpp_stanza_t *parse(const char *xml)
{
	return tu_parse(ctx, xml);
}

/* s (may be NULL) is safe to draw: valid UTF-8, no control or bidi
 * control; a newline only where multi says the text may have several
 * lines. */
static void clean(const char *what, const char *s, bool multi)
{
	char *copy;
	size_t i, o = 0;

	if (!s)
		return;
	checked++;
	copy = strdup(s);
	assert_non_null(copy);
	for (i = 0; copy[i]; i++)
		if (!(multi && copy[i] == '\n'))
			copy[o++] = copy[i];
	copy[o] = '\0';
	if (!utf8_is_clean(copy, o))
		fail_msg("%s is not sanitised: \"%s\"", what, s);
	free(copy);
}

static void clean_form(const struct form *f)
{
	size_t i, j;

	clean("form type", f->type, false);
	clean("form title", f->title, true);
	for (i = 0; i < f->ninstructions; i++)
		clean("instructions", f->instructions[i], true);
	for (i = 0; i < f->nfields; i++) {
		const struct form_field *fl = &f->fields[i];

		clean("field var", fl->var, false);
		clean("field label", fl->label, false);
		clean("field desc", fl->desc, true);
		clean("the name a dialog shows", dialog_field_name(fl), false);
		for (j = 0; j < fl->nvalues; j++)
			clean("field value", fl->values[j], true);
		for (j = 0; j < fl->noptions; j++) {
			clean("option label", fl->options[j].label, false);
			clean("option value", fl->options[j].value, true);
		}
		for (j = 0; j < fl->nmedia; j++) {
			clean("media type", fl->media[j].type, false);
			clean("media uri", fl->media[j].uri, false);
		}
	}
}

static const char hostile_form[] =
	"<x xmlns='jabber:x:data' type='form" BAD "'>"
	"<title>T" BAD "</title>"
	"<instructions>I" BAD "</instructions>"
	"<field type='text-single' var='v1" BAD "'>"
	"<desc>D" BAD "</desc><value>V" BAD "</value></field>"
	"<field type='list-single' var='v2' label='L" BAD "'>"
	"<option label='O" BAD "'><value>OV" BAD "</value></option>"
	"<value>OV" BAD "</value>"
	"<media xmlns='urn:xmpp:media-element'>"
	"<uri type='image/png" BAD "'>https://example.org/c.png</uri>"
	"</media></field>"
	"<field type='text-multi" BAD "' var='v3'><value>a" BAD "</value>"
	"<value>b</value></field>"
	"</x>";

static void test_data_form(void **state)
{
	xmpp_stanza_t *x = parse(hostile_form);
	struct form f;

	(void)state;
	checked = 0;
	assert_int_equal(dataform_parse(x, &f), 0);
	assert_int_equal(f.nfields, 3);
	/* a field without a label is shown by its var: the CR, the
	 * controls and the override are gone from it */
	assert_null(f.fields[0].label);
	assert_string_equal(dialog_field_name(&f.fields[0]),
			    "v1 31mevil ");
	clean_form(&f);
	assert_true(checked >= 17);
	form_clear(&f);
	xmpp_stanza_release(x);
}

static void clean_dialog(const struct dialog *d)
{
	size_t i;

	clean_form(&d->form);
	clean("OOB URL", d->url, false);
	for (i = 0; i < d->nnotes; i++)
		clean("note", d->notes[i].text, true);
}

static void test_register_forms(void **state)
{
	static const char legacy[] =
		"<query xmlns='jabber:iq:register'>"
		"<instructions>I" BAD "</instructions>"
		"<username>U" BAD "</username><password/>"
		"<email>E" BAD "</email>"
		"<x xmlns='jabber:x:oob'><url>https://e.org/" BAD "</url></x>"
		"</query>";
	char *with_form = malloc(sizeof hostile_form + 128);
	xmpp_stanza_t *q;
	struct dialog *d;

	(void)state;
	assert_non_null(with_form);
	strcpy(with_form, "<query xmlns='jabber:iq:register'><instructions>"
			  "old" BAD "</instructions>");
	strcat(with_form, hostile_form);
	strcat(with_form, "</query>");

	checked = 0;
	q = parse(legacy);
	d = dialog_new(NULL, NULL, "gw.example");
	register_parse(q, d);
	assert_true(d->legacy);
	assert_true(d->form.nfields >= 3);
	clean_dialog(d);
	assert_true(checked >= 7);
	dialog_free(&d);
	xmpp_stanza_release(q);

	checked = 0;
	q = parse(with_form);
	d = dialog_new(NULL, NULL, "gw.example");
	register_parse(q, d);
	assert_false(d->legacy);
	assert_int_equal(d->form.nfields, 3);
	clean_dialog(d);
	assert_true(checked >= 17);
	dialog_free(&d);
	xmpp_stanza_release(q);
	free(with_form);
}

static void test_command_notes(void **state)
{
	xmpp_stanza_t *cmd = parse(
		"<command xmlns='http://jabber.org/protocol/commands' "
		"node='n' status='completed'>"
		"<note type='info'>N1" BAD "</note>"
		"<note type='warn'>N2" BAD "</note>"
		"<note type='error" BAD "'>N3" BAD "</note></command>");
	struct dialog *d = dialog_new(NULL, NULL, "svc.example");

	(void)state;
	checked = 0;
	adhoc_parse_notes(cmd, d);
	assert_int_equal(d->nnotes, 3);
	clean_dialog(d);
	assert_int_equal(checked, 3);
	dialog_free(&d);
	xmpp_stanza_release(cmd);
}

static void test_disco_replies(void **state)
{
	xmpp_stanza_t *items = parse(
		"<query xmlns='http://jabber.org/protocol/disco#items'>"
		"<item jid='icq.example' node='N" BAD "' name='Name" BAD "'/>"
		"<item jid='irc" BAD ".example' name='irc'/>"
		"<item jid='plain.example'/>"
		"</query>");
	xmpp_stanza_t *info = parse(
		"<query xmlns='http://jabber.org/protocol/disco#info'>"
		"<identity category='gateway" BAD "' type='icq" BAD "' "
		"name='ICQ" BAD "'/>"
		"<identity category='x' type='y' name='Z" BAD "'/>"
		"<feature var='jabber:iq:register" BAD "'/>"
		"<feature var='jabber:iq:register'/>"
		"</query>");
	struct disco *d = disco_new(NULL, "example.org", NULL);
	size_t i, j;

	(void)state;
	checked = 0;
	xs_disco_parse_items(items, d);
	assert_true(d->nitems >= 2);
	xs_disco_parse_info(info, &d->items[0]);
	assert_int_equal(d->items[0].nids, 2);
	assert_true(d->items[0].offers & DISCO_REGISTER);
	for (i = 0; i < d->nitems; i++) {
		const struct disco_item *it = &d->items[i];

		clean("item jid", it->jid, false);
		clean("item node", it->node, false);
		clean("item name", it->name, false);
		for (j = 0; j < it->nids; j++) {
			clean("identity category", it->ids[j].category, false);
			clean("identity type", it->ids[j].type, false);
			clean("identity name", it->ids[j].name, false);
		}
	}
	assert_true(checked >= 11);
	disco_free(&d);
	xmpp_stanza_release(items);
	xmpp_stanza_release(info);
}

static void test_version_reply(void **state)
{
	xmpp_stanza_t *st = parse(
		"<iq type='result' from='bob@example.org/x' id='v1'>"
		"<query xmlns='jabber:iq:version'>"
		"<name>Evil" BAD "&#10;12:34 demo: CERTIFICATE CHANGED</name>"
		"<version>&#10; 1.0" BAD " </version>"
		"<os>OS" BAD "</os></query></iq>");
	struct version_info v;
	char *xml, *name;
	size_t i, n;

	(void)state;
	checked = 0;
	assert_int_equal(version_parse(st, &v), 0);
	clean("version name", v.name, false);
	clean("version version", v.version, false);
	clean("version os", v.os, false);
	assert_int_equal(checked, 3);
	/* the forged line stays on the name's own line; nothing is lost
	 * but the controls, and the blanks around a value go */
	assert_non_null(strstr(v.name, "demo: CERTIFICATE CHANGED"));
	assert_true(strncmp(v.version, "1.0", 3) == 0);
	assert_true(v.version[strlen(v.version) - 1] != ' ');
	version_info_clear(&v);
	assert_null(v.name);
	xmpp_stanza_release(st);

	/* a name of 3,000 two-byte characters is cut between characters;
	 * an empty version and a missing os are NULL */
	n = 3000;
	name = malloc(2 * n + 1);
	assert_non_null(name);
	for (i = 0; i < n; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[2 * n] = '\0';
	xml = malloc(2 * n + 200);
	assert_non_null(xml);
	snprintf(xml, 2 * n + 200,
		 "<iq type='result'><query xmlns='jabber:iq:version'>"
		 "<name>%s</name><version> &#10;</version></query></iq>",
		 name);
	st = parse(xml);
	checked = 0;
	assert_int_equal(version_parse(st, &v), 0);
	clean("long version name", v.name, false);
	assert_true(strlen(v.name) > 0 && strlen(v.name) <= 200);
	assert_null(v.version);
	assert_null(v.os);
	version_info_clear(&v);
	xmpp_stanza_release(st);
	free(xml);
	free(name);

	/* an error, or a result without the query, is no answer */
	st = parse("<iq type='error'><query xmlns='jabber:iq:version'>"
		   "<name>N</name></query><error type='cancel'>"
		   "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
		   "</error></iq>");
	assert_int_equal(version_parse(st, &v), -1);
	assert_null(v.name);
	xmpp_stanza_release(st);
	st = parse("<iq type='result'><query xmlns='jabber:iq:other'>"
		   "<name>N</name></query></iq>");
	assert_int_equal(version_parse(st, &v), -1);
	assert_null(v.name);
	xmpp_stanza_release(st);
	assert_int_equal(version_parse(NULL, &v), -1);
}

static void check_error(const char *xml, const char *want_cond)
{
	xmpp_stanza_t *st = parse(xml);
	struct req_error e;

	checked = 0;
	req_error_parse(st, &e);
	assert_non_null(e.cond);
	if (want_cond)
		assert_string_equal(e.cond, want_cond);
	clean("error condition", e.cond, false);
	clean("error type", e.type, false);
	clean("error text", e.text, true);
	assert_non_null(e.text);
	assert_true(checked >= 2);
	req_error_clear(&e);
	xmpp_stanza_release(st);
}

static void test_errors(void **state)
{
	(void)state;
	/* a message error, as a peer or a server sends it */
	check_error("<message type='error' from='bob@example.org'>"
		    "<error type='cancel" BAD "'>"
		    "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
		    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>gone" BAD
		    "&#10;12:34 demo: CERTIFICATE CHANGED</text></error></message>",
		    "item-not-found");
	/* a legacy error (XEP-0086): the text is the element's own */
	check_error("<iq type='error'><error code='404'>L" BAD "</error></iq>",
		    "item-not-found");
	/* a version request's error, with the query sent back */
	check_error("<iq type='error' from='bob@example.org/x'>"
		    "<query xmlns='jabber:iq:version'/><error type='cancel'>"
		    "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
		    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no" BAD
		    "&#10;12:34 demo: connected</text></error></iq>",
		    "service-unavailable");
}

/* xmpp/stanza.c: reading a child's text always sanitises (newlines kept
 * only by stanza_child_text, as presence status needs); the payload
 * skips <error/>; the builders make what they say. */
static void test_stanza_helpers(void **state)
{
	xmpp_stanza_t *st = parse("<presence from='bob@example.org/x'>"
				  "<show>away" BAD "</show>"
				  "<status>out" BAD "&#10;back at 5</status>"
				  "</presence>");
	xmpp_stanza_t *b;
	char *t, *xml;
	size_t len;

	(void)state;
	checked = 0;
	t = stanza_child_text(st, "show");
	assert_non_null(t);
	assert_non_null(strstr(t, "away"));
	clean("presence show", t, true);
	free(t);
	t = stanza_child_text(st, "status");
	assert_non_null(t);
	assert_non_null(strstr(t, "\nback at 5"));
	clean("presence status", t, true);
	free(t);
	t = stanza_text(xmpp_stanza_get_child_by_name(st, "status"), 0);
	assert_non_null(t);
	assert_null(strchr(t, '\n'));
	clean("one-line text", t, false);
	free(t);
	assert_int_equal(checked, 3);
	assert_null(stanza_child_text(st, "priority"));
	assert_null(stanza_child_text(NULL, "status"));
	assert_null(stanza_text(NULL, 0));
	xmpp_stanza_release(st);

	/* XEP-0359: the stanza-id only when by the one named, the first
	 * origin-id, whatever comes before or between them */
	{
		char *sid, *oid;

		st = parse("<message><body>hi</body>"
			   "<stanza-id xmlns='urn:xmpp:sid:0' by='evil@x.org' id='no'/>"
			   "<origin-id xmlns='urn:xmpp:other' id='no'/>"
			   "<origin-id xmlns='urn:xmpp:sid:0' id='o1'/>"
			   "<stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.x.org' id='s1'/>"
			   "<origin-id xmlns='urn:xmpp:sid:0' id='o2'/></message>");
		stanza_sids(st, "room@muc.x.org", &sid, &oid);
		assert_string_equal(sid, "s1");
		assert_string_equal(oid, "o1");
		free(sid);
		free(oid);
		stanza_sids(st, "other@muc.x.org", &sid, &oid);
		assert_null(sid);
		assert_string_equal(oid, "o1");
		free(oid);
		xmpp_stanza_release(st);
	}

	/* one text node is read in place, several are joined, none (or
	 * only elements) is no text */
	st = parse("<message><body>hi" BAD "</body><subject/>"
		   "<x><y/></x><t>a<b/>c" BAD "</t></message>");
	t = stanza_child_text(st, "body");
	assert_non_null(t);
	assert_non_null(strstr(t, "hi"));
	clean("one text node", t, true);
	free(t);
	assert_null(stanza_child_text(st, "subject"));
	assert_null(stanza_child_text(st, "x"));
	t = stanza_child_text(st, "t");
	assert_non_null(t);
	assert_int_equal(strncmp(t, "ac", 2), 0);
	clean("text nodes joined", t, true);
	free(t);
	xmpp_stanza_release(st);

	st = parse("<iq type='get'><error type='cancel'/>"
		   "<ping xmlns='urn:xmpp:ping'/></iq>");
	assert_non_null(stanza_payload(st));
	assert_string_equal(xmpp_stanza_get_name(stanza_payload(st)), "ping");
	xmpp_stanza_release(st);
	st = parse("<iq type='result'><error type='cancel'/></iq>");
	assert_null(stanza_payload(st));
	xmpp_stanza_release(st);
	assert_null(stanza_payload(NULL));

	st = stanza_new(ctx, "query", "jabber:iq:version");
	stanza_add_text(st, "name", "a<b&c");
	b = stanza_add_child(st, "c", "x");
	assert_ptr_equal(xmpp_stanza_get_child_by_name(st, "c"), b);
	stanza_add_child(st, "d", NULL);
	assert_int_equal(xmpp_stanza_to_text(st, &xml, &len), XMPP_EOK);
	assert_string_equal(xml, "<query xmlns=\"jabber:iq:version\">"
				 "<name>a&lt;b&amp;c</name>"
				 "<c xmlns=\"x\"/><d/></query>");
	xmpp_free(ctx, xml);
	xmpp_stanza_release(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_form),
		cmocka_unit_test(test_register_forms),
		cmocka_unit_test(test_command_notes),
		cmocka_unit_test(test_disco_replies),
		cmocka_unit_test(test_version_reply),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_stanza_helpers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
