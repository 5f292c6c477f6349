/* dial: finding an account's server and reaching it (see dial.h).
 *
 * A dial is a list of candidates, each a host name (or address) with a
 * port and a TLS way, tried in order: the account's server and port when
 * it names them; else the endpoint remembered from the last success
 * (transport = "auto"), the _xmpps-client._tcp SRV records (direct TLS,
 * XEP-0368), the _xmpp-client._tcp records (STARTTLS), and the domain
 * itself on 5222 (5223 with tls = "direct"). Both SRV lookups run at
 * once; the list is made when both have answered.
 *
 * A candidate's addresses (AAAA and A, interleaved IPv6 first) are
 * raced as RFC 8305 says: one non-blocking connect() at a time, the next
 * started when one fails or 250 ms pass without an answer, the first to
 * connect winning. libstrophe 0.12 cannot take a connected socket, so
 * the winner's probe is closed and libstrophe connects again to that
 * address literal (xmpp_connect_client's altdomain), which it does not
 * resolve; certificates are still checked against the JID's domain
 * (libstrophe verifies conn->domain, never the altdomain). A candidate
 * with one address skips the race and goes straight to libstrophe.
 *
 * libstrophe's events pass through on_conn(): a failure before login
 * that retrying elsewhere can fix (a refused connect, a TLS handshake
 * that failed, a stream closed during login) moves on to the next
 * candidate, from a 0 ms timer, outside libstrophe's handler; anything
 * else, and the end of the list, goes to the caller's handler. What
 * worked is remembered (core/endpoint) for the next start.
 *
 * A remembered TCP endpoint that fails (every address, or its name) is
 * forgotten, and the list goes on.
 * A remembered endpoint may be a WebSocket or BOSH URL that host-meta
 * published: it is tried first, before any DNS lookup, and when it
 * fails it is forgotten and the usual order follows (host-meta, if it
 * comes to that, is asked afresh; the forgotten URL is not tried again
 * in this dial).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/app.h"
#include "core/endpoint.h"
#include "core/event.h"
#include "core/hostmeta.h"
#include "core/http.h"
#include "core/pinstore.h"
#include "core/resolve.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/conn.h"
#include "xmpp/dial.h"
#include "xmpp/session.h"

/* RFC 8305's Connection Attempt Delay */
#define HE_DELAY_MS 250
/* how long one candidate's addresses may take to connect, together */
#define CONNECT_TIMEOUT_MS 10000
#define MAX_PROBES 8
#define PORT_STARTTLS 5222
#define PORT_DIRECT 5223

struct cand {
	char *host;
	int port;
	bool direct;
	enum dial_source src;
};

struct probe {
	int fd;
	size_t addr; /* index in addrs */
};

struct dial {
	struct session *s;
	enum conn_stream kind;
	xmpp_conn_handler cb;
	void *ud;
	struct cand *cands;
	size_t ncands, capcands;
	size_t next;                 /* the next candidate to try */
	struct cand *cur;            /* the one being tried, or NULL */
	/* the SRV lookups: [0] direct TLS, [1] STARTTLS */
	struct resolve_q *srv_q[2];
	struct cand *found[2];
	size_t nfound[2];
	struct resolve_q *addr_q;
	struct resolve_addr *addrs;
	size_t naddrs, next_addr;
	struct probe probes[MAX_PROBES];
	size_t nprobes;
	loop_timer_id stagger, deadline, later;
	int last_err;                /* errno of the last failure */
	char ip[46];                 /* the address libstrophe got */
	int port;
	bool handed;                 /* libstrophe has an attempt */
	bool up;                     /* it said connected */
	bool aborting;               /* conn_close: no more attempts */
	bool reported;               /* the caller heard how it ended */
	/* XEP-0156, once the TCP ways failed: [0] host-meta (XML), [1]
	 * host-meta.json */
	bool web_asked;
	struct resolve_q *web_q;
	struct http_xfer *web_x[2];
	bool web_done[2];
	char *web_err[2];
	struct hostmeta hm_doc[2]; /* what each document said */
	struct hostmeta hm;        /* both, host-meta's first */
	/* then what it published, WebSocket first: urls[next_url - 1] is
	 * the one being tried while in_web */
	const char *urls[2 * HOSTMETA_MAX];
	size_t nurls, next_url;
	bool in_web;
	/* the remembered host-meta endpoint: being tried while mem_web */
	char *mem_url;
	bool mem_web;
};

