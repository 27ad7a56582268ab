/* autoscope --lesson: a lesson's runs, opened for either front end, and
 * the headless driver behind `autoscope train --lesson NAME`. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/chart.h"
#include "autoscope/figure.h"
#include "autoscope/fileio.h"
#include "autoscope/session.h"
#include "options.h"

size_t cli_open_lesson(struct cli_opts *o, const struct as_lesson *l,
		       const char *out, struct as_trainer_opts *topts,
		       struct as_trainer *runs[AS_RUNS_MAX],
		       struct as_dataset **ds_out, char *why, size_t nwhy)
{
	struct as_error err;
	struct as_config cfg[AS_RUNS_MAX];
	*ds_out = NULL;
	/* every config first: a bad override stops before any loading */
	for (size_t i = 0; i < l->n_runs; i++) {
		enum as_status st = as_lesson_config(l, i, &cfg[i], &err);
		for (size_t k = 0; k < as_param_count() && st == AS_OK; k++) {
			const struct as_param *p = as_param_at(k);
			if (o->given[k])
				as_param_set(&cfg[i], p,
					     as_param_get(&o->cfg, p), NULL);
		}
		if (st == AS_OK)
			st = as_config_validate(&cfg[i], &err);
		if (st != AS_OK) {
			snprintf(why, nwhy, "lesson %s, run '%s': %s", l->name,
				 l->runs[i].label, err.msg);
			return 0;
		}
	}
	struct as_data_opts dopts = o->data_opts;
	as_lesson_data_opts(l, &dopts);
	struct as_dataset *ds;
	if (as_dataset_load(o->data ? o->data : l->data, &dopts, &ds, &err) !=
	    AS_OK) {
		snprintf(why, nwhy, "%s", err.msg);
		return 0;
	}
	if (as_mkdir(out, &err) != AS_OK) {
		snprintf(why, nwhy, "%s", err.msg);
		as_dataset_free(ds);
		return 0;
	}
	topts->append_csv = 0;
	topts->score_every_epoch = l->scores;
	size_t n = 0;
	for (; n < l->n_runs; n++) {
		char slug[64], dir[2048];
		as_lesson_slug(l->runs[n].label, slug, sizeof slug);
		snprintf(dir, sizeof dir, "%s/%s", out, slug);
		topts->out_dir = dir;
		if (as_mkdir(dir, &err) != AS_OK ||
		    as_trainer_create(&cfg[n], ds, topts, &runs[n], &err) !=
			    AS_OK) {
			snprintf(why, nwhy, "lesson %s, run '%s': %s", l->name,
				 l->runs[n].label, err.msg);
			break;
		}
	}
	topts->out_dir = NULL;
	if (n < l->n_runs) {
		while (n > 0)
			as_trainer_free(runs[--n]);
		as_dataset_free(ds);
		return 0;
	}
	*ds_out = ds;
	return n;
}

struct epoch_job {
	struct as_trainer *t;
	uint64_t target;
	unsigned scores;
	volatile sig_atomic_t *stop;
	enum as_status st;
	struct as_error err;
};

/* One run's epoch, then its scores: one thread per run, so the runs share
 * the cores and each stays bit-for-bit what it would be alone. */
static void *run_epoch(void *arg)
{
	struct epoch_job *j = arg;
	j->st = AS_OK;
	while (j->t->epoch < j->target && !*j->stop) {
		if (!as_trainer_step(j->t) && j->t->ctl.paused) {
			/* it paused itself: diverged at the smallest lr */
			j->st = as_error_set(&j->err, AS_ERR_STATE, "%s",
					     j->t->message);
			return NULL;
		}
	}
	if (!*j->stop)
		j->st = as_trainer_score(j->t, j->scores, &j->err);
	return NULL;
}

static void csv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.6g", v);
	else
		fprintf(f, ",");
}

/* a caption as a CSV field: quoted, its quotes doubled, when it holds a
 * comma or a quote (RFC 4180), as a teacher's file may write it */
