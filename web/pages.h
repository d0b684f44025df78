/* pages.h - the request handlers the route table (route.c) points at, one
 * group per page_<area>.c / api.c file. Each fills r's response. */
#ifndef LISTD_WEB_PAGES_H
#define LISTD_WEB_PAGES_H

#include <libxml/tree.h>

#include "web/req.h"

/* page_auth.c */
void	page_login_form(struct req *r);
void	page_login(struct req *r);
void	page_logout(struct req *r);
void	page_district_login_form(struct req *r);
void	page_district_login(struct req *r);
void	page_password_form(struct req *r);
void	page_password(struct req *r);
/* page_admin.c */
void	page_home(struct req *r);
void	page_admin_home(struct req *r);
void	page_dashboard(struct req *r);
void	page_list_create(struct req *r);
void	page_audit(struct req *r);
void	page_branding_form(struct req *r);
void	page_branding(struct req *r);
void	page_style(struct req *r);
void	page_district_style(struct req *r);
/* page_list.c */
void	page_list_settings(struct req *r);
void	page_list_update(struct req *r);
void	page_list_delete_form(struct req *r);
void	page_list_delete(struct req *r);
/* page_members.c */
void	page_members(struct req *r);
void	page_members_add(struct req *r);
void	page_members_change(struct req *r);
void	page_members_import(struct req *r);
void	page_members_export(struct req *r);
/* page_held.c */
void	page_held(struct req *r);
void	page_held_decide(struct req *r);
/* page_public.c */
void	page_directory(struct req *r);
void	page_list_public(struct req *r);
void	page_subscribe(struct req *r);
void	page_unsubscribe_form(struct req *r);
void	page_unsubscribe(struct req *r);
void	page_roster(struct req *r);
void	page_confirm_form(struct req *r);
void	page_confirm(struct req *r);
/* page_archive.c */
void	page_archive_file(struct req *r);
void	page_archive_search(struct req *r);
void	page_archive_style(struct req *r);
void	page_archive_home(struct req *r);
/* api.c */
void	api_districts(struct req *r);
void	api_lists(struct req *r);
void	api_list_create(struct req *r);
void	api_list_remove(struct req *r);
void	api_members(struct req *r);
void	api_members_add(struct req *r);
void	api_member_remove(struct req *r);
void	api_held(struct req *r);
void	api_held_decide(struct req *r);
void	api_runs(struct req *r);
/* page_site.c: the site administrator's districts */
void	page_site_districts(struct req *r);
void	page_site_district_create(struct req *r);
void	page_site_district(struct req *r);
void	page_site_district_update(struct req *r);
void	page_site_district_delete_form(struct req *r);
void	page_site_district_delete(struct req *r);
/* page_site_admins.c: district administrators and API tokens */
void	page_site_admin_add(struct req *r);
void	page_site_admin_remove(struct req *r);
void	page_site_admin_password(struct req *r);
void	page_site_tokens(struct req *r);
void	page_site_token_create(struct req *r);
void	page_site_token_revoke(struct req *r);
/* The administrators of r->d with their forms, appended to main. */
void	site_admins_section(struct req *r, xmlNodePtr main);

/* metrics.c */
void	page_metrics(struct req *r);

#endif
