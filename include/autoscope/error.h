/* error: status codes and a one-sentence error record.
 *
 * Owns: enum as_status and struct as_error. Functions in src/ that can fail
 * return a status and fill the record with one human sentence that names the
 * file, the field and the offset where it can. Nothing here prints or exits.
 * Threading: a record belongs to the caller; no shared state. */
#ifndef AUTOSCOPE_ERROR_H
#define AUTOSCOPE_ERROR_H

enum as_status {
	AS_OK = 0,
	AS_ERR_IO,	/* open/read/write/rename failed */
	AS_ERR_FORMAT,	/* a file is not what it claims to be */
	AS_ERR_NOMEM,	/* allocation failed or a size overflowed */
	AS_ERR_INVALID, /* a value or option is out of range or malformed */
	AS_ERR_STATE,	/* an operation does not fit the current state */
};

#define AS_ERROR_MAX 512

struct as_error {
	enum as_status status;
	char msg[AS_ERROR_MAX];
};

/* Fills err (if not NULL) with a printf-style message and returns status. */
enum as_status as_error_set(struct as_error *err, enum as_status status,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A short name of a status ("I/O error", "bad format", ...). */
const char *as_status_name(enum as_status status);

/* a * b into *out; returns 0 when it would overflow size_t. */
int as_mul_ok(size_t a, size_t b, size_t *out);

#endif
