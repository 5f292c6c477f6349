/* test_vcard: who is this, below the network: vCards (vcard-temp and
 * vCard4) read into struct vcard, with every field one sanitised line
 * (the note keeping its newlines), cut to a sane length, a photo's type
 * and size; our own vCard written back with the edited fields replaced
 * and the others kept; last activity, avatar metadata and disco#info
 * identity replies; what
 * a presence says besides show and status (idle since, caps node,
 * photo hash); and lengths of time in words (util/timefmt).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "core/event.h"
#include "core/presence.h"
#include "util/timefmt.h"
#include "util/utf8.h"
#include "xmpp/vcard.h"

#include "testutil.h"

/* What a hostile peer puts in every text it can: CR, newline, C1
 * controls, bidi controls, a tab. */
#define BAD "&#13;&#10;\xc2\x85\xc2\x9b" "31m\xe2\x80\xae" "evil\xe2\x81\xa6" \
	"\xe2\x80\x8f\t"

static xmpp_ctx_t *ctx;

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

/* s is NULL or safe to draw as one line (multi: newlines allowed). */
static void one_line(const char *s, bool multi)
{
	size_t i;

	if (!s)
		return;
	assert_true(utf8_is_clean(s, strlen(s)) ||
		    (multi && strchr(s, '\n')));
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' && multi)
			continue;
		assert_false(c < 0x20 || c == 0x7f);
	}
	if (multi) {
		char *copy = strdup(s);
		size_t o = 0;

		assert_non_null(copy);
		for (i = 0; copy[i]; i++)
			if (copy[i] != '\n')
				copy[o++] = copy[i];
		copy[o] = '\0';
		assert_true(utf8_is_clean(copy, o));
		free(copy);
	}
}

static void test_temp_fields(void **state)
{
	xmpp_stanza_t *v = tu_parse(ctx,
		"<vCard xmlns='vcard-temp'><FN> Bob Example </FN>"
		"<NICKNAME>bobby</NICKNAME><EMAIL><INTERNET/>"
		"<USERID>bob@mail.example</USERID></EMAIL>"
		"<URL>https://bob.example/</URL><BDAY>1970-01-31</BDAY>"
		"<ORG><ORGNAME>Oboe Society</ORGNAME><ORGUNIT>x</ORGUNIT></ORG>"
		"<DESC>line one\nline two\n</DESC>"
		"<PHOTO><TYPE>image/png</TYPE><BINVAL>aGVsbG8gd29y\nbGQ=</BINVAL>"
		"</PHOTO></vCard>");
	struct vcard c;

	(void)state;
	assert_int_equal(vcard_parse_temp(v, &c), 0);
	assert_string_equal(c.fn, "Bob Example");
	assert_string_equal(c.nickname, "bobby");
	assert_string_equal(c.email, "bob@mail.example");
	assert_string_equal(c.url, "https://bob.example/");
	assert_string_equal(c.bday, "1970-01-31");
	assert_string_equal(c.org, "Oboe Society");
	assert_string_equal(c.note, "line one\nline two");
	assert_true(c.photo);
	assert_string_equal(c.photo_type, "image/png");
	assert_int_equal(c.photo_bytes, 11); /* "hello world" */
	assert_false(vcard_empty(&c));
	vcard_clear(&c);
	assert_true(vcard_empty(&c));
	xmpp_stanza_release(v);
}

static void test_temp_note_as_note_and_empty(void **state)
{
	xmpp_stanza_t *v = tu_parse(ctx, "<vCard xmlns='vcard-temp'><N/>"
					 "<NOTE>hi</NOTE><FN>  </FN></vCard>");
	xmpp_stanza_t *other = tu_parse(ctx, "<vCard xmlns='x'/>");
	struct vcard c;

	(void)state;
	assert_int_equal(vcard_parse_temp(v, &c), 0);
	assert_string_equal(c.note, "hi");
	assert_null(c.fn); /* blank is absent */
	vcard_clear(&c);
	assert_int_equal(vcard_parse_temp(other, &c), -1);
	assert_true(vcard_empty(&c));
	assert_int_equal(vcard_parse_temp(NULL, &c), -1);
	xmpp_stanza_release(v);
	xmpp_stanza_release(other);
}

