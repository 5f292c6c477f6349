/* conf: natterrc, read with libconfuse into plain structs.
 *
 * struct config owns everything it points to. conf_options[] (conf.c) is
 * the single description of the format: one entry per option with its
 * scope, type, default, range or choices, help, and the field of struct
 * config or struct account_conf it lands in. The libconfuse schema, the
 * checks, the defaults, the copy into the structs, `natter --options`
 * and natterrc(5)'s option list are all made from it, so a new option is
 * one entry there plus its field here.
 */
#ifndef NATTER_CORE_CONF_H
#define NATTER_CORE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Longest timestamp (bytes, with the NUL) time_format may produce. */
#define TIME_FORMAT_MAX 32
/* strangers_rate's default: stranger messages a minute per domain. */
#define STRANGERS_RATE_DEFAULT 20
/* How long a joined room may be silent before a self-ping (XEP-0410
 * suggests some 15 minutes; a restarted room is noticed sooner). */
#define ROOM_PING_DEFAULT 600

enum tls_mode { TLS_REQUIRED, TLS_DIRECT, TLS_TRUST, TLS_DISABLE };
/* How the stream reaches the server (transport): AUTO tries the ways in
 * turn; TCP is libstrophe's own socket; BOSH and WEBSOCKET carry it over
 * HTTPS (bosh_url, websocket_url). */
enum transport_mode { TRANSPORT_AUTO, TRANSPORT_TCP, TRANSPORT_BOSH,
		      TRANSPORT_WEBSOCKET };
/* What becomes of messages from JIDs not in the roster (strangers). */
enum strangers_mode { STRANGERS_WINDOW, STRANGERS_OPEN, STRANGERS_DROP };
/* How nicks are coloured in rooms: XEP-0392, with one of its colour
 * vision deficiency corrections, or not at all. */
enum nick_colours { NICK_COLOURS_XEP0392, NICK_COLOURS_REDGREEN,
		    NICK_COLOURS_BLUE, NICK_COLOURS_NONE };
/* How pictures are drawn (ui/picview.c): Unicode block symbols in
 * colour, or a terminal's graphics (sixel, the kitty protocol). */
enum image_protocol { IMAGE_SYMBOLS, IMAGE_SIXEL, IMAGE_KITTY };
/* Who gets version (XEP-0092) and time (XEP-0202) answers. */
enum courtesy { COURTESY_ROSTER, COURTESY_ALL, COURTESY_NONE };
/* Which logins are allowed: SASL only, legacy jabber:iq:auth (XEP-0078)
 * as well, or legacy only where the server offers no SASL at all. */
enum auth_mode { AUTH_SASL, AUTH_LEGACY, AUTH_AUTO };

struct account_conf {
	char *name;
	char *jid;
	char *password;
	char *password_eval;
	char *server;
	int port; /* 0: the default for the TLS mode */
	char *resource;
	char *nick;          /* in rooms; NULL: the JID's local part */
	int priority;
	enum tls_mode tls;
	bool autoconnect;
	bool gateway_accept; /* gateway_contacts = "accept" */
	enum strangers_mode strangers;
	int strangers_rate;  /* stranger messages kept a minute, per domain */
	enum courtesy courtesy;
	bool carbons;        /* enable message carbons (XEP-0280) */
	bool mam;            /* catch up from the archive (XEP-0313) */
	char *proxy;         /* core/proxy.h's syntax; NULL: the
			      * environment's (ALL_PROXY, NO_PROXY) */
	enum transport_mode transport;
	char *bosh_url;      /* https://...; NULL: none */
	char *websocket_url; /* wss://...; NULL: none */
	enum auth_mode auth;
};

