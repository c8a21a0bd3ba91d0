#ifndef VIGIL_CMALLOC_H
#define VIGIL_CMALLOC_H

/* glibc's allocator settings for the vigil executable, applied by a constructor as the program loads
   (MallocPolicy.c says which and why). Returns 1 when they were applied, 0 where
   the C library is not glibc or glibc refused them. */
int vigil_malloc_policy_applied(void);

/* Returns the free memory of every arena to the system (glibc's malloc_trim; nothing elsewhere). */
void vigil_malloc_release_free_memory(void);

#endif
