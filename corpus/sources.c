/* sources.c - read the INI-style sources file and check every key */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "sources.h"
#include "text.h"

#define SOURCES_MAX_SIZE (1u << 20)

static const char *const type_names[SOURCE_TYPE_COUNT] = {
    "file",     "page",    "feed",     "pubmed",
    "europepmc", "crossref", "openalex", "references",
};

const char *source_type_name(enum source_type type)
{
	return type < SOURCE_TYPE_COUNT ? type_names[type] : "?";
}

#define T(x) (1u << SOURCE_##x)
#define API (T(PUBMED) | T(EUROPEPMC) | T(CROSSREF) | T(OPENALEX))
#define ANY (~0u)

/* Every key, whether it may repeat, and the types it applies to. */
static const struct key_rule {
	const char *key;
	int repeatable;
	unsigned types;
} key_rules[] = {
    {"type", 0, ANY},
    {"query", 0, API},
    {"filter", 0, T(OPENALEX)},
    {"doi", 1, T(CROSSREF)},
    {"pmid", 1, T(PUBMED)},
    {"url", 1, T(PAGE) | T(FEED) | T(FILE)},
    {"path", 1, T(FILE)},
    {"format", 0, T(FILE) | T(PAGE) | T(FEED)},
    {"base", 0, API | T(REFERENCES)},
    {"since", 0, API},
    {"until", 0, API},
    {"api_key", 0, T(PUBMED) | T(OPENALEX) | T(REFERENCES)},
    {"email", 0, T(PUBMED) | T(REFERENCES)},
    {"mailto", 0, T(CROSSREF) | T(OPENALEX) | T(EUROPEPMC) |
		      T(REFERENCES)},
    {"follow", 0, T(FEED)},
    {"depth", 0, T(REFERENCES)},
    {"pubmed_base", 0, T(REFERENCES)},
    {"rate", 0, ANY},
    {"connections", 0, ANY},
};

static const struct key_rule *find_rule(const char *key)
{
	for (size_t i = 0; i < sizeof(key_rules) / sizeof(*key_rules); i++)
		if (!strcmp(key_rules[i].key, key))
			return &key_rules[i];
	return NULL;
}

void sources_init(struct sources *s)
{
	memset(s, 0, sizeof(*s));
}

static void source_release(struct source *src)
{
	for (size_t i = 0; i < src->n_entries; i++) {
		free(src->entries[i].key);
		free(src->entries[i].value);
	}
	free(src->entries);
	free(src->name);
}

void sources_release(struct sources *s)
{
	for (size_t i = 0; i < s->n; i++)
		source_release(&s->v[i]);
	free(s->v);
	free(s->path);
	sources_init(s);
}

const char *source_next(const struct source *src, const char *key,
			size_t *pos)
{
	for (; *pos < src->n_entries; (*pos)++)
		if (!strcmp(src->entries[*pos].key, key))
			return src->entries[(*pos)++].value;
	return NULL;
}

const char *source_get(const struct source *src, const char *key)
{
	const char *v = NULL, *last = NULL;
	size_t pos = 0;

	while ((v = source_next(src, key, &pos)) != NULL)
		last = v;
	return last;
}

int source_flag(const struct source *src, const char *key)
{
	const char *v = source_get(src, key);

	return v && (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
		     !strcasecmp(v, "on") || !strcmp(v, "1"));
}

const struct source *sources_find(const struct sources *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

ev_status sources_add(struct sources *s, const char *name,
		      enum source_type type, struct source **out)
{
	struct source *grown = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	struct source *src;

	if (!grown)
		return EV_NOMEM;
	s->v = grown;
	src = &s->v[s->n];
	memset(src, 0, sizeof(*src));
	src->type = type;
	src->name = strdup(name);
	if (!src->name)
		return EV_NOMEM;
	s->n++;
	*out = src;
	return source_append(src, "type", type_names[type]);
}

ev_status source_append(struct source *src, const char *key,
			const char *value)
{
	struct source_entry *grown, *e;

	grown = realloc(src->entries,
			(src->n_entries + 1) * sizeof(*src->entries));
	if (!grown)
		return EV_NOMEM;
	src->entries = grown;
	e = &src->entries[src->n_entries];
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = 0;
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return EV_NOMEM;
	}
	src->n_entries++;
	return EV_OK;
}

/* The parser's state, for messages. */
struct reader {
	const char *path;
	int line;
	char *err;
	size_t errsz;
};

static ev_status fail(struct reader *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ev_status fail(struct reader *r, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->err && r->errsz)
		snprintf(r->err, r->errsz, "%s:%d: %s",
			 r->path ? r->path : "sources", line, msg);
	return EV_USAGE;
}

