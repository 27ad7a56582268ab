#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/patches.h"

/* LAPACK (from OpenBLAS): eigenvalues and vectors of a symmetric matrix */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a,
	    const int *lda, double *w, double *work, const int *lwork,
	    int *info);

#define PNG_MAX_SIDE 20000
/* 2^25 pixels (a 24-megapixel photograph fits): at most 128 MiB of gray
 * floats and 192 MiB of decoded 16-bit RGB rows for an interlaced image */
#define PNG_MAX_PIXELS ((uint64_t)1 << 25)
/* a file is read whole before it is decoded */
#define PNG_MAX_FILE ((size_t)256 << 20)
/* deflate's best ratio: 258 bytes from one 1-bit length code and one 1-bit
 * distance code (RFC 1951), so n compressed bytes inflate to < 1032 n */
#define DEFLATE_MAX_RATIO 1032

struct png_fail {
	char msg[200];
};

static void on_png_error(png_structp png, png_const_charp msg)
{
	struct png_fail *f = png_get_error_ptr(png);
	snprintf(f->msg, sizeof f->msg, "%s", msg);
	png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* libpng reads through this from the buffer: never past its end */
struct png_src {
	const unsigned char *p;
	size_t len, at;
};

static void on_png_read(png_structp png, png_bytep dst, size_t n)
{
	struct png_src *s = png_get_io_ptr(png);
	if (s->len - s->at < n)
		png_error(png, "file is truncated");
	memcpy(dst, s->p + s->at, n);
	s->at += n;
}

void as_image_free(struct as_image *img)
{
	if (!img)
		return;
	free(img->px);
	memset(img, 0, sizeof *img);
}

/* One decoded row (ch samples of depth bits per pixel) to gray floats. */
static void row_to_gray(const unsigned char *r, png_uint_32 w, int ch,
			int depth, float *dst)
{
	float scale = depth == 16 ? 1.0f / 65535.0f : 1.0f / 255.0f;
	for (png_uint_32 x = 0; x < w; x++) {
		float c[3] = {0, 0, 0};
		for (int k = 0; k < ch && k < 3; k++) {
			size_t at = (size_t)x * ch + k;
			c[k] = depth == 16
				       ? (float)(r[2 * at] << 8 | r[2 * at + 1])
				       : (float)r[at];
		}
		float g =
			ch >= 3 ? 0.299f * c[0] + 0.587f * c[1] + 0.114f * c[2]
				: c[0];
		dst[x] = g * scale;
	}
}

/* Gray in [0, 1] from gray, gray+alpha, RGB(A) or palette PNGs of any bit
 * depth; colour by Rec. 601 luma (0.299 R + 0.587 G + 0.114 B); alpha is
 * ignored. */
enum as_status as_png_decode_gray(const unsigned char *buf, size_t len,
				  const char *name, struct as_image *out,
				  struct as_error *err)
{
	memset(out, 0, sizeof *out);
	if (len < 8 || png_sig_cmp(buf, 0, 8) != 0)
		return as_error_set(err, AS_ERR_FORMAT, "%s: not a PNG file",
				    name);
	struct png_fail fail = {""};
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &fail,
						 on_png_error, on_png_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info) {
		png_destroy_read_struct(&png, &info, NULL);
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    name);
	}
	struct png_src src = {buf, len, 8};
	unsigned char *volatile raw = NULL;
	png_bytep *volatile rows = NULL;
	float *volatile px = NULL;
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(raw);
		free(rows);
		free(px);
		return as_error_set(err, AS_ERR_FORMAT, "%s: bad PNG: %s", name,
				    fail.msg);
	}
	png_set_read_fn(png, &src, on_png_read);
	png_set_sig_bytes(png, 8);
	png_set_user_limits(png, PNG_MAX_SIDE, PNG_MAX_SIDE);
	/* no ancillary chunk changes the gray values (no gamma, colour or
	 * alpha handling here): skip them all unread, so that text or ICC
	 * profiles that inflate to gigabytes cost nothing */
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
	png_read_info(png, info);
	png_uint_32 w = png_get_image_width(png, info);
	png_uint_32 h = png_get_image_height(png, info);
	/* nothing is allocated for the pixels before the size is known to
	 * be sane: no more pixel bytes than the file's compressed bytes can
	 * inflate to (a 57-byte file that declares 20000 x 20000 is refused
	 * here, not after a 2 GB malloc), and a bounded count */
	uint64_t n_px = (uint64_t)w * h;
	uint64_t bits = (uint64_t)png_get_bit_depth(png, info) *
			png_get_channels(png, info);
	char why[160];
	if (n_px * bits / 8 > (uint64_t)len * DEFLATE_MAX_RATIO) {
		snprintf(why, sizeof why,
			 "%lu x %lu pixels cannot come from a %zu-byte file "
			 "(truncated or corrupt)",
			 (unsigned long)w, (unsigned long)h, len);
		png_error(png, why);
	}
	if (n_px > PNG_MAX_PIXELS) {
		snprintf(why, sizeof why, "%lu x %lu is more than %llu pixels",
			 (unsigned long)w, (unsigned long)h,
			 (unsigned long long)PNG_MAX_PIXELS);
		png_error(png, why);
	}
	int type = png_get_color_type(png, info);
	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	png_set_strip_alpha(png);
	int passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	int depth = png_get_bit_depth(png, info);
	int ch = png_get_channels(png, info);
	size_t stride = png_get_rowbytes(png, info);
	/* an interlaced image needs all its rows at once, a plain one one */
	size_t n_raw = passes > 1 ? h : 1;
	raw = malloc(stride * n_raw);
	rows = malloc(n_raw * sizeof *rows);
	px = malloc((size_t)n_px * sizeof(float));
	if (!raw || !rows || !px)
		png_error(png, "out of memory");
	for (size_t y = 0; y < n_raw; y++)
		rows[y] = raw + y * stride;
	if (passes > 1) {
		png_read_image(png, rows);
		for (png_uint_32 y = 0; y < h; y++)
			row_to_gray(rows[y], w, ch, depth, px + (size_t)y * w);
	} else {
		for (png_uint_32 y = 0; y < h; y++) {
			png_read_row(png, raw, NULL);
			row_to_gray(raw, w, ch, depth, px + (size_t)y * w);
		}
	}
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	free(raw);
	free(rows);
	out->width = w;
	out->height = h;
	out->px = px;
	return AS_OK;
}

