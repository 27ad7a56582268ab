#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "autoscope/params.h"

static const char *const act_names[] = {"sigmoid", "linear", NULL};
static const char *const loss_names[] = {"ce", "mse", NULL};
static const char *const noise_names[] = {"mask", "gauss", "saltpepper", NULL};
static const char *const bool_names[] = {"off", "on", NULL};
static const char *const pretrain_names[] = {"ae", "rbm", "none", NULL};
static const char *const finetune_names[] = {"none", "recon", "classify",
					     NULL};
static const char *const init_names[] = {"glorot", "small", NULL};
static const char *const model_names[] = {"ae", "sc", "psd", "drlim",
					  "sesm", NULL};
static const char *const sesm_code_names[] = {"logistic", "sparsifying",
					      NULL};
static const char *const pairs_names[] = {"euclid", "shift", NULL};

#define F(field) offsetof(struct as_config, field)

/* The one table. Order is the panel's order and the CSV's column order. */
static const struct as_param table[] = {
	{"corruption_level", "corruption", AS_PT_FLOAT, F(corruption_level), 0,
	 1, 0.25, AS_STEP_ADD, 0.05, 0, NULL, 1,
	 "noise level: fraction nu of components corrupted (mask, "
	 "saltpepper) or std sigma (gauss)", 0},
	{"corruption", "noise kind", AS_PT_ENUM, F(corruption), 0, 2, 0,
	 AS_STEP_ADD, 1, 0, noise_names, 1,
	 "corruption of the input: mask (zero round(nu*d) components), "
	 "gauss (add N(0,sigma^2)), saltpepper (set to 0 or 1)", 0},
	{"sparsity_weight", "sparsity", AS_PT_FLOAT, F(sparsity_weight), 0, 100,
	 0, AS_STEP_MUL, 2, 0.05, NULL, 1,
	 "weight beta of the KL sparsity penalty on mean hidden activations", 0},
	{"sparsity_target", "target rho", AS_PT_FLOAT, F(sparsity_target), 0.01,
	 0.99, 0.05, AS_STEP_ADD, 0.01, 0, NULL, 1,
	 "target mean activation rho of each hidden unit", 0},
	{"tied", "tied", AS_PT_BOOL, F(tied), 0, 1, 1, AS_STEP_ADD, 1, 0,
	 bool_names, 1,
	 "decoder uses W^T (on) or its own W' (off); untie copies W^T, tie "
	 "averages W and W'^T", 0},
	{"contractive_weight", "contractive", AS_PT_FLOAT,
	 F(contractive_weight), 0, 100, 0, AS_STEP_MUL, 2, 0.01, NULL, 1,
	 "weight lambda of the contractive penalty ||dh/dx||_F^2", 0},
	{"weight_decay", "weight decay", AS_PT_FLOAT, F(weight_decay), 0, 1, 0,
	 AS_STEP_MUL, 2, 1e-5, NULL, 1,
	 "L2 weight decay on the weights (not the biases)", 0},
	{"lr", "learning rate", AS_PT_FLOAT, F(lr), 1e-6, 10, 0.1, AS_STEP_MUL,
	 2, 0, NULL, 1, "SGD learning rate", 0},
	{"momentum", "momentum", AS_PT_FLOAT, F(momentum), 0, 0.99, 0,
	 AS_STEP_ADD, 0.1, 0, NULL, 1, "SGD momentum", 0},
	{"lr_decay", "lr decay", AS_PT_FLOAT, F(lr_decay), 0, 10, 0,
	 AS_STEP_MUL, 2, 0.01, NULL, 1,
	 "learning-rate decay: lr / (1 + lr_decay * epoch)", 0},
	{"batch_size", "batch", AS_PT_INT, F(batch_size), 1, AS_BATCH_MAX, 20,
	 AS_STEP_MUL, 2, 0, NULL, 1, "examples per minibatch", 0},
	{"loss", "loss", AS_PT_ENUM, F(loss), 0, 1, 0, AS_STEP_ADD, 1, 0,
	 loss_names, 1,
	 "ce: sigmoid decoder + cross-entropy (inputs in [0,1]); mse: linear "
	 "decoder + 1/2 squared error", 0},
	{"encoder", "encoder", AS_PT_ENUM, F(encoder), 0, 1, 0, AS_STEP_ADD, 1,
	 0, act_names, 1,
	 "the code layer's non-linearity, sigmoid or linear (alias --code; "
	 "the layers below a deep code are sigmoid)", 0},
	{"stage", "stage", AS_PT_INT, F(stage), 0, AS_LAYERS_MAX, 0,
	 AS_STEP_ADD, 1, 0, NULL, 1,
	 "what trains: k-1 pretrains layer k on the codes below it, the "
	 "number of layers fine-tunes the whole stack", 0},
	{"pretrain", "pretrain", AS_PT_ENUM, F(pretrain), 0, 2, 0,
	 AS_STEP_ADD, 1, 0, pretrain_names, 1,
	 "how a layer is pretrained: ae (this autoencoder, every setting), "
	 "rbm (CD-1), none (straight to fine-tuning)",
	 1},
	{"pretrain_epochs", "layer epochs", AS_PT_INT, F(pretrain_epochs), 0,
	 100000, 2, AS_STEP_ADD, 1, 0, NULL, 1,
	 "epochs of pretraining per layer before the next stage (0: until "
	 "moved on)", 0},
	{"labelled", "labelled", AS_PT_INT, F(labelled), 0, 1000000, 0,
	 AS_STEP_MUL, 2, 100, NULL, 1,
	 "labelled examples a classifier fine-tunes on (0: all): the first "
	 "N of the training part (the data are shuffled once at load); "
	 "pretraining sees them all",
	 0},
	{"code_noise", "code noise", AS_PT_FLOAT, F(code_noise), 0, 100, 0,
	 AS_STEP_MUL, 2, 0.5, NULL, 1,
	 "std of the Gaussian noise added to the code layer's input while "
	 "fine-tuning: pushes sigmoid codes to binary (semantic hashing)", 0},
	{"init", "init", AS_PT_ENUM, F(init), 0, 1, 0, AS_STEP_ADD, 1, 0,
	 init_names, 1,
	 "initial weights (at the start and on reset): glorot U(-r,r) or "
	 "small N(0, 0.01^2)", 0},
	{"hidden", "hidden units", AS_PT_INT, F(n_hidden), 1, 4096, 500,
	 AS_STEP_MUL, 2, 0, NULL, 0,
	 "number of hidden units of a one-layer model (a change starts a "
	 "new model)", 0},
	{"layers", "layers", AS_PT_SIZES, F(n_layers), 1, AS_LAYERS_MAX, 1,
	 AS_STEP_ADD, 1, 0, NULL, 0,
	 "hidden sizes from the input up, e.g. 500-250-30 (up to 8 layers "
	 "of up to 4096 units; the last of --hidden and --layers wins)",
	 1},
	{"finetune", "finetune", AS_PT_ENUM, F(finetune), 0, 2, 0, AS_STEP_ADD,
	 1, 0, finetune_names, 0,
	 "after pretraining: none, recon (unrolled encoder + mirrored "
	 "decoder) or classify (a softmax on the code, on the labels)",
	 1},
	{"seed", "seed", AS_PT_U64, F(seed), 0, 9007199254740992.0, 1,
	 AS_STEP_ADD, 1, 0, NULL, 0,
	 "random seed of initialisation, order and noise", 0},
	{"model", "model", AS_PT_ENUM, F(model), 0, 4, 0, AS_STEP_ADD, 1, 0,
	 model_names, 0,
	 "ae: the autoencoders (one layer, stacks, RBMs); sc: sparse coding, "
	 "each code inferred by ISTA/FISTA against a learned dictionary (the "
	 "rows of W), one layer, squared error; psd: predictive sparse "
	 "decomposition, sparse coding with an encoder g(x) = gain * "
	 "tanh(P x + b) trained to predict the codes (the code is then one "
	 "product); drlim: a mapping (the --layers encoder, e.g. 50-2 with "
	 "--encoder linear) trained by DrLIM's contrastive loss on similar "
	 "and dissimilar pairs, no decoder; sesm: each code inferred by "
	 "descent on an energy, a linear encoder trained to predict it and "
	 "a linear decoder of sigmoid(beta z) (the tutorial's predictive "
	 "autoencoder, Ranzato et al. 2006, SESM), one layer",
	 1},
	{"sc_lambda", "L1 lambda", AS_PT_FLOAT, F(sc_lambda), 0, 100, 0.3,
	 AS_STEP_MUL, 2, 0.05, NULL, 1,
	 "sparse coding: weight lambda of ||z||_1 in 1/2||x - zD||^2 + "
	 "lambda ||z||_1",
	 0},
	{"sc_iters", "inference its", AS_PT_INT, F(sc_iters), 1, 1000, 50,
	 AS_STEP_MUL, 2, 0, NULL, 1,
	 "sparse coding: ISTA/FISTA rounds that infer each minibatch's codes",
	 0},
	{"sc_fista", "FISTA", AS_PT_BOOL, F(sc_fista), 0, 1, 1, AS_STEP_ADD, 1,
	 0, bool_names, 1,
	 "sparse coding: FISTA's momentum (on) or plain ISTA (off)", 0},
	{"renorm", "renormalise", AS_PT_BOOL, F(renorm), 0, 1, 1, AS_STEP_ADD,
	 1, 0, bool_names, 1,
	 "sparse coding: every atom back to unit length after each step (off: "
	 "the atoms grow and the codes shrink)",
	 0},
	{"psd_alpha", "PSD alpha", AS_PT_FLOAT, F(psd_alpha), 0, 100, 1,
	 AS_STEP_MUL, 2, 0.25, NULL, 1,
	 "PSD: weight alpha of the prediction term alpha/2 ||z - g(x)||^2 in "
	 "the energy (0: sparse coding's codes, and an encoder that no longer "
	 "learns)",
	 0},
	{"drlim_margin", "DrLIM margin", AS_PT_FLOAT, F(drlim_margin), 0.01,
	 100, 1, AS_STEP_MUL, 1.5, 0, NULL, 1,
	 "DrLIM: margin m, the distance beyond which a dissimilar pair is "
	 "pushed no further", 0},
	{"drlim_pairs", "DrLIM pairs", AS_PT_ENUM, F(drlim_pairs), 0, 1, 0,
	 AS_STEP_ADD, 1, 0, pairs_names, 1,
	 "DrLIM's similar pairs: euclid (each example's 5 nearest in "
	 "pixels) or shift (also its shifted copies and those of its "
	 "neighbours: data with :shift=)",
	 0},
	{"sesm_code", "code non-lin", AS_PT_ENUM, F(sesm_code), 0, 1, 0,
	 AS_STEP_ADD, 1, 0, sesm_code_names, 1,
	 "sesm: the code's non-linearity a = sigmoid(beta z - theta): "
	 "logistic (theta 0) or sparsifying (Ranzato et al. 2006's temporal "
	 "softmax: theta follows each unit's history, eta its rate)",
	 0},
	{"sesm_beta", "gain beta", AS_PT_FLOAT, F(sesm_beta), 0.01, 100, 1,
	 AS_STEP_MUL, 1.5, 0, NULL, 1, "sesm: the logistic's gain beta", 0},
	{"sesm_eta", "eta", AS_PT_FLOAT, F(sesm_eta), 1e-4, 0.5, 0.2,
	 AS_STEP_MUL, 2, 0, NULL, 1,
	 "sesm: the sparsifying logistic's eta (smaller: each unit fires "
	 "more rarely; on MNIST at 196 units 0.1 and below, the paper's 0.01 "
	 "among them, left the units all but silent)",
	 0},
	{"sesm_sparsity", "code sparsity", AS_PT_FLOAT, F(sesm_sparsity), 0,
	 100, 0, AS_STEP_MUL, 2, 0.05, NULL, 1,
	 "sesm: weight s of SESM's sparsity penalty s sum log(1 + a^2) on "
	 "the code",
	 0},
	{"sesm_alpha", "code alpha", AS_PT_FLOAT, F(sesm_alpha), 0, 100, 1,
	 AS_STEP_MUL, 2, 0.25, NULL, 1,
	 "sesm: weight alpha of the encoder's term alpha/2 ||z - (Cx + b)||^2 "
	 "in the energy",
	 0},
	{"sesm_iters", "code steps", AS_PT_INT, F(sesm_iters), 1, 1000, 20,
	 AS_STEP_MUL, 2, 0, NULL, 1,
	 "sesm: descent steps that infer each minibatch's codes", 0},
	{"sesm_step", "code step", AS_PT_FLOAT, F(sesm_step), 1e-4, 10, 0.1,
	 AS_STEP_MUL, 1.5, 0, NULL, 1,
	 "sesm: the step eta_z of each descent step on the code", 0},
};

