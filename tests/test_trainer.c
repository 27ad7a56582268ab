/* trainer: a run's commands, toggles, divergence guard, resume and the data
 * it refuses (the threads: test_trainer_threads.c; stacks:
 * test_trainer_deep.c; scores and history: test_trainer_scores.c) */
#include "trainer_fixtures.h"

START_TEST(test_commands_apply_and_are_recorded)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t = make(ds, &cfg, NULL);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(as_trainer_step(t), 1);
	int level = as_param_index(as_param_find("corruption_level"));
	int tied = as_param_index(as_param_find("tied"));
	int hidden = as_param_index(as_param_find("hidden"));
	struct as_command c = {AS_CMD_SET, level, 0.5};
	ck_assert_int_eq(as_trainer_push(t, &c), AS_OK);
	c = (struct as_command){AS_CMD_SET, tied, 0};
	ck_assert_int_eq(as_trainer_push(t, &c), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 1);
	ck_assert_float_eq(t->cfg.corruption_level, 0.5f);
	ck_assert_int_eq(t->cfg.tied, 0);
	ck_assert_int_eq(t->model->tied, 0);
	ck_assert_uint_eq(t->history->n_changes, 2);
	const struct as_change *ch = &t->history->changes[0];
	ck_assert_str_eq(ch->param, "corruption_level");
	ck_assert_str_eq(ch->old_value, "0.25");
	ck_assert_str_eq(ch->new_value, "0.5");
	ck_assert_uint_eq(ch->step, 5);
	ck_assert_str_eq(t->history->changes[1].new_value, "off");

	/* out of range, structural: refused with a message, nothing changes */
	c = (struct as_command){AS_CMD_SET, level, 1.5};
	as_trainer_push(t, &c);
	as_trainer_step(t);
	ck_assert_float_eq(t->cfg.corruption_level, 0.5f);
	ck_assert(strstr(t->message, "refused") != NULL);
	c = (struct as_command){AS_CMD_SET, hidden, 20};
	as_trainer_push(t, &c);
	as_trainer_step(t);
	ck_assert_int_eq(t->cfg.n_hidden, 8);
	ck_assert(strstr(t->message, "hidden") != NULL);
	ck_assert_uint_eq(t->history->n_changes, 2);

	/* pause: no step until a single step or resume */
	c = (struct as_command){AS_CMD_PAUSE, 0, 1};
	as_trainer_push(t, &c);
	uint64_t at = t->step;
	ck_assert_int_eq(as_trainer_step(t), 0);
	ck_assert_int_eq(as_trainer_step(t), 0);
	c = (struct as_command){AS_CMD_STEP, 0, 0};
	as_trainer_push(t, &c);
	ck_assert_int_eq(as_trainer_step(t), 1);
	ck_assert_int_eq(as_trainer_step(t), 0);
	ck_assert_uint_eq(t->step, at + 1);

	/* a full queue refuses, it does not block */
	for (int i = 0; i < AS_QUEUE_MAX; i++)
		ck_assert_int_eq(as_trainer_push(t, &c), AS_OK);
	ck_assert_int_eq(as_trainer_push(t, &c), AS_ERR_STATE);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* The explorer's case: a linear autoencoder on MNIST learning well, then
 * the learning rate typed as 10. */
/* Toggles flip the trainer's own state, never a value the screen read a
 * frame ago: two quick toggles of pause cancel out. */
START_TEST(test_toggles_apply_to_the_trainers_state)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t = make(ds, &cfg, NULL);
	struct as_command toggle = {AS_CMD_PAUSE, 0, -1};
	ck_assert_int_eq(as_trainer_push(t, &toggle), AS_OK);
	ck_assert_int_eq(as_trainer_push(t, &toggle), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 1); /* both applied: running */
	ck_assert_int_eq(t->ctl.paused, 0);
	ck_assert_int_eq(as_trainer_push(t, &toggle), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 0);
	ck_assert_int_eq(t->ctl.paused, 1);
	struct as_command pause = {AS_CMD_PAUSE, 0, 1};
	ck_assert_int_eq(as_trainer_push(t, &pause), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 0); /* pause on pause: paused */
	ck_assert_int_eq(as_trainer_push(t, &toggle), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 1);
	/* tied goes by nudges of its bool: two of them leave it as it was */
	int tied = as_param_index(as_param_find("tied"));
	struct as_command flip = {AS_CMD_NUDGE, tied, 1};
	ck_assert_int_eq(as_trainer_push(t, &flip), AS_OK);
	ck_assert_int_eq(as_trainer_push(t, &flip), AS_OK);
	as_trainer_step(t);
	ck_assert_int_eq(t->cfg.tied, 1);
	ck_assert_int_eq(t->model->tied, 1);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

