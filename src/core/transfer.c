/* transfer: files moving over HTTP, numbered for the user (transfer.h).
 *
 * The app keeps one struct transfers, made with the first transfer: the
 * HTTP engine and the list, oldest first, running and recently ended
 * alike. Progress is told through events paced by TRANSFER_TICK_MS, so
 * that a fast download does not redraw for every buffer libcurl hands
 * over.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/account.h"
#include "core/app.h"
#include "core/attention.h"
#include "core/event.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/mime.h"
#include "core/paths.h"
#include "core/pinstore.h"
#include "core/proxy.h"
#include "core/roster.h"
#include "core/transfer.h"
#include "util/log.h"
#include "util/url.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct transfers {
	struct http *http;
	struct transfer **v; /* oldest first */
	size_t n, cap;
	unsigned last_n;
};

static struct transfers *list_of(struct app *app)
{
	if (!app->transfers) {
		app->transfers = xcalloc(1, sizeof *app->transfers);
		app->transfers->http = http_new(app->loop);
	}
	return app->transfers;
}

char *transfer_download_dir(const struct app *app)
{
	const char *xdg = getenv("XDG_DOWNLOAD_DIR");
	const char *home = getenv("HOME");

	if (app->cfg.download_dir)
		return paths_expand_home(app->cfg.download_dir);
	if (xdg && *xdg == '/')
		return xstrdup(xdg);
	return xasprintf("%s/Downloads/natter", home && *home ? home : ".");
}

static void emit(struct app *app, struct transfer *t, enum transfer_news what)
{
	struct event ev = { .type = EV_TRANSFER, .acc = t->acc,
			    .transfer = { t, what } };

	event_emit(app, &ev);
	app->dirty = true;
}

static void transfer_free(struct transfer *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->part)
		unlink(t->part);
	free(t->url);
	free(t->dest);
	free(t->name);
	free(t->path);
	free(t->part);
	free(t->error);
	free(t->host);
	free(t->cert_fp);
	free(t->cert_subject);
	free(t->cert_issuer);
	free(t->src);
	free(t->mime);
	free(t->to);
	free(t->get_url);
	free(t->refused);
	free(t->peer);
	EVP_MD_CTX_free(t->digest);
	free(t->want_hash);
	free(t->hash_name);
	free(t);
}

/* Drops the oldest ended transfers past TRANSFERS_KEPT. */
static void prune(struct transfers *ts)
{
	size_t ended = 0, i;

	for (i = ts->n; i-- > 0;) {
		if (ts->v[i]->state == TRANSFER_RUNNING ||
		    ++ended <= TRANSFERS_KEPT)
			continue;
		transfer_free(ts->v[i]);
		memmove(&ts->v[i], &ts->v[i + 1],
			(ts->n - i - 1) * sizeof *ts->v);
		ts->n--;
	}
}

/* Moves the finished part to the first free name in its directory:
 * link() fails rather than replace, so nothing is overwritten. Sets
 * t->path; returns 0 or -errno. */