#define N_PARAMS (sizeof table / sizeof table[0])

size_t as_param_count(void)
{
	return N_PARAMS;
}

const struct as_param *as_param_at(size_t i)
{
	return i < N_PARAMS ? &table[i] : NULL;
}

int as_param_applies(const struct as_param *p, const struct as_config *cfg)
{
	if (!as_param_fits_model(p, cfg))
		return 0;
	/* and what only a stack or fine-tuning uses: a one-layer run
	 * without fine-tuning has one stage, no next layer and no code
	 * layer to add noise to, no classifier to label for */
	static const char *const stack_only[] = {
		"stage", "pretrain_epochs", "labelled", "code_noise", NULL};
	if (cfg->model == AS_MODEL_AE && cfg->n_layers == 1 &&
	    cfg->finetune == AS_FINETUNE_NONE)
		for (const char *const *l = stack_only; *l; l++)
			if (!strcmp(p->name, *l))
				return 0;
	return 1;
}

/* The settings that belong to some model kinds only (a bit per enum
 * as_model_kind); a setting not listed belongs to every kind. */
#define M_AE (1u << AS_MODEL_AE)
#define M_SC (1u << AS_MODEL_SC)
#define M_PSD (1u << AS_MODEL_PSD)
#define M_DRLIM (1u << AS_MODEL_DRLIM)
#define M_SESM (1u << AS_MODEL_SESM)
static const struct {
	const char *name;
	unsigned models;
} model_only[] = {
	/* an encoder's noise and penalties, the stacks' settings, the loss
	 * (the energies are squared error) */
	{"corruption_level", M_AE},
	{"corruption", M_AE},
	{"sparsity_weight", M_AE},
	{"sparsity_target", M_AE},
	{"contractive_weight", M_AE},
	{"tied", M_AE | M_SESM},
	{"loss", M_AE},
	{"encoder", M_AE | M_DRLIM},
	{"init", M_AE | M_DRLIM},
	{"layers", M_AE | M_DRLIM},
	{"stage", M_AE},
	{"pretrain", M_AE},
	{"pretrain_epochs", M_AE},
	{"labelled", M_AE},
	{"code_noise", M_AE},
	{"finetune", M_AE},
	{"sc_lambda", M_SC | M_PSD},
	{"sc_iters", M_SC | M_PSD},
	{"sc_fista", M_SC | M_PSD},
	{"renorm", M_SC | M_PSD},
	{"psd_alpha", M_PSD},
	{"drlim_margin", M_DRLIM},
	{"drlim_pairs", M_DRLIM},
	{"sesm_code", M_SESM},
	{"sesm_beta", M_SESM},
	{"sesm_eta", M_SESM},
	{"sesm_sparsity", M_SESM},
	{"sesm_alpha", M_SESM},
	{"sesm_iters", M_SESM},
	{"sesm_step", M_SESM},
};

