/* log: the debug log file.
 *
 * The debug log is off unless --debug or the `debug` option turns it on;
 * it is never the terminal, because the UI owns stdout and nothing may
 * reach stderr while curses runs. Every line passes through log_redact()
 * first, so passwords and SASL exchanges never land on disk.
 */
#ifndef NATTER_UTIL_LOG_H
#define NATTER_UTIL_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Opens (appending, mode 0600) the log at path; returns 0 or -errno. */
int log_open(const char *path);
void log_close(void);
int log_enabled(void);
void log_msg(enum log_level level, const char *area, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Returns a copy of msg (the caller frees it) with every secret value
 * replaced as a whole by "[redacted]": the content of SASL <auth>,
 * <response>, <challenge> and <success> elements, of <password> and
 * <oldpassword> elements (jabber:iq:register, iq:auth), and of the
 * <value>s of data form fields that hold secrets: type text-private,
 * "pass" in the field's tag, a var holding "pass", "pin", "token" or
 * "secret", or a var given to log_secret_var(). */
char *log_redact(const char *msg);
/* Marks var as the var of a field that holds a secret (a text-private
 * field of a form natter is submitting, which carries only the var):
 * its values are redacted from now on. */
void log_secret_var(const char *var);
/* Forgets what log_secret_var() was told (for tests). */
void log_secret_vars_clear(void);

#endif
