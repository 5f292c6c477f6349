/* gateways: service discovery, transports, registration, ad-hoc
 * commands: /disco, /transports, /register, /unregister, /transport,
 * /gateway, /commands, /password. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* The account a gateway command acts for, online; NULL after saying
 * why. */
static struct account *online_account(struct app *app)
{
	struct account *a = cmd_current_account(app);

	if (a && a->state != ACC_ONLINE) {
		app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
			a->conf->name, a->conf->name);
		return NULL;
	}
	return a;
}

/* A service address: a JID without a resource. */
static bool service_ok(struct app *app, const char *jid)
{
	if (!jid_valid(jid) || strchr(jid, '/')) {
		app_say(app, LINE_ERROR, "Not a service address: %s", jid);
		return false;
	}
	return true;
}

/* /disco and /commands: [JID [NODE]] for an online account. Returns 0
 * with *a set, CMD_USAGE, or -1 after saying why. */
static int entity_args(struct app *app, int argc, char **argv,
		       struct account **a)
{
	if (argc > 3)
		return CMD_USAGE;
	if (!(*a = online_account(app)))
		return -1;
	if (argc >= 2 && !jid_valid(argv[1])) {
		app_say(app, LINE_ERROR, "Not an address: %s", argv[1]);
		return -1;
	}
	return 0;
}

static int run_disco(struct app *app, int argc, char **argv)
{
	struct account *a;
	int r = entity_args(app, argc, argv, &a);

	if (r != 0)
		return r;
	xs_disco_open(app, a, argc >= 2 ? argv[1] : a->domain,
		      argc == 3 ? argv[2] : NULL, false);
	return 0;
}

static int run_transports(struct app *app, int argc, char **argv)
{
	struct account *a;

	if (argc > 2)
		return CMD_USAGE;
	if (!(a = online_account(app)))
		return -1;
	if (argc == 2 && !service_ok(app, argv[1]))
		return -1;
	xs_disco_open(app, a, argc == 2 ? argv[1] : a->domain, NULL, true);
	return 0;
}

/* /register GATEWAY and /unregister GATEWAY: one service, one dialog. */
static int with_gateway(struct app *app, int argc, char **argv,
			long (*open)(struct app *, struct account *,
				     const char *))
{
	struct account *a;

	if (argc != 2)
		return CMD_USAGE;
	if (!(a = online_account(app)) || !service_ok(app, argv[1]))
		return -1;
	open(app, a, argv[1]);
	return 0;
}

static int run_register(struct app *app, int argc, char **argv)
{
	return with_gateway(app, argc, argv, xs_register_open);
}

static int run_unregister(struct app *app, int argc, char **argv)
{
	return with_gateway(app, argc, argv, xs_unregister_open);
}

static int run_transport(struct app *app, int argc, char **argv)
{
	struct account *a;
	bool on;

	if (argc != 3)
		return CMD_USAGE;
	if (strcmp(argv[2], "online") == 0 || strcmp(argv[2], "on") == 0)
		on = true;
	else if (strcmp(argv[2], "offline") == 0 || strcmp(argv[2], "off") == 0)
		on = false;
	else
		return CMD_USAGE;
	if (!(a = online_account(app)) || !service_ok(app, argv[1]))
		return -1;
	return xs_transport_presence(app, a, argv[1], on);
}

static int run_gateway(struct app *app, int argc, char **argv)
{
	struct account *a;
	int r;

	if (argc < 3)
		return CMD_USAGE;
	if (!(a = online_account(app)) || !service_ok(app, argv[1]))
		return -1;
	r = xs_gateway_add(app, a, argv[1], argv[2], argc > 3 ? argv[3] : NULL);
	if (r == 0)
		app_say(app, LINE_INFO, "Asking %s for the address of %s…",
			argv[1], argv[2]);
	return r;
}

static int run_commands(struct app *app, int argc, char **argv)
{
	struct account *a;
	int r = entity_args(app, argc, argv, &a);

	if (r != 0)
		return r;
	if (argc == 3)
		xs_command_run(app, a, argv[1], argv[2]);
	else
		xs_commands_open(app, a, argc == 2 ? argv[1] : a->domain);
	return 0;
}