enum as_status as_png_load_gray(const char *path, struct as_image *out,
				struct as_error *err)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "rb");
	if (!f)
		return as_error_set(err, AS_ERR_IO, "%s: %s", path,
				    strerror(errno));
	/* the whole file, or PNG_MAX_FILE + 1 bytes to know it is larger */
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	enum as_status st = buf ? AS_OK : AS_ERR_NOMEM;
	while (st == AS_OK) {
		if (n == cap) {
			if (cap > PNG_MAX_FILE)
				break;
			size_t grown = cap * 2 > PNG_MAX_FILE ? PNG_MAX_FILE + 1
							      : cap * 2;
			unsigned char *nb = realloc(buf, grown);
			if (!nb) {
				st = AS_ERR_NOMEM;
				break;
			}
			buf = nb;
			cap = grown;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (st == AS_OK && ferror(f))
		st = as_error_set(err, AS_ERR_IO, "%s: %s", path,
				  strerror(errno));
	else if (st == AS_ERR_NOMEM)
		as_error_set(err, st, "%s: out of memory", path);
	else if (n > PNG_MAX_FILE)
		st = as_error_set(err, AS_ERR_FORMAT,
				  "%s: larger than the %zu-byte limit for a "
				  "PNG",
				  path, PNG_MAX_FILE);
	fclose(f);
	if (st == AS_OK)
		st = as_png_decode_gray(buf, n, path, out, err);
	free(buf);
	return st;
}

enum as_status as_patches_sample(const struct as_image *imgs, size_t n_imgs,
				 size_t k, size_t n, struct as_rng *rng,
				 float *out, struct as_error *err)
{
	double total = 0;
	double cum[64];
	if (n_imgs == 0 || n_imgs > 64)
		return as_error_set(err, AS_ERR_INVALID,
				    "patches need 1 to 64 images, not %zu",
				    n_imgs);
	for (size_t i = 0; i < n_imgs; i++) {
		if (imgs[i].width < k || imgs[i].height < k)
			return as_error_set(err, AS_ERR_INVALID,
					    "image %zu (%zu x %zu) is smaller "
					    "than the %zu x %zu patch size",
					    i + 1, imgs[i].width,
					    imgs[i].height, k, k);
		total += (double)(imgs[i].width - k + 1) *
			 (double)(imgs[i].height - k + 1);
		cum[i] = total;
	}
	for (size_t p = 0; p < n; p++) {
		double u = (double)as_rng_uniform(rng) * total;
		size_t i = 0;
		while (i + 1 < n_imgs && u >= cum[i])
			i++;
		const struct as_image *im = &imgs[i];
		size_t x0 = as_rng_below(rng, (uint32_t)(im->width - k + 1));
		size_t y0 = as_rng_below(rng, (uint32_t)(im->height - k + 1));
		for (size_t y = 0; y < k; y++)
			memcpy(out + p * k * k + y * k,
			       im->px + (y0 + y) * im->width + x0,
			       k * sizeof(float));
	}
	return AS_OK;
}

void as_patches_remove_mean(float *x, size_t n, size_t d)
{
	for (size_t i = 0; i < n; i++) {
		float *r = x + i * d;
		double m = 0;
		for (size_t j = 0; j < d; j++)
			m += r[j];
		m /= (double)d;
		for (size_t j = 0; j < d; j++)
			r[j] = (float)(r[j] - m);
	}
}

/* The covariance of x's columns (d x d, double) and its eigenvectors:
 * on return cov holds U column-major = row i is the i-th eigenvector. */
static enum as_status eig_cov(const float *x, size_t n, size_t d, double *mean,
			      double *cov, double *eval, struct as_error *err)
{
	memset(mean, 0, d * sizeof *mean);
	memset(cov, 0, d * d * sizeof *cov);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			mean[j] += x[i * d + j];
	for (size_t j = 0; j < d; j++)
		mean[j] /= (double)n;
	double *row = malloc(d * sizeof *row);
	if (!row)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < d; j++)
			row[j] = x[i * d + j] - mean[j];
		for (size_t a = 0; a < d; a++)
			for (size_t b = a; b < d; b++)
				cov[a * d + b] += row[a] * row[b];
	}
	free(row);
	for (size_t a = 0; a < d; a++)
		for (size_t b = a; b < d; b++)
			cov[b * d + a] = cov[a * d + b] /= (double)n;
	int nn = (int)d, lwork = -1, info = 0;
	double q;
	dsyev_("V", "U", &nn, cov, &nn, eval, &q, &lwork, &info);
	lwork = (int)q;
	double *work = malloc((size_t)lwork * sizeof *work);
	if (!work)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	dsyev_("V", "U", &nn, cov, &nn, eval, work, &lwork, &info);
	free(work);
	if (info != 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "eigendecomposition failed (dsyev info "
				    "%d)",
				    info);
	return AS_OK;
}

