/* lessons.c - the lesson taxonomy: parsing, the passage tagger, digests */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "lessons.h"
#include "sha256.h"
#include "text.h"
#include "xdb.h"

/*
 * How it works.  Every word of every cue is stemmed once, when the file
 * is read, and given a small number (a stem id) through a hash table.  A
 * posting list says, for each stem id, which cues use it and in which
 * slot.  Tagging a passage stems each of its words once, looks the stem
 * up in the hash table and walks only the postings of the stems it
 * finds, so the cost grows with the passage, not with the taxonomy.
 */

#define LESSONS_MAX_FILE (4u << 20) /* a taxonomy is a few KiB */
#define MAX_WINDOW 200		    /* words a "near" cue may span */
#define MAX_SLOTS 16		    /* words in a phrase or near cue */
#define MAX_TOKENS 256	    /* blank-separated items on a line */
#define STEM_MAX 256		    /* text_words() cuts longer words */
/* Sums of decimal weights are not exact: 0.1 + 0.2 must reach 0.3. */
#define SCORE_EPSILON 1e-9

enum cue_kind { CUE_WORD, CUE_PHRASE, CUE_NEAR };

static const char *const kind_names[] = { "word", "phrase", "near" };

/* One position of a cue: any of NALT stems, from ALT on in l->alts. */
struct slot {
	size_t alt;
	size_t nalt;
};

struct cue {
	enum cue_kind kind;
	size_t lesson;
	double weight;
	size_t window; /* CUE_NEAR: the words all slots must fit in */
	size_t slot;   /* first of NSLOTS in l->slots (a word cue has 1) */
	size_t nslots;
	size_t near;   /* CUE_NEAR: first of NSLOTS in the tagger's state */
	char *text;    /* as written, blanks collapsed */
};

struct lesson {
	char *name;
	char *label;
	char *description;
	double threshold;
	unsigned line;	   /* of its [name] header */
	size_t first_cue;  /* cues of a lesson are consecutive */
	size_t ncues;
	int positive;	   /* it has a cue with a positive weight */
};

struct posting {
	uint32_t cue;
	uint32_t slot;
};

struct lessons {
	struct lesson *lessons;
	size_t n, lessons_alloc;
	struct cue *cues;
	size_t ncues, cues_alloc;
	struct slot *slots;
	size_t nslots, slots_alloc;
	uint32_t *alts;
	size_t nalts, alts_alloc;
	size_t nnear; /* slots of all near cues together */
	int has_exact; /* some cue names an exact "=word" */

	/* Distinct stems with their hashes, and an open-addressing table of
	 * their ids + 1. */
	char **stems;
	uint32_t *stem_hashes;
	size_t nstems, stems_alloc, hashes_alloc;
	uint32_t *table;
	size_t table_size; /* a power of two, at least twice NSTEMS */

	/* The postings of stem id S: from posts[post_off[S]] up to
	 * posts[post_off[S + 1]]. */
	size_t *post_off;
	struct posting *posts;

	xdb_stem_t *stemmer;
	/* "word\tstem\n" for each cue word stemmed, for lessons_stems():
	 * a parsed taxonomy's only. */
	struct buf pairs;
	/* The length and hash of the text it was read from, which name it
	 * in its compiled form (lessons_compile()). */
	size_t source_len;
	uint64_t source_hash;
	/* A taxonomy read from its compiled form (decompile()) keeps every
	 * string above here, one block, where a parsed one has each
	 * malloc'd. */
	char *strings;
	/* Unique among the taxonomies of the process, for the caches
	 * (lessons_cache_new()): an address can be used again. */
	unsigned long serial;
};

/* An empty taxonomy with a serial of its own, or NULL. */
static struct lessons *taxonomy_new(void)
{
	static atomic_ulong next_serial = 1;
	struct lessons *l = calloc(1, sizeof(*l));

	if (l)
		l->serial = atomic_fetch_add(&next_serial, 1);
	return l;
}

/* The id of the stem S (LEN bytes), or -1 when no cue uses it. */
static long stem_lookup(const struct lessons *l, const char *s, size_t len)
{
	size_t mask = l->table_size - 1, i;
	uint32_t h;

	if (!l->table_size)
		return -1;
	h = text_hash(s, len);
	for (i = h & mask; l->table[i]; i = (i + 1) & mask) {
		uint32_t id = l->table[i] - 1;
		const char *t = l->stems[id];

		/* The hash first: most probes are for words no cue has. */
		if (l->stem_hashes[id] == h && strncmp(t, s, len) == 0 &&
		    t[len] == '\0')
			return (long)id;
	}
	return -1;
}

/* Put stem id ID (of the stem S) into TABLE, which has SIZE entries. */
static void table_insert(uint32_t *table, size_t size, const char *s,
			 uint32_t id)
{
	size_t i = text_hash(s, strlen(s)) & (size - 1);

	while (table[i])
		i = (i + 1) & (size - 1);
	table[i] = id + 1;
}

/* Make the table SIZE entries long, with every stem in it. */
static ev_status table_rebuild(struct lessons *l, size_t size)
{
	uint32_t *table = calloc(size, sizeof(*table));

	if (!table)
		return EV_NOMEM;
	for (size_t id = 0; id < l->nstems; id++)
		table_insert(table, size, l->stems[id], (uint32_t)id);
	free(l->table);
	l->table = table;
	l->table_size = size;
	return EV_OK;
}

/* The id of the stem S, added to the table when it is new. */
static ev_status stem_intern(struct lessons *l, const char *s, uint32_t *id)
{
	long found = stem_lookup(l, s, strlen(s));
	uint32_t *hashes;
	char **stems;

	if (found >= 0) {
		*id = (uint32_t)found;
		return EV_OK;
	}
	hashes = array_grow(l->stem_hashes, &l->hashes_alloc, l->nstems + 1,
			    sizeof(*hashes));
	if (!hashes)
		return EV_NOMEM;
	l->stem_hashes = hashes;
	hashes[l->nstems] = text_hash(s, strlen(s));
	stems = array_grow(l->stems, &l->stems_alloc, l->nstems + 1,
			   sizeof(*stems));
	if (!stems)
		return EV_NOMEM;
	l->stems = stems;
	stems[l->nstems] = strdup(s);
	if (!stems[l->nstems])
		return EV_NOMEM;
	*id = (uint32_t)l->nstems++;
	/* At most half full, so that probes stay short. */
	if (l->nstems * 2 > l->table_size)
		return table_rebuild(l, l->table_size ? l->table_size * 2
						       : 64);
	table_insert(l->table, l->table_size, s, *id);
	return EV_OK;
}

