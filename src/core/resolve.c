/* resolve: DNS lookups inside natter's loop, through c-ares (see
 * resolve.h).
 *
 * The channel's sockets are watched by the loop as c-ares opens and
 * closes them (sock_state), and after every call into c-ares the one
 * timer is set again to ares_timeout(): that is how retries and the
 * final timeout of a resolver that never answers happen without a
 * poll interval. c-ares may answer inside the call that asks (a numeric
 * host, /etc/hosts): such an answer is kept and handed over by a 0 ms
 * timer, so a callback never runs before its lookup was returned.
 *
 * With the system's servers the channel is made by the first lookup
 * that needs the DNS: an address literal does not, so an account whose
 * server is given as an address never initialises c-ares (its resolver
 * configuration, 70 KiB of heap). Servers named in the configuration
 * make the channel at once, so that a bad list is told at the start.
 * libcares itself is dlopen()ed by the first channel (util/dl.h), so a
 * session that never asks the DNS does not map it.
 */
#include "config.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/loop.h"
#include "core/resolve.h"
#include "util/dl.h"
#include "util/xmem.h"

#define CARES_LIBRARY "libcares.so.2"

/* RFC 1035's class IN and RFC 2782's type SRV */
#define DNS_CLASS_IN 1
#define DNS_TYPE_SRV 33

/* libcares, loaded by the first channel (cares_loaded) */
static struct {
	void *lib;
	int (*library_init)(int);
	void (*library_cleanup)(void);
	const char *(*strerror)(int);
	int (*init_options)(ares_channel *, struct ares_options *, int);
	int (*set_servers_ports_csv)(ares_channel, const char *);
	void (*destroy)(ares_channel);
	void (*process_fd)(ares_channel, ares_socket_t, ares_socket_t);
	struct timeval *(*timeout)(ares_channel, struct timeval *,
				   struct timeval *);
	int (*parse_srv_reply)(const unsigned char *, int,
			       struct ares_srv_reply **);
	void (*free_data)(void *);
	void (*freeaddrinfo)(struct ares_addrinfo *);
	void (*getaddrinfo)(ares_channel, const char *, const char *,
			    const struct ares_addrinfo_hints *,
			    ares_addrinfo_callback, void *);
	void (*query)(ares_channel, const char *, int, int, ares_callback,
		      void *);
} ca;

struct resolver {
	struct loop *loop;
	ares_channel ch; /* NULL until a lookup needs it */
	loop_timer_id timer;
	size_t pending; /* lookups c-ares has not answered yet */
	bool dying;     /* ares_destroy() is calling back */
};

struct resolve_q {
	struct resolver *r;
	resolve_srv_fn srv_cb;
	resolve_addr_fn addr_cb;
	void *ud;
	bool starting;  /* still inside the call that asked */
	bool cancelled;
	bool answered;
	loop_timer_id deliver_timer;
	/* the answer, kept until it is delivered */
	char *err;
	struct resolve_srv *srv;
	struct resolve_addr *addr;
	size_t n;
};

static void rearm(struct resolver *r);

static void q_free(struct resolve_q *q)
{
	size_t i;

	if (q->srv)
		for (i = 0; i < q->n; i++)
			free(q->srv[i].target);
	free(q->srv);
	free(q->addr);
	free(q->err);
	free(q);
}

static void deliver(struct resolve_q *q)
{
	if (!q->cancelled) {
		if (q->srv_cb)
			q->srv_cb(q->err, q->srv, q->n, q->ud);
		else
			q->addr_cb(q->err, q->addr, q->n, q->ud);
	}
	q_free(q);
}

static void deliver_later(struct loop *l, void *ud)
{
	struct resolve_q *q = ud;

	(void)l;
	q->deliver_timer = 0;
	deliver(q);
}

/* c-ares answered q (its result stored): now, or after the call that
 * asked returns. */
static void answered(struct resolve_q *q)
{
	struct resolver *r = q->r;

	q->answered = true;
	r->pending--;
	if (r->dying) {
		q_free(q);
		return;
	}
	if (q->starting) {
		q->deliver_timer = loop_timer_add(r->loop, 0, deliver_later, q);
		return;
	}
	deliver(q);
}

