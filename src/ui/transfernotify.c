/* transfernotify: a transfer's news as lines of the window it was asked for
 * in (core/transfer.h), or of the console once that window is gone.
 *
 * A transfer has one progress line, "Transfer N: NAME: …", added when
 * it starts and rewritten in place as it moves (found again by its id,
 * "transfer:N"), and one more line when it ends: done with the path,
 * failed with why (a refused certificate described, with the /trust
 * that would pin it), or cancelled. The status bar's summary is
 * transfernotify_summary's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/app.h"
#include "core/transfer.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/xmem.h"

void transfernotify_size(int64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, size, "%" PRId64 " B", bytes);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof units / sizeof *units) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* "1.2 MiB of 4.0 MiB (30%), 800 KiB/s" or "1.2 MiB, 800 KiB/s". */
static char *progress_words(const struct transfer *t)
{
	char done[32], total[32], rate[32];

	transfernotify_size(t->done, done, sizeof done);
	transfernotify_size(t->rate, rate, sizeof rate);
	if (t->total > 0) {
		transfernotify_size(t->total, total, sizeof total);
		return xasprintf("%s of %s (%d%%), %s/s", done, total,
				 (int)(t->done * 100 / t->total), rate);
	}
	return xasprintf("%s, %s/s", done, rate);
}

char *transfernotify_line(const struct transfer *t)
{
	static const char *const states[] = {
		[TRANSFER_RUNNING] = "", [TRANSFER_DONE] = "done",
		[TRANSFER_FAILED] = "failed", [TRANSFER_CANCELLED] = "cancelled",
	};
	char *p, *out, *name = t->peer ? xasprintf("%s %s %s", t->name,
						  t->sending ? "to" : "from",
						  t->peer)
				      : xstrdup(t->name);

	if (t->state == TRANSFER_RUNNING && t->upload && !t->url) {
		char size[32];

		transfernotify_size(t->total, size, sizeof size);
		free(name);
		return xasprintf("Transfer %u: %s (upload, %s): asking the "
				 "upload service for a place", t->n, t->name,
				 size);
	}
	if (t->state == TRANSFER_RUNNING) {
		p = progress_words(t);
		out = xasprintf("Transfer %u: %s%s: %s", t->n, name,
				t->upload ? " (upload)" : "", p);
		free(p);
		free(name);
		return out;
	}
	{
		char size[32];

		transfernotify_size(t->done, size, sizeof size);
		out = xasprintf("Transfer %u: %s%s: %s, %s", t->n, name,
				t->upload ? " (upload)" : "", size,
				states[t->state]);
		free(name);
		return out;
	}
}

static struct window *where(struct app *app, const struct transfer *t)
{
	return app_window_or_console(app, t->win_id);
}

static void ended(struct window *w, const struct transfer *t)
{
	time_t now = time(NULL);
	char *line;

	switch (t->state) {
	case TRANSFER_DONE:
		if (t->upload && t->url_fate == TRANSFER_URL_WAITS)
			line = xasprintf("Transfer %u done: %s is at %s\n"
					 "The window of %s was closed before "
					 "it ended: the address waits in its "
					 "outbox and goes to the room when you "
					 "/join it again", t->n, t->src,
					 t->path, t->to);
		else if (t->upload && t->url_fate == TRANSFER_URL_UNSENT)
			line = xasprintf("Transfer %u done: %s is at %s\n"
					 "The address was not sent to %s: you "
					 "are not in the room, and without a "
					 "history there is no outbox to keep "
					 "it in", t->n, t->src, t->path,
					 t->to);
		else if (t->upload)
			line = xasprintf("Transfer %u done: %s is at %s", t->n,
					 t->src, t->path);
		else if (t->sending)
			line = xasprintf("Transfer %u done: %s sent to %s",
					 t->n, t->name, t->peer);
		else
			line = xasprintf("Transfer %u done: saved as %s",
					 t->n, t->path);
		win_add(w, now, LINE_OK, line);
		break;
	case TRANSFER_CANCELLED:
		line = xasprintf("Transfer %u cancelled: %s", t->n,
				 t->upload ? t->src : t->url ? t->url : t->name);
		win_add(w, now, LINE_WARN, line);
		break;
	default:
		if (t->refused)
			line = xasprintf("Transfer %u failed: the upload service "
					 "refused %s: %s%s%s", t->n, t->name,
					 ui_condition_words(t->refused),
					 *t->error ? ": " : "", t->error);
		else
			line = xasprintf("Transfer %u failed: %s", t->n,
					 t->error);
		win_add(w, now, LINE_ERROR, line);
		if (!t->cert_fp)
			break;
		free(line);
		line = xasprintf("The certificate of %s: SHA-256 %s\n"
				 "subject %s\nissuer %s\nIf you trust it "
				 "(compare the fingerprint with the one its "
				 "owner gave you): /trust --transfer %u",
				 t->host, t->cert_fp, t->cert_subject,
				 t->cert_issuer, t->n);
		win_add(w, now, LINE_WARN, line);
		break;
	}
	free(line);
}

void transfernotify_event(struct app *app, const struct event *ev)
{
	const struct transfer *t = ev->transfer.t;
	struct window *w = where(app, t);
	char id[32], *text;
	struct line *l;

	snprintf(id, sizeof id, "transfer:%u", t->n);
	text = transfernotify_line(t);
	l = ev->transfer.what == TRANSFER_STARTED ? NULL : win_find_id(w, id);
	if (l)
		win_line_edit(w, l, text, 0, 0);
	else
		win_add_msg(w, time(NULL), LINE_INFO, 0, NULL, text, id);
	free(text);
	if (ev->transfer.what == TRANSFER_ENDED)
		ended(w, t);
	app->dirty = true;
}

void transfernotify_offer(struct app *app, const struct event *ev)
{
	static const char *const why[] = {
		[OFFER_STRANGER] = "they are not in your roster "
				   "(file_offers_from_strangers)",
		[OFFER_TOO_LARGE] = "it is larger than max_download",
		[OFFER_NO_METHOD] = "it would come over no stream natter speaks",
		[OFFER_TOO_MANY] = "too many offers wait already",
	};
	const struct ev_file_offer *o = &ev->file_offer;
	char size[32] = "size not said";

	if (o->size >= 0)
		transfernotify_size(o->size, size, sizeof size);
	if (o->verdict == OFFER_WAITS)
		app_print(app, LINE_INFO, "%s: %s offers you the file %s (%s): "
			  "see the window \"%s\"", ev->acc->conf->name,
			  o->from, o->name, size, o->window);
	else
		app_print(app, LINE_WARN, "%s: refused the file %s (%s) "
			  "%s offered: %s", ev->acc->conf->name, o->name, size,
			  o->from, why[o->verdict]);
}

char *transfernotify_summary(const struct app *app)
{
	int64_t done, total;
	size_t n = transfer_running(app, &done, &total);

	if (!n)
		return NULL;
	if (total > 0)
		return xasprintf(" %zu transfer%s %d%% |", n, n == 1 ? "" : "s",
				 (int)(done * 100 / total));
	return xasprintf(" %zu transfer%s |", n, n == 1 ? "" : "s");
}