void lessons_free(struct lessons *l)
{
	if (!l)
		return;
	for (size_t i = 0; !l->strings && i < l->n; i++) {
		free(l->lessons[i].name);
		free(l->lessons[i].label);
		free(l->lessons[i].description);
	}
	free(l->lessons);
	for (size_t i = 0; !l->strings && i < l->ncues; i++)
		free(l->cues[i].text);
	free(l->cues);
	free(l->slots);
	free(l->alts);
	for (size_t i = 0; !l->strings && i < l->nstems; i++)
		free(l->stems[i]);
	free(l->strings);
	free(l->stems);
	free(l->stem_hashes);
	free(l->table);
	free(l->post_off);
	free(l->posts);
	xdb_stem_free(l->stemmer);
	buf_release(&l->pairs);
	free(l);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

struct parser {
	struct lessons *l;
	const char *name;
	unsigned line;
	char *err;
	size_t errsz;
	struct lesson *cur; /* the section being read, or NULL */
	int have_threshold;
	/* The words of the alternative being split (see split_words). */
	char words[MAX_SLOTS][STEM_MAX];
	size_t nwords;
	int too_many;
	/* The lines "word\tstem" of a stem memo, in byte order. */
	const char **memo;
	size_t nmemo;
};

static ev_status __attribute__((format(printf, 2, 3)))
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->errsz)
		return EV_PARSE;
	n = snprintf(p->err, p->errsz, "%s:%u: ", p->name, p->line);
	if (n >= 0 && (size_t)n < p->errsz) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return EV_PARSE;
}

static int split_word(const char *word, size_t len, size_t offset, void *ctx)
{
	struct parser *p = ctx;

	(void)offset;
	if (p->nwords >= MAX_SLOTS) {
		p->too_many = 1;
		return 1;
	}
	memcpy(p->words[p->nwords], word, len + 1);
	p->nwords++;
	return 0;
}

/* Split S into words as text_words() splits passages, into p->words. */
static void split_words(struct parser *p, const char *s)
{
	p->nwords = 0;
	p->too_many = 0;
	text_words(s, split_word, p);
}

static int valid_name(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* Check the section being closed: it must be able to fire. */
static ev_status end_section(struct parser *p)
{
	struct lesson *s = p->cur;
	unsigned line = p->line;
	ev_status rc = EV_OK;

	if (!s)
		return EV_OK;
	p->line = s->line;
	if (!p->have_threshold)
		rc = fail(p, "[%s] has no threshold (add 'threshold = 2', "
			  "say)", s->name);
	else if (!s->positive)
		rc = fail(p, "[%s] has no cue with a positive weight, so it "
			  "could never be found", s->name);
	p->line = line;
	p->cur = NULL;
	return rc;
}

static ev_status parse_section(struct parser *p, char *s)
{
	struct lessons *l = p->l;
	size_t len = strlen(s);
	struct lesson *les;
	ev_status rc;
	char *name;

	if (s[len - 1] != ']')
		return fail(p, "a section header needs a closing ']'");
	s[len - 1] = '\0';
	name = str_trim(s + 1);
	if (!valid_name(name))
		return fail(p, "lesson name '%s' must start with a lower-case "
			    "letter and hold only a-z, 0-9, '-' and '_'",
			    name);
	rc = end_section(p);
	if (rc)
		return rc;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->lessons[i].name, name) == 0)
			return fail(p, "lesson '%s' is defined twice (first "
				    "at line %u)", name, l->lessons[i].line);
	les = array_grow(l->lessons, &l->lessons_alloc, l->n + 1,
			 sizeof(*l->lessons));
	if (!les)
		return EV_NOMEM;
	l->lessons = les;
	les = &l->lessons[l->n++];
	memset(les, 0, sizeof(*les));
	les->line = p->line;
	les->first_cue = l->ncues;
	les->name = strdup(name);
	les->label = strdup(name);
	les->description = strdup("");
	if (!les->name || !les->label || !les->description)
		return EV_NOMEM;
	p->cur = les;
	p->have_threshold = 0;
	return EV_OK;
}

/* Read a number that fills all of S; 0 when S is not one. */
static int parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return *s && !errno && !*end && isfinite(*out);
}

static ev_status parse_setting(struct parser *p, char *key, char *value)
{
	struct lesson *les = p->cur;
	char **field = NULL;

	if (!les)
		return fail(p, "'%s' is outside a [lesson] section", key);
	if (strcmp(key, "threshold") == 0) {
		if (p->have_threshold)
			return fail(p, "threshold is set twice in [%s]",
				    les->name);
		if (!parse_number(value, &les->threshold) ||
		    les->threshold <= 0 || les->threshold > 1e6)
			return fail(p, "threshold '%s' is not a number "
				    "above 0", value);
		p->have_threshold = 1;
		return EV_OK;
	}
	if (strcmp(key, "label") == 0)
		field = &les->label;
	else if (strcmp(key, "description") == 0)
		field = &les->description;
	else
		return fail(p, "unknown setting '%s' (label, description or "
			    "threshold)", key);
	if (field == &les->label && !*value)
		return fail(p, "label is empty");
	free(*field);
	*field = strdup(value);
	return *field ? EV_OK : EV_NOMEM;
}

/* Start a new, empty slot for the cue being built. */
static ev_status slot_begin(struct lessons *l)
{
	struct slot *v = array_grow(l->slots, &l->slots_alloc, l->nslots + 1,
				    sizeof(*l->slots));

	if (!v)
		return EV_NOMEM;
	l->slots = v;
	l->slots[l->nslots].alt = l->nalts;
	l->slots[l->nslots].nalt = 0;
	l->nslots++;
	return EV_OK;
}

/*
 * Stem memos.  Stemming the cue words is most of the cost of reading a
 * taxonomy (1,883 words in the shipped one, about a third of a search
 * process's time), and a search reads one each time.  The indexer keeps
 * the stems it made in the index (lessons_stems()), and a command that
 * reads the taxonomy again can take them from there: a word's stem
 * depends only on the word and on the stemmer, so the memo is named by
 * the Xapian version that made it, and any other is not used.
 */
#define MEMO_HEADER_FMT "stems of xapian %s english\n"

static int memo_line_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(x, y);
}

/* Compare WORD with the word of memo line LINE ("word\tstem"). */
static int memo_word_cmp(const void *word, const void *line)
{
	const char *w = word, *m = *(const char *const *)line;

	for (; *w && *w == *m; w++, m++)
		;
	if (!*w && *m == '\t')
		return 0;
	return (unsigned char)*w - (unsigned char)(*m == '\t' ? 0 : *m);
}

/*
 * Split TEXT in place into its lines ending in '\n': a malloc'd array in
 * *LINESP, their number in *NP, and in *RESTP what follows the last
 * newline ("" when TEXT ends with one).
 */
static ev_status split_lines(char *text, char ***linesp, size_t *np,
			     char **restp)
{
	char **lines, *line, *end;
	size_t n = 0;

	for (const char *c = text; *c; c++)
		n += *c == '\n';
	lines = malloc((n + 1) * sizeof(*lines));
	if (!lines)
		return EV_NOMEM;
	n = 0;
	for (line = text; (end = strchr(line, '\n')); line = end + 1) {
		*end = '\0';
		lines[n++] = line;
	}
	*linesp = lines;
	*np = n;
	*restp = line;
	return EV_OK;
}

/* Point P's memo at the lines of MEMO (split in place), if it was made
 * by this Xapian and each line is "word\tstem", in order; otherwise there
 * is none. */
