/* fields.c - the index schema: one table for the indexer and the parser */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "text.h"
#include "xdb.h"

const struct field fields[] = {
    {"title", PREFIX_TITLE, FIELD_TEXT, "words in the title"},
    {"author", PREFIX_AUTHOR, FIELD_TEXT, "an author's name"},
    {"journal", PREFIX_JOURNAL, FIELD_TEXT, "the journal, blog or site"},
    {"keyword", PREFIX_KEYWORD, FIELD_TEXT, "a keyword or MeSH heading"},
    {"type", PREFIX_TYPE, FIELD_BOOLEAN,
     "evidence type (systematic-review, review, study, ...)"},
    {"lesson", PREFIX_LESSON, FIELD_BOOLEAN,
     "a lesson the passage carries (focus, pacing, ...)"},
    {"year", PREFIX_YEAR, FIELD_BOOLEAN,
     "year of publication; year:2018..2020 for a range"},
    {"doi", PREFIX_DOI, FIELD_BOOLEAN, "a DOI, lower case"},
    {"pmid", PREFIX_PMID, FIELD_BOOLEAN, "a PubMed id"},
    {"source", PREFIX_SOURCE, FIELD_BOOLEAN,
     "where it was harvested from (file, pubmed, ...)"},
    {"id", PREFIX_ID, FIELD_BOOLEAN, "an evidence id (doi:..., ...)"},
};

const size_t n_fields = sizeof(fields) / sizeof(fields[0]);

const struct field *field_lookup(const char *name)
{
	for (size_t i = 0; i < n_fields; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

void field_id_term(const char *prefix, const char *id, char *out, size_t outsz)
{
	size_t plen = strlen(prefix), ilen = strlen(id);

	if (plen + ilen <= XDB_MAX_TERM) {
		snprintf(out, outsz, "%s%s", prefix, id);
	} else {
		char hex[65];

		text_sha256_hex(id, ilen, hex);
		snprintf(out, outsz, "%s#%s", prefix, hex);
	}
}

void field_strength_text(double strength, char *out, size_t outsz)
{
	snprintf(out, outsz, "%.17g", strength);
}

void field_lesson_value_term(const char *lesson, const char *text, char *out,
			     size_t outsz)
{
	char id[XDB_MAX_TERM + 64];

	snprintf(id, sizeof(id), "%s:%s", lesson, text);
	field_id_term(PREFIX_LESSON_VALUE, id, out, outsz);
}
