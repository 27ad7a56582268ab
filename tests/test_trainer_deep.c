/* trainer_deep: stacks through their stages, resumed exactly mid-stage, and
 * a classifier fine-tuned on labels */
#include "trainer_fixtures.h"
#include "autoscope/lesson.h"

/* Each layer gets its pretraining epoch, then fine-tuning: every switch is
 * a recorded change of "stage" at an epoch's end, in the CSV as well. */
START_TEST(test_stages_follow_the_epochs_and_are_recorded)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	deep_config(&cfg, "12-6-4", _i ? AS_PRETRAIN_RBM : AS_PRETRAIN_AE,
		    AS_FINETUNE_RECON);
	char out[256];
	snprintf(out, sizeof out, "%s/stages%d", tmpdir, _i);
	struct as_error err;
	ck_assert_int_eq(as_mkdir(out, &err), AS_OK);
	struct as_trainer *t = make(ds, &cfg, out);
	ck_assert_int_eq(t->cfg.stage, 0);
	ck_assert_uint_eq(as_trainer_depth(t), 1);
	/* 160 training examples, batch 10: 16 steps an epoch */
	for (int i = 0; i < 16 * 5; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->cfg.stage, 3);
	ck_assert_uint_eq(as_trainer_depth(t), 3);
	ck_assert_uint_eq(as_trainer_code_width(t), 4);
	int seen = 0;
	for (size_t i = 0; i < t->history->n_changes; i++) {
		const struct as_change *c = &t->history->changes[i];
		if (strcmp(c->param, "stage") != 0)
			continue;
		ck_assert_uint_eq(c->step, 16u * (unsigned)(seen + 1));
		seen++;
	}
	ck_assert_int_eq(seen, 3);
	/* fine-tuning the whole stack lowers its reconstruction loss */
	double before = as_trainer_heldout_loss(t, 0);
	for (int i = 0; i < 16 * 20; i++)
		as_trainer_step(t);
	double after = as_trainer_heldout_loss(t, 0);
	ck_assert_msg(after < before, "fine-tuning: %g -> %g", before, after);
	ck_assert(as_stack_finite(t->stack));
	as_trainer_free(t);
	char path[512], line[4096];
	snprintf(path, sizeof path, "%s/log.csv", out);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_msg(strstr(line, ",stage,") != NULL, "%s", line);
	fclose(f);
	as_dataset_free(ds);
}
END_TEST

/* A deep run saved in the middle of a stage (an RBM layer of an untied
 * stack, then fine-tuning with momentum) resumes bit for bit. */
/* The same run twice: straight on for total steps (*a), and saved after
 * cut steps, loaded and resumed from the file to total (*c). */
static void straight_and_resumed(const struct as_dataset *ds,
				 struct as_config *cfg, int cut, int total,
				 const char *name, struct as_trainer **a,
				 struct as_trainer **c)
{
	*a = make(ds, cfg, NULL);
	for (int i = 0; i < total; i++)
		as_trainer_step(*a);
	struct as_trainer *b = make(ds, cfg, NULL);
	for (int i = 0; i < cut; i++)
		as_trainer_step(b);
	char path[256];
	snprintf(path, sizeof path, "%s/%s.ascp", tmpdir, name);
	struct as_error err;
	ck_assert_int_eq(as_trainer_save(b, path, &err), AS_OK);
	as_trainer_free(b);
	struct as_checkpoint ck;
	ck_assert_msg(as_checkpoint_load(path, &ck, &err) == AS_OK, "%s",
		      err.msg);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.point_every = 40;
	o.eval_every = 80;
	ck_assert_msg(as_trainer_resume(&ck, ds, &o, c, &err) == AS_OK, "%s",
		      err.msg);
	as_checkpoint_release(&ck);
	for (int i = cut; i < total; i++)
		as_trainer_step(*c);
}

