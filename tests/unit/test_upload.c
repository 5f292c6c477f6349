/* test_upload: the pure parts of HTTP File Upload (XEP-0363): the name
 * a file is offered under (its last part, with no separators, controls,
 * escape sequences or leading dots, cut to URL_NAME_MAX bytes keeping
 * its end, "file" when nothing is left), the max-file-size an upload
 * service's disco#info states (only in its own form, 0 when absent or
 * nonsense), and the MIME type libmagic reads from a file, named
 * without libmagic's database ever counting in natter's own memory (it
 * is asked in a child process). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <unistd.h>

#include "core/mime.h"
#include "core/transfer.h"
#include "util/url.h"
#include "xmpp/session.h"

static void name_is(const char *path, const char *want)
{
	char *got = transfer_upload_name(path);

	assert_string_equal(got, want);
	free(got);
}

static void test_names(void **state)
{
	char longname[400], *got;

	(void)state;
	name_is("/home/me/report.pdf", "report.pdf");
	name_is("report.pdf", "report.pdf");
	name_is("~/a b.txt", "a b.txt");
	name_is("/tmp/..hidden", "hidden");
	name_is("/tmp/ . x", "x");
	name_is("/tmp/a\\b:c", "a_b_c");
	name_is("/tmp/\x1b[31mred", "[31mred");
	name_is("/tmp/café.png", "café.png");
	name_is("/tmp/...", "file");
	name_is("/tmp/", "file");
	memset(longname, 'a', sizeof longname);
	memcpy(longname + sizeof longname - 6, ".jpeg", 6);
	got = transfer_upload_name(longname);
	assert_int_equal(strlen(got), URL_NAME_MAX);
	assert_string_equal(got + URL_NAME_MAX - 5, ".jpeg");
	free(got);
	/* a cut never splits a character */
	memset(longname, 0, sizeof longname);
	for (size_t i = 0; i + 2 < 2 * URL_NAME_MAX; i += 2)
		memcpy(longname + i, "é", 2);
	got = transfer_upload_name(longname);
	assert_true(strlen(got) <= URL_NAME_MAX);
	assert_int_equal((unsigned char)got[0], 0xC3);
	free(got);
}

static int64_t max_of(xmpp_ctx_t *ctx, const char *xml)
{
	xmpp_stanza_t *q = xmpp_stanza_new_from_string(ctx, xml);
	int64_t n;

	assert_non_null(q);
	n = upload_max_size(q);
	xmpp_stanza_release(q);
	return n;
}

#define FORM(type, max)                                                     \
	"<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' "   \
	"type='hidden'><value>" type "</value></field><field "             \
	"var='max-file-size'><value>" max "</value></field></x>"

static void test_max_size(void **state)
{
	xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);

	(void)state;
	assert_int_equal(max_of(ctx, "<query xmlns='http://jabber.org/protocol/"
				"disco#info'><feature var='urn:xmpp:http:upload:0'/>"
				FORM("urn:xmpp:http:upload:0", "5242880")
				"</query>"), 5242880);
	/* another form's field says nothing of uploads */
	assert_int_equal(max_of(ctx, "<query xmlns='http://jabber.org/protocol/"
				"disco#info'>" FORM("urn:example:other", "10")
				FORM("urn:xmpp:http:upload:0", "77")
				"</query>"), 77);
	assert_int_equal(max_of(ctx, "<query xmlns='http://jabber.org/protocol/"
				"disco#info'>" FORM("urn:example:other", "10")
				"</query>"), 0);
	assert_int_equal(max_of(ctx, "<query xmlns='http://jabber.org/protocol/"
				"disco#info'>" FORM("urn:xmpp:http:upload:0", "-5")
				"</query>"), 0);
	assert_int_equal(max_of(ctx, "<query xmlns='http://jabber.org/protocol/"
				"disco#info'>" FORM("urn:xmpp:http:upload:0", "12x")
				"</query>"), 0);
	assert_int_equal(max_of(ctx, "<query xmlns='http://jabber.org/protocol/"
				"disco#info'/>"), 0);
	assert_int_equal(upload_max_size(NULL), 0);
	xmpp_ctx_free(ctx);
}

static void type_is(const void *data, size_t len, const char *want)
{
	char path[] = "/tmp/natter-mime-XXXXXX";
	int fd = mkstemp(path);
	char *got;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	got = mime_of_fd(fd);
	assert_string_equal(got, want);
	/* read from the start, and left there for the upload */
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
	free(got);
	close(fd);
}

static void test_mime(void **state)
{
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
		'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
		0x1f, 0x15, 0xc4, 0x89,
	};

	(void)state;
	type_is(png, sizeof png, "image/png");
	type_is("hello, world\n", 13, "text/plain");
	/* an empty file has no type to tell */
	type_is("", 0, "application/octet-stream");
}

/* The kB on this process's /proc/self/status line that starts with
 * name ("VmHWM:"), or -1. */
static long status_kb(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, name, strlen(name)) == 0)
			kb = strtol(line + strlen(name), NULL, 10);
	fclose(f);
	return kb;
}

/* Whether /proc/self/maps names path's last part. */
static bool mapped(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof line, f))
		if (strstr(line, name))
			found = true;
	fclose(f);
	return found;
}

/* Bytes libmagic has no name for (as random as a compressed file's)
 * make it walk nearly all of its database, some 6 MiB of its pages:
 * in a child, so this process's peak RSS (VmHWM, reset through
 * clear_refs) does not rise by them, and nothing of it stays mapped. */
static void test_mime_memory(void **state)
{
	static unsigned char junk[64 * 1024];
	uint32_t x = 2463534242u;
	long before, after;
	size_t i;
	int fd;

	(void)state;
	for (i = 0; i < sizeof junk; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	/* the first question loads the library itself */
	type_is(junk, sizeof junk, "application/octet-stream");
	fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd < 0 || write(fd, "5", 1) != 1) {
		if (fd >= 0)
			close(fd);
		skip(); /* no way to reset the peak here */
	}
	close(fd);
	before = status_kb("VmHWM:");
	type_is(junk, sizeof junk, "application/octet-stream");
	after = status_kb("VmHWM:");
	assert_true(before > 0 && after > 0);
	assert_true(after - before < 2048);
	assert_false(mapped("magic.mgc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_max_size),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_mime_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
