/* xml.c - libxml2 set up for untrusted input: the only place that does it */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/entities.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "text.h"
#include "xml.h"

/* The options RELIABILITY.md section 2 allows, and nothing else: no
 * NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE or SAX1.  NOBLANKS is
 * left out on purpose: it drops the space between two inline elements
 * ("<i>a</i> <i>b</i>"), which is text. */
#define XML_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | \
	 XML_PARSE_NOWARNING)
#define HTML_OPTIONS \
	(HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
	 HTML_PARSE_RECOVER | HTML_PARSE_NODEFDTD)

/* Bytes of entity replacement text xml_text() may add per document (per
 * streamed element).  Real documents use a few bytes of it; a "quadratic
 * blowup" document, which libxml2 accepts when entities are not
 * substituted, stops expanding here. */
#define ENTITY_BUDGET (1024u * 1024)

/* How deep entity references inside entity text are followed. */
#define ENTITY_NEST 8

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static atomic_ulong refused_loads;

static xmlParserInputPtr refuse_entity(const char *url, const char *id,
				       xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	atomic_fetch_add(&refused_loads, 1);
	return NULL;
}

static void setup(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(refuse_entity);
}

void xml_setup(void)
{
	pthread_once(&setup_once, setup);
}

unsigned long xml_entity_loads_refused(void)
{
	return atomic_load(&refused_loads);
}

/* --- Errors --- */

/* The first error libxml2 reports, preferring a fatal one (the one that
 * stopped the parse) over a recoverable one seen before it. */
struct errcap {
	int have;
	int level;
	int line;
	int code;
	char msg[240];
};