static void test_v4_from_pubsub(void **state)
{
	xmpp_stanza_t *r = tu_parse(ctx,
		"<iq type='result' id='1'><pubsub xmlns='http://jabber.org/"
		"protocol/pubsub'><items node='urn:xmpp:vcard4'><item id='current'>"
		"<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>"
		"<fn><text>Alice</text></fn><nickname><text>al</text></nickname>"
		"<email><text>a@example.org</text></email>"
		"<url><uri>https://a.example/</uri></url>"
		"<note><text>multi\nline</text></note>"
		"<bday><date>1990-02-03</date></bday><org><text>Org</text></org>"
		"<photo><uri>data:image/jpeg;base64,aGVsbG8=</uri></photo>"
		"</vcard></item></items></pubsub></iq>");
	xmpp_stanza_t *err = tu_parse(ctx, "<iq type='error' id='2'><error "
					   "type='cancel'><item-not-found xmlns="
					   "'urn:ietf:params:xml:ns:xmpp-stanzas'/>"
					   "</error></iq>");
	struct vcard c;

	(void)state;
	assert_int_equal(vcard_parse_v4(vcard_v4_of(r), &c), 0);
	assert_string_equal(c.fn, "Alice");
	assert_string_equal(c.nickname, "al");
	assert_string_equal(c.email, "a@example.org");
	assert_string_equal(c.url, "https://a.example/");
	assert_string_equal(c.note, "multi\nline");
	assert_string_equal(c.bday, "1990-02-03");
	assert_string_equal(c.org, "Org");
	assert_true(c.photo);
	assert_string_equal(c.photo_type, "image/jpeg");
	assert_int_equal(c.photo_bytes, 5);
	vcard_clear(&c);
	assert_null(vcard_v4_of(err));
	assert_null(vcard_v4_of(NULL));
	assert_int_equal(vcard_parse_v4(vcard_v4_of(err), &c), -1);
	xmpp_stanza_release(r);
	xmpp_stanza_release(err);
}

/* Every field of a hostile vCard is one clean line, the note clean
 * lines; over-long fields are cut between characters. */
static void test_hostile_and_long(void **state)
{
	char *xml, *longname = malloc(4 * VCARD_FIELD_MAX + 1);
	xmpp_stanza_t *v;
	struct vcard c;
	size_t i;

	(void)state;
	assert_non_null(longname);
	for (i = 0; i < 2 * VCARD_FIELD_MAX; i++)
		memcpy(longname + 2 * i, "\xc3\xa9", 2); /* é */
	longname[4 * VCARD_FIELD_MAX] = '\0';
	if (asprintf(&xml, "<vCard xmlns='vcard-temp'><FN>F" BAD "</FN>"
			   "<NICKNAME>N" BAD "</NICKNAME><EMAIL><USERID>E" BAD
			   "</USERID></EMAIL><URL>U" BAD "</URL><BDAY>B" BAD
			   "</BDAY><ORG><ORGNAME>O" BAD "</ORGNAME></ORG>"
			   "<DESC>D" BAD "\n12:34 demo: x" BAD "</DESC>"
			   "<PHOTO><TYPE>T" BAD "</TYPE><EXTVAL>x</EXTVAL></PHOTO>"
			   "<TITLE>%s</TITLE></vCard>", longname) < 0)
		fail();
	v = tu_parse(ctx, xml);
	assert_int_equal(vcard_parse_temp(v, &c), 0);
	one_line(c.fn, false);
	one_line(c.nickname, false);
	one_line(c.email, false);
	one_line(c.url, false);
	one_line(c.bday, false);
	one_line(c.org, false);
	one_line(c.photo_type, false);
	one_line(c.note, true);
	assert_non_null(strstr(c.fn, "evil"));
	assert_null(strchr(c.fn, '\n'));
	assert_non_null(strchr(c.note, '\n'));
	assert_true(c.photo);
	assert_int_equal(c.photo_bytes, 0); /* a link: size unknown */
	vcard_clear(&c);
	xmpp_stanza_release(v);
	free(xml);
	/* a long name is cut at VCARD_FIELD_MAX bytes, between characters */
	if (asprintf(&xml, "<vCard xmlns='vcard-temp'><FN>%s</FN></vCard>",
		     longname) < 0)
		fail();
	v = tu_parse(ctx, xml);
	assert_int_equal(vcard_parse_temp(v, &c), 0);
	assert_true(strlen(c.fn) <= VCARD_FIELD_MAX);
	assert_true(strlen(c.fn) >= VCARD_FIELD_MAX - 1);
	assert_true(utf8_is_clean(c.fn, strlen(c.fn)));
	vcard_clear(&c);
	xmpp_stanza_release(v);
	free(xml);
	free(longname);
}

static const char *child_text(xmpp_stanza_t *v, const char *name,
			      const char *inner, char **keep)
{
	xmpp_stanza_t *el = xmpp_stanza_get_child_by_name(v, name);

	if (el && inner)
		el = xmpp_stanza_get_child_by_name(el, inner);
	*keep = el ? xmpp_stanza_get_text(el) : NULL;
	return *keep;
}