static int run_password(struct app *app, int argc, char **argv)
{
	struct account *a;

	(void)argv;
	if (argc != 1)
		return CMD_USAGE;
	if (!(a = online_account(app)))
		return -1;
	return xs_password(app, a, NULL);
}

const struct cmd cmd_gateways[] = {
	{ "disco", "[JID [NODE]]", "browse a server's services (service discovery)",
	  "  Opens a window listing JID's items (default: your server) with\n"
	  "  their names, identities and what they offer, querying each one\n"
	  "  (\"Scanning 4/12\"); items that did not answer are marked.\n"
	  "  Keys: Up/Down move, Enter browses into an item, r registers with\n"
	  "  it, c lists its commands, u leaves it, Backspace goes back, F5\n"
	  "  scans again, Esc closes.\n"
	  "  Example: /disco conference.example.org",
	  "gateways", ARG_NONE, run_disco, 0 },
	{ "transports", "[SERVER]", "list the gateways to other networks on your server",
	  "  Scans SERVER (default: your own) for gateways (any type: icq, irc,\n"
	  "  telegram, ...) and shows whether you are registered with each and\n"
	  "  its presence. The keys are those of /disco: r registers.",
	  "gateways", ARG_NONE, run_transports, 0 },
	{ "register", "GATEWAY", "register with a gateway, or change your registration",
	  "  Fetches GATEWAY's registration form and shows it as a dialog:\n"
	  "  Tab/Shift-Tab or Up/Down move between fields, type to edit, Space\n"
	  "  toggles and picks, Enter opens a list's choices, Ctrl-S or F10\n"
	  "  submits, Esc cancels. Fields marked * are required. When you are\n"
	  "  registered already, the dialog shows your current details.\n"
	  "  After registering, natter accepts the gateway's subscription and\n"
	  "  subscribes back; it then appears under Transports.\n"
	  "  Example: /register icq.example.org",
	  "gateways", ARG_NONE, run_register, 0 },
	{ "unregister", "GATEWAY", "cancel a gateway registration and remove its contacts",
	  "  Asks for confirmation, then cancels the registration and removes\n"
	  "  GATEWAY and every contact under its domain from your roster.",
	  "gateways", ARG_NONE, run_unregister, 0 },
	{ "transport", "GATEWAY online|offline", "log on to or off a gateway's network",
	  "  Sends your presence to GATEWAY (online) or tells it you left\n"
	  "  (offline); the gateway logs you on or off the legacy network.",
	  "gateways", ARG_NONE, run_transport, 0 },
	{ "gateway", "GATEWAY LEGACY-ID [NAME]", "add a contact of another network by its ID",
	  "  Asks GATEWAY (jabber:iq:gateway) for the address of LEGACY-ID (an\n"
	  "  ICQ number, an e-mail address...), then adds it to your roster as\n"
	  "  NAME and asks to see its presence. When the gateway cannot tell,\n"
	  "  natter says how to write the address by hand.\n"
	  "  Example: /gateway icq.example.org 123456789 Ann",
	  "gateways", ARG_NONE, run_gateway, 3 },
	{ "commands", "[JID [NODE]]", "list or run an entity's ad-hoc commands",
	  "  Lists JID's commands (default: your server) in a window; Enter\n"
	  "  runs one. With NODE, runs that command at once. Each step's form\n"
	  "  is a dialog: Ctrl-S/F10 does the step's default action, F7 goes\n"
	  "  back, F8 goes on, F9 completes, Esc cancels the command.\n"
	  "  Example: /commands example.org",
	  "gateways", ARG_NONE, run_commands, 0 },
	{ "password", "", "change your account's password",
	  "  Opens a dialog asking for the new password twice, and sends it to\n"
	  "  your server. When the server wants more (a form), it is shown.\n"
	  "  Remember to update natterrc afterwards.",
	  "gateways", ARG_NONE, run_password, 0 },
	{ NULL, NULL, NULL, NULL, NULL, ARG_NONE, NULL, 0 },
};
