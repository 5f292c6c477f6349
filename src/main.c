/* main: arguments, building the one struct app, running the loop.
 *
 * Everything natter does happens inside loop_iterate(): keys, sockets,
 * timers and signals all arrive there. Before each poll the prepare hook
 * flushes XMPP output and redraws once if the model changed.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/history.h"
#include "core/paths.h"
#include "ui/keys.h"
#include "ui/ui.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

struct options {
	const char *config;
	const char *account;
	const char *register_account; /* --register: the account to create */
	int debug;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: natter [-c FILE] [-a ACCOUNT] [--debug] [--demo]\n"
		"       natter [-c FILE] --register ACCOUNT\n"
		"       natter --version | --help | --options | --keys\n"
		"\n"
		"  -c, --config FILE    read FILE instead of $XDG_CONFIG_HOME/natter/natterrc\n"
		"  -a, --account NAME   use only the account NAME, and connect it\n"
		"  -r, --register NAME  create the account NAME of natterrc on its server\n"
		"  -d, --debug          write the debug log ($XDG_STATE_HOME/natter/debug.log)\n"
		"      --demo           try natter against a private local server\n"
		"      --options        list the natterrc options\n"
		"      --keys           list the key actions and default bindings\n"
		"  -V, --version        print the version\n"
		"  -h, --help           print this help\n"
		"\n"
		"See natter(1) and natterrc(5).\n");
}

/* Runs the demo launcher, which starts a private server and then natter
 * itself with a generated configuration. */
static int run_demo(const char *argv0)
{
	const char *dir = getenv("NATTER_DATADIR");
	char self[4096];
	char *script;
	ssize_t n;

	if (getenv("NATTER_DEMO")) {
		fprintf(stderr, "natter: --demo inside the demo; refusing to loop\n");
		return 1;
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0)
		snprintf(self, sizeof self, "%s", argv0);
	else
		self[n] = '\0';
	script = xasprintf("%s/demo/natter-demo", dir ? dir : PKGDATADIR);
	setenv("NATTER_BIN", self, 1);
	setenv("NATTER_DEMO", "1", 1);
	execl(script, script, self, (char *)NULL);
	fprintf(stderr, "natter: cannot run the demo launcher %s: %s\n",
		script, strerror(errno));
	free(script);
	return 1;
}

