/* gencorpus.c - a seeded synthetic corpus of article pages and PubMed XML */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * usage: gencorpus html|pubmed N SEED DIR [PER_FILE]
 *
 * html:   N article pages, DIR/XXX/page-NNNNNNN.html (1,000 per folder),
 *         each with Highwire citation_* meta tags and about 800 words in
 *         eight paragraphs under <article>.
 * pubmed: N records as efetch XML, DIR/pubmed-NNNN.xml, PER_FILE per
 *         file (default 500, efetch's usual batch), each with an
 *         abstract of about 200 words in four sections.
 *
 * The same N and SEED always give the same bytes (our own xorshift, not
 * rand(), so the C library cannot change them).  The words are drawn as
 * prose has them: a few frequent ones, the topic's, and a long tail of
 * rare ones (made up, see LEXICON).  About one paragraph in three
 * carries a cue from the shipped lessons.conf, so the tagger finds
 * lessons to record and does its full work.
 */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng_next() % n);
}

#define PICK(a) ((a)[rng_below(sizeof(a) / sizeof(*(a)))])

/* The head of the vocabulary, most frequent first: the function words
 * of English prose, then the words of the topic. */
static const char *const head[] = {
    "the", "of", "and", "to", "in", "a", "for", "with", "was", "were", "is",
    "are", "that", "this", "these", "by", "on", "from", "at", "as", "be",
    "had", "have", "not", "more", "most", "some", "many", "other",
    "practice", "practices", "network", "networks", "federation",
    "federations", "partnership", "partnerships", "primary", "care",
    "general", "practitioner", "practitioners", "patients", "patient",
    "access", "appointments", "workforce", "nurses", "pharmacists",
    "paramedics", "physiotherapists", "social", "prescribing", "link",
    "workers", "funding", "contract", "directed", "enhanced", "service",
    "services", "commissioning", "commissioners", "clinical", "groups",
    "integrated", "systems", "population", "health", "management",
    "outcomes", "quality", "improvement", "evaluation", "evidence",
    "interviews", "survey", "qualitative", "study", "studies", "staff",
    "managers", "leaders", "leadership", "governance", "board", "members",
    "member", "locality", "neighbourhood", "community", "hospital", "trusts",
    "providers", "provider", "demand", "capacity", "workload", "recruitment",
    "retention", "training", "estates", "digital", "records", "data",
    "sharing", "information", "technology", "telephone", "online",
    "consultations", "continuity", "chronic", "disease", "prevention",
    "screening", "vaccination", "elderly", "frail", "homes", "mental",
    "wellbeing", "inequalities", "deprived", "areas", "rural", "urban",
    "scale", "size", "merger", "mergers", "super", "large", "small",
    "single", "handed", "list", "registered", "policy", "national", "local",
    "regional", "england", "nhs", "plan", "long", "term", "forward", "view",
    "reform", "reforms", "incentives", "payments", "budget", "investment",
    "costs", "savings", "efficiency", "productivity", "performance",
    "targets", "indicators", "framework", "specification", "specifications",
    "requirements", "guidance", "support", "infrastructure",
    "administration", "back", "office", "shared", "functions", "finance",
    "human", "resources", "legal", "structure", "model", "models",
    "organisation", "organisations", "collaboration", "collaborative",
    "working", "together", "joint", "partners", "stakeholders", "engagement",
    "communication", "meetings", "decisions", "decision", "making",
    "autonomy", "independence", "identity", "ownership", "profession",
    "professional", "clinicians", "doctors", "teams", "team",
    "multidisciplinary", "roles", "role", "additional", "reimbursement",
    "scheme", "pilot", "pilots", "sites", "site", "case", "cases",
    "findings", "results", "analysis", "methods", "participants",
    "respondents", "reported", "described", "suggested", "found", "showed",
    "observed", "noted", "experience", "experiences", "views", "perceptions",
    "attitudes", "barriers", "facilitators", "challenges", "benefits",
    "risks", "tensions", "conflict", "change", "changes", "transformation",
    "development", "implementation", "delivery", "progress", "early",
    "later", "years", "months", "time", "period", "phase", "stage", "first",
    "second", "third", "year", "new", "existing", "current", "future",
    "previous",
};

