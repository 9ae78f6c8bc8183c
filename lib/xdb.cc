/* xdb.cc - the C binding over xapian-core; the only C++ in evidence */
#include "config.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xapian.h>
#include <lz4.h>
#include <zlib.h>

#include "xdb.h"
extern "C" {
#include "fsutil.h"
#include "stopwords.h"
}

/*
 * Every exported function is wrapped in try { ... } catch (...) { return
 * fail(handle); }.  fail() rethrows the exception in flight to sort it
 * (the way notmuch's _notmuch_xapian_error does) and keeps its message on
 * the handle.  No exception may leave this file.
 */

/* How many times a read that meets a revision reused by a writer
 * (DatabaseModifiedError) reopens the database and tries again. */
#define MODIFIED_RETRIES 3

/* The longest word TermGenerator indexes, in bytes (Xapian's default),
 * and so the longest term prefix that keeps "Z" + prefix + word within
 * XDB_MAX_TERM even when lower-casing lengthens a word. */
#define TERMGEN_MAX_WORD 64
#define TERMGEN_MAX_PREFIX (XDB_MAX_TERM - 1 - 2 * TERMGEN_MAX_WORD)

/* Spies per search: each one counts every match, so keep them few. */
#define MAX_FACETS 4

struct xdb {
	Xapian::Database *db;          /* the handle, read-only or writable */
	Xapian::WritableDatabase *wdb; /* the same object when writable */
	std::string path;
	std::string msg;
	/* What xdb_add_spellings() gathered since the spelling data was
	 * last flushed: each word with its summed wdf, given to Xapian
	 * before a full commit or a batch's commit that finds too many
	 * (flush_spellings()). */
	std::unordered_map<std::string, Xapian::termcount> spellings;
	/* The index, as the next commit will leave it, holds
	 * SPELLING_BEHIND_KEY: documents without their words. */
	bool spelling_marked = false;
	/* It held the key when opened: a run that ended before its full
	 * commit left documents behind, to catch up at ours. */
	bool spelling_stale = false;
};

/*
 * Spelling data is Xapian's costliest table to keep: a commit that brings
 * new words rewrites, for every fragment of them (their first two
 * letters, last two, each three in a row), the whole sorted and deflated
 * list of the words holding it.  On text with prose's long tail of rare
 * words, flushing the words at each batch's commit took a quarter to a
 * third of the writer's time (bench/RESULTS.md, change 73).  So a
 * batch's commit (xdb_commit_batch()) leaves the words pending until
 * more than XDB_SPELLING_PENDING_MAX distinct words wait, and the full
 * commit that ends a run flushes them.  While words wait, the index
 * holds SPELLING_BEHIND_KEY, set with the first of them, so every commit
 * of their documents carries it; a run stopped before its full commit
 * leaves it set, and the next writer's full commit rebuilds what is
 * missing from the documents themselves (catch_up_spellings()).
 */
#define SPELLING_BEHIND_KEY "evidence-spelling-behind"

/* Is TERM a word for the spelling data?  Prefixed terms start with a
 * capital, and synonym canonical forms hold spaces. */
static bool prefixed_term(const std::string &term)
{
	return !term.empty() && term[0] >= 'A' && term[0] <= 'Z';
}

static bool spelling_word(const std::string &term)
{
	return !term.empty() && !prefixed_term(term) &&
	       term.find(' ') == std::string::npos;
}

/*
 * Give each word of DB's documents a spelling frequency of at least its
 * collection frequency (the sum of its wdf over the documents), which is
 * what adding each document's words gives: replaced documents leave the
 * spelling frequency higher, never lower.  What a stopped run left
 * behind is then there.  Throws what Xapian throws.
 */
static void catch_up_spellings(xdb_t *db)
{
	Xapian::WritableDatabase &w = *db->wdb;
	/* Both lists are sorted: walk the words with the terms, and add
	 * once the walk is over. */
	auto sp = w.spellings_begin();
	const auto sp_end = w.spellings_end();
	std::vector<std::pair<std::string, Xapian::termcount>> missing;

	const auto end = w.allterms_end();

	for (auto t = w.allterms_begin(); t != end;) {
		const std::string &term = *t;

		if (prefixed_term(term)) {
			t.skip_to("["); /* past every capital */
			continue;
		}
		if (spelling_word(term)) {
			Xapian::termcount cf = w.get_collection_freq(term);
			Xapian::termcount sf = 0;

			sp.skip_to(term);
			if (sp != sp_end && *sp == term)
				sf = sp.get_termfreq();
			if (cf > sf)
				missing.emplace_back(term, cf - sf);
		}
		++t;
	}
	for (const auto &m : missing)
		w.add_spelling(m.first, m.second);
}

/*
 * Hand DB's gathered spelling data to Xapian: one add_spelling() per word
 * since the last flush rather than per word of each document, which sums
 * to the same frequencies (the word list was a twelfth of the writer's
 * instructions, most of them in Xapian's map of pending words).  Then
 * catch up what an earlier run left behind, and clear the mark.  Called
 * before every full commit; throws what Xapian throws.
 */
static void flush_spellings(xdb_t *db)
{
	std::unordered_map<std::string, Xapian::termcount> words;

	words.swap(db->spellings);
	for (const auto &w : words)
		db->wdb->add_spelling(w.first, w.second);
	if (db->spelling_stale) {
		catch_up_spellings(db);
		db->spelling_stale = false;
	}
	if (db->spelling_marked) {
		db->wdb->set_metadata(SPELLING_BEHIND_KEY, "");
		db->spelling_marked = false;
	}
}

/*
 * A Snowball stemmer behind a bounded cache.  Indexing stems the same few
 * thousand words over and over, and Snowball costs far more than a hash
 * probe; a stem depends on its word alone, so the cache hands back what
 * Snowball gave the first time, byte for byte.
 *
 * The cache is a set-associative table: STEM_CACHE_ENTRIES slots (by
 * default), in sets of STEM_CACHE_WAYS, each slot 64 bytes holding a
 * word and its stem inline, so its memory is fixed (2 MiB by default,
 * allocated at the first word, nothing allocated after; pages no word
 * reached are never touched) and a miss evicts
 * the least recently used slot of its set.  A word or stem over
 * STEM_CACHE_WORD bytes is stemmed every time.
 *
 * Like Snowball's own stemmers, which keep their working state in the
 * object, it serves one thread at a time: each xdb_stem_t and each
 * xdb_termgen_t has its own.
 */
#define STEM_CACHE_WORD 29
#define STEM_CACHE_WAYS 4
#define STEM_CACHE_ENTRIES XDB_STEM_CACHE_DEFAULT
#define SNIPPET_STEMS 2048 /* a page's hits' passages: 128 KiB */

class CachedStem : public Xapian::StemImplementation {
    public:
	explicit CachedStem(const Xapian::Stem &s) : snowball(s)
	{
	}

	CachedStem(const CachedStem &) = delete;
	CachedStem &operator=(const CachedStem &) = delete;

	~CachedStem() override
	{
		std::free(slots);
	}

	std::string operator()(const std::string &word) override
	{
		const char *s;
		size_t n = stem(word.data(), word.size(), &s);

		return std::string(s, n);
	}

	std::string get_description() const override
	{
		return "cached " + snowball.get_description();
	}

	/* The stem of the LEN bytes of WORD, in *OUTP: valid until the next
	 * call. */
	size_t stem(const char *word, size_t len, const char **outp);

	/* Keep about ENTRIES stems (0: none), forgetting those kept. */
	void resize(size_t entries);

    private:
	struct Slot {
		uint32_t hash;
		unsigned char word_len; /* 0: an empty slot */
		unsigned char stem_len;
		char word[STEM_CACHE_WORD];
		char stem[STEM_CACHE_WORD];
	};
	static_assert(sizeof(Slot) == 64, "a slot is a cache line");

	Xapian::Stem snowball;
	/* NSETS * STEM_CACHE_WAYS, or NULL; calloc'd, so that pages no word
	 * reached are never touched. */
	Slot *slots = nullptr;
	size_t nsets = STEM_CACHE_ENTRIES / STEM_CACHE_WAYS; /* power of 2 */
	std::string spill; /* the last stem that is not in the table */
};

size_t CachedStem::stem(const char *word, size_t len, const char **outp)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	Slot *set;

	if (nsets == 0 || len == 0 || len > STEM_CACHE_WORD) {
		spill = snowball(std::string(word, len));
		*outp = spill.data();
		return spill.size();
	}
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)word[i];
		h *= 16777619u;
	}
	if (!slots) {
		slots = static_cast<Slot *>(
			std::calloc(nsets * STEM_CACHE_WAYS, sizeof(Slot)));
		if (!slots)
			throw std::bad_alloc();
	}
	set = &slots[((h ^ (h >> 16)) & (nsets - 1)) * STEM_CACHE_WAYS];
	for (size_t k = 0; k < STEM_CACHE_WAYS; k++) {
		if (set[k].word_len != len || set[k].hash != h ||
		    std::memcmp(set[k].word, word, len) != 0)
			continue;
		if (k > 0) {
			/* Most recently used first. */
			Slot hit = set[k];

			std::memmove(set + 1, set, k * sizeof(*set));
			set[0] = hit;
		}
		*outp = set[0].stem;
		return set[0].stem_len;
	}
	spill = snowball(std::string(word, len));
	*outp = spill.data();
	if (spill.size() > STEM_CACHE_WORD)
		return spill.size();
	std::memmove(set + 1, set, (STEM_CACHE_WAYS - 1) * sizeof(*set));
	set[0].hash = h;
	set[0].word_len = (unsigned char)len;
	set[0].stem_len = (unsigned char)spill.size();
	std::memcpy(set[0].word, word, len);
	std::memcpy(set[0].stem, spill.data(), spill.size());
	return spill.size();
}

void CachedStem::resize(size_t entries)
{
	size_t sets = 1;

	std::free(slots);
	slots = nullptr;
	if (entries < STEM_CACHE_WAYS) {
		nsets = 0;
		return;
	}
	while (sets * 2 * STEM_CACHE_WAYS <= entries)
		sets *= 2;
	nsets = sets;
}

/* An English stemmer that remembers about ENTRIES stems. */
static Xapian::Stem cached_english(size_t entries)
{
	CachedStem *cache = new CachedStem(Xapian::Stem("english"));
	Xapian::Stem stem(cache); /* owns the cache from here on */

	cache->resize(entries);
	return stem;
}

struct xdb_stem {
	Xapian::Stem stem;
	CachedStem *cache = nullptr; /* owned by STEM; NULL for "none" */
	bool english = false; /* what QueryBoundStem may stand in front of */
};

/*
 * An English stemmer for the snippets of one search.  Xapian's snippet
 * stems every word of the text to see whether "Z" + its stem is a term
 * of the query: a third of the snippets' instructions in a ten-hit
 * search (10,000 generated pages).  English stemming changes the end of
 * a word, never its first two bytes (nor the first byte of a word that
 * stems to one byte, as "a's" does), and the tokeniser never starts a
 * word with the apostrophe Snowball would strip: so a word whose first
 * bytes are not those of one of the query's stems cannot stem to one of
 * them.  Such a word comes back as it is, and "Z" + it is no term of the
 * query either: every snippet is the same as with the full stemmer.
 */
class QueryBoundStem : public Xapian::StemImplementation {
    public:
	QueryBoundStem(const Xapian::Stem &s, const Xapian::Query &q)
		: inner(s), pairs(65536 / 64)
	{
		for (auto t = q.get_unique_terms_begin();
		     t != q.get_unique_terms_end(); ++t) {
			const std::string &term = *t;

			/* "Z" + a stem; "Z" + a capital is a stemmed field
			 * term, which no word of a text makes. */
			if (term.size() < 2 || term[0] != 'Z' ||
			    (term[1] >= 'A' && term[1] <= 'Z'))
				continue;
			if (term.size() == 2)
				mark(firsts, (unsigned char)term[1]);
			else
				mark(pairs.data(), pair(term.data() + 1));
		}
	}

	std::string operator()(const std::string &word) override
	{
		if (word.empty() ||
		    !(marked(firsts, (unsigned char)word[0]) ||
		      (word.size() > 1 &&
		       marked(pairs.data(), pair(word.data())))))
			return word;
		return inner(word);
	}

	std::string get_description() const override
	{
		return "query-bound " + inner.get_description();
	}

    private:
	Xapian::Stem inner;
	std::vector<uint64_t> pairs; /* a bit for each first two bytes */
	uint64_t firsts[4] = {0, 0, 0, 0}; /* for stems of one byte */

	static unsigned pair(const char *s)
	{
		return (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
	}

	static void mark(uint64_t *bits, unsigned i)
	{
		bits[i / 64] |= (uint64_t)1 << (i % 64);
	}

	static bool marked(const uint64_t *bits, unsigned i)
	{
		return bits[i / 64] >> (i % 64) & 1;
	}
};

/* INNER, an English stemmer, bound to QUERY's stems (QueryBoundStem). */
static Xapian::Stem bound_stem(const Xapian::Stem &inner,
			       const Xapian::Query &query)
{
	return Xapian::Stem(new QueryBoundStem(inner, query));
}

struct xdb_doc {
	Xapian::Document doc;
	std::string msg;
	/* The data slot as read or set (xdb.h), once packed_here: Xapian
	 * does not keep a value it fetched for one get_value(). */
	std::string packed;
	bool packed_here = false;
	/* Its words and their wdf, once xdb_doc_gather_spellings() walked
	 * its terms (words_here). */
	std::vector<std::pair<std::string, Xapian::termcount>> words;
	bool words_here = false;
};

/* The shared stopword list (stopwords.h), asked through its hash table:
 * nothing to build per parser or generator, where Xapian's SimpleStopper
 * would insert every word into a std::set first. */
class ListStopper : public Xapian::Stopper {
    public:
	bool operator()(const std::string &term) const override
	{
		return stopword(term.data(), term.size()) != 0;
	}

