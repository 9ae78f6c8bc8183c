/* targets.h - the fuzz targets, shared by libFuzzer and the replay test */
#ifndef EVIDENCE_FUZZ_TARGETS_H
#define EVIDENCE_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/*
 * A fuzz target takes any bytes and must neither crash, leak nor hang on
 * them.  fuzz/libfuzzer.c runs one under libFuzzer (make fuzz);
 * fuzz/replay.c runs every one over the seed corpora and the saved
 * crashes in make check.
 *
 * The parser targets ("parse-text", "parse-pubmed"...) come from the
 * format table (corpus/parse.h), one per format: a new parser is fuzzed
 * as soon as it has a row there.  Other inputs are rows of
 * fuzz_targets[] in targets.c.
 */
struct fuzz_target {
	char name[32];
	int (*run)(const struct fuzz_target *t, const uint8_t *data,
		   size_t len);
	int format; /* enum format, for the parser targets */
};

/* Fill *T with the target called NAME; 0 when there is one. */
int fuzz_target_find(const char *name, struct fuzz_target *t);

/* Call FN with every target's name. */
void fuzz_target_names(void (*fn)(const char *name, void *ctx), void *ctx);

/* Free what the targets set up once (the query target's index). */
void fuzz_targets_cleanup(void);

#endif