static int settle(struct transfer *t, const char *dir)
{
	const char *dot = strrchr(t->name, '.');
	size_t stem = dot && dot != t->name ? (size_t)(dot - t->name) :
					      strlen(t->name);

	for (unsigned i = 0; i < 1000; i++) {
		char *p = i == 0 ? xasprintf("%s/%s", dir, t->name) :
				   xasprintf("%s/%.*s (%u)%s", dir, (int)stem,
					     t->name, i, t->name + stem);

		int r = link(t->part, p);

		if (r == 0) {
			unlink(t->part);
		} else if (errno == EPERM || errno == EOPNOTSUPP ||
			   errno == ENOSYS) {
			/* a file system without hard links (vfat, some
			 * network ones): a rename that will not replace */
			r = renameat2(AT_FDCWD, t->part, AT_FDCWD, p,
				      RENAME_NOREPLACE);
		}
		if (r == 0) {
			xfree(&t->part);
			t->path = p;
			return 0;
		}
		free(p);
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
		     : xstrdup(".");
}

/* Tells the window the transfer's news: the start, its end, and its
 * progress at most every TRANSFER_TICK_MS. */
static void on_progress(struct http_xfer *x, const struct http_progress *p,
			void *ud)
{
	struct transfer *t = ud;
	uint64_t now = loop_now(t->app->loop);

	(void)x;
	t->done = p->done;
	if (!t->upload) /* an upload's size is the file's */
		t->total = p->total;
	t->rate = p->rate;
	if (t->last_tick && now - t->last_tick < TRANSFER_TICK_MS)
		return;
	t->last_tick = now;
	emit(t->app, t, TRANSFER_MOVED);
}

static void on_done(struct http_xfer *x, const struct http_result *r, void *ud)
{
	struct transfer *t = ud;

	(void)x;
	t->x = NULL;
	t->done = t->upload ? t->done : (int64_t)r->len;
	close(t->fd);
	t->fd = -1;
	if (t->upload) {
		if (r->ok)
			t->done = t->total;
		else
			t->error = xasprintf("the upload failed: %s",
					     r->error ? r->error : "failed");
	} else if (r->ok) {
		char *dir = dir_of(t->part);
		int e = settle(t, dir);

		free(dir);
		if (e < 0)
			t->error = xasprintf("cannot save it: %s", strerror(-e));
	} else {
		t->error = xstrdup(r->error ? r->error : "failed");
		if (r->cert) {
			t->cert_fp = xstrdup(r->cert->fingerprint);
			t->cert_subject = xstrdup(r->cert->subject);
			t->cert_issuer = xstrdup(r->cert->issuer);
		}
	}
	if (t->part) {
		unlink(t->part);
		xfree(&t->part);
	}
	if (r->cert && t->upload && !t->cert_fp) {
		t->cert_fp = xstrdup(r->cert->fingerprint);
		t->cert_subject = xstrdup(r->cert->subject);
		t->cert_issuer = xstrdup(r->cert->issuer);
	}
	t->state = t->error ? TRANSFER_FAILED : TRANSFER_DONE;
	log_msg(t->error ? LOG_WARN : LOG_INFO, "transfer", "%u %s: %s", t->n,
		t->url, t->error ? t->error : "done");
	if (t->upload && !t->error) {
		t->path = xstrdup(t->get_url);
		if (t->sent)
			t->sent(t);
	}
	emit(t->app, t, TRANSFER_ENDED);
	prune(t->app->transfers);
}

/* Where a download of url (or of a file its sender calls given, when
 * url is NULL) into dest goes: the directory and the name. */
static int destination(struct app *app, const char *url, const char *given,
		       const char *dest, char **dir, char **name, char **err)
{
	struct stat st;
	int e;

	if (!dest || (stat(dest, &st) == 0 && S_ISDIR(st.st_mode))) {
		*dir = dest ? xstrdup(dest) : transfer_download_dir(app);
		*name = url ? url_file_name(url) : url_clean_name(given);
		if (!dest && stat(*dir, &st) < 0 && (e = paths_mkdir(*dir)) < 0) {
			*err = xasprintf("cannot make %s: %s", *dir,
					 strerror(-e));
			xfree(dir);
			xfree(name);
			return -1;
		}
		return 0;
	}
	*dir = dir_of(dest);
	*name = xstrdup(strrchr(dest, '/') ? strrchr(dest, '/') + 1 : dest);
	if (!**name) {
		*err = xasprintf("%s: not a file name", dest);
		xfree(dir);
		xfree(name);
		return -1;
	}
	return 0;
}

bool transfer_trust_applies(const struct account *a, const char *host)
{
	return a->conf->tls == TLS_TRUST &&
	       ((a->domain && strcasecmp(host, a->domain) == 0) ||
		(a->conf->server && strcasecmp(host, a->conf->server) == 0));
}

/* The account's and the pins' TLS rules for t's host, into r. */
static void tls_rules(struct app *app, const struct transfer *t,
		      struct http_req *r)
{
	r->trust = t->acc && t->host && transfer_trust_applies(t->acc, t->host);
	if (t->host) {
		char *key = xasprintf("https://%s", t->host);

		r->pin = pinstore_get(&app->pins, key);
		if (!r->pin)
			r->pin = pinstore_get(&app->pins, t->host);
		free(key);
	}
}

/* Numbers t and lists it. */
/* Lists t under the next number and tells it started. */
static void enlist(struct app *app, struct transfer *t)
{
	struct transfers *ts = list_of(app);

	t->n = ++ts->last_n;
	xgrow((void **)&ts->v, &ts->cap, ts->n + 1, sizeof *ts->v);
	ts->v[ts->n++] = t;
	emit(app, t, TRANSFER_STARTED);
}

struct transfer *transfer_download(struct app *app, struct window *w,
				   const char *url, const char *dest,
				   char **err)
{
	struct transfers *ts = list_of(app);
	struct http_req r = { .method = HTTP_GET, .url = url, .body_fd = -1,
			      .progress = on_progress, .done = on_done };
	struct transfer *t;
	char *dir, *name, *path = dest ? paths_expand_home(dest) : NULL;
	char *proxy;
	int e = destination(app, url, NULL, path, &dir, &name, err);

	free(path);
	if (e < 0)
		return NULL;
	t = xcalloc(1, sizeof *t);
	t->app = app;
	t->win_id = w ? w->id : 0;
	t->acc = w ? w->acc : NULL;
	t->url = xstrdup(url);
	t->dest = dest ? xstrdup(dest) : NULL;
	t->name = name;
	t->total = -1;
	t->part = xasprintf("%s/.%s.%u.part", dir, name, ts->last_n + 1);
	free(dir);
	t->fd = open(t->part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (t->fd < 0) {
		*err = xasprintf("cannot write %s: %s", t->part, strerror(errno));
		xfree(&t->part);
		transfer_free(t);
		return NULL;
	}
	r.out_fd = t->fd;
	r.max_bytes = (int64_t)app->cfg.max_download * 1024 * 1024;
	r.ud = t;
	t->host = url_host(url);
	tls_rules(app, t, &r);
	proxy = t->acc ? proxy_for_http(t->acc->conf->proxy) : NULL;
	r.proxy = proxy;
	t->x = http_start(ts->http, &r, err);
	if (proxy) {
		explicit_bzero(proxy, strlen(proxy));
		free(proxy);
	}
	if (!t->x) {
		transfer_free(t);
		return NULL;
	}
	enlist(app, t);
	return t;
}

char *transfer_upload_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *clean, *r, *w;
	size_t len;

	clean = utf8_sanitize(base ? base + 1 : path, 0);
	for (r = clean; *r; r++)
		if (strchr("/\\:", *r))
			*r = '_';
	for (r = clean; *r == '.' || *r == ' '; r++)
		;
	memmove(clean, r, strlen(r) + 1);
	for (w = clean + strlen(clean); w > clean && w[-1] == ' ';)
		*--w = '\0';
	len = strlen(clean);
	if (len > URL_NAME_MAX) {
		/* keep the end (its extension), cut on a character */
		size_t at = len - URL_NAME_MAX;

		while (at < len && ((unsigned char)clean[at] & 0xC0) == 0x80)
			at++;
		memmove(clean, clean + at, len - at + 1);
	}
	if (!*clean) {
		free(clean);
		return xstrdup("file");
	}
	return clean;
}

struct transfer *transfer_upload(struct app *app, struct window *w,
				 const char *path, char **err)
{
	struct transfer *t;
	char *full = paths_expand_home(path);
	struct stat st;
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = xasprintf("cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(full);
		return NULL;
	}
	free(full);
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("%s is not a file", path);
		close(fd);
		return NULL;
	}
	/* a regular file: reads do not block; blocking reads are simpler */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	t = xcalloc(1, sizeof *t);
	t->app = app;
	t->upload = true;
	t->win_id = w->id;
	t->acc = w->acc;
	t->to = xstrdup(w->jid);
	t->to_room = w->kind == WIN_ROOM;
	t->src = xstrdup(path);
	t->name = transfer_upload_name(path);
	t->fd = fd;
	t->total = (int64_t)st.st_size;
	t->mime = mime_of_fd(fd);
	enlist(app, t);
	return t;
}