static ev_status memo_open(struct parser *p, char *memo)
{
	char header[128], **lines, *rest;
	size_t n, hlen;

	if (!memo)
		return EV_OK;
	hlen = (size_t)snprintf(header, sizeof(header), MEMO_HEADER_FMT,
				xdb_version());
	if (hlen >= sizeof(header) || strncmp(memo, header, hlen) != 0)
		return EV_OK;
	if (split_lines(memo + hlen, &lines, &n, &rest))
		return EV_NOMEM;
	p->memo = (const char **)lines;
	if (*rest)
		return EV_OK; /* not a memo this code wrote: none of it */
	for (size_t i = 0; i < n; i++)
		if (!strchr(lines[i], '\t') ||
		    (i && strcmp(lines[i - 1], lines[i]) >= 0))
			return EV_OK;
	p->nmemo = n;
	return EV_OK;
}

/* The stem of WORD from P's memo into STEM (SIZE bytes): 1, or 0 when
 * the memo does not have it. */
static int memo_find(const struct parser *p, const char *word, char *stem,
		     size_t size)
{
	const char **line;
	const char *tab;
	size_t len;

	if (!p->nmemo)
		return 0;
	line = bsearch(word, p->memo, p->nmemo, sizeof(*p->memo),
		       memo_word_cmp);
	if (!line)
		return 0;
	tab = strchr(*line, '\t') + 1;
	len = strlen(tab);
	if (len == 0 || len >= size)
		return 0;
	memcpy(stem, tab, len + 1);
	return 1;
}

ev_status lessons_stems(const struct lessons *l, struct buf *out)
{
	char *text, **lines = NULL, *rest;
	size_t n = 0;
	ev_status rc;

	if (l->strings)
		return EV_USAGE; /* read from a form: no pairs */
	text = xstrndup(l->pairs.ptr ? l->pairs.ptr : "", l->pairs.len);
	if (!text || split_lines(text, &lines, &n, &rest)) {
		free(text);
		return EV_NOMEM;
	}
	qsort(lines, n, sizeof(*lines), memo_line_cmp);
	rc = buf_printf(out, MEMO_HEADER_FMT, xdb_version());
	for (size_t i = 0; !rc && i < n; i++) {
		if (i && strcmp(lines[i], lines[i - 1]) == 0)
			continue;
		rc = buf_addstr(out, lines[i]);
		if (!rc)
			rc = buf_addch(out, '\n');
	}
	free(lines);
	free(text);
	return rc;
}

/* Note WORD and its STEM for lessons_stems(): one copy, no format. */
static ev_status note_pair(struct lessons *l, const char *word,
			   const char *stem)
{
	size_t wl = strlen(word), sl = strlen(stem);
	char pair[2 * STEM_MAX + 4];

	if (wl + sl + 2 > sizeof(pair))
		return EV_OK; /* too long to be a word: not kept */
	memcpy(pair, word, wl);
	pair[wl] = '\t';
	memcpy(pair + wl + 1, stem, sl);
	pair[wl + 1 + sl] = '\n';
	return buf_add(&l->pairs, pair, wl + sl + 2);
}

/*
 * Add WORD as an alternative of the last slot: its stem, or with EXACT
 * the word itself, kept in the table as "=word" (no stem holds "=",
 * since text_words() never makes one).
 */
static ev_status slot_add(struct parser *p, const char *word, int exact)
{
	struct lessons *l = p->l;
	char stem[STEM_MAX + 1];
	uint32_t *alts;
	uint32_t id;
	size_t n;
	ev_status rc;

	if (exact) {
		snprintf(stem, sizeof(stem), "=%s", word);
		l->has_exact = 1;
	} else if (!memo_find(p, word, stem, sizeof(stem))) {
		n = xdb_stem_word(l->stemmer, word, strlen(word), stem,
				  sizeof(stem));
		if (n == 0 || n >= sizeof(stem))
			return fail(p, "cannot stem '%s'", word);
	}
	if (!exact && (rc = note_pair(l, word, stem)))
		return rc;
	rc = stem_intern(l, stem, &id);
	if (rc)
		return rc;
	alts = array_grow(l->alts, &l->alts_alloc, l->nalts + 1,
			  sizeof(*l->alts));
	if (!alts)
		return EV_NOMEM;
	l->alts = alts;
	l->alts[l->nalts++] = id;
	l->slots[l->nslots - 1].nalt++;
	return EV_OK;
}

static int slot_has(const struct lessons *l, const struct slot *s,
		    uint32_t id)
{
	for (size_t i = 0; i < s->nalt; i++)
		if (l->alts[s->alt + i] == id)
			return 1;
	return 0;
}

/*
 * Turn one item of a cue line into slots.  A word cue's items are all
 * alternatives of its one slot, so each must be a single word.  In a
 * phrase or near cue each item is a slot, "a|b" giving alternatives; an
 * item without "|" that splits into several words ("long-term") gives
 * one slot per word, which is what a reader of the phrase expects.
 */
static ev_status parse_item(struct parser *p, enum cue_kind kind, char *item)
{
	int has_bar = strchr(item, '|') != NULL;
	char *save = NULL, *alt;
	ev_status rc = EV_OK;

	if (strstr(item, "||") || item[0] == '|' ||
	    item[strlen(item) - 1] == '|')
		return fail(p, "empty alternative in '%s'", item);
	if (kind != CUE_WORD && has_bar)
		rc = slot_begin(p->l);
	for (alt = strtok_r(item, "|", &save); alt && !rc;
	     alt = strtok_r(NULL, "|", &save)) {
		int exact = alt[0] == '=';

		split_words(p, alt + exact);
		if (p->nwords == 0)
			return fail(p, "'%s' has no letters or digits", alt);
		if (p->too_many)
			return fail(p, "'%s' has too many words", alt);
		if (p->nwords > 1 && (kind == CUE_WORD || has_bar || exact))
			return fail(p, "'%s' is more than one word: %s", alt,
				    exact ? "'=' takes one word" :
				    kind == CUE_WORD ?
				    "use a phrase cue" :
				    "an alternative must be one word");
		for (size_t i = 0; i < p->nwords && !rc; i++) {
			if (kind != CUE_WORD && !has_bar)
				rc = slot_begin(p->l);
			if (!rc)
				rc = slot_add(p, p->words[i], exact);
		}
	}
	return rc;
}

/* The stem that two slots of the near CUE share, or NULL. */
static const char *near_repeat(const struct lessons *l, const struct cue *cue)
{
	size_t end = cue->slot + cue->nslots;

	for (size_t a = cue->slot; a < end; a++)
		for (size_t b = a + 1; b < end; b++)
			for (size_t k = 0; k < l->slots[a].nalt; k++) {
				uint32_t id = l->alts[l->slots[a].alt + k];

				if (slot_has(l, &l->slots[b], id))
					return l->stems[id];
			}
	return NULL;
}

