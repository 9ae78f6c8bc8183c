/* index.c - records into the Xapian index: works, passages, lessons */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "evidence-type.h"
#include "fields.h"
#include "fsutil.h"
#include "index.h"
#include "store.h"
#include "synonyms.h"
#include "termgen.h"
#include "text.h"
#include "xdb.h"

_Static_assert(SLOT_LESSON_MAX < XDB_DATA_SLOT &&
		   XDB_DATA_SLOT < SLOT_LESSON_BASE,
	       "the binding's data slot is among the schema's slots");

struct index {
	char *dir;	 /* the live index */
	char *build_dir; /* where a rebuild is written, or NULL */
	int compact;	 /* index_close() swaps in a compact copy */
	xdb_t *db;
	struct termgen *tg;
	xdb_stem_t *stem;
	struct synonyms *syn;
	const struct lessons *lessons;
	unsigned batch;	  /* works per commit */
	int fixed_batch;  /* the options set it: it does not follow size */
	pthread_mutex_t *flush_lock; /* the writers' (commit_db()), or NULL */
	unsigned pending; /* works since the last commit */
	int fresh;	  /* empty database: no need to look for old docs */
	/* A fresh build's segments (INDEX_SEGMENT in index.h): while a
	 * later one is written, FIRST keeps the first open (it holds the
	 * lock, and its metadata is the merge's). */
	unsigned segment;   /* works per segment */
	unsigned seg_works; /* written into the current one */
	unsigned n_segs;    /* segments after the first, in SEG_DIR/1... */
	xdb_t *first;
	char *seg_dir; /* DIR.parts */
	int rewritten; /* a work written by its id: in two segments? */
	/* A fresh build's writers (the pipeline's lanes, below): how many
	 * it may use; in the second's copy of the index, LANE is 1 and its
	 * segments are DIR.parts/bN; how many it wrote, merged after the
	 * first's, is then LANE_SEGS. */
	unsigned writers;
	unsigned alone; /* works the first writes before the second starts */
	unsigned lane;
	unsigned lane_segs;
	/* Every work in the index with its content hash, sorted by id, read
	 * in one pass at the start of index_sync(); NULL otherwise, and
	 * index_record() then looks each work up in the database. */
	struct known *known;
	size_t n_known;
	int have_known;
	/* Those of KNOWN that have a stamp, sorted by it. */
	struct known **by_stamp;
	size_t n_by_stamp;
	/* For each lesson, the strengths its value terms hold in the index
	 * (field_strength_text()), kept in META_LESSON_VALUES: read at the
	 * start, added to by the thread that writes documents. */
	struct strvec *values;
	int values_changed;
	struct buf msg;
	struct wordlist words; /* of the text being indexed */
	struct lessons_cache *tag_cache; /* the tagger's, for this thread */
};

struct known {
	char *id;
	unsigned docid;
	int seen; /* the store still has it */
	char hash[65];
	char *stamp; /* of the record file it was read from, or NULL */
};

const char *index_errmsg(const struct index *ix)
{
	return buf_str(&ix->msg);
}

int index_is_fresh(const struct index *ix)
{
	return ix->fresh;
}

/* Keep the binding's message for a failed call on the database. */
static ev_status db_fail(struct index *ix, ev_status rc, const char *what)
{
	buf_setf(&ix->msg, "%s: %s%s", what, xdb_errmsg(ix->db),
		 rc == EV_CORRUPT ? "; the index is damaged: run 'evidence "
				    "index --rebuild' to rebuild it from the "
				    "store"
				  : "");
	return rc;
}

static void known_release(struct index *ix)
{
	for (size_t i = 0; i < ix->n_known; i++) {
		free(ix->known[i].id);
		free(ix->known[i].stamp);
	}
	free(ix->known);
	free(ix->by_stamp);
	ix->known = NULL;
	ix->by_stamp = NULL;
	ix->n_known = ix->n_by_stamp = 0;
	ix->have_known = 0;
}

/* rm -r PATH, for a build directory, an old index or a fresh build's
 * segments (a folder of them): Xapian databases are flat directories of
 * files.  Whatever else is at PATH goes too. */
static void remove_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		if (errno == ENOTDIR)
			unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = fs_join(path, e->d_name);
		if (p && unlink(p) < 0 && errno == EISDIR)
			remove_dir(p);
		free(p);
	}
	closedir(d);
	rmdir(path);
}

static void index_free(struct index *ix)
{
	if (!ix)
		return;
	known_release(ix);
	for (size_t i = 0; ix->values && i < lessons_count(ix->lessons); i++)
		strvec_release(&ix->values[i]);
	free(ix->values);
	termgen_free(ix->tg);
	xdb_stem_free(ix->stem);
	xdb_close(ix->db);
	xdb_close(ix->first);
	/* Set once the lock was ours: what is there is this run's. */
	if (ix->seg_dir)
		remove_dir(ix->seg_dir);
	synonyms_free(ix->syn);
	free(ix->dir);
	free(ix->build_dir);
	free(ix->seg_dir);
	buf_release(&ix->msg);
	wordlist_release(&ix->words);
	lessons_cache_free(ix->tag_cache);
	free(ix);
}

/*
 * Lesson value terms.  A search weighs a lesson the query names by the
 * work's strength in it; where it read every work's value, it can weigh
 * the works through one term per strength ("XLVfocus:0.75") and skip the
 * works whose strength cannot lift them into the page, as the type terms
 * do for the type prior.  It must know the terms without walking them
 * (that reads every block of their posting lists), so the index lists
 * each lesson's strengths in META_LESSON_VALUES: a few dozen a lesson,
 * since a strength comes from a sum of cue weights.  The list may name
 * strengths no work has any more; search.c checks the terms' counts
 * against the slot's before it relies on them.
 */

/* Read the list into ix->values (a fresh index has none). */
static ev_status read_values(struct index *ix)
{
	size_t n = lessons_count(ix->lessons);
	char *text = NULL, *line, *next;
	ev_status rc = EV_OK;

	ix->values = calloc(n + 1, sizeof(*ix->values));
	if (!ix->values)
		return EV_NOMEM;
	if (ix->fresh)
		return EV_OK;
	rc = xdb_get_metadata(ix->db, META_LESSON_VALUES, &text);
	for (line = text; !rc && line && *line; line = next) {
		char *save = NULL, *name, *v;
		long i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		name = strtok_r(line, " ", &save);
		i = name ? lessons_find(ix->lessons, name) : -1;
		while (i >= 0 && !rc && (v = strtok_r(NULL, " ", &save)) &&
		       ix->values[i].n < MAX_LESSON_STRENGTHS)
			rc = strvec_push_unique(&ix->values[i], v);
	}
	free(text);
	if (rc && rc != EV_NOMEM)
		return db_fail(ix, rc, "cannot read index metadata");
	return rc;
}

/* Note the strengths of DOC, just written (the writing thread). */
static ev_status note_values(struct index *ix, xdb_doc_t *doc)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < lessons_count(ix->lessons); i++) {
		char *v = NULL, text[32];
		size_t len = 0;

		rc = xdb_doc_get_value(doc, SLOT_LESSON_BASE + (unsigned)i, &v,
				       &len);
		/* A full list stays as it is (search.c then reads this
		 * lesson's values). */
		if (!rc && len && ix->values[i].n < MAX_LESSON_STRENGTHS) {
			field_strength_text(xdb_sortable_unserialise(v, len),
					    text, sizeof(text));
			if (strvec_find(&ix->values[i], text) < 0) {
				rc = strvec_push(&ix->values[i], text);
				ix->values_changed = 1;
			}
		}
		free(v);
	}
	return rc;
}

/* Write the list, when it has grown. */
static ev_status write_values(struct index *ix)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;

	/* Nor into a fresh build's later segments: the merge keeps the
	 * first one's metadata, which gets the whole list at the end
	 * (last_segment(), lanes_join()). */
	if (!ix->values_changed || ix->first || ix->lane)
		return EV_OK;
	for (size_t i = 0; !rc && i < lessons_count(ix->lessons); i++) {
		rc = buf_addstr(&b, lessons_name(ix->lessons, i));
		for (size_t k = 0; !rc && k < ix->values[i].n; k++)
			rc = buf_printf(&b, " %s", ix->values[i].v[k]);
		if (!rc)
			rc = buf_addch(&b, '\n');
	}
	if (!rc)
		rc = xdb_set_metadata(ix->db, META_LESSON_VALUES, buf_str(&b));
	if (!rc)
		ix->values_changed = 0;
	buf_release(&b);
	return rc;
}

static ev_status write_meta(struct index *ix)
{
	struct buf names = BUF_INIT;
	char version[16], digest[65];
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < lessons_count(ix->lessons); i++)
		rc = buf_printf(&names, "%s%s", i ? "," : "",
				lessons_name(ix->lessons, i));
	snprintf(version, sizeof(version), "%d", SCHEMA_VERSION);
	if (!rc)
		rc = xdb_set_metadata(ix->db, META_SCHEMA, version);
	if (!rc)
		rc = xdb_set_metadata(ix->db, META_LESSONS, buf_str(&names));
	lessons_digest(ix->lessons, digest);
	if (!rc)
		rc = xdb_set_metadata(ix->db, META_LESSONS_DIGEST, digest);
	if (!rc)
		rc = xdb_set_metadata(ix->db, META_SYNONYMS_DIGEST,
				      ix->syn ? synonyms_digest(ix->syn) : "");
	/* For the next command that reads the taxonomy (setup.c). */
	buf_reset(&names);
	if (!rc)
		rc = lessons_stems(ix->lessons, &names);
	if (!rc)
		rc = xdb_set_metadata(ix->db, META_STEMS, buf_str(&names));
	if (!rc)
		rc = write_values(ix);
	buf_reset(&names);
	if (!rc)
		rc = lessons_compile(ix->lessons, &names);
	if (!rc)
		rc = xdb_set_metadata_bytes(ix->db, META_COMPILED, names.ptr,
					    names.len);
	buf_release(&names);
	if (rc)
		return db_fail(ix, rc, "cannot write index metadata");
	return EV_OK;
}

/*
 * Does the index DB need building afresh?  Yes (*REBUILD 1) when it holds
 * documents and was made with another schema, taxonomy (L) or synonym
 * list (SYN, may be NULL): every document would change, and the synonym
 * table cannot be edited key by key.  *COUNT gets its documents.
 * EV_VERSION, said in MSG, when a newer evidence wrote it; another
 * failure is Xapian's (xdb_errmsg()).
 */
