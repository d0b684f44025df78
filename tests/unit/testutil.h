/* testutil.h - helpers the cmocka unit tests share: a real temporary
 * directory per test (removed afterwards) and small file writers. Header
 * only, so every test_*.c stays one self-contained binary. */
#ifndef LISTD_TESTUTIL_H
#define LISTD_TESTUTIL_H

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/token.h"
#include "core/xmem.h"

/* A fresh directory under $TMPDIR (or /tmp). Caller removes it with
 * tu_tmpdir_remove(), which also frees the string. */
static inline char *
tu_tmpdir_new(void)
{
	const char *base = getenv("TMPDIR");
	char *path = xasprintf("%s/listd-unit.XXXXXX",
	    base && *base ? base : "/tmp");

	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		abort();
	}
	return path;
}

static inline int
tu_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline void
tu_tmpdir_remove(char *path)
{
	if (path == NULL)
		return;
	nftw(path, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	xfree(path);
}

/* A fresh directory (as tu_tmpdir_new) holding secret.key, loaded as the
 * token secret: for tests of tokens, sessions and accounts. */
static inline char *
tu_home_with_secret(void)
{
	char *home = tu_tmpdir_new(), *key = xasprintf("%s/secret.key", home);

	if (token_secret_load(key) != 0) {
		fprintf(stderr, "token_secret_load %s failed\n", key);
		abort();
	}
	xfree(key);
	return home;
}

/* Write len bytes to dir/name; returns the path (caller frees). */
static inline char *
tu_write(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		abort();
	}
	return path;
}

static inline char *
tu_write_str(const char *dir, const char *name, const char *text)
{
	return tu_write(dir, name, text, strlen(text));
}

/* Does path exist? */
static inline int
tu_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Number of entries in dir (not counting . and ..), or -1. */
static inline int
tu_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Read the whole file at path (NUL-terminated). Caller frees. */
static inline char *
tu_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	data = xmalloc((size_t)n + 1);
	if (fread(data, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	data[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return data;
}

#endif
