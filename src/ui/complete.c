/* complete: Tab completion from the command table (see complete.h). */
#include "config.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/paths.h"
#include "core/room.h"
#include "ui/complete.h"
#include "ui/input.h"
#include "util/xmem.h"

void complete_reset(struct completion *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->cands[i]);
	free(c->cands);
	memset(c, 0, sizeof *c);
}

/* Adds s (taken: the caller gives it up) unless it is there already. */
static void push(struct completion *c, char *s)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->cands[i], s) == 0) {
			free(s);
			return;
		}
	}
	xgrow((void **)&c->cands, &c->cap, c->n + 1, sizeof *c->cands);
	c->cands[c->n++] = s;
}

static void add(struct completion *c, const char *prefix, const char *s)
{
	if (strncmp(s, prefix, strlen(prefix)) == 0)
		push(c, xstrdup(s));
}

/* nick as one word of a command line (cmd_split): in double quotes,
 * with \ before quotes and backslashes, when it holds any of those or a
 * space; as it is otherwise. The caller frees it. */
static char *quote_word(const char *nick)
{
	char *out, *o;

	if (!strpbrk(nick, " \t\"\\"))
		return xstrdup(nick);
	out = o = xmalloc(strlen(nick) * 2 + 3);
	*o++ = '"';
	for (; *nick; nick++) {
		if (*nick == '"' || *nick == '\\')
			*o++ = '\\';
		*o++ = *nick;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* The nicks in the current room window, ours excepted, that start with
 * prefix whatever their case, each followed by suffix; quoted as command
 * words with quote. */
static void add_nicks(struct app *app, struct completion *c,
		      const char *prefix, const char *suffix, bool quote)
{
	struct window *w = app->wins[app->cur_win];
	const struct room *r = w->kind == WIN_ROOM ? w->room : NULL;
	size_t i, plen;

	if (!r)
		return;
	if (quote && prefix[0] == '"')
		prefix++;
	plen = strlen(prefix);
	for (i = 0; i < r->nocc; i++) {
		const char *nick = r->occ[i].nick;
		char *word;

		if ((r->nick && strcmp(nick, r->nick) == 0) ||
		    strncasecmp(nick, prefix, plen) != 0)
			continue;
		word = quote ? quote_word(nick) : xstrdup(nick);
		push(c, xasprintf("%s%s", word, suffix));
		free(word);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct cmd_collect {
	struct completion *c;
	const char *prefix;
	int slash; /* "/name" for a command, "name" for /help's argument */
};

static void add_cmd(const struct cmd *cmd, void *ud)
{
	struct cmd_collect *cc = ud;
	char *name = xasprintf("%s%s", cc->slash ? "/" : "", cmd->name);

	add(cc->c, cc->prefix, name);
	free(name);
}

static void add_commands(struct completion *c, const char *prefix,
			 int slash)
{
	struct cmd_collect cc = { c, prefix, slash };

	cmd_each(add_cmd, &cc);
}

static void add_contacts(struct app *app, struct completion *c,
			 const char *prefix)
{
	size_t i, j;

	for (i = 0; i < app->naccounts; i++) {
		struct roster *r = &app->accounts[i]->roster;

		for (j = 0; j < r->n; j++) {
			add(c, prefix, r->items[j].jid);
			/* names with spaces would split into words */
			if (r->items[j].name && !strchr(r->items[j].name, ' '))
				add(c, prefix, r->items[j].name);
		}
	}
	for (i = 1; i < app->nwins; i++)
		if (app->wins[i]->jid)
			add(c, prefix, app->wins[i]->jid);
}

/* Rooms: bookmarked ones (JIDs and names without spaces) and open
 * room windows. */
static void add_rooms(struct app *app, struct completion *c,
		      const char *prefix)
{
	size_t i, j;

	for (i = 0; i < app->naccounts; i++) {
		const struct bookmarks *l = &app->accounts[i]->bookmarks;

		for (j = 0; j < l->n; j++) {
			add(c, prefix, l->items[j].jid);
			if (l->items[j].name && *l->items[j].name &&
			    !strchr(l->items[j].name, ' '))
				add(c, prefix, l->items[j].name);
		}
	}
	for (i = 1; i < app->nwins; i++)
		if (app->wins[i]->kind == WIN_ROOM)
			add(c, prefix, app->wins[i]->jid);
}

/* At most this many names of one directory are offered. */
#define COMPLETE_MAX_PATHS 1000

/* Local files and directories whose path starts with prefix (a leading
 * ~/ is the home directory, and stays as typed); a directory's ends in
 * '/' and a lone one takes no space after it, for the next part. Hidden
 * names only when the prefix's last part starts with a dot. */
static void add_paths(struct completion *c, const char *prefix)
{
	const char *slash = strrchr(prefix, '/');
	char *typed = slash ? xstrndup(prefix, (size_t)(slash - prefix) + 1)
			    : xstrdup("");
	const char *base = slash ? slash + 1 : prefix;
	char *dir = *typed ? paths_expand_home(typed) : xstrdup(".");
	size_t blen = strlen(base);
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)) && c->n < COMPLETE_MAX_PATHS) {
		struct stat st;
		char *full;
		bool is_dir;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (e->d_name[0] == '.' && base[0] != '.') ||
		    strncmp(e->d_name, base, blen) != 0)
			continue;
		full = xasprintf("%s/%s", dir, e->d_name);
		is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		free(full);
		push(c, xasprintf("%s%s%s", typed, e->d_name, is_dir ? "/" : ""));
	}
	if (d)
		closedir(d);
	if (c->n == 1 && c->cands[0][strlen(c->cands[0]) - 1] == '/')
		c->suffixed = 1;
	free(typed);
	free(dir);
}

