/* bookmark: an account's bookmarked rooms (see bookmark.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/bookmark.h"
#include "util/utf8.h"
#include "util/xmem.h"

void bookmark_clear(struct bookmark *b)
{
	free(b->jid);
	free(b->name);
	free(b->nick);
	if (b->password)
		explicit_bzero(b->password, strlen(b->password));
	free(b->password);
	memset(b, 0, sizeof *b);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void bookmark_copy(struct bookmark *dst, const struct bookmark *src)
{
	dst->jid = dup_or_null(src->jid);
	dst->name = dup_or_null(src->name);
	dst->nick = dup_or_null(src->nick);
	dst->password = dup_or_null(src->password);
	dst->autojoin = src->autojoin;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool bookmark_equal(const struct bookmark *a, const struct bookmark *b)
{
	return same(a->jid, b->jid) && same(a->name, b->name) &&
	       same(a->nick, b->nick) && same(a->password, b->password) &&
	       a->autojoin == b->autojoin;
}

/* What the Rooms group shows for b: its name, else its room's local
 * part (len bytes of the returned text). */
static const char *shown_of(const struct bookmark *b, size_t *len)
{
	const char *at = strchr(b->jid, '@');

	if (b->name && *b->name) {
		*len = strlen(b->name);
		return b->name;
	}
	*len = at ? (size_t)(at - b->jid) : strlen(b->jid);
	return b->jid;
}

char *bookmark_label(const struct bookmark *b)
{
	size_t len;
	const char *s = shown_of(b, &len);

	return xstrndup(s, len);
}

void bookmarks_init(struct bookmarks *l)
{
	memset(l, 0, sizeof *l);
}

void bookmarks_clear(struct bookmarks *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		bookmark_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* Where jid is, or would go: the index of the first item not below it. */
static size_t lower_bound(const struct bookmarks *l, const char *jid)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(l->items[mid].jid, jid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct bookmark *bookmarks_find(const struct bookmarks *l, const char *jid)
{
	size_t i = lower_bound(l, jid);

	return i < l->n && strcmp(l->items[i].jid, jid) == 0 ? &l->items[i] :
							       NULL;
}

struct bookmark *bookmarks_by_name(const struct bookmarks *l,
				   const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->items[i].name && strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

struct bookmark *bookmarks_by_label(const struct bookmarks *l,
				    const char *label)
{
	struct bookmark *found = NULL;
	size_t i, n = strlen(label);

	for (i = 0; i < l->n; i++) {
		const struct bookmark *b = &l->items[i];

		if ((b->name && *b->name) || strncmp(b->jid, label, n) != 0 ||
		    b->jid[n] != '@')
			continue;
		if (found) /* ambiguous */
			return NULL;
		found = &l->items[i];
	}
	return found;
}

struct bookmark *bookmarks_by_name_nocase(const struct bookmarks *l,
					  const char *s)
{
	struct bookmark *found = NULL;
	size_t i, n = strlen(s), len;
	const char *t;

	for (i = 0; i < l->n; i++) {
		t = shown_of(&l->items[i], &len);
		if (!utf8_same_nocase(t, len, s, n))
			continue;
		if (found) /* ambiguous: two rooms answer to it */
			return NULL;
		found = &l->items[i];
	}
	return found;
}

struct bookmark *bookmarks_typed(const struct bookmarks *l, const char *s)
{
	struct bookmark *b = bookmarks_by_name(l, s);

	if (b || strchr(s, '@'))
		return b;
	b = bookmarks_by_label(l, s);
	return b ? b : bookmarks_by_name_nocase(l, s);
}

bool bookmarks_put(struct bookmarks *l, struct bookmark *b)
{
	size_t i = lower_bound(l, b->jid);

	if (i < l->n && strcmp(l->items[i].jid, b->jid) == 0) {
		if (bookmark_equal(&l->items[i], b)) {
			bookmark_clear(b);
			return false;
		}
		bookmark_clear(&l->items[i]);
	} else {
		xgrow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items);
		memmove(&l->items[i + 1], &l->items[i],
			(l->n - i) * sizeof *l->items);
		l->n++;
	}
	l->items[i] = *b;
	memset(b, 0, sizeof *b);
	return true;
}

bool bookmarks_remove(struct bookmarks *l, const char *jid)
{
	size_t i = lower_bound(l, jid);

	if (i >= l->n || strcmp(l->items[i].jid, jid) != 0)
		return false;
	bookmark_clear(&l->items[i]);
	memmove(&l->items[i], &l->items[i + 1],
		(l->n - i - 1) * sizeof *l->items);
	l->n--;
	return true;
}

void bookmarks_loaded(struct app *app, struct account *acc,
		      struct bookmarks *fresh, enum bookmark_store store)
{
	struct event ev = { .type = EV_BOOKMARKS_LOADED, .acc = acc };

	bookmarks_clear(&acc->bookmarks);
	acc->bookmarks = *fresh;
	acc->bookmarks.store = store;
	acc->bookmarks.loaded = true;
	bookmarks_init(fresh);
	ev.bookmarks_loaded.count = acc->bookmarks.n;
	event_emit(app, &ev);
}

void bookmark_changed(struct app *app, struct account *acc,
		      struct bookmark *b)
{
	struct event ev = { .type = EV_BOOKMARK_CHANGED, .acc = acc };
	char *jid = xstrdup(b->jid);

	if (bookmarks_put(&acc->bookmarks, b)) {
		ev.bookmark_changed.jid = jid;
		event_emit(app, &ev);
	}
	free(jid);
}

void bookmark_removed(struct app *app, struct account *acc, const char *jid)
{
	struct event ev = { .type = EV_BOOKMARK_CHANGED, .acc = acc,
			    .bookmark_changed = { .jid = jid,
						  .removed = true } };

	if (bookmarks_remove(&acc->bookmarks, jid))
		event_emit(app, &ev);
}

void bookmark_failed(struct app *app, struct account *acc, const char *jid,
		     bool removing, const char *cond, const char *text)
{
	struct event ev = { .type = EV_BOOKMARK_ERROR, .acc = acc,
			    .bookmark_error = { .jid = jid,
						.removing = removing,
						.cond = cond ? cond :
						"undefined-condition",
						.text = text } };

	event_emit(app, &ev);
}