static void capture_error(void *ctx, xmlErrorPtr e)
{
	struct errcap *cap = ctx;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (cap->have && (cap->level >= XML_ERR_FATAL ||
			  e->level < XML_ERR_FATAL))
		return;
	cap->have = 1;
	cap->level = e->level;
	cap->line = e->line;
	cap->code = e->code;
	snprintf(cap->msg, sizeof(cap->msg), "%s",
		 e->message ? e->message : "unknown error");
	/* One line: some messages run on ("...encoding !\nBytes: 0xE9"). */
	for (char *c = cap->msg; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	text_collapse_space(cap->msg);
}

static void __attribute__((format(printf, 2, 3)))
ignore_generic(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* libxml2's error handlers are per thread; a guard installs ours for one
 * parse and puts the caller's back afterwards (a JATS body can hold HTML
 * that is parsed while the JATS tree is being read). */
struct guard {
	xmlStructuredErrorFunc old_serror;
	void *old_sctx;
	xmlGenericErrorFunc old_generic;
	void *old_gctx;
	struct errcap cap;
};

static void guard_begin(struct guard *g)
{
	xml_setup();
	memset(&g->cap, 0, sizeof(g->cap));
	g->old_serror = xmlStructuredError;
	g->old_sctx = xmlStructuredErrorContext;
	g->old_generic = xmlGenericError;
	g->old_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(&g->cap, capture_error);
	xmlSetGenericErrorFunc(NULL, ignore_generic);
}

static void guard_end(struct guard *g)
{
	xmlSetStructuredErrorFunc(g->old_sctx, g->old_serror);
	xmlSetGenericErrorFunc(g->old_gctx, g->old_generic);
}

static ev_status xml_failure(const struct errcap *cap, char *err,
			     size_t errsz)
{
	if (cap->have && cap->code == XML_ERR_NO_MEMORY) {
		snprintf(err, errsz, "out of memory while parsing XML");
		return EV_NOMEM;
	}
	if (cap->have)
		snprintf(err, errsz, "not well-formed XML at line %d: %s",
			 cap->line, cap->msg);
	else
		snprintf(err, errsz, "not well-formed XML");
	return EV_PARSE;
}

static void budget_set(xmlDoc *doc)
{
	if (doc)
		doc->_private = (void *)(uintptr_t)(ENTITY_BUDGET + 1);
}

/* Take LEN bytes from DOC's entity budget; 0 when it has not got them
 * (or the document has no budget: then nothing is expanded). */
static int budget_take(xmlDoc *doc, size_t len)
{
	uintptr_t left;

	if (!doc || !doc->_private)
		return 0;
	left = (uintptr_t)doc->_private - 1;
	if (left < len) {
		doc->_private = (void *)(uintptr_t)1;
		return 0;
	}
	doc->_private = (void *)(uintptr_t)(left - len + 1);
	return 1;
}

/* --- Parsing --- */

ev_status xml_parse(const char *data, size_t len, const char *url,
		    xmlDoc **docp, char *err, size_t errsz)
{
	struct guard g;
	xmlDoc *doc;
	ev_status rc = EV_OK;

	*docp = NULL;
	if (len > INT_MAX) {
		snprintf(err, errsz, "XML document over %d bytes", INT_MAX);
		return EV_TOO_BIG;
	}
	guard_begin(&g);
	doc = xmlReadMemory(data, (int)len, url, NULL, XML_OPTIONS);
	guard_end(&g);
	if (!doc)
		return xml_failure(&g.cap, err, errsz);
	if (!xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		snprintf(err, errsz, "not well-formed XML: no root element");
		return EV_PARSE;
	}
	budget_set(doc);
	*docp = doc;
	return rc;
}

/* CHARSET if libxml2 can decode it, else NULL. */
static const char *known_charset(const char *charset)
{
	xmlCharEncodingHandlerPtr h;

	if (!charset || !*charset)
		return NULL;
	if (xmlParseCharEncoding(charset) > XML_CHAR_ENCODING_NONE)
		return charset;
	h = xmlFindCharEncodingHandler(charset);
	if (!h)
		return NULL;
	xmlCharEncCloseFunc(h);
	return charset;
}

ev_status xml_parse_html(const char *data, size_t len, const char *url,
			 const char *charset, xmlDoc **docp, char *err,
			 size_t errsz)
{
	struct guard g;
	xmlDoc *doc;

	*docp = NULL;
	if (len > INT_MAX) {
		snprintf(err, errsz, "HTML document over %d bytes", INT_MAX);
		return EV_TOO_BIG;
	}
	guard_begin(&g);
	doc = htmlReadMemory(data, (int)len, url, known_charset(charset),
			     HTML_OPTIONS);
	guard_end(&g);
	if (!doc) {
		if (g.cap.have && g.cap.code == XML_ERR_NO_MEMORY)
			return xml_failure(&g.cap, err, errsz);
		snprintf(err, errsz, "cannot parse HTML%s%s",
			 g.cap.have ? ": " : "", g.cap.have ? g.cap.msg : "");
		return EV_PARSE;
	}
	*docp = doc;
	return EV_OK;
}

void xml_free(xmlDoc *doc)
{
	if (doc)
		xmlFreeDoc(doc);
}

static int name_in(const char *name, const char *const *names)
{
	for (; name && *names; names++)
		if (!strcmp(name, *names))
			return 1;
	return 0;
}

ev_status xml_stream(xml_read_fn read, void *read_ctx, const char *url,
		     const char *const *names, xml_element_fn fn, void *ctx,
		     char *err, size_t errsz)
{
	struct guard g;
	xmlTextReaderPtr reader;
	ev_status rc = EV_OK;
	int ret;

	guard_begin(&g);
	reader = xmlReaderForIO(read, NULL, read_ctx, url, NULL, XML_OPTIONS);
	if (!reader) {
		guard_end(&g);
		snprintf(err, errsz, "out of memory starting an XML reader");
		return EV_NOMEM;
	}
	ret = xmlTextReaderRead(reader);
	while (ret == 1) {
		const char *name;
		xmlNode *node;

		if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT) {
			ret = xmlTextReaderRead(reader);
			continue;
		}
		name = (const char *)xmlTextReaderConstLocalName(reader);
		if (!name_in(name, names)) {
			ret = xmlTextReaderRead(reader);
			continue;
		}
		/* Expand builds just this element's subtree; Next then
		 * skips past it and the reader frees it. */
		node = xmlTextReaderExpand(reader);
		if (!node) {
			ret = -1;
			break;
		}
		budget_set(node->doc);
		rc = fn(node, ctx);
		if (rc)
			break;
		ret = xmlTextReaderNext(reader);
	}
	if (!rc && ret < 0)
		rc = xml_failure(&g.cap, err, errsz);
	xmlFreeTextReader(reader);
	guard_end(&g);
	return rc;
}

