/* test_resolve: core/resolve.h and core/endpoint.h.
 *
 * SRV ordering (RFC 2782) with an injected random source: priorities
 * ascending, weights drawn, "." meaning no service; the interleaving of
 * address families (RFC 8305); lookups through a real loop and c-ares:
 * a numeric host answers from the loop (never inside the call), a
 * cancelled lookup never calls back, and a DNS server that never
 * answers holds nothing up (the loop keeps running other timers and the
 * lookup ends with an error). With the system's servers c-ares is
 * initialised by the first lookup that needs the DNS, never by an
 * address literal (dl_load is wrapped to put a counter in front of
 * ares_init_options), and libcares is not even mapped before that
 * lookup; servers named make the channel at once. The remembered-endpoint file: round
 * trip, rejected contents, the directory made.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ares.h>

#include "core/endpoint.h"
#include "core/loop.h"
#include "core/resolve.h"
#include "util/dl.h"
#include "util/xmem.h"

static const double *draws;

/* How often a channel was made: core/resolve loads libcares through
 * dl_load, wrapped (-Wl,--wrap) to put count_init in front of the
 * library's ares_init_options. */
static int ares_inits;
static int (*real_init_options)(ares_channel *, struct ares_options *, int);

static int count_init(ares_channel *ch, struct ares_options *o, int mask)
{
	ares_inits++;
	return real_init_options(ch, o, mask);
}

void *__real_dl_load(const char *name, const char *package,
		     const struct dl_sym *syms, size_t n, char **why);
void *__wrap_dl_load(const char *name, const char *package,
		     const struct dl_sym *syms, size_t n, char **why);

void *__wrap_dl_load(const char *name, const char *package,
		     const struct dl_sym *syms, size_t n, char **why)
{
	void *lib = __real_dl_load(name, package, syms, n, why);
	size_t i;

	for (i = 0; lib && i < n; i++) {
		if (strcmp(syms[i].name, "ares_init_options") != 0)
			continue;
		real_init_options = *(int (**)(ares_channel *,
					       struct ares_options *, int))
					    syms[i].fn;
		*(void **)syms[i].fn = (void *)count_init;
	}
	return lib;
}

/* Whether libcares is mapped into this process. */
static bool cares_mapped(void)
{
	void *lib = dlopen("libcares.so.2", RTLD_NOW | RTLD_NOLOAD);

	if (lib)
		dlclose(lib);
	return lib != NULL;
}

static double next_draw(void)
{
	return *draws++;
}

static void test_srv_priority_first(void **state)
{
	struct resolve_srv v[] = {
		{ "c", 3, 20, 0 }, { "a", 1, 0, 5 }, { "b", 2, 10, 5 },
	};
	static const double d[] = { 0.0, 0.0, 0.0 };

	(void)state;
	draws = d;
	assert_int_equal(resolve_srv_order(v, 3, next_draw), 3);
	assert_string_equal(v[0].target, "a");
	assert_string_equal(v[1].target, "b");
	assert_string_equal(v[2].target, "c");
}

static void test_srv_weights(void **state)
{
	/* one priority: weights 10 and 90. A draw near 1 picks the heavy
	 * one first, a draw of 0 the first in (zero-weights-first) order */
	struct resolve_srv v[] = { { "light", 1, 5, 10 }, { "heavy", 2, 5, 90 } };
	struct resolve_srv w[] = { { "light", 1, 5, 10 }, { "heavy", 2, 5, 90 } };
	struct resolve_srv z[] = { { "weighted", 1, 5, 50 }, { "zero", 2, 5, 0 } };
	static const double hi[] = { 0.99, 0.0 };
	static const double lo[] = { 0.0, 0.0 };

	(void)state;
	draws = hi;
	resolve_srv_order(v, 2, next_draw);
	assert_string_equal(v[0].target, "heavy");
	assert_string_equal(v[1].target, "light");
	draws = lo;
	resolve_srv_order(w, 2, next_draw);
	assert_string_equal(w[0].target, "light");
	/* a zero weight comes first only on a draw of 0 */
	draws = lo;
	resolve_srv_order(z, 2, next_draw);
	assert_string_equal(z[0].target, "zero");
	z[0] = (struct resolve_srv){ "weighted", 1, 5, 50 };
	z[1] = (struct resolve_srv){ "zero", 2, 5, 0 };
	draws = hi;
	resolve_srv_order(z, 2, next_draw);
	assert_string_equal(z[0].target, "weighted");
}