static ev_status compare_meta(xdb_t *db, const struct lessons *l,
			      const struct synonyms *syn, struct buf *msg,
			      unsigned *count, int *rebuild)
{
	const char *keys[] = {META_SCHEMA, META_LESSONS_DIGEST,
			      META_SYNONYMS_DIGEST};
	char version[16], digest[65];
	const char *want[3];
	ev_status rc;

	snprintf(version, sizeof(version), "%d", SCHEMA_VERSION);
	want[0] = version;
	lessons_digest(l, digest);
	want[1] = digest;
	want[2] = syn ? synonyms_digest(syn) : "";
	*rebuild = 0;
	*count = 0;
	rc = xdb_doccount(db, count);
	for (size_t i = 0; !rc && i < 3; i++) {
		char *have = NULL;

		rc = xdb_get_metadata(db, keys[i], &have);
		if (rc)
			break;
		if (i == 0 && *have && atoi(have) > SCHEMA_VERSION) {
			buf_setf(msg,
				 "the index was written by a newer version "
				 "of evidence (schema %s)",
				 have);
			free(have);
			return EV_VERSION;
		}
		if (*count > 0 && strcmp(have, want[i]) != 0)
			*rebuild = 1;
		free(have);
	}
	return rc;
}

/* compare_meta() for the index at ix->db, which is fresh when empty. */
static ev_status needs_rebuild(struct index *ix, int *rebuild)
{
	unsigned count;
	ev_status rc = compare_meta(ix->db, ix->lessons, ix->syn, &ix->msg,
				    &count, rebuild);

	if (rc && rc != EV_VERSION)
		return db_fail(ix, rc, "cannot read the index");
	ix->fresh = rc == EV_OK && count == 0;
	return rc;
}

ev_status index_stale(const char *dir, const struct index_options *opts,
		      int *stale)
{
	struct synonyms *syn = NULL;
	struct buf msg = BUF_INIT;
	xdb_t *db = NULL;
	unsigned count;
	char err[512];
	ev_status rc = EV_OK;

	*stale = 0;
	if (opts->synonyms)
		rc = synonyms_parse(opts->synonyms, strlen(opts->synonyms),
				    "synonyms.conf", &syn, err, sizeof(err));
	/* No index yet is not a stale one: nothing to rebuild. */
	if (!rc && xdb_open(dir, XDB_READ, &db, NULL) == EV_OK)
		rc = compare_meta(db, opts->lessons, syn, &msg, &count, stale);
	xdb_close(db);
	synonyms_free(syn);
	buf_release(&msg);
	return rc;
}

static ev_status open_db(struct index *ix, const char *path,
			 enum xdb_mode mode)
{
	char *msg = NULL;
	ev_status rc = xdb_open(path, mode, &ix->db, &msg);

	if (rc) {
		if (rc == EV_LOCKED)
			buf_setf(&ix->msg,
				 "index %s is locked by another writer", path);
		else if (rc == EV_CORRUPT)
			buf_setf(&ix->msg,
				 "the index at %s is damaged (%s): run "
				 "'evidence index --rebuild' to rebuild it "
				 "from the store",
				 path, msg ? msg : "corrupt");
		else if (rc == EV_VERSION)
			buf_setf(&ix->msg,
				 "the index at %s was written by another "
				 "version of Xapian or evidence: run "
				 "'evidence index --rebuild'",
				 path);
		else
			buf_setf(&ix->msg, "cannot open index %s: %s", path,
				 msg ? msg : status_to_string(rc));
	}
	free(msg);
	return rc;
}

unsigned index_batch_for(unsigned doccount)
{
	unsigned b = doccount / INDEX_BATCH_PER;

	return b < INDEX_BATCH ? INDEX_BATCH
	       : b > INDEX_BATCH_MAX ? INDEX_BATCH_MAX
				     : b;
}

unsigned index_batch(const struct index *ix)
{
	return ix->batch;
}

/* Size the next batches by the documents the index holds now (written
 * or not), unless the options fixed it.  Not knowing (a failed count)
 * keeps the batch as it is. */
static void follow_size(struct index *ix)
{
	unsigned n;

	if (!ix->fixed_batch && xdb_doccount(ix->db, &n) == EV_OK)
		ix->batch = index_batch_for(n);
}

/* Two writers where two cores are online (INDEX_WRITERS in index.h). */
static unsigned default_writers(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	return cores >= INDEX_WRITERS ? INDEX_WRITERS : 1;
}

ev_status index_open(const char *dir, const struct index_options *opts,
		     struct index **out, char **msgp)
{
	struct index *ix = calloc(1, sizeof(*ix));
	char err[512];
	ev_status rc = EV_OK;
	int rebuild = opts->rebuild;

	*out = NULL;
	if (msgp)
		*msgp = NULL;
	if (!ix)
		return EV_NOMEM;
	ix->lessons = opts->lessons;
	/* Without it (out of memory) the tagger is only slower. */
	if (ix->lessons)
		ix->tag_cache = lessons_cache_new(ix->lessons);
	ix->batch = opts->batch ? opts->batch : INDEX_BATCH;
	ix->fixed_batch = opts->batch != 0;
	ix->compact = opts->compact;
	ix->dir = strdup(dir);
	if (!ix->dir) {
		rc = EV_NOMEM;
		goto out;
	}
	if (opts->synonyms) {
		rc = synonyms_parse(opts->synonyms, strlen(opts->synonyms),
				    "synonyms.conf", &ix->syn, err,
				    sizeof(err));
		if (rc) {
			buf_setf(&ix->msg, "%s",
				 rc == EV_PARSE ? err : status_to_string(rc));
			goto out;
		}
	}
	ix->stem = xdb_stem_new("english", NULL);
	if (!ix->stem) {
		rc = EV_NOMEM;
		goto out;
	}
	if (!rebuild) {
		rc = open_db(ix, dir, XDB_WRITE);
		if (!rc)
			rc = needs_rebuild(ix, &rebuild);
		if (rc)
			goto out;
	}
	if (rebuild) {
		/*
		 * Build beside the live index and swap at the end, so that
		 * searches keep working meanwhile and a failed rebuild
		 * leaves the old index as it was.  The live database stays
		 * open (and locked) until the swap.
		 */
		xdb_t *live = ix->db;

		ix->db = NULL;
		if (asprintf(&ix->build_dir, "%s.new", dir) < 0) {
			ix->build_dir = NULL;
			xdb_close(live);
			rc = EV_NOMEM;
			goto out;
		}
		remove_dir(ix->build_dir);
		rc = open_db(ix, ix->build_dir, XDB_BUILD);
		xdb_close(live);
		if (rc)
			goto out;
		ix->fresh = 1;
	}
	/* The lock is ours: segments there were left by a run that
	 * died. */
	if (asprintf(&ix->seg_dir, "%s.parts", dir) < 0) {
		ix->seg_dir = NULL;
		rc = EV_NOMEM;
		goto out;
	}
	remove_dir(ix->seg_dir);
	ix->segment = opts->segment ? opts->segment : INDEX_SEGMENT;
	ix->writers = opts->writers ? opts->writers : default_writers();
	ix->alone = opts->alone ? opts->alone
				: (ix->segment < INDEX_ALONE ? ix->segment
							     : INDEX_ALONE);
	/* Not bound to the database: the words go into the spelling data
	 * when the documents are written (write_doc()), in the thread
	 * that writes. */
	ix->tg = termgen_new();
	if (!ix->tg) {
		rc = EV_NOMEM;
		goto out;
	}
	follow_size(ix);
	rc = read_values(ix);
	if (!rc)
		rc = write_meta(ix);
	if (!rc && ix->syn) {
		rc = synonyms_install(ix->syn, ix->db);
		if (rc)
			db_fail(ix, rc, "cannot write synonyms");
	}
	if (rc)
		goto out;
	*out = ix;
	return EV_OK;
out:
	if (msgp)
		*msgp = strdup(buf_str(&ix->msg));
	if (ix->build_dir)
		remove_dir(ix->build_dir);
	index_free(ix);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */

struct doc_ctx {
	struct index *ix;
	xdb_doc_t *doc;
	ev_status rc;
};

static ev_status add_bool(xdb_doc_t *doc, const char *prefix,
			  const char *value)
{
	char term[XDB_MAX_TERM + 64];
	char *lower;
	ev_status rc;

	if (!value || !*value)
		return EV_OK;
	lower = strdup(value);
	if (!lower)
		return EV_NOMEM;
	text_ascii_lower(lower);
	field_id_term(prefix, lower, term, sizeof(term));
	rc = xdb_doc_add_boolean_term(doc, term);
	free(lower);
	return rc;
}

static ev_status add_id_term(xdb_doc_t *doc, const char *prefix,
			     const char *id)
{
	char term[XDB_MAX_TERM + 64];

	field_id_term(prefix, id, term, sizeof(term));
	return xdb_doc_add_boolean_term(doc, term);
}

static ev_status set_number(xdb_doc_t *doc, unsigned slot, double v)
{
	char buf[32];
	size_t n = xdb_sortable_serialise(v, buf);

	return xdb_doc_set_value(doc, slot, buf, n);
}

/* Add the canonical term of a synonym group (and its stemmed form, as
 * TermGenerator writes stems) to the document. */
static ev_status add_canonical(const char *canonical, void *ctx)
{
	struct doc_ctx *d = ctx;
	char stem[128], term[160];
	ev_status rc;

	rc = xdb_doc_add_term(d->doc, canonical, 1);
	if (rc)
		return rc;
	xdb_stem_word(d->ix->stem, canonical, strlen(canonical), stem,
		      sizeof(stem));
	snprintf(term, sizeof(term), "Z%s", stem);
	return xdb_doc_add_term(d->doc, term, 1);
}

/* Index TEXT into DOC with WDF and PREFIX, with the canonical words of
 * its synonyms when unprefixed.  SPLIT: ix->words holds TEXT's words
 * already. */
static ev_status index_text(struct index *ix, xdb_doc_t *doc, const char *text,
			    unsigned wdf, const char *prefix, int split)
{
	ev_status rc;

	if (!text || !*text)
		return EV_OK;
	rc = termgen_index(ix->tg, text, wdf, prefix, 1);
	if (rc) {
		buf_setf(&ix->msg, "cannot index text: %s",
			 termgen_errmsg(ix->tg));
		return rc;
	}
	if (!*prefix && ix->syn) {
		struct doc_ctx d = {ix, doc, EV_OK};

		if (!split)
			rc = wordlist_fill(&ix->words, text);
		if (!rc)
			rc = synonyms_scan_words(ix->syn, &ix->words,
						 add_canonical, &d);
	}
	if (!rc)
		rc = termgen_skip(ix->tg, 100);
	return rc;
}

/* The filter terms and values of a work's document. */
static ev_status add_filters(struct index *ix, xdb_doc_t *doc,
			     const struct record *rec)
{
	char year[16];
	ev_status rc;
	int et;

	rc = add_id_term(doc, PREFIX_WORK, rec->id);
	if (!rc)
		rc = add_bool(doc, PREFIX_TYPE, rec->evidence_type);
	if (!rc && rec->issued.year) {
		snprintf(year, sizeof(year), "%d", rec->issued.year);
		rc = add_bool(doc, PREFIX_YEAR, year);
		if (!rc)
			rc = set_number(doc, SLOT_YEAR, rec->issued.year);
	}
	if (!rc)
		rc = add_bool(doc, PREFIX_DOI, rec->doi);
	if (!rc)
		rc = add_bool(doc, PREFIX_PMID, rec->pmid);
	for (size_t i = 0; !rc && i < rec->n_provenance; i++)
		rc = add_bool(doc, PREFIX_SOURCE, rec->provenance[i].source);
	if (!rc)
		rc = xdb_doc_set_value(doc, SLOT_WORK_ID, rec->id,
				       strlen(rec->id));
	et = evidence_type_lookup(rec->evidence_type ? rec->evidence_type
						     : "other");
	if (!rc)
		rc = set_number(
		    doc, SLOT_TYPE_PRIOR,
		    evidence_type_prior(et < 0 ? ET_OTHER
					       : (enum evidence_type)et));
	for (size_t i = 0; !rc && i < rec->n_authors; i++) {
		const struct author *a = &rec->authors[i];
		struct buf name = BUF_INIT;

		rc = buf_printf(&name, "%s %s %s", a->given ? a->given : "",
				a->family ? a->family : "",
				a->literal ? a->literal : "");
		if (!rc)
			rc = termgen_index(ix->tg, name.ptr, 1, PREFIX_AUTHOR,
					   0);
		buf_release(&name);
	}
	if (!rc)
		rc = termgen_index(ix->tg, rec->title ? rec->title : "", 1,
				   PREFIX_TITLE, 0);
	return rc;
}

/* Strength of each lesson in each passage, and the maximum per lesson
 * over the work. */
struct work_tags {
	struct lesson_tags *per_passage;
	double *max;
	size_t n_lessons;
};

static ev_status work_tags_init(struct work_tags *wt, const struct index *ix,
			     size_t n_passages)
{
	wt->n_lessons = lessons_count(ix->lessons);
	wt->per_passage = calloc(n_passages + 1, sizeof(*wt->per_passage));
	wt->max = calloc(wt->n_lessons + 1, sizeof(double));
	if (!wt->per_passage || !wt->max)
		return EV_NOMEM;
	for (size_t i = 0; i < n_passages; i++)
		lesson_tags_init(&wt->per_passage[i]);
	return EV_OK;
}

/* Passage I of REC into DOC: its text split into words once, for its
 * lessons (into WT) and for the synonyms beside the term generator. */
static ev_status index_passage(struct index *ix, xdb_doc_t *doc,
			       const struct record *rec, size_t i,
			       struct work_tags *wt)
{
	const struct passage *p = &rec->passages[i];
	struct lesson_tags *t = &wt->per_passage[i];
	ev_status rc = index_text(ix, doc, p->section, 1, "", 0);