int transfer_upload_put(struct transfer *t, const char *put_url,
			const char *const *headers, const char *get_url,
			void (*sent)(struct transfer *t))
{
	struct http_req r = { .method = HTTP_PUT, .url = put_url,
			      .headers = headers, .body_fd = t->fd,
			      .body_len = t->total, .out_fd = -1,
			      .progress = on_progress, .done = on_done,
			      .ud = t };
	char *err = NULL, *proxy;

	t->url = xstrdup(put_url);
	t->get_url = xstrdup(get_url);
	t->sent = sent;
	t->host = url_host(put_url);
	tls_rules(t->app, t, &r);
	proxy = t->acc ? proxy_for_http(t->acc->conf->proxy) : NULL;
	r.proxy = proxy;
	t->x = http_start(list_of(t->app)->http, &r, &err);
	if (proxy) {
		explicit_bzero(proxy, strlen(proxy));
		free(proxy);
	}
	if (!t->x) {
		transfer_fail(t, err);
		free(err);
		return -1;
	}
	return 0;
}

void transfer_fail(struct transfer *t, const char *why)
{
	if (t->state != TRANSFER_RUNNING)
		return;
	http_cancel(&t->x);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->part) {
		unlink(t->part);
		xfree(&t->part);
	}
	free(t->error);
	t->error = xstrdup(why);
	t->state = TRANSFER_FAILED;
	log_msg(LOG_WARN, "transfer", "%u: %s", t->n, why);
	emit(t->app, t, TRANSFER_ENDED);
	prune(t->app->transfers);
}

