/* fuzz_xmlframe: the BOSH/WebSocket element cutter (core/xmlframe.c)
 * on any bytes, fed whole and again in pieces whose sizes the input's
 * first byte chooses.
 *
 * Each element it reports must itself be well-formed XML with one root
 * (checked by a second cutter inside a root of its own), the two
 * feedings must report the same elements, and nothing may crash or
 * leak. Any failure aborts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmlframe.h"
#include "fuzz.h"

struct seen {
	char *text; /* every event, concatenated */
	size_t len;
};

static void add(struct seen *s, const char *tag, const char *p, size_t n)
{
	size_t t = strlen(tag);

	s->text = realloc(s->text, s->len + t + n + 1);
	if (!s->text)
		abort();
	memcpy(s->text + s->len, tag, t);
	memcpy(s->text + s->len + t, p, n);
	s->len += t + n;
}

static void count_el(void *ud, const char *xml, size_t len)
{
	(*(int *)ud)++;
	(void)xml;
	(void)len;
}

static const struct xmlframe_ops check_ops = { NULL, count_el, NULL };

static void on_open(void *ud, const char *name, const char **attrs)
{
	(void)attrs;
	add(ud, "O", name, strlen(name));
}

static void on_element(void *ud, const char *xml, size_t len)
{
	int n = 0;
	struct xmlframe *c = xmlframe_new(&check_ops, &n, NULL);

	if (xmlframe_feed(c, "<r>", 3) < 0 || xmlframe_feed(c, xml, len) < 0 ||
	    xmlframe_feed(c, "</r>", 4) < 0 || n != 1) {
		fprintf(stderr, "xmlframe: not one element: %.*s\n", (int)len,
			xml);
		abort();
	}
	xmlframe_free(&c);
	add(ud, "E", xml, len);
}

static void on_close(void *ud)
{
	add(ud, "C", "", 0);
}

static const struct xmlframe_ops ops = { on_open, on_element, on_close };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen whole = { 0 }, parts = { 0 };
	struct xmlframe *f;
	size_t step, off;
	int rw, rp = 0;

	if (!size)
		return 0;
	step = 1 + data[0] % 17;
	data++;
	size--;
	f = xmlframe_new(&ops, &whole, "jabber:client");
	rw = xmlframe_feed(f, (const char *)data, size);
	xmlframe_free(&f);
	f = xmlframe_new(&ops, &parts, "jabber:client");
	for (off = 0; off < size && rp == 0; off += step)
		rp = xmlframe_feed(f, (const char *)data + off,
				   size - off < step ? size - off : step);
	xmlframe_free(&f);
	/* the same events, as far as the whole feeding got (it stops at
	 * the first error; pieces may stop later when the error is in
	 * a later piece only for them: compare the common prefix) */
	if (rw == 0 && rp == 0 &&
	    (whole.len != parts.len ||
	     (whole.len && memcmp(whole.text, parts.text, whole.len) != 0))) {
		fprintf(stderr, "xmlframe: pieces of %zu differ\n", step);
		abort();
	}
	free(whole.text);
	free(parts.text);
	return 0;
}
