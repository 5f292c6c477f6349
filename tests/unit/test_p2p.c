/* Tests for files peer to peer: the offer parser (xmpp/p2p.c), the
 * names a received file may take (util/url.c), and core/transfer's side
 * of a transfer between two clients: who may offer, what is written,
 * when the file is kept, and that nothing is overwritten. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/account.h"
#include "core/app.h"
#include "core/loop.h"
#include "core/socks5.h"
#include "core/transfer.h"
#include "testutil.h"
#include "util/url.h"
#include "util/xmem.h"
#include "xmpp/session.h"

#define SI_HEAD "<si xmlns='http://jabber.org/protocol/si' "
#define FT "http://jabber.org/protocol/si/profile/file-transfer"
#define FEATURE(methods) \
	"<feature xmlns='http://jabber.org/protocol/feature-neg'>" \
	"<x xmlns='jabber:x:data' type='form'>" \
	"<field var='stream-method' type='list-single'>" methods \
	"</field></x></feature>"
#define OPT(v) "<option><value>" v "</value></option>"
#define IBB "http://jabber.org/protocol/ibb"
#define S5 "http://jabber.org/protocol/bytestreams"

static xmpp_ctx_t *ctx;

static int group_setup(void **state)
{
	(void)state;
	ctx = tu_xmpp_init();
	return ctx ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_xmpp_done(&ctx);
	return 0;
}

/* p2p_offer_parse on xml: its result, *o filled. */
static int parse(const char *xml, struct p2p_offer *o)
{
	xmpp_stanza_t *si = tu_parse(ctx, xml);
	int r = p2p_offer_parse(si, o);

	xmpp_stanza_release(si);
	return r;
}

static void test_offer_parse(void **state)
{
	struct p2p_offer o;

	(void)state;
	assert_int_equal(parse(SI_HEAD "id='s1' profile='" FT "'>"
			       "<file xmlns='" FT "' name='a.txt' size='12' "
			       "hash='0123abcd'><desc>two&#10;lines</desc>"
			       "</file>" FEATURE(OPT(S5) OPT(IBB)) "</si>", &o),
			 0);
	assert_string_equal(o.sid, "s1");
	assert_string_equal(o.name, "a.txt");
	assert_int_equal(o.size, 12);
	assert_string_equal(o.hash, "0123abcd");
	assert_string_equal(o.desc, "two lines");
	assert_int_equal(o.methods, P2P_METHOD_IBB | P2P_METHOD_SOCKS5);
	p2p_offer_clear(&o);
	/* no methods we know: parsed, none set (the caller refuses it) */
	assert_int_equal(parse(SI_HEAD "id='s1' profile='" FT "'>"
			       "<file xmlns='" FT "' name='a' size='0'/>"
			       FEATURE(OPT("urn:x:pigeons")) "</si>", &o), 0);
	assert_int_equal(o.methods, 0);
	assert_null(o.hash);
	assert_null(o.desc);
	p2p_offer_clear(&o);
	/* a name with control characters is one clean line */
	assert_int_equal(parse(SI_HEAD "id='s1' profile='" FT "'>"
			       "<file xmlns='" FT "' name='a&#155;[2J&#8238;b'"
			       " size='1'/></si>", &o), 0);
	assert_string_equal(o.name, "a[2Jb");
	p2p_offer_clear(&o);
}

