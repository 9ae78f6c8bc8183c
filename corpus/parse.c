/* parse.c - payloads in, records out: format detection and dispatch */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "parse-formats.h"
#include "parse.h"
#include "text.h"

static const char *const format_names[FORMAT_COUNT] = {
	[FORMAT_UNKNOWN] = "unknown",   [FORMAT_TEXT] = "text",
	[FORMAT_HTML] = "html",         [FORMAT_PUBMED] = "pubmed",
	[FORMAT_JATS] = "jats",         [FORMAT_CSL_JSON] = "csl-json",
	[FORMAT_CROSSREF] = "crossref", [FORMAT_EUROPEPMC] = "europepmc",
	[FORMAT_OPENALEX] = "openalex", [FORMAT_FEED] = "feed",
	/* Tagged bibliographic exports. */
	[FORMAT_MEDLINE] = "medline",   [FORMAT_RIS] = "ris",
	[FORMAT_BIBTEX] = "bibtex",
};

const char *format_name(enum format fmt)
{
	if ((int)fmt < 0 || fmt >= FORMAT_COUNT)
		return "unknown";
	return format_names[fmt];
}

enum format format_lookup(const char *name)
{
	for (int f = FORMAT_TEXT; f < FORMAT_COUNT; f++)
		if (!strcasecmp(name, format_names[f]))
			return (enum format)f;
	return FORMAT_UNKNOWN;
}

/* --- Detection --- */

/* What content sniffing decided: a format, "not one of ours" (XML or
 * JSON we recognise as something else), or "cannot tell". */
enum sniff { SNIFF_UNSURE, SNIFF_FORMAT, SNIFF_FOREIGN };

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
			   *p == '\n' || *p == '\f'))
		p++;
	return p;
}

/* Copy the element or doctype name at P into NAME (local part, without
 * a namespace prefix). */
static void read_name(const char *p, const char *end, char *name,
		      size_t size)
{
	size_t n = 0;

	while (p < end && (isalnum((unsigned char)*p) || *p == '-' ||
			   *p == '_' || *p == '.' || *p == ':')) {
		if (*p == ':')
			n = 0; /* a prefix: keep only the local name */
		else if (n + 1 < size)
			name[n++] = *p;
		p++;
	}
	name[n] = '\0';
}

static enum format format_of_root(const char *name)
{
	static const char *const html_roots[] = {
		"html", "head", "body", "meta", "link", "title", "script",
		"style", "div", "span", "p", "table", "ul", "ol", "a", "img",
		"br", "hr", "b", "i", "font", "center", "form", "header",
		"nav", "article", "section", "main", "h1", "h2", "h3",
	};

	if (!strcmp(name, "PubmedArticleSet") ||
	    !strcmp(name, "PubmedArticle") ||
	    !strcmp(name, "PubmedBookArticle"))
		return FORMAT_PUBMED;
	if (!strcmp(name, "article") || !strcmp(name, "pmc-articleset"))
		return FORMAT_JATS;
	for (size_t i = 0; i < sizeof(html_roots) / sizeof(*html_roots); i++)
		if (!strcasecmp(name, html_roots[i]))
			return FORMAT_HTML;
	return FORMAT_UNKNOWN;
}

/* Markup: the doctype name or root element decides. */
static enum sniff sniff_markup(const char *p, const char *end,
			       enum format *fmt)
{
	char name[64];
	int xml_decl = 0;

