/* buf.c - a growable byte buffer with a size cap */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void buf_init(struct buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

ev_status buf_grow(struct buf *b, size_t n)
{
	size_t need, alloc;
	char *p;

	if (n > (size_t)-1 - b->len - 1)
		return EV_TOO_BIG;
	if (b->max && b->len + n > b->max)
		return EV_TOO_BIG;
	need = b->len + n + 1;
	if (need <= b->alloc)
		return EV_OK;
	alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc = alloc > (size_t)-1 / 2 ? need : alloc * 2;
	p = realloc(b->ptr, alloc);
	if (!p)
		return EV_NOMEM;
	/* A buffer that has memory always holds a C string, even when
	 * nothing was added yet. */
	p[b->len] = '\0';
	b->ptr = p;
	b->alloc = alloc;
	return EV_OK;
}

ev_status buf_add(struct buf *b, const void *data, size_t n)
{
	ev_status rc = buf_grow(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return EV_OK;
}

ev_status buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

ev_status buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

/*
 * Formatted into the room the buffer has first, and only when that is
 * too small a second time after growing: most calls fit, and formatting
 * twice (once to measure) was a third of the cost of a document's data
 * in the indexer.  The room past LEN is scratch until LEN moves, so a
 * failure puts back the NUL that ends the string.
 */
ev_status buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	size_t room = b->alloc > b->len ? b->alloc - b->len : 0;
	va_list cp;
	int n;
	ev_status rc = EV_OK;

	va_copy(cp, ap);
	n = vsnprintf(room ? b->ptr + b->len : NULL, room, fmt, cp);
	va_end(cp);
	if (n < 0)
		rc = EV_USAGE;
	else if (b->max && (size_t)n > b->max - b->len)
		rc = EV_TOO_BIG;
	else if ((size_t)n >= room && !(rc = buf_grow(b, (size_t)n)))
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	if (rc) {
		if (b->ptr)
			b->ptr[b->len] = '\0';
		return rc;
	}
	b->len += (size_t)n;
	return EV_OK;
}

ev_status buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	ev_status rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

ev_status buf_setf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	ev_status rc;

	buf_reset(b);
	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *buf_detach(struct buf *b)
{
	char *p = b->ptr;

	if (!p)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}

const char *buf_str(const struct buf *b)
{
	return b->ptr ? b->ptr : "";
}

void *array_grow(void *p, size_t *alloc, size_t need, size_t size)
{
	size_t n = *alloc ? *alloc : 8;
	void *q;

	if (need <= *alloc)
		return p;
	while (n < need) {
		if (n > (size_t)-1 / 2)
			return NULL;
		n *= 2;
	}
	if (size && n > (size_t)-1 / size)
		return NULL;
	q = realloc(p, n * size);
	if (q)
		*alloc = n;
	return q;
}
