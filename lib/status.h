/* status.h - the one status type every module returns */
#ifndef EVIDENCE_STATUS_H
#define EVIDENCE_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every function that can fail returns an ev_status.  EV_OK is zero so
 * that "if (rc)" reads as "if it failed".  Library code never prints: it
 * returns one of these and leaves the detail in a message the caller owns
 * or on the handle it was given.  Only the cmd-*.c files print.
 */
typedef enum ev_status {
	EV_OK = 0,
	EV_NOMEM,	/* out of memory */
	EV_IO,		/* a read or write failed (disk full, I/O error) */
	EV_NETWORK,	/* could not connect, DNS failure, timeout */
	EV_HTTP,	/* the server answered with an error status */
	EV_PARSE,	/* malformed or truncated input */
	EV_TOO_BIG,	/* input over a size or depth cap */
	EV_UNSUPPORTED, /* a format or scheme we do not read */
	EV_CORRUPT,	/* the index or a stored record is damaged */
	EV_VERSION,	/* written by a newer version of evidence */
	EV_INDEX,	/* any other error from the index */
	EV_LOCKED,	/* another writer holds the lock */
	EV_READONLY,	/* no permission to write the collection */
	EV_MODIFIED,	/* the index changed under a reader: reopen, retry */
	EV_BAD_QUERY,	/* the query could not be parsed */
	EV_NOT_FOUND,	/* no such record, file or database */
	EV_USAGE,	/* bad arguments or configuration */
	EV_INTERRUPTED, /* stopped by a signal */
	EV_STATUS_LAST
} ev_status;

/* The exit statuses documented in evidence(1). */
enum {
	EXIT_OK = 0,
	EXIT_NOTHING = 1,   /* nothing matched, or some inputs were skipped */
	EXIT_USAGE = 2,	    /* usage or query error */
	EXIT_DATAERR = 65,  /* bad input data, corrupt index */
	EXIT_UNAVAILABLE = 69, /* a program evidence runs is missing */
	EXIT_SOFTWARE = 70, /* internal error */
	EXIT_IOERR = 74,    /* I/O error, disk full */
	EXIT_TEMPFAIL = 75, /* temporary: lock held, network down; retry */
	EXIT_NOPERM = 77    /* no permission */
};

/* A short English description of a status ("database locked ..."). */
const char *status_to_string(ev_status status);

/* The process exit code that a command failing with STATUS should use. */
int status_to_exit(ev_status status);

/* Pick the status that decides the exit code when several things failed:
 * a temporary failure wins over "nothing matched" and loses to real errors. */
ev_status status_worse(ev_status a, ev_status b);

#ifdef __cplusplus
}
#endif

#endif
