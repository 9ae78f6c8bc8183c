/* threadtime.c - run a command; where each of its threads spent its time */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"

/*
 * usage: threadtime OUT COMMAND [ARG...]
 *
 * Runs COMMAND with this process's standard streams and, while it runs,
 * a hundred times in its first second and every SAMPLE_MS from its
 * fifth on (a hundredth of the time so far in between), reads each of
 * its threads from Linux's
 * /proc/PID/task: the name (what pthread_setname_np() gave it), user
 * and system time, the time it ran and the time it waited, runnable,
 * for a core (schedstat).  When COMMAND ends OUT gets a line per thread,
 * in the order they were made:
 *
 *     NAME TID LIFE_S CPU_S USER_S SYS_S WAIT_S
 *
 * LIFE_S is from the thread's start to the last look at it; what is
 * neither CPU_S nor WAIT_S of it the thread spent blocked (on a lock, a
 * queue, the disk).  A thread is read last up to one interval before it
 * ends, so a figure can be short by that much, and a thread that lives
 * less than one may not be seen; the first thread is read once more
 * after the others have gone.  WAIT_S is -1 where the kernel
 * keeps no schedstat.  Exits with COMMAND's status (128 + the signal if
 * one killed it), or 127 when it cannot be run or OUT not written.
 */

#define SAMPLE_MS 50

struct thread {
	long tid;
	char name[64];
	double start, last; /* seconds since boot */
	double user, sys, cpu, wait;
};

static struct thread *threads;
static size_t n_threads, alloc_threads;

static double boot_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The first line of PATH into BUF (without its newline); 0 on failure. */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int got;

	if (!f)
		return 0;
	got = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (got)
		buf[strcspn(buf, "\n")] = '\0';
	return got;
}

static struct thread *thread_for(long tid)
{
	for (size_t i = 0; i < n_threads; i++)
		if (threads[i].tid == tid)
			return &threads[i];
	if (n_threads == alloc_threads) {
		size_t n = alloc_threads ? 2 * alloc_threads : 16;
		struct thread *t = realloc(threads, n * sizeof(*t));

		if (!t)
			return NULL;
		threads = t;
		alloc_threads = n;
	}
	memset(&threads[n_threads], 0, sizeof(*threads));
	threads[n_threads].tid = tid;
	threads[n_threads].wait = -1;
	return &threads[n_threads++];
}

/* Read thread TID of process PID; nothing changes when it has gone. */
static void look_at(pid_t pid, long tid, double now, double tick)
{
	char path[128], stat[1024], sched[128];
	unsigned long utime, stime;
	unsigned long long start, run_ns, wait_ns;
	struct thread *t;
	char *name, *p;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/stat", (long)pid,
		 tid);
	if (!read_line(path, stat, sizeof(stat)))
		return;
	/* "TID (NAME) STATE ...": the name (comm) may hold spaces and
	 * parentheses, so it ends at the last ')'; from field 3 (state)
	 * on, utime and stime are fields 14 and 15, starttime 22. */
	name = strchr(stat, '(');
	p = strrchr(stat, ')');
	if (!name || !p || p < name ||
	    sscanf(p + 1,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u"
		   " %lu %lu %*d %*d %*d %*d %*d %*d %llu",
		   &utime, &stime, &start) != 3)
		return;
	*p = '\0';
	name++;
	t = thread_for(tid);
	if (!t)
		return;
	/* One word, for the columns of OUT. */
	for (char *c = name; *c; c++)
		if (*c == ' ')
			*c = '_';
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->start = start / tick;
	t->last = now;
	t->user = utime / tick;
	t->sys = stime / tick;
	t->cpu = t->user + t->sys;
	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/schedstat",
		 (long)pid, tid);
	if (read_line(path, sched, sizeof(sched)) &&
	    sscanf(sched, "%llu %llu", &run_ns, &wait_ns) == 2) {
		t->cpu = run_ns / 1e9;
		t->wait = wait_ns / 1e9;
	}
}

static void look_at_all(pid_t pid, double tick)
{
	char path[64];
	struct dirent *e;
	double now = boot_seconds();
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			look_at(pid, strtol(e->d_name, NULL, 10), now, tick);
	closedir(d);
}

static int by_start(const void *a, const void *b)
{
	const struct thread *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* How long to wait before the next look, ELAPSED seconds into the run. */
static struct timespec interval(double elapsed)
{
	double ms = elapsed * 1000 / 100;
	struct timespec ts;

	if (ms < 1)
		ms = 1;
	if (ms > SAMPLE_MS)
		ms = SAMPLE_MS;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(ms * 1e6);
	return ts;
}

int main(int argc, char **argv)
{
	double began = boot_seconds();
	double tick = (double)sysconf(_SC_CLK_TCK);
	siginfo_t info;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fputs("usage: threadtime OUT COMMAND [ARG...]\n", stderr);
		return 2;
	}
	if (tick <= 0)
		tick = 100;
	pid = spawn("threadtime", argv + 2);
	if (pid < 0)
		return 127;
	/* Look until the command has ended, without reaping it: its first
	 * thread can still be read then, with its final figures. */
	for (;;) {
		struct timespec pause;

		memset(&info, 0, sizeof(info));
		if (waitid(P_PID, (id_t)pid, &info,
			   WEXITED | WNOHANG | WNOWAIT) < 0) {
			if (errno == EINTR)
				continue;
			perror("threadtime: waitid");
			return 127;
		}
		look_at_all(pid, tick);
		if (info.si_pid == pid)
			break;
		pause = interval(boot_seconds() - began);
		nanosleep(&pause, NULL);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("threadtime: waitpid");
			return 127;
		}
	qsort(threads, n_threads, sizeof(*threads), by_start);
	out = fopen(argv[1], "w");
	for (size_t i = 0; out && i < n_threads; i++) {
		const struct thread *t = &threads[i];

		fprintf(out, "%s %ld %.3f %.3f %.3f %.3f %.3f\n", t->name,
			t->tid, t->last - t->start, t->cpu, t->user, t->sys,
			t->wait);
	}
	if (!out || ferror(out) || fclose(out) != 0) {
		fprintf(stderr, "threadtime: %s: %s\n", argv[1],
			strerror(errno));
		return 127;
	}
	free(threads);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