/*
 * The rest of the vocabulary is made up.  LEXICON words in all, ranked
 * by frequency: the word of rank r (from 1) is drawn with a weight of
 * 1 / (r + 2.7) up to rank KNEE, and the weight falls with the square of
 * the rank after it.  That is Zipf's law where prose follows it, with
 * the thinner tail that real collections show, so the distinct words
 * grow with the text as Heaps' law has it: about 118,000 in the 8
 * million words of 10,000 pages, 340,000 in ten times as much.  (A flat
 * draw from the head alone put nearly every word in nearly every page:
 * no search engine indexes or searches such text the way it does prose.)
 * The weights are integers, so no maths library can change a draw.
 */
#define LEXICON 1000000u
#define KNEE 5000u

static uint64_t *cumulative; /* [r - 1]: the weights of ranks 1 to r */

static int lexicon_init(void)
{
	const uint64_t top = (uint64_t)1 << 44;
	const uint64_t at_knee = top / (10 * KNEE + 27);
	uint64_t sum = 0;

	cumulative = malloc(LEXICON * sizeof(*cumulative));
	if (!cumulative) {
		fputs("gencorpus: out of memory\n", stderr);
		return -1;
	}
	for (uint64_t r = 1; r <= LEXICON; r++) {
		if (r <= KNEE)
			sum += top / (10 * r + 27);
		else
			sum += at_knee * KNEE * KNEE / (r * r);
		cumulative[r - 1] = sum;
	}
	return 0;
}

/* Each made-up stem is two to four of these: one consonant, one vowel,
 * at most one consonant more.  NSYL is 1 << 5, as word_of_rank() takes
 * it. */
#define NSYL 32u
static const char *const syllables[] = {
    "ba", "ca", "cor", "da", "den", "der", "fa", "gal",
    "ga", "hep", "la", "lin", "lo", "ma", "med", "mer",
    "na", "nel", "pa", "pen", "po", "ra", "ren", "ri",
    "sa", "sen", "ta", "ter", "to", "va", "ven", "zo",
};

_Static_assert(sizeof(syllables) / sizeof(*syllables) == NSYL,
	       "NSYL syllables");
#define NHEAD (sizeof(head) / sizeof(*head))

/* The word of rank R: the head's, or a made-up stem with one of four
 * endings (so that the stemmer has families to fold), in BUF. */
static const char *word_of_rank(unsigned long r, char buf[32])
{
	static const char *const endings[] = {"", "s", "ed", "ing"};
	unsigned long k, stem;
	unsigned n = 0;

	if (r <= NHEAD)
		return head[r - 1];
	k = r - NHEAD - 1;
	stem = k / 4;
	/* Its syllables: the fewest that number it, two at least, each
	 * stem's digits scrambled (an odd multiplier modulo NSYL^n is one
	 * to one) so that the frequent stems do not all end alike. */
	while (n < 2 || stem >> (5 * n))
		n++;
	stem = (stem * 0x9e3779b1UL) & ((1UL << (5 * n)) - 1);
	buf[0] = '\0';
	while (n--) {
		strcat(buf, syllables[stem % NSYL]);
		stem /= NSYL;
	}
	strcat(buf, endings[k % 4]);
	return buf;
}

