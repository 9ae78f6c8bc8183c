/* setup.h - the taxonomy and synonyms a command should use */
#ifndef EVIDENCE_SETUP_H
#define EVIDENCE_SETUP_H

#include <stddef.h>

#include "cli.h"
#include "index.h"
#include "lessons.h"
#include "strvec.h"

/*
 * The taxonomy for a command: the file given with --lessons, else
 * $EVIDENCE_LESSONS, else the collection's lessons.conf (when C is not
 * NULL and the file exists), else the default compiled into evidence.
 * On failure ERR holds "FILE:LINE: reason" or "FILE: reason".  *USEDP
 * (may be NULL) names where it came from.
 */
ev_status setup_lessons(const struct cli *cli, const struct collection *c,
			struct lessons **out, const char **usedp, char *err,
			size_t errsz);

/* The text of the collection's synonyms.conf, else the default.  *TEXTP
 * is malloc'd. */
ev_status setup_synonyms(const struct collection *c, char **textp);

/*
 * Open the collection's index and bring it up to date: every work of the
 * store, or only those IDS names (when not NULL and the index does not
 * need building afresh).  Prints its own errors; returns an exit code
 * (EXIT_NOTHING when some stored records could not be read).  Used by
 * "index" and by "add", which indexes what it stored.
 */
int index_collection(struct cli *cli, struct collection *c, int rebuild,
		     const struct strvec *ids, struct index_counts *counts);

#endif
