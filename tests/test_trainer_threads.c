/* trainer_threads: a run on its own thread (snapshots, commands), forks
 * and their hand-over, runs keeping pace */
#include "trainer_fixtures.h"

static const struct as_snapshot *wait_for(struct as_trainer *t,
					  int (*ok)(const struct as_snapshot *))
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		const struct as_snapshot *s = as_snapshot_acquire(&t->pub);
		if (s && (!ok || ok(s)))
			return s;
		as_snapshot_release(&t->pub);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 20)
			return NULL;
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
	}
}

static int is_paused_with_changes(const struct as_snapshot *s)
{
	return s->paused && s->config.corruption_level == 0.4f &&
	       s->history.n_changes >= 2 && !s->tied;
}

static int has_steps(const struct as_snapshot *s)
{
	return s->step > 50;
}

START_TEST(test_threaded_run_publishes_and_obeys)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.out_dir = tmpdir;
	o.publish = 1;
	struct as_trainer *t;
	struct as_error err;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &t, &err), AS_OK);
	ck_assert_int_eq(as_trainer_start(t, &err), AS_OK);
	const struct as_snapshot *s = wait_for(t, has_steps);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->n_visible, 36);
	as_snapshot_release(&t->pub);
	struct as_command c[] = {
		{AS_CMD_SET, as_param_index(as_param_find("corruption_level")),
		 0.4},
		{AS_CMD_SET, as_param_index(as_param_find("tied")), 0},
		{AS_CMD_PAUSE, 0, 1},
		{AS_CMD_SAVE, 0, 0},
	};
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(as_trainer_push(t, &c[i]), AS_OK);
	s = wait_for(t, is_paused_with_changes);
	ck_assert_ptr_nonnull(s);
	uint64_t step = s->step;
	as_snapshot_release(&t->pub);
	as_trainer_stop(t);
	ck_assert_uint_eq(t->step, step); /* paused: no step after */
	char path[256];
	snprintf(path, sizeof path, "%s/checkpoint.ascp", tmpdir);
	ck_assert_int_eq(access(path, R_OK), 0);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

static int same_params(const struct as_trainer *a, const struct as_trainer *b)
{
	return a->model->n_params == b->model->n_params &&
	       memcmp(a->model->params, b->model->params,
		      a->model->n_params * sizeof(float)) == 0 &&
	       memcmp(a->model->velocity, b->model->velocity,
		      a->model->n_params * sizeof(float)) == 0;
}

/* A fork is the run itself, copied: the same weights at the fork step and,
 * given the same commands, the same weights at every step after; a changed
 * setting is then the only thing that sets the two apart. */
START_TEST(test_fork_is_exact_and_diverges_only_by_the_change)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	cfg.momentum = 0.5f; /* so the momentum arena matters too */
	struct as_trainer *a = make(ds, &cfg, NULL);
	for (int i = 0; i < 23; i++) /* mid-epoch: cursor and order count */
		as_trainer_step(a);
	struct as_trainer *b, *c;
	struct as_error err;
	ck_assert_int_eq(as_trainer_fork(a, NULL, &b, &err), AS_OK);
	ck_assert_int_eq(as_trainer_fork(a, NULL, &c, &err), AS_OK);
	ck_assert(same_params(a, b));
	ck_assert_uint_eq(b->step, a->step);
	ck_assert_uint_eq(b->cursor, a->cursor);
	ck_assert_uint_eq(b->history->n_points, a->history->n_points);
	/* c changes one setting; b does not */
	ck_assert_int_eq(as_trainer_set(c, as_param_find("corruption_level"),
					0.5, &err),
			 AS_OK);
	for (int i = 0; i < 37; i++) {
		as_trainer_step(a);
		as_trainer_step(b);
		as_trainer_step(c);
	}
	ck_assert(same_params(a, b));
	ck_assert_uint_eq(b->examples, a->examples);
	ck_assert(!same_params(a, c));
	ck_assert_uint_eq(c->examples, a->examples);
	/* the history goes on from the fork's copy */
	ck_assert(a->history->n_points > 0);
	ck_assert(b->history->points[b->history->n_points - 1].train_loss ==
		  a->history->points[a->history->n_points - 1].train_loss);
	ck_assert_uint_eq(c->history->n_changes, a->history->n_changes + 1);
	as_trainer_free(a);
	as_trainer_free(b);
	as_trainer_free(c);
	as_dataset_free(ds);
}
END_TEST


/* Threaded: the fork is made between two minibatches by the run's own
 * thread and handed over once. */
START_TEST(test_threaded_fork_is_handed_over)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.publish = 1;
	struct as_trainer *t;
	struct as_error err;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &t, &err), AS_OK);
	ck_assert_int_eq(as_trainer_start(t, &err), AS_OK);
	ck_assert_ptr_null(as_trainer_take_fork(t, NULL));
	struct as_command pause = {AS_CMD_PAUSE, 0, 1};
	struct as_command fork = {AS_CMD_FORK, 0, 0};
	ck_assert_int_eq(as_trainer_push(t, &pause), AS_OK);
	ck_assert_int_eq(as_trainer_push(t, &fork), AS_OK);
	struct as_trainer *f = NULL;
	for (int i = 0; i < 5000 && !f; i++) { /* up to 5 s */
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
		f = as_trainer_take_fork(t, NULL);
	}
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_null(as_trainer_take_fork(t, NULL));
	as_trainer_stop(t);
	ck_assert(same_params(t, f));
	ck_assert_uint_eq(f->step, t->step);
	ck_assert_int_eq(f->ctl.paused, 1);
	/* the fork runs on its own thread, with its own publisher */
	struct as_command go = {AS_CMD_PAUSE, 0, 0};
	ck_assert_int_eq(as_trainer_push(f, &go), AS_OK);
	ck_assert_int_eq(as_trainer_start(f, &err), AS_OK);
	const struct as_snapshot *s = wait_for(f, has_steps);
	ck_assert_ptr_nonnull(s);
	as_snapshot_release(&f->pub);
	as_trainer_free(f);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* Pace by hand: a run more than the slack ahead of the slowest running
 * one waits; paused runs hold nobody back; a newcomer starts level. */
