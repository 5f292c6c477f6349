/* dataform: XEP-0004 parsing and submission (see dataform.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"

/* The sanitised text of el (newlines kept), or NULL; the caller frees. */
static char *text_of(xmpp_stanza_t *el)
{
	char *t = el ? xmpp_stanza_get_text(el) : NULL;
	char *clean;

	if (!t)
		return NULL;
	clean = utf8_sanitize(t, UTF8_KEEP_NEWLINES);
	xmpp_free(xmpp_stanza_get_context(el), t);
	return clean;
}

static char *attr_of(xmpp_stanza_t *el, const char *name)
{
	const char *v = xmpp_stanza_get_attribute(el, name);

	return v ? utf8_sanitize(v, 0) : NULL;
}

static bool named(xmpp_stanza_t *el, const char *name)
{
	return xmpp_stanza_is_tag(el) &&
	       strcmp(xmpp_stanza_get_name(el), name) == 0;
}

static void parse_field(xmpp_stanza_t *el, struct form *f)
{
	const char *var = xmpp_stanza_get_attribute(el, "var");
	struct form_field *fl;
	xmpp_stanza_t *c;

	fl = form_add_field(f, form_type_parse(xmpp_stanza_get_type(el)), var);
	fl->label = attr_of(el, "label");
	for (c = xmpp_stanza_get_children(el); c; c = xmpp_stanza_get_next(c)) {
		if (named(c, "value")) {
			char *v = text_of(c);

			form_field_add_value(fl, v ? v : "");
			free(v);
		} else if (named(c, "required")) {
			fl->required = true;
		} else if (named(c, "desc")) {
			free(fl->desc);
			fl->desc = text_of(c);
		} else if (named(c, "option")) {
			xmpp_stanza_t *v = xmpp_stanza_get_child_by_name(c, "value");
			char *value = text_of(v), *label = attr_of(c, "label");

			if (value)
				form_field_add_option(fl, label, value);
			free(value);
			free(label);
		}
	}
}

int dataform_parse(xmpp_stanza_t *x, struct form *f)
{
	const char *ns = xmpp_stanza_get_ns(x);
	xmpp_stanza_t *c;

	memset(f, 0, sizeof *f);
	if (!ns || strcmp(ns, NS_DATA) != 0 || strcmp(xmpp_stanza_get_name(x), "x"))
		return -1;
	f->type = attr_of(x, "type");
	if (!f->type)
		f->type = xstrdup("form");
	for (c = xmpp_stanza_get_children(x); c; c = xmpp_stanza_get_next(c)) {
		if (named(c, "title")) {
			free(f->title);
			f->title = text_of(c);
		} else if (named(c, "instructions")) {
			char *t = text_of(c);

			f->instructions = xrealloc(f->instructions,
						   (f->ninstructions + 1) *
							   sizeof *f->instructions);
			f->instructions[f->ninstructions++] = t ? t : xstrdup("");
		} else if (named(c, "field")) {
			parse_field(c, f);
		}
	}
	return 0;
}

static void add_value(xmpp_ctx_t *ctx, xmpp_stanza_t *field, const char *v)
{
	xmpp_stanza_t *val = xmpp_stanza_new(ctx);
	xmpp_stanza_t *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(val, "value");
	xmpp_stanza_set_text(t, v);
	xmpp_stanza_add_child(val, t);
	xmpp_stanza_release(t);
	xmpp_stanza_add_child(field, val);
	xmpp_stanza_release(val);
}

xmpp_stanza_t *dataform_submit(xmpp_ctx_t *ctx, const struct form *f)
{
	xmpp_stanza_t *x = xmpp_stanza_new(ctx);
	size_t i, j;

	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_ns(x, NS_DATA);
	xmpp_stanza_set_type(x, "submit");
	for (i = 0; i < f->nfields; i++) {
		const struct form_field *fl = &f->fields[i];
		xmpp_stanza_t *field;

		if (!fl->var || fl->type == FIELD_FIXED)
			continue;
		field = xmpp_stanza_new(ctx);
		xmpp_stanza_set_name(field, "field");
		xmpp_stanza_set_attribute(field, "var", fl->var);
		for (j = 0; j < fl->nvalues; j++)
			add_value(ctx, field, fl->values[j]);
		xmpp_stanza_add_child(x, field);
		xmpp_stanza_release(field);
	}
	return x;
}
