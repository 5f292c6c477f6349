/* session: per-account libstrophe state, shared by the files of xmpp/.
 *
 * One session per account: its own xmpp_ctx_t (so the log handler knows
 * which account a message is about) and one xmpp_conn_t reused across
 * reconnects (so stream management can resume). `progress` counts
 * libstrophe's log lines and connection events, telling the drain loop
 * when libstrophe has stopped making headway (see xlog.c).
 */
#ifndef NATTER_XMPP_SESSION_H
#define NATTER_XMPP_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <strophe.h>

struct app;
struct account;

struct session {
	struct app *app;
	struct account *acc;
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	xmpp_log_t log;
	int fd;              /* the connection's socket, -1 when none */
	bool auth_failed;    /* libstrophe reported a SASL failure */
	bool cert_refused;   /* our certfail handler said no */
	bool user_stop;      /* the user asked to disconnect */
	bool was_online;     /* reached ACC_ONLINE on this attempt */
	int sock_error;      /* errno of a failed connect, from the log */
	uint64_t login_timer;
	unsigned long progress;
};

struct session *session_of(struct account *a);
struct session *session_by_ctx(const xmpp_ctx_t *ctx);
/* Sends and releases stanza (the caller's reference). */
void session_send(struct session *s, xmpp_stanza_t *stanza);

/* xlog.c */
void xlog_handler(void *ud, xmpp_log_level_t level, const char *area,
		  const char *msg);
/* cert.c */
int cert_check(const xmpp_tlscert_t *cert, const char *errormsg);
/* iq.c */
void iq_register(struct session *s);
/* roster.c */
void roster_request(struct session *s);
int roster_push(struct session *s, xmpp_stanza_t *iq);
/* caps.c */
xmpp_stanza_t *caps_element(xmpp_ctx_t *ctx);
xmpp_stanza_t *caps_disco_info(xmpp_ctx_t *ctx, const char *node);
/* presence.c */
void presence_send_initial(struct session *s);
void presence_register(struct session *s);
/* message.c */
void message_register(struct session *s);
int64_t xs_parse_stamp(const char *s);

#endif
