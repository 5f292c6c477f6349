/* p2p: files straight from one client to another, offered with stream
 * initiation (XEP-0095, the file profile of XEP-0096) and carried by
 * in-band bytestreams (XEP-0047) here, or SOCKS5 bytestreams (XEP-0065,
 * s5b.c), which natter prefers when both are offered.
 *
 * Each stream is one struct p2p in app->xs->p2p, either direction, found
 * by the other party's full JID and the sid it was offered under. Its
 * bytes go through core/transfer (the file, its .part, max_download, the
 * numbering, /cancel); this file only speaks the protocol. An offer
 * received waits in a dialog window (p2p_offer_ops) holding the sender's
 * JID and the sid (d->jid, d->session), never a pointer; requests carry
 * the stream's number (p2p->id) for the same reason: an answer for a
 * stream that ended finds nothing and is dropped.
 *
 * Receiving: the offer is checked (the sender in the roster unless
 * file_offers_from_strangers, the size under max_download, a stream
 * method we speak) before the user sees it; strangers' refusals are
 * told within their domain's rate (core/strangers.h), a flood
 * silently. Accepting answers with the method (SOCKS5 when offered,
 * s5b.c), and the sender opens the stream. Every in-band block must
 * come in order, be no larger than the block size agreed and not take
 * the file past its announced size; the close says it ended, and the
 * file is kept only when whole (and of the MD5 offered, if any).
 *
 * Sending: the file is offered to a full JID, and once accepted sent in
 * blocks of P2P_BLOCK bytes, at most P2P_WINDOW of them unanswered, read
 * from disk as they go: a file is never held in memory whole.
 *
 * Jingle File Transfer (XEP-0234) rides the same streams: a
 * session-initiate offering a file over in-band bytestreams (XEP-0261)
 * is acknowledged and goes through the same checks and dialog (p->jsid
 * names the session, p->sid is the IBB stream's); accepting sends a
 * session-accept, declining a session-terminate with <decline/>, and a
 * stream received ends the session with <success/> when the file was
 * kept, else with why. Its SHA-256 (XEP-0300), in the offer or in a
 * later session-info <checksum/>, is checked by core/transfer, which
 * hashes from the first byte. Sending asks the peer's disco#info first
 * and offers with Jingle when it lists file-transfer:5 and s5b:1 or
 * ibb:1, else with stream initiation; the hash is computed as the blocks
 * are read and sent in a checksum before the close. A session over
 * SOCKS5 (XEP-0260) negotiates its connection in jingles5b.c (p->js5b),
 * which falls back to the in-band stream here when nothing connects.
 *
 * A cut connection, the other party going offline, or any error ends the
 * stream and its transfer with words for why (a Jingle session is
 * terminated saying so).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "core/account.h"
#include "core/app.h"
#include "core/dialog.h"
#include "core/event.h"
#include "core/presence.h"
#include "core/roster.h"
#include "core/strangers.h"
#include "core/transfer.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/url.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "xmpp/ns.h"
#include "xmpp/p2p.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define P2P_BLOCK 4096         /* bytes a block we send holds */
#define P2P_MAX_BLOCK 65535    /* the largest block size we accept */
#define P2P_WINDOW 8           /* blocks we send before an answer */
#define P2P_MAX_OFFERS 8       /* offers waiting per account */
#define P2P_SID_MAX 128        /* bytes in a sid we take */
#define P2P_OFFER_TIMEOUT_MS (10 * 60 * 1000) /* a person decides */

static struct xs *xs_of(struct session *s)
{
	return s->app->xs;
}

static struct p2p *p2p_by_id(struct session *s, unsigned long id)
{
	for (struct p2p *p = xs_of(s)->p2p; p; p = p->next)
		if (p->id == id)
			return p;
	return NULL;
}

static struct p2p *p2p_find(struct session *s, const char *peer,
			    const char *sid, bool sending)
{
	for (struct p2p *p = xs_of(s)->p2p; p; p = p->next)
		if (p->acc == s->acc && p->sending == sending &&
		    strcmp(p->sid, sid) == 0 && strcmp(p->peer, peer) == 0)
			return p;
	return NULL;
}

static struct p2p *p2p_new(struct session *s, const char *peer,
			   const char *sid, bool sending)
{
	struct p2p *p = xcalloc(1, sizeof *p);

	p->id = ++xs_of(s)->p2p_ids;
	p->acc = s->acc;
	p->peer = xstrdup(peer);
	p->sid = xstrdup(sid);
	p->sending = sending;
	p->size = -1;
	p->next = xs_of(s)->p2p;
	xs_of(s)->p2p = p;
	return p;
}