int as_param_fits_model(const struct as_param *p, const struct as_config *cfg)
{
	for (size_t i = 0; i < sizeof model_only / sizeof model_only[0]; i++)
		if (!strcmp(p->name, model_only[i].name))
			return (model_only[i].models >> cfg->model) & 1u;
	return 1;
}

static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a == '-' ? '_' : (char)tolower((unsigned char)*a);
		char cb = *b == '-' ? '_' : (char)tolower((unsigned char)*b);
		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

const struct as_param *as_param_find(const char *name)
{
	if (same_name(name, "code"))
		name = "encoder";
	for (size_t i = 0; i < N_PARAMS; i++)
		if (same_name(name, table[i].name))
			return &table[i];
	return NULL;
}

int as_param_index(const struct as_param *p)
{
	if (p < table || p >= table + N_PARAMS)
		return -1;
	return (int)(p - table);
}

double as_param_get(const struct as_config *cfg, const struct as_param *p)
{
	const char *base = (const char *)cfg + p->offset;
	switch (p->type) {
	case AS_PT_FLOAT: return *(const float *)(const void *)base;
	case AS_PT_INT:
	case AS_PT_BOOL: return *(const int *)(const void *)base;
	case AS_PT_ENUM: {
		/* enums are int-sized in C11 on every ABI we build for */
		int v;
		memcpy(&v, base, sizeof v);
		return v;
	}
	case AS_PT_U64: return (double)*(const uint64_t *)(const void *)base;
	case AS_PT_SIZES: return cfg->n_layers;
	}
	return 0;
}

