/* view: drawing the current window's lines, wrapped to the width, and
 * the views (struct winview) of the kinds of window that hold lines:
 * the console, conversations, rooms.
 *
 * A line is drawn as its timestamp, then for messages the sender ("<bob>"
 * or "* bob" for actions; in rooms in the nick's colour), then the
 * text, wrapped under itself. A
 * newline in the text (remote text keeps its own) starts a continuation
 * row indented the same way, never a row of its own with a stamp. Rows are
 * laid out from the newest line upwards, so only what is visible is
 * measured.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/room.h"
#include "cmd/cmd.h"
#include "core/conv.h"
#include "core/idle.h"
#include "core/xmlconsole.h"
#include "core/feed.h"
#include "core/pep.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

size_t ui_fit(const char *s, size_t width)
{
	size_t i = 0, n = strlen(s), w = 0, space = 0;
	uint32_t cp;

	while (i < n && s[i] != '\n') {
		/* printable ASCII, most of a line, needs no decoding */
		bool ascii = s[i] >= 0x20 && s[i] < 0x7F;
		size_t len = ascii ? 1 : utf8_decode(s + i, n - i, &cp);
		size_t cw = ascii ? 1 : (size_t)utf8_cp_width(cp);

		if (ascii)
			cp = (uint32_t)s[i];
		if (w + cw > width)
			break;
		w += cw;
		i += len;
		if (cp == ' ' && w > width / 2)
			space = i;
	}
	if (i < n && s[i] != '\n' && space)
		return space;
	if (i == 0 && n && s[0] != '\n')
		return utf8_decode(s, n, &cp); /* wider than the width */
	return i;
}

static attr_t kind_attr(struct ui *ui, enum line_kind k)
{
	switch (k) {
	case LINE_ERROR: return UI_ATTR(ui, TH_ERROR);
	case LINE_OK: return UI_ATTR(ui, TH_OK);
	case LINE_WARN: return UI_ATTR(ui, TH_WARN);
	case LINE_INFO: return UI_ATTR(ui, TH_INFO);
	default: return UI_ATTR(ui, TH_TEXT);
	}
}

/* A sender's name is never cut shorter than this many cells. */
#define NAME_MIN 16

/* Room for most senders ("<nick> ") without an allocation per line and
 * draw. */
#define WHO_BUF 64

/* The sender part of a message line, e.g. "<bob> " or "* bob ", in buf
 * (of WHO_BUF bytes) when it fits, else allocated (free it when it is
 * not buf). NULL for system lines. */
static char *sender(const struct line *l, char *buf)
{
	const char *nick = l->nick ? l->nick : "?";
	bool action = l->flags & LINE_ACTION;
	size_t n = strlen(nick);

	if (l->kind != LINE_MSG_IN && l->kind != LINE_MSG_OUT)
		return NULL;
	if (n + 4 > WHO_BUF)
		return xasprintf(action ? "* %s " : "<%s> ", nick);
	memcpy(buf, action ? "* " : "<", action ? 2 : 1);
	memcpy(buf + (action ? 2 : 1), nick, n);
	memcpy(buf + (action ? 2 : 1) + n, action ? " " : "> ",
	       action ? 2 : 3);
	return buf;
}

/* A device's label is cut to this many cells. */
#define DEVICE_MAX 16

/* The label of the user's other client a message line came from or
 * went to, e.g. "[phone] " (written there) or "[to phone] " (received
 * there); NULL when the line has none. The caller frees it. */
static char *device_label(const struct line *l)
{
	char *d, *label;

	if (!l->device || (l->kind != LINE_MSG_IN && l->kind != LINE_MSG_OUT))
		return NULL;
	d = xstrndup(l->device, ui_fit(l->device, DEVICE_MAX));
	label = xasprintf(l->kind == LINE_MSG_OUT ? "[%s] " : "[to %s] ", d);
	free(d);
	return label;
}

/* What follows an outgoing message: where it is (core/outbox). A line
 * with no mark has reached the server. */
static const char *delivery_mark(unsigned flags)
{
	if (flags & LINE_DISPLAYED) /* the peer's chat marker (XEP-0333) */
		return " (read)";
	if (flags & LINE_RECEIVED)
		return " \u2713";
	if (flags & LINE_QUEUED)
		return " (queued)";
	if (flags & LINE_SENT)
		return " (sent)";
	return "";
}

/* What follows a corrected or retracted message (core/edit): a
 * retracted one has no text left, only this. */
static const char *edit_mark(unsigned flags)
{
	if (flags & LINE_RETRACTED)
		return "(retracted)";
	if (flags & LINE_EDITED)
		return " (edited)";
	return "";
}

/* The sender's attributes: the theme's, in a room with the nick's own
 * colour instead of the theme's. */
