/* test_config: core/conf.h (natterrc loading).
 *
 * Each test writes a natterrc into its own temporary directory and loads
 * it with conf_load: every field of a full two-account file and the
 * defaults, each tls value, the errors a user can make (bad values, syntax,
 * unknown options, missing or malformed jid, out-of-range port,
 * priority and reconnect_max, a time_format that does not fit, password
 * together with password_eval) and the "FILE:LINE:"
 * shape of their messages, the refusal of a password in a file others can
 * read, a missing file with and without must_exist, conf_keep_account
 * and conf_account. Error strings are freed, so the suite is clean
 * under LeakSanitizer.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/conf.h"

#include "testutil.h"

/* The fixture is a struct tu_dir: path is dir/natterrc. */
static int setup(void **state)
{
	return tu_dir_setup(state, "config", "natterrc");
}

/* Writes text to the fixture's natterrc with the given mode. */
static void write_conf(struct tu_dir *fx, const char *text, mode_t mode)
{
	tu_write_file(fx->path, text);
	assert_int_equal(chmod(fx->path, mode), 0);
}

/* Loads the fixture's file, which must be accepted. */
static void load_ok(struct tu_dir *fx, struct config *c)
{
	char *err = (char *)"sentinel";

	assert_int_equal(conf_load(fx->path, true, c, &err), 0);
	assert_null(err);
	assert_string_equal(c->path, fx->path);
}

/* Loads the fixture's file, which must be refused; returns the message
 * (the caller frees it). A failed load must leave nothing in *c to free;
 * conf_clear is still called on it so one leak does not hide others
 * (that property has its own test). */
static char *load_fail(struct tu_dir *fx)
{
	struct config c;
	char *err = NULL;

	assert_int_equal(conf_load(fx->path, true, &c, &err), -1);
	assert_non_null(err);
	conf_clear(&c);
	return err;
}

/* The message must start "PATH:LINE: " and contain each word given. */
static void check_msg(const char *err, const char *path, int line,
		      const char *word)
{
	char prefix[256];

	snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", err,
			 prefix);
	if (word && !strstr(err, word))
		fail_msg("message \"%s\" does not mention \"%s\"", err, word);
}

static const char full_conf[] =
	"# two accounts, one with every option, one with the defaults\n"
	"debug = true\n"
	"debug_log = \"/tmp/natter-debug.log\"\n"
	"time_format = \"%Y-%m-%d %H:%M:%S\"\n"
	"reconnect_max = 60\n"
	"account work {\n"
	"  jid = \"alice@example.com\"\n"
	"  password = \"s3cret\"\n"
	"  server = \"xmpp.example.com\"\n"
	"  port = 5223\n"
	"  resource = \"desk\"\n"
	"  priority = -5\n"
	"  tls = \"direct\"\n"
	"  autoconnect = false\n"
	"}\n"
	"account home {\n"
	"  jid = \"bob@example.org\"\n"
	"  password_eval = \"pass show xmpp\"\n"
	"}\n";

static void test_full_file(void **state)
{
	struct tu_dir *fx = *state;
	struct account_conf *a;
	struct config c;

	write_conf(fx, full_conf, 0600);
	load_ok(fx, &c);
	assert_true(c.debug);
	assert_string_equal(c.debug_log, "/tmp/natter-debug.log");
	assert_string_equal(c.time_format, "%Y-%m-%d %H:%M:%S");
	assert_int_equal(c.reconnect_max, 60);
	assert_int_equal(c.naccounts, 2);

	a = &c.accounts[0];
	assert_string_equal(a->name, "work");
	assert_string_equal(a->jid, "alice@example.com");
	assert_string_equal(a->password, "s3cret");
	assert_null(a->password_eval);
	assert_string_equal(a->server, "xmpp.example.com");
	assert_int_equal(a->port, 5223);
	assert_string_equal(a->resource, "desk");
	assert_int_equal(a->priority, -5);
	assert_int_equal(a->tls, TLS_DIRECT);
	assert_false(a->autoconnect);

	a = &c.accounts[1];
	assert_string_equal(a->name, "home");
	assert_string_equal(a->jid, "bob@example.org");
	assert_null(a->password);
	assert_string_equal(a->password_eval, "pass show xmpp");
	assert_null(a->server);
	assert_int_equal(a->port, 0);
	assert_string_equal(a->resource, "natter");
	assert_int_equal(a->priority, 0);
	assert_int_equal(a->tls, TLS_REQUIRED);
	assert_true(a->autoconnect);

	conf_clear(&c);
	assert_null(c.accounts);
	assert_int_equal(c.naccounts, 0);
	assert_null(c.path);
}

