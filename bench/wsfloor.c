/* wsfloor: the benchmark's floor over WebSocket (RFC 7395).
 *
 * bench/floor.c over TCP, this over WebSocket: the least a client does
 * over that transport, so that what the server spends on it shows
 * beside what natter spends. It connects to Prosody's mod_websocket
 * (wss://, certificate not verified) with libwebsockets, the library
 * natter's own WebSocket carrier uses (core/wsock.c), and reads each
 * message with expat, the parser under libstrophe. It logs in with SASL
 * PLAIN, binds its resource, enables stream management (XEP-0198, with
 * resumption, as libstrophe does for floor.c and natter: the server
 * then queues every stanza it sends until acknowledged, and asks for
 * acknowledgements), asks for the roster and sends its initial presence
 * (all at once, as floor.c and natter do), answers XEP-0199 pings and
 * the server's <r/>, and counts every other stanza (messages,
 * presences) before dropping it. It never builds a tree: each message is one element
 * (RFC 7395 section 3.3.3), parsed on its own, and only its root and
 * its first level of children are looked at.
 *
 * The loop is lws's own (lws_service), like a typical bare client's.
 * lws reads into a 32 KiB buffer, the size natter gives it (a whole TLS
 * record per pass rather than 4 KiB), so the floor does not lose on a
 * setting natter tunes.
 *
 * For the bench to read, each answered ping writes to stderr
 *   "wsfloor: pong N after M messages, P presences, A acks"
 * (N counting from 1): what had come before that pong, and how many
 * of the server's <r/> it had answered. A connection
 * that fails or ends writes "wsfloor: disconnected (WHY)".
 *
 * Not installed; run-bench builds it with
 *   cc bench/wsfloor.c $(pkg-config --cflags --libs libwebsockets expat) \
 *      -lssl -lcrypto -o wsfloor
 *
 * Usage: wsfloor JID PASSWORD ADDRESS PORT PATH
 * (ADDRESS: an IP address to connect to; the JID's domain names the
 * host for HTTP, SNI and the stream.) Exits 1 when the connection
 * fails or ends; SIGTERM (or SIGINT) ends it too, after closing its
 * stream as floor.c does: <close/> (RFC 7395 section 3.6), the
 * server's <close/> and its WebSocket close awaited for at most
 * CLOSE_WAIT, then the connection dropped from this side if still
 * open (no close frame: lws would wait for its answer too).
 * Killed with the stream open, its session would stay on in Prosody,
 * waiting for a resumption (XEP-0198), take what is sent to the
 * account and be torn down later, inside whatever is measured then.
 * Should the bound pass, it writes "wsfloor: no close from the server
 * within 1 s".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <libwebsockets.h>
#include <openssl/x509.h>

#define FRAMING_NS "urn:ietf:params:xml:ns:xmpp-framing"
#define SASL_NS "urn:ietf:params:xml:ns:xmpp-sasl"
#define BIND_NS "urn:ietf:params:xml:ns:xmpp-bind"
#define PING_NS "urn:xmpp:ping"
#define SM_NS "urn:xmpp:sm:3"
#define READ_BUF (32 * 1024)
/* how long a stop waits for the server's side of the close */
#define CLOSE_WAIT (1000 * LWS_US_PER_MS)
#define MAX_MESSAGE (16 * 1024 * 1024)

/* where the login is */
enum step { OPENED, REOPENED, BOUND };

/* What one message from the server was: its root element and the
 * first-level children the floor acts on. Names are as written (a
 * prefix is kept): the parser does not process namespaces, so a
 * prefix the message does not declare is no fault. */
struct seen {
	int depth;
	char root[32];
	char type[16];
	char id[128];
	char from[512];
	int mechanisms; /* <mechanisms/> (SASL) among the features */
	int bind;       /* <bind/> among the features */
	int ping;       /* <ping xmlns='urn:xmpp:ping'/> in an iq */
	int failed;     /* a name or value above did not fit (then cut) */
};