START_TEST(test_deep_resume_is_exact)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	deep_config(&cfg, "10-5", AS_PRETRAIN_RBM,
		    _i ? AS_FINETUNE_CLASSIFY : AS_FINETUNE_RECON);
	cfg.tied = 0;
	cfg.momentum = 0.5f;
	int cut = 16 + 7; /* in layer 2's RBM epoch; 16 * 2 + 5: fine-tuning */
	for (int round = 0; round < 2; round++, cut = 16 * 2 + 5) {
		struct as_trainer *a, *c;
		straight_and_resumed(ds, &cfg, cut, 60, "deep", &a, &c);
		ck_assert_int_eq(c->cfg.stage, a->cfg.stage);
		ck_assert_int_eq(a->cfg.stage, 2);
		for (size_t k = 0; k < a->stack->n_layers; k++) {
			as_model_sync_decoder(a->stack->layer[k]);
			as_model_sync_decoder(c->stack->layer[k]);
		}
		ck_assert(memcmp(a->stack->params, c->stack->params,
				 a->stack->n_params * sizeof(float)) == 0);
		ck_assert(a->last_heldout == c->last_heldout);
		as_trainer_free(a);
		as_trainer_free(c);
	}
	as_dataset_free(ds);
}
END_TEST

/* Fine-tuned to classify the bars (rows against columns), the held-out
 * error falls to zero; a classifier needs labels. */
START_TEST(test_classifier_learns_the_bars)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	deep_config(&cfg, "10-5", AS_PRETRAIN_AE, AS_FINETUNE_CLASSIFY);
	struct as_trainer *t = make(ds, &cfg, NULL);
	for (int i = 0; i < 16 * 12; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->cfg.stage, 2);
	as_trainer_heldout_loss(t, 0);
	ck_assert_msg(t->last_error == 0.0, "error %g", t->last_error);
	struct as_error err;
	ck_assert_int_eq(as_trainer_score(t, AS_SCORE_LOSS, &err), AS_OK);
	ck_assert(t->scores.error == 0.0);
	as_trainer_free(t);
	/* with 40 labels, fine-tuning epochs go through the first 40
	 * training examples only (4 steps of 10), pretraining through all */
	cfg.labelled = 40;
	t = make(ds, &cfg, NULL);
	for (int i = 0; i < 16 * 2; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->cfg.stage, 2);
	ck_assert_uint_eq(t->epoch, 2);
	ck_assert_uint_eq(as_trainer_epoch_len(t), 40);
	for (size_t i = 0; i < 40; i++)
		ck_assert_uint_lt(t->order[i], 40);
	for (int i = 0; i < 4 * 3; i++)
		as_trainer_step(t);
	ck_assert_uint_eq(t->epoch, 5);
	ck_assert_uint_eq(t->cursor, 0);
	as_trainer_free(t);
	float *x = calloc(40 * 36, sizeof *x);
	struct as_dataset *unl;
	ck_assert_int_eq(as_dataset_wrap("blank", x, NULL, 40, 6, 6, 30, &unl,
					 &err),
			 AS_OK);
	struct as_trainer *u;
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	ck_assert_int_eq(as_trainer_create(&cfg, unl, &o, &u, &err),
			 AS_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "labels") != NULL, "%s", err.msg);
	as_dataset_free(unl);
	as_dataset_free(ds);
}
END_TEST

/* Sparse coding and PSD through the trainer: a run resumed from its
 * checkpoint mid-epoch goes on bit for bit (the dictionary, PSD's encoder
 * block and their momentum come back by name), and PSD's encoder learns
 * to predict the bars' codes (0.35 of their norm, cosine 0.56 to the
 * atoms; 0.73 and 0.39 with its update left out) */
