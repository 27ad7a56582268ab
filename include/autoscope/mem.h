/* mem: large buffers.
 *
 * Owns: allocation of the big arrays (the dataset, the model's arenas)
 * aligned to 2 MiB and marked for transparent huge pages where the kernel
 * offers them: one page fault per 2 MiB instead of per 4 KiB, which is
 * most of the start-up time of a 31 MB dataset on a virtual machine.
 * Release with free(). Threading: none shared. */
#ifndef AUTOSCOPE_MEM_H
#define AUTOSCOPE_MEM_H

#include <stddef.h>

/* NULL on failure or overflow; contents uninitialised (zeroed: _zero). */
void *as_alloc_large(size_t n, size_t size);
void *as_alloc_large_zero(size_t n, size_t size);

#endif
