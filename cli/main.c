/* autoscope: `autoscope train` (headless) and the explorer (no command). */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "autoscope/blas.h"
#include "autoscope/trainer.h"
#include "options.h"
#include "../ui/ui.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fmt_time(double s, char *buf, size_t n)
{
	if (!isfinite(s) || s < 0)
		s = 0;
	long t = lround(s);
	if (t >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
			 t % 60);
	else
		snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

static void progress(const struct as_trainer *t, int epochs, double rate,
		     double eta)
{
	double frac = (double)t->cursor / (double)as_trainer_epoch_len(t);
	char bar[31];
	int fill = (int)(frac * 30);
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = 0;
	char eta_s[32];
	fmt_time(eta, eta_s, sizeof eta_s);
	size_t np = t->history->n_points;
	double loss = np ? t->history->points[np - 1].train_loss : NAN;
	fprintf(stderr,
		"\r\033[Kepoch %llu/%d [%s] %3.0f%%  %6.0f ex/s  ETA %s  "
		"loss %.2f",
		(unsigned long long)t->epoch + 1, epochs, bar, frac * 100, rate,
		eta_s, loss);
	fflush(stderr);
}

static int save_files(struct as_trainer *t, const char *out, int quiet,
		      int views)
{
	struct as_error err;
	char path[4096];
	snprintf(path, sizeof path, "%s/checkpoint.ascp", out);
	if (as_trainer_save(t, path, &err) != AS_OK ||
	    as_trainer_export(t, out, &err) != AS_OK ||
	    (views && as_trainer_export_history(t, out, &err) != AS_OK)) {
		fprintf(stderr, "autoscope: %s\n", err.msg);
		return -1;
	}
	if (!quiet)
		printf("wrote %s/{checkpoint.ascp, filters.png, %s%s, "
		       "chart.svg, model.json, %s%s, log.csv%s}\n",
		       out,
		       t->stack->psd			     ? "predictor.png, "
		       : t->stack->sesm && !t->model->tied ? "decoder.png, "
							   : "",
		       t->cfg.model == AS_MODEL_DRLIM ? "map.png" : "recon.png",
		       t->stack->n_layers > 1
			       ? "encoder_W1.npy ... decoder_c*.npy"
			       : "encoder_W.npy, encoder_b.npy, decoder_W.npy, "
				 "decoder_c.npy",
		       t->stack->psd ? ", predictor_W.npy, predictor_b.npy, "
				       "predictor_gain.npy"
		       : t->stack->sesm ? ", sesm_log_zeta.npy"
					: "",
		       views ? ", history.png, frames/" : "");
	return 0;
}

static int train(struct cli_opts *o)
{
	struct as_error err;
	const char *out = o->out ? o->out : "autoscope-out";
	as_blas_set_threads(o->threads);
	struct as_trainer_opts topts;
	as_trainer_opts_default(&topts);
	cli_trainer_opts(o, &topts);
	topts.eval_every = 0; /* at the end of each epoch, on the first
			       * n_train / 20 held-out examples (2 % of
			       * the work); all of them once at the end */
	struct as_dataset *ds;
	struct as_trainer *t =
		cli_open_run(o, out, &topts, o->quiet ? NULL : stdout, &ds);
	if (!t)
		return 1;
	int tty = isatty(STDERR_FILENO) && !o->quiet;
	int first = as_config_first_stage(&t->cfg);
	int last = as_config_last_stage(&t->cfg);
	if (first != last && t->cfg.pretrain_epochs == 0) {
		fprintf(stderr,
			"autoscope: --pretrain-epochs 0 pretrains a layer "
			"until the explorer moves it on; give train a number "
			"of epochs per layer\n");
		as_trainer_free(t);
		as_dataset_free(ds);
		return 2;
	}
	char layers[64];
	as_param_format(&t->cfg, as_param_find("layers"), layers,
			sizeof layers);
	if (!o->quiet && t->cfg.model == AS_MODEL_DRLIM) {
		printf("training a DrLIM mapping %d-%s (%s code) on %s (%zu "
		       "train, %zu held-out), contrastive loss, margin %g, "
		       "similar pairs: %s, batch %d pairs, lr %g\n",
		       (int)ds->d, layers,
		       t->cfg.encoder == AS_ACT_LINEAR ? "linear" : "sigmoid",
		       ds->name, ds->n_train, ds->n - ds->n_train,
		       t->cfg.drlim_margin,
		       t->cfg.drlim_pairs == AS_DRLIM_PAIRS_SHIFT
			       ? "the 5 nearest and the shifted copies"
			       : "the 5 nearest in pixels",
		       t->cfg.batch_size, t->cfg.lr);
	} else if (!o->quiet && t->cfg.model == AS_MODEL_SESM) {
		char code[80];
		if (t->cfg.sesm_code == AS_SESM_SPARSIFYING)
			snprintf(code, sizeof code,
				 "sparsifying logistic, gain %g, eta %g",
				 t->cfg.sesm_beta, t->cfg.sesm_eta);
		else
			snprintf(code, sizeof code, "logistic, gain %g",
				 t->cfg.sesm_beta);
		printf("training an autoencoder with code inference %d-%s "
		       "(%s; code %s) on %s (%zu train, %zu held-out), %d "
		       "descent steps of %g, alpha %g, sparsity %g, batch %d, "
		       "lr %g\n",
		       (int)ds->d, layers,
		       t->cfg.tied ? "tied: SESM's symmetry" : "untied", code,
		       ds->name, ds->n_train, ds->n - ds->n_train,
		       t->cfg.sesm_iters, t->cfg.sesm_step, t->cfg.sesm_alpha,
		       t->cfg.sesm_sparsity, t->cfg.batch_size, t->cfg.lr);
	} else if (!o->quiet && t->cfg.model != AS_MODEL_AE) {
		/* sparse coding and PSD: their own settings */
		printf("training %s %d-%s on %s (%zu train, %zu held-out), L1 "
		       "lambda %g, %s %d rounds%s, batch %d, lr %g\n",
		       t->stack->psd ? "PSD (sparse coding and an encoder)"
				     : "sparse coding",
		       (int)ds->d, layers, ds->name, ds->n_train,
		       ds->n - ds->n_train, t->cfg.sc_lambda,
		       t->cfg.sc_fista ? "FISTA" : "ISTA", t->cfg.sc_iters,
		       t->cfg.renorm ? ", atoms renormalised" : "",
		       t->cfg.batch_size, t->cfg.lr);
		if (t->stack->psd)
			printf("  the prediction term's alpha %g\n",
			       t->cfg.psd_alpha);
	} else if (!o->quiet) {
		char how[96] = "";
		if (first != last || t->cfg.pretrain == AS_PRETRAIN_RBM)
			snprintf(how, sizeof how, ", %s",
				 t->cfg.pretrain == AS_PRETRAIN_RBM
					 ? "layers pretrained as RBMs (CD-1)"
				 : t->cfg.pretrain == AS_PRETRAIN_AE
					 ? "layers pretrained as autoencoders"
					 : "no pretraining");
		char noise[48] = "";
		if (t->cfg.pretrain == AS_PRETRAIN_AE)
			snprintf(noise, sizeof noise, ", %s %.2f",
				 as_param_find("corruption")
					 ->choices[t->cfg.corruption],
				 t->cfg.corruption_level);
		printf("training %d-%s %s %s on %s (%zu train, %zu held-out), "
		       "%s loss, batch %d, lr %g%s%s\n",
		       (int)ds->d, layers, t->cfg.tied ? "tied" : "untied",
		       t->cfg.finetune == AS_FINETUNE_CLASSIFY ? "classifier"
							       : "autoencoder",
		       ds->name, ds->n_train, ds->n - ds->n_train,
		       t->cfg.loss == AS_LOSS_CE ? "cross-entropy"
						 : "squared-error",
		       t->cfg.batch_size, t->cfg.lr, noise, how);
	}
	fflush(stdout);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	double start = mono_s(), last_draw = 0;
	uint64_t start_examples = t->examples;
	/* one stage: until epoch --epochs; several: each pretraining stage
	 * its --pretrain-epochs, then --epochs of the last stage */
	uint64_t target = (uint64_t)o->epochs;
	if (first != last)
		target = t->epoch +
			 (uint64_t)(last - t->cfg.stage) *
				 (uint64_t)t->cfg.pretrain_epochs +
			 (uint64_t)o->epochs;
	uint64_t said = t->message_id;
	int rc = 0;
	while (!stop_requested &&
	       (first == last ? t->epoch < target
			      : t->cfg.stage < last ||
					t->epoch - t->stage_epoch <
						(uint64_t)o->epochs)) {
		uint64_t epoch = t->epoch;
		if (!as_trainer_step(t) && t->ctl.paused) {
			/* it paused itself: diverged at the smallest lr */
			if (tty)
				fprintf(stderr, "\r\033[K");
			fprintf(stderr, "autoscope: %s\n", t->message);
			rc = 1;
			break;
		}
		double now = mono_s();
		double rate = (double)(t->examples - start_examples) /
			      (now - start + 1e-9);
		if (tty && now - last_draw > 0.2) {
			double left = (double)(target > t->epoch ? target - t->epoch
							 : 0) *
					      (double)as_trainer_epoch_len(t) -
				      (double)t->cursor;
			progress(t, (int)target, rate, left / (rate + 1e-9));
			last_draw = now;
		}
		if (t->epoch != epoch && !o->quiet) {
			size_t np = t->history->n_points;
			const struct as_point *p = &t->history->points[np - 1];
			if (tty)
				fprintf(stderr, "\r\033[K");
			char held[32] = "-";
			if (isfinite(p->heldout_loss))
				snprintf(held, sizeof held, "%.3f (%zu)",
					 p->heldout_loss, t->last_heldout_n);
			char stage[64] = "";
			if (first != last) {
				stage[0] = ' ';
				stage[1] = ' ';
				/* the stage that epoch trained: a switch
				 * comes after the epoch's last point */
				struct as_config was = t->cfg;
				if (t->stage_epoch == t->epoch &&
				    was.stage > first)
					was.stage--;
				as_config_stage_name(&was, stage + 2,
						     sizeof stage - 2);
			}
			char errs[48] = "";
			if (isfinite(t->last_error) &&
			    t->cfg.stage == t->cfg.n_layers)
				snprintf(errs, sizeof errs,
					 "  error %.2f%%", 100 * t->last_error);
			printf("epoch %llu/%llu%s  train %.3f  held-out %s%s  "
			       "%.0f ex/s  %.1f s\n",
			       (unsigned long long)t->epoch,
			       (unsigned long long)target, stage, p->train_loss,
			       held, errs, rate, t->elapsed_s);
			fflush(stdout);
		}
		/* after the epoch's line: a stage switch at its end follows it */
		if (t->message_id != said && !o->quiet) {
			said = t->message_id;
			if (tty)
				fprintf(stderr, "\r\033[K");
			printf("note: %s\n", t->message);
		}
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	if (stop_requested && !o->quiet)
		printf("interrupted at epoch %llu, step %llu: saving\n",
		       (unsigned long long)t->epoch,
		       (unsigned long long)t->step);
	/* the PCA baseline is the error of the best rank-k reconstruction of
	 * clean inputs, in squared-error units */
	size_t n_held = ds->n - ds->n_train;
	if (!stop_requested && !o->quiet && n_held > 0) {
		double loss = as_trainer_heldout_loss(t, 0);
		printf("held-out loss %.4f on all %zu held-out examples", loss,
		       n_held);
		size_t code = t->stack->sizes[t->stack->n_layers];
		if (isfinite(t->last_error) &&
		    t->cfg.stage == t->cfg.n_layers) {
			/* the binomial standard error on n_held digits */
			double e = t->last_error;
			printf(", classification error %.2f%% +- %.2f%%",
			       100 * e,
			       100 * sqrt(e * (1 - e) / (double)n_held));
		}
		if (t->cfg.loss == AS_LOSS_MSE && code < ds->d &&
		    t->cfg.stage >= t->cfg.n_layers - 1 &&
		    t->cfg.finetune != AS_FINETUNE_CLASSIFY &&
		    as_trainer_pca(t, &err) == AS_OK) {
			printf(", rank-%zu PCA baseline %.4f", code,
			       t->base.pca_error);
			if (t->cfg.corruption_level == 0)
				printf(" (ratio %.4f)", loss / t->base.pca_error);
		}
		printf("\n");
	}
	int probe = o->probe >= 0 ? o->probe
				  : ds->labels != NULL && ds->n > ds->n_train;
	if (!stop_requested && probe && !o->quiet) {
		if (as_trainer_probe(t, &err) != AS_OK)
			fprintf(stderr, "autoscope: probe: %s\n", err.msg);
		else
			printf("linear probe on held-out: codes %.4f, raw "
			       "input %.4f\n",
			       t->probe_accuracy, t->base.probe_raw);
	}
	if (save_files(t, out, o->quiet, o->views))
		rc = 1;
	if (stop_requested)
		rc = 130;
	as_trainer_free(t);
	as_dataset_free(ds);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli_opts o;
	int is_train = argc > 1 && !strcmp(argv[1], "train");
	int r = cli_parse(argc, argv, is_train ? 2 : 1, &o,
			  is_train ? "train" : NULL);
	if (r) {
		free(o.lesson_file);
		return r < 0 ? 2 : 0;
	}
	if (is_train && o.lesson) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		r = cli_train_lesson(&o, &stop_requested);
	} else if (is_train) {
		r = train(&o);
	} else {
		r = ui_main(&o);
	}
	free(o.lesson_file);
	return r;
}
