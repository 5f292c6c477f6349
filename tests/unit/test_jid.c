/* test_jid: util/jid.h.
 *
 * Covers jid_parse on valid JIDs (bare, domain only, with a resource that
 * may itself hold '@' and '/', the trailing dot of the domain, the domain
 * lowercased, the 1023-byte limit), on invalid ones (empty parts or
 * domain labels, the characters RFC 7622 forbids in a localpart,
 * over-long parts), and the helpers jid_bare, jid_full, jid_valid,
 * jid_bare_of and jid_local_of.
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

#include "util/jid.h"

/* Parses s, which must be valid, and checks each part (NULL: absent). */
static void check_parse(const char *s, const char *local, const char *domain,
			const char *resource)
{
	struct jid j;

	assert_int_equal(jid_parse(s, &j), 0);
	if (local)
		assert_string_equal(j.local, local);
	else
		assert_null(j.local);
	assert_string_equal(j.domain, domain);
	if (resource)
		assert_string_equal(j.resource, resource);
	else
		assert_null(j.resource);
	jid_clear(&j);
	assert_null(j.local);
	assert_null(j.domain);
	assert_null(j.resource);
}

/* s must be refused, and *out left zeroed. */
static void check_invalid(const char *s)
{
	struct jid j;

	memset(&j, 0xA5, sizeof j);
	assert_int_equal(jid_parse(s, &j), -1);
	assert_null(j.local);
	assert_null(j.domain);
	assert_null(j.resource);
	assert_false(jid_valid(s));
	assert_null(jid_bare_of(s));
}

/* A string of n copies of c; the caller frees it. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_valid_bare(void **state)
{
	(void)state;
	check_parse("alice@example.com", "alice", "example.com", NULL);
	assert_true(jid_valid("alice@example.com"));
}

static void test_valid_domain_only(void **state)
{
	(void)state;
	check_parse("example.com", NULL, "example.com", NULL);
	check_parse("localhost", NULL, "localhost", NULL);
	assert_true(jid_valid("example.com"));
}

static void test_valid_resource(void **state)
{
	(void)state;
	check_parse("alice@example.com/laptop", "alice", "example.com",
		    "laptop");
	check_parse("example.com/res", NULL, "example.com", "res");
	/* the resource may hold spaces */
	check_parse("a@b/my phone", "a", "b", "my phone");
}

static void test_resource_with_at_and_slash(void **state)
{
	(void)state;
	/* only the first '/' splits; an '@' after it belongs to the resource */
	check_parse("alice@example.com/x@y/z", "alice", "example.com", "x@y/z");
	check_parse("example.com/user@host", NULL, "example.com", "user@host");
	check_parse("a@b//", "a", "b", "/");
}

static void test_trailing_dot_dropped(void **state)
{
	(void)state;
	check_parse("alice@example.com.", "alice", "example.com", NULL);
	check_parse("example.com.", NULL, "example.com", NULL);
	check_parse("alice@example.com./r", "alice", "example.com", "r");
}

static void test_domain_lowercased(void **state)
{
	(void)state;
	/* the domain is lowercased; localpart and resource are not */
	check_parse("Alice@Example.COM/Laptop", "Alice", "example.com",
		    "Laptop");
	check_parse("EXAMPLE.ORG", NULL, "example.org", NULL);
	/* ASCII letters only: a UTF-8 domain keeps its bytes */
	check_parse("Bob@M\xc3\x84rchen.DE/x", "Bob", "m\xc3\x84rchen.de", "x");
}

/* The three parts share one allocation that jid_clear() frees (the
 * sanitizer build sees a leak or a double free); structs may be
 * swapped before they are cleared, as message_read() does. */
static void test_one_allocation(void **state)
{
	struct jid a, b, t;

	(void)state;
	assert_int_equal(jid_parse("room@muc.example.org/guest0001", &a), 0);
	assert_int_equal(jid_parse("example.org", &b), 0);
	t = a;
	a = b;
	b = t;
	assert_null(a.local);
	assert_null(a.resource);
	assert_string_equal(b.local, "room");
	assert_string_equal(b.domain, "muc.example.org");
	assert_string_equal(b.resource, "guest0001");
	jid_clear(&a);
	jid_clear(&b);
	assert_null(b.local);
	assert_null(b.domain);
	assert_null(b.resource);
	jid_clear(&b); /* twice is harmless */
}

static void test_invalid_empty(void **state)
{
	(void)state;
	check_invalid("");
	check_invalid("@");
	check_invalid("/");
	check_invalid("@/");
	check_invalid(".");
	check_invalid("a@.");
	assert_int_equal(jid_parse(NULL, &(struct jid){ 0 }), -1);
	assert_false(jid_valid(NULL));
}

static void test_invalid_missing_parts(void **state)
{
	(void)state;
	check_invalid("@example.com");   /* empty localpart */
	check_invalid("user@");          /* empty domain */
	check_invalid("user@/res");      /* empty domain, with resource */
	check_invalid("a@b/");           /* empty resource */
	check_invalid("example.com/");   /* empty resource, no localpart */
	check_invalid("/res");           /* empty domain */
}

