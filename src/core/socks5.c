/* socks5: XEP-0065 bytestreams' connections in the loop (socks5.h).
 *
 * One struct s5 is one bytestream connection and what leads to it: a
 * connect to a streamhost (hs, steps C_*), or a listener (lfd) with up
 * to S5_PENDING connections in their handshakes (pend[], steps S_*), of
 * which the first that asks for our hash becomes hs. Handshake bytes go
 * through small in/out buffers, since a socket may take or give them in
 * pieces; the data phase moves S5_BUF bytes at a time.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/loop.h"
#include "core/socks5.h"
#include "core/transfer.h"
#include "util/log.h"
#include "util/sha1.h"
#include "util/xmem.h"

#define S5_BUF 65536
#define S5_PENDING 4
#define S5_HS_MAX 600 /* the longest handshake message, with room */

enum step {
	C_CONNECT = 1, C_METHOD, C_REPLY, /* we connect */
	S_GREET, S_REQUEST, S_REPLY,      /* someone connects to us */
	READY, RECEIVING, SENDING,
};

struct hs {
	struct s5 *c;
	int fd;
	enum step step;
	unsigned char in[S5_HS_MAX];
	size_t inlen;
	unsigned char out[S5_HS_MAX];
	size_t outlen, outoff;
};

struct s5 {
	struct loop *l;
	struct hs hs;        /* the connection, once there is one */
	int lfd;             /* listening, or -1 */
	struct hs pend[S5_PENDING];
	char dst[41];
	loop_timer_id timer;
	s5_fn fn;
	void *ud;
	bool told;           /* fn was called for the current phase */
	struct transfer *t;
	unsigned char *buf;  /* the data phase's */
	size_t blen, boff;
	bool eof;
	void *md;            /* sending: hashes what is read, or NULL */
};

void s5_dst(const char *sid, const char *initiator, const char *target,
	    char out[41])
{
	sha1_hex(out, sid, initiator, target, (const char *)NULL);
}

int s5_reply_len(const unsigned char *buf, size_t len)
{
	size_t need;

	if (len < 2)
		return 0;
	if (buf[0] != 5 || buf[1] != 0)
		return -1;
	if (len < 5)
		return 0;
	switch (buf[3]) {
	case 1: need = 10; break;
	case 4: need = 22; break;
	case 3: need = 7 + (size_t)buf[4]; break;
	default: return -1;
	}
	return len >= need ? (int)need : 0;
}

int s5_request_parse(const unsigned char *buf, size_t len, char *dst)
{
	size_t n, need;

	if (len < 5)
		return len && buf[0] != 5 ? -1 : 0;
	if (buf[0] != 5 || buf[1] != 1 || buf[2] != 0 || buf[3] != 3 ||
	    buf[4] == 0)
		return -1;
	n = buf[4];
	need = 5 + n + 2;
	if (len < need)
		return 0;
	memcpy(dst, buf + 5, n);
	dst[n] = '\0';
	return strlen(dst) == n ? (int)need : -1;
}

static void hs_close(struct loop *l, struct hs *h)
{
	if (h->fd >= 0) {
		loop_unwatch(l, h->fd);
		close(h->fd);
	}
	memset(h, 0, sizeof *h);
	h->fd = -1;
}

/* Calls the callback of the current phase once; c may be freed by it,
 * so this is the last thing a path does. */
static void tell(struct s5 *c, const char *error)
{
	if (c->told)
		return;
	c->told = true;
	loop_timer_cancel(c->l, c->timer);
	c->timer = 0;
	/* quiet until the next phase watches it again (a hang-up is
	 * reported even for no events) */
	if (c->hs.fd >= 0)
		loop_unwatch(c->l, c->hs.fd);
	c->fn(c, error, c->ud);
}

/* Writes what h has queued: 0 when all is out, 1 when the socket is
 * full, -1 on error (errno). */
