/* fuzz_jid: JID parsing (util/jid.c) on any bytes.
 *
 * Whatever jid_parse() accepts must be a JID natter can show and
 * compare: every part is 1 to 1023 bytes of clean UTF-8 (utf8_is_clean),
 * the localpart holds none of RFC 7622's forbidden characters, the
 * domain is lowercase ASCII where it is ASCII; jid_full() parses back
 * to the same parts; jid_bare_of() and jid_valid() agree with
 * jid_parse(). Any failure aborts.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jid.h"
#include "util/utf8.h"
#include "fuzz.h"

static void fail(const char *what, const char *in)
{
	fprintf(stderr, "jid: %s: \"%s\"\n", what, in);
	abort();
}

static bool part_ok(const char *p)
{
	size_t n = strlen(p);

	return n >= 1 && n <= 1023 && utf8_is_clean(p, n);
}

static bool eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_string(data, size), *bare, *full, *b2;
	struct jid j, k;
	size_t i;

	if (jid_parse(in, &j) < 0) {
		if (jid_valid(in) || (b2 = jid_bare_of(in)) != NULL)
			fail("refused by jid_parse, accepted elsewhere", in);
		free(in);
		return 0;
	}
	if (!j.domain || !part_ok(j.domain) ||
	    (j.local && !part_ok(j.local)) ||
	    (j.resource && !part_ok(j.resource)))
		fail("a part is empty, too long or not clean", in);
	if (j.local && strpbrk(j.local, "\"&'/:<>@ "))
		fail("forbidden character in the localpart", in);
	if (strpbrk(j.domain, "@/ "))
		fail("forbidden character in the domain", in);
	for (i = 0; j.domain[i]; i++)
		if (isupper((unsigned char)j.domain[i]))
			fail("domain not lowercased", in);
	bare = jid_bare(&j);
	full = jid_full(&j);
	if (jid_parse(full, &k) < 0)
		fail("jid_full does not parse back", in);
	if (!eq(j.local, k.local) || !eq(j.domain, k.domain) ||
	    !eq(j.resource, k.resource))
		fail("jid_full parses back to other parts", in);
	b2 = jid_bare_of(in);
	if (!b2 || strcmp(b2, bare) != 0 || !jid_valid(in))
		fail("jid_bare_of or jid_valid disagree with jid_parse", in);
	free(b2);
	free(bare);
	free(full);
	jid_clear(&k);
	jid_clear(&j);
	free(in);
	return 0;
}
