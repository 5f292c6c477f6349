/* hostmeta: the connection endpoints a domain publishes (see
 * hostmeta.h).
 *
 * The XML parser keeps only its depth and whether the root is an XRD:
 * a Link counts when it is a child of the root, in the XRD namespace.
 * Anything a document declares in a DTD makes expat stop (an entity
 * declaration handler that aborts), so no entity is ever expanded.
 *
 * json-c is reached through `js`, a table filled by dl_load() (util/dl.h)
 * the first time a host-meta.json is read, as core/mime.c does for
 * libmagic: a session that never reads one (every one that logs in over
 * TCP) does not map the library.
 */
#include "config.h"

#include <expat.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hostmeta.h"
#include "util/dl.h"
#include "util/xmem.h"

#define XRD_NS "http://docs.oasis-open.org/ns/xri/xrd-1.0"
#define REL_WEBSOCKET "urn:xmpp:alt-connections:websocket"
#define REL_BOSH "urn:xmpp:alt-connections:xbosh"

/* A parser that cannot be made: out of memory, as xmem says it. */
static void no_parser(void)
{
	fprintf(stderr, "natter: out of memory (a parser)\n");
	abort();
}

static bool url_ok(const char *url, const char *scheme)
{
	size_t n = strlen(url), i;

	if (n > HOSTMETA_URL_MAX || strncmp(url, scheme, strlen(scheme)) != 0 ||
	    n == strlen(scheme))
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return false;
	return true;
}

static void add(char **v, size_t *n, const char *url)
{
	size_t i;

	if (*n >= HOSTMETA_MAX)
		return;
	for (i = 0; i < *n; i++)
		if (strcmp(v[i], url) == 0)
			return;
	v[(*n)++] = xstrdup(url);
}

/* One Link: rel and href as the document gave them. */
static void link_found(struct hostmeta *hm, const char *rel, const char *href)
{
	if (!rel || !href)
		return;
	if (strcmp(rel, REL_WEBSOCKET) == 0 && url_ok(href, "wss://"))
		add(hm->websocket, &hm->nwebsocket, href);
	else if (strcmp(rel, REL_BOSH) == 0 && url_ok(href, "https://"))
		add(hm->bosh, &hm->nbosh, href);
}

/* --- XML ------------------------------------------------------------- */

struct xml_state {
	XML_Parser p;
	struct hostmeta *hm;
	int depth;
	bool xrd;  /* the root is an XRD */
	bool dtd;  /* the document declared something: refused */
};

static void on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_state *st = ud;
	const char *rel = NULL, *href = NULL;
	size_t i;

	st->depth++;
	if (st->depth == 1) {
		st->xrd = strcmp(name, XRD_NS " XRD") == 0;
		return;
	}
	if (st->depth != 2 || !st->xrd || strcmp(name, XRD_NS " Link") != 0)
		return;
	for (i = 0; attrs[i]; i += 2) {
		if (strcmp(attrs[i], "rel") == 0)
			rel = attrs[i + 1];
		else if (strcmp(attrs[i], "href") == 0)
			href = attrs[i + 1];
	}
	link_found(st->hm, rel, href);
}

static void on_end(void *ud, const XML_Char *name)
{
	struct xml_state *st = ud;

	(void)name;
	st->depth--;
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
		       const XML_Char *pubid, int has_internal_subset)
{
	struct xml_state *st = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	st->dtd = true;
	XML_StopParser(st->p, XML_FALSE);
}

