/* sha256.h - SHA-256 (FIPS 180-4), for content hashes and ids */
#ifndef EVIDENCE_SHA256_H
#define EVIDENCE_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * Our own, so that evidence does not load libcrypto (a few milliseconds
 * at every start, for a search that takes a few more) only for this.
 * A harvest hashes every input and every record, a quarter of its
 * instructions in plain C, so the CPU's SHA instructions are used where
 * there are some (x86-64 SHA-NI).  tests/test-sha256.c checks both ways
 * against the FIPS 180 examples, sha256sum and each other.
 */
#define SHA256_DIGEST_SIZE 32

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;		 /* hashed so far */
	unsigned char block[64]; /* the part of a block not hashed yet */
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest of everything given to sha256_update(); S must be
 * initialised again before another use. */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST_SIZE]);

/* Whether the CPU's SHA instructions do the work: 1 on an x86-64 that has
 * them, unless sha256_set_portable(1) said not to (for tests, before any
 * hashing starts; the setting is not for threads to change). */
int sha256_accelerated(void);
void sha256_set_portable(int on);

#endif
