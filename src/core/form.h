/* form: an XEP-0004 data form, as plain data.
 *
 * One model serves every form in the program: registration (XEP-0077),
 * ad-hoc command steps (XEP-0050), and later room configuration and
 * search. xmpp/dataform.c turns stanzas into this and back; ui/ edits it.
 * A form owns all its strings. Field types natter does not know are read
 * as text-single, as XEP-0004 section 3.3 asks.
 */
#ifndef NATTER_CORE_FORM_H
#define NATTER_CORE_FORM_H

#include <stdbool.h>
#include <stddef.h>

enum field_type {
	FIELD_TEXT_SINGLE, FIELD_TEXT_PRIVATE, FIELD_TEXT_MULTI,
	FIELD_BOOLEAN, FIELD_LIST_SINGLE, FIELD_LIST_MULTI,
	FIELD_JID_SINGLE, FIELD_JID_MULTI, FIELD_FIXED, FIELD_HIDDEN,
};

struct form_option {
	char *label; /* may be NULL: show the value */
	char *value;
};

/* A picture or sound to show with a field (XEP-0221), typically a
 * CAPTCHA challenge (XEP-0158). */
struct form_media {
	char *type; /* MIME type, may be NULL */
	char *uri;  /* http(s): or cid: (XEP-0231 bits of binary) */
	char *path; /* where natter saved inline data, or NULL */
};

struct form_field {
	enum field_type type;
	char *var;   /* NULL only for fixed fields */
	char *label; /* may be NULL */
	char *desc;  /* may be NULL */
	bool required;
	char **values;
	size_t nvalues;
	struct form_option *options;
	size_t noptions;
	struct form_media *media; /* in document order */
	size_t nmedia;
};

struct form {
	char *type; /* form, submit, cancel, result */
	char *title;
	char **instructions;
	size_t ninstructions;
	struct form_field *fields;
	size_t nfields;
};

/* "text-single", ... to the enum; NULL and unknown names are text-single. */
enum field_type form_type_parse(const char *name);
const char *form_type_name(enum field_type t);
void form_clear(struct form *f);
/* Deletes the files f's media were saved to (a CAPTCHA challenge is
 * not left lying around once its form is gone), except those keep's
 * media also point to (keep may be NULL); f forgets the paths. */
void form_media_remove(struct form *f, const struct form *keep);
struct form_field *form_add_field(struct form *f, enum field_type t,
				  const char *var);
void form_field_add_value(struct form_field *fl, const char *v);
void form_field_add_option(struct form_field *fl, const char *label,
			   const char *value);
/* Adds a media URI (type may be NULL); strings are copied. */
struct form_media *form_field_add_media(struct form_field *fl,
					const char *type, const char *uri);
/* Replaces the field's values by one value (NULL: none). */
void form_field_set(struct form_field *fl, const char *v);
/* Replaces the values by the lines of text (text-multi, jid-multi). */
void form_field_set_lines(struct form_field *fl, const char *text);
struct form_field *form_field(struct form *f, const char *var);
/* The field's first value, or NULL. */
const char *form_field_value(const struct form_field *fl);
/* Checks what the user filled in before it is sent: required fields,
 * booleans, JIDs, list choices among the options, one line in
 * text-single. Returns 0, or -1 with *bad set to the offending field's
 * index and *why to the reason (a static string). */
int form_validate(const struct form *f, size_t *bad, const char **why);

#endif