	if (!rc)
		rc = wordlist_fill(&ix->words, p->text ? p->text : "");
	if (!rc)
		rc = lessons_tag_words(ix->lessons, &ix->words, ix->tag_cache,
				       1.0, t);
	if (rc) {
		buf_setf(&ix->msg, "cannot tag passages of %s", rec->id);
		return rc;
	}
	for (size_t k = 0; k < t->n; k++)
		if (t->v[k].strength > wt->max[t->v[k].lesson])
			wt->max[t->v[k].lesson] = t->v[k].strength;
	return index_text(ix, doc, p->text, 1, "", 1);
}

static void work_tags_release(struct work_tags *wt, size_t n_passages)
{
	if (wt->per_passage)
		for (size_t i = 0; i < n_passages; i++)
			lesson_tags_release(&wt->per_passage[i]);
	free(wt->per_passage);
	free(wt->max);
}

/* The lesson terms and strength values for one document. */
static ev_status add_lessons(struct index *ix, xdb_doc_t *doc,
			     const double *strength)
{
	double best = 0;
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < lessons_count(ix->lessons); i++) {
		if (strength[i] <= 0)
			continue;
		char text[32], term[XDB_MAX_TERM + 64];

		rc =
		    add_bool(doc, PREFIX_LESSON, lessons_name(ix->lessons, i));
		if (!rc)
			rc = set_number(doc, SLOT_LESSON_BASE + (unsigned)i,
					strength[i]);
		field_strength_text(strength[i], text, sizeof(text));
		field_lesson_value_term(lessons_name(ix->lessons, i), text,
					term, sizeof(term));
		if (!rc)
			rc = xdb_doc_add_boolean_term(doc, term);
		if (strength[i] > best)
			best = strength[i];
	}
	if (!rc && best > 0)
		rc = set_number(doc, SLOT_LESSON_MAX, best);
	return rc;
}

/*
 * The data of a work's document, for result lists (schema 5, which the
 * binding keeps packed with LZ4 in a value slot): a JSON head,
 * {"record": the record in the store's JSON form without its abstract,
 * passages, provenance and links}, then a NUL, then for each passage
 * three strings, each ended by a NUL: its section ("" for none), its
 * text, and the lessons it carries as "INDEX:STRENGTH" pairs (the
 * lesson's index in the taxonomy, the strength as "%.6g"), blank-
 * separated ("" for none).  A search reads the data of every hit; left
 * out of the JSON, the passages (nine tenths of the bytes) and their
 * lessons (schema 4 had them in it: four fifths of its values) cost it
 * no parsing.
 */
static ev_status work_data(const struct record *rec,
			   const struct work_tags *wt, struct buf *out)
{
	struct record brief;
	char *json = NULL;
	ev_status rc;

	/* A shallow copy with the bulky parts left out; nothing is freed
	 * through it. */
	brief = *rec;
	brief.passages = NULL;
	brief.n_passages = 0;
	brief.abstract = NULL;
	brief.provenance = NULL;
	brief.n_provenance = 0;
	strvec_init(&brief.cites);
	strvec_init(&brief.cited_by);
	brief.relations = NULL;
	brief.n_relations = 0;
	rc = record_to_json(&brief, &json);
	if (!rc)
		rc = buf_addstr(out, "{\"record\":");
	if (!rc)
		rc = buf_addstr(out, json);
	if (!rc)
		rc = buf_add(out, "}", 2);
	for (size_t i = 0; !rc && i < rec->n_passages; i++) {
		const struct passage *p = &rec->passages[i];
		const char *section = p->section ? p->section : "";
		const struct lesson_tags *t = &wt->per_passage[i];

		rc = buf_add(out, section, strlen(section) + 1);
		if (!rc)
			rc = buf_add(out, p->text, strlen(p->text) + 1);
		for (size_t k = 0; !rc && k < t->n; k++)
			rc = buf_printf(out, "%s%zu:%.6g", k ? " " : "",
					t->v[k].lesson, t->v[k].strength);
		if (!rc)
			rc = buf_add(out, "", 1);
	}
	free(json);
	return rc;
}

/* SLOT_COUNTS: the number of passages, then how many carry each
 * lesson. */
static ev_status set_counts(struct index *ix, xdb_doc_t *doc,
			    const struct record *rec,
			    const struct work_tags *wt)
{
	size_t n = lessons_count(ix->lessons);
	unsigned long *count = calloc(n + 1, sizeof(*count));
	struct buf b = BUF_INIT;
	ev_status rc;

	if (!count)
		return EV_NOMEM;
	for (size_t i = 0; i < rec->n_passages; i++)
		for (size_t k = 0; k < wt->per_passage[i].n; k++)
			count[wt->per_passage[i].v[k].lesson]++;
	rc = buf_printf(&b, "%zu", rec->n_passages);
	for (size_t i = 0; !rc && i < n; i++)
		rc = buf_printf(&b, " %lu", count[i]);
	if (!rc)
		rc = xdb_doc_set_value(doc, SLOT_COUNTS, b.ptr, b.len);
	buf_release(&b);
	free(count);
	return rc;
}

/*
 * The SLOT_HASH value: the work's content hash, then, when known, a space
 * and the stamp of the record file it was read from (store.h), which lets
 * the next run tell the file unchanged without reading it.
 */
static ev_status set_hash(xdb_doc_t *doc, const char *hash, const char *stamp)
{
	char v[65 + STORE_STAMP_MAX];
	int n = snprintf(v, sizeof(v), "%s%s%s", hash,
			 stamp && *stamp ? " " : "", stamp ? stamp : "");

	return xdb_doc_set_value(doc, SLOT_HASH, v, (size_t)n);
}

/* The document of REC, in *DOCP (not yet written); its passages'
 * lessons in WT. */
static ev_status make_work_doc(struct index *ix, const struct record *rec,
			       struct work_tags *wt, const char *hash,
			       const char *stamp, xdb_doc_t **docp)
{
	xdb_doc_t *doc = xdb_doc_new();
	struct buf data = BUF_INIT;
	ev_status rc;

	if (!doc)
		return EV_NOMEM;
	rc = termgen_start(ix->tg, doc);
	if (!rc)
		rc = add_id_term(doc, PREFIX_ID, rec->id);
	if (!rc)
		rc = xdb_doc_add_boolean_term(doc, PREFIX_KIND "work");
	if (!rc)
		rc = add_filters(ix, doc, rec);
	/* Free text: the title counts most; names and the journal are
	 * searchable with and without their field prefix. */
	if (!rc)
		rc = index_text(ix, doc, rec->title, 3, "", 0);
	for (size_t i = 0; !rc && i < rec->n_authors; i++) {
		const struct author *a = &rec->authors[i];

		rc = index_text(ix, doc, a->family ? a->family : a->literal, 1,
				"", 0);
	}
	if (!rc)
		rc = index_text(ix, doc, rec->container_title, 1,
				PREFIX_JOURNAL, 0);
	for (size_t i = 0; !rc && i < rec->keywords.n; i++) {
		rc = index_text(ix, doc, rec->keywords.v[i], 1, PREFIX_KEYWORD,
				0);
		if (!rc)
			rc = index_text(ix, doc, rec->keywords.v[i], 1, "", 0);
	}
	/* A work with no passages is found by its abstract, if any. */
	if (!rc && rec->n_passages == 0)
		rc = index_text(ix, doc, rec->abstract, 1, "", 0);
	/* The passages, in order; index_text() leaves a gap after each. */
	for (size_t i = 0; !rc && i < rec->n_passages; i++)
		rc = index_passage(ix, doc, rec, i, wt);
	/* The stem terms, counted over the whole text; either way the
	 * term generator lets go of the document, which the writer thread
	 * will add and free. */
	if (!rc) {
		rc = termgen_finish(ix->tg);
		if (rc)
			buf_setf(&ix->msg, "cannot index text: %s",
				 termgen_errmsg(ix->tg));
	} else {
		termgen_start(ix->tg, NULL);
	}
	/* Now the strongest of each lesson over the passages is known. */
	if (!rc)
		rc = add_lessons(ix, doc, wt->max);
	if (!rc)
		rc = set_counts(ix, doc, rec, wt);
	if (!rc)
		rc = set_hash(doc, hash, stamp);
	if (!rc)
		rc = work_data(rec, wt, &data);
	if (!rc)
		rc = xdb_doc_set_data(doc, data.ptr, data.len);
	/* Its words for the spelling data, walked here rather than by
	 * the writer, which only sums them (write_doc()). */
	if (!rc)
		rc = xdb_doc_gather_spellings(doc);
	if (rc && !buf_str(&ix->msg)[0])
		buf_setf(&ix->msg, "cannot build the document for %s: %s",
			 rec->id, xdb_doc_errmsg(doc));
	buf_release(&data);
	if (rc)
		xdb_doc_free(doc);
	else
		*docp = doc;
	return rc;
}

