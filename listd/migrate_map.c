/* migrate_map.c - the machinery the Mailman 2 and Mailman 3 setting tables
 * share (migrate_mm2.c, migrate_mm3.c): run a table of attribute rows over
 * the old list's settings, report every other key as having no listd
 * counterpart, and the mappings both versions mean the same way
 * (description, subject prefix, size limit in KB, plain allowed senders). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "listd/migrate.h"

void
migrate_show(const struct pyval *v, char *out, size_t len)
{
	int trunc;

	switch (v ? v->kind : PYVAL_NONE) {
	case PYVAL_BOOL:
	case PYVAL_INT:
		snprintf(out, len, "%" PRId64, v->i);
		break;
	case PYVAL_FLOAT:
		snprintf(out, len, "%g", v->f);
		break;
	case PYVAL_STR:
		migrate_text(v, out, len > 80 ? 80 : len, &trunc);
		for (char *c = out; *c; c++)
			if (*c == '\n' || *c == '\r' || *c == '\t')
				*c = ' ';
		break;
	case PYVAL_LIST:
	case PYVAL_TUPLE:
		snprintf(out, len, "[%zu items]", v->n);
		break;
	case PYVAL_DICT:
		snprintf(out, len, "{%zu entries}", v->n / 2);
		break;
	default:
		snprintf(out, len, "None");
	}
}

void
migrate_note(struct mig_ctx *m, const char *name, const struct pyval *v,
    int mapped, const char *result)
{
	char value[200];

	migrate_show(v, value, sizeof(value));
	migrate_plan_note(m->p, name, value, mapped, "%s", result);
}

int
migrate_text_into(struct mig_ctx *m, const char *name, const struct pyval *v,
    char *out, size_t max, int multiline)
{
	int trunc;

	if (migrate_text(v, out, max + 1, &trunc) == -1) {
		migrate_note(m, name, v, 0, "not a string; ignored");
		return -1;
	}
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t' &&
		    !(multiline && *c == '\n'))
			*c = ' ';
	if (trunc)
		migrate_plan_note(m->p, name, "", 0, "longer than listd's %zu "
		    "bytes: cut", max);
	return 0;
}

void
migrate_map_description(struct mig_ctx *m, const char *name,
    const struct pyval *v)
{
	if (migrate_text_into(m, name, v, m->p->l.description, DESC_MAX, 1)
	    == -1)
		return;
	m->p->mask |= MF_DESCRIPTION;
	migrate_note(m, name, v, 1, "description");
}

void
migrate_map_prefix(struct mig_ctx *m, const char *name,
    const struct pyval *v)
{
	char *pc, *pre = m->p->l.subject_prefix;
	size_t n;

	if (migrate_text_into(m, name, v, pre, PREFIX_MAX, 0) == -1)
		return;
	/* "%d" is Mailman's post number; listd has none. */
	if ((pc = strstr(pre, "%d")) != NULL || (pc = strstr(pre, "%05d"))) {
		size_t k = pc[1] == 'd' ? 2 : 4;

		memmove(pc, pc + k, strlen(pc + k) + 1);
		/* "[List %d]" becomes "[List]", not "[List ]" */
		if (pc > pre && pc[-1] == ' ' && strchr("])} ", *pc))
			memmove(pc - 1, pc, strlen(pc) + 1);
		migrate_plan_note(m->p, name, "%d", 0, "listd does not number "
		    "posts; the number was dropped from the prefix");
	}
	n = strlen(pre);
	while (n > 0 && isspace((unsigned char)pre[n - 1]))
		pre[--n] = '\0';	/* listd adds the space itself */
	m->p->mask |= MF_PREFIX;
	migrate_note(m, name, v, 1, "subject-prefix");
}

