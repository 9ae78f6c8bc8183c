/* cite.c - references formatted from records */
#include "query/cite.h"

#include <string.h>

#define VANCOUVER_MAX_AUTHORS 6

/* Initials of GIVEN without stops or spaces: "Louise M" -> "LM". */
static ev_status add_initials(struct buf *out, const char *given)
{
	int start = 1;

	for (; *given; given++) {
		unsigned char c = (unsigned char)*given;

		if (c == ' ' || c == '-' || c == '.') {
			start = 1;
			continue;
		}
		if (start && (c & 0xc0) != 0x80) {
			size_t n = 1;

			/* a multibyte letter keeps all its bytes */
			while (given[n] && ((unsigned char)given[n] & 0xc0) ==
						   0x80 && c >= 0x80)
				n++;
			if (buf_add(out, given, n))
				return EV_NOMEM;
			given += n - 1;
		}
		start = 0;
	}
	return EV_OK;
}

/* Append S and then END unless S already ends with punctuation. */
static ev_status add_part(struct buf *out, const char *s, const char *end)
{
	size_t n = strlen(s);
	ev_status st = buf_addstr(out, s);

	if (st)
		return st;
	if (n && strchr(".?!", s[n - 1]))
		return buf_addstr(out, end + (end[0] == '.'));
	return buf_addstr(out, end);
}

ev_status cite_vancouver(const struct record *rec, struct buf *out)
{
	ev_status st = EV_OK;
	size_t i, n = rec->n_authors;

	if (n > VANCOUVER_MAX_AUTHORS)
		n = VANCOUVER_MAX_AUTHORS;
	for (i = 0; i < n; i++) {
		const struct author *a = &rec->authors[i];

		if (i && (st = buf_addstr(out, ", ")))
			goto out;
		if (a->literal || !a->family) {
			st = buf_addstr(out, a->literal ? a->literal : "");
		} else {
			st = buf_addstr(out, a->family);
			if (!st && a->given && *a->given) {
				st = buf_addch(out, ' ');
				if (!st)
					st = add_initials(out, a->given);
			}
		}
		if (st)
			goto out;
	}
	if (rec->n_authors > VANCOUVER_MAX_AUTHORS)
		st = buf_addstr(out, ", et al. ");
	else if (n)
		st = buf_addstr(out, ". ");
	if (st)
		goto out;
	if (rec->title && (st = add_part(out, rec->title, ". ")))
		goto out;
	if (rec->container_title &&
	    (st = add_part(out, rec->container_title, ". ")))
		goto out;
	if (rec->issued.year && (st = buf_printf(out, "%d", rec->issued.year)))
		goto out;
	if (rec->volume && (st = buf_printf(out, ";%s", rec->volume)))
		goto out;
	if (rec->issue && (st = buf_printf(out, "(%s)", rec->issue)))
		goto out;
	if (rec->page && (st = buf_printf(out, ":%s", rec->page)))
		goto out;
	if (rec->issued.year || rec->volume || rec->page)
		if ((st = buf_addstr(out, ". ")))
			goto out;
	if (rec->doi)
		st = buf_printf(out, "doi:%s", rec->doi);
	else if (rec->url)
		st = buf_printf(out, "Available from: %s", rec->url);
	/* drop a trailing space left by the last part */
	if (!st && out->len && out->ptr[out->len - 1] == ' ')
		out->ptr[--out->len] = '\0';
out:
	return st;
}