/* --- Reading a tree --- */

int xml_is(const xmlNode *node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && node->name &&
	       !strcmp((const char *)node->name, name);
}

static int element_named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	       (!name || !strcmp((const char *)n->name, name));
}

xmlNode *xml_child(const xmlNode *node, const char *name)
{
	if (!node)
		return NULL;
	for (xmlNode *c = node->children; c; c = c->next)
		if (element_named(c, name))
			return c;
	return NULL;
}

xmlNode *xml_next(const xmlNode *node, const char *name)
{
	if (!node)
		return NULL;
	for (xmlNode *c = node->next; c; c = c->next)
		if (element_named(c, name))
			return c;
	return NULL;
}

xmlNode *xml_path(const xmlNode *node, const char *path)
{
	char part[64];

	while (node && *path) {
		size_t len = strcspn(path, "/");

		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		node = xml_child(node, part);
		path += len;
		if (*path == '/')
			path++;
	}
	return (xmlNode *)node;
}

static int has_walkable_children(const xmlNode *n)
{
	switch (n->type) {
	case XML_ELEMENT_NODE:
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
	case XML_DOCUMENT_FRAG_NODE:
		return n->children != NULL;
	default:
		/* Entity references point at the entity declaration, and
		 * the DTD holds declarations: neither is document text. */
		return 0;
	}
}

xmlNode *xml_walk(const xmlNode *root, const xmlNode *node, int descend)
{
	if (descend && has_walkable_children(node))
		return node->children;
	while (node && node != root) {
		if (node->next)
			return node->next;
		node = node->parent;
	}
	return NULL;
}

xmlNode *xml_find(const xmlNode *root, const char *name)
{
	for (const xmlNode *n = root; n; n = xml_walk(root, n, 1))
		if (xml_is(n, name))
			return (xmlNode *)n;
	return NULL;
}

const char *xml_attr(const xmlNode *node, const char *name)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return NULL;
	for (xmlAttr *a = node->properties; a; a = a->next) {
		if (!a->name || strcmp((const char *)a->name, name))
			continue;
		if (a->children && a->children->type == XML_TEXT_NODE &&
		    a->children->content)
			return (const char *)a->children->content;
		return "";
	}
	return NULL;
}

/* Sorted, for bsearch.  HTML and JATS/PubMed block elements; the two
 * vocabularies hardly overlap, and where they do they agree. */
static const char *const block_names[] = {
	"AbstractText", "abstract", "address", "article", "aside",
	"blockquote", "body", "boxed-text", "br", "break", "caption",
	"dd", "def", "def-item", "def-list", "disp-quote", "div", "dl",
	"dt", "fig", "figcaption", "figure", "fn", "footer", "form",
	"h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "label",
	"li", "list", "list-item", "main", "nav", "ol", "option", "p",
	"pre", "ref", "sec", "section", "table", "table-wrap", "tbody",
	"td", "term", "tfoot", "th", "thead", "title", "tr", "ul",
};

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int xml_is_block(const xmlNode *node)
{
	if (!node || node->type != XML_ELEMENT_NODE || !node->name)
		return 0;
	return bsearch(node->name, block_names,
		       sizeof(block_names) / sizeof(*block_names),
		       sizeof(*block_names), cmp_name) != NULL;
}

