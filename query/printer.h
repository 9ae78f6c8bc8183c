/* printer.h - printing records and their lessons through a sprinter */
#ifndef EVIDENCE_PRINTER_H
#define EVIDENCE_PRINTER_H

#include "lessons.h"
#include "record.h"
#include "sprinter.h"

/*
 * The keys of REC, inside a map the caller has begun: the CSL-JSON
 * fields, then the project's, with every list present (empty when it
 * has nothing) so consumers need not test for keys.  With TAX, each
 * passage also lists its lessons from TAGS (one per passage; NULL: none),
 * each with its strength and the cues that fired.  The format is
 * documented in doc/evidence-json.7.
 */
void print_record(struct sprinter *sp, const struct record *rec,
		  const struct lessons *tax, const struct lesson_tags *tags);

#endif
