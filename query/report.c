/* report.c - a one-file HTML brief: what was searched, the map, quotations */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cite.h"
#include "evidence-type.h"
#include "report.h"
#include "text.h"

/* The lessons every brief covers unless told otherwise (DESIGN.md). */
static const char *const core_lessons[] = {"focus", "pacing", "relationships"};

int report_style_known(const char *name)
{
	int style = cite_style_lookup(name);

	return style == CITE_VANCOUVER || style == CITE_APA;
}

/* The works quoted, numbered in order of first quotation. */
struct references {
	struct record *works;
	size_t n;
};

/* The number (from 1) of WORK in REFS, added when new; 0 on ENOMEM. */
static size_t reference_number(struct references *refs,
			       const struct record *work)
{
	struct record *w;

	for (size_t i = 0; i < refs->n; i++)
		if (strcmp(refs->works[i].id, work->id) == 0)
			return i + 1;
	w = realloc(refs->works, (refs->n + 1) * sizeof(*w));
	if (!w)
		return 0;
	refs->works = w;
	record_init(&w[refs->n]);
	if (record_copy(&w[refs->n], work)) {
		record_release(&w[refs->n]);
		return 0;
	}
	return ++refs->n;
}

static void references_release(struct references *refs)
{
	for (size_t i = 0; i < refs->n; i++)
		record_release(&refs->works[i]);
	free(refs->works);
}

/* ------------------------------------------------------------------ */
/* Writing HTML                                                        */

/*
 * The stylesheet.  System fonts only (nothing is fetched).  On screen
 * the map keeps its size, with a scroll bar when it is wider than the
 * text, so its labels stay legible; on paper it shrinks to the page.
 * The print rules set A4 pages, keep a quotation or the map on one
 * page, keep the map's colours, and print the address of any link that
 * leaves the page.
 */
static const char stylesheet[] =
	"body{margin:0 auto;max-width:52rem;padding:2rem 1.5rem 4rem;"
	"font:16px/1.55 system-ui,\"Segoe UI\",Roboto,\"Helvetica Neue\","
	"Arial,sans-serif;color:#1a1a1a;background:#fff}\n"
	"h1{font-size:1.9rem;line-height:1.2;margin:0 0 .3rem}\n"
	"h2{font-size:1.35rem;margin:2.2rem 0 .8rem;padding-bottom:.2rem;"
	"border-bottom:2px solid #2166ac}\n"
	".subtitle{color:#444;font-size:1.1rem;margin:0 0 1.5rem}\n"
	"dl.searched{display:grid;grid-template-columns:max-content 1fr;"
	"gap:.3rem 1.2rem;margin:0}\n"
	"dl.searched dt{font-weight:600;color:#333}\n"
	"dl.searched dd{margin:0}\n"
	"figure.map{margin:1rem 0}\n"
	"figure.map .scroll{overflow-x:auto}\n"
	"figure.map svg{display:block}\n"
	"figcaption,.note{color:#555;font-size:.92rem}\n"
	".description{color:#333;font-style:italic}\n"
	"blockquote{margin:1rem 0;padding:.7rem 1rem;"
	"border-left:4px solid #4292c6;background:#f4f8fc}\n"
	"blockquote p{margin:0 0 .5rem}\n"
	"blockquote footer{font-size:.9rem;color:#333}\n"
	".type{display:inline-block;padding:0 .45rem;font-size:.8rem;"
	"border:1px solid #9ecae1;border-radius:.7rem;background:#fff}\n"
	"a{color:#08519c}\n"
	"ol.references li{margin:0 0 .45rem}\n"
	".empty{padding:1rem;border:1px dashed #999;background:#fafafa}\n"
	"footer.colophon{margin-top:3rem;color:#666;font-size:.85rem}\n"
	"@page{size:A4;margin:18mm 16mm 20mm 16mm}\n"
	"@media print{\n"
	"body{max-width:none;padding:0;font-size:10.5pt}\n"
	"h2{break-after:avoid;page-break-after:avoid}\n"
	"blockquote,figure,dl,ol.references li{break-inside:avoid;"
	"page-break-inside:avoid}\n"
	"blockquote{background:none}\n"
	"figure.map .scroll{overflow:visible}\n"
	"figure.map svg{max-width:100%;height:auto;"
	"-webkit-print-color-adjust:exact;"
	"print-color-adjust:exact}\n"
	"a{color:inherit;text-decoration:underline}\n"
	"a[href]:not([href^=\"#\"])::after{content:\" (\" attr(href) \")\"}\n"
	"}\n";