static int hs_flush(struct hs *h)
{
	while (h->outoff < h->outlen) {
		ssize_t n = write(h->fd, h->out + h->outoff,
				  h->outlen - h->outoff);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 1 : -1;
		h->outoff += (size_t)n;
	}
	h->outoff = h->outlen = 0;
	return 0;
}

static void hs_queue(struct hs *h, const void *p, size_t n)
{
	if (h->outlen + n > sizeof h->out)
		abort(); /* handshake messages are small */
	memcpy(h->out + h->outlen, p, n);
	h->outlen += n;
}

/* Reads what has come: > 0, 0 at the end, -1 on error, -2 for nothing
 * yet. */
static ssize_t hs_fill(struct hs *h)
{
	ssize_t n;

	if (h->inlen >= sizeof h->in)
		return -1; /* no handshake message is that long */
	do
		n = read(h->fd, h->in + h->inlen, sizeof h->in - h->inlen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -2 : -1;
	h->inlen += (size_t)n;
	return n;
}

static void hs_consume(struct hs *h, size_t n)
{
	memmove(h->in, h->in + n, h->inlen - n);
	h->inlen -= n;
}

static void hs_interest(struct loop *l, struct hs *h)
{
	loop_watch_events(l, h->fd, POLLIN | (h->outlen ? POLLOUT : 0));
}

/* ---- connecting to a streamhost ---- */

static void on_client(struct loop *l, int fd, short ev, void *ud)
{
	struct s5 *c = ud;
	struct hs *h = &c->hs;
	ssize_t r;
	int n;

	if (h->step == C_CONNECT) {
		int e = 0;
		socklen_t len = sizeof e;
		static const unsigned char greet[] = { 5, 1, 0 };

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
		if (e) {
			char why[160];

			snprintf(why, sizeof why, "cannot connect: %s",
				 strerror(e));
			tell(c, why);
			return;
		}
		if (!(ev & POLLOUT))
			return;
		hs_queue(h, greet, sizeof greet);
		h->step = C_METHOD;
	}
	if (hs_flush(h) < 0) {
		tell(c, strerror(errno));
		return;
	}
	if (ev & (POLLIN | POLLHUP | POLLERR)) {
		r = hs_fill(h);
		if (r == 0 || r == -1) {
			tell(c, r == 0 ? "the streamhost closed the connection"
				       : strerror(errno));
			return;
		}
	}
	if (h->step == C_METHOD && h->inlen >= 2) {
		unsigned char req[7 + 40] = { 5, 1, 0, 3, 40 };

		if (h->in[0] != 5 || h->in[1] != 0) {
			tell(c, "the streamhost wants a method natter does not "
				"speak");
			return;
		}
		hs_consume(h, 2);
		memcpy(req + 5, c->dst, 40);
		hs_queue(h, req, sizeof req);
		h->step = C_REPLY;
		if (hs_flush(h) < 0) {
			tell(c, strerror(errno));
			return;
		}
	}
	if (h->step == C_REPLY) {
		n = s5_reply_len(h->in, h->inlen);
		if (n < 0) {
			tell(c, "the streamhost refused the stream");
			return;
		}
		if (n > 0) {
			hs_consume(h, (size_t)n); /* the rest is data */
			h->step = READY;
			tell(c, NULL);
			return;
		}
	}
	hs_interest(l, h);
}

static void on_timeout(struct loop *l, void *ud)
{
	struct s5 *c = ud;

	(void)l;
	c->timer = 0;
	tell(c, "the streamhost did not answer");
}

static struct s5 *s5_new(struct loop *l, const char *dst, s5_fn fn, void *ud)
{
	struct s5 *c = xcalloc(1, sizeof *c);

	c->l = l;
	c->hs.fd = c->lfd = -1;
	for (int i = 0; i < S5_PENDING; i++)
		c->pend[i].fd = -1;
	snprintf(c->dst, sizeof c->dst, "%s", dst);
	c->fn = fn;
	c->ud = ud;
	return c;
}

/* A sockaddr for host:port; 0, or -1 when host is no numeric address. */
static int address(const char *host, int port, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof *a4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof *a6;
		return 0;
	}
	return -1;
}

