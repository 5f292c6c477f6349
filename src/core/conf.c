/* conf: natterrc parsing and checking with libconfuse (see conf.h).
 *
 * conf_options[] below describes every option once; everything else here
 * walks it: the libconfuse schema (scope_schema), the checks of ranges,
 * choices and strings (validate_option), the copy into the structs
 * (copy_out), the defaults without a file, the freeing, and the lists
 * printed by --options and --options-man.
 *
 * Errors from libconfuse come through errfunc(), which prefixes the file
 * and line so a user sees "natterrc:12: ..." rather than a bare complaint.
 * Checks that need the whole file (a password in a file others can read
 * or change, password_eval in a file others can change or that is not
 * ours) run after the parse, on what fstat said of the file we read.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/attention.h"
#include "core/conf.h"
#include "core/proxy.h"
#include "core/pep.h"
#include "util/confuse.h"
#include "util/jid.h"
#include "util/troff.h"
#include "util/xmem.h"

static const char *const tls_names[] = { "required", "direct", "trust",
					  "disable", NULL };
static const char *const strangers_names[] = { "window", "open", "drop",
						NULL };
static const char *const courtesy_names[] = { "roster", "all", "none", NULL };
static const char *const gateway_names[] = { "ask", "accept", NULL };
static const char *const side_names[] = { "left", "right", NULL };
static const char *const image_protocol_names[] = { "symbols", "sixel",
							  "kitty", NULL };
static const char *const auth_names[] = { "sasl", "legacy", "auto", NULL };
static const char *const nick_colour_names[] = { "xep0392", "redgreen",
						  "blue", "none", NULL };
static const char *const transport_names[] = { "auto", "tcp", "bosh",
						"websocket", NULL };

const char *conf_transport_name(enum transport_mode m)
{
	return transport_names[m];
}

const char *conf_tls_name(enum tls_mode m)
{
	return tls_names[m];
}

const char *conf_strangers_name(enum strangers_mode m)
{
	return strangers_names[m];
}

const char *conf_courtesy_name(enum courtesy c)
{
	return courtesy_names[c];
}

static char *check_jid(const char *v)
{
	struct jid j;

	if (jid_parse(v, &j) < 0 || !j.local) {
		if (j.domain)
			jid_clear(&j);
		return xasprintf("jid \"%s\" is not of the form user@domain", v);
	}
	jid_clear(&j);
	return NULL;
}

/* The timestamp is drawn from a fixed buffer: the format must produce
 * something, and something short. */