static void begin_next(struct dial *d);
static void start_srv(struct dial *d);
static void start_probes(struct dial *d);
static void exhausted(struct dial *d);

static struct loop *loop_of(struct dial *d)
{
	return d->s->app->loop;
}

static void news(struct dial *d, enum dial_news what, const char *why)
{
	struct ev_dial e = { .what = what, .why = why };

	if (d->cur) {
		e.source = d->cur->src;
		e.direct = d->cur->direct;
		e.host = d->cur->host;
		e.port = d->cur->port;
	}
	e.ip = d->ip[0] ? d->ip : NULL;
	e.more = d->next < d->ncands || d->next_addr < d->naddrs ||
		 d->nprobes > 0;
	endpoint_news(d->s->app, d->s->acc, &e);
}

static void web_news(struct dial *d, enum dial_news what, const char *why)
{
	const char *url = d->urls[d->next_url - 1];
	struct ev_dial e = { .what = what, .url = url, .why = why,
			     .more = d->mem_web || d->next_url < d->nurls,
			     .remembered = d->mem_web };

	e.web_kind = strncmp(url, "wss://", 6) == 0 ? "WebSocket" : "BOSH";
	endpoint_news(d->s->app, d->s->acc, &e);
}

struct resolver *dial_resolver(struct session *s)
{
	struct xs *xs = s->app->xs;
	char *err;

	if (!xs->resolver) {
		xs->resolver = resolver_new(s->app->loop,
					    s->app->cfg.dns_server, &err);
		if (!xs->resolver) {
			log_msg(LOG_ERROR, "dial", "%s", err);
			free(err);
		}
	}
	return xs->resolver;
}

static void cand_add(struct dial *d, const char *host, int port, bool direct,
		     enum dial_source src)
{
	size_t i;

	for (i = 0; i < d->ncands; i++)
		if (d->cands[i].port == port && d->cands[i].direct == direct &&
		    strcasecmp(d->cands[i].host, host) == 0)
			return; /* the remembered one, met again */
	xgrow((void **)&d->cands, &d->capcands, d->ncands + 1,
	      sizeof *d->cands);
	d->cands[d->ncands++] = (struct cand){ xstrdup(host), port, direct,
					       src };
}

/* --- the race between a candidate's addresses ------------------------ */

static void probe_close(struct dial *d, size_t i)
{
	loop_unwatch(loop_of(d), d->probes[i].fd);
	close(d->probes[i].fd);
	d->probes[i] = d->probes[--d->nprobes];
}

static void probes_close(struct dial *d)
{
	while (d->nprobes)
		probe_close(d, 0);
	loop_timer_cancel(loop_of(d), d->stagger);
	loop_timer_cancel(loop_of(d), d->deadline);
	d->stagger = d->deadline = 0;
}

static void set_ip(struct dial *d, size_t addr)
{
	memcpy(d->ip, d->addrs[addr].ip, sizeof d->ip);
}

static void failed_addr(struct dial *d, size_t addr, int err)
{
	d->last_err = err;
	set_ip(d, addr);
	news(d, DIAL_FAILED, strerror(err));
}

static void won(struct dial *d, size_t addr);

static void on_probe(struct loop *l, int fd, short revents, void *ud)
{
	struct dial *d = ud;
	int err = 0;
	socklen_t len = sizeof err;
	size_t i, addr;

	(void)l;
	(void)revents;
	for (i = 0; i < d->nprobes && d->probes[i].fd != fd; i++)
		;
	if (i == d->nprobes)
		return;
	addr = d->probes[i].addr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0) {
		won(d, addr);
		return;
	}
	probe_close(d, i);
	failed_addr(d, addr, err);
	/* a failure starts the next address at once (RFC 8305 5) */
	loop_timer_cancel(loop_of(d), d->stagger);
	d->stagger = 0;
	start_probes(d);
}