static void csv_text(FILE *f, const char *text)
{
	if (!strpbrk(text, ",\"")) {
		fputs(text, f);
		return;
	}
	fputc('"', f);
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			fputc('"', f);
		fputc(*c, f);
	}
	fputc('"', f);
}

static void csv_row(FILE *f, const struct as_lesson *l, size_t i,
		    const struct as_trainer *t)
{
	const struct as_scores *s = &t->scores;
	size_t np = t->history->n_points;
	double train = np ? t->history->points[np - 1].train_loss : NAN;
	fprintf(f, "%s,%zu,", l->name, i + 1);
	csv_text(f, l->runs[i].label);
	fprintf(f, ",%llu,%llu", (unsigned long long)s->epoch,
		(unsigned long long)s->examples);
	csv_num(f, train);
	csv_num(f, s->heldout);
	csv_num(f, s->recon_clean);
	csv_num(f, s->variance);
	csv_num(f, s->probe_codes);
	csv_num(f, s->probe_raw);
	csv_num(f, s->pca_error);
	csv_num(f, s->recon_clean / s->pca_error);
	csv_num(f, s->angle_max_deg);
	csv_num(f, s->angle_mean_deg);
	csv_num(f, s->localisation);
	csv_num(f, s->hash_precision);
	csv_num(f, s->pixel_precision);
	csv_num(f, s->digit_r2);
	csv_num(f, s->noise_r2);
	csv_num(f, s->recon_sq);
	csv_num(f, s->pca_code);
	csv_num(f, s->error);
	csv_num(f, s->error_se);
	csv_num(f, s->knn_codes);
	csv_num(f, s->knn_pca);
	csv_num(f, s->lsh_precision);
	csv_num(f, s->pcasign_precision);
	csv_num(f, s->binary_share);
	csv_num(f, s->ball_size);
	csv_num(f, s->ball_precision);
	csv_num(f, s->us_ball);
	csv_num(f, s->us_pixels);
	csv_num(f, s->grad_first);
	csv_num(f, s->grad_top);
	csv_num(f, s->sc_active);
	csv_num(f, s->sc_residual);
	csv_num(f, s->sc_l1);
	csv_num(f, s->sc_atom_norm);
	csv_num(f, s->chain_start);
	csv_num(f, s->chain_10);
	csv_num(f, s->chain_end);
	for (int l = 0; l < AS_FEW_LEVELS; l++) {
		const struct as_few *fs[3] = {&s->few_codes[l], &s->few_raw[l],
					      &s->few_pca[l]};
		for (int k = 0; k < 3; k++) {
			csv_num(f, fs[k]->mean);
			csv_num(f, fs[k]->lo);
			csv_num(f, fs[k]->hi);
		}
	}
	csv_num(f, s->psd_rel_err);
	csv_num(f, s->psd_energy_ratio);
	csv_num(f, s->psd_cos);
	csv_num(f, s->lin_rel_err);
	csv_num(f, s->lin_energy_ratio);
	csv_num(f, s->lin_cos);
	csv_num(f, s->us_infer);
	csv_num(f, s->us_predict);
	csv_num(f, s->jac_frob);
	csv_num(f, s->jac_tangent);
	csv_num(f, s->jac_random);
	csv_num(f, s->jac_ratio);
	csv_num(f, s->parts_median);
	csv_num(f, s->parts_over);
	csv_num(f, s->map_slant_r2);
	csv_num(f, s->pca_slant_r2);
	csv_num(f, s->map_shift_p);
	csv_num(f, s->pca_shift_p);
	csv_num(f, s->map_copy_ratio);
	csv_num(f, s->pca_copy_ratio);
	csv_num(f, s->sesm_e_pred);
	csv_num(f, s->sesm_e_star);
	csv_num(f, s->sesm_rec_pred);
	csv_num(f, s->sesm_rec_star);
	csv_num(f, s->sesm_code_err);
	csv_num(f, s->sesm_mean_a);
	csv_num(f, s->sesm_active);
	csv_num(f, s->sesm_cos);
	csv_num(f, s->sesm_scale);
	fprintf(f, "\n");
}

