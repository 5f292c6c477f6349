/* picture: picture windows and their renderings (see picture.h).
 *
 * libchafa is reached through `ch`, a table filled by dlsym() the first
 * time a picture is rendered (its GLib comes with it, so g_string_free
 * is looked up through the same handle); chafa is told to use one
 * thread, ours, so that nothing runs beside the loop. A rendering in
 * symbols uses block elements (and spaces) only, which every terminal
 * font has, in the terminal's palette: 240 colours of the 256 (the first
 * 16 are the user's own), 16, 8, or none.
 *
 * The links waiting to be shown (struct pictures, app->pictures) are
 * transfer numbers with the window each was asked in; the first one
 * subscribes to EV_TRANSFER, whose end of such a transfer shows its
 * file (or forgets it, when it failed: the transfer's own line says
 * why).
 */
#include "config.h"

#include <chafa.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/picture.h"
#include "core/transfer.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define CHAFA_LIBRARY "libchafa.so.0"
/* A name longer than this is cut in titles and window names. */
#define NAME_MAX_BYTES 80
#define WIN_NAME_MAX 16

static struct {
	void *lib;
	char *err;
	void (*set_n_threads)(gint);
	ChafaSymbolMap *(*symbol_map_new)(void);
	void (*symbol_map_add_by_tags)(ChafaSymbolMap *, ChafaSymbolTags);
	void (*symbol_map_unref)(ChafaSymbolMap *);
	ChafaCanvasConfig *(*config_new)(void);
	void (*config_unref)(ChafaCanvasConfig *);
	void (*config_set_geometry)(ChafaCanvasConfig *, gint, gint);
	void (*config_set_cell_geometry)(ChafaCanvasConfig *, gint, gint);
	void (*config_set_canvas_mode)(ChafaCanvasConfig *, ChafaCanvasMode);
	void (*config_set_pixel_mode)(ChafaCanvasConfig *, ChafaPixelMode);
	void (*config_set_symbol_map)(ChafaCanvasConfig *,
				      const ChafaSymbolMap *);
	ChafaCanvas *(*canvas_new)(const ChafaCanvasConfig *);
	void (*canvas_unref)(ChafaCanvas *);
	void (*draw_all_pixels)(ChafaCanvas *, ChafaPixelType, const guint8 *,
				gint, gint, gint);
	gunichar (*get_char_at)(ChafaCanvas *, gint, gint);
	void (*get_raw_colors_at)(ChafaCanvas *, gint, gint, gint *, gint *);
	GString *(*print)(ChafaCanvas *, ChafaTermInfo *);
	ChafaTermDb *(*term_db_get_default)(void);
	ChafaTermInfo *(*term_db_get_fallback_info)(ChafaTermDb *);
	void (*term_info_unref)(ChafaTermInfo *);
	gchar *(*string_free)(GString *, gboolean);
} ch;

#define SYM(f, s) { (void **)&ch.f, s }

