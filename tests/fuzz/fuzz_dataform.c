/* fuzz_dataform: XEP-0004 data forms (xmpp/dataform.c into core/form.c).
 *
 * The input is the inside of a stanza: it is wrapped in
 * <iq xmlns='jabber:client'>…</iq> and parsed by libstrophe; the first
 * <x xmlns='jabber:x:data'/> in it is read with dataform_parse(), as the
 * registration, command and CAPTCHA dialogs read theirs. Then what the
 * form dialog does with it: validate, fill every field with its own
 * first value, save the CAPTCHA media sent inline (bits of binary, into
 * the fuzzer's private directory), build the submitted form and read
 * that back. Every text the form holds must be clean for the terminal
 * (newlines aside: they are drawn as continuation lines); the submitted
 * form must carry every field that has a var and is not fixed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <unistd.h>

#include "core/form.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "fuzz.h"

#define MAX_INPUT (256 * 1024)

static void fail(const char *what, const char *s)
{
	fprintf(stderr, "dataform: %s: \"%s\"\n", what, s ? s : "(null)");
	abort();
}

/* Clean for the terminal apart from newlines. */
static void check_text(const char *what, const char *s)
{
	char *copy, *p;

	if (!s)
		return;
	copy = xstrdup(s);
	for (p = copy; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (!utf8_is_clean(copy, strlen(copy)))
		fail(what, s);
	free(copy);
}

static void check_form(const struct form *f)
{
	size_t i, k;

	check_text("type", f->type);
	check_text("title", f->title);
	for (i = 0; i < f->ninstructions; i++)
		check_text("instructions", f->instructions[i]);
	for (i = 0; i < f->nfields; i++) {
		const struct form_field *fl = &f->fields[i];

		if (fl->var && !utf8_is_clean(fl->var, strlen(fl->var)))
			fail("var", fl->var);
		check_text("label", fl->label);
		check_text("desc", fl->desc);
		for (k = 0; k < fl->nvalues; k++)
			check_text("value", fl->values[k]);
		for (k = 0; k < fl->noptions; k++) {
			check_text("option label", fl->options[k].label);
			check_text("option value", fl->options[k].value);
		}
		for (k = 0; k < fl->nmedia; k++) {
			check_text("media type", fl->media[k].type);
			check_text("media uri", fl->media[k].uri);
		}
		if (form_type_parse(form_type_name(fl->type)) != fl->type)
			fail("field type does not survive its name",
			     form_type_name(fl->type));
	}
}

static xmpp_stanza_t *find_form(xmpp_stanza_t *st)
{
	xmpp_stanza_t *c, *x;
	const char *ns;

	if (!xmpp_stanza_is_tag(st))
		return NULL;
	ns = xmpp_stanza_get_ns(st);
	if (ns && strcmp(ns, NS_DATA) == 0 &&
	    strcmp(xmpp_stanza_get_name(st), "x") == 0)
		return st;
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if ((x = find_form(c)))
			return x;
	return NULL;
}

/* Saves the inline media as the CAPTCHA dialog does: each file must land
 * directly in the directory given, and is removed again. */
static void save_media(xmpp_stanza_t *top, struct form *f)
{
	static char *dir;
	size_t i, k, n;

	if (!dir)
		dir = xasprintf("%s/media", fuzz_tmpdir());
	n = strlen(dir);
	dataform_media_save(top, f, dir);
	for (i = 0; i < f->nfields; i++)
		for (k = 0; k < f->fields[i].nmedia; k++) {
			const char *p = f->fields[i].media[k].path;

			if (!p)
				continue;
			if (strncmp(p, dir, n) != 0 ||
			    strncmp(p + n, "/captcha-", 9) != 0 ||
			    strchr(p + n + 1, '/'))
				fail("media saved outside its directory", p);
			unlink(p);
		}
}

static size_t count_submitted(const struct form *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->nfields; i++)
		if (f->fields[i].var && f->fields[i].type != FIELD_FIXED)
			n++;
	return n;
}

static void exercise(xmpp_ctx_t *ctx, xmpp_stanza_t *top, xmpp_stanza_t *x)
{
	struct form f, back;
	xmpp_stanza_t *sub;
	size_t i, bad;
	const char *why;
	char *buf;
	size_t len;

	if (dataform_parse(x, &f) < 0)
		return;
	check_form(&f);
	(void)form_validate(&f, &bad, &why);
	save_media(top, &f);
	for (i = 0; i < f.nfields; i++) {
		struct form_field *fl = &f.fields[i];
		char *v = form_field_value(fl) ? xstrdup(form_field_value(fl)) :
						  NULL;

		if (fl->var && form_field(&f, fl->var) == NULL)
			fail("form_field cannot find a field", fl->var);
		if (fl->type == FIELD_TEXT_MULTI || fl->type == FIELD_JID_MULTI)
			form_field_set_lines(fl, v ? v : "");
		else
			form_field_set(fl, v);
		free(v);
	}
	(void)form_validate(&f, &bad, &why);
	sub = dataform_submit(ctx, &f);
	if (xmpp_stanza_to_text(sub, &buf, &len) == XMPP_EOK)
		xmpp_free(ctx, buf);
	if (dataform_parse(sub, &back) < 0)
		fail("the submitted form is not a form", NULL);
	if (back.nfields != count_submitted(&f))
		fail("the submitted form lost or gained fields", NULL);
	form_clear(&back);
	xmpp_stanza_release(sub);
	form_clear(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "<iq xmlns='jabber:client' type='result'>";
	static const char tail[] = "</iq>";
	static xmpp_ctx_t *ctx;
	xmpp_stanza_t *top, *x;
	char *text;

	if (size > MAX_INPUT)
		return -1;
	if (!ctx) {
		fuzz_tmpdir();
		xmpp_initialize();
		ctx = xmpp_ctx_new(NULL, NULL);
	}
	text = xmalloc(sizeof head + size + sizeof tail);
	memcpy(text, head, sizeof head - 1);
	memcpy(text + sizeof head - 1, data, size);
	memcpy(text + sizeof head - 1 + size, tail, sizeof tail);
	top = xmpp_stanza_new_from_string(ctx, text);
	free(text);
	if (!top)
		return 0;
	x = find_form(top);
	if (x)
		exercise(ctx, top, x);
	xmpp_stanza_release(top);
	return 0;
}
