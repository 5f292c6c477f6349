/* troff: escaping text for man(7) source (see troff.h). */
#include "config.h"

#include <stdbool.h>

#include "util/troff.h"

static void put(FILE *f, const char *s, bool quoted)
{
	int bol = 1;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else if (*s == '"' && quoted)
			fputs("\\(dq", f);
		else
			fputc(*s, f);
	}
}

void troff_text(FILE *f, const char *s)
{
	put(f, s, false);
}

void troff_arg(FILE *f, const char *s)
{
	put(f, s, true);
}