static void put(struct as_config *cfg, const struct as_param *p, double v)
{
	char *base = (char *)cfg + p->offset;
	switch (p->type) {
	case AS_PT_FLOAT: *(float *)(void *)base = (float)v; break;
	case AS_PT_INT:
	case AS_PT_BOOL: *(int *)(void *)base = (int)v; break;
	case AS_PT_ENUM: {
		int iv = (int)v;
		memcpy(base, &iv, sizeof iv);
		break;
	}
	case AS_PT_U64: *(uint64_t *)(void *)base = (uint64_t)v; break;
	case AS_PT_SIZES: break; /* by as_param_parse only */
	}
	if (p->offset == F(n_hidden)) {
		/* --hidden N is the one-layer form of --layers N */
		cfg->n_layers = 1;
	}
}

/* The range as the field stores it: a float field holds 1e-6 as
 * 9.99999997e-7, which a double bound of 1e-6 would refuse. */
static double lo_of(const struct as_param *p)
{
	return p->type == AS_PT_FLOAT ? (double)(float)p->min : p->min;
}

static double hi_of(const struct as_param *p)
{
	return p->type == AS_PT_FLOAT ? (double)(float)p->max : p->max;
}

void as_config_default(struct as_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < N_PARAMS; i++)
		put(cfg, &table[i], table[i].def);
}

