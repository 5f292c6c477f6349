/* test_dialog: the dialog and browser models gateways are driven
 * through: focus skipping hidden and fixed fields, Space and Enter on
 * booleans and lists, required checks, the field a server's complaint
 * names, roster suggestions as checkboxes; XEP-0077 forms read from
 * stanzas (legacy fields, <registered/>, OOB) and answered; error
 * replies with legacy numeric codes; the disco browser's cursor and its
 * transports filter. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/dialog.h"
#include "core/disco.h"
#include "xmpp/dataform.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "testutil.h"

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

static xmpp_stanza_t *parse(const char *xml)
{
	return tu_parse(ctx, xml);
}

/* A dialog holding the data form xml. */
static struct dialog *form_dialog(const char *xml)
{
	struct dialog *d = dialog_new(NULL, NULL, "gw.example");
	xmpp_stanza_t *x = parse(xml);
	struct form f;

	assert_int_equal(dataform_parse(x, &f), 0);
	xmpp_stanza_release(x);
	dialog_set_form(d, &f);
	return d;
}

static const char sample[] =
	"<x xmlns='jabber:x:data' type='form'>"
	"<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>"
	"<field type='fixed'><value>Account</value></field>"
	"<field type='text-single' var='email' label='E-mail'><required/></field>"
	"<field type='boolean' var='remember' label='Remember me'><value>0</value></field>"
	"<field type='list-single' var='server' label='Server'>"
	" <option label='Europe'><value>eu</value></option>"
	" <option label='America'><value>us</value></option><value>eu</value></field>"
	"<field type='list-multi' var='features'>"
	" <option label='Chat'><value>chat</value></option>"
	" <option label='Files'><value>files</value></option>"
	" <option label='Games'><value>games</value></option><value>chat</value></field>"
	"<field type='jid-single' var='buddy' label='Buddy JID'/>"
	"</x>";

static void test_focus_skips_hidden_and_fixed(void **state)
{
	struct dialog *d = form_dialog(sample);

	(void)state;
	assert_string_equal(dialog_field(d)->var, "email");
	dialog_focus_prev(d); /* wraps to the last editable field */
	assert_string_equal(dialog_field(d)->var, "buddy");
	dialog_focus_next(d);
	assert_string_equal(dialog_field(d)->var, "email");
	dialog_focus_next(d);
	assert_string_equal(dialog_field(d)->var, "remember");
	dialog_focus(d, 0); /* hidden: refused */
	assert_string_equal(dialog_field(d)->var, "remember");
	dialog_free(&d);
	assert_null(d);
}

static void test_space_and_enter(void **state)
{
	struct dialog *d = form_dialog(sample);
	struct form_field *fl;

	(void)state;
	dialog_focus(d, 3);
	fl = dialog_field(d);
	assert_false(dialog_bool(fl));
	dialog_space(d);
	assert_true(dialog_bool(fl));
	assert_false(dialog_enter(d)); /* Enter does nothing on a boolean */

	dialog_focus(d, 4); /* list-single: Enter opens at the current value */
	fl = dialog_field(d);
	assert_true(dialog_enter(d));
	assert_true(d->choosing);
	assert_int_equal(d->choice, 0);
	dialog_choice_move(d, 5); /* clamped */
	assert_int_equal(d->choice, 1);
	assert_true(dialog_enter(d));
	assert_false(d->choosing);
	assert_string_equal(form_field_value(fl), "us");

	dialog_focus(d, 5); /* list-multi: Space toggles, order of options */
	fl = dialog_field(d);
	dialog_space(d);
	assert_true(d->choosing);
	dialog_choice_move(d, 2);
	dialog_space(d);
	dialog_choice_move(d, -2);
	dialog_space(d); /* chat off */
	assert_int_equal(fl->nvalues, 1);
	assert_string_equal(fl->values[0], "games");
	dialog_choice_move(d, 1);
	dialog_space(d);
	assert_int_equal(fl->nvalues, 2);
	assert_string_equal(fl->values[0], "files");
	assert_string_equal(fl->values[1], "games");
	dialog_focus_next(d); /* moving on closes the choices */
	assert_false(d->choosing);
	dialog_free(&d);
}

static void test_check_focuses_the_bad_field(void **state)
{
	struct dialog *d = form_dialog(sample);

	(void)state;
	dialog_focus(d, 6);
	assert_int_equal(dialog_check(d), -1);
	assert_string_equal(dialog_field(d)->var, "email");
	assert_string_equal(d->error, "E-mail: this field is required");
	form_field_set(dialog_field(d), "me@example.org");
	form_field_set(&d->form.fields[6], "not a jid@@");
	assert_int_equal(dialog_check(d), -1);
	assert_string_equal(dialog_field(d)->var, "buddy");
	form_field_set(&d->form.fields[6], "bob@example.org");
	assert_int_equal(dialog_check(d), 0);
	dialog_free(&d);
}

