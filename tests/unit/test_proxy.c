/* test_proxy: core/proxy.h.
 *
 * Parsing natterrc's and the environment's proxy URLs: both schemes
 * (socks5h as a synonym), credentials with %-escapes, IPv6 in
 * brackets, "none" and "", a trailing "/", and every refusal (no
 * scheme, another scheme, no port, a bad port, a path, a broken
 * escape, an empty user, a host with a character no host has), with
 * messages that never quote the password. libcurl's form and the words
 * for messages. NO_PROXY matching (names, subdomains, leading dots,
 * "*", ports, IPv4 and IPv6 addresses and networks). proxy_choose:
 * natterrc first, then ALL_PROXY/all_proxy unless NO_PROXY/no_proxy
 * names the host, and a bad ALL_PROXY reported as such.
 * proxy_for_http for the HTTP engine.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/proxy.h"

static void parse_ok(const char *s, struct proxy *p)
{
	char *err = NULL;

	assert_int_equal(proxy_parse(s, p, &err), 0);
	assert_null(err);
}

static char *parse_err(const char *s)
{
	struct proxy p;
	char *err = NULL;

	assert_int_equal(proxy_parse(s, &p, &err), -1);
	assert_non_null(err);
	assert_int_equal(p.kind, PROXY_NONE);
	assert_null(p.host);
	return err;
}

static void test_socks5(void **state)
{
	struct proxy p;
	char *s;

	(void)state;
	parse_ok("socks5://127.0.0.1:9050", &p);
	assert_int_equal(p.kind, PROXY_SOCKS5);
	assert_string_equal(p.host, "127.0.0.1");
	assert_int_equal(p.port, 9050);
	assert_null(p.user);
	assert_null(p.pass);
	s = proxy_curl_url(&p);
	assert_string_equal(s, "socks5h://127.0.0.1:9050");
	free(s);
	s = proxy_describe(&p);
	assert_string_equal(s, "the SOCKS5 proxy 127.0.0.1:9050");
	free(s);
	proxy_clear(&p);
	parse_ok("SOCKS5H://Proxy.Example:1080/", &p);
	assert_int_equal(p.kind, PROXY_SOCKS5);
	assert_string_equal(p.host, "Proxy.Example");
	assert_int_equal(p.port, 1080);
	proxy_clear(&p);
}

static void test_http_with_credentials(void **state)
{
	struct proxy p;
	char *s;

	(void)state;
	parse_ok("http://al%40ice:p%3As@s@[::1]:3128", &p);
	assert_int_equal(p.kind, PROXY_HTTP);
	assert_string_equal(p.user, "al@ice");
	/* the last '@' ends the credentials */
	assert_string_equal(p.pass, "p:s@s");
	assert_string_equal(p.host, "::1");
	assert_int_equal(p.port, 3128);
	s = proxy_curl_url(&p);
	assert_string_equal(s, "http://al%40ice:p%3As%40s@[::1]:3128");
	free(s);
	s = proxy_describe(&p);
	assert_string_equal(s, "the HTTP proxy [::1]:3128");
	assert_null(strstr(s, "p:s"));
	free(s);
	proxy_clear(&p);
	assert_null(p.pass);
	parse_ok("socks5://bob@h:1", &p);
	assert_string_equal(p.user, "bob");
	assert_null(p.pass);
	s = proxy_curl_url(&p);
	assert_string_equal(s, "socks5h://bob@h:1");
	free(s);
	proxy_clear(&p);
}

static void test_none(void **state)
{
	struct proxy p;
	char *s;

	(void)state;
	parse_ok("none", &p);
	assert_int_equal(p.kind, PROXY_NONE);
	s = proxy_curl_url(&p);
	assert_string_equal(s, "");
	free(s);
	proxy_clear(&p);
	parse_ok("", &p);
	assert_int_equal(p.kind, PROXY_NONE);
}

