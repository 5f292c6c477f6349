/* test_form: XEP-0004 data forms: parsing every field type (unknown
 * types as text-single, remote text sanitised), the submit form (hidden
 * fields echoed, fixed left out, every value kept), and validation of
 * what the user filled in, type by type; CAPTCHA challenges (XEP-0158):
 * media URIs on fields (XEP-0221) and inline bits of binary (XEP-0231)
 * saved to private files and deleted with their form; a submitted
 * text-private field is redacted from the debug log. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/dialog.h"
#include "core/form.h"
#include "util/log.h"
#include "xmpp/dataform.h"

static const char every_type[] =
	"<x xmlns='jabber:x:data' type='form'>"
	"<title>MSN \xe2\x80\xae registration</title>"
	"<instructions>Fill in\xc2\x9b the form</instructions>"
	"<instructions>Second line</instructions>"
	"<field type='fixed'><value>Your account</value></field>"
	"<field type='hidden' var='FORM_TYPE'><value>jabber:iq:register</value></field>"
	"<field type='text-single' var='username' label='Passport'><required/></field>"
	"<field type='text-private' var='password' label='Password'><required/></field>"
	"<field type='text-multi' var='about'><value>line one</value><value>line two</value></field>"
	"<field type='boolean' var='friendly'><value>1</value><desc>Be nice</desc></field>"
	"<field type='list-single' var='status' label='Status'>"
	" <option label='Online'><value>online</value></option>"
	" <option label='Busy'><value>busy</value></option>"
	" <value>online</value></field>"
	"<field type='list-multi' var='features'>"
	" <option><value>a</value></option><option><value>b</value></option>"
	" <value>a</value><value>b</value></field>"
	"<field type='jid-single' var='owner'/>"
	"<field type='jid-multi' var='friends'><value>a@b.c</value><value>d@e.f</value></field>"
	"<field type='x-future' var='odd'><value>kept</value></field>"
	"</x>";

struct fx {
	xmpp_ctx_t *ctx;
	struct form f;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	xmpp_stanza_t *x;

	xmpp_initialize();
	fx->ctx = xmpp_ctx_new(NULL, NULL);
	x = xmpp_stanza_new_from_string(fx->ctx, every_type);
	if (!x || dataform_parse(x, &fx->f) < 0)
		return -1;
	xmpp_stanza_release(x);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	form_clear(&fx->f);
	xmpp_ctx_free(fx->ctx);
	xmpp_shutdown();
	free(fx);
	return 0;
}

static void test_parse_every_type(void **state)
{
	struct form *f = &((struct fx *)*state)->f;
	struct form_field *fl;

	assert_string_equal(f->type, "form");
	/* bidi override and ESC removed from remote text */
	assert_string_equal(f->title, "MSN  registration");
	assert_int_equal(f->ninstructions, 2);
	assert_null(strstr(f->instructions[0], "\xc2\x9b"));
	assert_string_equal(f->instructions[0], "Fill in the form");
	assert_int_equal(f->nfields, 11);
	assert_int_equal(f->fields[0].type, FIELD_FIXED);
	assert_null(f->fields[0].var);
	assert_int_equal(form_field(f, "FORM_TYPE")->type, FIELD_HIDDEN);
	fl = form_field(f, "username");
	assert_int_equal(fl->type, FIELD_TEXT_SINGLE);
	assert_true(fl->required);
	assert_string_equal(fl->label, "Passport");
	assert_int_equal(form_field(f, "password")->type, FIELD_TEXT_PRIVATE);
	fl = form_field(f, "about");
	assert_int_equal(fl->type, FIELD_TEXT_MULTI);
	assert_int_equal(fl->nvalues, 2);
	fl = form_field(f, "friendly");
	assert_int_equal(fl->type, FIELD_BOOLEAN);
	assert_string_equal(fl->desc, "Be nice");
	fl = form_field(f, "status");
	assert_int_equal(fl->type, FIELD_LIST_SINGLE);
	assert_int_equal(fl->noptions, 2);
	assert_string_equal(fl->options[1].label, "Busy");
	assert_string_equal(form_field_value(fl), "online");
	assert_int_equal(form_field(f, "features")->nvalues, 2);
	assert_int_equal(form_field(f, "owner")->type, FIELD_JID_SINGLE);
	assert_int_equal(form_field(f, "friends")->type, FIELD_JID_MULTI);
	/* an unknown type is treated as text-single */
	assert_int_equal(form_field(f, "odd")->type, FIELD_TEXT_SINGLE);
}

