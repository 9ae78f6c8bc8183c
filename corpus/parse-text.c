/* parse-text.c - plain text: paragraphs as passages, a title guessed */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse-formats.h"
#include "passages.h"
#include "text.h"
#include "xml.h"

/* A title longer than this is not a title but the first paragraph. */
#define TITLE_MAX_CHARS 200
/* How far into the file a title is looked for. */
#define TITLE_SEARCH_PARAGRAPHS 20

static ev_status add_cp(struct buf *b, unsigned cp)
{
	char enc[4];

	/* As utf8_sanitise() does: C0 controls but tab, newline and
	 * carriage return become a space. */
	if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
		cp = cp ? ' ' : 0xfffd;
	return buf_add(b, enc, utf8_encode(cp, enc));
}

/* UTF-16 with a byte order mark, to UTF-8; unpaired surrogates become
 * U+FFFD. */
static char *from_utf16(const unsigned char *s, size_t len, int little)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;

	for (size_t i = 2; i + 1 < len && !rc; i += 2) {
		unsigned u = little ? s[i] | s[i + 1] << 8
				    : s[i] << 8 | s[i + 1];

		if (u >= 0xd800 && u < 0xdc00 && i + 3 < len) {
			unsigned lo = little ? s[i + 2] | s[i + 3] << 8
					     : s[i + 2] << 8 | s[i + 3];

			if (lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			} else {
				u = 0xfffd;
			}
		} else if (u >= 0xd800 && u < 0xe000) {
			u = 0xfffd;
		}
		rc = add_cp(&b, u);
	}
	if (rc) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static char *from_cp1252(const unsigned char *s, size_t len)
{
	struct buf b = BUF_INIT;
	ev_status rc = EV_OK;

	for (size_t i = 0; i < len && !rc; i++)
		rc = add_cp(&b, markup_cp1252(s[i]));
	if (rc) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/*
 * Text that is not valid UTF-8 is either UTF-8 with a few damaged bytes
 * or a legacy 8-bit encoding.  Count the well-formed multi-byte UTF-8
 * sequences against the bytes that fit none: in a Windows-1252 (or
 * Latin-1, its subset) file the accented letters are lone high bytes and
 * a well-formed sequence is rare, so when invalid bytes are at least as
 * many as valid sequences the file is decoded as Windows-1252; otherwise
 * it is UTF-8 and the bad bytes become U+FFFD (utf8_sanitise()).
 */
static int mostly_not_utf8(const char *s, size_t len)
{
	size_t valid = 0, invalid = 0;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n;

		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n) {
			valid++;
			i += n;
		} else {
			invalid++;
			i++;
		}
	}
	return invalid >= valid;
}

/* The payload as valid UTF-8, without a byte order mark. */
static char *to_utf8(const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;

	if (len >= 2 && u[0] == 0xff && u[1] == 0xfe)
		return from_utf16(u, len, 1);
	if (len >= 2 && u[0] == 0xfe && u[1] == 0xff)
		return from_utf16(u, len, 0);
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3;
		len -= 3;
	}
	if (utf8_valid(data, len))
		return xstrndup(data, len);
	if (mostly_not_utf8(data, len))
		return from_cp1252((const unsigned char *)data, len);
	return utf8_sanitise(data, len);
}

/* Letters, and no lower-case ones: "LETTERS", "PRIMARY CARE NETWORKS". */
static int all_capitals(const char *s)
{
	size_t len = strlen(s);
	int letters = 0;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (!n) {
			n = 1;
			cp = 0;
		}
		i += n;
		if ((cp >= 'a' && cp <= 'z') ||
		    (cp >= 0xdf && cp <= 0xff && cp != 0xf7) ||
		    (cp >= 0x3b1 && cp <= 0x3c9))
			return 0;
		if ((cp >= 'A' && cp <= 'Z') || cp >= 0xc0)
			letters++;
	}
	return letters > 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Words after which a full stop does not end a sentence. */
