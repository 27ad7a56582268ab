/* idx: the IDX format of MNIST (LeCun et al.), parsed from memory.
 *
 * Owns: struct as_idx, a validated view of one IDX file. The parser works on
 * a buffer so it can be fuzzed; reading the file (and gunzip) is the
 * caller's (as_file_read_all). It checks the magic, the type (unsigned byte
 * only), the number of dimensions (1..4), each size, their product against
 * overflow and against the real length, and allocates nothing past that.
 * Threading: none shared. */
#ifndef AUTOSCOPE_IDX_H
#define AUTOSCOPE_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"

struct as_idx {
	int ndim;
	size_t dims[4];
	size_t count;	     /* product of dims */
	const uint8_t *data; /* points into the parsed buffer: count bytes */
};

/* name is used in messages only (usually the file name). */
enum as_status as_idx_parse(const unsigned char *buf, size_t len,
			    const char *name, struct as_idx *out,
			    struct as_error *err);

#endif
