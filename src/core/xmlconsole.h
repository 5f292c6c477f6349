/* xmlconsole: the XML console's model, one window per account.
 *
 * A WIN_XMLCONSOLE window holds the stanzas its account sent and
 * received (xmpp/xmlconsole.c hands over the texts libstrophe logs),
 * newest last, capped at XMLCONSOLE_LINES stanzas like any window's
 * ring. Each stanza is one line of the window: a direction mark, then
 * the XML pretty-printed (one element per row, children indented, an
 * element holding only text on one row), its secrets redacted by
 * util/log's log_redact() and every control, escape or bidi character
 * written as a character reference, so what a remote party sent can
 * neither change the terminal nor start a row of its own. A stanza's
 * text is cut at XMLCONSOLE_TEXT_MAX bytes, so a flood of big stanzas
 * costs at most lines x that.
 *
 * The window's filter (struct xmlconsole, owned by the window) keeps
 * only the stanzas of one kind (iq, message or presence) and/or those
 * from or to one JID; it applies to what arrives after it is set.
 */
#ifndef NATTER_CORE_XMLCONSOLE_H
#define NATTER_CORE_XMLCONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct app;
struct account;
struct window;

#define XMLCONSOLE_LINES 1000      /* stanzas kept per console window */
#define XMLCONSOLE_TEXT_MAX 16384  /* bytes of one stanza's shown text */

/* The marks before a stanza: what natter sent, what it received. */
#define XMLCONSOLE_OUT_MARK "SENT "
#define XMLCONSOLE_IN_MARK "RECV "

struct xmlconsole {
	char *element; /* only this top element (iq, message, presence), or NULL */
	char *jid;     /* only stanzas whose from or to (or their bare JID)
			* is this, or NULL */
};

/* acc's console window, or NULL when none is open. */
struct window *xmlconsole_find(struct app *app, struct account *acc);
/* acc's console window, opened (not made current) when there is none. */
struct window *xmlconsole_window(struct app *app, struct account *acc);
/* A text libstrophe sent (out) or received for acc at ts: redacted,
 * passed through the window's filter, pretty-printed and added. Returns
 * false when acc has no console window (nothing to show it in). */
bool xmlconsole_stanza(struct app *app, struct account *acc, bool out,
		       const char *xml, time_t ts);
/* Sets w's filter from words ("iq", "message", "presence" and/or a
 * JID; none clears it). Returns 0, or -1 when a word is neither (the
 * filter is unchanged). */
int xmlconsole_filter_set(struct window *w, int nwords, char **words);
/* The filter as words ("iq bob@example.org"), or NULL when none; the
 * caller frees it. */
char *xmlconsole_filter_text(const struct window *w);
/* What core does when a console window closes (app.c's kind table):
 * emits EV_XMLCONSOLE_CLOSED, for the xmpp layer to stop asking
 * libstrophe for stanza texts. */
void xmlconsole_closed(struct app *app, struct window *w);
void xmlconsole_free(struct xmlconsole **x);

/* The pieces, pure functions of text (tested on their own). */

/* xml pretty-printed: one element per row, children indented by two
 * spaces, an element with only text (or nothing) inside on one row;
 * newlines, tabs, C0/C1 controls, DEL and bidi controls inside become
 * character references (&#xN;). Tolerates fragments (a stream's
 * opening tag, an unclosed element). Output past max bytes is cut with
 * a note of how much was left out. The caller frees the result. */
char *xmlconsole_pretty(const char *xml, size_t max);
/* Whether xml (a stanza's text) passes f (NULL passes everything). */
bool xmlconsole_match(const struct xmlconsole *f, const char *xml);
/* How many elements stand at the top level of xml; -1 when anything
 * else does (text, a comment, an end tag without its start) or an
 * element is left open. */
int xmlconsole_top_elements(const char *xml);

#endif
