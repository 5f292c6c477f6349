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
 * and conf_account; every global option and account choice landing in
 * its field, the exact words of each kind of error, the option table's
 * consistency, defaults with and without a file agreeing, and the
 * --options and --options-man output. Error strings are freed, so the
 * suite is clean under LeakSanitizer.
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
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* the format under test */
		if (strftime(buf, sizeof buf, c.time_format, &tm) == 0) {
#pragma GCC diagnostic pop
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

static void starts_with(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("\"%.200s\" does not start with \"%s\"", s, prefix);
}

static char *print_to_string(void (*print)(FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	print(f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* --options: each option with its scope, type, default, then its help. */
static void test_print_options(void **state)
{
	char *buf = print_to_string(conf_print_options);

	(void)state;
	starts_with(buf, "jid                    account string, required\n"
			 "                       your address, user@domain\n");
	assert_non_null(strstr(buf, "\nport                   account integer 0..65535 (0: the usual port), default 0\n"));
	assert_non_null(strstr(buf, "\ntls                    account required|direct|trust|disable, default \"required\"\n"));
	assert_non_null(strstr(buf, "\nautoaway               global  integer 0..1440 minutes (0: never), default 15\n"));
	assert_non_null(strstr(buf, "\ntheme                  global  string, default: the built-in theme\n"));
	assert_non_null(strstr(buf, "\nbind                   global  list of strings, no default\n"));
	assert_non_null(strstr(buf, "\nroster_visible         global  boolean, default true\n"));
	assert_non_null(strstr(buf, "password_eval_timeout"));
	free(buf);
}

/* --options-man: natterrc(5)'s list, with troff's escapes. */
static void test_print_man(void **state)
{
	char *buf = print_to_string(conf_print_man);

	(void)state;
	starts_with(buf, ".SS \"Account options\"\n.TP\n"
			 ".BR jid \" (string, required)\"\n"
			 "Your address, user@domain.\n");
	assert_non_null(strstr(buf, "Presence priority.\nFrom \\-128 to 127.\n"));
	assert_non_null(strstr(buf, ".TP\n.BR tls \" (string, default \\(dqrequired\\(dq)\"\n"));
	assert_non_null(strstr(buf, "One of: required, direct, trust, disable.\n"));
	assert_non_null(strstr(buf, ".BR keepalive \" (integer, default 60)\"\n"));
	assert_non_null(strstr(buf, "From 0 to 3600 seconds (0: off).\n"));
	assert_non_null(strstr(buf, ".BR theme \" (string, default: the built\\-in theme)\"\n"));
	assert_non_null(strstr(buf, ".SS \"Global options\"\n"));
	free(buf);
}

/* The table itself: unique names, each option's type fits the field it
 * lands in, defaults within their ranges or among their choices, help
 * that reads as one clause. */
static void test_option_table(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(conf_noptions > 20);
	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		size_t n = 0;

		for (j = i + 1; j < conf_noptions; j++)
			if (strcmp(o->name, conf_options[j].name) == 0)
				fail_msg("%s is in the table twice", o->name);
		assert_non_null(o->help);
		if (!*o->help || o->help[strlen(o->help) - 1] == '.')
			fail_msg("%s: help \"%s\"", o->name, o->help);
		for (j = 0; o->choices && o->choices[j]; j++)
			n++;
		switch (o->type) {
		case CONF_BOOL:
			assert_int_equal(o->field, CONF_FIELD_BOOL);
			break;
		case CONF_INT:
			assert_int_equal(o->field, CONF_FIELD_INT);
			assert_true(o->min <= o->def && o->def <= o->max);
			break;
		case CONF_STRING:
			assert_int_equal(o->field, CONF_FIELD_STR);
			break;
		case CONF_CHOICE:
			assert_non_null(o->def_str);
			assert_true(n >= 2);
			for (j = 0; j < n; j++)
				if (strcmp(o->choices[j], o->def_str) == 0)
					break;
			if (j == n)
				fail_msg("%s: default %s is no choice", o->name,
					 o->def_str);
			/* a bool holds a choice of two */
			if (o->field == CONF_FIELD_BOOL)
				assert_int_equal(n, 2);
			else
				assert_int_equal(o->field, CONF_FIELD_INT);
			break;
		case CONF_LIST:
			assert_int_equal(o->field, CONF_FIELD_LIST);
			assert_true(o->count_offset != 0);
			break;
		}
		if (o->flags & CONF_REQUIRED)
			assert_int_equal(o->scope, CONF_ACCOUNT);
	}
}

/* Without a file and with an empty one, the global options are the
 * same: one from the table's defaults, one from libconfuse's. */
static void test_defaults_agree(void **state)
{
	struct tu_dir *fx = *state;
	struct config none, empty;
	char *err;
	size_t i;

	assert_int_equal(conf_load(fx->path, false, &none, &err), 0);
	write_conf(fx, "\n", 0600);
	load_ok(fx, &empty);
	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		const char *a = (const char *)&none + o->offset;
		const char *b = (const char *)&empty + o->offset;

		if (o->scope != CONF_GLOBAL)
			continue;
		switch (o->field) {
		case CONF_FIELD_BOOL:
			assert_int_equal(*(const bool *)a, *(const bool *)b);
			break;
		case CONF_FIELD_INT:
			assert_int_equal(*(const int *)a, *(const int *)b);
			break;
		case CONF_FIELD_STR:
			if (*(char *const *)a || *(char *const *)b)
				assert_string_equal(*(char *const *)a,
						    *(char *const *)b);
			break;
		case CONF_FIELD_LIST:
			assert_int_equal(*(const size_t *)((const char *)&none + o->count_offset), 0);
			assert_int_equal(*(const size_t *)((const char *)&empty + o->count_offset), 0);
			break;
		}
	}
	/* and they are the documented ones */
	assert_int_equal(none.roster_width, 24);
	assert_true(none.roster_visible);
	assert_false(none.roster_right);
	assert_int_equal(none.autoaway, 15);
	assert_string_equal(none.autoaway_message, "idle");
	assert_true(none.chat_states);
	assert_null(none.theme);
	conf_clear(&none);
	conf_clear(&empty);
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

/* Every global option set away from its default lands in its field. */
static void test_every_global_option(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx,
		   "debug = true\n"
		   "debug_log = \"/tmp/d.log\"\n"
		   "time_format = \"%H\"\n"
		   "reconnect_max = 7\n"
		   "keepalive = 0\n"
		   "keepalive_timeout = 9\n"
		   "password_eval_timeout = 11\n"
		   "chat_states = false\n"
		   "roster_width = 33\n"
		   "roster_visible = false\n"
		   "roster_side = \"right\"\n"
		   "autoaway = 0\n"
		   "autoaway_message = \"gone\"\n"
		   "theme = \"light\"\n"
		   "bind = {\"F10 quit\", \"M-n window-next\"}\n"
		   "highlight = {\"natter\", \"release day\"}\n"
		   "bell = false\n"
		   "title = true\n"
		   "notify_cmd = \"notify-send -u 'low'\"\n",
		   0600);
	load_ok(fx, &c);
	assert_true(c.debug);
	assert_string_equal(c.debug_log, "/tmp/d.log");
	assert_string_equal(c.time_format, "%H");
	assert_int_equal(c.reconnect_max, 7);
	assert_int_equal(c.keepalive, 0);
	assert_int_equal(c.keepalive_timeout, 9);
	assert_int_equal(c.password_eval_timeout, 11);
	assert_false(c.chat_states);
	assert_int_equal(c.roster_width, 33);
	assert_false(c.roster_visible);
	assert_true(c.roster_right);
	assert_int_equal(c.autoaway, 0);
	assert_string_equal(c.autoaway_message, "gone");
	assert_string_equal(c.theme, "light");
	assert_int_equal(c.nbinds, 2);
	assert_string_equal(c.binds[0], "F10 quit");
	assert_string_equal(c.binds[1], "M-n window-next");
	assert_int_equal(c.nhighlights, 2);
	assert_string_equal(c.highlights[0], "natter");
	assert_string_equal(c.highlights[1], "release day");
	assert_false(c.bell);
	assert_true(c.title);
	assert_string_equal(c.notify_cmd, "notify-send -u 'low'");
	conf_clear(&c);

	/* the attention options' defaults */
	write_conf(fx, "", 0600);
	load_ok(fx, &c);
	assert_int_equal(c.nhighlights, 0);
	assert_true(c.bell);
	assert_false(c.title);
	assert_null(c.notify_cmd);
	conf_clear(&c);

	/* and the other way round: left, and a list of one from a string */
	write_conf(fx, "roster_side = \"left\"\nbind = \"F9 quit\"\n", 0600);
	load_ok(fx, &c);
	assert_false(c.roster_right);
	assert_int_equal(c.nbinds, 1);
	assert_string_equal(c.binds[0], "F9 quit");
	conf_clear(&c);
}

/* The account options that are choices land in their enum or bool. */
static void test_account_choices(void **state)
{
	struct tu_dir *fx = *state;
	struct config c;

	write_conf(fx,
		   "account a {\n  jid = \"a@b.c\"\n}\n"
		   "account b {\n  jid = \"b@b.c\"\n"
		   "  gateway_contacts = \"accept\"\n  strangers = \"drop\"\n"
		   "  strangers_rate = 3\n  courtesy = \"none\"\n"
		   "  tls = \"disable\"\n}\n",
		   0600);
	load_ok(fx, &c);
	assert_false(c.accounts[0].gateway_accept);
	assert_int_equal(c.accounts[0].strangers, STRANGERS_WINDOW);
	assert_int_equal(c.accounts[0].strangers_rate, STRANGERS_RATE_DEFAULT);
	assert_int_equal(c.accounts[0].courtesy, COURTESY_ROSTER);
	assert_int_equal(c.accounts[0].tls, TLS_REQUIRED);
	assert_true(c.accounts[0].autoconnect);
	assert_true(c.accounts[1].gateway_accept);
	assert_int_equal(c.accounts[1].strangers, STRANGERS_DROP);
	assert_int_equal(c.accounts[1].strangers_rate, 3);
	assert_int_equal(c.accounts[1].courtesy, COURTESY_NONE);
	assert_int_equal(c.accounts[1].tls, TLS_DISABLE);
	conf_clear(&c);
}

/* The messages are the user's whole explanation: each kind of check
 * keeps its exact words (natterrc(5) quotes one). */
static void test_error_wording(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "account a {\n  jid = \"a@b.c\"\n  port = 70000\n}\n",
		  "3: port must be between 0 and 65535 (0: the usual port) (got 70000)" },
		{ "account a {\n  jid = \"a@b.c\"\n  priority = -129\n}\n",
		  "3: priority must be between -128 and 127 (got -129)" },
		{ "account a {\n  jid = \"a@b.c\"\n  tls = \"tsl\"\n}\n",
		  "3: tls must be one of required, direct, trust, disable (got \"tsl\")" },
		{ "account a {\n  jid = \"a@b.c\"\n  strangers = \"x\"\n}\n",
		  "3: strangers must be window, open or drop (got \"x\")" },
		{ "account a {\n  jid = \"a@b.c\"\n  gateway_contacts = \"x\"\n}\n",
		  "3: gateway_contacts must be ask or accept (got \"x\")" },
		{ "account a {\n  jid = \"a@b.c\"\n  strangers_rate = 0\n}\n",
		  "3: strangers_rate must be between 1 and 100000 messages a minute (got 0)" },
		{ "account a {\n  jid = \"ab.c\"\n}\n",
		  "2: jid \"ab.c\" is not of the form user@domain" },
		{ "account a {\n  server = \"x\"\n}\n",
		  "3: account \"a\" has no jid" },
		{ "autoaway = 1441\n",
		  "1: autoaway must be between 0 and 1440 minutes (0: never) (got 1441)" },
		{ "keepalive = 3601\n",
		  "1: keepalive must be between 0 and 3600 seconds (0: off) (got 3601)" },
		{ "roster_width = 9\n",
		  "1: roster_width must be between 10 and 80 columns (got 9)" },
		{ "roster_side = \"up\"\n",
		  "1: roster_side must be left or right (got \"up\")" },
		{ "time_format = \"\"\n",
		  "1: time_format \"\" gives an empty or over-long time (at most 31 bytes)" },
		{ "notify_cmd = \"notify 'unclosed\"\n",
		  "1: notify_cmd \"notify 'unclosed\": a single quote is not closed" },
		{ "notify_cmd = \"  \"\n",
		  "1: notify_cmd \"  \": it names no program" },
	};
	struct tu_dir *fx = *state;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *err, want[512];

		write_conf(fx, cases[i].text, 0600);
		err = load_fail(fx);
		snprintf(want, sizeof want, "%s:%s", fx->path, cases[i].msg);
		assert_string_equal(err, want);
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
		T(test_every_global_option),
		T(test_account_choices),
		T(test_error_wording),
		T(test_defaults_agree),
		cmocka_unit_test(test_print_options),
		cmocka_unit_test(test_print_man),
		cmocka_unit_test(test_option_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
