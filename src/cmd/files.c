/* files: /links, /open, /download, /upload, /sendfile, /transfers and
 * /cancel.
 *
 * A window remembers the addresses in its messages (core/window.h,
 * win_link: 1 is the newest); /links lists them, /open hands one to
 * url_open_cmd (its words, then the address as one more argument: no
 * shell ever sees it) and /download fetches one, or an address typed
 * out, through core/transfer. Nothing here fetches on its own: a link
 * in a stranger's message is text until the user asks for it. /upload
 * (and /sendfile) hands a file to the server's HTTP upload service
 * (xmpp/upload.c) and tells the window's peer its address.
 * /sendfile --p2p offers a file straight to a contact (xmpp/p2p.c); its
 * parsing stays in sendfile_p2p(), beside the HTTP upload's form.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/attention.h"
#include "core/proc.h"
#include "core/transfer.h"
#include "ui/ui.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* The address arg names in the current window: a number (/links), or
 * an address itself; NULL after saying why. */
static const char *link_arg(struct app *app, const char *arg)
{
	struct window *w = app->wins[app->cur_win];
	const char *url;
	char *end;
	unsigned long n;

	if (!arg)
		arg = "1";
	if (strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0)
		return arg;
	n = strtoul(arg, &end, 10);
	if (*end || end == arg) {
		app_say(app, LINE_ERROR, "%s: not a link number (see /links) "
			"or an http(s) address", arg);
		return NULL;
	}
	url = win_link(w, n);
	if (!url) /* as typed: a number too big for n is not ULONG_MAX */
		app_say(app, LINE_ERROR, w->nlinks ?
			"No link %s here: /links lists %zu" :
			"No links in this window (%s)", arg, w->nlinks);
	return url;
}

static int run_links(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];

	(void)argv;
	if (argc > 1)
		return CMD_USAGE;
	if (!w->nlinks) {
		app_say(app, LINE_INFO, "No links in this window");
		return 0;
	}
	app_say(app, LINE_INFO, "Links in this window, the newest first "
		"(/open N, /download N):");
	for (size_t n = 1; n <= w->nlinks; n++)
		app_say(app, LINE_PLAIN, "  %zu  %s", n, win_link(w, n));
	return 0;
}

static int run_open(struct app *app, int argc, char **argv)
{
	const char *url;
	char **words, **av;
	char *err = NULL;
	size_t n = 0;
	int r;

	if (argc > 2)
		return CMD_USAGE;
	if (!app->cfg.url_open_cmd) {
		app_say(app, LINE_ERROR, "Set url_open_cmd in natterrc (e.g. "
			"url_open_cmd = \"xdg-open\") to open links");
		return -1;
	}
	url = link_arg(app, argc == 2 ? argv[1] : NULL);
	if (!url)
		return -1;
	words = attention_words(app->cfg.url_open_cmd, &err);
	if (!words) { /* conf checked it: only if natterrc changed */
		app_say(app, LINE_ERROR, "url_open_cmd: %s", err);
		free(err);
		return -1;
	}
	while (words[n])
		n++;
	av = xcalloc(n + 2, sizeof *av);
	memcpy(av, words, n * sizeof *av);
	av[n] = (char *)url;
	r = proc_launch(app->loop, av);
	free(av);
	attention_words_free(&words);
	if (r < 0) {
		app_say(app, LINE_ERROR, "Cannot run url_open_cmd: %s",
			strerror(-r));
		return -1;
	}
	app_say(app, LINE_INFO, "Opening %s", url);
	return 0;
}

static int run_download(struct app *app, int argc, char **argv)
{
	const char *url;
	char *err = NULL;

	if (argc < 2 || argc > 3)
		return CMD_USAGE;
	url = link_arg(app, argv[1]);
	if (!url)
		return -1;
	if (!transfer_download(app, app->wins[app->cur_win], url,
			       argc == 3 ? argv[2] : NULL, &err)) {
		app_say(app, LINE_ERROR, "Cannot download %s: %s", url, err);
		free(err);
		return -1;
	}
	return 0;
}

