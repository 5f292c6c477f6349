/* attention: highlights, rings and notify_cmd (see attention.h).
 *
 * Text is matched as arrays of lower-cased code points, folded once per
 * line whatever the number of words; a line of ASCII alone (most of
 * what rooms say) is read in place, lowered as it is compared. A
 * notify_cmd run is a slot of struct attention holding its proc; the
 * proc's callback empties the slot, so app_free() finds exactly the
 * runs still going.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/proc.h"
#include "core/room.h"
#include "core/sound.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct attn_run {
	struct attention *owner;
	struct proc *proc;     /* NULL: the slot is free */
	struct account *acc;   /* whose message it told */
};

struct attention {
	struct app *app;
	struct attn_run runs[ATTN_MAX_RUNNING];
	char **argv;  /* notify_cmd's words, split on the first run */
	bool failing; /* the last run failed, and that was told */
};

/* ---- matching ------------------------------------------------------------ */

/* A string as lower-cased code points: in buf when it fits (a room
 * line usually does), else allocated. A line of ASCII alone, most of
 * what rooms say, is not copied: its bytes are read in place (ascii)
 * and lowered as they are compared, which spares a store and a load of
 * four bytes for each of them. */
#define FOLD_BUF 256

struct folded {
	const char *ascii; /* the text itself, all ASCII; else cp */
	uint32_t *cp;
	size_t n;
	uint32_t buf[FOLD_BUF];
};

static uint32_t lower_ascii(unsigned char b)
{
	return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
}

/* The code point at i of f, lower-cased. */
static uint32_t folded_at(const struct folded *f, size_t i)
{
	return f->ascii ? lower_ascii((unsigned char)f->ascii[i]) : f->cp[i];
}

static void fold(const char *s, struct folded *f)
{
	size_t len = strlen(s), i = 0, n = 0;
	/* in locals: stores through f->cp could alias f->n, which the
	 * compiler would then reload for every code point */
	uint32_t *cp;
	uint64_t any = 0, word;

	/* whether any byte has its high bit: eight bytes at a time */
	for (; i + sizeof word <= len; i += sizeof word) {
		memcpy(&word, s + i, sizeof word);
		any |= word;
	}
	for (; i < len; i++)
		any |= (unsigned char)s[i];
	f->ascii = (any & 0x8080808080808080ULL) ? NULL : s;
	f->cp = f->buf;
	f->n = len;
	if (f->ascii)
		return;
	/* a string has at most as many code points as bytes */
	cp = len <= FOLD_BUF ? f->buf : xcalloc(len, sizeof *cp);
	i = 0;
	while (i < len) {
		unsigned char b = (unsigned char)s[i];
		uint32_t c;

		if (b < 0x80) {
			cp[n++] = lower_ascii(b);
			i++;
			continue;
		}
		i += utf8_decode(s + i, len - i, &c);
		cp[n++] = utf8_lower(c);
	}
	f->cp = cp;
	f->n = n;
}

static void fold_free(struct folded *f)
{
	if (f->cp != f->buf)
		free(f->cp);
}

/* Where the search of an ASCII line last found a word's first letter
 * (low) and its capital (cap), each at or after the place it was
 * searched from, or the search's end: either is searched again only
 * once the search has passed it, so a line full of one and without the
 * other is scanned once, not once per candidate. */
struct seek {
	size_t low, cap;
	bool known;
};

static size_t ascii_find(const char *s, size_t i, size_t end, int c)
{
	const char *hit = memchr(s + i, c, end - i);

	return hit ? (size_t)(hit - s) : end;
}

/* The first place from i before end where t holds c, else end; end is
 * the same for every call with the same k. In a line of ASCII only c
 * and its capital can be there: memchr finds each (a word at a time),
 * where lowering every byte on the way cost a line of a flood some 600
 * instructions. */
static size_t folded_find(const struct folded *t, size_t i, size_t end,
			  uint32_t c, struct seek *k)
{
	if (t->ascii) {
		if (i >= end || c >= 0x80) /* nothing lowers to that */
			return end;
		if (!k->known || k->low < i)
			k->low = ascii_find(t->ascii, i, end, (int)c);
		if (c < 'a' || c > 'z')
			k->cap = end;
		else if (!k->known || k->cap < i)
			k->cap = ascii_find(t->ascii, i, end,
					    (int)(c - ('a' - 'A')));
		k->known = true;
		return k->low < k->cap ? k->low : k->cap;
	}
	while (i < end && t->cp[i] != c)
		i++;
	return i;
}

/* Whether w occurs in t at a word's borders: a border is needed only
 * where w itself starts or ends with a word character ("bob!" may be
 * followed by anything). */
