/* log: debug log file with redaction of secrets (see log.h).
 *
 * One FILE* for the process; lines are "TIME LEVEL AREA: text". The
 * redactor works on the serialised XML libstrophe logs, looking for the
 * few elements that carry secrets; it is deliberately textual so it also
 * covers stanzas that failed to parse.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/xmem.h"

static FILE *log_file;

int log_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	fchmod(fd, 0600); /* an older log may have been created looser */
	log_file = fdopen(fd, "a");
	if (!log_file) {
		close(fd);
		return -errno;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	return 0;
}

void log_close(void)
{
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}

int log_enabled(void)
{
	return log_file != NULL;
}

void log_msg(enum log_level level, const char *area, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	char *text;

	if (!log_file)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	log_redact(text);
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(log_file, "%s.%03ld %s %s: %s\n", stamp, ts.tv_nsec / 1000000,
		names[level], area, text);
	free(text);
}

/* Elements whose text content is secret. */
static const char *const secret_elems[] = {
	"auth", "response", "challenge", "success", "password",
};

static const char redacted[] = "[redacted]";

static bool starts_tag(const char *p, const char *name)
{
	size_t n = strlen(name);

	return p[0] == '<' && strncmp(p + 1, name, n) == 0 &&
	       (p[1 + n] == '>' || p[1 + n] == ' ' || p[1 + n] == '/');
}

/* Whether the data form field whose opening tag starts at p holds a
 * secret: its var names a password (password, old_password, ...) or it
 * is text-private. Submitted forms carry only the var. */
static bool secret_field(const char *p)
{
	const char *gt = strchr(p, '>');
	size_t len = gt ? (size_t)(gt - p) : strlen(p);

	return (memmem(p, len, "pass", 4) || memmem(p, len, "text-private", 12)) &&
	       !(gt && gt[-1] == '/');
}

/* If p starts an opening tag of a secret element, returns the element's
 * name length; 0 otherwise. in_secret: inside a secret data form field,
 * whose <value/>s are secret too. */
static size_t secret_tag(const char *p, bool in_secret)
{
	size_t i, n;

	if (*p != '<')
		return 0;
	if (in_secret && starts_tag(p, "value"))
		return 5;
	for (i = 0; i < sizeof secret_elems / sizeof *secret_elems; i++) {
		n = strlen(secret_elems[i]);
		if (strncmp(p + 1, secret_elems[i], n) == 0 &&
		    (p[1 + n] == '>' || p[1 + n] == ' ' || p[1 + n] == '/'))
			return n;
	}
	return 0;
}

void log_redact(char *msg)
{
	char *out = msg, *p = msg;
	bool in_secret = false;

	while (*p) {
		size_t n;
		char *gt, *end;

		if (starts_tag(p, "field"))
			in_secret = secret_field(p);
		else if (strncmp(p, "</field>", 8) == 0)
			in_secret = false;
		n = secret_tag(p, in_secret);
		if (!n) {
			*out++ = *p++;
			continue;
		}
		gt = strchr(p, '>');
		if (!gt)
			break;
		/* copy the opening tag itself */
		memmove(out, p, (size_t)(gt - p) + 1);
		out += gt - p + 1;
		p = gt + 1;
		if (gt[-1] == '/')
			continue; /* empty element */
		end = strstr(p, "</");
		if (!end)
			end = p + strlen(p);
		if (end > p) {
			size_t keep = (size_t)(end - p) < sizeof redacted - 1 ?
					      (size_t)(end - p) :
					      sizeof redacted - 1;
			memcpy(out, redacted, keep);
			out += keep;
		}
		p = end;
	}
	*out = '\0';
}
