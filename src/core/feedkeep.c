/* feedkeep: the remembered feeds of an account (see feedkeep.h).
 *
 * The list is small (FEEDKEEP_MAX), so a change reads it all, changes
 * the array and writes it all again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/feedkeep.h"
#include "core/paths.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/xmem.h"

char *feedkeep_path(const char *state_dir, const char *account)
{
	return xasprintf("%s/%s/feeds", state_dir, account);
}

/* A node natter can keep on one line: printable, no tab, not too long. */
static bool node_ok(const char *node)
{
	const unsigned char *p = (const unsigned char *)node;

	if (!*p || strlen(node) > FEEDKEEP_NODE_MAX)
		return false;
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool entry_ok(const char *service, const char *node)
{
	return jid_valid(service) && !strchr(service, '\t') &&
	       node_ok(node);
}

size_t feedkeep_load(const char *path, struct feedkeep **v)
{
	char line[FEEDKEEP_NODE_MAX + 3072 + 4];
	FILE *f = fopen(path, "re");
	size_t n = 0, cap = 0;

	*v = NULL;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f) && n < FEEDKEEP_MAX) {
		size_t len = strlen(line);
		char *tab;

		if (!len || line[len - 1] != '\n') {
			int c;

			/* too long for any feed: skip the rest of it */
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		line[--len] = '\0';
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		if (!entry_ok(line, tab + 1)) {
			log_msg(LOG_DEBUG, "feedkeep", "%s: a line that is "
				"not a feed, skipped", path);
			continue;
		}
		xgrow((void **)v, &cap, n + 1, sizeof **v);
		(*v)[n].service = xstrdup(line);
		(*v)[n].node = xstrdup(tab + 1);
		n++;
	}
	fclose(f);
	return n;
}

void feedkeep_free(struct feedkeep **v, size_t n)
{
	size_t i;

	if (!*v)
		return;
	for (i = 0; i < n; i++) {
		free((*v)[i].service);
		free((*v)[i].node);
	}
	free(*v);
	*v = NULL;
}

struct feedlist {
	const struct feedkeep *v;
	size_t n;
};

static int fill(FILE *f, const void *ud)
{
	const struct feedlist *l = ud;
	size_t i;

	for (i = 0; i < l->n; i++)
		fprintf(f, "%s\t%s\n", l->v[i].service, l->v[i].node);
	return 0;
}

/* Writes v[0 .. n-1] to path (paths_replace); no feeds: no file.
 * Returns 0 or -errno. */
static int save(const char *path, const struct feedkeep *v, size_t n)
{
	struct feedlist l = { v, n };
	int r = 0;

	if (n == 0) {
		if (unlink(path) < 0 && errno != ENOENT)
			r = -errno;
	} else {
		r = paths_replace(path, true, fill, &l);
	}
	if (r < 0)
		log_msg(LOG_WARN, "feedkeep", "cannot write %s: %s", path,
			strerror(-r));
	return r;
}

/* The index of service/node in v, or n. */
static size_t find(const struct feedkeep *v, size_t n, const char *service,
		   const char *node)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].service, service) == 0 &&
		    strcmp(v[i].node, node) == 0)
			break;
	return i;
}

int feedkeep_add(const char *path, const char *service, const char *node)
{
	struct feedkeep *v;
	size_t n, cap;
	int r = 0;

	if (!entry_ok(service, node))
		return -EINVAL;
	n = feedkeep_load(path, &v);
	cap = n;
	if (find(v, n, service, node) < n)
		goto out;
	if (n >= FEEDKEEP_MAX) {
		r = -ENOSPC;
		goto out;
	}
	xgrow((void **)&v, &cap, n + 1, sizeof *v);
	v[n].service = xstrdup(service);
	v[n].node = xstrdup(node);
	n++;
	r = save(path, v, n);
out:
	feedkeep_free(&v, n);
	return r;
}

int feedkeep_remove(const char *path, const char *service,
		    const char *node)
{
	struct feedkeep *v;
	size_t n = feedkeep_load(path, &v), i = find(v, n, service, node);
	int r = 0;

	if (i < n) {
		free(v[i].service);
		free(v[i].node);
		memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof *v);
		n--;
		r = save(path, v, n);
	}
	feedkeep_free(&v, n);
	return r;
}
