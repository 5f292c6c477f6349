/* paths: where natter keeps its files (XDG base directories).
 * Every function returns a string the caller frees. */
#ifndef NATTER_CORE_PATHS_H
#define NATTER_CORE_PATHS_H

/* $XDG_CONFIG_HOME/natter/natterrc (default ~/.config/...) */
char *paths_config_file(void);
/* $XDG_DATA_HOME/natter (default ~/.local/share/natter) */
char *paths_data_dir(void);
/* $XDG_STATE_HOME/natter (default ~/.local/state/natter) */
char *paths_state_dir(void);
/* mkdir -p with mode 0700 for each created level; returns 0 or -errno. */
int paths_mkdir(const char *dir);

#endif
