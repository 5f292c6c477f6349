/* fuzz_natterrc: the configuration file (core/conf.c) from any bytes.
 *
 * The input is written to a private natterrc (mode 0600, as a user's
 * would be) and read with conf_load(), the pre-scan and libconfuse
 * included. A file is either refused with a message or loaded into a
 * struct config whose accounts each have a name and a valid JID; then
 * conf_account() finds each by its name and conf_clear() frees it all.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "util/confuse.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "natterrc: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *path;
	struct config cfg;
	char *err = NULL;
	size_t i;
	int fd;

	if (!path) {
		path = xasprintf("%s/natterrc", fuzz_tmpdir());
		/* kept loaded: conf_load's own open then costs nothing */
		if (confuse_open(&err) < 0)
			fail(err);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) < 0)
		fail("cannot write the file");
	if (conf_load(path, true, &cfg, &err) < 0) {
		if (!err || !*err)
			fail("refused without a message");
		free(err);
		return 0;
	}
	if (err)
		fail("loaded, with a message");
	for (i = 0; i < cfg.naccounts; i++) {
		struct account_conf *a = &cfg.accounts[i];

		if (!a->name || !a->jid || !jid_valid(a->jid))
			fail("an account without a name or a valid jid");
		if (!a->resource)
			fail("an account without a resource");
		if (conf_account(&cfg, a->name) == NULL)
			fail("conf_account cannot find an account");
	}
	if (!cfg.time_format || !cfg.autoaway_message)
		fail("a default is missing");
	conf_clear(&cfg);
	return 0;
}