START_TEST(test_sparse_resume_is_exact)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	ck_assert_int_eq(as_settings_apply(&cfg,
					   "model=sc loss=mse encoder=linear "
					   "hidden=12 batch_size=10 lr=0.1 "
					   "momentum=0.5 sc_iters=20 "
					   "corruption_level=0",
					   &err),
			 AS_OK);
	cfg.model = _i ? AS_MODEL_PSD : AS_MODEL_SC;
	struct as_trainer *a, *c;
	straight_and_resumed(ds, &cfg, 23, 50, "sparse", &a, &c);
	ck_assert_int_eq(c->stack->psd, _i);
	ck_assert_uint_eq(a->stack->n_params, c->stack->n_params);
	as_model_sync_decoder(a->stack->layer[0]);
	as_model_sync_decoder(c->stack->layer[0]);
	ck_assert(memcmp(a->stack->params, c->stack->params,
			 a->stack->n_params * sizeof(float)) == 0);
	ck_assert(memcmp(a->stack->velocity, c->stack->velocity,
			 a->stack->n_params * sizeof(float)) == 0);
	if (_i) {
		/* the divergence guard keeps the encoder too: a NaN in it is
		 * a diverged step, and the last good encoder comes back */
		for (int i = 0; i < 120; i++)
			as_trainer_step(c);
		float lr = c->cfg.lr;
		c->stack->pred.gain[0] = NAN;
		as_trainer_step(c);
		ck_assert_msg(strstr(c->message, "diverged") != NULL, "%s",
			      c->message);
		ck_assert(isfinite(c->stack->pred.gain[0]));
		ck_assert(as_stack_finite(c->stack));
		ck_assert(c->cfg.lr < lr);
		as_trainer_step(c);
		ck_assert(as_stack_finite(c->stack));
		struct as_scores sc;
		as_scores_clear(&sc);
		for (int i = 0; i < 400; i++)
			as_trainer_step(a);
		ck_assert_int_eq(as_scores_compute(a->stack, 1, &a->cfg, ds,
						   &a->base, AS_SCORE_PSD, &sc,
						   &err),
				 AS_OK);
		ck_assert_msg(sc.psd_rel_err < 0.5 && sc.psd_cos > 0.47,
			      "PSD's prediction %.3f, cosine %.3f",
			      sc.psd_rel_err, sc.psd_cos);
		ck_assert(isfinite(sc.lin_rel_err) && sc.us_predict > 0);
	}
	as_trainer_free(a);
	as_trainer_free(c);
	as_dataset_free(ds);
}
END_TEST

/* DrLIM through the trainer: resumed mid-epoch it goes on bit for bit
 * (the pairs come from the data and the saved noise stream), its
 * held-out loss is the same pairs' each time, and it refuses what it has
 * no use for */
START_TEST(test_drlim_resume_is_exact)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	ck_assert_int_eq(as_settings_apply(&cfg,
					   "model=drlim layers=8-2 "
					   "encoder=linear batch_size=10 "
					   "lr=0.05 momentum=0.5",
					   &err),
			 AS_OK);
	struct as_trainer *a = make(ds, &cfg, NULL);
	ck_assert_int_eq(a->cfg.stage, 2);
	ck_assert_uint_eq(as_trainer_code_width(a), 2);
	double h0 = as_trainer_heldout_loss(a, 0);
	ck_assert(isfinite(h0) && h0 == as_trainer_heldout_loss(a, 0));
	as_trainer_free(a);
	struct as_trainer *c;
	straight_and_resumed(ds, &cfg, 23, 50, "drlim", &a, &c);
	ck_assert(as_trainer_heldout_loss(a, 0) < h0);
	ck_assert_int_eq(c->cfg.model, AS_MODEL_DRLIM);
	for (size_t k = 0; k < 2; k++) { /* a tied W' is not a parameter */
		as_model_sync_decoder(a->stack->layer[k]);
		as_model_sync_decoder(c->stack->layer[k]);
	}
	ck_assert(memcmp(a->stack->params, c->stack->params,
			 a->stack->n_params * sizeof(float)) == 0);
	ck_assert(memcmp(a->stack->velocity, c->stack->velocity,
			 a->stack->n_params * sizeof(float)) == 0);
	/* bars have no shifted copies; an autoencoder's noise is nothing
	 * to a mapping */
	ck_assert_int_eq(as_trainer_set(c, as_param_find("drlim_pairs"), 1,
					&err),
			 AS_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "shift") != NULL, "%s", err.msg);
	ck_assert_int_eq(as_trainer_set(c, as_param_find("corruption_level"),
					0.5, &err),
			 AS_ERR_STATE);
	ck_assert_int_eq(as_trainer_set(c, as_param_find("drlim_margin"), 2,
					&err),
			 AS_OK);
	/* a fork takes its parent's graphs, not a new search */
	struct as_trainer *f;
	ck_assert_int_eq(as_trainer_fork(c, NULL, &f, &err), AS_OK);
	ck_assert_uint_eq(f->pairs.n, c->pairs.n);
	ck_assert_uint_eq(f->pairs_held.n, c->pairs_held.n);
	ck_assert(f->pairs.nn != c->pairs.nn);
	ck_assert(memcmp(f->pairs.nn, c->pairs.nn,
			 c->pairs.n * AS_DRLIM_K * sizeof *c->pairs.nn) == 0);
	ck_assert(memcmp(f->pairs_held.nn, c->pairs_held.nn,
			 c->pairs_held.n * AS_DRLIM_K *
				 sizeof *c->pairs_held.nn) == 0);
	as_trainer_free(f);
	as_trainer_free(a);
	as_trainer_free(c);
	as_dataset_free(ds);
}
END_TEST