static char *check_time_format(const char *v)
{
	char buf[TIME_FORMAT_MAX];
	/* every day of 2024 (a leap year) at midnight and noon meets every
	 * month and weekday name and both halves of the day */
	time_t t = 1704067200;
	struct tm tm;
	int i;

	for (i = 0; i < 366 * 2; i++, t += 12 * 3600) {
		gmtime_r(&t, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* the user's format, being checked */
		if (strftime(buf, sizeof buf, v, &tm) == 0)
			break;
#pragma GCC diagnostic pop
	}
	if (i < 366 * 2)
		return xasprintf("time_format \"%s\" gives an empty or over-long time (at most %d bytes)",
				 v, TIME_FORMAT_MAX - 1);
	return NULL;
}

/* A command natter runs (notify_cmd, url_open_cmd) must split into
 * words (see core/attention.h). */
static char *words_problem(const char *name, const char *v)
{
	char *err = NULL;
	char **argv = attention_words(v, &err);

	if (!argv) {
		char *msg = xasprintf("%s \"%s\": %s", name, v, err);

		free(err);
		return msg;
	}
	attention_words_free(&argv);
	return NULL;
}

static char *check_notify_cmd(const char *v)
{
	return words_problem("notify_cmd", v);
}

static char *check_open_cmd(const char *v)
{
	return words_problem("url_open_cmd", v);
}

/* bosh_url and websocket_url: HTTPS only (the carrier is what
 * protects the stream, see natterrc(5)). */
static char *check_web_url(const char *opt, const char *v,
			   const char *scheme)
{
	size_t n = strlen(scheme);

	if (strncasecmp(v, scheme, n) == 0 && v[n] && v[n] != '/')
		return NULL;
	return xasprintf("%s: \"%s\" is not a %s address", opt, v, scheme);
}

static char *check_bosh_url(const char *v)
{
	return check_web_url("bosh_url", v, "https://");
}

static char *check_websocket_url(const char *v)
{
	return check_web_url("websocket_url", v, "wss://");
}

static char *check_proxy(const char *v)
{
	struct proxy p;
	char *why, *msg;

	if (proxy_parse(v, &p, &why) == 0) {
		proxy_clear(&p);
		return NULL;
	}
	msg = xasprintf("proxy: %s", why);
	free(why);
	return msg;
}

static char *check_sound_cmd(const char *v)
{
	return words_problem("sound_cmd", v);
}

static char *check_play_cmd(const char *v)
{
	return words_problem("play_cmd", v);
}

static char *check_pep_notify(const char *v)
{
	unsigned m;
	char *bad, *msg;

	if (pep_mask_parse(v, &m, &bad) == 0)
		return NULL;
	msg = xasprintf("pep_notify \"%s\": \"%s\" is not one of tune, mood, "
			"activity, nick, all, none", v, bad);
	free(bad);
	return msg;
}

/* The field an option lands in: its scope names the struct, and the
 * field's declared type says how it is stored (an enum is an unsigned
 * int to _Generic; a field of another type does not compile). */
#define FIELD_KIND(lv)                                                      \
	_Generic((lv), bool: CONF_FIELD_BOOL, int: CONF_FIELD_INT,         \
		 unsigned int: CONF_FIELD_INT, char *: CONF_FIELD_STR,      \
		 char **: CONF_FIELD_LIST)
#define GLOBAL_FIELD(m)                                                     \
	.scope = CONF_GLOBAL, .offset = offsetof(struct config, m),         \
	.field = FIELD_KIND(((struct config *)0)->m)
#define ACCOUNT_FIELD(m)                                                    \
	.scope = CONF_ACCOUNT, .offset = offsetof(struct account_conf, m),  \
	.field = FIELD_KIND(((struct account_conf *)0)->m)

/* Every option, account options first, each group in the order
 * natterrc(5) describes them. A choice lands in an enum as its index, or
 * in a bool when there are two (true for the second). */
const struct conf_option conf_options[] = {
	{ .name = "jid", ACCOUNT_FIELD(jid), .type = CONF_STRING,
	  .flags = CONF_REQUIRED, .check = check_jid,
	  .help = "your address, user@domain" },
	{ .name = "password", ACCOUNT_FIELD(password), .type = CONF_STRING,
	  .flags = CONF_SECRET,
	  .help = "the password (the file must then be mode 0600)" },
	{ .name = "password_eval", ACCOUNT_FIELD(password_eval),
	  .type = CONF_STRING,
	  .help = "shell command whose first output line is the password (the "
		  "file must then be yours and writable by you alone)" },
	{ .name = "server", ACCOUNT_FIELD(server), .type = CONF_STRING,
	  .unset = "the JID's domain", .help = "host to connect to" },
	{ .name = "port", ACCOUNT_FIELD(port), .type = CONF_INT, .def = 0,
	  .min = 0, .max = 65535, .zero = "the usual port",
	  .help = "port to connect to; the usual port is 5222, or 5223 with "
		  "tls = \"direct\"" },
	{ .name = "resource", ACCOUNT_FIELD(resource), .type = CONF_STRING,
	  .def_str = "natter", .help = "resource to bind" },
	{ .name = "nick", ACCOUNT_FIELD(nick), .type = CONF_STRING,
	  .unset = "the JID's local part",
	  .help = "your nickname in group chat rooms (/join without a nick)" },
	{ .name = "priority", ACCOUNT_FIELD(priority), .type = CONF_INT,
	  .def = 0, .min = -128, .max = 127, .help = "presence priority" },
	{ .name = "tls", ACCOUNT_FIELD(tls), .type = CONF_CHOICE,
	  .flags = CONF_ONE_OF, .choices = tls_names, .def_str = "required",
	  .help = "how the connection is protected: required (STARTTLS, "
		  "verified or pinned) | direct (XEP-0368) | trust (encrypt, "
		  "no check) | disable" },
	{ .name = "autoconnect", ACCOUNT_FIELD(autoconnect), .type = CONF_BOOL,
	  .def = true, .help = "connect at start" },
	{ .name = "gateway_contacts", ACCOUNT_FIELD(gateway_accept),
	  .type = CONF_CHOICE, .choices = gateway_names, .def_str = "ask",
	  .help = "contacts a registered gateway introduces: ask (once per "
		  "batch) | accept" },
	{ .name = "strangers", ACCOUNT_FIELD(strangers), .type = CONF_CHOICE,
	  .choices = strangers_names, .def_str = "window",
	  .help = "messages from JIDs not in the roster: window (one "
		  "\"strangers\" window; /query JID opens one) | open (a window "
		  "each) | drop" },
	{ .name = "strangers_rate", ACCOUNT_FIELD(strangers_rate),
	  .type = CONF_INT, .def = STRANGERS_RATE_DEFAULT, .min = 1,
	  .max = 100000, .unit = "messages a minute",
	  .help = "stranger messages kept a minute per domain; more are "
		  "dropped with one notice" },
	{ .name = "courtesy", ACCOUNT_FIELD(courtesy), .type = CONF_CHOICE,
	  .choices = courtesy_names, .def_str = "roster",
	  .help = "who gets version and time answers: roster (your contacts "
		  "and your server) | all | none" },
	{ .name = "carbons", ACCOUNT_FIELD(carbons), .type = CONF_BOOL,
	  .def = true,
	  .help = "ask the server for copies of what your other clients send "
		  "and receive (XEP-0280 message carbons), shown in the "
		  "conversations here marked with the other device" },
	{ .name = "mam", ACCOUNT_FIELD(mam), .type = CONF_BOOL, .def = true,
	  .help = "catch up from the server's message archive (XEP-0313) on "
		  "connecting: what came while natter was not running, and "
		  "what you wrote elsewhere; scrolling back past the oldest "
		  "stored line asks it too" },
	{ .name = "proxy", ACCOUNT_FIELD(proxy), .type = CONF_STRING,
	  .flags = CONF_SECRET, .check = check_proxy,
	  .unset = "ALL_PROXY and NO_PROXY from the environment",
	  .help = "proxy for this account's connection and its HTTP "
		  "downloads and uploads: \"socks5://[user:pass@]host:port\" "
		  "(the proxy resolves the server's name, so Tor works), "
		  "\"http://[user:pass@]host:port\" (HTTP CONNECT) or "
		  "\"none\"; TLS stays end to end with the server" },
	{ .name = "transport", ACCOUNT_FIELD(transport), .type = CONF_CHOICE,
	  .flags = CONF_ONE_OF, .choices = transport_names, .def_str = "auto",
	  .help = "how the stream reaches the server: auto (the endpoint "
		  "that worked last time, then SRV records: direct TLS, then "
		  "STARTTLS, then the domain on 5222, then what the domain "
		  "publishes in its host-meta (XEP-0156)) | tcp (the same "
		  "without host-meta and without remembering) | bosh (HTTP "
		  "binding over HTTPS, bosh_url) | websocket (WebSocket over "
		  "TLS, websocket_url)" },
	{ .name = "bosh_url", ACCOUNT_FIELD(bosh_url), .type = CONF_STRING,
	  .check = check_bosh_url, .unset = "none",
	  .help = "the server's HTTP binding (BOSH) endpoint, "
		  "\"https://host[:port]/path\", for transport = \"bosh\"" },
	{ .name = "websocket_url", ACCOUNT_FIELD(websocket_url),
	  .type = CONF_STRING, .check = check_websocket_url, .unset = "none",
	  .help = "the server's XMPP WebSocket endpoint, "
		  "\"wss://host[:port]/path\", for transport = "
		  "\"websocket\"" },
	{ .name = "auth", ACCOUNT_FIELD(auth), .type = CONF_CHOICE,
	  .choices = auth_names, .def_str = "auto",
	  .help = "how to log in: sasl | legacy (the old jabber:iq:auth "
		  "login, XEP-0078: a digest of the password when the server "
		  "takes one, else the password; only over an encrypted "
		  "connection) | auto (SASL; legacy only when the server "
		  "offers no SASL mechanism natter can use and the connection "
		  "is encrypted)" },

	{ .name = "debug", GLOBAL_FIELD(debug), .type = CONF_BOOL,
	  .def = false, .help = "write the debug log" },
	{ .name = "debug_log", GLOBAL_FIELD(debug_log), .type = CONF_STRING,
	  .unset = "$XDG_STATE_HOME/natter/debug.log",
	  .help = "debug log path" },
	{ .name = "time_format", GLOBAL_FIELD(time_format),
	  .type = CONF_STRING, .def_str = "%H:%M", .check = check_time_format,
	  .help = "strftime format of timestamps" },
	{ .name = "reconnect_max", GLOBAL_FIELD(reconnect_max),
	  .type = CONF_INT, .def = 300, .min = 1, .max = 86400,
	  .unit = "seconds",
	  .help = "longest wait between reconnect attempts" },
	{ .name = "keepalive", GLOBAL_FIELD(keepalive), .type = CONF_INT,
	  .def = 60, .min = 0, .max = 3600, .unit = "seconds", .zero = "off",
	  .help = "seconds between pings to the server that notice a dead "
		  "connection" },
	{ .name = "keepalive_timeout", GLOBAL_FIELD(keepalive_timeout),
	  .type = CONF_INT, .def = 30, .min = 1, .max = 600,
	  .unit = "seconds",
	  .help = "seconds a keepalive ping may wait for its answer before "
		  "reconnecting" },
	{ .name = "room_ping", GLOBAL_FIELD(room_ping), .type = CONF_INT,
	  .def = ROOM_PING_DEFAULT, .min = 0, .max = 86400,
	  .unit = "seconds", .zero = "off",
	  .help = "seconds a joined room may stay silent before natter checks "
		  "it is still in (XEP-0410 self-ping) and joins again if not" },
	{ .name = "password_eval_timeout",
	  GLOBAL_FIELD(password_eval_timeout), .type = CONF_INT, .def = 30,
	  .min = 1, .max = 600, .unit = "seconds",
	  .help = "seconds password_eval may run before it is stopped" },
	{ .name = "chat_states", GLOBAL_FIELD(chat_states), .type = CONF_BOOL,
	  .def = true,
	  .help = "tell contacts when you are typing (XEP-0085)" },
	{ .name = "send_markers", GLOBAL_FIELD(send_markers),
	  .type = CONF_BOOL, .def = true,
	  .help = "tell contacts and rooms which of their messages you have "
		  "seen (XEP-0333 displayed markers), when they ask for it" },
	{ .name = "correct_on_up", GLOBAL_FIELD(correct_on_up),
	  .type = CONF_BOOL, .def = false,
	  .help = "Up in an empty input line brings back your last message "
		  "in the window to correct (XEP-0308); Enter sends the "
		  "correction, Esc leaves it" },
	{ .name = "roster_width", GLOBAL_FIELD(roster_width), .type = CONF_INT,
	  .def = 24, .min = 10, .max = 80, .unit = "columns",
	  .help = "width of the roster pane" },
	{ .name = "roster_visible", GLOBAL_FIELD(roster_visible),
	  .type = CONF_BOOL, .def = true,
	  .help = "show the roster pane at start" },
	{ .name = "roster_side", GLOBAL_FIELD(roster_right),
	  .type = CONF_CHOICE, .choices = side_names, .def_str = "left",
	  .help = "where the roster pane goes: left or right of the chat" },
	{ .name = "nick_colours", GLOBAL_FIELD(nick_colours),
	  .type = CONF_CHOICE, .choices = nick_colour_names,
	  .def_str = "xep0392",
	  .help = "colours of nicks in rooms, the same for a nick everywhere: "
		  "xep0392 (XEP-0392 consistent colours) | redgreen or blue "
		  "(XEP-0392 corrected for red/green or blue colour "
		  "blindness) | none (the theme's nick colours)" },
	{ .name = "autoaway", GLOBAL_FIELD(autoaway), .type = CONF_INT,
	  .def = 15, .min = 0, .max = 24 * 60, .unit = "minutes",
	  .zero = "never",
	  .help = "minutes without a key press before you are shown away" },
	{ .name = "autoaway_message", GLOBAL_FIELD(autoaway_message),
	  .type = CONF_STRING, .def_str = "idle",
	  .help = "status message while auto-away" },
	{ .name = "theme", GLOBAL_FIELD(theme), .type = CONF_STRING,
	  .unset = "the built-in theme",
	  .help = "colour theme: NAME.theme from $XDG_CONFIG_HOME/natter/themes "
		  "or the installed themes" },
	{ .name = "highlight", GLOBAL_FIELD(highlights), .type = CONF_LIST,
	  .count_offset = offsetof(struct config, nhighlights),
	  .help = "words or phrases that make a room line a highlight, as your "
		  "nick there does: whole words, in any case, e.g. "
		  "{\"natter\", \"release day\"}" },
	{ .name = "bell", GLOBAL_FIELD(bell), .type = CONF_BOOL, .def = true,
	  .help = "ring the terminal bell for a private message or a "
		  "highlight in a window other than the one shown" },
	{ .name = "title", GLOBAL_FIELD(title), .type = CONF_BOOL,
	  .def = false,
	  .help = "show the count of unread private messages and highlights "
		  "in the terminal's title (the old title comes back at exit)" },
	{ .name = "notify_cmd", GLOBAL_FIELD(notify_cmd), .type = CONF_STRING,
	  .unset = "none", .check = check_notify_cmd,
	  .help = "program run for each private message or highlight that "
		  "rings: split into words as a shell would (quotes, "
		  "backslashes) but never run by one; the message comes in "
		  "NATTER_KIND, NATTER_FROM, NATTER_WINDOW, NATTER_TEXT, "
		  "NATTER_JID and NATTER_ACCOUNT" },
	{ .name = "url_open_cmd", GLOBAL_FIELD(url_open_cmd),
	  .type = CONF_STRING, .unset = "none", .check = check_open_cmd,
	  .help = "program /open runs with a link as its last argument, "
		  "e.g. \"xdg-open\": split into words as a shell would but "
		  "never run by one" },
	{ .name = "download_dir", GLOBAL_FIELD(download_dir),
	  .type = CONF_STRING,
	  .unset = "$XDG_DOWNLOAD_DIR, else ~/Downloads/natter",
	  .help = "where /download saves files (\"~/\" is your home)" },
	{ .name = "max_download", GLOBAL_FIELD(max_download), .type = CONF_INT,
	  .def = 100, .min = 0, .max = 1024 * 1024, .unit = "MiB",
	  .zero = "no limit",
	  .help = "largest file /download fetches; a larger one is refused" },
	{ .name = "sound_cmd", GLOBAL_FIELD(sound_cmd), .type = CONF_STRING,
	  .unset = "none", .check = check_sound_cmd,
	  .help = "program that plays an event's sound, given the sound file "
		  "as its last argument, e.g. \"paplay\": split into words as "
		  "a shell would but never run by one; a buzz runs it even "
		  "without a sound_buzz file" },
	{ .name = "sound_message", GLOBAL_FIELD(sound_message),
	  .type = CONF_STRING, .unset = "silent",
	  .help = "sound file for a message in a conversation not shown" },
	{ .name = "sound_private", GLOBAL_FIELD(sound_private),
	  .type = CONF_STRING, .unset = "silent",
	  .help = "sound file for a private message from a room's occupant" },
	{ .name = "sound_highlight", GLOBAL_FIELD(sound_highlight),
	  .type = CONF_STRING, .unset = "silent",
	  .help = "sound file for a room line naming you (highlight)" },
	{ .name = "sound_subscribe", GLOBAL_FIELD(sound_subscribe),
	  .type = CONF_STRING, .unset = "silent",
	  .help = "sound file for a subscription request" },
	{ .name = "sound_file", GLOBAL_FIELD(sound_file), .type = CONF_STRING,
	  .unset = "silent", .help = "sound file for a file offered to you" },
	{ .name = "sound_call", GLOBAL_FIELD(sound_call), .type = CONF_STRING,
	  .unset = "silent", .help = "sound file for an incoming call" },
	{ .name = "sound_buzz", GLOBAL_FIELD(sound_buzz), .type = CONF_STRING,
	  .unset = "sound_cmd alone",
	  .help = "sound file for a contact's buzz (/buzz)" },
	{ .name = "play_cmd", GLOBAL_FIELD(play_cmd), .type = CONF_STRING,
	  .unset = "none", .check = check_play_cmd,
	  .help = "program /play runs with an audio file as its last "
		  "argument, e.g. \"mpv --no-video\": split into words as a "
		  "shell would but never run by one" },
	{ .name = "image_protocol", GLOBAL_FIELD(image_protocol),
	  .type = CONF_CHOICE, .choices = image_protocol_names,
	  .def_str = "symbols",
	  .help = "how /view and /avatar draw pictures: symbols (Unicode "
		  "blocks in colour: every terminal, over SSH, inside tmux) | "
		  "sixel | kitty (the kitty graphics protocol); the last two "
		  "only for a terminal that speaks them" },
	{ .name = "file_offers_from_strangers",
	  GLOBAL_FIELD(file_offers_from_strangers), .type = CONF_BOOL,
	  .def = false,
	  .help = "show files offered peer to peer by people outside your "
		  "roster (else they are refused unseen)" },
	{ .name = "p2p_direct", GLOBAL_FIELD(p2p_direct), .type = CONF_BOOL,
	  .def = true,
	  .help = "files peer to peer over SOCKS5 may go over a direct "
		  "connection between the two clients; false offers and "
		  "tries none (your address is not told): only the "
		  "server's proxy, else in band" },
	{ .name = "bind", GLOBAL_FIELD(binds), .type = CONF_LIST,
	  .count_offset = offsetof(struct config, nbinds),
	  .help = "\"KEY ACTION\" key bindings, e.g. {\"M-r roster-toggle\"} "
		  "(natter --keys)" },
	{ .name = "pep_notify", GLOBAL_FIELD(pep_notify), .type = CONF_STRING,
	  .def_str = "tune,mood,activity,nick", .check = check_pep_notify,
	  .help = "what contacts publish that natter asks to be sent "
		  "(XEP-0163 +notify): tune, mood, activity and/or nick, "
		  "separated by commas, or none; shown in /info and the "
		  "conversation's title" },
	{ .name = "feed_items", GLOBAL_FIELD(feed_items), .type = CONF_INT,
	  .def = 20, .min = 0, .max = 200, .unit = "items",
	  .zero = "none",
	  .help = "how many of a feed's latest items /feed fetches when it "
		  "opens the feed's window" },
	{ .name = "dns_server", GLOBAL_FIELD(dns_server), .type = CONF_STRING,
	  .unset = "the system's resolvers",
	  .help = "\"HOST:PORT\" of the DNS server(s) to ask, comma-separated "
		  "(an IPv6 address in brackets); /etc/hosts is then not read" },
};

const size_t conf_noptions = sizeof conf_options / sizeof *conf_options;

static const struct conf_option *option_named(const char *name)
{
	size_t i;

	for (i = 0; i < conf_noptions; i++)
		if (strcmp(conf_options[i].name, name) == 0)
			return &conf_options[i];
	return NULL;
}

/* The index of s in names (NULL-terminated), or -1. */
static int choice_of(const char *s, const char *const *names)
{
	int i;

	for (i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* "a, b or c", or with CONF_ONE_OF "one of a, b, c"; the caller frees
 * it. */
static char *choice_list(const struct conf_option *o)
{
	bool one_of = o->flags & CONF_ONE_OF;
	char *list = xstrdup(one_of ? "one of " : "");
	size_t i;

	for (i = 0; o->choices[i]; i++) {
		const char *sep = ", ";
		char *t;

		if (i == 0)
			sep = "";
		else if (!one_of && !o->choices[i + 1])
			sep = " or ";
		t = xasprintf("%s%s%s", list, sep, o->choices[i]);
		free(list);
		list = t;
	}
	return list;
}

/* What an integer's range says after "between MIN and MAX": the unit and
 * what 0 means; the caller frees it. */
static char *range_note(const struct conf_option *o)
{
	return xasprintf("%s%s%s%s%s", o->unit ? " " : "",
			 o->unit ? o->unit : "", o->zero ? " (0: " : "",
			 o->zero ? o->zero : "", o->zero ? ")" : "");
}

/* What is wrong with the value just set for o, or NULL; the caller frees
 * it. */
static char *option_problem(const struct conf_option *o, cfg_opt_t *opt)
{
	unsigned last = cfg_opt_size(opt) - 1;
	const char *v;
	char *list, *note, *msg;
	long n;

	switch (o->type) {
	case CONF_INT:
		n = cfg_opt_getnint(opt, last);
		if (n >= o->min && n <= o->max)
			return NULL;
		note = range_note(o);
		msg = xasprintf("%s must be between %ld and %ld%s (got %ld)",
				o->name, o->min, o->max, note, n);
		free(note);
		return msg;
	case CONF_CHOICE:
		v = cfg_opt_getnstr(opt, last);
		if (choice_of(v, o->choices) >= 0)
			return NULL;
		list = choice_list(o);
		msg = xasprintf("%s must be %s (got \"%s\")", o->name, list, v);
		free(list);
		return msg;
	case CONF_STRING:
		return o->check ? o->check(cfg_opt_getnstr(opt, last)) : NULL;
	default:
		return NULL;
	}
}

static int validate_option(cfg_t *cfg, cfg_opt_t *opt)
{
	const struct conf_option *o = option_named(cfg_opt_name(opt));
	char *msg = o ? option_problem(o, opt) : NULL;

	if (!msg)
		return 0;
	cfg_error(cfg, "%s", msg);
	free(msg);
	return -1;
}

static int validate_account(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	size_t i;

	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		if (o->scope == CONF_ACCOUNT && (o->flags & CONF_REQUIRED) &&
		    !cfg_getstr(sec, o->name)) {
			cfg_error(cfg, "account \"%s\" has no %s",
				  cfg_title(sec), o->name);
			return -1;
		}
	}
	if (cfg_getstr(sec, "password") && cfg_getstr(sec, "password_eval")) {
		cfg_error(cfg,
			  "account \"%s\": set password or password_eval, not both",
			  cfg_title(sec));
		return -1;
	}
	return 0;
}

/* The type as --options shows it, e.g. "integer 0..65535 (0: the usual
 * port)"; the caller frees it. */
static char *type_text(const struct conf_option *o)
{
	char *t, *s;
	size_t i;

	switch (o->type) {
	case CONF_BOOL:
		return xstrdup("boolean");
	case CONF_INT:
		t = range_note(o);
		s = xasprintf("integer %ld..%ld%s", o->min, o->max, t);
		free(t);
		return s;
	case CONF_CHOICE:
		s = xstrdup("");
		for (i = 0; o->choices[i]; i++) {
			t = xasprintf("%s%s%s", s, i ? "|" : "", o->choices[i]);
			free(s);
			s = t;
		}
		return s;
	case CONF_LIST:
		return xstrdup("list of strings");
	default:
		return xstrdup("string");
	}
}

/* The type as natterrc(5) names it in an option's heading. */
static const char *type_word(const struct conf_option *o)
{
	switch (o->type) {
	case CONF_BOOL: return "boolean";
	case CONF_INT: return "integer";
	case CONF_LIST: return "list of strings";
	default: return "string";
	}
}

/* "default 24", "default \"idle\"", "default: the built-in theme",
 * "required" or "no default"; the caller frees it. */
static char *default_text(const struct conf_option *o)
{
	if (o->flags & CONF_REQUIRED)
		return xstrdup("required");
	switch (o->type) {
	case CONF_BOOL:
		return xstrdup(o->def ? "default true" : "default false");
	case CONF_INT:
		return xasprintf("default %ld", o->def);
	default:
		if (o->def_str)
			return xasprintf("default \"%s\"", o->def_str);
		if (o->unset)
			return xasprintf("default: %s", o->unset);
		return xstrdup("no default");
	}
}

void conf_print_options(FILE *f)
{
	size_t i;

	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		char *type = type_text(o), *def = default_text(o);

		fprintf(f, "%-22s %-7s %s, %s\n%-22s %s\n", o->name,
			o->scope == CONF_ACCOUNT ? "account" : "global", type,
			def, "", o->help);
		free(type);
		free(def);
	}
}

static void man_scope(FILE *f, enum conf_scope scope)
{
	size_t i;

	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		char *def, *s;

		if (o->scope != scope)
			continue;
		def = default_text(o);
		fputs(".TP\n.BR ", f);
		troff_text(f, o->name);
		fprintf(f, " \" (%s, ", type_word(o));
		troff_arg(f, def);
		fputs(")\"\n", f);
		/* the help as a sentence */
		s = xasprintf("%c%s.\n", toupper((unsigned char)*o->help),
			      o->help + 1);
		troff_text(f, s);
		free(s);
		if (o->type == CONF_INT) {
			char *note = range_note(o);

			s = xasprintf("From %ld to %ld%s.\n", o->min, o->max,
				      note);
			troff_text(f, s);
			free(s);
			free(note);
		} else if (o->type == CONF_CHOICE) {
			size_t j;

			fputs("One of", f);
			for (j = 0; o->choices[j]; j++) {
				fputs(j ? ", " : ": ", f);
				troff_text(f, o->choices[j]);
			}
			fputs(".\n", f);
		}
		free(def);
	}
}

