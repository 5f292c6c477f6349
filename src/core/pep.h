/* pep: what contacts publish about themselves through PEP (XEP-0163):
 * the tune they listen to (XEP-0118), their mood (XEP-0107), what they
 * are doing (XEP-0108) and the nickname they give themselves
 * (XEP-0172).
 *
 * Each account keeps one struct pep_user per contact that published
 * something (acc->pep, keyed by bare JID, owned there). Every string is
 * one sanitised line cut to PEP_TEXT_MAX bytes, or NULL when that part
 * was never published or was taken back (an empty item). The xmpp
 * layer only ever hands over what came from a roster contact's own bare
 * JID; pep_update() stores it and emits EV_PEP, after which the
 * conversation's title and /info show it.
 *
 * Which kinds natter asks for is the pep_notify option: words of
 * pep_kind_names[] separated by commas or blanks ("none": nothing);
 * the xmpp layer turns the kinds into "+notify" features of our
 * entity capabilities, which is how a PEP service knows what to send.
 */
#ifndef NATTER_CORE_PEP_H
#define NATTER_CORE_PEP_H

#include <stdbool.h>
#include <time.h>

struct app;
struct account;

#define PEP_TEXT_MAX 200 /* bytes of one published string */

enum pep_kind { PEP_TUNE, PEP_MOOD, PEP_ACTIVITY, PEP_NICK, PEP_NKINDS };
#define PEP_BIT(k) (1u << (k))
#define PEP_ALL (PEP_BIT(PEP_NKINDS) - 1u)

/* What a contact published; one kind's fields change together. */
struct pep_user {
	/* XEP-0118 */
	char *tune_artist, *tune_title, *tune_source;
	unsigned tune_length; /* seconds; 0: not said */
	/* XEP-0107: the mood's element name (e.g. "happy"), its words */
	char *mood, *mood_text;
	/* XEP-0108: general ("relaxing") and specific ("reading") */
	char *activity, *activity_detail, *activity_text;
	/* XEP-0172 */
	char *nick;
	time_t changed[PEP_NKINDS]; /* when each kind last changed; 0: never */
};

/* "tune", "mood", "activity", "nick" (index: enum pep_kind). */
extern const char *const pep_kind_names[PEP_NKINDS];

/* The kinds named in s (pep_notify's value) as PEP_BIT()s. Returns 0
 * and sets *mask, or -1 with *bad set to the first word that is not a
 * kind (the caller frees it). "none" and "" are no kinds; "all" is
 * every kind. */
int pep_mask_parse(const char *s, unsigned *mask, char **bad);
/* pep_notify of the running configuration as a mask (every kind when
 * unset). */
unsigned pep_mask(const struct app *app);

/* What jid (a bare JID) has published on acc, or NULL; borrowed. */
const struct pep_user *pep_get(const struct account *acc, const char *jid);
/* jid published one kind anew: the fields of that kind in *in are taken
 * (zeroed there; all NULL: taken back), sanitised and cut here; the
 * kind's time is now. Emits EV_PEP. */
void pep_update(struct app *app, struct account *acc, const char *jid,
		enum pep_kind kind, struct pep_user *in);
/* Whether u holds anything to show. */
bool pep_any(const struct pep_user *u);
/* Frees the fields of u (not u). */
void pep_user_clear(struct pep_user *u);
/* Forgets everything acc knows (account_free). */
void pep_forget(struct account *acc);

#endif
