/* Fuzz target: the command line (cli_parse of cli/options.c), with argv
 * made by splitting the input at its NUL bytes (at most 64 arguments, each
 * its own allocation, after "autoscope"; "train" first selects the headless
 * command, as in cli/main.c).
 * Properties: the result is -1, 0 or 1; on 0 every hyperparameter is in its
 * range, every run option in the range its message names, and every string
 * option points into argv (cli_parse copies nothing, so it cannot leak).
 * cli_parse reports to stderr and --help prints to stdout: both go to
 * /dev/null (see LLVMFuzzerInitialize). It never exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "options.h"

#define MAX_ARGS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "w", stdout))
		abort();
#ifdef __GLIBC__
	/* not freopen for stderr: that would send libFuzzer's own reports
	 * (it writes to the FILE stderr pointed at when it started) to
	 * /dev/null too. glibc's stderr is a variable (documented in its
	 * manual, "Standard Streams"): pointing it elsewhere silences only
	 * the code that reads it from now on, cli_parse. The sanitizers
	 * write to file descriptor 2 directly and are not affected. */
	FILE *null = fopen("/dev/null", "w");
	if (!null)
		abort();
	stderr = null;
#else
	if (!freopen("/dev/null", "w", stderr))
		abort();
#endif
	return 0;
}

static int in_argv(const char *s, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (s >= argv[i] && s <= argv[i] + n)
			return 1;
	}
	return 0;
}

static void check(const struct cli_opts *o, int argc, char **argv)
{
	fuzz_check_ranges(&o->cfg);
	const struct as_data_opts *d = &o->data_opts;
	if (!(d->holdout >= 0 && d->holdout < 1) || d->patch_size < 2 ||
	    d->patch_size > 64 || d->n_patches < 10 ||
	    d->n_patches > 10000000 || !(d->whiten_eps > 0) ||
	    d->whiten_eps > 100 ||
	    (d->whiten != AS_WHITEN_NONE && d->whiten != AS_WHITEN_PCA &&
	     d->whiten != AS_WHITEN_ZCA))
		abort();
	if (o->epochs < 1 || o->epochs > 1000000 || o->threads < 1 ||
	    o->threads > 64 || o->probe < -1 || o->probe > 1 ||
	    (o->epochs_given != 0 && o->epochs_given != 1) ||
	    (o->quiet != 0 && o->quiet != 1))
		abort();
	const char *strs[] = {o->data, o->out, o->resume, d->labels};
	for (size_t i = 0; i < 4; i++)
		if (strs[i] && !in_argv(strs[i], argc, argv))
			abort();
	if (o->lesson && o->resume)
		abort();
	if (o->lesson) {
		size_t k = 0;
		while (k < as_lesson_count() && as_lesson_at(k) != o->lesson)
			k++;
		if (k == as_lesson_count())
			abort();
	}
	for (size_t i = 0; i < sizeof o->given; i++)
		if (o->given[i] > 1 || (o->given[i] && i >= as_param_count()))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char prog[] = "autoscope";
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = prog;
	size_t at = 0;
	while (at < size && argc < MAX_ARGS + 1) {
		const uint8_t *nul = memchr(data + at, 0, size - at);
		size_t len = nul ? (size_t)(nul - (data + at)) : size - at;
		char *a = malloc(len + 1);
		if (!a)
			abort();
		memcpy(a, data + at, len);
		a[len] = 0;
		argv[argc++] = a;
		at += len + 1;
	}
	argv[argc] = NULL;
	int train = argc > 1 && !strcmp(argv[1], "train");
	struct cli_opts o;
	int r = cli_parse(argc, argv, train ? 2 : 1, &o,
			  train ? "train" : NULL);
	if (r < -1 || r > 1)
		abort();
	if (r == 0)
		check(&o, argc, argv);
	for (int i = 1; i < argc; i++)
		free(argv[i]);
	return 0;
}
