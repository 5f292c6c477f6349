/* mam: the user's message archive (XEP-0313, urn:xmpp:mam:2), paged
 * with result set management (XEP-0059).
 *
 * Catch-up: when a new session (not a resumed stream) comes up and the
 * account's disco#info (xmpp/features.c) offers urn:xmpp:mam:2, the
 * archive is asked for what came after the newest message stored with
 * an archive id (history_archive_last, read when the session came up,
 * before any of its messages was stored), one page at a time: a page is
 * asked when the last one's <fin/> came, by the loop's pass after it. A
 * result is only queued as it arrives, and the loop hands MAM_SLICE of
 * them a pass to message_read() (struct mam_step), so what came behind
 * a page (a ping the server held while it built it) never waits for the
 * page to be stored, and its answer is written before the next page's
 * query, which the server would otherwise read first and answer nothing
 * else until that page is built. The query waits until the server has
 * acknowledged (XEP-0198) what we wrote after the last one, so that it
 * has relayed that answer before it starts on the page (steps_pass). A
 * message that is not a result is read after the results before it are
 * stored (mam_settle). When the history already holds what the archive
 * named, the account has one: the first page is then
 * asked with the session's first requests, without waiting for the
 * disco#info (which comes after the roster). The first page records
 * where the catch-up starts and each finished page where it got to
 * (history_archive_cursor, in the same transaction as the page's
 * messages), so a connection lost half way resumes there
 * -- not after a newer message that came live meanwhile -- and the
 * deduplication by archive id absorbs the page fetched twice. An id the
 * archive no longer knows (item-not-found: expired) falls back to the
 * time of that message ('start'). With nothing stored yet (a new
 * install) only the archive's newest page is fetched; scrolling back
 * reaches the rest. Along the archive's order a result is stored no
 * earlier than the result before it as stored (in_order,
 * follow_stored): the archive stamps whole seconds and what came live
 * meanwhile has our clock's ms, so without that a result could read
 * before a live message the archive has before it. Ties read in the
 * order stored; core/conv.c moves a live copy after a result stored in
 * its ms, and shows each result after the one before it.
 *
 * Scrolling back: when a conversation's local history runs out, the
 * archive is asked for the page before the oldest stored message (by its
 * archive id, else by its time), with that peer only; the results are
 * stored, and the window then loads them from the history in order of
 * time. An archive that said its result was complete is not asked again
 * for that peer during the session.
 *
 * Forgery: a <result/> is believed only from our own bare JID (or with
 * no 'from': our server on its behalf) and only with the queryid of a
 * query this session has in flight; anything else is dropped and noted
 * in the debug log.
 *
 * Rooms: a room whose disco#info (asked when we are in it, muc.c)
 * names urn:xmpp:mam:2 is caught up from its own archive (the query
 * goes to the room's bare JID) after the newest line stored that the
 * room named by its stanza-id. That place is read when the join goes
 * out (mam_room_joining), before the join's replay stores newer lines;
 * pages follow each other as for the user's archive, and each result
 * goes to muc.c as a room line (delayed: it does not alert), whose id
 * is the room's stanza-id, so the replay's copies are stored once. The
 * join still asks for <history since=.../> (xmpp/mucstay.c): whether
 * the room has an archive is known only once we are in, and if the
 * archive fails nothing is lost. With nothing of the room stored, the
 * join's history is all there is (no catch-up). Scrolling back in a
 * room does not ask its archive.
 *
 * Preferences: /archive asks for (and changes) the default of the
 * server's archiving policy; the always/never lists are kept as they
 * are when the default changes.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/history.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/strmap.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xs.h"

/* Messages asked per page. Servers may send fewer (Prosody: 50 unless
 * max_archive_query_results says more); the <fin/> tells where the page
 * ended either way. */
#define MAM_PAGE 250
/* Messages asked per page when scrolling back. */
#define MAM_OLDER_PAGE 100
/* How much earlier than the newest message stored a catch-up's 'start'
 * is: our stamp for a message that came live is our clock's, the
 * archive's is the server's. */
#define MAM_SLACK_MS (120 * 1000)
/* How many times in a row a page that got no answer is asked again. */
#define MAM_RETRIES 3
/* The user's own archive in history_archive_cursor(). */
#define MAM_OWN ""
/* How many of the catch-up's results one pass of the loop stores (see
 * struct mam_step): about a millisecond's work. */
#define MAM_SLICE 25
/* How long the catch-up's next page waits at most for the server to
 * acknowledge what we sent before it (see steps_pass): a round trip
 * takes a millisecond or so; this is for a server that stops counting. */
#define MAM_ACK_WAIT_MS 250

enum mam_kind { MAM_CATCHUP, MAM_OLDER, MAM_ROOM };

/* The archiving defaults (XEP-0313 section 6). */
static const char *const mam_defaults[] = { "always", "roster", "never" };

/* A query in flight; the request's ud, released by its callback (which
 * runs exactly once), and by each catch-up step that names it. A query
 * the session has dropped (a new session started) is no longer in
 * struct mam and only waits for those. */
struct mam_query {
	unsigned refs;    /* its callback's, and one per step */
	char *queryid;
	enum mam_kind kind;
	uint64_t win;     /* MAM_OLDER: the window asking */
	char *room;       /* MAM_ROOM: the room (bare JID) asked */
	char *peer;       /* MAM_OLDER: its peer */
	bool by_after;    /* asked after an archive id (may be unknown) */
	size_t got;       /* results on this page */
	int64_t last_ts;  /* the newest result's time on it, -1: none */
	int64_t before_ts; /* MAM_OLDER: the oldest stored message's time,
			    * -1: none stored */
};

/* What the catch-up read and has still to do, in the order read. A
 * result is only queued as it is read (message_read() costs tens of
 * microseconds, and a page of them would hold back whatever came
 * behind them, pings included); the loop then stores MAM_SLICE results
 * a pass (mam_settle() all of them). A page's end (its cursor: where a
 * catch-up cut short goes on; then the next page is asked) and the
 * catch-up's end wait in the queue behind the page's results. */
