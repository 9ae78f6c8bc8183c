/* collection.h - the collection directory: where everything lives */
#ifndef EVIDENCE_COLLECTION_H
#define EVIDENCE_COLLECTION_H

#include "status.h"

/*
 * A collection is one directory holding the store, the index and the
 * collection's own copies of the configuration files:
 *
 *   DIR/evidence.conf   marks the directory as a collection (version)
 *   DIR/store/          the records: the source of truth (store.h)
 *   DIR/index/          the Xapian database, derived from the store
 *   DIR/lessons.conf    the lesson taxonomy (edit it, then index --rebuild)
 *   DIR/synonyms.conf   query synonyms
 *   DIR/sources.conf    what harvest fetches
 *   DIR/lock            held by whoever writes the store or the index
 *
 * doc/evidence-collection.5 documents the layout for administrators.
 */
struct collection {
	char *dir;
	char *store_dir;
	char *index_dir;
	char *lessons_path;
	char *synonyms_path;
	char *sources_path;
	char *lock_path;
	char *marker_path;
	int lock_fd;
};

/*
 * Fill C with the paths of the collection at DIR; DIR NULL means
 * $EVIDENCE_DIR, else $XDG_DATA_HOME/evidence, else
 * ~/.local/share/evidence.  Does not touch the disk.
 */
ev_status collection_locate(struct collection *c, const char *dir);

/* EV_OK when C's directory is an initialised collection; EV_NOT_FOUND
 * otherwise, EV_VERSION when a newer evidence made it. */
ev_status collection_check(const struct collection *c);

/* Create the directories and the marker (existing ones are kept). */
ev_status collection_create(struct collection *c);

/*
 * Take the collection's write lock, waiting up to WAIT_SECONDS.
 * EV_LOCKED when another process still holds it, EV_READONLY when the
 * collection cannot be written.  Released by collection_release().
 */
ev_status collection_lock(struct collection *c, double wait_seconds);
void collection_unlock(struct collection *c);

void collection_release(struct collection *c);

/* The layout version this build writes into evidence.conf. */
#define COLLECTION_VERSION 1

#endif
