/* session: the explorer's session file (session.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "autoscope/fileio.h"
#include "autoscope/session.h"

#define FORMAT 1
#define LINE_MAX_LEN 1024
#define FILE_MAX (64 * 1024)

void as_session_init(struct as_session *s)
{
	memset(s, 0, sizeof *s);
}

static int dir_ok(const char *d)
{
	size_t n = strlen(d);
	if (n == 0 || n >= sizeof((struct as_session_run *)0)->dir ||
	    d[0] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = d[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			 c == '.' || c == '/';
		if (!ok)
			return 0;
	}
	/* no component ".." (a session stays under its directory) */
	for (const char *p = d; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == d || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 0;
	return 1;
}

static int label_ok(const char *l)
{
	size_t n = strlen(l);
	if (n == 0 || n >= sizeof((struct as_session_run *)0)->label)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)l[i] < 0x20 || l[i] == 0x7f)
			return 0;
	return 1;
}

int as_session_add_run(struct as_session *s, const char *dir,
		       const char *label, struct as_error *err)
{
	if (s->n_runs >= AS_RUNS_MAX) {
		as_error_set(err, AS_ERR_INVALID, "more than %d runs",
			     AS_RUNS_MAX);
		return -1;
	}
	if (!dir_ok(dir)) {
		as_error_set(err, AS_ERR_INVALID,
			     "run directory '%.60s' is not a plain path under "
			     "the session's",
			     dir);
		return -1;
	}
	if (!label_ok(label)) {
		as_error_set(err, AS_ERR_INVALID,
			     "run label '%.40s' is empty, longer than %zu "
			     "bytes or has control characters",
			     label,
			     sizeof((struct as_session_run *)0)->label - 1);
		return -1;
	}
	for (int i = 0; i < s->n_runs; i++)
		if (!strcmp(s->run[i].dir, dir)) {
			as_error_set(err, AS_ERR_INVALID,
				     "run directory '%.60s' twice", dir);
			return -1;
		}
	struct as_session_run *r = &s->run[s->n_runs++];
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	snprintf(r->label, sizeof r->label, "%s", label);
	return 0;
}

int as_session_set_view(struct as_session *s, const char *key, int value)
{
	for (int i = 0; i < s->n_views; i++)
		if (!strcmp(s->view_key[i], key)) {
			s->view_val[i] = value;
			return 0;
		}
	if (s->n_views >= AS_SESSION_VIEWS || strlen(key) == 0 ||
	    strlen(key) >= sizeof s->view_key[0])
		return -1;
	snprintf(s->view_key[s->n_views], sizeof s->view_key[0], "%s", key);
	s->view_val[s->n_views++] = value;
	return 0;
}

int as_session_view(const struct as_session *s, const char *key, int def)
{
	for (int i = 0; i < s->n_views; i++)
		if (!strcmp(s->view_key[i], key))
			return s->view_val[i];
	return def;
}

