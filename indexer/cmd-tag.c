/* cmd-tag.c - "evidence tag": split text into passages, show their lessons */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "defaults.h"
#include "fsutil.h"
#include "lessons.h"
#include "passages.h"
#include "setup.h"
#include "sprinter.h"
#include "text.h"

static const char usage[] =
	"evidence tag [--format text|json] [--explain] [--lessons FILE] "
	"[FILE|-]";

/* Input is read whole, since the splitter decides on the whole text how
 * paragraphs are separated; this keeps a wrong file from eating memory. */
#define TAG_MAX_INPUT ((size_t)1 << 30)

/* Columns of passage text shown by the text layout. */
#define TEXT_PREVIEW 72

/*
 * The taxonomy (setup_lessons()): "tag" also works with no collection at
 * all.  Prints the error and returns an exit code on failure.
 */
static int load_lessons(struct cli *cli, struct lessons **out)
{
	struct collection c;
	int have = 0;
	char err[512] = "";
	ev_status rc;

	if (collection_locate(&c, cli->dir) == EV_OK)
		have = collection_check(&c) == EV_OK ? 1 : -1;
	rc = setup_lessons(cli, have > 0 ? &c : NULL, NULL, out, NULL, err,
			   sizeof(err));
	if (have)
		collection_release(&c);
	if (rc) {
		cli_error("%s", err[0] ? err : status_to_string(rc));
		return status_to_exit(rc);
	}
	return EXIT_OK;
}

/* Read all of PATH ("-" or NULL: standard input) into B. */
static int read_input(const char *path, struct buf *b)
{
	int stdin_ = !path || strcmp(path, "-") == 0;
	ev_status rc;

	rc = stdin_ ? fs_read_fd(STDIN_FILENO, TAG_MAX_INPUT, b) :
		      fs_read_file(path, TAG_MAX_INPUT, b);
	if (rc == EV_TOO_BIG)
		return cli_fail(rc, stdin_ ? "standard input" : path,
				"larger than 1 GiB; split it");
	if (rc)
		return cli_fail(rc, stdin_ ? "standard input" : path,
				strerror(errno));
	/* A NUL would cut the text short; treat it as a space. */
	for (size_t i = 0; i < b->len; i++)
		if (b->ptr[i] == '\0')
			b->ptr[i] = ' ';
	return EXIT_OK;
}

static void print_json(struct sprinter *sp, const struct lessons *l,
		       size_t n, const char *text,
		       const struct lesson_tags *tags)
{
	sp->begin_map(sp);
	sp_int(sp, "n", (long long)n);
	sp_str(sp, "text", text);
	lessons_print_tags(sp, l, tags);
	sp->end(sp);
}

/* The first line of TEXT, cut to TEXT_PREVIEW characters with "...". */
static void print_preview(FILE *out, const char *text)
{
	size_t len = strcspn(text, "\n"), i = 0, chars = 0;

	while (i < len && chars < TEXT_PREVIEW) {
		unsigned cp;
		size_t n = utf8_decode(text + i, len - i, &cp);

		i += n ? n : 1;
		chars++;
	}
	fwrite(text, 1, i, out);
	if (i < strlen(text))
		fputs(i < len ? "..." : " ...", out);
	putc('\n', out);
}

static void print_text(FILE *out, const struct lessons *l, size_t n,
		       const char *text, const struct lesson_tags *tags,
		       int explain)
{
	fprintf(out, "%zu. ", n);
	print_preview(out, text);
	if (tags->n == 0)
		fputs("   (no lessons)\n", out);
	for (size_t i = 0; i < tags->n; i++) {
		const struct lesson_tag *t = &tags->v[i];

		fprintf(out, "   %-15s %.2f", lessons_name(l, t->lesson),
			t->strength);
		if (explain)
			fprintf(out, "  (score %.2f)", t->score);
		putc('\n', out);
		for (size_t c = 0; explain && c < t->cues.n; c++)
			fprintf(out, "      %s\n", t->cues.v[c]);
	}
}

int cmd_tag(struct cli *cli, int argc, char **argv)
{
	enum { OPT_FORMAT = 1, OPT_EXPLAIN };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct lessons *l = NULL;
	struct sprinter *sp = NULL;
	struct strvec passages = STRVEC_INIT;
	struct lesson_tags tags;
	struct buf input = BUF_INIT;
	int format = OUT_TEXT, explain = 0, opt, code;
	const char *path = NULL;
	ev_status rc = EV_OK;

	lesson_tags_init(&tags);
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			format = cli_output_format(optarg,
						   OUT_ALLOW(OUT_TEXT) |
						   OUT_ALLOW(OUT_JSON));
			if (format < 0)
				return cli_usage_error("tag", usage,
						       "unknown format '%s' "
						       "(text or json)",
						       optarg);
			break;
		case OPT_EXPLAIN:
			explain = 1;
			break;
		default:
			if (!cli_common_option(cli, opt, optarg))
				return cli_bad_option("tag", usage);
		}
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return cli_usage_error("tag", usage, "one input at a time; "
				       "unexpected '%s'", argv[optind]);

	code = load_lessons(cli, &l);
	if (code)
		goto out;
	code = read_input(path, &input);
	if (code)
		goto out;
	/* Not buf_str(): after reading nothing, lib/buf.c leaves the memory
	 * it reserved without a NUL. */
	rc = passages_split(input.len ? input.ptr : "", &passages);
	if (rc) {
		code = cli_fail(rc, "tag", NULL);
		goto out;
	}
	if (format == OUT_JSON) {
		sp = sprinter_json_new(stdout);
		if (!sp) {
			code = cli_fail(EV_NOMEM, "tag", NULL);
			goto out;
		}
		sp->begin_map(sp);
		sp_int(sp, "format_version", 1);
		sp->map_key(sp, "passages");
		sp->begin_list(sp);
	}
	for (size_t i = 0; i < passages.n && !rc; i++) {
		const char *text = passages.v[i];
		char *clean = NULL;

		/* Output must be UTF-8 whatever came in. */
		if (!utf8_valid(text, strlen(text))) {
			clean = utf8_sanitise(text, strlen(text));
			if (!clean) {
				rc = EV_NOMEM;
				break;
			}
			text = clean;
		}
		rc = lessons_tag(l, text, 1.0, &tags);
		if (!rc && sp)
			print_json(sp, l, i + 1, text, &tags);
		else if (!rc)
			print_text(stdout, l, i + 1, text, &tags, explain);
		lesson_tags_release(&tags);
		free(clean);
	}
	if (rc) {
		code = cli_fail(rc, "tag", NULL);
		goto out;
	}
	if (sp) {
		sp->end(sp);
		sp->end(sp);
		sp->finish(sp);
	}
	code = EXIT_OK;
out:
	sprinter_free(sp);
	lesson_tags_release(&tags);
	strvec_release(&passages);
	buf_release(&input);
	lessons_free(l);
	return code;
}
