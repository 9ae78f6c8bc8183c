/* inject.c - an LD_PRELOAD fault injector: kill, ENOSPC or EIO at call N */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/*
 * The shell tests of family 6 preload this library into "evidence" to
 * play a crash or a full disk at a chosen moment, the way SQLite's
 * writecrash.test and notmuch's T380 do:
 *
 *   INJECT_FAULT=CLASS:N:ACTION    the Nth call of CLASS does ACTION;
 *                CLASS:N+:ACTION   ...and so does every call after it.
 *     CLASS   write   write, pwrite, pwrite64, writev to a regular file
 *             fsync   fsync, fdatasync, syncfs
 *             rename  rename, renameat
 *             sync    fsync and rename together: the commit points
 *             open    open, open64: a file gone between two opens (a
 *                     reader caught between the renames of a swap)
 *             link    link, linkat: the store's keys sharing a file
 *     ACTION  kill       SIGKILL before the call is made
 *             killafter  SIGKILL once the call has returned
 *             stop       SIGSTOP before the call (SIGCONT goes on): a
 *                        writer caught holding its locks
 *             ENOSPC, EIO, EDQUOT, ENOENT, EPERM, EMLINK  fail the
 *                        call with that errno (EPERM from link(): a file
 *                        system without hard links)
 *   INJECT_PATH=TEXT   count only calls on paths containing TEXT
 *   INJECT_COUNT=FILE  at exit, append "CLASS COUNT" lines for each
 *                      class to FILE (how many points a sweep has)
 *
 * Writes to terminals, pipes and sockets are never counted, so standard
 * output and error keep working.  Not thread-aware: evidence writes from
 * one thread.
 */

enum klass { K_WRITE, K_FSYNC, K_RENAME, K_OPEN, K_LINK, K_COUNT };

static struct {
	int parsed;
	int classes;	 /* bit per enum klass */
	unsigned long n; /* 0: no fault */
	int from_n;	 /* "N+" */
	int kill, kill_after, stop, err;
	const char *path;
	const char *count_file;
	unsigned long seen; /* calls of the fault's classes */
	unsigned long counts[K_COUNT];
} cfg;

static void parse_config(void)
{
	const char *f = getenv("INJECT_FAULT");
	char klass[16], action[16], num[24];

	cfg.parsed = 1;
	cfg.path = getenv("INJECT_PATH");
	cfg.count_file = getenv("INJECT_COUNT");
	if (!f || sscanf(f, "%15[a-z]:%23[0-9+]:%15[A-Za-z]", klass, num,
			 action) != 3)
		return;
	if (!strcmp(klass, "write"))
		cfg.classes = 1 << K_WRITE;
	else if (!strcmp(klass, "fsync"))
		cfg.classes = 1 << K_FSYNC;
	else if (!strcmp(klass, "rename"))
		cfg.classes = 1 << K_RENAME;
	else if (!strcmp(klass, "sync"))
		cfg.classes = 1 << K_FSYNC | 1 << K_RENAME;
	else if (!strcmp(klass, "open"))
		cfg.classes = 1 << K_OPEN;
	else if (!strcmp(klass, "link"))
		cfg.classes = 1 << K_LINK;
	else
		return;
	cfg.n = strtoul(num, NULL, 10);
	cfg.from_n = strchr(num, '+') != NULL;
	if (!strcmp(action, "kill"))
		cfg.kill = 1;
	else if (!strcmp(action, "killafter"))
		cfg.kill_after = 1;
	else if (!strcmp(action, "stop"))
		cfg.stop = 1;
	else if (!strcmp(action, "ENOSPC"))
		cfg.err = ENOSPC;
	else if (!strcmp(action, "EIO"))
		cfg.err = EIO;
	else if (!strcmp(action, "EDQUOT"))
		cfg.err = EDQUOT;
	else if (!strcmp(action, "ENOENT"))
		cfg.err = ENOENT;
	else if (!strcmp(action, "EPERM"))
		cfg.err = EPERM;
	else if (!strcmp(action, "EMLINK"))
		cfg.err = EMLINK;
	else
		cfg.n = 0;
}

#define REAL(name)                                                            \
	static __typeof__(name) *real_##name;                                 \
	if (!real_##name)                                                     \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name);

/* The destructor's own write goes straight to the real call. */
static void syscall_write_ok(int fd, const char *s, int len)
{
	REAL(write);
	if (len > 0 && real_write(fd, s, (size_t)len) != len)
		return;
}

static void write_counts(void) __attribute__((destructor));
static void write_counts(void)
{
	char line[256];
	int fd, len;

	REAL(open);
	if (!cfg.count_file)
		return;
	fd = real_open(cfg.count_file,
		       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	len = snprintf(line, sizeof(line),
		       "write %lu\nfsync %lu\nrename %lu\nopen %lu\nlink %lu\n",
		       cfg.counts[K_WRITE], cfg.counts[K_FSYNC],
		       cfg.counts[K_RENAME], cfg.counts[K_OPEN],
		       cfg.counts[K_LINK]);
	syscall_write_ok(fd, line, len);
	close(fd);
}

static int fd_matches(int fd, enum klass k)
{
	char link[64], target[4096];
	struct stat st;
	ssize_t n;

	if (k == K_WRITE && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)))
		return 0;
	if (!cfg.path)
		return 1;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return strstr(target, cfg.path) != NULL;
}