static void on_stagger(struct loop *l, void *ud)
{
	struct dial *d = ud;

	(void)l;
	d->stagger = 0;
	start_probes(d);
}

static void on_deadline(struct loop *l, void *ud)
{
	struct dial *d = ud;

	(void)l;
	d->deadline = 0;
	while (d->nprobes) {
		size_t addr = d->probes[0].addr;

		probe_close(d, 0);
		failed_addr(d, addr, ETIMEDOUT);
	}
	d->next_addr = d->naddrs;
	probes_close(d);
	begin_next(d);
}

/* Connects to the next address without waiting; -1 when it failed at
 * once (told), 0 when it is under way, 1 when it connected already. */
static int probe_one(struct dial *d, size_t addr)
{
	const struct resolve_addr *a = &d->addrs[addr];
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	memset(&ss, 0, sizeof ss);
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)d->cur->port);
		inet_pton(AF_INET6, a->ip, &s6->sin6_addr);
		sl = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)d->cur->port);
		inet_pton(AF_INET, a->ip, &s4->sin_addr);
		sl = sizeof *s4;
	}
	set_ip(d, addr);
	news(d, DIAL_TRYING, NULL);
	fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		failed_addr(d, addr, errno);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0) {
		d->probes[d->nprobes++] = (struct probe){ fd, addr };
		return 1;
	}
	if (errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		failed_addr(d, addr, err);
		return -1;
	}
	d->probes[d->nprobes++] = (struct probe){ fd, addr };
	loop_watch(loop_of(d), fd, POLLOUT, on_probe, d);
	return 0;
}

static void start_probes(struct dial *d)
{
	while (d->next_addr < d->naddrs && d->nprobes < MAX_PROBES) {
		size_t addr = d->next_addr++;
		int r = probe_one(d, addr);

		if (r > 0) {
			won(d, addr);
			return;
		}
		if (r == 0) {
			d->stagger = loop_timer_add(loop_of(d), HE_DELAY_MS,
						    on_stagger, d);
			return;
		}
	}
	if (d->nprobes == 0) { /* every address failed */
		probes_close(d);
		begin_next(d);
	}
}

/* --- libstrophe's part --------------------------------------------------- */

static void remember(struct dial *d)
{
	struct session *s = d->s;
	struct endpoint ep = { d->cur->host, d->cur->port, d->cur->direct, NULL };
	char *path;
	int r;

	if (d->kind != CONN_CLIENT || s->acc->conf->transport != TRANSPORT_AUTO ||
	    d->cur->src == DIAL_FROM_CONFIG || !s->app->state_dir)
		return;
	path = endpoint_path(s->app->state_dir, s->acc->conf->name);
	r = endpoint_save(path, &ep);
	if (r < 0)
		log_msg(LOG_WARN, "dial", "%s: cannot write %s: %s",
			s->acc->conf->name, path, strerror(-r));
	free(path);
}

/* A host-meta endpoint got through: it is tried first next time. */
static void remember_web(struct dial *d)
{
	struct session *s = d->s;
	struct endpoint ep = { .url = (char *)d->urls[d->next_url - 1] };
	char *path;
	int r;

	if (d->mem_web || d->kind != CONN_CLIENT ||
	    s->acc->conf->transport != TRANSPORT_AUTO || !s->app->state_dir)
		return;
	path = endpoint_path(s->app->state_dir, s->acc->conf->name);
	r = endpoint_save(path, &ep);
	if (r < 0)
		log_msg(LOG_WARN, "dial", "%s: cannot write %s: %s",
			s->acc->conf->name, path, strerror(-r));
	free(path);
}

static void web_next(struct dial *d);

static void on_later(struct loop *l, void *ud)
{
	struct dial *d = ud;

	(void)l;
	d->later = 0;
	if (d->in_web)
		web_next(d);
	else
		begin_next(d);
}