static void test_top_level_defaults(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx, "account a {\n  jid = \"a@example.com\"\n}\n", 0600);
	load_ok(fx, &c);
	assert_false(c.debug);
	assert_null(c.debug_log);
	assert_string_equal(c.time_format, "%H:%M");
	assert_int_equal(c.reconnect_max, 300);
	assert_int_equal(c.naccounts, 1);
	conf_clear(&c);
}

static void test_empty_file(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx, "# nothing but a comment\n", 0644);
	load_ok(fx, &c);
	assert_int_equal(c.naccounts, 0);
	assert_string_equal(c.time_format, "%H:%M");
	assert_int_equal(c.reconnect_max, 300);
	conf_clear(&c);
}

static void test_tls_values(void **state)
{
	static const struct {
		const char *name;
		enum tls_mode mode;
	} cases[] = {
		{ "required", TLS_REQUIRED },
		{ "direct", TLS_DIRECT },
		{ "trust", TLS_TRUST },
		{ "disable", TLS_DISABLE },
	};
	struct tu_dir *fx = *state;
	char text[128];
	struct config c;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(text, sizeof text,
			 "account a {\n  jid = \"a@b.c\"\n  tls = \"%s\"\n}\n",
			 cases[i].name);
		write_conf(fx, text, 0600);
		load_ok(fx, &c);
		assert_int_equal(c.naccounts, 1);
		assert_int_equal(c.accounts[0].tls, cases[i].mode);
		assert_string_equal(conf_tls_name(c.accounts[0].tls),
				    cases[i].name);
		conf_clear(&c);
	}
}

static void test_bad_tls(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx,
		   "account a {\n"
		   "  jid = \"a@b.c\"\n"
		   "  tls = \"starttls\"\n"
		   "}\n",
		   0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 3, "tls");
	assert_non_null(strstr(err, "starttls"));
	free(err);
}

static void test_syntax_missing_value(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx, "account a {\n  jid = \n}\n", 0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 3, NULL);
	free(err);
}

static void test_syntax_extra_brace(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx, "account a {\n  jid = \"a@b.c\"\n}\n}\n", 0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 4, NULL);
	free(err);
}

/* An account section still open at the end of the file is a syntax
 * error the user must hear about, not a file silently accepted. */
static void test_syntax_missing_closing_brace(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;
	char *err = NULL;
	int r;

	write_conf(fx, "account a {\n  jid = \"a@b.c\"\n", 0600);
	r = conf_load(fx->path, true, &c, &err);
	if (r == 0) {
		conf_clear(&c);
		fail_msg("an unterminated account section was accepted");
	}
	assert_non_null(err);
	assert_non_null(strstr(err, fx->path));
	conf_clear(&c);
	free(err);
}

static void test_unknown_option(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx, "account a {\n  jid = \"a@b.c\"\n  colour = 3\n}\n",
		   0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 3, "colour");
	free(err);

	write_conf(fx, "verbose = true\n", 0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 1, "verbose");
	free(err);
}

static void test_missing_jid(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx, "account a {\n  server = \"x.example\"\n}\n", 0600);
	err = load_fail(fx);
	assert_non_null(strstr(err, fx->path));
	assert_non_null(strstr(err, "jid"));
	free(err);
}

static void test_jid_without_at(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx, "account a {\n  jid = \"example.com\"\n}\n", 0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 2, "jid");
	free(err);

	/* an invalid JID is refused as well */
	write_conf(fx, "account a {\n  jid = \"a<b@example.com\"\n}\n", 0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 2, "jid");
	free(err);
}