/* Found by fuzz_jid: "b.." lost one dot per parse ("b." then "b"), so
 * the same entity compared unequal to itself. A domain has no empty
 * label: only one final dot may go, and none may lead or double. */
static void test_invalid_empty_label(void **state)
{
	(void)state;
	check_invalid("b..");
	check_invalid("alice@example.com..");
	check_invalid("alice@example..com");
	check_invalid("alice@.example.com");
	check_invalid(".example.com/r");
	check_invalid("a@b../r");
	check_parse("a@b./r", "a", "b", "r");
}

static void test_invalid_localpart_chars(void **state)
{
	static const char *const bad[] = {
		"a\"b@example.com", "a&b@example.com", "a'b@example.com",
		"a:b@example.com",  "a<b@example.com", "a>b@example.com",
		"a b@example.com",  "\"@example.com",  "a\tb@example.com",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		check_invalid(bad[i]);
	/* a second '@' lands in the domain, where it is forbidden too */
	check_invalid("a@b@example.com");
	/* and a space in the domain */
	check_invalid("a@exa mple.com");
	/* control characters in the resource */
	check_invalid("a@b/x\x01y");
}

static void test_part_length_limit(void **state)
{
	char *p1023 = repeat('a', 1023), *p1024 = repeat('a', 1024);
	char *s;

	(void)state;
	/* 1023 bytes is allowed in every part */
	s = malloc(3 * 1023 + 3);
	assert_non_null(s);
	sprintf(s, "%s@%s/%s", p1023, p1023, p1023);
	assert_true(jid_valid(s));
	free(s);

	s = malloc(1024 + 16);
	assert_non_null(s);
	sprintf(s, "%s@example.com", p1024);
	check_invalid(s);
	sprintf(s, "user@%s", p1024);
	check_invalid(s);
	sprintf(s, "%s", p1024);
	check_invalid(s);
	sprintf(s, "a@b/%s", p1024);
	check_invalid(s);
	free(s);
	free(p1023);
	free(p1024);
}

static void test_bare_full(void **state)
{
	struct jid j;
	char *s;

	(void)state;
	assert_int_equal(jid_parse("Alice@Example.com/Phone", &j), 0);
	s = jid_bare(&j);
	assert_string_equal(s, "Alice@example.com");
	free(s);
	s = jid_full(&j);
	assert_string_equal(s, "Alice@example.com/Phone");
	free(s);
	jid_clear(&j);

	assert_int_equal(jid_parse("example.com/r", &j), 0);
	s = jid_bare(&j);
	assert_string_equal(s, "example.com");
	free(s);
	s = jid_full(&j);
	assert_string_equal(s, "example.com/r");
	free(s);
	jid_clear(&j);

	/* without a resource the full JID is the bare one */
	assert_int_equal(jid_parse("bob@example.net.", &j), 0);
	s = jid_full(&j);
	assert_string_equal(s, "bob@example.net");
	free(s);
	jid_clear(&j);
}

static void test_bare_of(void **state)
{
	char *s;

	(void)state;
	s = jid_bare_of("alice@EXAMPLE.com/x@y/z");
	assert_string_equal(s, "alice@example.com");
	free(s);
	s = jid_bare_of("example.com/res");
	assert_string_equal(s, "example.com");
	free(s);
	s = jid_bare_of("bob@example.org");
	assert_string_equal(s, "bob@example.org");
	free(s);
	assert_null(jid_bare_of("bob@"));
	assert_null(jid_bare_of("a<b@example.org"));
}

static void test_local_of(void **state)
{
	char *s;

	(void)state;
	s = jid_local_of("alice@example.com");
	assert_string_equal(s, "alice");
	free(s);
	s = jid_local_of("bob@example.org/desk@home");
	assert_string_equal(s, "bob");
	free(s);
	s = jid_local_of("@example.org");
	assert_string_equal(s, "");
	free(s);
	/* no localpart: a domain, or an '@' only in the resource */
	assert_null(jid_local_of("example.com"));
	assert_null(jid_local_of("example.com/x@y"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bare),
		cmocka_unit_test(test_valid_domain_only),
		cmocka_unit_test(test_valid_resource),
		cmocka_unit_test(test_resource_with_at_and_slash),
		cmocka_unit_test(test_trailing_dot_dropped),
		cmocka_unit_test(test_domain_lowercased),
		cmocka_unit_test(test_one_allocation),
		cmocka_unit_test(test_invalid_empty),
		cmocka_unit_test(test_invalid_missing_parts),
		cmocka_unit_test(test_invalid_empty_label),
		cmocka_unit_test(test_invalid_localpart_chars),
		cmocka_unit_test(test_part_length_limit),
		cmocka_unit_test(test_bare_full),
		cmocka_unit_test(test_bare_of),
		cmocka_unit_test(test_local_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