ev_status xml_text_append(struct buf *out, const xmlNode *root,
			  xml_skip_fn skip, void *ctx)
{
	/* Entity references being expanded: the walk climbs back to the
	 * reference when it leaves the entity's own nodes. */
	const xmlNode *refs[ENTITY_NEST];
	int nrefs = 0;
	const xmlNode *n = root;
	ev_status rc = EV_OK;

	while (n && !rc) {
		const xmlNode *down = NULL;

		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content)
				rc = buf_addstr(out, (const char *)n->content);
			break;
		case XML_ELEMENT_NODE:
			if (n != root && skip && skip(n, ctx)) {
				if (xml_is_block(n))
					rc = buf_addch(out, ' ');
				break;
			}
			if (xml_is_block(n))
				rc = buf_addch(out, ' ');
			down = n->children;
			break;
		case XML_DOCUMENT_NODE:
		case XML_HTML_DOCUMENT_NODE:
		case XML_DOCUMENT_FRAG_NODE:
			down = n->children;
			break;
		case XML_ENTITY_REF_NODE: {
			const xmlEntity *ent = (const xmlEntity *)n->children;

			if (ent && ent->type == XML_ENTITY_DECL &&
			    ent->etype == XML_INTERNAL_GENERAL_ENTITY &&
			    ent->children && nrefs < ENTITY_NEST &&
			    budget_take(n->doc, (size_t)ent->length)) {
				refs[nrefs++] = n;
				down = ent->children;
			}
			break;
		}
		default:
			break; /* comments, processing instructions, DTD */
		}
		if (rc)
			break;
		if (down) {
			n = down;
			continue;
		}
		/* Climb to the next node in document order. */
		for (;;) {
			const xmlNode *parent;

			if (n == root) {
				n = NULL;
				break;
			}
			if (n->next) {
				n = n->next;
				break;
			}
			parent = n->parent;
			if (nrefs && parent == (const xmlNode *)refs[nrefs - 1]
							->children) {
				n = refs[--nrefs];
				continue;
			}
			n = parent;
			if (!n)
				break;
			if (xml_is_block(n) && (rc = buf_addch(out, ' ')))
				break;
		}
	}
	return rc;
}

/*
 * C1 control characters (U+0080-U+009F) in decoded text are the
 * Windows-1252 characters of a document labelled ISO-8859-1 (SciELO's
 * "Azote\x92y"): browsers read that label as Windows-1252 (the WHATWG
 * Encoding Standard), and no bibliographic text means a C1 control.
 * Rewrite them in B; a character grows from 2 bytes to at most 3.
 */
static ev_status fix_c1(struct buf *b)
{
	struct buf fixed;
	ev_status rc = EV_OK;
	size_t i;

	for (i = 0; i + 1 < b->len; i++)
		if ((unsigned char)b->ptr[i] == 0xc2 &&
		    (unsigned char)b->ptr[i + 1] >= 0x80 &&
		    (unsigned char)b->ptr[i + 1] < 0xa0)
			break;
	if (i + 1 >= b->len)
		return EV_OK;
	buf_init(&fixed, 0);
	for (i = 0; i < b->len && !rc; i++) {
		unsigned char c = (unsigned char)b->ptr[i];
		unsigned char next = i + 1 < b->len ? b->ptr[i + 1] : 0;

		if (c == 0xc2 && next >= 0x80 && next < 0xa0) {
			char enc[4];

			rc = buf_add(&fixed, enc,
				     utf8_encode(markup_cp1252(next), enc));
			i++;
		} else {
			rc = buf_addch(&fixed, (char)c);
		}
	}
	if (!rc) {
		buf_release(b);
		*b = fixed;
	} else {
		buf_release(&fixed);
	}
	return rc;
}

ev_status xml_text_skip(const xmlNode *node, xml_skip_fn skip, void *ctx,
			char **out)
{
	struct buf b;
	ev_status rc;

	free(*out);
	*out = NULL;
	if (!node)
		return EV_OK;
	buf_init(&b, XML_TEXT_MAX);
	rc = xml_text_append(&b, node, skip, ctx);
	if (rc == EV_TOO_BIG)
		rc = EV_OK; /* keep what fitted */
	if (!rc)
		rc = fix_c1(&b);
	if (!rc && b.len) {
		text_collapse_space(b.ptr);
		if (*b.ptr) {
			*out = buf_detach(&b);
			if (!*out)
				rc = EV_NOMEM;
		}
	}
	buf_release(&b);
	return rc;
}

ev_status xml_text(const xmlNode *node, char **out)
{
	return xml_text_skip(node, NULL, NULL, out);
}