void transfer_refused(struct transfer *t, const char *cond,
		      const char *text)
{
	t->refused = xstrdup(cond ? cond : "undefined-condition");
	transfer_fail(t, text ? text : "");
}

struct transfer *transfer_find(struct app *app, unsigned n)
{
	const struct transfers *ts = app->transfers;

	for (size_t i = 0; ts && i < ts->n; i++)
		if (ts->v[i]->n == n)
			return ts->v[i];
	return NULL;
}

static struct transfer *find(const struct app *app, unsigned n)
{
	const struct transfers *ts = app->transfers;

	for (size_t i = 0; ts && i < ts->n; i++)
		if (ts->v[i]->n == n)
			return ts->v[i];
	return NULL;
}

int transfer_cancel(struct app *app, unsigned n)
{
	struct transfer *t = find(app, n);

	if (!t)
		return -1;
	if (t->state != TRANSFER_RUNNING)
		return -2;
	http_cancel(&t->x);
	if (t->stop) {
		t->stop(t, t->stop_ud);
		t->stop = NULL;
	}
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->part)
		unlink(t->part);
	xfree(&t->part);
	t->state = TRANSFER_CANCELLED;
	emit(app, t, TRANSFER_ENDED);
	prune(app->transfers);
	return 0;
}

size_t transfer_count(const struct app *app)
{
	return app->transfers ? app->transfers->n : 0;
}

const struct transfer *transfer_at(const struct app *app, size_t i)
{
	return app->transfers && i < app->transfers->n ? app->transfers->v[i]
						       : NULL;
}

size_t transfer_running(const struct app *app, int64_t *done, int64_t *total)
{
	size_t n = 0;

	*done = *total = 0;
	for (size_t i = 0; i < transfer_count(app); i++) {
		const struct transfer *t = app->transfers->v[i];

		if (t->state != TRANSFER_RUNNING)
			continue;
		n++;
		if (t->total > 0) {
			*done += t->done;
			*total += t->total;
		}
	}
	return n;
}

struct transfer *transfer_trust(struct app *app, unsigned n, char **err)
{
	struct transfer *t = find(app, n);
	struct window *w;
	char *key;
	int e;

	if (!t || !t->cert_fp) {
		*err = xasprintf("transfer %u has no refused certificate", n);
		return NULL;
	}
	key = xasprintf("https://%s", t->host);
	e = pinstore_set(&app->pins, key, t->cert_fp);
	free(key);
	if (e < 0) {
		*err = xasprintf("cannot pin it: %s", strerror(-e));
		return NULL;
	}
	xfree(&t->cert_fp);
	if (t->upload) {
		/* its slot was for one try: the user sends it again */
		*err = xasprintf("pinned the certificate of %s; now /upload "
				 "%s again", t->host, t->src);
		return NULL;
	}
	w = t->win_id ? app_window_by_id(app, t->win_id) : NULL;
	return transfer_download(app, w, t->url, t->dest, err);
}