void
migrate_map_max_size(struct mig_ctx *m, const char *name,
    const struct pyval *v)
{
	int64_t kb;

	if (!pyval_as_int(v, &kb) || kb < 0 || kb > 1024 * 1024) {
		migrate_note(m, name, v, 0, "not a size in KB; the site limit "
		    "applies");
		return;
	}
	m->p->l.max_size = (long)kb * 1024;
	m->p->mask |= MF_MAX_SIZE;
	migrate_note(m, name, v, 1, kb ? "max-size (KB times 1024)" :
	    "max-size 0: the site limit (Mailman 0 meant no limit)");
}

void
migrate_map_accept(struct mig_ctx *m, const char *name,
    const struct pyval *v)
{
	char raw[ADDR_MAX * 2], addr[ADDR_MAX + 1];
	const char *reason;
	int trunc, n = 0;

	if (v == NULL || v->kind != PYVAL_LIST)
		return migrate_note(m, name, v, 0, "not a list; ignored");
	for (size_t k = 0; k < v->n; k++) {
		if (migrate_text(v->items[k], raw, sizeof(raw), &trunc) == -1)
			continue;
		if (raw[0] == '^' || raw[0] == '@' ||
		    addr_normalize(raw, addr, sizeof(addr), &reason) == -1) {
			migrate_plan_note(m->p, name, raw, 0, "a pattern, not an "
			    "address: only plain addresses become allowed "
			    "senders");
			continue;
		}
		migrate_plan_allowed(m->p, addr);
		n++;
	}
	migrate_plan_note(m->p, name, "", 1, "%d plain addresses become "
	    "allowed senders", n);
}

void
migrate_map_fixed(struct mig_ctx *m, const char *name, const struct pyval *v)
{
	for (size_t k = 0; k < m->n_fixed; k++)
		if (strcmp(m->fixed[k].name, name) == 0) {
			migrate_note(m, name, v, 0, m->fixed[k].why);
			return;
		}
	migrate_note(m, name, v, 0, "no listd counterpart");
}

static int
known_attr(const struct mig_ctx *m, const char *name)
{
	for (size_t k = 0; k < m->n_attrs; k++)
		if (strcmp(m->attrs_table[k].name, name) == 0)
			return 1;
	return 0;
}

enum status
migrate_map_run(struct mig_ctx *m, char *err, size_t err_len)
{
	const struct pyval *a = m->attrs;

	if (a == NULL || a->kind != PYVAL_DICT) {
		snprintf(err, err_len, "the list's %s are a %s, not a %s",
		    m->json ? "settings" : "attributes",
		    a ? pyval_kind_name(a->kind) : "nothing",
		    m->json ? "JSON object" : "dict");
		return ST_DATA;
	}
	for (size_t k = 0; k < m->n_attrs; k++) {
		const struct pyval *v = pyval_dict_get(a, m->attrs_table[k].name);

		if (v)
			m->attrs_table[k].map(m, m->attrs_table[k].name, v);
	}
	for (size_t k = 0; k + 1 < a->n; k += 2) {
		const struct pyval *key = a->items[k];

		if (key->kind == PYVAL_STR && !known_attr(m, key->s))
			migrate_note(m, key->s, a->items[k + 1], 0, "no listd "
			    "counterpart");
	}
	return ST_OK;
}

void
migrate_map_subscribe_index(struct mig_ctx *m, const char *name,
    const struct pyval *v, int i)
{
	static const enum subscribe_policy to[] = { SUBSCRIBE_OPEN,
	    SUBSCRIBE_CONFIRM, SUBSCRIBE_APPROVE, SUBSCRIBE_APPROVE };

	if (i < 0 || i > 3) {
		migrate_note(m, name, v, 0, "unknown value; the default "
		    "(confirm) stays");
		return;
	}
	m->p->l.subscribe = to[i];
	m->p->mask |= MF_SUBSCRIBE;
	migrate_note(m, name, v, 1, i == 3 ? "subscribe approve (listd's "
	    "owner approval; the confirmation step before it is not kept)" :
	    "subscribe");
}
