/* inband: registering a new account (being written). */
#include "config.h"

#include "core/app.h"
#include "xmpp/session.h"

void inband_submit(struct app *app, struct window *w)
{
	(void)app; (void)w;
}

void inband_cancel(struct app *app, struct window *w)
{
	(void)app; (void)w;
}