enum as_status as_config_validate(const struct as_config *cfg,
				  struct as_error *err)
{
	for (size_t i = 0; i < N_PARAMS; i++) {
		double v = as_param_get(cfg, &table[i]);
		if (!(v >= lo_of(&table[i]) && v <= hi_of(&table[i])))
			return as_error_set(err, AS_ERR_INVALID,
					    "%s = %g is outside [%g, %g]",
					    table[i].name, v, table[i].min,
					    table[i].max);
	}
	for (int k = 1; k < cfg->n_layers; k++)
		if (cfg->layers[k] < 1 || cfg->layers[k] > AS_UNITS_MAX)
			return as_error_set(err, AS_ERR_INVALID,
					    "layer %d has %d units: 1 to %d "
					    "are allowed",
					    k + 1, cfg->layers[k],
					    AS_UNITS_MAX);
	if (cfg->stage > as_config_last_stage(cfg))
		return as_error_set(
			err, AS_ERR_INVALID,
			"stage %d does not exist: %d layer%s %s (stages "
			"%d to %d; 0 is the first layer's pretraining)",
			cfg->stage, cfg->n_layers, cfg->n_layers > 1 ? "s" : "",
			cfg->finetune == AS_FINETUNE_NONE
				? "without fine-tuning"
				: "and fine-tuning",
			as_config_first_stage(cfg), as_config_last_stage(cfg));
	int sparse = cfg->model == AS_MODEL_SC || cfg->model == AS_MODEL_PSD;
	if (cfg->model == AS_MODEL_DRLIM && cfg->finetune != AS_FINETUNE_NONE)
		return as_error_set(err, AS_ERR_INVALID,
				    "a DrLIM mapping trains its whole "
				    "encoder on pairs: no --finetune");
	/* the inferring models (sparse coding, PSD, code inference): one
	 * layer, squared error */
	const char *what = sparse ? "sparse coding (--model sc, psd)"
				  : "code inference (--model sesm)";
	if ((sparse || cfg->model == AS_MODEL_SESM) &&
	    (cfg->n_layers != 1 || cfg->finetune != AS_FINETUNE_NONE ||
	     cfg->pretrain == AS_PRETRAIN_RBM))
		return as_error_set(err, AS_ERR_INVALID,
				    "%s is one layer of %s: no --layers, "
				    "--finetune or --pretrain rbm",
				    what, sparse ? "atoms" : "inferred codes");
	if (sparse && !cfg->tied)
		return as_error_set(err, AS_ERR_INVALID,
				    "sparse coding's dictionary is its own "
				    "decoder: --model sc or psd needs --tied "
				    "on");
	if ((sparse || cfg->model == AS_MODEL_SESM) &&
	    cfg->loss != AS_LOSS_MSE)
		return as_error_set(err, AS_ERR_INVALID,
				    "%s's energy is squared error: --model %s "
				    "needs --loss mse",
				    sparse ? "sparse coding" : "code inference",
				    sparse ? "sc or psd" : "sesm");
	if (cfg->encoder == AS_ACT_LINEAR && cfg->sparsity_weight > 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "the KL sparsity penalty needs the sigmoid "
				    "encoder (mean activations in (0,1))");
	return AS_OK;
}

