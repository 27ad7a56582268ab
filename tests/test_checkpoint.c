/* Checkpoints (and the history they carry). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "autoscope/checkpoint.h"
#include "autoscope/fileio.h"

static char dir[] = "/tmp/as_ckpt_XXXXXX";

enum { NV = 12, NH = 5, NORDER = 30 };

static float params[2 * NV * NH + NV + NH], velocity[2 * NV * NH + NV + NH];
static uint32_t order[NORDER];
static struct as_history hist;

static void fill(struct as_checkpoint *ck)
{
	memset(ck, 0, sizeof *ck);
	as_config_default(&ck->config);
	ck->config.n_hidden = NH;
	ck->config.corruption_level = 0.35f;
	ck->config.lr = 0.1f / 8.0f / 3.0f; /* not short in decimal */
	ck->config.tied = 0;
	snprintf(ck->data, sizeof ck->data, "mnist");
	ck->step = 1234;
	ck->epoch = 3;
	ck->examples = 24680;
	ck->elapsed_s = 12.5;
	ck->cursor = 7;
	ck->acc_loss = 1.25;
	ck->acc_examples = 20;
	ck->last_eval_examples = 24000;
	struct as_rng rng;
	as_rng_seed(&rng, 9, 0);
	for (size_t i = 0; i < NORDER; i++)
		order[i] = (uint32_t)i;
	as_rng_shuffle(&rng, order, NORDER);
	ck->n_order = NORDER;
	ck->order = order;
	as_rng_seed(&ck->rng_init, 1, 1);
	as_rng_seed(&ck->rng_shuffle, 1, 2);
	as_rng_seed(&ck->rng_noise, 1, 3);
	ck->n_visible = NV;
	ck->n_hidden = NH;
	ck->tied = 0;
	ck->n_params = sizeof params / sizeof params[0];
	for (size_t i = 0; i < ck->n_params; i++) {
		params[i] = as_rng_normal(&rng);
		velocity[i] = as_rng_normal(&rng) * 1e-3f;
	}
	ck->params = params;
	ck->velocity = velocity;
	as_history_clear(&hist);
	for (int i = 0; i < 10; i++) {
		struct as_point p = {(uint64_t)i, (uint64_t)i * 100,
				     100.0f / (float)(i + 1),
				     i % 3 ? NAN : 90.0f, i * 0.5};
		as_history_add_point(&hist, &p);
	}
	struct as_change c = {5, 500, "corruption_level", "0.25", "0.35"};
	as_history_add_change(&hist, &c);
	ck->history = &hist;
}

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

START_TEST(test_round_trip_exact)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256];
	path_of(p, sizeof p, "a.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	ck_assert_msg(as_checkpoint_load(p, &back, &err) == AS_OK, "%s",
		      err.msg);
	ck_assert(memcmp(&back.config, &ck.config, sizeof ck.config) == 0);
	ck_assert_str_eq(back.data, "mnist");
	ck_assert_uint_eq(back.step, 1234);
	ck_assert_uint_eq(back.epoch, 3);
	ck_assert_uint_eq(back.examples, 24680);
	ck_assert(back.elapsed_s == 12.5 && back.acc_loss == 1.25);
	ck_assert_uint_eq(back.cursor, 7);
	ck_assert_uint_eq(back.acc_examples, 20);
	ck_assert_uint_eq(back.last_eval_examples, 24000);
	ck_assert(memcmp(back.order, order, sizeof order) == 0);
	ck_assert(memcmp(&back.rng_noise, &ck.rng_noise, sizeof ck.rng_noise) ==
		  0);
	ck_assert(memcmp(&back.rng_init, &ck.rng_init, sizeof ck.rng_init) ==
		  0);
	ck_assert_uint_eq(back.n_params, ck.n_params);
	ck_assert(memcmp(back.params, params, sizeof params) == 0);
	ck_assert(memcmp(back.velocity, velocity, sizeof velocity) == 0);
	ck_assert_uint_eq(back.history->n_points, 10);
	ck_assert(isnan(back.history->points[1].heldout_loss));
	ck_assert(back.history->points[3].heldout_loss == 90.0f);
	ck_assert_str_eq(back.history->changes[0].new_value, "0.35");
	as_checkpoint_release(&back);
}
END_TEST

static unsigned char *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc(*len);
	ck_assert_uint_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

static void spill(const char *p, const unsigned char *b, size_t len)
{
	FILE *f = fopen(p, "wb");
	fwrite(b, 1, len, f);
	fclose(f);
}

