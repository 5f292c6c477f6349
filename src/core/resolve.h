/* resolve: DNS lookups inside natter's loop, through c-ares.
 *
 * One resolver (struct resolver) serves every account. c-ares says which
 * sockets it uses (its socket-state callback): the loop watches them,
 * and its next timeout is a loop timer, so a lookup never blocks and a
 * resolver that does not answer costs nothing but that timer. A lookup
 * is a struct resolve_q the caller may cancel; its callback runs once,
 * from the loop, unless it was cancelled. Two kinds: SRV records of a
 * name (RFC 2782, ordered by resolve_srv_order), and the IPv6 and IPv4
 * addresses of a host (numeric, as text, ready for a connect or for
 * libstrophe). `servers` ("127.0.0.1:5353", c-ares's CSV form) replaces
 * the system's resolvers and /etc/hosts: the tests' private resolver.
 */
#ifndef NATTER_CORE_RESOLVE_H
#define NATTER_CORE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct resolver;
struct resolve_q;

struct resolve_srv {
	char *target;
	int port;
	int priority;
	int weight;
};

/* An address as text: "::1", "127.0.0.1". */
struct resolve_addr {
	int family; /* AF_INET6 or AF_INET */
	char ip[46];
};

/* err: NULL, or c-ares's words for why nothing came (borrowed for the
 * call). v is borrowed for the call; n may be 0 without err (no such
 * records). */
typedef void (*resolve_srv_fn)(const char *err, const struct resolve_srv *v,
			       size_t n, void *ud);
typedef void (*resolve_addr_fn)(const char *err, const struct resolve_addr *v,
				size_t n, void *ud);

/* A resolver in loop l, asking servers (NULL: the system's). Returns
 * NULL with *err set (the caller frees it). */
struct resolver *resolver_new(struct loop *l, const char *servers, char **err);
/* Ends every lookup without its callback and frees the resolver. */
void resolver_free(struct resolver **r);
/* Looks up name's SRV records; they come ordered (resolve_srv_order).
 * The returned lookup is the resolver's until its callback has run. */
struct resolve_q *resolve_srv(struct resolver *r, const char *name,
			      resolve_srv_fn cb, void *ud);
/* Looks up host's AAAA and A records (a numeric host answers itself). */
struct resolve_q *resolve_addr(struct resolver *r, const char *host,
			       resolve_addr_fn cb, void *ud);
/* The callback of *q will not run; clears *q. NULL is a no-op. */
void resolve_cancel(struct resolve_q **q);

/* RFC 2782's order, in place: priority ascending; within a priority a
 * weighted random draw (rnd() in [0,1)), zero weights last-most likely.
 * A single record "." (the service is not offered) leaves n at 0.
 * Returns the number of usable records. */
size_t resolve_srv_order(struct resolve_srv *v, size_t n, double (*rnd)(void));
/* Interleaves addresses for Happy Eyeballs (RFC 8305 4): IPv6 first,
 * then alternating families, each family's order kept. */
void resolve_addr_interleave(struct resolve_addr *v, size_t n);

#endif