struct config {
	char *path;
	struct account_conf *accounts;
	size_t naccounts;
	bool debug;
	char *debug_log;   /* NULL: $XDG_STATE_HOME/natter/debug.log */
	char *time_format; /* strftime format of line timestamps */
	int reconnect_max; /* seconds, upper bound of the backoff */
	bool chat_states;  /* tell peers when we type (XEP-0085) */
	bool send_markers; /* tell peers what we displayed (XEP-0333) */
	bool correct_on_up; /* Up in an empty input edits our last message */
	int roster_width;  /* columns of the roster pane */
	bool roster_visible;
	bool roster_right; /* roster_side = "right" */
	enum nick_colours nick_colours;
	int autoaway;          /* minutes of keyboard idleness, 0: never */
	char *autoaway_message;
	char *theme;   /* NULL: the built-in theme */
	char **binds;  /* "KEY ACTION" lines, applied by the UI */
	size_t nbinds;
	int keepalive;         /* seconds between pings to the server, 0: off */
	int keepalive_timeout; /* seconds a ping may wait for its answer */
	int room_ping;         /* seconds of a room's silence before a
				* self-ping (XEP-0410), 0: off */
	int password_eval_timeout; /* seconds password_eval may run */
	char **highlights; /* words that make a room line a highlight */
	size_t nhighlights;
	bool bell;         /* ring for private messages and highlights */
	bool title;        /* the unread count in the terminal's title */
	char *notify_cmd;  /* run for each, split into words; NULL: none */
	/* links and files (core/transfer.h) */
	char *url_open_cmd; /* /open runs it with the URL; NULL: none */
	char *download_dir; /* NULL: $XDG_DOWNLOAD_DIR, ~/Downloads/natter */
	int max_download;   /* MiB; 0: no limit */
	/* sounds (core/sound.h): each sound_KIND is a file; NULL: silent */
	char *sound_cmd;    /* plays a sound file; NULL: none */
	char *play_cmd;     /* /play runs it with a file; NULL: none */
	char *sound_message;
	char *sound_private;
	char *sound_highlight;
	char *sound_subscribe;
	char *sound_file;
	char *sound_call;
	char *sound_buzz;
	/* pictures (core/picture.h) */
	enum image_protocol image_protocol;
	/* publish-subscribe (core/pep.h, core/feed.h) */
	char *pep_notify;   /* the PEP kinds asked for; NULL: every kind */
	int feed_items;     /* items /feed fetches on opening a feed */
	char *dns_server;   /* c-ares's "HOST:PORT,..."; NULL: the system's */
	bool file_offers_from_strangers; /* offers from outside the roster
					  * are shown, not refused */
	bool p2p_direct;    /* SOCKS5 candidates of our own, tried direct */
};

enum conf_scope { CONF_GLOBAL, CONF_ACCOUNT };
enum conf_type {
	CONF_BOOL,
	CONF_INT,    /* from min to max */
	CONF_STRING,
	CONF_CHOICE, /* one of choices[], stored as its index */
	CONF_LIST,   /* a list of strings */
};
/* How the field an option lands in is declared (taken from the field's
 * declaration by the GLOBAL_FIELD and ACCOUNT_FIELD macros of conf.c, so
 * the two cannot disagree). */
enum conf_field { CONF_FIELD_BOOL, CONF_FIELD_INT, CONF_FIELD_STR,
		  CONF_FIELD_LIST };

#define CONF_REQUIRED 0x1 /* an account without it is refused */
#define CONF_SECRET 0x2   /* wiped before it is freed */
#define CONF_ONE_OF 0x4   /* choices worded "one of a, b, c" in errors */

struct conf_option {
	const char *name;
	enum conf_scope scope;
	enum conf_type type;
	int flags;                 /* CONF_REQUIRED | CONF_SECRET | ... */
	long def;                  /* bool and int: the default */
	const char *def_str;       /* string and choice: the default, or NULL */
	const char *unset;         /* string: what leaving it unset means */
	long min, max;             /* int: the accepted values */
	const char *unit;          /* int: "seconds" */
	const char *zero;          /* int: what 0 means, or NULL */
	const char *const *choices; /* choice: NULL-terminated */
	/* A further check of a string's value: NULL if it is fine, else the
	 * message (the caller frees it). */
	char *(*check)(const char *value);
	size_t offset;             /* in struct config or struct account_conf */
	enum conf_field field;
	size_t count_offset;       /* list: where its length goes */
	const char *help;          /* one line, lower case, no full stop */
};

extern const struct conf_option conf_options[];
extern const size_t conf_noptions;

/* Reads path into *out. Returns 0, or -1 with *err set to a message for
 * the user (the caller frees it). A missing file is an error only when
 * must_exist; otherwise *out is the default configuration. */
int conf_load(const char *path, bool must_exist, struct config *out,
		char **err);
void conf_clear(struct config *c);
struct account_conf *conf_account(struct config *c, const char *name);
/* Drops every account but name; returns -1 if there is no such account. */
int conf_keep_account(struct config *c, const char *name);
const char *conf_tls_name(enum tls_mode m);
const char *conf_transport_name(enum transport_mode m);
const char *conf_strangers_name(enum strangers_mode m);
const char *conf_courtesy_name(enum courtesy c);
/* Prints every option with its scope, type, default and help (for
 * --options). */
void conf_print_options(FILE *f);
/* Prints the option list of natterrc(5) as man(7) source (for
 * --options-man). */
void conf_print_man(FILE *f);

#endif
