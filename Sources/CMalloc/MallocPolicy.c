#include "CMalloc.h"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Vigil streams large batches in segments of a few MiB. By default glibc raises the size from which a block
   is mapped on its own each time such a block is freed, so after the first segment every later one comes
   from an arena and its pages stay resident once it is freed; and it returns free memory at the top of an
   arena only past a threshold it raises too. Mapping blocks of 1 MiB and more on their own, and returning
   free memory past 1 MiB, keeps an import's resident memory near what it holds (docs/DECISIONS.md, "The
   allocator"). Limiting the number of arenas would save a little more but costs 15% of import speed, as
   threads then queue for one allocator lock. A constructor sets them as the program loads, before anything
   is allocated in earnest. */
static int applied = 0;

__attribute__((constructor)) static void vigil_apply_malloc_policy(void) {
#if defined(__GLIBC__)
    applied = mallopt(M_MMAP_THRESHOLD, 1 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 20) == 1;
#endif
}

int vigil_malloc_policy_applied(void) {
    return applied;
}

void vigil_malloc_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
