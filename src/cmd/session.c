/* session: commands that connect, disconnect and trust certificates. */
#include "config.h"

#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "util/jid.h"
#include "xmpp/xs.h"

static int run_connect(struct app *app, int argc, char **argv)
{
	struct account *a;
	size_t i;

	if (argc > 2)
		return CMD_USAGE;
	if (argc == 1 && app->naccounts > 1) {
		for (i = 0; i < app->naccounts; i++) {
			app->accounts[i]->attempt = 0;
			xs_connect(app, app->accounts[i]);
		}
		return 0;
	}
	a = cmd_account_arg(app, argc == 2 ? argv[1] : NULL);
	if (!a)
		return -1;
	if (a->state == ACC_ONLINE || a->state == ACC_CONNECTING) {
		app_say(app, LINE_INFO, "%s: already %s", a->conf->name,
			  a->state == ACC_ONLINE ? "connected" : "connecting");
		return 0;
	}
	a->attempt = 0;
	xs_connect(app, a);
	return 0;
}

static int run_disconnect(struct app *app, int argc, char **argv)
{
	struct account *a;
	size_t i;

	if (argc > 2)
		return CMD_USAGE;
	if (argc == 1 && app->naccounts > 1) {
		for (i = 0; i < app->naccounts; i++)
			xs_disconnect(app, app->accounts[i]);
		return 0;
	}
	a = cmd_account_arg(app, argc == 2 ? argv[1] : NULL);
	if (!a)
		return -1;
	xs_disconnect(app, a);
	return 0;
}

static int run_trust(struct app *app, int argc, char **argv)
{
	struct account *a;

	if (argc == 3 && strcmp(argv[1], "--transfer") == 0)
		return cmd_trust_transfer(app, argv[2]);
	if (argc > 2)
		return CMD_USAGE;
	a = cmd_account_arg(app, argc == 2 ? argv[1] : NULL);
	if (!a)
		return -1;
	if (!a->cert) {
		app_say(app, LINE_ERROR,
			  "%s: no refused certificate to trust", a->conf->name);
		return -1;
	}
	return xs_trust(app, a);
}

static int run_ping(struct app *app, int argc, char **argv)
{
	struct account *a;
	const char *jid;
	int n;

	if (argc > 2)
		return CMD_USAGE;
	if (!(a = cmd_current_account(app)))
		return -1;
	jid = argc == 2 ? argv[1] : a->domain;
	if (!jid || !jid_valid(jid)) {
		app_say(app, LINE_ERROR, "Not an address: %s", jid ? jid : "");
		return -1;
	}
	if ((n = xs_ping(app, a, jid)) < 0) {
		app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
			a->conf->name, a->conf->name);
		return -1;
	}
	app_say(app, LINE_INFO, "Ping %d sent to %s", n, jid);
	return 0;
}

static int run_carbons(struct app *app, int argc, char **argv)
{
	struct account *a;

	if (argc > 2)
		return CMD_USAGE;
	a = cmd_account_arg(app, argc == 2 ? argv[1] : NULL);
	if (!a)
		return -1;
	app_say(app, LINE_INFO, "%s: message carbons %s", a->conf->name,
		xs_carbons_state(app, a));
	return 0;
}

static int run_archive(struct app *app, int argc, char **argv)
{
	static const char *const defaults[] = { "always", "roster", "never" };
	struct account *a;
	size_t i;

	if (argc > 2)
		return CMD_USAGE;
	for (i = 0; argc == 2 && i < sizeof defaults / sizeof *defaults; i++)
		if (strcmp(argv[1], defaults[i]) == 0)
			break;
	if (argc == 2 && i == sizeof defaults / sizeof *defaults)
		return CMD_USAGE;
	if (!(a = cmd_current_account(app)))
		return -1;
	if (xs_archive_prefs(app, a, argc == 2 ? argv[1] : NULL) < 0) {
		app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
			a->conf->name, a->conf->name);
		return -1;
	}
	return 0;
}

const struct cmd cmd_session[] = {
	{ "connect", "[ACCOUNT]", "connect an account (all if none is named)",
	  "  Starts connecting now, resetting the reconnect delay.\n"
	  "  Example: /connect work",
	  "session", ARG_ACCOUNT, run_connect, 0 },
	{ "disconnect", "[ACCOUNT]", "disconnect an account (all if none is named)",
	  "  Closes the stream and stops reconnecting until /connect.",
	  "session", ARG_ACCOUNT, run_disconnect, 0 },
	{ "trust", "[ACCOUNT | --transfer N]", "pin the certificate natter just refused, and reconnect",
	  "  When the server's certificate cannot be verified, natter shows it\n"
	  "  and refuses to connect. Compare the SHA-256 fingerprint with the\n"
	  "  one your server administrator gave you; if they match, /trust pins\n"
	  "  it in $XDG_DATA_HOME/natter/trusted_certs and reconnects.\n"
	  "  --transfer N pins the web server's certificate that download N\n"
	  "  was refused (for that host's https addresses) and downloads it\n"
	  "  again.",
	  "session", ARG_ACCOUNT, run_trust, 0 },
	{ "archive", "[always|roster|never]",
	  "show or set what the server archives (XEP-0313)",
	  "  Without an argument, shows the server's archiving default for\n"
	  "  the current account: always (every message), roster (messages\n"
	  "  with contacts in your roster) or never. With one, sets it; the\n"
	  "  addresses always or never archived stay as they are.\n"
	  "  natter catches up from the archive on connecting (mam option).",
	  "session", ARG_NONE, run_archive, 0 },
	{ "ping", "[JID]", "ping an address and show the round trip (XEP-0199)",
	  "  Sends an XMPP ping to JID (default: your server) and shows how\n"
	  "  many milliseconds the answer took, or why there was none. A\n"
	  "  full JID (with its /resource) pings one client of a contact.\n"
	  "  Pings are numbered, so each answer names the ping it answers.\n"
	  "  Example: /ping bob@example.org/laptop",
	  "session", ARG_CONTACT, run_ping, 0 },
	{ "carbons", "[ACCOUNT]", "show whether message carbons are on (XEP-0280)",
	  "  With carbons on, the server copies to natter what your other\n"
	  "  clients (a phone, say) send and receive, and natter shows it in\n"
	  "  the conversation, marked with that client's name: [phone] in\n"
	  "  front of what you wrote there, [to phone] in front of what came\n"
	  "  to it. natter turns them on at login when the server offers them\n"
	  "  and the account's carbons option is true (the default).",
	  "session", ARG_ACCOUNT, run_carbons, 0 },
	{ 0 }
};