/* Takes p out of the list and frees it; its transfer is not touched. */
static void p2p_free(struct session *s, struct p2p *p)
{
	struct p2p **pp;

	for (pp = &xs_of(s)->p2p; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	js5b_free(p);
	s5b_clear(p);
	free(p->blockbuf);
	free(p->peer);
	free(p->sid);
	free(p->iq_id);
	free(p->name);
	free(p->hash);
	free(p->jsid);
	free(p->content);
	free(p->creator);
	free(p->sha256);
	EVP_MD_CTX_free(p->md);
	free(p);
}

/* Ends p's transfer (error NULL: finished) and p. */
void p2p_end(struct session *s, struct p2p *p, const char *error)
{
	struct transfer *t = p->t;

	p2p_free(s, p);
	if (t)
		transfer_end(t, error);
}

struct session *session_of_p2p(const struct p2p *p)
{
	return session_of(p->acc);
}

void *p2p_ud(const struct p2p *p)
{
	return (void *)(uintptr_t)p->id;
}

struct p2p *p2p_of_ud(struct session *s, void *ud)
{
	return p2p_by_id(s, (unsigned long)(uintptr_t)ud);
}

/* ---- answers ---- */

xmpp_stanza_t *p2p_reply_new(struct session *s, const char *to,
				const char *id, const char *type)
{
	xmpp_stanza_t *r = xmpp_iq_new(s->ctx, type, id);

	xmpp_stanza_set_to(r, to);
	return r;
}

/* An error answer to the IQ id from to; ext (in NS_SI) may be NULL. */
void p2p_reply_error(struct session *s, const char *to, const char *id,
		     const char *type, const char *cond, const char *text,
		     const char *ext)
{
	xmpp_stanza_t *r = p2p_reply_new(s, to, id, "error");
	xmpp_stanza_t *e = stanza_add_child(r, "error", NULL);

	xmpp_stanza_set_type(e, type);
	stanza_add_child(e, cond, NS_STANZAS);
	if (text) {
		xmpp_stanza_t *tx = stanza_add_child(e, "text", NS_STANZAS);
		xmpp_stanza_t *body = xmpp_stanza_new(s->ctx);

		xmpp_stanza_set_text(body, text);
		xmpp_stanza_add_child(tx, body);
		xmpp_stanza_release(body);
	}
	if (ext)
		stanza_add_child(e, ext, NS_SI);
	session_send(s, r);
}

static void reply_ok(struct session *s, xmpp_stanza_t *iq)
{
	session_send(s, p2p_reply_new(s, xmpp_stanza_get_from(iq),
				  xmpp_stanza_get_id(iq), "result"));
}

/* Words for an error answer to what we asked p's peer: declined, or the
 * condition's. The caller frees it. */
char *p2p_refusal(const struct p2p *p, xmpp_stanza_t *reply,
		  const char *what)
{
	struct req_error e = { 0 };
	char *out;

	req_error_parse(reply, &e);
	if (e.text && strcasecmp(e.text, "offer declined") == 0)
		xfree(&e.text); /* says nothing more */
	if (reply && e.cond && strcmp(e.cond, "forbidden") == 0)
		out = xasprintf("%s declined %s%s%s", p->peer, what,
				e.text ? ": " : "", e.text ? e.text : "");
	else if (!reply)
		out = xasprintf("%s went unanswered", what);
	else
		out = xasprintf("%s refused: %s%s%s", what,
				e.cond ? e.cond : "error",
				e.text ? ": " : "", e.text ? e.text : "");
	req_error_clear(&e);
	return out;
}

/* Tells the other party we stop (an IBB <close/>); the answer does not
 * matter. */
static void send_close(struct session *s, struct p2p *p)
{
	xmpp_stanza_t *iq = req_iq(s, "set", p->peer, "close", NS_IBB);

	xmpp_stanza_set_attribute(stanza_payload(iq), "sid", p->sid);
	if (!xmpp_stanza_get_id(iq)) {
		char *id = xmpp_uuid_gen(s->ctx);

		xmpp_stanza_set_id(iq, id);
		xmpp_free(s->ctx, id);
	}
	session_send(s, iq);
}

/* ---- the offer's stanzas (pure, for tests and the fuzzer) ---- */

/* Whether a remote sid is one we take: 1..P2P_SID_MAX bytes of clean
 * text on one line (it is never shown, but it is matched and echoed). */
static bool sid_ok(const char *sid)
{
	size_t n = sid ? strlen(sid) : 0;

	return n > 0 && n <= P2P_SID_MAX && utf8_is_clean(sid, n) &&
	       !strpbrk(sid, "\n\r\t");
}

int p2p_offer_parse(xmpp_stanza_t *si, struct p2p_offer *o)
{
	xmpp_stanza_t *file, *feat, *x, *c;
	const char *sid = xmpp_stanza_get_attribute(si, "id");
	const char *profile = xmpp_stanza_get_attribute(si, "profile");
	const char *name, *size, *hash;
	char *end;

	memset(o, 0, sizeof *o);
	o->size = -1;
	if (!sid_ok(sid) || !profile || strcmp(profile, NS_SI_FT) != 0)
		return -1;
	file = xmpp_stanza_get_child_by_name_and_ns(si, "file", NS_SI_FT);
	name = file ? xmpp_stanza_get_attribute(file, "name") : NULL;
	size = file ? xmpp_stanza_get_attribute(file, "size") : NULL;
	if (!name || !*name || !size || *size < '0' || *size > '9')
		return -1;
	errno = 0;
	o->size = (int64_t)strtoll(size, &end, 10);
	if (*end || errno || o->size < 0)
		return -1;
	o->sid = xstrdup(sid);
	o->name = utf8_sanitize(name, 0);
	hash = xmpp_stanza_get_attribute(file, "hash");
	o->hash = hash ? utf8_sanitize(hash, 0) : NULL;
	o->desc = stanza_child_text(file, "desc");
	if (o->desc) { /* one line */
		for (char *q = o->desc; *q; q++)
			if (*q == '\n')
				*q = ' ';
	}
	feat = xmpp_stanza_get_child_by_name_and_ns(si, "feature",
						    NS_FEATURE_NEG);
	x = feat ? xmpp_stanza_get_child_by_name_and_ns(feat, "x", NS_DATA)
		 : NULL;
	for (c = x ? xmpp_stanza_get_children(x) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *var = xmpp_stanza_get_attribute(c, "var");
		xmpp_stanza_t *opt;

		if (!xmpp_stanza_is_tag(c) || !var ||
		    strcmp(var, "stream-method") != 0)
			continue;
		for (opt = xmpp_stanza_get_children(c); opt;
		     opt = xmpp_stanza_get_next(opt)) {
			char *v;

			if (!xmpp_stanza_is_tag(opt) ||
			    strcmp(xmpp_stanza_get_name(opt), "option") != 0)
				continue;
			v = stanza_child_text(opt, "value");
			if (v && strcmp(v, NS_IBB) == 0)
				o->methods |= P2P_METHOD_IBB;
			else if (v && strcmp(v, NS_BYTESTREAMS) == 0)
				o->methods |= P2P_METHOD_SOCKS5;
			free(v);
		}
	}
	return 0;
}

char *p2p_sha256_of(xmpp_stanza_t *el)
{
	for (xmpp_stanza_t *c = el ? xmpp_stanza_get_children(el) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *algo = xmpp_stanza_get_attribute(c, "algo");
		const char *ns = xmpp_stanza_get_ns(c);
		unsigned char bin[36];
		char *text, *hex;
		size_t n = 0;

		if (!xmpp_stanza_is_tag(c) || !ns || strcmp(ns, NS_HASHES) ||
		    strcmp(xmpp_stanza_get_name(c), "hash") || !algo ||
		    strcmp(algo, "sha-256"))
			continue;
		text = xmpp_stanza_get_text(c);
		/* 32 bytes are 44 base64 characters, the last one '=' */
		for (char *q = text; q && *q; q++)
			if (!strchr(" \t\r\n", *q))
				text[n++] = *q;
		if (n != 44 || text[43] != '=' || text[42] == '=' ||
		    EVP_DecodeBlock(bin, (const unsigned char *)text, 44) !=
			    33) {
			xmpp_free(xmpp_stanza_get_context(c), text);
			return NULL;
		}
		xmpp_free(xmpp_stanza_get_context(c), text);
		hex = xmalloc(65);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", bin[i]);
		return hex;
	}
	return NULL;
}

int p2p_jingle_parse(xmpp_stanza_t *jingle, struct p2p_offer *o)
{
	const char *action = xmpp_stanza_get_attribute(jingle, "action");
	const char *jsid = xmpp_stanza_get_attribute(jingle, "sid");
	xmpp_stanza_t *content, *desc, *file, *tr;
	const char *cname, *creator, *sid, *bs;
	char *name, *size, *end;

	memset(o, 0, sizeof *o);
	o->size = -1;
	if (!action || strcmp(action, "session-initiate") || !sid_ok(jsid))
		return -1;
	content = xmpp_stanza_get_child_by_name_and_ns(jingle, "content",
						       NS_JINGLE);
	desc = content ? xmpp_stanza_get_child_by_name_and_ns(
				 content, "description", NS_JINGLE_FT)
		       : NULL;
	file = desc ? xmpp_stanza_get_child_by_name_and_ns(desc, "file",
							   NS_JINGLE_FT)
		    : NULL;
	cname = content ? xmpp_stanza_get_attribute(content, "name") : NULL;
	creator = content ? xmpp_stanza_get_attribute(content, "creator")
			  : NULL;
	if (!file || !sid_ok(cname) || (creator && !sid_ok(creator)))
		return -1;
	name = stanza_child_text(file, "name");
	size = stanza_child_text(file, "size");
	if (!name || !*name || !size || *size < '0' || *size > '9') {
		free(name);
		free(size);
		return -1;
	}
	errno = 0;
	o->size = (int64_t)strtoll(size, &end, 10);
	if (*end || errno || o->size < 0) {
		free(name);
		free(size);
		return -1;
	}
	free(size);
	o->name = utf8_sanitize(name, 0);
	free(name);
	o->jsid = xstrdup(jsid);
	o->content = xstrdup(cname);
	o->creator = xstrdup(creator ? creator : "initiator");
	o->sha256 = p2p_sha256_of(file);
	o->desc = stanza_child_text(file, "desc");
	if (o->desc) { /* one line */
		char *clean = utf8_sanitize(o->desc, 0);

		free(o->desc);
		o->desc = clean;
		for (char *q = o->desc; *q; q++)
			if (*q == '\n')
				*q = ' ';
	}
	tr = xmpp_stanza_get_child_by_name_and_ns(content, "transport",
						  NS_JINGLE_IBB);
	sid = tr ? xmpp_stanza_get_attribute(tr, "sid") : NULL;
	bs = tr ? xmpp_stanza_get_attribute(tr, "block-size") : NULL;
	o->block = bs ? (unsigned)strtoul(bs, NULL, 10) : P2P_BLOCK;
	if (o->block == 0 || o->block > P2P_MAX_BLOCK)
		o->block = P2P_MAX_BLOCK; /* we say the one we take */
	if (sid_ok(sid)) {
		o->sid = xstrdup(sid);
		o->methods = P2P_METHOD_IBB;
		return 0;
	}
	tr = xmpp_stanza_get_child_by_name_and_ns(content, "transport",
						  NS_JINGLE_S5B);
	if (tr && js5b_transport_parse(tr, &o->sid, &o->cands,
				       &o->ncands) == 0 && sid_ok(o->sid)) {
		o->methods = P2P_METHOD_SOCKS5;
		return 0;
	}
	js5b_cands_free(&o->cands, o->ncands);
	o->ncands = 0;
	free(o->sid); /* no transport we speak: refused for it */
	o->sid = xstrdup(jsid);
	return 0;
}

void p2p_offer_clear(struct p2p_offer *o)
{
	js5b_cands_free(&o->cands, o->ncands);
	free(o->jsid);
	free(o->content);
	free(o->creator);
	free(o->sha256);
	free(o->sid);
	free(o->name);
	free(o->hash);
	free(o->desc);
	memset(o, 0, sizeof *o);
}

/* ---- Jingle File Transfer (XEP-0234, XEP-0261), receiving ---- */

/* Ends p's Jingle session: a session-terminate with reason cond and
 * text (may be NULL); the answer does not matter. */
void p2p_jingle_terminate(struct session *s, struct p2p *p,
			  const char *cond, const char *text)
{
	xmpp_stanza_t *iq = req_iq(s, "set", p->peer, "jingle", NS_JINGLE);
	xmpp_stanza_t *j = stanza_payload(iq), *r;

	xmpp_stanza_set_attribute(j, "action", "session-terminate");
	xmpp_stanza_set_attribute(j, "sid", p->jsid);
	r = stanza_add_child(j, "reason", NS_JINGLE);
	stanza_add_child(r, cond, NULL);
	if (text && *text)
		stanza_add_text(r, "text", text);
	if (!xmpp_stanza_get_id(iq)) {
		char *id = xmpp_uuid_gen(s->ctx);

		xmpp_stanza_set_id(iq, id);
		xmpp_free(s->ctx, id);
	}
	session_send(s, iq);
}

static void on_jingle_answer(struct session *s, xmpp_stanza_t *reply,
			     void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);
	char *why;

	if (!p || req_ok(reply))
		return;
	why = p2p_refusal(p, reply, "the session-accept");
	p2p_end(s, p, why);
	free(why);
}

