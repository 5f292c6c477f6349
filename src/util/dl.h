/* dl: a shared library loaded on first use, and its table of functions.
 *
 * Optional libraries (libcurl, json-c, libmagic, libuv,
 * libwebsockets, and libcares) are dlopen()ed the first time they are needed, so a
 * session that never needs one does not map it; each module keeps a
 * static struct of function pointers that dl_load fills from a table
 * of names.
 */
#ifndef NATTER_UTIL_DL_H
#define NATTER_UTIL_DL_H

#include <stdbool.h>
#include <stddef.h>

/* One function to resolve: its name, and the address of the function
 * pointer it goes to. An optional one may be missing (left NULL). */
struct dl_sym {
	const char *name;
	void *fn;
	bool optional;
};

#define DL_SYM(field, name) { (name), (void *)&(field), false }
#define DL_SYM_OPTIONAL(field, name) { (name), (void *)&(field), true }

/* Opens library name (RTLD_NOW | RTLD_LOCAL), which Debian's package
 * installs, and resolves the n functions of syms. Returns its handle,
 * or NULL with nothing left open and *why (the caller's) saying so for
 * the user: "NAME (the Debian package PACKAGE), which cannot be loaded:
 * " then dlerror()'s words or the function it lacks; callers put what
 * needs it in front ("WebSocket needs …"). */
void *dl_load(const char *name, const char *package,
	      const struct dl_sym *syms, size_t n, char **why);

#endif