static void on_fd(struct loop *l, int fd, short revents, void *ud)
{
	struct resolver *r = ud;

	(void)l;
	ca.process_fd(r->ch,
			revents & (POLLIN | POLLERR | POLLHUP) ? fd : ARES_SOCKET_BAD,
			revents & POLLOUT ? fd : ARES_SOCKET_BAD);
	rearm(r);
}

static void sock_state(void *data, ares_socket_t fd, int readable,
		       int writable)
{
	struct resolver *r = data;

	if (!readable && !writable)
		loop_unwatch(r->loop, fd);
	else
		loop_watch(r->loop, fd,
			   (short)((readable ? POLLIN : 0) |
				   (writable ? POLLOUT : 0)),
			   on_fd, r);
}

static void on_timer(struct loop *l, void *ud)
{
	struct resolver *r = ud;

	(void)l;
	r->timer = 0;
	ca.process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm(r);
}

/* The one timer follows c-ares's next deadline while lookups run. */
static void rearm(struct resolver *r)
{
	struct timeval tv, *t;
	uint64_t ms;

	loop_timer_cancel(r->loop, r->timer);
	r->timer = 0;
	if (!r->pending || !r->ch)
		return;
	t = ca.timeout(r->ch, NULL, &tv);
	if (!t)
		return;
	ms = (uint64_t)t->tv_sec * 1000 + (uint64_t)t->tv_usec / 1000 + 1;
	r->timer = loop_timer_add(r->loop, ms, on_timer, r);
}

/* Loads libcares once (it stays: a channel may be made again); false
 * with *err set when it cannot be. */
static bool cares_loaded(char **err)
{
	static const struct dl_sym syms[] = {
		DL_SYM(ca.library_init, "ares_library_init"),
		DL_SYM(ca.library_cleanup, "ares_library_cleanup"),
		DL_SYM(ca.strerror, "ares_strerror"),
		DL_SYM(ca.init_options, "ares_init_options"),
		DL_SYM(ca.set_servers_ports_csv, "ares_set_servers_ports_csv"),
		DL_SYM(ca.destroy, "ares_destroy"),
		DL_SYM(ca.process_fd, "ares_process_fd"),
		DL_SYM(ca.timeout, "ares_timeout"),
		DL_SYM(ca.parse_srv_reply, "ares_parse_srv_reply"),
		DL_SYM(ca.free_data, "ares_free_data"),
		DL_SYM(ca.freeaddrinfo, "ares_freeaddrinfo"),
		DL_SYM(ca.getaddrinfo, "ares_getaddrinfo"),
		DL_SYM(ca.query, "ares_query"),
	};
	char *why = NULL;

	if (ca.lib)
		return true;
	ca.lib = dl_load(CARES_LIBRARY, "libc-ares2", syms,
			 sizeof syms / sizeof *syms, &why);
	if (ca.lib)
		return true;
	*err = xasprintf("DNS lookups need %s", why);
	free(why);
	return false;
}

/* Makes r's channel, asking servers (NULL: the system's). Returns 0,
 * or -1 with *err set (the caller frees it) and no channel. */
static int channel(struct resolver *r, const char *servers, char **err)
{
	struct ares_options o;
	int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS;
	int st;

	*err = NULL;
	if (!cares_loaded(err))
		return -1;
	st = ca.library_init(ARES_LIB_INIT_ALL);
	if (st != ARES_SUCCESS) {
		*err = xasprintf("c-ares: %s", ca.strerror(st));
		return -1;
	}
	memset(&o, 0, sizeof o);
	/* a JID's domain is a full name: no search domains tried first */
	o.flags = ARES_FLAG_NOSEARCH;
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = r;
	if (servers) {
		/* only the servers named: no /etc/hosts */
		o.lookups = (char *)"b";
		mask |= ARES_OPT_LOOKUPS;
	}
	st = ca.init_options(&r->ch, &o, mask);
	if (st == ARES_SUCCESS && servers)
		st = ca.set_servers_ports_csv(r->ch, servers);
	if (st != ARES_SUCCESS) {
		*err = xasprintf("DNS resolver%s%s: %s", servers ? " " : "",
				 servers ? servers : "", ca.strerror(st));
		if (r->ch)
			ca.destroy(r->ch);
		r->ch = NULL;
		ca.library_cleanup();
		return -1;
	}
	return 0;
}

