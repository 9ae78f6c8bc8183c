/* text.c - UTF-8 text helpers shared by every stage */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "sha256.h"
#include "text.h"

char *xstrndup(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t utf8_decode(const char *s, size_t len, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c;
	size_t n, i;

	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

size_t utf8_encode(unsigned cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Unicode white space other than ASCII, as Xapian and most parsers treat
 * it. */
static int is_unicode_space(unsigned cp)
{
	return cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
	       cp == 0xfeff;
}

char *text_collapse_space(char *s)
{
	unsigned char *u = (unsigned char *)s;
	size_t i = 0, o = 0;
	int pending = 0;

	/* One pass, writing behind reading; ASCII, most of any text, a byte
	 * at a time.  utf8_decode() stops at the terminating NUL, which is
	 * no continuation byte, so 4 is a safe length to give it. */
	while (u[i]) {
		unsigned cp = u[i];
		size_t n = 1;
		int space;

		/* Printable ASCII, the bulk of any text, in a tight loop. */
		if (cp > ' ' && cp < 0x80) {
			if (pending) {
				u[o++] = ' ';
				pending = 0;
			}
			do
				u[o++] = u[i++];
			while (u[i] > ' ' && u[i] < 0x80);
			continue;
		}
		if (cp < 0x80) {
			space = cp == ' ' || (cp >= '\t' && cp <= '\r');
		} else {
			n = utf8_decode(s + i, 4, &cp);
			if (n == 0) {
				n = 1;
				cp = 0xfffd;
			}
			space = is_unicode_space(cp);
		}
		if (space) {
			pending = o > 0;
			i += n;
			continue;
		}
		if (pending) {
			u[o++] = ' ';
			pending = 0;
		}
		while (n--)
			u[o++] = u[i++];
	}
	u[o] = '\0';
	return s;
}

char *text_ascii_lower(char *s)
{
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

int utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n;

		/* Most text is ASCII: U+0001 to U+007F need no decoding. */
		if ((unsigned char)s[i] - 1u < 0x7fu) {
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || cp == 0)
			return 0;
		i += n;
	}
	return 1;
}

char *utf8_sanitise(const char *s, size_t len)
{
	/* Each input byte becomes at most 3 output bytes (U+FFFD). */
	char *out = malloc(len * 3 + 1);
	size_t i = 0, o = 0;

	if (!out)
		return NULL;
	while (i < len) {
		unsigned cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (n == 0 || cp == 0) {
			o += utf8_encode(0xfffd, out + o);
			i += n ? n : 1;
			continue;
		}
		if (cp < 0x20 && cp != '\t' && cp != '\n') {
			out[o++] = cp == '\r' ? '\n' : ' ';
			i += n;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

/* Lower-case a code point: ASCII, Latin-1 Supplement, Latin Extended-A
 * and Greek capitals, which covers the names and words we meet. */
static unsigned fold_case(unsigned cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if ((cp >= 0xc0 && cp <= 0xde) && cp != 0xd7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x17f && cp != 0x130 && cp != 0x131 &&
	    cp != 0x138 && cp != 0x149 && cp != 0x17f) {
		/* Pairs: even upper, odd lower, except 0x139-0x148 and
		 * 0x179-0x17e where odd is upper. */
		if ((cp >= 0x139 && cp <= 0x148) ||
		    (cp >= 0x179 && cp <= 0x17e))
			return (cp & 1) ? cp + 1 : cp;
		return (cp & 1) ? cp : cp + 1;
	}
	if (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2)
		return cp + 32;
	return cp;
}

/* Each ASCII letter and digit as a word holds it (lower case), and 0 for
 * every other byte: isalnum() and tolower() in the C locale (evidence
 * never calls setlocale()) without the calls, for ASCII. */
#define SAME(c) [c] = (c)
#define LOWER(c) [c] = (c) - 'A' + 'a'
static const unsigned char ascii_word_byte[256] = {
	SAME('0'), SAME('1'), SAME('2'), SAME('3'), SAME('4'), SAME('5'),
	SAME('6'), SAME('7'), SAME('8'), SAME('9'),
	LOWER('A'), LOWER('B'), LOWER('C'), LOWER('D'), LOWER('E'),
	LOWER('F'), LOWER('G'), LOWER('H'), LOWER('I'), LOWER('J'),
	LOWER('K'), LOWER('L'), LOWER('M'), LOWER('N'), LOWER('O'),
	LOWER('P'), LOWER('Q'), LOWER('R'), LOWER('S'), LOWER('T'),
	LOWER('U'), LOWER('V'), LOWER('W'), LOWER('X'), LOWER('Y'),
	LOWER('Z'),
	SAME('a'), SAME('b'), SAME('c'), SAME('d'), SAME('e'), SAME('f'),
	SAME('g'), SAME('h'), SAME('i'), SAME('j'), SAME('k'), SAME('l'),
	SAME('m'), SAME('n'), SAME('o'), SAME('p'), SAME('q'), SAME('r'),
	SAME('s'), SAME('t'), SAME('u'), SAME('v'), SAME('w'), SAME('x'),
	SAME('y'), SAME('z'),
};
#undef SAME
#undef LOWER

/* Letters and digits for word splitting: ASCII alphanumerics and any
 * non-ASCII character that is not punctuation, a symbol or a space in the
 * ranges we know to hold those. */
static int is_word_char(unsigned cp)
{
	if (cp < 0x80)
		return ascii_word_byte[cp] != 0;
	if (is_unicode_space(cp))
		return 0;
	if (cp >= 0xa1 && cp <= 0xbf && cp != 0xaa && cp != 0xb5 && cp != 0xba)
		return 0; /* Latin-1 punctuation and symbols */
	if (cp == 0xd7 || cp == 0xf7)
		return 0;
	if (cp >= 0x2000 && cp <= 0x2bff)
		return 0; /* general punctuation, symbols, arrows, dingbats */
	if (cp >= 0x3000 && cp <= 0x303f)
		return 0; /* CJK punctuation */
	if (cp >= 0xfe30 && cp <= 0xfe4f)
		return 0;
	if (cp >= 0xff00 && cp <= 0xff0f)
		return 0;
	if (cp == 0xfffd)
		return 0;
	return 1;
}

static int is_apostrophe(unsigned cp)
{
	return cp == '\'' || cp == 0x2019;
}

/* The character at TEXT + I (LEN bytes in all) into *CP: its length, or
 * 0 when it is not valid UTF-8. */
static size_t next_char(const char *text, size_t len, size_t i, unsigned *cp)
{
	unsigned char c = (unsigned char)text[i];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	return utf8_decode(text + i, len - i, cp);
}

/* A word is cut once it holds this many bytes: a character starting
 * before the cut is kept whole (up to four bytes, so a word is at most
 * WORD_CUT + 3 bytes). */
#define WORD_CUT 252

/*
 * Most of what text_words() reads is runs of ASCII letters and single
 * spaces: a run is found and copied through ascii_word_byte[], a space
 * passed over, and only other bytes are decoded.  The NUL at TEXT[LEN]
 * (0 in the table) ends the last run.  Passage scoring runs this over
 * every passage of every hit, and the indexer over every passage it
 * tags.
 */
int text_words(const char *text, text_word_fn fn, void *ctx)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t len = strlen(text), i = 0;
	char word[WORD_CUT + 4];

	while (i < len) {
		size_t start, o = 0, n;
		unsigned cp;

		if (!ascii_word_byte[u[i]]) {
			if (u[i] < 0x80) {
				i++;
				continue;
			}
			n = utf8_decode(text + i, len - i, &cp);
			if (n == 0 || !is_word_char(cp)) {
				i += n ? n : 1;
				continue;
			}
		}
		start = i;
		for (;;) {
			unsigned char b;

			while ((b = ascii_word_byte[u[i]])) {
				if (o < WORD_CUT)
					word[o++] = (char)b;
				i++;
			}
			if (i == len)
				break;
			n = next_char(text, len, i, &cp);
			if (n == 0)
				break;
			if (is_apostrophe(cp)) {
				/* Keep an apostrophe only between letters. */
				unsigned next;
				size_t m = 0;

				if (i + n < len)
					m = next_char(text, len, i + n, &next);
				if (o == 0 || m == 0 || !is_word_char(next))
					break;
				cp = '\'';
			} else if (!is_word_char(cp)) {
				break;
			}
			cp = fold_case(cp);
			if (o < WORD_CUT)
				o += utf8_encode(cp, word + o);
			i += n;
		}
		if (o > 0) {
			int r;

			word[o] = '\0';
			r = fn(word, o, start, ctx);
			if (r)
				return r;
		}
	}
	return 0;
}

static int keep_word(const char *word, size_t len, size_t off, void *ctx)
{
	struct wordlist *wl = ctx;
	char *bytes;
	struct wordlist_word *v;

	(void)off;
	bytes = array_grow(wl->bytes, &wl->bytes_alloc, wl->len + len + 1, 1);
	if (!bytes)
		return 1;
	wl->bytes = bytes;
	v = array_grow(wl->v, &wl->v_alloc, wl->n + 1, sizeof(*v));
	if (!v)
		return 1;
	wl->v = v;
	v[wl->n].off = wl->len;
	v[wl->n].len = len;
	wl->n++;
	memcpy(bytes + wl->len, word, len + 1);
	wl->len += len + 1;
	return 0;
}

ev_status wordlist_fill(struct wordlist *wl, const char *text)
{
	wl->len = 0;
	wl->n = 0;
	if (text_words(text, keep_word, wl)) {
		wl->len = 0;
		wl->n = 0;
		return EV_NOMEM;
	}
	return EV_OK;
}

void wordlist_release(struct wordlist *wl)
{
	free(wl->bytes);
	free(wl->v);
	*wl = (struct wordlist)WORDLIST_INIT;
}

uint32_t text_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * Each step XORs a word into the state and multiplies by an odd
 * constant; the shift then folds the high half, which the product
 * fills, into the low half, which the next word meets.  Each step is a
 * bijection of the state for a given word, so two texts that differ in
 * one word always differ after it.  The length goes in first, so that a
 * tail of NULs counts.
 */
uint64_t text_hash64(const void *data, size_t len)
{
	const uint64_t m = 0xd6e8feb86659fd93u;
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)len, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * m;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * m;
	h ^= h >> 32;
	h *= m;
	return h ^ (h >> 29);
}

static void hex_digest(const unsigned char *md, unsigned int mdlen,
		       char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned i = 0; i < mdlen && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * (mdlen < 32 ? mdlen : 32)] = '\0';
}

void text_sha256_final_hex(struct sha256 *s, char out[65])
{
	unsigned char md[SHA256_DIGEST_SIZE];

	sha256_final(s, md);
	hex_digest(md, sizeof(md), out);
}

void text_sha256_hex(const void *data, size_t len, char out[65])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	text_sha256_final_hex(&s, out);
}

struct text_sha256 {
	struct sha256 s;
};

struct text_sha256 *text_sha256_begin(void)
{
	struct text_sha256 *h = malloc(sizeof(*h));

	if (h)
		sha256_init(&h->s);
	return h;
}

void text_sha256_add(struct text_sha256 *h, const void *data, size_t len)
{
	sha256_update(&h->s, data, len);
}

ev_status text_sha256_end(struct text_sha256 *h, char out[65])
{
	out[0] = '\0';
	if (!h)
		return EV_NOMEM;
	text_sha256_final_hex(&h->s, out);
	free(h);
	return EV_OK;
}

ev_status text_sha256_fd(int fd, char out[65])
{
	unsigned char md[SHA256_DIGEST_SIZE];
	char chunk[65536];
	struct sha256 s;

	out[0] = '\0';
	sha256_init(&s);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return EV_IO;
		if (n == 0)
			break;
		sha256_update(&s, chunk, (size_t)n);
	}
	sha256_final(&s, md);
	hex_digest(md, sizeof(md), out);
	return EV_OK;
}