/* A Jingle IQ for p of action (session-initiate, session-accept), with
 * its one content: the file (name; size when size >= 0) sent by the
 * initiator, carried in band in blocks of block bytes. who is the
 * attribute that names us (initiator, responder). */
static xmpp_stanza_t *jingle_file_iq(struct session *s, struct p2p *p,
				     const char *action, const char *who,
				     const char *name, int64_t size,
				     unsigned block)
{
	xmpp_stanza_t *iq = req_iq(s, "set", p->peer, "jingle", NS_JINGLE);
	xmpp_stanza_t *j = stanza_payload(iq), *c, *d, *f, *tr;
	char num[32];

	xmpp_stanza_set_attribute(j, "action", action);
	xmpp_stanza_set_attribute(j, "sid", p->jsid);
	if (s->acc->bound_jid)
		xmpp_stanza_set_attribute(j, who, s->acc->bound_jid);
	c = stanza_add_child(j, "content", NS_JINGLE);
	xmpp_stanza_set_attribute(c, "creator", p->creator);
	xmpp_stanza_set_attribute(c, "name", p->content);
	xmpp_stanza_set_attribute(c, "senders", "initiator");
	d = stanza_add_child(c, "description", NS_JINGLE_FT);
	f = stanza_add_child(d, "file", NS_JINGLE_FT);
	stanza_add_text(f, "name", name);
	if (size >= 0) {
		snprintf(num, sizeof num, "%" PRId64, size);
		stanza_add_text(f, "size", num);
	}
	if (p->js5b) {
		js5b_transport_add(s, p, c);
		return iq;
	}
	tr = stanza_add_child(c, "transport", NS_JINGLE_IBB);
	snprintf(num, sizeof num, "%u", block);
	xmpp_stanza_set_attribute(tr, "sid", p->sid);
	xmpp_stanza_set_attribute(tr, "block-size", num);
	return iq;
}

void p2p_jingle_send(struct session *s, struct p2p *p)
{
	xmpp_stanza_t *iq = p->sending ?
		jingle_file_iq(s, p, "session-initiate", "initiator",
			       p->t->name, p->t->total, P2P_BLOCK) :
		jingle_file_iq(s, p, "session-accept", "responder", p->name,
			       -1, p->block);

	p->state = P2P_ACCEPTED;
	req_send(s, iq, on_jingle_answer, p2p_ud(p), REQ_TIMEOUT_MS);
}

/* The user took p's offer: a session-accept, in band (the sender opens
 * the stream) or with our SOCKS5 candidates (jingles5b.c). */
static void jingle_accept(struct session *s, struct p2p *p)
{
	if (p->js5b)
		js5b_offer(s, p);
	else
		p2p_jingle_send(s, p);
}

/* p's stream closed: the file is kept when whole and of the hash
 * offered, and the session ends saying so. */
void p2p_jingle_done(struct session *s, struct p2p *p)
{
	struct app *app = s->app;
	unsigned n = p->t ? p->t->n : 0;
	char *peer = xstrdup(p->peer), *jsid = xstrdup(p->jsid);
	struct transfer *t;
	struct p2p tmp = { .peer = peer, .jsid = jsid };

	p2p_end(s, p, NULL); /* whole, or "ended after N of M" */
	t = n ? transfer_find(app, n) : NULL;
	if (t && t->state == TRANSFER_DONE)
		p2p_jingle_terminate(s, &tmp, "success", NULL);
	else
		p2p_jingle_terminate(s, &tmp, "media-error",
				     t && t->error ? t->error : "not received");
	free(peer);
	free(jsid);
}

