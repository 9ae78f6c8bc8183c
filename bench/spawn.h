/* spawn.h - the bench tools' way of starting the command they measure */
#ifndef EVIDENCE_BENCH_SPAWN_H
#define EVIDENCE_BENCH_SPAWN_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * Start ARGV[0] with ARGV, sharing this process's standard streams.
 * The child's PID, or -1 (said on stderr, after TOOL) when there is no
 * child; a command that cannot be run exits 127, as the shell's do.
 */
static pid_t spawn(const char *tool, char **argv)
{
	pid_t pid = fork();

	if (pid < 0)
		fprintf(stderr, "%s: fork: %s\n", tool, strerror(errno));
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s: %s\n", tool, argv[0],
			strerror(errno));
		_exit(127);
	}
	return pid;
}

#endif