void conf_print_man(FILE *f)
{
	fputs(".SS \"Account options\"\n", f);
	man_scope(f, CONF_ACCOUNT);
	fputs(".SS \"Global options\"\n", f);
	man_scope(f, CONF_GLOBAL);
}

/* libconfuse reports errors through a callback without user data; these
 * hold the file being parsed and the first error, for one parse at a
 * time. */
static const char *error_path;
static char *error_buf;

static void errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	char *msg;

	if (error_buf)
		return; /* keep the first error: later ones are fallout */
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	if (cfg && cfg->line)
		error_buf = xasprintf("%s:%d: %s", error_path, cfg->line, msg);
	else
		error_buf = xasprintf("%s: %s", error_path, msg);
	free(msg);
}

/* Blanks out comments (keeping newlines, so line numbers stay right) and
 * checks that braces balance; libconfuse 3.3 does neither reliably: it
 * miscounts lines after '#' comments and accepts a section left open at
 * the end of the file. Returns 0, or the line of an unclosed '{' (or of
 * a stray '}') as a negative number. */
static int prescan(char *t)
{
	int line = 1, depth = 0, open_line[64] = { 0 };

	for (; *t; t++) {
		if (*t == '\n') {
			line++;
		} else if (*t == '"' || *t == '\'') {
			char q = *t;

			for (t++; *t && *t != q; t++) {
				if (*t == '\\' && q == '"' && t[1])
					t++;
				if (*t == '\n')
					line++;
			}
			if (!*t)
				return -line;
		} else if (*t == '#' || (*t == '/' && t[1] == '/')) {
			while (*t && *t != '\n')
				*t++ = ' ';
			t--;
		} else if (*t == '/' && t[1] == '*') {
			for (; *t && !(*t == '*' && t[1] == '/'); t++)
				if (*t != '\n')
					*t = ' ';
				else
					line++;
			if (!*t)
				return -line;
			t[0] = t[1] = ' ';
			t++;
		} else if (*t == '{') {
			if (depth < 64)
				open_line[depth] = line;
			depth++;
		} else if (*t == '}') {
			if (--depth < 0)
				return -line;
		}
	}
	if (depth > 0)
		return -open_line[depth - 1 < 64 ? depth - 1 : 63];
	return 0;
}

