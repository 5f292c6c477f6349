/* paths: where natter keeps its files (XDG base directories).
 * Every function returns a string the caller frees. */
#ifndef NATTER_CORE_PATHS_H
#define NATTER_CORE_PATHS_H

#include <stdbool.h>
#include <stdio.h>

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
/* Writes path anew: its directory made first when mkdir_parent
 * (paths_mkdir), then path.tmp created 0600 without following a link,
 * filled by fill(f, ud), flushed to disk and renamed over path, so a
 * crash leaves the old file or the new one, never a part. Returns 0,
 * or -errno, or fill's own negative result. */
int paths_replace(const char *path, bool mkdir_parent,
		  int (*fill)(FILE *f, const void *ud), const void *ud);

#endif