static int run_upload(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	int64_t size = 0, max = 0;
	char *err = NULL, a[32], b[32];

	if (argc != 2)
		return CMD_USAGE;
	if ((w->kind != WIN_CHAT && w->kind != WIN_ROOM) || !w->acc) {
		app_say(app, LINE_ERROR, "/%s sends a file to the peer of a "
			"conversation or to a room: use it in that window",
			argv[0]);
		return -1;
	}
	switch (xs_upload(app, w, argv[1], &size, &max, &err)) {
	case XS_UPLOAD_FOUND:
		return 0;
	case XS_UPLOAD_OFFLINE:
		app_say(app, LINE_ERROR, "Not sent: %s is not online "
			"(/connect)", w->acc->conf->name);
		break;
	case XS_UPLOAD_LOOKING:
		app_say(app, LINE_ERROR, "Not sent yet: natter is still "
			"asking the server for its upload service; try again "
			"in a moment");
		break;
	case XS_UPLOAD_NONE:
		app_say(app, LINE_ERROR, "Not sent: the server of %s offers "
			"no HTTP file upload service (XEP-0363)",
			w->acc->conf->name);
		break;
	case XS_UPLOAD_TOO_LARGE:
		transfernotify_size(size, a, sizeof a);
		transfernotify_size(max, b, sizeof b);
		app_say(app, LINE_ERROR, "Not sent: %s is too large (%s); the "
			"upload service takes at most %s", argv[1], a, b);
		break;
	case XS_UPLOAD_CANNOT:
		app_say(app, LINE_ERROR, "Not sent: %s", err);
		free(err);
		break;
	}
	return -1;
}

static int run_transfers(struct app *app, int argc, char **argv)
{
	size_t n = transfer_count(app);

	(void)argv;
	if (argc > 1)
		return CMD_USAGE;
	if (!n) {
		app_say(app, LINE_INFO, "No transfers");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct transfer *t = transfer_at(app, i);
		char *line = transfernotify_line(t);

		app_say(app, t->state == TRANSFER_FAILED ? LINE_ERROR : LINE_PLAIN,
			"%s%s%s", line, t->error ? ": " : "",
			t->error ? t->error : "");
		free(line);
	}
	return 0;
}

static int run_cancel(struct app *app, int argc, char **argv)
{
	unsigned long n;
	char *end;
	int r;

	if (argc != 2)
		return CMD_USAGE;
	n = strtoul(argv[1], &end, 10);
	if (*end || end == argv[1] || n == 0 || n > UINT32_MAX)
		return CMD_USAGE;
	r = transfer_cancel(app, (unsigned)n);
	if (r == -1)
		app_say(app, LINE_ERROR, "No transfer %lu (see /transfers)", n);
	else if (r == -2)
		app_say(app, LINE_ERROR, "Transfer %lu has ended", n);
	return r < 0 ? -1 : 0;
}

/* /sendfile --p2p JID PATH: rest is what follows "--p2p", the JID (or
 * a roster name; a full JID picks the client) and the path as typed. */
static int sendfile_p2p(struct app *app, const char *rest)
{
	struct account *a = cmd_current_account(app);
	const char *sp;
	char *word, *jid, *err = NULL;
	int r;

	rest += strspn(rest, " \t");
	sp = rest + strcspn(rest, " \t");
	if (!a || !*rest || !*sp)
		return a ? CMD_USAGE : -1;
	word = xstrndup(rest, (size_t)(sp - rest));
	sp += strspn(sp, " \t");
	jid = strchr(word, '/') ? xstrdup(word) : cmd_contact_arg(app, a, word);
	free(word);
	if (!jid)
		return -1;
	if (!*sp) {
		free(jid);
		return CMD_USAGE;
	}
	r = xs_sendfile_p2p(app, app->wins[app->cur_win], a, jid, sp, &err);
	if (r < 0) {
		app_say(app, LINE_ERROR, "Cannot send the file: %s", err);
		free(err);
	}
	free(jid);
	return r;
}

