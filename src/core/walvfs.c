/* walvfs: one write per commit into SQLite's WAL (see walvfs.h).
 *
 * A WAL file's writes are gathered while they are contiguous (SQLite
 * appends: the WAL header after a restart, then each frame's header and
 * page). They reach the file, in one pwrite(), as soon as the page of a
 * commit frame is complete: a frame header whose "database size after
 * commit" field is not 0 marks the commit frame, the last of its
 * transaction, and SQLite writes it before it publishes the commit in
 * the shared wal-index. A write of that page that fails is returned to
 * SQLite as the failure of that write, so a full disk fails the commit
 * as it does without this VFS. Only appends are gathered: a write below
 * the end of what the WAL holds since its header was last written (an
 * earlier frame's header rewritten, as SQLite does to re-checksum a
 * transaction that changed a page it had spilled) goes straight
 * through, so its failure too is SQLite's to see. Before anything else
 * touches the file (a read, a write elsewhere, sync, truncate, its
 * size, a file control, close) what is gathered is written first, so
 * SQLite never sees the file without its own writes. As a second guard, the database file's
 * wal-index barrier and locks (xShmBarrier, xShmLock: what SQLite calls
 * to publish a commit or to let another connection in) write every
 * open WAL's gathered bytes first; a failure there (which returns
 * nothing) is given to the WAL's next call.
 * Pages SQLite spills to the WAL in the middle of a large transaction
 * wait with the commit's, up to WALVFS_MAX bytes.
 *
 * Everything else goes to the default VFS unchanged, and the WAL's
 * bytes are the same, so a crash leaves what SQLite alone would have
 * left at some point of the same commit (SQLite's recovery checks each
 * frame's checksum and keeps whole transactions only).
 * natter uses SQLite from one thread (history.c's sqlite_setup), so the
 * list of open WAL files needs no lock.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/walvfs.h"
#include "util/xmem.h"

#define WALVFS_NAME "natter-wal"
/* The unix VFS writes at most 128 KiB - 1 bytes in one call (it masks
 * the length with 0x1ffff: its writes are pages), so gathered bytes go
 * in pieces of at most this; a flood's commit (a dozen pages) is one. */
#define WALVFS_PIECE (120 * 1024)
/* gathered bytes are written at once past this (a long transaction's
 * spilled pages, an index segment): the buffer stays under 256 KiB */
#define WALVFS_MAX WALVFS_PIECE
/* SQLite's WAL frame header: 24 bytes, the commit size at 4..7 */
#define WAL_FRAME_HDR 24

struct wfile {
	sqlite3_file base;    /* pMethods: wal_methods or db_methods */
	sqlite3_file *real;   /* the default VFS's file, after this struct */
	struct wfile *next;   /* open WAL files (wals) */
	unsigned char *buf;   /* gathered writes of a WAL file */
	size_t len, cap;
	sqlite3_int64 at;     /* the file offset of buf[0] */
	sqlite3_int64 top;    /* the end of the frames since the WAL's
			       * header: writes below it overwrite */
	bool commit_page;     /* the next write is a commit frame's page */
	int err;              /* a failure the shm calls could not return */
};

/* struct wfile rounded up so that the real file after it is aligned */
#define WFILE_SIZE ((sizeof(struct wfile) + 15) & ~(size_t)15)

static sqlite3_vfs *base_vfs; /* the default VFS this one wraps */
static struct wfile *wals;

static int wal_flush(struct wfile *f)
{
	size_t done = 0;
	int r = SQLITE_OK;

	while (done < f->len && r == SQLITE_OK) {
		size_t n = f->len - done;

		if (n > WALVFS_PIECE)
			n = WALVFS_PIECE;
		r = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
					      f->at + (sqlite3_int64)done);
		done += n;
	}
	/* on failure the bytes are dropped: SQLite treats the error as its
	 * write's and rolls the transaction back, or writes them again */
	f->len = 0;
	f->commit_page = false;
	return r;
}