static void test_not_a_form(void **state)
{
	struct fx *fx = *state;
	xmpp_stanza_t *x = xmpp_stanza_new_from_string(
		fx->ctx, "<query xmlns='jabber:iq:register'/>");
	struct form f;

	assert_int_equal(dataform_parse(x, &f), -1);
	xmpp_stanza_release(x);
}

static void test_submit(void **state)
{
	struct fx *fx = *state;
	struct form *f = &fx->f;
	xmpp_stanza_t *x, *c;
	char *text;
	size_t len;
	int fields = 0;

	form_field_set(form_field(f, "username"), "alice");
	form_field_set(form_field(f, "password"), "s3cret");
	x = dataform_submit(fx->ctx, f);
	assert_string_equal(xmpp_stanza_get_type(x), "submit");
	for (c = xmpp_stanza_get_children(x); c; c = xmpp_stanza_get_next(c))
		fields++;
	assert_int_equal(fields, 10); /* every field but the fixed one */
	assert_int_equal(xmpp_stanza_to_text(x, &text, &len), 0);
	/* the hidden field is echoed, the fixed text is not */
	assert_non_null(strstr(text, "jabber:iq:register"));
	assert_null(strstr(text, "Your account"));
	assert_non_null(strstr(text, "<value>alice</value>"));
	assert_non_null(strstr(text, "<value>line one</value><value>line two</value>"));
	assert_non_null(strstr(text, "<value>a@b.c</value><value>d@e.f</value>"));
	xmpp_free(fx->ctx, text);
	xmpp_stanza_release(x);
}

/* A text-private field whatever its name: once submitted, the debug
 * log's redactor hides its value, though the answer carries only the
 * var (the old redactor logged it in clear). */
static void test_submit_private_redacted(void **state)
{
	struct fx *fx = *state;
	struct form f = { 0 };
	xmpp_stanza_t *x;
	char *text, *clean;
	size_t len;

	(void)fx;
	form_field_set(form_add_field(&f, FIELD_TEXT_PRIVATE, "code"),
		       "7781-secret");
	form_field_set(form_add_field(&f, FIELD_TEXT_SINGLE, "user"), "bill");
	x = dataform_submit(fx->ctx, &f);
	assert_int_equal(xmpp_stanza_to_text(x, &text, &len), 0);
	assert_non_null(strstr(text, "7781-secret")); /* sent as it is */
	clean = log_redact(text);
	assert_null(strstr(clean, "7781-secret"));
	assert_non_null(strstr(clean, "[redacted]"));
	assert_non_null(strstr(clean, "bill"));
	free(clean);
	xmpp_free(fx->ctx, text);
	xmpp_stanza_release(x);
	form_clear(&f);
	log_secret_vars_clear();
}

/* The form as parsed is missing its required values. */
static void test_validate_required(void **state)
{
	struct form *f = &((struct fx *)*state)->f;
	const char *why;
	size_t bad;

	assert_int_equal(form_validate(f, &bad, &why), -1);
	assert_string_equal(f->fields[bad].var, "username");
	assert_string_equal(why, "this field is required");
	form_field_set(form_field(f, "username"), "alice");
	assert_int_equal(form_validate(f, &bad, &why), -1);
	assert_string_equal(f->fields[bad].var, "password");
	form_field_set(form_field(f, "password"), "pw");
	assert_int_equal(form_validate(f, &bad, &why), 0);
}

static void expect_bad(struct form *f, const char *var)
{
	const char *why;
	size_t bad;

	assert_int_equal(form_validate(f, &bad, &why), -1);
	assert_string_equal(f->fields[bad].var, var);
	assert_non_null(why);
}