/* Reads the whole file, filling *st from the file it opened (not from
 * the path, which could change in between); returns it (the caller
 * frees it) or NULL with errno set. */
static char *slurp(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
	    !(f = fdopen(fd, "r"))) {
		/* a directory or a FIFO is no natterrc */
		int e = fstat(fd, st) == 0 && !S_ISREG(st->st_mode) ? EINVAL :
								      errno;

		close(fd);
		errno = e;
		return NULL;
	}
	do {
		xgrow((void **)&buf, &cap, len + 4096, 1);
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* libconfuse's description of one scope's options, made from the table
 * (account first, as a section, among the global ones). The caller frees
 * it, after cfg_free(). */
static cfg_opt_t *scope_schema(enum conf_scope scope, cfg_opt_t *account)
{
	cfg_opt_t *opts = xcalloc(conf_noptions + 2, sizeof *opts);
	size_t i, n = 0;

	if (account)
		opts[n++] = (cfg_opt_t)CFG_SEC("account", account,
					       CFGF_MULTI | CFGF_TITLE |
						       CFGF_NO_TITLE_DUPES);
	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		int flags = o->def_str ? CFGF_NONE : CFGF_NODEFAULT;

		if (o->scope != scope)
			continue;
		switch (o->type) {
		case CONF_BOOL:
			opts[n++] = (cfg_opt_t)CFG_BOOL(
				o->name, o->def ? cfg_true : cfg_false,
				CFGF_NONE);
			break;
		case CONF_INT:
			opts[n++] = (cfg_opt_t)CFG_INT(o->name, o->def,
						       CFGF_NONE);
			break;
		case CONF_STRING:
		case CONF_CHOICE:
			opts[n++] = (cfg_opt_t)CFG_STR(o->name, o->def_str,
						       flags);
			break;
		case CONF_LIST:
			opts[n++] = (cfg_opt_t)CFG_STR_LIST(o->name, NULL,
							    CFGF_NODEFAULT);
			break;
		}
	}
	opts[n] = (cfg_opt_t)CFG_END();
	return opts;
}