/* Tag REC's passages and build its document into *DOCP.  Touches
 * neither the database nor anything a writer uses: only IX's term
 * generator, stemmer, synonyms, taxonomy, word list, tag cache and
 * message. */
static ev_status build_work(struct index *ix, const struct record *rec,
			    const char *hash, const char *stamp,
			    xdb_doc_t **docp)
{
	struct work_tags wt = {0};
	ev_status rc;

	*docp = NULL;
	rc = work_tags_init(&wt, ix, rec->n_passages);
	if (!rc)
		rc = make_work_doc(ix, rec, &wt, hash, stamp, docp);
	work_tags_release(&wt, rec->n_passages);
	return rc;
}

/* Write DOC, a work's whole document, and its words into the spelling
 * data.  A work is one document, so a run killed at any moment leaves
 * each work either indexed whole or not at all; its words may wait for
 * the run's last commit (xdb_commit_batch()), and a killed run's are
 * caught up by the next. */
static ev_status write_doc(struct index *ix, xdb_doc_t *doc,
			   const char *idterm)
{
	ev_status rc = xdb_add_spellings(ix->db, doc);

	if (!rc)
		rc = idterm ? xdb_replace_document(ix->db, idterm, doc)
			    : xdb_add_document(ix->db, doc, NULL);
	if (!rc)
		rc = note_values(ix, doc);
	if (rc)
		return db_fail(ix, rc, "cannot add a document");
	return EV_OK;
}

/* The folder of a fresh build's K-th later segment, DIR.parts/K, or the
 * second writer's (LANE 1) K-th, DIR.parts/bK (malloc'd), or NULL
 * without memory. */
static char *segment_path(const struct index *ix, unsigned lane, unsigned k)
{
	char name[16];

	snprintf(name, sizeof(name), lane ? "b%u" : "%u", k);
	return fs_join(ix->seg_dir, name);
}

/*
 * Commit IX's database whole (WHOLE) or as a batch.  A commit that hands
 * Xapian the spelling words waiting takes the most memory, as Xapian
 * holds every fragment of every word until it writes them, so two
 * writers never take one at once (ix->flush_lock): `add` of 100,000
 * pages peaked at 281 MB when they could, 201 MB when they could not,
 * and 173 MB with one writer (bench/RESULTS.md, change 82).  Their
 * segments end by turns (next_segment()), so neither waits long.
 */
static ev_status commit_db(struct index *ix, int whole)
{
	int turn = ix->flush_lock && (whole || xdb_commit_flushes(ix->db));
	ev_status rc;

	if (turn)
		pthread_mutex_lock(ix->flush_lock);
	rc = whole ? xdb_commit(ix->db) : xdb_commit_batch(ix->db);
	if (turn)
		pthread_mutex_unlock(ix->flush_lock);
	return rc;
}

/*
 * Start the next segment of a fresh build: commit the current one whole
 * (its spelling words too), keep the first open, and write on into a new
 * database in ix->seg_dir.  On failure the current one stays current.
 * The second writer has no current one at the start, and keeps none of
 * its own open.
 */
static ev_status next_segment(struct index *ix)
{
	char *path;
	xdb_t *db = ix->db;
	ev_status rc = EV_OK;

	if (db && !(rc = write_values(ix)))
		rc = commit_db(ix, 1);
	if (rc)
		return db_fail(ix, rc, "cannot commit the index");
	if (!ix->first && mkdir(ix->seg_dir, 0777) < 0 && errno != EEXIST) {
		buf_setf(&ix->msg, "cannot make %s: %s", ix->seg_dir,
			 strerror(errno));
		return status_from_errno(errno);
	}
	path = segment_path(ix, ix->lane, ix->n_segs + 1);
	if (!path)
		return EV_NOMEM;
	rc = open_db(ix, path, XDB_BUILD);
	free(path);
	if (rc) {
		ix->db = db;
		return rc;
	}
	if (!ix->first && !ix->lane)
		ix->first = db;
	else
		xdb_close(db);
	ix->n_segs++;
	/* The second writer's first segment is half one: the two fill
	 * theirs at the same pace, and so end them by turns. */
	ix->seg_works = ix->lane && ix->n_segs == 1 ? ix->segment / 2 : 0;
	ix->pending = 0;
	follow_size(ix);
	return EV_OK;
}

/* Count one more work written; commit every ix->batch of them. */
static ev_status maybe_commit(struct index *ix)
{
	ev_status rc;

	ix->seg_works++;
	if (++ix->pending < ix->batch)
		return EV_OK;
	ix->pending = 0;
	/* The strengths go with the documents that hold them. */
	rc = write_values(ix);
	if (!rc)
		rc = commit_db(ix, 0);
	if (rc)
		return db_fail(ix, rc, "cannot commit the index");
	follow_size(ix);
	return EV_OK;
}

/* The SLOT_HASH value of work ID's document in *VALUEP, and the document
 * in *DOCP; both NULL when the index has no document for ID. */
static ev_status indexed_doc(struct index *ix, const char *id, char **valuep,
			     xdb_doc_t **docp)
{
	char term[XDB_MAX_TERM + 64];
	ev_status rc;

	*valuep = NULL;
	field_id_term(PREFIX_ID, id, term, sizeof(term));
	rc = xdb_find_document(ix->db, term, docp);
	if (rc == EV_NOT_FOUND)
		return EV_OK;
	if (!rc)
		rc = xdb_doc_get_value(*docp, SLOT_HASH, valuep, NULL);
	if (rc)
		return db_fail(ix, rc, "cannot read the index");
	return EV_OK;
}

/* The length of the content hash at the head of V, a SLOT_HASH value of
 * LEN bytes (set_hash()); a stamp, if any, starts one byte further. */
static size_t hash_part(const char *v, size_t len)
{
	const char *blank = memchr(v, ' ', len);

	return blank ? (size_t)(blank - v) : len;
}

/* Does the SLOT_HASH value V hold HASH?  STAMPP gets what follows it:
 * the stamp, or "". */
static int same_hash(const char *v, const char *hash, const char **stampp)
{
	size_t len = strlen(v), n = hash_part(v, len);

	*stampp = n < len ? v + n + 1 : "";
	return n == strlen(hash) && strncmp(v, hash, n) == 0;
}

/*
 * Put STAMP on DOC, work ID's document (content HASH), whose content is
 * unchanged but whose record file is not the one it was read from (a
 * copied collection, or a document indexed before stamps): the next run
 * then skips the file unread.  Only a value changes, far cheaper than
 * indexing the work again: restamping 100,000 works took 60 s, reading
 * their files included, where a rebuild takes 130 s.
 */
static ev_status restamp(struct index *ix, xdb_doc_t *doc, const char *id,
			 const char *hash, const char *stamp)
{
	char term[XDB_MAX_TERM + 64];
	ev_status rc;

	field_id_term(PREFIX_ID, id, term, sizeof(term));
	rc = set_hash(doc, hash, stamp);
	if (!rc)
		rc = xdb_replace_document(ix->db, term, doc);
	if (rc)
		return db_fail(ix, rc, "cannot update the index");
	return maybe_commit(ix);
}

static int cmp_known(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->id,
		      ((const struct known *)b)->id);
}

static int cmp_stamp(const void *a, const void *b)
{
	return strcmp((*(struct known *const *)a)->stamp,
		      (*(struct known *const *)b)->stamp);
}

/* The first work whose stamp starts with the first N bytes of STAMP, or
 * NULL.  Stamps that share a beginning sort together, so it is the first
 * one not below it. */
static struct known *stamp_from(struct index *ix, const char *stamp, size_t n)
{
	size_t lo = 0, hi = ix->n_by_stamp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(ix->by_stamp[mid]->stamp, stamp, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n_by_stamp &&
	    strncmp(ix->by_stamp[lo]->stamp, stamp, n) == 0)
		return ix->by_stamp[lo];
	return NULL;
}

/* The work whose record file has STAMP, or NULL. */
static struct known *find_stamp(struct index *ix, const char *stamp)
{
	return stamp_from(ix, stamp, strlen(stamp) + 1);
}

/* The work last indexed from the record file STAMP names (the part up to
 * its blank), whatever that file's stamp was then; NULL if none. */
static struct known *find_file(struct index *ix, const char *stamp)
{
	return stamp_from(ix, stamp, strcspn(stamp, " ") + 1);
}

static struct known *find_known(struct index *ix, const char *id)
{
	struct known key;

	if (!ix->n_known)
		return NULL;
	key.id = (char *)id;
	return bsearch(&key, ix->known, ix->n_known, sizeof(key), cmp_known);
}

struct known_load {
	struct index *ix;
	size_t alloc, next;
	ev_status rc;
};

/* First pass: the content hash of every work document, in docid order. */
static int load_hash(unsigned docid, const char *value, size_t len,
		     void *arg)
{
	struct known_load *l = arg;
	struct index *ix = l->ix;
	size_t hash_len = hash_part(value, len);
	struct known *k;

	if (ix->n_known == l->alloc) {
		size_t n = l->alloc ? 2 * l->alloc : 1024;

		k = realloc(ix->known, n * sizeof(*k));
		if (!k) {
			l->rc = EV_NOMEM;
			return 1;
		}
		ix->known = k;
		l->alloc = n;
	}
	k = &ix->known[ix->n_known++];
	k->id = NULL;
	k->stamp = NULL;
	k->docid = docid;
	k->seen = 0;
	snprintf(k->hash, sizeof(k->hash), "%.*s", (int)hash_len, value);
	if (hash_len < len) {
		k->stamp = strndup(value + hash_len + 1, len - hash_len - 1);
		if (!k->stamp) {
			l->rc = EV_NOMEM;
			return 1;
		}
	}
	return 0;
}