static int abbreviation_before(const char *start, const char *dot)
{
	static const char *const abbrevs[] = {
		"Dr", "Prof", "Mr", "Mrs", "Ms", "St", "vs", "eg", "ie",
		"etc", "al", "No", "Fig", "Vol", "Inc", "Ltd", "Co",
	};
	const char *w = dot;
	size_t len;

	while (w > start && w[-1] != ' ' && w[-1] != '.')
		w--;
	len = (size_t)(dot - w);
	if (len == 1)
		return 1; /* an initial: "J. Smith" */
	for (size_t i = 0; i < sizeof(abbrevs) / sizeof(*abbrevs); i++)
		if (strlen(abbrevs[i]) == len && !strncmp(w, abbrevs[i], len))
			return 1;
	return 0;
}

/* The first sentence of PARA (white space collapsed), cut at a word
 * when it runs on past 300 characters. */
static char *first_sentence(const char *para)
{
	const char *p, *end = NULL;
	char *s;

	for (p = para; *p; p++)
		if ((*p == '.' || *p == '?' || *p == '!') &&
		    (p[1] == ' ' || p[1] == '\0') &&
		    !(*p == '.' && abbreviation_before(para, p))) {
			end = p + 1;
			break;
		}
	s = end ? xstrndup(para, (size_t)(end - para)) : strdup(para);
	if (s && utf8_chars(s) > 300) {
		size_t cut = 0, chars = 0;

		for (size_t i = 0; s[i] && chars < 300; i++) {
			if (((unsigned char)s[i] & 0xc0) != 0x80)
				chars++;
			if (s[i] == ' ')
				cut = i;
		}
		if (cut) {
			char *t = realloc(s, cut + 4);

			if (!t) {
				free(s);
				return NULL;
			}
			s = t;
			memcpy(s + cut, "\xe2\x80\xa6", 4); /* "..." */
		}
	}
	return s;
}

/*
 * The title: the first paragraph that is not all capitals (section
 * labels such as "LETTERS" come before the title in journal exports),
 * when it is short enough to be one; when that paragraph is long, the
 * text starts without a title and its first sentence stands in.
 */
static ev_status guess_title(struct record *rec, const struct strvec *paras)
{
	for (size_t i = 0; i < paras->n && i < TITLE_SEARCH_PARAGRAPHS; i++) {
		char *t = strdup(paras->v[i]);

		if (!t)
			return EV_NOMEM;
		text_collapse_space(t);
		if (!*t || all_capitals(t)) {
			free(t);
			continue;
		}
		if (utf8_chars(t) > TITLE_MAX_CHARS) {
			char *s = first_sentence(t);

			free(t);
			if (!s)
				return EV_NOMEM;
			t = s;
		}
		free(rec->title);
		rec->title = t;
		return EV_OK;
	}
	return EV_OK;
}

ev_status parse_text(struct parser *p, const char *data, size_t len)
{
	struct record rec;
	struct strvec paras = STRVEC_INIT;
	char *text = to_utf8(data, len);
	ev_status rc;

	record_init(&rec);
	if (!text) {
		rc = parser_fail(p, EV_NOMEM, "out of memory");
		goto out;
	}
	rc = passages_split(text, &paras);
	/* Every paragraph is a passage, the title's included, so that
	 * passage N is paragraph N of the file. */
	for (size_t i = 0; !rc && i < paras.n; i++)
		rc = record_add_passage(&rec, paras.v[i], NULL);
	if (!rc)
		rc = guess_title(&rec, &paras);
	if (!rc && str_is_http_url(p->in->url))
		rc = record_set(&rec.url, p->in->url);
	if (rc) {
		rc = parser_fail(p, rc, "out of memory");
		goto out;
	}
	if (rec.n_passages == 0)
		goto out; /* an empty file: no record */
	rc = parser_emit(p, &rec);
out:
	record_release(&rec);
	strvec_release(&paras);
	free(text);
	return rc;
}
