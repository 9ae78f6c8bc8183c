/* sprinter.h - structured output: one interface, JSON behind it */
#ifndef EVIDENCE_SPRINTER_H
#define EVIDENCE_SPRINTER_H

#include <stdio.h>

/*
 * A structure printer in the manner of notmuch's sprinter: commands say
 * "begin a map, key, string, end" and the printer writes the syntax.
 * The JSON printer writes keys in the order they are given, so output is
 * deterministic and tests can compare it byte for byte.  Every JSON
 * document evidence prints starts with "format_version" (see
 * doc/evidence-json.7 for the formats and their history).
 *
 * Human-readable text is laid out by each command itself: a generic
 * rendering of nested maps reads worse than a layout made for the data.
 */
struct sprinter {
	void (*begin_map)(struct sprinter *sp);
	void (*begin_list)(struct sprinter *sp);
	void (*end)(struct sprinter *sp);
	void (*map_key)(struct sprinter *sp, const char *key);
	void (*string)(struct sprinter *sp, const char *s); /* NULL: null */
	void (*integer)(struct sprinter *sp, long long n);
	void (*real)(struct sprinter *sp, double x);
	void (*boolean)(struct sprinter *sp, int b);
	void (*null)(struct sprinter *sp);
	/* Finish the document (a newline after the top-level value). */
	void (*finish)(struct sprinter *sp);
	FILE *out;
};

/* A JSON printer on OUT; freed with sprinter_free(). NULL on ENOMEM. */
struct sprinter *sprinter_json_new(FILE *out);
void sprinter_free(struct sprinter *sp);

/* A JSON document on OUT: the printer with its top-level map begun and
 * "format_version": VERSION written.  NULL on ENOMEM. */
struct sprinter *sprinter_json_document(FILE *out, int version);

/* Close the top-level map, end the line and free SP. */
void sprinter_document_end(struct sprinter *sp);

/* Shorthands for "key": value. */
void sp_str(struct sprinter *sp, const char *key, const char *value);
void sp_int(struct sprinter *sp, const char *key, long long value);
void sp_real(struct sprinter *sp, const char *key, double value);

/* Write S to OUT as a JSON string literal. */
void json_write_string(FILE *out, const char *s);

#endif
