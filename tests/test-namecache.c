/* test-namecache.c - what a writer knows of the store's folders */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namecache.h"
#include "tap.h"

static char dir[256];
static char base[300];

static void rm_rf(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
}

/* A seeded generator, so that a failure repeats. */
static uint64_t rng = 88172645463325252u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* BASE/XY/<32 hex digits><EXT> for the 128 bits HI, LO, as the store
 * names its files. */
static void name_path(char *out, size_t size, uint64_t hi, uint64_t lo,
		      const char *ext)
{
	snprintf(out, size, "%s/%02x/%016llx%016llx%s", base,
		 (unsigned)(hi >> 56), (unsigned long long)hi,
		 (unsigned long long)lo, ext);
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f)
		fclose(f);
}

static void make_folder(int xy)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%02x", base, xy);
	mkdir(base, 0755);
	mkdir(path, 0755);
}

/* Names in a tree that does not exist yet: every folder is empty. */
static void test_new_tree(void)
{
	struct namecache *nc = namecache_new(base);
	char a[400], b[400];

	ok(nc != NULL, "a cache");
	name_path(a, sizeof(a), 0xab12cd3400000000u, 1, ".json");
	name_path(b, sizeof(b), 0xab12cd3500000000u, 2, ".json");
	ok(namecache_absent(nc, a), "missing folder: the name is absent");
	ok(!namecache_has_folder(nc, a), "and the folder is not there");
	namecache_add(nc, a);
	ok(!namecache_absent(nc, a), "once added, it may be there");
	ok(namecache_absent(nc, b), "another name in its folder: absent");
	namecache_made(nc, a);
	ok(namecache_has_folder(nc, b), "the folder, once made, is known");

	/* The set keeps 32 bits: a name sharing them may be there. */
	name_path(b, sizeof(b), 0xab12cd3400000000u, 99, "");
	ok(!namecache_absent(nc, b), "the same first 32 bits: may be there");

	/* What is not a name in the tree is never known absent. */
	ok(!namecache_absent(nc, "/elsewhere/ab/ab12cd34"), "other tree");
	snprintf(b, sizeof(b), "%s/AB/AB12CD36", base);
	ok(!namecache_absent(nc, b), "upper-case hex");
	snprintf(b, sizeof(b), "%s/ab/ab12cd3", base);
	ok(!namecache_absent(nc, b), "seven digits");
	snprintf(b, sizeof(b), "%s/ab/x/ab12cd36", base);
	ok(!namecache_absent(nc, b), "a deeper path");
	snprintf(b, sizeof(b), "%sx/ab/ab12cd36", base);
	ok(!namecache_absent(nc, b), "a longer base");
	snprintf(b, sizeof(b), "%s/ab", base);
	ok(!namecache_absent(nc, b), "the folder itself");
	ok(!namecache_absent(nc, base), "the base");
	ok(!namecache_absent(nc, ""), "an empty path");

	namecache_forget(nc);
	ok(!namecache_has_folder(nc, a), "forgotten: the folder");
	name_path(b, sizeof(b), 0xab12cd3500000000u, 2, ".json");
	ok(namecache_absent(nc, b), "and asked again, still missing");
	namecache_free(nc);
}

/* How many look-ups list folder XY, as namecache.h promises. */
static long lookups_to_list(int xy)
{
	char path[320];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%02x", base, xy);
	if (stat(path, &st) < 0)
		return -1;
	return st.st_size / 1024 < 2 ? 2 : (long)(st.st_size / 1024);
}

/* A folder on disk is listed after a look-up per KiB of it, at least
 * two; then it answers for what it holds. */
static void test_listing(void)
{
	struct namecache *nc;
	char there[400], missing[400], path[400];
	struct stat st;
	long left;
	int i, early = 0;

	make_folder(0x5e);
	name_path(there, sizeof(there), 0x5e11111100000000u, 7, ".json");
	touch(there);
	name_path(missing, sizeof(missing), 0x5e22222200000000u, 7,
		  ".json");
	left = lookups_to_list(0x5e);
	nc = namecache_new(base);
	ok(!namecache_absent(nc, missing), "first look-up: the disk's");
	ok(namecache_has_folder(nc, missing), "the folder exists (stat)");
	for (i = 2; i < left; i++)
		early += namecache_absent(nc, missing);
	is_int(early, 0, "and the next %ld", left - 2);
	ok(namecache_absent(nc, missing), "look-up %ld: listed, absent", left);
	ok(!namecache_absent(nc, there), "a listed name may be there");
	namecache_free(nc);

	/* A folder of 3,000 names: about 100 KiB, as many look-ups. */
	make_folder(0x77);
	for (i = 0; i < 3000; i++) {
		name_path(path, sizeof(path), 0x7700000000000000u | next() >> 8,
			  next(), "");
		touch(path);
	}
	snprintf(path, sizeof(path), "%s/77", base);
	if (stat(path, &st) < 0)
		st.st_size = -1;
	ok(st.st_size >= 8 * 1024, "a large folder (%ld bytes)",
	   (long)st.st_size);
	left = lookups_to_list(0x77);
	nc = namecache_new(base);
	for (i = 1; i < left; i++) {
		name_path(missing, sizeof(missing),
			  0x7700000000000000u | (uint64_t)i, 0, "");
		early += namecache_absent(nc, missing);
	}
	is_int(early, 0, "the first %ld look-ups go to the disk", left - 1);
	name_path(missing, sizeof(missing), 0x7700000000000000u, 0, "");
	ok(namecache_absent(nc, missing), "look-up %ld lists it", left);
	namecache_free(nc);

	/* A folder that is a file, or cannot be read: always the disk's. */
	snprintf(path, sizeof(path), "%s/c3", base);
	touch(path);
	nc = namecache_new(base);
	name_path(missing, sizeof(missing), 0xc300000000000000u, 0, "");
	for (i = 0; i < 5; i++)
		early += namecache_absent(nc, missing);
	is_int(early, 0, "a file where a folder should be: never absent");
	ok(!namecache_has_folder(nc, missing), "nor a folder");
	if (geteuid() != 0) {
		make_folder(0xd4);
		snprintf(path, sizeof(path), "%s/d4", base);
		chmod(path, 0);
		name_path(missing, sizeof(missing), 0xd400000000000000u, 0,
			  "");
		for (i = 0; i < 5; i++)
			early += namecache_absent(nc, missing);
		is_int(early, 0, "an unreadable folder: never absent");
		chmod(path, 0755);
	} else {
		printf("ok %d # SKIP an unreadable folder: root reads "
		       "anything\n",
		       ++tap_n);
	}
	namecache_free(nc);
}