static struct transfer *p2p_new(struct app *app, struct window *w,
				struct account *acc, const char *peer,
				transfer_stop_fn stop, void *ud)
{
	struct transfer *t = xcalloc(1, sizeof *t);

	t->app = app;
	t->win_id = w ? w->id : 0;
	t->acc = acc;
	t->peer = xstrdup(peer);
	t->stop = stop;
	t->stop_ud = ud;
	t->fd = -1;
	t->total = -1;
	t->started = loop_now(app->loop);
	return t;
}

struct transfer *transfer_receive(struct app *app, struct window *w,
				  struct account *acc, const char *peer,
				  const char *name, int64_t size,
				  const char *dest, transfer_stop_fn stop,
				  void *ud, char **err)
{
	struct transfers *ts = list_of(app);
	int64_t max = (int64_t)app->cfg.max_download * 1024 * 1024;
	struct transfer *t;
	char *dir, *clean, *path = dest ? paths_expand_home(dest) : NULL;
	int e;

	if (max > 0 && size > max) {
		free(path);
		*err = xasprintf("it is larger than max_download (%d MiB)",
				 app->cfg.max_download);
		return NULL;
	}
	e = destination(app, NULL, name, path, &dir, &clean, err);
	free(path);
	if (e < 0)
		return NULL;
	t = p2p_new(app, w, acc, peer, stop, ud);
	t->dest = dest ? xstrdup(dest) : NULL;
	t->name = clean;
	t->total = size;
	t->part = xasprintf("%s/.%s.%u.part", dir, clean, ts->last_n + 1);
	free(dir);
	t->fd = open(t->part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (t->fd < 0) {
		*err = xasprintf("cannot write %s: %s", t->part, strerror(errno));
		xfree(&t->part);
		transfer_free(t);
		return NULL;
	}
	enlist(app, t);
	return t;
}

struct transfer *transfer_send(struct app *app, struct window *w,
			       struct account *acc, const char *peer,
			       const char *path, transfer_stop_fn stop,
			       void *ud, char **err)
{
	char *full = paths_expand_home(path);
	const char *slash = strrchr(full, '/');
	struct transfer *t;
	struct stat st;
	int fd = open(full, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = xasprintf("%s: %s", full, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(full);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("%s: not a file", full);
		close(fd);
		free(full);
		return NULL;
	}
	t = p2p_new(app, w, acc, peer, stop, ud);
	t->sending = true;
	t->fd = fd;
	t->total = st.st_size;
	t->name = xstrdup(slash ? slash + 1 : full);
	t->path = full;
	enlist(app, t);
	return t;
}

/* Progress told at most every TRANSFER_TICK_MS. */
static void moved(struct transfer *t, size_t len)
{
	uint64_t now = loop_now(t->app->loop);

	t->done += (int64_t)len;
	t->rate = now > t->started ? t->done * 1000 / (int64_t)(now - t->started)
				   : 0;
	if (t->last_tick && now - t->last_tick < TRANSFER_TICK_MS)
		return;
	t->last_tick = now;
	emit(t->app, t, TRANSFER_MOVED);
}

int transfer_expect_hash(struct transfer *t, const char *algo,
			 const char *hex)
{
	static const char *const names[][2] = {
		{ "md5", "MD5" }, { "sha-1", "SHA1" }, { "sha-256", "SHA256" },
		{ "sha-512", "SHA512" },
	};
	const EVP_MD *md = NULL;
	const char *name = NULL;
	size_t n = hex ? strlen(hex) : 0;

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcasecmp(algo, names[i][0]) == 0) {
			name = names[i][1];
			md = EVP_get_digestbyname(name);
		}
	if (!md || (hex && (n != 2 * (size_t)EVP_MD_get_size(md) ||
			    strspn(hex, "0123456789abcdefABCDEF") != n)))
		return -1;
	/* the same algorithm again: what came so far stays hashed */
	if (!t->digest || !t->hash_name || strcmp(t->hash_name, name) != 0) {
		EVP_MD_CTX_free(t->digest);
		t->digest = EVP_MD_CTX_new();
		if (!t->digest || !EVP_DigestInit_ex(t->digest, md, NULL))
			abort(); /* out of memory */
	}
	free(t->want_hash);
	t->want_hash = hex ? xstrdup(hex) : NULL;
	for (char *p = t->want_hash; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	free(t->hash_name);
	t->hash_name = xstrdup(name);
	return 0;
}

/* Whether what came has the hash the sender said (true when none was
 * said). */
static bool hash_matches(struct transfer *t)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (!t->digest || !t->want_hash)
		return true;
	if (!EVP_DigestFinal_ex(t->digest, md, &n))
		return false;
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * n] = '\0';
	return strcmp(hex, t->want_hash) == 0;
}

