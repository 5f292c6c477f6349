/* dl: loading a library and its table of functions (see dl.h). */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "util/dl.h"
#include "util/xmem.h"

void *dl_load(const char *name, const char *package,
	      const struct dl_sym *syms, size_t n, char **why)
{
	void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!lib) {
		const char *e = dlerror();

		*why = xasprintf("%s (the Debian package %s), which cannot be "
				 "loaded: %s", name, package,
				 e ? e : "unknown error");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		void *f = dlsym(lib, syms[i].name);

		*(void **)syms[i].fn = f;
		if (!f && !syms[i].optional) {
			*why = xasprintf("%s (the Debian package %s), which "
					 "cannot be loaded: it has no %s",
					 name, package, syms[i].name);
			dlclose(lib);
			return NULL;
		}
	}
	return lib;
}