static void test_offer_refused(void **state)
{
	static const char *const bad[] = {
		/* no sid, an empty one, one on two lines */
		SI_HEAD "profile='" FT "'><file xmlns='" FT "' name='a' "
			"size='1'/></si>",
		SI_HEAD "id='' profile='" FT "'><file xmlns='" FT "' "
			"name='a' size='1'/></si>",
		SI_HEAD "id='a&#10;b' profile='" FT "'><file xmlns='" FT "' "
			"name='a' size='1'/></si>",
		/* another profile, no file, no name, no size */
		SI_HEAD "id='s' profile='urn:x'><file xmlns='" FT "' "
			"name='a' size='1'/></si>",
		SI_HEAD "id='s' profile='" FT "'/>",
		SI_HEAD "id='s' profile='" FT "'><file xmlns='" FT "' "
			"size='1'/></si>",
		SI_HEAD "id='s' profile='" FT "'><file xmlns='" FT "' "
			"name='a'/></si>",
		/* sizes that are not one */
		SI_HEAD "id='s' profile='" FT "'><file xmlns='" FT "' "
			"name='a' size='-1'/></si>",
		SI_HEAD "id='s' profile='" FT "'><file xmlns='" FT "' "
			"name='a' size='12x'/></si>",
		SI_HEAD "id='s' profile='" FT "'><file xmlns='" FT "' "
			"name='a' size='99999999999999999999999'/></si>",
		SI_HEAD "id='s' profile='" FT "'><file xmlns='" FT "' "
			"name='a' size=' 1'/></si>",
	};
	char xml[600];
	struct p2p_offer o;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(parse(bad[i], &o), -1);
		assert_null(o.sid);
		assert_null(o.name);
		p2p_offer_clear(&o);
	}
	/* a sid longer than 128 bytes */
	snprintf(xml, sizeof xml, SI_HEAD "id='%0129d' profile='" FT "'>"
		 "<file xmlns='" FT "' name='a' size='1'/></si>", 0);
	assert_int_equal(parse(xml, &o), -1);
	p2p_offer_clear(&o);
}

static void test_clean_name(void **state)
{
	static const char *const cases[][2] = {
		{ "../../x", "_.._x" },
		{ "/etc/passwd", "_etc_passwd" },
		{ ".bashrc", "bashrc" },
		{ "C:\\boot.ini", "C__boot.ini" },
		{ "a\x1b[31m\nb", "a[31m b" },
		{ "..", "download" },
		{ "", "download" },
		{ " spaced .txt ", "spaced .txt" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *n = url_clean_name(cases[i][0]);

		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

struct fx {
	struct app app;
	char *dir;
	char *dl;
	int stops;
};

static int setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);

	if (tu_app_open(&fx->app, &fx->dir, "p2p", false) < 0) {
		free(fx);
		return -1;
	}
	fx->dl = xasprintf("%s/dl", fx->dir);
	mkdir(fx->dl, 0700);
	fx->app.cfg.download_dir = xstrdup(fx->dl);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	transfer_shutdown(&fx->app);
	free(fx->dl);
	return tu_app_close(fx, &fx->app, fx->dir);
}

static void on_stop(struct transfer *t, void *ud)
{
	struct fx *fx = ud;

	(void)t;
	fx->stops++;
}

static struct transfer *receive(struct fx *fx, const char *name,
				int64_t size)
{
	char *err = NULL;
	struct transfer *t = transfer_receive(&fx->app, NULL,
					      fx->app.accounts[0],
					      "bob@example.net/pc", name, size,
					      NULL, on_stop, fx, &err);

	assert_null(err);
	assert_non_null(t);
	return t;
}

static char *in_dl(struct fx *fx, const char *name)
{
	static char path[512];

	snprintf(path, sizeof path, "%s/%s", fx->dl, name);
	return path;
}

/* Entries in the download directory (the .part files too). */
static int entries(struct fx *fx)
{
	int n = 0;
	FILE *p;
	char cmd[600], line[256];

	snprintf(cmd, sizeof cmd, "ls -A '%s'", fx->dl);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof line, p))
		n++;
	if (p)
		pclose(p);
	return n;
}

static void test_receive_whole(void **state)
{
	struct fx *fx = *state;
	struct transfer *t = receive(fx, "../notes.txt", 10);
	char *got;

	assert_int_equal(t->state, TRANSFER_RUNNING);
	assert_string_equal(t->name, "_notes.txt");
	assert_null(transfer_write(t, "hello", 5));
	assert_null(transfer_write(t, "world", 5));
	assert_int_equal(t->done, 10);
	transfer_end(t, NULL);
	assert_int_equal(t->state, TRANSFER_DONE);
	assert_string_equal(t->path, in_dl(fx, "_notes.txt"));
	got = tu_read_file(t->path);
	assert_string_equal(got, "helloworld");
	free(got);
	assert_int_equal(entries(fx), 1);
	/* the same name again: saved beside it, never over it */
	t = receive(fx, "_notes.txt", 3);
	assert_null(transfer_write(t, "new", 3));
	transfer_end(t, NULL);
	assert_string_equal(t->path, in_dl(fx, "_notes (1).txt"));
	got = tu_read_file(in_dl(fx, "_notes.txt"));
	assert_string_equal(got, "helloworld");
	free(got);
	assert_int_equal(fx->stops, 0);
}

