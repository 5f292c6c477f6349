/* attention: which messages ask for the user, and how they are told.
 *
 * Three kinds of incoming message ask for attention (enum attn_kind in
 * core/event.h): a room line that names us, a message in a 1:1
 * conversation, and an occupant's private message through a room. A
 * room line names us when it holds our nick in that room, or one of
 * natterrc's `highlight` words, as a whole word in any case: compared
 * code point by code point after Unicode's lower-casing, with no letter,
 * digit or combining mark of any script just before or after it, so
 * "Zoë" is found in "ZOË:" but "al" is not in "alice" nor "alice" in
 * "alicé".
 *
 * room.c and conv.c hand each line they add from someone else to
 * attention_message(), which asks attention_decide() what the line
 * earns: the highlight colour (LINE_HIGHLIGHT on the line), a count in
 * the window's highlight mark (w->highlight, cleared with its unread
 * count when the window is shown), and a ring. Nothing rings for the
 * window the user is looking at, and the lines a room replays from
 * before we joined (delayed) are coloured only.
 *
 * Besides messages, a contact's buzz (XEP-0224) and an incoming call
 * ring (attention_event): a buzz whatever window is shown, a call as a
 * private message does; a subscription request and a file offer only
 * play their sound. Whatever rings also plays its kind's sound
 * (core/sound.h: sound_cmd with the kind's file), so the rules above
 * are the sounds' rules too.
 *
 * A ring is an EV_ATTENTION event (ui/alert.c rings the bell and
 * retitles the terminal) and, with notify_cmd set, one run of that
 * program: its words are split here (quotes and backslashes as a shell
 * reads them, nothing expanded) and never handed to a shell, and the
 * message reaches it only through its environment (NATTER_KIND,
 * NATTER_FROM, NATTER_WINDOW, NATTER_TEXT: its first ATTN_TEXT_MAX
 * bytes, NATTER_JID, NATTER_ACCOUNT),
 * so nothing a remote party writes can become a command. It runs as a
 * child of the loop (core/proc), which reaps it and stops it after
 * ATTN_CMD_LIMIT_MS; at most ATTN_MAX_RUNNING run at once, and a flood's
 * further rings run nothing. A run that cannot start or fails is told
 * once (EV_NOTIFY_FAILED), and again only after one has succeeded.
 *
 * The state (the running commands, the split words) hangs off
 * app->attention, made on the first ring and freed by app_free().
 */
#ifndef NATTER_CORE_ATTENTION_H
#define NATTER_CORE_ATTENTION_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"

struct app;
struct attention;
struct line;
struct window;

#define ATTN_MAX_RUNNING 4     /* notify_cmd runs at once */
#define ATTN_CMD_LIMIT_MS 30000 /* how long one may run */
#define ATTN_TEXT_MAX 8192      /* bytes of the text told (NATTER_TEXT) */

/* What a message earns (attention_decide). */
#define ATTN_COLOUR 1u /* drawn in the highlight colour */
#define ATTN_MARK 2u   /* counted in the window's highlight mark */
#define ATTN_RING 4u   /* the bell, the title, notify_cmd */
#define ATTN_SOUND 8u  /* the kind's sound (core/sound.h) */

/* Whether text holds word as a whole word, in any case (see above). An
 * empty word is never found. */
bool attention_names(const char *text, const char *word);
/* Whether a room line's text names nick (may be NULL) or one of the n
 * words. */
bool attention_is_highlight(const char *text, const char *nick,
			    char *const *words, size_t n);
/* What a message of kind earns in a window that is (not) the current
 * one; delayed: sent before we were there (a room's replay, offline
 * messages). ATTN_* flags. */
unsigned attention_decide(enum attn_kind kind, bool current, bool delayed);
/* Something other than a message asks for the user: a buzz or a call
 * (in w, the caller's conversation), a subscription request or a file
 * offer (w NULL: no window of its own). from (who, a name or a JID) and
 * text (what is said of it) are told as a message's are. Rings and
 * plays kind's sound as attention_decide says. */
void attention_event(struct app *app, struct account *acc, struct window *w,
		     enum attn_kind kind, const char *from, const char *text,
		     bool delayed);
/* Line l was just added to w (a room or a conversation) from someone
 * else: colours it, counts it in w's mark and rings, as it earns. */
void attention_message(struct app *app, struct window *w, struct line *l,
		       bool delayed);
/* Colours the stored lines loaded into room window w (its history)
 * that are highlights; nothing is marked or rung for them. */
void attention_colour_stored(const struct app *app, struct window *w);
/* The window Alt-A goes to: after the current one in window order, the
 * first with a highlight, else the first conversation with unread
 * messages, else the first with anything unread; the current window
 * when none waits. */
size_t attention_next(const struct app *app);
/* What the terminal title counts: unread messages of conversations and
 * unread highlights of rooms. */
unsigned attention_waiting(const struct app *app);
/* notify_cmd split into a NULL-terminated argument vector (the caller
 * frees it with attention_words_free), or NULL with *err saying why
 * (an unclosed quote, nothing to run; the caller frees it). */
char **attention_words(const char *cmd, char **err);
void attention_words_free(char ***argv);
/* How many notify_cmd runs are going. */
size_t attention_running(const struct app *app);
/* Stops the commands still running and frees the state; clears *a. */
void attention_free(struct attention **a);

#endif