/* Our stream whose Jingle session is sid with from, or NULL. */
static struct p2p *jingle_find(struct session *s, const char *from,
			       const char *sid)
{
	for (struct p2p *p = xs_of(s)->p2p; p; p = p->next)
		if (p->acc == s->acc && p->jsid &&
		    strcmp(p->jsid, sid) == 0 && strcmp(p->peer, from) == 0)
			return p;
	return NULL;
}

static void on_offer(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *si,
		     xmpp_stanza_t *jingle);

/* The receiver accepted the file we offer (jingle, a session-accept):
 * the in-band stream opens, with the block size it asked for if
 * smaller. */
static void jingle_accepted(struct session *s, struct p2p *p,
			    xmpp_stanza_t *jingle)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name_and_ns(
		jingle, "content", NS_JINGLE);
	xmpp_stanza_t *tr = c ? xmpp_stanza_get_child_by_name_and_ns(
					c, "transport", NS_JINGLE_IBB)
			      : NULL;
	const char *bs = tr ? xmpp_stanza_get_attribute(tr, "block-size")
			    : NULL;
	unsigned long block = bs ? strtoul(bs, NULL, 10) : 0;
	xmpp_stanza_t *s5 = c && p->js5b ?
		xmpp_stanza_get_child_by_name_and_ns(c, "transport",
						     NS_JINGLE_S5B) : NULL;

	if (s5) {
		js5b_accepted(s, p, s5);
		return;
	}
	js5b_free(p); /* a responder that speaks only in band */
	if (!tr) {
		p2p_jingle_terminate(s, p, "unsupported-transports", NULL);
		p2p_end(s, p, "the receiver chose a stream natter does not "
			      "offer");
		return;
	}
	p->block = block > 0 && block < P2P_BLOCK ? (unsigned)block
						  : P2P_BLOCK;
	p2p_open_ibb(s, p);
}

bool p2p_jingle_iq(struct session *s, xmpp_stanza_t *iq,
		   xmpp_stanza_t *jingle)
{
	const char *action = xmpp_stanza_get_attribute(jingle, "action");
	const char *sid = xmpp_stanza_get_attribute(jingle, "sid");
	const char *from = xmpp_stanza_get_from(iq);
	xmpp_stanza_t *content, *ck;
	struct p2p *p;

	if (!action || !sid || !from)
		return false;
	if (strcmp(action, "session-initiate") == 0) {
		content = xmpp_stanza_get_child_by_name_and_ns(
			jingle, "content", NS_JINGLE);
		if (!content || !xmpp_stanza_get_child_by_name_and_ns(
					content, "description", NS_JINGLE_FT))
			return false;
		on_offer(s, iq, NULL, jingle);
		return true;
	}
	p = jingle_find(s, from, sid);
	if (!p) /* unknown, or ended here first (an error answers) */
		return false;
	reply_ok(s, iq);
	if (js5b_jingle(s, p, action, jingle))
		return true;
	if (strcmp(action, "session-accept") == 0) {
		if (p->sending && p->state == P2P_ACCEPTED)
			jingle_accepted(s, p, jingle);
		return true;
	}
	if (strcmp(action, "session-terminate") == 0) {
		xmpp_stanza_t *r = xmpp_stanza_get_child_by_name(jingle,
								 "reason");
		xmpp_stanza_t *c = r ? xmpp_stanza_get_children(r) : NULL;
		char *text = r ? stanza_child_text(r, "text") : NULL;
		char *clean = text ? utf8_sanitize(text, 0) : NULL;
		char *why;

		while (c && (!xmpp_stanza_is_tag(c) ||
			     strcmp(xmpp_stanza_get_name(c), "text") == 0))
			c = xmpp_stanza_get_next(c);
		if (c && strcmp(xmpp_stanza_get_name(c), "success") == 0 &&
		    (p->state == P2P_OPEN || p->state == P2P_CLOSING))
			why = NULL; /* whole, or "ended after N of M" */
		else if (c && p->sending &&
			 strcmp(xmpp_stanza_get_name(c), "decline") == 0)
			why = xasprintf("%s declined the offer", p->peer);
		else
			why = xasprintf("%s ended the session%s%s%s%s%s",
					p->peer, c ? " (" : "",
					c ? xmpp_stanza_get_name(c) : "",
					c ? ")" : "", clean ? ": " : "",
					clean ? clean : "");
		p2p_end(s, p, why);
		free(why);
		free(text);
		free(clean);
		return true;
	}
	ck = strcmp(action, "session-info") == 0 ?
		     xmpp_stanza_get_child_by_name_and_ns(jingle, "checksum",
							  NS_JINGLE_FT)
		   : NULL;
	if (ck) {
		char *hex = p2p_sha256_of(xmpp_stanza_get_child_by_name_and_ns(
			ck, "file", NS_JINGLE_FT));

		if (hex && p->t)
			transfer_expect_hash(p->t, "sha-256", hex);
		else if (hex) {
			free(p->sha256);
			p->sha256 = hex;
			hex = NULL;
		}
		free(hex);
		if (p->js5b) /* a receiver may be waiting for it */
			js5b_jingle(s, p, "checksum", jingle);
	}
	return true;
}

/* ---- receiving: the offer and its dialog ---- */

static void offer_submit(struct app *app, struct window *w, unsigned action);
static void offer_cancel(struct app *app, struct window *w);

static const struct dialog_ops p2p_offer_ops = {
	"accept", DLG_NEEDS_ONLINE, offer_submit, offer_cancel,
};

static size_t offers_waiting(struct session *s)
{
	size_t n = 0;

	for (struct p2p *p = xs_of(s)->p2p; p; p = p->next)
		n += p->acc == s->acc && p->state == P2P_OFFERED;
	return n;
}

static void add_fixed(struct form *f, const char *label, const char *value)
{
	struct form_field *fl = form_add_field(f, FIELD_FIXED, NULL);
	char *line = xasprintf("%s: %s", label, value);

	form_field_add_value(fl, line);
	free(line);
}

/* The dialog for offer o from peer: what it is, and where to save it. */
static struct dialog *offer_dialog(struct session *s, const char *peer,
				   const struct p2p_offer *o,
				   const char *safe)
{
	struct dialog *d = dialog_new(&p2p_offer_ops, s->acc, peer);
	struct form f = { 0 };
	struct form_field *fl;
	char size[48], *dir = transfer_download_dir(s->app);

	snprintf(size, sizeof size, "%" PRId64 " bytes", o->size);
	d->session = xstrdup(o->sid);
	f.type = xstrdup("form");
	f.title = xasprintf("%s offers you a file", peer);
	f.instructions = xcalloc(1, sizeof *f.instructions);
	f.instructions[f.ninstructions++] = xstrdup(
		"Ctrl-S accepts and saves it in the directory (or as the "
		"file) below; Esc declines.");
	add_fixed(&f, "From", peer);
	add_fixed(&f, "Name", o->name);
	if (strcmp(safe, o->name) != 0)
		add_fixed(&f, "Saved as", safe);
	add_fixed(&f, "Size", size);
	if (o->hash)
		add_fixed(&f, "MD5", o->hash);
	if (o->sha256)
		add_fixed(&f, "SHA-256", o->sha256);
	if (o->desc)
		add_fixed(&f, "Description", o->desc);
	fl = form_add_field(&f, FIELD_TEXT_SINGLE, "path");
	fl->label = xstrdup("Save to");
	fl->required = true;
	form_field_add_value(fl, dir);
	free(dir);
	dialog_set_form(d, &f);
	return d;
}

