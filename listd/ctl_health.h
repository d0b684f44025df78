/* ctl_health.h - listctl health: one line per problem for monitoring. */
#ifndef LISTD_CTL_HEALTH_H
#define LISTD_CTL_HEALTH_H

#include "listd/ctl.h"

extern const struct ctl_verb ctl_health_verbs[];

#endif
