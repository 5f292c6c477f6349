/* test_proc: children of the loop (loop_child_watch in core/loop.h, and
 * core/proc.h).
 *
 * Real children, a fake clock: the loop catches SIGCHLD as natter's does,
 * so an exit wakes loop_iterate through the signal self-pipe; the time
 * limit is a loop timer, passed by moving the fake clock, so no test
 * waits for it. loop_child_watch reports a child's exit status and
 * loop_child_forget stops that; proc_run collects stdout (and only the
 * first PROC_OUT_MAX bytes of a flood, without stalling), reports the
 * exit status, gives the command an empty stdin, kills the command's
 * whole process group at the limit, and proc_cancel ends a command
 * without a callback. proc_spawn passes its arguments untouched by any
 * shell, adds to the environment (replacing what it names) and finds a
 * program in PATH. Every test checks that no child is left unreaped.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/proc.h"

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void on_sig(struct loop *l, int sig, void *ud)
{
	(void)l;
	(void)sig;
	(void)ud;
}

static int setup(void **state)
{
	static const int sigs[] = { SIGCHLD };
	struct loop *l = loop_new();

	fake_now = 1000;
	loop_set_clock(l, fake_clock);
	if (loop_catch_signals(l, sigs, 1, on_sig, NULL) < 0)
		return -1;
	*state = l;
	return 0;
}

/* No child of ours may be left, exited or not. */
static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static int teardown(void **state)
{
	struct loop *l = *state;

	assert_no_children();
	loop_free(&l);
	return 0;
}

struct exit_seen {
	int calls;
	pid_t pid;
	int status;
};

static void child_cb(struct loop *l, pid_t pid, int status, void *ud)
{
	struct exit_seen *e = ud;

	(void)l;
	e->calls++;
	e->pid = pid;
	e->status = status;
}

static pid_t spawn_exit(int code)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(code);
	return pid;
}

static void test_child_watch(void **state)
{
	struct loop *l = *state;
	struct exit_seen e = { 0 };
	pid_t pid = spawn_exit(3);
	int passes = 0;

	loop_child_watch(l, pid, child_cb, &e);
	while (e.calls == 0 && passes++ < 50)
		assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.pid, pid);
	assert_true(WIFEXITED(e.status));
	assert_int_equal(WEXITSTATUS(e.status), 3);
}

static void test_child_forget(void **state)
{
	struct loop *l = *state;
	struct exit_seen a = { 0 }, b = { 0 };
	pid_t pa = spawn_exit(1), pb;
	int passes = 0;

	loop_child_watch(l, pa, child_cb, &a);
	loop_child_forget(l, pa);
	/* pa is ours to reap now; the loop must not take it */
	assert_int_equal(waitpid(pa, NULL, 0), pa);
	pb = spawn_exit(2);
	loop_child_watch(l, pb, child_cb, &b);
	while (b.calls == 0 && passes++ < 50)
		assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(a.calls, 0);
	assert_int_equal(b.calls, 1);
	assert_int_equal(WEXITSTATUS(b.status), 2);
}

struct done {
	int calls;
	enum proc_end end;
	int status;
	char out[PROC_OUT_MAX + 1];
	size_t len;
};

static void done_cb(const struct proc_result *res, void *ud)
{
	struct done *d = ud;

	d->calls++;
	d->end = res->end;
	d->status = res->status;
	d->len = res->len;
	assert_true(res->len <= PROC_OUT_MAX);
	assert_int_equal(res->out[res->len], '\0');
	memcpy(d->out, res->out, res->len + 1);
}

/* Runs cmd until it is reported (the limit is far in fake time). */
static void run(struct loop *l, const char *cmd, struct done *d)
{
	int passes = 0;

	memset(d, 0, sizeof *d);
	assert_non_null(proc_run(l, cmd, 30000, done_cb, d));
	while (d->calls == 0 && passes++ < 1000)
		assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(d->calls, 1);
}