static ev_status esc(struct buf *out, const char *s)
{
	return map_escape(out, s ? s : "");
}

/* "<tag>TEXT</tag>\n" with TEXT escaped. */
static ev_status element(struct buf *out, const char *tag, const char *attrs,
			 const char *text)
{
	ev_status rc = buf_printf(out, "<%s%s>", tag, attrs ? attrs : "");

	if (!rc)
		rc = esc(out, text);
	if (!rc)
		rc = buf_printf(out, "</%s>\n", tag);
	return rc;
}

/* TEXT, cut at a word past REPORT_QUOTE_MAX bytes, escaped. */
static ev_status add_quote_text(struct buf *out, const char *text)
{
	size_t n = strlen(text);
	char *cut;
	ev_status rc;

	if (n <= REPORT_QUOTE_MAX)
		return esc(out, text);
	n = REPORT_QUOTE_MAX;
	while (n > REPORT_QUOTE_MAX / 2 && text[n] != ' ')
		n--;
	/* Never inside a UTF-8 sequence. */
	while (n && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	cut = xstrndup(text, n);
	if (!cut)
		return EV_NOMEM;
	rc = esc(out, cut);
	free(cut);
	return rc ? rc : buf_addstr(out, " [\xe2\x80\xa6]");
}

static ev_status write_head(struct buf *out, const char *title)
{
	ev_status rc = buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n"
				       "<head>\n<meta charset=\"utf-8\" />\n"
				       "<meta name=\"viewport\" "
				       "content=\"width=device-width, "
				       "initial-scale=1\" />\n"
				       "<meta name=\"generator\" "
				       "content=\"evidence " PACKAGE_VERSION
				       "\" />\n");

	if (!rc)
		rc = element(out, "title", NULL, title);
	if (!rc)
		rc = buf_printf(out, "<style>\n%s</style>\n</head>\n<body>\n",
				stylesheet);
	return rc;
}

static ev_status write_filters(struct buf *out, const struct search_options *s)
{
	ev_status rc = EV_OK;
	int any = 0;

	rc = buf_addstr(out, "<dt>Filters</dt><dd>");
	if (!rc && s->types.n) {
		rc = buf_addstr(out, "evidence type ");
		for (size_t i = 0; !rc && i < s->types.n; i++) {
			rc = buf_addstr(out, i ? " or " : "");
			if (!rc)
				rc = esc(out, s->types.v[i]);
		}
		any = 1;
	}
	if (!rc && (s->since || s->until)) {
		rc = buf_printf(out, "%spublished ", any ? "; " : "");
		if (!rc && s->since && s->until)
			rc = buf_printf(out, "%d to %d", s->since, s->until);
		else if (!rc && s->since)
			rc = buf_printf(out, "in or after %d", s->since);
		else if (!rc)
			rc = buf_printf(out, "in or before %d", s->until);
		any = 1;
	}
	if (!rc && !any)
		rc = buf_addstr(out, "none");
	if (!rc)
		rc = buf_addstr(out, "</dd>\n");
	return rc;
}

