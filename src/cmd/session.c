/* session: commands that connect, disconnect and trust certificates. */
#include "config.h"

#include "cmd/cmd.h"
#include "core/app.h"
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

const struct cmd cmd_session[] = {
	{ "connect", "[ACCOUNT]", "connect an account (all if none is named)",
	  "  Starts connecting now, resetting the reconnect delay.\n"
	  "  Example: /connect work",
	  "session", ARG_ACCOUNT, run_connect, 0 },
	{ "disconnect", "[ACCOUNT]", "disconnect an account (all if none is named)",
	  "  Closes the stream and stops reconnecting until /connect.",
	  "session", ARG_ACCOUNT, run_disconnect, 0 },
	{ "trust", "[ACCOUNT]", "pin the certificate natter just refused, and reconnect",
	  "  When the server's certificate cannot be verified, natter shows it\n"
	  "  and refuses to connect. Compare the SHA-256 fingerprint with the\n"
	  "  one your server administrator gave you; if they match, /trust pins\n"
	  "  it in $XDG_DATA_HOME/natter/trusted_certs and reconnects.",
	  "session", ARG_ACCOUNT, run_trust, 0 },
	{ 0 }
};
