/* mime: a file's MIME type through libmagic, loaded on first use (see
 * mime.h).
 *
 * The library is dlopen()ed once and kept; each question is answered
 * by a child process (fork, no exec) that opens a magic cookie, loads
 * the database, names the type, writes it into a pipe and exits. The
 * database is 8 MiB mapped on Debian 12, and naming a file libmagic
 * does not know (compressed or random bytes) walks nearly all of it:
 * in natter's own address space that brought some 6 MiB of file pages
 * and half a MiB of heap in for 10 to 20 ms, an RSS peak during every
 * upload, and left the heap grown. The child's memory is given back
 * whole when it exits, and a crash in libmagic's parsers (the file is
 * anyone's) ends the child, not natter.
 *
 * Unlike core/proc.c's and core/tunnel.c's children, this one calls
 * library code after fork(): libmagic's open, malloc, stdio and regex.
 * glibc's fork() hands the child consistent malloc and stdio locks, and
 * natter's only other threads are libcurl's resolvers (getaddrinfo),
 * which hold none of the others libmagic takes; should the child hang
 * all the same, it is killed after MIME_WAIT_MS and the type is
 * "application/octet-stream". The parent waits for it (a few ms more
 * than naming the type in process took, during which the loop waits
 * too, as it did).
 *
 * libmagic reads up to 7 MiB of a file into a buffer of its own by
 * default: it is told to read MIME_READ_MAX, enough for the types that
 * tell themselves in their first bytes (nearly all).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/mime.h"
#include "core/proc.h"
#include "util/dl.h"
#include "util/log.h"
#include "util/xmem.h"

#define MAGIC_LIBRARY "libmagic.so.1"
#define MIME_UNKNOWN "application/octet-stream"
#define MIME_READ_MAX ((size_t)64 * 1024)
/* the longest answer read from the child: plausible() wants less */
#define MIME_TYPE_MAX 128
/* the child's time to answer; it takes 10 to 30 ms */
#define MIME_WAIT_MS 5000

static struct {
	void *lib;
	bool failed;
	magic_t (*open)(int);
	void (*close)(magic_t);
	int (*load)(magic_t, const char *);
	const char *(*descriptor)(magic_t, int);
	int (*setparam)(magic_t, int, const void *); /* may be NULL */
} mg;

static bool magic_loaded(void)
{
	static const struct dl_sym syms[] = {
		DL_SYM(mg.open, "magic_open"),
		DL_SYM(mg.close, "magic_close"),
		DL_SYM(mg.load, "magic_load"),
		DL_SYM(mg.descriptor, "magic_descriptor"),
		DL_SYM_OPTIONAL(mg.setparam, "magic_setparam"),
	};
	char *why = NULL;

	if (mg.lib)
		return true;
	if (mg.failed)
		return false;
	mg.lib = dl_load(MAGIC_LIBRARY, "libmagic1", syms,
			 sizeof syms / sizeof *syms, &why);
	if (mg.lib)
		return true;
	log_msg(LOG_WARN, "mime", "naming a file's type needs %s; files are "
		"sent as %s", why, MIME_UNKNOWN);
	free(why);
	mg.failed = true;
	return false;
}

/* Whether t looks like "type/subtype" and nothing else, and says more
 * than "bytes": libmagic's names for an empty file or a file system
 * object are not content types. */
static bool plausible(const char *t)
{
	const char *slash = t ? strchr(t, '/') : NULL;

	if (!slash || slash == t || !slash[1] || strlen(t) > 127 ||
	    strncmp(t, "inode/", 6) == 0 || strcmp(t, "application/x-empty") == 0)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || strchr("/.+-_", *t)))
			return false;
	return true;
}

/* In the child: the type of fd into out, then exit. */
static void name_in_child(int fd, int out)
{
	magic_t m;

	proc_child_signals();
	if ((m = mg.open(MAGIC_MIME_TYPE | MAGIC_ERROR))) {
		size_t max = MIME_READ_MAX;
		const char *t = NULL;

		if (mg.setparam)
			mg.setparam(m, MAGIC_PARAM_BYTES_MAX, &max);
		if (mg.load(m, NULL) == 0)
			t = mg.descriptor(m, fd);
		if (t && write(out, t, strlen(t)) < 0)
			_exit(1);
	}
	_exit(0);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the child's answer from in into buf (NUL-ended) until it ends,
 * buf is full or MIME_WAIT_MS passed. Whether it ended in time. */
static bool read_answer(int in, char *buf, size_t size)
{
	long long end = now_ms() + MIME_WAIT_MS;
	size_t len = 0;

	buf[0] = 0;
	while (len < size - 1) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		long long left = end - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return false;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return false;
		if (r <= 0)
			continue;
		n = read(in, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = 0;
	}
	return true;
}

/* The type libmagic names for fd, asked in a child; NULL when it said
 * nothing (or could not be asked). The caller frees it. */
static char *name_of(int fd)
{
	char buf[MIME_TYPE_MAX + 1];
	int p[2];
	pid_t pid;
	bool ended;

	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		name_in_child(fd, p[1]);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return NULL;
	}
	ended = read_answer(p[0], buf, sizeof buf);
	/* a child still writing gets EPIPE; a hung one is killed */
	close(p[0]);
	if (!ended)
		kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (!ended)
		log_msg(LOG_WARN, "mime", "libmagic took over %d ms; the file "
			"is sent as %s", MIME_WAIT_MS, MIME_UNKNOWN);
	return ended && plausible(buf) ? xstrdup(buf) : NULL;
}

char *mime_of_fd(int fd)
{
	char *out = NULL;

	/* libmagic reads from where the offset is (shared with the child) */
	lseek(fd, 0, SEEK_SET);
	if (magic_loaded())
		out = name_of(fd);
	lseek(fd, 0, SEEK_SET);
	return out ? out : xstrdup(MIME_UNKNOWN);
}
