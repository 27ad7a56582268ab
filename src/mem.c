#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "autoscope/error.h"
#include "autoscope/mem.h"

#define HUGE_PAGE ((size_t)2 << 20)

void *as_alloc_large(size_t n, size_t size)
{
	size_t bytes;
	if (!as_mul_ok(n, size, &bytes) || bytes > SIZE_MAX - HUGE_PAGE)
		return NULL;
	if (bytes < HUGE_PAGE)
		return malloc(bytes ? bytes : 1);
	size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	void *p = aligned_alloc(HUGE_PAGE, rounded);
#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, rounded, MADV_HUGEPAGE); /* a hint: may fail */
#endif
	return p;
}

void *as_alloc_large_zero(size_t n, size_t size)
{
	void *p = as_alloc_large(n, size);
	if (p)
		memset(p, 0, n * size);
	return p;
}
