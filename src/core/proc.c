/* proc: child processes driven by the loop (see proc.h).
 *
 * proc_run is proc_spawn of /bin/sh -c CMD; a program's own argv never
 * meets a shell.
 *
 * A proc is done when two things have happened, in either order: its
 * pipe reached end of file and its child was reaped. The time limit is a
 * loop timer; when it fires first the process group is killed with
 * SIGKILL and reaped at once (waitpid blocks only as long as the kernel
 * takes to end a killed process).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/proc.h"
#include "util/xmem.h"

struct proc {
	struct loop *loop;
	pid_t pid;
	int fd;        /* read end of the stdout pipe, -1 once closed */
	bool reaped;
	int status;
	loop_timer_id timer;
	char *out;     /* PROC_OUT_MAX + 1 bytes */
	size_t len;
	proc_done_fn fn;
	void *ud;
};

static void proc_free(struct proc *p)
{
	explicit_bzero(p->out, PROC_OUT_MAX + 1);
	free(p->out);
	free(p);
}

static void close_pipe(struct proc *p)
{
	if (p->fd < 0)
		return;
	loop_unwatch(p->loop, p->fd);
	close(p->fd);
	p->fd = -1;
}

static void report(struct proc *p, enum proc_end end)
{
	struct proc_result res = { end, p->status, p->out, p->len };

	loop_timer_cancel(p->loop, p->timer);
	p->fn(&res, p->ud);
	proc_free(p);
}

static void maybe_done(struct proc *p)
{
	if (p->fd < 0 && p->reaped)
		report(p, PROC_EXITED);
}

static void on_output(struct loop *l, int fd, short revents, void *ud)
{
	struct proc *p = ud;
	char buf[4096];
	ssize_t n;

	(void)l;
	(void)revents;
	/* the pipe is non-blocking: read what is there, then wait again */
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		size_t room = PROC_OUT_MAX - p->len;
		size_t take = (size_t)n < room ? (size_t)n : room;

		memcpy(p->out + p->len, buf, take);
		p->len += take;
		p->out[p->len] = '\0';
	}
	explicit_bzero(buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	close_pipe(p);
	maybe_done(p);
}

static void on_exit_status(struct loop *l, pid_t pid, int status, void *ud)
{
	struct proc *p = ud;

	(void)l;
	(void)pid;
	p->reaped = true;
	p->status = status;
	maybe_done(p);
}

/* Ends the child's whole group (sh may have started others) and waits
 * for the child itself. */
static void kill_and_reap(struct proc *p)
{
	bool writers = p->fd >= 0; /* someone in the group may hold it */

	close_pipe(p);
	if (!p->reaped || writers)
		kill(-p->pid, SIGKILL);
	if (p->reaped)
		return;
	loop_child_forget(p->loop, p->pid);
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
		;
	p->reaped = true;
}

static void on_limit(struct loop *l, void *ud)
{
	struct proc *p = ud;

	(void)l;
	p->timer = 0;
	kill_and_reap(p);
	report(p, PROC_TIMEOUT);
}

void proc_child_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* In the child, between fork and exec: only async-signal-safe calls
 * (envp was built before the fork). */
static void exec_child(char *const argv[], char *const envp[], int out_fd)
{
	struct sigaction dfl;
	int null = open("/dev/null", O_RDWR);

	setpgid(0, 0);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out_fd, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0)
		_exit(127);
	/* natter ignores SIGPIPE; exec keeps ignored signals ignored */
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &dfl, NULL);
	/* the command gets none of natter's sockets or files */
	close_range(3, ~0U, 0);
	execvpe(argv[0], argv, envp);
	_exit(127);
}

/* Whether entry ("NAME=value") sets one of the names env sets. */
static bool replaced(const char *entry, char *const env[])
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) + 1 : strlen(entry);
	size_t i;

	for (i = 0; env[i]; i++)
		if (strncmp(env[i], entry, n) == 0)
			return true;
	return false;
}

/* Names natter set in its own environment for itself (proc_hide_env):
 * its children get the environment without them. */
static const char *hidden_env[4];
static size_t nhidden_env;

void proc_hide_env(const char *name)
{
	if (nhidden_env < sizeof hidden_env / sizeof *hidden_env)
		hidden_env[nhidden_env++] = name;
}

bool proc_env_hidden(const char *name)
{
	size_t i;

	for (i = 0; i < nhidden_env; i++)
		if (strcmp(hidden_env[i], name) == 0)
			return true;
	return false;
}

/* Whether entry ("NAME=value") sets a hidden name. */
static bool hidden(const char *entry)
{
	size_t i, n;

	for (i = 0; i < nhidden_env; i++) {
		n = strlen(hidden_env[i]);
		if (strncmp(entry, hidden_env[i], n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

/* natter's environment with env's entries (env may be NULL) in place of
 * their names and without the hidden ones; NULL when that is environ
 * itself. The array is the caller's to free, its strings are borrowed. */
static char **merged_env(char *const env[])
{
	static char *const none[] = { NULL };
	size_t n = 0, m = 0, i, o = 0;
	char **out;

	if (!env && nhidden_env == 0)
		return NULL;
	if (!env)
		env = none;
	while (environ[n])
		n++;
	while (env[m])
		m++;
	out = xcalloc(n + m + 1, sizeof *out);
	for (i = 0; i < n; i++)
		if (!replaced(environ[i], env) && !hidden(environ[i]))
			out[o++] = environ[i];
	for (i = 0; i < m; i++)
		out[o++] = env[i];
	return out;
}

struct proc *proc_spawn(struct loop *l, char *const argv[],
			char *const env[], uint64_t limit_ms, proc_done_fn fn,
			void *ud)
{
	char **envp = merged_env(env);
	struct proc *p;
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		free(envp);
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(fds[0]);
		close(fds[1]);
		free(envp);
		errno = e;
		return NULL;
	}
	if (pid == 0)
		exec_child(argv, envp ? envp : environ, fds[1]);
	free(envp);
	close(fds[1]);
	/* the child does it too: whichever runs first, kill(-pid) works */
	setpgid(pid, pid);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	p = xcalloc(1, sizeof *p);
	p->loop = l;
	p->pid = pid;
	p->fd = fds[0];
	p->out = xcalloc(1, PROC_OUT_MAX + 1);
	p->fn = fn;
	p->ud = ud;
	loop_watch(l, p->fd, POLLIN, on_output, p);
	loop_child_watch(l, pid, on_exit_status, p);
	p->timer = loop_timer_add(l, limit_ms, on_limit, p);
	return p;
}

static void reaped(struct loop *l, pid_t pid, int status, void *ud)
{
	(void)l;
	(void)pid;
	(void)status;
	(void)ud;
}

int proc_launch(struct loop *l, char *const argv[])
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	char **envp;
	pid_t pid;

	if (null < 0)
		return -errno;
	envp = merged_env(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(null);
		free(envp);
		return -e;
	}
	if (pid == 0) {
		setsid(); /* its own session: natter's end is not its end */
		exec_child(argv, envp ? envp : environ, null);
	}
	close(null);
	free(envp);
	loop_child_watch(l, pid, reaped, NULL);
	return 0;
}

struct proc *proc_run(struct loop *l, const char *cmd, uint64_t limit_ms,
		      proc_done_fn fn, void *ud)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };

	return proc_spawn(l, argv, NULL, limit_ms, fn, ud);
}

void proc_cancel(struct proc **pp)
{
	struct proc *p = *pp;

	if (!p)
		return;
	loop_timer_cancel(p->loop, p->timer);
	kill_and_reap(p);
	proc_free(p);
	*pp = NULL;
}
