/* passages.h - splitting plain text into passages */
#ifndef EVIDENCE_PASSAGES_H
#define EVIDENCE_PASSAGES_H

#include "status.h"
#include "strvec.h"

/*
 * Split TEXT into paragraphs, appending each to OUT: blocks separated by
 * blank lines (a line of only spaces, tabs or a carriage return is
 * blank), each trimmed, empty ones skipped.  A text with no blank line at
 * all has one paragraph per non-empty line, since some sources break
 * paragraphs with a single newline.  This is the splitter
 * ../shared/eval/README.md gives, so passage numbers match its labels.
 */
ev_status passages_split(const char *text, struct strvec *out);

#endif
