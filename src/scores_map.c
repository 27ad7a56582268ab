/* scores_map: what DrLIM's experiments measure of a low-dimensional map
 * (scores.h AS_SCORE_MAP), on the map's codes and on PCA-2 of the pixels
 * alike. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scores_internal.h"

#define MAP_K 10 /* neighbours on the map */

double as_image_slant(const float *img, size_t rows, size_t cols)
{
	/* the second moments of the ink: x' = x - slant y fits the strokes
	 * upright, slant = sum p (x - mx)(y - my) / sum p (y - my)^2, with y
	 * counted upwards (a stroke leaning right is a positive slant) */
	double m = 0, mx = 0, my = 0;
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			double p = img[r * cols + c] > 0 ? img[r * cols + c]
							 : 0;
			m += p;
			mx += p * (double)c;
			my += p * (double)(rows - 1 - r);
		}
	if (m <= 0)
		return 0;
	mx /= m;
	my /= m;
	double sxy = 0, syy = 0;
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			double p = img[r * cols + c] > 0 ? img[r * cols + c]
							 : 0;
			double dy = (double)(rows - 1 - r) - my;
			sxy += p * ((double)c - mx) * dy;
			syy += p * dy * dy;
		}
	return syy > 0 ? sxy / syy : 0;
}

/* One map of n points (n x w): the slant predicted by each point's MAP_K
 * nearest others (R^2 against the slant's variance), the share of those
 * neighbours that are the same shift (copies > 1), and the mean distance
 * between the copies of one original over the mean distance between any
 * two points. */
static int map_stats(const float *p, size_t n, size_t w, const double *slant,
		     size_t copies, double *r2, double *shift_p,
		     double *copy_ratio)
{
	double *dist = malloc(n * sizeof *dist);
	if (!dist)
		return -1;
	size_t k = n - 1 < MAP_K ? n - 1 : MAP_K;
	double mean = 0, sst = 0, sse = 0, all = 0, same_copy = 0;
	size_t same = 0, n_all = 0, n_copy = 0;
	for (size_t i = 0; i < n; i++)
		mean += slant[i] / (double)n;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			double t = 0;
			for (size_t c = 0; c < w; c++) {
				double dd = (double)p[i * w + c] -
					    (double)p[j * w + c];
				t += dd * dd;
			}
			dist[j] = j == i ? INFINITY : t;
			if (j > i) {
				all += sqrt(t);
				n_all++;
				if (copies > 1 && i / copies == j / copies) {
					same_copy += sqrt(t);
					n_copy++;
				}
			}
		}
		/* the k nearest by selection (k is small) */
		double pred = 0;
		for (size_t q = 0; q < k; q++) {
			size_t best = 0;
			for (size_t j = 1; j < n; j++)
				if (dist[j] < dist[best])
					best = j;
			dist[best] = INFINITY;
			pred += slant[best] / (double)k;
			same += copies > 1 && best % copies == i % copies;
		}
		sse += (slant[i] - pred) * (slant[i] - pred);
		sst += (slant[i] - mean) * (slant[i] - mean);
	}
	*r2 = sst > 0 ? 1 - sse / sst : NAN;
	*shift_p = copies > 1 && k ? (double)same / (double)(n * k) : NAN;
	*copy_ratio = n_copy && all > 0
			      ? (same_copy / (double)n_copy) /
					(all / (double)n_all)
			      : NAN;
	free(dist);
	return 0;
}

enum as_status scores_map(const struct run *r, struct as_scores *s,
			  struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	size_t ntr = ds->n_train, n = ds->n - ntr;
	size_t w = r->stack->sizes[r->depth];
	if (n > AS_SCATTER_N)
		n = AS_SCATTER_N;
	n -= n % ds->copies; /* whole groups of copies */
	if (n < 2)
		return AS_OK;
	enum as_status st = as_baselines_xy(r->b, ds, err);
	if (st != AS_OK)
		return st;
	float *codes = malloc(n * w * sizeof *codes);
	double *slant = malloc(n * sizeof *slant);
	if (!codes || !slant) {
		free(codes);
		free(slant);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	const float *held = ds->x + ntr * ds->d;
	as_stack_encode(r->stack, r->cfg, r->depth, held, n, codes);
	for (size_t i = 0; i < n; i++)
		slant[i] = as_image_slant(held + i * ds->d, ds->rows, ds->cols);
	int bad = map_stats(codes, n, w, slant, ds->copies, &s->map_slant_r2,
			    &s->map_shift_p, &s->map_copy_ratio) ||
		  map_stats(&r->b->pixel_xy[0][0], n, 2, slant, ds->copies,
			    &s->pca_slant_r2, &s->pca_shift_p,
			    &s->pca_copy_ratio);
	free(codes);
	free(slant);
	if (bad)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	s->map_n = n;
	s->have |= AS_SCORE_MAP;
	return AS_OK;
}
