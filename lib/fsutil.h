/* fsutil.h - files written atomically, read with a cap, and locked */
#ifndef EVIDENCE_FSUTIL_H
#define EVIDENCE_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "status.h"

/*
 * These functions return a status and leave errno set as the failing
 * system call left it, so the caller can add strerror(errno) to its
 * message.
 */

/* The status for an errno value: ENOSPC and EIO are EV_IO, EACCES, EPERM
 * and EROFS are EV_READONLY, ENOENT is EV_NOT_FOUND, ENOMEM is EV_NOMEM. */
ev_status status_from_errno(int err);

/*
 * Write LEN bytes of DATA to PATH so that PATH holds either its old
 * content or all of the new, whatever happens: a temporary file in the
 * same directory ("PATH.tmp-XXXXXX"), fsync, rename over PATH, fsync the
 * directory.  The temporary file is removed on failure.
 */
ev_status fs_write_atomic(const char *path, const void *data, size_t len);

/* Write all LEN bytes of DATA to FD (retrying short writes and
 * EINTR). */
ev_status fs_write_all(int fd, const void *data, size_t len);

/* Read all of PATH into OUT (appending), failing with EV_TOO_BIG past
 * MAX bytes (0: OUT's own cap). */
ev_status fs_read_file(const char *path, size_t max, struct buf *out);

/* Read all of the open descriptor FD, likewise. */
ev_status fs_read_fd(int fd, size_t max, struct buf *out);

/*
 * "file:///abs/path" for the local file PATH: its absolute name with
 * every link resolved (realpath(3); PATH as given when that fails, with
 * a "/" put first if it is relative), percent-encoded as a URL's path
 * ("a b#1.txt" -> "a%20b%231.txt").  Malloc'd; NULL when out of memory.
 */
char *fs_file_url(const char *path);

/*
 * The other way: the path of a local file URL, "file:///a%20b" or
 * "file://localhost/a%20b" -> "/a b", up to any query or fragment.
 * Malloc'd; NULL when URL is not a local file URL, escapes a NUL
 * ("%00"), or memory runs out.
 */
char *fs_file_url_path(const char *url);

/* mkdir -p with MODE for every missing component. */
ev_status fs_mkdirs(const char *path, mode_t mode);

/*
 * A tag of the file ST describes, in hex: its inode, size and
 * modification time, and with CTIME its change time too, which no
 * utime() can set back.  A write to the file changes it; a new file
 * renamed over the old one always does (a new inode).  OUT holds
 * FS_STAT_TAG_MAX bytes.
 */
#define FS_STAT_TAG_MAX 96
struct stat;
void fs_stat_tag(const struct stat *st, int ctime, char *out);

/* fsync the directory DIR, so a rename or create in it is durable. */
ev_status fs_fsync_dir(const char *dir);

/* fsync the directory that holds PATH, so a rename to PATH is durable. */
ev_status fs_fsync_parent(const char *path);

/*
 * fsync each regular file in the directory DIR (not recursive), then DIR:
 * for files written without syncing, such as a database built aside,
 * before a rename puts them where others read them.
 */
ev_status fs_fsync_files(const char *dir);

/*
 * Make everything written to the file system that holds PATH durable,
 * data and names alike (syncfs(2)): one journal commit and one cache
 * flush for any number of files, where an fsync of each file and
 * directory costs one each.  Its failure (EIO) covers a write-back
 * failure on that file system since PATH was opened here, which
 * Linux reports from 5.8 on.
 */
ev_status fs_sync_fs(const char *path);

/* Remove the "*.tmp-*" files a killed writer left in DIR (not
 * recursive).  Returns how many were removed. */
int fs_remove_temps(const char *dir);

/*
 * Take an exclusive lock on the file PATH (created if missing), waiting up
 * to WAIT_SECONDS for another holder to let go (0: do not wait).  On
 * success *FDP holds the lock until fs_unlock().  EV_LOCKED when still
 * held by another process, EV_READONLY when the file cannot be created or
 * opened for writing.  The lock is an open file description lock, so a
 * killed holder releases it at once.
 */
ev_status fs_lock(const char *path, double wait_seconds, int *fdp);
void fs_unlock(int fd);

/* 1 when PATH exists (any type). */
int fs_exists(const char *path);

/* 1 when PATH is a directory. */
int fs_is_dir(const char *path);

/* A malloc'd "A/B" (B may start with "/", which is then kept as is). */
char *fs_join(const char *a, const char *b);

#endif
