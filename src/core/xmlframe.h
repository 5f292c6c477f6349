/* xmlframe: cuts an XML stream into its top-level elements (see
 * xmlframe.c).
 *
 * An XMPP stream, a BOSH <body/> and a WebSocket frame all have one
 * wrapper (the root) around the elements that matter. A struct xmlframe
 * is fed bytes as they come, in pieces of any size, and reports the
 * wrapper's opening (with its attributes), each complete child of the
 * wrapper as the exact bytes it arrived as, and the wrapper's end. A
 * child that declares no default namespace gets one (xmlns='jabber:
 * client' for stanzas), so that it stands on its own outside the
 * stream. Stream restarts (a new "<?xml" or "<stream:stream" header
 * between children, as after STARTTLS or SASL) start a new wrapper.
 * Everything it hands out is borrowed for the call.
 */
#ifndef NATTER_CORE_XMLFRAME_H
#define NATTER_CORE_XMLFRAME_H

#include <stdbool.h>
#include <stddef.h>

struct xmlframe;

struct xmlframe_ops {
	/* The wrapper opened. name is as written ("stream:stream",
	 * "body"); attrs alternates names and values, NULL-terminated. */
	void (*open)(void *ud, const char *name, const char **attrs);
	/* One complete child of the wrapper: xml[0..len). */
	void (*element)(void *ud, const char *xml, size_t len);
	/* The wrapper ended (its end tag, or <body/> closed at once). */
	void (*close)(void *ud);
};

/* A frame cutter reporting to ops with ud. default_ns (may be NULL) is
 * declared on children that declare none. The caller frees it with
 * xmlframe_free(). */
struct xmlframe *xmlframe_new(const struct xmlframe_ops *ops, void *ud,
			      const char *default_ns);
void xmlframe_free(struct xmlframe **f);
/* Feeds len bytes. Returns 0, or -1 when the XML is malformed (then
 * xmlframe_error() says why, and further feeding fails until
 * xmlframe_reset()). Callbacks may not free f. */
int xmlframe_feed(struct xmlframe *f, const char *buf, size_t len);
/* Forgets everything fed: the next byte starts a new document. */
void xmlframe_reset(struct xmlframe *f);
/* What was wrong, or NULL. Borrowed. */
const char *xmlframe_error(const struct xmlframe *f);

/* Whether m[0..n), one WebSocket message (RFC 7395), can go to the
 * client as it is without a look inside: it begins with a start tag
 * (after blanks) whose name is neither <open/>'s nor <close/>'s (with
 * or without a prefix), and ends with '>'. Nothing else is checked:
 * the stream's own parser reads it next. False sends the message
 * through the full parse (a framing element, a declaration, a comment,
 * text, or malformed XML to report). */
bool xmlframe_plain_child(const char *m, size_t n);

/* The value of attribute name in attrs (as given to open), or NULL. */
const char *xmlframe_attr(const char **attrs, const char *name);

/* Text safe inside a single-quoted XML attribute or as character data.
 * The caller frees the result. */
char *xmlframe_escape(const char *s);

/* The stream header libstrophe reads when a BOSH session or a WebSocket
 * <open/> begins a stream: from and id as the server gave them (either
 * may be NULL). The caller frees it. */
char *xmlframe_stream_header(const char *from, const char *id,
			     const char *lang);
/* And what ends it. */
#define XMLFRAME_STREAM_END "</stream:stream>"

#endif
