/* csv.h - writing RFC 4180 CSV */
#ifndef EVIDENCE_CSV_H
#define EVIDENCE_CSV_H

#include <stdio.h>

/* Write S as one CSV field: quoted when it holds a comma, a quote, a
 * line break or leading/trailing space; quotes doubled.  NULL is empty.
 * FIRST != 0 for the first field of a row (no comma before it). */
void csv_field(FILE *out, const char *s, int first);

/* End a row with CRLF, as RFC 4180 says. */
void csv_end_row(FILE *out);

#endif
