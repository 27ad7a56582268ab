/* params: the one table of hyperparameters.
 *
 * Owns: struct as_config (the values in force) and the table that describes
 * each of its fields once: name, type, range, default, how a key steps it,
 * whether it may change mid-run, and one line of help. The command line,
 * the control panel, typed-value validation, the CSV columns, the
 * checkpoint's config block and --help are all generated from this table.
 * Threading: the table is constant; a config belongs to its owner. */
#ifndef AUTOSCOPE_PARAMS_H
#define AUTOSCOPE_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"

enum as_corruption {
	AS_CORRUPT_MASK = 0,   /* zero exactly round(nu*d) components */
	AS_CORRUPT_GAUSS,      /* add N(0, sigma^2), sigma = the level */
	AS_CORRUPT_SALTPEPPER, /* set round(nu*d) components to 0 or 1 */
};

enum as_loss {
	AS_LOSS_CE = 0, /* sigmoid decoder, cross-entropy (inputs in [0,1]) */
	AS_LOSS_MSE,	/* linear decoder, 1/2 sum of squares */
};

enum as_act {
	AS_ACT_SIGMOID = 0,
	AS_ACT_LINEAR,
};

/* How each layer of a stack is trained before fine-tuning. */
enum as_pretrain {
	AS_PRETRAIN_AE = 0, /* the one-layer autoencoder, every setting */
	AS_PRETRAIN_RBM,    /* a binary RBM by CD-1 */
	AS_PRETRAIN_NONE,   /* straight to fine-tuning */
};

/* What the whole stack is trained on after pretraining. */
enum as_finetune {
	AS_FINETUNE_NONE = 0, /* nothing: the last layer trains on */
	AS_FINETUNE_RECON,    /* unrolled encoder + mirrored decoder */
	AS_FINETUNE_CLASSIFY, /* a softmax on the code, on the labels */
};

enum as_init {
	AS_INIT_GLOROT = 0, /* U(-r, r), r = (4) sqrt(6 / (fan_in + fan_out)) */
	AS_INIT_SMALL,	    /* N(0, 0.01^2): the stall of deep nets */
};

/* The model family (sparse.h for sc and psd, drlim.h for drlim, sesm.h
 * for sesm). */
enum as_model_kind {
	AS_MODEL_AE = 0, /* the autoencoders: one layer, stacks, RBMs */
	AS_MODEL_SC,	 /* sparse coding: codes inferred, a dictionary */
	AS_MODEL_PSD,	 /* predictive sparse decomposition: the same, and
			  * an encoder trained to predict the codes */
	AS_MODEL_DRLIM,	 /* a mapping trained on pairs by the contrastive
			  * loss (drlim.h): the stack's encoder, no decoder */
	AS_MODEL_SESM,	 /* an autoencoder whose code is inferred by descent
			  * on an energy, the encoder trained to predict it
			  * (sesm.h): the tutorial's, Ranzato 2006, SESM */
};

/* the code's non-linearity of model sesm (sesm.h) */
enum as_sesm_code {
	AS_SESM_LOGISTIC = 0, /* sigmoid(beta z) */
	AS_SESM_SPARSIFYING,  /* Ranzato et al. 2006's temporal softmax */
};

/* DrLIM's similar pairs (drlim.h) */
enum as_drlim_pairs {
	AS_DRLIM_PAIRS_EUCLID = 0, /* the 5 nearest in pixels */
	AS_DRLIM_PAIRS_SHIFT,	   /* and the shifted copies of each */
};

#define AS_LAYERS_MAX 8
#define AS_UNITS_MAX 4096

struct as_config {
	/* structural: changing them means a new model */
	enum as_model_kind model;
	int n_hidden; /* the first layer's units */
	int n_layers; /* 1: the one-layer autoencoder */
	int layers[AS_LAYERS_MAX]; /* the units of layers 2.. at [1..]; [0]
				    * unused (as_config_layer reads them) */
	enum as_finetune finetune;
	uint64_t seed;
	/* live: may change between two minibatches */
	int stage;	     /* 0..n_layers-1: pretraining layer stage+1;
			      * n_layers: fine-tuning */
	enum as_pretrain pretrain;
	int pretrain_epochs; /* per layer; 0: until the stage is moved on */
	enum as_init init;   /* at the start and at each reset */
	int labelled;	     /* classifier fine-tuning on the first this
			      * many training examples (0: all) */
	float code_noise;    /* sigma of N(0, sigma^2) added to the code
			      * layer's input while fine-tuning (hashing) */
	enum as_act encoder; /* the code layer's (the top one's) activation;
			      * the layers below it are sigmoid */
	enum as_loss loss;
	int tied;
	enum as_corruption corruption;
	float corruption_level; /* nu for mask/salt-and-pepper, sigma for gauss
				 */
	float sparsity_target;	/* rho */
	float sparsity_weight;	/* beta */
	float contractive_weight; /* lambda */
	float weight_decay;
	float lr;
	float lr_decay; /* lr_t = lr / (1 + lr_decay * epoch) */
	float momentum;
	int batch_size;
	/* sparse coding (model sc) */
	float sc_lambda; /* weight of ||z||_1 in the energy */
	int sc_iters;	 /* ISTA / FISTA rounds a minibatch */
	int sc_fista;	 /* FISTA (1) or plain ISTA (0) */
	int renorm;	 /* the atoms back to unit length after each step */
	float psd_alpha; /* PSD: weight of 1/2 ||z - g(x)||^2 */
	/* DrLIM (model drlim) */
	float drlim_margin; /* m: dissimilar pairs pushed this far apart */
	enum as_drlim_pairs drlim_pairs;
	/* code inference (model sesm) */
	enum as_sesm_code sesm_code;
	float sesm_beta;     /* the logistic's gain */
	float sesm_eta;	     /* the sparsifying logistic's eta */
	float sesm_sparsity; /* s: weight of sum log(1 + a^2) */
	float sesm_alpha;    /* weight of 1/2 ||z - z^||^2 */
	int sesm_iters;	     /* descent steps inferring each code */
	float sesm_step;     /* their step eta_z */
};