/*
 * Count a call of class K (already known to match); return 0 to go on,
 * or -1 with errno set to fail it.  *AFTER is set when the process is to
 * be killed once the real call returns.
 */
static int hit(enum klass k, int *after)
{
	unsigned long n;

	*after = 0;
	cfg.counts[k]++;
	if (!cfg.n || !(cfg.classes & (1 << k)))
		return 0;
	n = ++cfg.seen;
	if (n != cfg.n && !(cfg.from_n && n > cfg.n))
		return 0;
	if (cfg.kill)
		kill(getpid(), SIGKILL);
	if (cfg.kill_after) {
		*after = 1;
		return 0;
	}
	if (cfg.stop) {
		kill(getpid(), SIGSTOP);
		return 0;
	}
	errno = cfg.err;
	return -1;
}

static int check_fd(int fd, enum klass k, int *after)
{
	if (!cfg.parsed)
		parse_config();
	*after = 0;
	if (!fd_matches(fd, k))
		return 0;
	return hit(k, after);
}

static int check_path(const char *path, enum klass k, int *after)
{
	if (!cfg.parsed)
		parse_config();
	*after = 0;
	if (cfg.path && (!path || !strstr(path, cfg.path)))
		return 0;
	return hit(k, after);
}

static void finish(int after)
{
	if (after)
		kill(getpid(), SIGKILL);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	REAL(write);
	int after;
	ssize_t r;

	if (check_fd(fd, K_WRITE, &after))
		return -1;
	r = real_write(fd, buf, len);
	finish(after);
	return r;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	REAL(pwrite);
	int after;
	ssize_t r;

	if (check_fd(fd, K_WRITE, &after))
		return -1;
	r = real_pwrite(fd, buf, len, off);
	finish(after);
	return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	REAL(pwrite64);
	int after;
	ssize_t r;

	if (check_fd(fd, K_WRITE, &after))
		return -1;
	r = real_pwrite64(fd, buf, len, off);
	finish(after);
	return r;
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	REAL(writev);
	int after;
	ssize_t r;

	if (check_fd(fd, K_WRITE, &after))
		return -1;
	r = real_writev(fd, iov, n);
	finish(after);
	return r;
}

int fsync(int fd)
{
	REAL(fsync);
	int after, r;

	if (check_fd(fd, K_FSYNC, &after))
		return -1;
	r = real_fsync(fd);
	finish(after);
	return r;
}

int fdatasync(int fd)
{
	REAL(fdatasync);
	int after, r;

	if (check_fd(fd, K_FSYNC, &after))
		return -1;
	r = real_fdatasync(fd);
	finish(after);
	return r;
}

/* The store makes a batch durable with one syncfs(): a commit point. */
int syncfs(int fd)
{
	REAL(syncfs);
	int after, r;

	if (check_fd(fd, K_FSYNC, &after))
		return -1;
	r = real_syncfs(fd);
	finish(after);
	return r;
}

int rename(const char *from, const char *to)
{
	REAL(rename);
	int after, r;

	if (check_path(to, K_RENAME, &after))
		return -1;
	r = real_rename(from, to);
	finish(after);
	return r;
}

int renameat(int dfrom, const char *from, int dto, const char *to)
{
	REAL(renameat);
	int after, r;

	if (check_path(to, K_RENAME, &after))
		return -1;
	r = real_renameat(dfrom, from, dto, to);
	finish(after);
	return r;
}

int link(const char *from, const char *to)
{
	REAL(link);
	int after, r;

	if (check_path(to, K_LINK, &after))
		return -1;
	r = real_link(from, to);
	finish(after);
	return r;
}

int linkat(int dfrom, const char *from, int dto, const char *to, int flags)
{
	REAL(linkat);
	int after, r;

	if (check_path(to, K_LINK, &after))
		return -1;
	r = real_linkat(dfrom, from, dto, to, flags);
	finish(after);
	return r;
}

/* The mode argument is there only when the flags ask for one. */
static mode_t open_mode(int flags, va_list ap)
{
	return flags & (O_CREAT | O_TMPFILE) ? va_arg(ap, mode_t) : 0;
}

/* open() and open64() alike; REAL is the call stood in for. */
static int open_with(int (*real)(const char *, int, ...), const char *path,
		     int flags, mode_t mode)
{
	int after, r;

	if (check_path(path, K_OPEN, &after))
		return -1;
	r = real(path, flags, mode);
	finish(after);
	return r;
}

/* open() and open64() take the same arguments: one body for both. */
#define OPEN_WRAPPER(name)                                                    \
	int name(const char *path, int flags, ...)                            \
	{                                                                     \
		REAL(name);                                                   \
		va_list ap;                                                   \
		mode_t mode;                                                  \
                                                                              \
		va_start(ap, flags);                                          \
		mode = open_mode(flags, ap);                                  \
		va_end(ap);                                                   \
		return open_with(real_##name, path, flags, mode);             \
	}

OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)
