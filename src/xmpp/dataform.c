/* dataform: XEP-0004 parsing and submission (see dataform.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/paths.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "xmpp/ns.h"
#include "xmpp/stanza.h"

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

/* The URI schemes a challenge may point to that natter shows. */
static bool media_scheme(const char *uri)
{
	return strncmp(uri, "http://", 7) == 0 ||
	       strncmp(uri, "https://", 8) == 0 || strncmp(uri, "cid:", 4) == 0;
}

/* XEP-0221: each <uri/> of a <media/> element, in order. */
static void parse_media(xmpp_stanza_t *media, struct form_field *fl)
{
	xmpp_stanza_t *u;

	for (u = xmpp_stanza_get_children(media); u; u = xmpp_stanza_get_next(u)) {
		char *uri, *type;

		if (!named(u, "uri"))
			continue;
		uri = stanza_text(u, UTF8_KEEP_NEWLINES);
		type = attr_of(u, "type");
		if (uri && media_scheme(uri) && !strchr(uri, '\n'))
			form_field_add_media(fl, type, uri);
		free(uri);
		free(type);
	}
}

static void parse_field(xmpp_stanza_t *el, struct form *f)
{
	/* the var is shown when there is no label, so it is sanitised like
	 * the rest; a var that needed it was never a sensible name, and the
	 * submission echoes the sanitised one */
	char *var = attr_of(el, "var");
	struct form_field *fl;
	xmpp_stanza_t *c;

	fl = form_add_field(f, form_type_parse(xmpp_stanza_get_type(el)), var);
	free(var);
	fl->label = attr_of(el, "label");
	for (c = xmpp_stanza_get_children(el); c; c = xmpp_stanza_get_next(c)) {
		if (named(c, "value")) {
			char *v = stanza_text(c, UTF8_KEEP_NEWLINES);

			form_field_add_value(fl, v ? v : "");
			free(v);
		} else if (named(c, "required")) {
			fl->required = true;
		} else if (named(c, "desc")) {
			free(fl->desc);
			fl->desc = stanza_text(c, UTF8_KEEP_NEWLINES);
		} else if (named(c, "option")) {
			xmpp_stanza_t *v = xmpp_stanza_get_child_by_name(c, "value");
			char *value = stanza_text(v, UTF8_KEEP_NEWLINES);
			char *label = attr_of(c, "label");

			if (value)
				form_field_add_option(fl, label, value);
			free(value);
			free(label);
		} else if (named(c, "media") && xmpp_stanza_get_ns(c) &&
			   strcmp(xmpp_stanza_get_ns(c), NS_MEDIA) == 0) {
			parse_media(c, fl);
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
			f->title = stanza_text(c, UTF8_KEEP_NEWLINES);
		} else if (named(c, "instructions")) {
			char *t = stanza_text(c, UTF8_KEEP_NEWLINES);

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

xmpp_stanza_t *dataform_submit(xmpp_ctx_t *ctx, const struct form *f)
{
	xmpp_stanza_t *x = stanza_new(ctx, "x", NS_DATA);
	size_t i, j;

	xmpp_stanza_set_type(x, "submit");
	for (i = 0; i < f->nfields; i++) {
		const struct form_field *fl = &f->fields[i];
		xmpp_stanza_t *field;

		if (!fl->var || fl->type == FIELD_FIXED)
			continue;
		/* the submitted field carries only its var: tell the debug
		 * log's redactor that this one is secret */
		if (fl->type == FIELD_TEXT_PRIVATE)
			log_secret_var(fl->var);
		field = stanza_add_child(x, "field", NULL);
		xmpp_stanza_set_attribute(field, "var", fl->var);
		for (j = 0; j < fl->nvalues; j++)
			stanza_add_text(field, "value", fl->values[j]);
	}
	return x;
}

static bool is_bob(xmpp_stanza_t *el, const char *cid)
{
	const char *ns = xmpp_stanza_get_ns(el);
	const char *id = xmpp_stanza_get_attribute(el, "cid");

	return named(el, "data") && ns && strcmp(ns, NS_BOB) == 0 && id &&
	       strcmp(id, cid) == 0;
}

/* XEP-0231: the <data/> element for cid (without "cid:") among st's
 * children or grandchildren, or NULL. The data travels beside the form,
 * as a child of the stanza; one level more allows it inside the
 * payload. Deeper is not looked at. */
static xmpp_stanza_t *find_bob(xmpp_stanza_t *st, const char *cid)
{
	xmpp_stanza_t *c, *g;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if (is_bob(c, cid))
			return c;
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		for (g = xmpp_stanza_get_children(c); g; g = xmpp_stanza_get_next(g))
			if (is_bob(g, cid))
				return g;
	return NULL;
}

/* A file name extension for a MIME type we expect in a challenge. */
static const char *media_ext(const char *type)
{
	static const struct {
		const char *type, *ext;
	} exts[] = {
		{ "image/png", "png" }, { "image/jpeg", "jpg" },
		{ "image/gif", "gif" }, { "image/webp", "webp" },
		{ "image/svg+xml", "svg" }, { "audio/x-wav", "wav" },
		{ "audio/wav", "wav" }, { "audio/ogg", "ogg" },
		{ "audio/mpeg", "mp3" }, { "video/mp4", "mp4" },
	};
	size_t i;

	for (i = 0; type && i < sizeof exts / sizeof *exts; i++)
		if (strcmp(exts[i].type, type) == 0)
			return exts[i].ext;
	return "bin";
}

/* dir/captcha-NAME.EXT, NAME being the letters and digits of the cid's
 * part before '@' (the hash): the same challenge lands in the same file.
 * The caller frees it. */
static char *media_file(const char *dir, const char *cid, const char *type)
{
	char name[49];
	size_t n = 0;
	const char *p;

	for (p = cid + 4; *p && *p != '@' && n < sizeof name - 1; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9'))
			name[n++] = *p;
	name[n] = '\0';
	return xasprintf("%s/captcha-%s.%s", dir, n ? name : "data",
			 media_ext(type));
}

/* Writes len bytes to a new file at path, readable by us only. */
static int write_private(const char *path, const unsigned char *buf,
			 size_t len)
{
	int fd;
	size_t done = 0;

	(void)unlink(path); /* so a link planted there is not followed */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t w = write(fd, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;

			close(fd);
			unlink(path);
			return -e;
		}
		done += (size_t)w;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* Removes the line breaks and spaces base64 text may be wrapped with. */
static void squeeze_space(char *s)
{
	char *o = s;

	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			*o++ = *s;
	*o = '\0';
}

/* Saves one inline challenge; returns 0 or -1. */
static int save_one(xmpp_stanza_t *stanza, struct form_media *m,
		    const char *dir)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(stanza);
	xmpp_stanza_t *data = find_bob(stanza, m->uri + 4);
	const char *type;
	unsigned char *bin = NULL;
	size_t len = 0;
	char *b64, *path;
	int r;

	if (!data || !(b64 = xmpp_stanza_get_text(data)))
		return -1;
	squeeze_space(b64);
	if (strlen(b64) <= DATAFORM_MEDIA_MAX / 3 * 4 + 4)
		xmpp_base64_decode_bin(ctx, b64, strlen(b64), &bin, &len);
	xmpp_free(ctx, b64);
	if (!bin || !len) {
		xmpp_free(ctx, bin);
		return -1;
	}
	type = xmpp_stanza_get_type(data);
	if (!m->type && type)
		m->type = utf8_sanitize(type, 0);
	path = media_file(dir, m->uri, m->type);
	r = paths_mkdir(dir);
	if (r == 0)
		r = write_private(path, bin, len);
	xmpp_free(ctx, bin);
	if (r < 0) {
		log_msg(LOG_WARN, "dataform", "cannot save %s: %s", path,
			strerror(-r));
		free(path);
		return -1;
	}
	free(m->path);
	m->path = path;
	return 0;
}

int dataform_media_save(xmpp_stanza_t *stanza, struct form *f,
			const char *dir)
{
	size_t i, j;
	int n = 0;

	for (i = 0; i < f->nfields; i++)
		for (j = 0; j < f->fields[i].nmedia; j++) {
			struct form_media *m = &f->fields[i].media[j];

			if (strncmp(m->uri, "cid:", 4) == 0 &&
			    save_one(stanza, m, dir) == 0)
				n++;
		}
	return n;
}
