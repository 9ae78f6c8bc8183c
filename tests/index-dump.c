/* index-dump.c - a canonical dump of an index, to compare two of them */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fields.h"
#include "strvec.h"
#include "xdb.h"

/*
 * Usage: index-dump [-s] [-p] DIR
 *
 * Prints one line per document, sorted by its unique id term, with all
 * its terms (and wdf), its values (in hex) and its data, then the
 * database's metadata: two indexes of the same records print the same
 * bytes whatever order or docids they were built in.  Timestamps in the
 * work documents' data ("..._at" fields) are blanked, since a rerun
 * stores the same work at another time, and so is the record file stamp
 * after the content hash in SLOT_HASH (another file, same content),
 * unless -s: two indexes of one store should then agree on it too.
 * With -p, each document's line also has every term's positions.  With
 * -w, the words of the spelling data follow, one "spelling WORD" line
 * each: which words, not how often, since a work replaced adds its words
 * again and a run caught up after a crash counts them once.
 *
 * Exits 1 (after the dump) when the index breaks an invariant the crash
 * tests rely on: a unique id term on more or fewer than one document, or
 * a document without one.  Exits 2 when the index cannot be read.
 */

struct dump {
	xdb_t *db;
	int stamps;    /* -s */
	int positions; /* -p */
	int words;     /* -w */
	struct strvec lines;
	struct buf line;
	int bad;
};

static int add_term(const char *term, unsigned wdf, void *ctx)
{
	struct buf *b = ctx;

	return buf_printf(b, " %s:%u", term, wdf) != EV_OK;
}

/* Each term of DOC with its wdf and positions, on B's line. */
static ev_status add_positions(xdb_doc_t *doc, struct buf *b)
{
	char *terms = NULL;
	ev_status rc = xdb_doc_describe_terms(doc, &terms);

	if (!rc)
		rc = buf_addstr(b, "\tpositions ");
	for (char *p = terms; !rc && *p; p++)
		rc = buf_addch(b, *p == '\n' ? '|' : *p);
	free(terms);
	return rc;
}

/* Blank the value of every "..._at": "VALUE" in S, in place. */
static void blank_times(char *s)
{
	char *p = s;

	while ((p = strstr(p, "_at\":")) != NULL) {
		p += 5;
		while (*p == ' ')
			p++;
		if (*p++ != '"')
			continue;
		while (*p && *p != '"')
			*p++ = 'T';
	}
}

static int one_doc(unsigned docid, void *ctx)
{
	struct dump *d = ctx;
	xdb_doc_t *doc = NULL;
	struct buf ids = BUF_INIT;
	char *data = NULL;
	size_t data_len = 0;
	ev_status rc;

	buf_reset(&d->line);
	rc = xdb_get_document(d->db, docid, &doc);
	if (!rc)
		rc = xdb_doc_terms(doc, PREFIX_ID, add_term, &ids);
	if (!rc && !ids.len) {
		fprintf(stderr, "index-dump: document %u has no id term\n",
			docid);
		d->bad = 1;
	}
	if (!rc)
		rc = buf_printf(&d->line, "%s\tterms", buf_str(&ids));
	if (!rc)
		rc = xdb_doc_terms(doc, "", add_term, &d->line);
	if (!rc && d->positions)
		rc = add_positions(doc, &d->line);
	if (!rc)
		rc = buf_addstr(&d->line, "\tvalues");
	/* The data slot is dumped as the data, below, where its times can
	 * be blanked. */
	for (unsigned slot = 0; !rc && slot < SLOT_LESSON_BASE + 32; slot++) {
		char *v = NULL;
		size_t len = 0;

		if (slot == XDB_DATA_SLOT)
			continue;
		rc = xdb_doc_get_value(doc, slot, &v, &len);
		if (!rc && slot == SLOT_HASH && len > 64 && !d->stamps)
			len = 64;
		if (!rc && len) {
			rc = buf_printf(&d->line, " %u:", slot);
			for (size_t i = 0; !rc && i < len; i++)
				rc = buf_printf(&d->line, "%02x",
						(unsigned char)v[i]);
		}
		free(v);
	}
	if (!rc)
		rc = xdb_doc_get_data(doc, &data, &data_len);
	if (!rc) {
		blank_times(data);
		rc = buf_addstr(&d->line, "\tdata ");
		/* One line per document: control characters (the NULs
		 * between the passages too) escaped. */
		for (size_t i = 0; !rc && i < data_len; i++)
			rc = (unsigned char)data[i] < 0x20
				 ? buf_printf(&d->line, "\\x%02x",
					      (unsigned char)data[i])
				 : buf_printf(&d->line, "%c", data[i]);
	}
	if (!rc)
		rc = strvec_push(&d->lines, buf_str(&d->line));
	free(data);
	buf_release(&ids);
	xdb_doc_free(doc);
	if (rc) {
		fprintf(stderr, "index-dump: document %u: %s\n", docid,
			status_to_string(rc));
		d->bad = 2;
	}
	return rc != EV_OK;
}