ev_status xml_text_flat(const xmlNode *node, char **out)
{
	ev_status rc = xml_text(node, out);

	if (!rc && *out) {
		text_collapse_space(markup_flatten(*out));
		if (!**out) {
			free(*out);
			*out = NULL;
		}
	}
	return rc;
}

/* --- Markup left as literal text --- */

/* HTML 4's names for U+00A0 to U+00FF, in code point order. */
static const char *const latin1_names[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34",
	"iquest",
	"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
	"Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute",
	"Icirc", "Iuml",
	"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml",
	"times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
	"THORN", "szlig",
	"agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig",
	"ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute",
	"icirc", "iuml",
	"eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
	"divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute",
	"thorn", "yuml",
};

/* The other named references seen in bibliographic text: XML's five,
 * typographic punctuation, arithmetic, arrows and the Greek letters used
 * in medicine and statistics. */
static const struct {
	const char *name;
	unsigned cp;
} other_names[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' },
	{ "OElig", 0x152 }, { "oelig", 0x153 }, { "Scaron", 0x160 },
	{ "scaron", 0x161 }, { "Yuml", 0x178 }, { "fnof", 0x192 },
	{ "circ", 0x2c6 }, { "tilde", 0x2dc },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "zwnj", 0x200c }, { "zwj", 0x200d }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "sbquo", 0x201a }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "bdquo", 0x201e }, { "dagger", 0x2020 }, { "Dagger", 0x2021 },
	{ "bull", 0x2022 }, { "hellip", 0x2026 }, { "permil", 0x2030 },
	{ "prime", 0x2032 }, { "Prime", 0x2033 }, { "lsaquo", 0x2039 },
	{ "rsaquo", 0x203a }, { "euro", 0x20ac }, { "trade", 0x2122 },
	{ "larr", 0x2190 }, { "uarr", 0x2191 }, { "rarr", 0x2192 },
	{ "darr", 0x2193 }, { "harr", 0x2194 }, { "minus", 0x2212 },
	{ "lowast", 0x2217 }, { "radic", 0x221a }, { "infin", 0x221e },
	{ "asymp", 0x2248 }, { "ne", 0x2260 }, { "equiv", 0x2261 },
	{ "le", 0x2264 }, { "ge", 0x2265 },
	{ "Alpha", 0x391 }, { "Beta", 0x392 }, { "Gamma", 0x393 },
	{ "Delta", 0x394 }, { "Theta", 0x398 }, { "Lambda", 0x39b },
	{ "Pi", 0x3a0 }, { "Sigma", 0x3a3 }, { "Phi", 0x3a6 },
	{ "Chi", 0x3a7 }, { "Psi", 0x3a8 }, { "Omega", 0x3a9 },
	{ "alpha", 0x3b1 }, { "beta", 0x3b2 }, { "gamma", 0x3b3 },
	{ "delta", 0x3b4 }, { "epsilon", 0x3b5 }, { "zeta", 0x3b6 },
	{ "eta", 0x3b7 }, { "theta", 0x3b8 }, { "iota", 0x3b9 },
	{ "kappa", 0x3ba }, { "lambda", 0x3bb }, { "mu", 0x3bc },
	{ "nu", 0x3bd }, { "xi", 0x3be }, { "pi", 0x3c0 }, { "rho", 0x3c1 },
	{ "sigma", 0x3c3 }, { "tau", 0x3c4 }, { "phi", 0x3c6 },
	{ "chi", 0x3c7 }, { "psi", 0x3c8 }, { "omega", 0x3c9 },
};

static unsigned named_entity(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < 96; i++)
		if (strlen(latin1_names[i]) == len &&
		    !memcmp(latin1_names[i], name, len))
			return 0xa0 + (unsigned)i;
	for (i = 0; i < sizeof(other_names) / sizeof(*other_names); i++)
		if (strlen(other_names[i].name) == len &&
		    !memcmp(other_names[i].name, name, len))
			return other_names[i].cp;
	return 0;
}

