/* proc: a command run as a child of the loop, its output collected.
 *
 * proc_run() starts `/bin/sh -c CMD`, proc_spawn() a program with its
 * own argument vector and no shell; each runs in a process group of its
 * own, with stdin and stderr on /dev/null (curses owns the terminal) and
 * stdout on
 * a pipe the loop watches; the loop reaps it on SIGCHLD. The caller hears
 * once, from the loop: when the output has ended and the child has been
 * reaped, or when the time limit passed first, in which case the whole
 * group has been killed and reaped. Nothing blocks the loop meanwhile.
 * Output past PROC_OUT_MAX bytes is read and dropped, so a chatty command
 * cannot stall on a full pipe. The output may be a secret (password_eval):
 * it is wiped before it is freed.
 */
#ifndef NATTER_CORE_PROC_H
#define NATTER_CORE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct proc;

#define PROC_OUT_MAX 4096

enum proc_end {
	PROC_EXITED,  /* status says how */
	PROC_TIMEOUT, /* killed at the time limit */
};

struct proc_result {
	enum proc_end end;
	int status; /* waitpid() status, when PROC_EXITED */
	const char *out; /* the first PROC_OUT_MAX bytes of stdout, NUL-ended */
	size_t len;
};

/* res and what it points to are borrowed for the call; the proc is gone
 * once fn returns (do not cancel it from fn). */
typedef void (*proc_done_fn)(const struct proc_result *res, void *ud);

/* Starts cmd. Returns the running proc, or NULL with errno set when no
 * child could be started (then fn is never called). */
struct proc *proc_run(struct loop *l, const char *cmd, uint64_t limit_ms,
		      proc_done_fn fn, void *ud);
/* Starts argv[0] (searched in PATH when it holds no '/') with argv, no
 * shell involved, its environment natter's plus env (NULL-terminated
 * "NAME=value" strings, replacing those names; may be NULL). Otherwise
 * as proc_run. */
struct proc *proc_spawn(struct loop *l, char *const argv[],
			char *const env[], uint64_t limit_ms, proc_done_fn fn,
			void *ud);
/* Starts argv[0] (as proc_spawn) in a session of its own, all of its
 * stdio on /dev/null, and forgets it: no output, no time limit, no
 * callback; the loop reaps it when it ends, and natter's exit leaves it
 * running (a browser /open started). Returns 0 or -errno. */
int proc_launch(struct loop *l, char *const argv[]);
/* Keeps name, which natter set in its own environment for itself (see
 * xmpp/castore.h), out of the environment of every child started from
 * now on: they get natter's as it was. name must last (a literal). At
 * most four names. */
void proc_hide_env(const char *name);
/* Whether name was given to proc_hide_env(): its value is natter's
 * own, not the user's. */
bool proc_env_hidden(const char *name);
/* In a child between fork() and whatever it runs: every signal back to
 * its default action and none blocked, so that natter's handlers (which
 * write to the loop's pipe, shared with the child) never run there.
 * Async-signal-safe. */
void proc_child_signals(void);
/* Kills and reaps a running proc without calling its callback; clears *p.
 * NULL is a no-op. */
void proc_cancel(struct proc **p);

#endif