/* A parser for natterrc; *schema and *account hold what it was made
 * from, to free after cfg_free(). */
static cfg_t *config_schema(cfg_opt_t **schema, cfg_opt_t **account)
{
	cfg_t *cfg;
	size_t i;

	*account = scope_schema(CONF_ACCOUNT, NULL);
	*schema = scope_schema(CONF_GLOBAL, *account);
	cfg = cfg_init(*schema, CFGF_NONE);
	cfg_set_error_function(cfg, errfunc);
	cfg_set_validate_func(cfg, "account", validate_account);
	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		char *path;

		if (o->type != CONF_INT && o->type != CONF_CHOICE && !o->check)
			continue;
		path = xasprintf("%s%s", o->scope == CONF_ACCOUNT ? "account|" : "",
				 o->name);
		cfg_set_validate_func(cfg, path, validate_option);
		free(path);
	}
	return cfg;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Stores an integer, a bool or a choice's index in o's field of base. */
static void store_num(void *base, const struct conf_option *o, long v)
{
	char *p = (char *)base + o->offset;

	if (o->field == CONF_FIELD_BOOL)
		*(bool *)p = v != 0;
	else
		*(int *)p = (int)v;
}

/* Copies the options of scope from sec (the file, or libconfuse's
 * defaults) into base, a struct config or struct account_conf. */