static struct {
	const char *jid, *password, *domain, *resource;
	char *user;
	enum step step;
	struct lws_context *cx;
	struct lws *wsi;
	XML_Parser xp;
	struct seen s;
	/* a message in fragments */
	char *rx;
	size_t rx_len, rx_cap;
	/* to send, oldest first; each with LWS_PRE bytes of room */
	unsigned char **q;
	size_t *qlen;
	size_t nq, capq, q0;
	long messages, presences, pongs;
	/* XEP-0198: enabled, and the stanzas handled since */
	int sm;
	unsigned long h, acks;
	int established; /* the WebSocket is open (its handshake done) */
	int closing;     /* our <close/> is queued: stopping */
	int done;
} w;

static void die(const char *what)
{
	fprintf(stderr, "wsfloor: %s\n", what);
	exit(1);
}

static void *grow(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static volatile sig_atomic_t stopped;

/* The end of the connection; said unless SIGTERM asked for it. The
 * loop's lws_service() returns at once: called from a timer (lws's
 * or ours), it would poll on until its next timeout otherwise. */
static void disconnected(const char *why)
{
	w.done = 1;
	if (w.cx)
		lws_cancel_service(w.cx);
	if (stopped)
		return;
	fprintf(stderr, "wsfloor: disconnected (%s)\n", why ? why : "closed");
	fflush(stderr);
}

/* Queues one message (the text s) for the server; nothing after our
 * <close/>. */
static void send_text(const char *s)
{
	size_t n = strlen(s);

	if (w.closing)
		return;
	if (w.q0 == w.nq)
		w.q0 = w.nq = 0;
	if (w.nq == w.capq) {
		w.capq = w.capq ? w.capq * 2 : 16;
		w.q = grow(w.q, w.capq * sizeof *w.q);
		w.qlen = grow(w.qlen, w.capq * sizeof *w.qlen);
	}
	w.q[w.nq] = grow(NULL, LWS_PRE + n);
	memcpy(w.q[w.nq] + LWS_PRE, s, n);
	w.qlen[w.nq++] = n;
	if (w.wsi)
		lws_callback_on_writable(w.wsi);
}

/* Copies v into out (size n) with the XML attribute escapes; 0 when it
 * does not fit. */
static int escape(char *out, size_t n, const char *v)
{
	size_t o = 0;
	const char *r;

	for (; *v; v++) {
		switch (*v) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '\'': r = "&apos;"; break;
		case '"': r = "&quot;"; break;
		default: r = NULL; break;
		}
		if (o + (r ? strlen(r) : 1) >= n)
			return 0;
		if (r) {
			memcpy(out + o, r, strlen(r));
			o += strlen(r);
		} else {
			out[o++] = *v;
		}
	}
	out[o] = '\0';
	return 1;
}

static void send_open(void)
{
	char s[512];

	snprintf(s, sizeof s, "<open xmlns='" FRAMING_NS "' to='%s' "
		 "version='1.0'/>", w.domain);
	send_text(s);
}

static void send_auth(void)
{
	size_t ul = strlen(w.user), pl = strlen(w.password);
	char *plain = grow(NULL, ul + pl + 2);
	char *b64, *s;
	int n;

	/* authzid empty, authcid, password (RFC 4616) */
	plain[0] = '\0';
	memcpy(plain + 1, w.user, ul);
	plain[1 + ul] = '\0';
	memcpy(plain + 2 + ul, w.password, pl);
	b64 = grow(NULL, (ul + pl + 2) * 4 / 3 + 8);
	n = lws_b64_encode_string(plain, (int)(ul + pl + 2), b64,
				  (int)((ul + pl + 2) * 4 / 3 + 8));
	free(plain);
	if (n < 0)
		die("cannot encode the credentials");
	s = grow(NULL, (size_t)n + 128);
	snprintf(s, (size_t)n + 128, "<auth xmlns='" SASL_NS "' "
		 "mechanism='PLAIN'>%s</auth>", b64);
	send_text(s);
	free(s);
	free(b64);
}

