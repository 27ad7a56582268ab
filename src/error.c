#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "autoscope/error.h"

enum as_status as_error_set(struct as_error *err, enum as_status status,
			    const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->status = status;
	}
	return status;
}

const char *as_status_name(enum as_status status)
{
	switch (status) {
	case AS_OK: return "ok";
	case AS_ERR_IO: return "I/O error";
	case AS_ERR_FORMAT: return "bad format";
	case AS_ERR_NOMEM: return "out of memory";
	case AS_ERR_INVALID: return "invalid value";
	case AS_ERR_STATE: return "wrong state";
	}
	return "unknown error";
}

int as_mul_ok(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return 0;
	*out = a * b;
	return 1;
}
