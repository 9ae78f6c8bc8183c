/* passages.c - splitting plain text into passages */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "passages.h"
#include "text.h"

/* If a blank line starts at the newline P, return the position just past
 * it (its closing newline); NULL otherwise. */
static const char *blank_line_after(const char *p)
{
	const char *q = p + 1;

	while (*q == ' ' || *q == '\t' || *q == '\r')
		q++;
	return *q == '\n' ? q : NULL;
}

static int has_blank_line(const char *text)
{
	const char *start = text, *end = text + strlen(text);

	/* Leading and trailing newlines do not count. */
	while (*start == '\n')
		start++;
	while (end > start && end[-1] == '\n')
		end--;
	for (const char *p = start; p < end; p++)
		if (*p == '\n') {
			const char *q = blank_line_after(p);

			if (q && q < end)
				return 1;
		}
	return 0;
}

static ev_status push_trimmed(struct strvec *out, const char *s, size_t len)
{
	char *copy = xstrndup(s, len);
	ev_status rc = EV_OK;
	char *t;

	if (!copy)
		return EV_NOMEM;
	/* Trim ASCII and Unicode white space at both ends; keep the inside
	 * as it is (line breaks within a paragraph stay). */
	t = str_trim(copy);
	while (str_starts_with(t, "\xc2\xa0"))
		t = str_trim(t + 2);
	for (size_t n = strlen(t); n >= 2 && !strcmp(t + n - 2, "\xc2\xa0");
	     n = strlen(t)) {
		t[n - 2] = '\0';
		t = str_trim(t);
	}
	if (*t)
		rc = strvec_push(out, t);
	free(copy);
	return rc;
}

ev_status passages_split(const char *text, struct strvec *out)
{
	const char *p = text, *start = text;
	int by_line = !has_blank_line(text);
	ev_status rc = EV_OK;

	for (; *p && !rc; p++) {
		const char *next;

		if (*p != '\n')
			continue;
		if (by_line) {
			rc = push_trimmed(out, start, (size_t)(p - start));
			start = p + 1;
		} else if ((next = blank_line_after(p)) != NULL) {
			rc = push_trimmed(out, start, (size_t)(p - start));
			start = next + 1;
			p = next;
		}
	}
	if (!rc && *start)
		rc = push_trimmed(out, start, strlen(start));
	return rc;
}