/* Parse "KIND WEIGHT [WINDOW] ITEM..." (TOK holds the NTOK tokens). */
static ev_status parse_cue(struct parser *p, char **tok, size_t ntok)
{
	struct lessons *l = p->l;
	struct lesson *les = p->cur;
	size_t first_item, i;
	struct cue *cue;
	struct buf text = BUF_INIT;
	enum cue_kind kind;
	double weight, window = 0;
	const char *twice;
	ev_status rc = EV_OK;

	for (i = 0; i < 3; i++)
		if (strcmp(tok[0], kind_names[i]) == 0)
			break;
	if (i == 3)
		return fail(p, "unknown cue kind '%s' (word, phrase or near; "
			    "settings are written 'key = value')", tok[0]);
	kind = (enum cue_kind)i;
	if (!les)
		return fail(p, "cue outside a [lesson] section");
	if (ntok < 2)
		return fail(p, "%s cue has no weight", tok[0]);
	if (!parse_number(tok[1], &weight) || weight == 0 ||
	    fabs(weight) > 1e6)
		return fail(p, "weight '%s' is not a number other than 0",
			    tok[1]);
	first_item = 2;
	if (kind == CUE_NEAR) {
		if (ntok < 3 || !parse_number(tok[2], &window) ||
		    window != floor(window) || window < 2 ||
		    window > MAX_WINDOW)
			return fail(p, "near cue needs a window of 2 to %d "
				    "words after its weight", MAX_WINDOW);
		first_item = 3;
	}
	if (ntok <= first_item)
		return fail(p, "%s cue has no words", tok[0]);

	cue = array_grow(l->cues, &l->cues_alloc, l->ncues + 1,
			 sizeof(*l->cues));
	if (!cue)
		return EV_NOMEM;
	l->cues = cue;
	cue = &l->cues[l->ncues];
	memset(cue, 0, sizeof(*cue));
	cue->kind = kind;
	cue->lesson = (size_t)(les - l->lessons);
	cue->weight = weight;
	cue->window = (size_t)window;
	cue->slot = l->nslots;
	/* The text as written, before parse_item() cuts the items up; the cue
	 * counts from here on, so that lessons_free() frees it. */
	for (i = 0; i < ntok && !rc; i++) {
		if (i)
			rc = buf_addstr(&text, " ");
		if (!rc)
			rc = buf_addstr(&text, tok[i]);
	}
	cue->text = rc ? NULL : buf_detach(&text);
	buf_release(&text);
	if (!cue->text)
		return EV_NOMEM;
	l->ncues++;
	if (kind == CUE_WORD)
		rc = slot_begin(l);
	for (i = first_item; i < ntok && !rc; i++)
		rc = parse_item(p, kind, tok[i]);
	if (rc)
		return rc;
	cue->nslots = l->nslots - cue->slot;
	if (kind != CUE_WORD && cue->nslots < 2)
		return fail(p, "a %s cue needs at least two words (use a "
			    "word cue for one)", tok[0]);
	if (cue->nslots > MAX_SLOTS)
		return fail(p, "a %s cue may hold at most %d words", tok[0],
			    MAX_SLOTS);
	if (kind == CUE_NEAR) {
		if (cue->window < cue->nslots)
			return fail(p, "window %zu cannot hold the %zu words "
				    "of the near cue", cue->window,
				    cue->nslots);
		/* A word in two places would fill both with one
		 * occurrence; the matcher gives each word one place. */
		twice = near_repeat(l, cue);
		if (twice)
			return fail(p, "'%s' (as stemmed) is in two places "
				    "of the near cue", twice);
		cue->near = l->nnear;
		l->nnear += cue->nslots;
	}

	les->ncues++;
	if (weight > 0)
		les->positive = 1;
	return EV_OK;
}

/* Cut a comment: "#" at the start of the line or after a blank. */
static void strip_comment(char *s)
{
	for (char *c = s; *c; c++)
		if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
}

static ev_status parse_line(struct parser *p, char *line)
{
	char *s, *eq, *key_end;
	char *tok[MAX_TOKENS];
	size_t ntok = 0;
	char *save = NULL, *t;

	if (!utf8_valid(line, strlen(line)))
		return fail(p, "not valid UTF-8");
	strip_comment(line);
	s = str_trim(line);
	if (!*s)
		return EV_OK;
	if (*s == '[')
		return parse_section(p, s);

	/* "key = value": a bare word, then "=". */
	key_end = s;
	while ((*key_end >= 'a' && *key_end <= 'z') ||
	       (*key_end >= 'A' && *key_end <= 'Z') || *key_end == '_')
		key_end++;
	eq = key_end;
	while (*eq == ' ' || *eq == '\t')
		eq++;
	if (key_end > s && *eq == '=') {
		*key_end = '\0';
		return parse_setting(p, s, str_trim(eq + 1));
	}

	for (t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t",
							     &save)) {
		if (ntok == sizeof(tok) / sizeof(*tok))
			return fail(p, "more than %d items on one line; "
				    "split the cue", MAX_TOKENS);
		tok[ntok++] = t;
	}
	return parse_cue(p, tok, ntok);
}