	while (p < end && *p == '<') {
		if (end - p >= 2 && p[1] == '?') {
			const char *q = memmem(p, (size_t)(end - p), "?>", 2);

			if (!q)
				return SNIFF_UNSURE;
			xml_decl = 1;
			p = skip_space(q + 2, end);
		} else if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
			const char *q = memmem(p, (size_t)(end - p), "-->", 3);

			if (!q)
				return SNIFF_UNSURE;
			p = skip_space(q + 3, end);
		} else if (end - p >= 9 && !strncasecmp(p, "<!DOCTYPE", 9)) {
			int depth = 0;

			read_name(skip_space(p + 9, end), end, name,
				  sizeof(name));
			if (!strcasecmp(name, "html")) {
				*fmt = FORMAT_HTML;
				return SNIFF_FORMAT;
			}
			*fmt = format_of_root(name);
			if (*fmt != FORMAT_UNKNOWN && *fmt != FORMAT_HTML)
				return SNIFF_FORMAT;
			/* Skip the doctype, internal subset and all. */
			for (p += 9; p < end; p++) {
				if (*p == '[')
					depth++;
				else if (*p == ']')
					depth--;
				else if (*p == '>' && depth <= 0)
					break;
			}
			if (p >= end)
				return SNIFF_UNSURE;
			xml_decl = 1; /* a doctype is a prolog too */
			p = skip_space(p + 1, end);
		} else {
			const char *after = p + 1;

			read_name(after, end, name, sizeof(name));
			if (!*name)
				return SNIFF_UNSURE;
			/* The name's end, never past END: the head is not
			 * NUL-terminated where a payload was cut. */
			while (after < end &&
			       (isalnum((unsigned char)*after) ||
				(*after && strchr("-_.:", *after))))
				after++;
			*fmt = format_of_root(name);
			if (*fmt == FORMAT_UNKNOWN)
				*fmt = format_of_api_root(name, after, end);
			if (*fmt == FORMAT_HTML && xml_decl &&
			    strcmp(name, "html"))
				return SNIFF_FOREIGN; /* XML, HTML name */
			if (*fmt != FORMAT_UNKNOWN)
				return SNIFF_FORMAT;
			/* Some other XML vocabulary (RSS, RDF, an E-utilities
			 * answer) when it has a prolog or a proper tag. */
			if (xml_decl || (after < end && strchr(" \t\r\n>/",
							       *after)))
				return SNIFF_FOREIGN;
			return SNIFF_UNSURE;
		}
	}
	return SNIFF_UNSURE;
}

int json_head_keys(const char *p, const char *end, int depth,
		   json_key_fn *fn, void *ctx, int *cut)
{
	int d = 0;

	*cut = 1;
	for (; p < end; p++) {
		if (*p == '{' || *p == '[') {
			d++;
		} else if (*p == '}' || *p == ']') {
			if (--d < depth) {
				*cut = 0;
				return 0;
			}
		} else if (*p == '"') {
			const char *key = ++p, *colon;

			while (p < end && *p != '"')
				p += *p == '\\' && end - p > 1 ? 2 : 1;
			if (p >= end)
				return 0;
			colon = skip_space(p + 1, end);
			if (d == depth && colon < end && *colon == ':') {
				int r = fn(key, (size_t)(p - key),
					   skip_space(colon + 1, end), end,
					   ctx);

				if (r)
					return r;
			}
		}
	}
	return 0;
}

int json_key_is(const char *key, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(key, word, len);
}

/* 1 when the LEN bytes at KEY are one of KEYS (NULL-terminated). */
static int key_in(const char *key, size_t len, const char *const *keys)
{
	for (; *keys; keys++)
		if (json_key_is(key, len, *keys))
			return 1;
	return 0;
}

/* A key of a JSON head: 1 for an API envelope's (not ours), else *CTX
 * set when it is one of CSL's. */
static int csl_key(const char *key, size_t len, const char *value,
		   const char *end, void *ctx)
{
	static const char *const csl_keys[] = {
		"type", "title", "author", "issued", "DOI", "container-title",
		"URL", "PMID", "editor", "page", "volume", "publisher", NULL,
	};
	static const char *const foreign_keys[] = {
		"message-type", "resultList", "hitCount", "display_name",
		"abstract_inverted_index", "meta", "results", "items", NULL,
	};

	(void)value;
	(void)end;
	if (key_in(key, len, foreign_keys))
		return 1;
	*(int *)ctx |= key_in(key, len, csl_keys);
	return 0;
}

/* JSON: CSL-JSON is an item (or an array of items) with CSL's keys;
 * API envelopes (Crossref, Europe PMC, OpenAlex) have keys of their own
 * and are not ours.  Only the first item counts. */
static enum sniff sniff_json(const char *p, const char *end,
			     enum format *fmt)
{
	int csl = 0, cut;

	if (json_head_keys(p, end, *p == '[' ? 2 : 1, csl_key, &csl, &cut))
		return SNIFF_FOREIGN;
	if (csl) {
		*fmt = FORMAT_CSL_JSON;
		return SNIFF_FORMAT;
	}
	return cut ? SNIFF_UNSURE : SNIFF_FOREIGN;
}