static void test_focus_mentioned(void **state)
{
	struct dialog *d = form_dialog(sample);

	(void)state;
	assert_false(dialog_focus_mentioned(d, NULL));
	assert_false(dialog_focus_mentioned(d, "Something is wrong"));
	assert_true(dialog_focus_mentioned(d, "That server is full"));
	assert_string_equal(dialog_field(d)->var, "server");
	/* hidden fields are never focused, even when named */
	assert_true(dialog_focus_mentioned(d, "bad e-mail address"));
	assert_string_equal(dialog_field(d)->var, "email");
	dialog_free(&d);
}

static void test_rosterx_items(void **state)
{
	struct dialog *d = dialog_new(NULL, NULL, "msn.example");

	(void)state;
	dialog_add_rx(d, RX_ADD, "carol@msn.example", "Carol", "MSN");
	dialog_add_rx(d, RX_DELETE, "dave@msn.example", NULL, NULL);
	assert_int_equal(d->nitems, 2);
	assert_int_equal(d->form.nfields, 2);
	assert_string_equal(d->form.fields[0].label,
			    "Add carol@msn.example (Carol) in MSN");
	assert_string_equal(d->form.fields[1].label, "Remove dave@msn.example");
	assert_true(dialog_bool(&d->form.fields[0]));
	assert_string_equal(dialog_field(d)->var, "carol@msn.example");
	dialog_focus_next(d);
	dialog_space(d);
	assert_false(dialog_bool(&d->form.fields[1]));
	dialog_free(&d);
}

static void test_register_legacy(void **state)
{
	struct dialog *d = dialog_new(NULL, NULL, "icq.example");
	xmpp_stanza_t *q = parse(
		"<query xmlns='jabber:iq:register'>"
		"<instructions>Enter your UIN\xc2\x9b and password</instructions>"
		"<username/><password/><key>abc</key><unknown/></query>");
	xmpp_stanza_t *iq, *ans;
	char *xml;
	size_t len;

	(void)state;
	register_parse(q, d);
	xmpp_stanza_release(q);
	assert_true(d->legacy);
	assert_false(d->edit);
	assert_int_equal(d->form.nfields, 3);
	assert_string_equal(d->form.instructions[0], "Enter your UIN and password");
	assert_int_equal(d->form.fields[0].type, FIELD_TEXT_SINGLE);
	assert_true(d->form.fields[0].required);
	assert_int_equal(d->form.fields[1].type, FIELD_TEXT_PRIVATE);
	assert_int_equal(d->form.fields[2].type, FIELD_HIDDEN);
	assert_string_equal(dialog_field(d)->var, "username");
	form_field_set(&d->form.fields[0], "12345");
	form_field_set(&d->form.fields[1], "s3cret");
	iq = xmpp_iq_new(ctx, "set", "id1");
	ans = register_answer(iq, d);
	assert_non_null(ans);
	xmpp_stanza_to_text(ans, &xml, &len);
	assert_string_equal(xml,
			    "<query xmlns=\"jabber:iq:register\"><username>12345</username>"
			    "<password>s3cret</password><key>abc</key></query>");
	xmpp_free(ctx, xml);
	xmpp_stanza_release(iq);
	dialog_free(&d);
}

static void test_register_registered_and_oob(void **state)
{
	struct dialog *d = dialog_new(NULL, NULL, "icq.example");
	xmpp_stanza_t *q = parse(
		"<query xmlns='jabber:iq:register'><registered/>"
		"<username>12345</username><password>old</password>"
		"<x xmlns='jabber:x:oob'><url>https://example.org/\xc2\x9b" "2Jsignup</url></x>"
		"</query>");
	xmpp_stanza_t *iq, *ans;
	char *xml;
	size_t len;

	(void)state;
	register_parse(q, d);
	xmpp_stanza_release(q);
	assert_true(d->edit);
	assert_string_equal(form_field_value(&d->form.fields[0]), "12345");
	assert_false(d->form.fields[0].required); /* editing: keep what is */
	assert_non_null(d->url);
	assert_string_equal(d->url, "https://example.org/2Jsignup");
	/* an emptied field is left out of an edit, not sent empty */
	form_field_set(&d->form.fields[1], NULL);
	iq = xmpp_iq_new(ctx, "set", "id2");
	ans = register_answer(iq, d);
	xmpp_stanza_to_text(ans, &xml, &len);
	assert_string_equal(xml, "<query xmlns=\"jabber:iq:register\">"
				 "<username>12345</username></query>");
	xmpp_free(ctx, xml);
	xmpp_stanza_release(iq);
	dialog_free(&d);
}

