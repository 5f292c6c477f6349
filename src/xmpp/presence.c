/* presence: what we broadcast about ourselves.
 *
 * For now the initial available presence with priority and caps; the
 * presence model of contacts and /status come with the everyday client.
 */
#include "config.h"

#include <stdio.h>

#include "core/app.h"
#include "xmpp/session.h"

void presence_send_initial(struct session *s)
{
	xmpp_stanza_t *p = xmpp_presence_new(s->ctx);
	xmpp_stanza_t *c = caps_element(s->ctx);

	if (s->acc->conf->priority != 0) {
		xmpp_stanza_t *pr = xmpp_stanza_new(s->ctx);
		xmpp_stanza_t *t = xmpp_stanza_new(s->ctx);
		char buf[8];

		snprintf(buf, sizeof buf, "%d", s->acc->conf->priority);
		xmpp_stanza_set_name(pr, "priority");
		xmpp_stanza_set_text(t, buf);
		xmpp_stanza_add_child(pr, t);
		xmpp_stanza_release(t);
		xmpp_stanza_add_child(p, pr);
		xmpp_stanza_release(pr);
	}
	xmpp_stanza_add_child(p, c);
	xmpp_stanza_release(c);
	session_send(s, p);
}