static void test_srv_dot_means_none(void **state)
{
	struct resolve_srv v[] = { { ".", 0, 0, 0 } };

	(void)state;
	assert_int_equal(resolve_srv_order(v, 1, drand48), 0);
}

static void test_interleave(void **state)
{
	struct resolve_addr v[] = {
		{ AF_INET, "1.1.1.1" }, { AF_INET, "2.2.2.2" },
		{ AF_INET6, "::1" }, { AF_INET6, "::2" }, { AF_INET6, "::3" },
	};
	static const char *const want[] = { "::1", "1.1.1.1", "::2",
					    "2.2.2.2", "::3" };
	size_t i;

	(void)state;
	resolve_addr_interleave(v, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(v[i].ip, want[i]);
}

/* --- through the loop ------------------------------------------------- */

struct got {
	int calls;
	char err[128];
	char ip[46];
	size_t n;
	bool inside; /* called while resolve_addr was still running */
};

static bool asking;

static void on_addr(const char *err, const struct resolve_addr *v, size_t n,
		    void *ud)
{
	struct got *g = ud;

	g->calls++;
	g->inside = asking;
	g->n = n;
	snprintf(g->err, sizeof g->err, "%s", err ? err : "");
	if (n)
		snprintf(g->ip, sizeof g->ip, "%s", v[0].ip);
}

static void on_srv(const char *err, const struct resolve_srv *v, size_t n,
		   void *ud)
{
	struct got *g = ud;

	(void)v;
	g->calls++;
	g->n = n;
	snprintf(g->err, sizeof g->err, "%s", err ? err : "");
}

static void nothing(struct loop *l, void *ud)
{
	(void)l;
	(void)ud;
}

/* One pass that cannot block: a 0-ms timer bounds it. */
static void loop_iterate_bounded(struct loop *l)
{
	loop_timer_add(l, 0, nothing, NULL);
	loop_iterate(l);
}

static void run_until(struct loop *l, const int *flag, int max_passes)
{
	while (!*flag && max_passes-- > 0)
		loop_iterate_bounded(l);
}

/* A UDP socket on loopback that takes questions and never answers;
 * its "HOST:PORT" in servers. */
static int silent_server(char *servers, size_t len)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	snprintf(servers, len, "127.0.0.1:%d", ntohs(sa.sin_port));
	return fd;
}

/* An address literal needs no DNS server (this one never answers), and
 * its answer comes from the loop, not from inside resolve_addr. */
static void test_numeric_from_loop(void **state)
{
	static const char *const hosts[] = { "127.0.0.1", "::1" };
	struct loop *l = loop_new();
	char servers[64], *err = NULL;
	int fd = silent_server(servers, sizeof servers);
	struct resolver *r = resolver_new(l, servers, &err);
	size_t i;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < 2; i++) {
		struct got g = { 0 };
		struct resolve_q *q;

		asking = true;
		q = resolve_addr(r, hosts[i], on_addr, &g);
		asking = false;
		assert_non_null(q);
		assert_int_equal(g.calls, 0);
		run_until(l, &g.calls, 10);
		assert_int_equal(g.calls, 1);
		assert_false(g.inside);
		assert_string_equal(g.err, "");
		assert_string_equal(g.ip, hosts[i]);
	}
	resolver_free(&r);
	assert_null(r);
	loop_free(&l);
	close(fd);
}

/* The system's servers: an address literal makes no channel; a name
 * (localhost, from /etc/hosts) makes it, once. */
