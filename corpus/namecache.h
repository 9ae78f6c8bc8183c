/* namecache.h - what a writer knows of the names in the store's folders */
#ifndef EVIDENCE_NAMECACHE_H
#define EVIDENCE_NAMECACHE_H

/*
 * The store keeps its files in 256 folders under each of records/ and
 * keys/, BASE/XY/<hex>..., where <hex> is a hash and XY its first two
 * digits (store.h).  Storing a new work looks up its id and each of its
 * keys, as a record, as a key and as a list of notices, and finds
 * nothing: six to nine system calls that each search a folder, which cost
 * more as the folders grow.
 *
 * A writer holds the collection lock, so no one else adds a file while
 * it runs: once it has listed a folder, a name it has neither listed there
 * nor written itself is not on disk.  A name cache answers that for one
 * tree (BASE).  It keeps the first eight hex digits of each name, as 32
 * bits, in one set: a name whose bits are missing is surely absent; one
 * whose bits are there may be present (or share its bits with another),
 * and the caller looks on disk as it would without the cache.  So the
 * cache can only save a look-up, never make one answer wrong, provided
 * that every name the writer creates goes through namecache_add() first.
 *
 * A folder is listed once look-ups in it have cost about what listing it
 * costs: after one look-up per KiB of the folder's size (a failed look-up
 * costs about as much as reading 20 to 40 entries), at least two.  A
 * small run on a large store lists nothing; building a collection lists
 * each folder while it is small and then knows it.  A folder that cannot
 * be listed (EACCES, EIO...) is left to the file system.
 *
 * Not thread-safe: one cache belongs to one writer thread.  Every call
 * takes a NULL cache as one that knows nothing.
 */
struct namecache;

/* A cache for the tree under BASE; NULL when out of memory. */
struct namecache *namecache_new(const char *base);
void namecache_free(struct namecache *nc);

/* 1 when PATH (BASE/XY/<hex>...) is surely not on disk; 0 when it may be
 * or PATH is not a name in the tree. */
int namecache_absent(struct namecache *nc, const char *path);

/* Remember that PATH is on disk, or will be: call it before creating
 * PATH.  Out of memory, the cache turns itself off (every answer 0). */
void namecache_add(struct namecache *nc, const char *path);

/* 1 when the folder PATH goes in is known to exist; namecache_made()
 * says that it does now. */
int namecache_has_folder(struct namecache *nc, const char *path);
void namecache_made(struct namecache *nc, const char *path);

/* Forget all: after a failure the file system may not be what the
 * cache thinks (a folder that could not be used, say). */
void namecache_forget(struct namecache *nc);

#endif