static int run_sendfile(struct app *app, int argc, char **argv)
{
	if (argc == 2 && strncmp(argv[1], "--p2p", 5) == 0 &&
	    (argv[1][5] == ' ' || argv[1][5] == '\t'))
		return sendfile_p2p(app, argv[1] + 5);
	return run_upload(app, argc, argv);
}

int cmd_trust_transfer(struct app *app, const char *arg)
{
	unsigned long n;
	char *end, *err = NULL;

	n = strtoul(arg, &end, 10);
	if (*end || end == arg || n == 0 || n > UINT32_MAX)
		return CMD_USAGE;
	if (!transfer_trust(app, (unsigned)n, &err)) {
		app_say(app, LINE_ERROR, "Cannot trust it: %s", err);
		free(err);
		return -1;
	}
	return 0;
}

const struct cmd cmd_files[] = {
	{ "links", "", "list the web addresses in this window's messages",
	  "  Numbered from the newest (1). Nothing is fetched until you ask:\n"
	  "  /open N or /download N.",
	  "files", ARG_NONE, run_links, 0 },
	{ "open", "[N|URL]", "open a link with url_open_cmd",
	  "  Runs url_open_cmd (natterrc) with link N of /links (1, the\n"
	  "  newest, by default) or URL as its last argument. No shell is\n"
	  "  involved, and natter does not wait for the program.",
	  "files", ARG_NONE, run_open, 0 },
	{ "download", "N|URL [PATH]", "fetch a link into a file",
	  "  Fetches link N of /links, or URL, over HTTPS (or HTTP) into\n"
	  "  download_dir (natterrc), or into PATH: a directory, or the file\n"
	  "  to write. A file that exists is never overwritten: the new one\n"
	  "  is saved as \"NAME (1)\" and so on. Files larger than\n"
	  "  max_download are refused. The certificate is checked as the\n"
	  "  account's server's is; one refused is shown, and\n"
	  "  /trust --transfer N pins it and fetches again.",
	  "files", ARG_NONE, run_download, 0 },
	{ "upload", "PATH", "send a file through the server (HTTP upload)",
	  "  In a conversation or a room: puts the file at PATH (the rest of\n"
	  "  the line; Tab completes it) on the server's HTTP file upload\n"
	  "  service (XEP-0363), found by service discovery, and sends its\n"
	  "  web address as a message, with XEP-0066 data, to the peer or\n"
	  "  the room. A file larger than the service takes is refused\n"
	  "  before anything is sent. Progress shows in the window;\n"
	  "  /transfers lists it and /cancel N stops it.",
	  "files", ARG_PATH, run_upload, 1 },
	{ "transfers", "", "list downloads and uploads, running and recent",
	  "  Each with its number (for /cancel), size and state.",
	  "files", ARG_NONE, run_transfers, 0 },
	{ "cancel", "N", "stop transfer N",
	  "  The part written so far is deleted.",
	  "files", ARG_NONE, run_cancel, 0 },
	{ "sendfile", "[--p2p JID] PATH", "send a file",
	  "  /sendfile PATH is /upload PATH. With --p2p, offers the file at\n"
	  "  PATH to JID peer to peer (stream initiation,\n"
	  "  XEP-0096) and sends it once accepted: over a SOCKS5 bytestream\n"
	  "  (XEP-0065: straight to natter, or through the server's proxy)\n"
	  "  or in band (XEP-0047), as the receiver chooses. JID is a\n"
	  "  contact (its most available client is picked) or a full JID.\n"
	  "  A client that lists Jingle File Transfer (XEP-0234) gets the\n"
	  "  offer that way, with the file's SHA-256: over SOCKS5\n"
	  "  (XEP-0260: direct, or through either server's proxy; not\n"
	  "  direct with p2p_direct = false) when it lists that, with\n"
	  "  in band (XEP-0261) as the fallback, else in band.\n"
	  "  The transfer shows in /transfers; /cancel N stops it.",
	  "files", ARG_PATH, run_sendfile, 1 },
	{ 0 },
};
