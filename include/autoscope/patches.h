/* patches: natural-image patches for sparse-coding experiments.
 *
 * Owns: loading a PNG as gray floats in [0,1] (gray, gray+alpha, RGB, RGBA,
 * palette, 1..16-bit, interlaced or not; colour converted with Rec. 601
 * luma weights), sampling random k x k patches, per-patch mean removal, and
 * PCA/ZCA whitening. The decoder works on a buffer so it can be fuzzed; it
 * refuses images wider or taller than 20000 or of more than 2^25 pixels,
 * and any whose declared size its compressed bytes cannot hold, before it
 * allocates for the pixels, and skips ancillary chunks (text, ICC
 * profiles, ...) unread.
 * Threading: none shared. */
#ifndef AUTOSCOPE_PATCHES_H
#define AUTOSCOPE_PATCHES_H

#include <stddef.h>

#include "autoscope/error.h"
#include "autoscope/rng.h"

struct as_image {
	size_t width, height;
	float *px; /* height x width, row-major, in [0,1] */
};

/* Reads the file whole (at most 256 MiB) and decodes it as below. */
enum as_status as_png_load_gray(const char *path, struct as_image *out,
				struct as_error *err);
/* Decodes the PNG in buf[0, len) to gray floats in [0, 1]; name is used in
 * messages only. On failure out is zeroed. */
enum as_status as_png_decode_gray(const unsigned char *buf, size_t len,
				  const char *name, struct as_image *out,
				  struct as_error *err);
void as_image_free(struct as_image *img);

/* n patches of k x k from the images (each patch from an image chosen with
 * probability proportional to its number of patch positions) into out
 * (n x k*k, row-major). Fails if an image is smaller than k x k. */
enum as_status as_patches_sample(const struct as_image *imgs, size_t n_imgs,
				 size_t k, size_t n, struct as_rng *rng,
				 float *out, struct as_error *err);

/* Subtracts each patch's own mean. */
void as_patches_remove_mean(float *x, size_t n, size_t d);

enum as_whiten { AS_WHITEN_NONE = 0, AS_WHITEN_PCA, AS_WHITEN_ZCA };

/* Whitens x (n x d) in place with the covariance of x itself:
 * PCA: x <- diag(1/sqrt(l + eps)) U^T x;  ZCA: x <- U diag(1/sqrt(l + eps)) U^T
 * x (eps regularises the small eigenvalues; Krizhevsky 2009, UFLDL). */
enum as_status as_patches_whiten(float *x, size_t n, size_t d,
				 enum as_whiten mode, float eps,
				 struct as_error *err);

#endif