/* Fill the posting lists from the cues, once they are all read. */
static ev_status build_postings(struct lessons *l)
{
	size_t *next = NULL;

	l->post_off = calloc(l->nstems + 2, sizeof(*l->post_off));
	if (!l->post_off)
		return EV_NOMEM;
	/* Pass 0 counts the postings of each stem, pass 1 fills them in,
	 * in cue order so that they keep the file's order.  A phrase is
	 * only ever entered at its first word. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (size_t i = 1; i <= l->nstems; i++)
				l->post_off[i] += l->post_off[i - 1];
			l->posts = malloc((l->post_off[l->nstems] + 1) *
					  sizeof(*l->posts));
			next = malloc((l->nstems + 1) * sizeof(*next));
			if (!l->posts || !next) {
				free(next);
				return EV_NOMEM;
			}
			memcpy(next, l->post_off,
			       (l->nstems + 1) * sizeof(*next));
		}
		for (size_t c = 0; c < l->ncues; c++) {
			const struct cue *cue = &l->cues[c];
			size_t nslots = cue->kind == CUE_PHRASE ? 1 :
								  cue->nslots;

			for (size_t s = 0; s < nslots; s++) {
				const struct slot *sl =
					&l->slots[cue->slot + s];

				for (size_t a = 0; a < sl->nalt; a++) {
					uint32_t id = l->alts[sl->alt + a];
					struct posting *po;

					if (pass == 0) {
						l->post_off[id + 1]++;
						continue;
					}
					po = &l->posts[next[id]++];
					po->cue = (uint32_t)c;
					po->slot = (uint32_t)s;
				}
			}
		}
	}
	free(next);
	return EV_OK;
}

/*
 * The digest covers what decides the tags and what they report: each
 * lesson's name and threshold, and each cue's text (kind, weight,
 * window and words, blanks collapsed), in file order.  Comments, blank
 * lines, spacing, labels and descriptions do not count.  Worked out when
 * asked for (the indexer asks; a search, which parses the taxonomy on
 * every run, does not), from pieces, so that it cannot fail.
 */
void lessons_digest(const struct lessons *l, char out[65])
{
	struct sha256 s;
	char threshold[64];

	sha256_init(&s);
	for (size_t i = 0; i < l->n; i++) {
		const struct lesson *les = &l->lessons[i];

		sha256_update(&s, "[", 1);
		sha256_update(&s, les->name, strlen(les->name));
		snprintf(threshold, sizeof(threshold), "]\nthreshold %.17g\n",
			 les->threshold);
		sha256_update(&s, threshold, strlen(threshold));
		for (size_t c = 0; c < les->ncues; c++) {
			const char *text = l->cues[les->first_cue + c].text;

			sha256_update(&s, text, strlen(text));
			sha256_update(&s, "\n", 1);
		}
	}
	text_sha256_final_hex(&s, out);
}

/* ------------------------------------------------------------------ */
/* The compiled form                                                   */

/*
 * A search reads the taxonomy on every run, and parsing the shipped one
 * cost a fifth of a small search even with the stem memo.  So the
 * indexer also keeps the parsed taxonomy in the index
 * (lessons_compile()), named by the length and a 64-bit hash of the
 * text it was parsed from (text_hash64(): a few microseconds for the
 * shipped taxonomy, where SHA-256 takes 0.1 ms on a CPU without SHA
 * instructions), and a command that is given that text again takes the
 * arrays as they are, building only the hash table and the postings.
 * An edit of the file that kept both its length and its hash (about a
 * chance in 2^64) would go unseen until the next index run compiled it
 * again.
 *
 * The form is read by every search, so it holds only what a read
 * taxonomy needs: not the text itself (a quarter of the shipped
 * taxonomy's form) nor the cue words with their stems (another quarter;
 * the stem memo has them).  A taxonomy read from a form cannot make a
 * stem memo (lessons_stems() says EV_USAGE): the indexer, which writes
 * both memos, parses (setup.c).
 *
 * The form is this build's own: a header naming the format, the program
 * and the Xapian that made it (the stems are Xapian's), then numbers in
 * host order, whose order and size a probe and the header check.  Any
 * difference, or a form that does not hold together (every count and
 * index is checked before use), and the text is parsed as if there
 * were no form.  Counts are 32 bits: a taxonomy is at most
 * LESSONS_MAX_FILE bytes.
 */
#define COMPILED_FORMAT 2
#define COMPILED_PROBE 0x01020304u

static size_t compiled_header(char *out, size_t size)
{
	int n = snprintf(out, size, "evidence taxonomy %d %s xapian %s %zu\n",
			 COMPILED_FORMAT, PACKAGE_VERSION, xdb_version(),
			 sizeof(double));

	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* The writer: the first failure sticks, so the calls need no checks. */
struct form {
	struct buf *b;
	ev_status rc;
};

static void put_bytes(struct form *f, const void *p, size_t n)
{
	if (!f->rc)
		f->rc = buf_add(f->b, p, n);
}

static void put_u32(struct form *f, size_t v)
{
	uint32_t x = (uint32_t)v;

	if (v > UINT32_MAX && !f->rc)
		f->rc = EV_TOO_BIG;
	put_bytes(f, &x, sizeof(x));
}

static void put_f64(struct form *f, double v)
{
	put_bytes(f, &v, sizeof(v));
}

static void put_str(struct form *f, const char *s, size_t len)
{
	put_u32(f, len);
	put_bytes(f, s, len);
}

ev_status lessons_compile(const struct lessons *l, struct buf *out)
{
	struct form f = {out, EV_OK};
	char header[256];
	size_t hlen = compiled_header(header, sizeof(header));

	if (!hlen)
		return EV_USAGE;
	put_bytes(&f, header, hlen);
	put_u32(&f, COMPILED_PROBE);
	put_u32(&f, l->source_len);
	put_bytes(&f, &l->source_hash, sizeof(l->source_hash));
	put_u32(&f, l->n);
	for (size_t i = 0; i < l->n; i++) {
		const struct lesson *les = &l->lessons[i];

		put_str(&f, les->name, strlen(les->name));
		put_str(&f, les->label, strlen(les->label));
		put_str(&f, les->description, strlen(les->description));
		put_f64(&f, les->threshold);
		put_u32(&f, les->line);
		put_u32(&f, les->first_cue);
		put_u32(&f, les->ncues);
		put_u32(&f, (size_t)les->positive);
	}
	put_u32(&f, l->ncues);
	for (size_t i = 0; i < l->ncues; i++) {
		const struct cue *cue = &l->cues[i];

		put_u32(&f, cue->kind);
		put_u32(&f, cue->lesson);
		put_f64(&f, cue->weight);
		put_u32(&f, cue->window);
		put_u32(&f, cue->slot);
		put_u32(&f, cue->nslots);
		put_u32(&f, cue->near);
		put_str(&f, cue->text, strlen(cue->text));
	}
	put_u32(&f, l->nslots);
	for (size_t i = 0; i < l->nslots; i++) {
		put_u32(&f, l->slots[i].alt);
		put_u32(&f, l->slots[i].nalt);
	}
	put_u32(&f, l->nalts);
	for (size_t i = 0; i < l->nalts; i++)
		put_u32(&f, l->alts[i]);
	put_u32(&f, l->nnear);
	put_u32(&f, (size_t)l->has_exact);
	put_u32(&f, l->nstems);
	for (size_t i = 0; i < l->nstems; i++)
		put_str(&f, l->stems[i], strlen(l->stems[i]));
	return f.rc;
}

/* The reader: past the end or out of memory, it stops and says so.
 * Strings go one after another into STRINGS, which has room for them
 * all (no more bytes than the form). */
struct cursor {
	const unsigned char *p, *end;
	int bad;
	char *strings;
};

static void take(struct cursor *c, void *out, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, c->p, n);
	c->p += n;
}

static size_t get_u32(struct cursor *c)
{
	uint32_t v;

	take(c, &v, sizeof(v));
	return v;
}

static double get_f64(struct cursor *c)
{
	double v;

	take(c, &v, sizeof(v));
	return v;
}

/* A string without NULs, in C's block of strings, or NULL.  Its length
 * takes four bytes of the form, where its NUL takes one of the block. */
static char *get_str(struct cursor *c)
{
	size_t n = get_u32(c);
	char *s = c->strings;

	if (c->bad || (size_t)(c->end - c->p) < n || memchr(c->p, 0, n)) {
		c->bad = 1;
		return NULL;
	}
	memcpy(s, c->p, n);
	s[n] = '\0';
	c->strings += n + 1;
	c->p += n;
	return s;
}

/* An array of COUNT items of SIZE bytes, with COUNT read from the form:
 * NULL (and bad) when the form could not hold that many items of at
 * least MIN bytes each. */
static void *get_array(struct cursor *c, size_t *count, size_t size,
		       size_t min)
{
	size_t n = get_u32(c);
	void *v = NULL;

	if (!c->bad && n <= (size_t)(c->end - c->p) / min)
		v = calloc(n + 1, size);
	if (!v) {
		c->bad = 1;
		return NULL;
	}
	*count = n;
	return v;
}

/* Does L, as read from a form, hold together?  Each index points inside
 * its array and each lesson is one the parser could have made. */
static int compiled_sane(const struct lessons *l)
{
	if (l->n == 0 || l->nstems >= UINT32_MAX)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct lesson *les = &l->lessons[i];

		if (!valid_name(les->name) || !(les->threshold > 0) ||
		    !isfinite(les->threshold) || les->first_cue > l->ncues ||
		    les->ncues > l->ncues - les->first_cue)
			return 0;
	}
	for (size_t i = 0; i < l->ncues; i++) {
		const struct cue *cue = &l->cues[i];

		if (cue->lesson >= l->n ||
		    !isfinite(cue->weight) || cue->nslots == 0 ||
		    cue->nslots > MAX_SLOTS || cue->slot > l->nslots ||
		    cue->nslots > l->nslots - cue->slot)
			return 0;
		if (cue->kind == CUE_NEAR &&
		    (cue->window > MAX_WINDOW || cue->near > l->nnear ||
		     cue->nslots > l->nnear - cue->near))
			return 0;
	}
	for (size_t i = 0; i < l->nslots; i++)
		if (l->slots[i].alt > l->nalts ||
		    l->slots[i].nalt > l->nalts - l->slots[i].alt)
			return 0;
	for (size_t i = 0; i < l->nalts; i++)
		if (l->alts[i] >= l->nstems)
			return 0;
	return 1;
}

