#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <stdlib.h>

#include "autoscope/snapshot.h"

enum { NV = 64, NH = 32, WRITES = 20000 };

static struct as_publisher pub;
/* the largest step the reader has seen, for the writer's half-way wait */
static _Atomic uint64_t seen_step;

static void nap(void)
{
	struct timespec ts = {0, 100000};
	nanosleep(&ts, NULL);
}

/* The writer stamps every weight of a snapshot with its step; a reader
 * that ever sees a mix of two steps has read a slot mid-write. Half-way
 * it waits (up to 10 s) until the reader has seen a snapshot, so that
 * reads really overlap the writes that follow. */
static void *writer(void *arg)
{
	(void)arg;
	for (uint64_t k = 1; k <= WRITES; k++) {
		struct as_snapshot *s = as_publisher_begin(&pub);
		s->step = k;
		for (size_t i = 0; i < NV * NH; i++)
			s->w[i] = (float)k;
		as_publisher_commit(&pub);
		if (k == WRITES / 2)
			for (int t = 0;
			     t < 100000 && atomic_load(&seen_step) == 0; t++)
				nap();
	}
	return NULL;
}

START_TEST(test_reader_never_sees_a_torn_snapshot)
{
	struct as_error err;
	ck_assert_int_eq(as_publisher_init(&pub, 1, (size_t[]){NV, NH}, 4, &err), AS_OK);
	ck_assert_ptr_null(as_snapshot_acquire(&pub));
	as_snapshot_release(&pub);
	atomic_store(&seen_step, 0);
	pthread_t th;
	pthread_create(&th, NULL, writer, NULL);
	uint64_t last_gen = 0, last_step = 0, mid_run = 0;
	for (;;) {
		const struct as_snapshot *s = as_snapshot_acquire(&pub);
		if (s) {
			ck_assert_uint_ge(s->generation, last_gen);
			ck_assert_uint_ge(s->step, last_step);
			last_gen = s->generation;
			last_step = s->step;
			for (size_t i = 0; i < NV * NH; i++)
				ck_assert(s->w[i] == (float)s->step);
			mid_run += s->step < WRITES;
			atomic_store(&seen_step, s->step);
		}
		int done = s && s->step == WRITES;
		as_snapshot_release(&pub);
		if (done)
			break;
	}
	pthread_join(th, NULL);
	ck_assert_uint_eq(last_gen, WRITES);
	/* the torn check above ran on snapshots read while the writer was
	 * still writing, not only on the last one */
	ck_assert_uint_gt(mid_run, 0);
	as_publisher_destroy(&pub);
}
END_TEST

/* While the reader holds a snapshot, any number of publishes leave it
 * unchanged. */
START_TEST(test_held_snapshot_is_stable)
{
	struct as_error err;
	ck_assert_int_eq(as_publisher_init(&pub, 1, (size_t[]){NV, NH}, 4, &err), AS_OK);
	struct as_snapshot *s = as_publisher_begin(&pub);
	s->step = 7;
	as_publisher_commit(&pub);
	const struct as_snapshot *held = as_snapshot_acquire(&pub);
	ck_assert_uint_eq(held->step, 7);
	for (int k = 0; k < 10; k++) {
		s = as_publisher_begin(&pub);
		ck_assert_ptr_ne(s, held);
		s->step = 100 + (uint64_t)k;
		as_publisher_commit(&pub);
	}
	ck_assert_uint_eq(held->step, 7);
	as_snapshot_release(&pub);
	held = as_snapshot_acquire(&pub);
	ck_assert_uint_eq(held->step, 109);
	ck_assert_uint_eq(held->generation, 11);
	as_snapshot_release(&pub);
	as_publisher_destroy(&pub);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reader_never_sees_a_torn_snapshot);
	tcase_add_test(tc, test_held_snapshot_is_stable);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
