/* sound: sound_cmd runs, the rate limiter, /play (see sound.h).
 *
 * struct sounds holds the running sound_cmd slots (a proc's callback
 * empties its slot, so sound_free finds exactly the runs still going),
 * the per-kind and per-contact limiters, and the transfers whose files
 * wait to be played when done (by number; EV_TRANSFER tells us, the
 * module listening from the first /play on).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/blocklist.h"
#include "core/conv.h"
#include "core/paths.h"
#include "core/proc.h"
#include "core/sound.h"
#include "core/transfer.h"
#include "util/log.h"
#include "util/xmem.h"

struct sound_run {
	struct sounds *owner;
	struct proc *proc; /* NULL: the slot is free */
	struct account *acc;
};

struct sounds {
	struct app *app;
	struct sound_run runs[SOUND_MAX_RUNNING];
	struct sound_limit kinds;   /* one sound per kind per SOUND_GAP_MS */
	struct sound_limit buzzes;  /* one buzz per contact */
	bool failing;               /* the last run failed, and was told */
	unsigned *waiting;          /* transfers to play when done */
	size_t nwaiting, capwaiting;
	bool listening;             /* subscribed to EV_TRANSFER */
};

static const char *const kind_names[SOUND_NKINDS] = {
	[SOUND_MESSAGE] = "message",	 [SOUND_PRIVATE] = "private",
	[SOUND_HIGHLIGHT] = "highlight", [SOUND_SUBSCRIBE] = "subscribe",
	[SOUND_FILE] = "file",		 [SOUND_CALL] = "call",
	[SOUND_BUZZ] = "buzz",
};

/* Where each kind's file is in struct config. */
static const size_t kind_fields[SOUND_NKINDS] = {
	[SOUND_MESSAGE] = offsetof(struct config, sound_message),
	[SOUND_PRIVATE] = offsetof(struct config, sound_private),
	[SOUND_HIGHLIGHT] = offsetof(struct config, sound_highlight),
	[SOUND_SUBSCRIBE] = offsetof(struct config, sound_subscribe),
	[SOUND_FILE] = offsetof(struct config, sound_file),
	[SOUND_CALL] = offsetof(struct config, sound_call),
	[SOUND_BUZZ] = offsetof(struct config, sound_buzz),
};

const char *sound_kind_name(enum sound_kind k)
{
	return k < SOUND_NKINDS ? kind_names[k] : "?";
}

const char *sound_file(const struct config *cfg, enum sound_kind k)
{
	if (k >= SOUND_NKINDS)
		return NULL;
	return *(char *const *)(const void *)((const char *)cfg +
					      kind_fields[k]);
}

/* ---- the rate limiter ------------------------------------------------------ */

struct prune_at {
	uint64_t now, period;
};

static bool over(void *value, void *ud)
{
	const struct prune_at *p = ud;
	uint64_t *t = value;

	if (p->now - *t < p->period)
		return false;
	free(t);
	return true;
}

bool sound_limit_admit(struct sound_limit *l, const char *key,
		       uint64_t now_ms, uint64_t period_ms)
{
	size_t len = strlen(key);
	uint64_t *t = strmap_get(&l->last, key, len);

	if (t) {
		/* a clock set back counts as the period being over */
		if (now_ms >= *t && now_ms - *t < period_ms)
			return false;
		*t = now_ms;
		return true;
	}
	if (l->last.n >= SOUND_LIMIT_PRUNE) {
		struct prune_at p = { now_ms, period_ms };

		strmap_prune(&l->last, over, &p);
	}
	t = xmalloc(sizeof *t);
	*t = now_ms;
	strmap_put(&l->last, key, len, t);
	return true;
}

size_t sound_limit_size(const struct sound_limit *l)
{
	return l->last.n;
}

static void free_value(void *value, void *ud)
{
	(void)ud;
	free(value);
}

void sound_limit_clear(struct sound_limit *l)
{
	strmap_each(&l->last, free_value, NULL);
	strmap_clear(&l->last);
}

/* ---- sound_cmd --------------------------------------------------------------- */

static struct sounds *state(struct app *app)
{
	if (!app->sounds) {
		app->sounds = xcalloc(1, sizeof *app->sounds);
		app->sounds->app = app;
	}
	return app->sounds;
}

/* A run failed (or could not start): told unless the last one did. */
static void failed(struct sounds *s, struct account *acc, const char *prog,
		   int error, int status, bool timed_out)
{
	struct event ev = { .type = EV_SOUND_FAILED, .acc = acc,
			    .sound_failed = { prog, error, status,
					      timed_out } };

	if (s->failing)
		return;
	s->failing = true;
	event_emit(s->app, &ev);
}

