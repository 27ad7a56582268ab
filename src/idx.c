#include <stdio.h>
#include <string.h>

#include "autoscope/idx.h"

/* IDX (LeCun et al.): bytes 0-1 zero, byte 2 the type (0x08: unsigned
 * byte), byte 3 the number of dimensions, then one big-endian u32 per
 * dimension, then the data. */
enum as_status as_idx_parse(const unsigned char *buf, size_t len,
			    const char *name, struct as_idx *out,
			    struct as_error *err)
{
	memset(out, 0, sizeof *out);
	if (len < 4)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: %zu bytes is too short for an IDX "
				    "header",
				    name, len);
	if (buf[0] != 0 || buf[1] != 0)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: not an IDX file (magic %02x %02x %02x "
				    "%02x)",
				    name, buf[0], buf[1], buf[2], buf[3]);
	if (buf[2] != 0x08)
		return as_error_set(
			err, AS_ERR_FORMAT,
			"%s: IDX type 0x%02x is not supported (only "
			"0x08, unsigned bytes)",
			name, buf[2]);
	int ndim = buf[3];
	if (ndim < 1 || ndim > 4)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: %d dimensions (IDX files here have 1 "
				    "to 4)",
				    name, ndim);
	size_t header = 4 + 4 * (size_t)ndim;
	if (len < header)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: truncated header (%zu of %zu bytes)",
				    name, len, header);
	size_t count = 1;
	char shape[96] = "";
	for (int i = 0; i < ndim; i++) {
		const unsigned char *p = buf + 4 + 4 * i;
		uint32_t d = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			     (uint32_t)p[2] << 8 | p[3];
		if (d == 0)
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: dimension %d is zero", name,
					    i + 1);
		if (!as_mul_ok(count, d, &count))
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: dimensions overflow (the "
					    "product of the sizes is too "
					    "large)",
					    name);
		out->dims[i] = d;
		size_t used = strlen(shape);
		snprintf(shape + used, sizeof shape - used, "%s%u",
			 i ? " x " : "", d);
	}
	size_t have = len - header;
	if (have < count)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: header says %s (%zu bytes of data) "
				    "but only %zu follow it (truncated file)",
				    name, shape, count, have);
	if (have > count)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: header says %s (%zu bytes of data) "
				    "but %zu follow it",
				    name, shape, count, have);
	out->ndim = ndim;
	out->count = count;
	out->data = buf + header;
	return AS_OK;
}
