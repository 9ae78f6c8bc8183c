/* fsutil.c - files written atomically, read with a cap, and locked */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "text.h"

ev_status status_from_errno(int err)
{
	switch (err) {
	case 0:
		return EV_OK;
	case ENOMEM:
		return EV_NOMEM;
	case ENOENT:
	case ENOTDIR:
		return EV_NOT_FOUND;
	case EACCES:
	case EPERM:
	case EROFS:
		return EV_READONLY;
	case EFBIG:
		return EV_TOO_BIG;
	default:
		return EV_IO;
	}
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrndup(".", 1);
	if (slash == path)
		return xstrndup("/", 1);
	return xstrndup(path, (size_t)(slash - path));
}

/* Open PATH with FLAGS and call FN on it (EINVAL: it cannot be
 * synced, which is no failure). */
static ev_status sync_path(const char *path, int flags, int (*fn)(int))
{
	int fd = open(path, flags | O_CLOEXEC);
	int err;

	if (fd < 0)
		return status_from_errno(errno);
	if (fn(fd) < 0 && errno != EINVAL) {
		err = errno;
		close(fd);
		errno = err;
		return status_from_errno(err);
	}
	close(fd);
	return EV_OK;
}

void fs_stat_tag(const struct stat *st, int ctime, char *out)
{
	int n = snprintf(out, FS_STAT_TAG_MAX, "%jx-%jx-%jx.%lx",
			 (uintmax_t)st->st_ino, (uintmax_t)st->st_size,
			 (uintmax_t)st->st_mtim.tv_sec,
			 (unsigned long)st->st_mtim.tv_nsec);

	if (ctime)
		snprintf(out + n, FS_STAT_TAG_MAX - (size_t)n, "-%jx.%lx",
			 (uintmax_t)st->st_ctim.tv_sec,
			 (unsigned long)st->st_ctim.tv_nsec);
}

ev_status fs_fsync_dir(const char *dir)
{
	return sync_path(dir, O_RDONLY | O_DIRECTORY, fsync);
}

ev_status fs_fsync_parent(const char *path)
{
	char *dir = dir_of(path);
	ev_status rc;
	int err;

	if (!dir)
		return EV_NOMEM;
	rc = fs_fsync_dir(dir);
	err = errno;
	free(dir);
	errno = err;
	return rc;
}

ev_status fs_fsync_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	ev_status rc = EV_OK;
	int err = 0;

	if (!d)
		return status_from_errno(errno);
	while (!rc && (errno = 0, e = readdir(d)) != NULL) {
		char *path;
		struct stat st;

		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		path = fs_join(dir, e->d_name);
		if (!path) {
			rc = EV_NOMEM;
			break;
		}
		if (lstat(path, &st) < 0) {
			err = errno;
			rc = status_from_errno(err);
		} else if (S_ISREG(st.st_mode)) {
			rc = sync_path(path, O_RDONLY, fsync);
			err = errno;
		}
		free(path);
	}
	if (!rc && errno) {
		/* readdir() failed */
		err = errno;
		rc = status_from_errno(err);
	}
	closedir(d);
	if (!rc) {
		rc = fs_fsync_dir(dir);
		err = errno;
	}
	errno = err;
	return rc;
}

ev_status fs_sync_fs(const char *path)
{
	return sync_path(path, O_RDONLY, syncfs);
}

ev_status fs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return status_from_errno(errno);
		}
		p += n;
		len -= (size_t)n;
	}
	return EV_OK;
}

ev_status fs_write_atomic(const char *path, const void *data, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	ev_status rc = EV_OK;
	int fd = -1, err = 0;

	if (!tmp)
		return EV_NOMEM;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp-XXXXXX", 12);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		rc = status_from_errno(err);
		goto out;
	}
	rc = fs_write_all(fd, data, len);
	if (rc) {
		err = errno;
		goto out;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		err = errno;
		rc = status_from_errno(err);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		err = errno;
		rc = status_from_errno(err);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		err = errno;
		rc = status_from_errno(err);
		goto out;
	}
	rc = fs_fsync_parent(path);
	if (rc)
		err = errno;
	free(tmp);
	errno = err;
	return rc;
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	free(tmp);
	errno = err;
	return rc;
}

