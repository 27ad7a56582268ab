#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/lesson.h"
#include "autoscope/scores.h"

static void same_lesson(const struct as_lesson *a, const struct as_lesson *b)
{
	ck_assert_str_eq(a->name, b->name);
	ck_assert_str_eq(a->title, b->title);
	ck_assert_str_eq(a->data, b->data);
	ck_assert_str_eq(a->settings, b->settings);
	ck_assert_str_eq(a->text, b->text);
	ck_assert_uint_eq(a->n_runs, b->n_runs);
	for (size_t r = 0; r < a->n_runs; r++) {
		ck_assert_str_eq(a->runs[r].label, b->runs[r].label);
		ck_assert_str_eq(a->runs[r].settings, b->runs[r].settings);
	}
	ck_assert_int_eq(a->epochs, b->epochs);
	ck_assert_uint_eq(a->scores, b->scores);
	ck_assert(a->whiten_eps == b->whiten_eps);
	ck_assert_uint_eq(a->n_patches, b->n_patches);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file in assets/lessons/ is a lesson of the menu, in the order of
 * their names, and reads back the same from disk as built in. */
START_TEST(test_builtins_are_the_files)
{
	const char *assets = getenv("AUTOSCOPE_ASSETS");
	ck_assert_ptr_nonnull(assets);
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/lessons", assets);
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		size_t len = strlen(e->d_name);
		if (len > 7 && !strcmp(e->d_name + len - 7, ".lesson"))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], by_name);
	ck_assert_uint_eq(n, as_lesson_count());
	ck_assert_uint_ge(n, 11);
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		struct as_lesson *l;
		struct as_error err;
		ck_assert_msg(as_lesson_load(path, &l, &err) == AS_OK, "%s",
			      err.msg);
		same_lesson(l, as_lesson_at(i));
		/* the file's name carries its menu number and name */
		char want[96];
		snprintf(want, sizeof want, "%02zu-%s.lesson", i + 1, l->name);
		ck_assert_str_eq(names[i], want);
		free(l);
		free(names[i]);
	}
	ck_assert_ptr_eq(as_lesson_find("denoising"), as_lesson_at(0));
	ck_assert_ptr_eq(as_lesson_find("2"), as_lesson_at(1));
	ck_assert_ptr_null(as_lesson_find("0"));
}
END_TEST

/* Today's lessons as they were written into the C table before they
 * became files: a few fields of each kind, the ones a wrong parse of
 * continuations, keys or scores would change */
START_TEST(test_builtins_keep_their_settings)
{
	const struct as_lesson *l = as_lesson_find("denoising");
	ck_assert_str_eq(l->settings, "hidden=500 tied=on loss=ce "
				      "encoder=sigmoid lr=0.1 batch_size=20 "
				      "corruption=mask");
	ck_assert_str_eq(l->runs[2].label, "noise 50%");
	ck_assert_str_eq(l->runs[2].settings, "corruption_level=0.5");
	ck_assert_int_eq(l->epochs, 5);
	ck_assert_uint_eq(l->scores, AS_SCORE_PROBE);
	ck_assert(strncmp(l->text, "Vincent, Larochelle, Bengio & Manzagol "
				   "2008, fig. 3. Three 784-500",
			  65) == 0);
	ck_assert_ptr_nonnull(strstr(l->text, "\nLook: without noise"));
	ck_assert_ptr_nonnull(strstr(l->text, "\nTry: f on the 0% run"));
	l = as_lesson_find("edges");
	ck_assert(l->whiten_eps == 0.01f);
	ck_assert_uint_eq(l->n_patches, 50000);
	ck_assert_uint_eq(l->scores, AS_SCORE_LOCAL);
	ck_assert_str_eq(l->runs[0].settings, "");
	l = as_lesson_find("codes");
	ck_assert_uint_eq(l->scores, AS_SCORE_SCATTER | AS_SCORE_KNN);
	l = as_lesson_find("capacity");
	ck_assert_uint_eq(l->scores, AS_SCORE_NOISE | AS_SCORE_PROBE);
	ck_assert_uint_eq(l->n_runs, 4);
}
END_TEST

/* format then parse gives the same lesson, for each built-in */
START_TEST(test_round_trip)
{
	for (size_t i = 0; i < as_lesson_count(); i++) {
		const struct as_lesson *l = as_lesson_at(i);
		char buf[16384];
		/* with and without a paper line */
		const char *dot = strstr(l->text, ". ");
		char paper[256] = "";
		if (dot && (size_t)(dot - l->text) < sizeof paper)
			snprintf(paper, sizeof paper, "%.*s",
				 (int)(dot - l->text), l->text);
		for (int p = 0; p < 2; p++) {
			size_t n = as_lesson_format(l, p ? paper : NULL, buf,
						    sizeof buf);
			ck_assert_uint_gt(n, 0);
			struct as_lesson *b;
			struct as_error err;
			ck_assert_msg(as_lesson_parse(buf, n, "x", &b, &err) ==
					      AS_OK,
				      "%s: %s", l->name, err.msg);
			same_lesson(l, b);
			free(b);
			/* every line fits a terminal */
			for (char *s = buf, *e; (e = strchr(s, '\n'));
			     s = e + 1)
				ck_assert_int_le(e - s, 80);
		}
		ck_assert_uint_eq(as_lesson_format(l, NULL, buf, 100), 0);
	}
}
END_TEST

static const char *good =
	"# a comment\n"
	"lesson my-one\n"
	"title My\n"
	"  lesson\n"
	"paper Me 2026\n"
	"data mnist\n"
	"settings hidden=20 lr=0.1\n"
	"settings tied=off\n"
	"run a | corruption_level=0.1\n"
	"  batch_size=10\n"
	"run b |\n"
	"epochs 3\n"
	"scores probe knn\n"
	"colour blue\n"
	"text One\n"
	"  two.\n"
	"look Three.\n"
	"try Four.\r\n";

