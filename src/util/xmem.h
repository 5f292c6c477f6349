/* xmem: allocation that cannot fail.
 *
 * Out of memory is not something a chat client can recover from in any
 * useful way, so every allocation goes through these wrappers, which
 * abort with a message instead of returning NULL. Callers own what they
 * get back and release it with free() (or the module's own *_free).
 */
#ifndef NATTER_UTIL_XMEM_H
#define NATTER_UTIL_XMEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows *arr (of *cap elements of size elem) to hold at least need. */
void xgrow(void **arr, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Frees *p and clears it. */
void xfree(char **p);

#endif