/* A stream error that says this endpoint is not our domain's server:
 * another way in may reach the right one. */
static bool wrong_server(const xmpp_stream_error_t *se)
{
	return se && (se->type == XMPP_SE_HOST_UNKNOWN ||
		      se->type == XMPP_SE_HOST_GONE);
}

/* Whether a failure before login is worth another way in. */
static bool retriable(const struct session *s, const xmpp_stream_error_t *se)
{
	return !s->cert_refused && !s->auth_failed && !s->no_auth_method &&
	       !s->user_stop && (!se || wrong_server(se));
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
		    xmpp_stream_error_t *se, void *ud)
{
	struct dial *d = ud;
	struct session *s = d->s;

	if (event == XMPP_CONN_CONNECT || event == XMPP_CONN_RAW_CONNECT) {
		if (!d->up && d->in_web) {
			d->up = true;
			web_news(d, DIAL_WEB_CONNECTED, NULL);
			remember_web(d);
		} else if (!d->up) {
			d->up = true;
			news(d, DIAL_CONNECTED, NULL);
			remember(d);
		}
	} else if (!d->up && !d->aborting && retriable(s, se) && d->in_web) {
		d->handed = false;
		web_news(d, DIAL_WEB_FAILED,
			 s->carrier_error ? s->carrier_error :
			 wrong_server(se) ? "the server there does not serve this domain" :
					    "closed before login");
		conn_lost(s);
		d->later = loop_timer_add(loop_of(d), 0, on_later, d);
		return;
	} else if (!d->up && !d->aborting && retriable(s, se)) {
		d->handed = false;
		d->last_err = s->sock_error;
		news(d, DIAL_FAILED,
		     wrong_server(se) ? "the server there does not serve this domain" :
		     s->sock_error    ? strerror(s->sock_error) :
					"closed before login");
		conn_lost(s);
		d->later = loop_timer_add(loop_of(d), 0, on_later, d);
		return;
	} else if (!d->up) {
		if (s->no_auth_method)
			news(d, DIAL_NO_AUTH, NULL);
		d->reported = true;
	}
	d->cb(conn, event, error, se, d->ud);
}

static void won(struct dial *d, size_t addr)
{
	struct session *s = d->s;
	int r;

	set_ip(d, addr);
	d->port = d->cur->port;
	/* libstrophe connects afresh: the probe only chose the address */
	probes_close(d);
	d->next_addr = d->naddrs;
	xmpp_conn_set_flags(s->conn, conn_flags(s->acc->conf, d->kind,
						d->cur->direct));
	s->sock_error = 0;
	s->cert_refused = s->auth_failed = false;
	s->legacy_auth = s->no_auth_method = false;
	s->carrier_tls = false;
	d->handed = true;
	if (d->kind == CONN_RAW)
		r = xmpp_connect_raw(s->conn, d->ip, (unsigned short)d->port,
				     on_conn, d);
	else
		r = xmpp_connect_client(s->conn, d->ip, (unsigned short)d->port,
					on_conn, d);
	if (r != XMPP_EOK) {
		d->handed = false;
		news(d, DIAL_FAILED, "libstrophe cannot connect");
		d->later = loop_timer_add(loop_of(d), 0, on_later, d);
	}
}

/* --- XEP-0156: what the domain publishes ---------------------------- */

/* Both host-meta fetches ended: what they found is told, WebSocket
 * first, then the end of the dial. */
