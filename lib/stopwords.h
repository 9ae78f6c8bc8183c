/* stopwords.h - the English stopword list the index and the queries share */
#ifndef EVIDENCE_STOPWORDS_H
#define EVIDENCE_STOPWORDS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The words, lower case. */
extern const char *const english_stopwords[];
extern const size_t N_ENGLISH_STOPWORDS;

#ifdef __cplusplus
}
#endif

#endif