static ev_status write_searched(struct buf *out,
				const struct report_options *o,
				const struct evidence_map *m,
				const struct strvec *sections)
{
	const struct search_options *s = &o->search;
	ev_status rc;

	rc = buf_addstr(out, "<section id=\"searched\">\n"
			     "<h2>What was searched</h2>\n"
			     "<dl class=\"searched\">\n<dt>Query</dt><dd>");
	if (!rc)
		rc = *s->query ? esc(out, s->query)
			       : buf_addstr(out, "none: the whole collection");
	if (!rc)
		rc = buf_addstr(out, "</dd>\n");
	if (!rc)
		rc = write_filters(out, s);
	if (!rc)
		rc = buf_addstr(out, "<dt>Lessons quoted</dt><dd>");
	for (size_t i = 0; !rc && i < sections->n; i++) {
		rc = buf_addstr(out, i ? ", " : "");
		if (!rc)
			rc = esc(out, sections->v[i]);
	}
	if (!rc && !sections->n)
		rc = buf_addstr(out, "none");
	if (!rc)
		rc = buf_addstr(out, "</dd>\n<dt>Date</dt><dd>");
	if (!rc)
		rc = esc(out, o->generated);
	if (!rc)
		rc = buf_printf(out,
				"</dd>\n<dt>Collection</dt><dd>%u work%s, "
				"%u passage%s; %u work%s carry at least one "
				"of the lessons mapped</dd>\n</dl>\n"
				"</section>\n",
				m->works, m->works == 1 ? "" : "s",
				m->passages, m->passages == 1 ? "" : "s",
				m->total, m->total == 1 ? "" : "s");
	return rc;
}

static ev_status write_map(struct buf *out, const struct evidence_map *m)
{
	ev_status rc = buf_addstr(out, "<section id=\"map\">\n"
				       "<h2>Evidence map</h2>\n"
				       "<figure class=\"map\">\n"
				       "<div class=\"scroll\">\n");

	if (!rc)
		rc = map_svg(m, "Evidence map", 0, out);
	if (!rc)
		rc = buf_printf(
			out,
			"</div>\n<figcaption>Each cell counts the works with "
			"at least one passage carrying the lesson "
			"(rows), by %s (columns); darker is "
			"more.</figcaption>\n"
			"</figure>\n</section>\n",
			map_axis_title(m->by));
	return rc;
}

/*
 * Whether hit H can be quoted for lesson NAME.  A work that the query
 * found through its title, or through a passage that does not carry the
 * lesson, comes with its first passage, which need not carry it either:
 * such hits are not quoted, so every quotation under a lesson carries
 * the lesson.
 */
static int quotable(const struct search_hit *h, const char *name)
{
	if (!h->passage_text)
		return 0;
	for (size_t k = 0; k < h->n_lessons; k++)
		if (strcmp(h->lessons[k].lesson, name) == 0)
			return 1;
	return 0;
}

/* One lesson's section: its description, its count, its quotations. */
static ev_status write_lesson(struct buf *out, const struct report_options *o,
			      const struct lessons *tax, size_t lesson,
			      unsigned works, const struct search_result *res,
			      struct references *refs)
{
	const char *name = lessons_name(tax, lesson);
	const char *label = lessons_label(tax, lesson);
	const char *desc = lessons_description(tax, lesson);
	int searched = *o->search.query || o->search.types.n ||
		       o->search.since || o->search.until;
	const struct search_hit *chosen[REPORT_TOP_MAX];
	size_t quoted = 0;
	ev_status rc;

