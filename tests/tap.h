/* tap.h - a few macros for C unit tests that print TAP */
#ifndef EVIDENCE_TAP_H
#define EVIDENCE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Each check prints "ok N - name" or "not ok N - name" with the values
 * that differed; tap_done() prints the plan and returns the exit status
 * for main().  automake's tap-driver.sh reads the output.  The checks
 * are marked unused so that a test need not use every kind.
 */
static int tap_n, tap_failed;

/* Print one result line; return PASS for the caller's diagnostics. */
static int tap_result(int pass, const char *file, int line, const char *fmt,
		      va_list ap)
{
	tap_n++;
	printf("%sok %d - ", pass ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static void __attribute__((format(printf, 4, 5), unused))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_result(pass, file, line, fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* String equality; NULL equals only NULL. */
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

static void __attribute__((format(printf, 5, 6), unused))
tap_is_str(const char *got, const char *want, const char *file, int line,
	   const char *fmt, ...)
{
	va_list ap;
	int pass = (!got && !want) || (got && want && !strcmp(got, want));

	va_start(ap, fmt);
	if (!tap_result(pass, file, line, fmt, ap))
		printf("#   got:  %s%s%s\n#   want: %s%s%s\n",
		       got ? "'" : "", got ? got : "NULL", got ? "'" : "",
		       want ? "'" : "", want ? want : "NULL", want ? "'" : "");
	va_end(ap);
	fflush(stdout);
}

#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, \
		   __VA_ARGS__)

static void __attribute__((format(printf, 5, 6), unused))
tap_is_int(long long got, long long want, const char *file, int line,
	   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!tap_result(got == want, file, line, fmt, ap))
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	va_end(ap);
	fflush(stdout);
}

/* Skip a whole test program (e.g. ../shared/samples is absent). */
#define tap_skip_all(why) \
	do { \
		printf("1..0 # SKIP %s\n", why); \
		return 0; \
	} while (0)

static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