enum as_param_type {
	AS_PT_FLOAT,
	AS_PT_INT,
	AS_PT_BOOL,
	AS_PT_ENUM,
	AS_PT_U64,
	AS_PT_SIZES, /* layers: "500-250-30"; get/set see the count */
};
enum as_step_kind { AS_STEP_ADD, AS_STEP_MUL };

struct as_param {
	const char *name;  /* option and CSV column: "corruption_level" */
	const char *label; /* short panel label: "corruption" */
	enum as_param_type type;
	size_t offset; /* offsetof(struct as_config, field) */
	double min, max, def;
	enum as_step_kind step_kind;
	double step;	  /* added, or multiplied by */
	double zero_step; /* AS_STEP_MUL from 0 goes up to this, and back */
	const char *const *choices; /* enum and bool names, NULL-terminated */
	int live;		    /* may change mid-run */
	const char *help;
	int critical; /* saved as critical (!name=, see checkpoint.h) when
		       * not at its default: a program that predates it
		       * would misread the weights */
};

#define AS_BATCH_MAX 1024

size_t as_param_count(void);
const struct as_param *as_param_at(size_t i);
/* Whether p means anything to a run of cfg's model (the controls panel
 * lists only those): sparse coding and PSD have no use for an
 * autoencoder's noise, penalties and stack settings, an autoencoder none
 * for theirs, and a one-layer autoencoder without fine-tuning none for
 * the stages' (stage, layer epochs, labelled, code noise). Any thread. */
int as_param_applies(const struct as_param *p, const struct as_config *cfg);
/* The model-family part of it alone: a setting the model kind has no
 * use for (as_trainer_set refuses those). Any thread. */
int as_param_fits_model(const struct as_param *p,
			const struct as_config *cfg);
/* By name; '-' and '_' are the same ("corruption-level"). NULL if unknown. */
const struct as_param *as_param_find(const char *name);
/* Index in the table, or -1. */
int as_param_index(const struct as_param *p);

void as_config_default(struct as_config *cfg);
/* Cross-field checks: sparsity needs the sigmoid encoder, the stage exists,
 * etc. */
enum as_status as_config_validate(const struct as_config *cfg,
				  struct as_error *err);

double as_param_get(const struct as_config *cfg, const struct as_param *p);
/* Validates the range (and integrality); leaves cfg untouched on error. */
enum as_status as_param_set(struct as_config *cfg, const struct as_param *p,
			    double value, struct as_error *err);
/* Parses text: numbers, enum names, on/off/yes/no/true/false/1/0. */
enum as_status as_param_parse(struct as_config *cfg, const struct as_param *p,
			      const char *text, struct as_error *err);
/* The value as text ("0.25", "mask", "on"). */
void as_param_format(const struct as_config *cfg, const struct as_param *p,
		     char *buf, size_t n);
/* The last stage of cfg: fine-tuning, or the top layer's pretraining when
 * there is no fine-tuning. The first: 0, or fine-tuning without
 * pretraining. */
int as_config_last_stage(const struct as_config *cfg);
/* "layer 2 of 3 (rbm)", "fine-tuning (recon)", or "training" for the
 * one-layer autoencoder. */
void as_config_stage_name(const struct as_config *cfg, char *buf, size_t n);
/* Units of layer k (0-based): n_hidden for the first. */
int as_config_layer(const struct as_config *cfg, int k);
int as_config_first_stage(const struct as_config *cfg);

/* One key step up (dir > 0) or down, clamped to the range; enums cycle. */
void as_param_step(struct as_config *cfg, const struct as_param *p, int dir);

#endif
