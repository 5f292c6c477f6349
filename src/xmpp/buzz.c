/* buzz: attention requests (XEP-0224), sent by /buzz and received.
 *
 * A buzz is a headline message holding <attention/> (and maybe a body,
 * which is then read as any message's). One received live is handed to
 * core/sound, which decides whether it rings: only a contact's (a
 * roster subscription either way), one at a time. One from the archive
 * or a carbon (another device of ours was buzzed) is old news.
 */
#include "config.h"

#include <stdlib.h>

#include "core/app.h"
#include "core/sound.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xs.h"

bool buzz_message(struct session *s, xmpp_stanza_t *st, const char *bare,
		  bool delayed)
{
	if (!xmpp_stanza_get_child_by_name_and_ns(st, "attention",
						  NS_ATTENTION))
		return false;
	sound_buzz(s->app, s->acc, bare, delayed);
	/* a body with it is a message of its own */
	return !xmpp_stanza_get_child_by_name(st, "body");
}

int xs_buzz(struct app *app, struct account *a, const char *bare,
	    const char *resource)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *m;
	char *to;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	to = resource ? xasprintf("%s/%s", bare, resource) : xstrdup(bare);
	m = xmpp_message_new(s->ctx, "headline", to, NULL);
	stanza_add_child(m, "attention", NS_ATTENTION);
	session_send(s, m);
	free(to);
	return 0;
}