static void test_port_range(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;
	char *err;

	write_conf(fx, "account a {\n  jid = \"a@b.c\"\n  port = 70000\n}\n",
		   0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 3, "port");
	free(err);

	write_conf(fx, "account a {\n  jid = \"a@b.c\"\n  port = -1\n}\n",
		   0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 3, "port");
	free(err);

	write_conf(fx, "account a {\n  jid = \"a@b.c\"\n  port = 65535\n}\n",
		   0600);
	load_ok(fx, &c);
	assert_int_equal(c.accounts[0].port, 65535);
	conf_clear(&c);
}

static void test_priority_range(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;
	char *err;

	write_conf(fx,
		   "account a {\n  jid = \"a@b.c\"\n  priority = 200\n}\n",
		   0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 3, "priority");
	free(err);

	write_conf(fx,
		   "account a {\n  jid = \"a@b.c\"\n  priority = -129\n}\n",
		   0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 3, "priority");
	free(err);

	write_conf(fx,
		   "account a {\n  jid = \"a@b.c\"\n  priority = -128\n}\n",
		   0600);
	load_ok(fx, &c);
	assert_int_equal(c.accounts[0].priority, -128);
	conf_clear(&c);
}

static void test_reconnect_max_range(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx, "reconnect_max = 0\n", 0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 1, "reconnect_max");
	free(err);
}

static void test_time_format(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;
	char *err;

	/* an empty format gives no timestamp at all */
	write_conf(fx, "time_format = \"\"\n", 0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 1, "time_format");
	free(err);

	/* one longer than TIME_FORMAT_MAX - 1 bytes for any date */
	write_conf(fx, "\n\ntime_format = \"%Y-%m-%d %H:%M:%S %Y-%m-%d %H:%M\"\n",
		   0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 3, "time_format");
	free(err);

	write_conf(fx, "time_format = \"[%H:%M:%S]\"\n", 0600);
	load_ok(fx, &c);
	assert_string_equal(c.time_format, "[%H:%M:%S]");
	conf_clear(&c);
}

/* TIME_FORMAT_MAX bounds what an accepted time_format may produce: it
 * must hold for every date, not only the one the check happens to use
 * (day and month names differ in length). */
static void test_time_format_any_date(void **state)
{
	static const char *const formats[] = {
		"%A %B %d %Y %H:%M",
		"%A, %d %B %Y %H:%M",
		"%a %b %d %H:%M:%S %Y %Z",
	};
	struct tu_dir *fx = *state;
	char text[128], buf[TIME_FORMAT_MAX];
	struct config c;
	char *err = NULL;
	struct tm tm;
	size_t i;

	/* Wednesday 30 September 2026, 12:34:56 */
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 126;
	tm.tm_mon = 8;
	tm.tm_mday = 30;
	tm.tm_wday = 3;
	tm.tm_yday = 272;
	tm.tm_hour = 12;
	tm.tm_min = 34;
	tm.tm_sec = 56;
	for (i = 0; i < sizeof formats / sizeof *formats; i++) {
		snprintf(text, sizeof text, "time_format = \"%s\"\n",
			 formats[i]);
		write_conf(fx, text, 0600);
		if (conf_load(fx->path, true, &c, &err) < 0) {
			free(err);
			err = NULL;
			conf_clear(&c);
			continue; /* refused: fine */
		}
		if (strftime(buf, sizeof buf, c.time_format, &tm) == 0) {
			conf_clear(&c);
			fail_msg("time_format \"%s\" was accepted but does not "
				 "fit in %d bytes on 2026-09-30",
				 formats[i], TIME_FORMAT_MAX);
		}
		conf_clear(&c);
	}
}

static void test_password_and_eval(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx,
		   "account a {\n"
		   "  jid = \"a@b.c\"\n"
		   "  password = \"x\"\n"
		   "  password_eval = \"echo x\"\n"
		   "}\n",
		   0600);
	err = load_fail(fx);
	assert_non_null(strstr(err, fx->path));
	assert_non_null(strstr(err, "password_eval"));
	free(err);
}