/* Refuses the offer iq with cond and tells the user why. */
static void offer_refused(struct session *s, xmpp_stanza_t *iq,
			  const struct p2p_offer *o, const char *safe,
			  enum file_offer_verdict v, const char *cond,
			  const char *ext)
{
	const char *from = xmpp_stanza_get_from(iq);
	struct ev_file_offer ev = { .from = from, .name = safe,
				    .size = o->size, .verdict = v };

	p2p_reply_error(s, from, xmpp_stanza_get_id(iq),
		    v == OFFER_TOO_MANY ? "wait" : "cancel", cond, NULL,
		    o->jsid ? NULL : ext);
	transfer_offered(s->app, s->acc, NULL, &ev);
}

static void reply_ok(struct session *s, xmpp_stanza_t *iq);

/* An offer iq holds, si's (stream initiation) or jingle's (Jingle File
 * Transfer, si NULL): refused, or in a dialog. */
static void on_offer(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *si,
		     xmpp_stanza_t *jingle)
{
	const char *from = xmpp_stanza_get_from(iq);
	struct p2p_offer o = { 0 };
	int64_t max = (int64_t)s->app->cfg.max_download * 1024 * 1024;
	char *bare = from ? jid_bare_of(from) : NULL;
	char *safe, *name;
	struct dialog *d;
	struct p2p *p;

	if (!bare || !strchr(from, '/') || !utf8_is_clean(from, strlen(from)) ||
	    (si ? p2p_offer_parse(si, &o) : p2p_jingle_parse(jingle, &o)) <
		    0) {
		free(bare);
		if (from)
			p2p_reply_error(s, from, xmpp_stanza_get_id(iq), "modify",
				    "bad-request", NULL, NULL);
		p2p_offer_clear(&o);
		return;
	}
	safe = url_clean_name(o.name);
	if (!transfer_offer_welcome(s->app, s->acc, bare) &&
	    !strangers_admit(s->app, s->acc, bare, loop_now(s->app->loop)))
		/* a flood: refused without a word (strangers.h) */
		p2p_reply_error(s, from, xmpp_stanza_get_id(iq), "cancel",
				"forbidden", NULL, NULL);
	else if (!transfer_offer_welcome(s->app, s->acc, bare))
		offer_refused(s, iq, &o, safe, OFFER_STRANGER, "forbidden",
			      NULL);
	else if (!(o.methods & (P2P_METHOD_IBB | P2P_METHOD_SOCKS5)))
		offer_refused(s, iq, &o, safe, OFFER_NO_METHOD, "bad-request",
			      "no-valid-streams");
	else if (max > 0 && o.size > max)
		offer_refused(s, iq, &o, safe, OFFER_TOO_LARGE,
			      "not-acceptable", NULL);
	else if (offers_waiting(s) >= P2P_MAX_OFFERS)
		offer_refused(s, iq, &o, safe, OFFER_TOO_MANY,
			      "resource-constraint", NULL);
	else if (p2p_find(s, from, o.sid, false))
		p2p_reply_error(s, from, xmpp_stanza_get_id(iq), "cancel",
			    "conflict", NULL, NULL);
	else {
		struct ev_file_offer ev = { .from = from, .name = safe,
					    .size = o.size,
					    .verdict = OFFER_WAITS };

		p = p2p_new(s, from, o.sid, false);
		p->iq_id = xstrdup(xmpp_stanza_get_id(iq) ?
					   xmpp_stanza_get_id(iq) : "");
		if (o.jsid) { /* a Jingle offer is acknowledged now */
			p->jsid = xstrdup(o.jsid);
			p->content = xstrdup(o.content);
			p->creator = xstrdup(o.creator);
			p->sha256 = o.sha256 ? xstrdup(o.sha256) : NULL;
			p->block = o.block;
			if (o.methods & P2P_METHOD_SOCKS5)
				js5b_offered(s, p, &o.cands, o.ncands);
			reply_ok(s, iq);
		}
		p->state = P2P_OFFERED;
		p->name = xstrdup(o.name);
		p->hash = o.hash ? xstrdup(o.hash) : NULL;
		p->size = o.size;
		p->method = o.methods; /* offered; one is chosen on accepting */
		d = offer_dialog(s, from, &o, safe);
		name = xasprintf("file from %s", bare);
		transfer_offered(s->app, s->acc, forms_window_new(d, name), &ev);
		free(name);
	}
	free(safe);
	free(bare);
	p2p_offer_clear(&o);
}

/* The offer a dialog is about, or NULL when it is gone. */
static struct p2p *offer_of(struct session *s, struct dialog *d)
{
	struct p2p *p = d->jid && d->session ?
				p2p_find(s, d->jid, d->session, false) : NULL;

	return p && p->state == P2P_OFFERED ? p : NULL;
}

static void p2p_stop(struct transfer *t, void *ud);

static void offer_submit(struct app *app, struct window *w, unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	struct p2p *p = offer_of(s, d);
	struct form_field *fl = form_field(&d->form, "path");
	const char *dest = fl ? form_field_value(fl) : NULL;
	char *bare = jid_bare_of(d->jid), *err = NULL;
	struct window *chat;
	xmpp_stanza_t *r, *si, *feat, *x, *f;

	(void)action;
	if (!p) {
		dialog_set_error(d, "The offer is no longer there");
		free(bare);
		return;
	}
	chat = bare ? app_window_find(app, d->acc, WIN_CHAT, bare) : NULL;
	free(bare);
	p->t = transfer_receive(app, chat, d->acc, p->peer, p->name, p->size,
				dest && *dest ? dest : NULL, p2p_stop, p2p_ud(p),
				&err);
	if (!p->t) {
		dialog_set_error(d, err);
		free(err);
		return;
	}
	if (p->hash && transfer_expect_hash(p->t, "md5", p->hash) < 0)
		log_msg(LOG_INFO, "p2p", "an MD5 natter cannot check: %s",
			p->hash);
	/* a Jingle sender may tell the hash later (a checksum): it is
	 * computed from the first byte */
	if (p->jsid)
		transfer_expect_hash(p->t, "sha-256", p->sha256);
	if (p->jsid) {
		jingle_accept(s, p);
		app_close_window(app, w);
		return;
	}
	/* SOCKS5 when offered: a direct connection, or the server's proxy,
	 * carries a file faster than base64 in stanzas */
	p->method = p->method & P2P_METHOD_SOCKS5 ? P2P_METHOD_SOCKS5
						  : P2P_METHOD_IBB;
	r = p2p_reply_new(s, p->peer, p->iq_id, "result");
	si = stanza_add_child(r, "si", NS_SI);
	feat = stanza_add_child(si, "feature", NS_FEATURE_NEG);
	x = stanza_add_child(feat, "x", NS_DATA);
	xmpp_stanza_set_type(x, "submit");
	f = stanza_add_child(x, "field", NULL);
	xmpp_stanza_set_attribute(f, "var", "stream-method");
	stanza_add_text(f, "value", p->method == P2P_METHOD_SOCKS5 ?
					    NS_BYTESTREAMS : NS_IBB);
	session_send(s, r);
	p->state = P2P_ACCEPTED;
	app_close_window(app, w);
}

