/* setup.c - the taxonomy and synonyms a command should use */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "defaults.h"
#include "fsutil.h"
#include "setup.h"

/* A taxonomy file larger than this is not one. */
#define MAX_CONF_FILE (4u * 1024 * 1024)

ev_status setup_lessons(const struct cli *cli, const struct collection *c,
			struct lessons **out, const char **usedp, char *err,
			size_t errsz)
{
	const char *path = cli->lessons;
	ev_status rc;

	*out = NULL;
	if (!path || !*path)
		path = getenv("EVIDENCE_LESSONS");
	if ((!path || !*path) && c && fs_exists(c->lessons_path))
		path = c->lessons_path;
	if (!path || !*path) {
		if (usedp)
			*usedp = "the built-in taxonomy";
		return lessons_parse(default_lessons_conf,
				     strlen(default_lessons_conf),
				     "built-in lessons.conf", out, err, errsz);
	}
	if (usedp)
		*usedp = path;
	rc = lessons_load(path, out, err, errsz);
	if (rc && rc != EV_PARSE && !err[0])
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
	return rc;
}

ev_status setup_synonyms(const struct collection *c, char **textp)
{
	struct buf b = BUF_INIT;
	ev_status rc;

	*textp = NULL;
	if (c && fs_exists(c->synonyms_path)) {
		rc = fs_read_file(c->synonyms_path, MAX_CONF_FILE, &b);
		if (rc) {
			buf_release(&b);
			return rc;
		}
		*textp = buf_detach(&b);
		return EV_OK;
	}
	*textp = strdup(default_synonyms_conf);
	return *textp ? EV_OK : EV_NOMEM;
}