static void test_duplicate_account(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx,
		   "account a {\n  jid = \"a@b.c\"\n}\n"
		   "account a {\n  jid = \"d@e.f\"\n}\n",
		   0600);
	err = load_fail(fx);
	assert_non_null(strstr(err, fx->path));
	free(err);
}

static const char password_conf[] =
	"account a {\n  jid = \"a@b.c\"\n  password = \"hunter2\"\n}\n";

static void test_password_world_readable(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;
	char *err = NULL;

	write_conf(fx, password_conf, 0644);
	assert_int_equal(conf_load(fx->path, true, &c, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "chmod 600"));
	assert_non_null(strstr(err, fx->path));
	/* the message must not repeat the secret */
	assert_null(strstr(err, "hunter2"));
	/* a refused load owns nothing */
	assert_null(c.path);
	assert_null(c.accounts);
	assert_int_equal(c.naccounts, 0);
	free(err);

	/* readable by the group only is refused as well */
	write_conf(fx, password_conf, 0640);
	err = load_fail(fx);
	assert_non_null(strstr(err, "chmod 600"));
	free(err);
}

static void test_password_private(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx, password_conf, 0600);
	load_ok(fx, &c);
	assert_string_equal(c.accounts[0].password, "hunter2");
	conf_clear(&c);

	write_conf(fx, password_conf, 0400);
	load_ok(fx, &c);
	conf_clear(&c);
}

static void test_readable_without_password(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx,
		   "account a {\n  jid = \"a@b.c\"\n"
		   "  password_eval = \"pass xmpp\"\n}\n",
		   0644);
	load_ok(fx, &c);
	assert_int_equal(c.naccounts, 1);
	assert_null(c.accounts[0].password);
	assert_string_equal(c.accounts[0].password_eval, "pass xmpp");
	conf_clear(&c);
}

static const char eval_conf[] =
	"account a {\n  jid = \"a@b.c\"\n  password_eval = \"pass xmpp\"\n}\n";

/* Whoever can change a password_eval runs commands as the user. */
static void test_eval_writable_by_others(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx, eval_conf, 0664);
	err = load_fail(fx);
	assert_non_null(strstr(err, "password_eval"));
	assert_non_null(strstr(err, "other users can change it"));
	assert_non_null(strstr(err, "chmod go-w"));
	assert_null(strstr(err, "pass xmpp"));
	free(err);
	write_conf(fx, eval_conf, 0646);
	err = load_fail(fx);
	assert_non_null(strstr(err, "chmod go-w"));
	free(err);
	/* a password in a file the group can write is refused too */
	write_conf(fx, password_conf, 0620);
	err = load_fail(fx);
	assert_non_null(strstr(err, "chmod 600"));
	free(err);
}

/* A secret in someone else's file is refused, whatever its mode (needs
 * root to give the file away). */
static void test_secret_owned_by_other(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;
	char *err;

	if (geteuid() != 0)
		skip();
	write_conf(fx, eval_conf, 0600);
	assert_int_equal(chown(fx->path, 65534, 65534), 0);
	err = load_fail(fx);
	assert_non_null(strstr(err, "belongs to another user (uid 65534)"));
	free(err);
	write_conf(fx, password_conf, 0600);
	assert_int_equal(chown(fx->path, 65534, 65534), 0);
	err = load_fail(fx);
	assert_non_null(strstr(err, "holds a password but belongs"));
	free(err);
	/* without a secret, someone else's file is read */
	write_conf(fx, "debug = true\n", 0644);
	assert_int_equal(chown(fx->path, 65534, 65534), 0);
	load_ok(fx, &c);
	conf_clear(&c);
}

static void test_not_a_file(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	assert_int_equal(mkdir(fx->path, 0700), 0);
	err = load_fail(fx);
	assert_non_null(strstr(err, "not a regular file"));
	free(err);
	assert_int_equal(rmdir(fx->path), 0);
}

