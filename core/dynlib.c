/* dynlib.c - open a library's files with dlopen and fill a table of its
 * functions with dlsym, once per process (dynlib.h). Which functions and
 * libraries is the table's business (generator/ldap_api.c,
 * generator/mysql_api.c). */
#include <assert.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dynlib.h"

#define DYNLIB_FILES_MAX	4

/* A function pointer is stored through the void * dlsym returns; POSIX
 * makes them the same size. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "function pointers must fit a void *");

static const char *file_path(const struct dynlib_file *);
static void fail(struct dynlib *, const struct dynlib_file *);
static int load(struct dynlib *);

/* The file to open: soname, or in test builds the test override. */
static const char *
file_path(const struct dynlib_file *f)
{
#ifdef LISTD_TEST_BUILD
	const char *over = f->test_env ? getenv(f->test_env) : NULL;

	if (over != NULL && over[0] != '\0')
		return over;
#endif
	return f->soname;
}

static void
fail(struct dynlib *lib, const struct dynlib_file *f)
{
	const char *why = dlerror();

	snprintf(lib->err, sizeof(lib->err), "%s needs %s (Debian package "
	    "%s): %s", lib->what, f->soname, f->package,
	    why ? why : "unknown error");
}

/* 1, or -1 with lib->err. What did open stays mapped on failure: closing
 * libraries whose constructors ran (GnuTLS, p11-kit) is riskier than the
 * memory. */
static int
load(struct dynlib *lib)
{
	void *handle[DYNLIB_FILES_MAX] = { NULL };

	assert(lib->n_files <= DYNLIB_FILES_MAX);
	for (size_t i = 0; i < lib->n_files; i++)
		if ((handle[i] = dlopen(file_path(&lib->files[i]),
		    RTLD_NOW | RTLD_LOCAL)) == NULL) {
			fail(lib, &lib->files[i]);
			return -1;
		}
	for (size_t i = 0; i < lib->n_syms; i++) {
		const struct dynlib_sym *s = &lib->syms[i];
		void *fn;

		assert(s->file < lib->n_files);
		(void)dlerror();
		if ((fn = dlsym(handle[s->file], s->name)) == NULL) {
			fail(lib, &lib->files[s->file]);
			return -1;
		}
		memcpy((char *)lib->table + s->offset, &fn, sizeof(fn));
	}
	if (lib->init != NULL)
		lib->init(lib->table);
	return 1;
}

void *
dynlib_get(struct dynlib *lib, char *err, size_t err_len)
{
	int state = lib->state;

	if (state == 0) {	/* the first call, or racing with it */
		pthread_mutex_lock(&lib->mu);
		if (lib->state == 0)
			lib->state = load(lib);	/* after lib->err */
		state = lib->state;
		pthread_mutex_unlock(&lib->mu);
	}
	if (state == 1)
		return lib->table;
	if (err != NULL)
		snprintf(err, err_len, "%s", lib->err);
	return NULL;
}

int
dynlib_is_loaded(const struct dynlib *lib)
{
	return lib->state == 1;
}