static void test_register_data_form_wins(void **state)
{
	struct dialog *d = dialog_new(NULL, NULL, "msn.example");
	xmpp_stanza_t *q = parse(
		"<query xmlns='jabber:iq:register'>"
		"<instructions>legacy words</instructions><username/>"
		"<x xmlns='jabber:x:data' type='form'><title>MSN</title>"
		"<field type='text-single' var='email'/>"
		"<field type='hidden' var='session'><value>t0k</value></field>"
		"</x></query>");
	xmpp_stanza_t *iq, *ans;
	char *xml;
	size_t len;

	(void)state;
	register_parse(q, d);
	xmpp_stanza_release(q);
	assert_false(d->legacy);
	assert_string_equal(d->form.title, "MSN");
	assert_int_equal(d->form.nfields, 2);
	form_field_set(&d->form.fields[0], "a@b.c");
	iq = xmpp_iq_new(ctx, "set", "id3");
	ans = register_answer(iq, d);
	xmpp_stanza_to_text(ans, &xml, &len);
	assert_non_null(strstr(xml, "<x xmlns=\"jabber:x:data\" type=\"submit\">"));
	assert_non_null(strstr(xml, "<field var=\"session\"><value>t0k</value></field>"));
	assert_non_null(strstr(xml, "<field var=\"email\"><value>a@b.c</value></field>"));
	xmpp_free(ctx, xml);
	xmpp_stanza_release(iq);
	dialog_free(&d);
}

static void test_error_parse(void **state)
{
	struct req_error e;
	xmpp_stanza_t *st;

	(void)state;
	st = parse("<iq type='error'><error type='modify'>"
		   "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
		   "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>The UIN\xc2\x9b" "31m must be a number</text>"
		   "</error></iq>");
	req_error_parse(st, &e);
	assert_string_equal(e.cond, "not-acceptable");
	assert_string_equal(e.type, "modify");
	assert_string_equal(e.text, "The UIN31m must be a number");
	assert_false(req_ok(st));
	req_error_clear(&e);
	xmpp_stanza_release(st);

	/* XEP-0086: an old gateway's numeric code and its own words */
	st = parse("<iq type='error'><error code='409'>Username taken</error></iq>");
	req_error_parse(st, &e);
	assert_string_equal(e.cond, "conflict");
	assert_int_equal(e.code, 409);
	assert_string_equal(e.text, "Username taken");
	req_error_clear(&e);
	xmpp_stanza_release(st);

	st = parse("<iq type='error'><error code='407'/></iq>");
	req_error_parse(st, &e);
	assert_string_equal(e.cond, "registration-required");
	assert_null(e.text);
	req_error_clear(&e);
	xmpp_stanza_release(st);

	req_error_parse(NULL, &e); /* no answer at all */
	assert_string_equal(e.cond, "remote-server-timeout");
	req_error_clear(&e);
}

static void test_disco_browser(void **state)
{
	struct disco *d = disco_new(NULL, "example.org", NULL);
	struct disco_item *it;
	unsigned gen = d->gen;

	(void)state;
	disco_add_item(d, "conference.example.org", NULL, "Rooms");
	it = disco_add_item(d, "icq.example.org", NULL, NULL);
	disco_item_add_identity(it, "gateway", "icq", "ICQ Transport");
	it = disco_add_item(d, "irc.example.org", NULL, NULL);
	disco_item_add_identity(it, "conference", "irc", "IRC");
	assert_string_equal(d->items[1].name, "ICQ Transport");
	assert_true(disco_is_gateway(&d->items[1]));
	assert_true(disco_is_gateway(&d->items[2]));
	assert_false(disco_is_gateway(&d->items[0]));
	assert_string_equal(disco_kind_of(&d->items[2]), "irc");
	disco_item_done(d, &d->items[0], "remote-server-timeout");
	disco_item_done(d, &d->items[0], NULL); /* counted once */
	assert_int_equal(d->answered, 1);
	assert_int_equal(d->items[0].state, DISCO_FAILED);
	disco_move(d, 1);
	assert_int_equal(d->cursor, 1);
	disco_move(d, 10);
	assert_int_equal(d->cursor, 2);
	/* the transports filter hides the conference service */
	d->gateways = true;
	d->cursor = 0;
	disco_move(d, 0);
	assert_int_equal(d->cursor, 1);
	disco_move(d, -1);
	assert_int_equal(d->cursor, 1);
	assert_ptr_equal(disco_find(d, "irc.example.org", NULL), &d->items[2]);
	assert_null(disco_find(d, "irc.example.org", "node"));
	/* browsing in and out starts new listings */
	disco_enter(d, "icq.example.org", "sub");
	assert_int_equal(d->nitems, 0);
	assert_true(d->gen > gen);
	assert_string_equal(disco_here(d)->node, "sub");
	assert_true(disco_back(d));
	assert_false(disco_back(d));
	assert_string_equal(disco_here(d)->jid, "example.org");
	disco_free(&d);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_focus_skips_hidden_and_fixed),
		cmocka_unit_test(test_space_and_enter),
		cmocka_unit_test(test_check_focuses_the_bad_field),
		cmocka_unit_test(test_focus_mentioned),
		cmocka_unit_test(test_rosterx_items),
		cmocka_unit_test(test_register_legacy),
		cmocka_unit_test(test_register_registered_and_oob),
		cmocka_unit_test(test_register_data_form_wins),
		cmocka_unit_test(test_error_parse),
		cmocka_unit_test(test_disco_browser),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
