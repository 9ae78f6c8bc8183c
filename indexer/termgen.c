/* termgen.c - a text's words as the terms Xapian's TermGenerator makes */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "stopwords.h"
#include "termgen.h"
#include "text.h"

/* The longest word indexed, in bytes (TermGenerator's default, which
 * xdb.cc keeps), and so the longest prefix that keeps "Z" + prefix +
 * word within XDB_MAX_TERM. */
#define MAX_WORD 64
#define MAX_PREFIX (XDB_MAX_TERM - 1 - 2 * MAX_WORD)
/* A word's bytes are kept up to this many; a longer one is counted
 * on to its end and dropped. */
#define WORD_ROOM (MAX_WORD + 8)
/* Room for a stem: English stems are no longer than their word. */
#define STEM_ROOM (4 * MAX_WORD)

/* What an infix that is skipped (a zero-width space or joiner between
 * two word characters) reads as. */
#define SKIP_CHAR 0xffffffffu

/* A word of the current document whose stem term it gets at the end. */
struct pending {
	uint32_t hash;	    /* of the key */
	uint32_t word_hash; /* of the word alone */
	uint32_t slot;	    /* where the table points at it */
	size_t off;	 /* its key in tg->keys: the prefix, then the word */
	size_t prefix_len, len; /* len: the whole key's */
	unsigned wdf;	 /* the sum of its occurrences' */
};

struct termgen {
	xdb_termgen_t *xapian; /* with XAPIAN_CJK_NGRAM: all goes there */
	xdb_stem_t *stem;
	xdb_doc_t *doc;
	unsigned pos;
	/* The classes and lower case of ASCII, asked of xdb.h once. */
	unsigned char ascii_class[128];
	unsigned char ascii_lower[128];
	/* The document's pending words: an open-addressed table of
	 * indexes + 1 into PENDING (0: free), N_SLOTS a power of two. */
	struct pending *pending;
	size_t n_pending, pending_alloc;
	uint32_t *slots;
	size_t n_slots;
	struct buf keys;
	/* The term being built: the prefix, then the word. */
	char term[MAX_PREFIX + WORD_ROOM + 1];
	struct buf msg;
};

/* A word being read into TERM after its prefix; LEN counts every byte,
 * kept or not. */
struct word {
	char *b;
	size_t len;
};

const char *termgen_errmsg(const struct termgen *tg)
{
	return tg ? buf_str(&tg->msg) : "no term generator";
}

struct termgen *termgen_new(void)
{
	struct termgen *tg = calloc(1, sizeof(*tg));
	const char *cjk = getenv("XAPIAN_CJK_NGRAM");

	if (!tg)
		return NULL;
	buf_init(&tg->keys, 0);
	buf_init(&tg->msg, 0);
	if (cjk && *cjk) {
		tg->xapian = xdb_termgen_new(NULL);
		if (!tg->xapian)
			goto fail;
		return tg;
	}
	tg->stem = xdb_stem_new("english", NULL);
	if (!tg->stem)
		goto fail;
	for (unsigned ch = 0; ch < 128; ch++) {
		unsigned lower;

		tg->ascii_class[ch] = (unsigned char)xdb_char_class(ch, &lower);
		tg->ascii_lower[ch] = (unsigned char)lower;
	}
	return tg;
fail:
	termgen_free(tg);
	return NULL;
}

void termgen_free(struct termgen *tg)
{
	if (!tg)
		return;
	xdb_termgen_free(tg->xapian);
	xdb_stem_free(tg->stem);
	free(tg->pending);
	free(tg->slots);
	buf_release(&tg->keys);
	buf_release(&tg->msg);
	free(tg);
}

/* Forget the pending words, keeping the memory. */
static void drop_pending(struct termgen *tg)
{
	for (size_t i = 0; i < tg->n_pending; i++)
		tg->slots[tg->pending[i].slot] = 0;
	tg->n_pending = 0;
	buf_reset(&tg->keys);
}

ev_status termgen_start(struct termgen *tg, xdb_doc_t *doc)
{
	if (tg->xapian)
		return xdb_termgen_set_document(tg->xapian, doc);
	drop_pending(tg);
	tg->doc = doc;
	tg->pos = 0;
	return EV_OK;
}

ev_status termgen_skip(struct termgen *tg, unsigned delta)
{
	if (tg->xapian)
		return xdb_termgen_increase_termpos(tg->xapian, delta);
	tg->pos += delta;
	return EV_OK;
}

/* ------------------------------------------------------------------ */
/* Characters                                                           */