static void test_missing_file_optional(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;
	char *err = (char *)"sentinel";

	assert_int_equal(conf_load(fx->path, false, &c, &err), 0);
	assert_null(err);
	assert_int_equal(c.naccounts, 0);
	assert_false(c.debug);
	assert_null(c.debug_log);
	assert_string_equal(c.time_format, "%H:%M");
	assert_int_equal(c.reconnect_max, 300);
	conf_clear(&c);
}

static void test_missing_file_required(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	err = load_fail(fx);
	assert_non_null(strstr(err, fx->path));
	free(err);
}

/* config.h promises *err and nothing else on failure, and main.c frees
 * only err: a failed load must leave no allocation in *out. */
static void test_failed_load_owns_nothing(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;
	char *err = NULL;
	bool owned[2];

	/* missing file */
	assert_int_equal(conf_load(fx->path, true, &c, &err), -1);
	free(err);
	owned[0] = c.path != NULL || c.accounts != NULL;
	conf_clear(&c);

	/* syntax error */
	write_conf(fx, "account a {\n  jid = \n}\n", 0600);
	err = NULL;
	assert_int_equal(conf_load(fx->path, true, &c, &err), -1);
	free(err);
	owned[1] = c.path != NULL || c.accounts != NULL;
	conf_clear(&c);

	if (owned[0] || owned[1])
		fail_msg("a failed conf_load left memory in *out:%s%s",
			 owned[0] ? " after a missing file" : "",
			 owned[1] ? " after a parse error" : "");
}

static const char three_conf[] =
	"account a {\n  jid = \"a@example.com\"\n}\n"
	"account b {\n  jid = \"b@example.com\"\n  resource = \"rb\"\n}\n"
	"account c {\n  jid = \"c@example.com\"\n}\n";

static void test_conf_account(void **state)
{
	struct tu_dir *fx = *state;
	struct account_conf *a;
	struct config c;

	write_conf(fx, three_conf, 0600);
	load_ok(fx, &c);
	a = conf_account(&c, "b");
	assert_ptr_equal(a, &c.accounts[1]);
	assert_string_equal(a->jid, "b@example.com");
	assert_ptr_equal(conf_account(&c, "c"), &c.accounts[2]);
	assert_null(conf_account(&c, "d"));
	assert_null(conf_account(&c, "B"));
	conf_clear(&c);
}

static void test_keep_account(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx, three_conf, 0600);
	load_ok(fx, &c);
	assert_int_equal(conf_keep_account(&c, "b"), 0);
	assert_int_equal(c.naccounts, 1);
	assert_string_equal(c.accounts[0].name, "b");
	assert_string_equal(c.accounts[0].jid, "b@example.com");
	assert_string_equal(c.accounts[0].resource, "rb");
	assert_null(conf_account(&c, "a"));
	assert_null(conf_account(&c, "c"));
	assert_ptr_equal(conf_account(&c, "b"), &c.accounts[0]);
	conf_clear(&c);

	/* keeping the last one works the same */
	load_ok(fx, &c);
	assert_int_equal(conf_keep_account(&c, "c"), 0);
	assert_int_equal(c.naccounts, 1);
	assert_string_equal(c.accounts[0].jid, "c@example.com");
	conf_clear(&c);
}

static void test_keep_unknown_account(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx, three_conf, 0600);
	load_ok(fx, &c);
	assert_int_equal(conf_keep_account(&c, "nope"), -1);
	/* nothing was dropped */
	assert_int_equal(c.naccounts, 3);
	assert_string_equal(c.accounts[0].name, "a");
	assert_string_equal(c.accounts[2].name, "c");
	conf_clear(&c);
}

static void test_print_options(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	conf_print_options(f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "account.jid"));
	assert_non_null(strstr(buf, "account.tls"));
	assert_non_null(strstr(buf, "reconnect_max"));
	assert_non_null(strstr(buf, "keepalive_timeout"));
	assert_non_null(strstr(buf, "password_eval_timeout"));
	free(buf);
}

