/* stopwords.h - the English stopword list the index and the queries share */
#ifndef EVIDENCE_STOPWORDS_H
#define EVIDENCE_STOPWORDS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The words, lower case. */
extern const char *const english_stopwords[];
extern const size_t N_ENGLISH_STOPWORDS;

/*
 * Whether the LEN bytes at WORD (lower case, no NUL needed) are one of
 * the words: a hash table filled at the first call, safe from any
 * thread.  stopword_hashed() takes the word's text_hash() when the
 * caller has it already (the term generator, for every word).
 */
int stopword(const char *word, size_t len);
int stopword_hashed(const char *word, size_t len, uint32_t hash);

#ifdef __cplusplus
}
#endif

#endif
