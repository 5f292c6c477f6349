/* dial: finding an account's server and reaching it without blocking
 * the loop (see dial.c).
 *
 * conn.c's TCP transport calls dial_start() instead of handing
 * libstrophe a name to resolve: the dial looks the server up with
 * core/resolve (SRV, then addresses), races its addresses Happy
 * Eyeballs style, and gives libstrophe an address literal and a port,
 * moving on to the next way when one fails before login. Each step is
 * told as an EV_DIAL.
 */
#ifndef NATTER_XMPP_DIAL_H
#define NATTER_XMPP_DIAL_H

#include <stdbool.h>
#include <strophe.h>

#include "xmpp/conn.h"

struct session;
struct dial;
struct resolver;

/* Starts reaching s's server; libstrophe's events then come to cb(ud)
 * as for xmpp_connect_client/xmpp_connect_raw, once, for the way that
 * got through or after the last one failed. Returns XMPP_EOK or XMPP_EINT
 * (no resolver). */
int dial_start(struct session *s, enum conn_stream kind,
	       xmpp_conn_handler cb, void *ud);
/* The connection is being closed (conn_close). While no attempt is
 * with libstrophe the dial ends here, reports the disconnect to its
 * callback and this returns true; else it only stops moving on to other
 * ways and returns false (libstrophe reports the close). */
bool dial_abort(struct session *s);
/* The app's resolver (core/resolve.h), made with the first lookup (or
 * NULL when c-ares cannot start: logged); freed with the last
 * connection (conn_free). */
struct resolver *dial_resolver(struct session *s);
/* Ends s's dial without any callback. */
void dial_free(struct session *s);

#endif
