/* text.h - UTF-8 text helpers shared by every stage */
#ifndef EVIDENCE_TEXT_H
#define EVIDENCE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* A malloc'd copy of the first LEN bytes of S, NUL-terminated; NULL when
 * out of memory. */
char *xstrndup(const char *s, size_t len);

/* Collapse every run of white space (ASCII and the Unicode spaces:
 * no-break, thin, ideographic...) to one ASCII space and trim both ends,
 * in place.  Returns S. */
char *text_collapse_space(char *s);

/* Lower-case ASCII letters in place.  Returns S. */
char *text_ascii_lower(char *s);

/* 1 when the LEN bytes of S are valid UTF-8 with no NUL. */
int utf8_valid(const char *s, size_t len);

/* A malloc'd copy of S (LEN bytes) that is valid UTF-8: invalid bytes and
 * NULs become U+FFFD, other C0 controls but tab and newline become a
 * space.  NULL when out of memory. */
char *utf8_sanitise(const char *s, size_t len);

/* Decode one UTF-8 character at S (at most LEN bytes) into *CP; return
 * its length, or 0 at an invalid or truncated sequence. */
size_t utf8_decode(const char *s, size_t len, unsigned *cp);

/* Encode CP as UTF-8 into OUT (>= 4 bytes); return the length. */
size_t utf8_encode(unsigned cp, char *out);

/*
 * Split TEXT into words the way the lesson tagger and the normalised
 * title key need them: runs of letters and digits (any non-ASCII letter
 * counts as a letter; curly quotes, dashes and other Unicode punctuation
 * do not), with an apostrophe inside a word kept ("GP's" -> "gp's").
 * Each word is lower-cased (ASCII and Latin-1/Latin Extended-A letters)
 * and passed to FN with its byte offset in TEXT.  FN returning non-zero
 * stops the walk and that value is returned.
 */
typedef int (*text_word_fn)(const char *word, size_t len, size_t offset,
			    void *ctx);
int text_words(const char *text, text_word_fn fn, void *ctx);

/*
 * A text's words as text_words() gives them, kept so that more than one
 * reader can walk them (the indexer splits a passage once for its
 * lessons and its synonyms): word I is the NUL-terminated
 * WL->bytes + WL->v[I].off, WL->v[I].len bytes long.  wordlist_fill()
 * replaces what WL held and keeps its memory for the next text, until
 * wordlist_release().  EV_NOMEM leaves WL empty.
 */
struct wordlist {
	char *bytes;
	size_t len, bytes_alloc;
	struct wordlist_word {
		size_t off, len;
	} *v;
	size_t n, v_alloc;
};

#define WORDLIST_INIT                                                         \
	{                                                                     \
		NULL, 0, 0, NULL, 0, 0                                        \
	}

ev_status wordlist_fill(struct wordlist *wl, const char *text);
void wordlist_release(struct wordlist *wl);

/* A quick hash of the LEN bytes of S (FNV-1a), for hash tables of
 * words. */
uint32_t text_hash(const char *s, size_t len);
/* A 64-bit hash of the LEN bytes of DATA, eight bytes a step, for
 * telling a text from its edits where SHA-256 would cost too much: not
 * against someone choosing texts to collide.  The value is the host's
 * own (words are read in its byte order). */
uint64_t text_hash64(const void *data, size_t len);

/* SHA-256 of DATA as 64 lower-case hex digits and a NUL. */
void text_sha256_hex(const void *data, size_t len, char out[65]);

/* Finish S (see sha256.h) and write its digest as text_sha256_hex()
 * does: for hashing in pieces without an allocation. */
struct sha256;
void text_sha256_final_hex(struct sha256 *s, char out[65]);

/* The same over data given in pieces: text_sha256_begin() (NULL when
 * out of memory), text_sha256_add() as often as needed, then
 * text_sha256_end(), which writes the digest and frees H (EV_NOMEM, and
 * OUT "", when H is NULL: text_sha256_begin() ran out of memory). */
struct text_sha256;
struct text_sha256 *text_sha256_begin(void);
void text_sha256_add(struct text_sha256 *h, const void *data, size_t len);
ev_status text_sha256_end(struct text_sha256 *h, char out[65]);

/* The same over everything left to read on FD (from its current offset
 * to the end), for payloads too big to hold in memory.  EV_IO when a read
 * fails (errno kept). */
ev_status text_sha256_fd(int fd, char out[65]);

/* The current time as "YYYY-MM-DDTHH:MM:SSZ". */
void text_now_iso8601(char out[21]);

/* 1 when S starts with PREFIX (case-sensitive / ASCII case-insensitive). */
int str_starts_with(const char *s, const char *prefix);
int str_istarts_with(const char *s, const char *prefix);

/* 1 when S (which may be NULL) starts with "http://" or "https://", in
 * any case: a web address rather than a name, a DOI or a file. */
int str_is_http_url(const char *s);

/*
 * Append S to OUT with every byte percent-encoded ("%2F", upper-case
 * hex) except ASCII letters, digits and the bytes in KEEP: the
 * unreserved "-._~" for a query's value, more for a path or a
 * fragment (RFC 3986).
 */
struct buf;
ev_status url_percent_encode(struct buf *out, const char *s, const char *keep);

/*
 * The other way: append S to OUT with each "%XX" decoded, up to S's end
 * or its first byte in STOP.  With FORM, a "+" stands for a space, as in
 * a query's value.  A "%" without two hex digits after it is kept as it
 * is.  EV_PARSE, with what came before it appended, at an escape of a
 * NUL ("%00"), which would cut the string short; EV_NOMEM.
 */
ev_status url_percent_decode(struct buf *out, const char *s, const char *stop,
			     int form);

/* 1 when S ends with SUFFIX, ASCII case-insensitive. */
int str_iends_with(const char *s, const char *suffix);

/* Strip trailing and leading white space in place; return the start. */
char *str_trim(char *s);

#endif
