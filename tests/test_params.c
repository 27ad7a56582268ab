#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/params.h"

START_TEST(test_defaults_are_valid_and_in_range)
{
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	ck_assert_int_eq(as_config_validate(&cfg, &err), AS_OK);
	ck_assert_int_eq(cfg.n_hidden, 500);
	ck_assert_int_eq(cfg.tied, 1);
	ck_assert_float_eq(cfg.corruption_level, 0.25f);
	ck_assert_int_eq(cfg.batch_size, 20);
	for (size_t i = 0; i < as_param_count(); i++) {
		const struct as_param *p = as_param_at(i);
		ck_assert_ptr_eq(as_param_find(p->name), p);
		ck_assert_int_eq(as_param_index(p), (int)i);
		ck_assert(p->help && p->help[0]);
		double v = as_param_get(&cfg, p);
		ck_assert(v >= p->min && v <= p->max);
	}
	ck_assert_ptr_eq(as_param_find("corruption-level"),
			 as_param_find("corruption_level"));
	ck_assert_ptr_null(as_param_find("nonsense"));
}
END_TEST

START_TEST(test_parse_and_format)
{
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	const struct as_param *tied = as_param_find("tied");
	ck_assert_int_eq(as_param_parse(&cfg, tied, "off", &err), AS_OK);
	ck_assert_int_eq(cfg.tied, 0);
	ck_assert_int_eq(as_param_parse(&cfg, tied, "yes", &err), AS_OK);
	ck_assert_int_eq(cfg.tied, 1);
	ck_assert_int_ne(as_param_parse(&cfg, tied, "maybe", &err), AS_OK);
	const struct as_param *noise = as_param_find("corruption");
	ck_assert_int_eq(as_param_parse(&cfg, noise, "gauss", &err), AS_OK);
	ck_assert_int_eq(cfg.corruption, AS_CORRUPT_GAUSS);
	char buf[32];
	as_param_format(&cfg, noise, buf, sizeof buf);
	ck_assert_str_eq(buf, "gauss");
	const struct as_param *bs = as_param_find("batch_size");
	ck_assert_int_ne(as_param_parse(&cfg, bs, "2.5", &err), AS_OK);
	ck_assert_int_ne(as_param_parse(&cfg, bs, "0", &err), AS_OK);
	ck_assert_int_ne(as_param_parse(&cfg, bs, "64x", &err), AS_OK);
	ck_assert_int_eq(cfg.batch_size, 20); /* untouched on error */
	ck_assert(strstr(err.msg, "batch_size") != NULL);
	const struct as_param *lr = as_param_find("lr");
	ck_assert_int_ne(as_param_parse(&cfg, lr, "nan", &err), AS_OK);
	ck_assert_int_ne(as_param_parse(&cfg, lr, "inf", &err), AS_OK);
	ck_assert_int_ne(as_param_parse(&cfg, lr, "", &err), AS_OK);
}
END_TEST

START_TEST(test_cross_field)
{
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	cfg.encoder = AS_ACT_LINEAR;
	cfg.sparsity_weight = 0.5f;
	ck_assert_int_eq(as_config_validate(&cfg, &err), AS_ERR_INVALID);
	ck_assert(strstr(err.msg, "sigmoid") != NULL);
}
END_TEST

/* Both ends of every range are accepted, set and validated, and just
 * past them refused: a float field stores 1e-6 as 9.99999997e-7, which
 * once failed its own lower bound of 1e-6. */