static bool found(const struct folded *t, const struct folded *w)
{
	struct seek k = { 0 };
	bool head, tail;
	uint32_t first;
	size_t i, j;

	if (w->n == 0 || w->n > t->n)
		return false;
	first = folded_at(w, 0);
	head = utf8_is_word(first);
	tail = utf8_is_word(folded_at(w, w->n - 1));
	for (i = 0; i + w->n <= t->n; i++) {
		i = folded_find(t, i, t->n - w->n + 1, first, &k);
		if (i + w->n > t->n)
			break;
		for (j = 1; j < w->n && folded_at(t, i + j) == folded_at(w, j);
		     j++)
			;
		if (j < w->n)
			continue;
		if (head && i > 0 && utf8_is_word(folded_at(t, i - 1)))
			continue;
		if (tail && i + w->n < t->n &&
		    utf8_is_word(folded_at(t, i + w->n)))
			continue;
		return true;
	}
	return false;
}

static bool found_str(const struct folded *t, const char *word)
{
	struct folded w;
	bool r;

	if (!word || !*word)
		return false;
	fold(word, &w);
	r = found(t, &w);
	fold_free(&w);
	return r;
}

bool attention_names(const char *text, const char *word)
{
	return attention_is_highlight(text, word, NULL, 0);
}

bool attention_is_highlight(const char *text, const char *nick,
			    char *const *words, size_t n)
{
	struct folded t;
	bool r;
	size_t i;

	fold(text, &t);
	r = found_str(&t, nick);
	for (i = 0; !r && i < n; i++)
		r = found_str(&t, words[i]);
	fold_free(&t);
	return r;
}

/* ---- deciding ------------------------------------------------------------ */

unsigned attention_decide(enum attn_kind kind, bool current, bool delayed)
{
	switch (kind) {
	case ATTN_HIGHLIGHT:
		/* a room's replay of what was said before we came is old news */
		if (current || delayed)
			return ATTN_COLOUR;
		return ATTN_COLOUR | ATTN_MARK | ATTN_RING | ATTN_SOUND;
	case ATTN_CHAT:
	case ATTN_PRIVATE:
	case ATTN_CALL: /* a call rings as a private message does */
		/* offline messages are new to the user: they ring */
		return current ? 0 : ATTN_RING | ATTN_SOUND;
	case ATTN_BUZZ:
		/* asking for the user is its point, wherever they look; one
		 * sent while we were away is stale */
		return delayed ? 0 : ATTN_RING | ATTN_SOUND;
	case ATTN_SUBSCRIBE:
	case ATTN_FILE:
		return delayed ? 0 : ATTN_SOUND;
	case ATTN_NONE:
		break;
	}
	return 0;
}

/* Alt-A's preference for w: 0 a highlight, 1 a conversation with unread
 * messages, 2 anything unread, 3 nothing. */
static int rank(const struct window *w)
{
	if (w->highlight)
		return 0;
	if (w->unread && w->kind == WIN_CHAT)
		return 1;
	return w->unread ? 2 : 3;
}

size_t attention_next(const struct app *app)
{
	size_t i, best = app->cur_win;
	int best_rank = 3;

	for (i = 1; i < app->nwins && best_rank > 0; i++) {
		size_t idx = (app->cur_win + i) % app->nwins;
		int r = rank(app->wins[idx]);

		if (r < best_rank) {
			best_rank = r;
			best = idx;
		}
	}
	return best;
}

unsigned attention_waiting(const struct app *app)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < app->nwins; i++) {
		const struct window *w = app->wins[i];

		n += w->kind == WIN_CHAT ? w->unread : w->highlight;
	}
	return n;
}

/* ---- notify_cmd ------------------------------------------------------------ */

/* Appends c to the word being built. */
static void put_char(char **buf, size_t *len, size_t *cap, char c)
{
	xgrow((void **)buf, cap, *len + 2, 1);
	(*buf)[(*len)++] = c;
	(*buf)[*len] = '\0';
}

static void put_word(char ***argv, size_t *argc, size_t *cap, char **word,
		     size_t *len)
{
	xgrow((void **)argv, cap, *argc + 2, sizeof **argv);
	(*argv)[(*argc)++] = *word ? *word : xstrdup("");
	(*argv)[*argc] = NULL;
	*word = NULL;
	*len = 0;
}

