/* replay: runs fuzz inputs through a target without libFuzzer, so the
 * normal test suite (any compiler, and ASan/UBSan in ./setup.sh sanitize)
 * checks the committed corpus and every crash input kept as a regression.
 *
 *   replay_<name> CORPUS_DIR [MORE_DIR...]
 *
 * Calls LLVMFuzzerTestOneInput once on every file of each directory, in
 * name order, each in a buffer of exactly its size (so ASan sees a read
 * past the end). CORPUS_DIR must exist and hold inputs; the others may be
 * missing (tests/fuzz/crashes/<name>/ exists only once something was
 * found). A target that aborts or crashes fails the test; the name of
 * the input it was on is the last line printed. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* weak: a target need not define it */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static FILE *out; /* a copy of stderr: a target may silence its own */

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	unsigned char *b = NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size >= 0) {
		*len = (size_t)st.st_size;
		b = malloc(*len ? *len : 1);
		if (b && fread(b, 1, *len, f) != *len) {
			free(b);
			b = NULL;
		}
	}
	fclose(f);
	return b;
}

static int skip(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Returns the number of inputs run, or -1 if dir cannot be read. */
static long replay_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, skip, alphasort);
	if (n < 0)
		return -1;
	long ran = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		size_t len;
		unsigned char *b = read_file(path, &len);
		if (!b) {
			fprintf(out, "replay: %s: %s\n", path, strerror(errno));
			exit(EXIT_FAILURE);
		}
		fprintf(out, "%s (%zu bytes)\n", path, len);
		LLVMFuzzerTestOneInput(b, len);
		free(b);
		ran++;
	}
	free(names);
	return ran;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR [MORE_DIR...]\n",
			argv[0]);
		return 2;
	}
	int fd = dup(2);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out)
		out = stderr;
	setvbuf(out, NULL, _IONBF, 0);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	long total = 0;
	for (int i = 1; i < argc; i++) {
		long ran = replay_dir(argv[i]);
		if (i == 1 && ran <= 0) {
			fprintf(out, "replay: %s: %s\n", argv[i],
				ran < 0 ? strerror(errno) : "no inputs");
			return EXIT_FAILURE;
		}
		if (ran > 0)
			total += ran;
	}
	fprintf(out, "replay: %ld inputs, no failure\n", total);
	return EXIT_SUCCESS;
}