enum mam_step_kind { STEP_RESULT, STEP_PAGE, STEP_END };

struct mam_step {
	enum mam_step_kind kind;
	struct mam_query *q;  /* STEP_RESULT, STEP_PAGE: a reference */
	/* STEP_RESULT: the message the result forwards (a reference: its
	 * wrappers are freed as read, which keeps what a page holds
	 * small), its archive id and stamp (NULL: none), copies */
	xmpp_stanza_t *inner;
	char *id, *stamp;
	char *after;          /* STEP_PAGE: the page's RSM <last/> */
};

/* A result's parts, borrowed from its stanza. */
struct result {
	xmpp_stanza_t *inner; /* the message it forwards */
	const char *id, *stamp;
};

/* A room's catch-up (MAM_ROOM). */
struct mam_room {
	char *room;      /* its bare JID */
	struct mam_query *q; /* the page in flight, NULL: none */
	bool due;        /* joining: to start once the room's disco#info
			  * names an archive */
	char *after;     /* the room's stanza-id it goes on after */
	int64_t from;    /* the 'start' every page asks, -1: none */
	int64_t start;   /* the time of the newest message it handled */
	int64_t prev;    /* the time the last result was stored with */
	size_t got;
};

struct mam {
	struct mam_query *catchup;  /* the catch-up's page in flight */
	struct mam_room *rooms;     /* rooms joined (or joining) */
	size_t nrooms, caprooms;
	struct mam_query **older;   /* scroll backs in flight */
	size_t nolder, capolder;
	struct strmap done;         /* peers whose archive has no more */
	/* the catch-up */
	char *after;     /* the archive id it goes on after; NULL: none */
	int64_t start;   /* the time of the newest message it handled
			  * (where it goes on from when the archive forgot
			  * that id), -1: none (newest) */
	int64_t from;    /* the 'start' every page asks: the catch-up's
			  * first start less MAM_SLACK_MS, so that the
			  * archive's <count/> says about how many are to
			  * come, whatever the clocks say */
	bool told;       /* the total was taken from a <count/> */
	bool due;        /* a catch-up waits for the account's features */
	bool known;      /* the account's features came (xmpp/features.c) */
	bool offered;    /* and its disco#info names urn:xmpp:mam:2 */
	unsigned retries; /* pages asked again for want of an answer */
	int64_t prev;    /* the time the last result was stored with, or of
			  * the message it goes on after; -1: none */
	bool newest;     /* nothing was stored: the newest page only */
	size_t got, total;
	struct mam_step *steps; /* what is read and not done: steps[next ..
				 * nsteps - 1] */
	size_t next, nsteps, capsteps;
	bool ask;        /* the next page is asked by a step pass */
	uint64_t ask_at; /* when it became due (the loop's clock) */
	bool upto_set;   /* upto holds: the step pass after the page */
	uint32_t upto;   /* what we had sent then (the pong among it): the
			  * server's count that lets the next page go */
	loop_timer_id pass; /* the next step pass, 0: none due */
};

static struct mam *mam_of(struct session *s)
{
	if (!s->mam) {
		s->mam = xcalloc(1, sizeof *s->mam);
		strmap_init(&s->mam->done);
	}
	return s->mam;
}

static struct mam_query *query_ref(struct mam_query *q)
{
	q->refs++;
	return q;
}

/* Drops a reference to *qp and clears it; the last frees the query. */
static void query_release(struct mam_query **qp)
{
	struct mam_query *q = *qp;

	*qp = NULL;
	if (!q || --q->refs > 0)
		return;
	free(q->queryid);
	free(q->peer);
	free(q->room);
	free(q);
}

/* Forgets what the catch-up read and has not done (the cursor then
 * still names where it was read from). */
static void steps_clear(struct session *s, struct mam *m)
{
	for (size_t i = m->next; i < m->nsteps; i++) {
		if (m->steps[i].inner)
			xmpp_stanza_release(m->steps[i].inner);
		free(m->steps[i].id);
		free(m->steps[i].stamp);
		free(m->steps[i].after);
		query_release(&m->steps[i].q);
	}
	m->next = m->nsteps = 0;
	m->ask = false;
	loop_timer_cancel(s->app->loop, m->pass);
	m->pass = 0;
}

/* Forgets every query in flight (their callbacks free them). */
static void forget_queries(struct mam *m)
{
	m->catchup = NULL;
	m->nolder = 0;
	for (size_t i = 0; i < m->nrooms; i++) {
		m->rooms[i].q = NULL;
		m->rooms[i].due = false;
	}
}

void mam_free(struct session *s)
{
	struct mam *m = s->mam;

	if (!m)
		return;
	steps_clear(s, m);
	free(m->steps);
	forget_queries(m);
	for (size_t i = 0; i < m->nrooms; i++) {
		free(m->rooms[i].room);
		free(m->rooms[i].after);
	}
	free(m->rooms);
	free(m->older);
	strmap_clear(&m->done);
	free(m->after);
	free(m);
	s->mam = NULL;
}

/* "2002-09-10T23:08:25.123Z" for ms since the epoch, in buf. */
static void stamp_of(int64_t ms, char *buf, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t len;

	gmtime_r(&t, &tm);
	len = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + len, n - len, ".%03dZ", (int)(ms % 1000));
}

static void query_field(xmpp_stanza_t *x, const char *var, const char *type,
		       const char *value)
{
	xmpp_stanza_t *f = stanza_add_child(x, "field", NULL);

	xmpp_stanza_set_attribute(f, "var", var);
	if (type)
		xmpp_stanza_set_attribute(f, "type", type);
	stanza_add_text(f, "value", value);
}

/* An archive query (the caller's reference) to the archive at to (NULL:
 * the user's own): with (NULL: everyone),
 * start and end (ms, -1: none), RSM max and after or before (before ""
 * asks for the last page). */