static void print_keys(void)
{
	struct keymap km;

	keys_defaults(&km);
	keys_print(&km, stdout);
	keys_clear(&km);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "register", required_argument, NULL, 'r' },
		{ "debug", no_argument, NULL, 'd' },
		{ "demo", no_argument, NULL, 'D' },
		{ "options", no_argument, NULL, 'O' },
		{ "commands-man", no_argument, NULL, 'M' },
		{ "options-man", no_argument, NULL, 'P' },
		{ "keys", no_argument, NULL, 'K' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:a:r:dVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'a': o->account = optarg; break;
		case 'r': o->register_account = optarg; break;
		case 'd': o->debug = 1; break;
		case 'D': exit(run_demo(argv[0]));
		case 'O': conf_print_options(stdout); exit(0);
		case 'M': cmd_print_man(stdout); exit(0);
		case 'P': conf_print_man(stdout); exit(0);
		case 'K': print_keys(); exit(0);
		case 'V': printf("natter %s\n", PACKAGE_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "natter: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Keeps only the account named by -a, which is then connected whatever
 * its autoconnect says. */
static int select_account(struct config *cfg, const char *name)
{
	if (conf_keep_account(cfg, name) < 0) {
		fprintf(stderr, "natter: no account \"%s\" in %s\n", name,
			cfg->path);
		return -1;
	}
	cfg->accounts[0].autoconnect = true;
	return 0;
}

/* --register: the account to create must not log in before it exists;
 * it does once created, when natterrc holds its password. */
static int prepare_register(struct config *cfg, const char *name)
{
	struct account_conf *c = conf_account(cfg, name);

	if (!c) {
		fprintf(stderr, "natter: no account \"%s\" in %s\n", name,
			cfg->path);
		return -1;
	}
	c->autoconnect = false;
	return 0;
}

static int start_log(const struct config *cfg, int debug)
{
	char *path;
	int r;

	if (!debug && !cfg->debug)
		return 0;
	if (cfg->debug_log) {
		path = xstrdup(cfg->debug_log);
	} else {
		char *dir = paths_state_dir();

		paths_mkdir(dir);
		path = xasprintf("%s/debug.log", dir);
		free(dir);
	}
	r = log_open(path);
	if (r < 0)
		fprintf(stderr, "natter: cannot open the debug log %s: %s\n",
			path, strerror(-r));
	free(path);
	return r;
}

static void on_signal(struct loop *l, int sig, void *ud)
{
	struct app *app = ud;

	(void)l;
	if (sig == SIGWINCH)
		ui_resize(app);
	else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
		app->quit = true;
	/* SIGCHLD only wakes us: children are reaped by whoever ran them */
}

static void on_stdin(struct loop *l, int fd, short revents, void *ud)
{
	struct app *app = ud;

	(void)l;
	(void)fd;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		app->quit = true; /* the terminal went away */
		return;
	}
	ui_on_input(app);
	app->typed = true;
}

/* Search index updates (history_flush) and redraws that traffic causes
 * are spaced. After a quiet spell one comes at once, and the next at
 * least BATCH_MS later; while traffic keeps coming (the last two came
 * close together), redraws are DRAW_STREAM_MS apart and index updates
 * COMMIT_STREAM_MS apart. A flood then costs a few of each per second,
 * however many reads it takes. The rows themselves are committed before
 * natter sleeps and before it acknowledges anything (account_commit), so
 * a crash loses nothing natter was told; it only leaves some rows out
 * of the search index, which history_open() feeds them. A key is drawn
 * at once. Once traffic has streamed for DRAW_FLOOD_AFTER_MS, redraws
 * are DRAW_FLOOD_MS apart until it pauses: a screen of lines, all new,
 * every DRAW_STREAM_MS is most of what a long flood costs besides its
 * rows, and nobody reads a flood that fast. */
#define BATCH_MS 20
#define DRAW_STREAM_MS 100
#define DRAW_FLOOD_AFTER_MS 1000
#define DRAW_FLOOD_MS 250
#define COMMIT_STREAM_MS 250
/* The search index is fed once no new rows came for INDEX_QUIET_MS, or
 * when HISTORY_BATCH rows wait: an update costs FTS5 a segment and a
 * step of its merging however few rows it holds, and a flood that
 * trickles in would otherwise pay that every COMMIT_STREAM_MS. */
#define INDEX_QUIET_MS 100

static void flush_history(struct app *app)
{
	size_t i;

	for (i = 0; i < app->naccounts; i++)
		if (app->accounts[i]->history &&
		    history_flush(app->accounts[i]->history) < 0)
			account_history_check(app, app->accounts[i]);
	loop_pace_note(&app->commits, loop_now(app->loop));
}

static void catch_up(struct loop *l, void *ud);

/* Commits and redraws what is due; what is not due yet gets a timer, so
 * the last of a burst is never left waiting for the next event. */
static void settle(struct app *app)
{
	uint64_t now = loop_now(app->loop), wait = 0, w;
	size_t i, unindexed = 0;
	bool pending = false;

	for (i = 0; i < app->naccounts; i++)
		if (app->accounts[i]->history &&
		    history_pending(app->accounts[i]->history)) {
			pending = true;
			unindexed += history_unindexed(app->accounts[i]->history);
		}
	if (unindexed != app->unindexed) {
		app->unindexed = unindexed;
		app->unindexed_at = now;
	}
	if (pending) {
		wait = loop_pace_wait(&app->commits, now);
		w = now - app->unindexed_at;
		if (unindexed > 0 && unindexed < HISTORY_BATCH &&
		    w < INDEX_QUIET_MS && INDEX_QUIET_MS - w > wait)
			wait = INDEX_QUIET_MS - w;
		if (!wait)
			flush_history(app);
	}
	if (app->dirty) {
		/* keys are echoed at once; traffic is drawn when due */
		w = loop_pace_wait(&app->draws, now);
		if (app->typed) {
			ui_draw(app);
			app->draws.last = now;
			app->typed = false;
		} else if (!w) {
			ui_draw(app);
			loop_pace_note(&app->draws, now);
		} else if (!wait || w < wait) {
			wait = w;
		}
	}
	for (i = 0; i < app->naccounts; i++)
		if (app->accounts[i]->history) {
			w = history_checkpoint(app->accounts[i]->history, now);
			if (w && (!wait || w < wait))
				wait = w;
		}
	if (wait && !app->settle_timer)
		app->settle_timer = loop_timer_add(app->loop, wait, catch_up, app);
}

static void catch_up(struct loop *l, void *ud)
{
	struct app *app = ud;

	(void)l;
	app->settle_timer = 0;
	settle(app);
}

static void prepare(struct loop *l, void *ud)
{
	(void)l;
	xs_prepare(ud);
}

/* The burst is over: commit what it brought and show it. What came is
 * committed before natter sleeps (cheap: rows only); the search index
 * and the screen follow at the pace settle() keeps. */
static void idle(struct loop *l, void *ud)
{
	struct app *app = ud;
	size_t i;

	(void)l;
	for (i = 0; i < app->naccounts; i++)
		account_commit(app, app->accounts[i]);
	settle(app);
	xs_prepare(app);
	if (app->trim_due) {
		/* what opening the history and the login read from it is
		 * not needed again soon; its pages are read again if so */
		for (i = 0; i < app->naccounts; i++)
			if (app->accounts[i]->history)
				history_shrink(app->accounts[i]->history);
#ifdef __GLIBC__
		malloc_trim(0);
#endif
		app->trim_due = false;
	}
}

/* Auto-away and chat states go out through the xmpp layer. */
static const struct idle_ops idle_ops = {
	.send_presence = xs_send_presence,
	.send_chat_state = xs_send_chat_state,
	.send_displayed = xs_send_displayed,
};

static void greet(struct app *app)
{
	size_t i;

	app_print(app, LINE_INFO, "natter %s: /help lists the commands",
		  PACKAGE_VERSION);
	if (app->naccounts == 0)
		app_print(app, LINE_WARN,
			  "No accounts configured: add one to %s (see natterrc(5))",
			  app->cfg.path);
	for (i = 0; i < app->naccounts; i++)
		if (app->accounts[i]->conf->autoconnect)
			xs_connect(app, app->accounts[i]);
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	struct options o = { 0 };
	struct config cfg;
	struct app app;
	char *path, *err;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	path = o.config ? xstrdup(o.config) : paths_config_file();
	if (conf_load(path, o.config != NULL, &cfg, &err) < 0) {
		fprintf(stderr, "natter: %s\n", err);
		free(err);
		free(path);
		return 1;
	}
	free(path);
	if ((o.account && select_account(&cfg, o.account) < 0) ||
	    (o.register_account &&
	     prepare_register(&cfg, o.register_account) < 0)) {
		conf_clear(&cfg);
		return 1;
	}
	start_log(&cfg, o.debug);
	signal(SIGPIPE, SIG_IGN);
	app_init(&app, &cfg);
	app.draws = (struct pace){ .batch_ms = BATCH_MS,
				   .stream_ms = DRAW_STREAM_MS,
				   .flood_after_ms = DRAW_FLOOD_AFTER_MS,
				   .flood_ms = DRAW_FLOOD_MS };
	app.commits = (struct pace){ .batch_ms = BATCH_MS,
				     .stream_ms = COMMIT_STREAM_MS };
	paths_mkdir(app.data_dir);
	if (loop_catch_signals(app.loop, sigs, sizeof sigs / sizeof *sigs,
			       on_signal, &app) < 0 ||
	    ui_init(&app) < 0) {
		fprintf(stderr, "natter: needs a terminal on stdin and stdout\n");
		app_free(&app);
		return 1;
	}
	app_open_history(&app);
	if (xs_init(&app) < 0) {
		ui_end(&app);
		app_free(&app);
		fprintf(stderr, "natter: libstrophe could not make a connection "
				"(out of memory?)\n");
		log_close();
		return 1;
	}
	loop_watch(app.loop, STDIN_FILENO, POLLIN, on_stdin, &app);
	loop_set_prepare(app.loop, prepare, &app);
	loop_set_idle(app.loop, idle, &app);
	greet(&app);
	if (o.register_account &&
	    xs_register_account(&app, account_find(&app, o.register_account)) < 0)
		app_print(&app, LINE_ERROR,
			  "%s: cannot start the registration: libstrophe could "
			  "not make a connection", o.register_account);
	idle_init(&app, &idle_ops);
	while (!app.quit)
		if (loop_iterate(app.loop) < 0)
			break;
	flush_history(&app);
	/* the streams may end through the loop (xs_shutdown): keys typed
	 * meanwhile are not commands any more */
	loop_unwatch(app.loop, STDIN_FILENO);
	xs_shutdown(&app);
	ui_end(&app);
	app_free(&app);
	log_close();
	return 0;
}
