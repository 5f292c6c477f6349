/* paths: where natter keeps its files (XDG base directories).
 * Every function returns a string the caller frees. */
#ifndef NATTER_CORE_PATHS_H
#define NATTER_CORE_PATHS_H

#include <stdbool.h>

/* $XDG_CONFIG_HOME/natter/natterrc (default ~/.config/...) */
char *paths_config_file(void);
/* $XDG_DATA_HOME/natter (default ~/.local/share/natter) */
char *paths_data_dir(void);
/* $XDG_STATE_HOME/natter (default ~/.local/state/natter) */
char *paths_state_dir(void);
/* path with a leading "~/" (or "~" alone) as $HOME's; the caller frees
 * it. */
char *paths_expand_home(const char *path);
/* mkdir -p with mode 0700 for each created level; dir itself is natter's
 * and is tightened to 0700 if it exists with more (unless it is a link).
 * Returns 0 or -errno. */
int paths_mkdir(const char *dir);
/* Takes group and other permissions off path (a directory when dir),
 * opened without following a link, if it is ours. Returns 0 or -errno. */
int paths_tighten(const char *path, bool dir);

#endif
