#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/export.h"
#include "autoscope/fileio.h"

/* Gaps between tiles are this gray (dark, so tiles stand apart). */
#define GAP_VALUE 32

size_t as_tile_columns(size_t n)
{
	size_t c = 1;
	while (c * c < n)
		c++;
	return c;
}

struct png_fail {
	char msg[200];
};

static void on_png_error(png_structp png, png_const_charp msg)
{
	struct png_fail *f = png_get_error_ptr(png);
	snprintf(f->msg, sizeof f->msg, "%s", msg);
	png_longjmp(png, 1);
}

/* Writes an 8-bit gray image atomically: the old file stays until the
 * new one is complete on disk. */
static enum as_status write_png(const char *path, const uint8_t *px,
				size_t w, size_t h, int channels,
				struct as_error *err)
{
	if (w == 0 || h == 0 || w > 1000000 || h > 1000000)
		return as_error_set(err, AS_ERR_INVALID,
				    "%s: a %zu x %zu image cannot be written",
				    path, w, h);
	struct as_atomic a;
	enum as_status st = as_atomic_open(&a, path, err);
	if (st != AS_OK)
		return st;
	struct png_fail fail = {""};
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &fail,
						  on_png_error, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info) {
		png_destroy_write_struct(&png, &info);
		as_atomic_abort(&a);
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		as_atomic_abort(&a);
		return as_error_set(err, AS_ERR_IO, "%s: PNG write failed: %s",
				    path, fail.msg);
	}
	png_init_io(png, a.f);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
		     channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (size_t y = 0; y < h; y++)
		png_write_row(png, px + y * w * (size_t)channels);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return as_atomic_commit(&a, err);
}

static enum as_status write_gray_png(const char *path, const uint8_t *px,
				     size_t w, size_t h, struct as_error *err)
{
	return write_png(path, px, w, h, 1, err);
}

enum as_status as_export_rgb_png(const char *path, const uint8_t *rgb,
				 size_t w, size_t h, struct as_error *err)
{
	return write_png(path, rgb, w, h, 3, err);
}

/* Paints one tile at (x0, y0) of a canvas of width cw: values scaled to
 * [lo, hi] -> 0..255 (lo == hi: mid gray), each pixel scale x scale. */
static void paint(uint8_t *canvas, size_t cw, size_t x0, size_t y0,
		  const float *img, size_t rows, size_t cols, size_t scale,
		  float lo, float hi)
{
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			float v = img[r * cols + c];
			float t = hi > lo ? (v - lo) / (hi - lo) : 0.5f;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			uint8_t g = (uint8_t)lrintf(t * 255.0f);
			for (size_t dy = 0; dy < scale; dy++)
				memset(canvas + (y0 + r * scale + dy) * cw +
					       x0 + c * scale,
				       g, scale);
		}
}

static void range(const float *v, size_t n, float *lo, float *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		*lo = v[i] < *lo ? v[i] : *lo;
		*hi = v[i] > *hi ? v[i] : *hi;
	}
}

/* A grid of ceil(sqrt(n)) columns; tiles of rows*scale x cols*scale with
 * one pixel of gap between them (and none around the outside):
 *   width = ncols * cols * scale + (ncols - 1). */
enum as_status as_export_filter_grid_png(const char *path, const float *w,
					 size_t n_filters, size_t rows,
					 size_t cols, size_t grid_cols,
					 size_t grid_rows, size_t scale,
					 struct as_error *err)
{
	if (n_filters == 0 || rows == 0 || cols == 0 || scale == 0 ||
	    scale > 64 || rows * cols > (1u << 24) || grid_cols == 0 ||
	    grid_rows == 0 || grid_cols > 1000 || grid_rows > 1000)
		return as_error_set(err, AS_ERR_INVALID,
				    "%s: no filters to draw", path);
	size_t gc = grid_cols, gr = grid_rows;
	size_t n = n_filters < gc * gr ? n_filters : gc * gr;
	size_t tw = cols * scale, th = rows * scale;
	size_t width = gc * tw + gc - 1, height = gr * th + gr - 1;
	size_t px;
	if (!as_mul_ok(width, height, &px) || px > ((size_t)1 << 28))
		return as_error_set(err, AS_ERR_INVALID,
				    "%s: a %zux%zu grid of %zux%zu tiles is "
				    "too large",
				    path, gc, gr, tw, th);
	uint8_t *canvas = malloc(px);
	if (!canvas)
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	memset(canvas, GAP_VALUE, px);
	for (size_t i = 0; i < n; i++) {
		const float *f = w + i * rows * cols;
		float lo, hi;
		range(f, rows * cols, &lo, &hi);
		paint(canvas, width, (i % gc) * (tw + 1), (i / gc) * (th + 1),
		      f, rows, cols, scale, lo, hi);
	}
	enum as_status st = write_gray_png(path, canvas, width, height, err);
	free(canvas);
	return st;
}

enum as_status as_export_filters_png(const char *path, const float *w,
				     size_t n_filters, size_t rows, size_t cols,
				     size_t scale, struct as_error *err)
{
	size_t gc = as_tile_columns(n_filters ? n_filters : 1);
	size_t gr = (n_filters + gc - 1) / gc;
	return as_export_filter_grid_png(path, w, n_filters, rows, cols, gc,
					 gr ? gr : 1, scale, err);
}