void text_now_iso8601(char out[21])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_istarts_with(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int str_is_http_url(const char *s)
{
	return s && (str_istarts_with(s, "http://") ||
		     str_istarts_with(s, "https://"));
}

ev_status url_percent_encode(struct buf *out, const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	ev_status rc = EV_OK;

	for (; !rc && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (ascii_word_byte[c] || strchr(keep, c)) {
			rc = buf_addch(out, (char)c);
		} else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

			rc = buf_add(out, esc, 3);
		}
	}
	return rc;
}

/* The value of the hex digit C, or -1. */
static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

ev_status url_percent_decode(struct buf *out, const char *s, const char *stop,
			     int form)
{
	for (; *s && !strchr(stop, *s); s++) {
		char c = *s;
		int hi, lo;

		if (c == '%' && (hi = hex_digit((unsigned char)s[1])) >= 0 &&
		    (lo = hex_digit((unsigned char)s[2])) >= 0) {
			c = (char)(hi << 4 | lo);
			if (!c)
				return EV_PARSE;
			s += 2;
		} else if (form && c == '+') {
			c = ' ';
		}
		if (buf_addch(out, c))
			return EV_NOMEM;
	}
	return EV_OK;
}

int str_iends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

char *str_trim(char *s)
{
	char *end;

	while (*s && isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}
