#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoscope/session.h"

static enum as_status parse(const char *text, struct as_session *s,
			    struct as_error *err)
{
	return as_session_parse(text, strlen(text), "s.txt", s, err);
}

/* A session formats to text that parses back to the same session. */
START_TEST(test_round_trip)
{
	struct as_session s, back;
	struct as_error err;
	as_session_init(&s);
	snprintf(s.lesson, sizeof s.lesson, "denoising");
	ck_assert_int_eq(as_session_add_run(&s, "clean-no-noise",
					    "clean (no noise)", &err),
			 0);
	ck_assert_int_eq(as_session_add_run(&s, ".", "run 1", &err), 0);
	ck_assert_int_eq(as_session_add_run(&s, "a/b-2", "25% masked", &err),
			 0);
	s.focus = 2;
	ck_assert_int_eq(as_session_set_view(&s, "pane", 3), 0);
	ck_assert_int_eq(as_session_set_view(&s, "full", -1), 0);
	ck_assert_int_eq(as_session_set_view(&s, "pane", 4), 0); /* wins */
	char text[4096];
	size_t n = as_session_format(&s, text, sizeof text);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(n, strlen(text));
	ck_assert_int_eq(parse(text, &back, &err), AS_OK);
	ck_assert_str_eq(back.lesson, "denoising");
	ck_assert_int_eq(back.n_runs, 3);
	ck_assert_int_eq(back.focus, 2);
	for (int i = 0; i < 3; i++) {
		ck_assert_str_eq(back.run[i].dir, s.run[i].dir);
		ck_assert_str_eq(back.run[i].label, s.run[i].label);
	}
	ck_assert_int_eq(as_session_view(&back, "pane", 0), 4);
	ck_assert_int_eq(as_session_view(&back, "full", 0), -1);
	ck_assert_int_eq(as_session_view(&back, "layer", 7), 7);
	/* too small a buffer: 0, not a cut file */
	ck_assert_uint_eq(as_session_format(&s, text, 20), 0);
}
END_TEST

/* Comments, blank lines, CRLF and unknown keys (a later version's) are
 * fine; a later format is not. */
START_TEST(test_growth)
{
	struct as_session s;
	struct as_error err;
	ck_assert_int_eq(parse("# hi\r\n\r\nautoscope-session 1\r\nfocus 0\r\n"
			       "colour blue\r\nrun r1 first\r\n",
			       &s, &err),
			 AS_OK);
	ck_assert_int_eq(s.n_runs, 1);
	ck_assert_str_eq(s.run[0].label, "first");
	ck_assert_int_eq(parse("autoscope-session 2\nrun r a\n", &s, &err),
			 AS_ERR_FORMAT);
	ck_assert_str_eq(err.msg, "s.txt:1: session format 2; this autoscope "
				  "reads format 1");
}
END_TEST

/* Each malformed file: one sentence with the file, the line, the fault. */
START_TEST(test_malformed_names_the_line)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"", "s.txt: empty (no 'autoscope-session 1' line)"},
		{"hello\n", "s.txt:1: not an autoscope session (it starts with "
			    "'autoscope-session 1')"},
		{"autoscope-session 1\n", "s.txt: no run line"},
		{"autoscope-session 1\nrun r1\n",
		 "s.txt:2: a run line needs a directory and a label"},
		{"autoscope-session 1\n\nrun ../up x\n",
		 "s.txt:3: run directory '../up' is not a plain path under the "
		 "session's"},
		{"autoscope-session 1\nrun /etc x\n",
		 "s.txt:2: run directory '/etc' is not a plain path under the "
		 "session's"},
		{"autoscope-session 1\nrun a x\nrun a y\n",
		 "s.txt:3: run directory 'a' twice"},
		{"autoscope-session 1\nrun a x\nrun b x\nrun c x\nrun d x\n"
		 "run e x\n",
		 "s.txt:6: more than 4 runs"},
		{"autoscope-session 1\nfocus one\nrun a x\n",
		 "s.txt:2: focus 'one' is not a run number"},
		{"autoscope-session 1\nfocus 1\nrun a x\n",
		 "s.txt: focus 1, but there are 1 runs"},
		{"autoscope-session 1\nlesson a b\nrun a x\n",
		 "s.txt:2: lesson 'a b' is not a name"},
		{"autoscope-session 1\nlesson a\nlesson b\nrun a x\n",
		 "s.txt:3: a second lesson line"},
		{"autoscope-session 1\nview pane\nrun a x\n",
		 "s.txt:2: view setting 'pane' is not key=value"},
		{"autoscope-session 1\nview pane=x\nrun a x\n",
		 "s.txt:2: view setting 'pane' is not a name and a number"},
		{"autoscope-session 1\nrun a 0123456789012345678901234567890123\n",
		 "s.txt:2: run label '0123456789012345678901234567890123' is "
		 "empty, longer than 31 bytes or has control characters"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct as_session s;
		struct as_error err;
		ck_assert_int_eq(parse(bad[i].text, &s, &err), AS_ERR_FORMAT);
		ck_assert_str_eq(err.msg, bad[i].msg);
	}
	/* a NUL byte, and an overlong line */
	struct as_session s;
	struct as_error err;
	ck_assert_int_eq(as_session_parse("autoscope-session 1\n\0", 21,
					  "s.txt", &s, &err),
			 AS_ERR_FORMAT);
	ck_assert_str_eq(err.msg, "s.txt: not a text file (a NUL byte)");
	char *long_line = malloc(3000);
	memset(long_line, 'a', 2999);
	long_line[2999] = 0;
	memcpy(long_line, "autoscope-session 1\nrun ", 24);
	ck_assert_int_eq(parse(long_line, &s, &err), AS_ERR_FORMAT);
	ck_assert_str_eq(err.msg, "s.txt:2: a line longer than 1024 bytes");
	free(long_line);
}
END_TEST

/* Saved and loaded through the file; a missing one says which. */
START_TEST(test_save_load)
{
	char dir[] = "/tmp/as_session_XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct as_session s, back;
	struct as_error err;
	ck_assert_int_eq(as_session_exists(dir), 0);
	ck_assert_int_eq(as_session_load(dir, &back, &err), AS_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err.msg, "session.txt"));
	as_session_init(&s);
	ck_assert_int_eq(as_session_add_run(&s, "r", "run 1", &err), 0);
	ck_assert_int_eq(as_session_save(dir, &s, &err), AS_OK);
	ck_assert_int_eq(as_session_exists(dir), 1);
	ck_assert_int_eq(as_session_load(dir, &back, &err), AS_OK);
	ck_assert_str_eq(back.run[0].label, "run 1");
	char path[256];
	snprintf(path, sizeof path, "%s/session.txt.tmp", dir);
	ck_assert_int_ne(access(path, F_OK), 0); /* no temp file left */
	snprintf(path, sizeof path, "%s/session.txt", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_growth);
	tcase_add_test(tc, test_malformed_names_the_line);
	tcase_add_test(tc, test_save_load);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