static void web_end(struct dial *d)
{
	struct ev_dial e = { .what = DIAL_WEB_FOUND, .more = true };
	size_t i, j;

	/* whichever came first, host-meta's links come before the JSON's */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < d->hm_doc[j].nwebsocket; i++)
			hostmeta_add(&d->hm, true, d->hm_doc[j].websocket[i]);
		for (i = 0; i < d->hm_doc[j].nbosh; i++)
			hostmeta_add(&d->hm, false, d->hm_doc[j].bosh[i]);
	}

	d->cur = NULL;
	d->ip[0] = '\0';
	if (!d->hm.nwebsocket && !d->hm.nbosh) {
		char *why = xasprintf("%s; %s",
				      d->web_err[0] ? d->web_err[0] : "no endpoint in host-meta",
				      d->web_err[1] ? d->web_err[1] : "no endpoint in host-meta.json");

		news(d, DIAL_WEB_NONE, why);
		free(why);
	}
	e.web_kind = "WebSocket";
	for (i = 0; i < d->hm.nwebsocket; i++) {
		e.url = d->hm.websocket[i];
		endpoint_news(d->s->app, d->s->acc, &e);
	}
	e.web_kind = "BOSH";
	for (i = 0; i < d->hm.nbosh; i++) {
		e.url = d->hm.bosh[i];
		endpoint_news(d->s->app, d->s->acc, &e);
	}
	d->nurls = d->next_url = 0;
	/* the remembered one failed at the start of this dial: not again */
	for (i = 0; i < d->hm.nwebsocket; i++)
		if (!d->mem_url || strcmp(d->mem_url, d->hm.websocket[i]) != 0)
			d->urls[d->nurls++] = d->hm.websocket[i];
	for (i = 0; i < d->hm.nbosh; i++)
		if (!d->mem_url || strcmp(d->mem_url, d->hm.bosh[i]) != 0)
			d->urls[d->nurls++] = d->hm.bosh[i];
	d->in_web = true;
	web_next(d);
}

/* The next endpoint host-meta published, through web's transports
 * (conn_open_web); after the last, the end of the dial. */
static void web_next(struct dial *d)
{
	struct session *s = d->s;

	while (d->next_url < d->nurls) {
		const char *url = d->urls[d->next_url++];

		web_news(d, DIAL_WEB_TRYING, NULL);
		free(s->carrier_error);
		s->carrier_error = NULL;
		s->sock_error = 0;
		s->cert_refused = s->auth_failed = false;
		s->legacy_auth = s->no_auth_method = false;
		d->handed = true;
		if (conn_open_web(s, url, d->kind, on_conn, d) == XMPP_EOK)
			return;
		d->handed = false;
		web_news(d, DIAL_WEB_FAILED, s->carrier_error ?
				s->carrier_error : "cannot start");
	}
	d->in_web = false;
	if (d->mem_web) { /* the remembered one failed: the usual order */
		char *path = endpoint_path(s->app->state_dir,
					   s->acc->conf->name);

		d->mem_web = false;
		endpoint_forget(path);
		free(path);
		start_srv(d);
		return;
	}
	exhausted(d);
}

static void web_done(struct http_xfer *x, const struct http_result *r,
		     int which, struct dial *d)
{
	char *err = NULL;

	(void)x;
	d->web_x[which] = NULL;
	d->web_done[which] = true;
	if (!r->ok)
		err = r->status ? xasprintf("%s: HTTP status %ld",
					    which ? "host-meta.json" : "host-meta",
					    r->status) :
				  xasprintf("%s: %s",
					    which ? "host-meta.json" : "host-meta",
					    r->error ? r->error : "failed");
	else if (which == 0)
		hostmeta_parse_xml(&d->hm_doc[0], r->body, r->len, &err);
	else
		hostmeta_parse_json(&d->hm_doc[1], r->body, r->len, &err);
	d->web_err[which] = err;
	if (d->web_done[0] && d->web_done[1])
		web_end(d);
}

static void web_done_xml(struct http_xfer *x, const struct http_result *r,
			 void *ud)
{
	web_done(x, r, 0, ud);
}

static void web_done_json(struct http_xfer *x, const struct http_result *r,
			  void *ud)
{
	web_done(x, r, 1, ud);
}

/* The domain's address is known: both documents are fetched at once,
 * over HTTPS only, under the account's TLS rules (tls = "trust", the
 * pin for https://DOMAIN or DOMAIN). libcurl is told the address, so it
 * resolves nothing itself. */