static void test_refusals(void **state)
{
	static const struct {
		const char *in, *says;
	} cases[] = {
		{ "127.0.0.1:1080", "no scheme" },
		{ "socks4://h:1080", "SOCKS5 and HTTP proxies only" },
		{ "https://h:443", "SOCKS5 and HTTP proxies only" },
		{ "socks5://h", "no port" },
		{ "socks5://h:", "no port" },
		{ "socks5://h:0", "1 to 65535" },
		{ "socks5://h:65536", "1 to 65535" },
		{ "socks5://h:12a", "1 to 65535" },
		{ "socks5://h:-1", "1 to 65535" },
		{ "http://h:8080/path", "no path" },
		{ "http://h:8080?q", "no path" },
		{ "socks5://u:secret%zz@h:1", "broken" },
		{ "socks5://u:secret%00@h:1", "broken" },
		{ "socks5://:secret@h:1", "user name is empty" },
		{ "socks5://:1080", "no host name" },
		{ "socks5://h st:1", "cannot hold" },
		{ "socks5://[::1:1080", "closing" },
		{ "socks5://[nothost]:1080", "not an IPv6 address" },
		{ "socks5://[::1]x:1080", "follows" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *err = parse_err(cases[i].in);

		if (!strstr(err, cases[i].says))
			fail_msg("%s: \"%s\" does not say \"%s\"", cases[i].in,
				 err, cases[i].says);
		/* the password never shows */
		assert_null(strstr(err, "secret"));
		free(err);
	}
}

static void test_no_proxy(void **state)
{
	(void)state;
	assert_true(proxy_no_proxy_matches("*", "anything.org"));
	assert_true(proxy_no_proxy_matches("example.org", "example.org"));
	assert_true(proxy_no_proxy_matches("example.org", "xmpp.EXAMPLE.org"));
	assert_true(proxy_no_proxy_matches(".example.org", "xmpp.example.org"));
	assert_true(proxy_no_proxy_matches(".example.org", "example.org"));
	assert_false(proxy_no_proxy_matches("example.org", "badexample.org"));
	assert_false(proxy_no_proxy_matches("example.org", "example.org.evil"));
	assert_true(proxy_no_proxy_matches(" a.net , example.org:5222",
					   "example.org"));
	assert_true(proxy_no_proxy_matches("localhost,127.0.0.1", "127.0.0.1"));
	assert_false(proxy_no_proxy_matches("127.0.0.1", "127.0.0.2"));
	assert_true(proxy_no_proxy_matches("10.0.0.0/8", "10.1.2.3"));
	assert_false(proxy_no_proxy_matches("10.0.0.0/8", "11.1.2.3"));
	assert_false(proxy_no_proxy_matches("10.0.0.0/8", "ten.example"));
	assert_true(proxy_no_proxy_matches("::1", "0:0::1"));
	assert_true(proxy_no_proxy_matches("[::1]:5222", "::1"));
	assert_true(proxy_no_proxy_matches("fd00::/8", "fd12::5"));
	assert_false(proxy_no_proxy_matches("fd00::/8", "fe80::1"));
	assert_false(proxy_no_proxy_matches("", "example.org"));
	assert_false(proxy_no_proxy_matches(NULL, "example.org"));
	assert_false(proxy_no_proxy_matches(",, ,", "example.org"));
}

static void clear_env(void)
{
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
}

static void test_choose(void **state)
{
	struct proxy p;
	char *err = NULL;

	(void)state;
	clear_env();
	/* nothing anywhere: direct */
	assert_int_equal(proxy_choose(NULL, "example.org", &p, &err), 0);
	assert_int_equal(p.kind, PROXY_NONE);
	/* the environment */
	setenv("ALL_PROXY", "socks5://127.0.0.1:9050", 1);
	assert_int_equal(proxy_choose(NULL, "example.org", &p, &err), 0);
	assert_int_equal(p.kind, PROXY_SOCKS5);
	assert_int_equal(p.port, 9050);
	proxy_clear(&p);
	/* the lower-case one first */
	setenv("all_proxy", "http://127.0.0.1:3128", 1);
	assert_int_equal(proxy_choose(NULL, "example.org", &p, &err), 0);
	assert_int_equal(p.kind, PROXY_HTTP);
	proxy_clear(&p);
	/* NO_PROXY names the host: direct */
	setenv("NO_PROXY", "other.net,.example.org", 1);
	assert_int_equal(proxy_choose(NULL, "xmpp.example.org", &p, &err), 0);
	assert_int_equal(p.kind, PROXY_NONE);
	assert_int_equal(proxy_choose(NULL, "example.com", &p, &err), 0);
	assert_int_equal(p.kind, PROXY_HTTP);
	proxy_clear(&p);
	/* natterrc wins over the environment, NO_PROXY included */
	assert_int_equal(proxy_choose("socks5://[::1]:1080", "xmpp.example.org",
				      &p, &err), 0);
	assert_int_equal(p.kind, PROXY_SOCKS5);
	assert_string_equal(p.host, "::1");
	proxy_clear(&p);
	assert_int_equal(proxy_choose("none", "example.com", &p, &err), 0);
	assert_int_equal(p.kind, PROXY_NONE);
	/* a bad ALL_PROXY says where it came from */
	unsetenv("all_proxy");
	setenv("ALL_PROXY", "socks4://u:hunter2@h:1", 1);
	assert_int_equal(proxy_choose(NULL, "example.com", &p, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "ALL_PROXY"));
	assert_null(strstr(err, "hunter2"));
	free(err);
	err = NULL;
	assert_int_equal(proxy_choose("ftp://h:1", "example.com", &p, &err), -1);
	assert_non_null(strstr(err, "proxy: "));
	free(err);
	clear_env();
}

static void test_for_http(void **state)
{
	char *s;

	(void)state;
	assert_null(proxy_for_http(NULL));
	s = proxy_for_http("none");
	assert_string_equal(s, "none");
	free(s);
	s = proxy_for_http("socks5://u:p@127.0.0.1:1080");
	assert_string_equal(s, "socks5h://u:p@127.0.0.1:1080");
	free(s);
	s = proxy_for_http("http://127.0.0.1:3128/");
	assert_string_equal(s, "http://127.0.0.1:3128");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socks5),
		cmocka_unit_test(test_http_with_credentials),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_no_proxy),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_for_http),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