/* Second pass: the ids, matched to the first by docid (both ascend). */
static int load_id(unsigned docid, const char *value, size_t len, void *arg)
{
	struct known_load *l = arg;
	struct index *ix = l->ix;

	while (l->next < ix->n_known && ix->known[l->next].docid < docid)
		l->next++;
	if (l->next == ix->n_known)
		return 1;
	if (ix->known[l->next].docid == docid) {
		ix->known[l->next].id = strndup(value, len);
		if (!ix->known[l->next].id) {
			l->rc = EV_NOMEM;
			return 1;
		}
	}
	return 0;
}

/*
 * Read every work's id and content hash from two value streams: two
 * sequential passes instead of a document lookup per record, which was
 * most of the time of an "evidence index" with nothing to do.
 */
static ev_status load_known(struct index *ix)
{
	struct known_load l = {ix, 0, 0, EV_OK};
	size_t kept = 0;
	ev_status rc;

	rc = xdb_valuestream(ix->db, SLOT_HASH, load_hash, &l);
	if (!rc)
		rc = l.rc;
	if (!rc)
		rc = xdb_valuestream(ix->db, SLOT_WORK_ID, load_id, &l);
	if (!rc)
		rc = l.rc;
	if (rc) {
		known_release(ix);
		if (rc == EV_NOMEM) {
			buf_setf(&ix->msg, "out of memory");
			return rc;
		}
		return db_fail(ix, rc, "cannot read the index");
	}
	/* A hash without an id cannot be matched to a record: drop it. */
	for (size_t i = 0; i < ix->n_known; i++) {
		if (ix->known[i].id)
			ix->known[kept++] = ix->known[i];
		else
			free(ix->known[i].stamp);
	}
	ix->n_known = kept;
	if (ix->n_known > 1)
		qsort(ix->known, ix->n_known, sizeof(*ix->known), cmp_known);
	ix->by_stamp = malloc((ix->n_known + 1) * sizeof(*ix->by_stamp));
	if (!ix->by_stamp) {
		known_release(ix);
		buf_setf(&ix->msg, "out of memory");
		return EV_NOMEM;
	}
	for (size_t i = 0; i < ix->n_known; i++)
		if (ix->known[i].stamp)
			ix->by_stamp[ix->n_by_stamp++] = &ix->known[i];
	if (ix->n_by_stamp > 1)
		qsort(ix->by_stamp, ix->n_by_stamp, sizeof(*ix->by_stamp),
		      cmp_stamp);
	ix->have_known = 1;
	return EV_OK;
}

/*
 * Does the index hold work ID with content HASH already (*SAMEP)?  From
 * the table index_sync() read, or from the database; *KP is the work's
 * entry in that table, if any.  A work that is the same but was read from
 * another record file than STAMP names is restamped.  A fresh index holds
 * nothing.
 */
static ev_status check_indexed(struct index *ix, const char *id,
			       const char *hash, const char *stamp,
			       int *samep, struct known **kp)
{
	xdb_doc_t *old = NULL;
	const char *old_stamp = "";
	char *value = NULL;
	struct known *k = NULL;
	ev_status rc = EV_OK;
	int same = 0;

	if (ix->fresh) {
		/* nothing to compare with */
	} else if (ix->have_known) {
		k = find_known(ix, id);
		if (k) {
			k->seen = 1;
			same = !strcmp(k->hash, hash);
			old_stamp = k->stamp ? k->stamp : "";
		}
	} else {
		rc = indexed_doc(ix, id, &value, &old);
		same = !rc && value && same_hash(value, hash, &old_stamp);
	}
	if (!rc && same && *stamp && strcmp(old_stamp, stamp)) {
		if (!old && (rc = xdb_get_document(ix->db, k->docid, &old)))
			rc = db_fail(ix, rc, "cannot read the index");
		if (!rc)
			rc = restamp(ix, old, id, hash, stamp);
	}
	free(value);
	xdb_doc_free(old);
	*samep = same;
	*kp = k;
	return rc;
}

/* Write DOC, the document of work ID, in place of the one the index has,
 * if any, or as a new document when ID is NULL (a fresh index has none);
 * commit every ix->batch works, and begin a fresh build's next segment
 * when this one is full. */
static ev_status put_work(struct index *ix, const char *id, xdb_doc_t *doc)
{
	char term[XDB_MAX_TERM + 64];
	ev_status rc;

	if (id) {
		field_id_term(PREFIX_ID, id, term, sizeof(term));
		ix->rewritten |= ix->fresh;
	}
	if (ix->fresh && (ix->seg_works >= ix->segment || !ix->db) &&
	    (rc = next_segment(ix)) != EV_OK)
		return rc;
	rc = write_doc(ix, doc, id ? term : NULL);
	if (!rc)
		rc = maybe_commit(ix);
	return rc;
}

ev_status index_record(struct index *ix, const struct record *rec,
		       const char *stamp, int *changed)
{
	xdb_doc_t *doc = NULL;
	char hash[65];
	struct known *k = NULL;
	int same = 0;
	ev_status rc;

	if (changed)
		*changed = 0;
	if (!stamp)
		stamp = "";
	buf_reset(&ix->msg);
	rc = record_content_hash(rec, hash);
	if (!rc)
		rc = check_indexed(ix, rec->id, hash, stamp, &same, &k);
	if (rc || same)
		return rc;
	rc = build_work(ix, rec, hash, stamp, &doc);
	if (!rc)
		rc = put_work(ix, ix->fresh ? NULL : rec->id, doc);
	if (!rc) {
		if (changed)
			*changed = 1;
		if (k)
			memcpy(k->hash, hash, sizeof(k->hash));
	}
	xdb_doc_free(doc);
	return rc;
}

ev_status index_ids(struct index *ix, struct store *s,
		    const struct strvec *ids, struct index_counts *counts)
{
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < ids->n; i++) {
		struct record rec;
		char stamp[STORE_STAMP_MAX];
		int changed = 0;

		record_init(&rec);
		rc = store_get(s, ids->v[i], &rec, stamp);
		if (rc)
			buf_setf(&ix->msg, "%s", store_errmsg(s));
		else
			rc = index_record(ix, &rec, stamp, &changed);
		if (!rc) {
			counts->works++;
			if (changed) {
				counts->indexed++;
				counts->passages += rec.n_passages;
			} else {
				counts->unchanged++;
			}
		}
		record_release(&rec);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Synchronising with the store                                        */

struct sync_ctx {
	struct index *ix;
	struct store *store;
	struct index_counts *counts;
	index_warn_fn warn;
	index_progress_fn progress;
	void *ctx;
};

static ev_status sync_one(const char *path, void *arg)
{
	struct sync_ctx *s = arg;
	struct record rec;
	char stamp[STORE_STAMP_MAX];
	struct known *k;
	ev_status rc;
	int changed = 0;

	/* A file with the stamp it had when last indexed is unchanged: no
	 * need to read it.  Otherwise the stamp, taken before the read as
	 * store_read_file() would take it, goes with what is read. */
	if (store_stamp(path, stamp)) {
		stamp[0] = '\0';
	} else if ((k = find_stamp(s->ix, stamp)) != NULL) {
		k->seen = 1;
		s->counts->works++;
		s->counts->unchanged++;
		if (s->progress)
			s->progress(s->counts->works, s->ctx);
		return EV_OK;
	}
	record_init(&rec);
	rc = store_read_file(s->store, path, &rec, NULL);
	if (rc == EV_CORRUPT || rc == EV_NOT_FOUND) {
		/* One bad file does not stop the others, and the work it
		 * held stays indexed as it was until the file is mended. */
		s->counts->failed++;
		if (stamp[0] && (k = find_file(s->ix, stamp)) != NULL)
			k->seen = 1;
		if (s->warn)
			s->warn(store_errmsg(s->store), s->ctx);
		record_release(&rec);
		return EV_OK;
	}
	if (!rc) {
		s->counts->works++;
		rc = index_record(s->ix, &rec, stamp, &changed);
	}
	if (!rc) {
		if (changed) {
			s->counts->indexed++;
			s->counts->passages += rec.n_passages;
		} else {
			s->counts->unchanged++;
		}
		if (s->progress)
			s->progress(s->counts->works, s->ctx);
	}
	record_release(&rec);
	return rc;
}

/*
 * Threads share a build between the cores: a reader parses each record,
 * tags its passages and builds its document, while a writer, Xapian's
 * single writer, adds the documents and commits.  The reader works on a
 * shallow copy of the index that shares the term generator, stemmer,
 * synonyms and taxonomy (which only it uses meanwhile) but has its own
 * message buffer; documents change hands through a bounded queue and are
 * never touched by two threads at once.
 *
 * A fresh build has a lane for each writer (ix->writers, at most
 * LANES): the second writes segments of its own (DIR.parts/bN), through
 * its own copy of the index.  The first ix->alone works go to the first
 * writer, so that a small build needs no merge; each work after them
 * goes to the lane its id hashes to (index_shard_of()), so that a
 * work fed twice after that is written twice by the same writer, in
 * order, and index_close() merges the second's segments after the
 * first's.  The writer is most of a build's work (bench/RESULTS.md), and
 * Xapian's writers share nothing.
 *
 * A fresh build (sync_fresh()) reads every record file of the store and
 * writes the first lane in the calling thread.  A feed
 * (index_feed_start()) reads the works it is told of as a harvest stores
 * them, and writes in threads of its own: the caller's thread is the
 * harvest's.
 */
#define LANES 2
#define QUEUE_LEN 64
#define FEED_LEN 1024
#define FEED_BYTES (32u * 1024 * 1024)

enum job_kind { JOB_WORK, JOB_UNREADABLE, JOB_FAILED, JOB_END };

struct job {
	enum job_kind kind;
	unsigned lane;	/* the writer's: 0 but for JOB_WORK and JOB_END */
	xdb_doc_t *doc; /* NULL for a fed work the last commit has as read */
	char *id; /* fed works: written in place of the indexed one */
	char hash[65];
	char stamp[STORE_STAMP_MAX];
	unsigned long passages;
	char *msg; /* JOB_UNREADABLE, JOB_FAILED */
	ev_status rc;
};

/* A bounded queue of pointers, used under the pipeline's lock. */
struct ring {
	void **v;
	size_t cap, head, len;
};

static void ring_put(struct ring *r, void *x)
{
	r->v[(r->head + r->len++) % r->cap] = x;
}

static void *ring_take(struct ring *r)
{
	void *x = r->v[r->head];

	r->head = (r->head + 1) % r->cap;
	r->len--;
	return x;
}

struct pipeline {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* Each lane's jobs (struct job *, QUEUE_LEN at most). */
	struct ring jobs[LANES];
	void *jobs_v[LANES][QUEUE_LEN];
	unsigned lanes;
	int stop;	   /* a writer gave up: the others stop too */
	int writer_failed; /* and that writer has said why */
	int reader_failed; /* queue_record() queued a failure (reader only) */
	unsigned long queued; /* works queued (reader only) */
	atomic_ulong done;    /* works the writers have taken, for progress */
	/* The second lane's writer: its copy of the index, its counts and
	 * its status, when LANES is 2. */
	struct index second;
	struct index_counts second_counts;
	ev_status second_rc;
	pthread_t second_thread;
	pthread_mutex_t flush_lock; /* the writers' turns (commit_db()) */
	index_progress_fn progress;
	void *progress_ctx;
	struct index reader; /* the reader's view of the index */
	struct store *store;
	/* A feed's works named and not yet read (struct fed *), and
	 * whether index_feed_finish() said there are no more. */
	struct ring ids;
	void *ids_v[FEED_LEN];
	int ids_end;
	/* Text the records among them hold (record_text_size()), the most
	 * it has been, and the most it may be (FEED_BYTES). */
	size_t fed_bytes, fed_peak, fed_max;
	/* The reader's own read-only handle on the index as last committed
	 * (a feed of a live index): a work it holds with the same content
	 * gets no document. */
	xdb_t *view;
	/* The writer's: works sent without a document that the index it
	 * writes no longer holds the same (this run changed them), indexed
	 * at the end. */
	struct strvec redo;
};

/* A work named to a feed: its id and, when the harvest had it, the
 * record as written. */
struct fed {
	char *id;
	struct record *rec;
	size_t bytes; /* record_text_size() of REC */
};

static void fed_free(struct fed *w)
{
	if (!w)
		return;
	free(w->id);
	record_free(w->rec);
	free(w);
}

static void pipeline_init(struct pipeline *p, const struct index *ix,
			  struct store *s)
{
	memset(p, 0, sizeof(*p));
	for (unsigned k = 0; k < LANES; k++) {
		p->jobs[k].v = p->jobs_v[k];
		p->jobs[k].cap = QUEUE_LEN;
	}
	p->lanes = 1;
	atomic_init(&p->done, 0);
	p->ids.v = p->ids_v;
	p->ids.cap = FEED_LEN;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->flush_lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	p->reader = *ix;
	buf_init(&p->reader.msg, 0);
	p->reader.words = (struct wordlist)WORDLIST_INIT;
	p->reader.tag_cache =
	    ix->lessons ? lessons_cache_new(ix->lessons) : NULL;
	p->store = s;
	strvec_init(&p->redo);
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	xdb_doc_free(j->doc);
	free(j->id);
	free(j->msg);
	free(j);
}

/* After both threads have ended: what they left queued, and the rest. */
static void pipeline_release(struct pipeline *p)
{
	for (unsigned k = 0; k < LANES; k++)
		while (p->jobs[k].len)
			job_free(ring_take(&p->jobs[k]));
	while (p->ids.len)
		fed_free(ring_take(&p->ids));
	xdb_close(p->view);
	strvec_release(&p->redo);
	buf_release(&p->reader.msg);
	wordlist_release(&p->reader.words);
	lessons_cache_free(p->reader.tag_cache);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->flush_lock);
	pthread_mutex_destroy(&p->lock);
}