static xmpp_stanza_t *query_iq(struct session *s, const char *to,
			       const char *queryid, const char *with,
			       int64_t start, int64_t end,
			       int max, const char *after, const char *before)
{
	xmpp_stanza_t *iq = req_iq(s, "set", to, "query", NS_MAM);
	xmpp_stanza_t *q = stanza_payload(iq);
	xmpp_stanza_t *x = stanza_add_child(q, "x", NS_DATA);
	xmpp_stanza_t *set = stanza_add_child(q, "set", NS_RSM);
	char buf[40];

	xmpp_stanza_set_attribute(q, "queryid", queryid);
	xmpp_stanza_set_type(x, "submit");
	query_field(x, "FORM_TYPE", "hidden", NS_MAM);
	if (with)
		query_field(x, "with", NULL, with);
	if (start >= 0) {
		stamp_of(start, buf, sizeof buf);
		query_field(x, "start", NULL, buf);
	}
	if (end >= 0) {
		stamp_of(end, buf, sizeof buf);
		query_field(x, "end", NULL, buf);
	}
	snprintf(buf, sizeof buf, "%d", max);
	stanza_add_text(set, "max", buf);
	if (after)
		stanza_add_text(set, "after", after);
	if (before) {
		xmpp_stanza_t *b = stanza_add_child(set, "before", NULL);

		if (*before) {
			xmpp_stanza_t *t = xmpp_stanza_new(s->ctx);

			xmpp_stanza_set_text(t, before);
			xmpp_stanza_add_child(b, t);
			xmpp_stanza_release(t);
		}
	}
	return iq;
}

static struct mam_query *query_new(struct session *s, enum mam_kind kind)
{
	struct mam_query *q = xcalloc(1, sizeof *q);
	char *id = xmpp_uuid_gen(s->ctx);

	q->refs = 1;
	q->queryid = xstrdup(id);
	xmpp_free(s->ctx, id);
	q->kind = kind;
	q->last_ts = q->before_ts = -1;
	return q;
}

/* What a <fin/> says: its RSM <last/> (the caller frees it), <count/>
 * (0: not told) and whether the result set is complete. */
struct fin {
	char *last;
	size_t count;
	bool complete;
};

static void fin_parse(xmpp_stanza_t *reply, struct fin *f)
{
	xmpp_stanza_t *fin = xmpp_stanza_get_child_by_name_and_ns(reply, "fin",
								   NS_MAM);
	xmpp_stanza_t *set = fin ? xmpp_stanza_get_child_by_name_and_ns(
					   fin, "set", NS_RSM) :
				   NULL;
	const char *c = fin ? xmpp_stanza_get_attribute(fin, "complete") : NULL;
	char *count = set ? stanza_child_text(set, "count") : NULL;

	memset(f, 0, sizeof *f);
	f->complete = c && (strcmp(c, "true") == 0 || strcmp(c, "1") == 0);
	f->last = set ? stanza_child_text(set, "last") : NULL;
	if (count) {
		long n = strtol(count, NULL, 10);

		f->count = n > 0 ? (size_t)n : 0;
		free(count);
	}
}

static void catchup_page(struct session *s);
static struct mam_step *step_add(struct session *s, enum mam_step_kind kind);
static void steps_run(struct session *s, size_t max);

/* The catch-up ends: finished (cond NULL) or stopped by cond. */
static void catchup_end(struct session *s, const char *cond)
{
	struct mam *m = s->mam;
	struct event ev = { .type = EV_ARCHIVE_SYNC, .acc = s->acc };

	ev.archive_sync = (struct ev_archive_sync){ .fetched = m->got,
						    .cond = cond };
	if (!cond && !m->newest && s->acc->history &&
	    history_archive_cursor_set(s->acc->history, MAM_OWN, NULL, -1) < 0)
		log_msg(LOG_WARN, "mam", "%s: cannot forget the cursor: %s",
			s->acc->conf->name, history_error(s->acc->history));
	log_msg(LOG_INFO, "mam", "%s: catch-up %s after %zu messages",
		s->acc->conf->name, cond ? cond : "done", m->got);
	account_archive_progress(s->app, s->acc, false, 0, 0);
	xfree(&m->after);
	event_emit(s->app, &ev);
}

static void on_catchup(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct mam_query *q = ud;
	struct mam *m = s->mam;
	struct fin f;

	if (!m || m->catchup != q || s->app->quit) { /* a session ago */
		if (m && m->catchup == q)
			m->catchup = NULL;
		query_release(&q);
		return;
	}
	m->catchup = NULL;
	if (!reply && m->retries < MAM_RETRIES && !s->app->quit &&
	    s->acc->state == ACC_ONLINE) {
		/* no answer (a resumed stream that lost it): ask again from
		 * the same place; what comes twice is stored once */
		m->retries++;
		log_msg(LOG_INFO, "mam", "%s: no answer to a page, asking again",
			s->acc->conf->name);
		m->got -= q->got;
		catchup_page(s);
		query_release(&q);
		return;
	}
	m->retries = 0;
	if (!req_ok(reply)) {
		struct req_error e;

		/* what was read is stored before the catch-up changes
		 * course (m->start: where it got to) */
		steps_run(s, SIZE_MAX);
		req_error_parse(reply, &e);
		if (q->by_after && e.cond &&
		    strcmp(e.cond, "item-not-found") == 0 && m->start >= 0) {
			/* the archive forgot that id: go on by time */
			log_msg(LOG_INFO, "mam", "%s: archive id unknown, "
				"catching up by time", s->acc->conf->name);
			xfree(&m->after);
			m->from = m->start > MAM_SLACK_MS ?
					  m->start - MAM_SLACK_MS : 0;
			catchup_page(s);
		} else if (e.cond && (strcmp(e.cond, "service-unavailable") == 0 ||
				      strcmp(e.cond, "feature-not-implemented") ==
					      0)) {
			/* a server without an archive: nothing to say */
			log_msg(LOG_INFO, "mam", "%s: no archive (%s)",
				s->acc->conf->name, e.cond);
			account_archive_progress(s->app, s->acc, false, 0, 0);
		} else {
			catchup_end(s, e.cond ? e.cond : "undefined-condition");
		}
		req_error_clear(&e);
		query_release(&q);
		return;
	}
	fin_parse(reply, &f);
	/* the first page's count: what is archived since m->from, the
	 * message the catch-up goes on after among them */
	if (f.count && !m->told) {
		m->told = true;
		m->total = f.count + m->got - q->got;
		if (q->by_after && m->total > 0)
			m->total--;
	}
	if (q->got && f.last && !m->newest) {
		free(m->after);
		m->after = xstrdup(f.last);
	}
	if (f.complete || !f.last || q->got == 0 || m->newest) {
		step_add(s, STEP_END);
	} else {
		struct mam_step *page = step_add(s, STEP_PAGE);

		/* the next page is asked by the loop's next step pass, once
		 * what came with this <fin/> is answered: the server holds
		 * every stanza for us while it builds a page, and a pong
		 * written with the query (a ping it held while it built this
		 * one) would wait for the next page too. Where this page
		 * ended is recorded once its results are stored
		 * (page_stored); the server builds the next meanwhile. */
		page->q = query_ref(q);
		page->after = xstrdup(f.last);
		m->ask = true;
		m->ask_at = loop_now(s->app->loop);
		m->upto_set = false;
		if (m->total < m->got)
			m->total = m->got;
		/* the bar moves once a page */
		account_archive_progress(s->app, s->acc, true, m->got, m->total);
	}
	free(f.last);
	query_release(&q);
}

