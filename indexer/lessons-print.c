/* lessons-print.c - a passage's lessons through the structure printer */
#include "config.h"

#include "lessons.h"
#include "sprinter.h"

void lessons_print_tags(struct sprinter *sp, const struct lessons *tax,
			   const struct lesson_tags *tags)
{
	sp->map_key(sp, "lessons");
	sp->begin_list(sp);
	for (size_t k = 0; tags && k < tags->n; k++) {
		const struct lesson_tag *t = &tags->v[k];

		sp->begin_map(sp);
		sp_str(sp, "lesson", lessons_name(tax, t->lesson));
		sp_real(sp, "strength", t->strength);
		sp_real(sp, "score", t->score);
		sp->map_key(sp, "cues");
		sp->begin_list(sp);
		for (size_t c = 0; c < t->cues.n; c++)
			sp->string(sp, t->cues.v[c]);
		sp->end(sp);
		sp->end(sp);
	}
	sp->end(sp);
}
