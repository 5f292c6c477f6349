/* password: changing the account password (being written). */
#include "config.h"

#include "core/app.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

int xs_password(struct app *app, struct account *a, const char *password)
{
	(void)app; (void)a; (void)password;
	return -1;
}

void password_submit(struct session *s, struct window *w)
{
	(void)s; (void)w;
}