/* Compare the cache with the truth over many names: never "absent" for
 * a name on disk or added; "absent" for every name whose 32 bits no
 * listed or added name shares. */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void test_many(void)
{
	enum { ON_DISK = 2000, ADDED = 20000, ASKED = 20000 };
	static uint32_t known[ON_DISK + ADDED];
	struct namecache *nc;
	char path[400];
	uint64_t hi;
	int wrong = 0, absent = 0, shared = 0, i;
	uint64_t seed = rng;

	rm_rf(base);
	/* Names on disk in 16 folders, listed on first sight (each is a
	 * few KiB, so a handful of look-ups). */
	for (i = 0; i < ON_DISK; i++) {
		hi = (uint64_t)(i % 16) << 56 | next() >> 8;
		make_folder((int)(hi >> 56));
		name_path(path, sizeof(path), hi, next(), ".json");
		touch(path);
		known[i] = (uint32_t)(hi >> 32);
	}
	nc = namecache_new(base);
	/* Names this writer adds, over all 256 folders. */
	for (i = 0; i < ADDED; i++) {
		hi = next();
		name_path(path, sizeof(path), hi, next(), "");
		namecache_add(nc, path);
		known[ON_DISK + i] = (uint32_t)(hi >> 32);
	}
	qsort(known, ON_DISK + ADDED, sizeof(*known), cmp_u32);
	/* Make sure each folder has been asked about often enough. */
	for (i = 0; i < 256 * 64; i++) {
		hi = (uint64_t)(i % 256) << 56;
		name_path(path, sizeof(path), hi, 0, "x");
		namecache_absent(nc, path);
	}
	for (i = 0; i < ASKED; i++) {
		uint32_t bits;
		int is_absent;

		hi = next();
		bits = (uint32_t)(hi >> 32);
		name_path(path, sizeof(path), hi, next(), ".json");
		is_absent = namecache_absent(nc, path);
		if (bsearch(&bits, known, ON_DISK + ADDED, sizeof(*known),
			    cmp_u32) ||
		    (bits <= 1 &&
		     bsearch(&(uint32_t){bits ^ 1}, known, ON_DISK + ADDED,
			     sizeof(*known), cmp_u32)))
			shared++, wrong += is_absent;
		else
			absent += is_absent, wrong += !is_absent;
	}
	is_int(wrong, 0, "%d random names: absent exactly when no known name "
			 "shares their bits", ASKED);
	ok(absent + shared == ASKED && absent > ASKED - 10,
	   "almost all absent (%d; %d share bits)", absent, shared);

	/* Every name on disk and every added name: may be there. */
	rng = seed;
	for (i = 0; i < ON_DISK; i++) {
		hi = (uint64_t)(i % 16) << 56 | next() >> 8;
		name_path(path, sizeof(path), hi, next(), ".json");
		wrong += namecache_absent(nc, path);
	}
	for (i = 0; i < ADDED; i++) {
		hi = next();
		name_path(path, sizeof(path), hi, next(), "");
		wrong += namecache_absent(nc, path);
	}
	is_int(wrong, 0, "no name on disk or added is ever absent");
	namecache_free(nc);
}

/* A NULL cache (out of memory at open) knows nothing. */
static void test_null(void)
{
	char path[400];

	name_path(path, sizeof(path), 1, 2, "");
	namecache_add(NULL, path);
	namecache_made(NULL, path);
	namecache_forget(NULL);
	namecache_free(NULL);
	ok(!namecache_absent(NULL, path) && !namecache_has_folder(NULL, path),
	   "a NULL cache answers 'may be there'");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/evnames-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		tap_skip_all("cannot make a temporary directory");
	snprintf(base, sizeof(base), "%s/records", dir);

	test_new_tree();
	test_listing();
	test_many();
	test_null();
	rm_rf(dir);
	return tap_done();
}
