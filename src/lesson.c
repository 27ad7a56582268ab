/* lesson: the built-in lessons (assets/lessons/, parsed by lesson_file.c)
 * and what every lesson does with its settings (lesson.h). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/lesson.h"
#include "autoscope/scores.h"

/* the files of assets/lessons/, compiled in (tools/embed_lessons.c) */
extern const char *const as_lesson_files[];
extern const char *const as_lesson_file_names[];
extern const size_t as_lesson_file_count;

#define LESSONS_MAX 64

static struct as_lesson *lessons[LESSONS_MAX];
static size_t n_lessons;
static pthread_once_t lessons_once = PTHREAD_ONCE_INIT;

/* Every built-in lesson through the parser of --lesson PATH, once. The
 * test suite parses each file and checks the menu holds them all, so a
 * file that does not parse never ships; here it would be left out. */
static void parse_builtins(void)
{
	for (size_t i = 0; i < as_lesson_file_count && n_lessons < LESSONS_MAX;
	     i++) {
		struct as_error err;
		struct as_lesson *l;
		if (as_lesson_parse(as_lesson_files[i],
				    strlen(as_lesson_files[i]),
				    as_lesson_file_names[i], &l,
				    &err) == AS_OK)
			lessons[n_lessons++] = l;
	}
}

size_t as_lesson_count(void)
{
	pthread_once(&lessons_once, parse_builtins);
	return n_lessons;
}

const struct as_lesson *as_lesson_at(size_t i)
{
	return i < as_lesson_count() ? lessons[i] : NULL;
}

const struct as_lesson *as_lesson_find(const char *name)
{
	if (!name)
		return NULL;
	size_t n = as_lesson_count();
	char *end;
	long k = strtol(name, &end, 10);
	if (end != name && !*end)
		return k >= 1 && (size_t)k <= n ? lessons[k - 1] : NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(lessons[i]->name, name))
			return lessons[i];
	return NULL;
}

enum as_status as_settings_apply(struct as_config *cfg, const char *settings,
				 struct as_error *err)
{
	struct as_config next = *cfg;
	const char *s = settings ? settings : "";
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		size_t len = strcspn(s, " ");
		char word[96];
		if (len >= sizeof word)
			return as_error_set(err, AS_ERR_INVALID,
					    "setting too long: '%.40s...'", s);
		memcpy(word, s, len);
		word[len] = 0;
		s += len;
		char *eq = strchr(word, '=');
		if (!eq)
			return as_error_set(err, AS_ERR_INVALID,
					    "setting '%s' is not name=value",
					    word);
		*eq = 0;
		const struct as_param *p = as_param_find(word);
		if (!p)
			return as_error_set(err, AS_ERR_INVALID,
					    "no parameter '%s'", word);
		enum as_status st = as_param_parse(&next, p, eq + 1, err);
		if (st != AS_OK)
			return st;
	}
	*cfg = next;
	return AS_OK;
}

enum as_status as_lesson_config(const struct as_lesson *l, size_t run,
				struct as_config *cfg, struct as_error *err)
{
	if (run >= l->n_runs)
		return as_error_set(err, AS_ERR_INVALID,
				    "lesson %s has %zu runs, not %zu", l->name,
				    l->n_runs, run + 1);
	struct as_config c;
	as_config_default(&c);
	enum as_status st = as_settings_apply(&c, l->settings, err);
	if (st == AS_OK)
		st = as_settings_apply(&c, l->runs[run].settings, err);
	if (st == AS_OK)
		st = as_config_validate(&c, err);
	if (st == AS_OK)
		*cfg = c;
	return st;
}

void as_lesson_data_opts(const struct as_lesson *l, struct as_data_opts *o)
{
	if (l->whiten_eps > 0)
		o->whiten_eps = l->whiten_eps;
	if (l->n_patches > 0)
		o->n_patches = l->n_patches;
}

void as_lesson_slug(const char *label, char *buf, size_t n)
{
	size_t j = 0;
	int dash = 0;
	for (const char *p = label; *p && j + 1 < n; p++) {
		if (isalnum((unsigned char)*p)) {
			if (dash && j > 0 && j + 2 < n)
				buf[j++] = '-';
			buf[j++] = (char)tolower((unsigned char)*p);
			dash = 0;
		} else {
			dash = 1;
		}
	}
	buf[j] = 0;
	if (!j)
		snprintf(buf, n, "run");
}