/* One line of the numbers the lesson asks for. */
static void print_scores(const struct as_lesson *l, size_t i,
			 const struct as_trainer *t)
{
	const struct as_scores *s = &t->scores;
	printf("  %-14s held-out %8.3f", l->runs[i].label, s->heldout);
	if (s->have & AS_SCORE_PROBE)
		printf("  probe %.4f (raw %.4f)", s->probe_codes, s->probe_raw);
	if (isfinite(s->pca_error))
		printf("  error/PCA %.4f", s->recon_clean / s->pca_error);
	if (s->have & AS_SCORE_PCA)
		printf("  angles max %.1f mean %.1f deg", s->angle_max_deg,
		       s->angle_mean_deg);
	if (s->have & AS_SCORE_LOCAL)
		printf("  localisation %.3f", s->localisation);
	if (isfinite(s->variance) && !isfinite(s->pca_error))
		printf("  variance %.3f", s->variance);
	if (s->have & AS_SCORE_CHAIN)
		printf("  chains' brightness %.3f -> %.3f (10 steps) -> %.3f "
		       "(%d)",
		       s->chain_start, s->chain_10, s->chain_end,
		       AS_CHAIN_STEPS);
	if (s->have & AS_SCORE_SPARSE)
		printf("  active %.1f a code, residual %.1f%%, |z|1 %.2f, atom "
		       "norm %.2f",
		       s->sc_active, 100 * s->sc_residual, s->sc_l1,
		       s->sc_atom_norm);
	if ((s->have & AS_SCORE_PSD) && isfinite(s->psd_rel_err))
		printf("  PSD's prediction: error %.3f of the code, energy "
		       "x%.3f, cosine to its atom %.3f",
		       s->psd_rel_err, s->psd_energy_ratio, s->psd_cos);
	if (s->have & AS_SCORE_PSD)
		printf("  linear predictor: error %.3f, energy x%.3f, cosine "
		       "%.3f; %.1f us a code inferred, %.2f us predicted",
		       s->lin_rel_err, s->lin_energy_ratio, s->lin_cos,
		       s->us_infer, s->us_predict);
	if (s->have & AS_SCORE_PARTS)
		printf("  units carrying 90%% of a digit: median %.1f, %.0f%% "
		       "need more than %d",
		       s->parts_median, 100 * s->parts_over, AS_PARTS_MAX);
	if (s->have & AS_SCORE_MAP) {
		printf("  slant from the 10 nearest on the map R^2 %.3f "
		       "(PCA-2 %.3f)",
		       s->map_slant_r2, s->pca_slant_r2);
		if (isfinite(s->map_shift_p))
			printf("  neighbours of the same shift %.3f (PCA-2 "
			       "%.3f), copies' distance / any two's %.3f "
			       "(PCA-2 %.3f)",
			       s->map_shift_p, s->pca_shift_p,
			       s->map_copy_ratio, s->pca_copy_ratio);
	}
	if (s->have & AS_SCORE_SESM)
		printf("  energy at the prediction %.3f, inferred %.3f; "
		       "rebuilt from the prediction %.3f, inferred %.3f; code "
		       "predicted within %.3f; mean code %.3f, %.1f%% above "
		       "0.5; encoder/decoder cosine %.3f, scale %.3f",
		       s->sesm_e_pred, s->sesm_e_star, s->sesm_rec_pred,
		       s->sesm_rec_star, s->sesm_code_err, s->sesm_mean_a,
		       100 * s->sesm_active, s->sesm_cos, s->sesm_scale);
	if (s->have & AS_SCORE_JACOBIAN)
		printf("  Jacobian ||J||_F %.3f, gain along the data %.4f, "
		       "across it %.4f (x%.2f)",
		       s->jac_frob, s->jac_tangent, s->jac_random,
		       s->jac_ratio);
	if (s->have & AS_SCORE_FEW)
		printf("  probe with 10 / 100 / all labels a class: codes "
		       "%.3f / %.3f / %.3f, raw %.3f / %.3f / %.3f, PCA %.3f / "
		       "%.3f / %.3f",
		       s->few_codes[0].mean, s->few_codes[1].mean,
		       s->few_codes[2].mean, s->few_raw[0].mean,
		       s->few_raw[1].mean, s->few_raw[2].mean,
		       s->few_pca[0].mean, s->few_pca[1].mean,
		       s->few_pca[2].mean);
	if (s->have & AS_SCORE_HASH) {
		printf("  precision@%d Hamming %.3f pixels %.3f", AS_HASH_K,
		       s->hash_precision, s->pixel_precision);
		printf(" LSH %.3f PCA-sign %.3f, binary %.0f%%, ball r%d: "
		       "%.1f items, %.3f same label, %.1f us/query vs pixels "
		       "%.0f us",
		       s->lsh_precision, s->pcasign_precision,
		       100 * s->binary_share, AS_BALL_R, s->ball_size,
		       s->ball_precision, s->us_ball, s->us_pixels);
	}
	if (s->have & AS_SCORE_KNN)
		printf("  %d-NN precision codes %.3f PCA %.3f", AS_HASH_K,
		       s->knn_codes, s->knn_pca);
	if (s->have & AS_SCORE_NOISE)
		printf("  R^2 digits %.3f noise %.3f", s->digit_r2,
		       s->noise_r2);
	if (isfinite(s->pca_code) && (l->scores & AS_SCORE_DEEP))
		printf("  sq.error %.3f (PCA-%zu %.3f)", s->recon_sq,
		       t->stack->sizes[t->stack->n_layers], s->pca_code);
	if (l->scores & AS_SCORE_DEEP)
		printf("  |dL/dW| first %.2g top %.2g", s->grad_first,
		       s->grad_top);
	if (isfinite(s->error))
		printf("  error %.2f%% +- %.2f%%", 100 * s->error,
		       100 * s->error_se);
	printf("\n");
}