/* Windows-1252's 0x80-0x9F; 0 where it has no character. */
static const unsigned short cp1252_high[32] = {
	0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017d, 0,
	0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

unsigned markup_cp1252(unsigned char byte)
{
	if (byte >= 0x80 && byte < 0xa0)
		return cp1252_high[byte - 0x80] ? cp1252_high[byte - 0x80]
						: 0xfffd;
	return byte;
}

/* The code point of the reference starting at S ("&...;"), and its
 * length in *LEN; 0 when S does not start a reference we know. */
static unsigned entity_at(const char *s, size_t *len)
{
	const char *p = s + 1;
	unsigned long cp = 0;
	size_t n;

	if (*p == '#') {
		int hex = p[1] == 'x' || p[1] == 'X';
		const char *digits = p + 1 + hex;

		for (n = 0; n < 8; n++) {
			int c = (unsigned char)digits[n], v;

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				v = c - 'A' + 10;
			else
				break;
			cp = cp * (hex ? 16 : 10) + (unsigned long)v;
		}
		if (n == 0 || digits[n] != ';')
			return 0;
		*len = (size_t)(digits + n + 1 - s);
		/* HTML reads &#128;-&#159; as Windows-1252, as pages mean. */
		if (cp >= 0x80 && cp < 0xa0)
			return markup_cp1252((unsigned char)cp);
		if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			return 0xfffd;
		return (unsigned)cp;
	}
	for (n = 0; n < 32; n++) {
		int c = (unsigned char)p[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (n > 0 && c >= '0' && c <= '9')))
			break;
	}
	if (n == 0 || p[n] != ';')
		return 0;
	cp = named_entity(p, n);
	if (cp)
		*len = n + 2;
	return (unsigned)cp;
}

char *markup_decode_entities(char *s)
{
	char *in = s, *out = s;

	/* Every reference is at least as long as its UTF-8 encoding
	 * ("&lt;" is 4 bytes for 1; a 4-byte character needs "&#65536;"
	 * or longer), so decoding in place never overtakes the input. */
	while (*in) {
		size_t len = 0;
		unsigned cp = *in == '&' ? entity_at(in, &len) : 0;

		if (cp) {
			out += utf8_encode(cp, out);
			in += len;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return s;
}

/* Inline tags vanish without a trace; any other tag leaves a space, so
 * "a<br>b" and "</p><p>" do not glue words together. */
static int inline_tag(const char *name, size_t len)
{
	static const char *const names[] = {
		"a", "abbr", "b", "big", "bold", "cite", "code", "em", "font",
		"i", "italic", "mark", "q", "s", "sc", "small", "span",
		"strike", "strong", "sub", "sup", "tt", "u", "var",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i]) == len &&
		    !strncasecmp(names[i], name, len))
			return 1;
	return 0;
}

/* If a tag (or comment) starts at S, its length; else 0. */
static size_t tag_at(const char *s, int *is_inline)
{
	const char *p = s + 1, *name;
	size_t n = 0;

	if (!strncmp(s, "<!--", 4)) {
		/* Bounded, so a text of unclosed "<!--" stays linear. */
		size_t room = strnlen(s + 4, 65536);
		const char *end = memmem(s + 4, room, "-->", 3);

		*is_inline = 1;
		return end ? (size_t)(end + 3 - s) : 0;
	}
	if (*p == '/')
		p++;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	      *p == '!' || *p == '?'))
		return 0;
	name = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (*p >= '0' && *p <= '9') || *p == '-' || *p == ':')
		p++;
	*is_inline = inline_tag(name, (size_t)(p - name));
	for (; *p && *p != '<' && n < 1024; p++, n++)
		if (*p == '>')
			return (size_t)(p + 1 - s);
	return 0;
}

static void strip_tags(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		int is_inline = 0;
		size_t len = *in == '<' ? tag_at(in, &is_inline) : 0;

		if (len) {
			if (!is_inline)
				*out++ = ' ';
			in += len;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

char *markup_flatten(char *s)
{
	if (!s)
		return s;
	strip_tags(s);
	if (strchr(s, '&')) {
		markup_decode_entities(s);
		/* "&lt;i&gt;" decodes to a tag: strip once more. */
		strip_tags(s);
	}
	return s;
}