/* A page's results are stored: where it ended (after, the time of its
 * newest result) is recorded in the batch that holds them. */
static void page_stored(struct session *s, struct mam_query *q,
			const char *after)
{
	struct mam *m = s->mam;

	if (q->last_ts >= 0)
		m->start = q->last_ts;
	if (s->acc->history &&
	    history_archive_cursor_set(s->acc->history, MAM_OWN, after,
				       m->start) < 0)
		log_msg(LOG_WARN, "mam", "%s: cannot record the cursor: %s",
			s->acc->conf->name, history_error(s->acc->history));
}

/* Asks for the catch-up's next page. */
static void catchup_page(struct session *s)
{
	struct mam *m = s->mam;
	struct mam_query *q = query_new(s, MAM_CATCHUP);
	xmpp_stanza_t *iq;

	if (m->newest)
		iq = query_iq(s, NULL, q->queryid, NULL, -1, -1, MAM_PAGE, NULL,
			      "");
	else
		iq = query_iq(s, NULL, q->queryid, NULL, m->from, -1,
			      MAM_PAGE, m->after, NULL);
	q->by_after = m->after != NULL;
	m->catchup = q;
	req_send(s, iq, on_catchup, q, REQ_TIMEOUT_MS);
}

/* Where the catch-up will start: taken when the session comes up, before
 * any message of it is stored, so that one coming live before the
 * account's features are known does not move it past what the archive
 * holds from the time natter was away. Returns false when there is to
 * be no catch-up. */
static bool catchup_from(struct session *s, struct mam *m)
{
	struct account *a = s->acc;
	char *after = NULL;
	int64_t ts = -1;
	int r;

	if (!a->conf->mam || !a->history)
		return false;
	/* a catch-up cut short goes on where it was */
	r = history_archive_cursor(a->history, MAM_OWN, &after, &ts);
	if (r == 0) {
		r = history_archive_last(a->history, &after, &ts);
		if (r > 0 &&
		    history_archive_cursor_set(a->history, MAM_OWN, after, ts) < 0)
			log_msg(LOG_WARN, "mam", "%s: cannot record the cursor: %s",
				a->conf->name, history_error(a->history));
	}
	if (r < 0) {
		log_msg(LOG_ERROR, "mam", "%s: cannot read the history: %s",
			a->conf->name, history_error(a->history));
		return false;
	}
	m->after = after;
	m->start = m->prev = r > 0 ? ts : -1;
	m->from = r > 0 ? (ts > MAM_SLACK_MS ? ts - MAM_SLACK_MS : 0) : -1;
	m->newest = r == 0;
	return true;
}

/* Starts the catch-up catchup_from() prepared; why: how we know the
 * account has an archive, for the log. */
static void catchup_start(struct session *s, const char *why)
{
	struct mam *m = s->mam;

	m->due = false;
	conv_catchup_start(s->app, s->acc);
	log_msg(LOG_INFO, "mam", "%s: catching up %s (the archive %s)",
		s->acc->conf->name,
		m->newest ? "(the newest page)" :
		m->after  ? "after an id" : "by time", why);
	account_archive_progress(s->app, s->acc, true, 0, 0);
	catchup_page(s);
}

void mam_connected(struct session *s)
{
	struct mam *m = mam_of(s);

	/* what the last session read is stored (and the cursor moved past
	 * it) before this one reads where to go on from; a pass armed for
	 * the last session's next page is not this one's */
	m->ask = false;
	loop_timer_cancel(s->app->loop, m->pass);
	m->pass = 0;
	steps_run(s, SIZE_MAX);
	forget_queries(m);
	strmap_clear(&m->done);
	xfree(&m->after);
	m->got = m->total = 0;
	m->newest = m->told = false;
	m->offered = m->known = false;
	m->retries = 0;
	m->start = m->from = m->prev = -1;
	account_archive_progress(s->app, s->acc, false, 0, 0);
	m->due = catchup_from(s, m);
	/* the history holds what the account's archive named (or a
	 * catch-up's cursor): it has one. Its first page then goes out
	 * with the session's first requests, not a roster and a round
	 * trip later when disco#info says so; an archive gone since
	 * answers with an error, which ends the catch-up quietly */
	if (m->due && !m->newest)
		catchup_start(s, "known from before");
}

void mam_features(struct session *s)
{
	struct account *a = s->acc;
	struct mam *m = mam_of(s);

	m->known = true;
	m->offered = features_account(s, NS_MAM);
	if (!m->offered) {
		log_msg(LOG_INFO, "mam", "%s: the account has no archive",
			a->conf->name);
		return;
	}
	if (m->due)
		catchup_start(s, "offered");
}

