/* loop: poll() over descriptors, sorted one-shot timers, a signal
 * self-pipe (see loop.h).
 *
 * Descriptors live in a flat array that doubles as the pollfd array's
 * source; timers in an array sorted by (deadline, id) so the next one is
 * at index 0. Both stay small (a few sockets, a handful of timers), so
 * linear inserts beat the bookkeeping of a heap. The pace functions at
 * the end only do arithmetic on loop times for whoever spaces work.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/loop.h"
#include "util/xmem.h"

struct watch {
	int fd;
	short events;
	loop_fd_cb cb;
	void *ud;
	bool drains;  /* loop_watch_drains: its callback leaves nothing */
};

struct timer {
	loop_timer_id id;
	uint64_t deadline;
	loop_timer_cb cb;
	void *ud;
};

struct child {
	pid_t pid;
	loop_child_cb cb;
	void *ud;
};

struct loop {
	struct watch *watches;
	size_t nwatches, capwatches;
	struct pollfd *pfds;
	size_t cappfds;
	struct timer *timers;
	size_t ntimers, captimers;
	loop_timer_id next_id;
	loop_clock_fn clock;
	struct child *children;
	size_t nchildren, capchildren;
	int sigpipe[2];
	loop_signal_cb sigcb;
	void *sigud;
	loop_prepare_cb prepare;
	void *prepare_ud;
	loop_prepare_cb idle;
	void *idle_ud;
	bool quiet;   /* the last pass ran only callbacks of watches that
		       * drain, and no timer: nothing was left ready */
};

/* A signal handler gets no user data, only the signal: this is the one
 * loop's self-pipe it writes to (loop_catch_signals), -1 when none. */
static int signal_wfd = -1;

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof *l);

	l->clock = monotonic_ms;
	l->next_id = 1;
	l->sigpipe[0] = l->sigpipe[1] = -1;
	return l;
}

void loop_free(struct loop **lp)
{
	struct loop *l = *lp;

	if (!l)
		return;
	if (l->sigpipe[0] >= 0) {
		signal_wfd = -1;
		close(l->sigpipe[0]);
		close(l->sigpipe[1]);
	}
	free(l->watches);
	free(l->pfds);
	free(l->timers);
	free(l->children);
	free(l);
	*lp = NULL;
}

void loop_set_clock(struct loop *l, loop_clock_fn clock)
{
	l->clock = clock;
}

uint64_t loop_now(struct loop *l)
{
	return l->clock();
}

static struct watch *find_watch(struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nwatches; i++)
		if (l->watches[i].fd == fd)
			return &l->watches[i];
	return NULL;
}

void loop_watch(struct loop *l, int fd, short events, loop_fd_cb cb, void *ud)
{
	struct watch *w = find_watch(l, fd);

	if (!w) {
		xgrow((void **)&l->watches, &l->capwatches, l->nwatches + 1,
		      sizeof *l->watches);
		w = &l->watches[l->nwatches++];
	}
	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->ud = ud;
	w->drains = false;
}

void loop_watch_events(struct loop *l, int fd, short events)
{
	struct watch *w = find_watch(l, fd);

	if (w)
		w->events = events;
}

void loop_watch_drains(struct loop *l, int fd)
{
	struct watch *w = find_watch(l, fd);

	if (w)
		w->drains = true;
}

void loop_unwatch(struct loop *l, int fd)
{
	struct watch *w = find_watch(l, fd);

	if (!w)
		return;
	*w = l->watches[--l->nwatches];
}

loop_timer_id loop_timer_add(struct loop *l, uint64_t delay_ms,
			     loop_timer_cb cb, void *ud)
{
	struct timer t = { l->next_id++, l->clock() + delay_ms, cb, ud };
	size_t i = l->ntimers;

	xgrow((void **)&l->timers, &l->captimers, l->ntimers + 1,
	      sizeof *l->timers);
	/* equal deadlines keep insertion order: ids only grow */
	while (i > 0 && l->timers[i - 1].deadline > t.deadline)
		i--;
	memmove(&l->timers[i + 1], &l->timers[i],
		(l->ntimers - i) * sizeof *l->timers);
	l->timers[i] = t;
	l->ntimers++;
	return t.id;
}

bool loop_timer_cancel(struct loop *l, loop_timer_id id)
{
	size_t i;

	for (i = 0; id && i < l->ntimers; i++) {
		if (l->timers[i].id != id)
			continue;
		memmove(&l->timers[i], &l->timers[i + 1],
			(l->ntimers - i - 1) * sizeof *l->timers);
		l->ntimers--;
		return true;
	}
	return false;
}

int loop_next_timeout(struct loop *l)
{
	uint64_t now;

	if (l->ntimers == 0)
		return -1;
	now = l->clock();
	if (l->timers[0].deadline <= now)
		return 0;
	if (l->timers[0].deadline - now > (uint64_t)INT32_MAX)
		return INT32_MAX;
	return (int)(l->timers[0].deadline - now);
}

int loop_run_timers(struct loop *l)
{
	uint64_t now = l->clock();
	/* timers added by callbacks wait for the next pass */
	loop_timer_id last_id = l->next_id;
	int ran = 0;

	while (l->ntimers > 0 && l->timers[0].deadline <= now &&
	       l->timers[0].id < last_id) {
		struct timer t = l->timers[0];

		memmove(&l->timers[0], &l->timers[1],
			(l->ntimers - 1) * sizeof *l->timers);
		l->ntimers--;
		t.cb(l, t.ud);
		ran++;
	}
	return ran;
}

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (signal_wfd >= 0 && write(signal_wfd, &b, 1) < 0) {
		/* pipe full: the pending bytes already wake the loop */
	}
	errno = saved;
}

