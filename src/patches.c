#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/patches.h"

/* LAPACK (from OpenBLAS): eigenvalues and vectors of a symmetric matrix */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a,
	    const int *lda, double *w, double *work, const int *lwork,
	    int *info);

#define PNG_MAX_SIDE 20000

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

void as_image_free(struct as_image *img)
{
	if (!img)
		return;
	free(img->px);
	memset(img, 0, sizeof *img);
}

/* Gray in [0, 1] from gray, gray+alpha, RGB(A) or palette PNGs of any bit
 * depth; colour by Rec. 601 luma (0.299 R + 0.587 G + 0.114 B); alpha is
 * ignored. */
enum as_status as_png_load_gray(const char *path, struct as_image *out,
				struct as_error *err)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "rb");
	if (!f)
		return as_error_set(err, AS_ERR_IO, "%s: %s", path,
				    strerror(errno));
	unsigned char sig[8];
	if (fread(sig, 1, 8, f) != 8 || png_sig_cmp(sig, 0, 8) != 0) {
		fclose(f);
		return as_error_set(err, AS_ERR_FORMAT, "%s: not a PNG file",
				    path);
	}
	struct png_fail fail = {""};
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &fail,
						 on_png_error, on_png_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info) {
		png_destroy_read_struct(&png, &info, NULL);
		fclose(f);
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	}
	unsigned char *volatile raw = NULL;
	png_bytep *volatile rows = NULL;
	float *volatile px = NULL;
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		fclose(f);
		free(raw);
		free(rows);
		free(px);
		return as_error_set(err, AS_ERR_FORMAT, "%s: bad PNG: %s", path,
				    fail.msg);
	}
	png_init_io(png, f);
	png_set_sig_bytes(png, 8);
	png_set_user_limits(png, PNG_MAX_SIDE, PNG_MAX_SIDE);
	png_read_info(png, info);
	png_uint_32 w = png_get_image_width(png, info);
	png_uint_32 h = png_get_image_height(png, info);
	int type = png_get_color_type(png, info);
	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	png_set_strip_alpha(png);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	int depth = png_get_bit_depth(png, info);
	int ch = png_get_channels(png, info);
	size_t stride = png_get_rowbytes(png, info);
	raw = malloc(stride * h);
	rows = malloc(h * sizeof *rows);
	px = malloc((size_t)w * h * sizeof(float));
	if (!raw || !rows || !px)
		png_error(png, "out of memory");
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = raw + y * stride;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	float scale = depth == 16 ? 1.0f / 65535.0f : 1.0f / 255.0f;
	for (png_uint_32 y = 0; y < h; y++) {
		const unsigned char *r = rows[y];
		for (png_uint_32 x = 0; x < w; x++) {
			float c[3];
			for (int k = 0; k < ch && k < 3; k++) {
				size_t at = (size_t)x * ch + k;
				c[k] = depth == 16 ? (float)(r[2 * at] << 8 |
							     r[2 * at + 1])
						   : (float)r[at];
			}
			float g = ch >= 3 ? 0.299f * c[0] + 0.587f * c[1] +
						    0.114f * c[2]
					  : c[0];
			px[(size_t)y * w + x] = g * scale;
		}
	}
	png_destroy_read_struct(&png, &info, NULL);
	fclose(f);
	free(raw);
	free(rows);
	out->width = w;
	out->height = h;
	out->px = px;
	return AS_OK;
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