	std::string get_description() const override
	{
		return "ListStopper";
	}
};

/* The stopper is declared before its user so that it outlives it: the
 * generator and the parser hold a plain pointer to it. */
struct xdb_termgen {
	ListStopper stopper;
	Xapian::TermGenerator tg;
	std::string msg;
};

struct xdb_qp {
	ListStopper stopper;
	Xapian::Stem stem; /* the parser's, for xdb_qp_correct() */
	Xapian::QueryParser qp;
	/* The database the parser reads (wildcards, synonyms, spelling): a
	 * copy sharing its internals, to reopen when a writer moved on. */
	Xapian::Database db;
	bool has_db = false;
	std::string msg;
};

struct xdb_query {
	Xapian::Query q;
};

/* The enquire and every MSet it makes hold their own copy of the
 * database handle.  Copies share Xapian's internals, so a reopen through
 * any copy (after DatabaseModifiedError) moves them all to the latest
 * revision, and none of them dangles when the xdb_t is closed. */
struct xdb_enquire {
	Xapian::Database db;
	Xapian::Enquire enq;
	std::vector<Xapian::valueno> facet_slots;
	std::string msg;

	explicit xdb_enquire(const Xapian::Database &d) : db(d), enq(db)
	{
	}
};

struct xdb_mset {
	Xapian::Database db;
	Xapian::MSet mset;
	/* One fresh spy per facet per search: a spy adds up everything it
	 * has seen, so reusing one would count a retried search twice. */
	std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
	/* For the snippets: set, or made at the first, and shared by the
	 * rest, which stem many of the same words; an English one bound to
	 * the query (QueryBoundStem). */
	Xapian::Stem snippet_stem;
	Xapian::Query query;
	std::string msg;