enum as_status as_export_recon_png(const char *path, const float *clean,
				   const float *corrupted, const float *recon,
				   size_t n, size_t rows, size_t cols,
				   int unit_range, size_t scale,
				   struct as_error *err)
{
	if (n == 0 || rows == 0 || cols == 0 || scale == 0 || scale > 64)
		return as_error_set(err, AS_ERR_INVALID,
				    "%s: no examples to draw", path);
	size_t d = rows * cols, tw = cols * scale, th = rows * scale;
	size_t width = n * tw + n - 1, height = 3 * th + 2;
	uint8_t *canvas = malloc(width * height);
	if (!canvas)
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	memset(canvas, GAP_VALUE, width * height);
	const float *sets[3] = {clean, corrupted, recon};
	for (size_t r = 0; r < 3; r++)
		for (size_t i = 0; i < n; i++) {
			const float *img = sets[r] + i * d;
			float lo = 0, hi = 1;
			if (!unit_range)
				range(img, d, &lo, &hi);
			paint(canvas, width, i * (tw + 1), r * (th + 1), img,
			      rows, cols, scale, lo, hi);
		}
	enum as_status st = write_gray_png(path, canvas, width, height, err);
	free(canvas);
	return st;
}

/* NumPy format 1.0: magic, version, u16 header length, a Python dict
 * literal padded with spaces and a newline to a multiple of 64 bytes. */
enum as_status as_export_npy(const char *path, const float *data,
			     const size_t *shape, int ndim,
			     struct as_error *err)
{
	if (ndim < 1 || ndim > 4)
		return as_error_set(err, AS_ERR_INVALID, "%s: %d dimensions",
				    path, ndim);
	char dict[256], dims[160] = "";
	size_t count = 1;
	for (int i = 0; i < ndim; i++) {
		size_t used = strlen(dims);
		snprintf(dims + used, sizeof dims - used, "%s%zu",
			 i ? ", " : "", shape[i]);
		if (!as_mul_ok(count, shape[i], &count))
			return as_error_set(err, AS_ERR_INVALID,
					    "%s: shape overflows", path);
	}
	snprintf(dict, sizeof dict,
		 "{'descr': '<f4', 'fortran_order': False, 'shape': (%s%s), }",
		 dims, ndim == 1 ? "," : "");
	size_t len = strlen(dict);
	size_t total = 10 + len + 1;
	size_t padded = (total + 63) / 64 * 64;
	size_t hlen = padded - 10;
	unsigned char head[10] = {0x93,
				  'N',
				  'U',
				  'M',
				  'P',
				  'Y',
				  1,
				  0,
				  (unsigned char)(hlen & 0xff),
				  (unsigned char)(hlen >> 8)};
	struct as_atomic a;
	enum as_status st = as_atomic_open(&a, path, err);
	if (st != AS_OK)
		return st;
	int ok = fwrite(head, 1, 10, a.f) == 10 &&
		 fwrite(dict, 1, len, a.f) == len;
	for (size_t i = 10 + len; ok && i < padded - 1; i++)
		ok = fputc(' ', a.f) != EOF;
	ok = ok && fputc('\n', a.f) != EOF;
	/* little-endian float32: the machine's own order on x86 and arm */
	ok = ok && fwrite(data, sizeof(float), count, a.f) == count;
	if (!ok) {
		as_atomic_abort(&a);
		return as_error_set(err, AS_ERR_IO, "%s: write failed", path);
	}
	return as_atomic_commit(&a, err);
}

enum as_status as_csv_open(struct as_csv_log *log, const char *path, int append,
			   struct as_error *err)
{
	log->f = fopen(path, append ? "a" : "w");
	if (!log->f)
		return as_error_set(err, AS_ERR_IO, "%s: %s", path,
				    strerror(errno));
	if (fseek(log->f, 0, SEEK_END) == 0 && ftell(log->f) == 0) {
		fputs("step,epoch,examples,train_loss,heldout_loss,time_s",
		      log->f);
		for (size_t i = 0; i < as_param_count(); i++)
			fprintf(log->f, ",%s", as_param_at(i)->name);
		fputc('\n', log->f);
		fflush(log->f);
	}
	return AS_OK;
}

enum as_status as_csv_write(struct as_csv_log *log, const struct as_point *p,
			    uint64_t epoch, const struct as_config *cfg,
			    struct as_error *err)
{
	FILE *f = log->f;
	fprintf(f, "%llu,%llu,%llu,", (unsigned long long)p->step,
		(unsigned long long)epoch, (unsigned long long)p->examples);
	if (isfinite(p->train_loss))
		fprintf(f, "%.6g", p->train_loss);
	fputc(',', f);
	if (isfinite(p->heldout_loss))
		fprintf(f, "%.6g", p->heldout_loss);
	fprintf(f, ",%.3f", p->time_s);
	for (size_t i = 0; i < as_param_count(); i++) {
		char v[40];
		as_param_format(cfg, as_param_at(i), v, sizeof v);
		fprintf(f, ",%s", v);
	}
	fputc('\n', f);
	if (fflush(f) != 0 || ferror(f))
		return as_error_set(err, AS_ERR_IO, "log.csv: write failed: %s",
				    strerror(errno));
	return AS_OK;
}

void as_csv_close(struct as_csv_log *log)
{
	if (log->f)
		fclose(log->f);
	log->f = NULL;
}