static void copy_out(cfg_t *sec, enum conf_scope scope, void *base)
{
	size_t i, j, n;

	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		char *p = (char *)base + o->offset, **list;

		if (o->scope != scope)
			continue;
		switch (o->type) {
		case CONF_BOOL:
			store_num(base, o, cfg_getbool(sec, o->name));
			break;
		case CONF_INT:
			store_num(base, o, cfg_getint(sec, o->name));
			break;
		case CONF_STRING:
			*(char **)p = dup_or_null(cfg_getstr(sec, o->name));
			break;
		case CONF_CHOICE: /* validated already */
			store_num(base, o,
				  choice_of(cfg_getstr(sec, o->name), o->choices));
			break;
		case CONF_LIST:
			n = cfg_size(sec, o->name);
			list = xcalloc(n ? n : 1, sizeof *list);
			for (j = 0; j < n; j++)
				list[j] = xstrdup(
					cfg_getnstr(sec, o->name, (unsigned)j));
			*(char ***)p = list;
			*(size_t *)((char *)base + o->count_offset) = n;
			break;
		}
	}
}

/* Frees what copy_out() or set_defaults() put in base's fields. */
static void clear_fields(void *base, enum conf_scope scope)
{
	size_t i, j;

	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];
		char *p = (char *)base + o->offset;
		char **s = (char **)p, ***list = (char ***)p;
		size_t *n = (size_t *)((char *)base + o->count_offset);

		if (o->scope != scope)
			continue;
		if (o->field == CONF_FIELD_STR) {
			if (*s && (o->flags & CONF_SECRET))
				explicit_bzero(*s, strlen(*s));
			free(*s);
			*s = NULL;
		} else if (o->field == CONF_FIELD_LIST) {
			for (j = 0; *list && j < *n; j++)
				free((*list)[j]);
			free(*list);
			*list = NULL;
			*n = 0;
		}
	}
}