/* The character at P (before END), its length in *LENP. */
static inline unsigned char_at(const unsigned char *p, const unsigned char *end,
			       size_t *lenp)
{
	if (*p < 0x80) {
		*lenp = 1;
		return *p;
	}
	return xdb_utf8_char((const char *)p, (size_t)(end - p), lenp);
}

/* CH's XDB_CHAR_* classes, and its lower case in *LOWERP. */
static inline unsigned char_class(const struct termgen *tg, unsigned ch,
				  unsigned *lowerp)
{
	if (ch < 128) {
		*lowerp = tg->ascii_lower[ch];
		return tg->ascii_class[ch];
	}
	return xdb_char_class(ch, lowerp);
}

/* CH lower-cased when it is a word character, else 0. */
static inline unsigned word_char(const struct termgen *tg, unsigned ch)
{
	unsigned lower;

	return (char_class(tg, ch, &lower) & XDB_CHAR_WORD) ? lower : 0;
}

static inline int is_digit(const struct termgen *tg, unsigned ch)
{
	unsigned lower;

	return (char_class(tg, ch, &lower) & XDB_CHAR_DIGIT) != 0;
}

/* What joins two runs of letters into one word when it stands between
 * them (Unicode's MidLetter characters, and '&' for "AT&T"), as the
 * character the word keeps, SKIP_CHAR to keep none, or 0: it does not. */
static unsigned letter_infix(unsigned ch)
{
	switch (ch) {
	case '\'':
	case '&':
	case 0xb7:   /* middle dot */
	case 0x5f4:  /* Hebrew punctuation gershayim */
	case 0x2027: /* hyphenation point */
		return ch;
	case 0x2019: /* right single quotation mark */
	case 0x201b: /* single high-reversed-9 quotation mark */
		return '\'';
	case 0x200b: /* zero width space */
	case 0x200c: /* zero width non-joiner */
	case 0x200d: /* zero width joiner */
	case 0x2060: /* word joiner */
	case 0xfeff: /* zero width no-break space */
		return SKIP_CHAR;
	}
	return 0;
}

/* The same between two digits (Unicode's MidNum characters): "1,000". */
static unsigned digit_infix(unsigned ch)
{
	switch (ch) {
	case ',':
	case '.':
	case ';':
	case 0x37e:  /* Greek question mark */
	case 0x589:  /* Armenian full stop */
	case 0x60d:  /* Arabic date separator */
	case 0x7f8:  /* NKo comma */
	case 0x2044: /* fraction slash */
	case 0xfe10: /* presentation forms: vertical comma, */
	case 0xfe13: /* colon */
	case 0xfe14: /* and semicolon */
		return ch;
	case 0x200b:
	case 0x200c:
	case 0x200d:
	case 0x2060:
	case 0xfeff:
		return SKIP_CHAR;
	}
	return 0;
}

/* Add CH, not ASCII, to W in UTF-8.  Every CH here is one that
 * xdb_utf8_char() read (at most U+10FFFF) or its lower case, which
 * utf8_encode() writes as Xapian's append_utf8() does. */
static void word_add_utf8(struct word *w, unsigned ch)
{
	char u[4];
	size_t n = utf8_encode(ch, u);

	for (size_t i = 0; i < n; i++, w->len++)
		if (w->len < WORD_ROOM)
			w->b[w->len] = u[i];
}

/* Add CH to W. */
static inline void word_add(struct word *w, unsigned ch)
{
	if (ch >= 0x80) {
		word_add_utf8(w, ch);
		return;
	}
	if (w->len < WORD_ROOM)
		w->b[w->len] = (char)ch;
	w->len++;
}

/* ------------------------------------------------------------------ */
/* Words                                                                */

/*
 * An acronym at *PP: single capital letters each followed by a '.'
 * ("U.N.", "P.T.O") read as one word ("un", "pto"), when there are at
 * least two and no word character follows.  Returns 1 with the word in
 * W and *PP past it (past a last '.', if any), else 0 with W empty.
 */
static int read_acronym(const struct termgen *tg, const unsigned char **pp,
			const unsigned char *end, struct word *w)
{
	const unsigned char *q = *pp;
	size_t n;

	do {
		word_add(w, tg->ascii_lower[*q]);
		q++;
	} while (q != end && *q == '.' && ++q != end && *q >= 'A' && *q <= 'Z');
	if (w->len < 2 || (q != end && word_char(tg, char_at(q, end, &n)))) {
		w->len = 0;
		return 0;
	}
	*pp = q;
	return 1;
}

/*
 * Read the word that starts at *PP, whose first character CH (N bytes)
 * is a word character, into W, and move *PP past it: runs of word
 * characters joined by single infixes, then up to three '+' or '#' ("C++",
 * "C#") unless a word character follows them.
 */
