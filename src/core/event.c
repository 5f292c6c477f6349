/* event: the subscriber list on struct app (see event.h). */
#include "config.h"

#include "core/app.h"
#include "core/event.h"
#include "util/xmem.h"

void event_subscribe(struct app *app, event_fn fn, void *ud)
{
	xgrow((void **)&app->subs, &app->capsubs, app->nsubs + 1,
	      sizeof *app->subs);
	app->subs[app->nsubs].fn = fn;
	app->subs[app->nsubs].ud = ud;
	app->nsubs++;
}

void event_emit(struct app *app, const struct event *ev)
{
	size_t i;

	for (i = 0; i < app->nsubs; i++)
		app->subs[i].fn(app, ev, app->subs[i].ud);
	app->dirty = true;
}
