/* test_log: util/log.h.
 *
 * log_redact on the stanzas that carry secrets: SASL <auth>, <response>,
 * <challenge> and <success>, and <password> in a jabber:iq:register
 * query. The secret must be gone and the surrounding tags kept; harmless
 * XML (including elements whose names merely begin like a secret one) and
 * empty elements stay byte for byte; a secret of any length becomes the
 * whole marker (no length left), and several secrets in one message are
 * handled; <oldpassword>; submitted form fields by var (secret words,
 * and the vars log_secret_var() was told). Then the file side: log_open
 * on a temporary file, log_msg writing a line with its level, area and
 * redacted text, the file's 0600 mode, appending, log_msg doing nothing
 * once the log is closed, and no link or FIFO followed.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

#include "testutil.h"

/* Redacts in and compares the result with want. */
static void check_redact(const char *in, const char *want)
{
	char *buf = log_redact(in);

	assert_non_null(buf);
	assert_string_equal(buf, want);
	free(buf);
}

/* Redacts in; the caller frees the result. */
static char *redact(const char *in)
{
	char *buf = log_redact(in);

	assert_non_null(buf);
	return buf;
}

#define SASL "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'"

static void test_sasl_auth(void **state)
{
	(void)state;
	check_redact("<auth mechanism='SCRAM-SHA-1' " SASL ">"
		     "biwsbj1hbGljZSxyPWZ5a28rZDJsYmJGZ09OUnY5cWt4ZGF3TA=="
		     "</auth>",
		     "<auth mechanism='SCRAM-SHA-1' " SASL ">[redacted]</auth>");
	/* PLAIN carries the password itself: "\0alice\0secret" */
	check_redact("SENT: <auth " SASL " mechanism='PLAIN'>"
		     "AGFsaWNlAHNlY3JldHBhc3N3b3Jk</auth>",
		     "SENT: <auth " SASL " mechanism='PLAIN'>[redacted]</auth>");
}

static void test_sasl_response_challenge_success(void **state)
{
	(void)state;
	check_redact("<response " SASL ">"
		     "Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdq"
		     "LHA9djBYOHYzQnoyVDBDSkdiSlF5RjBYK0hJNFRzPQ==</response>",
		     "<response " SASL ">[redacted]</response>");
	check_redact("<challenge " SASL ">"
		     "cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitR"
		     "NnNlazhiZjkyLGk9NDA5Ng==</challenge>",
		     "<challenge " SASL ">[redacted]</challenge>");
	check_redact("<success " SASL ">"
		     "dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>",
		     "<success " SASL ">[redacted]</success>");
}

static void test_register_password(void **state)
{
	char *out;

	(void)state;
	out = redact("<iq type='set' id='reg2'>"
		     "<query xmlns='jabber:iq:register'>"
		     "<username>bill</username>"
		     "<password>Calliope-Muse-42</password>"
		     "<email>bard@shakespeare.lit</email>"
		     "</query></iq>");
	assert_null(strstr(out, "Calliope"));
	assert_string_equal(out, "<iq type='set' id='reg2'>"
				 "<query xmlns='jabber:iq:register'>"
				 "<username>bill</username>"
				 "<password>[redacted]</password>"
				 "<email>bard@shakespeare.lit</email>"
				 "</query></iq>");
	free(out);

	/* with an attribute on the element (iq:auth style) */
	out = redact("<query xmlns='jabber:iq:auth'><password xml:lang='en'>"
		     "topsecretvalue</password></query>");
	assert_null(strstr(out, "topsecret"));
	assert_non_null(strstr(out, "<password xml:lang='en'>"));
	assert_non_null(strstr(out, "</password></query>"));
	free(out);
}