/* Writes what is gathered and returns a failure kept for this call. */
static int wal_settle(struct wfile *f)
{
	int r = f->err;

	f->err = SQLITE_OK;
	if (r != SQLITE_OK) {
		f->len = 0;
		return r;
	}
	return wal_flush(f);
}

/* Writes every open WAL's gathered bytes (see the top of the file). */
static void wals_flush(void)
{
	struct wfile *f;

	for (f = wals; f; f = f->next)
		if (f->len > 0 && f->err == SQLITE_OK)
			f->err = wal_flush(f);
}

void walvfs_trim(void)
{
	struct wfile *f;

	for (f = wals; f; f = f->next)
		if (f->len == 0) {
			free(f->buf);
			f->buf = NULL;
			f->cap = 0;
		}
}

/* ---- WAL files ---- */

static bool commit_header(const void *p, int n)
{
	const unsigned char *b = p;

	return n == WAL_FRAME_HDR && (b[4] | b[5] | b[6] | b[7]) != 0;
}

static int wal_write(sqlite3_file *file, const void *p, int n,
		     sqlite3_int64 off)
{
	struct wfile *f = (struct wfile *)file;
	bool ends = f->commit_page && n != WAL_FRAME_HDR;
	int r;

	if (f->err != SQLITE_OK ||
	    (f->len > 0 && off != f->at + (sqlite3_int64)f->len)) {
		r = wal_settle(f);
		if (r != SQLITE_OK)
			return r;
	}
	if (off == 0) /* the WAL's header: a new WAL, or one restarted */
		f->top = 0;
	if (off < f->top) /* an overwrite: SQLite sees its result */
		return f->real->pMethods->xWrite(f->real, p, n, off);
	if (f->len + (size_t)n > f->cap) {
		size_t cap = f->cap ? f->cap : 64 * 1024;

		while (cap < f->len + (size_t)n)
			cap *= 2;
		f->buf = xrealloc(f->buf, cap);
		f->cap = cap;
	}
	if (f->len == 0)
		f->at = off;
	memcpy(f->buf + f->len, p, (size_t)n);
	f->len += (size_t)n;
	f->top = off + n;
	f->commit_page = commit_header(p, n);
	if (ends || f->len >= WALVFS_MAX)
		return wal_flush(f);
	return SQLITE_OK;
}

static int wal_close(sqlite3_file *file)
{
	struct wfile *f = (struct wfile *)file, **pp;
	int r = wal_settle(f), r2;

	for (pp = &wals; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	free(f->buf);
	f->buf = NULL;
	f->len = f->cap = 0;
	r2 = f->real->pMethods->xClose(f->real);
	return r != SQLITE_OK ? r : r2;
}

static int wal_read(sqlite3_file *file, void *p, int n, sqlite3_int64 off)
{
	struct wfile *f = (struct wfile *)file;
	int r = wal_settle(f);

	return r != SQLITE_OK ? r :
		f->real->pMethods->xRead(f->real, p, n, off);
}

static int wal_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct wfile *f = (struct wfile *)file;
	int r = wal_settle(f);

	return r != SQLITE_OK ? r : f->real->pMethods->xTruncate(f->real, size);
}

static int wal_sync(sqlite3_file *file, int flags)
{
	struct wfile *f = (struct wfile *)file;
	int r = wal_settle(f);

	return r != SQLITE_OK ? r : f->real->pMethods->xSync(f->real, flags);
}

static int wal_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct wfile *f = (struct wfile *)file;
	int r = wal_settle(f);

	return r != SQLITE_OK ? r :
		f->real->pMethods->xFileSize(f->real, size);
}

static int wal_control(sqlite3_file *file, int op, void *arg)
{
	struct wfile *f = (struct wfile *)file;
	int r = wal_settle(f);

	return r != SQLITE_OK ? r :
		f->real->pMethods->xFileControl(f->real, op, arg);
}

/* ---- what both kinds forward as they are ---- */

#define REAL(file) (((struct wfile *)(file))->real)