	explicit xdb_mset(const Xapian::Database &d) : db(d)
	{
	}
};

/* Copy the LEN bytes at S into a malloc'd, NUL-terminated string; NULL
 * when out of memory. */
static char *dup_bytes(const char *s, size_t len)
{
	char *p = static_cast<char *>(std::malloc(len + 1));

	if (p) {
		std::memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* Copy S into a malloc'd C string; NULL when out of memory. */
static char *dup_string(const std::string &s)
{
	return dup_bytes(s.data(), s.size());
}

/* True when TEXT (may be NULL) tells of a permission problem: Xapian keeps
 * the errno text in the message, not always in get_error_string(). */
static bool says_permission(const char *text)
{
	return text && (std::strstr(text, "Permission denied") ||
			std::strstr(text, "Read-only file system") ||
			std::strstr(text, "Operation not permitted"));
}

/* True when TEXT (may be NULL) tells of a full disk or an I/O error. */
static bool says_io(const char *text)
{
	return text && (std::strstr(text, "No space") ||
			std::strstr(text, "Input/output") ||
			std::strstr(text, "quota"));
}

/* Sort the exception being handled into a status, and put its message in
 * MSG.  Must be called from inside a catch block.  Never throws: when
 * there is no memory for the message, the status still tells. */
static ev_status classify(std::string &msg) noexcept
{
	ev_status rc = EV_INDEX;

	try {
		try {
			throw;
		} catch (const Xapian::DatabaseLockError &e) {
			msg = e.get_description();
			/* "Couldn't open lockfile: Permission denied" is no
			 * other writer: waiting will not help. */
			rc = says_permission(msg.c_str()) ? EV_READONLY
							  : EV_LOCKED;
		} catch (const Xapian::DatabaseNotFoundError &e) {
			rc = EV_NOT_FOUND;
			msg = e.get_description();
		} catch (const Xapian::DatabaseCorruptError &e) {
			rc = EV_CORRUPT;
			msg = e.get_description();
		} catch (const Xapian::DatabaseVersionError &e) {
			rc = EV_VERSION;
			msg = e.get_description();
		} catch (const Xapian::DatabaseModifiedError &e) {
			rc = EV_MODIFIED;
			msg = e.get_description();
		} catch (const Xapian::DocNotFoundError &e) {
			rc = EV_NOT_FOUND;
			msg = e.get_description();
		} catch (const Xapian::QueryParserError &e) {
			rc = EV_BAD_QUERY;
			msg = e.get_description();
		} catch (const Xapian::WildcardError &e) {
			/* A wildcard over more terms than set_max_expansion()
			 * allows: Xapian expands it when matching. */
			rc = EV_BAD_QUERY;
			msg = e.get_description();
		} catch (const Xapian::InvalidArgumentError &e) {
			rc = EV_USAGE;
			msg = e.get_description();
		} catch (const Xapian::InvalidOperationError &e) {
			/* A transaction already open, a field that is both
			 * free-text and boolean: the caller's mistake. */
			rc = EV_USAGE;
			msg = e.get_description();
		} catch (const Xapian::DatabaseCreateError &e) {
			/* "Failed to create iamglass file": the files of a
			 * new database could not be written. */
			msg = e.get_description();
			rc = says_permission(msg.c_str()) ? EV_READONLY : EV_IO;
		} catch (const Xapian::DatabaseError &e) {
			msg = e.get_description();
			const char *err = e.get_error_string();
			/* A failed commit nests the cause in its message:
			 * "Modifications failed (... (No space left on
			 * device)), and couldn't open at the old revision". */
			if (says_io(err) || says_io(msg.c_str()))
				rc = EV_IO;
			else if (says_permission(err) ||
				 says_permission(msg.c_str()))
				rc = EV_READONLY;
			/* Glass reports a table file shorter than its root
			 * block says (a truncated file) as a plain
			 * DatabaseError; it is damage all the same. */
			else if (msg.find("EOF reading block") !=
				 std::string::npos)
				rc = EV_CORRUPT;
		} catch (const Xapian::Error &e) {
			msg = e.get_description();
		} catch (const std::bad_alloc &) {
			rc = EV_NOMEM;
			msg = "out of memory";
		} catch (const std::exception &e) {
			msg = e.what();
		} catch (...) {
			msg = "unknown C++ exception";
		}
	} catch (...) {
		/* No room for the message. */
	}
	return rc;
}

/* Keep the message of the exception in flight on handle H (any handle
 * with a msg member); never throws. */
template <typename H> static ev_status fail(H *h) noexcept
{
	std::string msg;
	ev_status rc = classify(msg);

	h->msg.swap(msg);
	return rc;
}

/* Put MSG on handle H and return RC: for errors the binding finds
 * itself.  Called inside the try block, where a failed copy is caught. */
template <typename H>
static ev_status refuse(H *h, ev_status rc, const std::string &msg)
{
	h->msg = msg;
	return rc;
}

/*
 * Refuse a term over XDB_MAX_TERM bytes: glass only rejects it at commit,
 * far from the call that added it, and for synonyms it does not reject it
 * at all but writes a synonym list it cannot read back.  WHAT names the
 * term in the message ("term", "id term"...).
 */
template <typename H>
static bool term_too_long(H *h, const char *what, const char *term)
{
	size_t len = std::strlen(term);
	size_t shown = len < 40 ? len : 40;

	if (len <= XDB_MAX_TERM)
		return false;
	/* Cut the sample at a character boundary. */
	while (shown > 0 &&
	       (static_cast<unsigned char>(term[shown]) & 0xC0) == 0x80)
		shown--;
	h->msg = std::string(what) + " too long (" + std::to_string(len) +
		 " bytes, the limit is " + std::to_string(XDB_MAX_TERM) +
		 "): '" + std::string(term, shown) + "...'";
	return true;
}

/* True when DB can take changes; otherwise leave a message on it. */
static bool writable(xdb_t *db)
{
	if (db->wdb)
		return true;
	db->msg = "database is open read-only";
	return false;
}

/*
 * Run FN, and when it meets a revision that a writer has since reused
 * (DatabaseModifiedError), reopen DB and run it again, at most
 * MODIFIED_RETRIES more times.  A walk that has already handed items to
 * the caller (*DELIVERED != 0) cannot start over unseen, so it gives up.
 */
template <typename F>
static void with_reopen(Xapian::Database &db, F fn,
			const unsigned *delivered = nullptr)
{
	for (int attempt = 0;; attempt++) {
		try {
			fn();
			return;
		} catch (const Xapian::DatabaseModifiedError &) {
			if (attempt == MODIFIED_RETRIES ||
			    (delivered && *delivered))
				throw;
			db.reopen();
		}
	}
}

/* Read the data of DOC (fetched from a database) now, while a retry can
 * still reopen, instead of lazily in a later call; with VALUES, every
 * value too (Xapian keeps them once read).  Reading all values costs a
 * look-up per slot in use, which a search showing ten hits, reading none
 * of them, does not need to pay. */
static void snapshot_document(xdb_doc_t *doc, bool values)
{
	if (values)
		(void)doc->doc.values_count();
	doc->packed = doc->doc.get_value(XDB_DATA_SLOT);
	doc->packed_here = true;
}

/* DOC's data slot, read once (a fetched document's at its snapshot). */
static const std::string &packed_slot(xdb_doc_t *doc)
{
	if (!doc->packed_here)
		snapshot_document(doc, false);
	return doc->packed;
}

/* ------------------------------------------------------------------ */
/* Databases                                                           */

/* Sort an exception from opening PATH, refining Xapian's answer with what
 * the file system says; put the message in *MSGP when MSGP is not NULL.
 * Called from a catch block. */
static ev_status open_failed(const char *path, const char *shard,
			     char **msgp) noexcept
{
	std::string msg;
	ev_status rc = classify(msg);

	if (rc == EV_INDEX && access(path, F_OK) != 0)
		rc = EV_NOT_FOUND;
	if (msgp) {
		try {
			/* With several shards, say which one failed. */
			if (shard)
				msg = std::string(shard) + ": " + msg;
		} catch (...) {
		}
		*msgp = dup_string(msg);
	}
	return rc;
}

/*
 * Xapian opens a writer on a directory it cannot write to when the files
 * in it still can be (the lock file is opened, not created), and fails
 * only at the first commit, leaving the writer unusable.  Ask the system
 * first.  True, with the message in *MSGP, when PATH is such a directory.
 */
static bool directory_unwritable(const char *path, char **msgp)
{
	struct stat st;
	int err;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(path, W_OK) == 0)
		return false;
	err = errno;
	if (err != EACCES && err != EROFS && err != EPERM)
		return false;
	if (msgp) {
		try {
			*msgp = dup_string(std::string("cannot write to ") +
					   path + ": " + std::strerror(err));
		} catch (...) {
			*msgp = nullptr;
		}
	}
	return true;
}

/*
 * A glass database is committed once "iamglass" exists.  A writer killed
 * while creating one leaves its lock file and empty tables but no
 * iamglass, which Xapian then refuses to open for ever.  Nothing was
 * committed there, so such a directory is created afresh, as is one that
 * does not exist yet.
 */
static bool never_committed(const char *path)
{
	struct stat st;

	return stat((std::string(path) + "/iamglass").c_str(), &st) < 0 &&
	       errno == ENOENT;
}

/* One unsigned integer of a glass version file, as Xapian packs it: seven
 * bits a byte, low bits first, the top bit set on all bytes but the last.
 * Moves *P past it; false when it runs past END or over 32 bits. */
static bool unpack_glass_uint(const unsigned char **p,
			      const unsigned char *end, uint32_t *v)
{
	uint32_t x = 0;

	for (unsigned shift = 0; *p < end && shift < 32; shift += 7) {
		unsigned char c = *(*p)++;

		x |= (uint32_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

static const unsigned char glass_magic[16] = {
	0x0f, 0x0d, 'X', 'a', 'p', 'i', 'a',  'n',
	' ',  'G',  'l', 'a', 's', 's', 0x04, 0x6e /* version 2016-03-14 */};
/* The version file: its tables (in its order) and its uuid's length. */
enum {
	GLASS_TABLES = 6,
	GLASS_TERMLIST = 2,
	GLASS_SPELLING = 4,
	GLASS_UUID = 16
};

/* Where in BUF (N bytes of a glass version file) TABLE's compress_min
 * is, if it is one byte other than 0 and the table is empty or FILLED
 * allows items; else -1. */
static long table_threshold(const unsigned char *buf, size_t n, int table,
			    bool filled)
{
	const unsigned char *p = buf + sizeof(glass_magic) + GLASS_UUID;
	const unsigned char *end = buf + n, *at = nullptr;
	uint32_t v, entries = 1;

	if (n < (size_t)(p - buf) ||
	    memcmp(buf, glass_magic, sizeof(glass_magic)))
		return -1;
	if (!unpack_glass_uint(&p, end, &v)) /* the revision */
		return -1;
	/* Each table: root block, flags, entries, block size, compress_min,
	 * then its free list as a length and bytes. */
	for (int t = 0; t < GLASS_TABLES; t++) {
		for (int f = 0; f < 5; f++) {
			if (t == table && f == 4)
				at = p;
			if (!unpack_glass_uint(&p, end, &v))
				return -1;
			if (t == table && f == 2)
				entries = v;
		}
		if (!unpack_glass_uint(&p, end, &v) || v > (uint32_t)(end - p))
			return -1;
		p += v;
	}
	return (filled || entries == 0) && *at != 0 && *at < 0x80
		       ? (long)(at - buf)
		       : -1;
}

/*
 * Glass deflates what it writes into most tables, with zlib at its
 * default level, and two of ours are written far more than read:
 * - the termlist table, one item a document: deflating it was a quarter
 *   to a third of the writer's instructions, for a table Xapian reads
 *   back only to replace or delete a document (and search, to expand
 *   queries);
 * - the spelling table, whose items are word lists, one for each
 *   fragment of three letters, each rewritten whole when a word joins
 *   it: an update of 300 pages into 10,000 spent an eighth of its
 *   instructions deflating them (bench/RESULTS.md, change 78), and a
 *   search reads them only to suggest a correction.
 * Whether a table compresses is a threshold kept per table in the
 * database's version file, "iamglass" (glass format 2016-03-14, Xapian
 * 1.3.5 on: RootInfo's compress_min), which Xapian reads at every open
 * and writes back at every commit; 0 stores items as they are.  Each item
 * carries its own flag (glass's I_COMPRESSED_BIT), so items written under
 * either threshold are read alike.
 *
 * No API sets it, so this sets it for those tables of DIR by overwriting
 * one byte each in place, in a database nothing has open: one just
 * created and empty or, with FILLED, one with items (a compacted copy,
 * which Xapian writes with the default thresholds whatever its sources
 * had).  Either value makes a sound database, so a crash at any moment
 * leaves one, and nothing needs flushing: the first commit writes the
 * version file afresh, as Xapian does, with the values it read at open.
 * Any other layout (Xapian reads at most 256 bytes of the file), or
 * without FILLED a table already holding items, is left as it is: the
 * database then works as Xapian made it, only slower to write.  Throws
 * DatabaseCreateError when the file cannot be read or written.
 */
static void plain_tables(const std::string &dir, bool filled)
{
	static const int tables[] = {GLASS_TERMLIST, GLASS_SPELLING};
	static const unsigned char zero = 0;
	std::string path = dir + "/iamglass";
	struct buf b = BUF_INIT;
	int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
	ev_status rc = fd < 0 ? EV_IO : fs_read_fd(fd, 255, &b);
	const char *failed = rc && rc != EV_TOO_BIG ? "read" : nullptr;
	int err = errno;

	for (int t : tables) {
		long at = rc || failed
				  ? -1
				  : table_threshold((unsigned char *)b.ptr,
						    b.len, t, filled);

		if (at >= 0 && pwrite(fd, &zero, 1, at) != 1) {
			failed = "write";
			err = errno;
		}
	}
	if (fd >= 0)
		close(fd);
	buf_release(&b);
	if (failed)
		throw Xapian::DatabaseCreateError(
			std::string("cannot ") + failed + " " + path, err);
}

ev_status xdb_open(const char *path, enum xdb_mode mode, xdb_t **dbp,
		   char **msgp)
{
	xdb_t *db = nullptr;

	*dbp = nullptr;
	if (msgp)
		*msgp = nullptr;
	if (mode != XDB_READ && directory_unwritable(path, msgp))
		return EV_READONLY;
	try {
		db = new xdb_t();
		db->db = nullptr;
		db->wdb = nullptr;
		db->path = path;
		if (mode == XDB_READ) {
			db->db = new Xapian::Database(path);
		} else {
			int sync = mode == XDB_BUILD ? Xapian::DB_NO_SYNC : 0;
			int action = Xapian::DB_CREATE_OR_OPEN;

			/* A new database is made, given plain termlists,
			 * then opened again: Xapian reads the flag at open. */
			if (mode != XDB_WRITE || never_committed(path)) {
				Xapian::WritableDatabase(
					path,
					Xapian::DB_CREATE_OR_OVERWRITE | sync)
					.close();
				plain_tables(path, false);
				action = Xapian::DB_OPEN;
			}
			db->wdb = new Xapian::WritableDatabase(path,
							       action | sync);
			db->db = db->wdb;
			db->spelling_stale =
				!db->wdb->get_metadata(SPELLING_BEHIND_KEY)
					 .empty();
			db->spelling_marked = db->spelling_stale;
		}
		*dbp = db;
		return EV_OK;
	} catch (...) {
		ev_status rc = open_failed(path, nullptr, msgp);

		if (db) {
			delete db->db;
			delete db;
		}
		return rc;
	}
}

ev_status xdb_open_shards(const char *const *paths, size_t n, xdb_t **dbp,
			  char **msgp)
{
	xdb_t *db = nullptr;
	const char *current = nullptr;

	*dbp = nullptr;
	if (msgp)
		*msgp = nullptr;
	if (n == 0) {
		if (msgp)
			*msgp = dup_string("no shards to open");
		return EV_USAGE;
	}
	try {
		db = new xdb_t();
		db->db = nullptr;
		db->wdb = nullptr;
		db->path = paths[0];
		db->db = new Xapian::Database();
		for (size_t i = 0; i < n; i++) {
			current = paths[i];
			db->db->add_database(Xapian::Database(current));
		}
		*dbp = db;
		return EV_OK;
	} catch (...) {
		ev_status rc = open_failed(current ? current : paths[0],
					   current, msgp);

		if (db) {
			delete db->db;
			delete db;
		}
		return rc;
	}
}

/*
 * Xapian 1.4.22 can throw from a destructor while it unwinds a commit
 * that failed on a full disk (ENOSPC on some block writes, not others),
 * and that ends in std::terminate().  Nothing is lost then: the last
 * committed revision is on disk and the store holds the rest.  So while
 * a commit runs, terminate says so in one line and exits 74, as the
 * failed commit would have.  The one place where this library prints:
 * there is no caller left to tell.
 */
[[noreturn]] static void commit_terminated()
{
	static const char msg[] =
	    "evidence: index: cannot commit the index: Xapian gave up while "
	    "undoing a failed write (disk full or I/O error); the last "
	    "committed index is intact\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_IOERR);
	_exit(EXIT_IOERR);
}

struct terminate_guard {
	std::terminate_handler old;

	terminate_guard() : old(std::set_terminate(commit_terminated)) {}
	~terminate_guard() { std::set_terminate(old); }
};

void xdb_close(xdb_t *db)
{
	if (!db)
		return;
	{
		/* The close of a writer commits, as xdb_commit() does. */
		terminate_guard guard;

		try {
			if (db->wdb)
				flush_spellings(db);
			if (db->db)
				db->db->close();
		} catch (...) {
			/* xdb_commit() reports commit failures. */
		}
		delete db->db;
	}
	delete db;
}

const char *xdb_version(void)
{
	return Xapian::version_string();
}

const char *xdb_errmsg(const xdb_t *db)
{
	return db ? db->msg.c_str() : "no database";
}

ev_status xdb_reopen(xdb_t *db)
{
	try {
		db->db->reopen();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_commit(xdb_t *db)
{
	try {
		terminate_guard guard;

		if (!writable(db))
			return EV_USAGE;
		flush_spellings(db);
		db->wdb->commit();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

int xdb_commit_flushes(const xdb_t *db)
{
	return db->spellings.size() > XDB_SPELLING_PENDING_MAX;
}

ev_status xdb_commit_batch(xdb_t *db)
{
	try {
		terminate_guard guard;

		if (!writable(db))
			return EV_USAGE;
		/* The test the indexer asks first (commit_db()): one. */
		if (xdb_commit_flushes(db))
			flush_spellings(db);
		db->wdb->commit();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_begin_transaction(xdb_t *db, int flushed)
{
	try {
		if (!writable(db))
			return EV_USAGE;
		db->wdb->begin_transaction(flushed != 0);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_commit_transaction(xdb_t *db)
{
	try {
		if (!writable(db))
			return EV_USAGE;
		flush_spellings(db);
		db->wdb->commit_transaction();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_cancel_transaction(xdb_t *db)
{
	try {
		if (!writable(db))
			return EV_USAGE;
		db->spellings.clear();
		db->wdb->cancel_transaction();
		/* The mark as it stands once the transaction's is undone.
		 * Still set, it stands for documents committed before the
		 * transaction whose words were just dropped with its own:
		 * the full commit rebuilds them from the documents. */
		db->spelling_marked =
			!db->wdb->get_metadata(SPELLING_BEHIND_KEY).empty();
		if (db->spelling_marked)
			db->spelling_stale = true;
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

/* *OUTP = COUNT(), a count Xapian gives of DB (0 on failure). */
template <typename F>
static ev_status read_count(xdb_t *db, unsigned *outp, F count)
{
	*outp = 0;
	try {
		with_reopen(*db->db, [&] { *outp = count(); });
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_doccount(xdb_t *db, unsigned *countp)
{
	return read_count(db, countp,
			  [&] { return db->db->get_doccount(); });
}

ev_status xdb_value_freq(xdb_t *db, unsigned slot, unsigned *freqp)
{
	return read_count(db, freqp,
			  [&] { return db->db->get_value_freq(slot); });
}

ev_status xdb_termfreq(xdb_t *db, const char *term, unsigned *freqp)
{
	return read_count(db, freqp,
			  [&] { return db->db->get_termfreq(term); });
}

/* Call FN for each term from BEGIN() to END() of DB, with its
 * frequency, as xdb_allterms() says. */
template <typename Begin, typename End>
static ev_status walk_terms(xdb_t *db, Begin begin, End end, xdb_term_fn fn,
			    void *ctx)
{
	unsigned delivered = 0;

	try {
		with_reopen(
			*db->db,
			[&] {
				Xapian::TermIterator it = begin();
				Xapian::TermIterator stop = end();

				for (; it != stop; ++it) {
					std::string term = *it;

					delivered++;
					if (fn(term.c_str(), it.get_termfreq(),
					       ctx))
						break;
				}
			},
			&delivered);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_allterms(xdb_t *db, const char *prefix, xdb_term_fn fn,
		       void *ctx)
{
	return walk_terms(
		db, [&] { return db->db->allterms_begin(prefix); },
		[&] { return db->db->allterms_end(prefix); }, fn, ctx);
}

ev_status xdb_spellings(xdb_t *db, xdb_term_fn fn, void *ctx)
{
	return walk_terms(
		db, [&] { return db->db->spellings_begin(); },
		[&] { return db->db->spellings_end(); }, fn, ctx);
}

ev_status xdb_valuestream(xdb_t *db, unsigned slot, xdb_value_fn fn,
			  void *ctx)
{
	unsigned delivered = 0;

	try {
		with_reopen(
			*db->db,
			[&] {
				Xapian::ValueIterator it =
					db->db->valuestream_begin(slot);
				Xapian::ValueIterator end =
					db->db->valuestream_end(slot);

				for (; it != end; ++it) {
					std::string v = *it;

					delivered++;
					if (fn(it.get_docid(), v.c_str(),
					       v.size(), ctx))
						break;
				}
			},
			&delivered);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_postlist(xdb_t *db, const char *term, xdb_docid_fn fn,
		       void *ctx)
{
	unsigned delivered = 0;

	try {
		with_reopen(
			*db->db,
			[&] {
				Xapian::PostingIterator it =
					db->db->postlist_begin(term);
				Xapian::PostingIterator end =
					db->db->postlist_end(term);

				for (; it != end; ++it) {
					delivered++;
					if (fn(*it, ctx))
						break;
				}
			},
			&delivered);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_get_metadata_bytes(xdb_t *db, const char *key, char **valuep,
				 size_t *lenp)
{
	*valuep = nullptr;
	*lenp = 0;
	try {
		std::string v;

		with_reopen(*db->db, [&] { v = db->db->get_metadata(key); });
		*valuep = dup_string(v);
		if (!*valuep)
			return EV_NOMEM;
		*lenp = v.size();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_get_metadata(xdb_t *db, const char *key, char **valuep)
{
	size_t len;

	return xdb_get_metadata_bytes(db, key, valuep, &len);
}

ev_status xdb_set_metadata_bytes(xdb_t *db, const char *key,
				 const char *value, size_t len)
{
	try {
		if (!writable(db))
			return EV_USAGE;
		db->wdb->set_metadata(key, std::string(value, len));
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_set_metadata(xdb_t *db, const char *key, const char *value)
{
	return xdb_set_metadata_bytes(db, key, value, strlen(value));
}

ev_status xdb_copy_tables(xdb_t *src, xdb_t *dest)
{
	try {
		if (!writable(dest))
			return EV_USAGE;
		const Xapian::Database &from = *src->db;
		Xapian::WritableDatabase &to = *dest->wdb;

		for (auto k = from.metadata_keys_begin();
		     k != from.metadata_keys_end(); ++k)
			to.set_metadata(*k, from.get_metadata(*k));
		for (auto k = from.synonym_keys_begin();
		     k != from.synonym_keys_end(); ++k)
			for (auto s = from.synonyms_begin(*k);
			     s != from.synonyms_end(*k); ++s)
				to.add_synonym(*k, *s);
		for (auto w = from.spellings_begin(); w != from.spellings_end();
		     ++w)
			to.add_spelling(*w, w.get_termfreq());
		return EV_OK;
	} catch (...) {
		/* The error may have come from either side; DEST keeps the
		 * message, as the handle the caller is writing. */
		return fail(dest);
	}
}

/*
 * A compaction deflates whatever it copies into the termlist, spelling
 * and document data tables: Xapian makes the copy's tables with its
 * default thresholds, whatever its sources had (plain_tables()).  So a
 * fresh build's merge deflated every termlist and spelling list its
 * segments kept plain, and tried in vain on every document's data (LZ4
 * already): two fifths of the merge of 10,000 pages, for a copy whose
 * later writes are plain anyway (bench/RESULTS.md, change 83).
 *
 * Glass stores an item as it is when deflate() does not finish it, as it
 * does an item that does not shrink (CompressionStream::compress()), and
 * libxapian takes deflate() from wherever the dynamic linker finds it
 * first, which is this program before libz.  So the program's deflate()
 * refuses at once (Z_BUF_ERROR: no room to finish) in a thread that is
 * compacting, and hands every other call to zlib's.  Where libxapian
 * finds another deflate() (zlib linked into it, say) nothing changes but
 * the time: the copy is deflated, and sound either way, as each item
 * carries its own flag.
 */
static thread_local bool compacting;

#ifdef RTLD_NEXT
extern "C" int deflate(z_streamp strm, int flush)
{
	typedef int (*deflate_fn)(z_streamp, int);
	static const deflate_fn zlib_deflate =
		reinterpret_cast<deflate_fn>(dlsym(RTLD_NEXT, "deflate"));

	if (compacting)
		return Z_BUF_ERROR;
	return zlib_deflate ? zlib_deflate(strm, flush) : Z_STREAM_ERROR;
}
#endif

/* While one lives, this thread's compactions store items plain. */
struct plain_compaction {
	plain_compaction()
	{
		compacting = true;
	}
	~plain_compaction()
	{
		compacting = false;
	}
};

ev_status xdb_compact(xdb_t *db, const char *const *more, size_t n_more,
		      const char *dest)
{
	try {
		Xapian::Database all(*db->db);
		plain_compaction plain;

		for (size_t i = 0; i < n_more; i++)
			all.add_database(Xapian::Database(more[i]));
		/* One database keeps its docids: nothing outside the index
		 * names them, but a copy that answers every question as
		 * the original did is the simplest thing to reason about.
		 * Several each start at 1, so they are numbered on. */
		all.compact(dest,
			    (n_more ? 0 : Xapian::DBCOMPACT_NO_RENUMBER) |
				    Xapian::Compactor::FULL);
		/* The copy's thresholds are Xapian's defaults: what is
		 * written into it later is stored plain, as in a new
		 * database. */
		plain_tables(dest, true);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_keep_last(xdb_t *db, const char *prefix, unsigned long *droppedp)
{
	try {
		std::vector<Xapian::docid> drop;

		*droppedp = 0;
		if (!writable(db))
			return EV_USAGE;
		/* Collected first: the walk must not meet its own
		 * deletions. */
		for (auto t = db->wdb->allterms_begin(prefix);
		     t != db->wdb->allterms_end(prefix); ++t) {
			if (t.get_termfreq() < 2)
				continue;
			auto p = db->wdb->postlist_begin(*t);
			const auto end = db->wdb->postlist_end(*t);
			Xapian::docid prev = *p;

			while (++p != end) {
				drop.push_back(prev);
				prev = *p;
			}
		}
		/* A document with two such terms is listed twice. */
		std::sort(drop.begin(), drop.end());
		drop.erase(std::unique(drop.begin(), drop.end()), drop.end());
		for (Xapian::docid d : drop)
			db->wdb->delete_document(d);
		*droppedp = drop.size();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_doc_gather_spellings(xdb_doc_t *doc)
{
	try {
		auto t = doc->doc.termlist_begin();
		auto end = doc->doc.termlist_end();

		doc->words.clear();
		doc->words.reserve(doc->doc.termlist_count());
		while (t != end) {
			const std::string &term = *t;

			/* Words only; prefixed terms sort together: skip past
			 * them all. */
			if (prefixed_term(term)) {
				t.skip_to("[");
				continue;
			}
			if (spelling_word(term) && t.get_wdf())
				doc->words.emplace_back(term, t.get_wdf());
			++t;
		}
		doc->words_here = true;
		return EV_OK;
	} catch (...) {
		doc->words.clear();
		doc->words_here = false;
		return fail(doc);
	}
}

ev_status xdb_add_spellings(xdb_t *db, xdb_doc_t *doc)
{
	try {
		ev_status rc;

		if (!writable(db))
			return EV_USAGE;
		/* A document the building thread did not walk: here. */
		if (!doc->words_here &&
		    (rc = xdb_doc_gather_spellings(doc)) != EV_OK)
			return refuse(db, rc, doc->msg);
		for (const auto &w : doc->words)
			db->spellings[w.first] += w.second;
		/* Marked before the document is added, so that whichever
		 * commit takes the document takes the mark: ours, or one
		 * Xapian makes on its own (XAPIAN_FLUSH_THRESHOLD). */
		if (!doc->words.empty() && !db->spelling_marked) {
			db->wdb->set_metadata(SPELLING_BEHIND_KEY, "1");
			db->spelling_marked = true;
		}
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_add_synonym(xdb_t *db, const char *term, const char *synonym)
{
	try {
		if (!writable(db))
			return EV_USAGE;
		if (term_too_long(db, "synonym term", term) ||
		    term_too_long(db, "synonym", synonym))
			return EV_USAGE;
		db->wdb->add_synonym(term, synonym);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_clear_synonyms(xdb_t *db, const char *term)
{
	try {
		if (!writable(db))
			return EV_USAGE;
		if (term_too_long(db, "synonym term", term))
			return EV_USAGE;
		db->wdb->clear_synonyms(term);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */

xdb_doc_t *xdb_doc_new(void)
{
	try {
		return new xdb_doc_t();
	} catch (...) {
		return nullptr;
	}
}

void xdb_doc_free(xdb_doc_t *doc)
{
	delete doc;
}

const char *xdb_doc_errmsg(const xdb_doc_t *doc)
{
	return doc ? doc->msg.c_str() : "no document";
}

ev_status xdb_doc_add_term(xdb_doc_t *doc, const char *term, unsigned wdfinc)
{
	try {
		if (term_too_long(doc, "term", term))
			return EV_USAGE;
		doc->doc.add_term(term, wdfinc);
		return EV_OK;
	} catch (...) {
		return fail(doc);
	}
}

ev_status xdb_doc_add_boolean_term(xdb_doc_t *doc, const char *term)
{
	try {
		if (term_too_long(doc, "term", term))
			return EV_USAGE;
		doc->doc.add_boolean_term(term);
		return EV_OK;
	} catch (...) {
		return fail(doc);
	}
}

ev_status xdb_doc_add_posting(xdb_doc_t *doc, const char *term,
			      unsigned pos, unsigned wdfinc)
{
	try {
		if (term_too_long(doc, "term", term))
			return EV_USAGE;
		doc->doc.add_posting(term, pos, wdfinc);
		return EV_OK;
	} catch (...) {
		return fail(doc);
	}
}

ev_status xdb_doc_set_value(xdb_doc_t *doc, unsigned slot, const char *value,
			    size_t len)
{
	if (slot == XDB_DATA_SLOT)
		return refuse(doc, EV_USAGE,
			      "value slot " + std::to_string(XDB_DATA_SLOT) +
				  " holds the document data");
	try {
		doc->doc.add_value(slot, std::string(value, len));
		return EV_OK;
	} catch (...) {
		return fail(doc);
	}
}

/* Put N as four bytes at P, most significant first. */
static void put_u32(char *p, unsigned long n)
{
	for (int i = 0; i < 4; i++)
		p[i] = (char)(n >> (24 - 8 * i) & 0xff);
}

static unsigned long get_u32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (unsigned long)u[0] << 24 | (unsigned long)u[1] << 16 |
	       (unsigned long)u[2] << 8 | u[3];
}

/* The CRC-32 of DATA. */
static unsigned long data_crc(const char *data, size_t len)
{
	return crc32(crc32(0L, Z_NULL, 0), (const Bytef *)data, (uInt)len);
}

/* DATA (at most XDB_MAX_DATA bytes) as the data slot holds it (xdb.h),
 * in OUT; false if LZ4 fails, which with room for its bound it cannot. */
static bool pack_data(const char *data, size_t len, std::string &out)
{
	int bound = LZ4_compressBound((int)len);
	int n;

	out.resize(8 + (size_t)bound);
	put_u32(&out[0], len);
	put_u32(&out[4], data_crc(data, len));
	n = LZ4_compress_default(data, &out[8], (int)len, bound);
	out.resize(8 + (size_t)(n > 0 ? n : 0));
	return n > 0;
}

ev_status xdb_doc_set_data(xdb_doc_t *doc, const char *data, size_t len)
{
	if (len > XDB_MAX_DATA)
		return refuse(doc, EV_TOO_BIG,
			      "document data over " +
				  std::to_string(XDB_MAX_DATA >> 20) + " MB");
	try {
		std::string packed;

		if (len && !pack_data(data, len, packed))
			return refuse(doc, EV_INDEX, "cannot compress the data");
		doc->doc.add_value(XDB_DATA_SLOT, packed);
		doc->packed.swap(packed);
		doc->packed_here = true;
		return EV_OK;
	} catch (...) {
		return fail(doc);
	}
}

/* The data slot's bytes P unpacked into *OUTP (malloc'd, NUL-ended) and
 * *LENP; false when they are not what pack_data() writes. */
static bool unpack_data(const std::string &p, char **outp, size_t *lenp)
{
	size_t len;

	if (p.size() < 8 ||
	    p.size() - 8 > (size_t)LZ4_compressBound((int)XDB_MAX_DATA))
		return false;
	len = get_u32(&p[0]);
	if (len > XDB_MAX_DATA)
		return false;
	*outp = (char *)malloc(len + 1);
	if (!*outp)
		throw std::bad_alloc();
	/* Bounded by both sizes, whatever the bytes say; the CRC catches
	 * what LZ4, which has no checksum of its own, would pass. */
	if (LZ4_decompress_safe(&p[8], *outp, (int)(p.size() - 8),
				(int)len) != (int)len ||
	    data_crc(*outp, len) != get_u32(&p[4])) {
		free(*outp);
		*outp = nullptr;
		return false;
	}
	(*outp)[len] = '\0';
	*lenp = len;
	return true;
}

/* Hand S to C as *OUTP and *LENP (LENP may be NULL). */
template <typename H>
static ev_status give_bytes(H *h, const std::string &s, char **outp,
			    size_t *lenp)
{
	*outp = dup_string(s);
	if (!*outp)
		return refuse(h, EV_NOMEM, "out of memory");
	if (lenp)
		*lenp = s.size();
	return EV_OK;
}

ev_status xdb_doc_get_value(xdb_doc_t *doc, unsigned slot, char **outp,
			    size_t *lenp)
{
	*outp = nullptr;
	if (lenp)
		*lenp = 0;
	try {
		return give_bytes(doc, doc->doc.get_value(slot), outp, lenp);
	} catch (...) {
		return fail(doc);
	}
}

ev_status xdb_doc_get_data(xdb_doc_t *doc, char **outp, size_t *lenp)
{
	size_t len = 0;

	*outp = nullptr;
	if (lenp)
		*lenp = 0;
	try {
		const std::string &packed = packed_slot(doc);

		if (packed.empty())
			return give_bytes(doc, packed, outp, lenp);
		if (!unpack_data(packed, outp, &len))
			return refuse(doc, EV_CORRUPT,
				      "the document data is damaged");
		if (lenp)
			*lenp = len;
		return EV_OK;
	} catch (...) {
		return fail(doc);
	}
}

ev_status xdb_doc_describe_terms(xdb_doc_t *doc, char **outp)
{
	*outp = nullptr;
	try {
		std::string out;

		for (Xapian::TermIterator it = doc->doc.termlist_begin();
		     it != doc->doc.termlist_end(); ++it) {
			const char *sep = " ";

			out += *it;
			out += ' ';
			out += std::to_string(it.get_wdf());
			for (Xapian::PositionIterator p = it.positionlist_begin();
			     p != it.positionlist_end(); ++p) {
				out += sep;
				out += std::to_string(*p);
				sep = ",";
			}
			out += '\n';
		}
		*outp = dup_string(out);
		return *outp ? EV_OK : EV_NOMEM;
	} catch (...) {
		return fail(doc);
	}
}

ev_status xdb_doc_terms(xdb_doc_t *doc, const char *prefix,
			xdb_doc_term_fn fn, void *ctx)
{
	try {
		std::string pfx(prefix);
		Xapian::TermIterator it = doc->doc.termlist_begin();
		Xapian::TermIterator end = doc->doc.termlist_end();

		it.skip_to(pfx);
		for (; it != end; ++it) {
			std::string term = *it;

			if (term.compare(0, pfx.size(), pfx) != 0)
				break;
			if (fn(term.c_str(), it.get_wdf(), ctx))
				break;
		}
		return EV_OK;
	} catch (...) {
		return fail(doc);
	}
}

ev_status xdb_add_document(xdb_t *db, xdb_doc_t *doc, unsigned *docidp)
{
	if (docidp)
		*docidp = 0;
	try {
		if (!writable(db))
			return EV_USAGE;
		Xapian::docid id = db->wdb->add_document(doc->doc);
		if (docidp)
			*docidp = id;
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_replace_document(xdb_t *db, const char *idterm, xdb_doc_t *doc)
{
	try {
		if (!writable(db))
			return EV_USAGE;
		if (term_too_long(db, "id term", idterm))
			return EV_USAGE;
		if (!*idterm)
			return refuse(db, EV_USAGE, "empty id term");
		db->wdb->replace_document(idterm, doc->doc);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_delete_documents(xdb_t *db, const char *term)
{
	try {
		if (!writable(db))
			return EV_USAGE;
		if (term_too_long(db, "term", term))
			return EV_USAGE;
		if (!*term)
			return refuse(db, EV_USAGE, "empty term");
		db->wdb->delete_document(term);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_get_document(xdb_t *db, unsigned docid, xdb_doc_t **docp)
{
	std::unique_ptr<xdb_doc_t> doc;

	*docp = nullptr;
	try {
		doc.reset(new xdb_doc_t());
		with_reopen(*db->db, [&] {
			doc->doc = db->db->get_document(docid);
			snapshot_document(doc.get(), true);
		});
		*docp = doc.release();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_find_document(xdb_t *db, const char *term, xdb_doc_t **docp)
{
	std::unique_ptr<xdb_doc_t> doc;
	bool found = false;

	*docp = nullptr;
	try {
		doc.reset(new xdb_doc_t());
		with_reopen(*db->db, [&] {
			Xapian::PostingIterator it =
				db->db->postlist_begin(term);

			found = it != db->db->postlist_end(term);
			if (found) {
				doc->doc = db->db->get_document(*it);
				snapshot_document(doc.get(), true);
			}
		});
		if (!found)
			return refuse(db, EV_NOT_FOUND,
				      std::string("no document is indexed "
						  "by '") +
					      term + "'");
		*docp = doc.release();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

/* ------------------------------------------------------------------ */
/* Stemming                                                            */

xdb_stem_t *xdb_stem_new(const char *lang, char **msgp)
{
	if (msgp)
		*msgp = nullptr;
	try {
		std::unique_ptr<xdb_stem_t> s(new xdb_stem_t());
		Xapian::Stem snowball(lang);

		/* "none" stems nothing: no cache, and TermGenerator and
		 * QueryParser still see is_none(). */
		if (snowball.is_none()) {
			s->stem = snowball;
		} else {
			s->cache = new CachedStem(snowball);
			s->stem = Xapian::Stem(s->cache);
			s->english = std::strcmp(lang, "english") == 0 ||
				     std::strcmp(lang, "en") == 0;
		}
		return s.release();
	} catch (...) {
		std::string msg;

		classify(msg);
		if (msgp)
			*msgp = dup_string(msg);
		return nullptr;
	}
}

void xdb_stem_free(xdb_stem_t *stem)
{
	delete stem;
}

size_t xdb_stem_word(xdb_stem_t *stem, const char *word, size_t len,
		     char *out, size_t outsz)
{
	try {
		std::string plain;
		const char *s;
		size_t slen;

		if (stem->cache) {
			slen = stem->cache->stem(word, len, &s);
		} else {
			plain = stem->stem(std::string(word, len));
			s = plain.data();
			slen = plain.size();
		}
		if (outsz > 0) {
			size_t n = slen < outsz - 1 ? slen : outsz - 1;

			std::memcpy(out, s, n);
			out[n] = '\0';
		}
		return slen;
	} catch (...) {
		if (outsz > 0)
			out[0] = '\0';
		return 0;
	}
}

void xdb_stem_set_cache(xdb_stem_t *stem, size_t entries)
{
	if (stem->cache)
		stem->cache->resize(entries);
}

/* ------------------------------------------------------------------ */
/* Indexing text                                                       */

xdb_termgen_t *xdb_termgen_new(xdb_t *db)
{
	try {
		std::unique_ptr<xdb_termgen_t> tg(new xdb_termgen_t());

		tg->tg.set_stemmer(cached_english(STEM_CACHE_ENTRIES));
		tg->tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
		tg->tg.set_stopper(&tg->stopper);
		tg->tg.set_max_word_length(TERMGEN_MAX_WORD);
		if (db && db->wdb) {
			tg->tg.set_database(*db->wdb);
			tg->tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
		}
		return tg.release();
	} catch (...) {
		return nullptr;
	}
}

void xdb_termgen_free(xdb_termgen_t *tg)
{
	delete tg;
}

const char *xdb_termgen_errmsg(const xdb_termgen_t *tg)
{
	return tg ? tg->msg.c_str() : "no term generator";
}

ev_status xdb_termgen_set_document(xdb_termgen_t *tg, xdb_doc_t *doc)
{
	try {
		tg->tg.set_document(doc ? doc->doc : Xapian::Document());
		tg->tg.set_termpos(0);
		return EV_OK;
	} catch (...) {
		return fail(tg);
	}
}

/* Index TEXT with or without positions. */
static ev_status termgen_index(xdb_termgen_t *tg, const char *text,
			       unsigned wdfinc, const char *prefix,
			       bool positions)
{
	try {
		if (std::strlen(prefix) > TERMGEN_MAX_PREFIX)
			return refuse(tg, EV_USAGE,
				      "term prefix too long (the limit is " +
					      std::to_string(
						      TERMGEN_MAX_PREFIX) +
					      " bytes)");
		if (positions)
			tg->tg.index_text(text, wdfinc, prefix);
		else
			tg->tg.index_text_without_positions(text, wdfinc,
							    prefix);
		return EV_OK;
	} catch (...) {
		return fail(tg);
	}
}

ev_status xdb_termgen_index_text(xdb_termgen_t *tg, const char *text,
				 unsigned wdfinc, const char *prefix)
{
	return termgen_index(tg, text, wdfinc, prefix, true);
}

ev_status xdb_termgen_index_text_nopos(xdb_termgen_t *tg, const char *text,
				       unsigned wdfinc, const char *prefix)
{
	return termgen_index(tg, text, wdfinc, prefix, false);
}

ev_status xdb_termgen_increase_termpos(xdb_termgen_t *tg, unsigned delta)
{
	try {
		tg->tg.increase_termpos(delta);
		return EV_OK;
	} catch (...) {
		return fail(tg);
	}
}

/* Neither of these two can throw: Utf8Iterator and the Unicode tables
 * are noexcept. */
unsigned xdb_utf8_char(const char *p, size_t left, size_t *lenp)
{
	if (left == 0) {
		*lenp = 0;
		return 0;
	}
	Xapian::Utf8Iterator it(p, left);
	unsigned ch = *it;

	++it;
	*lenp = (size_t)(it.raw() - p);
	return ch;
}

unsigned xdb_char_class(unsigned ch, unsigned *lowerp)
{
	using namespace Xapian::Unicode;
	const unsigned stems = (1u << LOWERCASE_LETTER) |
			       (1u << TITLECASE_LETTER) |
			       (1u << MODIFIER_LETTER) | (1u << OTHER_LETTER);
	unsigned category = get_category(ch);
	unsigned c = 0;

	if (is_wordchar(ch))
		c |= XDB_CHAR_WORD;
	if (category == DECIMAL_DIGIT_NUMBER)
		c |= XDB_CHAR_DIGIT;
	if ((stems >> category) & 1)
		c |= XDB_CHAR_STEMS;
	*lowerp = tolower(ch);
	return c;
}

/* ------------------------------------------------------------------ */
/* Query parsing                                                       */

xdb_qp_t *xdb_qp_new(xdb_t *db)
{
	try {
		std::unique_ptr<xdb_qp_t> qp(new xdb_qp_t());

		qp->stem = Xapian::Stem("english");
		qp->qp.set_stemmer(qp->stem);
		qp->qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
		qp->qp.set_stopper(&qp->stopper);
		if (db) {
			qp->qp.set_database(*db->db);
			qp->db = *db->db;
			qp->has_db = true;
		}
		return qp.release();
	} catch (...) {
		return nullptr;
	}
}

void xdb_qp_free(xdb_qp_t *qp)
{
	delete qp;
}

const char *xdb_qp_errmsg(const xdb_qp_t *qp)
{
	return qp ? qp->msg.c_str() : "no query parser";
}

ev_status xdb_qp_add_prefix(xdb_qp_t *qp, const char *field,
			    const char *prefix)
{
	try {
		qp->qp.add_prefix(field, prefix);
		return EV_OK;
	} catch (...) {
		return fail(qp);
	}
}

ev_status xdb_qp_add_boolean_prefix(xdb_qp_t *qp, const char *field,
				    const char *prefix, int exclusive)
{
	try {
		qp->qp.add_boolean_prefix(field, prefix, exclusive != 0);
		return EV_OK;
	} catch (...) {
		return fail(qp);
	}
}

ev_status xdb_qp_add_number_range(xdb_qp_t *qp, unsigned slot,
				  const char *field)
{
	try {
		/* release() hands the processor to the parser, which frees
		 * it with itself. */
		qp->qp.add_rangeprocessor(
			(new Xapian::NumberRangeProcessor(slot, field))
				->release());
		return EV_OK;
	} catch (...) {
		return fail(qp);
	}
}

ev_status xdb_qp_set_max_expansion(xdb_qp_t *qp, unsigned max)
{
	try {
		qp->qp.set_max_expansion(
			max, Xapian::Query::WILDCARD_LIMIT_ERROR,
			Xapian::QueryParser::FLAG_WILDCARD |
				Xapian::QueryParser::FLAG_PARTIAL);
		return EV_OK;
	} catch (...) {
		return fail(qp);
	}
}

/* Our operator as Xapian's; unknown values are a usage error. */
static Xapian::Query::op to_xapian_op(enum xdb_op op)
{
	switch (op) {
	case XDB_OP_AND:
		return Xapian::Query::OP_AND;
	case XDB_OP_OR:
		return Xapian::Query::OP_OR;
	case XDB_OP_AND_NOT:
		return Xapian::Query::OP_AND_NOT;
	case XDB_OP_FILTER:
		return Xapian::Query::OP_FILTER;
	case XDB_OP_AND_MAYBE:
		return Xapian::Query::OP_AND_MAYBE;
	case XDB_OP_PHRASE:
		return Xapian::Query::OP_PHRASE;
	case XDB_OP_NEAR:
		return Xapian::Query::OP_NEAR;
	case XDB_OP_SYNONYM:
		return Xapian::Query::OP_SYNONYM;
	case XDB_OP_MAX:
		return Xapian::Query::OP_MAX;
	}
	throw Xapian::InvalidArgumentError("unknown query operator " +
					   std::to_string(int(op)));
}

ev_status xdb_qp_set_default_op(xdb_qp_t *qp, enum xdb_op op)
{
	try {
		qp->qp.set_default_op(to_xapian_op(op));
		return EV_OK;
	} catch (...) {
		return fail(qp);
	}
}

/* Our XDB_QP_* bits and the Xapian flags they stand for. */
static const struct {
	unsigned ours;
	unsigned xapian;
} qp_flag_map[] = {
	{ XDB_QP_BOOLEAN, Xapian::QueryParser::FLAG_BOOLEAN },
	{ XDB_QP_PHRASE, Xapian::QueryParser::FLAG_PHRASE },
	{ XDB_QP_LOVEHATE, Xapian::QueryParser::FLAG_LOVEHATE },
	{ XDB_QP_WILDCARD, Xapian::QueryParser::FLAG_WILDCARD },
	{ XDB_QP_SYNONYM, Xapian::QueryParser::FLAG_SYNONYM },
	{ XDB_QP_AUTO_SYNONYMS, Xapian::QueryParser::FLAG_AUTO_SYNONYMS },
	{ XDB_QP_AUTO_MULTIWORD_SYNONYMS,
	  Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS },
	{ XDB_QP_BOOLEAN_ANY_CASE,
	  Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE },
};

ev_status xdb_qp_parse(xdb_qp_t *qp, const char *text, unsigned flags,
		       xdb_query_t **queryp)
{
	std::unique_ptr<xdb_query_t> query;
	unsigned xflags = 0, known = 0;

	*queryp = nullptr;
	try {
		for (const auto &f : qp_flag_map) {
			known |= f.ours;
			if (flags & f.ours)
				xflags |= f.xapian;
		}
		if (flags & ~known)
			return refuse(qp, EV_USAGE,
				      "unknown query parser flags " +
					      std::to_string(flags & ~known));
		query.reset(new xdb_query_t());
		/* Expanding a wildcard or looking up a synonym reads the
		 * database, which a writer may have moved on under us. */
		if (qp->has_db)
			with_reopen(qp->db, [&] {
				query->q = qp->qp.parse_query(text, xflags);
			});
		else
			query->q = qp->qp.parse_query(text, xflags);
		*queryp = query.release();
		return EV_OK;
	} catch (...) {
		return fail(qp);
	}
}

/* The terms of Q that are words (no field prefix), stemmed or not, that
 * no document of DB has. */
static std::vector<std::string> unknown_words(Xapian::Database &db,
					      const Xapian::Query &q)
{
	std::vector<std::string> unknown;

	for (auto t = q.get_terms_begin(); t != q.get_terms_end(); ++t) {
		const std::string &term = *t;
		std::string word = term.substr(term[0] == 'Z');

		if (!word.empty() && !prefixed_term(word) &&
		    !db.term_exists(term))
			unknown.push_back(term);
	}
	return unknown;
}

/* Is WORD (lower case) one of UNKNOWN, as itself or by its stem, and
 * without a document that has either?  A form in UNKNOWN is known to be
 * absent; only the other is looked up. */
static bool is_unknown(xdb_qp_t *qp, const std::string &word,
		       const std::vector<std::string> &unknown)
{
	std::string stem = "Z" + qp->stem(word);
	auto has = [&](const std::string &t) {
		return std::find(unknown.begin(), unknown.end(), t) !=
		       unknown.end();
	};
	bool plain = has(word), stemmed = has(stem);

	return (plain || stemmed) && (plain || !qp->db.term_exists(word)) &&
	       (stemmed || !qp->db.term_exists(stem));
}

/* TEXT (LEN bytes) with each word of UNKNOWN that the spelling data has
 * a correction for replaced by it; empty when none has. */
static std::string correct_words(xdb_qp_t *qp, const char *text, size_t len,
				 const std::vector<std::string> &unknown)
{
	Xapian::Utf8Iterator it(text, len), end;
	const char *kept = text;
	std::string fixed;

	while (it != end) {
		const char *from = it.raw();
		std::string word, s;

		for (; it != end && Xapian::Unicode::is_wordchar(*it); ++it)
			Xapian::Unicode::append_utf8(
				word, Xapian::Unicode::tolower(*it));
		if (word.empty()) {
			++it;
			continue;
		}
		if (!is_unknown(qp, word, unknown))
			continue;
		s = qp->db.get_spelling_suggestion(word);
		if (s.empty() || s == word)
			continue;
		fixed.append(kept, from);
		fixed += s;
		kept = it.raw();
	}
	if (!fixed.empty())
		fixed.append(kept, text + len);
	return fixed;
}

/*
 * Xapian's parser, asked for corrections, looks up every word of the
 * query in the spelling data and offers any more frequent word one or two
 * edits away, even for a word the collection has: "social roles" became
 * "local homes".  Each look-up walks every word sharing a trigram with
 * it, up to 10 ms a word on 100,000 generated pages.  So only the words
 * no document has are looked up, each replaced where it stands.
 */
ev_status xdb_qp_correct(xdb_qp_t *qp, const char *text, const xdb_query_t *q,
			 char **out)
{
	*out = nullptr;
	if (!qp->has_db)
		return EV_OK;
	try {
		std::string fixed;

		with_reopen(qp->db, [&] {
			std::vector<std::string> unknown =
				unknown_words(qp->db, q->q);

			fixed.clear();
			if (!unknown.empty())
				fixed = correct_words(qp, text, strlen(text),
						      unknown);
		});
		if (!fixed.empty() && !(*out = dup_string(fixed)))
			return EV_NOMEM;
		return EV_OK;
	} catch (...) {
		return fail(qp);
	}
}

ev_status xdb_query_terms(const xdb_query_t *q, xdb_doc_term_fn fn,
			  void *ctx)
{
	try {
		Xapian::TermIterator it = q->q.get_terms_begin();
		Xapian::TermIterator end = q->q.get_terms_end();

		for (; it != end; ++it) {
			std::string term = *it;

			if (fn(term.c_str(), 0, ctx))
				break;
		}
		return EV_OK;
	} catch (...) {
		/* A query has no message of its own: only memory can fail
		 * here. */
		return EV_NOMEM;
	}
}

int xdb_query_only_gathers(const xdb_query_t *q)
{
	switch (q->q.get_type()) {
	case Xapian::Query::LEAF_TERM:
	case Xapian::Query::OP_OR:
	case Xapian::Query::OP_PHRASE:
	case Xapian::Query::OP_NEAR:
	case Xapian::Query::OP_SYNONYM:
	case Xapian::Query::OP_WILDCARD:
	case Xapian::Query::OP_ELITE_SET:
	case Xapian::Query::OP_MAX:
		return 1;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Query builders                                                      */

/* A new handle for Q. */
static xdb_query_t *new_query(const Xapian::Query &q)
{
	xdb_query_t *query = new xdb_query_t();

	query->q = q;
	return query;
}

/* A FILTER or AND_NOT whose left operand xdb_query_core() goes into. */
static bool wraps_core(const Xapian::Query &q)
{
	Xapian::Query::op t = q.get_type();

	return (t == Xapian::Query::OP_FILTER ||
		t == Xapian::Query::OP_AND_NOT) &&
	       q.get_num_subqueries() >= 2;
}

xdb_query_t *xdb_query_core(const xdb_query_t *q)
{
	try {
		Xapian::Query c = q->q;

		while (wraps_core(c))
			c = c.get_subquery(0);
		return new_query(c);
	} catch (...) {
		return nullptr;
	}
}

/* Q with its core (xdb_query_core()) replaced by CORE. */
static Xapian::Query rewrap(const Xapian::Query &q, const Xapian::Query &core)
{
	std::vector<Xapian::Query> sub;

	if (!wraps_core(q))
		return core;
	sub.push_back(rewrap(q.get_subquery(0), core));
	for (size_t i = 1; i < q.get_num_subqueries(); i++)
		sub.push_back(q.get_subquery(i));
	return Xapian::Query(q.get_type(), sub.begin(), sub.end());
}

xdb_query_t *xdb_query_with_core(const xdb_query_t *q,
				 const xdb_query_t *core)
{
	try {
		return new_query(rewrap(q->q, core->q));
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_term(const char *term, unsigned wqf)
{
	try {
		/* Xapian reads the empty term as "match everything"; a
		 * caller who wants that says xdb_query_match_all(). */
		if (!*term)
			return nullptr;
		return new_query(Xapian::Query(term, wqf));
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_match_all(void)
{
	try {
		return new_query(Xapian::Query::MatchAll);
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_match_nothing(void)
{
	try {
		return new_query(Xapian::Query::MatchNothing);
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_combine(enum xdb_op op, const xdb_query_t *a,
			       const xdb_query_t *b)
{
	try {
		if (!a || !b)
			return nullptr;
		return new_query(Xapian::Query(to_xapian_op(op), a->q, b->q));
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_terms_op(enum xdb_op op, const char *const *terms,
				size_t n, unsigned window)
{
	try {
		std::vector<Xapian::Query> subqueries;

		for (size_t i = 0; i < n; i++) {
			if (!*terms[i])
				return nullptr;
			subqueries.emplace_back(terms[i]);
		}
		return new_query(Xapian::Query(to_xapian_op(op),
					       subqueries.begin(),
					       subqueries.end(), window));
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_scale(const xdb_query_t *q, double factor)
{
	try {
		if (!q)
			return nullptr;
		return new_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
					       q->q, factor));
	} catch (...) {
		return nullptr;
	}
}

/*
 * What the two local sources below share: the document they are on (DID,
 * weighing WEIGHT), moved only by seek(), which each defines: to the
 * first document from DID_MIN on that may weigh MIN_WT, with ENDED set
 * when there is none.  Neither has a name, so Xapian refuses to send them
 * to a remote shard rather than sending something else in their place.
 */
class SeekingPostingSource : public Xapian::PostingSource
{
      protected:
	Xapian::docid did = 0;
	double weight = 0;
	bool started = false, ended = false;
	Xapian::doccount freq_min = 0, freq_est = 0, freq_max = 0;

	virtual void seek(Xapian::docid did_min, double min_wt) = 0;

	/* Whether a document weighing at most MOST falls short of MIN_WT,
	 * the bound loosened by a hair so that rounding never passes over
	 * one that reaches MIN_WT exactly. */
	static bool falls_short(double most, double min_wt)
	{
		return most * (1 + 1e-9) < min_wt;
	}

	void restart()
	{
		did = 0;
		weight = 0;
		started = ended = false;
	}

      public:
	Xapian::doccount get_termfreq_min() const override
	{
		return freq_min;
	}

	Xapian::doccount get_termfreq_est() const override
	{
		return freq_est;
	}

	Xapian::doccount get_termfreq_max() const override
	{
		return freq_max;
	}

	Xapian::docid get_docid() const override
	{
		return did;
	}

	double get_weight() const override
	{
		return weight;
	}

	bool at_end() const override
	{
		return ended;
	}

	void next(double min_wt) override
	{
		Xapian::docid from = started ? did + 1 : 1;

		started = true;
		seek(from, min_wt);
	}

	void skip_to(Xapian::docid to, double min_wt) override
	{
		if (!started || to > did) {
			started = true;
			seek(to, min_wt);
		}
	}

	std::string name() const override
	{
		return std::string();
	}
};

/*
 * The weighted sum of several value slots, each value clamped to [0, cap]
 * and multiplied by its slot's scale, for the documents with a value in
 * one of the slots marked "match" (a union, walked in docid order), or
 * for every document when none is marked.
 *
 * Doing the scaling here rather than under OP_SCALE_WEIGHT keeps the
 * matcher's min_wt hint in our units, so next() and skip_to() pass over
 * documents whose weight could not lift them into the results: Xapian's
 * own source ignores the hint.  Summing the boosts in one source rather
 * than one source per slot matters for the same reason: the matcher
 * bounds each source by its maximum alone, so a document's weak prior
 * cannot rule it out when its lesson strength comes from another source.
 *
 * Slots are summed in the order given, absent ones adding nothing; a
 * document is passed over as soon as the slots not yet read could not
 * bring it to the matcher's minimum, so the slots that decide go first.
 */
class ValueSumPostingSource : public SeekingPostingSource
{
	std::vector<xdb_value_weight> slots;
	double cap;
	std::vector<Xapian::ValueIterator> it;
	std::vector<double> rest; /* [i]: the most slots i... can add */
	/* The slots whose streams are walked for the documents: those
	 * marked match or, with none marked, one that every document has a
	 * value in; failing that, "every" is set and "all" walks Xapian's
	 * list of every document. */
	std::vector<char> drive;
	bool every = false;
	Xapian::PostingIterator all;
	double floor_for = -1; /* the minimum weight floor was made for */
	std::string floor;

	double clamp(const std::string &v) const
	{
		double x = Xapian::sortable_unserialise(v);

		return x < 0 ? 0 : x > cap ? cap : x;
	}

	/*
	 * The sum of the current document's slots, or -1 as soon as what is
	 * left could not bring it to MIN_WT: a slot not read costs nothing,
	 * and the first slots are the ones that decide (falls_short()).
	 */
	double sum(double min_wt)
	{
		double w = 0;

		for (size_t i = 0; i < slots.size(); i++) {
			Xapian::ValueIterator &v = it[i];

			if (falls_short(w + rest[i], min_wt))
				return -1;
			if (!drive[i] && v != Xapian::ValueIterator() &&
			    v.get_docid() < did)
				v.skip_to(did);
			if (v == Xapian::ValueIterator() || v.get_docid() != did)
				continue;
			std::string raw = *v;

			if (i == 0 && raw < first_floor(min_wt))
				return -1;
			w += slots[i].scale * clamp(raw);
		}
		return w;
	}

	/*
	 * The first slot's value as written (sortable_serialise() keeps the
	 * order of numbers) below which a document cannot reach MIN_WT
	 * whatever the other slots hold: most documents a source passes
	 * over are ruled out by comparing bytes, without decoding a number.
	 * Worked out again only when the matcher raises its minimum, and a
	 * hair low, as in sum().
	 */
	const std::string &first_floor(double min_wt)
	{
		if (min_wt != floor_for) {
			double x = (min_wt / (1 + 1e-9) - rest[1]) /
				   slots[0].scale * (1 - 1e-9);

			floor_for = min_wt;
			floor.clear();
			if (slots[0].scale > 0 && x > 0 && x <= cap)
				floor = Xapian::sortable_serialise(x);
		}
		return floor;
	}

	/* Move to the first matching document from DID_MIN on, and weigh
	 * it (-1 when it weighs less than MIN_WT). */
	void settle(Xapian::docid did_min, double min_wt)
	{
		did = 0;
		if (every) {
			all.skip_to(did_min);
			if (all != Xapian::PostingIterator())
				did = *all;
		}
		for (size_t i = 0; !every && i < slots.size(); i++) {
			Xapian::ValueIterator &v = it[i];

			if (!drive[i] || v == Xapian::ValueIterator())
				continue;
			if (v.get_docid() < did_min)
				v.skip_to(did_min);
			if (v != Xapian::ValueIterator() &&
			    (did == 0 || v.get_docid() < did))
				did = v.get_docid();
		}
		ended = did == 0;
		weight = ended ? 0 : sum(min_wt);
	}

	/* From DID_MIN on, the first document weighing at least MIN_WT. */
	void seek(Xapian::docid did_min, double min_wt) override
	{
		if (min_wt > get_maxweight()) {
			ended = true;
			return;
		}
		for (settle(did_min, min_wt); !ended && weight < min_wt;)
			settle(did + 1, min_wt);
	}

      public:
	ValueSumPostingSource(const xdb_value_weight *w, size_t n,
			      double cap_)
		: slots(w, w + n), cap(cap_)
	{
	}

	ValueSumPostingSource *clone() const override
	{
		return new ValueSumPostingSource(slots.data(), slots.size(),
						 cap);
	}

	void init(const Xapian::Database &db) override
	{
		Xapian::doccount most = 0, total = 0, n = db.get_doccount();
		std::vector<Xapian::doccount> freq;

		drive.clear();
		for (const xdb_value_weight &s : slots) {
			drive.push_back(s.match != 0);
			freq.push_back(db.get_value_freq(s.slot));
		}
		every = std::find(drive.begin(), drive.end(), 1) == drive.end();
		for (size_t i = 0; every && i < slots.size(); i++) {
			if (freq[i] == n) {
				drive[i] = 1;
				every = false;
			}
		}
		all = every ? db.postlist_begin(std::string())
			    : Xapian::PostingIterator();
		if (every)
			most = total = n;
		it.clear();
		rest.assign(slots.size() + 1, 0);
		restart();
		floor_for = -1;
		floor.clear();
		for (size_t i = 0; i < slots.size(); i++) {
			it.push_back(db.valuestream_begin(slots[i].slot));
			if (drive[i]) {
				most = std::max(most, freq[i]);
				total = freq[i] > n - total ? n : total + freq[i];
			}
		}
		for (size_t i = slots.size(); i-- > 0;) {
			std::string top = db.get_value_upper_bound(slots[i].slot);

			rest[i] = rest[i + 1];
			if (!top.empty())
				rest[i] += slots[i].scale * clamp(top);
		}
		set_maxweight(rest[0]);
		freq_min = freq_est = most;
		freq_max = total;
	}
};

xdb_query_t *xdb_query_value_sum(const struct xdb_value_weight *w, size_t n,
				 double cap)
{
	try {
		Xapian::PostingSource *ps;

		if (!n || cap <= 0)
			return nullptr;
		for (size_t i = 0; i < n; i++)
			if (w[i].scale < 0)
				return nullptr;
		ps = new ValueSumPostingSource(w, n, cap);
		/* release() makes the query the owner of the source: it is
		 * freed with the last query that refers to it. */
		return new_query(Xapian::Query(ps->release()));
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_value_weight(unsigned slot, double cap, double scale)
{
	try {
		Xapian::PostingSource *ps;

		/* Xapian 1.4 passes a source the matcher's minimum weight
		 * unscaled and its own source ends when that is above its
		 * unscaled maximum: scaled above 1 it would end too soon. */
		if (scale < 0 || (cap <= 0 && scale > 1))
			return nullptr;
		if (cap > 0) {
			xdb_value_weight one = { slot, scale, 1 };

			return xdb_query_value_sum(&one, 1, cap);
		}
		ps = new Xapian::ValueWeightPostingSource(slot);
		return new_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
					       Xapian::Query(ps->release()),
					       scale));
	} catch (...) {
		return nullptr;
	}
}

/*
 * The documents of a few boolean terms, each weighing its term's weight:
 * what xdb_query_term_weights() builds.  The terms are kept heaviest
 * first, so that once the matcher's minimum passes a term's weight that
 * term's documents are never visited again: where a value source reads
 * every document's value, this one skips along the postings of the terms
 * that can still count.
 */
/* Terms with the weight each gives, as a term-weight source takes them. */
using weighted_terms = std::vector<std::pair<double, std::string>>;

/* N TERMS and their WEIGHTS into OUT; false for an empty term or a
 * weight that is not >= 0. */
static bool read_weighted_terms(const char *const *terms,
				const double *weights, size_t n,
				weighted_terms &out)
{
	for (size_t i = 0; i < n; i++) {
		if (!terms[i] || !*terms[i] || !(weights[i] >= 0))
			return false;
		out.emplace_back(weights[i], terms[i]);
	}
	return true;
}

class TermWeightPostingSource : public SeekingPostingSource
{
	weighted_terms terms; /* heaviest first */
	std::vector<Xapian::PostingIterator> it;
	/* Where each iterator is (0: at its end), kept here: the matcher
	 * seeks once for every document it considers, and asking each
	 * iterator through Xapian's API cost more than moving the few
	 * that are behind. */
	std::vector<Xapian::docid> at;
	/* The terms' indexes, the most frequent first: the order check()
	 * asks them in. */
	std::vector<size_t> by_freq;
	/* Every document has one of the terms (their frequencies add up to
	 * the documents'), so one that has none of the others has the most
	 * frequent. */
	bool covers_all = false;

	static Xapian::docid where(const Xapian::PostingIterator &p)
	{
		return p == Xapian::PostingIterator() ? 0 : *p;
	}

	/* Term I's first document from DID_MIN on (0: none), its iterator
	 * moved there only if it is behind. */
	Xapian::docid reach(size_t i, Xapian::docid did_min)
	{
		if (at[i] && at[i] < did_min) {
			it[i].skip_to(did_min);
			at[i] = where(it[i]);
		}
		return at[i];
	}

	/* Move to the first document from DID_MIN on of a term that does
	 * not fall short of MIN_WT. */
	void seek(Xapian::docid did_min, double min_wt) override
	{
		did = 0;
		weight = 0;
		for (size_t i = 0; i < terms.size(); i++) {
			if (falls_short(terms[i].first, min_wt))
				break;
			Xapian::docid d = reach(i, did_min);

			if (d && (did == 0 || d < did)) {
				did = d;
				weight = terms[i].first;
			}
		}
		ended = did == 0;
	}

      public:
	/* Whether DID_WANT has one of the terms that can reach MIN_WT: the
	 * matcher asks this of every document the rest of an AND has (the
	 * type prior beside the words), where Xapian's default, skip_to(),
	 * moves every term's iterator.  A document has one term at most, so
	 * the first that has DID_WANT settles it, and asking the most
	 * frequent first moves one iterator for most documents; the others
	 * stay behind until a seek needs them.  When none has it, the seek
	 * goes on to the next document that does (true, past DID_WANT, as
	 * Xapian allows): the AND then leaps to it, where a plain "no"
	 * would have it try the documents in between. */
	bool check(Xapian::docid did_want, double min_wt) override
	{
		if (started && did_want <= did)
			return true; /* at or past it already */
		started = true;
		if (covers_all)
			return check_covered(did_want, min_wt);
		for (size_t i : by_freq) {
			if (falls_short(terms[i].first, min_wt))
				continue;
			if (reach(i, did_want) == did_want)
				return found(did_want, i);
		}
		seek(did_want, min_wt);
		return true;
	}

	/* The term document D has, where every document has one
	 * (covers_all): the rarer terms are asked, and a document none of
	 * them has is the most frequent term's, whose postings are not read
	 * at all.  Where the most frequent covers most documents (93% of
	 * the generated pages are commentary), the rarer terms' iterators
	 * are mostly past D already, and answer without moving. */
	size_t covered_term(Xapian::docid d)
	{
		for (size_t k = 1; k < by_freq.size(); k++)
			if (reach(by_freq[k], d) == d)
				return by_freq[k];
		return by_freq[0];
	}

	/* check() where every document has a term (covers_all). */
	bool check_covered(Xapian::docid did_want, double min_wt)
	{
		size_t i = covered_term(did_want);

		if (falls_short(terms[i].first, min_wt)) {
			seek(did_want, min_wt);
			return true;
		}
		return found(did_want, i);
	}

	/* On DID_WANT, which has term I. */
	bool found(Xapian::docid did_want, size_t i)
	{
		did = did_want;
		weight = terms[i].first;
		ended = false;
		return true;
	}

	/*
	 * What a sum of sources (TermSumPostingSource) drives this one by,
	 * in place of the matcher's calls, each at or past the documents
	 * asked about before.
	 */

	/* The first document from DID_MIN on with a term that does not
	 * fall short of MIN_WT; 0 when there is none. */
	Xapian::docid first_from(Xapian::docid did_min, double min_wt)
	{
		started = true;
		seek(did_min, min_wt);
		return did;
	}

	/* Whether document D has one of the terms, weighing *W. */
	bool weight_at(Xapian::docid d, double *w)
	{
		if (covers_all) {
			*w = terms[covered_term(d)].first;
			return true;
		}
		for (size_t i : by_freq)
			if (reach(i, d) == d) {
				*w = terms[i].first;
				return true;
			}
		return false;
	}

	/* Whether every document has a term that does not fall short of
	 * MIN_WT: first_from() would name each document in turn. */
	bool all_reach(double min_wt) const
	{
		return covers_all && !falls_short(terms.back().first, min_wt);
	}

	double most() const
	{
		return terms.empty() ? 0 : terms[0].first;
	}

	TermWeightPostingSource(const weighted_terms &t) : terms(t)
	{
		std::stable_sort(terms.begin(), terms.end(),
				 [](const std::pair<double, std::string> &a,
				    const std::pair<double, std::string> &b) {
					 return a.first > b.first;
				 });
	}

	TermWeightPostingSource *clone() const override
	{
		return new TermWeightPostingSource(terms);
	}

	void init(const Xapian::Database &db) override
	{
		Xapian::doccount n = db.get_doccount();
		uint64_t total = 0;

		std::vector<Xapian::doccount> freq;

		it.clear();
		at.clear();
		by_freq.clear();
		for (const auto &t : terms) {
			Xapian::doccount f = db.get_termfreq(t.second);

			by_freq.push_back(it.size());
			freq.push_back(f);
			it.push_back(db.postlist_begin(t.second));
			at.push_back(where(it.back()));
			total += f;
		}
		std::stable_sort(by_freq.begin(), by_freq.end(),
				 [&freq](size_t a, size_t b) {
					 return freq[a] > freq[b];
				 });
		/* No document has two of the terms (the caller's word): the
		 * count is exact, and the matcher can say so. */
		freq_min = freq_est = freq_max =
			total > n ? n : Xapian::doccount(total);
		covers_all = !terms.empty() && total == n;
		restart();
		set_maxweight(most());
	}
};

/*
 * Several term-weight sources summed (xdb_query_term_sum()): the
 * documents with a term of one of the lists marked match and a term of
 * every other list, weighing the lists marked match summed in their
 * order, plus the others in theirs.  Xapian's OR and AND of the single
 * sources give the same weights, but bound each source by its own
 * maximum alone: a document is passed over only when one source cannot
 * reach the matcher's minimum even with every other at its most.  Here
 * a document is passed over when its weights together fall short.  On
 * 100,000 generated pages 'leadership board decisions' (two lessons
 * and the type prior) had Xapian weigh the words of 58,000 documents.
 */
class TermSumPostingSource : public SeekingPostingSource
{
	std::vector<weighted_terms> lists;
	std::vector<char> match;
	std::vector<std::unique_ptr<TermWeightPostingSource>> src;
	/* The least weight each source was last asked to reach. */
	std::vector<double> sought;
	double total_max = 0;

	/* What list I must weigh at least for a document to reach MIN_WT
	 * with every other list at its most. */
	double need(size_t i, double min_wt) const
	{
		return min_wt - (total_max - src[i]->most());
	}

	/* Whether a document needs list I to reach MIN_WT: every list not
	 * marked match, and one marked match when the others cannot reach
	 * it without it. */
	bool needed(size_t i, double min_wt) const
	{
		return !match[i] ||
		       falls_short(total_max - src[i]->most(), min_wt);
	}

	/* List I's first document from DID_MIN on that weighs at least
	 * LEAST (0: none).  Where it is still answers when it is that far
	 * and was asked no less: the documents it passed over were too
	 * light then, and are now. */
	Xapian::docid advance(size_t i, Xapian::docid did_min, double least)
	{
		const TermWeightPostingSource &c = *src[i];
		Xapian::docid d = c.get_docid();

		if (d && d >= did_min && least >= sought[i] &&
		    !falls_short(c.get_weight(), least))
			return d;
		sought[i] = least;
		return src[i]->first_from(did_min, least);
	}

	/*
	 * The first document from DID_MIN on that every list it needs could
	 * lift to MIN_WT, each of those at it: *D when they are, or the
	 * document to look from next in *D (past DID_MIN) when one is
	 * further on.  False when there is none.  Without a list needed
	 * among those marked match, a candidate is the first of any of
	 * them.
	 */
	bool candidate(Xapian::docid did_min, double min_wt, Xapian::docid *dp,
		       bool *at)
	{
		Xapian::docid d = 0;
		bool drive = false;

		for (size_t i = 0; i < src.size(); i++) {
			if (!match[i] || !needed(i, min_wt))
				continue;
			Xapian::docid di =
				advance(i, did_min, need(i, min_wt));

			if (!di)
				return false;
			if (di > d)
				d = di;
			drive = true;
		}
		for (size_t i = 0; !drive && i < src.size(); i++) {
			if (!match[i])
				continue;
			Xapian::docid di =
				advance(i, did_min, need(i, min_wt));

			if (di && (d == 0 || di < d))
				d = di;
		}
		if (!d)
			return false;
		/* Every list needed at D, or the first past it that is. */
		*at = true;
		for (size_t i = 0; i < src.size(); i++) {
			if (!needed(i, min_wt) ||
			    src[i]->all_reach(need(i, min_wt)))
				continue;
			Xapian::docid di = advance(i, d, need(i, min_wt));

			if (!di)
				return false;
			if (di > d) {
				d = di;
				*at = false;
			}
		}
		*dp = d;
		return true;
	}

	/* List I's weight at document D in *W, false when D has none of
	 * its terms. */
	bool weight_at(size_t i, Xapian::docid d, double *w)
	{
		if (src[i]->get_docid() == d) {
			*w = src[i]->get_weight();
			return true;
		}
		return src[i]->weight_at(d, w);
	}

	/* The weight of candidate D in *W; false when a list not marked
	 * match lacks it. */
	bool sum_at(Xapian::docid d, double *w)
	{
		double sum = 0, x;

		for (size_t i = 0; i < src.size(); i++)
			if (match[i] && weight_at(i, d, &x))
				sum += x;
		for (size_t i = 0; i < src.size(); i++) {
			if (match[i])
				continue;
			if (!weight_at(i, d, &x))
				return false;
			sum += x;
		}
		*w = sum;
		return true;
	}

	void seek(Xapian::docid did_min, double min_wt) override
	{
		Xapian::docid d;
		bool at;
		double w;

		while (candidate(did_min, min_wt, &d, &at)) {
			if (!at) {
				did_min = d;
				continue;
			}
			if (sum_at(d, &w) && !falls_short(w, min_wt)) {
				did = d;
				weight = w;
				ended = false;
				return;
			}
			/* Too light: the next one, if there can be. */
			if (d == std::numeric_limits<Xapian::docid>::max())
				break;
			did_min = d + 1;
		}
		did = 0;
		weight = 0;
		ended = true;
	}

      public:
	TermSumPostingSource(const std::vector<weighted_terms> &l,
			     const std::vector<char> &m)
	    : lists(l), match(m)
	{
	}

	TermSumPostingSource *clone() const override
	{
		return new TermSumPostingSource(lists, match);
	}

	/* The counts are Xapian's for the OR of the lists marked match
	 * (left to right) AND the others, so that a search's estimate of
	 * its matches is the one the single sources gave. */
	void init(const Xapian::Database &db) override
	{
		Xapian::doccount n = db.get_doccount();
		uint64_t or_min = 0, or_max = 0, and_min = 0, and_max = 0;
		double or_est = 0, and_est = 0;
		bool first_or = true, anded = false;

		src.clear();
		sought.assign(lists.size(), 0);
		total_max = 0;
		for (size_t i = 0; i < lists.size(); i++) {
			src.emplace_back(
				new TermWeightPostingSource(lists[i]));
			src.back()->init(db);
			total_max += src.back()->most();
		}
		for (size_t i = 0; i < src.size() && n; i++) {
			const TermWeightPostingSource &t = *src[i];

			if (!match[i])
				continue;
			if (first_or) {
				or_min = t.get_termfreq_min();
				or_max = t.get_termfreq_max();
				or_est = t.get_termfreq_est();
				first_or = false;
				continue;
			}
			double r = t.get_termfreq_est();

			or_min = std::max<uint64_t>(or_min,
						    t.get_termfreq_min());
			or_max = std::min<uint64_t>(
				or_max + t.get_termfreq_max(), n);
			or_est = Xapian::doccount(or_est + r - or_est * r / n +
						  0.5);
		}
		/* The OR is the AND's first part: those not marked match the
		 * rest. */
		and_min = or_min;
		and_max = or_max;
		and_est = or_est;
		for (size_t i = 0; i < src.size() && n; i++) {
			const TermWeightPostingSource &t = *src[i];

			if (match[i])
				continue;
			/* No overlap is possible unless the two together
			 * have more documents than the database. */
			and_min = and_min && and_min + t.get_termfreq_min() > n
					  ? and_min + t.get_termfreq_min() - n
					  : 0;
			and_max = std::min<uint64_t>(and_max,
						     t.get_termfreq_max());
			and_est = and_est * t.get_termfreq_est() / n;
			anded = true;
		}
		if (anded)
			and_est = Xapian::doccount(and_est + 0.5);
		freq_min = Xapian::doccount(and_min);
		freq_max = Xapian::doccount(and_max);
		freq_est = Xapian::doccount(and_est);
		restart();
		set_maxweight(total_max);
	}
};

xdb_query_t *xdb_query_term_sum(const struct xdb_term_weights *lists, size_t n)
{
	try {
		std::vector<weighted_terms> l(n);
		std::vector<char> m(n);
		bool any = false;

		for (size_t i = 0; i < n; i++) {
			if (!read_weighted_terms(lists[i].terms,
						 lists[i].weights, lists[i].n,
						 l[i]))
				return nullptr;
			m[i] = lists[i].match != 0;
			any = any || m[i];
		}
		if (!any)
			return nullptr;
		Xapian::PostingSource *ps = new TermSumPostingSource(l, m);
		return new_query(Xapian::Query(ps->release()));
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_term_weights(const char *const *terms,
				    const double *weights, size_t n)
{
	try {
		weighted_terms t;
		Xapian::PostingSource *ps;

		if (!read_weighted_terms(terms, weights, n, t))
			return nullptr;
		ps = new TermWeightPostingSource(t);
		return new_query(Xapian::Query(ps->release()));
	} catch (...) {
		return nullptr;
	}
}

xdb_query_t *xdb_query_value_range(unsigned slot, double lo, double hi)
{
	try {
		std::string from = Xapian::sortable_serialise(lo);
		std::string to = Xapian::sortable_serialise(hi);

		return new_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE,
					       slot, from, to));
	} catch (...) {
		return nullptr;
	}
}

void xdb_query_free(xdb_query_t *q)
{
	delete q;
}

char *xdb_query_describe(const xdb_query_t *q)
{
	try {
		return dup_string(q->q.get_description());
	} catch (...) {
		return nullptr;
	}
}

size_t xdb_sortable_serialise(double value, char *out)
{
	/* The helper behind Xapian's sortable_serialise(): it writes at
	 * most 18 bytes and neither allocates nor throws. */
	return Xapian::sortable_serialise_(value, out);
}

double xdb_sortable_unserialise(const char *value, size_t len)
{
	try {
		return Xapian::sortable_unserialise(std::string(value, len));
	} catch (...) {
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Searching                                                           */

xdb_enquire_t *xdb_enquire_new(xdb_t *db)
{
	try {
		return new xdb_enquire_t(*db->db);
	} catch (...) {
		return nullptr;
	}
}

ev_status xdb_query_max_weight(xdb_t *db, const xdb_query_t *q,
				double *out)
{
	*out = 0;
	try {
		Xapian::Enquire enq(*db->db);

		enq.set_query(q->q);
		/* No result is read: the matcher opens the lists and
		 * returns the bound it starts from. */
		with_reopen(*db->db, [&] {
			*out = enq.get_mset(0, 0).get_max_possible();
		});
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

void xdb_enquire_free(xdb_enquire_t *enq)
{
	delete enq;
}

const char *xdb_enquire_errmsg(const xdb_enquire_t *enq)
{
	return enq ? enq->msg.c_str() : "no enquire";
}

ev_status xdb_enquire_set_query(xdb_enquire_t *enq, const xdb_query_t *q)
{
	try {
		if (!q)
			return refuse(enq, EV_USAGE, "no query");
		enq->enq.set_query(q->q);
		return EV_OK;
	} catch (...) {
		return fail(enq);
	}
}

ev_status xdb_enquire_set_bm25(xdb_enquire_t *enq, double k1, double k2,
			       double k3, double b, double min_normlen)
{
	try {
		enq->enq.set_weighting_scheme(
			Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
		return EV_OK;
	} catch (...) {
		return fail(enq);
	}
}

ev_status xdb_enquire_set_collapse_key(xdb_enquire_t *enq, unsigned slot,
				       unsigned max)
{
	try {
		if (max == 0)
			enq->enq.set_collapse_key(Xapian::BAD_VALUENO);
		else
			enq->enq.set_collapse_key(slot, max);
		return EV_OK;
	} catch (...) {
		return fail(enq);
	}
}

ev_status xdb_enquire_set_sort_by_value_then_relevance(xdb_enquire_t *enq,
						       unsigned slot,
						       int reverse)
{
	try {
		enq->enq.set_sort_by_value_then_relevance(slot, reverse != 0);
		return EV_OK;
	} catch (...) {
		return fail(enq);
	}
}

ev_status xdb_enquire_add_facet(xdb_enquire_t *enq, unsigned slot)
{
	try {
		if (enq->facet_slots.size() >= MAX_FACETS)
			return refuse(enq, EV_USAGE,
				      "too many facets (at most " +
					      std::to_string(MAX_FACETS) +
					      ")");
		enq->facet_slots.push_back(slot);
		return EV_OK;
	} catch (...) {
		return fail(enq);
	}
}

/* Detaches the spies of one search from the enquire however the search
 * ends, so that it never points at spies freed with a failed MSet. */
struct spies_detacher {
	Xapian::Enquire &enq;

	~spies_detacher()
	{
		try {
			enq.clear_matchspies();
		} catch (...) {
		}
	}
};

ev_status xdb_enquire_get_mset(xdb_enquire_t *enq, unsigned first,
			       unsigned max, unsigned checkatleast,
			       xdb_mset_t **msetp)
{
	std::unique_ptr<xdb_mset_t> m;

	*msetp = nullptr;
	try {
		spies_detacher detach{ enq->enq };

		m.reset(new xdb_mset_t(enq->db));
		with_reopen(enq->db, [&] {
			enq->enq.clear_matchspies();
			m->spies.clear();
			for (Xapian::valueno slot : enq->facet_slots) {
				m->spies.emplace_back(
					new Xapian::ValueCountMatchSpy(slot));
				enq->enq.add_matchspy(m->spies.back().get());
			}
			m->mset = enq->enq.get_mset(first, max, checkatleast);
			m->query = enq->enq.get_query();
		});
		*msetp = m.release();
		return EV_OK;
	} catch (...) {
		return fail(enq);
	}
}

void xdb_mset_free(xdb_mset_t *mset)
{
	delete mset;
}

const char *xdb_mset_errmsg(const xdb_mset_t *mset)
{
	return mset ? mset->msg.c_str() : "no result set";
}

unsigned xdb_mset_size(const xdb_mset_t *mset)
{
	try {
		return mset ? mset->mset.size() : 0;
	} catch (...) {
		return 0;
	}
}

unsigned xdb_mset_matches_estimated(const xdb_mset_t *mset)
{
	try {
		return mset ? mset->mset.get_matches_estimated() : 0;
	} catch (...) {
		return 0;
	}
}

unsigned xdb_mset_matches_lower_bound(const xdb_mset_t *mset)
{
	try {
		return mset ? mset->mset.get_matches_lower_bound() : 0;
	} catch (...) {
		return 0;
	}
}

unsigned xdb_mset_matches_upper_bound(const xdb_mset_t *mset)
{
	try {
		return mset ? mset->mset.get_matches_upper_bound() : 0;
	} catch (...) {
		return 0;
	}
}

/* Refuse hit I when it is past the end of MSET. */
static bool hit_out_of_range(xdb_mset_t *mset, unsigned i)
{
	if (i < mset->mset.size())
		return false;
	mset->msg = "hit " + std::to_string(i) + " is out of range (" +
		    std::to_string(mset->mset.size()) + " hits)";
	return true;
}

ev_status xdb_mset_hit(xdb_mset_t *mset, unsigned i, unsigned *docidp,
		       double *weightp, unsigned *collapsedp)
{
	try {
		if (hit_out_of_range(mset, i))
			return EV_USAGE;
		Xapian::MSetIterator it = mset->mset[i];
		if (docidp)
			*docidp = *it;
		if (weightp)
			*weightp = it.get_weight();
		if (collapsedp)
			*collapsedp = it.get_collapse_count();
		return EV_OK;
	} catch (...) {
		return fail(mset);
	}
}

ev_status xdb_mset_document(xdb_mset_t *mset, unsigned i, xdb_doc_t **docp)
{
	std::unique_ptr<xdb_doc_t> doc;

	*docp = nullptr;
	try {
		if (hit_out_of_range(mset, i))
			return EV_USAGE;
		doc.reset(new xdb_doc_t());
		with_reopen(mset->db, [&] {
			doc->doc = mset->mset[i].get_document();
			snapshot_document(doc.get(), false);
		});
		*docp = doc.release();
		return EV_OK;
	} catch (...) {
		return fail(mset);
	}
}

/*
 * Markers for a raw snippet.  Xapian escapes every '<' and '&' of the
 * text, so in its output a '<' can only start one of these, and an '&'
 * only one of the entities below.
 */
static const char snip_hi_start[] = "<s>";
static const char snip_hi_end[] = "<e>";
static const char snip_omit[] = "<o>";

/* Undo Xapian's escaping in the snippet S (made with the markers above),
 * putting the caller's markers in place of ours. */
static std::string unescape_snippet(const std::string &s,
				    const char *hi_start, const char *hi_end,
				    const char *omit)
{
	static const struct {
		const char *from;
		const char *to;
	} table[] = {
		{ "&amp;", "&" },      { "&lt;", "<" },
		{ "&gt;", ">" },       { "&quot;", "\"" },
		{ snip_hi_start, nullptr }, { snip_hi_end, nullptr },
		{ snip_omit, nullptr },
	};
	const size_t start_len = std::strlen(snip_hi_start);
	std::string out;

	out.reserve(s.size());
	for (size_t i = 0; i < s.size();) {
		size_t plain = s.find_first_of("&<", i);
		bool replaced = false;

		if (plain != i) {
			/* A run of plain text, copied whole. */
			if (plain == std::string::npos)
				plain = s.size();
			out.append(s, i, plain - i);
			i = plain;
			continue;
		}
		for (const auto &t : table) {
			size_t n = std::strlen(t.from);

			if (s.compare(i, n, t.from) != 0)
				continue;
			i += n;
			replaced = true;
			if (t.from == snip_hi_start) {
				out += hi_start;
			} else if (t.from == snip_hi_end) {
				/* Two highlights with only blanks between
				 * them are one: "[mission creep]", not
				 * "[mission] [creep]". */
				size_t j = s.find_first_not_of(' ', i);

				if (j != std::string::npos && j > i &&
				    s.compare(j, start_len, snip_hi_start) == 0) {
					out.append(s, i, j - i);
					i = j + start_len;
				} else {
					out += hi_end;
				}
			} else if (t.from == snip_omit) {
				out += omit;
			} else {
				out += t.to;
			}
			break;
		}
		if (!replaced)
			out += s[i++];
	}
	return out;
}

void xdb_mset_set_stem(xdb_mset_t *mset, const xdb_stem_t *stem)
{
	/* A Stem is a counted handle: the copy keeps the cache alive. */
	if (!mset || !stem)
		return;
	mset->snippet_stem = stem->stem;
	try {
		if (stem->english)
			mset->snippet_stem = bound_stem(stem->stem,
							mset->query);
	} catch (...) {
		/* Out of memory: the plain stemmer gives the same
		 * snippets. */
	}
}

ev_status xdb_mset_snippet(xdb_mset_t *mset, const char *text, size_t length,
			   const char *hi_start, const char *hi_end,
			   const char *omit, int raw, char **outp)
{
	*outp = nullptr;
	try {
		/* Without SNIPPET_BACKGROUND_MODEL: it weighs every other
		 * word of the text by its frequency in the database, a
		 * look-up per word, which was over half the blocks a
		 * ten-hit search read.  The window is still the one with
		 * the most query-term weight. */
		unsigned flags = Xapian::MSet::SNIPPET_EXHAUSTIVE;
		Xapian::Stem &stem = mset->snippet_stem;
		std::string s;

		/* Small: the cache is calloc'd, and each page a word
		 * reaches costs a fault in a short process. */
		if (stem.is_none())
			stem = bound_stem(cached_english(SNIPPET_STEMS),
					  mset->query);
		with_reopen(mset->db, [&] {
			if (raw)
				s = mset->mset.snippet(text, length, stem,
						       flags, snip_hi_start,
						       snip_hi_end, snip_omit);
			else
				s = mset->mset.snippet(text, length, stem,
						       flags, hi_start, hi_end,
						       omit);
		});
		if (raw)
			s = unescape_snippet(s, hi_start, hi_end, omit);
		return give_bytes(mset, s, outp, nullptr);
	} catch (...) {
		return fail(mset);
	}
}

ev_status xdb_mset_facets(xdb_mset_t *mset, unsigned k, xdb_facet_fn fn,
			  void *ctx)
{
	try {
		if (k >= mset->spies.size())
			return refuse(mset, EV_USAGE,
				      "no facet " + std::to_string(k) + " (" +
					      std::to_string(
						      mset->spies.size()) +
					      " facets)");
		const Xapian::ValueCountMatchSpy &spy = *mset->spies[k];
		size_t distinct = std::distance(spy.values_begin(),
						spy.values_end());
		Xapian::TermIterator it = spy.top_values_begin(distinct);
		Xapian::TermIterator end = spy.top_values_end(distinct);

		/* Xapian orders by frequency, then by value. */
		for (; it != end; ++it) {
			std::string value = *it;

			if (fn(value.c_str(), value.size(),
			       it.get_termfreq(), ctx))
				break;
		}
		return EV_OK;
	} catch (...) {
		return fail(mset);
	}
}
