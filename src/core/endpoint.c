/* endpoint: where an account's server was last reached (see endpoint.h).
 *
 * The file is written to a temporary name and renamed over the old one,
 * so a crash leaves the old endpoint or the new one, never half a line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/app.h"
#include "core/endpoint.h"
#include "core/event.h"
#include "core/paths.h"
#include "util/xmem.h"

/* a DNS name is at most 253 bytes; an address much less */
#define HOST_MAX 253

char *endpoint_path(const char *state_dir, const char *account)
{
	return xasprintf("%s/%s/endpoint", state_dir, account);
}

static bool host_ok(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > HOST_MAX)
		return false;
	/* letters, digits, '-', '.', and ':' for an IPv6 address */
	return strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789-.:") == n;
}

int endpoint_load(const char *path, struct endpoint *ep)
{
	char line[512], kind[8], host[HOST_MAX + 2], tls[10], extra[2];
	FILE *f = fopen(path, "re");
	int port, got;

	memset(ep, 0, sizeof *ep);
	if (!f)
		return -1;
	got = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	if (!got)
		return -1;
	if (sscanf(line, "%7s %254s %d %9s %1s", kind, host, &port, tls,
		   extra) != 4)
		return -1;
	if (strcmp(kind, "tcp") != 0 || !host_ok(host) || port < 1 ||
	    port > 65535)
		return -1;
	if (strcmp(tls, "direct") == 0)
		ep->direct = true;
	else if (strcmp(tls, "starttls") != 0)
		return -1;
	ep->host = xstrdup(host);
	ep->port = port;
	return 0;
}

int endpoint_save(const char *path, const struct endpoint *ep)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	char *tmp = xasprintf("%s.new", path);
	FILE *f;
	int r = 0, fd;

	if (!host_ok(ep->host) || ep->port < 1 || ep->port > 65535) {
		r = -EINVAL;
		goto out;
	}
	if (slash) {
		*slash = '\0';
		r = paths_mkdir(dir);
		if (r < 0)
			goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		goto out;
	}
	fprintf(f, "tcp %s %d %s\n", ep->host, ep->port,
		ep->direct ? "direct" : "starttls");
	if (fclose(f) != 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
out:
	free(tmp);
	free(dir);
	return r;
}

void endpoint_clear(struct endpoint *ep)
{
	free(ep->host);
	ep->host = NULL;
}

void endpoint_news(struct app *app, struct account *a, const struct ev_dial *d)
{
	struct event ev = { .type = EV_DIAL, .acc = a };

	ev.dial = *d;
	event_emit(app, &ev);
}
