/* evidence-type.c - classify works by publication type, source and title */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "evidence-type.h"
#include "record.h"
#include "text.h"

static const struct {
	const char *name;
	const char *description;
	double prior;
} types[ET_COUNT] = {
    [ET_SYSTEMATIC_REVIEW] = {"systematic-review",
			      "systematic review or meta-analysis", 1.0},
    [ET_REVIEW] = {"review", "review of the literature or evidence", 0.85},
    [ET_STUDY] = {"study", "evaluation or primary study", 0.8},
    [ET_GUIDANCE] = {"guidance", "guidance, guideline or policy", 0.6},
    [ET_REPORT] = {"report", "report from a research or policy body", 0.7},
    [ET_EDITORIAL] = {"editorial", "editorial", 0.5},
    [ET_COMMENTARY] = {"commentary", "commentary or opinion", 0.5},
    [ET_LETTER] = {"letter", "letter or rapid response", 0.4},
    [ET_NEWS] = {"news", "news item or blog post", 0.4},
    [ET_OTHER] = {"other", "anything else", 0.3},
};

const char *evidence_type_name(enum evidence_type t)
{
	return (unsigned)t < ET_COUNT ? types[t].name : "other";
}

const char *evidence_type_description(enum evidence_type t)
{
	return (unsigned)t < ET_COUNT ? types[t].description : "";
}

double evidence_type_prior(enum evidence_type t)
{
	return (unsigned)t < ET_COUNT ? types[t].prior : types[ET_OTHER].prior;
}

int evidence_type_lookup(const char *name)
{
	static const struct {
		const char *alias;
		enum evidence_type type;
	} aliases[] = {
	    {"sr", ET_SYSTEMATIC_REVIEW},
	    {"meta-analysis", ET_SYSTEMATIC_REVIEW},
	    {"evaluation", ET_STUDY},
	    {"primary-study", ET_STUDY},
	    {"blog", ET_NEWS},
	    {"opinion", ET_COMMENTARY},
	    {"guideline", ET_GUIDANCE},
	};

	for (int t = 0; t < ET_COUNT; t++)
		if (strcasecmp(name, types[t].name) == 0)
			return t;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(*aliases); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			return (int)aliases[i].type;
	return -1;
}

/* PubMed, Europe PMC and Crossref publication types, most specific first:
 * the first row that any of a record's types matches wins. */
static const struct {
	const char *pubtype;
	enum evidence_type type;
} pubtype_rules[] = {
    /* Notices about other works are not evidence themselves. */
    {"retraction of publication", ET_OTHER},
    {"published erratum", ET_OTHER},
    {"systematic review", ET_SYSTEMATIC_REVIEW},
    {"meta-analysis", ET_SYSTEMATIC_REVIEW},
    {"practice guideline", ET_GUIDANCE},
    {"guideline", ET_GUIDANCE},
    {"consensus development conference", ET_GUIDANCE},
    {"randomized controlled trial", ET_STUDY},
    {"controlled clinical trial", ET_STUDY},
    {"clinical trial", ET_STUDY},
    {"observational study", ET_STUDY},
    {"evaluation study", ET_STUDY},
    {"evaluation studies", ET_STUDY},
    {"comparative study", ET_STUDY},
    {"multicenter study", ET_STUDY},
    {"validation study", ET_STUDY},
    {"validation studies", ET_STUDY},
    {"twin study", ET_STUDY},
    {"scoping review", ET_REVIEW},
    {"review", ET_REVIEW},
    {"editorial", ET_EDITORIAL},
    {"letter", ET_LETTER},
    {"comment", ET_COMMENTARY},
    {"news", ET_NEWS},
    {"newspaper article", ET_NEWS},
    {"technical report", ET_REPORT},
    {"report", ET_REPORT},
};

/* CSL item types that settle the question on their own. */
static const struct {
	const char *csl;
	enum evidence_type type;
} csl_rules[] = {
    {"report", ET_REPORT},
    {"post-weblog", ET_NEWS},
    {"post", ET_NEWS},
    {"article-newspaper", ET_NEWS},
    {"article-magazine", ET_NEWS},
    {"legislation", ET_GUIDANCE},
    {"thesis", ET_STUDY},
    {"book", ET_REPORT},
};

