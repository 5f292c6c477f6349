/* mime: a file's MIME type through libmagic, loaded on first use (see
 * mime.h).
 *
 * The library is dlopen()ed once and kept; a magic cookie (with its
 * database, 8 MiB mapped on Debian 12) lives only for one question,
 * since uploads are rare and the memory is better given back. libmagic
 * reads up to 7 MiB of a file into a buffer of its own by default: it
 * is told to read MIME_READ_MAX, enough for the types that tell
 * themselves in their first bytes (nearly all), so that a large file
 * does not cost megabytes of heap to name.
 */
#include "config.h"

#include <magic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mime.h"
#include "util/dl.h"
#include "util/log.h"
#include "util/xmem.h"

#define MAGIC_LIBRARY "libmagic.so.1"
#define MIME_UNKNOWN "application/octet-stream"
#define MIME_READ_MAX ((size_t)64 * 1024)

static struct {
	void *lib;
	bool failed;
	magic_t (*open)(int);
	void (*close)(magic_t);
	int (*load)(magic_t, const char *);
	const char *(*descriptor)(magic_t, int);
	int (*setparam)(magic_t, int, const void *); /* may be NULL */
} mg;

static bool magic_loaded(void)
{
	static const struct dl_sym syms[] = {
		DL_SYM(mg.open, "magic_open"),
		DL_SYM(mg.close, "magic_close"),
		DL_SYM(mg.load, "magic_load"),
		DL_SYM(mg.descriptor, "magic_descriptor"),
		DL_SYM_OPTIONAL(mg.setparam, "magic_setparam"),
	};
	char *why = NULL;

	if (mg.lib)
		return true;
	if (mg.failed)
		return false;
	mg.lib = dl_load(MAGIC_LIBRARY, "libmagic1", syms,
			 sizeof syms / sizeof *syms, &why);
	if (mg.lib)
		return true;
	log_msg(LOG_WARN, "mime", "naming a file's type needs %s; files are "
		"sent as %s", why, MIME_UNKNOWN);
	free(why);
	mg.failed = true;
	return false;
}

/* Whether t looks like "type/subtype" and nothing else, and says more
 * than "bytes": libmagic's names for an empty file or a file system
 * object are not content types. */
static bool plausible(const char *t)
{
	const char *slash = t ? strchr(t, '/') : NULL;

	if (!slash || slash == t || !slash[1] || strlen(t) > 127 ||
	    strncmp(t, "inode/", 6) == 0 || strcmp(t, "application/x-empty") == 0)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || strchr("/.+-_", *t)))
			return false;
	return true;
}

char *mime_of_fd(int fd)
{
	magic_t m;
	char *out = NULL;

	/* libmagic reads from where the offset is */
	lseek(fd, 0, SEEK_SET);
	if (magic_loaded() && (m = mg.open(MAGIC_MIME_TYPE | MAGIC_ERROR))) {
		size_t max = MIME_READ_MAX;

		if (mg.setparam)
			mg.setparam(m, MAGIC_PARAM_BYTES_MAX, &max);
		if (mg.load(m, NULL) == 0) {
			const char *t = mg.descriptor(m, fd);

			if (plausible(t))
				out = xstrdup(t);
		}
		mg.close(m);
	}
	lseek(fd, 0, SEEK_SET);
	return out ? out : xstrdup(MIME_UNKNOWN);
}
