/* sound: event sounds through sound_cmd, buzzes' rate, and /play.
 *
 * An event that asks for the user (core/attention.c decides which, and
 * when: never for the window shown, never for a room's replay) may play
 * a sound: sound_cmd's words (split as notify_cmd's are, never by a
 * shell) and then the event kind's sound file as one more argument, e.g.
 * `paplay /usr/share/sounds/freedesktop/stereo/message.oga`. A kind
 * whose file is not set plays nothing (all are off by default), except
 * a buzz, which runs sound_cmd alone when sound_buzz is not set. Nothing
 * remote reaches the command: the file is the user's, the rest is
 * sound_cmd's own words.
 *
 * A sound runs as a child of the loop (core/proc), stopped after
 * SOUND_CMD_LIMIT_MS; at most SOUND_MAX_RUNNING play at once, and one
 * kind at most once every SOUND_GAP_MS, so a flood is one sound. A run
 * that cannot start or fails is told once (EV_SOUND_FAILED), and again
 * only after one has worked.
 *
 * The rate limiter (struct sound_limit) admits one event per key every
 * period: a buzz counts per contact (SOUND_BUZZ_GAP_MS), a sound per
 * kind. It keeps one time per key in a hash map, pruned of keys whose
 * period is over once it holds SOUND_LIMIT_PRUNE of them.
 *
 * /play hands a file to play_cmd (its words, then the path as one more
 * argument; proc_launch, no shell, not waited for). A link not yet
 * downloaded is fetched first through core/transfer, into download_dir,
 * and played when its transfer is done (EV_PLAY says what became of it).
 *
 * The state hangs off app->sounds, made on first use and freed by
 * app_free().
 */
#ifndef NATTER_CORE_SOUND_H
#define NATTER_CORE_SOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strmap.h"

struct app;
struct account;
struct config;
struct window;
struct sounds;

#define SOUND_MAX_RUNNING 2       /* sound_cmd runs at once */
#define SOUND_CMD_LIMIT_MS 30000  /* how long one may play */
#define SOUND_GAP_MS 2000         /* one sound of a kind per this */
#define SOUND_BUZZ_GAP_MS 30000   /* one buzz per contact per this */
#define SOUND_LIMIT_PRUNE 256     /* keys kept before pruning */

/* What plays a sound; each has its option, sound_KIND. */
enum sound_kind {
	SOUND_MESSAGE,   /* a message in a conversation not shown */
	SOUND_PRIVATE,   /* an occupant's private message through a room */
	SOUND_HIGHLIGHT, /* a room line naming us */
	SOUND_SUBSCRIBE, /* someone asks to see our presence */
	SOUND_FILE,      /* a file is offered to us */
	SOUND_CALL,      /* an incoming call */
	SOUND_BUZZ,      /* a contact's attention request (XEP-0224) */
	SOUND_NKINDS
};

/* The kind's name ("message", ...: the option is "sound_" NAME). */
const char *sound_kind_name(enum sound_kind k);
/* The sound file natterrc gives kind k, or NULL (off). */
const char *sound_file(const struct config *cfg, enum sound_kind k);

/* Plays kind k's sound for acc (as above). Returns whether a run
 * started. */
bool sound_play(struct app *app, struct account *acc, enum sound_kind k);
/* How many sound_cmd runs are going. */
size_t sound_running(const struct app *app);

/* A rate limiter: one event per key every period. Zeroed is empty. */
struct sound_limit {
	struct strmap last; /* key -> uint64_t * (when it was admitted) */
};

/* Whether key may have an event at now_ms: true (and counted) when its
 * last one was period_ms or more before, or there was none. A limiter
 * is used with one period (its pruning takes the period given). */
bool sound_limit_admit(struct sound_limit *l, const char *key,
		       uint64_t now_ms, uint64_t period_ms);
/* How many keys it holds. */
size_t sound_limit_size(const struct sound_limit *l);
void sound_limit_clear(struct sound_limit *l);

/* A buzz (XEP-0224) came from bare: it rings (EV_BUZZ, then
 * attention_event ATTN_BUZZ in bare's conversation window, opened if
 * need be) when bare is a contact with a roster subscription either
 * way, not blocked, the buzz not sent while we were away (delayed), and
 * under its limit (sound_buzz_admit). Returns whether it rang. */
bool sound_buzz(struct app *app, struct account *acc, const char *bare,
		bool delayed);
/* Whether a buzz from bare (acc's contact) may ring now: at most one per
 * contact every SOUND_BUZZ_GAP_MS. */
bool sound_buzz_admit(struct app *app, struct account *acc,
		      const char *bare);

/* play_cmd's words followed by path, NULL-terminated; NULL with *err
 * when play_cmd is not set or does not split (the caller frees *err).
 * The caller frees the vector with attention_words_free(). */
char **sound_play_argv(const struct app *app, const char *path, char **err);
/* /play: plays path with play_cmd. Returns 0, or -1 with *err (the
 * caller frees it). */
int sound_play_path(struct app *app, const char *path, char **err);
/* /play N: plays url for window w: the file of a transfer of url that
 * is done (and still there), else downloads it and plays it when done.
 * Returns 1 when played, 0 when a download started (its transfer's
 * number in *n), or -1 with *err (the caller frees it). */
int sound_play_url(struct app *app, struct window *w, const char *url,
		   unsigned *n, char **err);
/* /play --transfer N: plays transfer n's file when it is done, or when
 * it will be if it runs. Returns as sound_play_url. */
int sound_play_transfer(struct app *app, unsigned n, char **err);

/* Stops the sounds still playing and frees the state; clears *s. */
void sound_free(struct sounds **s);

#endif
