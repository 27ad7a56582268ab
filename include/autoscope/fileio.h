/* fileio: whole-file reads and atomic writes.
 *
 * Owns: reading a file (plain or gzip, told apart by its bytes) into one
 * buffer, and the temp-file, fsync, rename dance that makes a write all or
 * nothing: a crash mid-save leaves the previous file intact.
 * Threading: none shared; each call stands alone. */
#ifndef AUTOSCOPE_FILEIO_H
#define AUTOSCOPE_FILEIO_H

#include <stdio.h>
#include <stddef.h>

#include "autoscope/error.h"

/* Reads all of path, inflating gzip transparently, into a malloc'd buffer
 * (*out, *len; free with free()). Refuses files larger than max_bytes. */
enum as_status as_file_read_all(const char *path, size_t max_bytes,
				unsigned char **out, size_t *len,
				struct as_error *err);

struct as_atomic {
	FILE *f;
	char path[4096];
	char tmp[4096 + 16];
};

/* Opens the temporary file path.tmp for writing, locked; fails if another
 * process is saving to path. */
enum as_status as_atomic_open(struct as_atomic *a, const char *path,
			      struct as_error *err);
/* Flushes, fsyncs, closes and renames over path; on any failure removes
 * the temporary file and leaves path as it was. */
enum as_status as_atomic_commit(struct as_atomic *a, struct as_error *err);
/* Abandons the write: closes and removes the temporary file. */
void as_atomic_abort(struct as_atomic *a);

/* mkdir -p: makes every missing level; ok if it exists. The error names
 * the level that could not be made. */
enum as_status as_mkdir(const char *path, struct as_error *err);

#endif