/* libconfuse 3.3 miscounts lines after comments; natter blanks comments
 * out before parsing so the line in a message is the line in the file. */
static void test_line_numbers_after_comments(void **state)
{
	struct tu_dir *fx = *state;
	char *err;

	write_conf(fx,
		   "# one\n"
		   "# two { with a brace\n"
		   "/* a block\n"
		   "   comment */\n"
		   "// another\n"
		   "account \"a\" {\n"
		   "  jid = \"a@b.c\" # trailing\n"
		   "  tls = \"never\"\n"
		   "}\n",
		   0600);
	err = load_fail(fx);
	check_msg(err, fx->path, 8, "tls");
	free(err);
}

/* Braces and quotes inside strings do not count. */
static void test_braces_in_strings(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx,
		   "account \"a\" {\n"
		   "  jid = \"a@b.c\"\n"
		   "  password_eval = \"echo '{' \\\"}\\\" # not a comment\"\n"
		   "}\n",
		   0600);
	load_ok(fx, &c);
	assert_string_equal(c.accounts[0].password_eval,
			    "echo '{' \"}\" # not a comment");
	conf_clear(&c);
}

/* keepalive, keepalive_timeout, password_eval_timeout: defaults with
 * and without a file, values read, ranges checked (keepalive 0 is off). */
static void test_session_timers(void **state)
{
	static const char *const bad[] = {
		"keepalive = -1\n", "keepalive = 3601\n",
		"keepalive_timeout = 0\n", "keepalive_timeout = 601\n",
		"password_eval_timeout = 0\n", "password_eval_timeout = 601\n",
	};
	struct tu_dir *fx = *state;
	struct config c;
	char *err;
	size_t i;

	assert_int_equal(conf_load(fx->path, false, &c, &err), 0);
	assert_int_equal(c.keepalive, 60);
	assert_int_equal(c.keepalive_timeout, 30);
	assert_int_equal(c.password_eval_timeout, 30);
	conf_clear(&c);

	write_conf(fx, "debug = false\n", 0600);
	load_ok(fx, &c);
	assert_int_equal(c.keepalive, 60);
	assert_int_equal(c.keepalive_timeout, 30);
	assert_int_equal(c.password_eval_timeout, 30);
	conf_clear(&c);

	write_conf(fx,
		   "keepalive = 0\nkeepalive_timeout = 5\n"
		   "password_eval_timeout = 2\n",
		   0600);
	load_ok(fx, &c);
	assert_int_equal(c.keepalive, 0);
	assert_int_equal(c.keepalive_timeout, 5);
	assert_int_equal(c.password_eval_timeout, 2);
	conf_clear(&c);

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		char name[32];

		write_conf(fx, bad[i], 0600);
		err = load_fail(fx);
		snprintf(name, sizeof name, "%.*s", (int)strcspn(bad[i], " "),
			 bad[i]);
		check_msg(err, fx->path, 1, name);
		free(err);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, tu_dir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_full_file),
		T(test_line_numbers_after_comments),
		T(test_braces_in_strings),
		T(test_top_level_defaults),
		T(test_empty_file),
		T(test_tls_values),
		T(test_bad_tls),
		T(test_syntax_missing_value),
		T(test_syntax_extra_brace),
		T(test_syntax_missing_closing_brace),
		T(test_unknown_option),
		T(test_missing_jid),
		T(test_jid_without_at),
		T(test_port_range),
		T(test_priority_range),
		T(test_reconnect_max_range),
		T(test_time_format),
		T(test_time_format_any_date),
		T(test_password_and_eval),
		T(test_duplicate_account),
		T(test_password_world_readable),
		T(test_password_private),
		T(test_readable_without_password),
		T(test_eval_writable_by_others),
		T(test_secret_owned_by_other),
		T(test_not_a_file),
		T(test_missing_file_optional),
		T(test_missing_file_required),
		T(test_failed_load_owns_nothing),
		T(test_conf_account),
		T(test_keep_account),
		T(test_keep_unknown_account),
		T(test_session_timers),
		cmocka_unit_test(test_print_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