/* Index of the word that starts at `start` in buf (0: the first). */
static int word_index(const char *buf, size_t start)
{
	int n = 0;
	size_t i;

	for (i = 0; i < start; i++)
		if (buf[i] != ' ' && (i == 0 || buf[i - 1] == ' '))
			n++;
	return n;
}

static void collect(struct app *app, struct completion *c, const char *buf,
		    const char *prefix)
{
	int idx = word_index(buf, c->start);
	const struct cmd *cmd;
	char *name;
	size_t i;

	if (buf[0] != '/') {
		struct window *w = app->wins[app->cur_win];

		if (w->kind == WIN_ROOM) {
			/* "alice: " addresses her at the start of a line */
			add_nicks(app, c, prefix, c->start == 0 ? ": " : " ",
				  false);
			c->suffixed = 1;
		} else if (w->jid) {
			add(c, prefix, w->name);
		}
		return;
	}
	if (idx == 0) {
		add_commands(c, prefix, 1);
		return;
	}
	name = xstrndup(buf + 1, strcspn(buf + 1, " "));
	cmd = cmd_find(name);
	free(name);
	if (!cmd)
		return;
	switch (cmd->arg) {
	case ARG_ACCOUNT:
		for (i = 0; i < app->naccounts; i++)
			add(c, prefix, app->accounts[i]->conf->name);
		break;
	case ARG_COMMAND:
		add_commands(c, prefix, 0);
		break;
	case ARG_CONTACT:
		add_contacts(app, c, prefix);
		add_nicks(app, c, prefix, "", true);
		break;
	case ARG_NICK:
		add_nicks(app, c, prefix, "", true);
		break;
	case ARG_ROOM:
		add_rooms(app, c, prefix);
		break;
	case ARG_BOOKMARK:
		for (i = 0; idx == 1 && cmd_bookmark_words[i]; i++)
			if (i < 3) /* the subcommands */
				add(c, prefix, cmd_bookmark_words[i]);
		if (idx > 1) {
			for (i = 3; cmd_bookmark_words[i]; i++)
				add(c, prefix, cmd_bookmark_words[i]);
			add_rooms(app, c, prefix);
		}
		break;
	case ARG_BLOCKED:
		for (i = 0; i < app->naccounts; i++) {
			const struct blocklist *l = &app->accounts[i]->blocklist;
			size_t j;

			for (j = 0; j < l->n; j++)
				add(c, prefix, l->jids[j]);
		}
		break;
	case ARG_PATH:
		add_paths(c, prefix);
		break;
	case ARG_NONE:
		break;
	}
}

/* Replaces the word being completed with s (and a space after a unique
 * match). */
static void replace_word(struct input *in, size_t start, const char *s,
			 int unique)
{
	size_t end = in->cursor;

	memmove(in->buf + start, in->buf + end, in->len - end + 1);
	in->len -= end - start;
	in->cursor = start;
	input_insert_str(in, s);
	if (unique)
		input_insert_str(in, " ");
}

size_t complete_tab(struct app *app, struct completion *c, struct input *in)
{
	char *prefix;

	if (!c->active) {
		size_t start = in->cursor;

		while (start > 0 && in->buf[start - 1] != ' ')
			start--;
		complete_reset(c);
		c->start = start;
		prefix = xstrndup(in->buf + start, in->cursor - start);
		collect(app, c, in->buf, prefix);
		free(prefix);
		if (c->n > 1) /* with none, cands is NULL: not for qsort */
			qsort(c->cands, c->n, sizeof *c->cands, cmp_str);
		c->active = 1;
		if (c->n == 0)
			return 0;
	}
	if (c->n == 0)
		return 0;
	replace_word(in, c->start, c->cands[c->next],
		     c->n == 1 && !c->suffixed);
	c->next = (c->next + 1) % c->n;
	return c->n;
}