int cli_train_lesson(struct cli_opts *o, volatile sig_atomic_t *stop)
{
	const struct as_lesson *l = o->lesson;
	const char *out = o->out ? o->out : "autoscope-out";
	/* one BLAS thread per run beside others (as_blas_threads_for) */
	int threads = as_blas_threads_for(o->threads, (int)l->n_runs);
	if (threads < o->threads && !o->quiet)
		fprintf(stderr,
			"autoscope: %zu runs side by side: one OpenBLAS "
			"thread each (--threads %d applies to one run)\n",
			l->n_runs, o->threads);
	as_blas_set_threads(threads);
	struct as_trainer_opts topts;
	as_trainer_opts_default(&topts);
	cli_trainer_opts(o, &topts);
	topts.eval_every = 0; /* held-out points at the end of each epoch
			       * (on n_train / 20 of them: the scores
			       * measure on all) */
	struct as_trainer *runs[AS_RUNS_MAX];
	struct as_dataset *ds;
	char why[512];
	size_t n =
		cli_open_lesson(o, l, out, &topts, runs, &ds, why, sizeof why);
	if (!n) {
		fprintf(stderr, "autoscope: %s\n", why);
		return 1;
	}
	int epochs = o->epochs_given ? o->epochs : l->epochs;
	char path[4096];
	snprintf(path, sizeof path, "%s/lesson.csv", out);
	FILE *csv = fopen(path, "w");
	if (!csv) {
		fprintf(stderr, "autoscope: cannot write %s\n", path);
		for (size_t i = 0; i < n; i++)
			as_trainer_free(runs[i]);
		as_dataset_free(ds);
		return 1;
	}
	fprintf(csv, "lesson,run,label,epoch,examples,train_loss,heldout_loss,"
		     "recon_clean,variance,probe_codes,probe_raw,pca_error,"
		     "pca_ratio,angle_max_deg,angle_mean_deg,localisation,"
		     "hash_precision,pixel_precision,digit_r2,noise_r2,"
		     "recon_sq,pca_code,error,error_se,knn_codes,knn_pca,"
		     "lsh_precision,pcasign_precision,binary_share,ball_size,"
		     "ball_precision,us_ball,us_pixels,grad_first,grad_top,"
		     "sc_active,sc_residual,sc_l1,sc_atom_norm,chain_start,"
		     "chain_10,chain_end");
	/* the probe with few labels: per level, codes / raw / PCA, each its
	 * mean over the draws and their range */
	static const char *const lev[AS_FEW_LEVELS] = {"10", "100", "all"};
	static const char *const kind[3] = {"codes", "raw", "pca"};
	for (int lv = 0; lv < AS_FEW_LEVELS; lv++)
		for (int k = 0; k < 3; k++)
			fprintf(csv, ",few%s_%s,few%s_%s_lo,few%s_%s_hi",
				lev[lv], kind[k], lev[lv], kind[k], lev[lv],
				kind[k]);
	fprintf(csv, ",psd_rel_err,psd_energy_ratio,psd_cos,lin_rel_err,"
		     "lin_energy_ratio,lin_cos,us_infer,us_predict,jac_frob,"
		     "jac_tangent,jac_random,jac_ratio,parts_median,"
		     "parts_over,map_slant_r2,pca_slant_r2,map_shift_p,"
		     "pca_shift_p,map_copy_ratio,pca_copy_ratio,sesm_e_pred,"
		     "sesm_e_star,sesm_rec_pred,sesm_rec_star,sesm_code_err,"
		     "sesm_mean_a,sesm_active,sesm_cos,sesm_scale\n");
	if (!o->quiet) {
		printf("lesson %s: %s\n%zu run%s on %s (%zu train, %zu "
		       "held-out), %d epochs, into %s/\n",
		       l->name, l->title, n, n > 1 ? "s" : "", ds->name,
		       ds->n_train, ds->n - ds->n_train, epochs, out);
		for (size_t i = 0; i < n; i++) {
			char slug[64];
			as_lesson_slug(l->runs[i].label, slug, sizeof slug);
			printf("  %zu %-14s %s -> %s/%s/\n", i + 1,
			       l->runs[i].label,
			       l->runs[i].settings[0]
				       ? l->runs[i].settings
				       : "(the lesson's settings)",
			       out, slug);
		}
		fflush(stdout);
	}
	int rc = 0;
	uint64_t said[AS_RUNS_MAX] = {0};
	for (int e = 1; e <= epochs && !*stop && !rc; e++) {
		struct epoch_job job[AS_RUNS_MAX];
		pthread_t th[AS_RUNS_MAX];
		int started[AS_RUNS_MAX];
		for (size_t i = 0; i < n; i++) {
			job[i] = (struct epoch_job){.t = runs[i],
						    .target = (uint64_t)e,
						    .scores = l->scores,
						    .stop = stop};
			started[i] = !pthread_create(&th[i], NULL, run_epoch,
						     &job[i]);
			if (!started[i])
				run_epoch(&job[i]); /* no thread: run here */
		}
		for (size_t i = 0; i < n; i++)
			if (started[i])
				pthread_join(th[i], NULL);
		if (*stop)
			break;
		if (!o->quiet)
			printf("epoch %d/%d\n", e, epochs);
		for (size_t i = 0; i < n; i++) {
			if (runs[i]->message_id != said[i] && !o->quiet &&
			    job[i].st == AS_OK) {
				said[i] = runs[i]->message_id;
				printf("  note: %s: %s\n", l->runs[i].label,
				       runs[i]->message);
			}
			if (job[i].st != AS_OK) {
				/* no row of numbers from before the failure */
				fprintf(stderr, "autoscope: %s: %s\n",
					l->runs[i].label, job[i].err.msg);
				rc = 1;
				continue;
			}
			csv_row(csv, l, i, runs[i]);
			if (!o->quiet)
				print_scores(l, i, runs[i]);
		}
		fflush(csv);
		fflush(stdout);
	}
	if (fclose(csv) != 0) {
		fprintf(stderr, "autoscope: writing %s failed\n", path);
		rc = 1;
	}
	/* every run's loss on one chart */
	struct as_chart_run cr[AS_CHART_RUNS];
	for (size_t i = 0; i < n && i < AS_CHART_RUNS; i++) {
		cr[i].label = l->runs[i].label;
		cr[i].h = runs[i]->history;
	}
	struct as_chart chart = {l->title, cr, n, NAN, NULL, 0};
	snprintf(path, sizeof path, "%s/chart.svg", out);
	struct as_error cerr;
	enum as_status cst = as_chart_svg_write(path, &chart, &cerr);
	snprintf(path, sizeof path, "%s/chart.png", out);
	if (cst == AS_OK)
		cst = as_chart_png_write(path, &chart, &cerr);
	/* and the runs' filters side by side, under their labels */
	struct as_figure_run fr[AS_RUNS_MAX];
	for (size_t i = 0; i < n; i++)
		fr[i] = (struct as_figure_run){l->runs[i].label,
					       runs[i]->model->w,
					       runs[i]->model->n_hidden};
	snprintf(path, sizeof path, "%s/filters-runs.png", out);
	if (cst == AS_OK && n > 1)
		cst = as_figure_runs_filters(path, fr, n, ds->rows, ds->cols,
					     36, &cerr);
	if (cst != AS_OK) {
		fprintf(stderr, "autoscope: %s\n", cerr.msg);
		rc = 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct as_error err;
		char ck[4096];
		snprintf(ck, sizeof ck, "%s/checkpoint.ascp",
			 runs[i]->opts.out_dir);
		if (as_trainer_save(runs[i], ck, &err) != AS_OK ||
		    as_trainer_export(runs[i], runs[i]->opts.out_dir, &err) !=
			    AS_OK ||
		    (o->views &&
		     as_trainer_export_history(runs[i], runs[i]->opts.out_dir,
					       &err) != AS_OK)) {
			fprintf(stderr, "autoscope: %s\n", err.msg);
			rc = 1;
		}
		as_trainer_free(runs[i]);
	}
	/* the session: the explorer reopens the whole lesson from it */
	struct as_session ss;
	as_session_init(&ss);
	snprintf(ss.lesson, sizeof ss.lesson, "%s", l->name);
	if (o->lesson_file && strlen(o->lesson_path) < sizeof ss.lesson_file)
		memcpy(ss.lesson_file, o->lesson_path,
		       strlen(o->lesson_path) + 1);
	struct as_error serr;
	enum as_status sst = AS_OK;
	for (size_t i = 0; i < n && sst == AS_OK; i++) {
		char slug[64];
		as_lesson_slug(l->runs[i].label, slug, sizeof slug);
		if (as_session_add_run(&ss, slug, l->runs[i].label, &serr))
			sst = AS_ERR_INVALID;
	}
	if (sst == AS_OK)
		sst = as_session_save(out, &ss, &serr);
	if (sst != AS_OK) {
		fprintf(stderr, "autoscope: session: %s\n", serr.msg);
		rc = 1;
	}
	if (!o->quiet && !rc)
		printf("wrote %s/lesson.csv, chart.svg, chart.png, "
		       "filters-runs.png, session.txt and each run's "
		       "checkpoint, filters.png, recon.png (DrLIM: map.png), "
		       "chart.svg, "
		       "chart.png, weights and log.csv%s\nreopen the lesson "
		       "in the explorer: autoscope --resume %s --paused\n",
		       out, o->views ? ", history.png, frames/" : "", out);
	as_dataset_free(ds);
	return *stop ? 130 : rc;
}