/* A word drawn by its weight, in BUF if made up. */
static const char *word_drawn(char buf[32])
{
	uint64_t u = rng_next() % cumulative[LEXICON - 1];
	unsigned long lo = 0, hi = LEXICON - 1;

	/* The first rank whose cumulative weight passes U. */
	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (cumulative[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return word_of_rank(lo + 1, buf);
}

/* Sentences that fire the shipped lessons' cues (focus, pacing,
 * relationships, and the optional ones). */
static const char *const cues[] = {
    "The network suffered from mission creep as its remit widened.",
    "Leaders warned that it was a marathon not a sprint.",
    "Trust between practices took years to build.",
    "Members felt the federation had taken on too much, too soon.",
    "Clear and measurable goals helped the network keep its focus.",
    "Managers advised to under promise and over deliver.",
    "Goodwill and reciprocity between member practices mattered most.",
    "There was a sense of us and them between the practices.",
    "Change takes time and it took three years to see benefits.",
    "The board agreed a few focused priorities and measured progress.",
    "Relationships and a shared culture were built slowly over time.",
    "Engaging member practices early built trust and commitment.",
    "The programme tried to do too much at once and was overstretched.",
    "Funding was short term and support from the commissioners varied.",
    "Recruitment of pharmacists and link workers was hard.",
};

static const char *const family[] = {
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson",
    "Davies", "Patel", "Robinson", "Wright", "Thompson", "Evans",
    "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Khan", "Lewis", "Harris", "Martin", "Cooper", "Hill",
    "Ward", "Morris", "Turner", "Kumpunen", "Pettigrew", "Checkland",
};

static const char *const given[] = {
    "Anna", "Ben", "Clare", "David", "Emma", "Fiona", "George", "Hannah",
    "Ian", "Jane", "Kate", "Liam", "Maria", "Nina", "Oliver", "Priya",
    "Rachel", "Sam", "Tom", "Usha", "Victoria", "Will", "Zara",
};

static const char *const journals[] = {
    "British Journal of General Practice", "BMJ Open",
    "Journal of Health Services Research and Policy",
    "Health Policy", "BMC Family Practice", "Primary Health Care Research "
    "and Development", "Journal of Integrated Care",
};

static void words_out(FILE *f, unsigned n, int capital)
{
	char buf[32];

	for (unsigned i = 0; i < n; i++) {
		const char *w = word_drawn(buf);

		if (i)
			fputc(' ', f);
		if (i == 0 && capital) {
			fputc(w[0] - 'a' + 'A', f);
			fputs(w + 1, f);
		} else {
			fputs(w, f);
		}
	}
}

/* About N words of sentences; with CUE, one lesson sentence inside. */
static void paragraph_out(FILE *f, unsigned n, int cue)
{
	unsigned done = 0, cue_at = cue ? rng_below(n / 2 + 1) : n + 1;

	while (done < n) {
		unsigned len = 8 + rng_below(14);

		if (done)
			fputc(' ', f);
		if (done >= cue_at) {
			fputs(PICK(cues), f);
			cue_at = n + 1;
			done += 10;
			continue;
		}
		words_out(f, len, 1);
		fputc('.', f);
		done += len;
	}
}

static int mkdirs(const char *path)
{
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "gencorpus: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "gencorpus: %s: %s\n", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "gencorpus: %s: write error\n", path);
		return -1;
	}
	return 0;
}

static void html_page(FILE *f, unsigned long n)
{
	unsigned year = 2010 + rng_below(15), n_authors = 1 + rng_below(4);

	fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>",
	      f);
	words_out(f, 8, 1);
	fputs("</title>\n<meta name=\"citation_title\" content=\"", f);
	words_out(f, 6 + rng_below(8), 1);
	fputs("\">\n", f);
	for (unsigned i = 0; i < n_authors; i++)
		fprintf(f, "<meta name=\"citation_author\" content=\"%s, %s\">\n",
			PICK(family), PICK(given));
	fprintf(f,
		"<meta name=\"citation_publication_date\" "
		"content=\"%u/%02u/%02u\">\n"
		"<meta name=\"citation_journal_title\" content=\"%s\">\n"
		"<meta name=\"citation_doi\" content=\"10.5555/bench.%lu\">\n"
		"<link rel=\"canonical\" "
		"href=\"https://bench.example.org/a/%lu\">\n"
		"</head>\n<body>\n<header><nav><a href=\"/\">Home</a></nav>"
		"</header>\n<main>\n<article>\n<h1>",
		year, 1 + rng_below(12), 1 + rng_below(28), PICK(journals), n,
		n);
	words_out(f, 7, 1);
	fputs("</h1>\n", f);
	for (unsigned p = 0; p < 8; p++) {
		if (p % 3 == 1) {
			fputs("<h2>", f);
			words_out(f, 3, 1);
			fputs("</h2>\n", f);
		}
		fputs("<p>", f);
		paragraph_out(f, 90 + rng_below(20), rng_below(3) == 0);
		fputs("</p>\n", f);
	}
	fputs("</article>\n</main>\n<footer><p>Footer text</p></footer>\n"
	      "</body>\n</html>\n",
	      f);
}

static int gen_html(unsigned long count, const char *dir)
{
	char path[4096];
	FILE *f;

	if (mkdirs(dir))
		return -1;
	for (unsigned long i = 0; i < count; i++) {
		if (i % 1000 == 0) {
			snprintf(path, sizeof(path), "%s/%03lu", dir,
				 i / 1000);
			if (mkdirs(path))
				return -1;
		}
		snprintf(path, sizeof(path), "%s/%03lu/page-%07lu.html", dir,
			 i / 1000, i);
		f = open_out(path);
		if (!f)
			return -1;
		html_page(f, i);
		if (close_out(f, path))
			return -1;
	}
	return 0;
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
				     "May", "Jun", "Jul", "Aug",
				     "Sep", "Oct", "Nov", "Dec"};
static const char *const labels[] = {"BACKGROUND", "METHODS", "RESULTS",
				     "CONCLUSIONS"};

