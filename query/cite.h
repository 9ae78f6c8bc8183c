/* cite.h - references formatted from records */
#ifndef EVIDENCE_CITE_H
#define EVIDENCE_CITE_H

#include "lib/buf.h"
#include "lib/record.h"
#include "lib/status.h"

/*
 * Append REC's reference in Vancouver style (ICMJE/NLM, as the BMJ uses)
 * to OUT, as plain text without a trailing newline: up to six authors
 * then "et al.", "Family Initials" for people and the literal name for
 * organisations; title; journal; year;volume(issue):pages; doi:DOI.
 * Parts the record lacks are left out.  EV_NOMEM or EV_TOO_BIG from OUT.
 */
ev_status cite_vancouver(const struct record *rec, struct buf *out);

#endif
