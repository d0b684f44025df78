/* list_setting.h - every setting of a list that people may change, as one
 * table: its CLI option, its form field, a label, its choices, and how to
 * read and parse it. listctl list create/set and the web's list page both
 * use it, so a setting is validated the same way everywhere. */
#ifndef LISTD_LIST_SETTING_H
#define LISTD_LIST_SETTING_H

#include <stddef.h>

#include "core/model.h"

struct list_setting {
	const char		*option;	/* listctl: --subject-prefix */
	const char		*field;		/* web form: subject_prefix */
	const char		*label;
	const char *const	*choices;	/* NULL: free text */
	int			 multiline;
	/* The value as text; may use buf (n bytes). */
	const char		*(*get)(const struct list *, char *buf, size_t n);
	/* Parse v into l; NULL, or a fixed reason when v is refused. */
	const char		*(*set)(struct list *, const char *v);
};

extern const struct list_setting list_settings[];
extern const size_t n_list_settings;

#endif