static void test_output(void **state)
{
	struct done d;

	run(*state, "printf 'hunter2\\nsecond line'", &d);
	assert_int_equal(d.end, PROC_EXITED);
	assert_true(WIFEXITED(d.status));
	assert_int_equal(WEXITSTATUS(d.status), 0);
	assert_string_equal(d.out, "hunter2\nsecond line");
	assert_int_equal(d.len, strlen("hunter2\nsecond line"));
}

static void test_exit_status(void **state)
{
	struct done d;

	run(*state, "echo partial; exit 7", &d);
	assert_int_equal(d.end, PROC_EXITED);
	assert_int_equal(WEXITSTATUS(d.status), 7);
	assert_string_equal(d.out, "partial\n");

	run(*state, "kill -TERM $$", &d);
	assert_true(WIFSIGNALED(d.status));
	assert_int_equal(WTERMSIG(d.status), SIGTERM);

	run(*state, "/nonexistent/command", &d);
	assert_int_equal(WEXITSTATUS(d.status), 127);
	assert_int_equal(d.len, 0); /* sh's complaint went to /dev/null */
}

/* stdin is /dev/null: cat ends at once instead of reading the terminal */
static void test_stdin_empty(void **state)
{
	struct done d;

	run(*state, "cat; echo done", &d);
	assert_int_equal(WEXITSTATUS(d.status), 0);
	assert_string_equal(d.out, "done\n");
}

/* A flood is read to its end: the command is not left blocked on a
 * full pipe, and only the first PROC_OUT_MAX bytes are kept. */
static void test_flood(void **state)
{
	struct done d;

	run(*state, "head -c 1000000 /dev/zero | tr '\\000' x; echo; exit 4",
	    &d);
	assert_int_equal(d.end, PROC_EXITED);
	assert_int_equal(WEXITSTATUS(d.status), 4);
	assert_int_equal(d.len, PROC_OUT_MAX);
	assert_int_equal(strspn(d.out, "x"), PROC_OUT_MAX);
}

static void test_time_limit(void **state)
{
	struct loop *l = *state;
	struct done d = { 0 };
	char pidfile[] = "/tmp/natter-test-proc-XXXXXX";
	char *cmd;
	int fd = mkstemp(pidfile), i;
	long grandchild = 0;
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	/* a command that never ends, with a second process in its group
	 * that holds the pipe open */
	assert_true(asprintf(&cmd,
			     "sleep 1000 & echo $! > %s; echo started; wait",
			     pidfile) > 0);
	assert_non_null(proc_run(l, cmd, 5000, done_cb, &d));
	free(cmd);
	/* wait until the shell has written the background pid */
	for (i = 0; i < 1000 && grandchild == 0; i++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		f = fopen(pidfile, "r");
		if (f) {
			if (fscanf(f, "%ld", &grandchild) != 1)
				grandchild = 0;
			fclose(f);
		}
		if (!grandchild)
			nanosleep(&ts, NULL);
	}
	unlink(pidfile);
	assert_true(grandchild > 0);
	assert_int_equal(kill((pid_t)grandchild, 0), 0);

	/* short of the limit: nothing */
	fake_now += 4999;
	loop_run_timers(l);
	assert_int_equal(d.calls, 0);
	fake_now += 1;
	loop_run_timers(l);
	assert_int_equal(d.calls, 1);
	assert_int_equal(d.end, PROC_TIMEOUT);
	/* the whole group is gone: the shell (reaped, see teardown) and the
	 * sleep it started (killed; init reaps it, so poll briefly) */
	for (i = 0; i < 1000 && kill((pid_t)grandchild, 0) == 0; i++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		char path[64], st = 0;

		/* a zombie waiting for init counts as gone */
		snprintf(path, sizeof path, "/proc/%ld/stat", grandchild);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%*d %*s %c", &st) != 1)
				st = 0;
			fclose(f);
		}
		if (st == 'Z')
			break;
		nanosleep(&ts, NULL);
	}
	assert_true(i < 1000);
	/* the loop has nothing of it left: a later SIGCHLD is harmless */
	for (i = 0; i < 3; i++) {
		fake_now += 10000;
		loop_run_timers(l);
	}
	assert_int_equal(d.calls, 1);
}