static void test_build_keeps_what_it_does_not_edit(void **state)
{
	xmpp_stanza_t *orig = tu_parse(ctx,
		"<vCard xmlns='vcard-temp'><FN>Old</FN><NICKNAME>n</NICKNAME>"
		"<TEL><NUMBER>+1 555</NUMBER></TEL><DESC>old note</DESC>"
		"<PHOTO><TYPE>image/png</TYPE><BINVAL>aGk=</BINVAL></PHOTO>"
		"</vCard>");
	xmpp_stanza_t *orig4 = tu_parse(ctx,
		"<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>"
		"<fn><text>Old</text></fn><tel><uri>tel:1</uri></tel></vcard>");
	struct vcard c = { 0 };
	xmpp_stanza_t *v;
	char *t;

	(void)state;
	c.fn = "New Name";
	c.email = "me@example.org";
	c.note = "a\nb";
	c.org = "Org";
	v = vcard_build(ctx, orig, &c, false);
	assert_string_equal(xmpp_stanza_get_ns(v), "vcard-temp");
	assert_string_equal(child_text(v, "FN", NULL, &t), "New Name");
	xmpp_free(ctx, t);
	assert_null(child_text(v, "NICKNAME", NULL, &t)); /* cleared */
	assert_string_equal(child_text(v, "EMAIL", "USERID", &t),
			    "me@example.org");
	xmpp_free(ctx, t);
	assert_string_equal(child_text(v, "DESC", NULL, &t), "a\nb");
	xmpp_free(ctx, t);
	assert_string_equal(child_text(v, "ORG", "ORGNAME", &t), "Org");
	xmpp_free(ctx, t);
	assert_string_equal(child_text(v, "TEL", "NUMBER", &t), "+1 555");
	xmpp_free(ctx, t);
	assert_string_equal(child_text(v, "PHOTO", "BINVAL", &t), "aGk=");
	xmpp_free(ctx, t);
	xmpp_stanza_release(v);

	v = vcard_build(ctx, orig4, &c, true);
	assert_string_equal(xmpp_stanza_get_ns(v),
			    "urn:ietf:params:xml:ns:vcard-4.0");
	assert_string_equal(child_text(v, "fn", "text", &t), "New Name");
	xmpp_free(ctx, t);
	assert_string_equal(child_text(v, "tel", "uri", &t), "tel:1");
	xmpp_free(ctx, t);
	assert_string_equal(child_text(v, "note", "text", &t), "a\nb");
	xmpp_free(ctx, t);
	xmpp_stanza_release(v);
	/* without an original: the fields alone */
	v = vcard_build(ctx, NULL, &c, true);
	assert_null(xmpp_stanza_get_child_by_name(v, "tel"));
	xmpp_stanza_release(v);
	xmpp_stanza_release(orig);
	xmpp_stanza_release(orig4);
}

static void test_last(void **state)
{
	xmpp_stanza_t *ok = tu_parse(ctx, "<iq type='result' id='1'><query "
					  "xmlns='jabber:iq:last' seconds='903'>"
					  "Gone" BAD "</query></iq>");
	xmpp_stanza_t *bad = tu_parse(ctx, "<iq type='result' id='1'><query "
					   "xmlns='jabber:iq:last' seconds='-3'/>"
					   "</iq>");
	xmpp_stanza_t *none = tu_parse(ctx, "<iq type='result' id='1'><query "
					    "xmlns='jabber:iq:last' seconds='0'/>"
					    "</iq>");
	char *status;

	(void)state;
	assert_int_equal(vcard_parse_last(ok, &status), 903);
	assert_non_null(status);
	assert_true(strncmp(status, "Gone", 4) == 0);
	one_line(status, false);
	free(status);
	assert_int_equal(vcard_parse_last(bad, &status), -1);
	assert_null(status);
	assert_int_equal(vcard_parse_last(none, &status), 0);
	assert_null(status);
	assert_int_equal(vcard_parse_last(NULL, &status), -1);
	xmpp_stanza_release(ok);
	xmpp_stanza_release(bad);
	xmpp_stanza_release(none);
}

static void test_avatar(void **state)
{
	xmpp_stanza_t *one = tu_parse(ctx,
		"<iq type='result' id='1'><pubsub xmlns='http://jabber.org/"
		"protocol/pubsub'><items node='urn:xmpp:avatar:metadata'>"
		"<item id='h'><metadata xmlns='urn:xmpp:avatar:metadata'>"
		"<info bytes='12345' id='h' type='image/png" BAD "' width='64' "
		"height='32'/></metadata></item></items></pubsub></iq>");
	xmpp_stanza_t *off = tu_parse(ctx,
		"<iq type='result' id='1'><pubsub xmlns='http://jabber.org/"
		"protocol/pubsub'><items node='urn:xmpp:avatar:metadata'>"
		"<item id='h'><metadata xmlns='urn:xmpp:avatar:metadata'/>"
		"</item></items></pubsub></iq>");
	size_t bytes;
	char *type;
	unsigned w, h;

	(void)state;
	assert_int_equal(vcard_parse_avatar(one, &bytes, &type, &w, &h), 1);
	assert_int_equal(bytes, 12345);
	assert_int_equal(w, 64);
	assert_int_equal(h, 32);
	assert_non_null(type);
	one_line(type, false);
	free(type);
	assert_int_equal(vcard_parse_avatar(off, &bytes, &type, &w, &h), 0);
	assert_null(type);
	assert_int_equal(vcard_parse_avatar(NULL, &bytes, &type, &w, &h), -1);
	xmpp_stanza_release(one);
	xmpp_stanza_release(off);
}