static void run_done(const struct proc_result *res, void *ud)
{
	struct sound_run *run = ud;
	struct sounds *s = run->owner;

	run->proc = NULL;
	if (res->end == PROC_EXITED && WIFEXITED(res->status) &&
	    WEXITSTATUS(res->status) == 0) {
		s->failing = false;
		return;
	}
	{
		char *err = NULL;
		char **words = attention_words(s->app->cfg.sound_cmd ?
						       s->app->cfg.sound_cmd :
						       "",
					       &err);

		failed(s, run->acc, words ? words[0] : "sound_cmd", 0,
		       res->status, res->end == PROC_TIMEOUT);
		attention_words_free(&words);
		free(err);
	}
}

bool sound_play(struct app *app, struct account *acc, enum sound_kind k)
{
	const char *file = sound_file(&app->cfg, k);
	struct sounds *s;
	struct sound_run *run = NULL;
	char **words, **argv, *err = NULL, *path = NULL;
	size_t i, n = 0;

	if (!app->cfg.sound_cmd || k >= SOUND_NKINDS ||
	    (!file && k != SOUND_BUZZ))
		return false;
	s = state(app);
	for (i = 0; i < SOUND_MAX_RUNNING && !run; i++)
		if (!s->runs[i].proc)
			run = &s->runs[i];
	if (!run) {
		log_msg(LOG_INFO, "sound", "%d sounds still playing: no %s sound",
			SOUND_MAX_RUNNING, kind_names[k]);
		return false;
	}
	/* the buzz has its own limit, per contact (sound_buzz_admit) */
	if (k != SOUND_BUZZ &&
	    !sound_limit_admit(&s->kinds, kind_names[k], loop_now(app->loop),
			       SOUND_GAP_MS))
		return false;
	words = attention_words(app->cfg.sound_cmd, &err);
	if (!words) { /* conf_load checked it */
		free(err);
		failed(s, acc, "sound_cmd", EINVAL, 0, false);
		return false;
	}
	while (words[n])
		n++;
	argv = xcalloc(n + 2, sizeof *argv);
	memcpy(argv, words, n * sizeof *argv);
	if (file)
		argv[n] = path = paths_expand_home(file);
	run->owner = s;
	run->acc = acc;
	run->proc = proc_spawn(app->loop, argv, NULL, SOUND_CMD_LIMIT_MS,
			       run_done, run);
	if (!run->proc)
		failed(s, acc, words[0], errno, 0, false);
	free(path);
	free(argv);
	attention_words_free(&words);
	return run->proc != NULL;
}

size_t sound_running(const struct app *app)
{
	size_t i, n = 0;

	for (i = 0; app->sounds && i < SOUND_MAX_RUNNING; i++)
		n += app->sounds->runs[i].proc != NULL;
	return n;
}

bool sound_buzz_admit(struct app *app, struct account *acc, const char *bare)
{
	char *key = xasprintf("%s\n%s", acc->conf->name, bare);
	bool ok = sound_limit_admit(&state(app)->buzzes, key,
				    loop_now(app->loop), SOUND_BUZZ_GAP_MS);

	free(key);
	return ok;
}

bool sound_buzz(struct app *app, struct account *acc, const char *bare,
		bool delayed)
{
	struct roster_item *it = roster_get(&acc->roster, bare);
	struct event ev = { .type = EV_BUZZ, .acc = acc, .buzz = { bare } };
	struct window *w;

	if (!it || it->sub == SUB_NONE || delayed ||
	    blocklist_match(&acc->blocklist, bare)) {
		log_msg(LOG_INFO, "sound", "%s: a buzz from %s ignored",
			acc->conf->name, bare);
		return false;
	}
	if (!sound_buzz_admit(app, acc, bare)) {
		log_msg(LOG_INFO, "sound", "%s: %s buzzes again: not rung",
			acc->conf->name, bare);
		return false;
	}
	w = conv_window(app, acc, bare);
	event_emit(app, &ev);
	attention_event(app, acc, w, ATTN_BUZZ, conv_peer_name(acc, bare),
			"buzz", false);
	return true;
}

/* ---- /play ------------------------------------------------------------------- */

/* Whether play_cmd is set; if not, *err says so. */
static bool have_play_cmd(const struct app *app, char **err)
{
	if (app->cfg.play_cmd)
		return true;
	*err = xstrdup("set play_cmd in natterrc (e.g. play_cmd = "
		       "\"mpv --no-video\") to play sounds");
	return false;
}