/* Tell the other threads to give up. */
static void pipeline_stop(struct pipeline *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

/* A writer gave up, and has said why: the other threads stop too. */
static void writer_failed(struct pipeline *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = p->writer_failed = 1;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

/* Queue J in its lane (the reader's side); 0 when a writer has
 * stopped. */
static int put_job(struct pipeline *p, struct job *j)
{
	struct ring *r = &p->jobs[j->lane];
	int ok;

	pthread_mutex_lock(&p->lock);
	while (r->len == r->cap && !p->stop)
		pthread_cond_wait(&p->changed, &p->lock);
	ok = !p->stop;
	if (ok) {
		ring_put(r, j);
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	if (!ok)
		job_free(j);
	return ok;
}

/* The next job of LANE (a writer's side); NULL when the queue is empty
 * and another thread has stopped: the reader without an end job (out of
 * memory), or the other writer: *INTERRUPTED is then 1. */
static struct job *take_job(struct pipeline *p, unsigned lane,
			    int *interrupted)
{
	struct ring *r = &p->jobs[lane];
	struct job *j = NULL;

	pthread_mutex_lock(&p->lock);
	while (r->len == 0 && !p->stop)
		pthread_cond_wait(&p->changed, &p->lock);
	if (r->len) {
		j = ring_take(r);
		pthread_cond_broadcast(&p->changed);
	}
	*interrupted = !j && p->writer_failed;
	pthread_mutex_unlock(&p->lock);
	return j;
}

/*
 * Does the index as last committed hold work ID with content HASH?  Asked
 * through the reader's own handle (the writer's is not to be shared); a
 * commit of the writer's that overtakes the handle's revision is caught
 * up with.  Whatever cannot be told is a no: the work is then built, and
 * the writer compares.
 */
static int committed_same(struct pipeline *p, const char *id,
			  const char *hash)
{
	char term[XDB_MAX_TERM + 64];
	xdb_doc_t *doc = NULL;
	char *value = NULL;
	const char *stamp;
	ev_status rc = EV_MODIFIED;
	int same;

	field_id_term(PREFIX_ID, id, term, sizeof(term));
	for (int tries = 0; rc == EV_MODIFIED && tries < 3; tries++) {
		if (tries)
			xdb_reopen(p->view);
		xdb_doc_free(doc);
		doc = NULL;
		rc = xdb_find_document(p->view, term, &doc);
		if (!rc)
			rc = xdb_doc_get_value(doc, SLOT_HASH, &value, NULL);
	}
	same = !rc && value && same_hash(value, hash, &stamp);
	free(value);
	xdb_doc_free(doc);
	return same;
}

/* Build the document of REC, read with status RC, into J and queue it
 * (the reader's side).  Returns EV_INTERRUPTED when the writer has
 * stopped, else the status of the build. */
static ev_status queue_record(struct pipeline *p, struct job *j, ev_status rc,
			      struct record *rec)
{
	struct index *ix = &p->reader;

	if (rc == EV_CORRUPT || rc == EV_NOT_FOUND) {
		j->kind = JOB_UNREADABLE;
		j->msg = strdup(store_errmsg(p->store));
		rc = EV_OK;
		goto out;
	}
	buf_reset(&ix->msg);
	if (!rc)
		rc = record_content_hash(rec, j->hash);
	if (!rc && !(j->id && p->view && committed_same(p, j->id, j->hash)))
		rc = build_work(ix, rec, j->hash, j->stamp, &j->doc);
	j->passages = rec->n_passages;
out:
	/* A fed work by the id it was fed by, as the writer writes it. */
	if (!rc && j->kind == JOB_WORK && p->lanes > 1 &&
	    p->queued++ >= ix->alone && (j->id || rec->id))
		j->lane = index_shard_of(j->id ? j->id : rec->id, p->lanes);
	record_release(rec);
	if (rc) {
		/* Reported by the writer, which owns the index's message. */
		j->kind = JOB_FAILED;
		j->rc = rc;
		j->msg = strdup(buf_str(&ix->msg)[0] ? buf_str(&ix->msg)
						      : store_errmsg(p->store));
		p->reader_failed = 1;
	}
	if (!put_job(p, j))
		return EV_INTERRUPTED; /* the writer stopped: end the walk */
	return rc;
}

static ev_status read_one(const char *path, void *arg)
{
	struct pipeline *p = arg;
	struct job *j = calloc(1, sizeof(*j));
	struct record rec;

	if (!j)
		return EV_NOMEM;
	record_init(&rec);
	return queue_record(p, j,
			    store_read_file(p->store, path, &rec, j->stamp),
			    &rec);
}

/* The end of the reader's work: its own failure RC, unless a job
 * reported it already, then an end job for each lane. */
static void reader_end(struct pipeline *p, ev_status rc)
{
	struct job *j;

	if (rc && rc != EV_INTERRUPTED && !p->reader_failed) {
		if ((j = calloc(1, sizeof(*j))) == NULL)
			goto nomem;
		j->kind = JOB_FAILED;
		j->rc = rc;
		j->msg = strdup(rc == EV_NOMEM ? status_to_string(rc)
					       : store_errmsg(p->store));
		put_job(p, j);
	}
	for (unsigned k = 0; k < p->lanes; k++) {
		if ((j = calloc(1, sizeof(*j))) == NULL)
			goto nomem;
		j->kind = JOB_END;
		j->lane = k;
		put_job(p, j);
	}
	return;
nomem:
	/* The writers still need to hear the end. */
	pipeline_stop(p);
}

static void *reader_main(void *arg)
{
	struct pipeline *p = arg;

	reader_end(p, store_walk(p->store, read_one, p));
	return NULL;
}

/*
 * A writer's side: write what the reader queues in LANE until its end
 * job.  A fed work goes in place of the one the index has, unless that
 * one has the same content.  On failure the other threads are stopped;
 * EV_INTERRUPTED when another writer stopped this one.
 */
static ev_status write_jobs(struct pipeline *p, unsigned lane,
			    struct index *ix, struct index_counts *counts,
			    index_warn_fn warn, index_progress_fn progress,
			    void *ctx)
{
	ev_status rc = EV_OK;
	int done = 0;

	while (!done && !rc) {
		int interrupted = 0;
		struct job *j = take_job(p, lane, &interrupted);
		struct known *k;
		int same = 0;

		if (!j) {
			rc = interrupted ? EV_INTERRUPTED : EV_NOMEM;
			if (!interrupted)
				buf_setf(&ix->msg, "out of memory");
			break;
		}
		switch (j->kind) {
		case JOB_END:
			done = 1;
			break;
		case JOB_UNREADABLE:
			counts->failed++;
			if (warn)
				warn(j->msg ? j->msg : "out of memory", ctx);
			break;
		case JOB_FAILED:
			rc = j->rc;
			buf_setf(&ix->msg, "%s", j->msg ? j->msg : "");
			break;
		case JOB_WORK:
			if (j->id)
				rc = check_indexed(ix, j->id, j->hash,
						   j->stamp, &same, &k);
			if (rc)
				break;
			/* Not built, yet changed since the last commit:
			 * index_feed_finish() indexes and counts it. */
			if (!same && !j->doc) {
				rc = strvec_push(&p->redo, j->id);
				break;
			}
			if (!same)
				rc = put_work(ix, j->id, j->doc);
			if (rc)
				break;
			counts->works++;
			if (same) {
				counts->unchanged++;
			} else {
				counts->indexed++;
				counts->passages += j->passages;
			}
			if (progress)
				progress(atomic_fetch_add(&p->done, 1) + 1,
					 ctx);
			break;
		}
		job_free(j);
	}
	if (rc && rc != EV_INTERRUPTED)
		writer_failed(p);
	return rc;
}

/*
 * Name THREAD (at most 15 bytes), so that top -H, perf and
 * /proc/PID/task/TID/comm tell the indexer's threads apart: the
 * process's first thread keeps the program's name.  Set by the thread
 * that made it, so the name is there as soon as pthread_create() returns.
 */
static void name_thread(pthread_t thread, const char *name)
{
#ifdef HAVE_PTHREAD_SETNAME_NP
	pthread_setname_np(thread, name);
#else
	(void)thread;
	(void)name;
#endif
}

/* What the second writer's copy of the index holds of its own. */
static void lane_release(struct index *w)
{
	xdb_close(w->db);
	w->db = NULL;
	for (size_t i = 0; w->values && i < lessons_count(w->lessons); i++)
		strvec_release(&w->values[i]);
	free(w->values);
	w->values = NULL;
	buf_release(&w->msg);
	wordlist_release(&w->words);
}

static void *second_main(void *arg)
{
	struct pipeline *p = arg;

	p->second_rc = write_jobs(p, 1, &p->second, &p->second_counts, NULL,
				  p->progress, p->progress_ctx);
	return NULL;
}

/*
 * Give a fresh build of IX its second writer, when it may have one:
 * before the reader starts, which routes each work by p->lanes.  Without
 * memory or a thread for it, the first writer writes every work.
 */
static void lanes_start(struct pipeline *p, struct index *ix,
			index_progress_fn progress, void *ctx)
{
	struct index *w = &p->second;

	if (!ix->fresh || ix->writers < LANES || ix->segment == UINT_MAX)
		return;
	/* Shares the taxonomy and the paths; owns a database at a time. */
	*w = *ix;
	w->lane = 1;
	w->db = w->first = NULL;
	w->n_segs = w->seg_works = w->pending = 0;
	w->rewritten = 0;
	w->build_dir = NULL;
	buf_init(&w->msg, 0);
	w->words = (struct wordlist)WORDLIST_INIT;
	w->tag_cache = NULL;
	w->values = calloc(lessons_count(ix->lessons) + 1, sizeof(*w->values));
	if (!w->values)
		return;
	p->progress = progress;
	p->progress_ctx = ctx;
	p->lanes = LANES;
	/* The two take turns at the costliest commits. */
	w->flush_lock = &p->flush_lock;
	if (pthread_create(&p->second_thread, NULL, second_main, p) != 0) {
		p->lanes = 1;
		lane_release(w);
		return;
	}
	ix->flush_lock = w->flush_lock;
	name_thread(p->second_thread, "evidence-write2");
}

/* Wait for the second writer, told to end (its end job, or a stop), and
 * leave the first alone. */
static void lanes_end(struct pipeline *p, struct index *ix)
{
	pthread_join(p->second_thread, NULL);
	p->lanes = 1;
	ix->flush_lock = NULL;
}

/* Stop the second writer before it wrote anything (the reader did not
 * start). */
static void lanes_stop(struct pipeline *p, struct index *ix)
{
	pipeline_stop(p);
	if (p->lanes < LANES)
		return;
	lanes_end(p, ix);
	lane_release(&p->second);
}

static void counts_add(struct index_counts *to, const struct index_counts *c)
{
	to->works += c->works;
	to->indexed += c->indexed;
	to->unchanged += c->unchanged;
	to->passages += c->passages;
	to->failed += c->failed;
}

/*
 * Wait for the second writer, once the reader has ended, and fold what
 * it wrote into IX: its counts into COUNTS, its last segment committed,
 * its segments counted for the merge (ix->lane_segs) and its lessons'
 * strengths added to IX's, which go into the merge's metadata.  RC is
 * the first writer's status; returns the build's, with its message in
 * IX's.
 */
static ev_status lanes_join(struct pipeline *p, struct index *ix,
			    struct index_counts *counts, ev_status rc)
{
	struct index *w = &p->second;

	if (p->lanes < LANES)
		return rc;
	lanes_end(p, ix);
	counts_add(counts, &p->second_counts);
	if ((!rc || rc == EV_INTERRUPTED) && p->second_rc) {
		rc = p->second_rc;
		buf_setf(&ix->msg, "%s", buf_str(&w->msg));
	}
	if (!rc && w->db && (rc = xdb_commit(w->db)) != EV_OK)
		buf_setf(&ix->msg, "cannot commit the index: %s",
			 xdb_errmsg(w->db));
	if (!rc)
		ix->lane_segs = w->n_segs;
	for (size_t i = 0; !rc && i < lessons_count(ix->lessons); i++) {
		const struct strvec *v = &w->values[i];

		for (size_t k = 0; !rc && k < v->n; k++)
			if (ix->values[i].n < MAX_LESSON_STRENGTHS)
				rc = strvec_push_unique(&ix->values[i],
							v->v[k]);
		ix->values_changed |= v->n > 0;
	}
	ix->rewritten |= w->rewritten;
	lane_release(w);
	return rc;
}

static ev_status sync_fresh(struct index *ix, struct store *s,
			    struct index_counts *counts, index_warn_fn warn,
			    index_progress_fn progress, void *ctx)
{
	struct pipeline p;
	pthread_t reader;
	ev_status rc;

	pipeline_init(&p, ix, s);
	lanes_start(&p, ix, progress, ctx);
	if (pthread_create(&reader, NULL, reader_main, &p) != 0) {
		/* No reader thread: do it all in this one. */
		struct sync_ctx sc = {ix, s, counts, warn, progress, ctx};

		lanes_stop(&p, ix);
		pipeline_release(&p);
		rc = store_walk(s, sync_one, &sc);
		if (rc && !buf_str(&ix->msg)[0])
			buf_setf(&ix->msg, "%s", store_errmsg(s));
		return rc;
	}
	name_thread(reader, "evidence-read");
	rc = write_jobs(&p, 0, ix, counts, warn, progress, ctx);
	pthread_join(reader, NULL);
	rc = lanes_join(&p, ix, counts, rc);
	pipeline_release(&p);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Feeds                                                               */

struct index_feed {
	struct pipeline p;
	struct index *ix;
	pthread_t reader, writer;
	struct index_counts counts;
	index_warn_fn warn;
	void *ctx;
	ev_status rc;	 /* the writer's */
	int out_of_memory; /* index_feed_add() lost an id */
};

/* The next work named (the reader's side); NULL when there are no more
 * or the writer has stopped. */
static struct fed *take_fed(struct pipeline *p)
{
	struct fed *w = NULL;

	pthread_mutex_lock(&p->lock);
	while (p->ids.len == 0 && !p->ids_end && !p->stop)
		pthread_cond_wait(&p->changed, &p->lock);
	if (p->ids.len && !p->stop) {
		w = ring_take(&p->ids);
		p->fed_bytes -= w->bytes;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return w;
}

static void *feed_reader_main(void *arg)
{
	struct pipeline *p = arg;
	ev_status rc = EV_OK;
	struct fed *w;

	while (!rc && (w = take_fed(p)) != NULL) {
		struct job *j = calloc(1, sizeof(*j));
		struct record rec;

		if (!j) {
			rc = EV_NOMEM;
		} else {
			j->id = w->id;
			w->id = NULL;
			/* The record as the harvest wrote it, if it came
			 * with one: of the file, only its stamp is wanted. */
			if (w->rec) {
				rc = queue_record(
				    p, j,
				    store_stamp_of(p->store, j->id, j->stamp),
				    w->rec);
			} else {
				record_init(&rec);
				rc = queue_record(p, j,
						  store_get(p->store, j->id,
							    &rec, j->stamp),
						  &rec);
			}
		}
		fed_free(w);
	}
	reader_end(p, rc);
	return NULL;
}

static void *feed_writer_main(void *arg)
{
	struct index_feed *f = arg;

	f->rc = write_jobs(&f->p, 0, f->ix, &f->counts, f->warn, NULL, f->ctx);
	return NULL;
}

ev_status index_feed_start(struct index *ix, struct store *s,
			   index_warn_fn warn, void *ctx,
			   struct index_feed **out)
{
	struct index_feed *f;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return EV_NOMEM;
	pipeline_init(&f->p, ix, s);
	f->p.fed_max = FEED_BYTES;
	/* Without it every work is built; the writer still compares. */
	if (!ix->fresh)
		xdb_open(ix->dir, XDB_READ, &f->p.view, NULL);
	f->ix = ix;
	f->warn = warn;
	f->ctx = ctx;
	lanes_start(&f->p, ix, NULL, NULL);
	if (pthread_create(&f->reader, NULL, feed_reader_main, &f->p) != 0) {
		lanes_stop(&f->p, ix);
		pipeline_release(&f->p);
		free(f);
		return EV_NOMEM;
	}
	if (pthread_create(&f->writer, NULL, feed_writer_main, f) != 0) {
		pipeline_stop(&f->p);
		pthread_join(f->reader, NULL);
		lanes_stop(&f->p, ix);
		pipeline_release(&f->p);
		free(f);
		return EV_NOMEM;
	}
	name_thread(f->reader, "evidence-read");
	name_thread(f->writer, "evidence-write");
	*out = f;
	return EV_OK;
}

void index_feed_add(struct index_feed *f, const char *id,
		    struct record *rec)
{
	struct pipeline *p = &f->p;
	struct fed *w = calloc(1, sizeof(*w));

	if (w) {
		w->id = strdup(id);
		w->rec = rec;
		w->bytes = rec ? record_text_size(rec) : 0;
		rec = NULL;
	}
	pthread_mutex_lock(&p->lock);
	while ((p->ids.len == p->ids.cap ||
		(w && p->ids.len && p->fed_bytes + w->bytes > p->fed_max)) &&
	       !p->stop)
		pthread_cond_wait(&p->changed, &p->lock);
	if (!w || !w->id) {
		/* The work would go unindexed: give up, and say so. */
		f->out_of_memory = 1;
		p->stop = 1;
	} else if (!p->stop) {
		p->fed_bytes += w->bytes;
		if (p->fed_bytes > p->fed_peak)
			p->fed_peak = p->fed_bytes;
		ring_put(&p->ids, w);
		w = NULL;
	}
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	fed_free(w);
	record_free(rec);
}

void index_feed_limit(struct index_feed *f, size_t bytes)
{
	pthread_mutex_lock(&f->p.lock);
	f->p.fed_max = bytes;
	pthread_cond_broadcast(&f->p.changed);
	pthread_mutex_unlock(&f->p.lock);
}

ev_status index_feed_finish(struct index_feed *f, struct index_counts *counts)
{
	ev_status rc;

	pthread_mutex_lock(&f->p.lock);
	f->p.ids_end = 1;
	pthread_cond_broadcast(&f->p.changed);
	pthread_mutex_unlock(&f->p.lock);
	pthread_join(f->reader, NULL);
	pthread_join(f->writer, NULL);
	rc = lanes_join(&f->p, f->ix, &f->counts, f->rc);
	if (!rc && f->out_of_memory) {
		rc = EV_NOMEM;
		buf_setf(&f->ix->msg, "out of memory");
	}
	/* Works this run changed and then saw again as they were before:
	 * here, with both threads gone, index_record() compares and
	 * builds. */
	if (!rc)
		rc = index_ids(f->ix, f->p.store, &f->p.redo, &f->counts);
	f->counts.held_peak = f->p.fed_peak;
	*counts = f->counts;
	pipeline_release(&f->p);
	free(f);
	return rc;
}

/* Delete the works the index has and the store no longer does: those
 * index_record() did not mark as seen. */
static ev_status remove_gone(struct index *ix, unsigned long *removed)
{
	char term[XDB_MAX_TERM + 64];
	ev_status rc = EV_OK;

	for (size_t i = 0; !rc && i < ix->n_known; i++) {
		if (ix->known[i].seen)
			continue;
		field_id_term(PREFIX_WORK, ix->known[i].id, term,
			      sizeof(term));
		rc = xdb_delete_documents(ix->db, term);
		if (!rc)
			(*removed)++;
	}
	if (rc)
		return db_fail(ix, rc, "cannot remove deleted works");
	return EV_OK;
}

ev_status index_sync(struct index *ix, struct store *s,
		     struct index_counts *counts, index_warn_fn warn,
		     index_progress_fn progress, void *ctx)
{
	struct sync_ctx sc = {ix, s, counts, warn, progress, ctx};
	ev_status rc = EV_OK;

	memset(counts, 0, sizeof(*counts));
	if (ix->fresh)
		return sync_fresh(ix, s, counts, warn, progress, ctx);
	rc = load_known(ix);
	if (!rc)
		rc = store_walk(s, sync_one, &sc);
	if (rc && !buf_str(&ix->msg)[0])
		buf_setf(&ix->msg, "%s", store_errmsg(s));
	if (!rc && !ix->fresh)
		rc = remove_gone(ix, &counts->removed);
	known_release(ix);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Closing                                                             */

/* A flush of the rebuilt index failed with RC (errno says why). */
static ev_status flush_failed(struct index *ix, ev_status rc)
{
	buf_setf(&ix->msg, "cannot write the rebuilt index to disk: %s",
		 strerror(errno));
	return rc;
}

/*
 * Put the rebuilt index where the old one was: two renames, so a reader
 * that opens in between finds no index for a moment and retries.  The
 * build's commits were not flushed (XDB_BUILD: nobody reads it, and a
 * run killed half way throws it away), so its files are flushed once
 * here, before the renames; the renames are flushed before the old
 * index is removed.
 */
static ev_status swap_in(struct index *ix)
{
	char *old = NULL;
	ev_status rc;

	rc = fs_fsync_files(ix->build_dir);
	if (rc)
		return flush_failed(ix, rc);
	if (asprintf(&old, "%s.old", ix->dir) < 0)
		return EV_NOMEM;
	remove_dir(old);
	if (fs_exists(ix->dir) && rename(ix->dir, old) < 0) {
		rc = status_from_errno(errno);
		buf_setf(&ix->msg, "cannot move the old index aside: %s",
			 strerror(errno));
		goto out;
	}
	if (rename(ix->build_dir, ix->dir) < 0) {
		int err = errno;

		rename(old, ix->dir);
		rc = status_from_errno(err);
		buf_setf(&ix->msg, "cannot move the new index into place: %s",
			 strerror(err));
		goto out;
	}
	/* Failing, it is in place but the renames may not survive a
	 * crash: the old index stays beside it until the next rebuild. */
	rc = fs_fsync_parent(ix->dir);
	if (rc)
		flush_failed(ix, rc);
	else
		remove_dir(old);
out:
	free(old);
	return rc;
}

/*
 * A work written again after its segment was full is in two of them: in
 * the merged copy at COPY, keep its last document.
 */
static ev_status keep_last(struct index *ix, const char *copy)
{
	unsigned long dropped;
	xdb_t *db = NULL;
	char *msg = NULL;
	ev_status rc = xdb_open(copy, XDB_WRITE, &db, &msg);

	if (rc) {
		buf_setf(&ix->msg, "cannot open the merged index %s: %s", copy,
			 msg ? msg : status_to_string(rc));
		free(msg);
		return rc;
	}
	rc = xdb_keep_last(db, PREFIX_ID, &dropped);
	if (!rc && dropped)
		rc = xdb_commit(db);
	if (rc)
		buf_setf(&ix->msg, "cannot write the merged index: %s",
			 xdb_errmsg(db));
	xdb_close(db);
	return rc;
}

/*
 * How many databases one merge may read at once.  Xapian holds a file
 * open for each table of each database (up to six), and a build of N
 * works has N / INDEX_SEGMENT segments: the soft limit on open files is
 * raised to the hard one, and segments past what that allows, less the
 * files the process has open already and a margin for the merge's output
 * and whatever else opens meanwhile, are merged in groups first
 * (merge_groups()).
 */
#define MERGE_FILES_PER_DB 8
#define MERGE_FILES_MARGIN 16

/* The files this process has open: /proc/self/fd's entries, less the one
 * reading it; 64 where that cannot be read. */
static rlim_t files_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	rlim_t n = 0;

	if (!d)
		return 64;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n ? n - 1 : 0;
}

size_t index_merge_width(void)
{
	struct rlimit rl;
	rlim_t n, used;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 16;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = was;
	}
	n = rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : rl.rlim_cur;
	used = files_open() + MERGE_FILES_MARGIN;
	if (n < used + 3 * MERGE_FILES_PER_DB)
		return 3;
	return (size_t)(n - used) / MERGE_FILES_PER_DB;
}

/*
 * Merge the first of PARTS (paths of segments, in the order written) in
 * groups, each into a new one in ix->seg_dir that takes the group's
 * place, until they and the first segment fit in one merge.  Rare: it
 * takes more than a thousand segments under Linux's usual hard limit.
 */
static ev_status merge_groups(struct index *ix, struct strvec *parts)
{
	size_t width = index_merge_width();
	unsigned round = 0;
	ev_status rc = EV_OK;

	while (!rc && parts->n + 1 > width) {
		/* The first segment stays open meanwhile. */
		size_t g = width - 1 < parts->n ? width - 1 : parts->n;
		char name[24], *path;
		xdb_t *db = NULL;
		char *msg = NULL;

		snprintf(name, sizeof(name), "group%u", ++round);
		path = fs_join(ix->seg_dir, name);
		if (!path)
			return EV_NOMEM;
		rc = xdb_open(parts->v[0], XDB_READ, &db, &msg);
		if (!rc)
			rc = xdb_compact(db, (const char *const *)parts->v + 1,
					 g - 1, path);
		if (rc)
			buf_setf(&ix->msg,
				 "cannot merge the index's "
				 "segments: %s",
				 msg ? msg : xdb_errmsg(db));
		xdb_close(db);
		free(msg);
		/* The group's place: its first entry; the rest close up. */
		for (size_t i = 0; !rc && i < g; i++) {
			remove_dir(parts->v[i]);
			free(parts->v[i]);
		}
		if (!rc) {
			parts->v[0] = path;
			memmove(parts->v + 1, parts->v + g,
				(parts->n - g + 1) * sizeof(*parts->v));
			parts->n -= g - 1;
		} else {
			free(path);
		}
	}
	return rc;
}

/*
 * Write a compact copy of the index as just committed beside the live
 * one, in *COPYP (malloc'd), with the later segments of a fresh build
 * merged in.  A copy left by a run that died goes first.
 */
static ev_status compact_copy(struct index *ix, char **copyp)
{
	struct strvec parts = {0};
	ev_status rc = EV_OK;

	if (asprintf(copyp, "%s.compact", ix->dir) < 0) {
		*copyp = NULL;
		return EV_NOMEM;
	}
	remove_dir(*copyp);
	/* The first writer's segments, then the second's. */
	for (unsigned lane = 0; lane < LANES; lane++) {
		unsigned n = lane ? ix->lane_segs : ix->n_segs;

		for (unsigned k = 1; !rc && k <= n; k++) {
			char *path = segment_path(ix, lane, k);

			rc = path ? strvec_push(&parts, path) : EV_NOMEM;
			free(path);
		}
	}
	if (!rc && parts.n)
		rc = merge_groups(ix, &parts);
	if (!rc) {
		rc = xdb_compact(ix->db, (const char *const *)parts.v, parts.n,
				 *copyp);
		if (rc)
			db_fail(ix, rc,
				parts.n ? "cannot merge the index's segments"
					: "cannot write a compact copy of "
					  "the index");
	}
	if (!rc && parts.n && ix->rewritten)
		rc = keep_last(ix, *copyp);
	strvec_release(&parts);
	if (rc) {
		remove_dir(*copyp);
		free(*copyp);
		*copyp = NULL;
	}
	return rc;
}

/* The last segment of a fresh build committed whole and closed, and the
 * first current again: its metadata is the merge's, so it gets the
 * lessons' strengths of them all. */
static ev_status last_segment(struct index *ix)
{
	ev_status rc = xdb_commit(ix->db);

	if (rc)
		return db_fail(ix, rc, "cannot commit the index");
	xdb_close(ix->db);
	ix->db = ix->first;
	ix->first = NULL;
	ix->values_changed = 1;
	return EV_OK;
}

ev_status index_close(struct index *ix, char **msgp)
{
	ev_status rc = EV_OK;
	char *copy = NULL;

	if (msgp)
		*msgp = NULL;
	if (!ix)
		return EV_OK;
	if (ix->first)
		rc = last_segment(ix);
	if (!rc)
		rc = write_meta(ix);
	if (!rc) {
		rc = xdb_commit(ix->db);
		if (rc)
			db_fail(ix, rc, "cannot commit the index");
	}
	if (!rc && (ix->compact || ix->n_segs || ix->lane_segs))
		rc = compact_copy(ix, &copy);
	termgen_free(ix->tg);
	ix->tg = NULL;
	xdb_close(ix->db);
	ix->db = NULL;
	/* The copy is what goes in place: of a rebuild, too. */
	if (copy) {
		if (ix->build_dir)
			remove_dir(ix->build_dir);
		free(ix->build_dir);
		ix->build_dir = copy;
	}
	if (ix->build_dir) {
		if (!rc)
			rc = swap_in(ix);
		if (rc)
			remove_dir(ix->build_dir);
	}
	if (rc && msgp)
		*msgp = strdup(buf_str(&ix->msg));
	index_free(ix);
	return rc;
}

void index_abort(struct index *ix)
{
	if (!ix)
		return;
	/* Closing a Xapian writer commits what is pending.  That is
	 * harmless here: every document written is whole, the store is the
	 * truth, and the next run compares every hash again. */
	termgen_free(ix->tg);
	ix->tg = NULL;
	xdb_close(ix->db);
	ix->db = NULL;
	if (ix->build_dir)
		remove_dir(ix->build_dir);
	index_free(ix);
}