/* --- Detection of the tagged bibliographic exports --- */

/* The line at P, without its end: [P, *EOL). */
static const char *line_end(const char *p, const char *end)
{
	const char *q = memchr(p, '\n', (size_t)(end - p));

	return q ? q : end;
}

/*
 * RIS ("TY  - JOUR", spacing as sloppy as "TY -  BOOK"; Ovid puts a "1."
 * line first), MEDLINE ("PMID- 123") or BibTeX ("@article{", "@string",
 * after "%" comment lines).  P is past a BOM and leading blank lines.
 */
static enum sniff sniff_tagged(const char *p, const char *end,
			       enum format *fmt)
{
	const char *eol = line_end(p, end), *q;

	/* Ovid's "1. " numbering line before the first record. */
	q = p;
	while (q < eol && isdigit((unsigned char)*q))
		q++;
	if (q > p && q < eol && *q == '.' &&
	    skip_space(q + 1, end) > eol) {
		p = skip_space(q + 1, end);
		eol = line_end(p, end);
	}
	if (eol - p >= 4 && !memcmp(p, "TY", 2) &&
	    (p[2] == ' ' || p[2] == '\t')) {
		q = p + 2;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (q < eol && *q == '-') {
			*fmt = FORMAT_RIS;
			return SNIFF_FORMAT;
		}
	}
	if (eol - p >= 5 && !memcmp(p, "PMID-", 5)) {
		*fmt = FORMAT_MEDLINE;
		return SNIFF_FORMAT;
	}
	/* BibTeX: skip "%" comment lines, then "@name{" or "@name(". */
	while (p < end && *p == '%')
		p = skip_space(line_end(p, end), end);
	if (p < end && *p == '@') {
		q = p + 1;
		while (q < end && isalpha((unsigned char)*q))
			q++;
		if (q - p > 1) {
			q = skip_space(q, end);
			if (q < end && (*q == '{' || *q == '(')) {
				*fmt = FORMAT_BIBTEX;
				return SNIFF_FORMAT;
			}
		}
	}
	return SNIFF_UNSURE;
}

static enum format format_of_extension(const char *name)
{
	static const struct {
		const char *ext;
		enum format fmt;
	} exts[] = {
		{ ".nxml", FORMAT_JATS },      { ".html", FORMAT_HTML },
		{ ".htm", FORMAT_HTML },       { ".xhtml", FORMAT_HTML },
		{ ".shtml", FORMAT_HTML },     { ".json", FORMAT_CSL_JSON },
		{ ".csl", FORMAT_CSL_JSON },   { ".txt", FORMAT_TEXT },
		{ ".text", FORMAT_TEXT },      { ".md", FORMAT_TEXT },
		/* Tagged bibliographic exports. */
		{ ".ris", FORMAT_RIS },        { ".nbib", FORMAT_MEDLINE },
		{ ".medline", FORMAT_MEDLINE }, { ".bib", FORMAT_BIBTEX },
	};

	if (!name)
		return FORMAT_UNKNOWN;
	for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++)
		if (str_iends_with(name, exts[i].ext))
			return exts[i].fmt;
	return FORMAT_UNKNOWN;
}

/* Text: no NUL (UTF-16 aside), hardly any control characters, and not
 * a PDF. */
static int looks_like_text(const char *head, size_t len)
{
	size_t controls = 0;

	if (len >= 2 && ((head[0] == '\xff' && head[1] == '\xfe') ||
			 (head[0] == '\xfe' && head[1] == '\xff')))
		return 1;
	if (len >= 5 && !memcmp(head, "%PDF-", 5))
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)head[i];

		if (c == 0)
			return 0;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
		    c != '\f')
			controls++;
	}
	return controls * 100 <= len;
}

enum format format_detect(const char *head, size_t len, const char *name)
{
	char probe[8192];
	const char *p = head, *end = head + len;
	enum format fmt = FORMAT_UNKNOWN, by_ext;
	enum sniff sniff = SNIFF_UNSURE;