static void on_web_addr(const char *err, const struct resolve_addr *v,
			size_t n, void *ud)
{
	static const char *const docs[] = { "host-meta", "host-meta.json" };
	struct dial *d = ud;
	struct session *s = d->s;
	struct app *app = s->app;
	const char *domain = s->acc->domain;
	char *key = xasprintf("https://%s", domain), *resolve = NULL;
	const struct resolve_addr *a = NULL;
	int which;
	size_t i;

	d->web_q = NULL;
	for (i = 0; i < n && !a; i++) /* IPv4 first: one address for libcurl */
		if (v[i].family == AF_INET)
			a = &v[i];
	if (!a && n)
		a = &v[0];
	if (a)
		resolve = xasprintf(a->family == AF_INET6 ? "%s:443:[%s]" :
							    "%s:443:%s",
				    domain, a->ip);
	if (!app->xs->http)
		app->xs->http = http_new(app->loop);
	for (which = 0; which < 2; which++) {
		char *url = xasprintf("https://%s/.well-known/%s", domain,
				      docs[which]);
		struct http_req r = {
			.method = HTTP_GET, .url = url, .body_fd = -1,
			.out_fd = -1, .max_bytes = HOSTMETA_DOC_MAX,
			.resolve = resolve,
			.trust = s->acc->conf->tls == TLS_TRUST,
			.timeout_s = 20,
			.done = which ? web_done_json : web_done_xml, .ud = d,
		};
		char *why = NULL;

		r.pin = pinstore_get(&app->pins, key);
		if (!r.pin)
			r.pin = pinstore_get(&app->pins, domain);
		if (!a)
			why = xasprintf("%s: cannot look up %s: %s", docs[which],
					domain, err ? err : "no address");
		else
			d->web_x[which] = http_start(app->xs->http, &r, &why);
		free(url);
		if (why) {
			d->web_err[which] = xasprintf("%s", why);
			d->web_done[which] = true;
			free(why);
		}
	}
	free(resolve);
	free(key);
	if (d->web_done[0] && d->web_done[1])
		web_end(d);
}

static void web_start(struct dial *d)
{
	d->web_asked = true;
	d->cur = NULL;
	d->ip[0] = '\0';
	d->web_q = resolve_addr(d->s->app->xs->resolver, d->s->acc->domain,
				on_web_addr, d);
}

/* --- the candidates -------------------------------------------------- */

static void web_start(struct dial *d);

/* Every TCP way failed: the domain's host-meta is asked (transport =
 * "auto"), then the caller hears it as a failed connect. */
static void exhausted(struct dial *d)
{
	struct session *s = d->s;

	/* an account that names its server asked for no discovery */
	if (!d->web_asked && d->kind == CONN_CLIENT && !s->acc->conf->server &&
	    s->acc->conf->transport == TRANSPORT_AUTO) {
		web_start(d);
		return;
	}

	d->cur = NULL;
	d->ip[0] = '\0';
	news(d, DIAL_EXHAUSTED, NULL);
	d->reported = true;
	s->sock_error = d->last_err ? d->last_err : EHOSTUNREACH;
	d->cb(s->conn, XMPP_CONN_DISCONNECT, 0, NULL, d->ud);
}

static void on_addrs(const char *err, const struct resolve_addr *v, size_t n,
		     void *ud)
{
	struct dial *d = ud;

	d->addr_q = NULL;
	if (err || n == 0) {
		d->ip[0] = '\0';
		news(d, DIAL_NO_ADDRESS, err ? err : "no address");
		begin_next(d);
		return;
	}
	free(d->addrs);
	d->addrs = xcalloc(n, sizeof *v);
	memcpy(d->addrs, v, n * sizeof *v);
	d->naddrs = n;
	d->next_addr = 0;
	if (n == 1) { /* nothing to race: straight to libstrophe */
		d->next_addr = 1;
		set_ip(d, 0);
		news(d, DIAL_TRYING, NULL);
		won(d, 0);
		return;
	}
	d->deadline = loop_timer_add(loop_of(d), CONNECT_TIMEOUT_MS,
				     on_deadline, d);
	start_probes(d);
}

