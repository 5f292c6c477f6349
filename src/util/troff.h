/* troff: writing text into man(7) source, for the parts of the manual
 * natter generates from its tables (`natter --commands-man`,
 * `natter --options-man`). */
#ifndef NATTER_UTIL_TROFF_H
#define NATTER_UTIL_TROFF_H

#include <stdio.h>

/* Writes s as running text: backslashes as \e, '-' as \-, and a line
 * that would start with '.' or '\'' protected by \&. */
void troff_text(FILE *f, const char *s);
/* Writes s inside a double-quoted macro argument: as troff_text(), with
 * '"' as \(dq. */
void troff_arg(FILE *f, const char *s);

#endif
