/* test_bosh: core/bosh's requests, counted.
 *
 * core/http is replaced (the linker's --wrap) by a table of the
 * requests bosh.c starts; a test answers them in the order it chooses
 * and looks at what bosh.c sends next and what libstrophe would read.
 * The points: an idle session keeps exactly one request at the server,
 * held (no stall check, which would wake the loop every second), and
 * one more only while there is something to send; an answer that
 * arrives before an older one's frees its place at once, within the
 * server's rid window, and answers reach libstrophe in rid order.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/http.h"
#include "core/webstream.h"

#define MAXREQ 64

struct fake_req {
	char *body;     /* what went up */
	bool held;
	bool answered;
	bool cancelled;
	http_done_fn done;
	void *ud;
};

static struct {
	struct fake_req req[MAXREQ];
	int n;
	char *client;   /* what libstrophe would have read */
	size_t client_len;
	int writes;     /* to_client calls */
	int closed;
} fk;

/* -- the fake engine ------------------------------------------------ */

struct http *__wrap_http_new(struct loop *l);
void __wrap_http_free(struct http **h);
struct http_xfer *__wrap_http_start(struct http *h, const struct http_req *r,
				    char **err);
void __wrap_http_cancel(struct http_xfer **x);

struct http *__wrap_http_new(struct loop *l)
{
	static int engine;

	(void)l;
	return (struct http *)&engine;
}

void __wrap_http_free(struct http **h)
{
	*h = NULL;
}

struct http_xfer *__wrap_http_start(struct http *h, const struct http_req *r,
				    char **err)
{
	struct fake_req *q;

	(void)h;
	(void)err;
	assert_true(fk.n < MAXREQ);
	q = &fk.req[fk.n];
	q->body = strndup(r->body, (size_t)r->body_len);
	q->held = r->held;
	q->done = r->done;
	q->ud = r->ud;
	/* the transfer is its slot, one past 0 */
	return (struct http_xfer *)(intptr_t)(++fk.n);
}

void __wrap_http_cancel(struct http_xfer **x)
{
	if (*x)
		fk.req[(intptr_t)*x - 1].cancelled = true;
	*x = NULL;
}

/* Request i answers body. */
static void answer(int i, const char *body)
{
	struct http_result res = { .ok = true, .status = 200, .body = body,
				   .len = strlen(body) };
	struct fake_req *q = &fk.req[i];

	assert_false(q->answered);
	assert_false(q->cancelled);
	q->answered = true;
	q->done((struct http_xfer *)(intptr_t)(i + 1), &res, q->ud);
}

/* Requests started and not answered (nor cancelled). */
static int open_requests(void)
{
	int i, n = 0;

	for (i = 0; i < fk.n; i++)
		n += !fk.req[i].answered && !fk.req[i].cancelled;
	return n;
}

static uint64_t rid_of(int i)
{
	const char *p = strstr(fk.req[i].body, "rid='");

	assert_non_null(p);
	return strtoull(p + 5, NULL, 10);
}

/* -- libstrophe's side ---------------------------------------------- */

static void to_client(void *ud, const char *buf, size_t len)
{
	(void)ud;
	fk.writes++;
	fk.client = realloc(fk.client, fk.client_len + len + 1);
	assert_non_null(fk.client);
	memcpy(fk.client + fk.client_len, buf, len);
	fk.client_len += len;
	fk.client[fk.client_len] = '\0';
}

static void closed(void *ud, const char *why)
{
	(void)ud;
	(void)why;
	fk.closed++;
}

static const struct webstream_ops ops = { .to_client = to_client,
					   .closed = closed };

#define HEADER "<?xml version='1.0'?><stream:stream to='localhost' " \
	       "xmlns='jabber:client' " \
	       "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
#define BODY(kids) "<body xmlns='http://jabber.org/protocol/httpbind' " \
		   "xmlns:stream='http://etherx.jabber.org/streams'>" kids \
		   "</body>"

static void *b;

static void send_client(const char *xml)
{
	bosh_impl.from_client(b, xml, strlen(xml));
}

/* A session as the server creates it, its creation answered with
 * attrs: one request held afterwards. */
static void create(const char *attrs)
{
	struct webstream_conf c = { .url = "https://localhost/http-bind" };
	char *err = NULL, *ans;
	int n;

	memset(&fk, 0, sizeof fk);
	b = bosh_impl.make(NULL, &c, &ops, NULL, &err);
	assert_non_null(b);
	send_client(HEADER);
	assert_int_equal(fk.n, 1);
	assert_non_null(strstr(fk.req[0].body, "hold='1'"));
	n = asprintf(&ans, "<body xmlns='http://jabber.org/protocol/httpbind' "
		     "xmlns:stream='http://etherx.jabber.org/streams' %s "
		     "requests='2' hold='1' wait='50' from='localhost'>"
		     "<stream:features/></body>", attrs);
	assert_true(n > 0);
	answer(0, ans);
	free(ans);
	assert_non_null(strstr(fk.client, "<stream:features"));
	/* the stream header made from it and its features, together */
	assert_int_equal(fk.writes, 1);
}

static int setup(void **state)
{
	(void)state;
	create("sid='s1'");
	return 0;
}

/* ejabberd's way: an authid apart from the sid */
static int setup_authid(void **state)
{
	(void)state;
	create("sid='s1' authid='ej&amp;42'");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	bosh_impl.free(b);
	for (int i = 0; i < fk.n; i++)
		free(fk.req[i].body);
	free(fk.client);
	return 0;
}

