/* strvec.c - a growable array of owned strings */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strvec.h"

void strvec_init(struct strvec *sv)
{
	sv->v = NULL;
	sv->n = 0;
	sv->alloc = 0;
}

void strvec_release(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	strvec_init(sv);
}

ev_status strvec_pushn(struct strvec *sv, const char *s, size_t len)
{
	char *copy;

	if (sv->n + 2 > sv->alloc) {
		size_t alloc = sv->alloc ? sv->alloc * 2 : 8;
		char **v = realloc(sv->v, alloc * sizeof(*v));

		if (!v)
			return EV_NOMEM;
		sv->v = v;
		sv->alloc = alloc;
	}
	copy = malloc(len + 1);
	if (!copy)
		return EV_NOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	sv->v[sv->n++] = copy;
	sv->v[sv->n] = NULL;
	return EV_OK;
}

ev_status strvec_push(struct strvec *sv, const char *s)
{
	return strvec_pushn(sv, s, strlen(s));
}

long strvec_find(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return (long)i;
	return -1;
}

ev_status strvec_push_unique(struct strvec *sv, const char *s)
{
	if (strvec_find(sv, s) >= 0)
		return EV_OK;
	return strvec_push(sv, s);
}

ev_status strvec_copy(struct strvec *dst, const struct strvec *src)
{
	for (size_t i = 0; i < src->n; i++) {
		ev_status rc = strvec_push(dst, src->v[i]);

		if (rc)
			return rc;
	}
	return EV_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strvec_sort(struct strvec *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}
