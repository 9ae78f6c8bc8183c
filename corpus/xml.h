/* xml.h - libxml2 set up for untrusted input: the only place that does it */
#ifndef EVIDENCE_XML_H
#define EVIDENCE_XML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "buf.h"
#include "status.h"

/*
 * Every XML and HTML payload evidence reads goes through this file, which
 * follows ../shared/RELIABILITY.md section 2:
 *
 * - documents are parsed from memory or from a read callback, never from
 *   a file name or URL (libxml2 would fetch URLs and decompress);
 * - XML options are NONET|NOCDATA|NOERROR|NOWARNING; entity substitution,
 *   DTD loading, validation, XInclude, SAX1 and HUGE are never asked for,
 *   so libxml2's depth (256) and amplification limits stay on;
 * - an external entity loader that refuses everything is installed, so
 *   no file:// or http:// entity or DTD is ever read, whatever the
 *   options;
 * - errors go to a handler that keeps the first one (with its line) for
 *   the caller's message and prints nothing;
 * - HTML options are NONET|NOERROR|NOWARNING|RECOVER|NODEFDTD.
 *
 * The tree helpers below never recurse, so a deep tree cannot overflow
 * the stack.  Entity references left in an XML tree (the parser does not
 * substitute them) are expanded by xml_text() only within a budget per
 * document, so a "quadratic blowup" document cannot make the text huge.
 */

/* Initialise libxml2 and install the refusing entity loader.  Idempotent
 * and thread-safe; the functions below call it, and a program with
 * threads calls it from main() first. */
void xml_setup(void);

/* How many times the entity loader has been asked for something (and
 * refused), since the program started.  For tests. */
unsigned long xml_entity_loads_refused(void);

/*
 * Parse LEN bytes at DATA as XML.  URL (may be NULL) is only a name for
 * libxml2; nothing is read from it.  On EV_OK *DOCP is a tree to free with
 * xml_free().  EV_PARSE with "not well-formed XML at line N: <reason>" in
 * ERR; EV_TOO_BIG when LEN does not fit libxml2's int; EV_NOMEM.
 */
ev_status xml_parse(const char *data, size_t len, const char *url,
		    xmlDoc **docp, char *err, size_t errsz);

/*
 * Parse LEN bytes at DATA as HTML, recovering from errors as browsers do.
 * CHARSET (an encoding name, or NULL to let the document say) is used when
 * libxml2 knows it and ignored otherwise.  EV_PARSE only when libxml2
 * gives no tree at all.
 */
ev_status xml_parse_html(const char *data, size_t len, const char *url,
			 const char *charset, xmlDoc **docp, char *err,
			 size_t errsz);

void xml_free(xmlDoc *doc);

/*
 * Streaming.  READ fills BUF with up to LEN bytes and returns how many,
 * 0 at the end, -1 on error (libxml2's xmlInputReadCallback).  Each
 * element whose name is in NAMES (a NULL-terminated list), at any depth,
 * is expanded into a tree and passed to FN, then skipped, so memory is
 * bounded by the largest such element.  FN returning non-OK stops the
 * stream with that status.  Elements passed before an error stay passed.
 * EV_PARSE as xml_parse() (including when READ returned -1: the caller
 * that knows why says so).
 */
typedef int (*xml_read_fn)(void *ctx, char *buf, int len);
typedef ev_status (*xml_element_fn)(xmlNode *element, void *ctx);
ev_status xml_stream(xml_read_fn read, void *read_ctx, const char *url,
		     const char *const *names, xml_element_fn fn, void *ctx,
		     char *err, size_t errsz);

/* --- Reading a tree --- */

/* 1 when NODE is an element named NAME (local name, case-sensitive). */
int xml_is(const xmlNode *node, const char *name);

/* The first element child of NODE named NAME (any element when NAME is
 * NULL), or NULL.  NODE may be NULL. */
xmlNode *xml_child(const xmlNode *node, const char *name);

/* The next element sibling after NODE named NAME (any when NULL). */
xmlNode *xml_next(const xmlNode *node, const char *name);

/* Follow element children by a path of names: "Article/Journal/Title". */
xmlNode *xml_path(const xmlNode *node, const char *path);

/*
 * The node after NODE in document order within the subtree of ROOT, or
 * NULL when the walk is over; DESCEND 0 skips NODE's children.  Start
 * with NODE == ROOT.  Entity references are not entered.
 */
xmlNode *xml_walk(const xmlNode *root, const xmlNode *node, int descend);

/* The first element named NAME in the subtree of ROOT (ROOT included),
 * in document order. */
xmlNode *xml_find(const xmlNode *root, const char *name);

/* The value of NODE's attribute NAME (local name, any namespace), or
 * NULL.  Points into the tree: valid while the document is. */
const char *xml_attr(const xmlNode *node, const char *name);

/* The names of block elements (paragraphs, list items, table cells,
 * sections, line breaks...) in JATS and HTML: xml_text() puts a space
 * where one starts or ends, and joins inline markup without one. */
int xml_is_block(const xmlNode *node);

/*
 * Append the text of NODE's subtree to OUT: text and CDATA, with a
 * space around block elements, entity references expanded within the
 * document's budget.  SKIP (may be NULL) returning 1 for an element
 * leaves that element's subtree out (never asked about NODE itself).
 * EV_NOMEM, or EV_TOO_BIG when OUT's cap is reached (OUT then holds what
 * fitted).
 */
typedef int (*xml_skip_fn)(const xmlNode *element, void *ctx);
ev_status xml_text_append(struct buf *out, const xmlNode *node,
			  xml_skip_fn skip, void *ctx);

/*
 * *OUT receives NODE's text (as xml_text_append()) with white space
 * collapsed and trimmed, malloc'd, or NULL when NODE is NULL or has no
 * text; whatever *OUT held before is freed.  C1 control characters
 * become the Windows-1252 characters they stand for (a document labelled
 * ISO-8859-1 is, in practice, Windows-1252).  Text beyond XML_TEXT_MAX
 * bytes is cut.  EV_NOMEM.
 */
#define XML_TEXT_MAX (4u * 1024 * 1024)
ev_status xml_text(const xmlNode *node, char **out);
/* xml_text(), then markup left in the text (CDATA holding HTML, entity
 * references) flattened (markup_flatten()) and white space collapsed;
 * *OUT is NULL when nothing is left. */
ev_status xml_text_flat(const xmlNode *node, char **out);
ev_status xml_text_skip(const xmlNode *node, xml_skip_fn skip, void *ctx,
			char **out);

/* --- Markup left as literal text --- */

/*
 * Remove tags ("<i>", "</sup>", "<br/>") and decode character references
 * ("&oacute;", "&#243;", "&#xF3;") in S, in place, for text that came out
 * of CDATA sections or double-escaped attributes.  Only "<" followed by a
 * letter, "/", "!" or "?" starts a tag, so "p < 0.05" stays.  Named
 * references come from a table of the HTML entities common in
 * bibliographic text (Latin-1, punctuation, Greek letters, arithmetic);
 * unknown ones stay as they are.  Returns S.
 */
char *markup_flatten(char *s);

/* Decode character references only (no tag removal), in place. */
char *markup_decode_entities(char *s);

/* The Unicode code point of a Windows-1252 byte (U+FFFD for the five
 * bytes it leaves undefined).  HTML reads &#128;-&#159; this way, and so
 * does the text parser for files that are not UTF-8. */
unsigned markup_cp1252(unsigned char byte);

#endif