static void send_bind(void)
{
	char res[256], s[512];

	if (!escape(res, sizeof res, w.resource))
		die("the resource is too long");
	snprintf(s, sizeof s, "<iq xmlns='jabber:client' type='set' "
		 "id='bind1'><bind xmlns='" BIND_NS "'><resource>%s</resource>"
		 "</bind></iq>", res);
	send_text(s);
}

/* The session: stream management asked for, the roster asked for
 * (its answer is dropped like everything else) and the initial
 * presence, all at once. */
static void send_session(void)
{
	send_text("<enable xmlns='" SM_NS "' resume='true'/>");
	send_text("<iq xmlns='jabber:client' type='get' id='roster1'><query "
		  "xmlns='jabber:iq:roster'/></iq>");
	send_text("<presence xmlns='jabber:client'/>");
}

/* XEP-0198's <a/>: the stanzas handled so far. */
static void send_ack(void)
{
	char ack[96];

	snprintf(ack, sizeof ack, "<a xmlns='" SM_NS "' h='%lu'/>",
		 w.h & 0xffffffffUL);
	send_text(ack);
}

static void send_pong(void)
{
	char id[sizeof w.s.id * 6], from[sizeof w.s.from * 6];
	char s[sizeof id + sizeof from + 64];

	escape(id, sizeof id, w.s.id);
	escape(from, sizeof from, w.s.from);
	if (w.s.from[0])
		snprintf(s, sizeof s, "<iq xmlns='jabber:client' "
			 "type='result' id='%s' to='%s'/>", id, from);
	else
		snprintf(s, sizeof s, "<iq xmlns='jabber:client' "
			 "type='result' id='%s'/>", id);
	send_text(s);
	w.pongs++;
	fprintf(stderr, "wsfloor: pong %ld after %ld messages, %ld "
		"presences, %lu acks\n", w.pongs, w.messages, w.presences,
		w.acks);
	fflush(stderr);
}

/* -- reading one message --------------------------------------------------- */

/* name without its prefix */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');

	return c ? c + 1 : name;
}