	/* UTF-16 (with its BOM): look at the low bytes, which hold the
	 * ASCII markup. */
	if (len >= 2 && ((head[0] == '\xff' && head[1] == '\xfe') ||
			 (head[0] == '\xfe' && head[1] == '\xff'))) {
		size_t n = 0, i = head[0] == '\xff' ? 2 : 3;

		for (; i < len && n < sizeof(probe); i += 2)
			probe[n++] = head[i];
		p = probe;
		end = probe + n;
	} else if (len >= 3 && !memcmp(head, "\xef\xbb\xbf", 3)) {
		p += 3;
	}
	p = skip_space(p, end);
	if (p < end && *p == '<')
		sniff = sniff_markup(p, end, &fmt);
	else if (p < end && *p == '{' &&
		 (fmt = format_of_api_json(p, end)) != FORMAT_UNKNOWN)
		return fmt;
	else if (p < end && (*p == '{' || *p == '['))
		sniff = sniff_json(p, end, &fmt);
	else if (p < end)
		sniff = sniff_tagged(p, end, &fmt);
	if (sniff == SNIFF_FORMAT)
		return fmt;
	if (sniff == SNIFF_FOREIGN)
		return FORMAT_UNKNOWN;
	/* Binary content is not ours, whatever its name says. */
	if (!looks_like_text(head, len))
		return FORMAT_UNKNOWN;
	by_ext = format_of_extension(name);
	if (by_ext != FORMAT_UNKNOWN)
		return by_ext;
	return FORMAT_TEXT;
}

/* --- Running a parser --- */

ev_status parser_fail(struct parser *p, ev_status rc, const char *fmt, ...)
{
	va_list ap;

	if (p->err && p->errsz) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errsz, fmt, ap);
		va_end(ap);
	}
	return rc;
}

ev_status parser_emit(struct parser *p, struct record *rec)
{
	struct provenance prov = {
		.source = "file",
		.url = p->url,
		.format = (char *)format_name(p->fmt),
		.fetched_at = p->fetched_at,
		.content_hash = p->hash,
	};
	ev_status rc;

	rc = record_add_provenance(rec, &prov);
	if (!rc)
		rc = record_normalise(rec);
	if (rc) {
		rc = parser_fail(p, rc, "out of memory");
	} else {
		rc = p->sink(rec, p->sink_ctx);
		if (rc)
			parser_fail(p, rc, "stopped after %zu records: %s",
				    p->n_records, status_to_string(rc));
		else
			p->n_records++;
	}
	record_release(rec);
	return rc;
}

ev_status parser_emit_at(struct parser *p, struct record *rec,
			 const char *fragment)
{
	static const char ok[] = "-._~:/@!$&'()*+,;=";
	struct buf b = BUF_INIT;
	char *whole = p->url;
	ev_status rc;

	rc = buf_printf(&b, "%s#", whole);
	if (!rc)
		rc = url_percent_encode(&b, fragment, ok);
	if (rc) {
		buf_release(&b);
		record_release(rec);
		return parser_fail(p, rc, "out of memory");
	}
	p->url = b.ptr;
	rc = parser_emit(p, rec);
	p->url = whole;
	buf_release(&b);
	return rc;
}

int parser_read(void *ctx, char *buf, int len)
{
	struct parser *p = ctx;
	size_t n;

	if (len <= 0)
		return 0;
	if (p->consumed - p->mark > p->max_size) {
		p->read_rc = EV_TOO_BIG;
		return -1;
	}
	if (p->from_fd) {
		ssize_t got;

		do
			got = read(p->in->fd, buf, (size_t)len);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			p->read_rc = EV_IO;
			return -1;
		}
		n = (size_t)got;
	} else {
		n = p->len - p->pos;
		if (n > (size_t)len)
			n = (size_t)len;
		memcpy(buf, p->data + p->pos, n);
		p->pos += n;
	}
	p->consumed += n;
	return (int)n;
}

/* The URL of a local name ("-" when none): its file:// URL; a name that
 * is a URL already is kept. */
static char *file_url(const char *name)
{
	if (!name)
		name = "-";
	return strstr(name, "://") ? strdup(name) : fs_file_url(name);
}

