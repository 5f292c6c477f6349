/* form: XEP-0004 data form model and validation (see form.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/form.h"
#include "util/jid.h"
#include "util/xmem.h"

static const char *const type_names[] = {
	[FIELD_TEXT_SINGLE] = "text-single", [FIELD_TEXT_PRIVATE] = "text-private",
	[FIELD_TEXT_MULTI] = "text-multi",   [FIELD_BOOLEAN] = "boolean",
	[FIELD_LIST_SINGLE] = "list-single", [FIELD_LIST_MULTI] = "list-multi",
	[FIELD_JID_SINGLE] = "jid-single",   [FIELD_JID_MULTI] = "jid-multi",
	[FIELD_FIXED] = "fixed",             [FIELD_HIDDEN] = "hidden",
};

enum field_type form_type_parse(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof type_names / sizeof *type_names; i++)
		if (strcmp(type_names[i], name) == 0)
			return (enum field_type)i;
	return FIELD_TEXT_SINGLE;
}

const char *form_type_name(enum field_type t)
{
	return type_names[t];
}

static void free_values(struct form_field *fl)
{
	size_t i;

	for (i = 0; i < fl->nvalues; i++)
		free(fl->values[i]);
	free(fl->values);
	fl->values = NULL;
	fl->nvalues = 0;
}

static bool form_has_media_path(const struct form *f, const char *path)
{
	size_t i, j;

	for (i = 0; f && i < f->nfields; i++)
		for (j = 0; j < f->fields[i].nmedia; j++)
			if (f->fields[i].media[j].path &&
			    strcmp(f->fields[i].media[j].path, path) == 0)
				return true;
	return false;
}

void form_media_remove(struct form *f, const struct form *keep)
{
	size_t i, j;

	for (i = 0; i < f->nfields; i++)
		for (j = 0; j < f->fields[i].nmedia; j++) {
			struct form_media *m = &f->fields[i].media[j];

			if (!m->path)
				continue;
			if (!form_has_media_path(keep, m->path))
				(void)unlink(m->path);
			xfree(&m->path);
		}
}

void form_clear(struct form *f)
{
	size_t i, j;

	for (i = 0; i < f->nfields; i++) {
		struct form_field *fl = &f->fields[i];

		free(fl->var);
		free(fl->label);
		free(fl->desc);
		free_values(fl);
		for (j = 0; j < fl->noptions; j++) {
			free(fl->options[j].label);
			free(fl->options[j].value);
		}
		free(fl->options);
		for (j = 0; j < fl->nmedia; j++) {
			free(fl->media[j].type);
			free(fl->media[j].uri);
			free(fl->media[j].path);
		}
		free(fl->media);
	}
	free(f->fields);
	for (i = 0; i < f->ninstructions; i++)
		free(f->instructions[i]);
	free(f->instructions);
	free(f->type);
	free(f->title);
	memset(f, 0, sizeof *f);
}

struct form_field *form_add_field(struct form *f, enum field_type t,
				  const char *var)
{
	struct form_field *fl;

	f->fields = xrealloc(f->fields, (f->nfields + 1) * sizeof *f->fields);
	fl = &f->fields[f->nfields++];
	memset(fl, 0, sizeof *fl);
	fl->type = t;
	fl->var = var ? xstrdup(var) : NULL;
	return fl;
}

void form_field_add_value(struct form_field *fl, const char *v)
{
	fl->values = xrealloc(fl->values, (fl->nvalues + 1) * sizeof *fl->values);
	fl->values[fl->nvalues++] = xstrdup(v);
}

void form_field_add_option(struct form_field *fl, const char *label,
			   const char *value)
{
	struct form_option *o;

	fl->options = xrealloc(fl->options,
			       (fl->noptions + 1) * sizeof *fl->options);
	o = &fl->options[fl->noptions++];
	o->label = label ? xstrdup(label) : NULL;
	o->value = xstrdup(value);
}

struct form_media *form_field_add_media(struct form_field *fl,
					const char *type, const char *uri)
{
	struct form_media *m;

	fl->media = xrealloc(fl->media, (fl->nmedia + 1) * sizeof *fl->media);
	m = &fl->media[fl->nmedia++];
	m->type = type ? xstrdup(type) : NULL;
	m->uri = xstrdup(uri);
	m->path = NULL;
	return m;
}

void form_field_set(struct form_field *fl, const char *v)
{
	free_values(fl);
	if (v)
		form_field_add_value(fl, v);
}

void form_field_set_lines(struct form_field *fl, const char *text)
{
	const char *p = text, *nl;

	free_values(fl);
	while (p && *p) {
		char *line;

		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		if (*line || fl->type == FIELD_TEXT_MULTI)
			form_field_add_value(fl, line);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
}

struct form_field *form_field(struct form *f, const char *var)
{
	size_t i;

	for (i = 0; i < f->nfields; i++)
		if (f->fields[i].var && strcmp(f->fields[i].var, var) == 0)
			return &f->fields[i];
	return NULL;
}

const char *form_field_value(const struct form_field *fl)
{
	return fl->nvalues ? fl->values[0] : NULL;
}

static bool is_option(const struct form_field *fl, const char *v)
{
	size_t i;

	for (i = 0; i < fl->noptions; i++)
		if (strcmp(fl->options[i].value, v) == 0)
			return true;
	return false;
}

static bool has_value(const struct form_field *fl)
{
	size_t i;

	for (i = 0; i < fl->nvalues; i++)
		if (*fl->values[i])
			return true;
	return false;
}

/* The reason a field's values are wrong, or NULL. */
static const char *check(const struct form_field *fl)
{
	const char *v = form_field_value(fl);
	size_t i;

	if (fl->type == FIELD_FIXED || fl->type == FIELD_HIDDEN)
		return NULL;
	if (fl->required && !has_value(fl))
		return "this field is required";
	switch (fl->type) {
	case FIELD_BOOLEAN:
		if (v && strcmp(v, "0") && strcmp(v, "1") && strcmp(v, "true") &&
		    strcmp(v, "false"))
			return "must be true or false";
		return fl->nvalues > 1 ? "takes one value" : NULL;
	case FIELD_TEXT_SINGLE:
	case FIELD_TEXT_PRIVATE:
		if (fl->nvalues > 1)
			return "takes one value";
		return v && strchr(v, '\n') ? "takes one line" : NULL;
	case FIELD_JID_SINGLE:
		if (fl->nvalues > 1)
			return "takes one address";
		return v && *v && !jid_valid(v) ? "is not a valid address" : NULL;
	case FIELD_JID_MULTI:
		for (i = 0; i < fl->nvalues; i++)
			if (!jid_valid(fl->values[i]))
				return "holds an invalid address";
		return NULL;
	case FIELD_LIST_SINGLE:
		if (fl->nvalues > 1)
			return "takes one choice";
		/* an empty list means the form offers free text */
		return v && *v && fl->noptions && !is_option(fl, v) ?
			       "must be one of the choices" :
			       NULL;
	case FIELD_LIST_MULTI:
		for (i = 0; fl->noptions && i < fl->nvalues; i++)
			if (!is_option(fl, fl->values[i]))
				return "must be among the choices";
		return NULL;
	default:
		return NULL;
	}
}

int form_validate(const struct form *f, size_t *bad, const char **why)
{
	size_t i;

	for (i = 0; i < f->nfields; i++) {
		const char *w = check(&f->fields[i]);

		if (w) {
			*bad = i;
			*why = w;
			return -1;
		}
	}
	return 0;
}