/* The endpoint that worked last time failed (each of its addresses, or
 * its name): it is forgotten, as a remembered web one is, and the usual
 * order follows. */
static void forget_remembered(struct dial *d)
{
	struct session *s = d->s;
	char *path;

	if (!d->cur || d->cur->src != DIAL_FROM_REMEMBERED ||
	    !s->app->state_dir)
		return;
	path = endpoint_path(s->app->state_dir, s->acc->conf->name);
	endpoint_forget(path);
	free(path);
	d->ip[0] = '\0';
	news(d, DIAL_FORGOTTEN, NULL);
}

static void begin_next(struct dial *d)
{
	struct resolver *r = d->s->app->xs->resolver;

	if (!d->aborting)
		forget_remembered(d);
	free(d->addrs);
	d->addrs = NULL;
	d->naddrs = d->next_addr = 0;
	d->ip[0] = '\0';
	if (d->aborting)
		return;
	if (d->next >= d->ncands) {
		exhausted(d);
		return;
	}
	d->cur = &d->cands[d->next++];
	d->addr_q = resolve_addr(r, d->cur->host, on_addrs, d);
}

static void on_srv(struct dial *d, int which, const char *err,
		   const struct resolve_srv *v, size_t n)
{
	const char *svc = which == 0 ? "_xmpps-client._tcp" : "_xmpp-client._tcp";
	size_t i;

	d->srv_q[which] = NULL;
	if (err) {
		char *name = xasprintf("%s.%s", svc, d->s->acc->domain);
		struct ev_dial e = { .what = DIAL_LOOKUP_FAILED, .host = name,
				     .why = err, .more = true };

		endpoint_news(d->s->app, d->s->acc, &e);
		free(name);
	}
	d->found[which] = xcalloc(n ? n : 1, sizeof *d->found[which]);
	for (i = 0; i < n; i++)
		d->found[which][i] = (struct cand){
			xstrdup(v[i].target), v[i].port, which == 0,
			which == 0 ? DIAL_FROM_SRV_DIRECT : DIAL_FROM_SRV
		};
	d->nfound[which] = n;
	if (d->srv_q[0] || d->srv_q[1])
		return;
	/* both answered: direct TLS first, then STARTTLS, then the domain */
	for (which = 0; which < 2; which++) {
		for (i = 0; i < d->nfound[which]; i++) {
			struct cand *c = &d->found[which][i];

			cand_add(d, c->host, c->port, c->direct, c->src);
			free(c->host);
		}
		free(d->found[which]);
		d->found[which] = NULL;
		d->nfound[which] = 0;
	}
	if (d->s->acc->conf->tls == TLS_DIRECT)
		cand_add(d, d->s->acc->domain, PORT_DIRECT, true,
			 DIAL_FROM_DOMAIN);
	else
		cand_add(d, d->s->acc->domain, PORT_STARTTLS, false,
			 DIAL_FROM_DOMAIN);
	begin_next(d);
}

static void on_srv_direct(const char *err, const struct resolve_srv *v,
			  size_t n, void *ud)
{
	on_srv(ud, 0, err, v, n);
}

static void on_srv_starttls(const char *err, const struct resolve_srv *v,
			    size_t n, void *ud)
{
	on_srv(ud, 1, err, v, n);
}

/* The endpoint that worked last time goes first. Returns true when it
 * is a host-meta one, tried (from the loop) before any lookup. */
static bool add_remembered(struct dial *d)
{
	struct session *s = d->s;
	struct endpoint ep;
	char *path;

	if (d->kind != CONN_CLIENT || s->acc->conf->transport != TRANSPORT_AUTO ||
	    !s->app->state_dir)
		return false;
	path = endpoint_path(s->app->state_dir, s->acc->conf->name);
	if (endpoint_load(path, &ep) == 0 && ep.url) {
		d->mem_url = ep.url;
		d->urls[0] = d->mem_url;
		d->nurls = 1;
		d->next_url = 0;
		d->in_web = d->mem_web = true;
		d->later = loop_timer_add(loop_of(d), 0, on_later, d);
		free(path);
		return true;
	}
	if (ep.host) {
		/* a remembered direct TLS one is no use to tls = "disable" */
		if (!(ep.direct && s->acc->conf->tls == TLS_DISABLE))
			cand_add(d, ep.host, ep.port, ep.direct,
				 DIAL_FROM_REMEMBERED);
		endpoint_clear(&ep);
	}
	free(path);
	return false;
}