int as_config_layer(const struct as_config *cfg, int k)
{
	return k == 0 ? cfg->n_hidden : cfg->layers[k];
}

int as_config_last_stage(const struct as_config *cfg)
{
	/* a DrLIM mapping has one stage, its whole encoder at once */
	if (cfg->model == AS_MODEL_DRLIM)
		return cfg->n_layers;
	return cfg->finetune == AS_FINETUNE_NONE ? cfg->n_layers - 1
						 : cfg->n_layers;
}

int as_config_first_stage(const struct as_config *cfg)
{
	if (cfg->model == AS_MODEL_DRLIM)
		return cfg->n_layers;
	return cfg->pretrain == AS_PRETRAIN_NONE ? as_config_last_stage(cfg)
						 : 0;
}

void as_config_stage_name(const struct as_config *cfg, char *buf, size_t n)
{
	if (cfg->model == AS_MODEL_DRLIM)
		snprintf(buf, n, "contrastive pairs");
	else if (cfg->n_layers == 1 && cfg->finetune == AS_FINETUNE_NONE &&
		 cfg->pretrain != AS_PRETRAIN_RBM)
		snprintf(buf, n, "training");
	else if (cfg->stage < cfg->n_layers)
		snprintf(buf, n, "layer %d of %d (%s)", cfg->stage + 1,
			 cfg->n_layers,
			 cfg->pretrain == AS_PRETRAIN_RBM ? "rbm" : "ae");
	else
		snprintf(buf, n, "fine-tuning (%s)",
			 cfg->finetune == AS_FINETUNE_CLASSIFY ? "classify"
							       : "recon");
}

/* "500-250-30" (also with commas or x) into cfg's layers and hidden */
static enum as_status parse_sizes(struct as_config *cfg,
				  const struct as_param *p, const char *word,
				  struct as_error *err)
{
	int sizes[AS_LAYERS_MAX], n = 0;
	const char *s = word;
	for (;;) {
		char *end;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (end == s || errno == ERANGE || v < 1 || v > AS_UNITS_MAX ||
		    !isdigit((unsigned char)*s))
			return as_error_set(
				err, AS_ERR_INVALID,
				"%s takes hidden sizes of 1 to %d units from "
				"the input up, like 500-250-30, not '%s'",
				p->name, AS_UNITS_MAX, word);
		if (n == AS_LAYERS_MAX)
			return as_error_set(err, AS_ERR_INVALID,
					    "%s: at most %d layers, not '%s'",
					    p->name, AS_LAYERS_MAX, word);
		sizes[n++] = (int)v;
		if (*end == 0)
			break;
		if (*end != '-' && *end != ',' && *end != 'x')
			return as_error_set(
				err, AS_ERR_INVALID,
				"%s takes sizes separated by '-', like "
				"500-250-30, not '%s'",
				p->name, word);
		s = end + 1;
	}
	cfg->n_layers = n;
	cfg->n_hidden = sizes[0];
	for (int k = 1; k < n; k++)
		cfg->layers[k] = sizes[k];
	return AS_OK;
}

static const char *kind_words(const struct as_param *p, char *buf, size_t n)
{
	buf[0] = 0;
	if (!p->choices)
		return buf;
	for (size_t i = 0; p->choices[i]; i++) {
		strncat(buf, p->choices[i], n - strlen(buf) - 1);
		if (p->choices[i + 1])
			strncat(buf, ", ", n - strlen(buf) - 1);
	}
	return buf;
}

enum as_status as_param_set(struct as_config *cfg, const struct as_param *p,
			    double value, struct as_error *err)
{
	if (p->type == AS_PT_SIZES) {
		if (value == cfg->n_layers)
			return AS_OK;
		return as_error_set(err, AS_ERR_INVALID,
				    "%s is set from text like 500-250-30",
				    p->name);
	}
	double stored = p->type == AS_PT_FLOAT ? (double)(float)value : value;
	if (!isfinite(value) || stored < lo_of(p) || stored > hi_of(p))
		return as_error_set(err, AS_ERR_INVALID,
				    "%s must be between %g and %g, not %g",
				    p->name, p->min, p->max, value);
	if (p->type != AS_PT_FLOAT && value != floor(value))
		return as_error_set(err, AS_ERR_INVALID,
				    "%s must be a whole number, not %g",
				    p->name, value);
	put(cfg, p, value);
	return AS_OK;
}

