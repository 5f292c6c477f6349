/* input: line editor model (see input.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui/input.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define HISTORY_MAX 500

void input_init(struct input *in)
{
	memset(in, 0, sizeof *in);
	in->cap = 64;
	in->buf = xcalloc(in->cap, 1);
}

void input_clear(struct input *in)
{
	size_t i;

	for (i = 0; i < in->nhist; i++)
		free(in->hist[i]);
	free(in->hist);
	free(in->buf);
	free(in->yank);
	free(in->saved);
	free(in->query);
	free(in->before_search);
	memset(in, 0, sizeof *in);
}

static void set_text(struct input *in, const char *s)
{
	in->len = in->cursor = 0;
	in->buf[0] = '\0';
	input_insert_str(in, s);
}

void input_insert_str(struct input *in, const char *s)
{
	size_t n = strlen(s);

	xgrow((void **)&in->buf, &in->cap, in->len + n + 1, 1);
	memmove(in->buf + in->cursor + n, in->buf + in->cursor,
		in->len - in->cursor + 1);
	memcpy(in->buf + in->cursor, s, n);
	in->len += n;
	in->cursor += n;
}

void input_insert(struct input *in, uint32_t cp)
{
	char enc[5];

	/* typed or pasted, a control or a bidi override never gets in:
	 * the line is drawn and sent as it is (newline and tab are text) */
	if (cp != '\n' && cp != '\t' && utf8_cp_hostile(cp))
		return;

	enc[utf8_encode(cp, enc)] = '\0';
	input_insert_str(in, enc);
}

static size_t prev_char(const struct input *in, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)in->buf[pos] & 0xC0) == 0x80)
		pos--;
	return pos;
}

static size_t next_char(const struct input *in, size_t pos)
{
	if (pos >= in->len)
		return in->len;
	pos++;
	while (pos < in->len && ((unsigned char)in->buf[pos] & 0xC0) == 0x80)
		pos++;
	return pos;
}

/* Removes bytes [from, to) and, when keep, remembers them for yanking. */
static void cut(struct input *in, size_t from, size_t to, int keep)
{
	if (to <= from)
		return;
	if (keep) {
		free(in->yank);
		in->yank = xstrndup(in->buf + from, to - from);
	}
	memmove(in->buf + from, in->buf + to, in->len - to + 1);
	in->len -= to - from;
	in->cursor = from;
}

void input_backspace(struct input *in)
{
	cut(in, prev_char(in, in->cursor), in->cursor, 0);
}

void input_delete(struct input *in)
{
	size_t c = in->cursor;

	cut(in, c, next_char(in, c), 0);
	in->cursor = c;
}

void input_left(struct input *in)
{
	in->cursor = prev_char(in, in->cursor);
}

void input_right(struct input *in)
{
	in->cursor = next_char(in, in->cursor);
}

void input_home(struct input *in)
{
	in->cursor = 0;
}

void input_end(struct input *in)
{
	in->cursor = in->len;
}

static int is_space_at(const struct input *in, size_t pos)
{
	return in->buf[pos] == ' ' || in->buf[pos] == '\t';
}

static size_t word_start(const struct input *in, size_t pos)
{
	while (pos > 0 && is_space_at(in, prev_char(in, pos)))
		pos = prev_char(in, pos);
	while (pos > 0 && !is_space_at(in, prev_char(in, pos)))
		pos = prev_char(in, pos);
	return pos;
}

void input_word_left(struct input *in)
{
	in->cursor = word_start(in, in->cursor);
}

void input_word_right(struct input *in)
{
	size_t pos = in->cursor;

	while (pos < in->len && is_space_at(in, pos))
		pos = next_char(in, pos);
	while (pos < in->len && !is_space_at(in, pos))
		pos = next_char(in, pos);
	in->cursor = pos;
}

void input_kill_end(struct input *in)
{
	size_t c = in->cursor;

	cut(in, c, in->len, 1);
	in->cursor = c;
}

void input_kill_start(struct input *in)
{
	cut(in, 0, in->cursor, 1);
}

void input_kill_word(struct input *in)
{
	cut(in, word_start(in, in->cursor), in->cursor, 1);
}

void input_yank(struct input *in)
{
	if (in->yank)
		input_insert_str(in, in->yank);
}

void input_hist_prev(struct input *in)
{
	if (in->hpos == 0)
		return;
	if (in->hpos == in->nhist) {
		free(in->saved);
		in->saved = xstrdup(in->buf);
	}
	in->hpos--;
	set_text(in, in->hist[in->hpos]);
}

void input_hist_next(struct input *in)
{
	if (in->hpos >= in->nhist)
		return;
	in->hpos++;
	if (in->hpos == in->nhist) {
		set_text(in, in->saved ? in->saved : "");
		xfree(&in->saved);
	} else {
		set_text(in, in->hist[in->hpos]);
	}
}

void input_set_text(struct input *in, const char *s)
{
	set_text(in, s);
}

char *input_take(struct input *in)
{
	char *line = xstrdup(in->buf);

	if (*line && (in->nhist == 0 || strcmp(in->hist[in->nhist - 1], line))) {
		if (in->nhist == HISTORY_MAX) {
			free(in->hist[0]);
			memmove(in->hist, in->hist + 1,
				(in->nhist - 1) * sizeof *in->hist);
			in->nhist--;
		}
		xgrow((void **)&in->hist, &in->caphist, in->nhist + 1,
		      sizeof *in->hist);
		in->hist[in->nhist++] = xstrdup(line);
	}
	in->hpos = in->nhist;
	xfree(&in->saved);
	set_text(in, "");
	return line;
}

/* Shows the newest history entry at or before index from that contains
 * the query; keeps the current one when there is none. */
static void search_from(struct input *in, size_t from)
{
	size_t i;

	for (i = from; i > 0; i--) {
		if (strstr(in->hist[i - 1], in->query)) {
			in->spos = i - 1;
			set_text(in, in->hist[i - 1]);
			return;
		}
	}
}

void input_search(struct input *in)
{
	if (!in->searching) {
		in->searching = 1;
		free(in->query);
		in->query = xstrdup("");
		free(in->before_search);
		in->before_search = xstrdup(in->buf);
		in->spos = in->nhist;
		return;
	}
	if (*in->query)
		search_from(in, in->spos);
}

void input_search_insert(struct input *in, uint32_t cp)
{
	char enc[5];
	char *q;

	enc[utf8_encode(cp, enc)] = '\0';
	q = xasprintf("%s%s", in->query, enc);
	free(in->query);
	in->query = q;
	/* the current match may still fit the longer query */
	search_from(in, in->spos < in->nhist ? in->spos + 1 : in->nhist);
}

void input_search_backspace(struct input *in)
{
	size_t n = strlen(in->query);

	while (n > 0 && ((unsigned char)in->query[n - 1] & 0xC0) == 0x80)
		n--;
	if (n > 0)
		n--;
	in->query[n] = '\0';
	if (n)
		search_from(in, in->nhist);
}

void input_search_end(struct input *in, int accept)
{
	if (!in->searching)
		return;
	in->searching = 0;
	if (!accept)
		set_text(in, in->before_search ? in->before_search : "");
	xfree(&in->before_search);
	in->hpos = in->nhist;
}

void input_hist_swap(struct input *in, char ***hist, size_t *n, size_t *cap)
{
	char **h = in->hist;
	size_t hn = in->nhist, hc = in->caphist;

	in->hist = *hist;
	in->nhist = *n;
	in->caphist = *cap;
	*hist = h;
	*n = hn;
	*cap = hc;
	in->hpos = in->nhist;
	xfree(&in->saved);
}