static void read_word(const struct termgen *tg, const unsigned char **pp,
		      const unsigned char *end, unsigned ch, size_t n,
		      struct word *w)
{
	const unsigned char *p = *pp;
	unsigned lower = word_char(tg, ch);
	size_t len;
	unsigned count = 0;

	if (ch >= 'A' && ch <= 'Z' && read_acronym(tg, pp, end, w))
		return;
	for (;;) {
		const unsigned char *next;
		unsigned prev, next_ch, next_lower, infix;
		size_t next_n;

		do {
			word_add(w, lower);
			prev = lower;
			p += n;
			if (p == end) {
				*pp = p;
				return;
			}
			ch = char_at(p, end, &n);
			lower = word_char(tg, ch);
		} while (lower);
		/* CH at P ends a run; an infix joins it to the next. */
		next = p + n;
		if (next == end)
			break;
		next_ch = char_at(next, end, &next_n);
		next_lower = word_char(tg, next_ch);
		if (!next_lower)
			break;
		if (is_digit(tg, prev) && is_digit(tg, next_ch))
			infix = digit_infix(ch);
		else
			infix = letter_infix(ch);
		if (!infix)
			break;
		if (infix != SKIP_CHAR)
			word_add(w, infix);
		p = next;
		ch = next_ch;
		n = next_n;
		lower = next_lower;
	}
	/* P is at CH, which is not a word character. */
	len = w->len;
	while (ch == '+' || ch == '#') {
		if (++count > 3) {
			w->len = len;
			break;
		}
		word_add(w, ch);
		p += n;
		if (p == end)
			break;
		ch = char_at(p, end, &n);
	}
	if (p != end && word_char(tg, ch))
		w->len = len; /* "fish+chips" is "fish" and "chips" */
	*pp = p;
}

/* ------------------------------------------------------------------ */
/* The document's terms                                                 */

static ev_status doc_failed(struct termgen *tg, ev_status rc)
{
	buf_setf(&tg->msg, "%s", xdb_doc_errmsg(tg->doc));
	return rc;
}

/* Make room for one more pending word: the table is kept at most half
 * full. */
static ev_status pending_room(struct termgen *tg)
{
	struct pending *p;
	uint32_t *slots;
	size_t n;

	if (tg->n_pending == tg->pending_alloc) {
		p = array_grow(tg->pending, &tg->pending_alloc,
			       tg->n_pending + 1, sizeof(*p));
		if (!p)
			return EV_NOMEM;
		tg->pending = p;
	}
	if (2 * (tg->n_pending + 1) <= tg->n_slots)
		return EV_OK;
	n = tg->n_slots ? 2 * tg->n_slots : 1024;
	if (n > UINT32_MAX)
		return EV_NOMEM;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return EV_NOMEM;
	for (size_t i = 0; i < tg->n_pending; i++) {
		uint32_t s = tg->pending[i].hash & (uint32_t)(n - 1);

		while (slots[s])
			s = (s + 1) & (uint32_t)(n - 1);
		slots[s] = (uint32_t)(i + 1);
		tg->pending[i].slot = s;
	}
	free(tg->slots);
	tg->slots = slots;
	tg->n_slots = n;
	return EV_OK;
}

/* Count WDFINC more for the stem term of the word in TERM (a prefix of
 * PREFIX_LEN bytes whose text_hash() is PREFIX_HASH, then the word; LEN
 * bytes in all). */
static ev_status pend_stem(struct termgen *tg, size_t prefix_len,
			   uint32_t prefix_hash, size_t len, unsigned wdfinc)
{
	uint32_t word_hash = text_hash(tg->term + prefix_len, len - prefix_len);
	uint32_t h = word_hash ^ prefix_hash;
	uint32_t s;
	struct pending *e;
	ev_status rc;

	if (tg->n_slots) {
		uint32_t mask = (uint32_t)(tg->n_slots - 1);

		for (s = h & mask; tg->slots[s]; s = (s + 1) & mask) {
			e = &tg->pending[tg->slots[s] - 1];
			if (e->hash == h && e->len == len &&
			    e->prefix_len == prefix_len &&
			    memcmp(tg->keys.ptr + e->off, tg->term, len) == 0) {
				e->wdf += wdfinc;
				return EV_OK;
			}
		}
	}
	rc = pending_room(tg);
	if (rc)
		return rc;
	e = &tg->pending[tg->n_pending];
	e->hash = h;
	e->word_hash = word_hash;
	e->off = tg->keys.len;
	e->prefix_len = prefix_len;
	e->len = len;
	e->wdf = wdfinc;
	rc = buf_add(&tg->keys, tg->term, len);
	if (rc)
		return rc;
	for (s = h & (uint32_t)(tg->n_slots - 1); tg->slots[s];
	     s = (s + 1) & (uint32_t)(tg->n_slots - 1))
		;
	tg->slots[s] = (uint32_t)(++tg->n_pending);
	e->slot = s;
	return EV_OK;
}

