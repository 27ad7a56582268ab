/* Fuzz target: as_idx_parse on the raw bytes. A successful parse must
 * describe exactly the bytes given: the product of the sizes, and a data
 * pointer that ends where the input ends. */
#include <stdlib.h>

#include "autoscope/idx.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct as_idx idx;
	struct as_error err;
	if (as_idx_parse(data, size, "fuzz.idx", &idx, &err) != AS_OK)
		return 0;
	if (idx.ndim < 1 || idx.ndim > 4)
		abort();
	size_t count = 1;
	for (int i = 0; i < idx.ndim; i++) {
		if (idx.dims[i] == 0)
			abort();
		count *= idx.dims[i];
	}
	if (count != idx.count || idx.data != data + 4 + 4 * idx.ndim ||
	    idx.data + idx.count != data + size)
		abort();
	/* every byte it points at is read: ASan checks they are the input's */
	unsigned sum = 0;
	for (size_t i = 0; i < idx.count; i++)
		sum += idx.data[i];
	volatile unsigned sink = sum;
	(void)sink;
	return 0;
}
