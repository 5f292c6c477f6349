/* sendrec: the xmpp_send recorder shared by the unit tests that wrap it
 * (see sendrec.h). The records are plain arrays: a test is one thread
 * and sends a few dozen stanzas at most.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "sendrec.h"
#include "testutil.h"

xmpp_stanza_t *tu_sent[TU_MAX_SENT];
char *tu_sent_xml[TU_MAX_SENT];
size_t tu_nsent;

void __wrap_xmpp_send(xmpp_conn_t *conn, xmpp_stanza_t *stanza)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(stanza);
	char *buf = NULL;
	size_t len;

	(void)conn;
	assert_true(tu_nsent < TU_MAX_SENT);
	assert_int_equal(xmpp_stanza_to_text(stanza, &buf, &len), 0);
	tu_sent[tu_nsent] = xmpp_stanza_new_from_string(ctx, buf);
	assert_non_null(tu_sent[tu_nsent]);
	tu_sent_xml[tu_nsent] = tu_strdup(buf);
	tu_nsent++;
	xmpp_free(ctx, buf);
}

void tu_sent_reset(void)
{
	while (tu_nsent > 0) {
		tu_nsent--;
		xmpp_stanza_release(tu_sent[tu_nsent]);
		tu_sent[tu_nsent] = NULL;
		free(tu_sent_xml[tu_nsent]);
		tu_sent_xml[tu_nsent] = NULL;
	}
}

const char *tu_sent_last(void)
{
	return tu_nsent ? tu_sent_xml[tu_nsent - 1] : NULL;
}