/* A published DrLIM run draws its map of the held-out digits, and
 * without a held-out part has none to draw (it used to read before its
 * scratch) */
/* Code inference through the trainer (model sesm, untied, the
 * sparsifying logistic): resumed mid-epoch it goes on bit for bit (the
 * history log zeta comes back by name with the weights); it learns the
 * bars (the energy after inference falls, the decoder, drawn apart from
 * the encoder, comes to agree with it); the snapshot carries the
 * inference view: an energy trace that starts at the prediction and
 * falls, and the codes before and after. */
START_TEST(test_sesm_resume_is_exact)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	ck_assert_int_eq(as_settings_apply(&cfg,
					   "model=sesm loss=mse hidden=12 "
					   "tied=off batch_size=10 lr=0.05 "
					   "momentum=0.5 sesm_code=sparsifying "
					   "sesm_eta=0.2 sesm_iters=10",
					   &err),
			 AS_OK);
	struct as_trainer *a, *c;
	straight_and_resumed(ds, &cfg, 23, 50, "sesm", &a, &c);
	ck_assert(c->stack->sesm && c->stack->log_zeta);
	ck_assert(memcmp(a->stack->params, c->stack->params,
			 a->stack->n_params * sizeof(float)) == 0);
	ck_assert(memcmp(a->stack->velocity, c->stack->velocity,
			 a->stack->n_params * sizeof(float)) == 0);
	/* the history moved off its start (a unit's zeta is not 1) */
	int moved = 0;
	for (size_t j = 0; j < 12; j++)
		moved |= c->stack->log_zeta[j] != 0.0f;
	ck_assert(moved);
	struct as_scores s0, s1;
	as_scores_clear(&s0);
	as_scores_clear(&s1);
	struct as_trainer *f = make(ds, &cfg, NULL);
	ck_assert_int_eq(as_scores_compute(f->stack, 1, &f->cfg, ds, &f->base,
					   AS_SCORE_SESM, &s0, &err),
			 AS_OK);
	for (int i = 0; i < 1500; i++)
		as_trainer_step(f);
	ck_assert_int_eq(as_scores_compute(f->stack, 1, &f->cfg, ds, &f->base,
					   AS_SCORE_SESM, &s1, &err),
			 AS_OK);
	ck_assert_msg(s1.sesm_e_star < 0.5 * s0.sesm_e_star,
		      "energy %.3f -> %.3f", s0.sesm_e_star, s1.sesm_e_star);
	ck_assert(s1.sesm_e_star <= s1.sesm_e_pred);
	ck_assert_msg(fabs(s0.sesm_cos) < 0.3 && s1.sesm_cos > 0.5,
		      "encoder/decoder cosine %.3f -> %.3f", s0.sesm_cos,
		      s1.sesm_cos);
	as_trainer_free(f);
	/* the inference view */
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.publish = 1;
	struct as_trainer *t;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &t, &err), AS_OK);
	for (int i = 0; i < 30; i++)
		as_trainer_step(t);
	as_trainer_publish(t);
	const struct as_snapshot *sn = as_snapshot_acquire(&t->pub);
	ck_assert(sn != NULL);
	ck_assert_uint_eq(sn->n_infer, AS_SNAP_RECON);
	ck_assert_int_eq(sn->infer_t, 10);
	ck_assert(!sn->tied && isfinite(sn->decoder_cos));
	/* no noise in its training, none in its pictures (the default
	 * corruption_level of 0.25 is not its setting) */
	ck_assert(cfg.corruption_level > 0);
	ck_assert(memcmp(sn->corrupted, sn->clean,
			 sn->n_recon * sn->n_visible * sizeof(float)) == 0);
	for (size_t e = 0; e < sn->n_infer; e++) {
		const float *en = sn->infer_energy + e * 11;
		ck_assert(en[10] < en[0]);
		for (size_t j = 0; j < 12; j++) {
			float p = sn->code_pred[e * 12 + j];
			float q = sn->code_star[e * 12 + j];
			ck_assert(p >= 0 && p <= 1 && q >= 0 && q <= 1);
		}
	}
	as_snapshot_release(&t->pub);
	as_trainer_free(t);
	as_trainer_free(a);
	as_trainer_free(c);
	as_dataset_free(ds);
}
END_TEST