START_TEST(test_range_ends)
{
	for (size_t i = 0; i < as_param_count(); i++) {
		const struct as_param *p = as_param_at(i);
		if (p->type == AS_PT_ENUM || p->type == AS_PT_BOOL ||
		    p->type == AS_PT_SIZES)
			continue;
		const double ends[2] = {p->min, p->max};
		for (int k = 0; k < 2; k++) {
			struct as_config cfg;
			as_config_default(&cfg);
			if (p->offset == offsetof(struct as_config, stage)) {
				/* the last stage exists with 8 layers and
				 * fine-tuning */
				struct as_error e;
				ck_assert(as_param_parse(
						  &cfg, as_param_find("layers"),
						  "9-8-7-6-5-4-3-2", &e) == AS_OK);
				cfg.finetune = AS_FINETUNE_RECON;
			}
			/* sparsity needs the sigmoid encoder (the default) */
			struct as_error err;
			ck_assert_msg(as_param_set(&cfg, p, ends[k], &err) ==
					      AS_OK,
				      "%s = %g: %s", p->name, ends[k],
				      err.msg);
			ck_assert_msg(as_config_validate(&cfg, &err) == AS_OK,
				      "%s = %g: %s", p->name, ends[k],
				      err.msg);
		}
		struct as_config cfg;
		as_config_default(&cfg);
		struct as_error err;
		double below = p->min - (fabs(p->min) * 0.01 + 1e-9);
		double above = p->max + (fabs(p->max) * 0.01 + 1);
		ck_assert_int_eq(as_param_set(&cfg, p, below, &err),
				 AS_ERR_INVALID);
		ck_assert_int_eq(as_param_set(&cfg, p, above, &err),
				 AS_ERR_INVALID);
	}
}
END_TEST

/* --layers: sizes from the input up, formatted back the same way; the
 * last of --hidden and --layers wins; bad lists refused with a sentence;
 * the stages that exist follow the layers, pretraining and fine-tuning. */
START_TEST(test_layers_and_stages)
{
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	const struct as_param *layers = as_param_find("layers");
	const struct as_param *hidden = as_param_find("hidden");
	ck_assert_ptr_nonnull(layers);
	ck_assert_int_eq(as_param_parse(&cfg, layers, "500-250-30", &err),
			 AS_OK);
	ck_assert_int_eq(cfg.n_layers, 3);
	ck_assert_int_eq(cfg.n_hidden, 500);
	ck_assert_int_eq(as_config_layer(&cfg, 2), 30);
	char buf[64];
	as_param_format(&cfg, layers, buf, sizeof buf);
	ck_assert_str_eq(buf, "500-250-30");
	ck_assert_int_eq(as_config_last_stage(&cfg), 2);
	cfg.finetune = AS_FINETUNE_RECON;
	ck_assert_int_eq(as_config_last_stage(&cfg), 3);
	cfg.stage = 3;
	ck_assert_int_eq(as_config_validate(&cfg, &err), AS_OK);
	cfg.pretrain = AS_PRETRAIN_NONE;
	ck_assert_int_eq(as_config_first_stage(&cfg), 3);
	cfg.stage = 4;
	ck_assert_int_eq(as_config_validate(&cfg, &err), AS_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "stage 4") != NULL, "%s", err.msg);
	ck_assert_int_eq(as_param_parse(&cfg, hidden, "64", &err), AS_OK);
	ck_assert_int_eq(cfg.n_layers, 1);
	as_param_format(&cfg, layers, buf, sizeof buf);
	ck_assert_str_eq(buf, "64");
	const char *bad[] = {"", "500--30", "0-30", "4097", "30-",
			     "1-2-3-4-5-6-7-8-9", "ten", "30 20", "-30"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct as_config before = cfg;
		ck_assert_msg(as_param_parse(&cfg, layers, bad[i], &err) ==
				      AS_ERR_INVALID,
			      "'%s' accepted", bad[i]);
		ck_assert(memcmp(&before, &cfg, sizeof cfg) == 0);
	}
	/* --code is --encoder */
	ck_assert_ptr_eq(as_param_find("code"), as_param_find("encoder"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_defaults_are_valid_and_in_range);
	tcase_add_test(tc, test_parse_and_format);
	tcase_add_test(tc, test_cross_field);
	tcase_add_test(tc, test_range_ends);
	tcase_add_test(tc, test_layers_and_stages);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