struct resolver *resolver_new(struct loop *l, const char *servers, char **err)
{
	struct resolver *r = xcalloc(1, sizeof *r);

	*err = NULL;
	r->loop = l;
	if (servers && channel(r, servers, err) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

/* r's channel, made now if it is not yet; false with q answered with
 * why when it cannot be. */
static bool have_channel(struct resolver *r, struct resolve_q *q)
{
	if (!r->ch && channel(r, NULL, &q->err) < 0) {
		answered(q); /* from the loop: q->starting */
		q->starting = false;
		return false;
	}
	return true;
}

void resolver_free(struct resolver **rp)
{
	struct resolver *r = *rp;

	if (!r)
		return;
	r->dying = true;
	loop_timer_cancel(r->loop, r->timer);
	if (r->ch) {
		/* answers every lookup with ARES_EDESTRUCTION */
		ca.destroy(r->ch);
		ca.library_cleanup();
	}
	free(r);
	*rp = NULL;
}

static void srv_answer(void *arg, int status, int timeouts,
		       unsigned char *abuf, int alen)
{
	struct resolve_q *q = arg;
	struct ares_srv_reply *list = NULL, *p;
	size_t n = 0;

	(void)timeouts;
	if (status == ARES_SUCCESS)
		status = ca.parse_srv_reply(abuf, alen, &list);
	if (status == ARES_SUCCESS) {
		for (p = list; p; p = p->next)
			n++;
		q->srv = xcalloc(n ? n : 1, sizeof *q->srv);
		for (p = list, n = 0; p; p = p->next, n++) {
			q->srv[n].target = xstrdup(p->host);
			q->srv[n].port = p->port;
			q->srv[n].priority = p->priority;
			q->srv[n].weight = p->weight;
		}
		ca.free_data(list);
		q->n = resolve_srv_order(q->srv, n, drand48);
		for (; n > q->n; n--)
			free(q->srv[n - 1].target);
	} else if (status != ARES_ENOTFOUND && status != ARES_ENODATA) {
		q->err = xstrdup(ca.strerror(status));
	}
	answered(q);
}

static void addr_answer(void *arg, int status, int timeouts,
			struct ares_addrinfo *ai)
{
	struct resolve_q *q = arg;
	struct ares_addrinfo_node *p;
	size_t n = 0;

	(void)timeouts;
	if (status == ARES_SUCCESS && ai) {
		for (p = ai->nodes; p; p = p->ai_next)
			n++;
		q->addr = xcalloc(n ? n : 1, sizeof *q->addr);
		for (p = ai->nodes; p; p = p->ai_next) {
			struct resolve_addr *a = &q->addr[q->n];
			const void *src;

			if (p->ai_family == AF_INET6)
				src = &((struct sockaddr_in6 *)(void *)p->ai_addr)->sin6_addr;
			else if (p->ai_family == AF_INET)
				src = &((struct sockaddr_in *)(void *)p->ai_addr)->sin_addr;
			else
				continue;
			if (!inet_ntop(p->ai_family, src, a->ip, sizeof a->ip))
				continue;
			a->family = p->ai_family;
			q->n++;
		}
		resolve_addr_interleave(q->addr, q->n);
	} else if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		q->err = xstrdup("no such host");
	} else {
		q->err = xstrdup(ca.strerror(status));
	}
	if (ai)
		ca.freeaddrinfo(ai);
	answered(q);
}

static struct resolve_q *q_new(struct resolver *r, void *ud)
{
	struct resolve_q *q = xcalloc(1, sizeof *q);

