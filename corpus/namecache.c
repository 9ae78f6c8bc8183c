/* namecache.c - what a writer knows of the names in the store's folders */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "namecache.h"

/* How much of a name the set keeps, in hex digits (32 bits). */
#define NAME_DIGITS 8

enum folder_state {
	FOLDER_UNSEEN,	 /* not asked about yet */
	FOLDER_COUNTING, /* asked about; listed after LEFT more look-ups */
	FOLDER_LISTED,	 /* every name in it is in the set */
	FOLDER_OFF	 /* could not be read: always ask the file system */
};

struct folder {
	unsigned char state;
	unsigned char exists; /* known to exist */
	uint32_t left;
};

struct namecache {
	char *base;
	size_t base_len;
	char *dir; /* room for BASE/XY */
	int off; /* out of memory once: every name may be present */
	struct folder folders[256];
	uint32_t *set; /* open addressing; 0 is a free slot */
	size_t n, cap;
};

struct namecache *namecache_new(const char *base)
{
	struct namecache *nc = calloc(1, sizeof(*nc));

	if (!nc)
		return NULL;
	nc->base_len = strlen(base);
	nc->base = strdup(base);
	nc->dir = malloc(nc->base_len + 4);
	if (!nc->base || !nc->dir) {
		namecache_free(nc);
		return NULL;
	}
	return nc;
}

void namecache_free(struct namecache *nc)
{
	if (!nc)
		return;
	free(nc->base);
	free(nc->dir);
	free(nc->set);
	free(nc);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The value of the N lower-case hex digits at P, or -1. */
static int64_t hex_value(const char *p, int n)
{
	int64_t v = 0;

	for (int i = 0; i < n; i++) {
		int d = hex_digit(p[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* The folder (0-255) of PATH, BASE/XY/<name>, with its name's first
 * bits in *BITS; -1 when PATH is not such a name. */
static int parse_path(const struct namecache *nc, const char *path,
		      uint32_t *bits)
{
	const char *p;
	int64_t folder, name;

	if (strncmp(path, nc->base, nc->base_len) ||
	    path[nc->base_len] != '/')
		return -1;
	p = path + nc->base_len + 1;
	folder = hex_value(p, 2);
	if (folder < 0 || p[2] != '/' || strchr(p + 3, '/'))
		return -1;
	name = hex_value(p + 3, NAME_DIGITS);
	if (name < 0)
		return -1;
	*bits = (uint32_t)name;
	return (int)folder;
}

/* The slot for BITS in the set: where they are, or the free one where
 * they would go.  Zero stands for itself and one alike: two names that
 * share a slot only cost a look-up. */
static uint32_t *slot_of(struct namecache *nc, uint32_t bits)
{
	size_t mask = nc->cap - 1;
	size_t i;

	if (!bits)
		bits = 1;
	/* The bits are a hash's: their low end is spread already. */
	for (i = bits & mask; nc->set[i] && nc->set[i] != bits;
	     i = (i + 1) & mask)
		;
	return &nc->set[i];
}

static int contains(struct namecache *nc, uint32_t bits)
{
	return nc->cap && *slot_of(nc, bits);
}

static void insert(struct namecache *nc, uint32_t bits)
{
	uint32_t *slot;

	if (nc->off)
		return;
	if ((nc->n + 1) * 2 > nc->cap) {
		size_t cap = nc->cap ? nc->cap * 2 : 1024;
		uint32_t *old = nc->set;
		size_t old_cap = nc->cap;

		nc->set = calloc(cap, sizeof(*nc->set));
		if (!nc->set) {
			/* Knowing less is never wrong. */
			nc->set = old;
			nc->off = 1;
			return;
		}
		nc->cap = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				*slot_of(nc, old[i]) = old[i];
		free(old);
	}
	slot = slot_of(nc, bits);
	if (!*slot) {
		*slot = bits ? bits : 1;
		nc->n++;
	}
}

/* Put every name in folder F (at DIR) in the set: F is listed; or, when
 * it cannot be read, off. */
static void list_folder(struct namecache *nc, int f, const char *dir)
{
	struct folder *fo = &nc->folders[f];
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		/* Missing: empty, and only this writer can make it. */
		fo->state = errno == ENOENT ? FOLDER_LISTED : FOLDER_OFF;
		return;
	}
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		int64_t bits = hex_value(e->d_name, NAME_DIGITS);

		/* Anything else cannot be a name looked up. */
		if (bits >= 0)
			insert(nc, (uint32_t)bits);
		errno = 0;
	}
	fo->state = errno ? FOLDER_OFF : FOLDER_LISTED;
	fo->exists = 1;
	closedir(d);
}

/*
 * Count a look-up in folder F (at DIR), and list F when look-ups in it
 * have cost what reading it would: one look-up per KiB of the folder
 * (ext4 keeps 20 to 40 of the store's names in one), at least two.
 */
static void count_lookup(struct namecache *nc, int f, const char *dir)
{
	struct folder *fo = &nc->folders[f];
	struct stat st;
	off_t kib;

	if (fo->state == FOLDER_UNSEEN) {
		if (stat(dir, &st) < 0) {
			/* Missing: empty, and only this writer makes it. */
			fo->state = errno == ENOENT ? FOLDER_LISTED : FOLDER_OFF;
			return;
		}
		if (!S_ISDIR(st.st_mode)) {
			fo->state = FOLDER_OFF;
			return;
		}
		kib = st.st_size / 1024;
		fo->exists = 1;
		fo->state = FOLDER_COUNTING;
		fo->left = kib < 2 ? 2 : kib > UINT32_MAX ? UINT32_MAX : kib;
	}
	if (fo->state == FOLDER_COUNTING && --fo->left == 0)
		list_folder(nc, f, dir);
}

int namecache_absent(struct namecache *nc, const char *path)
{
	uint32_t bits;
	int f;

	if (!nc || nc->off || (f = parse_path(nc, path, &bits)) < 0)
		return 0;
	if (nc->folders[f].state != FOLDER_LISTED) {
		/* BASE/XY, from PATH itself. */
		memcpy(nc->dir, path, nc->base_len + 3);
		nc->dir[nc->base_len + 3] = '\0';
		count_lookup(nc, f, nc->dir);
	}
	return nc->folders[f].state == FOLDER_LISTED && !nc->off &&
	       !contains(nc, bits);
}

void namecache_add(struct namecache *nc, const char *path)
{
	uint32_t bits;

	if (nc && parse_path(nc, path, &bits) >= 0)
		insert(nc, bits);
}

int namecache_has_folder(struct namecache *nc, const char *path)
{
	uint32_t bits;
	int f;

	return nc && (f = parse_path(nc, path, &bits)) >= 0 &&
	       nc->folders[f].exists;
}

void namecache_made(struct namecache *nc, const char *path)
{
	uint32_t bits;
	int f;

	if (nc && (f = parse_path(nc, path, &bits)) >= 0)
		nc->folders[f].exists = 1;
}

void namecache_forget(struct namecache *nc)
{
	if (!nc)
		return;
	memset(nc->folders, 0, sizeof(nc->folders));
	free(nc->set);
	nc->set = NULL;
	nc->n = nc->cap = 0;
}