/* The taxonomy in FORM (SIZE bytes), if it is a form this build made from
 * TEXT (LEN bytes); otherwise, or when memory is short, NULL. */
static struct lessons *decompile(const char *form, size_t size,
				 const char *text, size_t len)
{
	struct cursor c = {.p = (const unsigned char *)form,
			   .end = (const unsigned char *)form + size};
	struct lessons *l;
	char header[256];
	uint64_t hash;
	size_t hlen = compiled_header(header, sizeof(header)), table = 64;
	uint32_t probe;

	if (!hlen || size < hlen || memcmp(form, header, hlen) != 0)
		return NULL;
	c.p += hlen;
	take(&c, &probe, sizeof(probe));
	if (get_u32(&c) != len || probe != COMPILED_PROBE)
		return NULL;
	take(&c, &hash, sizeof(hash));
	if (c.bad || hash != text_hash64(text, len))
		return NULL;
	l = taxonomy_new();
	if (!l)
		return NULL;
	l->strings = malloc(size);
	if (!l->strings) {
		free(l);
		return NULL;
	}
	c.strings = l->strings;
	l->lessons = get_array(&c, &l->n, sizeof(*l->lessons), 36);
	for (size_t i = 0; i < l->n && !c.bad; i++) {
		struct lesson *les = &l->lessons[i];

		les->name = get_str(&c);
		les->label = get_str(&c);
		les->description = get_str(&c);
		les->threshold = get_f64(&c);
		les->line = (unsigned)get_u32(&c);
		les->first_cue = get_u32(&c);
		les->ncues = get_u32(&c);
		les->positive = get_u32(&c) != 0;
	}
	l->cues = get_array(&c, &l->ncues, sizeof(*l->cues), 36);
	for (size_t i = 0; i < l->ncues && !c.bad; i++) {
		struct cue *cue = &l->cues[i];
		size_t kind = get_u32(&c);

		if (kind > CUE_NEAR)
			c.bad = 1;
		cue->kind = c.bad ? CUE_WORD : (enum cue_kind)kind;
		cue->lesson = get_u32(&c);
		cue->weight = get_f64(&c);
		cue->window = get_u32(&c);
		cue->slot = get_u32(&c);
		cue->nslots = get_u32(&c);
		cue->near = get_u32(&c);
		cue->text = get_str(&c);
	}
	l->slots = get_array(&c, &l->nslots, sizeof(*l->slots), 8);
	for (size_t i = 0; i < l->nslots && !c.bad; i++) {
		l->slots[i].alt = get_u32(&c);
		l->slots[i].nalt = get_u32(&c);
	}
	l->alts = get_array(&c, &l->nalts, sizeof(*l->alts), 4);
	for (size_t i = 0; i < l->nalts && !c.bad; i++)
		l->alts[i] = (uint32_t)get_u32(&c);
	l->nnear = get_u32(&c);
	l->has_exact = get_u32(&c) != 0;
	l->stems = get_array(&c, &l->nstems, sizeof(*l->stems), 4);
	l->stem_hashes = calloc(l->nstems + 1, sizeof(*l->stem_hashes));
	for (size_t i = 0; i < l->nstems && !c.bad; i++) {
		l->stems[i] = get_str(&c);
		if (l->stems[i] && l->stem_hashes)
			l->stem_hashes[i] = text_hash(l->stems[i],
						      strlen(l->stems[i]));
	}
	l->source_len = len;
	l->source_hash = hash;
	l->stemmer = xdb_stem_new("english", NULL);
	while (table < 2 * l->nstems)
		table *= 2;
	if (c.bad || c.p != c.end || !l->stem_hashes || !l->stemmer ||
	    !compiled_sane(l) || table_rebuild(l, table) ||
	    build_postings(l)) {
		lessons_free(l);
		return NULL;
	}
	return l;
}

ev_status lessons_parse(const char *text, size_t len, const char *name,
			struct lessons **out, char *err, size_t errsz)
{
	return lessons_parse_memo(text, len, name, NULL, out, err, errsz);
}

ev_status lessons_parse_memo(const char *text, size_t len, const char *name,
			     const struct lessons_memo *memo,
			     struct lessons **out, char *err, size_t errsz)
{
	const char *stems = memo ? memo->stems : NULL;
	struct parser *p = NULL;
	struct lessons *l = NULL;
	char *copy = NULL, *memo_copy = NULL, *line, *next;
	char *msg = NULL;
	ev_status rc = EV_OK;

	*out = NULL;
	if (errsz)
		err[0] = '\0';
	if (memo && memo->compiled) {
		*out = decompile(memo->compiled, memo->compiled_len, text,
				 len);
		if (*out)
			return EV_OK;
	}
	p = calloc(1, sizeof(*p));
	l = taxonomy_new();
	copy = xstrndup(text, len);
	/* The parser writes into its copy of the stems; loaded ones are
	 * its own already (a failed load: none, and the stemmer's). */
	if (stems)
		memo_copy = strdup(stems);
	else if (memo && memo->load_stems)
		memo_copy = memo->load_stems(memo->arg);
	if (!p || !l || !copy || (stems && !memo_copy) ||
	    memo_open(p, memo_copy)) {
		rc = EV_NOMEM;
		goto out;
	}
	p->l = l;
	p->name = name;
	p->err = err;
	p->errsz = errsz;
	l->stemmer = xdb_stem_new("english", &msg);
	if (!l->stemmer) {
		p->line = 0;
		snprintf(err, errsz, "%s: no English stemmer: %s", name,
			 msg ? msg : "unknown error");
		rc = EV_UNSUPPORTED;
		goto out;
	}
	/* The parse stems each cue word about once, where a cache only
	 * costs (it touches a page of its 2 MiB per word); it starts
	 * after the parse, for lessons_tag(). */
	xdb_stem_set_cache(l->stemmer, 0);