char **attention_words(const char *s, char **err)
{
	char **argv = NULL, *word = NULL;
	size_t argc = 0, cap = 0, len = 0, wcap = 0;
	bool in_word = false;
	char quote = 0;

	*err = NULL;
	for (; *s; s++) {
		char c = *s;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				put_char(&word, &len, &wcap, c);
			continue;
		}
		if (c == '\\') {
			/* in double quotes only these lose their meaning */
			if (!s[1] || (quote == '"' && !strchr("\"\\$`", s[1])))
				put_char(&word, &len, &wcap, c);
			if (s[1])
				put_char(&word, &len, &wcap, *++s);
			else if (!quote)
				*err = xstrdup("it ends with a lone backslash");
			in_word = true;
			continue;
		}
		if (quote == '"') {
			if (c == '"')
				quote = 0;
			else
				put_char(&word, &len, &wcap, c);
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word)
				put_word(&argv, &argc, &cap, &word, &len);
			in_word = false;
			wcap = 0;
			continue;
		}
		in_word = true;
		if (c == '\'' || c == '"')
			quote = c;
		else
			put_char(&word, &len, &wcap, c);
	}
	if (quote && !*err)
		*err = xasprintf("a %s quote is not closed",
				 quote == '"' ? "double" : "single");
	if (in_word && !*err)
		put_word(&argv, &argc, &cap, &word, &len);
	if (!*err && argc == 0)
		*err = xstrdup("it names no program");
	free(word);
	if (*err) {
		attention_words_free(&argv);
		return NULL;
	}
	return argv;
}

void attention_words_free(char ***argv)
{
	size_t i;

	if (!*argv)
		return;
	for (i = 0; (*argv)[i]; i++)
		free((*argv)[i]);
	free(*argv);
	*argv = NULL;
}

static struct attention *state(struct app *app)
{
	if (!app->attention) {
		app->attention = xcalloc(1, sizeof *app->attention);
		app->attention->app = app;
	}
	return app->attention;
}

/* A run failed (or could not start): told unless the last one failed
 * too. */
static void failed(struct attention *a, struct account *acc, int error,
		   int status, bool timed_out)
{
	struct event ev = { .type = EV_NOTIFY_FAILED, .acc = acc,
			    .notify_failed = { a->argv ? a->argv[0] :
							 a->app->cfg.notify_cmd,
					       error, status, timed_out } };

	if (a->failing)
		return;
	a->failing = true;
	event_emit(a->app, &ev);
}

static void run_done(const struct proc_result *res, void *ud)
{
	struct attn_run *run = ud;
	struct attention *a = run->owner;

	run->proc = NULL;
	if (res->end == PROC_EXITED && WIFEXITED(res->status) &&
	    WEXITSTATUS(res->status) == 0)
		a->failing = false;
	else
		failed(a, run->acc, 0, res->status, res->end == PROC_TIMEOUT);
}

static void notify(struct app *app, struct window *w, enum attn_kind kind,
		   const char *from, const char *text)
{
	static const char *const kinds[] = { [ATTN_NONE] = "none",
					     [ATTN_HIGHLIGHT] = "highlight",
					     [ATTN_CHAT] = "chat",
					     [ATTN_PRIVATE] = "private",
					     [ATTN_BUZZ] = "buzz",
					     [ATTN_CALL] = "call",
					     [ATTN_SUBSCRIBE] = "subscribe",
					     [ATTN_FILE] = "file" };
	struct attention *a = state(app);
	struct attn_run *run = NULL;
	char *env[7], *err = NULL;
	size_t i;

	if (!a->argv && !(a->argv = attention_words(app->cfg.notify_cmd, &err))) {
		/* conf_load checked it: only a configuration made otherwise */
		free(err);
		failed(a, w->acc, EINVAL, 0, false);
		return;
	}
	for (i = 0; i < ATTN_MAX_RUNNING && !run; i++)
		if (!a->runs[i].proc)
			run = &a->runs[i];
	if (!run) {
		log_msg(LOG_INFO, "attention",
			"%d notify_cmd runs still going: not run for %s",
			ATTN_MAX_RUNNING, w->name);
		return;
	}
	env[0] = xasprintf("NATTER_KIND=%s", kinds[kind]);
	env[1] = xasprintf("NATTER_FROM=%s", from);
	env[2] = xasprintf("NATTER_WINDOW=%s", w->name);
	env[3] = xasprintf("NATTER_TEXT=%s", text);
	env[4] = xasprintf("NATTER_JID=%s", w->jid ? w->jid : "");
	env[5] = xasprintf("NATTER_ACCOUNT=%s",
			   w->acc ? w->acc->conf->name : "");
	env[6] = NULL;
	run->owner = a;
	run->acc = w->acc;
	run->proc = proc_spawn(app->loop, a->argv, env, ATTN_CMD_LIMIT_MS,
			       run_done, run);
	if (!run->proc)
		failed(a, w->acc, errno, 0, false);
	for (i = 0; env[i]; i++) {
		explicit_bzero(env[i], strlen(env[i])); /* a message is private */
		free(env[i]);
	}
}

