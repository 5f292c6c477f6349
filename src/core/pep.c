/* pep: contacts' tunes, moods, activities and nicknames (see pep.h).
 *
 * acc->pep maps a bare JID to its struct pep_user, made on the first
 * thing that contact publishes and freed with the account.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/pep.h"
#include "util/utf8.h"
#include "util/xmem.h"

const char *const pep_kind_names[PEP_NKINDS] = {
	[PEP_TUNE] = "tune", [PEP_MOOD] = "mood",
	[PEP_ACTIVITY] = "activity", [PEP_NICK] = "nick",
};

int pep_mask_parse(const char *s, unsigned *mask, char **bad)
{
	const char *p = s ? s : "";
	unsigned m = 0;

	*bad = NULL;
	while (*p) {
		size_t n, k;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n == 0)
			break;
		for (k = 0; k < PEP_NKINDS; k++)
			if (strlen(pep_kind_names[k]) == n &&
			    strncasecmp(p, pep_kind_names[k], n) == 0)
				break;
		if (k < PEP_NKINDS)
			m |= PEP_BIT(k);
		else if (n == 3 && strncasecmp(p, "all", 3) == 0)
			m |= PEP_ALL;
		else if (!(n == 4 && strncasecmp(p, "none", 4) == 0)) {
			*bad = xstrndup(p, n);
			return -1;
		}
		p += n;
	}
	*mask = m;
	return 0;
}

unsigned pep_mask(const struct app *app)
{
	unsigned m;
	char *bad;

	if (!app->cfg.pep_notify)
		return PEP_ALL;
	if (pep_mask_parse(app->cfg.pep_notify, &m, &bad) < 0) {
		free(bad); /* conf.c refused it already; not reached */
		return 0;
	}
	return m;
}

const struct pep_user *pep_get(const struct account *acc, const char *jid)
{
	return strmap_get(&acc->pep, jid, strlen(jid));
}

/* *to takes from's string (from is cleared), made one clean line. */
static void take(char **to, char **from)
{
	free(*to);
	*to = NULL;
	if (*from && **from)
		*to = utf8_one_line(*from, PEP_TEXT_MAX);
	if (*to && !**to) {
		free(*to);
		*to = NULL;
	}
	free(*from);
	*from = NULL;
}

void pep_update(struct app *app, struct account *acc, const char *jid,
		enum pep_kind kind, struct pep_user *in)
{
	struct pep_user *u = strmap_get(&acc->pep, jid, strlen(jid));
	struct event ev = { .type = EV_PEP, .acc = acc };

	if (!u) {
		u = xcalloc(1, sizeof *u);
		strmap_put(&acc->pep, jid, strlen(jid), u);
	}
	switch (kind) {
	case PEP_TUNE:
		take(&u->tune_artist, &in->tune_artist);
		take(&u->tune_title, &in->tune_title);
		take(&u->tune_source, &in->tune_source);
		u->tune_length = in->tune_length;
		break;
	case PEP_MOOD:
		take(&u->mood, &in->mood);
		take(&u->mood_text, &in->mood_text);
		break;
	case PEP_ACTIVITY:
		take(&u->activity, &in->activity);
		take(&u->activity_detail, &in->activity_detail);
		take(&u->activity_text, &in->activity_text);
		break;
	case PEP_NICK:
		take(&u->nick, &in->nick);
		break;
	default:
		return;
	}
	u->changed[kind] = time(NULL);
	ev.pep.jid = jid;
	ev.pep.kind = kind;
	event_emit(app, &ev);
}

bool pep_any(const struct pep_user *u)
{
	return u && (u->tune_artist || u->tune_title || u->tune_source ||
		     u->mood || u->mood_text || u->activity ||
		     u->activity_text || u->nick);
}

void pep_user_clear(struct pep_user *u)
{
	free(u->tune_artist);
	free(u->tune_title);
	free(u->tune_source);
	free(u->mood);
	free(u->mood_text);
	free(u->activity);
	free(u->activity_detail);
	free(u->activity_text);
	free(u->nick);
	memset(u, 0, sizeof *u);
}

static bool drop_user(void *value, void *ud)
{
	(void)ud;
	pep_user_clear(value);
	free(value);
	return true;
}

void pep_forget(struct account *acc)
{
	strmap_prune(&acc->pep, drop_user, NULL);
	strmap_clear(&acc->pep);
}
