/* log: debug log file with redaction of secrets (see log.h).
 *
 * One FILE* for the process; lines are "TIME LEVEL AREA: text". The
 * redactor works on the serialised XML libstrophe logs, looking for the
 * few elements that carry secrets; it is deliberately textual so it also
 * covers stanzas that failed to parse. A secret becomes one fixed marker,
 * so not even its length is left. Data form fields are secret by type
 * (text-private), by var (words like "pass" or "pin", and the vars of
 * text-private fields in forms we submitted, registered by
 * log_secret_var(), since a submitted field carries only its var).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/xmem.h"

/* The log is one per process and is written from every layer, also by
 * code that holds no app (util/, libstrophe's callbacks with no user
 * data): its state (this and the secret vars below) is file-static. */
static FILE *log_file;

int log_open(const char *path)
{
	/* not through a link someone planted, and never a FIFO or device */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
				    O_NOFOLLOW | O_NONBLOCK,
		      0600);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
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
	log_secret_vars_clear();
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
	char *text, *clean;

	if (!log_file)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	clean = log_redact(text);
	free(text);
	text = clean;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(log_file, "%s.%03ld %s %s: %s\n", stamp, ts.tv_nsec / 1000000,
		names[level], area, text);
	free(text);
}

/* Elements whose text content is secret. */
static const char *const secret_elems[] = {
	"auth", "response", "challenge", "success", "password", "oldpassword",
	"digest", /* jabber:iq:auth's (XEP-0078): a guess at the password
		   * can be checked against it */
};

/* Words that make a data form field's var a secret one, wherever they
 * appear in it, in any case. */
static const char *const secret_var_words[] = {
	"pass", "pin", "token", "secret",
};

/* The vars of text-private fields in forms natter submitted (which carry
 * only the var); when more are seen than fit, every submitted value is
 * treated as secret. */
#define MAX_SECRET_VARS 64
static char *secret_vars[MAX_SECRET_VARS];
static size_t nsecret_vars;
static bool secret_vars_full;

/* Whole values become this, whatever their length. */
static const char redacted[] = "[redacted]";

void log_secret_var(const char *var)
{
	size_t i;

	if (!var)
		return;
	for (i = 0; i < nsecret_vars; i++)
		if (strcmp(secret_vars[i], var) == 0)
			return;
	if (nsecret_vars == MAX_SECRET_VARS) {
		secret_vars_full = true;
		return;
	}
	secret_vars[nsecret_vars++] = xstrdup(var);
}

void log_secret_vars_clear(void)
{
	while (nsecret_vars > 0)
		free(secret_vars[--nsecret_vars]);
	secret_vars_full = false;
}

static bool starts_tag(const char *p, const char *name)
{
	size_t n = strlen(name);

	return p[0] == '<' && strncmp(p + 1, name, n) == 0 &&
	       (p[1 + n] == '>' || p[1 + n] == ' ' || p[1 + n] == '/');
}

/* The value of attribute name in the tag of len bytes at p, quoted
 * either way; *n gets its length. NULL when there is none. */
static const char *tag_attr(const char *p, size_t len, const char *name,
			    size_t *n)
{
	size_t k = strlen(name);
	const char *a = p, *end = p + len, *q;

	while ((a = memmem(a, (size_t)(end - a), name, k))) {
		if (a > p && a[-1] == ' ' && a + k + 1 < end && a[k] == '=' &&
		    (a[k + 1] == '\'' || a[k + 1] == '"') &&
		    (q = memchr(a + k + 2, a[k + 1], (size_t)(end - a - k - 2)))) {
			*n = (size_t)(q - (a + k + 2));
			return a + k + 2;
		}
		a += k;
	}
	return NULL;
}

static bool has_word(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, word, k) == 0)
			return true;
	return false;
}

/* Whether the data form field whose opening tag starts at p holds a
 * secret: it is text-private, anything in its tag says "pass", its var
 * holds one of secret_var_words, or its var is one a submitted form
 * marked text-private (log_secret_var). */
static bool secret_field(const char *p)
{
	const char *gt = strchr(p, '>'), *var;
	size_t len = gt ? (size_t)(gt - p) : strlen(p), n = 0, i;

	if (gt && gt[-1] == '/')
		return false;
	if (memmem(p, len, "pass", 4) || memmem(p, len, "text-private", 12))
		return true;
	var = tag_attr(p, len, "var", &n);
	if (!var)
		return false;
	for (i = 0; i < sizeof secret_var_words / sizeof *secret_var_words; i++)
		if (has_word(var, n, secret_var_words[i]))
			return true;
	if (secret_vars_full && strncmp(var, "FORM_TYPE", n) != 0)
		return true;
	for (i = 0; i < nsecret_vars; i++)
		if (strlen(secret_vars[i]) == n &&
		    memcmp(secret_vars[i], var, n) == 0)
			return true;
	return false;
}

/* If p starts an opening tag of a secret element, returns the element's
 * name length; 0 otherwise. in_secret: inside a secret data form field,
 * whose <value/>s are secret too. */
static size_t secret_tag(const char *p, bool in_secret)
{
	size_t i;

	if (*p != '<')
		return 0;
	if (in_secret && starts_tag(p, "value"))
		return 5;
	for (i = 0; i < sizeof secret_elems / sizeof *secret_elems; i++)
		if (starts_tag(p, secret_elems[i]))
			return strlen(secret_elems[i]);
	return 0;
}

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	xgrow((void **)&b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

char *log_redact(const char *msg)
{
	struct buf out = { 0 };
	const char *p = msg;
	bool in_secret = false;

	put(&out, "", 0);
	while (*p) {
		const char *gt, *end;

		if (starts_tag(p, "field"))
			in_secret = secret_field(p);
		else if (strncmp(p, "</field>", 8) == 0)
			in_secret = false;
		if (!secret_tag(p, in_secret)) {
			put(&out, p++, 1);
			continue;
		}
		gt = strchr(p, '>');
		if (!gt)
			break; /* cut inside the tag: the rest is dropped */
		/* the opening tag itself */
		put(&out, p, (size_t)(gt - p) + 1);
		p = gt + 1;
		if (gt[-1] == '/')
			continue; /* empty element */
		end = strstr(p, "</");
		if (!end)
			end = p + strlen(p);
		if (end > p) /* the whole value, whatever its length */
			put(&out, redacted, sizeof redacted - 1);
		p = end;
	}
	return out.s;
}