/* The SRV lookups, both at once; the candidates follow their answers. */
static void start_srv(struct dial *d)
{
	const struct account_conf *c = d->s->acc->conf;
	struct resolver *r = d->s->app->xs->resolver;
	char *direct = xasprintf("_xmpps-client._tcp.%s", d->s->acc->domain);
	char *plain = xasprintf("_xmpp-client._tcp.%s", d->s->acc->domain);
	bool want_direct = c->tls != TLS_DISABLE;
	bool want_plain = c->tls != TLS_DIRECT;

	/* both asked before either answers: an answer may come from the
	 * loop only, never from inside resolve_srv */
	if (want_direct)
		d->srv_q[0] = resolve_srv(r, direct, on_srv_direct, d);
	if (want_plain)
		d->srv_q[1] = resolve_srv(r, plain, on_srv_starttls, d);
	free(direct);
	free(plain);
}

int dial_start(struct session *s, enum conn_stream kind, xmpp_conn_handler cb,
	       void *ud)
{
	const struct account_conf *c = s->acc->conf;
	struct resolver *r;
	struct dial *d;

	dial_free(s);
	s->legacy_auth = s->no_auth_method = false;
	r = dial_resolver(s);
	if (!r)
		return XMPP_EINT;
	d = xcalloc(1, sizeof *d);
	d->s = s;
	d->kind = kind;
	d->cb = cb;
	d->ud = ud;
	s->dial = d;
	if (c->server) {
		int port = c->port ? c->port :
			   c->tls == TLS_DIRECT ? PORT_DIRECT : PORT_STARTTLS;

		cand_add(d, c->server, port, c->tls == TLS_DIRECT,
			 DIAL_FROM_CONFIG);
		begin_next(d);
		return XMPP_EOK;
	}
	if (!add_remembered(d))
		start_srv(d);
	return XMPP_EOK;
}

static void dial_stop(struct dial *d)
{
	int i;

	for (i = 0; i < 2; i++) {
		size_t j;

		resolve_cancel(&d->srv_q[i]);
		for (j = 0; j < d->nfound[i]; j++)
			free(d->found[i][j].host);
		free(d->found[i]);
		d->found[i] = NULL;
		d->nfound[i] = 0;
	}
	resolve_cancel(&d->addr_q);
	resolve_cancel(&d->web_q);
	http_cancel(&d->web_x[0]);
	http_cancel(&d->web_x[1]);
	probes_close(d);
	loop_timer_cancel(loop_of(d), d->later);
	d->later = 0;
}

bool dial_abort(struct session *s)
{
	struct dial *d = s->dial;

	if (!d || d->up || d->reported)
		return false;
	d->aborting = true;
	if (d->handed && !xmpp_conn_is_disconnected(s->conn))
		return false;
	dial_stop(d);
	d->reported = true;
	if (!s->sock_error)
		s->sock_error = ETIMEDOUT;
	d->cb(s->conn, XMPP_CONN_DISCONNECT, 0, NULL, d->ud);
	return true;
}

void dial_free(struct session *s)
{
	struct dial *d = s->dial;
	size_t i;

	if (!d)
		return;
	dial_stop(d);
	for (i = 0; i < d->ncands; i++)
		free(d->cands[i].host);
	free(d->cands);
	free(d->addrs);
	free(d->web_err[0]);
	free(d->web_err[1]);
	free(d->mem_url);
	hostmeta_clear(&d->hm);
	hostmeta_clear(&d->hm_doc[0]);
	hostmeta_clear(&d->hm_doc[1]);
	free(d);
	s->dial = NULL;
}