static void test_validate_each_type(void **state)
{
	struct form *f = &((struct fx *)*state)->f;
	const char *why;
	size_t bad;

	form_field_set(form_field(f, "username"), "alice");
	form_field_set(form_field(f, "password"), "pw");
	assert_int_equal(form_validate(f, &bad, &why), 0);

	form_field_set(form_field(f, "username"), "two\nlines");
	expect_bad(f, "username");
	form_field_set(form_field(f, "username"), "alice");

	form_field_set(form_field(f, "friendly"), "maybe");
	expect_bad(f, "friendly");
	form_field_set(form_field(f, "friendly"), "false");

	form_field_set(form_field(f, "status"), "sleeping");
	expect_bad(f, "status");
	form_field_set(form_field(f, "status"), "busy");

	form_field_add_value(form_field(f, "features"), "z");
	expect_bad(f, "features");
	form_field_set(form_field(f, "features"), "b");

	form_field_set(form_field(f, "owner"), "not a jid@");
	expect_bad(f, "owner");
	form_field_set(form_field(f, "owner"), "boss@example.org");

	form_field_set_lines(form_field(f, "friends"), "ok@x.y\n\nbad@@z\n");
	expect_bad(f, "friends");
	form_field_set_lines(form_field(f, "friends"), "ok@x.y\n\nfine@z.w\n");
	assert_int_equal(form_field(f, "friends")->nvalues, 2); /* blanks dropped */

	/* text-multi keeps its empty lines */
	form_field_set_lines(form_field(f, "about"), "a\n\nb");
	assert_int_equal(form_field(f, "about")->nvalues, 3);
	assert_int_equal(form_validate(f, &bad, &why), 0);
}

static void test_type_names(void **state)
{
	int t;

	(void)state;
	for (t = FIELD_TEXT_SINGLE; t <= FIELD_HIDDEN; t++)
		assert_int_equal(form_type_parse(form_type_name((enum field_type)t)),
				 t);
	assert_int_equal(form_type_parse(NULL), FIELD_TEXT_SINGLE);
}

/* XEP-0158's registration challenge: an image sent inline and on the
 * web, plus a link we must not show. "PNG1" in base64, wrapped. */
#define CAPTCHA_CID "sha1+5ea6e6bd8b4a1b51e2b1ba5fce4e4e1c1a2c5d3e@bob.xmpp.org"
static const char captcha_iq[] =
	"<iq type='result' from='example.org' id='r1'>"
	"<query xmlns='jabber:iq:register'>"
	"<x xmlns='jabber:x:data' type='form'>"
	"<field type='hidden' var='FORM_TYPE'><value>urn:xmpp:captcha</value></field>"
	"<field type='hidden' var='from'><value>example.org</value></field>"
	"<field type='hidden' var='challenge'><value>F3A6292C</value></field>"
	"<field type='hidden' var='sid'><value>s1</value></field>"
	"<field var='username' type='text-single' label='User'><required/></field>"
	"<field var='ocr' label='Enter the text you see\xc2\x9b[2J'>"
	"<media xmlns='urn:xmpp:media-element' height='80' width='290'>"
	"<uri type='image/png'>cid:" CAPTCHA_CID "</uri>"
	"<uri type='image/png'>https://example.org/c/F3A6292C.png</uri>"
	"<uri>javascript:alert(1)</uri>"
	"<uri type='image/png'>http://example.org/evil\xe2\x80\xae.png</uri>"
	"</media><required/></field>"
	"<field var='audio' label='Or listen'>"
	"<media xmlns='urn:xmpp:media-element'>"
	"<uri type='audio/x-wav'>cid:missing@bob.xmpp.org</uri></media></field>"
	"<field var='nomedia'><media xmlns='urn:other'><uri>http://x/</uri></media></field>"
	"</x></query>"
	"<data xmlns='urn:xmpp:bob' cid='" CAPTCHA_CID "' type='image/png' max-age='0'>"
	"UE5H\n MQ==</data>"
	"</iq>";

