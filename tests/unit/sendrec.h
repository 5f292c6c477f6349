/* sendrec: what natter handed to libstrophe's xmpp_send, recorded for the
 * unit tests that link with -Wl,--wrap=xmpp_send (they add sendrec.c to
 * their sources; tests/unit/libtestutil.a does not hold it, so that no
 * other test gets a wrapper it did not ask for).
 *
 * Each stanza sent is turned into text and parsed back, so a test reads
 * what the server would read: tu_sent[0 .. tu_nsent - 1], oldest first,
 * each in the context of the stanza sent, with its text in
 * tu_sent_xml[]. More than TU_MAX_SENT sends without a tu_sent_reset()
 * fail the test. tu_sent_reset() releases them all.
 */
#ifndef NATTER_TESTS_SENDREC_H
#define NATTER_TESTS_SENDREC_H

#include <stddef.h>
#include <strophe.h>

#define TU_MAX_SENT 64

extern xmpp_stanza_t *tu_sent[TU_MAX_SENT];
extern char *tu_sent_xml[TU_MAX_SENT];
extern size_t tu_nsent;

/* The wrapper the linker puts in place of xmpp_send: records stanza
 * (borrowed, as xmpp_send borrows it); sends nothing. */
void __wrap_xmpp_send(xmpp_conn_t *conn, xmpp_stanza_t *stanza);

/* Forgets (releases and frees) everything recorded. */
void tu_sent_reset(void);

/* The text of the last stanza recorded (borrowed, valid until the next
 * send or reset), or NULL when none is. */
const char *tu_sent_last(void);

#endif