/* What each kind plays (core/sound.h). */
static const enum sound_kind sounds[] = {
	[ATTN_NONE] = SOUND_NKINDS,	   [ATTN_HIGHLIGHT] = SOUND_HIGHLIGHT,
	[ATTN_CHAT] = SOUND_MESSAGE,	   [ATTN_PRIVATE] = SOUND_PRIVATE,
	[ATTN_BUZZ] = SOUND_BUZZ,	   [ATTN_CALL] = SOUND_CALL,
	[ATTN_SUBSCRIBE] = SOUND_SUBSCRIBE, [ATTN_FILE] = SOUND_FILE,
};

/* Rings (ATTN_RING: the event, notify_cmd) and plays kind's sound
 * (ATTN_SOUND) for what from said in w (NULL: no window of its own,
 * then nothing but the sound). */
static void ring(struct app *app, struct account *acc, struct window *w,
		 unsigned what, enum attn_kind kind, const char *from,
		 const char *said)
{
	/* one line: the environment and the event carry no newlines */
	char *text = utf8_sanitize(said ? said : "", 0);
	struct event ev = { .type = EV_ATTENTION, .acc = acc,
			    .attention = { kind, w ? w->name : "", from,
					   text } };

	/* an environment string longer than the kernel takes (128 KiB)
	 * would keep the program from starting */
	utf8_cut(text, ATTN_TEXT_MAX);
	if ((what & ATTN_RING) && w) {
		event_emit(app, &ev);
		if (app->cfg.notify_cmd)
			notify(app, w, kind, from, text);
	}
	if (what & (ATTN_RING | ATTN_SOUND))
		sound_play(app, acc, sounds[kind]);
	free(text);
}

void attention_event(struct app *app, struct account *acc, struct window *w,
		     enum attn_kind kind, const char *from, const char *text,
		     bool delayed)
{
	unsigned what = attention_decide(kind, w && app->wins[app->cur_win] == w,
					 delayed);

	if (what)
		ring(app, acc, w, what, kind, from ? from : "", text);
	if (what & ATTN_RING)
		app->dirty = true;
}

void attention_message(struct app *app, struct window *w, struct line *l,
		       bool delayed)
{
	enum attn_kind kind = ATTN_NONE;
	unsigned what;

	if (l->kind != LINE_MSG_IN)
		return;
	if (w->kind == WIN_ROOM) {
		const char *nick = w->room ? w->room->nick : NULL;

		if (attention_is_highlight(l->text, nick, app->cfg.highlights,
					   app->cfg.nhighlights))
			kind = ATTN_HIGHLIGHT;
	} else if (w->kind == WIN_CHAT) {
		kind = w->jid && strchr(w->jid, '/') ? ATTN_PRIVATE : ATTN_CHAT;
	}
	what = attention_decide(kind, app->wins[app->cur_win] == w, delayed);
	if (what & ATTN_COLOUR) {
		l->flags |= LINE_HIGHLIGHT;
		w->generation++;
	}
	if (what & ATTN_MARK)
		w->highlight++;
	if (what & (ATTN_RING | ATTN_SOUND))
		ring(app, w->acc, w, what, kind, l->nick ? l->nick : "",
		     l->text);
	if (what)
		app->dirty = true;
}

void attention_colour_stored(const struct app *app, struct window *w)
{
	const char *nick = w->room ? w->room->nick : NULL;

	for (size_t i = 0; i < w->count; i++) {
		struct line *l = &w->lines[(w->start + i) % w->nalloc];

		if (l->kind == LINE_MSG_IN && !(l->flags & LINE_HIGHLIGHT) &&
		    attention_is_highlight(l->text, nick, app->cfg.highlights,
					   app->cfg.nhighlights))
			l->flags |= LINE_HIGHLIGHT;
	}
	w->generation++;
}

size_t attention_running(const struct app *app)
{
	size_t i, n = 0;

	for (i = 0; app->attention && i < ATTN_MAX_RUNNING; i++)
		n += app->attention->runs[i].proc != NULL;
	return n;
}

void attention_free(struct attention **ap)
{
	struct attention *a = *ap;
	size_t i;

	if (!a)
		return;
	for (i = 0; i < ATTN_MAX_RUNNING; i++)
		proc_cancel(&a->runs[i].proc);
	attention_words_free(&a->argv);
	free(a);
	*ap = NULL;
}
