/* confuse: libconfuse loaded for a read (see confuse.h). */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "util/confuse.h"
#include "util/dl.h"
#include "util/xmem.h"

#define CONFUSE_LIBRARY "libconfuse.so.2"

struct confuse_fns confuse;

static void *lib;
static unsigned users;

int confuse_open(char **err)
{
	static const struct dl_sym syms[] = {
		DL_SYM(confuse.cfg_init, "cfg_init"),
		DL_SYM(confuse.cfg_set_error_function, "cfg_set_error_function"),
		DL_SYM(confuse.cfg_set_validate_func, "cfg_set_validate_func"),
		DL_SYM(confuse.cfg_parse, "cfg_parse"),
		DL_SYM(confuse.cfg_parse_buf, "cfg_parse_buf"),
		DL_SYM(confuse.cfg_free, "cfg_free"),
		DL_SYM(confuse.cfg_error, "cfg_error"),
		DL_SYM(confuse.cfg_title, "cfg_title"),
		DL_SYM(confuse.cfg_name, "cfg_name"),
		DL_SYM(confuse.cfg_size, "cfg_size"),
		DL_SYM(confuse.cfg_getstr, "cfg_getstr"),
		DL_SYM(confuse.cfg_getnstr, "cfg_getnstr"),
		DL_SYM(confuse.cfg_getint, "cfg_getint"),
		DL_SYM(confuse.cfg_getnint, "cfg_getnint"),
		DL_SYM(confuse.cfg_getbool, "cfg_getbool"),
		DL_SYM(confuse.cfg_getnbool, "cfg_getnbool"),
		DL_SYM(confuse.cfg_getfloat, "cfg_getfloat"),
		DL_SYM(confuse.cfg_getsec, "cfg_getsec"),
		DL_SYM(confuse.cfg_getnsec, "cfg_getnsec"),
		DL_SYM(confuse.cfg_opt_name, "cfg_opt_name"),
		DL_SYM(confuse.cfg_opt_size, "cfg_opt_size"),
		DL_SYM(confuse.cfg_opt_getnstr, "cfg_opt_getnstr"),
		DL_SYM(confuse.cfg_opt_getnint, "cfg_opt_getnint"),
		DL_SYM(confuse.cfg_opt_getnbool, "cfg_opt_getnbool"),
		DL_SYM(confuse.cfg_opt_getnfloat, "cfg_opt_getnfloat"),
		DL_SYM(confuse.cfg_opt_getnsec, "cfg_opt_getnsec"),
	};
	char *why = NULL;

	if (users > 0) {
		users++;
		return 0;
	}
	lib = dl_load(CONFUSE_LIBRARY, "libconfuse2", syms,
		      sizeof syms / sizeof *syms, &why);
	if (!lib) {
		memset(&confuse, 0, sizeof confuse);
		*err = xasprintf("reading the configuration needs %s", why);
		free(why);
		return -1;
	}
	users = 1;
	return 0;
}

void confuse_close(void)
{
	if (users == 0 || --users > 0)
		return;
	dlclose(lib);
	lib = NULL;
	memset(&confuse, 0, sizeof confuse);
}
