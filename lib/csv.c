/* csv.c - writing RFC 4180 CSV */
#include "config.h"

#include <string.h>

#include "csv.h"

void csv_field(FILE *out, const char *s, int first)
{
	size_t len;

	if (!first)
		putc(',', out);
	if (!s)
		return;
	len = strlen(s);
	if (strpbrk(s, ",\"\r\n") == NULL &&
	    (len == 0 || (s[0] != ' ' && s[len - 1] != ' '))) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

void csv_end_row(FILE *out)
{
	fputs("\r\n", out);
}
