/* dynlib.h - load a shared library on first use (dlopen) and resolve a
 * table of its functions (dlsym), for libraries only a few commands need
 * (libldap for LDAP sources and sign-in, libmariadb for MySQL sources), so
 * every other listctl command and listd start without mapping them and
 * what they pull in. The tables themselves live beside their users
 * (generator/ldap_api.c, generator/mysql_api.c). */
#ifndef LISTD_DYNLIB_H
#define LISTD_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

#define DYNLIB_ERR_MAX	512

/* One shared library a table needs. */
struct dynlib_file {
	const char	*soname;	/* "libldap-2.5.so.0" */
	const char	*package;	/* the Debian package: "libldap-2.5-0" */
	/* In test builds (LISTD_TEST_BUILD) this environment variable, when
	 * set, names the file to open instead of soname, so tests can make
	 * the load fail (a missing file, a library without the symbols). */
	const char	*test_env;
};

/* One function of a table: its name, the library it comes from (index
 * into dynlib.files) and where its pointer goes in the table. */
struct dynlib_sym {
	const char	*name;
	unsigned	 file;
	size_t		 offset;
};

/* A row of a dynlib_sym array: function fn of file, stored in the table
 * struct type's field of the same name. */
#define DYNLIB_SYM(type, file, fn)	{ #fn, (file), offsetof(type, fn) }

/* A library's table and how to fill it. Define one static per library
 * with DYNLIB_INIT; dynlib_get() fills it on first use. */
struct dynlib {
	const char			*what;	/* "LDAP support" */
	const struct dynlib_file	*files;	/* opened in this order */
	size_t				 n_files;
	const struct dynlib_sym		*syms;
	size_t				 n_syms;
	void				*table;	/* struct of pointers */
	/* Optional: run once after the table is filled (library init). */
	void				(*init)(void *table);
	/* Serialises the first load; the fields below are written only
	 * then, with mu held, and read-only afterwards. */
	pthread_mutex_t			 mu;
	_Atomic int			 state;	/* 0 untried, 1 loaded, -1 */
	char				 err[DYNLIB_ERR_MAX];
};

#define DYNLIB_N(a)	(sizeof(a) / sizeof((a)[0]))
/* Initialiser for a struct dynlib: files and syms are arrays. */
#define DYNLIB_INIT(what_, files_, syms_, table_, init_) { \
	.what = (what_), .files = (files_), .n_files = DYNLIB_N(files_), \
	.syms = (syms_), .n_syms = DYNLIB_N(syms_), .table = (table_), \
	.init = (init_), .mu = PTHREAD_MUTEX_INITIALIZER }

/* Load lib on the first call in the process (thread-safe; later calls
 * only look): open its files (RTLD_NOW | RTLD_LOCAL; never closed, even
 * after a failure), store each function's address in lib->table, then run
 * lib->init. The table, or NULL with a message in err (err may be NULL):
 * "WHAT needs SONAME (Debian package PACKAGE): <dlerror text>" for a
 * missing file or function. A failure is remembered: every later call
 * returns the same message without trying again. */
void	*dynlib_get(struct dynlib *lib, char *err, size_t err_len);
/* Has dynlib_get() loaded lib? Lock-free, for asserting that code holding
 * a handle of the library got it after a successful load. */
int	 dynlib_is_loaded(const struct dynlib *lib);

#endif
