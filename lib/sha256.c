/* sha256.c - SHA-256 (FIPS 180-4), for content hashes and ids */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI 1
#endif

/* The first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes (FIPS 180-4, 4.2.2). */
static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* Mix one 64-byte block P into the state H (FIPS 180-4, 6.2.2). */
static void compress_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 |
		       (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
			      (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		     ((e & f) ^ (~e & g)) + k[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

#ifdef HAVE_SHA_NI
/*
 * The same with the SHA extensions of x86-64 (SHA-NI): sha256rnds2 does
 * two rounds on the state held as (a, b, e, f) and (c, d, g, h), and
 * sha256msg1 / sha256msg2 extend the message schedule four words at a
 * time.  About twenty times as fast as compress_block() on the machines
 * that have them.
 */
#define NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Four rounds, given the message words with their constants added
 * (WK), on the state in *ABEF and *CDGH. */
NI_TARGET static inline void ni_rounds(__m128i *abef, __m128i *cdgh,
				       __m128i wk)
{
	*cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
	wk = _mm_shuffle_epi32(wk, 0x0e);
	*abef = _mm_sha256rnds2_epu32(*abef, *cdgh, wk);
}

NI_TARGET static void compress_ni(uint32_t h[8], const unsigned char *p,
				  size_t nblocks)
{
	/* Each 32-bit word of a block is big-endian.  The comments list a
	 * vector's words lowest first; abef and cdgh are named as Intel
	 * names the two halves of the state. */
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
					    0x0405060700010203ULL);
	__m128i abcd = _mm_loadu_si128((const __m128i *)&h[0]);
	__m128i efgh = _mm_loadu_si128((const __m128i *)&h[4]);
	__m128i badc = _mm_shuffle_epi32(abcd, 0xb1); /* b a d c */
	__m128i hgfe = _mm_shuffle_epi32(efgh, 0x1b); /* h g f e */
	/* Lowest word first: (f, e, b, a) and (h, g, d, c). */
	__m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
	__m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xf0);

	for (; nblocks > 0; nblocks--, p += 64) {
		__m128i m[4], was_abef = abef, was_cdgh = cdgh;

		for (int i = 0; i < 4; i++)
			m[i] = _mm_shuffle_epi8(
				_mm_loadu_si128((const __m128i *)(p + 16 * i)),
				swap);
		for (int i = 0; i < 16; i++) {
			__m128i w = m[i & 3];

			if (i >= 4) {
				/* W[t-16] + s0(W[t-15]) + W[t-7], then
				 * s1(W[t-2]) added by msg2. */
				w = _mm_sha256msg1_epu32(m[i & 3],
							 m[(i + 1) & 3]);
				w = _mm_add_epi32(
					w, _mm_alignr_epi8(m[(i + 3) & 3],
							   m[(i + 2) & 3], 4));
				w = _mm_sha256msg2_epu32(w, m[(i + 3) & 3]);
				m[i & 3] = w;
			}
			w = _mm_add_epi32(
				w, _mm_loadu_si128((const __m128i *)&k[4 * i]));
			ni_rounds(&abef, &cdgh, w);
		}
		abef = _mm_add_epi32(abef, was_abef);
		cdgh = _mm_add_epi32(cdgh, was_cdgh);
	}
	{
		__m128i abef_out = _mm_shuffle_epi32(abef, 0x1b); /* a b e f */
		__m128i ghcd = _mm_shuffle_epi32(cdgh, 0xb1);	  /* g h c d */

		_mm_storeu_si128((__m128i *)&h[0],
				 _mm_blend_epi16(abef_out, ghcd, 0xf0));
		_mm_storeu_si128((__m128i *)&h[4],
				 _mm_alignr_epi8(ghcd, abef_out, 8));
	}
}
#endif

static int portable_only;
static int cpu_has_sha;

#ifdef HAVE_SHA_NI
/*
 * Asked once, the first time it matters, not at every start: CPUID is
 * slow in a VM (a search process, which hashes nothing, spent 17 us of
 * its 2.8 ms here when this ran before main()).
 */
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;

static void detect_sha(void)
{
	unsigned a, b, c, d;

	if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) &&
	    (c & bit_SSE4_1) && __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
	    (b & bit_SHA))
		cpu_has_sha = 1;
}
#endif

void sha256_set_portable(int on)
{
	portable_only = on;
}

int sha256_accelerated(void)
{
#ifdef HAVE_SHA_NI
	pthread_once(&sha_once, detect_sha);
#endif
	return cpu_has_sha && !portable_only;
}

/* Mix NBLOCKS 64-byte blocks from P into the state H. */
static void compress(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
#ifdef HAVE_SHA_NI
	if (sha256_accelerated()) {
		compress_ni(h, p, nblocks);
		return;
	}
#endif
	for (; nblocks > 0; nblocks--, p += 64)
		compress_block(h, p);
}

void sha256_init(struct sha256 *s)
{
	/* The fractional parts of the square roots of the first 8 primes. */
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->bytes = 0;
	s->fill = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->bytes += len;
	if (s->fill) {
		size_t take = 64 - s->fill < len ? 64 - s->fill : len;

		memcpy(s->block + s->fill, p, take);
		s->fill += take;
		p += take;
		len -= take;
		if (s->fill < 64)
			return;
		compress(s->h, s->block, 1);
		s->fill = 0;
	}
	if (len >= 64) {
		compress(s->h, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(s->block, p, len);
	s->fill = len;
}

void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST_SIZE])
{
	uint64_t bits = s->bytes * 8;

	/* A 1 bit, zeros up to 56 bytes into a block, the length in bits
	 * as 8 big-endian bytes. */
	s->block[s->fill++] = 0x80;
	if (s->fill > 56) {
		memset(s->block + s->fill, 0, 64 - s->fill);
		compress(s->h, s->block, 1);
		s->fill = 0;
	}
	memset(s->block + s->fill, 0, 56 - s->fill);
	for (int i = 0; i < 8; i++)
		s->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	compress(s->h, s->block, 1);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}