const char *transfer_write(struct transfer *t, const void *buf, size_t len)
{
	int64_t max = (int64_t)t->app->cfg.max_download * 1024 * 1024;
	const char *p = buf;

	if (t->total >= 0 && t->done + (int64_t)len > t->total)
		return "the sender sent more than it offered";
	if (max > 0 && t->done + (int64_t)len > max)
		return "the file is larger than max_download";
	while (len) {
		ssize_t n = write(t->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return strerror(errno);
		if (t->digest)
			EVP_DigestUpdate(t->digest, p, (size_t)n);
		p += n;
		len -= (size_t)n;
		moved(t, (size_t)n);
	}
	return NULL;
}

ssize_t transfer_read(struct transfer *t, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(t->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		moved(t, (size_t)n);
	return n;
}

void transfer_end(struct transfer *t, const char *error)
{
	if (t->state != TRANSFER_RUNNING)
		return;
	t->stop = NULL;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (!error && !t->sending && t->total >= 0 && t->done != t->total)
		t->error = xasprintf("it ended after %lld of %lld bytes",
				     (long long)t->done, (long long)t->total);
	else if (error)
		t->error = xstrdup(error);
	else if (!t->sending && !hash_matches(t))
		t->error = xasprintf("its %s hash is not the one the sender "
				     "gave: the file is damaged or not the "
				     "one offered", t->hash_name);
	if (!t->error && !t->sending) {
		char *dir = dir_of(t->part);
		int e = settle(t, dir);

		free(dir);
		if (e < 0)
			t->error = xasprintf("cannot save it: %s", strerror(-e));
	}
	if (t->part) {
		unlink(t->part);
		xfree(&t->part);
	}
	t->state = t->error ? TRANSFER_FAILED : TRANSFER_DONE;
	log_msg(t->error ? LOG_WARN : LOG_INFO, "transfer", "%u %s %s: %s",
		t->n, t->sending ? "to" : "from", t->peer,
		t->error ? t->error : "done");
	emit(t->app, t, TRANSFER_ENDED);
	prune(t->app->transfers);
}

bool transfer_offer_welcome(const struct app *app, struct account *acc,
			    const char *bare)
{
	struct roster_item *it = roster_get(&acc->roster, bare);

	return app->cfg.file_offers_from_strangers ||
	       (it && it->sub != SUB_NONE);
}

void transfer_offered(struct app *app, struct account *acc,
		      struct window *dialog, const struct ev_file_offer *o)
{
	struct event ev = { .type = EV_FILE_OFFER, .acc = acc,
			    .file_offer = *o };

	if (dialog) {
		size_t cur = app->cur_win;

		app_add_window(app, dialog);
		app_select(app, cur);
		dialog->unread = 1;
		ev.file_offer.window = dialog->name;
	}
	event_emit(app, &ev);
	if (o->verdict == OFFER_WAITS) {
		char *said = xasprintf("offers you the file %s", o->name);

		attention_event(app, acc, NULL, ATTN_FILE, o->from, said,
				false);
		free(said);
	}
	app->dirty = true;
}

void transfer_shutdown(struct app *app)
{
	struct transfers *ts = app->transfers;

	if (!ts)
		return;
	for (size_t i = 0; i < ts->n; i++) {
		http_cancel(&ts->v[i]->x);
		transfer_free(ts->v[i]);
	}
	free(ts->v);
	http_free(&ts->http);
	free(ts);
	app->transfers = NULL;
}
