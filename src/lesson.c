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
		.text = "Vincent, Larochelle, Bengio & Manzagol 2008, fig. 3. Three "
			"784-500 autoencoders from one initialisation; masking "
			"zeroes 0%, 25% or 50% of each input and each run "
			"rebuilds the clean digit.\n"
			"Look: without noise the filters stay noise-like; with "
			"noise, blobs and strokes appear, larger as noise grows. "
			"Every code beats raw pixels (0.90) on the linear probe, "
			"and the noisy runs beat the clean one by about one to "
			"two standard errors (SE, on 2,000 digits): a small "
			"margin that the filters show more plainly. The clean "
			"error rises with noise: a noisy run learns to repair "
			"damaged digits, a different objective from copying "
			"clean ones, not a worse model.\n"
			"Try: f on the 0% run, then c on the copy.",
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
		.text = "Baldi & Hornik 1989. A linear encoder and decoder with "
			"squared error and 30 units can do no better than PCA "
			"with 30 components, and at best spans the same "
			"subspace.\n"
			"Look: the error falls to the PCA line (err/PCA to 1) "
			"within seconds (--paused to start it in front of the "
			"class); the principal angles between the decoder's "
			"columns and the top 30 components shrink. Tied "
			"converges more slowly. The untied encoder's filters "
			"stay speckled at the border: pixels that are always "
			"0 get no gradient, so their random weights remain.\n"
			"Try: a higher lr or momentum; encoder sigmoid.",
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
		.text = "Bengio et al. 2007; Vincent et al. 2008. With 30 units "
			"the code is a bottleneck; with 1000 and nothing else "
			"the network can copy its input.\n"
			"Look: R2noise, how well a run rebuilds random dots (1: "
			"a copy, 0: gray), beside R2digit. The plain 1000-unit "
			"run partly copies dots (R2noise about 0.4 after two "
			"epochs); 30 units "
			"cannot (below 0); masking or sparsity cut the copying "
			"(about 0.25).\n"
			"Try: weight decay 0.01 on the noisy run for clear "
			"strokes.",
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
		.text = "Olshausen & Field 1996; Ranzato et al. 2007; UFLDL. "
			"50,000 8x8 photo patches, mean removed, ZCA-whitened "
			"(eps 0.01). A KL penalty to 1% mean activation plus "
			"weight decay turns filters into small oriented edges, "
			"like V1 simple cells; without it they stay noise.\n"
			"Look: local, the share of a filter's energy in its best "
			"4x4 window (random 0.33, edge near 1): past 0.7 in about "
			"20 s.\n"
			"Try: target rho 0.05, or less weight decay.",
	},
	{
		.name = "codes",
		.title = "Deep codes in 2-D: the digits sort themselves",
		.data = "mnist",
		.settings = "tied=on loss=ce lr=0.1 batch_size=20 "
			    "corruption_level=0 momentum=0.5",
		.n_runs = 2,
		.runs = {{"deep 2-D", "layers=500-250-2 encoder=linear "
				      "pretrain=rbm pretrain_epochs=2 "
				      "finetune=recon"},
			 {"one layer 2-D", "hidden=2 encoder=linear"}},
		.epochs = 12,
		.scores = AS_SCORE_SCATTER | AS_SCORE_KNN,
		.text = "Hinton & Salakhutdinov 2006, fig. 3. A 784-500-250-2 "
			"stack, each layer an RBM (2 epochs), then unrolled and "
			"fine-tuned: its 2-D codes of 1000 held-out digits drawn "
			"as their labels, beside PCA-2 of the pixels; and a "
			"one-layer 784-2 autoencoder.\n"
			"Look: kNN, the share of a digit's 10 nearest codes with "
			"its label: the deep map near 0.7, PCA-2 near 0.4; the "
			"one layer in between.\n"
			"Try: o to skip a layer's pretraining; y for its "
			"filters.",
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
			"penalty lambda ||dh/dx||_F^2 (closed form for the "
			"sigmoid) makes codes insensitive to small input moves; "
			"masking noise gets there by sampling.\n"
			"Look: both regularised runs beat the plain one on the "
			"probe; half the contractive filters become smooth "
			"strokes. From lambda 1 up, units freeze instead.\n"
			"Try: change contractive (select it, h / l).",
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
		.text = "Salakhutdinov & Hinton 2009. Codes thresholded at 0.5 "
			"into 32 bits; neighbours by Hamming distance (XOR and "
			"popcount), far cheaper than 784 pixels.\n"
			"Look: a held-out digit and its 10 nearest training "
			"digits by Hamming distance and by pixels; green: same "
			"label. Precision@10 near 0.84 against 0.90 for pixels "
			"and 0.1 by chance; at the same 32 bits, the signs of "
			"PCA give 0.76 and random projections (LSH) 0.64 "
			"(lesson.csv: also the Hamming-ball lookup and its "
			"time per query).\n"
			"Try: < > for another digit; f, then change the noise.",
	},
	{
		.name = "deep",
		.title = "A deep autoencoder against PCA and one layer",
		.data = "mnist",
		.settings = "tied=on loss=ce lr=0.1 batch_size=20 "
			    "corruption_level=0 momentum=0.5 encoder=linear",
		.n_runs = 3,
		.runs = {{"deep 30", "layers=500-250-30 pretrain=rbm "
				     "pretrain_epochs=2 finetune=recon"},
			 {"one layer 30", "hidden=30"},
			 {"deep from random", "layers=500-250-30 "
					      "pretrain=none finetune=recon"}},
		.epochs = 20,
		.scores = AS_SCORE_DEEP,
		.text = "Hinton & Salakhutdinov 2006, fig. 2. A 784-500-250-30 "
			"stack with a linear code: each layer an RBM trained by "
			"CD-1 (2 epochs each) on the codes below it, then "
			"unrolled into an encoder and a mirrored decoder and "
			"fine-tuned on reconstruction; beside it a one-layer "
			"784-30 autoencoder and the same stack from random "
			"weights.\n"
			"Look: sq.err, 1/2 squared error per held-out digit: "
			"the pretrained stack falls well below PCA with 30 "
			"components (6.9) and, fine-tuning on, below the one "
			"layer; from random weights it stays far behind.\n"
			"Try: o to move on early; y, then y again, for the "
			"deeper filters in pixels.",
	},
	{
		.name = "init",
		.title = "Why pretrain: small random weights stall a deep net",
		.data = "mnist",
		.settings = "layers=500-250-30 encoder=linear tied=off "
			    "loss=ce lr=0.1 batch_size=20 corruption_level=0 "
			    "momentum=0.5 finetune=recon",
		.n_runs = 3,
		.runs = {{"small init", "pretrain=none init=small"},
			 {"glorot init", "pretrain=none init=glorot"},
			 {"pretrained", "pretrain=rbm pretrain_epochs=2"}},
		.epochs = 12,
		.scores = AS_SCORE_DEEP,
		.text = "Hinton & Salakhutdinov 2006; Bengio et al. 2007. The "
			"same untied 784-500-250-30 autoencoder trained end to "
			"end from N(0, 0.01^2) weights, from a scaled (Glorot) "
			"random start, and from RBM pretraining.\n"
			"Look: from random weights the reconstruction stays the "
			"mean digit (sq.err near the variance, 26) and the first "
			"layer's gradient is near 1e-5, far below the top's "
			"(|dL/dW| in the layers pane, i); pretrained, the error "
			"falls below PCA-30's.\n"
			"Try: r for a new start; o on the pretrained run to "
			"fine-tune early.",
	},
	{
		.name = "stacking",
		.title = "Stacked denoising autoencoders make better classifiers",
		.data = "mnist",
		.settings = "layers=500-500 tied=on loss=ce lr=0.1 "
			    "batch_size=20 finetune=classify "
			    "pretrain_epochs=10",
		.n_runs = 3,
		.runs = {{"stacked denoising", "pretrain=ae "
					       "corruption_level=0.25"},
			 {"stacked plain", "pretrain=ae corruption_level=0"},
			 {"no pretraining", "pretrain=none"}},
		.epochs = 35,
		.scores = AS_SCORE_DEEP,
		.text = "Vincent, Larochelle, Bengio & Manzagol 2008. A "
			"784-500-500 stack, each layer pretrained (10 epochs) as "
			"a denoising autoencoder (25% masking, on the codes of "
			"the layer below), as a plain one, or not at all; then a "
			"softmax on top and the whole stack fine-tuned on the "
			"8,000 labels (15 epochs).\n"
			"Look: the held-out error with its binomial standard "
			"error (about 0.5 points on 2,000 digits): denoising "
			"pretraining near 5%, plain near 5.8%; no pretraining, "
			"fine-tuned for all 35 epochs, as good as plain. "
			"Denoising's lead holds over seeds; plain's over none "
			"only on a short fine-tuning.\n"
			"Try: o to end a pretraining early; c on the denoising "
			"run.",
	},
	{
		.name = "rbm",
		.title = "An RBM by CD-1 beside a denoising autoencoder",
		.data = "mnist",
		.settings = "tied=on loss=ce lr=0.1 batch_size=20 momentum=0.5",
		.n_runs = 2,
		.runs = {{"RBM CD-1", "layers=500 pretrain=rbm "
				      "corruption_level=0"},
			 {"denoising AE", "hidden=500 corruption_level=0.25"}},
		.epochs = 5,
		.scores = AS_SCORE_PROBE,
		.text = "Hinton 2002; Hinton & Salakhutdinov 2006. The building "
			"block of every paper here: a 784-500 binary RBM trained "
			"by one step of contrastive divergence (its loss, 1/2 "
			"||v - v1||^2 of the one-step reconstruction), beside a "
			"denoising autoencoder of the same size.\n"
			"Look: both sets of filters become strokes; the linear "
			"probe on their codes is the same within its error "
			"(both near 0.94, raw pixels 0.90).\n"
			"Try: d and t do nothing to an RBM (one W); momentum.",
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
