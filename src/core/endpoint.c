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
#include "util/log.h"
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

/* A host-meta URL as kind ("websocket" or "bosh") wants it: wss:// or
 * https:// with a host, printable ASCII without spaces, not too long. */
static bool url_ok(const char *kind, const char *url)
{
	const char *scheme = strcmp(kind, "websocket") == 0 ? "wss://" :
			     strcmp(kind, "bosh") == 0	    ? "https://" :
							      NULL;
	size_t n = strlen(url), i;

	if (!scheme || n > ENDPOINT_URL_MAX ||
	    strncmp(url, scheme, strlen(scheme)) != 0 ||
	    n == strlen(scheme) || url[strlen(scheme)] == '/')
		return false;
	for (i = 0; i < n; i++)
		if (url[i] <= ' ' || url[i] > '~')
			return false;
	return true;
}

/* The one line (without its newline) as an endpoint; -1 if it is not. */
static int parse(const char *line, struct endpoint *ep)
{
	char kind[10], host[HOST_MAX + 2], tls[10], extra[2];
	char url[ENDPOINT_URL_MAX + 2];
	int port;

	if (sscanf(line, "%9s %1025s %1s", kind, url, extra) == 2 &&
	    (strcmp(kind, "websocket") == 0 || strcmp(kind, "bosh") == 0)) {
		if (!url_ok(kind, url))
			return -1;
		ep->url = xstrdup(url);
		return 0;
	}
	if (sscanf(line, "%9s %254s %d %9s %1s", kind, host, &port, tls,
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

int endpoint_load(const char *path, struct endpoint *ep)
{
	char line[ENDPOINT_URL_MAX + 64];
	FILE *f = fopen(path, "re");
	size_t n;
	int got, more;

	memset(ep, 0, sizeof *ep);
	if (!f)
		return -1;
	got = fgets(line, sizeof line, f) != NULL;
	more = fgetc(f) != EOF; /* a second line, or the first too long */
	fclose(f);
	if (!got)
		return -1;
	n = strlen(line);
	if (!more && n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (more || n != strcspn(line, "\n") || parse(line, ep) < 0) {
		log_msg(LOG_DEBUG, "endpoint", "%s: not one endpoint, ignored",
			path);
		ep->direct = false;
		return -1;
	}
	return 0;
}

static int fill(FILE *f, const void *ud)
{
	const struct endpoint *ep = ud;

	if (ep->url)
		fprintf(f, "%s %s\n", strncmp(ep->url, "wss://", 6) == 0 ?
					"websocket" : "bosh", ep->url);
	else
		fprintf(f, "tcp %s %d %s\n", ep->host, ep->port,
			ep->direct ? "direct" : "starttls");
	return 0;
}

int endpoint_save(const char *path, const struct endpoint *ep)
{
	if (ep->url ? !url_ok(strncmp(ep->url, "wss://", 6) == 0 ?
				      "websocket" : "bosh", ep->url) :
		      !host_ok(ep->host) || ep->port < 1 || ep->port > 65535)
		return -EINVAL;
	return paths_replace(path, true, fill, ep);
}

void endpoint_forget(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		log_msg(LOG_WARN, "endpoint", "cannot remove %s: %s", path,
			strerror(errno));
}

void endpoint_clear(struct endpoint *ep)
{
	free(ep->host);
	ep->host = NULL;
	free(ep->url);
	ep->url = NULL;
}

void endpoint_news(struct app *app, struct account *a, const struct ev_dial *d)
{
	struct event ev = { .type = EV_DIAL, .acc = a };

	ev.dial = *d;
	event_emit(app, &ev);
}
