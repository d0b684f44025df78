/* fault.h - fault points for tests (SQLite/curl style torture).
 * In test builds (LISTD_TEST_BUILD), LISTD_FAULT="name[:N][,name2[:M]]" makes
 * the Nth (default: every) pass through fault_hit("name") report a failure,
 * LISTD_CRASH="name[:N]" kills the process with SIGKILL at the Nth pass
 * through fault_crash("name"), and LISTD_PAUSE="name:MS" makes every pass
 * through fault_pause("name") sleep MS milliseconds (to widen a window a
 * test wants to see closed). In other builds all compile to nothing. */
#ifndef LISTD_FAULT_H
#define LISTD_FAULT_H

#ifdef LISTD_TEST_BUILD
/* Returns 1 (with errno = EIO) when the named fault should fire now. */
int	fault_hit(const char *name);
/* Kills the process with SIGKILL when the named crash point is due. */
void	fault_crash(const char *name);
/* Sleeps when the named pause point is set. */
void	fault_pause(const char *name);
#else
#define fault_hit(name) 0
#define fault_crash(name) do { } while (0)
#define fault_pause(name) do { } while (0)
#endif

#endif