/* Words in a title (lower case) that say what a work is.  Checked in
 * order; the first that occurs wins. */
static const struct {
	const char *cue;
	enum evidence_type type;
} title_rules[] = {
    {"systematic review", ET_SYSTEMATIC_REVIEW},
    {"meta-analysis", ET_SYSTEMATIC_REVIEW},
    {"meta analysis", ET_SYSTEMATIC_REVIEW},
    {"scoping review", ET_REVIEW},
    {"rapid review", ET_REVIEW},
    {"realist review", ET_REVIEW},
    {"literature review", ET_REVIEW},
    {"evidence review", ET_REVIEW},
    {"review of", ET_REVIEW},
    {"evaluation", ET_STUDY},
    {"evaluating", ET_STUDY},
    {"qualitative study", ET_STUDY},
    {"mixed-methods", ET_STUDY},
    {"mixed methods", ET_STUDY},
    {"case study", ET_STUDY},
    {"survey", ET_STUDY},
    {"cohort", ET_STUDY},
    {"trial", ET_STUDY},
    {"observational study", ET_STUDY},
    {"interview study", ET_STUDY},
    {"difference-in-differences", ET_STUDY},
    {"guidance", ET_GUIDANCE},
    {"guideline", ET_GUIDANCE},
    {"specification", ET_GUIDANCE},
    {"handbook", ET_GUIDANCE},
    {"toolkit", ET_GUIDANCE},
    {"contract", ET_GUIDANCE},
    {"editorial", ET_EDITORIAL},
    {"letter", ET_LETTER},
    {"rapid response", ET_LETTER},
    {"response to", ET_LETTER},
    {"report", ET_REPORT},
    {"explained", ET_REPORT},
    {"comment", ET_COMMENTARY},
    {"opinion", ET_COMMENTARY},
    {"blog", ET_NEWS},
};

/* Container titles (journals, sites) that mark blogs and news. */
static const char *const news_containers[] = {
    "blog", "opinion", "news", "pulse", "gponline", "health service journal",
};

/* Does HAY hold NEEDLE (lower case), ignoring ASCII case?  Classifying
 * a work tries some fifty needles at every byte of its title, so a byte
 * that cannot start the needle is passed over without calling
 * strncasecmp(): c | 0x20 is c's lower case for an ASCII letter, and no
 * other byte turns into one. */
static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	unsigned char first = (unsigned char)needle[0];
	int letter = first >= 'a' && first <= 'z';

	for (; *hay; hay++) {
		unsigned char c = (unsigned char)*hay;

		if (letter && (c | 0x20) != first)
			continue;
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	}
	return 0;
}

enum evidence_type evidence_type_classify(const struct record *rec)
{
	size_t i, j;

	for (i = 0; i < sizeof(pubtype_rules) / sizeof(*pubtype_rules); i++)
		for (j = 0; j < rec->publication_types.n; j++)
			if (strcasecmp(rec->publication_types.v[j],
				       pubtype_rules[i].pubtype) == 0)
				return pubtype_rules[i].type;
	if (rec->type)
		for (i = 0; i < sizeof(csl_rules) / sizeof(*csl_rules); i++)
			if (strcmp(rec->type, csl_rules[i].csl) == 0)
				return csl_rules[i].type;
	if (rec->title)
		for (i = 0; i < sizeof(title_rules) / sizeof(*title_rules);
		     i++)
			if (contains_ci(rec->title, title_rules[i].cue))
				return title_rules[i].type;
	if (rec->container_title)
		for (i = 0;
		     i < sizeof(news_containers) / sizeof(*news_containers);
		     i++)
			if (contains_ci(rec->container_title,
					news_containers[i]))
				return ET_NEWS;
	if (rec->type && strcmp(rec->type, "webpage") == 0)
		return ET_COMMENTARY;
	/* A journal article with an abstract and no other sign is most
	 * often a primary study; one without is most often comment. */
	if (rec->type && strcmp(rec->type, "article-journal") == 0)
		return rec->abstract ? ET_STUDY : ET_COMMENTARY;
	return ET_OTHER;
}

int evidence_type_retracted(const struct record *rec)
{
	for (size_t i = 0; i < rec->publication_types.n; i++)
		if (!strcasecmp(rec->publication_types.v[i],
				"retracted publication"))
			return 1;
	return 0;
}