static void test_form_password(void **state)
{
	char *out;

	(void)state;
	/* a registration answered as a data form (XEP-0077 with XEP-0004) */
	out = redact("SENT: <iq type='set'><query xmlns='jabber:iq:register'>"
		     "<x xmlns='jabber:x:data' type='submit'>"
		     "<field var='FORM_TYPE'><value>jabber:iq:register</value></field>"
		     "<field var='username'><value>bill</value></field>"
		     "<field var=\"password\"><value>Calliope-Muse-42</value></field>"
		     "<field var='old_password'><value>Erato-7</value></field>"
		     "<field var='email'><value>bard@shakespeare.lit</value></field>"
		     "</x></query></iq>");
	assert_null(strstr(out, "Calliope"));
	assert_null(strstr(out, "Erato"));
	assert_non_null(strstr(out, "<value>bill</value>"));
	assert_non_null(strstr(out, "<value>jabber:iq:register</value>"));
	assert_non_null(strstr(out, "<value>bard@shakespeare.lit</value>"));
	free(out);

	/* a form we received, by type; other fields stay readable */
	out = redact("<field type='text-private' var='pin' label='PIN'>"
		     "<value>4711-0815</value><value>second</value></field>"
		     "<field type='text-single' var='nick'><value>b</value></field>"
		     "<field var='password'/><value>not-in-a-field</value>");
	assert_null(strstr(out, "4711"));
	assert_null(strstr(out, "second"));
	assert_non_null(strstr(out, "<value>b</value>"));
	assert_non_null(strstr(out, "<value>not-in-a-field</value>"));
	free(out);
}