static void test_system_channel_when_needed(void **state)
{
	struct loop *l = loop_new();
	char servers[64], *err = NULL;
	int fd = silent_server(servers, sizeof servers);
	struct resolver *r;
	struct got g = { 0 }, h = { 0 };

	(void)state;
	ares_inits = 0;
	r = resolver_new(l, NULL, &err);
	assert_non_null(r);
	assert_null(err);
	resolve_addr(r, "127.0.0.1", on_addr, &g);
	run_until(l, &g.calls, 10);
	assert_int_equal(g.calls, 1);
	assert_string_equal(g.ip, "127.0.0.1");
	assert_int_equal(ares_inits, 0);
	assert_false(cares_mapped());
	resolve_addr(r, "localhost", on_addr, &h);
	run_until(l, &h.calls, 100);
	assert_int_equal(h.calls, 1);
	assert_int_equal(ares_inits, 1);
	assert_true(cares_mapped());
	resolver_free(&r);
	/* without a lookup: nothing to tear down either */
	r = resolver_new(l, NULL, &err);
	resolver_free(&r);
	assert_int_equal(ares_inits, 1);
	/* servers named: checked at once */
	r = resolver_new(l, servers, &err);
	assert_non_null(r);
	assert_int_equal(ares_inits, 2);
	resolver_free(&r);
	loop_free(&l);
	close(fd);
}

static void test_cancelled_never_calls(void **state)
{
	struct loop *l = loop_new();
	char *err = NULL;
	struct resolver *r = resolver_new(l, "127.0.0.1:9", &err);
	struct got g = { 0 };
	struct resolve_q *q = resolve_addr(r, "::1", on_addr, &g);
	int i;

	(void)state;
	resolve_cancel(&q);
	assert_null(q);
	/* the answer was due from the loop: it does not come */
	for (i = 0; i < 5; i++)
		loop_iterate_bounded(l);
	resolver_free(&r);
	assert_int_equal(g.calls, 0);
	loop_free(&l);
}

struct ticker {
	struct loop *l;
	int ticks;
};

static void tick(struct loop *l, void *ud)
{
	struct ticker *t = ud;

	t->ticks++;
	loop_timer_add(l, 10, tick, t);
}

static void test_silent_server(void **state)
{
	struct loop *l = loop_new();
	struct resolver *r;
	struct got g = { 0 };
	struct ticker t = { l, 0 };
	char servers[64], *err = NULL, buf[512];
	int fd = silent_server(servers, sizeof servers);

	(void)state;
	r = resolver_new(l, servers, &err);
	assert_non_null(r);
	resolve_srv(r, "_xmpp-client._tcp.example.org", on_srv, &g);
	loop_timer_add(l, 10, tick, &t);
	/* other timers keep running while the lookup waits */
	while (t.ticks < 5)
		loop_iterate(l);
	assert_int_equal(g.calls, 0);
	/* the question did reach the server */
	assert_true(recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0);
	resolver_free(&r);
	assert_int_equal(g.calls, 0); /* freeing calls nobody back */
	loop_free(&l);
	close(fd);
}

/* --- the remembered endpoint ------------------------------------------ */

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_resolve.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_endpoint_round_trip(void **state)
{
	char *path = endpoint_path(dir, "work");
	struct endpoint ep = { "xmpp.example.org", 443, true, NULL }, back;
	struct stat st;
	char *sub = xasprintf("%s/work", dir);

	(void)state;
	assert_int_equal(endpoint_load(path, &back), -1); /* none yet */
	assert_int_equal(endpoint_save(path, &ep), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(endpoint_load(path, &back), 0);
	assert_string_equal(back.host, "xmpp.example.org");
	assert_int_equal(back.port, 443);
	assert_true(back.direct);
	endpoint_clear(&back);
	ep = (struct endpoint){ "::1", 5222, false, NULL };
	assert_int_equal(endpoint_save(path, &ep), 0);
	assert_int_equal(endpoint_load(path, &back), 0);
	assert_string_equal(back.host, "::1");
	assert_false(back.direct);
	endpoint_clear(&back);
	assert_null(back.host);
	free(sub);
	free(path);
}

static void test_endpoint_rejects(void **state)
{
	static const char *const bad[] = {
		"", "tcp\n", "tcp host 5222\n", "tcp host 0 direct\n",
		"tcp host 70000 direct\n", "tcp host 5222 maybe\n",
		"udp host 5222 direct\n", "tcp ho/st 5222 direct\n",
		"tcp host 5222 direct extra\n", "tcp host x direct\n",
	};
	char *path = xasprintf("%s/bad", dir);
	struct endpoint ep = { "bad host", 1, false, NULL };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct endpoint back;

		write_file(path, bad[i]);
		assert_int_equal(endpoint_load(path, &back), -1);
		assert_null(back.host);
	}
	assert_int_not_equal(endpoint_save(path, &ep), 0);
	free(path);
}

