/* source_setting.c - the "key=value" settings of a directory source (host,
 * user, password-file, base, map-address, ...), kept one per line in
 * roster_source_conf.settings. Network sources (MySQL, LDAP) read theirs
 * with source_setting(); listctl and the web write them with
 * source_setting_put(). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "generator/source.h"

/* Keys are short lower-case words with digits and dashes. */
static int
key_valid(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > SOURCE_SETTING_KEY_MAX)
		return 0;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.'))
			return 0;
	return 1;
}

/* Values are one line of text: no control characters. */
static int
value_valid(const char *value)
{
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Find key's line in settings: its start and the end (past the '\n'). */
static const char *
find_line(const char *settings, const char *key, const char **end)
{
	size_t klen = strlen(key);
	const char *p = settings;

	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *stop = nl ? nl + 1 : p + strlen(p);

		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			*end = stop;
			return p;
		}
		p = stop;
	}
	return NULL;
}

const char *
source_setting(const struct roster_source_conf *conf, const char *key,
    char *buf, size_t len)
{
	const char *end, *line = find_line(conf->settings, key, &end);
	size_t n;

	if (line == NULL || len == 0)
		return NULL;
	line += strlen(key) + 1;
	n = (size_t)(end - line);
	if (n > 0 && line[n - 1] == '\n')
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	return buf;
}

enum status
source_setting_put(struct roster_source_conf *conf, const char *key,
    const char *value, char *err, size_t err_len)
{
	char rest[sizeof(conf->settings)];
	const char *end, *line;
	size_t used;

	if (!key_valid(key)) {
		snprintf(err, err_len, "setting \"%.64s\": a name of letters, "
		    "digits and dashes expected", key);
		return ST_USAGE;
	}
	if (value != NULL && !value_valid(value)) {
		snprintf(err, err_len, "setting %s: the value has control "
		    "characters", key);
		return ST_USAGE;
	}
	if ((line = find_line(conf->settings, key, &end)) != NULL) {
		snprintf(rest, sizeof(rest), "%s", end);
		snprintf(conf->settings + (line - conf->settings),
		    sizeof(conf->settings) - (size_t)(line - conf->settings),
		    "%s", rest);
	}
	if (value == NULL)
		return ST_OK;
	used = strlen(conf->settings);
	if (used + strlen(key) + strlen(value) + 2 >= sizeof(conf->settings)) {
		snprintf(err, err_len, "setting %s: the settings would be "
		    "longer than %zu bytes", key, sizeof(conf->settings) - 1);
		return ST_USAGE;
	}
	snprintf(conf->settings + used, sizeof(conf->settings) - used,
	    "%s=%s\n", key, value);
	return ST_OK;
}

int
source_setting_secret(const char *key)
{
	return strstr(key, "password") != NULL && strstr(key, "file") == NULL;
}

int
source_setting_each(const struct roster_source_conf *conf,
    int (*fn)(const char *key, void *ctx), void *ctx)
{
	char key[SOURCE_SETTING_KEY_MAX + 1];
	const char *p = conf->settings;
	int rc;

	while (*p) {
		const char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (eq != NULL && eq < p + n && (size_t)(eq - p) < sizeof(key)) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
			if ((rc = fn(key, ctx)) != 0)
				return rc;
		}
		p += n + (nl ? 1 : 0);
	}
	return 0;
}

/* Read the first line of path into buf, refusing a file that group or
 * others may read. 1, or -1 with err. */
static int
read_secret_file(const char *path, char *buf, size_t len, char *err,
    size_t err_len)
{
	struct stat sb;
	size_t line;
	ssize_t n;
	int fd, whole;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1 ||
	    fstat(fd, &sb) == -1) {
		snprintf(err, err_len, "password-file %s: cannot read: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077) != 0) {
		snprintf(err, err_len, "password-file %s: %s", path,
		    S_ISREG(sb.st_mode) ? "group or others may read it; "
		    "chmod 600 it (only listd may read a password)" :
		    "not a regular file");
		close(fd);
		return -1;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	line = strcspn(buf, "\r\n");
	whole = line < (size_t)n || (size_t)n < len - 1;
	buf[line] = '\0';
	if (line == 0 || !whole) {
		explicit_bzero(buf, len);
		snprintf(err, err_len, "password-file %s: %s", path, line == 0 ?
		    "the first line is empty" : "longer than the longest "
		    "password allowed");
		return -1;
	}
	return 1;
}

int
source_password(const struct roster_source_conf *conf, char *buf,
    size_t len, char *err, size_t err_len)
{
	char path[ROSTER_PATH_MAX + 1];

	if (source_setting(conf, "password-file", path, sizeof(path)) != NULL)
		return read_secret_file(path, buf, len, err, err_len);
	if (source_setting(conf, "password", buf, len) != NULL)
		return 1;
	return 0;
}

int
source_setting_uint(const struct roster_source_conf *conf, const char *key,
    unsigned lo, unsigned hi, unsigned def, unsigned *out, char *err,
    size_t err_len)
{
	char v[32], *end;
	unsigned long x;

	*out = def;
	if (source_setting(conf, key, v, sizeof(v)) == NULL)
		return 0;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x < lo || x > hi) {
		snprintf(err, err_len, "setting %s=%s: a whole number from %u "
		    "to %u expected", key, v, lo, hi);
		return -1;
	}
	*out = (unsigned)x;
	return 0;
}

int
source_password_check(const struct roster_source_conf *conf, char *err,
    size_t err_len)
{
	char v[ROSTER_PATH_MAX + 1];
	int has_file, has_inline;

	has_file = source_setting(conf, "password-file", v, sizeof(v)) != NULL;
	if (has_file && v[0] != '/') {
		snprintf(err, err_len, "setting password-file: an absolute "
		    "path expected");
		return -1;
	}
	has_inline = source_setting(conf, "password", v, sizeof(v)) != NULL;
	explicit_bzero(v, sizeof(v));
	if (has_file && has_inline) {
		snprintf(err, err_len, "settings password and password-file: "
		    "set only one (password-file is safer)");
		return -1;
	}
	return 0;
}