static void offer_cancel(struct app *app, struct window *w)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	struct p2p *p = offer_of(s, d);

	(void)app;
	if (!p)
		return;
	if (d->acc->state == ACC_ONLINE && p->jsid)
		p2p_jingle_terminate(s, p, "decline", NULL);
	else if (d->acc->state == ACC_ONLINE)
		p2p_reply_error(s, p->peer, p->iq_id, "cancel", "forbidden",
			    "Offer declined", NULL);
	p2p_free(s, p);
}

/* ---- receiving: the stream ---- */

/* The stream an IBB element from iq is about, receiving, or NULL after
 * answering item-not-found. */
struct p2p *p2p_incoming(struct session *s, xmpp_stanza_t *iq,
			 xmpp_stanza_t *el)
{
	const char *from = xmpp_stanza_get_from(iq);
	const char *sid = xmpp_stanza_get_attribute(el, "sid");
	struct p2p *p = from && sid ? p2p_find(s, from, sid, false) : NULL;

	if (!p) /* a stream we send: the other end closes it */
		p = from && sid ? p2p_find(s, from, sid, true) : NULL;
	/* nothing is received for an offer not accepted (no transfer) */
	if (!p || p->state == P2P_OFFERED || (!p->sending && !p->t)) {
		if (from)
			p2p_reply_error(s, from, xmpp_stanza_get_id(iq), "cancel",
				    "item-not-found", NULL, NULL);
		return NULL;
	}
	return p;
}

static void on_open(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *el)
{
	struct p2p *p = p2p_incoming(s, iq, el);
	const char *bs = xmpp_stanza_get_attribute(el, "block-size");
	const char *how = xmpp_stanza_get_attribute(el, "stanza");
	unsigned long block = bs ? strtoul(bs, NULL, 10) : 0;

	if (!p)
		return;
	if (p->sending || p->state != P2P_ACCEPTED) {
		p2p_reply_error(s, p->peer, xmpp_stanza_get_id(iq), "cancel",
			    "unexpected-request", NULL, NULL);
		return;
	}
	if (how && strcmp(how, "iq") != 0) {
		/* data in messages cannot be answered block by block */
		p2p_reply_error(s, p->peer, xmpp_stanza_get_id(iq), "cancel",
			    "feature-not-implemented", NULL, NULL);
		return;
	}
	if (block == 0 || block > P2P_MAX_BLOCK) {
		p2p_reply_error(s, p->peer, xmpp_stanza_get_id(iq), "modify",
			    "resource-constraint", NULL, NULL);
		return;
	}
	p->block = (unsigned)block;
	free(p->blockbuf);
	p->blockbuf = xmalloc(block + 2);
	p->state = P2P_OPEN;
	reply_ok(s, iq);
}

/* Fails the stream we receive: the sender is told, the user too. */
static void receive_failed(struct session *s, struct p2p *p,
			   xmpp_stanza_t *iq, const char *cond,
			   const char *why)
{
	p2p_reply_error(s, p->peer, xmpp_stanza_get_id(iq), "cancel", cond, NULL,
		    NULL);
	send_close(s, p);
	if (p->jsid)
		p2p_jingle_terminate(s, p, "failed-transport", why);
	p2p_end(s, p, why);
}

/* Decodes the base64 text of <data/> el into p->blockbuf: *bytes points
 * there (len 0 for no text). False when the text is not base64, or
 * decodes to more than the block size agreed (*len then above it). The
 * text is read where libstrophe holds it, without a copy, when it is
 * one text node, as it is from every sender seen; other texts go the
 * long way. */
static bool block_decode(struct session *s, struct p2p *p, xmpp_stanza_t *el,
			 const unsigned char **bytes, size_t *len)
{
	xmpp_stanza_t *c = xmpp_stanza_get_children(el);
	const char *text = c && !xmpp_stanza_get_next(c) ?
				   xmpp_stanza_get_text_ptr(c) : NULL;
	size_t n = text ? strlen(text) : 0;
	char *copy;
	unsigned char *dec = NULL;
	int got;

	*bytes = p->blockbuf;
	*len = 0;
	if (text && n % 4 == 0 && n / 4 * 3 <= (size_t)p->block + 2) {
		if (n == 0)
			return true;
		got = EVP_DecodeBlock(p->blockbuf, (const unsigned char *)text,
				      (int)n);
		if (got >= 0) {
			/* EVP_DecodeBlock counts the padding as bytes */
			*len = (size_t)got - (text[n - 1] == '=') -
			       (text[n - 2] == '=');
			return true;
		}
	}
	copy = xmpp_stanza_get_text(el);
	if (!copy || !*copy) {
		if (copy)
			xmpp_free(s->ctx, copy);
		return true;
	}
	xmpp_base64_decode_bin(s->ctx, copy, strlen(copy), &dec, len);
	xmpp_free(s->ctx, copy);
	if (!dec)
		return false;
	if (*len && *len <= p->block)
		memcpy(p->blockbuf, dec, *len);
	xmpp_free(s->ctx, dec);
	return true;
}

static void on_data(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *el)
{
	struct p2p *p = p2p_incoming(s, iq, el);
	const char *seq = xmpp_stanza_get_attribute(el, "seq");
	char *end;
	const unsigned char *bytes = NULL;
	size_t len = 0;
	const char *err;
	unsigned long n;

	if (!p)
		return;
	if (p->sending || p->state != P2P_OPEN) {
		p2p_reply_error(s, p->peer, xmpp_stanza_get_id(iq), "cancel",
			    "unexpected-request", NULL, NULL);
		return;
	}
	n = seq ? strtoul(seq, &end, 10) : 0;
	if (!seq || *end || n != p->seq) {
		receive_failed(s, p, iq, "unexpected-request",
			       "a block came out of order");
		return;
	}
	if (!block_decode(s, p, el, &bytes, &len)) {
		receive_failed(s, p, iq, "bad-request",
			       "a block was not valid base64");
		return;
	}
	if (len > p->block) {
		receive_failed(s, p, iq, "bad-request",
			       "a block was larger than agreed");
		return;
	}
	err = len ? transfer_write(p->t, bytes, len) : NULL;
	if (err) {
		char *why = xstrdup(err);

		receive_failed(s, p, iq, "not-acceptable", why);
		free(why);
		return;
	}
	p->seq++;
	reply_ok(s, iq);
}

static void on_close(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *el)
{
	struct p2p *p = p2p_incoming(s, iq, el);
	char *why;

	if (!p)
		return;
	reply_ok(s, iq);
	if (!p->sending && p->jsid) {
		p2p_jingle_done(s, p);
		return;
	}
	if (!p->sending) {
		p2p_end(s, p, NULL); /* whole, or "ended after N of M" */
		return;
	}
	why = xasprintf("%s closed the stream", p->peer);
	p2p_end(s, p, why);
	free(why);
}

int p2p_iq(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
	const char *name = xmpp_stanza_get_name(payload);
	const char *ns = xmpp_stanza_get_ns(payload);

	if (!ns)
		return -1;
	if (strcmp(ns, NS_SI) == 0 && strcmp(name, "si") == 0)
		on_offer(s, iq, payload, NULL);
	else if (strcmp(ns, NS_IBB) == 0 && strcmp(name, "open") == 0)
		on_open(s, iq, payload);
	else if (strcmp(ns, NS_IBB) == 0 && strcmp(name, "data") == 0)
		on_data(s, iq, payload);
	else if (strcmp(ns, NS_IBB) == 0 && strcmp(name, "close") == 0)
		on_close(s, iq, payload);
	else if (strcmp(ns, NS_BYTESTREAMS) == 0 &&
		 strcmp(name, "query") == 0)
		s5b_hosts(s, iq, payload);
	else
		return -1;
	return 0;
}

