/* lock-holder.c - hold a collection's lock until standard input closes */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "fsutil.h"

/*
 * Tests use it to play "another writer": it takes the lock the way
 * evidence does, says "locked" on standard output, and lets go when its
 * standard input reaches end of file (or when it is killed).
 */
int main(int argc, char **argv)
{
	char c;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: lock-holder LOCKFILE\n");
		return 2;
	}
	if (fs_lock(argv[1], 5, &fd) != EV_OK) {
		perror(argv[1]);
		return 1;
	}
	printf("locked\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	fs_unlock(fd);
	return 0;
}