/* The window a scroll back's answer is for, if it is still open. */
static struct window *older_window(struct session *s, struct mam_query *q)
{
	struct window *w = app_window_by_id(s->app, q->win);

	return w && w->kind == WIN_CHAT && w->acc == s->acc ? w : NULL;
}

static void on_older(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct mam_query *q = ud;
	struct mam *m = s->mam;
	struct event ev = { .type = EV_ARCHIVE_SYNC, .acc = s->acc };
	struct req_error e = { 0 };
	struct window *w;
	bool mine = false, done = true;
	size_t i;
	int shown = 0;

	for (i = 0; m && i < m->nolder; i++)
		if (m->older[i] == q) {
			m->older[i] = m->older[--m->nolder];
			mine = true;
			break;
		}
	if (!mine || s->app->quit) {
		query_release(&q);
		return;
	}
	w = older_window(s, q);
	if (req_ok(reply)) {
		struct fin f;

		fin_parse(reply, &f);
		done = f.complete || q->got == 0;
		free(f.last);
		/* what came is stored: the window shows it in its place */
		if (w)
			shown = conv_load_older(s->app, w, q->got ? q->got : 1);
		if (shown == 0)
			done = true; /* nothing new: do not ask again */
	} else {
		req_error_parse(reply, &e);
	}
	if (done) /* the value is only a mark: borrowed, never freed */
		strmap_put(&m->done, q->peer, strlen(q->peer),
			   (void *)mam_defaults);
	ev.archive_sync = (struct ev_archive_sync){
		.fetched = q->got, .older = true, .jid = q->peer,
		.shown = shown > 0 ? (size_t)shown : 0, .cond = e.cond };
	event_emit(s->app, &ev);
	req_error_clear(&e);
	query_release(&q);
}

int xs_archive_older(struct app *app, struct window *w)
{
	struct account *a = w->acc;
	struct session *s;
	struct mam *m;
	struct mam_query *q;
	char *aid = NULL;
	int64_t ts = -1;
	size_t i;
	int r;

	if (w->kind != WIN_CHAT || !a || !w->jid || strchr(w->jid, '/') ||
	    a->state != ACC_ONLINE || !a->conf->mam || !a->history)
		return -1;
	s = session_of(a);
	m = mam_of(s);
	/* (before the account's features are known, asking is how to
	 * find out) */
	if ((m->known && !m->offered) ||
	    strmap_get(&m->done, w->jid, strlen(w->jid)))
		return -1;
	for (i = 0; i < m->nolder; i++)
		if (m->older[i]->win == w->id)
			return 0; /* asked already */
	r = history_oldest(a->history, w->jid, &aid, &ts);
	if (r < 0)
		return -1;
	q = query_new(s, MAM_OLDER);
	q->win = w->id;
	q->peer = xstrdup(w->jid);
	q->before_ts = r > 0 ? ts : -1;
	xgrow((void **)&m->older, &m->capolder, m->nolder + 1,
	      sizeof *m->older);
	m->older[m->nolder++] = q;
	/* the page before the oldest we have: by its archive id, else by
	 * its time (the archive's copy of it, if any, is a duplicate) */
	req_send(s,
		 query_iq(s, NULL, q->queryid, w->jid, -1, aid ? -1 : r ? ts : -1,
			  MAM_OLDER_PAGE, NULL, aid ? aid : ""),
		 on_older, q, REQ_TIMEOUT_MS);
	free(aid);
	(void)app;
	return 0;
}

/* Rooms' archives. */

/* room's catch-up, made if need be (NULL: not made and none). */
static struct mam_room *room_of(struct mam *m, const char *room, bool make)
{
	struct mam_room *e;
	size_t i;

	for (i = 0; i < m->nrooms; i++)
		if (strcasecmp(m->rooms[i].room, room) == 0)
			return &m->rooms[i];
	if (!make)
		return NULL;
	xgrow((void **)&m->rooms, &m->caprooms, m->nrooms + 1,
	      sizeof *m->rooms);
	e = &m->rooms[m->nrooms++];
	memset(e, 0, sizeof *e);
	e->room = xstrdup(room);
	e->from = e->start = e->prev = -1;
	return e;
}

void mam_room_joining(struct session *s, const char *room)
{
	struct account *a = s->acc;
	struct mam_room *e = room_of(mam_of(s), room, true);
	char *after = NULL;
	int64_t ts = -1;
	int r;

	e->q = NULL; /* a page of an earlier join: its answer is ignored */
	e->due = false;
	e->got = 0;
	xfree(&e->after);
	if (!a->conf->mam || !a->history)
		return;
	r = history_room_archive_last(a->history, room, &after, &ts);
	if (r < 0)
		log_msg(LOG_ERROR, "mam", "%s: cannot read the history: %s",
			a->conf->name, history_error(a->history));
	if (r <= 0)
		return; /* nothing stored: the join's history is all */
	e->after = after;
	e->start = e->prev = ts;
	e->from = ts > MAM_SLACK_MS ? ts - MAM_SLACK_MS : 0;
	e->due = true;
}

static void room_page(struct session *s, struct mam_room *e);

static void room_end(struct session *s, struct mam_room *e, const char *cond)
{
	log_msg(LOG_INFO, "mam", "%s: room %s: catch-up %s after %zu messages",
		s->acc->conf->name, e->room, cond ? cond : "done", e->got);
	xfree(&e->after);
}