/* ---- sending ---- */

static void pump(struct session *s, struct p2p *p);

static void on_closed(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);

	(void)reply; /* the bytes were all answered: it is done either way */
	if (p && p->jsid)
		p2p_jingle_terminate(s, p, "success", NULL);
	if (p)
		p2p_end(s, p, NULL);
}

static void on_block(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);
	char *why;

	if (!p || p->state != P2P_OPEN)
		return;
	p->inflight--;
	if (!req_ok(reply)) {
		why = p2p_refusal(p, reply, "a block");
		send_close(s, p);
		p2p_end(s, p, why);
		free(why);
		return;
	}
	pump(s, p);
}

/* Sends blocks while fewer than P2P_WINDOW are unanswered; at the end
 * of the file, once all are answered, the close. */
/* The SHA-256 of what we sent, in a session-info before the close. */
void p2p_jingle_checksum(struct session *s, struct p2p *p)
{
	xmpp_stanza_t *iq = req_iq(s, "set", p->peer, "jingle", NS_JINGLE);
	xmpp_stanza_t *j = stanza_payload(iq), *ck, *f, *h, *body;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	char *b64;

	EVP_DigestFinal_ex(p->md, md, &len);
	EVP_MD_CTX_free(p->md);
	p->md = NULL;
	xmpp_stanza_set_attribute(j, "action", "session-info");
	xmpp_stanza_set_attribute(j, "sid", p->jsid);
	ck = stanza_add_child(j, "checksum", NS_JINGLE_FT);
	xmpp_stanza_set_attribute(ck, "creator", p->creator);
	xmpp_stanza_set_attribute(ck, "name", p->content);
	f = stanza_add_child(ck, "file", NS_JINGLE_FT);
	h = stanza_add_child(f, "hash", NS_HASHES);
	xmpp_stanza_set_attribute(h, "algo", "sha-256");
	b64 = xmpp_base64_encode(s->ctx, md, len);
	body = xmpp_stanza_new(s->ctx);
	xmpp_stanza_set_text(body, b64);
	xmpp_stanza_add_child(h, body);
	xmpp_stanza_release(body);
	xmpp_free(s->ctx, b64);
	req_send(s, iq, on_jingle_answer, p2p_ud(p), REQ_TIMEOUT_MS);
}

static void pump(struct session *s, struct p2p *p)
{
	unsigned char buf[P2P_BLOCK];

	while (!p->eof && p->inflight < P2P_WINDOW) {
		ssize_t n = transfer_read(p->t, buf, p->block);
		xmpp_stanza_t *iq, *data, *body;
		char *b64, seq[16];

		if (n < 0) {
			char *why = xasprintf("cannot read the file: %s",
					      strerror(errno));

			send_close(s, p);
			p2p_end(s, p, why);
			free(why);
			return;
		}
		if (n == 0) {
			p->eof = true;
			break;
		}
		if (p->md)
			EVP_DigestUpdate(p->md, buf, (size_t)n);
		iq = req_iq(s, "set", p->peer, "data", NS_IBB);
		data = stanza_payload(iq);
		snprintf(seq, sizeof seq, "%u", (unsigned)p->seq++);
		xmpp_stanza_set_attribute(data, "sid", p->sid);
		xmpp_stanza_set_attribute(data, "seq", seq);
		b64 = xmpp_base64_encode(s->ctx, buf, (size_t)n);
		body = xmpp_stanza_new(s->ctx);
		xmpp_stanza_set_text(body, b64);
		xmpp_stanza_add_child(data, body);
		xmpp_stanza_release(body);
		xmpp_free(s->ctx, b64);
		p->inflight++;
		req_send(s, iq, on_block, p2p_ud(p), REQ_TIMEOUT_MS);
	}
	if (p->eof && p->inflight == 0 && p->state == P2P_OPEN) {
		xmpp_stanza_t *iq;

		if (p->md)
			p2p_jingle_checksum(s, p);
		iq = req_iq(s, "set", p->peer, "close", NS_IBB);

		xmpp_stanza_set_attribute(stanza_payload(iq), "sid", p->sid);
		p->state = P2P_CLOSING;
		req_send(s, iq, on_closed, p2p_ud(p), REQ_TIMEOUT_MS);
	}
}

static void on_opened(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);
	char *why;

	if (!p)
		return;
	if (!req_ok(reply)) {
		why = p2p_refusal(p, reply, "the stream");
		p2p_end(s, p, why);
		free(why);
		return;
	}
	p->state = P2P_OPEN;
	pump(s, p);
}

/* The stream method the receiver chose in its answer, or NULL. */
static char *chosen_method(xmpp_stanza_t *reply)
{
	xmpp_stanza_t *si = xmpp_stanza_get_child_by_name_and_ns(reply, "si",
								 NS_SI);
	xmpp_stanza_t *feat = si ? xmpp_stanza_get_child_by_name_and_ns(
					   si, "feature", NS_FEATURE_NEG)
				 : NULL;
	xmpp_stanza_t *x = feat ? xmpp_stanza_get_child_by_name_and_ns(
					  feat, "x", NS_DATA)
				: NULL;

	for (xmpp_stanza_t *c = x ? xmpp_stanza_get_children(x) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *var = xmpp_stanza_get_attribute(c, "var");

		if (xmpp_stanza_is_tag(c) && var &&
		    strcmp(var, "stream-method") == 0)
			return stanza_child_text(c, "value");
	}
	return NULL;
}

static void on_accepted(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);
	char *method, *why;

	if (!p)
		return;
	if (!req_ok(reply)) {
		why = p2p_refusal(p, reply, "the offer");
		p2p_end(s, p, why);
		free(why);
		return;
	}
	method = chosen_method(reply);
	if (method && strcmp(method, NS_BYTESTREAMS) == 0) {
		free(method);
		p->method = P2P_METHOD_SOCKS5;
		s5b_send(s, p);
		return;
	}
	if (!method || strcmp(method, NS_IBB) != 0) {
		free(method);
		p2p_end(s, p, "the receiver chose a stream natter does not "
			      "offer");
		return;
	}
	free(method);
	p->block = P2P_BLOCK;
	p2p_open_ibb(s, p);
}

/* Opens the in-band stream the receiver took, of p->block bytes. */
void p2p_open_ibb(struct session *s, struct p2p *p)
{
	xmpp_stanza_t *iq, *open;
	char bs[16];

	p->method = P2P_METHOD_IBB;
	iq = req_iq(s, "set", p->peer, "open", NS_IBB);
	open = stanza_payload(iq);
	snprintf(bs, sizeof bs, "%u", p->block);
	xmpp_stanza_set_attribute(open, "sid", p->sid);
	xmpp_stanza_set_attribute(open, "block-size", bs);
	xmpp_stanza_set_attribute(open, "stanza", "iq");
	p->state = P2P_OPENING;
	req_send(s, iq, on_opened, p2p_ud(p), REQ_TIMEOUT_MS);
}

