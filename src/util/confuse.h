/* confuse: libconfuse, loaded for the time a file is read.
 *
 * natterrc and the theme are read at start (and by /reload); the rest of
 * a session never needs libconfuse, so it is not linked: confuse_open()
 * loads it with dlopen() (util/dl.h) and confuse_close() unloads it
 * (64 KiB of the login RSS otherwise). In between, the cfg_* functions
 * are reached through `confuse`, a table of them: the macros below send
 * the usual names there, so a file that includes this header instead of
 * <confuse.h> reads as with the library linked. Nothing libconfuse made
 * may outlive confuse_close() (cfg_free() it first). Opens nest: the
 * library goes with the last close.
 */
#ifndef NATTER_UTIL_CONFUSE_H
#define NATTER_UTIL_CONFUSE_H

#include <confuse.h>

struct confuse_fns {
	cfg_t *(*cfg_init)(cfg_opt_t *opts, cfg_flag_t flags);
	cfg_errfunc_t (*cfg_set_error_function)(cfg_t *cfg, cfg_errfunc_t f);
	cfg_validate_callback_t (*cfg_set_validate_func)(
		cfg_t *cfg, const char *name, cfg_validate_callback_t vf);
	int (*cfg_parse)(cfg_t *cfg, const char *filename);
	int (*cfg_parse_buf)(cfg_t *cfg, const char *buf);
	int (*cfg_free)(cfg_t *cfg);
	void (*cfg_error)(cfg_t *cfg, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	const char *(*cfg_title)(cfg_t *cfg);
	const char *(*cfg_name)(cfg_t *cfg);
	unsigned int (*cfg_size)(cfg_t *cfg, const char *name);
	char *(*cfg_getstr)(cfg_t *cfg, const char *name);
	char *(*cfg_getnstr)(cfg_t *cfg, const char *name, unsigned int i);
	long int (*cfg_getint)(cfg_t *cfg, const char *name);
	long int (*cfg_getnint)(cfg_t *cfg, const char *name, unsigned int i);
	cfg_bool_t (*cfg_getbool)(cfg_t *cfg, const char *name);
	cfg_bool_t (*cfg_getnbool)(cfg_t *cfg, const char *name, unsigned int i);
	double (*cfg_getfloat)(cfg_t *cfg, const char *name);
	cfg_t *(*cfg_getsec)(cfg_t *cfg, const char *name);
	cfg_t *(*cfg_getnsec)(cfg_t *cfg, const char *name, unsigned int i);
	const char *(*cfg_opt_name)(cfg_opt_t *opt);
	unsigned int (*cfg_opt_size)(cfg_opt_t *opt);
	char *(*cfg_opt_getnstr)(cfg_opt_t *opt, unsigned int i);
	long int (*cfg_opt_getnint)(cfg_opt_t *opt, unsigned int i);
	cfg_bool_t (*cfg_opt_getnbool)(cfg_opt_t *opt, unsigned int i);
	double (*cfg_opt_getnfloat)(cfg_opt_t *opt, unsigned int i);
	cfg_t *(*cfg_opt_getnsec)(cfg_opt_t *opt, unsigned int i);
};

/* Filled between confuse_open() and the last confuse_close(). */
extern struct confuse_fns confuse;

/* Loads libconfuse (once for nested opens). Returns 0, or -1 with *err
 * (the caller frees it) saying what could not be loaded. */
int confuse_open(char **err);
void confuse_close(void);

#define cfg_init(...) (confuse.cfg_init(__VA_ARGS__))
#define cfg_set_error_function(...) (confuse.cfg_set_error_function(__VA_ARGS__))
#define cfg_set_validate_func(...) (confuse.cfg_set_validate_func(__VA_ARGS__))
#define cfg_parse(...) (confuse.cfg_parse(__VA_ARGS__))
#define cfg_parse_buf(...) (confuse.cfg_parse_buf(__VA_ARGS__))
#define cfg_free(...) (confuse.cfg_free(__VA_ARGS__))
#define cfg_error(...) (confuse.cfg_error(__VA_ARGS__))
#define cfg_title(...) (confuse.cfg_title(__VA_ARGS__))
#define cfg_name(...) (confuse.cfg_name(__VA_ARGS__))
#define cfg_size(...) (confuse.cfg_size(__VA_ARGS__))
#define cfg_getstr(...) (confuse.cfg_getstr(__VA_ARGS__))
#define cfg_getnstr(...) (confuse.cfg_getnstr(__VA_ARGS__))
#define cfg_getint(...) (confuse.cfg_getint(__VA_ARGS__))
#define cfg_getnint(...) (confuse.cfg_getnint(__VA_ARGS__))
#define cfg_getbool(...) (confuse.cfg_getbool(__VA_ARGS__))
#define cfg_getnbool(...) (confuse.cfg_getnbool(__VA_ARGS__))
#define cfg_getfloat(...) (confuse.cfg_getfloat(__VA_ARGS__))
#define cfg_getsec(...) (confuse.cfg_getsec(__VA_ARGS__))
#define cfg_getnsec(...) (confuse.cfg_getnsec(__VA_ARGS__))
#define cfg_opt_name(...) (confuse.cfg_opt_name(__VA_ARGS__))
#define cfg_opt_size(...) (confuse.cfg_opt_size(__VA_ARGS__))
#define cfg_opt_getnstr(...) (confuse.cfg_opt_getnstr(__VA_ARGS__))
#define cfg_opt_getnint(...) (confuse.cfg_opt_getnint(__VA_ARGS__))
#define cfg_opt_getnbool(...) (confuse.cfg_opt_getnbool(__VA_ARGS__))
#define cfg_opt_getnfloat(...) (confuse.cfg_opt_getnfloat(__VA_ARGS__))
#define cfg_opt_getnsec(...) (confuse.cfg_opt_getnsec(__VA_ARGS__))

#endif