static void test_receive_short_or_long(void **state)
{
	struct fx *fx = *state;
	struct transfer *t = receive(fx, "a.bin", 10);

	/* ended early: not kept */
	assert_null(transfer_write(t, "12345", 5));
	transfer_end(t, NULL);
	assert_int_equal(t->state, TRANSFER_FAILED);
	assert_string_equal(t->error, "it ended after 5 of 10 bytes");
	assert_int_equal(entries(fx), 0);
	/* more than offered: refused */
	t = receive(fx, "b.bin", 4);
	assert_non_null(transfer_write(t, "12345", 5));
	transfer_end(t, "too much");
	assert_int_equal(t->state, TRANSFER_FAILED);
	assert_int_equal(entries(fx), 0);
	/* the end of a stream that failed says why */
	t = receive(fx, "c.bin", 4);
	transfer_end(t, "bob went offline");
	assert_string_equal(t->error, "bob went offline");
	assert_int_equal(entries(fx), 0);
}

static void test_receive_hash(void **state)
{
	struct fx *fx = *state;
	struct transfer *t = receive(fx, "h.txt", 5);

	/* MD5 of "hello", said in capitals */
	assert_int_equal(transfer_expect_hash(t, "md5",
					      "5D41402ABC4B2A76B9719D911017C592"),
			 0);
	assert_null(transfer_write(t, "hel", 3));
	assert_null(transfer_write(t, "lo", 2));
	transfer_end(t, NULL);
	assert_int_equal(t->state, TRANSFER_DONE);
	/* the right length, the wrong bytes: not kept */
	t = receive(fx, "j.txt", 5);
	assert_int_equal(transfer_expect_hash(t, "sha-256",
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
		0);
	assert_null(transfer_write(t, "jello", 5));
	transfer_end(t, NULL);
	assert_int_equal(t->state, TRANSFER_FAILED);
	assert_non_null(strstr(t->error, "SHA256 hash is not the one"));
	assert_int_equal(entries(fx), 1);
	/* what cannot be checked is refused */
	t = receive(fx, "k.txt", 1);
	assert_int_equal(transfer_expect_hash(t, "md5", "abc"), -1);
	assert_int_equal(transfer_expect_hash(t, "crc32", "00000000"), -1);
	assert_int_equal(transfer_expect_hash(t, "md5",
				"zz41402abc4b2a76b9719d911017c592"), -1);
	transfer_end(t, "stop");
	/* the hash told after the bytes came (a Jingle checksum): what
	 * came before is hashed too */
	t = receive(fx, "l.txt", 5);
	assert_int_equal(transfer_expect_hash(t, "sha-256", NULL), 0);
	assert_null(transfer_write(t, "hel", 3));
	assert_int_equal(transfer_expect_hash(t, "sha-256",
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
		0);
	assert_null(transfer_write(t, "lo", 2));
	transfer_end(t, NULL);
	assert_int_equal(t->state, TRANSFER_DONE);
	t = receive(fx, "m.txt", 5);
	assert_int_equal(transfer_expect_hash(t, "sha-256", NULL), 0);
	assert_null(transfer_write(t, "jello", 5));
	assert_int_equal(transfer_expect_hash(t, "sha-256",
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
		0);
	transfer_end(t, NULL);
	assert_int_equal(t->state, TRANSFER_FAILED);
	/* none told: nothing to check */
	t = receive(fx, "n.txt", 5);
	assert_int_equal(transfer_expect_hash(t, "sha-256", NULL), 0);
	assert_null(transfer_write(t, "jello", 5));
	transfer_end(t, NULL);
	assert_int_equal(t->state, TRANSFER_DONE);
}

static void test_receive_limits_and_cancel(void **state)
{
	struct fx *fx = *state;
	struct transfer *t;
	char *err = NULL;

	fx->app.cfg.max_download = 1; /* MiB */
	t = transfer_receive(&fx->app, NULL, fx->app.accounts[0], "bob@x/y",
			     "big", 2 * 1024 * 1024, NULL, on_stop, fx, &err);
	assert_null(t);
	assert_string_equal(err, "it is larger than max_download (1 MiB)");
	free(err);
	/* a size not said is held to max_download as it comes */
	t = receive(fx, "unsaid", -1);
	{
		char *block = xcalloc(1, 1024 * 1024);

		assert_null(transfer_write(t, block, 1024 * 1024));
		assert_non_null(transfer_write(t, "x", 1));
		free(block);
	}
	transfer_end(t, "over the limit");
	/* /cancel tells whoever moves the bytes, and leaves nothing */
	t = receive(fx, "c", 5);
	assert_null(transfer_write(t, "ab", 2));
	assert_int_equal(transfer_cancel(&fx->app, t->n), 0);
	assert_int_equal(fx->stops, 1);
	assert_int_equal(t->state, TRANSFER_CANCELLED);
	assert_int_equal(transfer_cancel(&fx->app, t->n), -2);
	assert_int_equal(entries(fx), 0);
}

static void test_send(void **state)
{
	struct fx *fx = *state;
	char *src = xasprintf("%s/src.txt", fx->dir), *err = NULL;
	struct transfer *t;
	char buf[8];

	tu_write_file(src, "0123456789");
	t = transfer_send(&fx->app, NULL, fx->app.accounts[0], "bob@x/y", src,
			  on_stop, fx, &err);
	assert_non_null(t);
	assert_true(t->sending);
	assert_string_equal(t->name, "src.txt");
	assert_int_equal(t->total, 10);
	assert_int_equal(transfer_read(t, buf, 8), 8);
	assert_int_equal(transfer_read(t, buf, 8), 2);
	assert_int_equal(transfer_read(t, buf, 8), 0);
	transfer_end(t, NULL);
	assert_int_equal(t->state, TRANSFER_DONE);
	/* the source is left alone */
	assert_int_equal(access(src, R_OK), 0);
	assert_null(transfer_send(&fx->app, NULL, fx->app.accounts[0],
				  "bob@x/y", fx->dir, on_stop, fx, &err));
	assert_non_null(strstr(err, "not a file"));
	free(err);
	err = NULL;
	assert_null(transfer_send(&fx->app, NULL, fx->app.accounts[0],
				  "bob@x/y", "/nonexistent/x", on_stop, fx,
				  &err));
	assert_non_null(strstr(err, "No such file"));
	free(err);
	free(src);
}

static void test_offer_welcome(void **state)
{
	struct fx *fx = *state;
	struct account *a = fx->app.accounts[0];

	tu_roster_put(a, "friend@x", NULL, SUB_BOTH);
	tu_roster_put(a, "fan@x", NULL, SUB_FROM);
	tu_roster_put(a, "asked@x", NULL, SUB_NONE);
	assert_true(transfer_offer_welcome(&fx->app, a, "friend@x"));
	assert_true(transfer_offer_welcome(&fx->app, a, "fan@x"));
	assert_false(transfer_offer_welcome(&fx->app, a, "asked@x"));
	assert_false(transfer_offer_welcome(&fx->app, a, "stranger@x"));
	fx->app.cfg.file_offers_from_strangers = true;
	assert_true(transfer_offer_welcome(&fx->app, a, "stranger@x"));
}

/* XEP-0065's example 22: the hash is SHA-1 of sid, initiator, target. */
static void test_s5_dst(void **state)
{
	char dst[41];

	(void)state;
	s5_dst("mySID", "romeo@montague.lit/orchard",
	       "juliet@capulet.lit/balcony", dst);
	assert_string_equal(dst, "f70fc48b5c4eb27759edd49219f90618074351a6");
}

static void test_s5_parsers(void **state)
{
	static const unsigned char dom[] = { 5, 0, 0, 3, 3, 'a', 'b', 'c',
					     0, 0, 'x' };
	static const unsigned char v4[] = { 5, 0, 0, 1, 127, 0, 0, 1, 0, 80 };
	static const unsigned char refused[] = { 5, 1, 0, 1 };
	static const unsigned char req[] = { 5, 1, 0, 3, 2, 'h', 'i', 0, 0 };
	static const unsigned char nul[] = { 5, 1, 0, 3, 2, 'h', 0, 0, 0 };
	static const unsigned char bind[] = { 5, 2, 0, 3, 2, 'h', 'i', 0, 0 };
	char dst[256];

	(void)state;
	assert_int_equal(s5_reply_len(dom, 1), 0);
	assert_int_equal(s5_reply_len(dom, 9), 0);
	assert_int_equal(s5_reply_len(dom, sizeof dom), 10); /* data after */
	assert_int_equal(s5_reply_len(v4, sizeof v4), 10);
	assert_int_equal(s5_reply_len(refused, sizeof refused), -1);
	assert_int_equal(s5_request_parse(req, 4, dst), 0);
	assert_int_equal(s5_request_parse(req, 8, dst), 0);
	assert_int_equal(s5_request_parse(req, sizeof req, dst), 9);
	assert_string_equal(dst, "hi");
	assert_int_equal(s5_request_parse(nul, sizeof nul, dst), -1);
	assert_int_equal(s5_request_parse(bind, sizeof bind, dst), -1);
	assert_int_equal(s5_request_parse((const unsigned char *)"GET /", 5,
					  dst), -1);
}

static void test_hosts_parse(void **state)
{
	xmpp_stanza_t *q = tu_parse(ctx,
		"<query xmlns='http://jabber.org/protocol/bytestreams' sid='s'>"
		"<streamhost jid='a@b/c' host='127.0.0.1' port='5000'/>"
		"<streamhost jid='p.b' host='::1' port='0'/>"
		"<streamhost jid='p.b' host='::1' port='70000'/>"
		"<streamhost jid='p.b' host='::1' port='12x'/>"
		"<streamhost host='::1' port='1'/>"
		"<streamhost jid='x&#10;y' host='::1' port='1'/>"
		"<streamhost jid='p.b' host='&#155;evil' port='1'/>"
		"<streamhost jid='p.b' host='::1' port='65535'/>"
		"</query>");
	struct p2p_host *h;
	size_t n = p2p_hosts_parse(q, &h);

	(void)state;
	assert_int_equal(n, 2);
	assert_string_equal(h[0].jid, "a@b/c");
	assert_string_equal(h[0].host, "127.0.0.1");
	assert_int_equal(h[0].port, 5000);
	assert_string_equal(h[1].host, "::1");
	assert_int_equal(h[1].port, 65535);
	p2p_hosts_free(&h, n);
	assert_null(h);
	xmpp_stanza_release(q);
	q = tu_parse(ctx, "<query xmlns='http://jabber.org/protocol/"
			  "bytestreams' sid='s'/>");
	assert_int_equal(p2p_hosts_parse(q, &h), 0);
	assert_null(h);
	xmpp_stanza_release(q);
}

/* ---- core/socks5 driven through a real loop: natter on both ends ---- */

struct s5fx {
	int ready, moved;
	char *err;
};

static void s5_cb_ready(struct s5 *c, const char *error, void *ud)
{
	struct s5fx *f = ud;

	(void)c;
	f->ready++;
	if (error)
		f->err = xstrdup(error);
}

static void s5_cb_moved(struct s5 *c, const char *error, void *ud)
{
	struct s5fx *f = ud;

	(void)c;
	f->moved++;
	if (error)
		f->err = xstrdup(error);
}

static void spin(struct loop *l, int *a, int want_a, int *b, int want_b)
{
	for (int i = 0; i < 20000 && (*a < want_a || *b < want_b); i++)
		assert_int_equal(loop_iterate(l), 0);
	assert_true(*a >= want_a && *b >= want_b);
}

static void test_s5_both_ends(void **state)
{
	struct fx *fx = *state;
	struct loop *l = fx->app.loop;
	struct s5fx srv = { 0 }, cli = { 0 }, other = { 0 };
	struct s5 *ls, *cs, *wrong;
	char dst[41], *err = NULL, *src = xasprintf("%s/src.bin", fx->dir);
	char *data = xmalloc(200000), *got;
	struct transfer *out, *in;
	int port = 0;
	FILE *f;

	for (int i = 0; i < 200000; i++)
		data[i] = (char)(i * 7);
	f = fopen(src, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, 200000, f), 200000);
	fclose(f);
	s5_dst("sid", "a@x/1", "b@x/2", dst);
	ls = s5_listen(l, "127.0.0.1", &port, dst, s5_cb_ready, &srv, &err);
	assert_non_null(ls);
	assert_true(port > 0);
	/* someone asking for another stream is dropped, not taken */
	wrong = s5_connect(l, "127.0.0.1", port,
			   "0000000000000000000000000000000000000000", 5000,
			   s5_cb_ready, &other, &err);
	assert_non_null(wrong);
	spin(l, &other.ready, 1, &srv.ready, 0);
	assert_non_null(other.err);
	free(other.err);
	s5_free(&wrong);
	assert_int_equal(srv.ready, 0);
	cs = s5_connect(l, "127.0.0.1", port, dst, 5000, s5_cb_ready, &cli,
			&err);
	assert_non_null(cs);
	spin(l, &srv.ready, 1, &cli.ready, 1);
	assert_null(srv.err);
	assert_null(cli.err);
	out = transfer_send(&fx->app, NULL, fx->app.accounts[0], "b@x/2", src,
			    on_stop, fx, &err);
	in = receive(fx, "copy.bin", 200000);
	s5_send(ls, out, s5_cb_moved, &srv);
	s5_receive(cs, in, s5_cb_moved, &cli);
	spin(l, &srv.moved, 1, &cli.moved, 1);
	assert_null(srv.err);
	assert_null(cli.err);
	transfer_end(out, NULL);
	transfer_end(in, NULL);
	assert_int_equal(in->state, TRANSFER_DONE);
	f = fopen(in->path, "rb");
	assert_non_null(f);
	got = xmalloc(200001);
	assert_int_equal(fread(got, 1, 200001, f), 200000);
	fclose(f);
	assert_memory_equal(got, data, 200000);
	free(got);
	s5_free(&ls);
	s5_free(&cs);
	/* nobody there: said at once or by the loop */
	cs = s5_connect(l, "127.0.0.1", port, dst, 5000, s5_cb_ready, &cli,
			&err);
	if (cs) {
		spin(l, &cli.ready, 2, &cli.moved, 0);
		assert_non_null(cli.err);
		s5_free(&cs);
	}
	free(cli.err);
	assert_null(s5_connect(l, "example.org", 1080, dst, 5000,
			       s5_cb_ready, &cli, &err));
	assert_non_null(strstr(err, "no address"));
	free(err);
	free(data);
	free(src);
}

/* ---- Jingle File Transfer (XEP-0234 over XEP-0261) ---- */

#define J_HEAD "<jingle xmlns='urn:xmpp:jingle:1' "
#define JFT "urn:xmpp:jingle:apps:file-transfer:5"
#define JIBB "urn:xmpp:jingle:transports:ibb:1"
/* sha-256 of "abc", in base64 and hex */
#define ABC_B64 "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
#define ABC_HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static int jparse(const char *xml, struct p2p_offer *o)
{
	xmpp_stanza_t *j = tu_parse(ctx, xml);
	int r = p2p_jingle_parse(j, o);

	xmpp_stanza_release(j);
	return r;
}

static void test_jingle_parse(void **state)
{
	struct p2p_offer o;

	(void)state;
	assert_int_equal(jparse(J_HEAD "action='session-initiate' sid='j1'>"
		"<content creator='initiator' name='c1'>"
		"<description xmlns='" JFT "'><file><name>a&#10;b.txt</name>"
		"<size>12</size><desc>two&#10;lines</desc>"
		"<hash xmlns='urn:xmpp:hashes:2' algo='sha-1'>x</hash>"
		"<hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>" ABC_B64
		"</hash></file></description>"
		"<transport xmlns='" JIBB "' sid='i1' block-size='4096'/>"
		"</content></jingle>", &o), 0);
	assert_string_equal(o.jsid, "j1");
	assert_string_equal(o.sid, "i1");
	assert_string_equal(o.content, "c1");
	assert_string_equal(o.creator, "initiator");
	assert_int_equal(o.size, 12);
	assert_string_equal(o.sha256, ABC_HEX);
	assert_string_equal(o.desc, "two lines");
	assert_null(strchr(o.name, '\n'));
	assert_int_equal(o.block, 4096);
	assert_int_equal(o.methods, P2P_METHOD_IBB);
	p2p_offer_clear(&o);

	/* no transport natter speaks: parsed, with no method (refused) */
	assert_int_equal(jparse(J_HEAD "action='session-initiate' sid='j2'>"
		"<content creator='initiator' name='c'>"
		"<description xmlns='" JFT "'><file><name>a</name>"
		"<size>1</size></file></description>"
		"<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' "
		"sid='x'/></content></jingle>", &o), 0);
	assert_int_equal(o.methods, 0);
	assert_null(o.sha256);
	p2p_offer_clear(&o);

	/* too large a block is lowered to the largest natter takes */
	assert_int_equal(jparse(J_HEAD "action='session-initiate' sid='j3'>"
		"<content creator='initiator' name='c'>"
		"<description xmlns='" JFT "'><file><name>a</name>"
		"<size>1</size></file></description>"
		"<transport xmlns='" JIBB "' sid='x' block-size='999999'/>"
		"</content></jingle>", &o), 0);
	assert_int_equal(o.block, 65535);
	p2p_offer_clear(&o);

	/* refused: another action, no sid, no size, a bad size, no name,
	 * not a file */
	static const char *const bad[] = {
		J_HEAD "action='session-accept' sid='j'><content name='c'>"
		"<description xmlns='" JFT "'><file><name>a</name><size>1"
		"</size></file></description></content></jingle>",
		J_HEAD "action='session-initiate'><content name='c'>"
		"<description xmlns='" JFT "'><file><name>a</name><size>1"
		"</size></file></description></content></jingle>",
		J_HEAD "action='session-initiate' sid='j'><content name='c'>"
		"<description xmlns='" JFT "'><file><name>a</name></file>"
		"</description></content></jingle>",
		J_HEAD "action='session-initiate' sid='j'><content name='c'>"
		"<description xmlns='" JFT "'><file><name>a</name><size>-1"
		"</size></file></description></content></jingle>",
		J_HEAD "action='session-initiate' sid='j'><content name='c'>"
		"<description xmlns='" JFT "'><file><size>1</size></file>"
		"</description></content></jingle>",
		J_HEAD "action='session-initiate' sid='j'><content name='c'>"
		"<description xmlns='urn:xmpp:jingle:apps:rtp:1'/>"
		"</content></jingle>",
		J_HEAD "action='session-initiate' sid='j'><content>"
		"<description xmlns='" JFT "'><file><name>a</name><size>1"
		"</size></file></description></content></jingle>",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(jparse(bad[i], &o), -1);
		p2p_offer_clear(&o);
	}
}

static void test_sha256_of(void **state)
{
	static const char *const bad[] = {
		"<file><hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>abc"
		"</hash></file>",
		"<file><hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>"
		"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=AA</hash></file>",
		"<file><hash xmlns='urn:xmpp:hashes:1' algo='sha-256'>"
		ABC_B64 "</hash></file>",
		"<file><hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>"
		"!!!!v48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=</hash></file>",
	};
	xmpp_stanza_t *f;
	char *hex;

	(void)state;
	f = tu_parse(ctx, "<file><hash xmlns='urn:xmpp:hashes:2' "
			  "algo='sha-256'> ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qc\n"
			  "tBD/YfIAFa0= </hash></file>");
	hex = p2p_sha256_of(f);
	assert_string_equal(hex, ABC_HEX);
	free(hex);
	xmpp_stanza_release(f);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		f = tu_parse(ctx, bad[i]);
		assert_null(p2p_sha256_of(f));
		xmpp_stanza_release(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offer_parse),
		cmocka_unit_test(test_offer_refused),
		cmocka_unit_test(test_clean_name),
		cmocka_unit_test_setup_teardown(test_receive_whole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_receive_short_or_long,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_hash, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_receive_limits_and_cancel,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_welcome, setup,
						teardown),
		cmocka_unit_test(test_s5_dst),
		cmocka_unit_test(test_s5_parsers),
		cmocka_unit_test(test_hosts_parse),
		cmocka_unit_test(test_jingle_parse),
		cmocka_unit_test(test_sha256_of),
		cmocka_unit_test_setup_teardown(test_s5_both_ends, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