enum as_status as_patches_whiten(float *x, size_t n, size_t d,
				 enum as_whiten mode, float eps,
				 struct as_error *err)
{
	if (mode == AS_WHITEN_NONE || n == 0)
		return AS_OK;
	if (d > 4096)
		return as_error_set(err, AS_ERR_INVALID,
				    "whitening %zu-value patches is too "
				    "large",
				    d);
	double *mean = malloc(d * sizeof *mean);
	double *u = malloc(d * d * sizeof *u);
	double *ev = malloc(d * sizeof *ev);
	double *m = malloc(d * d * sizeof *m);
	double *r = malloc(d * sizeof *r);
	enum as_status st = AS_OK;
	if (!mean || !u || !ev || !m || !r)
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
	if (st == AS_OK)
		st = eig_cov(x, n, d, mean, u, ev, err);
	if (st == AS_OK) {
		/* the whitening matrix M (row-major, d x d): PCA rows are
		 * u_i / sqrt(l_i + eps); ZCA is U diag U^T */
		for (size_t i = 0; i < d; i++) {
			double s = 1.0 / sqrt((ev[i] > 0 ? ev[i] : 0) + eps);
			for (size_t j = 0; j < d; j++)
				m[i * d + j] = u[i * d + j] * s;
		}
		if (mode == AS_WHITEN_ZCA) {
			double *z = calloc(d * d, sizeof *z);
			if (!z) {
				st = as_error_set(err, AS_ERR_NOMEM,
						  "out of memory");
			} else {
				for (size_t a = 0; a < d; a++)
					for (size_t i = 0; i < d; i++)
						for (size_t b = 0; b < d; b++)
							z[a * d + b] +=
								u[i * d + a] *
								m[i * d + b];
				memcpy(m, z, d * d * sizeof *z);
				free(z);
			}
		}
	}
	if (st == AS_OK) {
		for (size_t p = 0; p < n; p++) {
			float *xp = x + p * d;
			for (size_t j = 0; j < d; j++)
				r[j] = xp[j] - mean[j];
			for (size_t i = 0; i < d; i++) {
				double s = 0;
				for (size_t j = 0; j < d; j++)
					s += m[i * d + j] * r[j];
				xp[i] = (float)s;
			}
		}
	}
	free(mean);
	free(u);
	free(ev);
	free(m);
	free(r);
	return st;
}
