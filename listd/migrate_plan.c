/* migrate_plan.c - the migration plan: members merged by address, report
 * rows, allowed senders, and text conversion of Mailman's strings. What
 * the plan means for the store is migrate_apply.c's job. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "core/utf8.h"
#include "core/xmem.h"
#include "listd/migrate.h"

static int	role_rank(int role);

struct mig_plan *
migrate_plan_new(void)
{
	struct mig_plan *p = xcalloc(1, sizeof(*p));

	p->kind = LIST_DISCUSSION;
	p->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	model_list_defaults(&p->l, LIST_DISCUSSION);
	return p;
}

void
migrate_plan_free(struct mig_plan *p)
{
	if (p == NULL)
		return;
	for (size_t k = 0; k < p->n_notes; k++) {
		xfree(p->notes[k].setting);
		xfree(p->notes[k].value);
		xfree(p->notes[k].result);
	}
	for (size_t k = 0; k < p->n_allowed; k++)
		xfree(p->allowed[k]);
	xfree(p->notes);
	xfree(p->allowed);
	xfree(p->members);
	xfree(p->mbox);
	g_hash_table_destroy(p->index);
	xfree(p);
}

static int
role_rank(int role)
{
	return role == ROLE_OWNER ? 2 : role == ROLE_MODERATOR ? 1 : 0;
}

struct mig_member *
migrate_plan_find(struct mig_plan *p, const char *address)
{
	char *key = g_ascii_strdown(address, -1);
	size_t k = GPOINTER_TO_SIZE(g_hash_table_lookup(p->index, key));

	g_free(key);
	return k ? &p->members[k - 1] : NULL;
}

void
migrate_plan_member(struct mig_plan *p, const char *address, const char *name,
    int mode, int role)
{
	struct mig_member *m = migrate_plan_find(p, address);

	if (m == NULL) {
		if (p->n_members == p->cap_members) {
			p->cap_members = p->cap_members ? p->cap_members * 2 : 64;
			p->members = xrealloc(p->members, p->cap_members *
			    sizeof(*p->members));
		}
		m = &p->members[p->n_members++];
		memset(m, 0, sizeof(*m));
		snprintf(m->address, sizeof(m->address), "%s", address);
		m->mode = (enum delivery_mode)mode;
		m->role = (enum member_role)role;
		g_hash_table_insert(p->index, g_ascii_strdown(address, -1),
		    GSIZE_TO_POINTER(p->n_members));
	} else if (mode != MODE_REGULAR)
		m->mode = (enum delivery_mode)mode;
	if (role_rank(role) > role_rank(m->role))
		m->role = (enum member_role)role;
	if (name && *name)
		snprintf(m->name, sizeof(m->name), "%s", name);
}

void
migrate_plan_note(struct mig_plan *p, const char *setting, const char *value,
    int mapped, const char *fmt, ...)
{
	struct mig_note *n;
	va_list ap;

	if (p->n_notes == p->cap_notes) {
		p->cap_notes = p->cap_notes ? p->cap_notes * 2 : 32;
		p->notes = xrealloc(p->notes, p->cap_notes * sizeof(*p->notes));
	}
	n = &p->notes[p->n_notes++];
	n->setting = xstrdup(setting);
	n->value = xstrdup(value ? value : "");
	n->mapped = mapped;
	va_start(ap, fmt);
	n->result = xvasprintf(fmt, ap);
	va_end(ap);
}

void
migrate_plan_allowed(struct mig_plan *p, const char *address)
{
	for (size_t k = 0; k < p->n_allowed; k++)
		if (strcasecmp(p->allowed[k], address) == 0)
			return;
	if (p->n_allowed == p->cap_allowed) {
		p->cap_allowed = p->cap_allowed ? p->cap_allowed * 2 : 8;
		p->allowed = xrealloc(p->allowed, p->cap_allowed *
		    sizeof(*p->allowed));
	}
	p->allowed[p->n_allowed++] = xstrdup(address);
}

/* Append one code point as UTF-8 if it fits whole; 0 when it did not. */
static int
put_bytes(char *out, size_t out_len, size_t *o, const char *b, size_t n)
{
	if (*o + n >= out_len)
		return 0;
	memcpy(out + *o, b, n);
	*o += n;
	return 1;
}

int
migrate_text(const struct pyval *v, char *out, size_t out_len, int *truncated)
{
	const unsigned char *s;
	int latin1;
	size_t o = 0, n;

	*truncated = 0;
	if (v == NULL || v->kind != PYVAL_STR || out_len == 0)
		return -1;
	s = (const unsigned char *)v->s;
	latin1 = !utf8_valid(v->s, v->len);
	for (size_t i = 0; i < v->len; i += n) {
		char enc[2];

		if (latin1 && s[i] >= 0x80) {
			n = 1;
			enc[0] = (char)(0xC0 | (s[i] >> 6));
			enc[1] = (char)(0x80 | (s[i] & 0x3F));
			if (!put_bytes(out, out_len, &o, enc, 2))
				goto full;
			continue;
		}
		n = latin1 || s[i] < 0x80 ? 1 : utf8_seq(s + i, v->len - i);
		if (n == 0 || !put_bytes(out, out_len, &o, (const char *)s + i, n))
			goto full;
	}
	out[o] = '\0';
	return 0;
full:
	out[o] = '\0';
	*truncated = 1;
	return 0;
}
