/* paths: XDG base directory lookup (see paths.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/paths.h"
#include "util/xmem.h"

static const char *home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw ? pw->pw_dir : "/";
}

/* The XDG spec says relative values are invalid and must be ignored. */
static char *xdg(const char *var, const char *fallback)
{
	const char *v = getenv(var);

	if (v && v[0] == '/')
		return xasprintf("%s/natter", v);
	return xasprintf("%s/%s/natter", home(), fallback);
}

char *paths_config_file(void)
{
	char *dir = xdg("XDG_CONFIG_HOME", ".config");
	char *f = xasprintf("%s/natterrc", dir);

	free(dir);
	return f;
}

char *paths_data_dir(void)
{
	return xdg("XDG_DATA_HOME", ".local/share");
}

char *paths_state_dir(void)
{
	return xdg("XDG_STATE_HOME", ".local/state");
}

int paths_mkdir(const char *dir)
{
	char *p = xstrdup(dir), *s;
	int err = 0;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			err = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	if (!err)
		(void)paths_tighten(dir, true); /* not through a link: fine */
	return err;
}

int paths_tighten(const char *path, bool dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) |
				    O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	int err = 0;

	if (fd < 0)
		return -errno;
	/* someone else's file is left alone: chmod would fail anyway */
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
	    (st.st_mode & 077) && fchmod(fd, st.st_mode & 0700) < 0)
		err = -errno;
	close(fd);
	return err;
}

int paths_replace(const char *path, bool mkdir_parent,
		  int (*fill)(FILE *f, const void *ud), const void *ud)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = NULL;
	int fd, err = 0;

	if (mkdir_parent) {
		char *dir = xstrdup(path), *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = '\0';
			err = paths_mkdir(dir);
		}
		free(dir);
		if (err < 0)
			goto out;
	}
	/* a stale temporary file (a crash, or someone else's symlink) must
	 * not lend us its mode or its target */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		goto out;
	}
	err = fill(f, ud);
	if (!err && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		err = -errno;
	if (fclose(f) != 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
out:
	free(tmp);
	return err;
}

char *paths_expand_home(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] != '~' || (path[1] && path[1] != '/') || !home || !*home)
		return xstrdup(path);
	return xasprintf("%s%s", home, path + 1);
}
