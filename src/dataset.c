#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "autoscope/dataset.h"
#include "autoscope/fileio.h"
#include "autoscope/idx.h"
#include "autoscope/mem.h"

#define IDX_MAX_BYTES ((size_t)1 << 31)

void as_data_opts_default(struct as_data_opts *o)
{
	memset(o, 0, sizeof *o);
	o->holdout = 0.2;
	o->patch_size = 8;
	o->n_patches = 20000;
	o->patch_mean = 1;
	o->whiten = AS_WHITEN_ZCA;
	o->whiten_eps = 0.01f;
	o->seed = 1;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_mnist(const char *dir)
{
	char p[PATH_MAX + 8];
	snprintf(p, sizeof p, "%s/mnist", dir);
	return is_dir(p);
}

static char assets[PATH_MAX];
static pthread_once_t assets_once = PTHREAD_ONCE_INIT;

static void find_assets(void)
{
	const char *env = getenv("AUTOSCOPE_ASSETS");
	const char *fixed[] = {env, AS_SOURCE_ASSETS, AS_INSTALL_ASSETS};
	for (size_t i = 0; i < 3; i++) {
		if (fixed[i] && fixed[i][0] && has_mnist(fixed[i])) {
			snprintf(assets, sizeof assets, "%s", fixed[i]);
			return;
		}
	}
	/* a relocated install: <prefix>/bin/autoscope and
	 * <prefix>/share/autoscope/assets */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = 0;
	char cand[PATH_MAX + 32];
	snprintf(cand, sizeof cand, "%s/../share/autoscope/assets", exe);
	if (strlen(cand) < sizeof assets && has_mnist(cand))
		snprintf(assets, sizeof assets, "%s", cand);
}

const char *as_assets_dir(void)
{
	pthread_once(&assets_once, find_assets);
	return assets[0] ? assets : NULL;
}

static void range_of(struct as_dataset *ds)
{
	float lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < ds->n * ds->d; i++) {
		lo = ds->x[i] < lo ? ds->x[i] : lo;
		hi = ds->x[i] > hi ? ds->x[i] : hi;
	}
	ds->min = ds->n ? lo : 0;
	ds->max = ds->n ? hi : 0;
	ds->n_classes = 0;
	if (ds->labels)
		for (size_t i = 0; i < ds->n; i++)
			if (ds->labels[i] + 1 > ds->n_classes)
				ds->n_classes = ds->labels[i] + 1;
}