	for (size_t i = 0;
	     i < res->n_hits && quoted < o->top && quoted < REPORT_TOP_MAX;
	     i++)
		if (quotable(&res->hits[i], name))
			chosen[quoted++] = &res->hits[i];
	rc = buf_addstr(out, "<section class=\"lesson\" id=\"lesson-");
	if (!rc)
		rc = esc(out, name);
	if (!rc)
		rc = buf_addstr(out, "\">\n");
	if (!rc)
		rc = element(out, "h2", NULL, label ? label : name);
	if (!rc && desc)
		rc = element(out, "p", " class=\"description\"", desc);
	if (!rc && works == 0)
		rc = buf_printf(out,
				"<p class=\"note\">No passage %s carries this "
				"lesson.</p>\n",
				searched ? "among the works this search found"
					 : "in the collection");
	else if (!rc && searched)
		rc = buf_printf(out,
				"<p class=\"note\">%u of the works this "
				"search found ha%s passages carrying this "
				"lesson",
				works, works == 1 ? "s" : "ve");
	else if (!rc)
		rc = buf_printf(out,
				"<p class=\"note\">%u work%s in the "
				"collection ha%s passages carrying this "
				"lesson",
				works, works == 1 ? "" : "s",
				works == 1 ? "s" : "ve");
	if (!rc && works && quoted >= works)
		rc = buf_addstr(out, ", quoted below.</p>\n");
	else if (!rc && works && quoted == 0)
		rc = buf_addstr(out, "; they are counted in the map.</p>\n");
	else if (!rc && works && quoted == 1)
		rc = buf_printf(out,
				"; the strongest is quoted below, the other "
				"%zu are counted in the map.</p>\n",
				(size_t)works - 1);
	else if (!rc && works)
		rc = buf_printf(out,
				"; the %zu strongest are quoted below, the "
				"other %zu are counted in the map.</p>\n",
				quoted, (size_t)works - quoted);
	for (size_t i = 0; !rc && i < quoted; i++) {
		const struct search_hit *h = chosen[i];
		size_t n = reference_number(refs, &h->work);

		if (!n)
			return EV_NOMEM;
		rc = buf_addstr(out, "<blockquote>\n<p>");
		if (!rc)
			rc = add_quote_text(out, h->passage_text);
		if (!rc)
			rc = buf_addstr(out,
					"</p>\n<footer>\xe2\x80\x94 <cite>");
		if (!rc)
			rc = esc(out,
				 h->work.title ? h->work.title : "(untitled)");
		if (!rc)
			rc = buf_addstr(out, "</cite>");
		if (!rc && h->work.issued.year)
			rc = buf_printf(out, ", %d", h->work.issued.year);
		if (!rc)
			rc = buf_addstr(out, " <span class=\"type\">");
		if (!rc)
			rc = esc(out, h->work.evidence_type
					      ? h->work.evidence_type
					      : "other");
		if (!rc)
			rc = buf_printf(out,
					"</span> <a href=\"#ref-%zu\">[%zu]"
					"</a></footer>\n</blockquote>\n",
					n, n);
	}
	if (!rc)
		rc = buf_addstr(out, "</section>\n");
	return rc;
}

/* The numbered reference list, in STYLE (vancouver or apa), with the
 * titles in italics as the style wants them; cite.c escapes the text. */
static ev_status write_references(struct buf *out,
				  const struct references *refs,
				  const char *style)
{
	struct buf ref = BUF_INIT;
	char(*suffixes)[4] = NULL;
	int apa = cite_style_lookup(style) == CITE_APA;
	ev_status rc;

	rc = buf_addstr(out, "<section id=\"references\">\n"
			     "<h2>References</h2>\n");
	if (!rc && !refs->n)
		rc = buf_addstr(out, "<p class=\"note\">Nothing was quoted, "
				     "so there is nothing to cite.</p>\n");
	if (!rc && refs->n)
		rc = buf_addstr(out, "<ol class=\"references\">\n");
	if (!rc && refs->n && apa) {
		suffixes = calloc(refs->n, sizeof(*suffixes));
		rc = suffixes ? cite_apa_suffixes(refs->works, refs->n,
						  suffixes)
			      : EV_NOMEM;
	}
	for (size_t i = 0; !rc && i < refs->n; i++) {
		buf_reset(&ref);
		rc = apa ? cite_apa_suffixed(&refs->works[i], CITE_HTML,
					     suffixes[i], &ref)
			 : cite_vancouver(&refs->works[i], CITE_HTML, &ref);
		if (!rc)
			rc = buf_printf(out, "<li id=\"ref-%zu\">%s</li>\n",
					i + 1, buf_str(&ref));
	}
	if (!rc && refs->n)
		rc = buf_addstr(out, "</ol>\n");
	if (!rc)
		rc = buf_addstr(out, "</section>\n");
	free(suffixes);
	buf_release(&ref);
	return rc;
}