static void read_account(cfg_t *sec, struct account_conf *a)
{
	a->name = xstrdup(cfg_title(sec));
	copy_out(sec, CONF_ACCOUNT, a);
}

/* A password in a file others can read is refused outright: better a
 * clear stop than a secret quietly exposed. A file holding a password or
 * a password_eval command must also be ours and writable by us alone:
 * whoever can change it can run commands as us, or point the account at
 * their own server. */
static int check_mode(const struct config *c, const struct stat *st,
		      char **err)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++) {
		const struct account_conf *a = &c->accounts[i];
		const char *what = a->password ? "a password" : "password_eval";

		if (!a->password && !a->password_eval)
			continue;
		if (st->st_uid != geteuid()) {
			*err = xasprintf(
				"%s holds %s but belongs to another user (uid %u); "
				"natter only reads such a file if it is yours",
				c->path, what, (unsigned)st->st_uid);
			return -1;
		}
		if (st->st_mode & (S_IWGRP | S_IWOTH)) {
			*err = xasprintf(
				"%s holds %s but other users can change it (mode %04o); "
				"fix it with: chmod %s %s",
				c->path, what, (unsigned)(st->st_mode & 07777),
				a->password ? "600" : "go-w", c->path);
			return -1;
		}
		if (a->password && (st->st_mode & (S_IRWXG | S_IRWXO))) {
			*err = xasprintf(
				"%s holds a password but other users can access it (mode %04o); "
				"fix it with: chmod 600 %s",
				c->path, (unsigned)(st->st_mode & 07777), c->path);
			return -1;
		}
	}
	/* a proxy's password is a password too */
	for (i = 0; i < c->naccounts; i++) {
		const char *p = c->accounts[i].proxy;

		if (p && strchr(p, '@') && (st->st_mode & (S_IRWXG | S_IRWXO))) {
			*err = xasprintf(
				"%s holds a proxy password but other users can access it (mode %04o); "
				"fix it with: chmod 600 %s",
				c->path, (unsigned)(st->st_mode & 07777), c->path);
			return -1;
		}
	}
	return 0;
}