/* The full JID to send to: jid itself when it has a resource, else the
 * most available resource the roster knows of bare jid, or NULL. The
 * caller frees it. */
static char *full_jid_of(struct account *a, const char *jid)
{
	struct roster_item *it;
	const struct resource *best = NULL;

	if (strchr(jid, '/'))
		return xstrdup(jid);
	it = roster_get(&a->roster, jid);
	for (size_t i = 0; it && i < it->nres; i++)
		if (!best || it->res[i].priority > best->priority ||
		    (it->res[i].priority == best->priority &&
		     it->res[i].show < best->show))
			best = &it->res[i];
	return best ? xasprintf("%s/%s", jid, best->name) : NULL;
}

static void offer_file(struct session *s, struct p2p *p)
{
	xmpp_stanza_t *iq = req_iq(s, "set", p->peer, "si", NS_SI);
	xmpp_stanza_t *si = stanza_payload(iq), *file, *feat, *x, *f, *opt;
	char size[32];

	xmpp_stanza_set_attribute(si, "id", p->sid);
	xmpp_stanza_set_attribute(si, "profile", NS_SI_FT);
	xmpp_stanza_set_attribute(si, "mime-type", "application/octet-stream");
	file = stanza_add_child(si, "file", NS_SI_FT);
	xmpp_stanza_set_attribute(file, "name", p->t->name);
	snprintf(size, sizeof size, "%" PRId64, p->t->total);
	xmpp_stanza_set_attribute(file, "size", size);
	feat = stanza_add_child(si, "feature", NS_FEATURE_NEG);
	x = stanza_add_child(feat, "x", NS_DATA);
	xmpp_stanza_set_type(x, "form");
	f = stanza_add_child(x, "field", NULL);
	xmpp_stanza_set_attribute(f, "var", "stream-method");
	xmpp_stanza_set_attribute(f, "type", "list-single");
	opt = stanza_add_child(f, "option", NULL);
	stanza_add_text(opt, "value", NS_BYTESTREAMS);
	opt = stanza_add_child(f, "option", NULL);
	stanza_add_text(opt, "value", NS_IBB);
	p->state = P2P_ACCEPTED;
	req_send(s, iq, on_accepted, p2p_ud(p), P2P_OFFER_TIMEOUT_MS);
}

/* Offers p's file with Jingle File Transfer (XEP-0234), over SOCKS5
 * (XEP-0260, jingles5b.c) when s5b, else in band (XEP-0261); its
 * SHA-256 is computed as it is read and sent at the end. */
static void jingle_offer(struct session *s, struct p2p *p, bool s5b)
{
	char *jsid = xmpp_uuid_gen(s->ctx);

	p->jsid = xstrdup(jsid);
	xmpp_free(s->ctx, jsid);
	p->content = xstrdup("a-file");
	p->creator = xstrdup("initiator");
	p->md = EVP_MD_CTX_new();
	if (!p->md || !EVP_DigestInit_ex(p->md, EVP_sha256(), NULL))
		abort(); /* out of memory, as xmem does */
	if (s5b)
		js5b_offer(s, p);
	else
		p2p_jingle_send(s, p);
}

/* What the peer's client says it takes: Jingle files, or stream
 * initiation as before (no answer too). */
static void on_peer_info(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);
	xmpp_stanza_t *q = reply && req_ok(reply) ?
		xmpp_stanza_get_child_by_name_and_ns(reply, "query",
						     NS_DISCO_INFO) : NULL;

	if (!p || p->state != P2P_ACCEPTED || p->jsid)
		return;
	if (q && stanza_has_feature(q, NS_JINGLE_FT) &&
	    stanza_has_feature(q, NS_JINGLE_S5B))
		jingle_offer(s, p, true);
	else if (q && stanza_has_feature(q, NS_JINGLE_FT) &&
		 stanza_has_feature(q, NS_JINGLE_IBB))
		jingle_offer(s, p, false);
	else
		offer_file(s, p);
}

int xs_sendfile_p2p(struct app *app, struct window *w, struct account *a,
		    const char *jid, const char *path, char **err)
{
	struct session *s = session_of(a);
	char *full, *sid;
	struct p2p *p;
	xmpp_stanza_t *iq;

	if (a->state != ACC_ONLINE) {
		*err = xasprintf("%s is not connected", a->conf->name);
		return -1;
	}
	if (!jid_valid(jid)) {
		*err = xasprintf("%s: not a JID", jid);
		return -1;
	}
	full = full_jid_of(a, jid);
	if (!full) {
		*err = xasprintf("%s has no client online that natter knows "
				 "of: give its full JID (with /resource)", jid);
		return -1;
	}
	sid = xmpp_uuid_gen(s->ctx);
	p = p2p_new(s, full, sid, true);
	xmpp_free(s->ctx, sid);
	free(full);
	p->t = transfer_send(app, w, a, p->peer, path, p2p_stop, p2p_ud(p), err);
	if (!p->t) {
		p2p_free(s, p);
		return -1;
	}
	/* Jingle when the peer's client says it takes files so */
	iq = req_iq(s, "get", p->peer, "query", NS_DISCO_INFO);
	p->state = P2P_ACCEPTED;
	req_send(s, iq, on_peer_info, p2p_ud(p), REQ_TIMEOUT_MS);
	return 0;
}

/* ---- ends ---- */

/* The user cancelled p's transfer (core/transfer.h's stop). */
static void p2p_stop(struct transfer *t, void *ud)
{
	struct session *s;
	struct p2p *p;

	if (!t->acc)
		return;
	s = session_of(t->acc);
	p = p2p_of_ud(s, ud);
	if (!p)
		return;
	if (p->acc->state == ACC_ONLINE && p->method == P2P_METHOD_IBB &&
	    (p->state == P2P_OPEN || p->state == P2P_OPENING ||
	     p->state == P2P_CLOSING))
		send_close(s, p);
	if (p->acc->state == ACC_ONLINE && p->jsid)
		p2p_jingle_terminate(s, p, "cancel", "cancelled");
	else if (p->acc->state == ACC_ONLINE && p->hosts_iq)
		p2p_reply_error(s, p->peer, p->hosts_iq, "cancel",
				"item-not-found", NULL, NULL);
	/* a SOCKS5 stream ends with its connection, closed with p */
	p2p_free(s, p); /* core ends t as cancelled */
}

void p2p_peer_gone(struct session *s, const char *full)
{
	struct p2p *p, *next;
	char *why = xasprintf("%s went offline", full);

	for (p = xs_of(s)->p2p; p; p = next) {
		next = p->next;
		if (p->acc == s->acc && strcmp(p->peer, full) == 0)
			p2p_end(s, p, why); /* an offer waiting: withdrawn */
	}
	free(why);
}

void p2p_down(struct session *s)
{
	struct p2p *p, *next;

	for (p = xs_of(s)->p2p; p; p = next) {
		next = p->next;
		if (p->acc == s->acc)
			p2p_end(s, p, "the connection to the server was lost");
	}
	s5b_down(s);
}

void p2p_free_all(struct app *app)
{
	s5b_free_all(app);
	while (app->xs->p2p)
		p2p_free(session_of(app->xs->p2p->acc), app->xs->p2p);
}
