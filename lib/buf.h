/* buf.h - a growable byte buffer with a size cap */
#ifndef EVIDENCE_BUF_H
#define EVIDENCE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "status.h"

/*
 * A buffer always holds a NUL after its LEN bytes (once anything has been
 * added), so buf.ptr can be used as a C string when the content is text.
 * MAX caps LEN: an append that would pass it fails with EV_TOO_BIG and
 * leaves the buffer as it was, so data from a hostile source cannot eat
 * all memory.  MAX == 0 means no cap.
 */
struct buf {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t max;
};

#define BUF_INIT                                                              \
	{                                                                     \
		NULL, 0, 0, 0                                                 \
	}

/* Fill B as an empty buffer capped at MAX bytes (0: no cap). */
void buf_init(struct buf *b, size_t max);

/* Free B's memory and leave it empty (it can be reused). */
void buf_release(struct buf *b);

/* Forget the content but keep the memory. */
void buf_reset(struct buf *b);

/* Make room for N more bytes.  EV_NOMEM or EV_TOO_BIG. */
ev_status buf_grow(struct buf *b, size_t n);

ev_status buf_add(struct buf *b, const void *data, size_t n);
ev_status buf_addstr(struct buf *b, const char *s);
ev_status buf_addch(struct buf *b, char c);
ev_status buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
ev_status buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Replace the content with the formatted string (for error messages). */
ev_status buf_setf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Hand the content to the caller as a malloc'd NUL-terminated string
 * (never NULL on EV_OK, "" when empty) and leave B empty. */
char *buf_detach(struct buf *b);

/* The content as a C string; "" when nothing was added.  Valid until the
 * next change to B. */
const char *buf_str(const struct buf *b);

/* Room for NEED items of SIZE in the array P, which has room for *ALLOC
 * (doubling from 8): the array, perhaps moved, or NULL when out of
 * memory (P is then left as it was). */
void *array_grow(void *p, size_t *alloc, size_t need, size_t size);

#endif
