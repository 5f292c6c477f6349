/* fuzz_search: the /search query builder (core/history.c) on any text.
 *
 * A history store in the fuzzer's private directory holds a few
 * messages; each input is searched for with history_search(), which
 * turns the user's words into an FTS5 query of quoted terms. Whatever
 * the user typed (quotes, stars, operators, parentheses, column
 * filters), the query must be one SQLite accepts: history_search()
 * returning -1 is a failure, as is any memory error under ASan.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/history.h"
#include "util/xmem.h"
#include "fuzz.h"

static struct history *h;

static const char *const bodies[] = {
	"hello there", "the \"quoted\" word", "NEAR(a b) AND c OR NOT d",
	"body:column filter", "star* and ^caret", "ünïcödé текст 文字",
	"C:\\path\\to\\file", "'single' quotes", "(parens) [brackets] {braces}",
};

static void open_store(void)
{
	char *path = xasprintf("%s/history.db", fuzz_tmpdir()), *err = NULL;
	size_t i;

	if (history_open(&h, path, &err) < 0) {
		fprintf(stderr, "fuzz_search: %s\n", err ? err : "cannot open");
		abort();
	}
	free(path);
	for (i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		struct hist_msg m = { .peer = "bob@example.org",
				      .ts_ms = 1700000000000 + (int64_t)i,
				      .dir = i % 2 ? HIST_OUT : HIST_IN,
				      .nick = "bob", .body = bodies[i] };

		history_add(h, &m);
	}
	history_flush(h);
}

static int count_row(const struct hist_msg *m, void *ud)
{
	if (!m->peer || !m->body)
		abort();
	++*(int *)ud;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int rows = 0, r;

	if (!h)
		open_store();
	text = fuzz_string(data, size);
	r = history_search(h, text, 20, count_row, &rows);
	if (r < 0) {
		fprintf(stderr, "fuzz_search: query refused: %s\n",
			history_error(h));
		abort();
	}
	free(text);
	return 0;
}
