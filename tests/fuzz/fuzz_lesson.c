/* Fuzz target: as_lesson_parse, the lesson files teachers write.
 * Properties: a refused file says why, naming it; an accepted one has 1 to
 * AS_RUNS_MAX runs whose configs validate, a name and a title, and formats
 * (with and without its paper line) to text that parses back to the same
 * lesson. */
#include <stdlib.h>
#include <string.h>

#include "autoscope/lesson.h"
#include "fuzz.h"

static int same(const struct as_lesson *a, const struct as_lesson *b)
{
	if (strcmp(a->name, b->name) || strcmp(a->title, b->title) ||
	    strcmp(a->data, b->data) || strcmp(a->settings, b->settings) ||
	    strcmp(a->text, b->text) || a->n_runs != b->n_runs ||
	    a->epochs != b->epochs || a->scores != b->scores ||
	    a->whiten_eps != b->whiten_eps || a->n_patches != b->n_patches)
		return 0;
	for (size_t r = 0; r < a->n_runs; r++)
		if (strcmp(a->runs[r].label, b->runs[r].label) ||
		    strcmp(a->runs[r].settings, b->runs[r].settings))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct as_lesson *l;
	struct as_error err;
	err.msg[0] = 0;
	if (as_lesson_parse((const char *)data, size, "f", &l, &err) !=
	    AS_OK) {
		if (err.msg[0] != 'f' || l != NULL)
			abort();
		return 0;
	}
	if (l->n_runs < 1 || l->n_runs > AS_RUNS_MAX || !l->name[0] ||
	    !l->title[0])
		abort();
	for (size_t r = 0; r < l->n_runs; r++) {
		struct as_config c;
		if (as_lesson_config(l, r, &c, &err) != AS_OK)
			abort();
		fuzz_check_ranges(&c);
	}
	static char buf[1 << 17];
	size_t n = as_lesson_format(l, NULL, buf, sizeof buf);
	if (n) {
		struct as_lesson *b;
		if (as_lesson_parse(buf, n, "f", &b, &err) != AS_OK ||
		    !same(l, b))
			abort();
		free(b);
	}
	free(l);
	return 0;
}