/* The lessons to quote: those asked for, else the core ones and every
 * lesson with works, in the map's (taxonomy) order. */
static ev_status choose_sections(const struct report_options *o,
				 const struct evidence_map *m,
				 struct strvec *sections)
{
	ev_status rc = EV_OK;

	for (size_t r = 0; !rc && r < m->row_names.n; r++) {
		const char *name = m->row_names.v[r];
		int core = 0;

		for (size_t k = 0; k < 3; k++)
			core |= strcmp(name, core_lessons[k]) == 0;
		if (o->lessons.n || core || m->row_totals[r])
			rc = strvec_push(sections, name);
	}
	return rc;
}

ev_status report_build(const char *index_dir, const struct report_options *o,
		       const struct lessons *tax, struct buf *html,
		       char **msgp)
{
	struct evidence_map m = {0};
	struct references refs = {0};
	struct strvec sections = STRVEC_INIT;
	struct buf title = BUF_INIT;
	ev_status rc;

	if (msgp)
		*msgp = NULL;
	rc = map_build(index_dir, &o->search, o->by, tax, &o->lessons, &m,
		       msgp);
	if (!rc)
		rc = choose_sections(o, &m, &sections);
	if (!rc)
		rc = buf_addstr(&title, "Evidence brief");
	if (!rc && *o->search.query)
		rc = buf_printf(&title, ": \xe2\x80\x9c%s\xe2\x80\x9d",
				o->search.query);
	if (!rc)
		rc = write_head(html, buf_str(&title));
	if (!rc)
		rc = element(html, "h1", NULL, buf_str(&title));
	if (!rc)
		rc = buf_addstr(html, "<p class=\"subtitle\">What the "
				      "collected evidence says, lesson by "
				      "lesson, in the words of the passages "
				      "that say it.</p>\n");
	if (!rc)
		rc = write_searched(html, o, &m, &sections);
	if (rc)
		goto out;
	if (m.works == 0) {
		rc = buf_addstr(
			html,
			"<section id=\"nothing\">\n<h2>Nothing yet</h2>\n"
			"<p class=\"empty\">The collection holds no "
			"evidence yet, so there is nothing to map or "
			"quote. Add works with <code>evidence "
			"add</code>, then make this brief "
			"again.</p>\n</section>\n");
		goto end;
	}
	rc = write_map(html, &m);
	for (size_t r = 0; !rc && r < m.row_names.n; r++) {
		struct search_options so = o->search;
		struct search_result res = {0};
		long lesson = lessons_find(tax, m.row_names.v[r]);

		if (strvec_find(&sections, m.row_names.v[r]) < 0 || lesson < 0)
			continue;
		strvec_init(&so.lessons);
		/* Some hits may not be quotable: ask for more. */
		so.limit = o->top * 4 < SEARCH_MAX_LIMIT ? o->top * 4
							 : SEARCH_MAX_LIMIT;
		so.offset = 0;
		so.all_passages = 0;
		if (m.row_totals[r] && o->top) {
			rc = strvec_push(&so.lessons, m.row_names.v[r]);
			if (!rc)
				rc = search_run(index_dir, &so, &res, msgp);
		}
		if (!rc)
			rc = write_lesson(html, o, tax, (size_t)lesson,
					  m.row_totals[r], &res, &refs);
		search_result_release(&res);
		strvec_release(&so.lessons);
	}
	if (!rc)
		rc = write_references(html, &refs, o->style);
end:
	if (!rc)
		rc = buf_printf(html, "<footer class=\"colophon\">Made by "
				      "evidence " PACKAGE_VERSION
				      "; references in %s style."
				      "</footer>\n</body>\n</html>\n",
				cite_style_lookup(o->style) == CITE_APA
					? "APA"
					: "Vancouver");
out:
	if (rc && msgp && !*msgp)
		*msgp = strdup(status_to_string(rc));
	buf_release(&title);
	strvec_release(&sections);
	references_release(&refs);
	map_release(&m);
	return rc;
}
