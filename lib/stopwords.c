/* stopwords.c - the English stopword list the index and the queries share */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "stopwords.h"
#include "text.h"

/*
 * English function words: articles, pronouns, auxiliaries, prepositions
 * and conjunctions, the words that carry grammar rather than topic.
 * Words that carry meaning in this domain stay out even though some lists
 * have them: "not" and "no" (negation), "over", "under", "too", "much",
 * "more" and "soon" ("under-promise and over-deliver", "too much too
 * soon").  Xapian still indexes a stopword unstemmed with its position,
 * so a quoted phrase can match it.
 */
const char *const english_stopwords[] = {
	"a",       "about",   "after",     "all",        "also",   "am",
	"an",      "and",     "any",       "are",        "as",     "at",
	"be",      "because", "been",      "before",     "being",  "between",
	"both",    "but",     "by",        "can",        "could",  "did",
	"do",      "does",    "doing",     "during",     "each",   "for",
	"from",    "had",     "has",       "have",       "having", "he",
	"her",     "here",    "hers",      "herself",    "him",    "himself",
	"his",     "how",     "i",         "if",         "in",     "into",
	"is",      "it",      "its",       "itself",     "many",   "may",
	"me",      "might",   "must",      "my",         "myself", "of",
	"on",      "or",      "our",       "ours",       "ourselves",
	"shall",   "she",     "should",    "so",         "some",   "such",
	"than",    "that",    "the",       "their",      "theirs", "them",
	"themselves",         "then",      "there",      "these",  "they",
	"this",    "those",   "through",   "to",         "until",  "upon",
	"us",      "very",    "was",       "we",         "were",   "what",
	"when",    "where",   "which",     "while",      "who",    "whom",
	"whose",   "why",     "will",      "with",       "would",  "you",
	"your",    "yours",   "yourself",  "yourselves",
};

/* The count as a constant expression, for the sizes below. */
#define N_WORDS (sizeof(english_stopwords) / sizeof(english_stopwords[0]))

const size_t N_ENGLISH_STOPWORDS = N_WORDS;

/* Slots of the lookup table: a power of two, more than twice the words,
 * so that a probe ends soon and always at a free slot. */
#define STOP_SLOTS 1024

_Static_assert(2 * N_WORDS <= STOP_SLOTS,
	       "the stopword table must stay at most half full");

/* The words, open-addressed by text_hash(): indexes + 1 into
 * english_stopwords (0: free), and each word's length, so that a probe
 * compares lengths before bytes.  Filled once, at the first look-up. */
static uint16_t stop_slots[STOP_SLOTS];
static size_t stop_len[N_WORDS];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

/* The slot where the LEN bytes of WORD, whose text_hash() is HASH, are
 * or would go. */
static size_t stop_slot(const char *word, size_t len, uint32_t hash)
{
	size_t s = hash & (STOP_SLOTS - 1);

	for (; stop_slots[s]; s = (s + 1) & (STOP_SLOTS - 1)) {
		size_t i = stop_slots[s] - 1;

		if (stop_len[i] == len &&
		    memcmp(english_stopwords[i], word, len) == 0)
			break;
	}
	return s;
}

static void stop_fill(void)
{
	for (size_t i = 0; i < N_ENGLISH_STOPWORDS; i++) {
		const char *w = english_stopwords[i];
		size_t len = strlen(w);

		stop_len[i] = len;
		stop_slots[stop_slot(w, len, text_hash(w, len))] =
			(uint16_t)(i + 1);
	}
}

int stopword_hashed(const char *word, size_t len, uint32_t hash)
{
	pthread_once(&stop_once, stop_fill);
	return stop_slots[stop_slot(word, len, hash)] != 0;
}

int stopword(const char *word, size_t len)
{
	return stopword_hashed(word, len, text_hash(word, len));
}
