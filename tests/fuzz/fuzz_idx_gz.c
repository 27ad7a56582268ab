/* Fuzz target: the IDX file loader, plain or gzip, as --data PATH uses it:
 * as_dataset_load_idx (as_file_read_all, gunzip, as_idx_parse, the
 * labels, the shuffle and split) on files held in memory (memfd_create,
 * opened again by the path /proc/self/fd/N).
 *
 * Input: one byte of options, then the images file; with bit 0 set, two
 * bytes (little-endian) of the images file's length come first and the
 * labels file follows it. Bits 1-3 pick the held-out fraction (eighths),
 * bits 4-7 max_examples (0: all). A loaded dataset must be what the header
 * promised: d = rows x cols, values in [0, 1], labels that count, a split
 * inside n. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "autoscope/dataset.h"
#include "fuzz.h"

static int fd_images = -1, fd_labels = -1;

static int make_file(const char *name)
{
	int fd = memfd_create(name, 0);
	if (fd < 0) {
		perror("memfd_create");
		abort();
	}
	return fd;
}

/* fd now holds exactly buf[0, n); path names it */
static void fill(int fd, const uint8_t *buf, size_t n, char *path, size_t np)
{
	if (ftruncate(fd, 0) != 0 ||
	    (n && pwrite(fd, buf, n, 0) != (ssize_t)n)) {
		perror("memfd write");
		abort();
	}
	snprintf(path, np, "/proc/self/fd/%d", fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (fd_images < 0) {
		fd_images = make_file("images");
		fd_labels = make_file("labels");
	}
	unsigned flags = data[0];
	const uint8_t *images = data + 1;
	size_t n_images = size - 1;
	const uint8_t *labels = NULL;
	size_t n_labels = 0;
	if (flags & 1) {
		if (size < 3)
			return 0;
		size_t want = (size_t)data[1] | (size_t)data[2] << 8;
		images = data + 3;
		n_images = size - 3 < want ? size - 3 : want;
		labels = images + n_images;
		n_labels = size - 3 - n_images;
	}
	struct as_data_opts o;
	as_data_opts_default(&o);
	o.holdout = (double)(flags >> 1 & 7) / 8.0;
	o.max_examples = flags >> 4;
	char ipath[64], lpath[64];
	fill(fd_images, images, n_images, ipath, sizeof ipath);
	if (labels)
		fill(fd_labels, labels, n_labels, lpath, sizeof lpath);
	struct as_dataset *ds;
	struct as_error err;
	if (as_dataset_load_idx(ipath, labels ? lpath : NULL, &o, &ds, &err) !=
	    AS_OK) {
		if (ds)
			abort(); /* a loader returns a whole dataset or none */
		return 0;
	}
	if (ds->n == 0 || ds->d == 0 || ds->rows * ds->cols != ds->d ||
	    ds->n_train < 1 || ds->n_train > ds->n ||
	    (o.max_examples && ds->n > o.max_examples))
		abort();
	if (ds->n > 1 && ds->n_train == ds->n && o.holdout > 0.5 / ds->n)
		abort(); /* a held-out part was asked for and could be had */
	for (size_t i = 0; i < ds->n * ds->d; i++)
		if (!(ds->x[i] >= 0.0f && ds->x[i] <= 1.0f))
			abort();
	if (!(ds->min >= 0.0f && ds->min <= ds->max && ds->max <= 1.0f))
		abort();
	if ((ds->labels != NULL) != (labels != NULL))
		abort();
	for (size_t i = 0; ds->labels && i < ds->n; i++)
		if (ds->labels[i] >= ds->n_classes)
			abort();
	as_dataset_free(ds);
	return 0;
}
