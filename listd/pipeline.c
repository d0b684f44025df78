/* pipeline.c - runs the posting steps in order (see pipeline.h). Adding a
 * policy adds a row to the table. */
#include <stdarg.h>
#include <stdio.h>

#include "core/log.h"
#include "listd/pipeline.h"

struct step {
	const char		*name;
	pipeline_step_fn	 fn;
};

static const struct step steps[] = {
	{ "loop", step_loop },
	{ "sender", step_sender },
	{ "content", step_content },
	{ "headers", step_headers },
};

int
verdict_set(struct verdict *v, enum verdict_kind kind, enum status st,
    const char *fmt, ...)
{
	va_list ap;

	v->kind = kind;
	v->status = st;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
	return 0;
}

const char *
verdict_name(enum verdict_kind kind)
{
	static const char *names[] = { "accept", "hold", "reject", "discard" };

	return (unsigned)kind < 4 ? names[kind] : "unknown";
}

void
pipeline_run(struct post_ctx *ctx, struct verdict *v)
{
	verdict_set(v, VERDICT_ACCEPT, ST_OK, "accepted");
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].fn(ctx, v) == 0) {
			log_debug("pipeline stop district=%s list=%s step=%s "
			    "verdict=%s", ctx->district->slug, ctx->list->name,
			    steps[i].name, verdict_name(v->kind));
			return;
		}
	}
}