START_TEST(test_divergence_restores_and_halves_lr)
{
	struct as_data_opts dopts;
	as_data_opts_default(&dopts);
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(as_dataset_load("mnist", &dopts, &ds, &err), AS_OK);
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.loss = AS_LOSS_MSE;
	cfg.encoder = AS_ACT_LINEAR;
	cfg.n_hidden = 30;
	cfg.corruption_level = 0;
	cfg.lr = 0.0125f;
	struct as_trainer *t = make(ds, &cfg, NULL);
	double start = as_trainer_heldout_loss(t, 0);
	/* good steps first, ending just before a step where the guard takes
	 * a copy (every 50): the first step at lr 10 gives huge but finite
	 * weights, which must not become the weights to go back to */
	for (int i = 0; i < 349; i++)
		as_trainer_step(t);
	int lr = as_param_index(as_param_find("lr"));
	struct as_command c = {AS_CMD_SET, lr, 10};
	as_trainer_push(t, &c);
	int diverged = 0;
	for (int i = 0; i < 400 && !diverged; i++) {
		as_trainer_step(t);
		diverged = strstr(t->message, "diverged") != NULL;
	}
	ck_assert_msg(diverged, "lr 10 on a linear autoencoder should diverge");
	ck_assert(as_model_finite(t->model));
	ck_assert_float_lt(t->cfg.lr, 10.0f);
	const struct as_change *last =
		&t->history->changes[t->history->n_changes - 1];
	ck_assert_str_eq(last->param, "lr");
	/* and training goes on from weights that were good before the
	 * blow-up: a few halvings, not a slide to the smallest rate */
	for (int i = 0; i < 3000; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->ctl.paused, 0);
	ck_assert_msg(t->cfg.lr > 0.001f, "lr fell to %g", t->cfg.lr);
	double end = as_trainer_heldout_loss(t, 0);
	ck_assert_msg(isfinite(end) && end < start, "held-out %g -> %g", start,
		      end);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* Run 30 steps; or run 13, save, load, resume, run 17: the same weights
 * bit for bit and the same loss curve. */
START_TEST(test_resume_continues_the_same_run)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	cfg.momentum = 0.5f;
	struct as_trainer *a = make(ds, &cfg, NULL);
	for (int i = 0; i < 30; i++)
		as_trainer_step(a);

	struct as_trainer *b = make(ds, &cfg, NULL);
	for (int i = 0; i < 13; i++)
		as_trainer_step(b);
	char path[256];
	snprintf(path, sizeof path, "%s/run.ascp", tmpdir);
	struct as_error err;
	ck_assert_int_eq(as_trainer_save(b, path, &err), AS_OK);
	as_trainer_free(b);
	struct as_checkpoint ck;
	ck_assert_int_eq(as_checkpoint_load(path, &ck, &err), AS_OK);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.point_every = 40;
	o.eval_every = 80;
	struct as_trainer *c;
	ck_assert_int_eq(as_trainer_resume(&ck, ds, &o, &c, &err), AS_OK);
	as_checkpoint_release(&ck);
	for (int i = 0; i < 17; i++)
		as_trainer_step(c);
	ck_assert_uint_eq(c->step, a->step);
	as_model_sync_decoder(a->model);
	as_model_sync_decoder(c->model);
	ck_assert(memcmp(a->model->params, c->model->params,
			 a->model->n_params * sizeof(float)) == 0);
	ck_assert_uint_eq(a->history->n_points, c->history->n_points);
	for (size_t i = 0; i < a->history->n_points; i++) {
		const struct as_point *p = &a->history->points[i],
				      *q = &c->history->points[i];
		ck_assert_uint_eq(p->examples, q->examples);
		ck_assert(p->train_loss == q->train_loss);
	}
	as_trainer_free(a);
	as_trainer_free(c);
	as_dataset_free(ds);
}
END_TEST

START_TEST(test_cross_entropy_needs_unit_range)
{
	float *x = malloc(20 * 4 * sizeof *x);
	for (int i = 0; i < 80; i++)
		x[i] = (float)i - 40.0f;
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(
		as_dataset_wrap("wide", x, NULL, 20, 2, 2, 16, &ds, &err),
		AS_OK);
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, NULL, &t, &err),
			 AS_ERR_INVALID);
	ck_assert(strstr(err.msg, "--loss mse") != NULL);
	cfg.loss = AS_LOSS_MSE;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, NULL, &t, &err), AS_OK);
	ck_assert_int_ne(
		as_trainer_set(t, as_param_find("loss"), AS_LOSS_CE, &err),
		AS_OK);
	ck_assert_int_eq(t->cfg.loss, AS_LOSS_MSE);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_test(tc, test_commands_apply_and_are_recorded);
	tcase_add_test(tc, test_divergence_restores_and_halves_lr);
	tcase_add_test(tc, test_toggles_apply_to_the_trainers_state);
	tcase_add_test(tc, test_resume_continues_the_same_run);
	tcase_add_test(tc, test_cross_entropy_needs_unit_range);
}

int main(void)
{
	return run_suite("trainer", add_tests);
}
