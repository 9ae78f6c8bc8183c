/* sha256.h - SHA-256 (FIPS 180-4), for content hashes and ids */
#ifndef EVIDENCE_SHA256_H
#define EVIDENCE_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * Our own, so that evidence does not load libcrypto (a few milliseconds
 * at every start, for a search that takes a few more) only for this.
 * Hashes are of records and payloads of kilobytes, where a plain C
 * implementation is as good as any.  tests/test-sha256.c checks it
 * against the FIPS 180 examples and sha256sum.
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

#endif