static void test_identity(void **state)
{
	xmpp_stanza_t *r = tu_parse(ctx,
		"<iq type='result' id='1'><query xmlns='http://jabber.org/"
		"protocol/disco#info'><identity category='account' type='x'/>"
		"<identity category='client' type='pc' name='Gajim" BAD "'/>"
		"<feature var='urn:xmpp:ping'/></query></iq>");
	xmpp_stanza_t *none = tu_parse(ctx,
		"<iq type='result' id='1'><query xmlns='http://jabber.org/"
		"protocol/disco#info'/></iq>");
	char *name, *cat, *type;

	(void)state;
	assert_int_equal(vcard_parse_identity(r, &name, &cat, &type), 0);
	assert_string_equal(cat, "client");
	assert_string_equal(type, "pc");
	assert_non_null(name);
	assert_true(strncmp(name, "Gajim", 5) == 0);
	one_line(name, false);
	free(name);
	free(cat);
	free(type);
	assert_int_equal(vcard_parse_identity(none, &name, &cat, &type), -1);
	assert_null(name);
	assert_null(cat);
	assert_int_equal(vcard_parse_identity(NULL, &name, &cat, &type), -1);
	xmpp_stanza_release(r);
	xmpp_stanza_release(none);
}

static void test_presence_extra(void **state)
{
	xmpp_stanza_t *p = tu_parse(ctx,
		"<presence from='b@x/r'><idle xmlns='urn:xmpp:idle:1' "
		"since='2020-01-02T03:04:05Z'/><c xmlns='http://jabber.org/"
		"protocol/caps' node='https://c.example' ver='v' hash='sha-1'/>"
		"<x xmlns='vcard-temp:x:update'><photo>abc</photo></x></presence>");
	xmpp_stanza_t *q = tu_parse(ctx,
		"<presence><x xmlns='vcard-temp:x:update'><photo/></x>"
		"<idle xmlns='urn:xmpp:idle:1' since='nonsense'/></presence>");
	xmpp_stanza_t *r = tu_parse(ctx, "<presence/>");
	struct presence_extra x;
	char *hash;

	(void)state;
	hash = vcard_presence_extra(p, &x);
	assert_int_equal(x.idle_since_ms, 1577934245000LL);
	assert_string_equal(x.caps_node, "https://c.example");
	assert_string_equal(x.avatar_hash, "abc");
	free(hash);
	hash = vcard_presence_extra(q, &x);
	assert_int_equal(x.idle_since_ms, 0);
	assert_null(x.caps_node);
	assert_string_equal(x.avatar_hash, ""); /* says: no photo */
	free(hash);
	hash = vcard_presence_extra(r, &x);
	assert_null(hash);
	assert_null(x.avatar_hash);
	xmpp_stanza_release(p);
	xmpp_stanza_release(q);
	xmpp_stanza_release(r);
}

static void test_duration_words(void **state)
{
	static const struct {
		long long secs;
		const char *words;
	} cases[] = {
		{ -5, "0 seconds" },
		{ 0, "0 seconds" },
		{ 1, "1 second" },
		{ 59, "59 seconds" },
		{ 60, "1 minute" },
		{ 61, "1 minute" },
		{ 300, "5 minutes" },
		{ 3599, "59 minutes" },
		{ 3600, "1 hour" },
		{ 3660, "1 hour 1 minute" },
		{ 7322, "2 hours 2 minutes" },
		{ 86400, "1 day" },
		{ 90000, "1 day 1 hour" },
		{ 200000, "2 days 7 hours" },
		{ 400LL * 86400, "400 days" },
	};
	char buf[64], small[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_string_equal(timefmt_duration(cases[i].secs, buf,
						     sizeof buf),
				    cases[i].words);
	/* a short buffer is cut, still terminated */
	assert_string_equal(timefmt_duration(7322, small, sizeof small),
			    "2 hours");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_temp_fields),
		cmocka_unit_test(test_temp_note_as_note_and_empty),
		cmocka_unit_test(test_v4_from_pubsub),
		cmocka_unit_test(test_hostile_and_long),
		cmocka_unit_test(test_build_keeps_what_it_does_not_edit),
		cmocka_unit_test(test_last),
		cmocka_unit_test(test_avatar),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_presence_extra),
		cmocka_unit_test(test_duration_words),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
