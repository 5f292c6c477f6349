/* adhoc: XEP-0050 ad-hoc commands (being written). */
#include "config.h"

#include "core/app.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

void adhoc_submit(struct session *s, struct window *w, unsigned action)
{
	(void)s; (void)w; (void)action;
}

void adhoc_cancel(struct session *s, struct window *w)
{
	(void)s; (void)w;
}

long xs_command_run(struct app *app, struct account *a, const char *jid,
		    const char *node)
{
	(void)app; (void)a; (void)jid; (void)node;
	return -1;
}
