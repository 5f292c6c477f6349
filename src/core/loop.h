/* loop: the one poll() loop, its file descriptors, timers and signals.
 *
 * The loop owns a table of watched descriptors (one callback each), a
 * list of one-shot timers kept sorted by deadline, and a self-pipe that
 * turns signals into ordinary readable events. poll()'s timeout is the
 * next deadline or infinite, so an idle natter makes no system calls.
 * Child processes are reaped there too: on SIGCHLD (which the owner must
 * catch through loop_catch_signals) each watched child is waited for
 * without blocking, and its callback gets the exit status.
 * Before each poll the prepare hook runs: that is where the owner
 * refreshes socket interest. When nothing is ready the idle hook runs
 * before the loop blocks: the end of a burst.
 */
#ifndef NATTER_CORE_LOOP_H
#define NATTER_CORE_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;

typedef void (*loop_fd_cb)(struct loop *l, int fd, short revents, void *ud);
typedef void (*loop_timer_cb)(struct loop *l, void *ud);
typedef void (*loop_signal_cb)(struct loop *l, int sig, void *ud);
typedef void (*loop_prepare_cb)(struct loop *l, void *ud);
/* status as waitpid() gives it. */
typedef void (*loop_child_cb)(struct loop *l, pid_t pid, int status,
			      void *ud);
/* A timer's id, as loop_timer_add() gives it; never 0, so 0 can mean
 * "no timer" in the structs that keep one. */
typedef uint64_t loop_timer_id;
/* Milliseconds on a monotonic clock; replaceable for tests. */
typedef uint64_t (*loop_clock_fn)(void);

struct loop *loop_new(void);
void loop_free(struct loop **l);
void loop_set_clock(struct loop *l, loop_clock_fn clock);
uint64_t loop_now(struct loop *l);

/* Watches fd for events (POLLIN/POLLOUT), replacing an earlier watch of
 * the same fd. */
void loop_watch(struct loop *l, int fd, short events, loop_fd_cb cb, void *ud);
/* Changes only the events of an existing watch; no-op if fd is unknown. */
void loop_watch_events(struct loop *l, int fd, short events);
/* Says that fd's callback consumes all it can before returning, so that
 * right after it ran nothing is left ready there (see loop_set_idle);
 * kept until fd is watched anew. No-op if fd is unknown. */
void loop_watch_drains(struct loop *l, int fd);
void loop_unwatch(struct loop *l, int fd);

/* Schedules cb after delay_ms; returns an id (never 0) for cancelling. */
loop_timer_id loop_timer_add(struct loop *l, uint64_t delay_ms,
			     loop_timer_cb cb, void *ud);
/* Cancels a pending timer; returns false if it already ran or is unknown.
 * Cancelling id 0 is a no-op. */
bool loop_timer_cancel(struct loop *l, loop_timer_id id);
/* Milliseconds until the next timer, or -1 when there is none. */
int loop_next_timeout(struct loop *l);
/* Runs every timer that is due; returns how many ran. */
int loop_run_timers(struct loop *l);

/* Delivers the given signals through the loop instead of asynchronously.
 * Returns 0 or -errno. Only one loop per process may catch signals. */
int loop_catch_signals(struct loop *l, const int *sigs, int n,
		       loop_signal_cb cb, void *ud);

/* Calls cb once, from the loop, when child pid has exited (and has been
 * reaped). Needs SIGCHLD caught with loop_catch_signals. */
void loop_child_watch(struct loop *l, pid_t pid, loop_child_cb cb, void *ud);
/* Stops watching pid (whoever forgets it reaps it). */
void loop_child_forget(struct loop *l, pid_t pid);

void loop_set_prepare(struct loop *l, loop_prepare_cb cb, void *ud);
/* The idle hook runs when a pass finds nothing ready, just before the
 * loop blocks: the end of a burst, where batched work (commits, the
 * redraw) belongs. Finding out costs one extra poll() with timeout 0,
 * unless the last pass only ran callbacks of watches that drain
 * (loop_watch_drains) and no timer: then it knows already. */
void loop_set_idle(struct loop *l, loop_prepare_cb cb, void *ud);
/* One pass: prepare hook, poll (blocking until an event or the next
 * deadline), descriptor callbacks, due timers. Returns 0 or -errno. */
int loop_iterate(struct loop *l);

/* Spacing of work that traffic causes (a redraw, a commit; main.c).
 * After a quiet spell one is due at once, and the next batch_ms later;
 * once they come close together (within the gap and a batch) traffic
 * streams and they are stream_ms apart; a stream that has lasted
 * flood_after_ms (0: never) is a flood, and they are flood_ms apart
 * until it pauses. All times are loop times (ms). */
struct pace {
	uint64_t last;      /* when the last one was done */
	bool streaming;
	uint64_t since;     /* when the stream began (the one before it) */
	uint64_t batch_ms;
	uint64_t stream_ms;
	uint64_t flood_after_ms;
	uint64_t flood_ms;
};

/* The least time after the last one before the next. */
uint64_t loop_pace_gap(const struct pace *p);
/* How long until the next is due at now (0: now). */
uint64_t loop_pace_wait(const struct pace *p, uint64_t now);
/* One was done at now. */
void loop_pace_note(struct pace *p, uint64_t now);

#endif