/* Read up to SIZE bytes from the start of FD without moving it. */
static ssize_t read_head(int fd, char *head, size_t size)
{
	size_t n = 0;

	while (n < size) {
		ssize_t got = pread(fd, head + n, size - n, (off_t)n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		n += (size_t)got;
	}
	return (ssize_t)n;
}

static ev_status dispatch_memory(struct parser *p, const char *data,
				 size_t len)
{
	switch (p->fmt) {
	case FORMAT_TEXT:
		return parse_text(p, data, len);
	case FORMAT_HTML:
		return parse_html(p, data, len);
	case FORMAT_JATS:
		return parse_jats(p, data, len);
	case FORMAT_CSL_JSON:
		return parse_csljson(p, data, len);
	case FORMAT_CROSSREF:
		return parse_crossref(p, data, len);
	case FORMAT_EUROPEPMC:
		return parse_europepmc(p, data, len);
	case FORMAT_OPENALEX:
		return parse_openalex(p, data, len);
	case FORMAT_FEED:
		return parse_feed(p, data, len);
	/* Tagged bibliographic exports. */
	case FORMAT_MEDLINE:
		return parse_medline(p, data, len);
	case FORMAT_RIS:
		return parse_ris(p, data, len);
	case FORMAT_BIBTEX:
		return parse_bibtex(p, data, len);
	case FORMAT_PUBMED:
		p->data = data;
		p->len = len;
		p->pos = 0;
		p->from_fd = 0;
		return parse_pubmed(p);
	default:
		return parser_fail(p, EV_UNSUPPORTED,
				   "not a format evidence reads");
	}
}

static ev_status size_failure(struct parser *p, ev_status rc)
{
	if (rc == EV_TOO_BIG)
		return parser_fail(p, rc, "payload over the %zu-byte cap",
				   p->max_size);
	return parser_fail(p, rc, "cannot read: %s", strerror(errno));
}

ev_status parse_input(enum format fmt, const struct parse_input *in,
		      record_sink sink, void *ctx, char *err, size_t errsz)
{
	struct parser p;
	struct buf data = BUF_INIT;
	char head[8192];
	ssize_t hn;
	ev_status rc = EV_OK;

	memset(&p, 0, sizeof(p));
	p.in = in;
	p.sink = sink;
	p.sink_ctx = ctx;
	p.err = err;
	p.errsz = errsz;
	p.max_size = in->max_size ? in->max_size : PARSE_DEFAULT_MAX_SIZE;
	if (err && errsz)
		err[0] = '\0';
	text_now_iso8601(p.fetched_at);
	/* The payload's hash, when the caller has it; else made below. */
	if (in->hash)
		snprintf(p.hash, sizeof(p.hash), "%s", in->hash);
	p.url = in->url ? strdup(in->url) : file_url(in->name);
	if (!p.url) {
		rc = parser_fail(&p, EV_NOMEM, "out of memory");
		goto out;
	}

	hn = lseek(in->fd, 0, SEEK_CUR) < 0 ? -1
					     : read_head(in->fd, head,
							 sizeof(head));
	if (hn < 0 && errno != ESPIPE) {
		rc = parser_fail(&p, EV_IO, "cannot read: %s",
				 strerror(errno));
		goto out;
	}
	if (hn >= 0 && fmt == FORMAT_UNKNOWN)
		fmt = format_detect(head, (size_t)hn, in->name);
	if (hn >= 0 && fmt == FORMAT_UNKNOWN) {
		rc = parser_fail(&p, EV_UNSUPPORTED,
				 "not a format evidence reads (text, HTML, "
				 "PubMed XML, JATS, CSL-JSON, Crossref, "
				 "Europe PMC, OpenAlex, RSS/Atom, MEDLINE, "
				 "RIS, BibTeX)");
		goto out;
	}
	p.fmt = fmt;

	if (hn >= 0 && fmt == FORMAT_PUBMED) {
		/* Streamed: hash it all first (records carry the hash),
		 * unless the caller has, then parse it from the start. */
		if (lseek(in->fd, 0, SEEK_SET) < 0 ||
		    (!in->hash && ((rc = text_sha256_fd(in->fd, p.hash)) ||
				   lseek(in->fd, 0, SEEK_SET) < 0))) {
			rc = parser_fail(&p, rc ? rc : EV_IO,
					 "cannot read: %s", strerror(errno));
			goto out;
		}
		p.from_fd = 1;
		rc = parse_pubmed(&p);
		goto out;
	}

	/* Everything else is parsed in memory, under the cap.  A pipe
	 * (no head read) is read whole first, PubMed included. */
	if (hn >= 0 && lseek(in->fd, 0, SEEK_SET) < 0) {
		rc = parser_fail(&p, EV_IO, "cannot read: %s",
				 strerror(errno));
		goto out;
	}
	rc = fs_read_fd(in->fd, p.max_size, &data);
	if (rc) {
		rc = size_failure(&p, rc);
		goto out;
	}
	if (hn < 0 && fmt == FORMAT_UNKNOWN)
		fmt = p.fmt = format_detect(data.ptr ? data.ptr : "",
					    data.len < sizeof(head)
						    ? data.len
						    : sizeof(head),
					    in->name);
	if (!in->hash)
		text_sha256_hex(data.ptr ? data.ptr : "", data.len, p.hash);
	rc = dispatch_memory(&p, data.ptr ? data.ptr : "", data.len);
out:
	buf_release(&data);
	free(p.url);
	return rc;
}

/* --- Field helpers --- */

ev_status set_if_unset(char **field, const char *value)
{
	if (*field || !value)
		return EV_OK;
	while (isspace((unsigned char)*value))
		value++;
	if (!*value)
		return EV_OK;
	return record_set(field, value);
}

int month_from_name(const char *s, size_t len)
{
	static const char *const months[] = {
		"january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november",
		"december",
	};

	if (len && s[len - 1] == '.')
		len--;
	if (len < 3)
		return 0;
	for (int m = 0; m < 12; m++)
		if (len <= strlen(months[m]) &&
		    !strncasecmp(s, months[m], len))
			return m + 1;
	return 0;
}

/* A token of a date: a run of digits or of letters. */
struct date_token {
	int is_number;
	long value; /* the number, or the month for a word (0: not one) */
	size_t len;
};

int date_parse(const char *s, struct date *d)
{
	struct date_token tok[12];
	int n = 0, y = -1, a, b;

	memset(d, 0, sizeof(*d));
	if (!s)
		return 0;
	while (*s && n < (int)(sizeof(tok) / sizeof(*tok))) {
		const char *start = s;

		if (isdigit((unsigned char)*s)) {
			long v = 0;

			while (isdigit((unsigned char)*s)) {
				if (v < 100000)
					v = v * 10 + (*s - '0');
				s++;
			}
			tok[n++] = (struct date_token){ 1, v,
							(size_t)(s - start) };
		} else if (isalpha((unsigned char)*s)) {
			while (isalpha((unsigned char)*s))
				s++;
			tok[n++] = (struct date_token){
				0, month_from_name(start, (size_t)(s - start)),
				(size_t)(s - start) };
		} else {
			s++;
		}
	}
	for (int i = 0; i < n; i++)
		if (tok[i].is_number && tok[i].len == 4 &&
		    tok[i].value >= 1000 && tok[i].value <= 2999) {
			y = i;
			break;
		}
	if (y < 0)
		return 0;
	d->year = (int)tok[y].value;
	if (y == 0) {
		/* Year first: Y M D, Y Mon D, "2019 Jan-Feb". */
		if (n > 1 && tok[1].is_number && tok[1].value >= 1 &&
		    tok[1].value <= 12)
			d->month = (int)tok[1].value;
		else if (n > 1 && !tok[1].is_number)
			d->month = (int)tok[1].value;
		if (d->month && n > 2 && tok[2].is_number &&
		    tok[2].len <= 2 && tok[2].value >= 1 && tok[2].value <= 31)
			d->day = (int)tok[2].value;
		return 1;
	}
	/* Year last: look at what comes before it. */
	for (int i = 0; i < y; i++)
		if (!tok[i].is_number && tok[i].value) {
			d->month = (int)tok[i].value;
			for (int j = 0; j < y; j++)
				if (tok[j].is_number && tok[j].len <= 2 &&
				    tok[j].value >= 1 && tok[j].value <= 31)
					d->day = (int)tok[j].value;
			return 1;
		}
	if (y >= 2 && tok[y - 2].is_number && tok[y - 1].is_number) {
		a = (int)tok[y - 2].value;
		b = (int)tok[y - 1].value;
		if (a > 12 && a <= 31 && b >= 1 && b <= 12) {
			d->day = a;
			d->month = b;
		} else if (b > 12 && b <= 31 && a >= 1 && a <= 12) {
			d->month = a;
			d->day = b;
		} else if (a == b && a >= 1 && a <= 12) {
			d->month = d->day = a;
		}
	} else if (y == 1 && tok[0].is_number && tok[0].value >= 1 &&
		   tok[0].value <= 12) {
		d->month = (int)tok[0].value; /* "04/2019" */
	}
	return 1;
}

/* Words that make a name an organisation's. */
static int organisation_word(const char *w, size_t len)
{
	static const char *const words[] = {
		"group", "collaboration", "collaborative", "consortium",
		"network", "networks", "association", "society", "institute",
		"university", "committee", "team", "foundation", "trust",
		"nhs", "council", "organization", "organisation",
		"department", "agency", "fund", "office", "centre", "center",
		"partnership", "federation", "alliance", "board", "england",
		"college", "investigators", "authors", "editors", "staff",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == len && !strncasecmp(w, words[i], len))
			return 1;
	return 0;
}

static int particle_word(const char *w, size_t len)
{
	static const char *const words[] = {
		"van", "von", "de", "der", "den", "del", "della", "di", "da",
		"du", "la", "le", "dos", "das", "ten", "ter", "bin", "al",
		"st", "zu",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == len && !strncmp(w, words[i], len))
			return 1;
	return 0;
}

static int suffix_word(const char *w, size_t len)
{
	static const char *const words[] = {
		"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == len && !strncmp(w, words[i], len))
			return 1;
	return 0;
}

ev_status author_add_name(struct record *rec, const char *name)
{
	const char *word[32];
	size_t wlen[32], n = 0, fam, last;
	char *copy, *comma, *p;
	ev_status rc = EV_OK;

	if (!name)
		return EV_OK;
	copy = strdup(name);
	if (!copy)
		return EV_NOMEM;
	text_collapse_space(copy);
	if (!*copy)
		goto out;
	for (p = copy; *p && n < 32;) {
		word[n] = p;
		wlen[n] = strcspn(p, " ");
		p += wlen[n];
		while (*p == ' ')
			p++;
		n++;
	}
	for (size_t i = 0; i < n; i++)
		if (organisation_word(word[i], wlen[i]) ||
		    (wlen[i] && word[i][wlen[i] - 1] == ',' &&
		     organisation_word(word[i], wlen[i] - 1))) {
			rc = record_add_author(rec, NULL, NULL, copy);
			goto out;
		}
	comma = strchr(copy, ',');
	if (comma) {
		/* "Family, Given" */
		*comma = '\0';
		p = str_trim(comma + 1);
		rc = record_add_author(rec, str_trim(copy), *p ? p : NULL,
				       NULL);
		goto out;
	}
	if (n == 1 || n >= 32) {
		rc = record_add_author(rec, NULL, NULL, copy);
		goto out;
	}
	/* "Given [particles] Family [Jr]" */
	last = n - 1;
	if (suffix_word(word[last], wlen[last]) && last > 1)
		last--;
	fam = last;
	while (fam > 1 && particle_word(word[fam - 1], wlen[fam - 1]))
		fam--;
	{
		char *given = xstrndup(copy, (size_t)(word[fam] - copy));
		char *family = xstrndup(word[fam],
					(size_t)(word[last] + wlen[last] -
						 word[fam]));
		struct buf g = BUF_INIT;

		if (!given || !family ||
		    buf_addstr(&g, str_trim(given)) ||
		    (last != n - 1 &&
		     buf_printf(&g, " %s", word[n - 1]))) {
			rc = EV_NOMEM;
		} else {
			rc = record_add_author(rec, family, buf_str(&g), NULL);
		}
		buf_release(&g);
		free(given);
		free(family);
	}
out:
	free(copy);
	return rc;
}

/* Brackets that held only citation markers ("[3, 5-7]" without the
 * numbers is "[, -]"): drop them, and a space left before punctuation.
 * The text between brackets moves as whole runs: most passages have
 * none to drop, and then nothing moves. */
void text_drop_empty_brackets(char *s)
{
	char *in = s + strcspn(s, "[("), *out = in;

	while (*in) {
		char close = *in == '[' ? ']' : ')';
		const char *q = in + 1;
		size_t run;

		for (;;) {
			if (*q && strchr(" ,;-", *q))
				q++;
			else if (!strncmp(q, "\xe2\x80\x93", 3) ||
				 !strncmp(q, "\xe2\x80\x94", 3))
				q += 3; /* en and em dashes */
			else
				break;
		}
		if (*q == close) {
			in = (char *)q + 1;
			if (out > s && out[-1] == ' ' &&
			    (!*in || strchr(" .,;:)", *in)))
				out--;
			run = strcspn(in, "[(");
		} else {
			/* Kept: the bracket and what follows it. */
			run = 1 + strcspn(in + 1, "[(");
		}
		if (out != in)
			memmove(out, in, run);
		out += run;
		in += run;
	}
	*out = '\0';
}

ev_status author_add_parts(struct record *rec, const char *family,
			   const char *given, const char *suffix)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;

	if (suffix && *suffix)
		rc = buf_printf(&b, "%s%s%s", given ? given : "",
				given ? " " : "", suffix);
	if (!rc && b.len)
		given = buf_str(&b);
	if (!rc && family)
		rc = record_add_author(rec, family, given, NULL);
	else if (!rc && given)
		rc = record_add_author(rec, NULL, NULL, given);
	buf_release(&b);
	return rc;
}

ev_status record_set_pages(struct record *rec, const char *first,
			   const char *last)
{
	struct buf b = BUF_INIT;
	ev_status rc;

	if (rec->page || !first || !*first)
		return EV_OK;
	if (last && *last && strcmp(first, last) && !strchr(first, '-'))
		rc = buf_printf(&b, "%s-%s", first, last);
	else
		rc = buf_addstr(&b, first);
	if (!rc)
		rc = record_set(&rec->page, buf_str(&b));
	buf_release(&b);
	return rc;
}

ev_status record_set_language(struct record *rec, const char *lang)
{
	/* ISO 639-2 (bibliographic and terminology) codes PubMed and
	 * others use, for the languages most of the literature is in. */
	static const char *const codes[][2] = {
		{ "eng", "en" }, { "ger", "de" }, { "deu", "de" },
		{ "fre", "fr" }, { "fra", "fr" }, { "spa", "es" },
		{ "ita", "it" }, { "por", "pt" }, { "dut", "nl" },
		{ "nld", "nl" }, { "rus", "ru" }, { "chi", "zh" },
		{ "zho", "zh" }, { "jpn", "ja" }, { "pol", "pl" },
		{ "swe", "sv" }, { "nor", "no" }, { "dan", "da" },
		{ "fin", "fi" }, { "tur", "tr" }, { "kor", "ko" },
		{ "ara", "ar" }, { "heb", "he" }, { "gre", "el" },
		{ "ell", "el" }, { "cze", "cs" }, { "ces", "cs" },
		{ "hun", "hu" }, { "wel", "cy" }, { "cym", "cy" },
		{ "english", "en" }, { "french", "fr" }, { "german", "de" },
		{ "spanish", "es" },
	};
	char code[16];
	size_t n = 0;

	if (!lang || rec->language)
		return EV_OK;
	while (isspace((unsigned char)*lang))
		lang++;
	while (n + 1 < sizeof(code) && isalpha((unsigned char)lang[n])) {
		code[n] = (char)tolower((unsigned char)lang[n]);
		n++;
	}
	code[n] = '\0';
	if (isalpha((unsigned char)lang[n]))
		return EV_OK; /* too long to be a code */
	for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++)
		if (!strcmp(code, codes[i][0]))
			return record_set(&rec->language, codes[i][1]);
	if (n < 2 || n > 3 || !strcmp(code, "und"))
		return EV_OK;
	return record_set(&rec->language, code);
}

ev_status record_add_cite(struct record *rec, const char *pmid,
			  const char *doi)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;
	char *d = NULL;

	if (pmid && strspn(pmid, " 0123456789") == strlen(pmid) &&
	    strpbrk(pmid, "123456789")) {
		char *digits = strdup(pmid);

		if (!digits)
			return EV_NOMEM;
		rc = buf_printf(&b, "pmid:%s", str_trim(digits));
		free(digits);
	} else if (doi) {
		d = strdup(doi);
		if (!d)
			return EV_NOMEM;
		if (doi_normalise(d))
			rc = buf_printf(&b, "doi:%s", d);
	}
	if (!rc && b.len)
		rc = strvec_push_unique(&rec->cites, buf_str(&b));
	free(d);
	buf_release(&b);
	return rc;
}