static attr_t sender_attr(struct app *app, const struct window *w,
			  const struct line *l)
{
	attr_t theme = UI_ATTR((struct ui *)app->ui,
			       l->kind == LINE_MSG_IN ? TH_NICK_IN : TH_NICK_OUT);
	attr_t nick;

	if (w->kind != WIN_ROOM)
		return theme;
	nick = ui_nick_attr(app, l->nick, theme);
	return nick == theme ? theme : (theme & ~A_COLOR) | nick;
}

/* The timestamp last formatted, for the next line: the lines of a
 * burst share their second, and localtime and strftime cost more than
 * the rest of a line's layout. One per draw. */
struct stamp {
	bool set;
	time_t ts;
	char text[TIME_FORMAT_MAX];
	size_t width; /* of the text and the space after it */
};

/* How a line is laid out: its timestamp, its sender (cut when long),
 * the cells left for its text, and its height in rows. */
struct layout {
	const char *stamp; /* borrowed from the struct stamp */
	size_t sw;
	char *who;         /* NULL, whobuf, or allocated */
	char whobuf[WHO_BUF];
	size_t ww;
	char *dev;         /* device_label(), or NULL */
	size_t dw;
	size_t width;
	size_t rows;
};

static void stamp_set(struct app *app, struct stamp *st, time_t ts)
{
	struct tm tm;

	if (st->set && st->ts == ts)
		return;
	localtime_r(&ts, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* time_format: checked by conf_load */
	if (strftime(st->text, sizeof st->text, app->cfg.time_format, &tm) == 0)
		st->text[0] = '\0';
#pragma GCC diagnostic pop
	st->width = utf8_width(st->text) + 1;
	st->ts = ts;
	st->set = true;
}

/* Lays l out in cols cells (release with layout_done). */
static void layout(struct app *app, struct stamp *st, const struct line *l,
		   int cols, struct layout *lo)
{
	size_t room, limit, off = 0, len = strlen(l->text);

	stamp_set(app, st, l->ts);
	lo->stamp = st->text;
	lo->sw = st->width;
	lo->who = sender(l, lo->whobuf);
	lo->ww = lo->who ? utf8_width(lo->who) : 0;
	room = lo->sw + 2 < (size_t)cols ? (size_t)cols - lo->sw : 0;
	limit = room / 2 > NAME_MIN ? room / 2 : NAME_MIN;
	if (limit + 10 > room)
		limit = room / 2;
	if (lo->who && limit > 1 && lo->ww > limit) {
		/* a long name is cut (keeping the space after it), so the
		 * text keeps half the room, or all but NAME_MIN cells */
		size_t n = ui_fit(lo->who, limit - 1);

		lo->who[n] = ' ';
		lo->who[n + 1] = '\0';
		lo->ww = utf8_width(lo->who);
	}
	lo->dev = device_label(l);
	lo->dw = lo->dev ? utf8_width(lo->dev) : 0;
	if (lo->dw && lo->sw + lo->ww + lo->dw + 10 > (size_t)cols) {
		xfree(&lo->dev); /* no room for it beside the text */
		lo->dw = 0;
	}
	lo->width = (size_t)cols > lo->sw + lo->ww + lo->dw + 1 ?
			    (size_t)cols - lo->sw - lo->ww - lo->dw : 1;
	lo->rows = l->quote ? 1 : 0; /* a reply's quote: a row of its own */
	do {
		off += ui_fit(l->text + off, lo->width);
		if (off < len && l->text[off] == '\n')
			off++;
		lo->rows++;
	} while (off < len);
}

static void layout_done(struct layout *lo)
{
	if (lo->who != lo->whobuf)
		free(lo->who);
	lo->who = NULL;
	xfree(&lo->dev);
}

/* The timestamp and sender of l's first row. */
static void draw_head(struct app *app, const struct window *w,
		      const struct line *l, const struct layout *lo, long row,
		      int left)
{
	mvaddstr((int)row, left, lo->stamp);
	if (lo->who) {
		attron(sender_attr(app, w, l));
		mvaddstr((int)row, left + (int)lo->sw, lo->who);
		attrset(A_NORMAL);
	}
	if (lo->dev) {
		struct ui *ui = app->ui;

		attron(UI_ATTR(ui, TH_DEVICE));
		mvaddstr((int)row, left + (int)(lo->sw + lo->ww), lo->dev);
		attrset(A_NORMAL);
	}
}

/* Draws l of w as laid out in lo with its first row at `top`, clipped
 * to rows [first, last]. */
static void draw_line(struct app *app, const struct window *w,
		      const struct line *l, const struct layout *lo, long top,
		      int first, int last, int left)
{
	struct ui *ui = app->ui;
	const char *mark = delivery_mark(l->flags);
	size_t off = 0, len = strlen(l->text);
	long row = top;

	if (l->quote) {
		/* "> alice: first words…", dimmed, where the text would
		 * start; the text follows on the rows below */
		if (row >= first && row <= last) {
			draw_head(app, w, l, lo, row, left);
			attron(UI_ATTR(ui, TH_INFO) | A_DIM);
			mvaddstr((int)row,
				 left + (int)(lo->sw + lo->ww + lo->dw), "> ");
			addnstr(l->quote, (int)ui_fit(l->quote, lo->width > 2 ?
							       lo->width - 2 :
							       1));
			attrset(A_NORMAL);
		}
		row++;
	}
	do {
		size_t n = ui_fit(l->text + off, lo->width);

		if (row >= first && row <= last) {
			if (off == 0 && !l->quote)
				draw_head(app, w, l, lo, row, left);
			attron((l->flags & LINE_HIGHLIGHT ?
					UI_ATTR(ui, TH_HIGHLIGHT) :
					kind_attr(ui, l->kind)) |
			       (l->flags & LINE_FOUND ? A_REVERSE : 0));
			mvaddnstr((int)row,
				  left + (int)(lo->sw + lo->ww + lo->dw),
				  l->text + off, (int)n);
			attrset(A_NORMAL);
		}
		off += n;
		if (off < len && l->text[off] == '\n')
			off++;
		row++;
	} while (off < len);
	if (row - 1 >= first && row - 1 <= last) {
		const char *em = edit_mark(l->flags);

		if (*em) {
			attron(A_DIM);
			addstr(em);
			attrset(A_NORMAL);
		}
		if (*mark)
			addstr(mark);
	}
}

/* The height of l in rows at cols cells. */
static size_t line_rows(struct app *app, struct stamp *st,
			const struct line *l, int cols)
{
	struct layout lo;

	layout(app, st, l, cols, &lo);
	layout_done(&lo);
	return lo.rows;
}

/* A jump asked to see a history row: scroll so it sits in the middle. */
static void follow_focus(struct app *app, struct window *w, int height,
			 int cols)
{
	struct ui *ui = app->ui;
	struct stamp st = { 0 };
	long below = 0;
	size_t i;

	for (i = w->count; i > 0; i--) {
		const struct line *l = win_line(w, i - 1);

		if (l->rowid == w->focus_rowid)
			break;
		below += (long)line_rows(app, &st, l, cols);
	}
	w->focus_rowid = 0;
	if (i == 0)
		return;
	below -= height / 2;
	ui->scroll = below > 0 ? (size_t)below : 0;
}

void view_draw(struct app *app, struct window *w, int top, int left,
	       int height, int cols)
{
	struct ui *ui = app->ui;
	struct stamp st = { 0 };
	long bottom;
	size_t i = w->count;

	if (w->focus_rowid)
		follow_focus(app, w, height, cols);
	bottom = height - 1 + (long)ui->scroll;
	/* walk back from the newest line until the area is full, laying
	 * each out once */
	while (i > 0 && bottom >= 0) {
		const struct line *l = win_line(w, --i);
		struct layout lo;
		long rows;

		layout(app, &st, l, cols, &lo);
		rows = (long)lo.rows;
		if (bottom - rows + 1 <= height - 1)
			draw_line(app, w, l, &lo, top + bottom - rows + 1, top,
				  top + height - 1, left);
		layout_done(&lo);
		bottom -= rows;
	}
	/* scrolled past the oldest line in memory: fetch older history */
	if (bottom >= 0 && ui->scroll &&
	    (w->kind == WIN_CHAT || w->kind == WIN_ROOM) && !w->history_done)
		conv_load_older(app, w, 100);
	/* and past the oldest stored: ask the archive (once at a time) */
	else if (bottom >= 0 && ui->scroll && w->kind == WIN_CHAT)
		(void)xs_archive_older(app, w);
}

static const char *const chat_state_words[] = {
	[CHAT_NONE] = NULL,         [CHAT_ACTIVE] = NULL,
	[CHAT_COMPOSING] = "typing…", [CHAT_PAUSED] = "stopped typing",
	[CHAT_INACTIVE] = "inactive", [CHAT_GONE] = "left the conversation",
};

static char *console_title(struct app *app, struct window *w)
{
	(void)app;
	(void)w;
	return xstrdup(" natter console: messages from natter and the servers");
}

/* Who the conversation is with: name, JID and the resource replies go
 * to, their presence and status, their chat state. */
static char *chat_title(struct app *app, struct window *w)
{
	struct roster_item *it = roster_get(&w->acc->roster, w->jid);
	const char *cs = chat_state_words[w->peer_state];
	/* what the contact publishes (core/pep.h), in brief */
	char *pep = it ? feednotify_pep_brief(pep_get(w->acc, w->jid)) : NULL;
	char *t;

	(void)app;
	t = xasprintf(" %s <%s%s%s>%s%s%s%s%s%s%s%s%s", w->name, w->jid,
		      w->resource ? "/" : "", w->resource ? w->resource : "",
		      it ? " — " : " — not in your roster",
		      it ? presence_show_name(it->best) : "",
		      it && it->status ? ": " : "",
		      it && it->status ? it->status : "", cs ? " (" : "",
		      cs ? cs : "", cs ? ")" : "", pep ? " — " : "",
		      pep ? pep : "");
	free(pep);
	return t;
}

/* " room@service (Name) — joined, 12 here, you are nick (participant)
 * — subject"; the title row cuts what does not fit. */
static char *room_title(struct app *app, struct window *w)
{
	const struct room *r = w->room;
	/* offline, the room's last word is stale: the next session joins
	 * it again (or a resumed one finds us still in) */
	bool offline = w->acc && w->acc->state != ACC_ONLINE;
	char *state = offline && r->joined ?
			      xasprintf("offline (joined again when %s is back),"
					" you are %s", w->acc->conf->name,
					r->nick) :
		      r->joined ?
			      xasprintf("joined, %zu here, you are %s (%s)",
					r->nocc, r->nick,
					room_role_name(r->role)) :
			      xasprintf("not joined, you are %s", r->nick);
	char *t;

	(void)app;
	t = xasprintf(" %s%s%s%s — %s%s%s", w->jid, r->name ? " (" : "",
		      r->name ? r->name : "", r->name ? ")" : "", state,
		      r->subject ? " — " : "", r->subject ? r->subject : "");
	free(state);
	return t;
}

static char *strangers_title(struct app *app, struct window *w)
{
	(void)app;
	(void)w;
	return xstrdup(" strangers: messages from JIDs not in your roster; /query JID answers one");
}

/* " XML console of work (alice@example.org), filter: iq — type XML to
 * send it" */
static char *xmlconsole_title(struct app *app, struct window *w)
{
	char *f = xmlconsole_filter_text(w);
	char *t = xasprintf(" XML console of %s (%s)%s%s — type a stanza to send it",
			    w->acc->conf->name, w->acc->bare_jid,
			    f ? ", filter: " : "", f ? f : "");

	(void)app;
	free(f);
	return t;
}

/* What a line typed without '/' does in each window of lines. */
static void chat_send(struct app *app, struct window *w, const char *text)
{
	idle_sent(app, w);
	if (xs_send_chat(app, w->acc, w->jid, w->resource, text) < 0)
		win_add(w, time(NULL), LINE_ERROR, CMD_NOT_QUEUED);
}

static void room_send(struct app *app, struct window *w, const char *text)
{
	if (xs_room_send(app, w->acc, w->jid, text) < 0)
		win_add(w, time(NULL), LINE_ERROR,
			"Not sent: this account is not connected (/connect)");
}

static void strangers_send(struct app *app, struct window *w,
			   const char *text)
{
	(void)w;
	(void)text;
	app_say(app, LINE_ERROR,
		"Not sent: this window gathers strangers' messages; /query JID opens a conversation to answer one");
}

/* A line typed in an XML console: sent as it is, or refused. */
static void xmlconsole_send(struct app *app, struct window *w,
			    const char *text)
{
	const char *why = NULL;

	switch (xs_xmlconsole_send(app, w->acc, text)) {
	case XS_RAW_SENT:
		return;
	case XS_RAW_OFFLINE:
		why = "Not sent: this account is not connected (/connect)";
		break;
	case XS_RAW_MALFORMED:
		why = "Not sent: that is not well-formed XML";
		break;
	default:
		why = "Not sent: type one <iq/>, <message/> or <presence/> element";
		break;
	}
	win_add(w, time(NULL), LINE_ERROR, why);
	app->dirty = true;
}

/* The console, conversations, rooms and the strangers window: lines,
 * and keys for the command line. */
const struct winview consoleview = { view_draw, NULL, console_title, 0,
				     NULL };
const struct winview chatview = { view_draw, NULL, chat_title, 0,
				  chat_send };
const struct winview roomview = { view_draw, NULL, room_title, 0,
				  room_send };
const struct winview strangersview = { view_draw, NULL, strangers_title,
				       0, strangers_send };
const struct winview xmlconsoleview = { view_draw, NULL, xmlconsole_title,
					0, xmlconsole_send };

/* " feed news on pubsub.example.org — 12 items — /unfeed ends the
 * subscription" */
static char *feed_title(struct app *app, struct window *w)
{
	(void)app;
	return xasprintf(" feed %s on %s — %zu item%s since it opened — "
			 "/links lists its links, /unfeed ends the subscription",
			 w->feed->node, w->feed->service, w->feed->items,
			 w->feed->items == 1 ? "" : "s");
}

const struct winview feedview = { view_draw, NULL, feed_title, 0, NULL };