START_TEST(test_pace)
{
	struct as_pace p;
	as_pace_init(&p, 100);
	int a = as_pace_join(&p, 0), b = as_pace_join(&p, 5000);
	ck_assert(a >= 0 && b >= 0 && a != b);
	ck_assert_int_eq(as_pace_ahead(&p, a, 0, 1), 0);
	ck_assert_int_eq(as_pace_ahead(&p, b, 5000, 1), 0); /* level */
	ck_assert_int_eq(as_pace_ahead(&p, b, 5100, 1), 0); /* slack */
	ck_assert_int_eq(as_pace_ahead(&p, b, 5101, 1), 1);
	ck_assert_int_eq(as_pace_ahead(&p, a, 2, 0), 0); /* a pauses */
	ck_assert_int_eq(as_pace_ahead(&p, b, 9000, 1), 0);
	/* a resumes level with b: b is not held while a trains the pause
	 * over again (it once was) */
	ck_assert_int_eq(as_pace_ahead(&p, a, 2, 1), 0);
	ck_assert_int_eq(as_pace_ahead(&p, b, 9000, 1), 0);
	ck_assert_int_eq(as_pace_ahead(&p, b, 9101, 1), 1);
	ck_assert_int_eq(as_pace_ahead(&p, a, 200, 1), 0); /* 9198 now */
	ck_assert_int_eq(as_pace_ahead(&p, b, 9101, 1), 0);
	/* a newcomer joins level with the slowest running run, not at 0 */
	int c = as_pace_join(&p, 0);
	ck_assert_int_eq(as_pace_ahead(&p, c, 0, 1), 0);
	ck_assert_int_eq(as_pace_ahead(&p, c, 300, 1), 1);
	as_pace_leave(&p, a);
	as_pace_leave(&p, b);
	ck_assert_int_eq(as_pace_ahead(&p, c, 1000000, 1), 0); /* alone */
	for (int i = 0; i < AS_PACE_SLOTS - 1; i++)
		ck_assert_int_ge(as_pace_join(&p, 0), 0);
	ck_assert_int_eq(as_pace_join(&p, 0), -1); /* full */
	as_pace_destroy(&p);
}
END_TEST

static uint64_t far_examples;

static int is_paused(const struct as_snapshot *s)
{
	return s->paused;
}

static int is_far(const struct as_snapshot *s)
{
	return s->examples > far_examples;
}

/* Two threaded runs on one pace: they keep step while both run; once one
 * is paused the other trains on far past it (pausing once held every
 * other run back, as the pause was never told to the pace). */
START_TEST(test_pause_holds_nobody_back)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_pace pace;
	as_pace_init(&pace, 100);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.publish = 1;
	o.pace = &pace;
	struct as_trainer *a, *b;
	struct as_error err;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &a, &err), AS_OK);
	cfg.n_hidden = 16;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &b, &err), AS_OK);
	ck_assert_int_eq(as_trainer_start(a, &err), AS_OK);
	ck_assert_int_eq(as_trainer_start(b, &err), AS_OK);
	ck_assert_ptr_nonnull(wait_for(a, has_steps));
	as_snapshot_release(&a->pub);
	struct as_command pause = {AS_CMD_PAUSE, 0, 1};
	ck_assert_int_eq(as_trainer_push(a, &pause), AS_OK);
	const struct as_snapshot *sa = wait_for(a, is_paused);
	ck_assert_ptr_nonnull(sa);
	uint64_t a_examples = sa->examples;
	as_snapshot_release(&a->pub);
	far_examples = a_examples + 200 * pace.slack;
	const struct as_snapshot *sb = wait_for(b, is_far);
	ck_assert_ptr_nonnull(sb);
	uint64_t b_examples = sb->examples;
	as_snapshot_release(&b->pub);
	/* a resumes level with b: b goes on at once, it does not wait while
	 * a trains the whole pause over again */
	struct as_command go = {AS_CMD_PAUSE, 0, 0};
	ck_assert_int_eq(as_trainer_push(a, &go), AS_OK);
	far_examples = b_examples + 20 * pace.slack;
	ck_assert_ptr_nonnull(wait_for(b, is_far));
	as_snapshot_release(&b->pub);
	sa = as_snapshot_acquire(&a->pub);
	/* a is still far behind: b did not wait for it to catch up */
	ck_assert(sa && sa->examples + 10 * pace.slack < b_examples);
	as_snapshot_release(&a->pub);
	as_trainer_free(a);
	as_trainer_free(b);
	as_pace_destroy(&pace);
	as_dataset_free(ds);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_test(tc, test_threaded_run_publishes_and_obeys);
	tcase_add_test(tc, test_fork_is_exact_and_diverges_only_by_the_change);
	tcase_add_test(tc, test_threaded_fork_is_handed_over);
	tcase_add_test(tc, test_pace);
	tcase_add_test(tc, test_pause_holds_nobody_back);
}

int main(void)
{
	return run_suite("trainer_threads", add_tests);
}
