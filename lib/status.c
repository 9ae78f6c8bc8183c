/* status.c - status descriptions and the exit codes they map to */
#include "config.h"

#include "status.h"

const char *status_to_string(ev_status status)
{
	switch (status) {
	case EV_OK:
		return "success";
	case EV_NOMEM:
		return "out of memory";
	case EV_IO:
		return "input/output error";
	case EV_NETWORK:
		return "network error";
	case EV_HTTP:
		return "HTTP error";
	case EV_PARSE:
		return "malformed input";
	case EV_TOO_BIG:
		return "input too large";
	case EV_UNSUPPORTED:
		return "unsupported format";
	case EV_CORRUPT:
		return "data corrupt";
	case EV_VERSION:
		return "written by a newer version of evidence";
	case EV_INDEX:
		return "index error";
	case EV_LOCKED:
		return "locked by another writer";
	case EV_READONLY:
		return "read-only";
	case EV_MODIFIED:
		return "index modified by a writer";
	case EV_BAD_QUERY:
		return "bad query";
	case EV_NOT_FOUND:
		return "not found";
	case EV_USAGE:
		return "usage error";
	case EV_INTERRUPTED:
		return "interrupted";
	case EV_STATUS_LAST:
		break;
	}
	return "unknown error";
}

int status_to_exit(ev_status status)
{
	switch (status) {
	case EV_OK:
		return EXIT_OK;
	case EV_USAGE:
	case EV_BAD_QUERY:
		return EXIT_USAGE;
	case EV_PARSE:
	case EV_TOO_BIG:
	case EV_UNSUPPORTED:
	case EV_CORRUPT:
	case EV_VERSION:
		return EXIT_DATAERR;
	case EV_IO:
		return EXIT_IOERR;
	case EV_NETWORK:
	case EV_HTTP:
	case EV_LOCKED:
	case EV_MODIFIED:
	case EV_INTERRUPTED:
		return EXIT_TEMPFAIL;
	case EV_READONLY:
		return EXIT_NOPERM;
	case EV_NOT_FOUND:
		return EXIT_NOTHING;
	case EV_NOMEM:
	case EV_INDEX:
	case EV_STATUS_LAST:
		break;
	}
	return EXIT_SOFTWARE;
}

/* Rank used by status_worse(): higher is worse. */
static int severity(ev_status s)
{
	switch (s) {
	case EV_OK:
		return 0;
	case EV_NOT_FOUND:
		return 1;
	case EV_NETWORK:
	case EV_HTTP:
	case EV_LOCKED:
	case EV_MODIFIED:
		return 2;
	case EV_PARSE:
	case EV_TOO_BIG:
	case EV_UNSUPPORTED:
		return 3;
	default:
		return 4;
	}
}

ev_status status_worse(ev_status a, ev_status b)
{
	return severity(b) > severity(a) ? b : a;
}
