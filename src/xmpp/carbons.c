/* carbons: message carbons (XEP-0280), copies of what the user's other
 * clients send and receive.
 *
 * When a new session has learned what the server offers
 * (xmpp/features.c) and it offers urn:xmpp:carbons:2, carbons are
 * enabled, unless the account's `carbons` option is false; a resumed stream keeps what
 * the server already knows. s->carbons says where that stands, and
 * s->carbons_gen ties an answer to the session that asked.
 *
 * A copy comes as <message from='our bare JID'><received/> or <sent/>
 * (urn:xmpp:carbons:2) holding <forwarded/> (urn:xmpp:forward:0) and the
 * original <message/>, which goes to message_read() as VIA_CARBON_RECEIVED
 * or VIA_CARBON_SENT (message.c shows and stores it in the conversation
 * with the peer, marked with the other device). Only our own server may
 * send copies (XEP-0280 section 11): a wrapper from anyone else, or from
 * one of our full JIDs, is dropped and noted in the debug log, as is a
 * copy whose inner message is not ours (a sent copy not from us, a
 * received one not to us). A copy of a message its sender marked
 * <private/> (carbons) or <no-copy/> (XEP-0334 hints) is not shown nor
 * stored: the sender asked that it reach only the device it went to,
 * and a conforming server would not have copied it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "util/jid.h"
#include "util/log.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

const char *carbons_state_name(unsigned st)
{
	static const char *const names[] = {
		[CARBONS_OFF] = "off", [CARBONS_ASKING] = "asking the server",
		[CARBONS_ON] = "on", [CARBONS_UNSUPPORTED] = "not offered by the server",
		[CARBONS_REFUSED] = "refused by the server",
		[CARBONS_DISABLED] = "off (carbons = false)",
	};

	return st < sizeof names / sizeof *names && names[st] ? names[st] :
								"unknown";
}

const char *xs_carbons_state(struct app *app, struct account *a)
{
	(void)app;
	if (a->state != ACC_ONLINE)
		return a->conf->carbons ? "off until connected" :
					  carbons_state_name(CARBONS_DISABLED);
	return carbons_state_name(session_of(a)->carbons);
}

/* Whether the answer with ud is for this session's latest request. */
static bool current(struct session *s, void *ud)
{
	return (unsigned)(uintptr_t)ud == s->carbons_gen;
}

static void on_enabled(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	if (!current(s, ud))
		return;
	if (req_ok(reply)) {
		s->carbons = CARBONS_ON;
		log_msg(LOG_INFO, "carbons", "%s: enabled", s->acc->conf->name);
	} else {
		struct req_error e;

		req_error_parse(reply, &e);
		s->carbons = CARBONS_REFUSED;
		log_msg(LOG_INFO, "carbons", "%s: enabling refused: %s",
			s->acc->conf->name, e.cond ? e.cond : "?");
		req_error_clear(&e);
	}
}

void carbons_online(struct session *s)
{
	s->carbons_gen++;
	s->carbons = s->acc->conf->carbons ? CARBONS_ASKING : CARBONS_DISABLED;
}

void carbons_features(struct session *s)
{
	if (s->carbons != CARBONS_ASKING)
		return;
	if (!features_server_known(s)) { /* no answer in time */
		s->carbons = CARBONS_OFF;
		log_msg(LOG_INFO, "carbons", "%s: the server did not say "
			"whether it offers them", s->acc->conf->name);
		return;
	}
	if (!features_server(s, NS_CARBONS)) {
		s->carbons = CARBONS_UNSUPPORTED;
		log_msg(LOG_INFO, "carbons", "%s: the server does not offer them",
			s->acc->conf->name);
		return;
	}
	req_send(s, req_iq(s, "set", NULL, "enable", NS_CARBONS), on_enabled,
		 (void *)(uintptr_t)s->carbons_gen, REQ_TIMEOUT_MS);
}

/* Whether JID text names the account (any of its resources). */
static bool ours(struct session *s, const char *jid)
{
	struct jid j;
	bool yes = false;

	if (jid && jid_parse(jid, &j) == 0) {
		char *b = jid_bare(&j);

		yes = s->acc->bare_jid && strcasecmp(b, s->acc->bare_jid) == 0;
		free(b);
		jid_clear(&j);
	}
	return yes;
}

/* Whether from is the account's bare JID itself, no resource: the only
 * sender a copy may come from. */
static bool from_our_bare(struct session *s, const char *from)
{
	struct jid j;
	bool yes;

	if (!from || jid_parse(from, &j) < 0)
		return false;
	yes = !j.resource && ours(s, from);
	jid_clear(&j);
	return yes;
}

bool carbons_private(xmpp_stanza_t *msg)
{
	return xmpp_stanza_get_child_by_name_and_ns(msg, "private",
						    NS_CARBONS) ||
	       xmpp_stanza_get_child_by_name_and_ns(msg, "no-copy", NS_HINTS);
}

bool carbons_message(struct session *s, xmpp_stanza_t *st)
{
	const char *name = s->acc->conf->name;
	xmpp_stanza_t *w, *fwd, *inner, *delay;
	struct msg_via via = { VIA_CARBON_RECEIVED, -1, NULL, false };
	const char *from;
	bool sent;

	w = xmpp_stanza_get_child_by_name_and_ns(st, "received", NS_CARBONS);
	if (!w && (w = xmpp_stanza_get_child_by_name_and_ns(st, "sent",
							    NS_CARBONS)))
		via.kind = VIA_CARBON_SENT;
	if (!w)
		return false;
	from = xmpp_stanza_get_from(st);
	sent = via.kind == VIA_CARBON_SENT;
	if (!from_our_bare(s, from)) {
		log_msg(LOG_WARN, "carbons",
			"%s: dropped a forged %s carbon from %s", name,
			sent ? "sent" : "received", from ? from : "(no from)");
		return true;
	}
	fwd = xmpp_stanza_get_child_by_name_and_ns(w, "forwarded", NS_FORWARD);
	inner = fwd ? xmpp_stanza_get_child_by_name(fwd, "message") : NULL;
	if (!inner) {
		log_msg(LOG_INFO, "carbons", "%s: a carbon without a message",
			name);
		return true;
	}
	/* what we sent comes from us; what we received was to us */
	if (!ours(s, xmpp_stanza_get_attribute(inner, sent ? "from" : "to"))) {
		log_msg(LOG_WARN, "carbons",
			"%s: dropped a %s carbon of a message %s someone else",
			name, sent ? "sent" : "received", sent ? "from" : "to");
		return true;
	}
	if (carbons_private(inner)) {
		log_msg(LOG_INFO, "carbons",
			"%s: a carbon of a private message not shown", name);
		return true;
	}
	delay = xmpp_stanza_get_child_by_name_and_ns(fwd, "delay", NS_DELAY);
	if (delay && xmpp_stanza_get_attribute(delay, "stamp"))
		via.ts_ms = xs_parse_stamp(xmpp_stanza_get_attribute(delay,
								     "stamp"));
	message_read(s, inner, &via);
	return true;
}
