#ifndef VIGIL_CSQLITECONFIG_SHIM_H
#define VIGIL_CSQLITECONFIG_SHIM_H

#include <sqlite3.h>

/* Typed, non-variadic wrappers for sqlite3_config, which Swift cannot call directly. They take effect
   only before SQLite's first use in the process and return SQLITE_MISUSE after it. */

/* Connections need no mutex of their own: GRDB already serializes each connection's use. */
static inline int vigil_sqlite3_config_multithread(void) {
    return sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

/* Stops SQLite counting every allocation under a process-wide mutex (its memory statistics). */
static inline int vigil_sqlite3_config_no_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