static void test_cancel(void **state)
{
	struct loop *l = *state;
	struct done d = { 0 };
	struct proc *p = proc_run(l, "sleep 1000", 5000, done_cb, &d);

	assert_non_null(p);
	proc_cancel(&p);
	assert_null(p);
	proc_cancel(&p); /* NULL: no-op */
	fake_now += 10000;
	loop_run_timers(l);
	assert_int_equal(d.calls, 0);
	assert_no_children();
}

/* Runs argv with env through proc_spawn until it is reported. */
static void spawn(struct loop *l, char *const argv[], char *const env[],
		  struct done *d)
{
	int passes = 0;

	memset(d, 0, sizeof *d);
	assert_non_null(proc_spawn(l, argv, env, 30000, done_cb, d));
	while (d->calls == 0 && passes++ < 1000)
		assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(d->calls, 1);
}

/* proc_spawn: the arguments arrive as they are, no shell reads them;
 * env adds to natter's environment and replaces what it names; a
 * program without '/' is looked up in PATH; one that is not there ends
 * with status 127. */
static void test_spawn(void **state)
{
	struct loop *l = *state;
	char *printf_args[] = { "printf", "[%s]", "$(echo no)", "a b",
				"`id`;|&", NULL };
	char *show_env[] = { "/bin/sh", "-c",
			     "printf '%s|%s|%s' \"$NATTER_T1\" \"$NATTER_T2\" "
			     "\"${HOME:+home}\"",
			     NULL };
	char *env[] = { "NATTER_T1=$(echo no) 'x'", "NATTER_T2=new", NULL };
	char *missing[] = { "/nonexistent/program", "x", NULL };
	struct done d;

	spawn(l, printf_args, NULL, &d);
	assert_int_equal(WEXITSTATUS(d.status), 0);
	assert_string_equal(d.out, "[$(echo no)][a b][`id`;|&]");

	setenv("NATTER_T2", "old", 1);
	spawn(l, show_env, env, &d);
	unsetenv("NATTER_T2");
	assert_int_equal(WEXITSTATUS(d.status), 0);
	assert_string_equal(d.out, "$(echo no) 'x'|new|home");

	spawn(l, missing, env, &d);
	assert_true(WIFEXITED(d.status));
	assert_int_equal(WEXITSTATUS(d.status), 127);
}

/* proc_hide_env: a name natter set for itself reaches no child, by
 * proc_run or proc_spawn (with env or without); the rest of natter's
 * environment does, and env may still name it. Last: hiding lasts. */
static void test_hide_env(void **state)
{
	struct loop *l = *state;
	char *show[] = { "/bin/sh", "-c",
			 "printf '%s|%s' \"${NATTER_HIDDEN-unset}\" "
			 "\"$NATTER_SEEN\"",
			 NULL };
	char *env[] = { "NATTER_T1=x", NULL };
	char *named[] = { "NATTER_HIDDEN=given", NULL };
	struct done d;

	setenv("NATTER_HIDDEN", "natter's own", 1);
	setenv("NATTER_SEEN", "seen", 1);
	run(l, "printf %s \"${NATTER_HIDDEN-unset}\"", &d);
	assert_string_equal(d.out, "natter's own");
	proc_hide_env("NATTER_HIDDEN");
	run(l, "printf '%s|%s' \"${NATTER_HIDDEN-unset}\" \"$NATTER_SEEN\"",
	    &d);
	assert_string_equal(d.out, "unset|seen");
	spawn(l, show, NULL, &d);
	assert_string_equal(d.out, "unset|seen");
	spawn(l, show, env, &d);
	assert_string_equal(d.out, "unset|seen");
	spawn(l, show, named, &d);
	assert_string_equal(d.out, "given|seen");
	assert_string_equal(getenv("NATTER_HIDDEN"), "natter's own");
	unsetenv("NATTER_HIDDEN");
	unsetenv("NATTER_SEEN");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_child_watch),
		T(test_child_forget),
		T(test_output),
		T(test_exit_status),
		T(test_stdin_empty),
		T(test_flood),
		T(test_time_limit),
		T(test_cancel),
		T(test_spawn),
		T(test_hide_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