/* Idle: one request at the server at every moment, held, each one
 * sent as the server answers the one before (its wait over). */
static void test_idle_one_held_request(void **state)
{
	(void)state;
	for (int round = 0; round < 5; round++) {
		int last = fk.n - 1;

		assert_int_equal(open_requests(), 1);
		assert_true(fk.req[last].held);
		answer(last, BODY(""));
		assert_int_equal(fk.n, last + 2);
		assert_int_equal(rid_of(last + 1), rid_of(last) + 1);
	}
	assert_int_equal(open_requests(), 1);
	assert_int_equal(fk.closed, 0);
}

/* Something to send: a second request goes beside the held one, and
 * when the server answers the held one, nothing more than the one left
 * stays. */
static void test_send_beside_held(void **state)
{
	int held = fk.n - 1;

	(void)state;
	send_client("<message to='bob@localhost'><body>hi</body></message>");
	assert_int_equal(open_requests(), 2);
	assert_non_null(strstr(fk.req[held + 1].body, "<body>hi</body>"));
	/* both are in flight: a third stanza waits */
	send_client("<message to='bob@localhost'><body>2</body></message>");
	assert_int_equal(fk.n, held + 2);
	answer(held, BODY(""));
	/* the waiting stanza went at once on the freed place */
	assert_int_equal(fk.n, held + 3);
	assert_non_null(strstr(fk.req[held + 2].body, "<body>2</body>"));
	assert_int_equal(open_requests(), 2);
	answer(held + 1, BODY(""));
	answer(held + 2, BODY(""));
	/* and the session is back to one held request */
	assert_int_equal(open_requests(), 1);
}

/* The newer request's answer is read first: its place is free at once
 * (the stanza waiting goes without waiting for the older answer), and
 * libstrophe still reads the older answer first. */
static void test_newer_answer_first(void **state)
{
	int held = fk.n - 1;
	const char *older, *newer;

	(void)state;
	send_client("<message to='bob@localhost'><body>1</body></message>");
	send_client("<message to='bob@localhost'><body>2</body></message>");
	assert_int_equal(fk.n, held + 2);
	assert_int_equal(open_requests(), 2);
	answer(held + 1, BODY("<message id='newer'/>"));
	/* one in flight: the second stanza goes now */
	assert_int_equal(fk.n, held + 3);
	assert_non_null(strstr(fk.req[held + 2].body, "<body>2</body>"));
	assert_int_equal(rid_of(held + 2), rid_of(held) + 2);
	assert_null(strstr(fk.client, "newer"));
	/* rid held + 2 is the edge of the window of 2 from the oldest
	 * unanswered: once it is answered too, nothing more may go until
	 * the oldest is */
	answer(held + 2, BODY(""));
	send_client("<message to='bob@localhost'><body>3</body></message>");
	assert_int_equal(fk.n, held + 3);
	answer(held, BODY("<message id='older'/>"));
	older = strstr(fk.client, "older");
	newer = strstr(fk.client, "newer");
	assert_non_null(older);
	assert_non_null(newer);
	assert_true(older < newer);
	/* the third stanza went, and that is the one request left */
	assert_int_equal(fk.n, held + 4);
	assert_non_null(strstr(fk.req[held + 3].body, "<body>3</body>"));
	assert_int_equal(open_requests(), 1);
	assert_int_equal(fk.closed, 0);
}

/* The stream id libstrophe reads (and a legacy digest login hashes,
 * XEP-0206) is the authid of the session's creation, escaped once;
 * without one, the sid. */
static void test_stream_id_is_authid(void **state)
{
	(void)state;
	assert_non_null(strstr(fk.client, " id='ej&amp;42'"));
	assert_null(strstr(fk.client, "id='s1'"));
	/* the requests still name the session by its sid */
	answer(fk.n - 1, BODY(""));
	assert_non_null(strstr(fk.req[fk.n - 1].body, "sid='s1'"));
}

static void test_stream_id_is_sid(void **state)
{
	(void)state;
	assert_non_null(strstr(fk.client, " id='s1'"));
}

/* An answer of many stanzas (a presence storm) reaches libstrophe in
 * one write, its children in order and whole; an empty answer writes
 * nothing. */
static void test_answer_one_write(void **state)
{
	int held = fk.n - 1, writes = fk.writes;
	size_t before = fk.client_len;
	char kids[4096] = "", *body;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(kids + n, sizeof kids - n,
				      "<presence from='u%d@gw/x'><status>s %d"
				      "</status></presence>", i, i);
	assert_true(n < sizeof kids);
	body = malloc(n + 256);
	assert_non_null(body);
	snprintf(body, n + 256, BODY("%s"), kids);
	answer(held, body);
	free(body);
	assert_int_equal(fk.writes, writes + 1);
	assert_int_equal(fk.client_len - before, n);
	assert_memory_equal(fk.client + before, kids, n);
	answer(fk.n - 1, BODY(""));
	assert_int_equal(fk.writes, writes + 1);
	assert_int_equal(open_requests(), 1);
	assert_int_equal(fk.closed, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_idle_one_held_request),
		T(test_send_beside_held),
		T(test_newer_answer_first),
		cmocka_unit_test_setup_teardown(test_stream_id_is_authid,
						setup_authid, teardown),
		T(test_stream_id_is_sid),
		T(test_answer_one_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
