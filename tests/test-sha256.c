/* test-sha256.c - SHA-256: the FIPS 180 examples, block edges, streaming */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include "sha256.h"
#include "tap.h"
#include "text.h"

/*
 * Expected digests: the first four are the examples of FIPS 180-2
 * (appendix B) and NIST's "abc...u" two-block message; the others were
 * computed with coreutils' sha256sum, e.g.
 *   head -c 55 /dev/zero | tr '\0' a | sha256sum
 */
static const char a55[] = "9f4390f8d30c2dd92ec9f095b65e2b9a"
			  "e9b0a925a5258e241c9f1e910f734318";

/* LEN bytes of 'a' into a malloc'd buffer. */
static char *as(size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		abort();
	memset(p, 'a', len);
	p[len] = '\0';
	return p;
}

static void test_vectors(void)
{
	static const struct {
		const char *in; /* NULL: N_A bytes of 'a' */
		size_t n_a;
		const char *want;
	} cases[] = {
		{"abc", 0,
		 "ba7816bf8f01cfea414140de5dae2223"
		 "b00361a396177a9cb410ff61f20015ad"},
		{"", 0,
		 "e3b0c44298fc1c149afbf4c8996fb924"
		 "27ae41e4649b934ca495991b7852b855"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0,
		 "248d6a61d20638b8e5c026930c3e6039"
		 "a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklm"
		 "ghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
		 "mnopqrstnopqrstu",
		 0,
		 "cf5b16a778af8380036ce59e7b049237"
		 "0b249b11e8f07a51afac45037afee9d1"},
		/* 55 bytes: the padding and length just fit in the block */
		{NULL, 55, a55},
		/* 56: the length no longer fits, a second block is needed */
		{NULL, 56,
		 "b35439a4ac6f0948b6d6f9e3c6af0f5f"
		 "590ce20f1bde7090ef7970686ec6738a"},
		{NULL, 63,
		 "7d3e74a05d7db15bce4ad9ec0658ea98"
		 "e3f06eeecf16b4c6fff2da457ddc2f34"},
		/* one whole block, padding alone in the next */
		{NULL, 64,
		 "ffe054fe7ae0cb6dc65c3af9b61d5209"
		 "f439851db43d0ba5997337df154668eb"},
		{NULL, 65,
		 "635361c48bb9eab14198e76ea8ab7f1a"
		 "41685d6ad62aa9146d301d4f17eb0ae0"},
		{NULL, 119,
		 "31eba51c313a5c08226adf18d4a359cf"
		 "dfd8d2e816b13f4af952f7ea6584dcfb"},
		{NULL, 120,
		 "2f3d335432c70b580af0e8e1b3674a7c"
		 "020d683aa5f73aaaedfdc55af904c21c"},
		{NULL, 128,
		 "6836cf13bac400e9105071cd6af47084"
		 "dfacad4e5e302c94bfed24e013afb73e"},
		/* FIPS 180-2 B.3: a million 'a' (a length past 2^20 bits) */
		{NULL, 1000000,
		 "cdc76e5c9914fb9281a1c7e284d73e67"
		 "f1809a48a497200e046d39ccc7112cd0"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *owned = cases[i].in ? NULL : as(cases[i].n_a);
		const char *in = cases[i].in ? cases[i].in : owned;
		char hex[65];

		text_sha256_hex(in, strlen(in), hex);
		is_str(hex, cases[i].want, "sha256 of %zu bytes (case %zu)",
		       strlen(in), i);
		free(owned);
	}
}

/* Fed in pieces of every size from 1 to 70 (so each block edge falls in
 * the middle of a piece somewhere), the digest is the same. */
static void test_pieces(void)
{
	const char *want = "cdc76e5c9914fb9281a1c7e284d73e67"
			   "f1809a48a497200e046d39ccc7112cd0";
	char *million = as(1000000);
	int bad = 0;

	for (size_t piece = 1; piece <= 70; piece++) {
		unsigned char md[SHA256_DIGEST_SIZE];
		char hex[65];
		struct sha256 s;

		sha256_init(&s);
		for (size_t off = 0; off < 1000000; off += piece)
			sha256_update(&s, million + off,
				      1000000 - off < piece ? 1000000 - off
							    : piece);
		sha256_final(&s, md);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		if (strcmp(hex, want) != 0) {
			printf("# pieces of %zu: %s\n", piece, hex);
			bad++;
		}
	}
	ok(bad == 0, "a million 'a' in pieces of 1 to 70 bytes");
	free(million);

	/* Pieces of 0 bytes change nothing. */
	{
		unsigned char md[SHA256_DIGEST_SIZE];
		char hex[65];
		struct sha256 s;

		sha256_init(&s);
		sha256_update(&s, "ab", 2);
		sha256_update(&s, "", 0);
		sha256_update(&s, "c", 1);
		sha256_final(&s, md);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		is_str(hex,
		       "ba7816bf8f01cfea414140de5dae2223"
		       "b00361a396177a9cb410ff61f20015ad",
		       "\"ab\", \"\" and \"c\" hash as \"abc\"");
	}
}

/* text_sha256_fd reads in 64 KiB chunks: a file of three chunks and a
 * bit, from an offset, as sha256sum gives for the same bytes:
 *   python3 -c 'import sys; sys.stdout.buffer.write(
 *       bytes((i*7+3)%256 for i in range(200003)))' | sha256sum */
static void test_fd(void)
{
	const char *tmp = getenv("TMPDIR");
	char tpl[4096];
	unsigned char *data = malloc(200003 + 10);
	char hex[65];
	int fd;

	if (!data)
		abort();
	snprintf(tpl, sizeof(tpl), "%s/test-sha256-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(tpl);
	if (fd < 0) {
		ok(0, "a temporary file");
		free(data);
		return;
	}
	unlink(tpl);
	/* Ten bytes that the offset skips, then the data. */
	memset(data, 'x', 10);
	for (size_t i = 0; i < 200003; i++)
		data[10 + i] = (unsigned char)((i * 7 + 3) % 256);
	ok(write(fd, data, 200013) == 200013, "the file is written");
	ok(lseek(fd, 10, SEEK_SET) == 10, "and read from byte 10");
	is_int(text_sha256_fd(fd, hex), EV_OK, "text_sha256_fd succeeds");
	is_str(hex,
	       "aaa1137a572394ab285096ae86aa5e48"
	       "fac554adfe277fe868729e38f469329d",
	       "text_sha256_fd over 200,003 bytes");
	text_sha256_hex(data + 10, 200003, hex);
	is_str(hex,
	       "aaa1137a572394ab285096ae86aa5e48"
	       "fac554adfe277fe868729e38f469329d",
	       "text_sha256_hex over the same bytes");
	close(fd);
	/* A read that fails is EV_IO, with the digest empty. */
	is_int(text_sha256_fd(fd, hex), EV_IO, "a closed descriptor is EV_IO");
	is_str(hex, "", "and leaves no digest");
	free(data);
}

/* The CPU's SHA instructions and the plain C give the same digests for
 * every length from 0 to 1,100 bytes of varied data, whole and in
 * pieces that cross the block edges. */
static void test_both_ways(void)
{
	unsigned char data[1100];
	int bad = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)((i * 131 + 17) ^ (i >> 3));
	for (size_t len = 0; len <= sizeof(data); len++) {
		char hex[2][65];

		for (int way = 0; way < 2; way++) {
			unsigned char md[SHA256_DIGEST_SIZE];
			struct sha256 s;

			sha256_set_portable(way);
			sha256_init(&s);
			sha256_update(&s, data, len / 3);
			sha256_update(&s, data + len / 3, len - len / 3);
			sha256_final(&s, md);
			for (int i = 0; i < 32; i++)
				snprintf(hex[way] + 2 * i, 3, "%02x", md[i]);
		}
		if (strcmp(hex[0], hex[1]) != 0) {
			printf("# %zu bytes: %s against %s\n", len, hex[0],
			       hex[1]);
			bad++;
		}
	}
	sha256_set_portable(0);
	ok(bad == 0, "both ways agree on 0 to 1,100 bytes");
}

int main(void)
{
	/* Everything twice: with the CPU's SHA instructions where it has
	 * them, then in plain C. */
	for (int way = 0; way < 2; way++) {
		sha256_set_portable(way);
		printf("# %s\n", sha256_accelerated()
					 ? "the CPU's SHA instructions"
					 : "plain C");
		test_vectors();
		test_pieces();
		test_fd();
	}
	test_both_ways();
	return tap_done();
}
