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

/* Rewrites msg in place so that secrets are replaced by "[redacted]":
 * the content of SASL <auth>, <response>, <challenge> and <success>
 * elements, of <password> elements (jabber:iq:register, iq:auth), and
 * of the <value>s of data form fields that hold passwords (a var with
 * "pass" in it, or type text-private).
 * The result is never longer than the input. */
void log_redact(char *msg);

#endif