START_TEST(test_every_flipped_byte_is_rejected)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256], q[256];
	path_of(p, sizeof p, "b.ascp");
	path_of(q, sizeof q, "flipped.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	size_t len;
	unsigned char *b = slurp(p, &len);
	size_t tried = 0;
	for (size_t at = 0; at < len; at += (at < 64 ? 1 : 13)) {
		b[at] ^= 0x20;
		spill(q, b, len);
		b[at] ^= 0x20;
		ck_assert_msg(as_checkpoint_load(q, &back, &err) != AS_OK,
			      "flip at %zu accepted", at);
		ck_assert_ptr_null(back.params);
		tried++;
	}
	ck_assert_uint_gt(tried, 100);
	/* truncated at any length */
	for (size_t cut = 0; cut < len; cut += len / 37 + 1) {
		spill(q, b, cut);
		ck_assert_int_ne(as_checkpoint_load(q, &back, &err), AS_OK);
	}
	/* the message says what is wrong */
	b[len / 2] ^= 1;
	spill(q, b, len);
	ck_assert_int_eq(as_checkpoint_load(q, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "checksum mismatch") != NULL);
	memcpy(b, "NOTCKPT!", 8);
	spill(q, b, len);
	as_checkpoint_load(q, &back, &err);
	ck_assert(strstr(err.msg, "not an autoscope checkpoint") != NULL);
	free(b);
}
END_TEST

START_TEST(test_failed_save_keeps_the_old_file)
{
	struct as_checkpoint ck;
	fill(&ck);
	char p[256];
	path_of(p, sizeof p, "keep.ascp");
	struct as_error err;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	size_t len0;
	unsigned char *before = slurp(p, &len0);
	/* a disk that fills up mid-save (as root too): files may not grow
	 * past 200 bytes, so writing the new checkpoint fails half-way */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit old, tiny;
	getrlimit(RLIMIT_FSIZE, &old);
	tiny = old;
	tiny.rlim_cur = 200;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	ck.step = 99999;
	enum as_status st = as_checkpoint_save(p, &ck, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	ck_assert_int_eq(st, AS_ERR_IO);
	ck_assert(strstr(err.msg, "keep.ascp") != NULL);
	/* no temporary file left behind */
	char cmd[400];
	snprintf(cmd, sizeof cmd, "! ls -A %s | grep -q tmp", dir);
	ck_assert_int_eq(system(cmd), 0);
	size_t len1;
	unsigned char *after = slurp(p, &len1);
	ck_assert_uint_eq(len0, len1);
	ck_assert(memcmp(before, after, len0) == 0);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_bad_values_rejected)
{
	struct as_checkpoint ck, back;
	fill(&ck);
	char p[256];
	path_of(p, sizeof p, "nan.ascp");
	struct as_error err;
	params[3] = NAN;
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(p, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "not finite") != NULL);
	fill(&ck);
	order[0] = order[1]; /* not a permutation */
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(p, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "permutation") != NULL);
	fill(&ck);
	ck.config.corruption_level = 3.0f; /* out of its range */
	ck_assert_int_eq(as_checkpoint_save(p, &ck, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(p, &back, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "corruption_level") != NULL);
	ck_assert_int_eq(as_checkpoint_load("/nonexistent/x.ascp", &back, &err),
			 AS_ERR_IO);
}
END_TEST

START_TEST(test_history_bounds)
{
	struct as_history *h = calloc(1, sizeof *h);
	as_history_clear(h);
	for (uint64_t i = 0; i < 3 * AS_HISTORY_MAX; i++) {
		struct as_point p = {i, i, 1.0f, NAN, 0};
		as_history_add_point(h, &p);
		ck_assert_uint_le(h->n_points, AS_HISTORY_MAX);
	}
	/* the whole run is still there: first point and the latest */
	ck_assert_uint_eq(h->points[0].examples, 0);
	ck_assert_uint_eq(h->points[h->n_points - 1].examples,
			  3 * AS_HISTORY_MAX - 1);
	for (size_t i = 1; i < h->n_points; i++)
		ck_assert_uint_gt(h->points[i].examples,
				  h->points[i - 1].examples);
	for (uint64_t i = 0; i < AS_CHANGES_MAX + 10; i++) {
		struct as_change c = {i, i, "lr", "1", "2"};
		as_history_add_change(h, &c);
	}
	ck_assert_uint_eq(h->n_changes, AS_CHANGES_MAX);
	ck_assert_uint_eq(h->changes[0].step, 10); /* oldest dropped */
	free(h);
}
END_TEST

int main(void)
{
	if (!mkdtemp(dir))
		return EXIT_FAILURE;
	Suite *s = suite_create("checkpoint");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip_exact);
	tcase_add_test(tc, test_history_bounds);
	suite_add_tcase(s, tc);
	TCase *bad = tcase_create("malformed");
	tcase_set_timeout(bad, 60);
	tcase_add_test(bad, test_every_flipped_byte_is_rejected);
	tcase_add_test(bad, test_failed_save_keeps_the_old_file);
	tcase_add_test(bad, test_bad_values_rejected);
	suite_add_tcase(s, bad);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		failed++;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