/* Replace every ${NAME} in VALUE by the environment's NAME. */
static ev_status expand(struct reader *r, const char *value, char **outp)
{
	struct buf b = BUF_INIT;
	const char *p = value;
	ev_status rc = EV_OK;

	while (!rc && *p) {
		const char *end, *env;
		char name[128];
		size_t n;

		if (p[0] != '$' || p[1] != '{') {
			rc = buf_addch(&b, *p++);
			continue;
		}
		end = strchr(p + 2, '}');
		if (!end) {
			rc = fail(r, r->line, "'${' without its '}'");
			break;
		}
		n = (size_t)(end - (p + 2));
		if (n == 0 || n >= sizeof(name)) {
			rc = fail(r, r->line, "bad variable name in '${...}'");
			break;
		}
		memcpy(name, p + 2, n);
		name[n] = '\0';
		if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "abcdefghijklmnopqrstuvwxyz0123456789_") != n) {
			rc = fail(r, r->line, "bad variable name '%s'", name);
			break;
		}
		env = getenv(name);
		if (env)
			rc = buf_addstr(&b, env);
		p = end + 1;
	}
	if (!rc) {
		*outp = buf_detach(&b);
		if (!*outp)
			rc = EV_NOMEM;
	}
	buf_release(&b);
	return rc;
}

/* YYYY, YYYY-MM or YYYY-MM-DD (also with slashes). */
int sources_valid_date(const char *s)
{
	int y = 0, m = 1, d = 1, n = 0;
	char sep1 = 0, sep2 = 0, extra;
	int got = sscanf(s, "%4d%n%c%2d%c%2d%c", &y, &n, &sep1, &m, &sep2,
			 &d, &extra);

	if (n != 4 || got < 1 || got == 2 || got == 4 || got > 5)
		return 0;
	if (got >= 3 && sep1 != '-' && sep1 != '/')
		return 0;
	if (got == 5 && sep2 != sep1)
		return 0;
	return y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= 31;
}

static ev_status add_entry(struct reader *r, struct source *src,
			   const char *key, const char *raw,
			   const char *base_dir)
{
	const struct key_rule *rule = find_rule(key);
	char *value = NULL;
	ev_status rc;

	if (!rule)
		return fail(r, r->line, "unknown key '%s'", key);
	if (!rule->repeatable && source_get(src, key))
		return fail(r, r->line, "'%s' given twice in [%s]", key,
			    src->name);
	if (!strcmp(key, "type") && src->n_entries)
		return fail(r, r->line, "'type' must come first in [%s]",
			    src->name);
	rc = expand(r, raw, &value);
	if (rc)
		return rc;
	if (!strcmp(key, "type")) {
		int t;

		for (t = 0; t < SOURCE_TYPE_COUNT; t++)
			if (!strcmp(value, type_names[t]))
				break;
		if (t == SOURCE_TYPE_COUNT) {
			rc = fail(r, r->line,
				  "unknown type '%s' (pubmed, europepmc, "
				  "crossref, openalex, feed, page, file or "
				  "references)",
				  value);
			goto out;
		}
		src->type = (enum source_type)t;
	} else if (!source_get(src, "type")) {
		rc = fail(r, r->line, "[%s] must start with 'type ='",
			  src->name);
		goto out;
	} else if (!(rule->types & (1u << src->type))) {
		rc = fail(r, r->line, "'%s' does not apply to type %s", key,
			  type_names[src->type]);
		goto out;
	}
	if ((!strcmp(key, "since") || !strcmp(key, "until")) &&
	    !sources_valid_date(value)) {
		rc = fail(r, r->line,
			  "'%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
			  value);
		goto out;
	}
	if (!strcmp(key, "depth") &&
	    (strlen(value) != 1 || value[0] < '1' || value[0] > '5')) {
		rc = fail(r, r->line, "depth must be 1 to 5");
		goto out;
	}
	if ((!strcmp(key, "rate") || !strcmp(key, "connections")) &&
	    (strspn(value, "0123456789") != strlen(value) ||
	     atol(value) < 1 || atol(value) > 1000)) {
		rc = fail(r, r->line, "%s must be a whole number from 1 to "
			  "1000", key);
		goto out;
	}
	if (!strcmp(key, "path") && value[0] != '/' && base_dir) {
		char *abs = fs_join(base_dir, value);

		if (!abs) {
			rc = EV_NOMEM;
			goto out;
		}
		free(value);
		value = abs;
	}
	rc = source_append(src, key, value);
	if (!rc)
		src->entries[src->n_entries - 1].line = r->line;
out:
	free(value);
	return rc;
}