static void test_endpoint_web_round_trip(void **state)
{
	char *path = endpoint_path(dir, "web");
	struct endpoint ep = { .url = "wss://xmpp.example.org/ws" }, back;
	char line[128];
	FILE *f;

	(void)state;
	assert_int_equal(endpoint_save(path, &ep), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_string_equal(line, "websocket wss://xmpp.example.org/ws\n");
	assert_int_equal(endpoint_load(path, &back), 0);
	assert_null(back.host);
	assert_string_equal(back.url, "wss://xmpp.example.org/ws");
	endpoint_clear(&back);
	assert_null(back.url);
	ep.url = "https://example.org:5281/http-bind";
	assert_int_equal(endpoint_save(path, &ep), 0);
	assert_int_equal(endpoint_load(path, &back), 0);
	assert_string_equal(back.url, "https://example.org:5281/http-bind");
	endpoint_clear(&back);
	/* a TCP one replaces it whole */
	ep = (struct endpoint){ "xmpp.example.org", 5222, false, NULL };
	assert_int_equal(endpoint_save(path, &ep), 0);
	assert_int_equal(endpoint_load(path, &back), 0);
	assert_null(back.url);
	assert_string_equal(back.host, "xmpp.example.org");
	endpoint_clear(&back);
	endpoint_forget(path);
	assert_int_equal(endpoint_load(path, &back), -1);
	endpoint_forget(path); /* none: no harm */
	free(path);
}

static void test_endpoint_web_rejects(void **state)
{
	static const char *const bad[] = {
		"websocket\n", "websocket ws://example.org/ws\n",
		"websocket https://example.org/ws\n",
		"bosh http://example.org/http-bind\n",
		"bosh wss://example.org/ws\n", "bosh https://\n",
		"websocket wss:///path\n",
		"websocket wss://example.org/ws extra\n",
		"websocket wss://example.org/ws\nbosh https://example.org/b\n",
		"websocket wss://example.org/\x01\n",
		"websocket wss://example.org/\xc3\xa9\n",
		"socks wss://example.org/ws\n",
	};
	char *path = xasprintf("%s/badweb", dir);
	char *long_url = xmalloc(ENDPOINT_URL_MAX + 32);
	struct endpoint back, ep = { .url = "ws://example.org/ws" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		write_file(path, bad[i]);
		assert_int_equal(endpoint_load(path, &back), -1);
		assert_null(back.url);
		assert_null(back.host);
	}
	/* at most ENDPOINT_URL_MAX bytes */
	strcpy(long_url, "websocket wss://example.org/");
	i = strlen(long_url);
	memset(long_url + i, 'a', ENDPOINT_URL_MAX + 10 - i);
	long_url[ENDPOINT_URL_MAX + 10] = '\0';
	write_file(path, long_url);
	assert_int_equal(endpoint_load(path, &back), 0); /* exactly the max */
	assert_int_equal(strlen(back.url), ENDPOINT_URL_MAX);
	endpoint_clear(&back);
	strcat(long_url, "a\n");
	write_file(path, long_url);
	assert_int_equal(endpoint_load(path, &back), -1);
	assert_null(back.url);
	assert_int_not_equal(endpoint_save(path, &ep), 0);
	free(long_url);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srv_priority_first),
		cmocka_unit_test(test_srv_weights),
		cmocka_unit_test(test_srv_dot_means_none),
		cmocka_unit_test(test_interleave),
		/* first of those that make a channel: libcares is not
		 * mapped before it */
		cmocka_unit_test(test_system_channel_when_needed),
		cmocka_unit_test(test_numeric_from_loop),
		cmocka_unit_test(test_cancelled_never_calls),
		cmocka_unit_test(test_silent_server),
		cmocka_unit_test(test_endpoint_round_trip),
		cmocka_unit_test(test_endpoint_rejects),
		cmocka_unit_test(test_endpoint_web_round_trip),
		cmocka_unit_test(test_endpoint_web_rejects),
	};

	return make_dir(NULL) || cmocka_run_group_tests(tests, NULL, NULL);
}