static void test_harmless_unchanged(void **state)
{
	static const char *const cases[] = {
		"",
		"plain text without any markup",
		"<message to='juliet@example.com' type='chat'>"
		"<body>my password is in the auth response</body></message>",
		"<presence><show>away</show><status>success!</status></presence>",
		/* names that only begin like a secret element */
		"<authority>x</authority><responses>y</responses>"
		"<successor>z</successor><passwords>w</passwords>"
		"<challenges>v</challenges>",
		"<mechanisms " SASL "><mechanism>SCRAM-SHA-1</mechanism>"
		"<mechanism>PLAIN</mechanism></mechanisms>",
		"a < b and c > d",
		"</auth></password>",
		"<failure " SASL "><not-authorized/></failure>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		check_redact(cases[i], cases[i]);
}

static void test_empty_elements(void **state)
{
	(void)state;
	check_redact("<success " SASL "/>", "<success " SASL "/>");
	check_redact("<success/>", "<success/>");
	check_redact("<response " SASL "/>", "<response " SASL "/>");
	check_redact("<password/>", "<password/>");
	check_redact("<success " SASL "></success>",
		     "<success " SASL "></success>");
	/* what follows an empty element is left alone */
	check_redact("<success " SASL "/><iq type='result'><bind/></iq>",
		     "<success " SASL "/><iq type='result'><bind/></iq>");
}

/* A secret of any length becomes the whole marker: the old redactor
 * cut the marker to the secret's length, which told the length. */
static void test_short_secrets(void **state)
{
	(void)state;
	check_redact("<password>ab</password>", "<password>[redacted]</password>");
	check_redact("<auth mechanism='PLAIN'>x</auth>",
		     "<auth mechanism='PLAIN'>[redacted]</auth>");
	check_redact("<password>0123456789</password>",
		     "<password>[redacted]</password>");
	check_redact("<password>a-much-longer-secret-than-the-marker</password>",
		     "<password>[redacted]</password>");
	check_redact("<field type='text-private' var='pin'><value>1</value>"
		     "<value>12345</value></field>",
		     "<field type='text-private' var='pin'><value>[redacted]"
		     "</value><value>[redacted]</value></field>");
}

/* XEP-0077's password change may carry the old password too. */
static void test_oldpassword(void **state)
{
	(void)state;
	check_redact("<query xmlns='jabber:iq:register'><username>bill</username>"
		     "<oldpassword>Thalia-3</oldpassword>"
		     "<password>Clio-9</password></query>",
		     "<query xmlns='jabber:iq:register'><username>bill</username>"
		     "<oldpassword>[redacted]</oldpassword>"
		     "<password>[redacted]</password></query>");
}

/* the legacy login's digest (XEP-0078) is as good as the password to
 * whoever guesses at it */
static void test_iqauth_digest(void **state)
{
	(void)state;
	check_redact("<iq type=\"set\"><query xmlns=\"jabber:iq:auth\">"
		     "<username>bill</username><digest>"
		     "48fc78be9ec8f86d8ce1c39c320c97c21d62334d</digest>"
		     "<resource>globe</resource></query></iq>",
		     "<iq type=\"set\"><query xmlns=\"jabber:iq:auth\">"
		     "<username>bill</username><digest>[redacted]</digest>"
		     "<resource>globe</resource></query></iq>");
}

/* A submitted form carries only vars: secret words in them are enough,
 * in any case; other fields stay readable. */
static void test_submitted_secret_names(void **state)
{
	char *out;

	(void)state;
	out = redact("<x xmlns='jabber:x:data' type='submit'>"
		     "<field var='pin'><value>4711</value></field>"
		     "<field var='API_Token'><value>tok-abc</value></field>"
		     "<field var=\"client_secret\"><value>s3cr3t</value></field>"
		     "<field var='nick'><value>bill</value></field></x>");
	assert_null(strstr(out, "4711"));
	assert_null(strstr(out, "tok-abc"));
	assert_null(strstr(out, "s3cr3t"));
	assert_non_null(strstr(out, "<value>bill</value>"));
	free(out);
}

/* A text-private field of any name, once its form is submitted
 * (dataform_submit calls log_secret_var): the submitted value is
 * redacted though the answer does not say the field's type. */
static void test_submitted_private_var(void **state)
{
	static const char answer[] =
		"<x xmlns='jabber:x:data' type='submit'>"
		"<field var='FORM_TYPE'><value>urn:example:bank</value></field>"
		"<field var='code'><value>8812-77</value></field>"
		"<field var='account'><value>DE00 1234</value></field></x>";
	char *out;
	int i;

	(void)state;
	out = redact(answer);
	assert_non_null(strstr(out, "8812-77")); /* nothing told it yet */
	free(out);
	log_secret_var("code");
	out = redact(answer);
	assert_null(strstr(out, "8812-77"));
	assert_non_null(strstr(out, "<field var='code'><value>[redacted]</value>"));
	assert_non_null(strstr(out, "DE00 1234"));
	assert_non_null(strstr(out, "urn:example:bank"));
	free(out);
	/* more vars than the list holds: every submitted value is hidden */
	for (i = 0; i < 100; i++) {
		char var[16];

		snprintf(var, sizeof var, "v%d", i);
		log_secret_var(var);
	}
	out = redact(answer);
	assert_null(strstr(out, "DE00 1234"));
	assert_non_null(strstr(out, "urn:example:bank"));
	free(out);
	log_secret_vars_clear();
	out = redact(answer);
	assert_non_null(strstr(out, "8812-77"));
	free(out);
}

static void test_several_secrets(void **state)
{
	char *out;

	(void)state;
	out = redact("RECV: <challenge " SASL ">Q0hBTExFTkdFREFUQQ==</challenge>"
		     " SENT: <response " SASL ">UkVTUE9OU0VEQVRBQQ==</response>"
		     " <iq><query xmlns='jabber:iq:register'>"
		     "<password>first-secret</password></query></iq>"
		     " <password>second-secret</password> tail");
	assert_null(strstr(out, "Q0hBTExFTkdF"));
	assert_null(strstr(out, "UkVTUE9OU0VE"));
	assert_null(strstr(out, "first-secret"));
	assert_null(strstr(out, "second-secret"));
	assert_string_equal(out,
			    "RECV: <challenge " SASL ">[redacted]</challenge>"
			    " SENT: <response " SASL ">[redacted]</response>"
			    " <iq><query xmlns='jabber:iq:register'>"
			    "<password>[redacted]</password></query></iq>"
			    " <password>[redacted]</password> tail");
	free(out);
}

static void test_unterminated(void **state)
{
	char *out;

	(void)state;
	/* a log line cut inside the secret still hides it */
	out = redact("SENT: <auth " SASL " mechanism='PLAIN'>AGFsaWNlAHNlY3JldA");
	assert_null(strstr(out, "AGFsaWNl"));
	free(out);
	/* and one cut inside the opening tag */
	out = redact("<password");
	assert_null(strstr(out, "secret"));
	free(out);
}

/* ---- the log file ----------------------------------------------------- */

/* The fixture is a struct tu_dir: path is dir/debug.log. */
static int setup(void **state)
{
	return tu_dir_setup(state, "log", "debug.log");
}

static int teardown(void **state)
{
	log_close();
	return tu_dir_teardown(state);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_log_file(void **state)
{
	struct tu_dir *fx = *state;
	struct stat st;
	char *text;

	assert_false(log_enabled());
	assert_int_equal(log_open(fx->path), 0);
	assert_true(log_enabled());
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	log_msg(LOG_INFO, "xmpp", "connected to %s:%d", "example.com", 5222);
	log_msg(LOG_DEBUG, "xmpp",
		"SENT: <iq type='set'><query xmlns='jabber:iq:register'>"
		"<username>bill</username><password>%s</password></query></iq>",
		"hunter2-very-secret");
	log_close();
	assert_false(log_enabled());

	text = tu_read_file(fx->path);
	assert_int_equal(count_lines(text), 2);
	assert_non_null(strstr(text, "info xmpp: connected to example.com:5222\n"));
	assert_non_null(strstr(text, "debug xmpp: SENT: <iq type='set'>"));
	assert_non_null(strstr(text, "<username>bill</username>"));
	assert_non_null(strstr(text, "<password>[redacted]</password>"));
	assert_null(strstr(text, "hunter2"));
	free(text);
}

static void test_log_appends(void **state)
{
	struct tu_dir *fx = *state;
	char *text;

	assert_int_equal(log_open(fx->path), 0);
	log_msg(LOG_WARN, "first", "one");
	log_close();
	assert_int_equal(log_open(fx->path), 0);
	log_msg(LOG_ERROR, "second", "two");
	log_close();

	text = tu_read_file(fx->path);
	assert_int_equal(count_lines(text), 2);
	assert_non_null(strstr(text, "warn first: one\n"));
	assert_non_null(strstr(text, "error second: two\n"));
	assert_true(strstr(text, "first: one") < strstr(text, "second: two"));
	free(text);
}

static void test_log_closed_noop(void **state)
{
	struct tu_dir *fx = *state;
	struct stat st;
	char *text;

	/* never opened: nothing happens, nothing is created */
	log_msg(LOG_ERROR, "area", "dropped %d", 1);
	assert_int_equal(access(fx->path, F_OK), -1);

	assert_int_equal(log_open(fx->path), 0);
	log_msg(LOG_INFO, "area", "kept");
	log_close();
	log_msg(LOG_INFO, "area", "dropped after close");
	log_close(); /* twice is harmless */

	assert_int_equal(stat(fx->path, &st), 0);
	text = tu_read_file(fx->path);
	assert_int_equal(count_lines(text), 1);
	assert_non_null(strstr(text, "area: kept\n"));
	assert_null(strstr(text, "dropped"));
	free(text);
}

static void test_log_open_fails(void **state)
{
	struct tu_dir *fx = *state;
	char path[192];

	snprintf(path, sizeof path, "%s/missing/debug.log", fx->dir);
	assert_int_equal(log_open(path), -ENOENT);
	assert_false(log_enabled());
}

/* A debug_log path someone pointed elsewhere with a link is not
 * followed (the target is neither created nor written), and a FIFO is
 * refused rather than blocked on. */
static void test_log_open_no_link(void **state)
{
	struct tu_dir *fx = *state;
	char target[192], fifo[192];
	mode_t old = umask(0);

	snprintf(target, sizeof target, "%s/target", fx->dir);
	assert_int_equal(symlink(target, fx->path), 0);
	assert_int_equal(log_open(fx->path), -ELOOP);
	assert_false(log_enabled());
	assert_int_equal(access(target, F_OK), -1);
	/* a link to an existing file is not followed either */
	tu_write_file(target, "");
	assert_int_equal(log_open(fx->path), -ELOOP);
	assert_int_equal(unlink(fx->path), 0);

	snprintf(fifo, sizeof fifo, "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_true(log_open(fifo) < 0);
	assert_false(log_enabled());
	/* a file of our own made looser is tightened */
	tu_write_file(fx->path, "");
	assert_int_equal(chmod(fx->path, 0644), 0);
	assert_int_equal(log_open(fx->path), 0);
	{
		struct stat st;

		assert_int_equal(stat(fx->path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
	}
	log_close();
	umask(old);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sasl_auth),
		cmocka_unit_test(test_sasl_response_challenge_success),
		cmocka_unit_test(test_register_password),
		cmocka_unit_test(test_form_password),
		cmocka_unit_test(test_harmless_unchanged),
		cmocka_unit_test(test_empty_elements),
		cmocka_unit_test(test_short_secrets),
		cmocka_unit_test(test_oldpassword),
		cmocka_unit_test(test_iqauth_digest),
		cmocka_unit_test(test_submitted_secret_names),
		cmocka_unit_test(test_submitted_private_var),
		cmocka_unit_test(test_several_secrets),
		cmocka_unit_test(test_unterminated),
		T(test_log_file),
		T(test_log_appends),
		T(test_log_closed_noop),
		T(test_log_open_fails),
		T(test_log_open_no_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
