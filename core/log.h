/* log.h - the logger: one event per line, "<subsystem> <event> key=value ...".
 * Writes to stderr or syslog; level and target are set once by main(). */
#ifndef LISTD_LOG_H
#define LISTD_LOG_H

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

/* Set the level and target before threads start. ident names the program. */
void	log_init(const char *ident, enum log_level level, int use_syslog);
/* Parse "error", "warn", "info", "debug"; -1 when unknown. */
int	log_level_parse(const char *s);

void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log and exit(70). Only before serving or on a broken invariant. */
void	fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
