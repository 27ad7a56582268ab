/* lesson: the table of lessons (see include/autoscope/lesson.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/lesson.h"
#include "autoscope/scores.h"

#define MNIST_AE "hidden=500 tied=on loss=ce encoder=sigmoid lr=0.1 batch_size=20"

static const struct as_lesson lessons[] = {
	{
		.name = "denoising",
		.title = "Denoising: noise turns noise-like filters into strokes",
		.data = "mnist",
		.settings = MNIST_AE " corruption=mask",
		.n_runs = 3,
		.runs = {{"noise 0%", "corruption_level=0"},
			 {"noise 25%", "corruption_level=0.25"},
			 {"noise 50%", "corruption_level=0.5"}},
		.epochs = 5,
		.scores = AS_SCORE_PROBE,
		.text = "Vincent, Larochelle, Bengio & Manzagol 2008 (figure 3). "
			"Three 784-500 autoencoders from one initialisation; "
			"masking noise zeroes 0%, 25% or 50% of each input and "
			"each run rebuilds the clean digit.\n"
			"Look: without noise the filters stay noise-like; with "
			"noise they become blob and stroke detectors, larger as "
			"the noise grows.\n"
			"Numbers: the linear probe (softmax regression on the "
			"codes) of each run against raw pixels: about 0.90 raw "
			"< 0% < 25% < 50% after a few epochs.\n"
			"Try: c / C on the focused run, or f to fork the 0% run "
			"and give the copy noise mid-way.",
	},
	{
		.name = "pca",
		.title = "A linear autoencoder learns the PCA subspace",
		.data = "mnist",
		.settings = "hidden=30 loss=mse encoder=linear corruption_level=0 "
			    "batch_size=64 momentum=0.9 lr=0.005",
		.n_runs = 2,
		.runs = {{"untied", "tied=off"}, {"tied", "tied=on"}},
		.epochs = 15,
		.scores = AS_SCORE_PCA,
		.text = "Baldi & Hornik 1989; Bourlard & Kamp 1988. A linear "
			"encoder and decoder with squared error and k = 30 "
			"units can do no better than PCA with 30 components, "
			"and at its best it spans the same subspace.\n"
			"Look: the held-out error falls to the dashed PCA line; "
			"the principal angles between the decoder's columns and "
			"the top-30 components shrink towards zero (the panel "
			"shows the largest and the mean).\n"
			"Numbers: untied reaches within 1-2% of PCA in 10-20 "
			"epochs; tied converges more slowly.\n"
			"Try: raise the momentum or the learning rate, or set "
			"the encoder to sigmoid and watch it leave the line.",
	},
	{
		.name = "capacity",
		.title = "Undercomplete vs overcomplete: what stops the identity",
		.data = "mnist",
		.settings = MNIST_AE " corruption_level=0",
		.n_runs = 4,
		.runs = {{"30 units", "hidden=30"},
			 {"1000 units", "hidden=1000"},
			 {"1000 + noise", "hidden=1000 corruption_level=0.25"},
			 {"1000 + sparse",
			  "hidden=1000 sparsity_weight=0.1 sparsity_target=0.05"}},
		.epochs = 3,
		.scores = AS_SCORE_NOISE | AS_SCORE_PROBE,
		.text = "Bengio et al. 2007; Vincent et al. 2008; Ranzato et al. "
			"2007. With 30 units the code is a bottleneck. With 1000 "
			"units and nothing else the network can copy its input, "
			"and nothing forces it to learn what digits look like.\n"
			"Look: R^2 of rebuilding images of random dots (1: a "
			"perfect copy, 0: no better than gray) next to R^2 on "
			"digits. The plain 1000-unit run copies the dots too; the "
			"30-unit run cannot; noise on the input or a sparsity "
			"penalty roughly halve what gets through.\n"
			"Try: weight_decay 0.01 on the noisy run makes its "
			"strokes plain; s or c on the plain 1000-unit run.",
	},
	{
		.name = "edges",
		.title = "Sparse features of natural images are oriented edges",
		.data = "patches:brick.png,camera.png,chelsea.png,coffee.png,"
			"grass.png",
		.whiten_eps = 0.01f,
		.n_patches = 50000,
		.settings = "hidden=100 loss=mse encoder=sigmoid tied=on "
			    "corruption_level=0 sparsity_weight=1 "
			    "sparsity_target=0.01 weight_decay=0.003 lr=0.1 "
			    "batch_size=20",
		.n_runs = 2,
		.runs = {{"sparse", ""}, {"not sparse", "sparsity_weight=0"}},
		.epochs = 150,
		.scores = AS_SCORE_LOCAL,
		.text = "Olshausen & Field 1996; Ranzato, Boureau & LeCun 2007; "
			"the UFLDL exercise. 50,000 8x8 patches of the bundled "
			"photographs, each patch's mean removed, ZCA-whitened "
			"(eps 0.01). With a KL penalty to a mean activation of "
			"1% and weight decay, most filters become small "
			"oriented edges and bars, like simple cells in V1; "
			"without the penalty they stay noise.\n"
			"Numbers: localisation, the share of a filter's energy "
			"in its best 4x4 window (about 1/3 for random filters, "
			"near 1 for an edge); it passes 0.7 within about 150 "
			"epochs (a few seconds each).\n"
			"Try: raise sparsity_target to 0.05 (noise again), or "
			"lower the weight decay.",
	},
	{
		.name = "codes",
		.title = "Codes in 2-D: the digits sort themselves",
		.data = "mnist",
		.settings = MNIST_AE " corruption_level=0.25",
		.n_runs = 2,
		.runs = {{"500 units", ""},
			 {"2 units", "hidden=2 corruption_level=0 lr=0.1"}},
		.epochs = 5,
		.scores = AS_SCORE_SCATTER | AS_SCORE_PROBE,
		.text = "Hinton & Salakhutdinov 2006 (figure 3). The codes of "
			"1000 held-out digits, projected on their top two "
			"principal components (for the 2-unit run, the code "
			"itself), drawn as their labels, next to the same "
			"projection of the raw pixels.\n"
			"Look: clusters of one digit appear and separate as the "
			"run learns; the raw-pixel projection does not change.\n"
			"A deep 784-1000-500-250-2 network separates them far "
			"better than one layer: this shows the start of it.\n"
			"Try: Tab to focus a run, c to change its noise.",
	},
	{
		.name = "contractive",
		.title = "Contractive vs denoising",
		.data = "mnist",
		.settings = MNIST_AE,
		.n_runs = 3,
		.runs = {{"plain", "corruption_level=0"},
			 {"contractive", "corruption_level=0 contractive_weight=0.3"},
			 {"denoising 25%", "corruption_level=0.25"}},
		.epochs = 5,
		.scores = AS_SCORE_PROBE,
		.text = "Rifai, Vincent, Muller, Glorot & Bengio 2011. The "
			"contractive penalty lambda ||dh/dx||_F^2 makes the code "
			"insensitive to small moves of the input, in closed form "
			"for the sigmoid; masking noise reaches a similar end by "
			"sampling.\n"
			"Look: both regularised runs beat the plain run on the "
			"linear probe; about half the contractive filters turn "
			"into smooth stroke and digit-part templates while the "
			"plain run's stay noise.\n"
			"Too strong (1 and up) parks most units at a constant "
			"output instead.\n"
			"Try: change contractive_weight (select it, h / l).",
	},
	{
		.name = "hashing",
		.title = "Semantic hashing: binary codes, Hamming neighbours",
		.data = "mnist",
		.settings = "hidden=32 tied=on loss=ce encoder=sigmoid lr=0.1 "
			    "batch_size=20 corruption_level=0.25",
		.n_runs = 1,
		.runs = {{"32 bits", ""}},
		.epochs = 5,
		.scores = AS_SCORE_HASH,
		.text = "Salakhutdinov & Hinton 2009. Each code is thresholded "
			"at 0.5 into bits; the nearest digits by Hamming distance "
			"are found with XOR and popcount, far cheaper than "
			"comparing 784 pixels.\n"
			"Look: a held-out digit (< > picks another) and its 10 "
			"nearest training digits by Hamming distance next to its "
			"10 nearest in pixel space; precision is the share with "
			"the same label (chance: 0.1). 32 learned bits come "
			"close to comparing all 784 pixels.\n"
			"Try: f to fork and change the noise or the sparsity.",
	},
};

#define N_LESSONS (sizeof lessons / sizeof lessons[0])

size_t as_lesson_count(void)
{
	return N_LESSONS;
}

const struct as_lesson *as_lesson_at(size_t i)
{
	return i < N_LESSONS ? &lessons[i] : NULL;
}

const struct as_lesson *as_lesson_find(const char *name)
{
	if (!name)
		return NULL;
	char *end;
	long k = strtol(name, &end, 10);
	if (end != name && !*end)
		return k >= 1 && (size_t)k <= N_LESSONS ? &lessons[k - 1]
							: NULL;
	for (size_t i = 0; i < N_LESSONS; i++)
		if (!strcmp(lessons[i].name, name))
			return &lessons[i];
	return NULL;
}

enum as_status as_settings_apply(struct as_config *cfg, const char *settings,
				 struct as_error *err)
{
	struct as_config next = *cfg;
	const char *s = settings ? settings : "";
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		size_t len = strcspn(s, " ");
		char word[96];
		if (len >= sizeof word)
			return as_error_set(err, AS_ERR_INVALID,
					    "setting too long: '%.40s...'", s);
		memcpy(word, s, len);
		word[len] = 0;
		s += len;
		char *eq = strchr(word, '=');
		if (!eq)
			return as_error_set(err, AS_ERR_INVALID,
					    "setting '%s' is not name=value",
					    word);
		*eq = 0;
		const struct as_param *p = as_param_find(word);
		if (!p)
			return as_error_set(err, AS_ERR_INVALID,
					    "no parameter '%s'", word);
		enum as_status st = as_param_parse(&next, p, eq + 1, err);
		if (st != AS_OK)
			return st;
	}
	*cfg = next;
	return AS_OK;
}

enum as_status as_lesson_config(const struct as_lesson *l, size_t run,
				struct as_config *cfg, struct as_error *err)
{
	if (run >= l->n_runs)
		return as_error_set(err, AS_ERR_INVALID,
				    "lesson %s has %zu runs, not %zu", l->name,
				    l->n_runs, run + 1);
	struct as_config c;
	as_config_default(&c);
	enum as_status st = as_settings_apply(&c, l->settings, err);
	if (st == AS_OK)
		st = as_settings_apply(&c, l->runs[run].settings, err);
	if (st == AS_OK)
		st = as_config_validate(&c, err);
	if (st == AS_OK)
		*cfg = c;
	return st;
}

void as_lesson_data_opts(const struct as_lesson *l, struct as_data_opts *o)
{
	if (l->whiten_eps > 0)
		o->whiten_eps = l->whiten_eps;
	if (l->n_patches > 0)
		o->n_patches = l->n_patches;
}

void as_lesson_slug(const char *label, char *buf, size_t n)
{
	size_t j = 0;
	int dash = 0;
	for (const char *p = label; *p && j + 1 < n; p++) {
		if (isalnum((unsigned char)*p)) {
			if (dash && j > 0 && j + 2 < n)
				buf[j++] = '-';
			buf[j++] = (char)tolower((unsigned char)*p);
			dash = 0;
		} else {
			dash = 1;
		}
	}
	buf[j] = 0;
	if (!j)
		snprintf(buf, n, "run");
}