static bool chafa_load(void)
{
	static const struct { void **field; const char *name; } syms[] = {
		SYM(set_n_threads, "chafa_set_n_threads"),
		SYM(symbol_map_new, "chafa_symbol_map_new"),
		SYM(symbol_map_add_by_tags, "chafa_symbol_map_add_by_tags"),
		SYM(symbol_map_unref, "chafa_symbol_map_unref"),
		SYM(config_new, "chafa_canvas_config_new"),
		SYM(config_unref, "chafa_canvas_config_unref"),
		SYM(config_set_geometry, "chafa_canvas_config_set_geometry"),
		SYM(config_set_cell_geometry,
		    "chafa_canvas_config_set_cell_geometry"),
		SYM(config_set_canvas_mode, "chafa_canvas_config_set_canvas_mode"),
		SYM(config_set_pixel_mode, "chafa_canvas_config_set_pixel_mode"),
		SYM(config_set_symbol_map, "chafa_canvas_config_set_symbol_map"),
		SYM(canvas_new, "chafa_canvas_new"),
		SYM(canvas_unref, "chafa_canvas_unref"),
		SYM(draw_all_pixels, "chafa_canvas_draw_all_pixels"),
		SYM(get_char_at, "chafa_canvas_get_char_at"),
		SYM(get_raw_colors_at, "chafa_canvas_get_raw_colors_at"),
		SYM(print, "chafa_canvas_print"),
		SYM(term_db_get_default, "chafa_term_db_get_default"),
		SYM(term_db_get_fallback_info, "chafa_term_db_get_fallback_info"),
		SYM(term_info_unref, "chafa_term_info_unref"),
		SYM(string_free, "g_string_free"),
	};
	size_t i;

	if (ch.lib)
		return true;
	if (ch.err)
		return false;
	ch.lib = dlopen(CHAFA_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (!ch.lib) {
		const char *why = dlerror();

		ch.err = xasprintf("cannot load %s (the Debian package "
				   "libchafa0): %s", CHAFA_LIBRARY,
				   why ? why : "unknown error");
		return false;
	}
	for (i = 0; i < sizeof syms / sizeof *syms; i++) {
		*syms[i].field = dlsym(ch.lib, syms[i].name);
		if (!*syms[i].field) {
			ch.err = xasprintf("%s has no %s", CHAFA_LIBRARY,
					   syms[i].name);
			dlclose(ch.lib);
			ch.lib = NULL;
			return false;
		}
	}
	ch.set_n_threads(1);
	log_msg(LOG_DEBUG, "picture", "loaded %s", CHAFA_LIBRARY);
	return true;
}

/* ---- rendering ---- */

static void render_clear(struct picture_render *r)
{
	uint64_t gen = r->gen;

	free(r->cells);
	free(r->seq);
	memset(r, 0, sizeof *r);
	r->gen = gen;
}

void picture_free(struct picture **pp)
{
	struct picture *p = *pp;

	if (!p)
		return;
	image_clear(&p->im);
	render_clear(&p->r);
	free(p->name);
	free(p->source);
	free(p->error);
	free(p);
	*pp = NULL;
}

static ChafaCanvasMode canvas_mode(enum image_protocol mode, int colours)
{
	if (mode != IMAGE_SYMBOLS)
		return CHAFA_CANVAS_MODE_TRUECOLOR;
	if (colours >= 256)
		return CHAFA_CANVAS_MODE_INDEXED_240;
	if (colours >= 16)
		return CHAFA_CANVAS_MODE_INDEXED_16;
	if (colours >= 8)
		return CHAFA_CANVAS_MODE_INDEXED_8;
	return CHAFA_CANVAS_MODE_FGBG;
}

/* Fills r from a canvas drawn in symbols. */
static void take_cells(struct picture_render *r, ChafaCanvas *c)
{
	r->cells = xcalloc((size_t)r->cols * r->rows, sizeof *r->cells);
	for (unsigned y = 0; y < r->rows; y++)
		for (unsigned x = 0; x < r->cols; x++) {
			struct picture_cell *cell = &r->cells[y * r->cols + x];
			gint fg = -1, bg = -1;

			cell->ch = ch.get_char_at(c, (gint)x, (gint)y);
			if (r->colours >= 8)
				ch.get_raw_colors_at(c, (gint)x, (gint)y, &fg,
						     &bg);
			cell->fg = fg >= 0 && fg < 256 ? (int16_t)fg : -1;
			cell->bg = bg >= 0 && bg < 256 ? (int16_t)bg : -1;
		}
}

/* Fills r with the sequence a canvas in sixels or kitty's protocol
 * prints. */
static void take_seq(struct picture_render *r, ChafaCanvas *c)
{
	ChafaTermInfo *ti = ch.term_db_get_fallback_info(
		ch.term_db_get_default());
	GString *s = ch.print(c, ti);

	r->seq_len = s->len;
	r->seq = xmalloc(s->len + 1);
	memcpy(r->seq, s->str, s->len);
	r->seq[s->len] = '\0';
	ch.string_free(s, TRUE);
	ch.term_info_unref(ti);
}

const struct picture_render *picture_render(struct picture *p,
					    enum image_protocol mode,
					    unsigned area_cols,
					    unsigned area_rows,
					    unsigned cell_w, unsigned cell_h,
					    int colours)
{
	struct picture_render *r = &p->r;
	ChafaSymbolMap *map;
	ChafaCanvasConfig *cfg;
	ChafaCanvas *c;

	if (area_cols > PICTURE_MAX_COLS)
		area_cols = PICTURE_MAX_COLS;
	if (area_rows > PICTURE_MAX_ROWS)
		area_rows = PICTURE_MAX_ROWS;
	if (!area_cols || !area_rows || !p->im.px)
		return NULL;
	if ((r->cells || r->seq) && r->mode == mode &&
	    r->area_cols == area_cols && r->area_rows == area_rows &&
	    r->cell_w == cell_w && r->cell_h == cell_h &&
	    r->colours == colours)
		return r;
	if (!chafa_load()) {
		free(p->error);
		p->error = xstrdup(ch.err);
		return NULL;
	}
	render_clear(r);
	r->mode = mode;
	r->area_cols = area_cols;
	r->area_rows = area_rows;
	r->cell_w = cell_w;
	r->cell_h = cell_h;
	r->colours = colours;
	image_fit(p->im.width, p->im.height, area_cols, area_rows, cell_w,
		  cell_h, &r->cols, &r->rows);
	map = ch.symbol_map_new();
	ch.symbol_map_add_by_tags(map, CHAFA_SYMBOL_TAG_BLOCK |
					       CHAFA_SYMBOL_TAG_SPACE);
	cfg = ch.config_new();
	ch.config_set_geometry(cfg, (gint)r->cols, (gint)r->rows);
	ch.config_set_cell_geometry(cfg, (gint)cell_w, (gint)cell_h);
	ch.config_set_canvas_mode(cfg, canvas_mode(mode, colours));
	ch.config_set_pixel_mode(cfg, mode == IMAGE_SIXEL ?
					      CHAFA_PIXEL_MODE_SIXELS :
				      mode == IMAGE_KITTY ?
					      CHAFA_PIXEL_MODE_KITTY :
					      CHAFA_PIXEL_MODE_SYMBOLS);
	ch.config_set_symbol_map(cfg, map);
	c = ch.canvas_new(cfg);
	ch.draw_all_pixels(c, CHAFA_PIXEL_RGBA8_UNASSOCIATED, p->im.px,
			   (gint)p->im.width, (gint)p->im.height,
			   (gint)p->im.width * 4);
	if (mode == IMAGE_SYMBOLS)
		take_cells(r, c);
	else
		take_seq(r, c);
	r->gen++;
	ch.canvas_unref(c);
	ch.config_unref(cfg);
	ch.symbol_map_unref(map);
	return r;
}

/* ---- showing ---- */

static void emit(struct app *app, uint64_t origin, const char *name,
		 const struct window *shown, const char *error)
{
	struct event ev = { .type = EV_PICTURE };
	struct window *o = app_window_by_id(app, origin);

	ev.acc = o ? o->acc : NULL;
	ev.picture.win = origin;
	ev.picture.name = name;
	ev.picture.error = error;
	if (shown) {
		ev.picture.shown = shown->id;
		ev.picture.width = shown->picture->im.src_width;
		ev.picture.height = shown->picture->im.src_height;
		ev.picture.format = image_format_name(shown->picture->im.format);
	}
	event_emit(app, &ev);
	app->dirty = true;
}

/* name as one line, cut to max bytes between characters. */
static char *clip(const char *name, size_t max)
{
	char *s = utf8_sanitize(name, 0);

	utf8_cut(s, max);
	return s;
}

/* The picture window showing source, or NULL. */
static struct window *find(struct app *app, const char *source)
{
	for (size_t i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (w->kind == WIN_PICTURE && w->picture &&
		    strcmp(w->picture->source, source) == 0)
			return w;
	}
	return NULL;
}

/* Puts im (taken over) in a picture window for source, made or found,
 * and says so. */
static void show(struct app *app, uint64_t origin, struct image *im,
		 const char *name, const char *source)
{
	struct window *w = find(app, source);
	struct window *cur = app->wins[app->cur_win];
	bool here = cur->id == origin || !app_window_by_id(app, origin);
	char *wname;

	if (w) {
		picture_free(&w->picture);
	} else {
		wname = clip(name, WIN_NAME_MAX);
		w = win_new(WIN_PICTURE, wname, 1);
		free(wname);
		app_insert_window(app, w);
	}
	w->picture = xcalloc(1, sizeof *w->picture);
	w->picture->im = *im;
	memset(im, 0, sizeof *im);
	w->picture->name = clip(name, NAME_MAX_BYTES);
	w->picture->source = xstrdup(source);
	w->generation++;
	emit(app, origin, w->picture->name, w, NULL);
	if (here)
		for (size_t i = 0; i < app->nwins; i++)
			if (app->wins[i] == w)
				app_select(app, i);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

int picture_show_file(struct app *app, uint64_t origin, const char *path,
		      const char *name)
{
	struct image im;
	char *err = NULL;

	if (!name)
		name = base_name(path);
	if (image_load(path, &im, &err) < 0) {
		char *n = clip(name, NAME_MAX_BYTES);

		emit(app, origin, n, NULL, err);
		free(n);
		free(err);
		return -1;
	}
	show(app, origin, &im, name, path);
	return 0;
}

int picture_show_bytes(struct app *app, uint64_t origin, const uint8_t *buf,
		       size_t len, const char *name, const char *source)
{
	struct image im;
	char *err = NULL;

	if (image_decode(buf, len, &im, &err) < 0) {
		char *n = clip(name, NAME_MAX_BYTES);

		emit(app, origin, n, NULL, err);
		free(n);
		free(err);
		return -1;
	}
	show(app, origin, &im, name, source);
	return 0;
}

void picture_fail(struct app *app, uint64_t origin, const char *name,
		  const char *error, const char *cond)
{
	struct event ev = { .type = EV_PICTURE };
	struct window *o = app_window_by_id(app, origin);
	char *n = clip(name, NAME_MAX_BYTES);

	ev.acc = o ? o->acc : NULL;
	ev.picture.win = origin;
	ev.picture.name = n;
	ev.picture.error = error;
	ev.picture.cond = cond;
	event_emit(app, &ev);
	app->dirty = true;
	free(n);
}

/* ---- links ---- */

struct pending {
	unsigned n;      /* the transfer */
	uint64_t origin; /* the window it was asked in */
};

struct pictures {
	struct pending *v;
	size_t n, cap;
};

static void on_transfer(struct app *app, const struct event *ev, void *ud)
{
	struct pictures *ps = app->pictures;
	const struct transfer *t;
	size_t i;

	(void)ud;
	if (ev->type != EV_TRANSFER || ev->transfer.what != TRANSFER_ENDED ||
	    !ps)
		return;
	t = ev->transfer.t;
	for (i = 0; i < ps->n && ps->v[i].n != t->n; i++)
		;
	if (i == ps->n)
		return;
	{
		struct pending p = ps->v[i];

		ps->v[i] = ps->v[--ps->n];
		if (t->state == TRANSFER_DONE && t->path)
			picture_show_file(app, p.origin, t->path, t->name);
	}
}

unsigned picture_view_link(struct app *app, struct window *w,
			   const char *url, char **err)
{
	struct transfer *t = transfer_download(app, w, url, NULL, err);
	struct pictures *ps;

	if (!t)
		return 0;
	if (!app->pictures) {
		app->pictures = xcalloc(1, sizeof *app->pictures);
		event_subscribe(app, on_transfer, NULL);
	}
	ps = app->pictures;
	xgrow((void **)&ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	ps->v[ps->n].n = t->n;
	ps->v[ps->n++].origin = w ? w->id : 0;
	return t->n;
}

void picture_shutdown(struct app *app)
{
	if (!app->pictures)
		return;
	free(app->pictures->v);
	free(app->pictures);
	app->pictures = NULL;
}
