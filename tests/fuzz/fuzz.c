/* fuzz: shared helpers of the fuzz targets (see fuzz.h). */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xmem.h"
#include "fuzz.h"

static char *tmpdir;

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tmpdir(void)
{
	if (tmpdir)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmpdir);
	tmpdir = NULL;
}

const char *fuzz_tmpdir(void)
{
	if (tmpdir)
		return tmpdir;
	tmpdir = xstrdup("/tmp/natter-fuzz-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("natter fuzz: mkdtemp");
		abort();
	}
	/* natter's paths (history, pins, CAPTCHA files) land in here */
	setenv("XDG_DATA_HOME", tmpdir, 1);
	setenv("XDG_STATE_HOME", tmpdir, 1);
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	atexit(rm_tmpdir);
	return tmpdir;
}

char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
