/* export: files a person opens elsewhere.
 *
 * Owns: PNG filter grids (each filter rescaled to its own range, one pixel
 * of gap, as tile_raster_images in the Theano tutorials), PNG rows of
 * clean / corrupted / reconstructed examples, weights as NumPy .npy
 * (float32, C order, loadable with numpy.load), and the CSV training log.
 * PNG and .npy writes are atomic (fileio).
 * Threading: none shared. */
#ifndef AUTOSCOPE_EXPORT_H
#define AUTOSCOPE_EXPORT_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"
#include "autoscope/history.h"
#include "autoscope/params.h"

/* Grid columns for n tiles: ceil(sqrt(n)). */
size_t as_tile_columns(size_t n);

/* An RGB picture (w x h x 3 bytes, rows top down). */
enum as_status as_export_rgb_png(const char *path, const uint8_t *rgb,
				 size_t w, size_t h, struct as_error *err);

/* w: n_filters x (rows*cols). Each tile is scaled up by `scale` pixels. */
enum as_status as_export_filters_png(const char *path, const float *w,
				     size_t n_filters, size_t rows, size_t cols,
				     size_t scale, struct as_error *err);

/* The first grid_cols x grid_rows of them (fewer if there are fewer) in
 * that shape, row by row: the classic figure of a paper (10x10). */
enum as_status as_export_filter_grid_png(const char *path, const float *w,
					 size_t n_filters, size_t rows,
					 size_t cols, size_t grid_cols,
					 size_t grid_rows, size_t scale,
					 struct as_error *err);

/* Three rows of n images each (rows*cols values): clean, corrupted,
 * reconstructed. unit_range: clip to [0,1]; else each image to its range. */
enum as_status as_export_recon_png(const char *path, const float *clean,
				   const float *corrupted, const float *recon,
				   size_t n, size_t rows, size_t cols,
				   int unit_range, size_t scale,
				   struct as_error *err);

enum as_status as_export_npy(const char *path, const float *data,
			     const size_t *shape, int ndim,
			     struct as_error *err);

/* The CSV log: step, epoch, examples, train_loss, heldout_loss, time_s,
 * then one column per hyperparameter (names from the params table). */
struct as_csv_log {
	FILE *f;
};

/* append: keep existing rows (a resumed run); a new file gets the header. */
enum as_status as_csv_open(struct as_csv_log *log, const char *path, int append,
			   struct as_error *err);
enum as_status as_csv_write(struct as_csv_log *log, const struct as_point *p,
			    uint64_t epoch, const struct as_config *cfg,
			    struct as_error *err);
void as_csv_close(struct as_csv_log *log);

#endif