char **sound_play_argv(const struct app *app, const char *path, char **err)
{
	char **words, **argv;
	size_t n = 0;

	*err = NULL;
	if (!have_play_cmd(app, err))
		return NULL;
	words = attention_words(app->cfg.play_cmd, err);
	if (!words)
		return NULL;
	while (words[n])
		n++;
	argv = xcalloc(n + 2, sizeof *argv);
	memcpy(argv, words, n * sizeof *argv);
	free(words); /* its strings now belong to argv */
	argv[n] = xstrdup(path);
	return argv;
}

int sound_play_path(struct app *app, const char *path, char **err)
{
	char **argv = sound_play_argv(app, path, err);
	int r;

	if (!argv)
		return -1;
	r = proc_launch(app->loop, argv);
	attention_words_free(&argv);
	if (r < 0) {
		*err = xasprintf("cannot run play_cmd: %s", strerror(-r));
		return -1;
	}
	return 0;
}

/* Plays a finished download, telling what became of it. */
static void play_done(struct app *app, const struct transfer *t)
{
	struct event ev = { .type = EV_PLAY, .acc = t->acc,
			    .play = { .path = t->path, .transfer = t->n,
				      .win = t->win_id } };
	char *err = NULL;

	if (sound_play_path(app, t->path, &err) < 0)
		ev.play.error = err;
	event_emit(app, &ev);
	free(err);
}

static bool forget_waiting(struct sounds *s, unsigned n)
{
	for (size_t i = 0; i < s->nwaiting; i++)
		if (s->waiting[i] == n) {
			s->waiting[i] = s->waiting[--s->nwaiting];
			return true;
		}
	return false;
}

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct sounds *s = app->sounds;
	const struct transfer *t;

	(void)ud;
	if (ev->type != EV_TRANSFER || ev->transfer.what != TRANSFER_ENDED ||
	    !s)
		return;
	t = ev->transfer.t;
	if (!forget_waiting(s, t->n) || t->state != TRANSFER_DONE || !t->path)
		return;
	play_done(app, t);
}

static void wait_for(struct app *app, unsigned n)
{
	struct sounds *s = state(app);

	if (!s->listening) {
		event_subscribe(app, on_event, NULL);
		s->listening = true;
	}
	(void)forget_waiting(s, n); /* asked twice: once is enough */
	xgrow((void **)&s->waiting, &s->capwaiting, s->nwaiting + 1,
	      sizeof *s->waiting);
	s->waiting[s->nwaiting++] = n;
}

static bool still_there(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int sound_play_url(struct app *app, struct window *w, const char *url,
		   unsigned *n, char **err)
{
	struct transfer *t;
	size_t i;

	*err = NULL;
	if (!have_play_cmd(app, err)) /* said before anything is fetched */
		return -1;
	for (i = transfer_count(app); i > 0; i--) {
		const struct transfer *d = transfer_at(app, i - 1);

		if (d->state == TRANSFER_DONE && strcmp(d->url, url) == 0 &&
		    still_there(d->path))
			return sound_play_path(app, d->path, err) < 0 ? -1 : 1;
	}
	t = transfer_download(app, w, url, NULL, err);
	if (!t)
		return -1;
	*n = t->n;
	wait_for(app, t->n);
	return 0;
}

int sound_play_transfer(struct app *app, unsigned n, char **err)
{
	size_t i;

	*err = NULL;
	for (i = 0; i < transfer_count(app); i++) {
		const struct transfer *t = transfer_at(app, i);

		if (t->n != n)
			continue;
		if (t->state == TRANSFER_RUNNING) {
			if (!have_play_cmd(app, err))
				return -1;
			wait_for(app, n);
			return 0;
		}
		if (t->state != TRANSFER_DONE || !still_there(t->path)) {
			*err = xasprintf("transfer %u has no file to play", n);
			return -1;
		}
		return sound_play_path(app, t->path, err) < 0 ? -1 : 1;
	}
	*err = xasprintf("no transfer %u (see /transfers)", n);
	return -1;
}

void sound_free(struct sounds **sp)
{
	struct sounds *s = *sp;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < SOUND_MAX_RUNNING; i++)
		proc_cancel(&s->runs[i].proc);
	sound_limit_clear(&s->kinds);
	sound_limit_clear(&s->buzzes);
	free(s->waiting);
	free(s);
	*sp = NULL;
}
