/* fuzz: what the fuzz targets share.
 *
 * Each tests/fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput (and maybe
 * LLVMFuzzerInitialize) for one parser. They are linked with libFuzzer by
 * -Dfuzz=true (clang) and with replay.c in every build, so the normal test
 * suite runs the committed corpus through them. A target aborts when a
 * parser breaks one of its promises; the sanitizers catch the rest. */
#ifndef AUTOSCOPE_FUZZ_H
#define AUTOSCOPE_FUZZ_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "autoscope/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts unless every field of cfg lies in its table range (the range as
 * the field stores it: a float field holds 1e-6 as 9.99999997e-7) and the
 * whole-number fields are whole: what any successful parse promises,
 * checked apart from as_config_validate. */
static inline void fuzz_check_ranges(const struct as_config *cfg)
{
	for (size_t i = 0; i < as_param_count(); i++) {
		const struct as_param *p = as_param_at(i);
		double v = as_param_get(cfg, p);
		int fl = p->type == AS_PT_FLOAT;
		double lo = fl ? (double)(float)p->min : p->min;
		double hi = fl ? (double)(float)p->max : p->max;
		if (!(v >= lo && v <= hi))
			abort();
		if (!fl && v != floor(v))
			abort();
		if (p->choices) {
			size_t n = 0;
			while (p->choices[n])
				n++;
			if (v >= (double)n)
				abort();
		}
	}
}

#endif