	q->r = r;
	q->ud = ud;
	q->starting = true;
	r->pending++;
	return q;
}

struct resolve_q *resolve_srv(struct resolver *r, const char *name,
			      resolve_srv_fn cb, void *ud)
{
	struct resolve_q *q = q_new(r, ud);

	q->srv_cb = cb;
	if (!have_channel(r, q))
		return q;
	ca.query(r->ch, name, DNS_CLASS_IN, DNS_TYPE_SRV, srv_answer, q);
	q->starting = false;
	rearm(r);
	return q;
}

/* An address literal answers itself: c-ares 1.18 would ask the DNS
 * server about "127.0.0.1" when told to read no hosts file. */
static bool literal(struct resolve_q *q, const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	int family = inet_pton(AF_INET6, host, buf) == 1 ? AF_INET6 :
		     inet_pton(AF_INET, host, buf) == 1 ? AF_INET : 0;

	if (!family || strlen(host) >= sizeof q->addr->ip)
		return false;
	q->addr = xcalloc(1, sizeof *q->addr);
	q->addr->family = family;
	strcpy(q->addr->ip, host);
	q->n = 1;
	return true;
}

struct resolve_q *resolve_addr(struct resolver *r, const char *host,
			       resolve_addr_fn cb, void *ud)
{
	struct resolve_q *q = q_new(r, ud);
	struct ares_addrinfo_hints h;

	q->addr_cb = cb;
	if (literal(q, host)) {
		answered(q); /* from the loop: q->starting */
		q->starting = false;
		return q;
	}
	if (!have_channel(r, q))
		return q;
	memset(&h, 0, sizeof h);
	h.ai_family = AF_UNSPEC;
	h.ai_socktype = SOCK_STREAM;
	h.ai_flags = ARES_AI_NOSORT;
	ca.getaddrinfo(r->ch, host, NULL, &h, addr_answer, q);
	q->starting = false;
	rearm(r);
	return q;
}

void resolve_cancel(struct resolve_q **qp)
{
	struct resolve_q *q = *qp;

	if (!q)
		return;
	*qp = NULL;
	if (q->deliver_timer) { /* answered, waiting to be handed over */
		loop_timer_cancel(q->r->loop, q->deliver_timer);
		q_free(q);
		return;
	}
	q->cancelled = true; /* freed when c-ares answers */
}

static int by_priority(const void *a, const void *b)
{
	const struct resolve_srv *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	/* zero weights first, as RFC 2782's selection wants them */
	return (x->weight != 0) - (y->weight != 0);
}

size_t resolve_srv_order(struct resolve_srv *v, size_t n, double (*rnd)(void))
{
	size_t i, start;

	if (n == 1 && strcmp(v[0].target, ".") == 0)
		return 0;
	qsort(v, n, sizeof *v, by_priority);
	for (start = 0; start < n;) {
		size_t end = start;

		while (end < n && v[end].priority == v[start].priority)
			end++;
		/* weighted draws without replacement within the group */
		for (i = start; i < end; i++) {
			unsigned long total = 0, sum = 0, pick;
			size_t j;

			for (j = i; j < end; j++)
				total += (unsigned)v[j].weight;
			pick = (unsigned long)(rnd() * (double)(total + 1));
			if (pick > total)
				pick = total;
			for (j = i; j < end; j++) {
				sum += (unsigned)v[j].weight;
				if (sum >= pick)
					break;
			}
			if (j == end)
				j = end - 1;
			if (j != i) {
				struct resolve_srv t = v[j];

				memmove(&v[i + 1], &v[i], (j - i) * sizeof *v);
				v[i] = t;
			}
		}
		start = end;
	}
	return n;
}

void resolve_addr_interleave(struct resolve_addr *v, size_t n)
{
	struct resolve_addr *t;
	size_t i6 = 0, i4 = 0, k = 0;

	if (n < 2)
		return;
	t = xcalloc(n, sizeof *t);
	memcpy(t, v, n * sizeof *v);
	while (k < n) {
		while (i6 < n && t[i6].family != AF_INET6)
			i6++;
		if (i6 < n)
			v[k++] = t[i6++];
		while (i4 < n && t[i4].family == AF_INET6)
			i4++;
		if (i4 < n && k < n)
			v[k++] = t[i4++];
	}
	free(t);
}
