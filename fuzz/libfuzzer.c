/* libfuzzer.c - libFuzzer's entry points: one target, chosen by name */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "targets.h"

/*
 * One binary holds every target; EVIDENCE_FUZZ_TARGET picks one (make
 * fuzz sets it), EVIDENCE_FUZZ_LIST=1 prints their names.
 */
static struct fuzz_target target;

static void print_name(const char *name, void *ctx)
{
	fprintf(ctx, "%s\n", name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *name = getenv("EVIDENCE_FUZZ_TARGET");

	(void)argc;
	(void)argv;
	if (getenv("EVIDENCE_FUZZ_LIST")) {
		fuzz_target_names(print_name, stdout);
		exit(0);
	}
	if (!name || fuzz_target_find(name, &target)) {
		fprintf(stderr, "set EVIDENCE_FUZZ_TARGET to one of:\n");
		fuzz_target_names(print_name, stderr);
		exit(2);
	}
	atexit(fuzz_targets_cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	target.run(&target, data, len);
	return 0;
}