/* a decimal int in [-1e6, 1e6], all of str */
static int parse_int(const char *str, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(str, &end, 10);
	if (end == str || *end != '\0' || errno || v < -1000000 ||
	    v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

static int name_ok(const char *n, size_t max)
{
	size_t len = strlen(n);
	if (len == 0 || len >= max)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = n[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* one "key rest" line (key already split off) into s; -1 with why */
static int parse_line(struct as_session *s, const char *key, char *rest,
		      int *seen, char *why, size_t nwhy)
{
	struct as_error e;
	if (!strcmp(key, "lesson")) {
		if (seen[0]++) {
			snprintf(why, nwhy, "a second lesson line");
			return -1;
		}
		if (!name_ok(rest, sizeof s->lesson)) {
			snprintf(why, nwhy, "lesson '%.40s' is not a name",
				 rest);
			return -1;
		}
		snprintf(s->lesson, sizeof s->lesson, "%s", rest);
	} else if (!strcmp(key, "lesson-file")) {
		if (seen[2]++) {
			snprintf(why, nwhy, "a second lesson-file line");
			return -1;
		}
		if (!*rest || strlen(rest) >= sizeof s->lesson_file) {
			snprintf(why, nwhy,
				 "lesson-file is empty or longer than %zu bytes",
				 sizeof s->lesson_file - 1);
			return -1;
		}
		snprintf(s->lesson_file, sizeof s->lesson_file, "%s", rest);
	} else if (!strcmp(key, "focus")) {
		if (seen[1]++) {
			snprintf(why, nwhy, "a second focus line");
			return -1;
		}
		if (parse_int(rest, &s->focus) != 0 || s->focus < 0) {
			snprintf(why, nwhy, "focus '%.20s' is not a run number",
				 rest);
			return -1;
		}
	} else if (!strcmp(key, "run")) {
		char *sp = strchr(rest, ' ');
		if (!sp) {
			snprintf(why, nwhy,
				 "a run line needs a directory and a label");
			return -1;
		}
		*sp = '\0';
		if (as_session_add_run(s, rest, sp + 1, &e) != 0) {
			snprintf(why, nwhy, "%.150s", e.msg);
			return -1;
		}
	} else if (!strcmp(key, "view")) {
		char *save = NULL;
		for (char *tok = strtok_r(rest, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(tok, '=');
			int v;
			if (!eq) {
				snprintf(why, nwhy,
					 "view setting '%.20s' is not key=value",
					 tok);
				return -1;
			}
			*eq = '\0';
			if (!name_ok(tok, sizeof s->view_key[0]) ||
			    parse_int(eq + 1, &v) != 0) {
				snprintf(why, nwhy,
					 "view setting '%.15s' is not a name "
					 "and a number",
					 tok);
				return -1;
			}
			if (as_session_set_view(s, tok, v) != 0) {
				snprintf(why, nwhy, "more than %d view settings",
					 AS_SESSION_VIEWS);
				return -1;
			}
		}
	}
	/* other keys: a later version's, skipped */
	return 0;
}

enum as_status as_session_parse(const char *text, size_t len,
				const char *name, struct as_session *s,
				struct as_error *err)
{
	as_session_init(s);
	if (memchr(text, '\0', len))
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: not a text file (a NUL byte)", name);
	char line[LINE_MAX_LEN + 2], why[160];
	int lineno = 0, header = 0, seen[3] = {0, 0, 0};
	size_t at = 0;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		lineno++;
		if (n > LINE_MAX_LEN)
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s:%d: a line longer than %d bytes",
					    name, lineno, LINE_MAX_LEN);
		memcpy(line, text + at, n);
		line[n] = '\0';
		at += n + (nl != NULL);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
				 line[n - 1] == '\t'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		char *rest = strchr(line, ' ');
		if (rest)
			*rest++ = '\0';
		else
			rest = line + n;
		while (*rest == ' ')
			rest++;
		if (!header) {
			int v;
			if (strcmp(line, "autoscope-session") != 0 ||
			    parse_int(rest, &v) != 0)
				return as_error_set(
					err, AS_ERR_FORMAT,
					"%s:%d: not an autoscope session (it "
					"starts with 'autoscope-session 1')",
					name, lineno);
			if (v != FORMAT)
				return as_error_set(
					err, AS_ERR_FORMAT,
					"%s:%d: session format %d; this "
					"autoscope reads format %d",
					name, lineno, v, FORMAT);
			header = 1;
			continue;
		}
		if (parse_line(s, line, rest, seen, why, sizeof why) != 0)
			return as_error_set(err, AS_ERR_FORMAT, "%s:%d: %s",
					    name, lineno, why);
	}
	if (!header)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: empty (no 'autoscope-session 1' line)",
				    name);
	if (s->n_runs == 0)
		return as_error_set(err, AS_ERR_FORMAT, "%s: no run line",
				    name);
	if (s->focus >= s->n_runs)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: focus %d, but there are %d runs", name,
				    s->focus, s->n_runs);
	return AS_OK;
}

size_t as_session_format(const struct as_session *s, char *buf, size_t n)
{
	size_t at = 0;
#define PUT(...)                                                        \
	do {                                                            \
		int w = snprintf(buf + at, at < n ? n - at : 0,         \
				 __VA_ARGS__);                          \
		if (w < 0 || (size_t)w >= (at < n ? n - at : 0))        \
			return 0;                                       \
		at += (size_t)w;                                        \
	} while (0)
	PUT("autoscope-session %d\n", FORMAT);
	PUT("# reopen with: autoscope --resume <this directory>\n");
	if (s->lesson[0])
		PUT("lesson %s\n", s->lesson);
	if (s->lesson_file[0])
		PUT("lesson-file %s\n", s->lesson_file);
	PUT("focus %d\n", s->focus);
	if (s->n_views) {
		PUT("view");
		for (int i = 0; i < s->n_views; i++)
			PUT(" %s=%d", s->view_key[i], s->view_val[i]);
		PUT("\n");
	}
	for (int i = 0; i < s->n_runs; i++)
		PUT("run %s %s\n", s->run[i].dir, s->run[i].label);
#undef PUT
	return at;
}

static void path_of(const char *dir, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", dir, AS_SESSION_FILE);
}

int as_session_exists(const char *dir)
{
	char path[4096];
	struct stat st;
	path_of(dir, path, sizeof path);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

enum as_status as_session_load(const char *dir, struct as_session *s,
			       struct as_error *err)
{
	char path[4096];
	path_of(dir, path, sizeof path);
	unsigned char *buf;
	size_t len;
	enum as_status st = as_file_read_all(path, FILE_MAX, &buf, &len, err);
	if (st != AS_OK)
		return st;
	st = as_session_parse((const char *)buf, len, path, s, err);
	free(buf);
	return st;
}

enum as_status as_session_save(const char *dir, const struct as_session *s,
			       struct as_error *err)
{
	char text[8192], path[4096];
	size_t len = as_session_format(s, text, sizeof text);
	if (len == 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "the session does not fit its file");
	path_of(dir, path, sizeof path);
	struct as_atomic a;
	enum as_status st = as_atomic_open(&a, path, err);
	if (st != AS_OK)
		return st;
	if (fwrite(text, 1, len, a.f) != len) {
		as_atomic_abort(&a);
		return as_error_set(err, AS_ERR_IO, "cannot write %s: %s",
				    path, strerror(errno));
	}
	return as_atomic_commit(&a, err);
}