START_TEST(test_drlim_map_published)
{
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	ck_assert_int_eq(as_settings_apply(&cfg,
					   "model=drlim layers=8-2 "
					   "encoder=linear batch_size=10",
					   &err),
			 AS_OK);
	for (int held = 1; held >= 0; held--) {
		struct as_dataset *full = bars(), *ds;
		size_t n = full->n, d = full->d;
		float *x = malloc(n * d * sizeof *x);
		memcpy(x, full->x, n * d * sizeof *x);
		ck_assert_int_eq(as_dataset_wrap("bars", x, NULL, n, 6, 6,
						 held ? 160 : n, &ds, &err),
				 AS_OK);
		as_dataset_free(full);
		struct as_trainer_opts o;
		as_trainer_opts_default(&o);
		o.publish = 1;
		struct as_trainer *t;
		ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &t, &err),
				 AS_OK);
		for (int i = 0; i < 20; i++)
			as_trainer_step(t);
		as_trainer_publish(t);
		const struct as_snapshot *s = as_snapshot_acquire(&t->pub);
		ck_assert(s != NULL);
		ck_assert_int_eq(s->has_plane, held);
		if (held) { /* every image of the map is a held-out bar or blank */
			size_t lit = 0;
			for (size_t c = 0; c < AS_PLANE * AS_PLANE; c++) {
				float v = s->plane[c * d];
				lit += v != 0;
				ck_assert(v == 0 || v == 0.05f || v == 0.95f);
			}
			ck_assert(lit > 0);
		}
		as_snapshot_release(&t->pub);
		as_trainer_free(t);
		as_dataset_free(ds);
	}
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_loop_test(tc, test_stages_follow_the_epochs_and_are_recorded,
			    0, 2);
	tcase_add_loop_test(tc, test_deep_resume_is_exact, 0, 2);
	tcase_add_test(tc, test_drlim_resume_is_exact);
	tcase_add_test(tc, test_sesm_resume_is_exact);
	tcase_add_test(tc, test_drlim_map_published);
	tcase_add_loop_test(tc, test_sparse_resume_is_exact, 0, 2);
	tcase_add_test(tc, test_classifier_learns_the_bars);
}

int main(void)
{
	return run_suite("trainer_deep", add_tests);
}
