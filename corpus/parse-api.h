/* parse-api.h - reading the JSON answers of Crossref, Europe PMC, OpenAlex */
#ifndef EVIDENCE_PARSE_API_H
#define EVIDENCE_PARSE_API_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "parse-formats.h"
#include "record.h"
#include "status.h"
#include "xml.h"

/*
 * Helpers the three JSON parsers share.  Nothing here owns a reference:
 * every json_t * returned is borrowed from the tree it came from.
 */

/* Load LEN bytes at DATA, or fail P with "invalid JSON at line N: ..."
 * (EV_PARSE), or EV_TOO_BIG when it holds more than API_MAX_VALUES
 * values (counted by the '[', '{' and ',' before them): real pages hold a few
 * hundred thousand (a Crossref page of 1,000 works about 500,000), and
 * the tree's memory grows with the count, not the bytes.  On EV_OK
 * *ROOT is a new reference. */
#define API_MAX_VALUES 2000000u
ev_status api_load(struct parser *p, const char *data, size_t len,
		   json_t **root);

/* 1 when the payload is JSON (an object or array after white space and
 * a byte order mark), 0 when it is something else (XML). */
int api_is_json(const char *data, size_t len);

/* Follow object keys along PATH ("journalInfo/journal/title"); NULL when
 * a step is missing or not an object. */
json_t *api_get(json_t *v, const char *path);

/* The string at PATH, or NULL when absent, not a string or empty. */
const char *api_str(json_t *v, const char *path);

/* The string or the integer at PATH as text (integers written into BUF),
 * or NULL. */
const char *api_text(json_t *v, const char *path, char *buf, size_t size);

/* Lists that may come as an array, a single value or nothing (Europe
 * PMC's XML, converted, gives a single object where JSON has an array of
 * one): how many items V holds, and the I-th. */
size_t api_count(const json_t *v);
json_t *api_item(json_t *v, size_t i);

/* set_if_unset() with the string at PATH, tags removed and character
 * references decoded (markup_flatten()). */
ev_status api_set_flat(char **field, json_t *v, const char *path);

/* Add TEXT as a passage under SECTION and append it to JOINED, the
 * abstract being built (paragraphs separated by blank lines). */
ev_status api_abstract_part(struct record *rec, struct buf *joined,
			    const char *text, const char *section);

/* Fill a record from the object OBJ with READ and pass it to the sink;
 * a non-object is EV_PARSE with "WHAT is not an object". */
typedef ev_status (*api_read_fn)(json_t *obj, struct record *rec);
ev_status api_emit(struct parser *p, json_t *obj, api_read_fn read,
		   const char *what);

/* Parse the payload as XML through xml.c, into *DOC (free it with
 * xml_free()).  EV_TOO_BIG when it holds more than API_MAX_VALUES tags:
 * a tree costs about a hundred bytes a node, so a page of "<a/>" under
 * the size cap could take gigabytes. */
ev_status api_xml_parse(struct parser *p, const char *data, size_t len,
			xmlDoc **doc);

/* *FIELD, when unset, from NODE's text as xml_text_flat() gives it. */
ev_status api_xml_set(char **field, const xmlNode *node);

/*
 * Lists in a record are kept without duplicates, which costs a look
 * through the list per item: a hostile payload with a million
 * categories or references would take hours.  A record keeps at most
 * API_MAX_LIST keywords, publication types and cites; the rest are
 * dropped.
 */
#define API_MAX_LIST 5000
ev_status api_push(struct strvec *sv, const char *s);
ev_status api_add_cite(struct record *rec, const char *pmid, const char *doi);

/* The last non-empty path segment of a URL ("https://pubmed.ncbi.nlm.nih
 * .gov/29456894" -> "29456894"), malloc'd; a string without '/' is
 * copied.  NULL for NULL or on EV_NOMEM. */
char *api_last_segment(const char *url);

#endif