static xmpp_stanza_t *captcha(struct fx *fx, struct form *f)
{
	xmpp_stanza_t *iq = xmpp_stanza_new_from_string(fx->ctx, captcha_iq);
	xmpp_stanza_t *q, *x;

	assert_non_null(iq);
	q = xmpp_stanza_get_child_by_name(iq, "query");
	x = xmpp_stanza_get_child_by_name(q, "x");
	assert_int_equal(dataform_parse(x, f), 0);
	return iq;
}

static void test_media_parse(void **state)
{
	struct fx *fx = *state;
	struct form f;
	struct form_field *fl;
	xmpp_stanza_t *iq = captcha(fx, &f), *x;
	char *text;
	size_t len;

	fl = form_field(&f, "ocr");
	assert_non_null(fl);
	assert_string_equal(fl->label, "Enter the text you see[2J");
	/* javascript: dropped; the bidi override cleaned */
	assert_int_equal(fl->nmedia, 3);
	assert_string_equal(fl->media[0].uri, "cid:" CAPTCHA_CID);
	assert_string_equal(fl->media[0].type, "image/png");
	assert_null(fl->media[0].path);
	assert_string_equal(fl->media[1].uri,
			    "https://example.org/c/F3A6292C.png");
	assert_string_equal(fl->media[2].uri, "http://example.org/evil.png");
	assert_true(fl->required);
	fl = form_field(&f, "audio");
	assert_int_equal(fl->nmedia, 1);
	assert_string_equal(fl->media[0].type, "audio/x-wav");
	/* another namespace's <media/> is not ours */
	assert_int_equal(form_field(&f, "nomedia")->nmedia, 0);
	assert_int_equal(form_field(&f, "username")->nmedia, 0);

	/* the answer echoes the challenge's hidden fields */
	form_field_set(form_field(&f, "ocr"), "7nHL3");
	x = dataform_submit(fx->ctx, &f);
	xmpp_stanza_to_text(x, &text, &len);
	assert_non_null(strstr(text, "<field var=\"challenge\"><value>F3A6292C</value>"));
	assert_non_null(strstr(text, "<field var=\"sid\"><value>s1</value>"));
	assert_non_null(strstr(text, "<field var=\"from\"><value>example.org</value>"));
	assert_non_null(strstr(text, "<field var=\"ocr\"><value>7nHL3</value>"));
	assert_null(strstr(text, "media-element"));
	xmpp_free(fx->ctx, text);
	xmpp_stanza_release(x);
	xmpp_stanza_release(iq);
	form_clear(&f);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = calloc(1, 64);

	assert_non_null(fp);
	*len = fread(buf, 1, 63, fp);
	fclose(fp);
	return buf;
}