static void pubmed_record(FILE *f, unsigned long n)
{
	unsigned long pmid = 30000000UL + n;
	unsigned n_authors = 1 + rng_below(5);

	fprintf(f,
		"<PubmedArticle>\n<MedlineCitation Status=\"MEDLINE\" "
		"Owner=\"NLM\">\n<PMID Version=\"1\">%lu</PMID>\n"
		"<Article PubModel=\"Print\">\n<Journal>\n"
		"<JournalIssue CitedMedium=\"Internet\"><Volume>%u</Volume>"
		"<PubDate><Year>%u</Year><Month>%s</Month></PubDate>"
		"</JournalIssue>\n<Title>%s</Title>\n</Journal>\n"
		"<ArticleTitle>",
		pmid, 1 + rng_below(80), 2000 + rng_below(25),
		PICK(months), PICK(journals));
	words_out(f, 8 + rng_below(8), 1);
	fputs(".</ArticleTitle>\n<ELocationID EIdType=\"doi\" "
	      "ValidYN=\"Y\">",
	      f);
	fprintf(f, "10.5555/pm.%lu</ELocationID>\n<Abstract>\n", n);
	for (unsigned s = 0; s < 4; s++) {
		fprintf(f, "<AbstractText Label=\"%s\">", labels[s]);
		paragraph_out(f, 45 + rng_below(10), rng_below(4) == 0);
		fputs("</AbstractText>\n", f);
	}
	fputs("</Abstract>\n<AuthorList CompleteYN=\"Y\">\n", f);
	for (unsigned i = 0; i < n_authors; i++)
		fprintf(f,
			"<Author ValidYN=\"Y\"><LastName>%s</LastName>"
			"<ForeName>%s</ForeName></Author>\n",
			PICK(family), PICK(given));
	fputs("</AuthorList>\n<Language>eng</Language>\n"
	      "<PublicationTypeList><PublicationType UI=\"D016428\">"
	      "Journal Article</PublicationType></PublicationTypeList>\n"
	      "</Article>\n<KeywordList Owner=\"NOTNLM\"><Keyword>",
	      f);
	words_out(f, 2, 0);
	fputs("</Keyword><Keyword>", f);
	words_out(f, 2, 0);
	fprintf(f,
		"</Keyword></KeywordList>\n</MedlineCitation>\n<PubmedData>\n"
		"<ArticleIdList><ArticleId IdType=\"pubmed\">%lu</ArticleId>"
		"<ArticleId IdType=\"doi\">10.5555/pm.%lu</ArticleId>"
		"</ArticleIdList>\n</PubmedData>\n</PubmedArticle>\n",
		pmid, n);
}

static int gen_pubmed(unsigned long count, unsigned long per_file,
		      const char *dir)
{
	char path[4096];

	if (mkdirs(dir))
		return -1;
	for (unsigned long i = 0; i < count; i += per_file) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/pubmed-%04lu.xml", dir,
			 i / per_file);
		f = open_out(path);
		if (!f)
			return -1;
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<PubmedArticleSet>\n",
		      f);
		for (unsigned long j = i; j < count && j < i + per_file; j++)
			pubmed_record(f, j);
		fputs("</PubmedArticleSet>\n", f);
		if (close_out(f, path))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count, seed, per_file = 500;
	char *end;
	int rc;

	if ((argc != 5 && argc != 6) ||
	    (strcmp(argv[1], "html") && strcmp(argv[1], "pubmed"))) {
		fputs("usage: gencorpus html|pubmed N SEED DIR [PER_FILE]\n",
		      stderr);
		return 2;
	}
	count = strtoul(argv[2], &end, 10);
	if (*end || !count) {
		fputs("gencorpus: N must be a positive number\n", stderr);
		return 2;
	}
	seed = strtoul(argv[3], &end, 10);
	if (*end) {
		fputs("gencorpus: SEED must be a number\n", stderr);
		return 2;
	}
	if (argc == 6) {
		per_file = strtoul(argv[5], &end, 10);
		if (*end || !per_file) {
			fputs("gencorpus: PER_FILE must be a positive "
			      "number\n",
			      stderr);
			return 2;
		}
	}
	/* xorshift must not start at zero. */
	rng_state = 0x9e3779b97f4a7c15ULL ^ (seed * 0x100000001b3ULL);
	if (!rng_state)
		rng_state = 1;
	if (lexicon_init())
		return 1;
	if (!strcmp(argv[1], "html"))
		rc = gen_html(count, argv[4]);
	else
		rc = gen_pubmed(count, per_file, argv[4]);
	free(cumulative);
	return rc ? 1 : 0;
}