enum as_status as_param_parse(struct as_config *cfg, const struct as_param *p,
			      const char *text, struct as_error *err)
{
	while (isspace((unsigned char)*text))
		text++;
	size_t len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	char word[64];
	if (len == 0 || len >= sizeof word)
		return as_error_set(err, AS_ERR_INVALID, "%s needs a value",
				    p->name);
	memcpy(word, text, len);
	word[len] = 0;
	if (p->type == AS_PT_SIZES)
		return parse_sizes(cfg, p, word, err);

	if (p->type == AS_PT_BOOL) {
		static const char *const yes[] = {"on", "yes", "true", "1"};
		static const char *const no[] = {"off", "no", "false", "0"};
		for (size_t i = 0; i < 4; i++) {
			if (!strcasecmp(word, yes[i]))
				return as_param_set(cfg, p, 1, err);
			if (!strcasecmp(word, no[i]))
				return as_param_set(cfg, p, 0, err);
		}
		return as_error_set(err, AS_ERR_INVALID,
				    "%s takes on or off, not '%s'", p->name,
				    word);
	}
	if (p->type == AS_PT_ENUM) {
		char names[128];
		for (size_t i = 0; p->choices[i]; i++)
			if (!strcasecmp(word, p->choices[i]))
				return as_param_set(cfg, p, (double)i, err);
		return as_error_set(err, AS_ERR_INVALID,
				    "%s takes one of %s, not '%s'", p->name,
				    kind_words(p, names, sizeof names), word);
	}
	char *end;
	errno = 0;
	double v = strtod(word, &end);
	if (end == word || *end || errno == ERANGE)
		return as_error_set(err, AS_ERR_INVALID,
				    "%s takes a number, not '%s'", p->name,
				    word);
	return as_param_set(cfg, p, v, err);
}

void as_param_format(const struct as_config *cfg, const struct as_param *p,
		     char *buf, size_t n)
{
	double v = as_param_get(cfg, p);
	switch (p->type) {
	case AS_PT_BOOL:
	case AS_PT_ENUM: {
		size_t i = (size_t)v, k = 0;
		while (p->choices[k] && k < i)
			k++;
		snprintf(buf, n, "%s", p->choices[k] ? p->choices[k] : "?");
		break;
	}
	case AS_PT_INT: snprintf(buf, n, "%d", (int)v); break;
	case AS_PT_U64: snprintf(buf, n, "%llu", (unsigned long long)v); break;
	case AS_PT_FLOAT: snprintf(buf, n, "%.4g", v); break;
	case AS_PT_SIZES: {
		size_t at = 0;
		buf[0] = 0;
		for (int k = 0; k < cfg->n_layers && at < n; k++) {
			int w = snprintf(buf + at, n - at, "%s%d",
					 k ? "-" : "", as_config_layer(cfg, k));
			if (w < 0)
				break;
			at += (size_t)w;
		}
		break;
	}
	}
}

void as_param_step(struct as_config *cfg, const struct as_param *p, int dir)
{
	if (p->type == AS_PT_SIZES)
		return; /* typed, never stepped */
	double v = as_param_get(cfg, p);
	if (p->type == AS_PT_ENUM || p->type == AS_PT_BOOL) {
		double span = p->max - p->min + 1;
		v = fmod(v - p->min + (dir > 0 ? 1 : span - 1), span) + p->min;
		put(cfg, p, v);
		return;
	}
	if (p->step_kind == AS_STEP_ADD) {
		v += dir > 0 ? p->step : -p->step;
		/* snap away float drift: 0.25 - 0.05 * 5 is not 0 */
		v = round(v / p->step) * p->step;
	} else if (dir > 0) {
		v = v == 0 && p->zero_step > 0 ? p->zero_step : v * p->step;
	} else {
		v /= p->step;
		if (p->zero_step > 0 && v < p->zero_step * 0.999)
			v = 0;
	}
	if (p->type != AS_PT_FLOAT)
		v = round(v);
	if (v < p->min)
		v = p->min;
	if (v > p->max)
		v = p->max;
	put(cfg, p, v);
}