/* Add the word of LEN bytes in TERM after its prefix. */
static ev_status add_word(struct termgen *tg, size_t prefix_len,
			  uint32_t prefix_hash, size_t len, unsigned wdfinc,
			  int positions)
{
	ev_status rc;

	if (len > MAX_WORD)
		return EV_OK;
	tg->term[prefix_len + len] = '\0';
	if (positions)
		rc = xdb_doc_add_posting(tg->doc, tg->term, ++tg->pos, wdfinc);
	else
		rc = xdb_doc_add_term(tg->doc, tg->term, wdfinc);
	if (rc)
		return doc_failed(tg, rc);
	return pend_stem(tg, prefix_len, prefix_hash, prefix_len + len, wdfinc);
}

ev_status termgen_index(struct termgen *tg, const char *text, unsigned wdfinc,
			const char *prefix, int positions)
{
	size_t prefix_len = strlen(prefix);
	uint32_t prefix_hash = text_hash(prefix, prefix_len);
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *end = p + strlen(text);
	ev_status rc;

	if (prefix_len > MAX_PREFIX)
		return buf_setf(&tg->msg,
				"term prefix too long (the limit is %d bytes)",
				MAX_PREFIX)
			       ? EV_NOMEM
			       : EV_USAGE;
	if (tg->xapian) {
		rc = positions ? xdb_termgen_index_text(tg->xapian, text,
							wdfinc, prefix)
			       : xdb_termgen_index_text_nopos(
					 tg->xapian, text, wdfinc, prefix);
		if (rc)
			buf_setf(&tg->msg, "%s",
				 xdb_termgen_errmsg(tg->xapian));
		return rc;
	}
	if (!tg->doc)
		return buf_setf(&tg->msg, "no document to index into")
			       ? EV_NOMEM
			       : EV_USAGE;
	memcpy(tg->term, prefix, prefix_len);
	while (p != end) {
		struct word w = {tg->term + prefix_len, 0};
		size_t n;
		unsigned ch = char_at(p, end, &n);

		if (!word_char(tg, ch)) {
			p += n;
			continue;
		}
		read_word(tg, &p, end, ch, n, &w);
		rc = add_word(tg, prefix_len, prefix_hash, w.len, wdfinc,
			      positions);
		if (rc)
			return rc;
	}
	return EV_OK;
}

/* Whether E's word, the LEN bytes at WORD, gets a stem term: not a
 * stopword, and starting with a letter of a class that is stemmed. */
static int stems(const struct termgen *tg, const struct pending *e,
		 const char *word, size_t len)
{
	unsigned lower;
	size_t n;

	if (stopword_hashed(word, len, e->word_hash))
		return 0;
	return (char_class(tg,
			   char_at((const unsigned char *)word,
				   (const unsigned char *)word + len, &n),
			   &lower) &
		XDB_CHAR_STEMS) != 0;
}

ev_status termgen_finish(struct termgen *tg)
{
	char term[1 + MAX_PREFIX + STEM_ROOM + 1];
	ev_status rc = EV_OK;

	if (tg->xapian)
		return xdb_termgen_set_document(tg->xapian, NULL);
	for (size_t i = 0; !rc && i < tg->n_pending; i++) {
		const struct pending *e = &tg->pending[i];
		const char *key = tg->keys.ptr + e->off;
		const char *word = key + e->prefix_len;
		size_t len = e->len - e->prefix_len, stem_len;

		if (!stems(tg, e, word, len))
			continue;
		term[0] = 'Z';
		memcpy(term + 1, key, e->prefix_len);
		stem_len = xdb_stem_word(tg->stem, word, len,
					 term + 1 + e->prefix_len, STEM_ROOM);
		if (stem_len == 0)
			continue; /* as TermGenerator skips an empty stem */
		if (stem_len >= STEM_ROOM) {
			rc = buf_setf(&tg->msg, "the stem of '%.*s' is too long",
				      (int)len, word)
				     ? EV_NOMEM
				     : EV_INDEX;
			break;
		}
		rc = xdb_doc_add_term(tg->doc, term, e->wdf);
		if (rc)
			doc_failed(tg, rc);
	}
	drop_pending(tg);
	tg->doc = NULL;
	return rc;
}
