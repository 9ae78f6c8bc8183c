/* parse-csljson.c - CSL-JSON items, and evidence's own stored records */
#include "config.h"

#include <jansson.h>

#include "parse-formats.h"

/*
 * One item (an object) or an array of items.  Our stored record JSON is a
 * superset of CSL-JSON, so record_from_json_value() reads both.  jansson
 * rejects invalid UTF-8 and (without JSON_ALLOW_NUL) a NUL in a string,
 * so such payloads fail here with its line and reason.  The items are all
 * checked to be objects before the first is passed on, so a bad array
 * passes nothing.
 */
ev_status parse_csljson(struct parser *p, const char *data, size_t len)
{
	json_error_t jerr;
	json_t *root, *item;
	struct record rec;
	size_t i;
	ev_status rc = EV_OK;

	record_init(&rec);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return parser_fail(p, EV_PARSE, "invalid JSON at line %d: %s",
				   jerr.line, jerr.text);
	if (json_is_object(root)) {
		rc = record_from_json_value(root, &rec);
		if (rc == EV_PARSE)
			rc = parser_fail(p, rc, "not a CSL-JSON item");
		else if (rc)
			rc = parser_fail(p, rc, "out of memory");
		else
			rc = parser_emit(p, &rec);
		goto out;
	}
	if (!json_is_array(root)) {
		rc = parser_fail(p, EV_PARSE,
				 "CSL-JSON is an object or an array of them");
		goto out;
	}
	json_array_foreach(root, i, item)
		if (!json_is_object(item)) {
			rc = parser_fail(p, EV_PARSE,
					 "item %zu of the array is not an "
					 "object", i + 1);
			goto out;
		}
	json_array_foreach(root, i, item) {
		rc = record_from_json_value(item, &rec);
		if (rc) {
			rc = parser_fail(p, rc, "out of memory");
			break;
		}
		rc = parser_emit(p, &rec);
		if (rc)
			break;
	}
out:
	record_release(&rec);
	json_decref(root);
	return rc;
}
