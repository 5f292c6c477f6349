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
		cmocka_unit_test_setup_teardown(test_receive_limits_and_cancel,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_welcome, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