	/* A NUL would hide the rest of its line from the parser. */
	{
		const char *nul = memchr(text, '\0', len);

		if (nul) {
			p->line = 1;
			for (const char *c = text; c < nul; c++)
				p->line += *c == '\n';
			rc = fail(p, "NUL byte in the file");
			goto out;
		}
	}
	for (line = copy; line && !rc; line = next) {
		size_t n;

		p->line++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		rc = parse_line(p, line);
	}
	if (!rc)
		rc = end_section(p);
	if (!rc && l->n == 0) {
		p->line = 1;
		rc = fail(p, "no lessons: the file needs at least one "
			  "[lesson] section");
	}
	if (!rc)
		rc = build_postings(l);
	if (!rc) {
		l->source_len = len;
		l->source_hash = text_hash64(text, len);
		xdb_stem_set_cache(l->stemmer, XDB_STEM_CACHE_DEFAULT);
		*out = l;
		l = NULL;
	}
out:
	if (rc == EV_NOMEM && errsz)
		snprintf(err, errsz, "%s: out of memory", name);
	free(msg);
	free(copy);
	if (p)
		free(p->memo);
	free(memo_copy);
	free(p);
	lessons_free(l);
	return rc;
}

ev_status lessons_load(const char *path, struct lessons **out, char *err,
		       size_t errsz)
{
	return lessons_load_memo(path, NULL, out, err, errsz);
}

ev_status lessons_load_memo(const char *path, const struct lessons_memo *memo,
			    struct lessons **out, char *err, size_t errsz)
{
	struct buf b = BUF_INIT;
	ev_status rc;

	*out = NULL;
	rc = fs_read_file(path, LESSONS_MAX_FILE, &b);
	/* fs_read_file() can read a little past its cap (lib/fsutil.c sizes
	 * reads by the buffer, not the cap), so check again. */
	if (!rc && b.len > LESSONS_MAX_FILE)
		rc = EV_TOO_BIG;
	if (rc == EV_TOO_BIG)
		snprintf(err, errsz, "%s: larger than %u MiB; is it really a "
			 "lessons file?", path, LESSONS_MAX_FILE >> 20);
	else if (rc)
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
	else
		rc = lessons_parse_memo(b.ptr ? b.ptr : "", b.len, path, memo,
					out, err, errsz);
	buf_release(&b);
	return rc;
}

size_t lessons_count(const struct lessons *l)
{
	return l->n;
}

const char *lessons_name(const struct lessons *l, size_t i)
{
	return i < l->n ? l->lessons[i].name : NULL;
}

const char *lessons_label(const struct lessons *l, size_t i)
{
	return i < l->n ? l->lessons[i].label : NULL;
}

const char *lessons_description(const struct lessons *l, size_t i)
{
	return i < l->n ? l->lessons[i].description : NULL;
}