ev_status fs_read_fd(int fd, size_t max, struct buf *out)
{
	size_t limit = out->max;
	ev_status rc = EV_OK;

	/* The tighter of MAX (counted from here) and the buffer's own cap. */
	if (max && (!limit || out->len + max < limit))
		limit = out->len + max;
	for (;;) {
		size_t room;
		ssize_t n;

		if (limit && out->len >= limit) {
			char probe;

			/* Full: one more byte means the input is too big. */
			do
				n = read(fd, &probe, 1);
			while (n < 0 && errno == EINTR);
			rc = n > 0 ? EV_TOO_BIG : n < 0 ? status_from_errno(errno)
						       : EV_OK;
			break;
		}
		room = 65536;
		if (limit && room > limit - out->len)
			room = limit - out->len;
		rc = buf_grow(out, room);
		if (rc)
			break;
		n = read(fd, out->ptr + out->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = status_from_errno(errno);
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
	}
	return rc;
}

ev_status fs_read_file(const char *path, size_t max, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ev_status rc;
	int err;

	if (fd < 0)
		return status_from_errno(errno);
	rc = fs_read_fd(fd, max, out);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

char *fs_file_url(const char *path)
{
	/* What a URL's path keeps as it is, besides letters and digits. */
	static const char path_bytes[] = "-._~/!$&'()*+,;=:@";
	struct buf b = BUF_INIT;
	char *abs = realpath(path, NULL);
	const char *name = abs ? abs : path;
	ev_status rc = buf_addstr(&b, "file://");

	if (!rc && *name != '/')
		rc = buf_addch(&b, '/');
	if (!rc)
		rc = url_percent_encode(&b, name, path_bytes);
	free(abs);
	if (rc) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

char *fs_file_url_path(const char *url)
{
	const char *p;
	struct buf b = BUF_INIT;

	if (!str_istarts_with(url, "file://"))
		return NULL;
	p = url + 7;
	if (str_istarts_with(p, "localhost/"))
		p += 9;
	if (*p != '/' || url_percent_decode(&b, p, "?#", 0)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

ev_status fs_mkdirs(const char *path, mode_t mode)
{
	char *p = xstrndup(path, strlen(path));
	ev_status rc = EV_OK;

	if (!p)
		return EV_NOMEM;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = status_from_errno(errno);
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	if (!rc && !fs_is_dir(path)) {
		errno = ENOTDIR;
		rc = EV_IO;
	}
	free(p);
	return rc;
}

int fs_remove_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strstr(e->d_name, ".tmp-")) {
			char *p = fs_join(dir, e->d_name);

			if (p && unlink(p) == 0)
				removed++;
			free(p);
		}
	}
	closedir(d);
	return removed;
}

ev_status fs_lock(const char *path, double wait_seconds, int *fdp)
{
	struct flock fl;
	struct timespec start, now;
	int fd, err;

	*fdp = -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EACCES || errno == EROFS || errno == EPERM
			   ? EV_READONLY
			   : status_from_errno(errno);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_OFD_SETLK, &fl) == 0) {
			*fdp = fd;
			return EV_OK;
		}
		err = errno;
		if (err != EAGAIN && err != EACCES && err != EINTR) {
			close(fd);
			errno = err;
			return status_from_errno(err);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((double)(now.tv_sec - start.tv_sec) +
			(double)(now.tv_nsec - start.tv_nsec) / 1e9 >=
		    wait_seconds) {
			close(fd);
			errno = EAGAIN;
			return EV_LOCKED;
		}
		{
			struct timespec ts = {0, 50 * 1000 * 1000};

			nanosleep(&ts, NULL);
		}
	}
}

void fs_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int fs_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *fs_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p;

	if (b[0] == '/')
		return xstrndup(b, lb);
	p = malloc(la + lb + 2);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	if (la && a[la - 1] != '/')
		p[la++] = '/';
	memcpy(p + la, b, lb + 1);
	return p;
}