static void test_media_save(void **state)
{
	struct fx *fx = *state;
	char dir[] = "/tmp/natter-test-form-XXXXXX";
	struct form f;
	struct form_field *fl;
	xmpp_stanza_t *iq = captcha(fx, &f);
	struct stat st;
	char *sub, *data, *target, *trap;
	size_t len;

	assert_non_null(mkdtemp(dir));
	/* the state directory need not exist yet */
	sub = malloc(strlen(dir) + 8);
	sprintf(sub, "%s/state", dir);
	assert_int_equal(dataform_media_save(iq, &f, sub), 1);
	fl = form_field(&f, "ocr");
	assert_non_null(fl->media[0].path);
	assert_int_equal(strncmp(fl->media[0].path, sub, strlen(sub)), 0);
	assert_non_null(strstr(fl->media[0].path, "/captcha-"));
	assert_non_null(strstr(fl->media[0].path, ".png"));
	/* nothing but letters and digits of the remote cid in the name */
	assert_null(strchr(fl->media[0].path + strlen(sub) + 1, '@'));
	assert_null(strchr(fl->media[0].path + strlen(sub) + 1, '+'));
	assert_int_equal(stat(fl->media[0].path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	data = slurp(fl->media[0].path, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "PNG1", 4);
	free(data);
	/* web URIs and data that was not sent stay as they are */
	assert_null(fl->media[1].path);
	assert_null(form_field(&f, "audio")->media[0].path);

	/* a link planted where the file goes is replaced, not followed */
	target = strdup(fl->media[0].path);
	trap = malloc(strlen(dir) + 8);
	sprintf(trap, "%s/trap", dir);
	assert_int_equal(unlink(target), 0);
	assert_int_equal(symlink(trap, target), 0);
	assert_int_equal(dataform_media_save(iq, &f, sub), 1);
	assert_int_equal(lstat(target, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(access(trap, F_OK), -1);

	unlink(target);
	rmdir(sub);
	rmdir(dir);
	free(target);
	free(trap);
	free(sub);
	xmpp_stanza_release(iq);
	form_clear(&f);
}

static void test_media_bad_data(void **state)
{
	struct fx *fx = *state;
	char dir[] = "/tmp/natter-test-form-XXXXXX";
	struct form f = { 0 };
	struct form_field *fl;
	xmpp_stanza_t *iq = xmpp_stanza_new_from_string(
		fx->ctx,
		"<message><data xmlns='urn:xmpp:bob' cid='a@bob.xmpp.org'>"
		"!!!not base64!!!</data>"
		"<data xmlns='urn:xmpp:bob' cid='b@bob.xmpp.org'></data></message>");

	assert_non_null(mkdtemp(dir));
	fl = form_add_field(&f, FIELD_TEXT_SINGLE, "ocr");
	form_field_add_media(fl, NULL, "cid:a@bob.xmpp.org");
	form_field_add_media(fl, NULL, "cid:b@bob.xmpp.org");
	form_field_add_media(fl, "image/png", "cid:c@bob.xmpp.org");
	assert_int_equal(dataform_media_save(iq, &f, dir), 0);
	assert_null(fl->media[0].path);
	assert_null(fl->media[1].path);
	assert_null(fl->media[2].path);
	assert_int_equal(rmdir(dir), 0); /* nothing was written */
	xmpp_stanza_release(iq);
	form_clear(&f);
}

/* A saved challenge lives as long as its form: replacing the dialog's
 * form with one that saved the same file keeps it, with another form
 * removes it, and closing the dialog removes what is left. */
static void test_media_removed_with_dialog(void **state)
{
	struct fx *fx = *state;
	char dir[] = "/tmp/natter-test-form-XXXXXX";
	struct dialog *d = dialog_new(NULL, NULL, "example.org");
	struct form f, g = { 0 };
	xmpp_stanza_t *iq;
	char *path;

	assert_non_null(mkdtemp(dir));
	iq = captcha(fx, &f);
	assert_int_equal(dataform_media_save(iq, &f, dir), 1);
	path = strdup(form_field(&f, "ocr")->media[0].path);
	dialog_set_form(d, &f);
	assert_int_equal(access(path, F_OK), 0);

	/* the server sends the same challenge again: the same file */
	xmpp_stanza_release(iq);
	iq = captcha(fx, &f);
	assert_int_equal(dataform_media_save(iq, &f, dir), 1);
	assert_string_equal(form_field(&f, "ocr")->media[0].path, path);
	dialog_set_form(d, &f);
	assert_int_equal(access(path, F_OK), 0);

	/* the next step has no challenge: the file goes */
	form_add_field(&g, FIELD_TEXT_SINGLE, "name");
	dialog_set_form(d, &g);
	assert_int_equal(access(path, F_OK), -1);

	/* a challenge saved for the dialog is gone when it closes */
	xmpp_stanza_release(iq);
	iq = captcha(fx, &f);
	assert_int_equal(dataform_media_save(iq, &f, dir), 1);
	dialog_set_form(d, &f);
	assert_int_equal(access(path, F_OK), 0);
	dialog_free(&d);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(rmdir(dir), 0); /* nothing left behind */
	free(path);
	xmpp_stanza_release(iq);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_parse_every_type),
		T(test_not_a_form),
		T(test_submit),
		T(test_submit_private_redacted),
		T(test_validate_required),
		T(test_validate_each_type),
		T(test_media_parse),
		T(test_media_save),
		T(test_media_bad_data),
		T(test_media_removed_with_dialog),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