static void on_room_page(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct mam_query *q = ud;
	struct mam_room *e = s->mam ? room_of(s->mam, q->room, false) : NULL;
	struct fin f;

	if (!e || e->q != q || s->app->quit) { /* a join ago */
		query_release(&q);
		return;
	}
	e->q = NULL;
	if (!req_ok(reply)) {
		struct req_error err;

		req_error_parse(reply, &err);
		if (q->by_after && err.cond &&
		    strcmp(err.cond, "item-not-found") == 0) {
			/* the archive forgot that id: go on by time */
			xfree(&e->after);
			e->from = e->start > MAM_SLACK_MS ?
					  e->start - MAM_SLACK_MS : 0;
			room_page(s, e);
		} else {
			/* the join's <history/> covered what it could */
			room_end(s, e, reply ? (err.cond ? err.cond :
						 "undefined-condition") :
					       "no answer");
		}
		req_error_clear(&err);
		query_release(&q);
		return;
	}
	fin_parse(reply, &f);
	if (q->got && f.last) {
		free(e->after);
		e->after = xstrdup(f.last);
		if (q->last_ts >= 0)
			e->start = q->last_ts;
	}
	if (f.complete || !f.last || q->got == 0)
		room_end(s, e, NULL);
	else
		room_page(s, e);
	free(f.last);
	query_release(&q);
}

/* Asks room e's archive for its catch-up's next page. */
static void room_page(struct session *s, struct mam_room *e)
{
	struct mam_query *q = query_new(s, MAM_ROOM);

	q->room = xstrdup(e->room);
	q->by_after = e->after != NULL;
	e->q = q;
	req_send(s,
		 query_iq(s, e->room, q->queryid, NULL, e->from, -1, MAM_PAGE,
			  e->after, NULL),
		 on_room_page, q, REQ_TIMEOUT_MS);
}

void mam_room_info(struct session *s, const char *room, bool offered)
{
	struct mam_room *e = s->mam ? room_of(s->mam, room, false) : NULL;

	if (!e || !e->due)
		return;
	e->due = false;
	if (!offered) {
		xfree(&e->after);
		return;
	}
	log_msg(LOG_INFO, "mam", "%s: room %s: catching up from its archive",
		s->acc->conf->name, room);
	room_page(s, e);
}

/* The query in flight whose queryid is id, or NULL. */
static struct mam_query *query_find(struct mam *m, const char *id)
{
	size_t i;

	if (!m || !id)
		return NULL;
	if (m->catchup && strcmp(m->catchup->queryid, id) == 0)
		return m->catchup;
	for (i = 0; i < m->nolder; i++)
		if (strcmp(m->older[i]->queryid, id) == 0)
			return m->older[i];
	for (i = 0; i < m->nrooms; i++)
		if (m->rooms[i].q && strcmp(m->rooms[i].q->queryid, id) == 0)
			return m->rooms[i].q;
	return NULL;
}

/* Whether from (NULL: none) is the archive q asked: the user's own, or
 * for MAM_ROOM the room's (its bare JID, never absent). */
static bool from_archive(struct session *s, struct mam_query *q,
			 const char *from)
{
	const char *archive = q->kind == MAM_ROOM ? q->room : s->acc->bare_jid;
	struct jid j;
	bool ok;

	if (!from)
		return q->kind != MAM_ROOM;
	if (jid_parse(from, &j) < 0)
		return false;
	{
		char *b = jid_bare(&j);

		ok = !j.resource && archive && strcasecmp(b, archive) == 0;
		free(b);
	}
	jid_clear(&j);
	return ok;
}

/* The time of the last result a catch-up (the user's, or room q's)
 * stored or found stored. */
static int64_t *prev_of(struct mam *m, struct mam_query *q)
{
	struct mam_room *e = q->kind == MAM_ROOM ? room_of(m, q->room, false) :
						   NULL;

	if (q->kind == MAM_ROOM)
		return e ? &e->prev : NULL;
	return q->kind == MAM_CATCHUP ? &m->prev : NULL;
}

/* The time a result is stored with: its stamp, moved where it would not
 * sort where the archive puts it. History reads in order of time, ties
 * in the order rows were stored, which for a catch-up's new rows is the
 * archive's. Archives stamp in whole seconds (Prosody) while what came
 * live is stamped with our clock's ms, so a catch-up's result is never
 * earlier than the one before it (follow_stored: as stored, a live
 * copy's time too); equal is enough, and no drift piles up over a long
 * catch-up. A scroll back's result goes earlier than the oldest stored
 * message it was asked before (each of a page's results a ms after the
 * one before). */
static int64_t in_order(struct mam *m, struct mam_query *q, int64_t t)
{
	int64_t *prev = prev_of(m, q);

	if (q->kind != MAM_OLDER)
		return t >= 0 && prev && t < *prev ? *prev : t;
	if (q->before_ts >= 0 &&
	    (t < 0 || t > q->before_ts - MAM_OLDER_PAGE + (int64_t)q->got))
		t = q->before_ts - MAM_OLDER_PAGE + (int64_t)q->got;
	return t;
}

/* After a catch-up's result id is handled (stored as a new row when
 * added): the time it is stored with is where the next result may
 * start. That is later than in_order()'s when it was stored before,
 * live (our clock's ms, later than the archive's whole second): what
 * the archive has after it must read after it, not before it in the
 * same second. A new row has t itself (when stamped): no look-up. */
static void follow_stored(struct session *s, struct mam_query *q,
			  const char *id, int64_t t, bool added)
{
	int64_t *prev = prev_of(s->mam, q);
	int64_t row, stored;

	if (!prev)
		return;
	if (t > *prev)
		*prev = t;
	if ((!added || t < 0) && s->acc->history &&
	    history_archived(s->acc->history,
			     q->kind == MAM_ROOM ? q->room : NULL, id, &row,
			     &stored) > 0 &&
	    stored > *prev)
		*prev = stored;
}

/* Result r's parts in p; false when it has no message or id. */
static bool result_parts(xmpp_stanza_t *r, struct result *p)
{
	xmpp_stanza_t *fwd = xmpp_stanza_get_child_by_name_and_ns(r, "forwarded",
								 NS_FORWARD);
	xmpp_stanza_t *d = fwd ? xmpp_stanza_get_child_by_name_and_ns(
					 fwd, "delay", NS_DELAY) :
				 NULL;

	p->inner = fwd ? xmpp_stanza_get_child_by_name(fwd, "message") : NULL;
	p->id = xmpp_stanza_get_attribute(r, "id");
	p->stamp = d ? xmpp_stanza_get_attribute(d, "stamp") : NULL;
	return p->inner && p->id;
}

