/* walvfs: an SQLite VFS that writes a commit's WAL frames in one
 * system call (see walvfs.c).
 *
 * SQLite writes each frame of its write-ahead log with two pwrite()s
 * (the frame's 24-byte header, then the page), so a commit of 13 pages
 * costs 26 system calls; during a flood natter commits before every
 * acknowledgement it sends (XEP-0198), some 180 times in 5,000 messages.
 * This VFS wraps the platform's default one and, for WAL files only,
 * gathers contiguous writes in memory and writes them at once when the
 * commit's last frame is complete, before SQLite publishes the commit
 * to readers (and before any other use of the file). The files on disk
 * are byte for byte what SQLite writes without it: other processes
 * (the sqlite3 shell, tests, the benchmark) read and write them with
 * their own default VFS meanwhile.
 */
#ifndef NATTER_CORE_WALVFS_H
#define NATTER_CORE_WALVFS_H

/* The VFS's name for sqlite3_open_v2(), registered at the first call
 * (not as the default); NULL when it cannot be (then open with
 * SQLite's default: the same files, one write per frame). */
const char *walvfs_name(void);

/* Frees the memory the open WAL files gather their writes in (up to
 * 256 KiB each) where it holds nothing now; the next commit takes it
 * again. For history_shrink(). */
void walvfs_trim(void);

#endif
