/* reply: message replies (XEP-0461) in the model.
 *
 * A reply names the message it answers by id: in a conversation the
 * original's stanza id (struct line `id`), in a room the room's
 * XEP-0359 stanza-id (struct line `sid`); win_find_msg() finds it. Its body usually starts with a
 * quote of the original for clients that know nothing of replies, marked
 * as a fallback (XEP-0428) by a range of Unicode code points. When the
 * original is in the window, the line shows a short quote of it ("alice:
 * first words…", struct line `quote`) and the body without the fallback;
 * when it is not, the body is shown whole, fallback and all. Strings in
 * and out are UTF-8; what a function returns is the caller's to free.
 */
#ifndef NATTER_CORE_REPLY_H
#define NATTER_CORE_REPLY_H

#include <stdbool.h>
#include <stddef.h>

struct window;
struct line;

/* How many code points of the original a quote keeps, and how many the
 * fallback natter sends quotes at most. */
#define REPLY_QUOTE_CPS 40
#define REPLY_FALLBACK_CPS 200

/* What a received message says it answers (strings borrowed). */
struct reply_ref {
	const char *id;  /* the original's id (see above) */
	bool fallback;   /* the body holds a fallback for the reply */
	size_t fb_start, fb_end; /* its code points [start, end) */
};

/* body without its code points [start, end) and the newlines that led
 * into what is left; NULL when the range is empty or past the end of
 * body (then the body is shown as it came). */
char *reply_strip(const char *body, size_t start, size_t end);
/* The quote a reply to nick's text is shown with: "nick: " and the
 * start of text on one line (newlines become spaces), at most max code
 * points of it, "…" when cut. */
char *reply_quote(const char *nick, const char *text, size_t max);
/* The fallback natter's own replies start with: "> nick wrote:\n" and
 * text with "> " before each of its lines (at most REPLY_FALLBACK_CPS
 * code points of it, "…" when cut), ending in a newline; *cps is its
 * length in code points (the fallback's end). */
char *reply_fallback(const char *nick, const char *text, size_t *cps);
/* What a reply r with body shows in w: the text (the fallback stripped
 * when the original is found and the range fits) and, in *quote, the
 * original's quote or NULL when it is not in w. */
char *reply_resolve(struct window *w, const char *body,
		    const struct reply_ref *r, char **quote);
/* Our reply (its whole body, fallback and all) was just added to w as
 * our newest line: it shows text under quote instead (copied). */
void reply_shown(struct window *w, const char *body, const char *text,
		 const char *quote);
/* The n-th message line of w counted back from the newest (1), as
 * /reply N counts; NULL when there are fewer. */
struct line *reply_nth(struct window *w, unsigned n);

#endif