int hostmeta_parse_xml(struct hostmeta *hm, const char *doc, size_t len,
		       char **err)
{
	struct xml_state st = { .hm = hm };
	enum XML_Status s;

	*err = NULL;
	if (len > HOSTMETA_DOC_MAX) {
		*err = xstrdup("host-meta is too large");
		return -1;
	}
	st.p = XML_ParserCreateNS("UTF-8", ' ');
	if (!st.p)
		no_parser();
	XML_SetUserData(st.p, &st);
	XML_SetElementHandler(st.p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(st.p, on_doctype);
	s = XML_Parse(st.p, doc, (int)len, XML_TRUE);
	if (st.dtd)
		*err = xstrdup("host-meta declares a DTD: refused");
	else if (s != XML_STATUS_OK)
		*err = xasprintf("host-meta is not well-formed XML: %s (line %lu)",
				 XML_ErrorString(XML_GetErrorCode(st.p)),
				 (unsigned long)XML_GetCurrentLineNumber(st.p));
	else if (!st.xrd)
		*err = xstrdup("host-meta is not an XRD document");
	XML_ParserFree(st.p);
	return *err ? -1 : 0;
}

/* --- JSON ------------------------------------------------------------ */

static bool only_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

#define JSONC_LIBRARY "libjson-c.so.5"

static struct {
	void *lib;
	char *err; /* why it cannot be loaded; then lib is NULL */
	struct json_tokener *(*tokener_new_ex)(int);
	struct json_object *(*tokener_parse_ex)(struct json_tokener *,
						const char *, int);
	enum json_tokener_error (*tokener_get_error)(struct json_tokener *);
	const char *(*tokener_error_desc)(enum json_tokener_error);
	size_t (*tokener_get_parse_end)(struct json_tokener *);
	void (*tokener_free)(struct json_tokener *);
	int (*object_put)(struct json_object *);
	int (*object_is_type)(const struct json_object *, enum json_type);
	json_bool (*object_object_get_ex)(const struct json_object *,
					  const char *, struct json_object **);
	size_t (*object_array_length)(const struct json_object *);
	struct json_object *(*object_array_get_idx)(const struct json_object *,
						    size_t);
	const char *(*object_get_string)(struct json_object *);
	int (*object_get_string_len)(const struct json_object *);
} js;

/* Loads json-c once; false (with js.err) when it cannot be. */
static bool jsonc_load(void)
{
	static const struct dl_sym syms[] = {
		DL_SYM(js.tokener_new_ex, "json_tokener_new_ex"),
		DL_SYM(js.tokener_parse_ex, "json_tokener_parse_ex"),
		DL_SYM(js.tokener_get_error, "json_tokener_get_error"),
		DL_SYM(js.tokener_error_desc, "json_tokener_error_desc"),
		DL_SYM(js.tokener_get_parse_end, "json_tokener_get_parse_end"),
		DL_SYM(js.tokener_free, "json_tokener_free"),
		DL_SYM(js.object_put, "json_object_put"),
		DL_SYM(js.object_is_type, "json_object_is_type"),
		DL_SYM(js.object_object_get_ex, "json_object_object_get_ex"),
		DL_SYM(js.object_array_length, "json_object_array_length"),
		DL_SYM(js.object_array_get_idx, "json_object_array_get_idx"),
		DL_SYM(js.object_get_string, "json_object_get_string"),
		DL_SYM(js.object_get_string_len, "json_object_get_string_len"),
	};
	char *why = NULL;

	if (js.lib)
		return true;
	if (js.err)
		return false;
	js.lib = dl_load(JSONC_LIBRARY, "libjson-c5", syms,
			 sizeof syms / sizeof *syms, &why);
	if (!js.lib) {
		js.err = xasprintf("host-meta.json needs %s", why);
		free(why);
		return false;
	}
	return true;
}

int hostmeta_parse_json(struct hostmeta *hm, const char *doc, size_t len,
			char **err)
{
	struct json_tokener *tok;
	struct json_object *root, *links;
	enum json_tokener_error e;
	size_t i, n;

	*err = NULL;
	if (len > HOSTMETA_DOC_MAX) {
		*err = xstrdup("host-meta.json is too large");
		return -1;
	}
	if (!jsonc_load()) {
		*err = xstrdup(js.err);
		return -1;
	}
	tok = js.tokener_new_ex(16);
	if (!tok)
		no_parser();
	root = js.tokener_parse_ex(tok, doc, (int)len);
	e = js.tokener_get_error(tok);
	if (e == json_tokener_continue) /* the document stopped midway */
		e = json_tokener_error_parse_eof;
	if (e != json_tokener_success)
		*err = xasprintf("host-meta.json is not JSON: %s",
				 js.tokener_error_desc(e));
	else if (!only_space(doc + js.tokener_get_parse_end(tok),
			     len - js.tokener_get_parse_end(tok)))
		*err = xstrdup("host-meta.json has more after its value");
	js.tokener_free(tok);
	if (*err) {
		js.object_put(root);
		return -1;
	}
	if (!js.object_is_type(root, json_type_object)) {
		js.object_put(root);
		*err = xstrdup("host-meta.json is not a JSON object");
		return -1;
	}
	if (js.object_object_get_ex(root, "links", &links) &&
	    js.object_is_type(links, json_type_array)) {
		n = js.object_array_length(links);
		for (i = 0; i < n; i++) {
			struct json_object *l = js.object_array_get_idx(links, i);
			struct json_object *rel, *href;

			if (!js.object_is_type(l, json_type_object) ||
			    !js.object_object_get_ex(l, "rel", &rel) ||
			    !js.object_object_get_ex(l, "href", &href) ||
			    !js.object_is_type(rel, json_type_string) ||
			    !js.object_is_type(href, json_type_string))
				continue;
			/* a NUL inside a string would cut it short: refused */
			if (strlen(js.object_get_string(href)) !=
			    (size_t)js.object_get_string_len(href))
				continue;
			link_found(hm, js.object_get_string(rel),
				   js.object_get_string(href));
		}
	}
	js.object_put(root);
	return 0;
}

void hostmeta_add(struct hostmeta *hm, bool websocket, const char *url)
{
	if (websocket)
		add(hm->websocket, &hm->nwebsocket, url);
	else
		add(hm->bosh, &hm->nbosh, url);
}

void hostmeta_clear(struct hostmeta *hm)
{
	size_t i;

	for (i = 0; i < hm->nwebsocket; i++)
		free(hm->websocket[i]);
	for (i = 0; i < hm->nbosh; i++)
		free(hm->bosh[i]);
	memset(hm, 0, sizeof *hm);
}
