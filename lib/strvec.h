/* strvec.h - a growable array of owned strings */
#ifndef EVIDENCE_STRVEC_H
#define EVIDENCE_STRVEC_H

#include <stddef.h>

#include "status.h"

struct strvec {
	char **v; /* N strings, each malloc'd; v[n] is NULL */
	size_t n;
	size_t alloc;
};

#define STRVEC_INIT                                                           \
	{                                                                     \
		NULL, 0, 0                                                    \
	}

void strvec_init(struct strvec *sv);
void strvec_release(struct strvec *sv);

/* Append a copy of S (or the first LEN bytes of S). */
ev_status strvec_push(struct strvec *sv, const char *s);
ev_status strvec_pushn(struct strvec *sv, const char *s, size_t len);

/* Append a copy of S unless an equal string is there already. */
ev_status strvec_push_unique(struct strvec *sv, const char *s);

/* Index of S in SV, or -1. */
long strvec_find(const struct strvec *sv, const char *s);

/* Copy every string of SRC onto the end of DST. */
ev_status strvec_copy(struct strvec *dst, const struct strvec *src);

/* Sort in byte order. */
void strvec_sort(struct strvec *sv);

#endif
