/* printer-record.c - a whole record, for show and export */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "printer.h"

static void opt_str(struct sprinter *sp, const char *key, const char *value)
{
	if (value)
		sp_str(sp, key, value);
}

static void str_list(struct sprinter *sp, const char *key,
		     const struct strvec *sv)
{
	sp->map_key(sp, key);
	sp->begin_list(sp);
	for (size_t i = 0; i < sv->n; i++)
		sp->string(sp, sv->v[i]);
	sp->end(sp);
}

void print_record(struct sprinter *sp, const struct record *rec,
		  const struct lessons *tax, const struct lesson_tags *tags)
{
	size_t i;

	sp_str(sp, "id", rec->id);
	opt_str(sp, "type", rec->type);
	opt_str(sp, "title", rec->title);
	sp->map_key(sp, "author");
	sp->begin_list(sp);
	for (i = 0; i < rec->n_authors; i++) {
		sp->begin_map(sp);
		opt_str(sp, "family", rec->authors[i].family);
		opt_str(sp, "given", rec->authors[i].given);
		opt_str(sp, "literal", rec->authors[i].literal);
		sp->end(sp);
	}
	sp->end(sp);
	opt_str(sp, "container-title", rec->container_title);
	if (rec->issued.year) {
		sp->map_key(sp, "issued");
		sp->begin_map(sp);
		sp->map_key(sp, "date-parts");
		sp->begin_list(sp);
		sp->begin_list(sp);
		sp->integer(sp, rec->issued.year);
		if (rec->issued.month) {
			sp->integer(sp, rec->issued.month);
			if (rec->issued.day)
				sp->integer(sp, rec->issued.day);
		}
		sp->end(sp);
		sp->end(sp);
		sp->end(sp);
	}
	opt_str(sp, "DOI", rec->doi);
	opt_str(sp, "PMID", rec->pmid);
	opt_str(sp, "PMCID", rec->pmcid);
	opt_str(sp, "URL", rec->url);
	opt_str(sp, "publisher", rec->publisher);
	opt_str(sp, "volume", rec->volume);
	opt_str(sp, "issue", rec->issue);
	opt_str(sp, "page", rec->page);
	opt_str(sp, "language", rec->language);
	opt_str(sp, "citation-key", rec->citation_key);
	opt_str(sp, "abstract", rec->abstract);
	opt_str(sp, "evidence_type", rec->evidence_type);
	str_list(sp, "keywords", &rec->keywords);
	str_list(sp, "publication_types", &rec->publication_types);
	sp->map_key(sp, "passages");
	sp->begin_list(sp);
	for (i = 0; i < rec->n_passages; i++) {
		sp->begin_map(sp);
		sp_int(sp, "n", (long long)i + 1);
		opt_str(sp, "section", rec->passages[i].section);
		sp_str(sp, "text", rec->passages[i].text);
		if (tax)
			lessons_print_tags(sp, tax, tags ? &tags[i] : NULL);
		sp->end(sp);
	}
	sp->end(sp);
	str_list(sp, "cites", &rec->cites);
	str_list(sp, "cited_by", &rec->cited_by);
	sp->map_key(sp, "relations");
	sp->begin_list(sp);
	for (i = 0; i < rec->n_relations; i++) {
		sp->begin_map(sp);
		sp_str(sp, "type", rec->relations[i].type);
		sp_str(sp, "id", rec->relations[i].target);
		sp->end(sp);
	}
	sp->end(sp);
	sp->map_key(sp, "provenance");
	sp->begin_list(sp);
	for (i = 0; i < rec->n_provenance; i++) {
		const struct provenance *p = &rec->provenance[i];

		sp->begin_map(sp);
		opt_str(sp, "source", p->source);
		opt_str(sp, "url", p->url);
		opt_str(sp, "format", p->format);
		opt_str(sp, "fetched_at", p->fetched_at);
		opt_str(sp, "content_hash", p->content_hash);
		opt_str(sp, "etag", p->etag);
		opt_str(sp, "last_modified", p->last_modified);
		sp->end(sp);
	}
	sp->end(sp);
	opt_str(sp, "added_at", rec->added_at);
	opt_str(sp, "updated_at", rec->updated_at);
}