static int db_close(sqlite3_file *file)
{
	return REAL(file)->pMethods->xClose(REAL(file));
}

static int db_read(sqlite3_file *file, void *p, int n, sqlite3_int64 off)
{
	return REAL(file)->pMethods->xRead(REAL(file), p, n, off);
}

static int db_write(sqlite3_file *file, const void *p, int n,
		    sqlite3_int64 off)
{
	return REAL(file)->pMethods->xWrite(REAL(file), p, n, off);
}

static int db_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	return REAL(file)->pMethods->xTruncate(REAL(file), size);
}

static int db_sync(sqlite3_file *file, int flags)
{
	return REAL(file)->pMethods->xSync(REAL(file), flags);
}

static int db_size(sqlite3_file *file, sqlite3_int64 *size)
{
	return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int db_control(sqlite3_file *file, int op, void *arg)
{
	return REAL(file)->pMethods->xFileControl(REAL(file), op, arg);
}

static int any_lock(sqlite3_file *file, int lock)
{
	return REAL(file)->pMethods->xLock(REAL(file), lock);
}

static int any_unlock(sqlite3_file *file, int lock)
{
	return REAL(file)->pMethods->xUnlock(REAL(file), lock);
}

static int any_reserved(sqlite3_file *file, int *out)
{
	return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out);
}

static int any_sector(sqlite3_file *file)
{
	return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int any_device(sqlite3_file *file)
{
	return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}

/* The methods of version 2 and 3, which the VFS offers only when the
 * default one has them (see vfs_open). */
static int any_shm_map(sqlite3_file *file, int pg, int sz, int extend,
		       void volatile **p)
{
	return REAL(file)->pMethods->xShmMap(REAL(file), pg, sz, extend, p);
}

static int any_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	wals_flush();
	return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags);
}

static void any_shm_barrier(sqlite3_file *file)
{
	wals_flush();
	REAL(file)->pMethods->xShmBarrier(REAL(file));
}

static int any_shm_unmap(sqlite3_file *file, int del)
{
	return REAL(file)->pMethods->xShmUnmap(REAL(file), del);
}

static int any_fetch(sqlite3_file *file, sqlite3_int64 off, int n, void **p)
{
	return REAL(file)->pMethods->xFetch(REAL(file), off, n, p);
}

static int any_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	return REAL(file)->pMethods->xUnfetch(REAL(file), off, p);
}

#define SHM_AND_FETCH \
	.xShmMap = any_shm_map, .xShmLock = any_shm_lock, \
	.xShmBarrier = any_shm_barrier, .xShmUnmap = any_shm_unmap, \
	.xFetch = any_fetch, .xUnfetch = any_unfetch

/* [v]: the version the default VFS's file offers, 1 to 3 */
static const sqlite3_io_methods wal_methods[3] = {
#define WAL_METHODS(v) \
	{ .iVersion = v, .xClose = wal_close, .xRead = wal_read, \
	  .xWrite = wal_write, .xTruncate = wal_truncate, .xSync = wal_sync, \
	  .xFileSize = wal_size, .xLock = any_lock, .xUnlock = any_unlock, \
	  .xCheckReservedLock = any_reserved, .xFileControl = wal_control, \
	  .xSectorSize = any_sector, .xDeviceCharacteristics = any_device, \
	  SHM_AND_FETCH }
	WAL_METHODS(1), WAL_METHODS(2), WAL_METHODS(3),
};

static const sqlite3_io_methods db_methods[3] = {
#define DB_METHODS(v) \
	{ .iVersion = v, .xClose = db_close, .xRead = db_read, \
	  .xWrite = db_write, .xTruncate = db_truncate, .xSync = db_sync, \
	  .xFileSize = db_size, .xLock = any_lock, .xUnlock = any_unlock, \
	  .xCheckReservedLock = any_reserved, .xFileControl = db_control, \
	  .xSectorSize = any_sector, .xDeviceCharacteristics = any_device, \
	  SHM_AND_FETCH }
	DB_METHODS(1), DB_METHODS(2), DB_METHODS(3),
};

