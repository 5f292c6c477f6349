/* cmd: the command table.
 *
 * Every command is one `struct cmd` entry in a family file (session.c,
 * general.c, ...): its name, argument synopsis, one-line summary, long
 * help, the kind of its arguments for completion, its handler and, for a
 * command whose last argument is free text (a message, a status, a
 * name), how many words come before that text. /help, completion and the
 * man page's command list all read the same table.
 *
 * A line is split into words on spaces and tabs; "double quotes" group
 * words and a backslash escapes the next character. Free text is not
 * split: after the leading words, the rest of the line (without the
 * blanks that separate it) is one last argument, exactly as typed, so
 * quotes, backslashes and runs of spaces in a message reach the peer.
 * A word may not hold a control character (a tab or a C1 or bidi control
 * pasted between quotes): words are JIDs, nodes, nicks and names that
 * end up in window titles and dialog headings, and cmd_run refuses them.
 */
#ifndef NATTER_CMD_CMD_H
#define NATTER_CMD_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct app;

/* What a command's arguments complete to: ARG_NICK is the nicks of the
 * current room window's occupants; ARG_ROOM a room's JID or bookmark
 * name; ARG_BOOKMARK /bookmark's words (cmd_bookmark_words), then rooms. */
enum cmd_arg { ARG_NONE, ARG_ACCOUNT, ARG_COMMAND, ARG_CONTACT, ARG_NICK,
	       ARG_ROOM, ARG_BOOKMARK,
	       ARG_BLOCKED, /* the entries of the accounts' block lists */
	       ARG_PATH /* a local file or directory */ };

/* Handlers return 0, or CMD_USAGE to have the usage line shown. Other
 * errors they report themselves and return -1. */
#define CMD_USAGE (-2)

/* Why a chat message was refused: offline messages wait in the outbox,
 * so only an account without a history database refuses them. */
#define CMD_NOT_QUEUED \
	"Not sent: this account has no history database (see the console), " \
	"so nothing can wait to be sent while it is offline (/connect)"

struct cmd {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	const char *topic;
	enum cmd_arg arg;
	int (*run)(struct app *app, int argc, char **argv);
	/* 0: every argument is a word. N > 0: the first N words (the
	 * command's name counts) are split; what follows is argv[N], the
	 * rest of the line as typed (absent when there is none). */
	int words;
};

/* Runs one input line that starts with '/'. Returns the handler's result,
 * or -1 for an unknown command, an unclosed quote or a word holding a
 * control character (reported). */
int cmd_run(struct app *app, const char *line);
/* Splits line (without its '/') as cmd_run does for the command it
 * names: sets *c to the command (NULL when unknown) and *argv to its
 * words, split up to (*c)->words. Returns the argument count (0 for a
 * blank line), or -1 for an unclosed quote (*argv NULL). The caller
 * frees each word and the array. */
int cmd_parse(const char *line, const struct cmd **c, char ***argv);
const struct cmd *cmd_find(const char *name);
/* Prints the command list as man(7) source, by topic: the COMMANDS
 * section of natter(1) is this output (make update-man). */
void cmd_print_man(FILE *f);
/* Fills topics (CMD_TOPICS_MAX entries) with the distinct topics in table
 * order; returns how many. */
#define CMD_TOPICS_MAX 16
size_t cmd_topics(const char **topics);
/* Calls fn for every command, in table order. */
void cmd_each(void (*fn)(const struct cmd *c, void *ud), void *ud);
/* Splits line into words; "double quotes" group words, \ escapes. The
 * caller frees each word and the array. Returns the word count, or -1 for
 * an unclosed quote. */
int cmd_split(const char *line, char ***argv);
/* The same, but splits at most max words (max 0: no limit); the rest of
 * the line after them, leading blanks removed, is one last word as it
 * is (none when nothing is left). */
int cmd_split_n(const char *line, int max, char ***argv);

/* Reads s as a whole number from min to max into *n: only digits (no
 * sign, blank or other text). Returns 0, CMD_NUMBER_NOT (not a number)
 * or CMD_NUMBER_RANGE (digits, but outside min..max, however many
 * there are: nothing wraps). */
#define CMD_NUMBER_NOT (-1)
#define CMD_NUMBER_RANGE (-2)
int cmd_number(const char *s, unsigned long min, unsigned long max,
	       unsigned long *n);
/* cmd_number for a command's argument: a range error is reported
 * ("what must be a number from min to max") and returns -1; not a
 * number returns CMD_USAGE. */
int cmd_number_arg(struct app *app, const char *s, const char *what,
		   unsigned long min, unsigned long max, unsigned long *n);

/* Family tables, each ending with an entry whose name is NULL. */
extern const struct cmd cmd_general[];
extern const struct cmd cmd_session[];
extern const struct cmd cmd_chat[];
extern const struct cmd cmd_rooms[];
extern const struct cmd cmd_bookmarks[];
extern const struct cmd cmd_contacts[];
extern const struct cmd cmd_gateways[];
extern const struct cmd cmd_marks[];
extern const struct cmd cmd_edits[];
/* Corrects the user's last message in the current window to text (as
 * /correct does, for the input line's Up-then-edit). */
int cmd_correct(struct app *app, const char *text);
extern const struct cmd cmd_files[];
/* /trust --transfer N (files.c): pins the certificate transfer N was
 * refused and downloads again. */
int cmd_trust_transfer(struct app *app, const char *arg);
extern const struct cmd cmd_xmlconsole[];
extern const struct cmd cmd_blocking[];
extern const struct cmd cmd_sounds[];
extern const struct cmd cmd_pictures[];
extern const struct cmd cmd_feeds[];

/* Shared helpers for handlers. */
struct account;
/* The account named name, or the only account when name is NULL; reports
 * on the console and returns NULL otherwise. */
struct account *cmd_account_arg(struct app *app, const char *name);
/* The account a command acts for: the current window's, else the only
 * one, else the first online; NULL (reported) when there is none. */
struct account *cmd_current_account(struct app *app);
/* Whether arg, typed in a room window of a, is a nick there (and no
 * JID): said as such, since taken as a JID it would name a server of
 * that name, not the occupant. The caller checks roster names first. */
bool cmd_nick_not_contact(struct app *app, struct account *a,
			  const char *arg);
/* A JID or roster name as a bare JID (the caller frees it); NULL after
 * reporting when it is neither, or when it is a nick in the room window
 * (cmd_nick_not_contact). */
char *cmd_contact_arg(struct app *app, struct account *a, const char *arg);
/* /accept ROOM and /deny ROOM [REASON] for a pending invitation to ROOM
 * (without ROOM: the only thing pending being one invitation): joins
 * with its password, or declines it. Returns 1 when argv names no
 * invitation (the caller goes on), else 0 or -1 (reported). */
int cmd_rooms_answer(struct app *app, struct account *a, int argc,
		     char **argv, int allow);

/* The bookmark arg names in a's list (as bookmarks_typed() finds one,
 * else by JID), or NULL. */
struct bookmark;
const struct bookmark *cmd_bookmark_arg(struct account *a, const char *arg);
/* /bookmark's subcommands and options, for completion; NULL ends it. */
extern const char *const cmd_bookmark_words[];

#endif