/* What a finished section must have. */
static ev_status check_section(struct reader *r, const struct source *src)
{
	int ok = 1;
	const char *need = NULL;

	if (!source_get(src, "type"))
		return fail(r, src->line, "[%s] has no 'type'", src->name);
	switch (src->type) {
	case SOURCE_FILE:
		ok = source_get(src, "path") || source_get(src, "url");
		need = "'path' or a file:// 'url'";
		break;
	case SOURCE_PAGE:
	case SOURCE_FEED:
		ok = source_get(src, "url") != NULL;
		need = "'url'";
		break;
	case SOURCE_PUBMED:
		ok = source_get(src, "query") || source_get(src, "pmid");
		need = "'query' or 'pmid'";
		break;
	case SOURCE_CROSSREF:
		ok = source_get(src, "query") || source_get(src, "doi");
		need = "'query' or 'doi'";
		break;
	case SOURCE_EUROPEPMC:
		ok = source_get(src, "query") != NULL;
		need = "'query'";
		break;
	case SOURCE_OPENALEX:
		ok = source_get(src, "query") || source_get(src, "filter");
		need = "'query' or 'filter'";
		break;
	default:
		break;
	}
	if (!ok)
		return fail(r, src->line, "[%s] (type %s) needs %s",
			    src->name, type_names[src->type], need);
	if (src->type == SOURCE_FILE) {
		size_t pos = 0;
		const char *u;

		while ((u = source_next(src, "url", &pos)) != NULL)
			if (!str_istarts_with(u, "file://"))
				return fail(r, src->entries[pos - 1].line,
					    "type file takes only file:// "
					    "URLs");
	}
	return EV_OK;
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

ev_status sources_parse(const char *text, size_t len, const char *path,
			struct sources *s, char *err, size_t errsz)
{
	struct reader r = {path, 0, err, errsz};
	struct source *cur = NULL;
	char *base_dir = NULL, *line = NULL;
	const char *p = text, *end = text + len;
	ev_status rc = EV_OK;

	if (err && errsz)
		err[0] = '\0';
	if (path) {
		const char *slash = strrchr(path, '/');

		base_dir = slash ? xstrndup(path, (size_t)(slash - path + 1))
				 : strdup(".");
		s->path = strdup(path);
		if (!base_dir || !s->path)
			return EV_NOMEM;
	}
	while (!rc && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *l, *eq, *key, *val;

		r.line++;
		free(line);
		line = xstrndup(p, n);
		p = nl ? nl + 1 : end;
		if (!line) {
			rc = EV_NOMEM;
			break;
		}
		if (strlen(line) != n) {
			rc = fail(&r, r.line, "NUL byte in the file");
			break;
		}
		l = str_trim(line);
		if (!*l || *l == '#' || *l == ';')
			continue;
		if (*l == '[') {
			char *close = strchr(l, ']');
			struct source *grown;

			if (!close || close[1]) {
				rc = fail(&r, r.line,
					  "a section header is '[name]'");
				break;
			}
			*close = '\0';
			l = str_trim(l + 1);
			if (!valid_name(l)) {
				rc = fail(&r, r.line,
					  "bad section name '%s' (letters, "
					  "digits, '.', '_', '-')",
					  l);
				break;
			}
			if (cur && (rc = check_section(&r, cur)))
				break;
			if (sources_find(s, l)) {
				rc = fail(&r, r.line, "[%s] given twice", l);
				break;
			}
			grown = realloc(s->v, (s->n + 1) * sizeof(*s->v));
			if (!grown) {
				rc = EV_NOMEM;
				break;
			}
			s->v = grown;
			cur = &s->v[s->n];
			memset(cur, 0, sizeof(*cur));
			cur->line = r.line;
			cur->name = strdup(l);
			if (!cur->name) {
				rc = EV_NOMEM;
				break;
			}
			s->n++;
			continue;
		}
		eq = strchr(l, '=');
		if (!eq) {
			rc = fail(&r, r.line, "expected 'key = value'");
			break;
		}
		*eq = '\0';
		key = str_trim(l);
		val = str_trim(eq + 1);
		if (!cur) {
			rc = fail(&r, r.line, "'%s' before any [section]",
				  key);
			break;
		}
		if (!*val) {
			rc = fail(&r, r.line, "'%s' has no value", key);
			break;
		}
		rc = add_entry(&r, cur, key, val, base_dir);
	}
	if (!rc && cur)
		rc = check_section(&r, cur);
	free(line);
	free(base_dir);
	return rc;
}

ev_status sources_load(const char *path, struct sources *s, char *err,
		       size_t errsz)
{
	struct buf b = BUF_INIT;
	ev_status rc;

	rc = fs_read_file(path, SOURCES_MAX_SIZE, &b);
	if (rc) {
		snprintf(err, errsz, "%s: %s", path,
			 rc == EV_TOO_BIG ? "over 1 MiB" : strerror(errno));
		buf_release(&b);
		return rc;
	}
	rc = sources_parse(b.ptr ? b.ptr : "", b.len, path, s, err, errsz);
	buf_release(&b);
	return rc;
}
