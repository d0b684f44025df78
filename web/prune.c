/* prune.c - deletes what the web interface leaves behind in site.db:
 * sessions past their expiry and failed-login records too old to count
 * for throttling (page_auth.c looks back 15 minutes). Run by the daemon's
 * maintenance pass, not per request. */
#include "core/log.h"
#include "core/store_web.h"
#include "web/web.h"

/* Failed logins are kept a day (for an operator reading site.db after an
 * attack), far beyond the 15-minute throttling window. */
#define WEB_LOGIN_FAIL_KEEP	(24 * 3600)

void
web_prune(const char *home)
{
	struct store *site;
	int64_t now = store_now(), n_sessions = 0, n_fails = 0;
	enum status st;

	if (store_site_open(home, &site) != ST_OK)
		return;
	st = store_web_prune(site, now, now - WEB_LOGIN_FAIL_KEEP, &n_sessions,
	    &n_fails);
	if (st != ST_OK)
		log_warnx("web prune failed st=%s", status_name(st));
	else if (n_sessions || n_fails)
		log_info("web prune sessions=%lld login_failures=%lld",
		    (long long)n_sessions, (long long)n_fails);
	store_close(site);
}
