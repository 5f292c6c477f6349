/* test_hostmeta: core/hostmeta.h, XEP-0156's host-meta in XML and JSON.
 *
 * Links by rel, in the document's order, WebSocket and BOSH apart; only
 * wss: and https: kept; Links outside the XRD root or in another
 * namespace ignored; duplicates once; a DTD (entity tricks) refused;
 * broken documents refused with words; the size limit; JSON with links
 * of the wrong types, trailing garbage, and a NUL inside a string.
 * json-c is not mapped until the first JSON document is read (it runs
 * first: the tests run in one process).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hostmeta.h"

#define XRD_OPEN "<?xml version='1.0'?>" \
	"<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
#define WS "urn:xmpp:alt-connections:websocket"
#define BOSH "urn:xmpp:alt-connections:xbosh"

static int xml(struct hostmeta *hm, const char *doc, char **err)
{
	return hostmeta_parse_xml(hm, doc, strlen(doc), err);
}

static int json(struct hostmeta *hm, const char *doc, char **err)
{
	return hostmeta_parse_json(hm, doc, strlen(doc), err);
}

/* Whether /proc/self/maps names a file holding "libjson-c". */
static int jsonc_mapped(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int found = 0;

	assert_non_null(f);
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, "libjson-c") != NULL;
	fclose(f);
	return found;
}

static void test_jsonc_loaded_when_used(void **state)
{
	struct hostmeta hm = { 0 };
	char *err = NULL;

	(void)state;
	/* the XML parser (expat) needs no json-c */
	assert_int_equal(xml(&hm, XRD_OPEN "</XRD>", &err), 0);
	assert_false(jsonc_mapped());
	assert_int_equal(json(&hm, "{\"links\": []}", &err), 0);
	assert_null(err);
	assert_true(jsonc_mapped());
	hostmeta_clear(&hm);
}

static void test_xml_links(void **state)
{
	struct hostmeta hm = { 0 };
	char *err = NULL;

	(void)state;
	assert_int_equal(xml(&hm, XRD_OPEN
		"<Link rel='" BOSH "' href='https://example.org/bosh'/>"
		"<Link rel='" WS "' href='wss://example.org/ws'/>"
		"<Link rel='" WS "' href='ws://example.org/plain'/>"
		"<Link rel='" BOSH "' href='http://example.org/plain'/>"
		"<Link rel='" WS "' href='wss://example.org/ws2'/>"
		"<Link rel='" WS "' href='wss://example.org/ws'/>"
		"<Link rel='other' href='wss://example.org/other'/>"
		"<Link rel='" WS "' href='wss://exa mple.org/space'/>"
		"<Property type='x'><Link rel='" WS "' href='wss://deep/'/></Property>"
		"<Link xmlns='urn:other' rel='" WS "' href='wss://other.ns/'/>"
		"</XRD>", &err), 0);
	assert_null(err);
	assert_int_equal(hm.nwebsocket, 2);
	assert_string_equal(hm.websocket[0], "wss://example.org/ws");
	assert_string_equal(hm.websocket[1], "wss://example.org/ws2");
	assert_int_equal(hm.nbosh, 1);
	assert_string_equal(hm.bosh[0], "https://example.org/bosh");
	hostmeta_clear(&hm);
	assert_int_equal(hm.nwebsocket, 0);
}

static void test_xml_refused(void **state)
{
	static const char *const bad[] = {
		"", "<XRD", "not xml",
		/* not an XRD */
		"<x xmlns='urn:x'><Link rel='" WS "' href='wss://a/'/></x>",
		/* an XRD without its namespace */
		"<XRD><Link rel='" WS "' href='wss://a/'/></XRD>",
		/* entities: refused before any expansion */
		"<?xml version='1.0'?><!DOCTYPE XRD [<!ENTITY a 'wss://a/'>]>"
		"<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
		"<Link rel='" WS "' href='&a;'/></XRD>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct hostmeta hm = { 0 };
		char *err = NULL;

		assert_int_equal(xml(&hm, bad[i], &err), -1);
		assert_non_null(err);
		assert_int_equal(hm.nwebsocket, 0);
		free(err);
		hostmeta_clear(&hm);
	}
}

static void test_too_large(void **state)
{
	size_t n = HOSTMETA_DOC_MAX + 1;
	char *doc = malloc(n + 1);
	struct hostmeta hm = { 0 };
	char *err = NULL;

	(void)state;
	memset(doc, ' ', n);
	doc[n] = '\0';
	assert_int_equal(hostmeta_parse_xml(&hm, doc, n, &err), -1);
	assert_non_null(strstr(err, "too large"));
	free(err);
	assert_int_equal(hostmeta_parse_json(&hm, doc, n, &err), -1);
	free(err);
	free(doc);
}

static void test_json_links(void **state)
{
	struct hostmeta hm = { 0 };
	char *err = NULL;

	(void)state;
	assert_int_equal(json(&hm,
		"{\"links\": ["
		"{\"rel\": \"" WS "\", \"href\": \"wss://example.org/ws\"},"
		"{\"rel\": \"" BOSH "\", \"href\": \"https://example.org/bosh\"},"
		"{\"rel\": \"" BOSH "\", \"href\": 7},"
		"{\"rel\": 1, \"href\": \"https://x/\"},"
		"\"a string\", null, [],"
		"{\"rel\": \"" WS "\", \"href\": \"wss://a/\\u0000b\"},"
		"{\"rel\": \"" WS "\", \"href\": \"ws://plain/\"}"
		"]}\n", &err), 0);
	assert_null(err);
	assert_int_equal(hm.nwebsocket, 1);
	assert_string_equal(hm.websocket[0], "wss://example.org/ws");
	assert_int_equal(hm.nbosh, 1);
	assert_string_equal(hm.bosh[0], "https://example.org/bosh");
	hostmeta_clear(&hm);
	/* no links at all is not an error */
	assert_int_equal(json(&hm, "{\"subject\": \"x\"}", &err), 0);
	assert_int_equal(hm.nwebsocket + hm.nbosh, 0);
}

static void test_json_refused(void **state)
{
	static const char *const bad[] = {
		"", "{", "[1, 2]", "\"links\"", "{} {}", "{\"links\": [}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct hostmeta hm = { 0 };
		char *err = NULL;

		assert_int_equal(json(&hm, bad[i], &err), -1);
		assert_non_null(err);
		free(err);
		hostmeta_clear(&hm);
	}
}

/* Both documents of one domain add up, without duplicates. */
static void test_both_documents(void **state)
{
	struct hostmeta hm = { 0 };
	char *err = NULL;

	(void)state;
	assert_int_equal(xml(&hm, XRD_OPEN "<Link rel='" WS
			     "' href='wss://a/'/></XRD>", &err), 0);
	assert_int_equal(json(&hm, "{\"links\": [{\"rel\": \"" WS "\", "
			      "\"href\": \"wss://a/\"}, {\"rel\": \"" WS
			      "\", \"href\": \"wss://b/\"}]}", &err), 0);
	assert_int_equal(hm.nwebsocket, 2);
	assert_string_equal(hm.websocket[1], "wss://b/");
	hostmeta_clear(&hm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonc_loaded_when_used),
		cmocka_unit_test(test_xml_links),
		cmocka_unit_test(test_xml_refused),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_json_links),
		cmocka_unit_test(test_json_refused),
		cmocka_unit_test(test_both_documents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
