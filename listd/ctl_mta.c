/* ctl_mta.c - listctl mta postfix, and the refresh every listctl change of
 * districts and lists ends with. The maps themselves are built and
 * installed by core/mta_maps.c, which the daemon uses too. */
#include <stdio.h>

#include "core/config.h"
#include "core/mta_maps.h"
#include "listd/ctl_mta.h"

static int mta_postfix(struct ctl *);

const struct ctl_verb ctl_mta_verbs[] = {
	{ "postfix", "dir=,postmap=", 0, 0, "postfix [--dir DIR] [--postmap PATH]",
	  "write listd_transport, listd_domains and listd_recipients for "
	  "Postfix (postmap'd when configured); listd rewrites them itself "
	  "when its schedule or web interface creates or removes lists",
	  mta_postfix },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

int
ctl_mta_refresh(struct ctl *c)
{
	struct mta_maps_result res;

	if (mta_maps_write(c->home, NULL, cfg->mta_postmap, &res) == ST_OK)
		return 0;
	fprintf(stderr, "listctl: warning: Postfix maps in %s not updated: %s "
	    "(run listctl mta postfix)\n", res.dir, res.err);
	return -1;
}

static int
mta_postfix(struct ctl *c)
{
	const char *postmap = ctl_opt(c, "postmap");
	struct mta_maps_result res;
	struct json j;
	enum status st;

	st = mta_maps_write(c->home, ctl_opt(c, "dir"),
	    postmap ? postmap : cfg->mta_postmap, &res);
	if (st != ST_OK)
		return ctl_fail(c, st, "%s", res.err);
	if (!c->json) {
		printf("postfix maps written to %s: %d districts, %d lists, "
		    "transport %s\n", res.dir, res.n_districts, res.n_lists,
		    res.transport);
		return 0;
	}
	ctl_json_begin(&j, 1 << 16);
	json_obj_begin(&j);
	json_kv_str(&j, "dir", res.dir);
	json_kv_str(&j, "transport", res.transport);
	json_kv_int(&j, "districts", res.n_districts);
	json_kv_int(&j, "lists", res.n_lists);
	json_obj_end(&j);
	return ctl_json_end(&j);
}
