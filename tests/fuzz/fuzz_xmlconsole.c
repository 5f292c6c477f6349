/* fuzz_xmlconsole: the XML console's printer and filter
 * (core/xmlconsole.h), which read whatever libstrophe logged: stanzas
 * a remote party wrote, and fragments.
 *
 * For any bytes: xmlconsole_pretty() ends, stays within its limit
 * (plus the cut note), and when its input is valid UTF-8 every row of
 * its output is clean (utf8_is_clean: no C0, DEL, C1 or bidi control);
 * xmlconsole_match() with a kind and a JID filter and
 * xmlconsole_top_elements() end without reading past the text. Any
 * failure aborts.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmlconsole.h"
#include "util/utf8.h"
#include "fuzz.h"

#define LIMIT 4096

static void check_rows(const char *in, const char *out)
{
	const char *p = out;

	for (;;) {
		size_t n = strcspn(p, "\n");

		if (!utf8_is_clean(p, n)) {
			fprintf(stderr, "xmlconsole_pretty: a row is not clean:"
				" %.*s\n  from: %s\n", (int)n, p, in);
			abort();
		}
		if (!p[n])
			break;
		p += n + 1;
	}
}

/* Whether s is valid UTF-8 (controls and all). */
static bool valid_utf8(const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);

		if (cp == 0xFFFD && (len != 3 || memcmp(s + i, "\xef\xbf\xbd", 3)))
			return false;
		i += len;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_string(data, size);
	char *out = xmlconsole_pretty(in, LIMIT);
	struct xmlconsole kind = { "iq", NULL }, jid = { NULL, "bob@x" },
			  both = { "message", "x" };

	if (strlen(out) > LIMIT + 64)
		abort();
	/* valid UTF-8 (what libstrophe hands over); invalid bytes are left
	 * to the window's sanitiser */
	if (valid_utf8(in))
		check_rows(in, out);
	(void)xmlconsole_match(&kind, in);
	(void)xmlconsole_match(&jid, in);
	(void)xmlconsole_match(&both, in);
	(void)xmlconsole_top_elements(in);
	free(out);
	free(in);
	return 0;
}