enum as_status as_dataset_wrap(const char *name, float *x, uint8_t *labels,
			       size_t n, size_t rows, size_t cols,
			       size_t n_train, struct as_dataset **out,
			       struct as_error *err)
{
	*out = NULL;
	size_t d;
	if (!as_mul_ok(rows, cols, &d) || d == 0 || n == 0 || n_train > n) {
		free(x);
		free(labels);
		return as_error_set(err, AS_ERR_INVALID,
				    "%s: %zu examples of %zu x %zu (%zu for "
				    "training) is not a dataset",
				    name, n, rows, cols, n_train);
	}
	struct as_dataset *ds = calloc(1, sizeof *ds);
	if (!ds) {
		free(x);
		free(labels);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	snprintf(ds->name, sizeof ds->name, "%s", name);
	ds->n = n;
	ds->d = d;
	ds->rows = rows;
	ds->cols = cols;
	ds->x = x;
	ds->labels = labels;
	ds->n_train = n_train;
	ds->copies = 1;
	range_of(ds);
	*out = ds;
	return AS_OK;
}

void as_dataset_free(struct as_dataset *ds)
{
	if (!ds)
		return;
	free(ds->x);
	free(ds->labels);
	free(ds);
}

/* Shuffles examples (and labels) with the data seed, keeps at most max,
 * and returns the number of training examples. */
static size_t shuffle_split(float *x, uint8_t *labels, size_t *n, size_t d,
			    const struct as_data_opts *o, float *tmp)
{
	struct as_rng rng;
	as_rng_seed(&rng, o->seed, 7);
	for (size_t i = *n; i > 1; i--) {
		size_t j = as_rng_below(&rng, (uint32_t)i);
		size_t a = i - 1;
		if (j == a)
			continue;
		memcpy(tmp, x + a * d, d * sizeof(float));
		memcpy(x + a * d, x + j * d, d * sizeof(float));
		memcpy(x + j * d, tmp, d * sizeof(float));
		if (labels) {
			uint8_t t = labels[a];
			labels[a] = labels[j];
			labels[j] = t;
		}
	}
	if (o->max_examples && *n > o->max_examples)
		*n = o->max_examples;
	size_t held = (size_t)llround(o->holdout * (double)*n);
	if (held >= *n)
		held = *n - 1;
	return *n - held;
}

/* Each of the n examples (rows x cols) followed by its copies moved
 * across by o->shifts (zeros shifted in): *x and *y replaced by the
 * (1 + n_shifts) n rows; on failure they are freed. */
static enum as_status add_shifts(float **x, uint8_t **y, size_t n,
				 size_t rows, size_t cols,
				 const struct as_data_opts *o,
				 struct as_error *err)
{
	size_t d = rows * cols, copies = 1 + o->n_shifts, total;
	float *nx = NULL;
	uint8_t *ny = *y ? malloc(n * copies) : NULL;
	if (as_mul_ok(n * copies, d, &total) && n * copies / copies == n)
		nx = as_alloc_large(total, sizeof(float));
	if (!nx || (*y && !ny)) {
		free(nx);
		free(ny);
		free(*x);
		free(*y);
		*x = NULL;
		*y = NULL;
		return as_error_set(err, AS_ERR_NOMEM,
				    "out of memory for %zu shifted copies",
				    n * copies);
	}
	for (size_t i = 0; i < n; i++) {
		const float *src = *x + i * d;
		for (size_t c = 0; c < copies; c++) {
			float *dst = nx + (i * copies + c) * d;
			long sh = c ? o->shifts[c - 1] : 0;
			for (size_t r = 0; r < rows; r++)
				for (size_t k = 0; k < cols; k++) {
					long from = (long)k - sh;
					dst[r * cols + k] =
						from >= 0 && from < (long)cols
							? src[r * cols +
							      (size_t)from]
							: 0.0f;
				}
			if (ny)
				ny[i * copies + c] = (*y)[i];
		}
	}
	free(*x);
	free(*y);
	*x = nx;
	*y = ny;
	return AS_OK;
}

static enum as_status read_idx(const char *path, unsigned char **buf,
			       struct as_idx *idx, struct as_error *err)
{
	size_t len;
	enum as_status st =
		as_file_read_all(path, IDX_MAX_BYTES, buf, &len, err);
	if (st != AS_OK)
		return st;
	st = as_idx_parse(*buf, len, path, idx, err);
	if (st != AS_OK) {
		free(*buf);
		*buf = NULL;
	}
	return st;
}

/* t10k-images-idx3-ubyte.gz -> t10k-labels-idx1-ubyte.gz (if present) */
static int labels_beside(const char *images, char *out, size_t n)
{
	const char *at = strstr(images, "images-idx3");
	if (!at)
		at = strstr(images, "images.idx3");
	if (!at)
		return 0;
	snprintf(out, n, "%.*s%s%s", (int)(at - images), images,
		 at[6] == '-' ? "labels-idx1" : "labels.idx1", at + 11);
	if (access(out, R_OK) == 0)
		return 1;
	/* with or without .gz */
	size_t len = strlen(out);
	if (len > 3 && !strcmp(out + len - 3, ".gz")) {
		out[len - 3] = 0;
	} else if (len + 3 < n) {
		strcat(out, ".gz");
	}
	return access(out, R_OK) == 0;
}

enum as_status as_dataset_load_idx(const char *images, const char *labels,
				   const struct as_data_opts *o,
				   struct as_dataset **out,
				   struct as_error *err)
{
	*out = NULL;
	unsigned char *ibuf = NULL, *lbuf = NULL;
	struct as_idx im, lb;
	enum as_status st = read_idx(images, &ibuf, &im, err);
	if (st != AS_OK)
		return st;
	size_t n = im.dims[0], rows, cols;
	if (im.ndim == 3) {
		rows = im.dims[1];
		cols = im.dims[2];
	} else if (im.ndim == 2) {
		size_t d = im.dims[1], s = (size_t)llround(sqrt((double)d));
		rows = s * s == d ? s : 1;
		cols = s * s == d ? s : d;
	} else {
		free(ibuf);
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: %d dimensions; images need 3 (n x "
				    "rows x cols) or 2 (n x values)",
				    images, im.ndim);
	}
	char found[PATH_MAX];
	if (!labels && labels_beside(images, found, sizeof found))
		labels = found;
	if (labels) {
		st = read_idx(labels, &lbuf, &lb, err);
		if (st == AS_OK && lb.ndim != 1)
			st = as_error_set(err, AS_ERR_FORMAT,
					  "%s: labels need 1 dimension, not %d",
					  labels, lb.ndim);
		if (st == AS_OK && lb.count != n)
			st = as_error_set(err, AS_ERR_FORMAT,
					  "%s has %zu labels but %s has %zu "
					  "images",
					  labels, lb.count, images, n);
		if (st != AS_OK) {
			free(ibuf);
			free(lbuf);
			return st;
		}
	}
	size_t d = rows * cols, total;
	float *x = NULL, *tmp = malloc(d * sizeof(float));
	uint8_t *y = labels ? malloc(n) : NULL;
	if (as_mul_ok(n, d, &total))
		x = as_alloc_large(total, sizeof(float));
	if (!x || !tmp || (labels && !y)) {
		free(x);
		free(tmp);
		free(y);
		free(ibuf);
		free(lbuf);
		return as_error_set(err, AS_ERR_NOMEM,
				    "%s: out of memory for %zu x %zu values",
				    images, n, d);
	}
	for (size_t i = 0; i < total; i++)
		x[i] = (float)im.data[i] * (1.0f / 255.0f);
	if (y)
		memcpy(y, lb.data, n);
	free(ibuf);
	free(lbuf);
	if (o->keep_labels) {
		if (!y) {
			free(x);
			free(tmp);
			return as_error_set(err, AS_ERR_INVALID,
					    "%s: :digits= keeps examples by "
					    "label, and it has no labels",
					    images);
		}
		size_t kept = 0;
		for (size_t i = 0; i < n; i++) {
			if (y[i] >= 32 || !(o->keep_labels >> y[i] & 1u))
				continue;
			memmove(x + kept * d, x + i * d, d * sizeof(float));
			y[kept++] = y[i];
		}
		if (kept < 2) {
			free(x);
			free(tmp);
			free(y);
			return as_error_set(err, AS_ERR_INVALID,
					    "%s: :digits= leaves %zu examples",
					    images, kept);
		}
		n = kept;
	}
	size_t n_train = shuffle_split(x, y, &n, d, o, tmp);
	free(tmp);
	if (o->n_shifts) {
		st = add_shifts(&x, &y, n, rows, cols, o, err);
		if (st != AS_OK)
			return st;
	}
	size_t copies = 1 + o->n_shifts;
	st = as_dataset_wrap(images, x, y, n * copies, rows, cols,
			     n_train * copies, out, err);
	if (st == AS_OK) {
		(*out)->copies = copies;
		for (size_t c = 1; c < copies; c++)
			(*out)->shift_px[c] = o->shifts[c - 1];
	}
	return st;
}

/* patches:A.png[,B.png...]: names that do not exist as given are looked
 * up in assets/images/. */
static enum as_status load_patches(const char *list,
				   const struct as_data_opts *o,
				   struct as_dataset **out,
				   struct as_error *err)
{
	enum { MAX_IMAGES = 16 };
	struct as_image imgs[MAX_IMAGES];
	size_t n_imgs = 0;
	enum as_status st = AS_OK;
	char names[2048];
	snprintf(names, sizeof names, "%s", list);
	for (char *save = NULL, *tok = strtok_r(names, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n_imgs == MAX_IMAGES) {
			st = as_error_set(err, AS_ERR_INVALID,
					  "patches: at most %d images",
					  MAX_IMAGES);
			break;
		}
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s", tok);
		const char *dir = as_assets_dir();
		if (access(path, R_OK) != 0 && dir && !strchr(tok, '/'))
			snprintf(path, sizeof path, "%s/images/%s", dir, tok);
		st = as_png_load_gray(path, &imgs[n_imgs], err);
		if (st != AS_OK)
			break;
		if (imgs[n_imgs].width < o->patch_size ||
		    imgs[n_imgs].height < o->patch_size) {
			st = as_error_set(err, AS_ERR_INVALID,
					  "%s: image %zu x %zu is smaller than "
					  "the %zu x %zu patch size",
					  path, imgs[n_imgs].width,
					  imgs[n_imgs].height, o->patch_size,
					  o->patch_size);
			as_image_free(&imgs[n_imgs]);
			break;
		}
		n_imgs++;
	}
	if (st == AS_OK && n_imgs == 0)
		st = as_error_set(err, AS_ERR_INVALID,
				  "patches: no image named (patches:IMG.png)");
	size_t k = o->patch_size, d = k * k, n = o->n_patches;
	float *x = NULL;
	if (st == AS_OK) {
		x = as_alloc_large(n * d, sizeof(float));
		if (!x)
			st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	if (st == AS_OK) {
		struct as_rng rng;
		as_rng_seed(&rng, o->seed, 8);
		st = as_patches_sample(imgs, n_imgs, k, n, &rng, x, err);
	}
	for (size_t i = 0; i < n_imgs; i++)
		as_image_free(&imgs[i]);
	if (st == AS_OK && o->patch_mean)
		as_patches_remove_mean(x, n, d);
	if (st == AS_OK && o->whiten != AS_WHITEN_NONE)
		st = as_patches_whiten(x, n, d, o->whiten, o->whiten_eps, err);
	if (st != AS_OK) {
		free(x);
		return st;
	}
	/* patches are drawn at random already: the split needs no shuffle */
	size_t held = (size_t)llround(o->holdout * (double)n);
	if (held >= n)
		held = n - 1;
	char name[256];
	snprintf(name, sizeof name, "patches:%s", list);
	return as_dataset_wrap(name, x, NULL, n, k, k, n - held, out, err);
}

/* ":digits=4,9" and ":shift=-6,-3,3,6", in either order, into o */
static enum as_status parse_modifiers(const char *text,
				      struct as_data_opts *o,
				      struct as_error *err)
{
	o->keep_labels = 0;
	o->n_shifts = 0;
	while (*text) {
		int digits = !strncmp(text, ":digits=", 8);
		if (!digits && strncmp(text, ":shift=", 7))
			return as_error_set(err, AS_ERR_INVALID,
					    "data modifier '%.40s': the "
					    "modifiers are :digits=A,B and "
					    ":shift=P,Q",
					    text);
		if ((digits && o->keep_labels) || (!digits && o->n_shifts))
			return as_error_set(err, AS_ERR_INVALID,
					    "data modifier given twice: "
					    "'%.40s'",
					    text);
		text += digits ? 8 : 7;
		for (;;) {
			char *end;
			errno = 0;
			long v = strtol(text, &end, 10);
			if (end == text || errno == ERANGE ||
			    (digits ? v < 0 || v > 31 : v == 0 || v < -27 ||
						      v > 27))
				return as_error_set(
					err, AS_ERR_INVALID,
					digits ? "data :digits= wants labels "
						 "0 to 31 separated by commas, "
						 "not '%.20s'"
					       : "data :shift= wants non-zero "
						 "shifts of -27 to 27 pixels "
						 "separated by commas, not "
						 "'%.20s'",
					text);
			if (digits) {
				o->keep_labels |= 1u << v;
			} else {
				if (o->n_shifts == AS_SHIFTS_MAX)
					return as_error_set(
						err, AS_ERR_INVALID,
						"data :shift= takes at most "
						"%d shifts",
						AS_SHIFTS_MAX);
				o->shifts[o->n_shifts++] = (int)v;
			}
			text = end;
			if (*text != ',')
				break;
			text++;
		}
		if (*text && *text != ':')
			return as_error_set(err, AS_ERR_INVALID,
					    "data modifier: unexpected '%.20s'",
					    text);
	}
	return AS_OK;
}

enum as_status as_dataset_load(const char *spec, const struct as_data_opts *o,
			       struct as_dataset **out, struct as_error *err)
{
	*out = NULL;
	struct as_data_opts def;
	if (!o) {
		as_data_opts_default(&def);
		o = &def;
	}
	if (!spec || !spec[0])
		return as_error_set(err, AS_ERR_INVALID,
				    "no data given (mnist, an IDX file or "
				    "patches:IMG.png)");
	if (!strncmp(spec, "patches:", 8))
		return load_patches(spec + 8, o, out, err);
	const char *mod = strstr(spec, ":digits=");
	const char *sh = strstr(spec, ":shift=");
	if (mod || sh) {
		struct as_data_opts mo = *o;
		const char *first = !mod ? sh : !sh ? mod : mod < sh ? mod : sh;
		char base[PATH_MAX];
		if ((size_t)(first - spec) >= sizeof base)
			return as_error_set(err, AS_ERR_INVALID,
					    "data spec too long");
		snprintf(base, sizeof base, "%.*s", (int)(first - spec), spec);
		enum as_status st = parse_modifiers(first, &mo, err);
		if (st == AS_OK)
			st = as_dataset_load(base, &mo, out, err);
		if (st == AS_OK)
			snprintf((*out)->name, sizeof(*out)->name, "%s", spec);
		return st;
	}
	if (!strcmp(spec, "mnist")) {
		const char *dir = as_assets_dir();
		if (!dir)
			return as_error_set(err, AS_ERR_IO,
					    "cannot find the bundled assets "
					    "(set AUTOSCOPE_ASSETS to the "
					    "assets directory)");
		char images[PATH_MAX], labels[PATH_MAX];
		snprintf(images, sizeof images,
			 "%s/mnist/t10k-images-idx3-ubyte.gz", dir);
		snprintf(labels, sizeof labels,
			 "%s/mnist/t10k-labels-idx1-ubyte.gz", dir);
		enum as_status st =
			as_dataset_load_idx(images, labels, o, out, err);
		if (st == AS_OK)
			snprintf((*out)->name, sizeof(*out)->name, "mnist");
		return st;
	}
	return as_dataset_load_idx(spec, o->labels, o, out, err);
}