static int check_id(const char *term, unsigned freq, void *ctx)
{
	struct dump *d = ctx;

	if (freq != 1) {
		fprintf(stderr, "index-dump: id term %s is on %u documents\n",
			term, freq);
		d->bad = 1;
	}
	return 0;
}

static int print_word(const char *word, unsigned freq, void *ctx)
{
	(void)freq;
	(void)ctx;
	printf("spelling %s\n", word);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = {PREFIX_KIND "work",
					    PREFIX_KIND "passage"};
	static const char *const meta[] = {META_SCHEMA, META_LESSONS,
					   META_LESSONS_DIGEST,
					   META_SYNONYMS_DIGEST};
	struct dump d = {NULL, 0, 0, 0, STRVEC_INIT, BUF_INIT, 0};
	char *msg = NULL;
	unsigned count = 0;
	ev_status rc;

	for (; argc > 2 && argv[1][0] == '-'; argv++, argc--) {
		if (!strcmp(argv[1], "-s"))
			d.stamps = 1;
		else if (!strcmp(argv[1], "-p"))
			d.positions = 1;
		else if (!strcmp(argv[1], "-w"))
			d.words = 1;
		else
			break;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: index-dump [-s] [-p] [-w] DIR\n");
		return 2;
	}
	rc = xdb_open(argv[1], XDB_READ, &d.db, &msg);
	if (rc) {
		fprintf(stderr, "index-dump: %s: %s\n", argv[1],
			msg ? msg : status_to_string(rc));
		free(msg);
		return 2;
	}
	for (size_t i = 0; !rc && i < 2; i++)
		rc = xdb_postlist(d.db, kinds[i], one_doc, &d);
	if (!rc)
		rc = xdb_allterms(d.db, PREFIX_ID, check_id, &d);
	if (!rc)
		rc = xdb_doccount(d.db, &count);
	if (!rc && count != d.lines.n) {
		fprintf(stderr,
			"index-dump: %u documents, %zu of them works or "
			"passages\n",
			count, d.lines.n);
		d.bad = 1;
	}
	if (rc) {
		fprintf(stderr, "index-dump: %s\n", xdb_errmsg(d.db));
		d.bad = 2;
	}
	if (d.lines.n > 1)
		qsort(d.lines.v, d.lines.n, sizeof(*d.lines.v), cmp_str);
	for (size_t i = 0; i < d.lines.n; i++)
		printf("%s\n", d.lines.v[i]);
	for (size_t i = 0; !rc && i < sizeof(meta) / sizeof(*meta); i++) {
		char *v = NULL;

		rc = xdb_get_metadata(d.db, meta[i], &v);
		if (!rc)
			printf("meta %s=%s\n", meta[i], v);
		free(v);
	}
	if (!rc && d.words)
		rc = xdb_spellings(d.db, print_word, NULL);
	if (rc && d.bad != 2) {
		fprintf(stderr, "index-dump: %s\n", xdb_errmsg(d.db));
		d.bad = 2;
	}
	strvec_release(&d.lines);
	buf_release(&d.line);
	xdb_close(d.db);
	return d.bad;
}
