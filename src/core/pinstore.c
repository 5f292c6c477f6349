/* pinstore: the trusted-certificate store (see pinstore.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/pinstore.h"
#include "util/xmem.h"

#define SHA256_LEN 32

char *pin_normalize(const char *fp)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(SHA256_LEN * 3);
	size_t nibbles = 0, o = 0;

	for (; *fp; fp++) {
		int c = toupper((unsigned char)*fp);

		if (c == ':' || c == ' ')
			continue;
		if (!isxdigit(c) || nibbles >= SHA256_LEN * 2)
			goto bad;
		if (nibbles && nibbles % 2 == 0)
			out[o++] = ':';
		out[o++] = hex[isdigit(c) ? c - '0' : c - 'A' + 10];
		nibbles++;
	}
	if (nibbles != SHA256_LEN * 2)
		goto bad;
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static void put(struct pinstore *ps, const char *domain, char *fp)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		if (strcasecmp(ps->pins[i].domain, domain) == 0) {
			free(ps->pins[i].fingerprint);
			ps->pins[i].fingerprint = fp;
			return;
		}
	}
	xgrow((void **)&ps->pins, &ps->cap, ps->n + 1, sizeof *ps->pins);
	ps->pins[ps->n].domain = xstrdup(domain);
	ps->pins[ps->n].fingerprint = fp;
	ps->n++;
}

int pinstore_load(struct pinstore *ps, const char *path)
{
	char line[1024];
	FILE *f;

	memset(ps, 0, sizeof *ps);
	ps->path = xstrdup(path);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof line, f)) {
		char domain[512], fpbuf[256], *fp;

		if (line[0] == '#' || sscanf(line, "%511s %255s", domain, fpbuf) != 2)
			continue;
		fp = pin_normalize(fpbuf);
		if (fp)
			put(ps, domain, fp);
	}
	fclose(f);
	return 0;
}

void pinstore_clear(struct pinstore *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		free(ps->pins[i].domain);
		free(ps->pins[i].fingerprint);
	}
	free(ps->pins);
	free(ps->path);
	memset(ps, 0, sizeof *ps);
}

static void remove_pin(struct pinstore *ps, const char *domain)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		if (strcasecmp(ps->pins[i].domain, domain) != 0)
			continue;
		free(ps->pins[i].domain);
		free(ps->pins[i].fingerprint);
		ps->pins[i] = ps->pins[--ps->n];
		return;
	}
}

const char *pinstore_get(const struct pinstore *ps, const char *domain)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strcasecmp(ps->pins[i].domain, domain) == 0)
			return ps->pins[i].fingerprint;
	return NULL;
}

static int fill(FILE *f, const void *ud)
{
	const struct pinstore *ps = ud;
	size_t i;

	fprintf(f, "# natter trusted certificates: DOMAIN SHA-256\n");
	for (i = 0; i < ps->n; i++)
		fprintf(f, "%s %s\n", ps->pins[i].domain,
			ps->pins[i].fingerprint);
	return 0;
}

/* Writes the whole store anew (paths_replace): a crash leaves either
 * the old or the new store. */
static int save(const struct pinstore *ps)
{
	return paths_replace(ps->path, false, fill, ps);
}

int pinstore_set(struct pinstore *ps, const char *domain, const char *fp)
{
	char *canon = pin_normalize(fp);
	const char *cur = pinstore_get(ps, domain);
	char *old = cur ? xstrdup(cur) : NULL;
	int r;

	if (!canon) {
		free(old);
		return -EINVAL;
	}
	put(ps, domain, canon);
	r = save(ps);
	/* a pin that is not on disk must not be trusted either */
	if (r < 0 && old)
		put(ps, domain, old);
	else if (r < 0)
		remove_pin(ps, domain);
	else
		free(old);
	return r;
}