void loop_child_watch(struct loop *l, pid_t pid, loop_child_cb cb, void *ud)
{
	xgrow((void **)&l->children, &l->capchildren, l->nchildren + 1,
	      sizeof *l->children);
	l->children[l->nchildren++] = (struct child){ pid, cb, ud };
}

void loop_child_forget(struct loop *l, pid_t pid)
{
	size_t i;

	for (i = 0; i < l->nchildren; i++)
		if (l->children[i].pid == pid) {
			l->children[i] = l->children[--l->nchildren];
			return;
		}
}

/* SIGCHLD: signals merge, so one may stand for several exits; each
 * watched child is asked once, without blocking. */
static void reap_children(struct loop *l)
{
	size_t i = 0;

	while (i < l->nchildren) {
		struct child c = l->children[i];
		int status;
		pid_t r = waitpid(c.pid, &status, WNOHANG);

		if (r == 0 || (r < 0 && errno == EINTR)) {
			i++;
			continue;
		}
		/* exited, or not ours to wait for (ECHILD): either way done */
		l->children[i] = l->children[--l->nchildren];
		c.cb(l, c.pid, r < 0 ? -1 : status, c.ud);
		i = 0; /* the table may have changed under us */
	}
}

static void read_signals(struct loop *l, int fd, short revents, void *ud)
{
	unsigned char buf[64];
	ssize_t n, i;

	(void)revents;
	(void)ud;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (i = 0; i < n; i++) {
			if (buf[i] == SIGCHLD)
				reap_children(l);
			l->sigcb(l, buf[i], l->sigud);
		}
}

int loop_catch_signals(struct loop *l, const int *sigs, int n,
		       loop_signal_cb cb, void *ud)
{
	struct sigaction sa;
	int i;

	if (pipe2(l->sigpipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	signal_wfd = l->sigpipe[1];
	l->sigcb = cb;
	l->sigud = ud;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < n; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -errno;
	loop_watch(l, l->sigpipe[0], POLLIN, read_signals, NULL);
	return 0;
}

void loop_set_prepare(struct loop *l, loop_prepare_cb cb, void *ud)
{
	l->prepare = cb;
	l->prepare_ud = ud;
}

void loop_set_idle(struct loop *l, loop_prepare_cb cb, void *ud)
{
	l->idle = cb;
	l->idle_ud = ud;
}

static size_t fill_pfds(struct loop *l)
{
	size_t i, n = l->nwatches;

	xgrow((void **)&l->pfds, &l->cappfds, n, sizeof *l->pfds);
	for (i = 0; i < n; i++) {
		l->pfds[i].fd = l->watches[i].fd;
		l->pfds[i].events = l->watches[i].events;
		l->pfds[i].revents = 0;
	}
	return n;
}

int loop_iterate(struct loop *l)
{
	size_t i, n;
	int r, timeout;

	if (l->prepare)
		l->prepare(l, l->prepare_ud);
	n = fill_pfds(l);
	timeout = loop_next_timeout(l);
	r = 0;
	if (l->idle && timeout != 0) {
		/* is the burst over? A fresh look, unless the last pass
		 * ended with only drained watches' callbacks (then what
		 * came since is found by the poll below, after the hook) */
		r = l->quiet ? 0 : poll(l->pfds, n, 0);
		if (r == 0) {
			l->idle(l, l->idle_ud);
			/* the hook may have changed what we wait for */
			n = fill_pfds(l);
			timeout = loop_next_timeout(l);
		}
	}
	if (r == 0)
		r = poll(l->pfds, n, timeout);
	if (r < 0 && errno != EINTR)
		return -errno;
	/* quiet: only watches that drain had anything */
	l->quiet = r > 0;
	for (i = 0; r > 0 && i < n; i++) {
		struct watch *w;

		if (!l->pfds[i].revents)
			continue;
		/* a callback may have removed or moved this watch */
		w = find_watch(l, l->pfds[i].fd);
		if (!w)
			continue;
		if (!w->drains)
			l->quiet = false;
		w->cb(l, w->fd, l->pfds[i].revents, w->ud);
	}
	/* a timer's work takes time, in which more may come */
	if (loop_run_timers(l) > 0)
		l->quiet = false;
	return 0;
}

uint64_t loop_pace_gap(const struct pace *p)
{
	if (!p->streaming)
		return p->batch_ms;
	if (p->flood_after_ms && p->last - p->since >= p->flood_after_ms)
		return p->flood_ms;
	return p->stream_ms;
}

uint64_t loop_pace_wait(const struct pace *p, uint64_t now)
{
	uint64_t gap = loop_pace_gap(p);

	return now - p->last >= gap ? 0 : gap - (now - p->last);
}

void loop_pace_note(struct pace *p, uint64_t now)
{
	/* a flood's wider gap does not end the stream it belongs to */
	uint64_t gap = p->streaming ? loop_pace_gap(p) : p->stream_ms;
	bool streaming = now - p->last <= gap + p->batch_ms;

	if (streaming && !p->streaming)
		p->since = p->last;
	p->streaming = streaming;
	p->last = now;
}
