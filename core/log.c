/* log.c - levels, stderr or syslog, one line per event. Thread-safe: each
 * line is formatted into a local buffer and written with one call. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

static const char *log_ident = "listd";
static enum log_level log_max = LOG_LEVEL_INFO;
static int log_to_syslog;

static void log_emit(enum log_level, int, const char *, va_list)
	__attribute__((format(printf, 3, 0)));

void
log_init(const char *ident, enum log_level level, int use_syslog)
{
	log_ident = ident;
	log_max = level;
	log_to_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

int
log_level_parse(const char *s)
{
	static const char *names[] = { "error", "warn", "info", "debug" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static void
log_emit(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *tag[] = { "error", "warn", "info", "debug" };
	char line[2048];
	int saved = errno;
	size_t n;

	if (level > log_max)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	if (with_errno && n < sizeof(line) - 1)
		snprintf(line + n, sizeof(line) - n, ": %s", strerror(saved));
	/* Never let a control character from input split a log line. */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	if (log_to_syslog) {
		syslog(prio[level], "%s", line);
	} else {
		char out[2200];
		struct timespec ts;
		struct tm tm;
		int len;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		len = snprintf(out, sizeof(out),
		    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d] %s: %s\n",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_ident,
		    (int)getpid(), tag[level], line);
		if (len > 0) {
			ssize_t w = write(STDERR_FILENO, out,
			    (size_t)len < sizeof(out) ? (size_t)len : sizeof(out) - 1);
			(void)w;
		}
	}
	errno = saved;
}

#define LOG_FN(name, level, with_errno)			\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	log_emit(level, with_errno, fmt, ap);		\
	va_end(ap);					\
}

LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_warn, LOG_LEVEL_WARN, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(EX_SOFTWARE);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(EX_SOFTWARE);
}
