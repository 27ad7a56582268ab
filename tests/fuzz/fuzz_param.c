/* Fuzz target: as_param_parse, the one parser behind every typed value
 * (--corruption-level 0.3, the panel's Enter, a checkpoint's config and a
 * lesson's settings). The first byte picks the parameter, the rest (made
 * NUL-terminated) is the text.
 * Properties: a refused value leaves the config as it was; an accepted one
 * lies in the table's range, keeps a single-field change from the defaults
 * valid, formats to text that parses back to it, and stays in range after
 * a key step either way. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/params.h"
#include "fuzz.h"

static void same_or_abort(const struct as_config *a, const struct as_config *b)
{
	for (size_t i = 0; i < as_param_count(); i++) {
		const struct as_param *p = as_param_at(i);
		if (as_param_get(a, p) != as_param_get(b, p))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct as_param *p = as_param_at(data[0] % as_param_count());
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	struct as_config def, cfg;
	as_config_default(&def);
	cfg = def;
	struct as_error err;
	if (as_param_parse(&cfg, p, text, &err) != AS_OK) {
		same_or_abort(&cfg, &def);
		free(text);
		return 0;
	}
	free(text);
	fuzz_check_ranges(&cfg);
	/* alone, a stage past the one layer's is the one cross-field
	 * refusal a single setting can meet */
	if (as_config_validate(&cfg, &err) != AS_OK &&
	    p->offset != offsetof(struct as_config, stage))
		abort();
	/* what the panel shows can be typed back */
	char shown[64];
	as_param_format(&cfg, p, shown, sizeof shown);
	struct as_config back = def;
	if (as_param_parse(&back, p, shown, &err) != AS_OK)
		abort();
	double v = as_param_get(&cfg, p), w = as_param_get(&back, p);
	if (p->type == AS_PT_FLOAT ? fabs(v - w) > 1e-3 * fabs(v) : v != w)
		abort();
	for (int dir = -1; dir <= 1; dir += 2) {
		struct as_config stepped = cfg;
		as_param_step(&stepped, p, dir);
		fuzz_check_ranges(&stepped);
	}
	return 0;
}
