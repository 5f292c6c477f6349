/* cert: deciding about a certificate the TLS stack could not verify.
 *
 * libstrophe calls cert_check() from inside the TLS handshake, so the
 * decision must be immediate: accept if the certificate's SHA-256
 * fingerprint is pinned for the account's domain, refuse otherwise.
 * A refusal records the certificate on the account and tells the user,
 * who may pin it (/trust) and reconnect; nothing here waits for them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/conn.h"
#include "xmpp/session.h"

static char *cert_string(const xmpp_tlscert_t *cert, xmpp_cert_element_t e)
{
	const char *v = xmpp_tlscert_get_string(cert, e);

	return utf8_sanitize(v ? v : "(unknown)", 0);
}

int cert_check(const xmpp_tlscert_t *cert, const char *errormsg)
{
	struct session *s = conn_by_ctx(xmpp_tlscert_get_ctx(cert));
	const char *raw = xmpp_tlscert_get_string(cert,
						  XMPP_CERT_FINGERPRINT_SHA256);
	struct cert_info *ci;
	const char *pinned;
	char *fp;

	if (!s)
		return 0;
	fp = raw ? pin_normalize(raw) : NULL;
	pinned = pinstore_get(&s->app->pins, s->acc->domain);
	if (fp && pinned && strcmp(fp, pinned) == 0) {
		log_msg(LOG_INFO, "cert", "%s: pinned certificate accepted (%s)",
			s->acc->conf->name, errormsg ? errormsg : "");
		free(fp);
		return 1;
	}
	ci = xcalloc(1, sizeof *ci);
	ci->subject = cert_string(cert, XMPP_CERT_SUBJECT);
	ci->issuer = cert_string(cert, XMPP_CERT_ISSUER);
	ci->not_before = cert_string(cert, XMPP_CERT_NOTBEFORE);
	ci->not_after = cert_string(cert, XMPP_CERT_NOTAFTER);
	ci->fingerprint = fp ? fp : xstrdup("(unknown)");
	ci->pinned = pinned ? xstrdup(pinned) : NULL;
	ci->error = xstrdup(errormsg ? errormsg : "verification failed");
	s->cert_refused = true;
	account_cert_refused(s->app, s->acc, &ci);
	return 0;
}