static const char *attr(const char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

static void copy(char *out, size_t n, const char *v)
{
	if (!v) {
		out[0] = '\0';
	} else if (strlen(v) < n) {
		strcpy(out, v);
	} else {
		memcpy(out, v, n - 1);
		out[n - 1] = '\0';
		w.s.failed = 1;
	}
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **a)
{
	struct seen *s = ud;
	const char *l = local(name), *ns = attr(a, "xmlns");

	if (++s->depth == 1) {
		copy(s->root, sizeof s->root, l);
		copy(s->type, sizeof s->type, attr(a, "type"));
		copy(s->id, sizeof s->id, attr(a, "id"));
		copy(s->from, sizeof s->from, attr(a, "from"));
	} else if (s->depth == 2) {
		if (strcmp(l, "mechanisms") == 0)
			s->mechanisms = 1;
		else if (strcmp(l, "bind") == 0)
			s->bind = 1;
		else if (strcmp(l, "ping") == 0 && ns &&
			 strcmp(ns, PING_NS) == 0)
			s->ping = 1;
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct seen *s = ud;

	(void)name;
	s->depth--;
}

/* What the server's message m (n bytes, one element) means for the
 * login, or for the counts once logged in. */
static void message(const char *m, size_t n)
{
	const char *r = w.s.root;

	XML_ParserReset(w.xp, NULL);
	memset(&w.s, 0, sizeof w.s);
	XML_SetUserData(w.xp, &w.s);
	XML_SetElementHandler(w.xp, on_start, on_end);
	if (XML_Parse(w.xp, m, (int)n, 1) != XML_STATUS_OK) {
		fprintf(stderr, "wsfloor: malformed message: %s: %.*s\n",
			XML_ErrorString(XML_GetErrorCode(w.xp)),
			(int)(n > 200 ? 200 : n), m);
		disconnected("the server sent malformed XML");
		return;
	}
	if (w.sm && (strcmp(r, "message") == 0 ||
		     strcmp(r, "presence") == 0 || strcmp(r, "iq") == 0))
		w.h++;
	if (strcmp(r, "message") == 0) {
		w.messages++;
	} else if (strcmp(r, "presence") == 0) {
		w.presences++;
	} else if (strcmp(r, "iq") == 0) {
		if (w.s.ping && strcmp(w.s.type, "get") == 0 && w.s.failed)
			fprintf(stderr, "wsfloor: a ping not answered: its id "
				"or from is too long\n");
		else if (w.s.ping && strcmp(w.s.type, "get") == 0)
			send_pong();
		else if (w.step == REOPENED && strcmp(w.s.id, "bind1") == 0) {
			if (strcmp(w.s.type, "result") != 0)
				die("the server refused the resource");
			w.step = BOUND;
			send_session();
		}
	} else if (strcmp(r, "features") == 0) {
		if (w.step == OPENED && w.s.mechanisms)
			send_auth();
		else if (w.step == REOPENED && w.s.bind)
			send_bind();
	} else if (strcmp(r, "enabled") == 0) {
		w.sm = 1;
	} else if (strcmp(r, "r") == 0 && w.sm) {
		send_ack();
		w.acks++;
	} else if (strcmp(r, "success") == 0 && w.step == OPENED) {
		send_open();
		w.step = REOPENED;
	} else if (strcmp(r, "failure") == 0) {
		die("the server refused the password");
	} else if (strcmp(r, "close") == 0) {
		/* when stopping, the answer to ours: the server's WebSocket
		 * close follows, which lws answers and then reports closed */
		if (!w.closing)
			disconnected("the server closed the stream");
	} else if (strcmp(r, "error") == 0) {
		fprintf(stderr, "wsfloor: %.*s\n", (int)(n > 300 ? 300 : n), m);
		disconnected("stream error");
	}
	/* <open/> and anything else: nothing to do */
}

/* -- libwebsockets ----------------------------------------------------------- */

static int on_receive(struct lws *wsi, const char *in, size_t len)
{
	int last = lws_is_final_fragment(wsi) &&
		   !lws_remaining_packet_payload(wsi);

	if (!w.rx_len && last) {
		message(in, len);
		return w.done ? -1 : 0;
	}
	if (w.rx_len + len > MAX_MESSAGE) {
		disconnected("a message larger than 16 MiB");
		return -1;
	}
	if (w.rx_len + len > w.rx_cap) {
		w.rx_cap = (w.rx_len + len) * 2;
		w.rx = grow(w.rx, w.rx_cap);
	}
	memcpy(w.rx + w.rx_len, in, len);
	w.rx_len += len;
	if (last) {
		size_t n = w.rx_len;

		w.rx_len = 0;
		message(w.rx, n);
	}
	return w.done ? -1 : 0;
}

static int on_writeable(struct lws *wsi)
{
	unsigned char *b;
	size_t n;

	if (w.q0 == w.nq)
		return 0;
	b = w.q[w.q0];
	n = w.qlen[w.q0++];
	if (lws_write(wsi, b + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n) {
		free(b);
		disconnected("cannot write to the WebSocket");
		return -1;
	}
	free(b);
	if (w.q0 < w.nq)
		lws_callback_on_writable(wsi);
	return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
		/* not verified, as floor.c's XMPP_CONN_FLAG_TRUST_TLS */
		X509_STORE_CTX_set_error(user, X509_V_OK);
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		w.wsi = NULL;
		disconnected(in ? (const char *)in : "cannot connect");
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		w.established = 1;
		send_open();
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return on_receive(wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return on_writeable(wsi);
	case LWS_CALLBACK_CLIENT_CLOSED:
		w.wsi = NULL;
		disconnected("the WebSocket closed");
		return 0;
	case LWS_CALLBACK_TIMER:
		/* the stop's bound (close_stream) passed: the stop ends now
		 * and lws_context_destroy() drops the connection. Not lws's
		 * own close: it would wait 5 s more for the silent server
		 * to answer its close frame */
		fprintf(stderr, "wsfloor: no close from the server within "
			"1 s\n");
		fflush(stderr);
		disconnected("no close from the server");
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
	{ "xmpp", callback, 0, READ_BUF, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* Set by SIGTERM: the loop stops, and main() closes the stream. */
static void on_term(int sig)
{
	(void)sig;
	stopped = 1;
	if (w.cx)
		lws_cancel_service(w.cx);
}

/* The stop: <close/> queued and the loop run on until the WebSocket
 * is closed, by the server after its own <close/> or by the timer.
 * With stream management, an <a/> goes first: what the server sent
 * and the floor handled is then not left unacknowledged, which the
 * server would otherwise resend elsewhere (offline storage, errors
 * to the sender) as the session ends. */
static void close_stream(void)
{
	if (w.done || !w.wsi || !w.established)
		return; /* nothing open, or not yet a stream to close */
	if (w.sm)
		send_ack();
	send_text("<close xmlns='" FRAMING_NS "'/>");
	w.closing = 1;
	lws_set_timer_usecs(w.wsi, CLOSE_WAIT);
	while (!w.done)
		if (lws_service(w.cx, 0) < 0)
			break;
}

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	const char *at, *slash;
	char *domain;
	char path[512];

	if (argc != 6) {
		fprintf(stderr, "usage: wsfloor JID PASSWORD ADDRESS PORT "
				"PATH\n");
		return 2;
	}
	w.jid = argv[1];
	w.password = argv[2];
	at = strchr(w.jid, '@');
	slash = strchr(w.jid, '/');
	if (!at || !slash || slash < at)
		die("the JID must be user@domain/resource");
	w.user = strndup(w.jid, (size_t)(at - w.jid));
	domain = strndup(at + 1, (size_t)(slash - at - 1));
	if (!w.user || !domain)
		die("out of memory");
	w.domain = domain;
	w.resource = slash + 1;
	snprintf(path, sizeof path, "%s%s", argv[5][0] == '/' ? "" : "/",
		 argv[5]);
	w.xp = XML_ParserCreate(NULL);
	if (!w.xp)
		die("out of memory");
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.pt_serv_buf_size = READ_BUF;
	w.cx = lws_create_context(&info);
	if (!w.cx)
		die("libwebsockets could not start");

	memset(&ci, 0, sizeof ci);
	ci.context = w.cx;
	ci.address = argv[3];
	ci.port = atoi(argv[4]);
	ci.path = path;
	ci.host = w.domain;
	ci.origin = w.domain;
	ci.protocol = "xmpp";
	ci.alpn = "http/1.1";
	ci.ietf_version_or_minus_one = -1;
	ci.ssl_connection = LCCSCF_USE_SSL | LCCSCF_ALLOW_SELFSIGNED |
			    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
			    LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
	ci.pwsi = &w.wsi;
	if (!lws_client_connect_via_info(&ci)) {
		fprintf(stderr, "wsfloor: cannot connect to %s:%s\n", argv[3],
			argv[4]);
		return 1;
	}
	while (!w.done && !stopped)
		if (lws_service(w.cx, 0) < 0)
			break;
	if (stopped)
		close_stream();
	lws_context_destroy(w.cx);
	XML_ParserFree(w.xp);
	while (w.q0 < w.nq)
		free(w.q[w.q0++]);
	free(w.q);
	free(w.qlen);
	free(w.rx);
	free(w.user);
	free(domain);
	return 1;
}