/* ---- the VFS: opening is ours, the rest the default's ---- */

static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file,
		    int flags, int *out_flags)
{
	struct wfile *f = (struct wfile *)file;
	int r, v;

	(void)vfs;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)((char *)f + WFILE_SIZE);
	r = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
	if (r != SQLITE_OK || !f->real->pMethods) {
		/* SQLite closes a file whose xOpen failed only through the
		 * methods it was given: the default's, then */
		f->base.pMethods = NULL;
		if (f->real->pMethods)
			f->real->pMethods->xClose(f->real);
		return r != SQLITE_OK ? r : SQLITE_CANTOPEN;
	}
	v = f->real->pMethods->iVersion;
	v = v < 1 ? 1 : v > 3 ? 3 : v;
	if (flags & SQLITE_OPEN_WAL) {
		/* what the file holds is frames until a header at 0 says
		 * otherwise; a size that cannot be read counts none */
		if (f->real->pMethods->xFileSize(f->real, &f->top) != SQLITE_OK)
			f->top = 0;
		f->base.pMethods = &wal_methods[v - 1];
		f->next = wals;
		wals = f;
	} else {
		f->base.pMethods = &db_methods[v - 1];
	}
	return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return base_vfs->xDelete(base_vfs, name, sync);
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags,
		      int *out)
{
	(void)vfs;
	return base_vfs->xAccess(base_vfs, name, flags, out);
}

static int vfs_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return base_vfs->xFullPathname(base_vfs, name, n, out);
}

static void *vfs_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return base_vfs->xDlOpen(base_vfs, name);
}

static void vfs_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	base_vfs->xDlError(base_vfs, n, msg);
}

static void (*vfs_dlsym(sqlite3_vfs *vfs, void *lib, const char *sym))(void)
{
	(void)vfs;
	return base_vfs->xDlSym(base_vfs, lib, sym);
}

static void vfs_dlclose(sqlite3_vfs *vfs, void *lib)
{
	(void)vfs;
	base_vfs->xDlClose(base_vfs, lib);
}

static int vfs_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return base_vfs->xRandomness(base_vfs, n, out);
}

static int vfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return base_vfs->xSleep(base_vfs, us);
}

static int vfs_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return base_vfs->xCurrentTime(base_vfs, out);
}

static int vfs_lasterror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return base_vfs->xGetLastError ?
		       base_vfs->xGetLastError(base_vfs, n, out) : 0;
}

static int vfs_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

/* Version 3's system call overrides (SQLite's own tests use them) are
 * not offered: iVersion is at most 2. */
static sqlite3_vfs walvfs = {
	.zName = WALVFS_NAME,
	.xOpen = vfs_open,
	.xDelete = vfs_delete,
	.xAccess = vfs_access,
	.xFullPathname = vfs_fullpath,
	.xDlOpen = vfs_dlopen,
	.xDlError = vfs_dlerror,
	.xDlSym = vfs_dlsym,
	.xDlClose = vfs_dlclose,
	.xRandomness = vfs_random,
	.xSleep = vfs_sleep,
	.xCurrentTime = vfs_time,
	.xGetLastError = vfs_lasterror,
	.xCurrentTimeInt64 = vfs_time64,
};

const char *walvfs_name(void)
{
	static bool tried;

	if (!tried) {
		tried = true;
		base_vfs = sqlite3_vfs_find(NULL);
		if (!base_vfs)
			return NULL;
		walvfs.iVersion = base_vfs->iVersion < 2 ? 1 : 2;
		walvfs.szOsFile = (int)WFILE_SIZE + base_vfs->szOsFile;
		walvfs.mxPathname = base_vfs->mxPathname;
		if (sqlite3_vfs_register(&walvfs, 0) != SQLITE_OK)
			base_vfs = NULL;
	}
	return base_vfs ? WALVFS_NAME : NULL;
}