/* Stores result p of query q (and shows it). */
static void store_result(struct session *s, struct mam_query *q,
			 const struct result *p)
{
	struct msg_via via = { VIA_ARCHIVE, -1, NULL, false };
	struct history *h = s->acc->history;
	int64_t last;

	via.ts_ms = in_order(s->mam, q,
			     p->stamp ? xs_parse_stamp(p->stamp) : -1);
	via.archive_id = p->id;
	via.in_order = q->kind == MAM_CATCHUP;
	if (via.ts_ms >= 0)
		q->last_ts = via.ts_ms;
	last = h ? history_last_rowid(h) : 0;
	if (q->kind == MAM_ROOM) {
		struct mam_room *e = room_of(s->mam, q->room, false);

		if (e)
			e->got++;
		muc_archived(s, p->inner, q->room, via.ts_ms, p->id);
	} else {
		message_read(s, p->inner, &via);
	}
	follow_stored(s, q, p->id, via.ts_ms,
		      h && history_last_rowid(h) != last);
}

bool mam_result(struct session *s, xmpp_stanza_t *st)
{
	xmpp_stanza_t *r = xmpp_stanza_get_child_by_name_and_ns(st, "result",
								 NS_MAM);
	struct mam_query *q;
	struct result parts;
	struct mam_step *step;

	if (!r)
		return false;
	q = query_find(s->mam, xmpp_stanza_get_attribute(r, "queryid"));
	if (!q || !from_archive(s, q, xmpp_stanza_get_from(st))) {
		log_msg(LOG_INFO, "mam", "%s: archive result %s dropped",
			s->acc->conf->name,
			q ? "from someone else" : "for no query of ours");
		return true;
	}
	if (!result_parts(r, &parts)) {
		log_msg(LOG_INFO, "mam", "%s: archive result without a message"
			" or id dropped", s->acc->conf->name);
		return true;
	}
	if (q->kind != MAM_CATCHUP) {
		/* (in_order() places a scroll back's result by the count
		 * before it) */
		store_result(s, q, &parts);
		q->got++;
		return true;
	}
	q->got++;
	s->mam->got++; /* the bar moves once a page */
	step = step_add(s, STEP_RESULT);
	step->q = query_ref(q);
	step->inner = xmpp_stanza_clone(parts.inner);
	step->id = xstrdup(parts.id);
	step->stamp = parts.stamp ? xstrdup(parts.stamp) : NULL;
	return true;
}

/* Whether the server has read what we had sent by the first step pass
 * after the page (m->upto; until that pass, all we sent): its XEP-0198
 * count has reached it. What we send while we wait (a receipt, a chat
 * state) does not move the goal. True when the server does not count
 * for us (no stream management, or a resumed stream whose count we
 * lost). */
static bool server_has_all(const struct session *s, const struct mam *m)
{
	uint32_t goal = m->upto_set ? m->upto : s->stanzas_out;

	return !s->acks || (int32_t)(s->acked - goal) >= 0;
}

/* Whether the next page may be asked at now (see steps_pass): never
 * while the link is down (a resumed stream asks it, mam_resumed). */
static bool ask_due(const struct session *s, const struct mam *m,
		    uint64_t now)
{
	return m->ask && s->acc->state == ACC_ONLINE &&
	       (server_has_all(s, m) || now - m->ask_at >= MAM_ACK_WAIT_MS);
}

/* Runs the step pass when there is something to do. */
static void steps_due(struct session *s);

/* A pass of the loop's: the next page is asked once the server has read
 * what we sent after the last one (the pong to a ping it held while it
 * built that page, which came behind it). Prosody reads all a client
 * wrote in one go and relays nothing while it builds a page: a pong
 * read with the next page's query waits until that page is built, the
 * pong written just before the query too, when the server reads both at
 * once. Its <a/> counting the pong comes in the same turn of its loop
 * that relays the pong (libstrophe asks for one after each stanza), a
 * round trip, the server idle meanwhile. Other passes store MAM_SLICE
 * results each, while the server builds. */
static void steps_pass(struct loop *l, void *ud)
{
	struct session *s = ud;
	struct mam *m = s->mam;

	m->pass = 0;
	if (m->ask && !m->upto_set) { /* the pong is written by now */
		m->upto = s->stanzas_out;
		m->upto_set = true;
	}
	if (ask_due(s, m, loop_now(l))) {
		/* the query is written before the loop's next pass stores
		 * anything: the server builds while we store */
		m->ask = false;
		catchup_page(s);
	} else {
		steps_run(s, MAM_SLICE);
	}
	steps_due(s);
}

static void steps_due(struct session *s)
{
	struct mam *m = s->mam;
	uint64_t now = loop_now(s->app->loop), wait = 0;

	if (m->pass)
		return;
	if (m->next == m->nsteps) {
		if (!m->ask || s->acc->state != ACC_ONLINE)
			return;
		if (!ask_due(s, m, now)) /* online: under the cap */
			wait = MAM_ACK_WAIT_MS - (now - m->ask_at);
	}
	m->pass = loop_timer_add(s->app->loop, wait, steps_pass, s);
}

void mam_resumed(struct session *s)
{
	if (s->mam)
		steps_due(s);
}

void mam_acked(struct session *s)
{
	struct mam *m = s->mam;

	if (!m || !m->ask || !server_has_all(s, m))
		return;
	/* a pass waiting out MAM_ACK_WAIT_MS comes now */
	loop_timer_cancel(s->app->loop, m->pass);
	m->pass = 0;
	steps_due(s);
}

/* A new step at the end of the queue (zeroed but for its kind); the
 * loop's next pass starts on the queue. */
static struct mam_step *step_add(struct session *s, enum mam_step_kind kind)
{
	struct mam *m = s->mam;
	struct mam_step *step;