long lessons_find(const struct lessons *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->lessons[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Tagging                                                             */

void lesson_tags_init(struct lesson_tags *tags)
{
	tags->v = NULL;
	tags->n = 0;
}

void lesson_tags_release(struct lesson_tags *tags)
{
	for (size_t i = 0; i < tags->n; i++)
		strvec_release(&tags->v[i].cues);
	free(tags->v);
	lesson_tags_init(tags);
}

/*
 * The words of a passage, each as the ids of its stem and of the exact
 * word (-1 when no cue uses it).
 */
struct word_ids {
	int32_t id[2]; /* [0] the stem's, [1] the exact "=word"'s */
};

/*
 * The word cache: an open-addressing table of words up to CACHE_WORD
 * bytes with their ids under one taxonomy.  A word's ids cost a stem and
 * two look-ups; a text of a few hundred words has far fewer distinct
 * ones, and so have many texts of one field.  Emptied when it is three
 * quarters full.
 */
#define CACHE_SLOTS 8192 /* a power of two */
#define CACHE_WORD 22

struct cache_slot {
	uint32_t hash;
	unsigned char len; /* 0: empty */
	char word[CACHE_WORD + 1];
	struct word_ids ids;
};

struct lessons_cache {
	unsigned long serial; /* of the taxonomy whose ids the slots hold */
	size_t used;
	struct cache_slot slots[CACHE_SLOTS];
};

struct lessons_cache *lessons_cache_new(const struct lessons *l)
{
	struct lessons_cache *c = calloc(1, sizeof(*c));

	if (c)
		c->serial = l->serial;
	return c;
}

void lessons_cache_free(struct lessons_cache *c)
{
	free(c);
}

/* The slot holding the LEN bytes of WORD (hash H), or the empty one
 * where it would go. */
static struct cache_slot *cache_probe(struct lessons_cache *c,
				      const char *word, size_t len, uint32_t h)
{
	const size_t mask = CACHE_SLOTS - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct cache_slot *sl = &c->slots[i];

		if (!sl->len || (sl->hash == h && sl->len == len &&
				 !memcmp(sl->word, word, len)))
			return sl;
	}
}

/* The slot of the LEN bytes of WORD (1 to CACHE_WORD), claimed for it
 * when it was not there (*FRESH: its ids are then the caller's to
 * fill). */
static struct cache_slot *cache_slot(struct lessons_cache *c,
				     const char *word, size_t len, int *fresh)
{
	uint32_t h = text_hash(word, len);
	struct cache_slot *sl = cache_probe(c, word, len, h);

	*fresh = !sl->len;
	if (!*fresh)
		return sl;
	if (c->used >= CACHE_SLOTS / 4 * 3) {
		memset(c->slots, 0, sizeof(c->slots));
		c->used = 0;
		sl = cache_probe(c, word, len, h);
	}
	sl->hash = h;
	sl->len = (unsigned char)len;
	memcpy(sl->word, word, len);
	c->used++;
	return sl;
}

struct words {
	const struct lessons *l;
	struct lessons_cache *cache; /* or NULL */
	struct word_ids *v;
	size_t n, alloc;
	size_t hits; /* words that some cue uses */
	ev_status rc;
	struct word_ids local[256]; /* most passages fit here */
};

/* The ids of the LEN bytes of WORD: its stem's and its exact form's. */
static void word_ids_of(const struct lessons *l, const char *word, size_t len,
			struct word_ids *ids)
{
	char stem[STEM_MAX + 1];
	size_t n;

	ids->id[0] = ids->id[1] = -1;
	n = xdb_stem_word(l->stemmer, word, len, stem, STEM_MAX);
	if (n > 0 && n < STEM_MAX)
		ids->id[0] = (int32_t)stem_lookup(l, stem, n);
	if (l->has_exact && len < STEM_MAX) {
		stem[0] = '=';
		memcpy(stem + 1, word, len);
		ids->id[1] = (int32_t)stem_lookup(l, stem, len + 1);
	}
}

/* Look up one more word of the text (w->rc says when out of memory). */
static void add_word(struct words *w, const char *word, size_t len)
{
	struct word_ids *ids;

	if (w->n == w->alloc) {
		size_t alloc = w->alloc * 2;

		ids = w->v == w->local ? malloc(alloc * sizeof(*ids)) :
					 realloc(w->v, alloc * sizeof(*ids));
		if (!ids) {
			w->rc = EV_NOMEM;
			return;
		}
		if (w->v == w->local)
			memcpy(ids, w->local, w->n * sizeof(*ids));
		w->v = ids;
		w->alloc = alloc;
	}
	ids = &w->v[w->n++];
	if (w->cache && len > 0 && len <= CACHE_WORD) {
		int fresh;
		struct cache_slot *sl = cache_slot(w->cache, word, len, &fresh);

		if (fresh)
			word_ids_of(w->l, word, len, &sl->ids);
		*ids = sl->ids;
	} else {
		word_ids_of(w->l, word, len, ids);
	}
	if (ids->id[0] >= 0 || ids->id[1] >= 0)
		w->hits++;
}

static int word_fills(const struct lessons *l, const struct slot *s,
		      const struct word_ids *ids)
{
	return (ids->id[0] >= 0 && slot_has(l, s, (uint32_t)ids->id[0])) ||
	       (ids->id[1] >= 0 && slot_has(l, s, (uint32_t)ids->id[1]));
}

/* Does the phrase CUE start at word I? */
static int phrase_at(const struct lessons *l, const struct cue *cue,
		     const struct words *w, size_t i)
{
	if (i + cue->nslots > w->n)
		return 0;
	for (size_t k = 1; k < cue->nslots; k++)
		if (!word_fills(l, &l->slots[cue->slot + k], &w->v[i + k]))
			return 0;
	return 1;
}

/* Word I fills slot K of the near CUE: have all its slots now been seen
 * within the window?  LAST holds each slot's latest position + 1, so a
 * window that ends at I is as narrow as it can be. */
static int near_at(const struct cue *cue, size_t *last, size_t k, size_t i)
{
	size_t lo = i;

	last[cue->near + k] = i + 1;
	for (size_t s = 0; s < cue->nslots; s++) {
		size_t at = last[cue->near + s];

		if (at == 0)
			return 0;
		if (at - 1 < lo)
			lo = at - 1;
	}
	return i - lo < cue->window;
}

/* 1 - 2^(-score/threshold): 0.5 at the threshold and rising towards 1
 * without a ceiling, so a passage twice over the threshold still ranks
 * above one just over it (doc/evidence-lessons.conf.5 says more). */
static double strength_of(double score, double threshold)
{
	double s;

	if (score <= 0 || threshold <= 0)
		return 0;
	s = 1.0 - pow(2.0, -score / threshold);
	/* Far below the threshold the subtraction can round to 0. */
	return s > 0 ? (s < 1 ? s : 1) : 1e-9;
}

static ev_status add_tag(const struct lessons *l, size_t li, double score,
			 const unsigned char *fired, struct lesson_tags *tags)
{
	const struct lesson *les = &l->lessons[li];
	struct lesson_tag *t, *v;
	ev_status rc = EV_OK;

	v = realloc(tags->v, (tags->n + 1) * sizeof(*v));
	if (!v)
		return EV_NOMEM;
	tags->v = v;
	t = &tags->v[tags->n++];
	t->lesson = li;
	t->score = score;
	t->strength = strength_of(score, les->threshold);
	strvec_init(&t->cues);
	for (size_t c = 0; c < les->ncues && !rc; c++)
		if (fired[les->first_cue + c])
			rc = strvec_push(&t->cues,
					 l->cues[les->first_cue + c].text);
	return rc;
}

/* Walk the postings of stem id ID for word I of W. */
static void match_postings(const struct lessons *l, const struct words *w,
			   size_t i, int32_t id, unsigned char *fired,
			   size_t *last, double *score)
{
	for (size_t p = l->post_off[id]; p < l->post_off[id + 1]; p++) {
		const struct posting *po = &l->posts[p];
		const struct cue *cue = &l->cues[po->cue];
		int hit = 0;

		if (fired[po->cue])
			continue;
		switch (cue->kind) {
		case CUE_WORD:
			hit = 1;
			break;
		case CUE_PHRASE:
			hit = phrase_at(l, cue, w, i);
			break;
		case CUE_NEAR:
			hit = near_at(cue, last, po->slot, i);
			break;
		}
		if (hit) {
			fired[po->cue] = 1;
			score[cue->lesson] += cue->weight;
		}
	}
}

/* The tagger's state for taxonomies up to this size lives on the
 * stack; the shipped one has a few hundred cues. */
#define TAG_LOCAL_CUES 1024
#define TAG_LOCAL_NEAR 256
#define TAG_LOCAL_LESSONS 64

ev_status lessons_tag(const struct lessons *l, const char *text,
		      double min_fraction, struct lesson_tags *tags)
{
	struct wordlist words = WORDLIST_INIT;
	ev_status rc = wordlist_fill(&words, text);

	if (!rc)
		rc = lessons_tag_words(l, &words, NULL, min_fraction, tags);
	wordlist_release(&words);
	return rc;
}

ev_status lessons_tag_words(const struct lessons *l,
			    const struct wordlist *text,
			    struct lessons_cache *cache, double min_fraction,
			    struct lesson_tags *tags)
{
	struct words words, *w = &words;
	unsigned char fired_local[TAG_LOCAL_CUES], *fired = fired_local;
	size_t last_local[TAG_LOCAL_NEAR], *last = last_local;
	double score_local[TAG_LOCAL_LESSONS], *score = score_local;
	ev_status rc = EV_OK;

	w->l = l;
	w->cache = cache && cache->serial == l->serial ? cache : NULL;
	w->v = w->local;
	w->n = 0;
	w->alloc = sizeof(w->local) / sizeof(*w->local);
	w->hits = 0;
	w->rc = EV_OK;
	for (size_t i = 0; i < text->n && !w->rc; i++)
		add_word(w, text->bytes + text->v[i].off, text->v[i].len);
	rc = w->rc;
	if (rc || w->hits == 0)
		goto out;
	if (l->ncues > TAG_LOCAL_CUES)
		fired = calloc(l->ncues, 1);
	else
		memset(fired, 0, l->ncues);
	if (l->nnear + 1 > TAG_LOCAL_NEAR)
		last = calloc(l->nnear + 1, sizeof(*last));
	else
		memset(last, 0, (l->nnear + 1) * sizeof(*last));
	if (l->n > TAG_LOCAL_LESSONS)
		score = calloc(l->n, sizeof(*score));
	else
		memset(score, 0, l->n * sizeof(*score));
	if (!fired || !last || !score) {
		rc = EV_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < w->n; i++)
		for (int k = 0; k < 2; k++)
			if (w->v[i].id[k] >= 0)
				match_postings(l, w, i, w->v[i].id[k], fired,
					       last, score);
	for (size_t li = 0; li < l->n && !rc; li++) {
		double need = l->lessons[li].threshold * min_fraction;

		if (score[li] > 0 && score[li] + SCORE_EPSILON >= need)
			rc = add_tag(l, li, score[li], fired, tags);
	}
out:
	if (w->v != w->local)
		free(w->v);
	if (fired != fired_local)
		free(fired);
	if (last != last_local)
		free(last);
	if (score != score_local)
		free(score);
	return rc;
}
