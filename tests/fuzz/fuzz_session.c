/* Fuzz target: as_session_parse, the explorer's session file.
 * Properties: a refused file says why (a sentence); an accepted one has
 * 1..AS_RUNS_MAX runs, a focus among them, plain relative run directories,
 * and formats to text that parses back to the same session. */
#include <stdlib.h>
#include <string.h>

#include "autoscope/session.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct as_session s, back;
	struct as_error err;
	err.msg[0] = 0;
	if (as_session_parse((const char *)data, size, "f", &s, &err) !=
	    AS_OK) {
		if (strncmp(err.msg, "f", 1) != 0)
			abort();
		return 0;
	}
	if (s.n_runs < 1 || s.n_runs > AS_RUNS_MAX || s.focus < 0 ||
	    s.focus >= s.n_runs)
		abort();
	for (int i = 0; i < s.n_runs; i++)
		if (s.run[i].dir[0] == '/' || strstr(s.run[i].dir, " "))
			abort();
	char text[8192];
	size_t n = as_session_format(&s, text, sizeof text);
	if (n == 0 || as_session_parse(text, n, "f", &back, &err) != AS_OK)
		abort();
	if (strcmp(back.lesson, s.lesson) ||
	    strcmp(back.lesson_file, s.lesson_file) || back.n_runs != s.n_runs ||
	    back.focus != s.focus || back.n_views != s.n_views)
		abort();
	for (int i = 0; i < s.n_runs; i++)
		if (strcmp(back.run[i].dir, s.run[i].dir) ||
		    strcmp(back.run[i].label, s.run[i].label))
			abort();
	return 0;
}
