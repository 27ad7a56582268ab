/* Fuzz target: the lesson text helpers: as_settings_apply ("name=value
 * ..." words, as a lesson's runs are set up), as_lesson_find (--lesson NAME
 * or N) and as_lesson_slug (a run's label as a file name, for the lessons'
 * and the forks' output directories). The first byte gives the slug's
 * buffer size (1 to 64), the rest (NUL-terminated) is the text.
 * Properties: settings that fail leave the config as it was, settings that
 * apply leave every field in range; a slug is only [a-z0-9-], fits its
 * buffer, has no leading, trailing or double '-' and is never empty when
 * it has room (never ".", "..", or a path). */
#include <stdlib.h>
#include <string.h>

#include "autoscope/lesson.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n_slug = 1 + data[0] % 64;
	char *text = malloc(size);
	char *slug = malloc(n_slug);
	if (!text || !slug) {
		free(text);
		free(slug);
		return 0;
	}
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;

	struct as_config def, cfg;
	as_config_default(&def);
	cfg = def;
	struct as_error err;
	if (as_settings_apply(&cfg, text, &err) == AS_OK) {
		fuzz_check_ranges(&cfg);
	} else {
		for (size_t i = 0; i < as_param_count(); i++)
			if (as_param_get(&cfg, as_param_at(i)) !=
			    as_param_get(&def, as_param_at(i)))
				abort();
	}

	const struct as_lesson *l = as_lesson_find(text);
	if (l) {
		size_t k = 0;
		while (k < as_lesson_count() && as_lesson_at(k) != l)
			k++;
		if (k == as_lesson_count())
			abort();
	}

	as_lesson_slug(text, slug, n_slug);
	size_t len = strnlen(slug, n_slug);
	if (len == n_slug || (n_slug > 1 && len == 0))
		abort();
	for (size_t i = 0; i < len; i++) {
		char c = slug[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			 (c == '-' && i > 0 && i + 1 < len &&
			  slug[i + 1] != '-');
		if (!ok)
			abort();
	}
	free(text);
	free(slug);
	return 0;
}
