/* p2p: what xmpp/p2p.c (offers, in-band streams) and xmpp/s5b.c
 * (SOCKS5 bytestreams) share about a file moving peer to peer.
 *
 * A struct p2p is one stream, either direction, in app->xs->p2p; see
 * p2p.c's opening comment. Requests carry p2p_ud(p), found again with
 * p2p_of_ud(); the SOCKS5 connections a stream owns (core/socks5.h)
 * are freed with it, so their callbacks may hold the stream itself.
 */
#ifndef NATTER_XMPP_P2P_H
#define NATTER_XMPP_P2P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strophe.h>

struct session;
struct transfer;
struct s5;
struct js5b;
struct js5b_cand;
struct p2p_host;

enum p2p_state {
	P2P_OFFERED,  /* receiving: the user has not answered yet */
	P2P_ACCEPTED, /* receiving: waits for the sender's <open/>;
		       * sending: the offer is out */
	P2P_OPENING,  /* sending: our <open/> is out */
	P2P_OPEN,     /* bytes move */
	P2P_CLOSING,  /* sending: our <close/> is out */
	P2P_FINDING,  /* sending SOCKS5: looking for the server's proxy */
	P2P_HOSTS,    /* SOCKS5: the streamhosts are being tried (receiving)
		       * or were offered (sending) */
	P2P_ACTIVATING, /* sending SOCKS5: connected to the proxy, asking
			 * it to join us to the receiver */
};

struct p2p {
	struct p2p *next;
	unsigned long id;     /* requests' ud */
	struct account *acc;
	char *peer;           /* the other party's full JID */
	char *sid;
	char *iq_id;          /* receiving: the offer to answer */
	bool sending;
	enum p2p_state state;
	struct transfer *t;   /* NULL while offered */
	/* the offer, for the dialog (receiving) */
	char *name;           /* as the sender said it, one clean line */
	char *hash;           /* its MD5 as the sender said it, or NULL */
	int64_t size;
	unsigned block;       /* the block size agreed */
	unsigned char *blockbuf; /* receiving in-band: a block decoded
				  * (block + 2 bytes), made at the open */
	uint16_t seq;         /* the next block's */
	unsigned inflight;    /* sending: blocks not yet answered */
	bool eof;             /* sending: the whole file was read */
	/* SOCKS5 bytestreams (s5b.c) */
	unsigned method;      /* P2P_METHOD_* agreed */
	char *self;           /* our full JID in the stream's hash */
	struct s5 *s5;        /* the connection, or the attempt at one */
	struct s5 *s5l;       /* sending: our own streamhost (a listener,
			       * then the connection made to it) */
	bool s5l_ready;       /* sending: someone connected to it */
	struct p2p_host *hosts; /* receiving: the streamhosts offered */
	size_t nhosts, host_at; /* and the one being tried */
	char *hosts_iq;       /* receiving: the offer of them, to answer */
	char *why;            /* receiving: why the last one failed */
	/* Jingle File Transfer: the session, NULL for SI */
	char *jsid;
	char *content, *creator;
	char *sha256;         /* the hash offered, hex, or NULL */
	void *md;             /* sending: the SHA-256 of what was read
			       * (an EVP_MD_CTX), told at the end */
	struct js5b *js5b;    /* Jingle over SOCKS5 (jingles5b.c), or
			       * NULL: in band */
};


struct p2p *p2p_of_ud(struct session *s, void *ud);
void *p2p_ud(const struct p2p *p);
/* The session of p's account (session_of). */
struct session *session_of_p2p(const struct p2p *p);
/* Ends p's transfer (error NULL: finished) and frees p. */
void p2p_end(struct session *s, struct p2p *p, const char *error);
/* The stream a receiving element (with a sid) from iq is about: the
 * sender's full JID and the sid must match. NULL after answering
 * item-not-found. */
struct p2p *p2p_incoming(struct session *s, xmpp_stanza_t *iq,
			 xmpp_stanza_t *el);
/* Answers the IQ id from to with an error: type, condition, text (may
 * be NULL) and an XEP-0095 condition ext (may be NULL). */
void p2p_reply_error(struct session *s, const char *to, const char *id,
		     const char *type, const char *cond, const char *text,
		     const char *ext);
