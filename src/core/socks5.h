/* socks5: the SOCKS5 side of XEP-0065 bytestreams, inside the loop.
 *
 * A bytestream is a TCP connection that starts with a SOCKS5 handshake
 * (RFC 1928, no authentication, CONNECT to a "domain name" that is the
 * stream's hash: s5_dst()) and then carries one file's bytes. natter
 * plays both ends: it connects to a streamhost (the sender's, or a
 * server's proxy) with s5_connect(), and it offers itself as a
 * streamhost with s5_listen(), answering the handshake of whoever
 * connects and keeping the one that asks for the stream's hash. Once a
 * connection is ready, s5_receive() writes what comes into a transfer
 * and s5_send() sends one from its file (core/transfer.h), both a
 * buffer at a time as the socket allows: nothing blocks, and a file is
 * never held whole.
 *
 * Every socket is non-blocking and watched by the loop; each object
 * ends by calling its callback once (never after s5_free), with NULL
 * for success or words for what failed. Only numeric addresses are
 * connected to (resolving a name would block the loop).
 */
#ifndef NATTER_CORE_SOCKS5_H
#define NATTER_CORE_SOCKS5_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct transfer;
struct s5;

/* The hash a bytestream asks for: SHA-1 of sid, the initiator's and the
 * target's full JIDs, in lower-case hex (41 bytes with the NUL). */
void s5_dst(const char *sid, const char *initiator, const char *target,
	    char out[41]);

/* Called once when a handshake (and later the data) ends: error NULL
 * for success. c is still valid; free it with s5_free when done. */
typedef void (*s5_fn)(struct s5 *c, const char *error, void *ud);

/* Connects to host (a numeric IPv4 or IPv6 address) port and asks for
 * dst; done is called when the streamhost answered, or with why not
 * (including no answer within timeout_ms). NULL with *err (the
 * caller frees it) when it cannot even start. */
struct s5 *s5_connect(struct loop *l, const char *host, int port,
		      const char *dst, uint64_t timeout_ms, s5_fn done,
		      void *ud, char **err);
/* Listens on addr (numeric) on a free port, told in *port; the first
 * connection that completes the handshake asking for dst is kept and
 * ready is called (error NULL); others are dropped. Then the listener
 * stops listening. NULL with *err when it cannot listen. */
struct s5 *s5_listen(struct loop *l, const char *addr, int *port,
		     const char *dst, s5_fn ready, void *ud, char **err);
/* Data, after success: receives into t until its size is reached or the
 * other end closes; sends t's file, then closes. done is called once. */
void s5_receive(struct s5 *c, struct transfer *t, s5_fn done, void *ud);
void s5_send(struct s5 *c, struct transfer *t, s5_fn done, void *ud);
/* s5_send that also feeds what it reads to md (an EVP_MD_CTX the
 * caller owns and finishes after done). */
void s5_send_digest(struct s5 *c, struct transfer *t, void *md,
		    s5_fn done, void *ud);
/* Closes everything c holds and frees it; *c NULL after. */
void s5_free(struct s5 **c);

/* The parsers, for tests: how many bytes of buf (len so far) the
 * server's reply to a CONNECT takes (0: more are needed, -1: it is a
 * refusal or not SOCKS5). */
int s5_reply_len(const unsigned char *buf, size_t len);
/* The client's CONNECT request in buf: its length when whole and a
 * CONNECT to the domain dst (1..255 bytes) into dst (NUL ended; 256
 * bytes), 0 when more are needed, -1 when it is not one. */
int s5_request_parse(const unsigned char *buf, size_t len, char *dst);

#endif
