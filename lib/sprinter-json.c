/* sprinter-json.c - the JSON structure printer */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sprinter.h"

#define MAX_DEPTH 64

struct json_printer {
	struct sprinter sp;
	int depth;
	/* For each level: 1 once something has been written in it. */
	char first_done[MAX_DEPTH];
	char closer[MAX_DEPTH];
	int after_key;
};

static struct json_printer *jp(struct sprinter *sp)
{
	return (struct json_printer *)sp;
}

void json_write_string(FILE *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	putc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20) {
				fputs("\\u00", out);
				putc(hex[*p >> 4], out);
				putc(hex[*p & 15], out);
			} else {
				putc(*p, out);
			}
		}
	}
	putc('"', out);
}

/* Write the comma that separates this value from the previous one. */
static void before_value(struct json_printer *p)
{
	if (p->after_key) {
		p->after_key = 0;
		return;
	}
	if (p->depth > 0 && p->depth < MAX_DEPTH) {
		if (p->first_done[p->depth])
			putc(',', p->sp.out);
		p->first_done[p->depth] = 1;
	}
}

/* Open a map or list; CLOSER is the bracket that end() will write. */
static void open_level(struct sprinter *sp, char opener, char closer)
{
	struct json_printer *p = jp(sp);

	before_value(p);
	putc(opener, sp->out);
	p->depth++;
	if (p->depth < MAX_DEPTH) {
		p->first_done[p->depth] = 0;
		p->closer[p->depth] = closer;
	}
}

static void json_begin_map(struct sprinter *sp)
{
	open_level(sp, '{', '}');
}

static void json_begin_list(struct sprinter *sp)
{
	open_level(sp, '[', ']');
}

static void json_end(struct sprinter *sp)
{
	struct json_printer *p = jp(sp);

	if (p->depth <= 0)
		return;
	putc(p->depth < MAX_DEPTH ? p->closer[p->depth] : '}', sp->out);
	p->depth--;
}

static void json_map_key(struct sprinter *sp, const char *key)
{
	struct json_printer *p = jp(sp);

	before_value(p);
	json_write_string(sp->out, key);
	putc(':', sp->out);
	p->after_key = 1;
}

static void json_null(struct sprinter *sp)
{
	before_value(jp(sp));
	fputs("null", sp->out);
}

static void json_string(struct sprinter *sp, const char *s)
{
	if (!s) {
		json_null(sp);
		return;
	}
	before_value(jp(sp));
	json_write_string(sp->out, s);
}

static void json_integer(struct sprinter *sp, long long n)
{
	before_value(jp(sp));
	fprintf(sp->out, "%lld", n);
}

static void json_real(struct sprinter *sp, double x)
{
	before_value(jp(sp));
	if (!isfinite(x))
		fputs("null", sp->out);
	else
		fprintf(sp->out, "%.4f", x);
}

static void json_boolean(struct sprinter *sp, int b)
{
	before_value(jp(sp));
	fputs(b ? "true" : "false", sp->out);
}

static void json_finish(struct sprinter *sp)
{
	putc('\n', sp->out);
}

struct sprinter *sprinter_json_new(FILE *out)
{
	struct json_printer *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->sp.begin_map = json_begin_map;
	p->sp.begin_list = json_begin_list;
	p->sp.end = json_end;
	p->sp.map_key = json_map_key;
	p->sp.string = json_string;
	p->sp.integer = json_integer;
	p->sp.real = json_real;
	p->sp.boolean = json_boolean;
	p->sp.null = json_null;
	p->sp.finish = json_finish;
	p->sp.out = out;
	return &p->sp;
}

void sprinter_free(struct sprinter *sp)
{
	free(sp);
}

struct sprinter *sprinter_json_document(FILE *out, int version)
{
	struct sprinter *sp = sprinter_json_new(out);

	if (sp) {
		sp->begin_map(sp);
		sp_int(sp, "format_version", version);
	}
	return sp;
}

void sprinter_document_end(struct sprinter *sp)
{
	sp->end(sp);
	sp->finish(sp);
	sprinter_free(sp);
}

void sp_str(struct sprinter *sp, const char *key, const char *value)
{
	sp->map_key(sp, key);
	sp->string(sp, value);
}

void sp_int(struct sprinter *sp, const char *key, long long value)
{
	sp->map_key(sp, key);
	sp->integer(sp, value);
}

void sp_real(struct sprinter *sp, const char *key, double value)
{
	sp->map_key(sp, key);
	sp->real(sp, value);
}