START_TEST(test_format_details)
{
	struct as_lesson *l;
	struct as_error err;
	ck_assert_msg(as_lesson_parse(good, strlen(good), "g", &l, &err) ==
			      AS_OK,
		      "%s", err.msg);
	ck_assert_str_eq(l->name, "my-one");
	ck_assert_str_eq(l->title, "My lesson");
	ck_assert_str_eq(l->settings, "hidden=20 lr=0.1 tied=off");
	ck_assert_str_eq(l->runs[0].settings, "corruption_level=0.1 "
					      "batch_size=10");
	ck_assert_str_eq(l->runs[1].label, "b");
	ck_assert_str_eq(l->runs[1].settings, "");
	ck_assert_str_eq(l->text, "Me 2026. One two.\nLook: Three.\nTry: "
				  "Four.");
	ck_assert_uint_eq(l->scores, AS_SCORE_PROBE | AS_SCORE_KNN);
	ck_assert_int_eq(l->epochs, 3);
	struct as_config c;
	ck_assert_int_eq(as_lesson_config(l, 0, &c, &err), AS_OK);
	ck_assert_uint_eq(c.n_hidden, 20);
	ck_assert_int_eq(c.tied, 0);
	ck_assert_uint_eq(c.batch_size, 10);
	free(l);
}
END_TEST

/* Each malformed file: one sentence naming it, its line, the fault. */
START_TEST(test_malformed_names_the_line)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"", "f: no 'lesson' line"},
		{"lesson a\ntitle t\ndata mnist\n",
		 "f: no 'run' line (run LABEL | SETTINGS)"},
		{"lesson a\ndata mnist\nrun x |\n", "f: no 'title' line"},
		{"lesson A b\n",
		 "f:1: lesson name 'A b' is not lower-case letters, digits, - "
		 "and _"},
		{"lesson 12\n",
		 "f:1: lesson name '12' is not lower-case letters, digits, - "
		 "and _"},
		{"lesson a\nlesson b\n", "f:2: a second 'lesson' line"},
		{"lesson a\ntitle t\ndata mnist\nrun x | hiddn=3\n",
		 "f:4: run 'x': no parameter 'hiddn'"},
		{"lesson a\ntitle t\ndata mnist\n\nsettings lr=-1\nrun x |\n",
		 "f:5: settings: lr must be between 1e-06 and 10, not -1"},
		{"lesson a\ntitle t\ndata mnist\nrun x | layers=10-5 "
		 "finetune=classify stage=9\n",
		 NULL},
		{"lesson a\nrun |\n",
		 "f:2: a run needs a label of 1 to 31 bytes (run LABEL | "
		 "SETTINGS)"},
		{"lesson a\nrun x |\nrun x |\n", "f:3: run 'x' twice"},
		{"lesson a\nrun noise 25% |\nrun Noise-25 |\n",
		 "f:3: runs 'noise 25%' and 'Noise-25' would share the "
		 "directory noise-25"},
		{"lesson a\nrun a|\nrun b|\nrun c|\nrun d|\nrun e|\n",
		 "f:6: more than 4 runs"},
		{"lesson a\nepochs 0\n",
		 "f:2: epochs '0' is not a whole number from 1 to 100000"},
		{"lesson a\nscores probe wow\n",
		 "f:2: no score 'wow' (probe pca local hash scatter noise knn "
		 "deep few sparse chain psd jacobian parts map sesm)"},
		{"lesson a\nwhiten-eps 0\n",
		 "f:2: whiten-eps '0' is not a number in (0, 100]"},
		{"lesson a\npatches 5\n",
		 "f:2: patches '5' is not a whole number from 10 to 10000000"},
		{"lesson a\n  more\n",
		 "f:2: an indented line continues nothing (only title, paper, "
		 "data, settings, run and the notes continue)"},
		{"lesson a\nepochs 3\n  more\n",
		 "f:3: an indented line continues nothing (only title, paper, "
		 "data, settings, run and the notes continue)"},
		{"lesson a\ntitle \x01\n", "f:2: a control character"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct as_lesson *l = (struct as_lesson *)1;
		struct as_error err;
		enum as_status st = as_lesson_parse(
			bad[i].text, strlen(bad[i].text), "f", &l, &err);
		ck_assert_msg(st == AS_ERR_FORMAT, "case %zu accepted", i);
		ck_assert_ptr_null(l);
		if (bad[i].msg)
			ck_assert_str_eq(err.msg, bad[i].msg);
		else
			ck_assert_msg(strncmp(err.msg, "f:4: run 'x': ", 14) ==
					      0,
				      "%s", err.msg);
	}
	struct as_lesson *l;
	struct as_error err;
	ck_assert_int_eq(as_lesson_parse("lesson a\n\0", 10, "f", &l, &err),
			 AS_ERR_FORMAT);
	ck_assert_str_eq(err.msg, "f: not a text file (a NUL byte)");
	char *big = malloc(3000);
	memset(big, 'x', 2999);
	big[2999] = 0;
	memcpy(big, "lesson a\ntitle ", 15);
	ck_assert_int_eq(as_lesson_parse(big, strlen(big), "f", &l, &err),
			 AS_ERR_FORMAT);
	ck_assert_str_eq(err.msg, "f:2: a line longer than 1024 bytes");
	free(big);
	ck_assert_int_eq(as_lesson_load("/nonexistent/x.lesson", &l, &err),
			 AS_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/x.lesson"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lesson");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_builtins_are_the_files);
	tcase_add_test(tc, test_builtins_keep_their_settings);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_format_details);
	tcase_add_test(tc, test_malformed_names_the_line);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
