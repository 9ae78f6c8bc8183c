/* stopwords.c - the English stopword list the index and the queries share */
#include "config.h"

#include "stopwords.h"

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

const size_t N_ENGLISH_STOPWORDS =
	sizeof(english_stopwords) / sizeof(english_stopwords[0]);