	if (m->next > 0 && m->nsteps == m->capsteps) { /* room in front */
		m->nsteps -= m->next;
		memmove(m->steps, m->steps + m->next,
			m->nsteps * sizeof *m->steps);
		m->next = 0;
	}
	xgrow((void **)&m->steps, &m->capsteps, m->nsteps + 1,
	      sizeof *m->steps);
	step = &m->steps[m->nsteps++];
	memset(step, 0, sizeof *step);
	step->kind = kind;
	steps_due(s);
	return step;
}

/* Does the catch-up's steps in the order read, up to max results. */
static void steps_run(struct session *s, size_t max)
{
	struct mam *m = s->mam;
	size_t stored = 0;

	while (m->next < m->nsteps && stored < max) {
		/* a copy: what it does may queue more */
		struct mam_step step = m->steps[m->next++];

		if (step.kind == STEP_RESULT) {
			struct result r = { step.inner, step.id, step.stamp };

			store_result(s, step.q, &r);
			xmpp_stanza_release(step.inner);
			free(step.id);
			free(step.stamp);
			stored++;
		} else if (step.kind == STEP_PAGE) {
			page_stored(s, step.q, step.after);
			free(step.after);
		} else {
			catchup_end(s, NULL);
		}
		query_release(&step.q);
	}
	if (m->next == m->nsteps)
		m->next = m->nsteps = 0;
}

void mam_settle(struct session *s)
{
	if (s->mam)
		steps_run(s, SIZE_MAX);
}

/* Preferences (XEP-0313 section 6). */

/* /archive: the request's ud. */
struct prefs_ask {
	char *set; /* the default to set, or NULL: only show */
};

static size_t count_jids(xmpp_stanza_t *prefs, const char *list)
{
	xmpp_stanza_t *l = xmpp_stanza_get_child_by_name(prefs, list), *c;
	size_t n = 0;

	for (c = l ? xmpp_stanza_get_children(l) : NULL; c;
	     c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "jid") == 0)
			n++;
	return n;
}

/* The default prefs names, if it is one of ours (else NULL). */
static const char *default_of(xmpp_stanza_t *prefs)
{
	const char *d = prefs ? xmpp_stanza_get_attribute(prefs, "default") :
				NULL;
	size_t i;

	for (i = 0; d && i < sizeof mam_defaults / sizeof *mam_defaults; i++)
		if (strcmp(d, mam_defaults[i]) == 0)
			return mam_defaults[i];
	return NULL;
}

static void prefs_event(struct session *s, xmpp_stanza_t *reply, bool set)
{
	struct event ev = { .type = EV_ARCHIVE_PREFS, .acc = s->acc };
	xmpp_stanza_t *p = xmpp_stanza_get_child_by_name_and_ns(reply, "prefs",
								 NS_MAM);
	struct req_error e = { 0 };

	ev.archive_prefs.set = set;
	if (req_ok(reply) && default_of(p)) {
		ev.archive_prefs.dflt = default_of(p);
		ev.archive_prefs.always = count_jids(p, "always");
		ev.archive_prefs.never = count_jids(p, "never");
	} else if (req_ok(reply) && set) {
		ev.archive_prefs.dflt = NULL; /* answered without the prefs */
	} else {
		req_error_parse(reply, &e);
		ev.archive_prefs.cond = e.cond ? e.cond : "bad-request";
	}
	event_emit(s->app, &ev);
	req_error_clear(&e);
}

static void on_prefs_set(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	char *dflt = ud;

	if (req_ok(reply) &&
	    !xmpp_stanza_get_child_by_name_and_ns(reply, "prefs", NS_MAM)) {
		/* a bare result: the change took */
		struct event ev = { .type = EV_ARCHIVE_PREFS, .acc = s->acc };

		ev.archive_prefs.set = true;
		ev.archive_prefs.dflt = dflt;
		event_emit(s->app, &ev);
	} else {
		prefs_event(s, reply, true);
	}
	free(dflt);
}

/* Copies prefs' <always/> or <never/> list under to. */
static void copy_list(xmpp_stanza_t *prefs, xmpp_stanza_t *to,
		      const char *list)
{
	xmpp_stanza_t *l = prefs ? xmpp_stanza_get_child_by_name(prefs, list) :
				   NULL;
	xmpp_stanza_t *out = stanza_add_child(to, list, NULL), *c;

	for (c = l ? xmpp_stanza_get_children(l) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		char *jid;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "jid") != 0)
			continue;
		jid = xmpp_stanza_get_text(c);
		if (jid)
			stanza_add_text(out, "jid", jid);
		xmpp_free(xmpp_stanza_get_context(c), jid);
	}
}

static void on_prefs(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct prefs_ask *ask = ud;
	xmpp_stanza_t *p = xmpp_stanza_get_child_by_name_and_ns(reply, "prefs",
								 NS_MAM);

	if (!ask->set || !req_ok(reply) || !p) {
		prefs_event(s, reply, false);
	} else {
		/* the lists stay as they are; only the default changes */
		xmpp_stanza_t *iq = req_iq(s, "set", NULL, "prefs", NS_MAM);
		xmpp_stanza_t *np = stanza_payload(iq);

		xmpp_stanza_set_attribute(np, "default", ask->set);
		copy_list(p, np, "always");
		copy_list(p, np, "never");
		req_send(s, iq, on_prefs_set, xstrdup(ask->set),
			 REQ_TIMEOUT_MS);
	}
	free(ask->set);
	free(ask);
}

int xs_archive_prefs(struct app *app, struct account *a, const char *dflt)
{
	struct session *s;
	struct prefs_ask *ask;
	size_t i;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	s = session_of(a);
	ask = xcalloc(1, sizeof *ask);
	for (i = 0; dflt && i < sizeof mam_defaults / sizeof *mam_defaults; i++)
		if (strcmp(dflt, mam_defaults[i]) == 0)
			ask->set = xstrdup(mam_defaults[i]);
	req_send(s, req_iq(s, "get", NULL, "prefs", NS_MAM), on_prefs, ask,
		 REQ_TIMEOUT_MS);
	return 0;
}
