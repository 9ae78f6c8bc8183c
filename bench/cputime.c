/* cputime.c - run a command; append its wall and CPU milliseconds to a file */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"

/*
 * usage: cputime OUT COMMAND [ARG...]
 *
 * Runs COMMAND with this process's standard streams and appends one line
 * to OUT: "WALL CPU", milliseconds, where CPU is the user and system time
 * of COMMAND and what it waited for (wait4's rusage, microsecond
 * resolution).  On a shared machine the CPU figure moves much less than
 * the wall figure, which also counts the time other work had the cores.
 * Exits with COMMAND's status (128 + the signal if one killed it), or 127
 * when it cannot be run.
 */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double tv_ms(struct timeval tv)
{
	return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fputs("usage: cputime OUT COMMAND [ARG...]\n", stderr);
		return 2;
	}
	t0 = now_ms();
	pid = spawn("cputime", argv + 2);
	if (pid < 0)
		return 127;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("cputime: wait4");
			return 127;
		}
	t1 = now_ms();
	out = fopen(argv[1], "a");
	if (!out || fprintf(out, "%.3f %.3f\n", t1 - t0,
			    tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime)) < 0 ||
	    fclose(out) != 0) {
		fprintf(stderr, "cputime: %s: %s\n", argv[1], strerror(errno));
		return 127;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