struct s5 *s5_connect(struct loop *l, const char *host, int port,
		      const char *dst, uint64_t timeout_ms, s5_fn done,
		      void *ud, char **err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct s5 *c;
	int fd;

	if (port <= 0 || port > 65535 || address(host, port, &ss, &len) < 0) {
		*err = xasprintf("%s port %d is no address natter connects to",
				 host, port);
		return NULL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 || (connect(fd, (struct sockaddr *)&ss, len) < 0 &&
		       errno != EINPROGRESS)) {
		*err = xasprintf("cannot connect to %s port %d: %s", host, port,
				 strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	c = s5_new(l, dst, done, ud);
	c->hs.c = c;
	c->hs.fd = fd;
	c->hs.step = C_CONNECT;
	loop_watch(l, fd, POLLOUT, on_client, c);
	c->timer = loop_timer_add(l, timeout_ms, on_timeout, c);
	return c;
}

/* ---- being a streamhost ---- */

static void on_pending(struct loop *l, int fd, short ev, void *ud)
{
	struct hs *h = ud;
	struct s5 *c = h->c;
	char dst[256];
	ssize_t r;
	int n;

	(void)fd;
	if (hs_flush(h) < 0) {
		hs_close(l, h);
		return;
	}
	if (h->step == S_REPLY && !h->outlen) {
		/* ours: it becomes the connection, the rest go */
		c->hs = *h;
		c->hs.step = READY;
		memset(h, 0, sizeof *h);
		h->fd = -1;
		for (int i = 0; i < S5_PENDING; i++)
			hs_close(l, &c->pend[i]);
		loop_unwatch(l, c->lfd);
		close(c->lfd);
		c->lfd = -1;
		tell(c, NULL);
		return;
	}
	if (ev & (POLLIN | POLLHUP | POLLERR)) {
		r = hs_fill(h);
		if (r == 0 || r == -1) {
			hs_close(l, h);
			return;
		}
	}
	if (h->step == S_GREET && h->inlen >= 2 &&
	    h->inlen >= 2 + (size_t)h->in[1]) {
		static const unsigned char ok[] = { 5, 0 };

		if (h->in[0] != 5 || !memchr(h->in + 2, 0, h->in[1])) {
			hs_close(l, h); /* no "no authentication" */
			return;
		}
		hs_consume(h, 2 + (size_t)h->in[1]);
		hs_queue(h, ok, sizeof ok);
		h->step = S_REQUEST;
	}
	if (h->step == S_REQUEST) {
		n = s5_request_parse(h->in, h->inlen, dst);
		if (n < 0 || (n > 0 && strcmp(dst, c->dst) != 0)) {
			hs_close(l, h); /* not a bytestream, or another's */
			return;
		}
		if (n > 0) {
			unsigned char rep[7 + 40] = { 5, 0, 0, 3, 40 };

			hs_consume(h, (size_t)n);
			memcpy(rep + 5, c->dst, 40);
			hs_queue(h, rep, sizeof rep);
			h->step = S_REPLY;
		}
	}
	hs_interest(l, h);
}

static void on_accept(struct loop *l, int lfd, short ev, void *ud)
{
	struct s5 *c = ud;
	int fd;

	(void)ev;
	while ((fd = accept4(lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct hs *h = NULL;

		for (int i = 0; i < S5_PENDING && !h; i++)
			if (c->pend[i].fd < 0)
				h = &c->pend[i];
		if (!h) {
			close(fd); /* too many at once */
			continue;
		}
		memset(h, 0, sizeof *h);
		h->c = c;
		h->fd = fd;
		h->step = S_GREET;
		loop_watch(l, fd, POLLIN, on_pending, h);
	}
}

struct s5 *s5_listen(struct loop *l, const char *addr, int *port,
		     const char *dst, s5_fn ready, void *ud, char **err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct s5 *c;
	int fd;

	if (address(addr, 0, &ss, &len) < 0) {
		*err = xasprintf("%s is no address natter listens on", addr);
		return NULL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(fd, S5_PENDING) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		*err = xasprintf("cannot listen on %s: %s", addr,
				 strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*port = ntohs(ss.ss_family == AF_INET ?
			      ((struct sockaddr_in *)&ss)->sin_port :
			      ((struct sockaddr_in6 *)&ss)->sin6_port);
	c = s5_new(l, dst, ready, ud);
	c->lfd = fd;
	loop_watch(l, fd, POLLIN, on_accept, c);
	return c;
}

/* ---- the data ---- */

static void on_data(struct loop *l, int fd, short ev, void *ud)
{
	struct s5 *c = ud;
	ssize_t n;
	const char *err;

	(void)l;
	(void)ev;
	if (c->hs.step == RECEIVING) {
		do
			n = read(fd, c->buf, S5_BUF);
		while (n < 0 && errno == EINTR);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			tell(c, strerror(errno));
			return;
		}
		if (n == 0) {
			tell(c, NULL); /* transfer_end judges the length */
			return;
		}
		err = transfer_write(c->t, c->buf, (size_t)n);
		if (err || (c->t->total >= 0 && c->t->done >= c->t->total))
			tell(c, err);
		return;
	}
	for (;;) { /* SENDING: a buffer at a time, while the socket takes it */
		if (c->boff == c->blen && !c->eof) {
			n = transfer_read(c->t, c->buf, S5_BUF);
			if (n < 0) {
				char why[160];

				snprintf(why, sizeof why,
					 "cannot read the file: %s",
					 strerror(errno));
				tell(c, why);
				return;
			}
			if (n > 0 && c->md)
				EVP_DigestUpdate(c->md, c->buf, (size_t)n);
			c->eof = n == 0;
			c->blen = (size_t)n;
			c->boff = 0;
		}
		if (c->boff == c->blen) {
			shutdown(fd, SHUT_WR);
			tell(c, NULL);
			return;
		}
		do
			n = write(fd, c->buf + c->boff, c->blen - c->boff);
		while (n < 0 && errno == EINTR);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			tell(c, strerror(errno));
			return;
		}
		c->boff += (size_t)n;
	}
}

static void data_start(struct s5 *c, struct transfer *t, s5_fn done,
		       void *ud, enum step step)
{
	c->t = t;
	c->fn = done;
	c->ud = ud;
	c->told = false;
	c->hs.step = step;
	c->buf = xmalloc(S5_BUF);
	loop_watch(c->l, c->hs.fd, step == RECEIVING ? POLLIN : POLLOUT,
		   on_data, c);
}

void s5_receive(struct s5 *c, struct transfer *t, s5_fn done, void *ud)
{
	const char *err = NULL;

	data_start(c, t, done, ud, RECEIVING);
	if (c->hs.inlen) { /* came with the handshake's reply */
		err = transfer_write(t, c->hs.in, c->hs.inlen);
		c->hs.inlen = 0;
		if (err || (t->total >= 0 && t->done >= t->total))
			tell(c, err);
	}
}

void s5_send(struct s5 *c, struct transfer *t, s5_fn done, void *ud)
{
	data_start(c, t, done, ud, SENDING);
}

void s5_send_digest(struct s5 *c, struct transfer *t, void *md,
		    s5_fn done, void *ud)
{
	c->md = md;
	data_start(c, t, done, ud, SENDING);
}

void s5_free(struct s5 **cp)
{
	struct s5 *c = *cp;

	if (!c)
		return;
	loop_timer_cancel(c->l, c->timer);
	hs_close(c->l, &c->hs);
	for (int i = 0; i < S5_PENDING; i++)
		hs_close(c->l, &c->pend[i]);
	if (c->lfd >= 0) {
		loop_unwatch(c->l, c->lfd);
		close(c->lfd);
	}
	free(c->buf);
	free(c);
	*cp = NULL;
}