/* The global options' defaults, for a missing file. */
static void set_defaults(struct config *c)
{
	size_t i;

	for (i = 0; i < conf_noptions; i++) {
		const struct conf_option *o = &conf_options[i];

		if (o->scope != CONF_GLOBAL)
			continue;
		switch (o->type) {
		case CONF_BOOL:
		case CONF_INT:
			store_num(c, o, o->def);
			break;
		case CONF_STRING:
			*(char **)((char *)c + o->offset) = dup_or_null(o->def_str);
			break;
		case CONF_CHOICE:
			store_num(c, o, choice_of(o->def_str, o->choices));
			break;
		case CONF_LIST: /* empty: NULL and 0, as memset left them */
			break;
		}
	}
}

int conf_load(const char *path, bool must_exist, struct config *out,
		char **err)
{
	struct stat st;
	char *text;
	cfg_t *cfg;
	cfg_opt_t *schema, *account;
	size_t i;
	int r;

	memset(out, 0, sizeof *out);
	*err = NULL;
	text = slurp(path, &st);
	if (!text) {
		if (errno == ENOENT && !must_exist) {
			out->path = xstrdup(path);
			set_defaults(out);
			return 0;
		}
		*err = xasprintf("%s: %s", path,
				 errno == EINVAL ? "not a regular file" :
						   strerror(errno));
		return -1;
	}
	r = prescan(text);
	if (r < 0) {
		*err = xasprintf("%s:%d: unbalanced brace or unclosed quote or comment here",
				 path, -r);
		free(text);
		return -1;
	}
	if (confuse_open(err) < 0) {
		free(text);
		return -1;
	}
	cfg = config_schema(&schema, &account);
	error_path = path;
	error_buf = NULL;
	r = cfg_parse_buf(cfg, text);
	free(text);
	if (r != CFG_SUCCESS) {
		*err = error_buf ? error_buf :
				   xasprintf("%s: cannot parse the file", path);
		error_buf = NULL;
		cfg_free(cfg);
		confuse_close();
		free(schema);
		free(account);
		return -1;
	}
	out->path = xstrdup(path);
	out->naccounts = cfg_size(cfg, "account");
	out->accounts = xcalloc(out->naccounts, sizeof *out->accounts);
	for (i = 0; i < out->naccounts; i++)
		read_account(cfg_getnsec(cfg, "account", (unsigned)i),
			     &out->accounts[i]);
	copy_out(cfg, CONF_GLOBAL, out);
	cfg_free(cfg);
	confuse_close();
	free(schema);
	free(account);
	if (check_mode(out, &st, err) < 0) {
		conf_clear(out);
		return -1;
	}
	return 0;
}

static void account_conf_clear(struct account_conf *a)
{
	free(a->name);
	clear_fields(a, CONF_ACCOUNT);
	memset(a, 0, sizeof *a);
}

int conf_keep_account(struct config *c, const char *name)
{
	struct account_conf *keep = conf_account(c, name), tmp;
	size_t i;

	if (!keep)
		return -1;
	tmp = *keep;
	memset(keep, 0, sizeof *keep);
	for (i = 0; i < c->naccounts; i++)
		account_conf_clear(&c->accounts[i]);
	c->accounts[0] = tmp;
	c->naccounts = 1;
	return 0;
}

void conf_clear(struct config *c)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++)
		account_conf_clear(&c->accounts[i]);
	free(c->accounts);
	free(c->path);
	clear_fields(c, CONF_GLOBAL);
	memset(c, 0, sizeof *c);
}

struct account_conf *conf_account(struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0)
			return &c->accounts[i];
	return NULL;
}