/* An empty result for the IQ id to `to` (the caller adds and sends). */
xmpp_stanza_t *p2p_reply_new(struct session *s, const char *to,
			     const char *id, const char *type);
/* Words for an error answer to what we asked p's peer (what: "the
 * offer"): declined, or the condition. The caller frees them. */
char *p2p_refusal(const struct p2p *p, xmpp_stanza_t *reply,
		  const char *what);

/* Jingle (p2p.c), for jingles5b.c: sends p's session-initiate
 * (sending) or session-accept, its transport p->js5b's when there is
 * one; the state is P2P_ACCEPTED after. */
void p2p_jingle_send(struct session *s, struct p2p *p);
/* A session-terminate with reason cond and text (may be NULL). */
void p2p_jingle_terminate(struct session *s, struct p2p *p,
			  const char *cond, const char *text);
/* Receiving: the bytes ended; p ends with the file kept when whole (and
 * of the hash), and the session with success or why not. */
void p2p_jingle_done(struct session *s, struct p2p *p);
/* Sending: the SHA-256 of what was read, in a session-info. */
void p2p_jingle_checksum(struct session *s, struct p2p *p);
/* Sending: opens the in-band stream p->sid of p->block bytes. */
void p2p_open_ibb(struct session *s, struct p2p *p);
/* A bytestream attribute of el as one clean line (the caller frees
 * it), or NULL. */
char *p2p_clean_attr(xmpp_stanza_t *el, const char *name);
/* Asks proxy, a SOCKS5 bytestreams service (XEP-0065), to activate p's
 * stream (s5b.c); done gets its answer with p2p_ud(p). The state is
 * P2P_ACTIVATING after. */
void s5b_activate(struct session *s, struct p2p *p, const char *proxy,
		  void (*done)(struct session *s, xmpp_stanza_t *reply,
			       void *ud));

/* jingles5b.c: Jingle SOCKS5 bytestreams (XEP-0260). */
/* Receiving: p's offer came with these candidates (taken). */
void js5b_offered(struct session *s, struct p2p *p,
		  struct js5b_cand **cands, size_t n);
/* Gathers our candidates (the proxy may have to be found first), then
 * sends p's session-initiate (sending) or session-accept and, then,
 * tries the initiator's candidates. */
void js5b_offer(struct session *s, struct p2p *p);
/* The proxy lookup p waited for (P2P_FINDING) ended. */
void js5b_found(struct session *s, struct p2p *p);
/* Sending: the session-accept's transport tr (XEP-0260). */
void js5b_accepted(struct session *s, struct p2p *p, xmpp_stanza_t *tr);
/* A transport-info, -replace or -accept, or a session-info's checksum
 * (action) for p, already answered: true when handled here. */
bool js5b_jingle(struct session *s, struct p2p *p, const char *action,
		 xmpp_stanza_t *jingle);
/* Frees what p holds of Jingle SOCKS5 (not p->s5, p->s5l). */
void js5b_free(struct p2p *p);
/* The transport element of NS_JINGLE_S5B to add to p's content. */
void js5b_transport_add(struct session *s, struct p2p *p,
			xmpp_stanza_t *content);

/* s5b.c: SOCKS5 bytestreams (XEP-0065). */
/* The account's proxy (found by disco once), borrowed into *h: 1, or 0
 * when the server has none, or -1 while it is looked for (the streams
 * in P2P_FINDING are told when it ends). */
int s5b_proxy(struct session *s, struct p2p_host *h);
/* The address our connection to the server goes out from, numeric (the
 * caller frees it), or NULL: where the peer may reach us. */
char *s5b_local_address(struct session *s);
/* The sender's streamhosts for a stream we receive: tried in turn. */
void s5b_hosts(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query);
/* The receiver took our offer with SOCKS5: offers our streamhosts (our
 * own, and the server's proxy), then sends. */
void s5b_send(struct session *s, struct p2p *p);
/* Frees what p holds of SOCKS5. */
void s5b_clear(struct p2p *p);
/* s's connection went down: a proxy still being looked for is looked
 * for again next time. / Forgets every proxy (at exit). */
void s5b_down(struct session *s);
void s5b_free_all(struct app *app);

#endif
