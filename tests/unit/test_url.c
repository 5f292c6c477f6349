/* Tests for util/url: links found in text as a reader sees them, and
 * the names downloads take. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/account.h"
#include "core/conf.h"
#include "core/transfer.h"
#include "core/window.h"
#include "util/url.h"

/* The links of text, joined with '|'. */
static char *links(const char *text)
{
	static char out[1024];
	const char *p = text, *u;
	size_t len;

	out[0] = '\0';
	while (url_next(p, &u, &len)) {
		if (out[0])
			strcat(out, "|");
		strncat(out, u, len);
		p = u + len;
	}
	return out;
}

static void test_next(void **state)
{
	(void)state;
	assert_string_equal(links("see https://a.example/x and http://b/y."),
			    "https://a.example/x|http://b/y");
	/* brackets and quotes around it are not part of it */
	assert_string_equal(links("(https://a.example/x) \"http://b/c\""),
			    "https://a.example/x|http://b/c");
	/* a bracket that belongs to the address stays */
	assert_string_equal(links("https://en.wikipedia.org/wiki/C_(language)"),
			    "https://en.wikipedia.org/wiki/C_(language)");
	assert_string_equal(links("end: https://a.example/q?x=1!"),
			    "https://a.example/q?x=1");
	/* not inside a word, not without a host, not other schemes */
	assert_string_equal(links("xhttps://a.example http:// ftp://c/d"), "");
	assert_string_equal(links("HTTPS://A.EXAMPLE/"), "HTTPS://A.EXAMPLE/");
	/* found by its "://": at the very start, after one alone or in
	 * a word, after a "://" of no address, scheme in any case */
	assert_string_equal(links("http://a/ http:// https://b/"),
			    "http://a/|https://b/");
	assert_string_equal(links("hhttp://x/ :// a:// HtTp://c/"),
			    "HtTp://c/");
	assert_string_equal(links("(https://a/)://x http://b"),
			    "https://a/|http://b");
	assert_string_equal(links("no address here, not one: the end"), "");
	/* a control character ends it */
	assert_string_equal(links("https://a.example/\x1b[31mred"),
			    "https://a.example/");
}

static void test_file_name(void **state)
{
	char *n;

	(void)state;
	n = url_file_name("https://h/dir/report.pdf?x=1#top");
	assert_string_equal(n, "report.pdf");
	free(n);
	n = url_file_name("https://h/a/..%2F..%2F.hidden%1B%5B31m.txt");
	assert_string_equal(n, "_.._.hidden[31m.txt");
	free(n);
	n = url_file_name("https://h/");
	assert_string_equal(n, "download");
	free(n);
	n = url_file_name("https://h");
	assert_string_equal(n, "download");
	free(n);
	n = url_file_name("https://h/...");
	assert_string_equal(n, "download");
	free(n);
	n = url_file_name("https://h/a%5Cb%3Ac%2");
	assert_string_equal(n, "a_b_c%2");
	free(n);
	{
		char url[400] = "https://h/";

		memset(url + 10, 'x', 300);
		strcpy(url + 310, ".tar.gz");
		n = url_file_name(url);
		assert_int_equal(strlen(n), URL_NAME_MAX);
		assert_string_equal(n + URL_NAME_MAX - 3, ".gz");
		free(n);
	}
	/* UTF-8 is cut on a character boundary */
	{
		char url[400] = "https://h/";
		size_t i;

		for (i = 0; i < 100; i++)
			strcat(url, "\xc3\xa9");
		n = url_file_name(url);
		assert_true(strlen(n) <= URL_NAME_MAX);
		assert_int_equal(strlen(n) % 2, 0);
		free(n);
	}
}

static void test_host(void **state)
{
	char *h;

	(void)state;
	h = url_host("https://user@[::1]:8443/x");
	assert_string_equal(h, "::1");
	free(h);
	h = url_host("http://Example.org:80");
	assert_string_equal(h, "Example.org");
	free(h);
	assert_null(url_host("ftp://x/y"));
	assert_null(url_host("https:///x"));
}

static void test_window_links(void **state)
{
	struct window *w = win_new(WIN_CHAT, "bob", 100);
	char text[64];

	(void)state;
	win_add_msg(w, 0, LINE_MSG_IN, 0, "bob", "a https://a/1 b https://a/2",
		    NULL);
	win_add(w, 0, LINE_INFO, "not a message: https://a/info");
	assert_int_equal(w->nlinks, 2);
	assert_string_equal(win_link(w, 1), "https://a/2");
	assert_string_equal(win_link(w, 2), "https://a/1");
	assert_null(win_link(w, 3));
	assert_null(win_link(w, 0));
	/* seen again: the newest, once */
	win_add_msg(w, 0, LINE_MSG_OUT, 0, "me", "https://a/1", NULL);
	assert_int_equal(w->nlinks, 2);
	assert_string_equal(win_link(w, 1), "https://a/1");
	/* the oldest fall off */
	for (int i = 0; i < WIN_LINKS + 5; i++) {
		snprintf(text, sizeof text, "https://b/%d", i);
		win_add_msg(w, 0, LINE_MSG_IN, 0, "bob", text, NULL);
	}
	assert_int_equal(w->nlinks, WIN_LINKS);
	snprintf(text, sizeof text, "https://b/%d", WIN_LINKS + 4);
	assert_string_equal(win_link(w, 1), text);
	assert_string_equal(win_link(w, WIN_LINKS), "https://b/5");
	win_free(&w);
}

/* An account's tls = "trust" covers its own server's host only. */
static void test_trust_scope(void **state)
{
	struct account_conf c = { .tls = TLS_TRUST, .server = "10.0.0.1" };
	struct account a = { .conf = &c, .domain = "example.org" };

	(void)state;
	assert_true(transfer_trust_applies(&a, "example.org"));
	assert_true(transfer_trust_applies(&a, "EXAMPLE.org"));
	assert_true(transfer_trust_applies(&a, "10.0.0.1"));
	assert_false(transfer_trust_applies(&a, "upload.example.org"));
	assert_false(transfer_trust_applies(&a, "evil.example"));
	c.tls = TLS_REQUIRED;
	assert_false(transfer_trust_applies(&a, "example.org"));
}

/* One percent-decoding for URLs' names and proxy credentials. */
static void test_pct_decode(void **state)
{
	char *d;

	(void)state;
	d = url_pct_decode("a%20b%3a%3Ac", 12, true);
	assert_string_equal(d, "a b::c");
	free(d);
	d = url_pct_decode("x%41yz", 4, true); /* only n bytes */
	assert_string_equal(d, "xA");
	free(d);
	assert_null(url_pct_decode("a%2", 3, true));
	assert_null(url_pct_decode("a%zzb", 5, true));
	assert_null(url_pct_decode("a%00b", 5, true));
	d = url_pct_decode("a%2", 3, false);
	assert_string_equal(d, "a%2");
	free(d);
	d = url_pct_decode("a%00b%zz%41", 11, false);
	assert_string_equal(d, "a%00b%zzA");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_window_links),
		cmocka_unit_test(test_trust_scope),
		cmocka_unit_test(test_pct_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
