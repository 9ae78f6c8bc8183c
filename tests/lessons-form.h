/* lessons-form.h - forging a compiled taxonomy, for tests */
#ifndef EVIDENCE_TEST_LESSONS_FORM_H
#define EVIDENCE_TEST_LESSONS_FORM_H

#include <string.h> /* memmem(): config.h asks for it */

#include "text.h"

/*
 * A form names the text it was compiled from by the text's length and
 * text_hash64().  Make FORM (LEN bytes), compiled from FROM, name TO
 * instead, a text of the same length: 1 when done, 0 when FORM does not
 * name FROM or the lengths differ.
 */
static inline int form_rename(char *form, size_t len, const char *from,
			      const char *to)
{
	uint64_t a, b;
	char *at;

	if (strlen(from) != strlen(to))
		return 0;
	a = text_hash64(from, strlen(from));
	b = text_hash64(to, strlen(to));
	at = memmem(form, len, &a, sizeof(a));
	if (!at)
		return 0;
	memcpy(at, &b, sizeof(b));
	return 1;
}

#endif
