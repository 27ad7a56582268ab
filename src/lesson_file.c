/* lesson_file: the lesson text format (lesson.h; assets/lessons/README.md).
 *
 *   lesson denoising
 *   title Denoising: noise turns noise-like filters into strokes
 *   paper Vincent, Larochelle, Bengio & Manzagol 2008, fig. 3
 *   data mnist
 *   settings hidden=500 tied=on
 *   run noise 0% | corruption_level=0
 *   epochs 5
 *   scores probe
 *   text Three 784-500 autoencoders ...
 *   look Without noise the filters stay noise-like ...
 *     (a line that starts with a space continues the one above)
 *   try f on the 0% run, then c on the copy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/fileio.h"
#include "autoscope/lesson.h"
#include "autoscope/scores.h"

#define LINE_MAX_LEN 1024
#define FILE_MAX (64 * 1024)
#define TEXT_MAX 6000
#define WRAP 76

static const struct {
	const char *name;
	unsigned bit;
} score_names[] = {
	{"probe", AS_SCORE_PROBE},     {"pca", AS_SCORE_PCA},
	{"local", AS_SCORE_LOCAL},     {"hash", AS_SCORE_HASH},
	{"scatter", AS_SCORE_SCATTER}, {"noise", AS_SCORE_NOISE},
	{"knn", AS_SCORE_KNN},	       {"deep", AS_SCORE_DEEP},
	{"few", AS_SCORE_FEW},	       {"sparse", AS_SCORE_SPARSE},
	{"chain", AS_SCORE_CHAIN},
	{"psd", AS_SCORE_PSD},
	{"jacobian", AS_SCORE_JACOBIAN},
	{"parts", AS_SCORE_PARTS},
	{"map", AS_SCORE_MAP},
	{"sesm", AS_SCORE_SESM},
};
#define N_SCORES (sizeof score_names / sizeof score_names[0])

/* what a file says, before it becomes one allocation */
struct draft {
	char name[64], title[160], paper[256], data[512];
	char settings[1024];
	int settings_line;
	size_t n_runs;
	char run_label[AS_RUNS_MAX][32];
	char run_settings[AS_RUNS_MAX][512];
	int run_line[AS_RUNS_MAX];
	int epochs;
	unsigned scores;
	float whiten_eps;
	size_t n_patches;
	char text[TEXT_MAX];
	size_t text_len;
	int seen[8]; /* single keys met: lesson title paper data epochs
		      * scores whiten-eps patches */
};

static int name_ok(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len >= 64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = n[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	/* all digits would read as a menu number */
	return strspn(n, "0123456789") != len;
}

/* appends " more" (or more) to a buffer; -1 if it does not fit */
static int append(char *buf, size_t cap, const char *more, int space)
{
	size_t len = strlen(buf), m = strlen(more);
	if (m == 0) /* (an empty value adds nothing, not a space) */
		return 0;
	if (len + (space && len ? 1 : 0) + m + 1 > cap)
		return -1;
	if (space && len)
		buf[len++] = ' ';
	memcpy(buf + len, more, m + 1);
	return 0;
}

static int text_add(struct draft *d, const char *prefix, const char *v,
		    int continuation)
{
	char *t = d->text;
	/* exactly what it adds: a separator, the words, and the NUL kept */
	size_t sep = continuation || d->text_len ? 1 : 0;
	if (d->text_len + sep + strlen(prefix) + strlen(v) + 1 > TEXT_MAX)
		return -1;
	if (continuation) {
		t[d->text_len++] = ' ';
	} else if (d->text_len) {
		t[d->text_len++] = '\n';
	}
	d->text_len += (size_t)sprintf(t + d->text_len, "%s%s", prefix, v);
	return 0;
}

/* runs of spaces and tabs inside a value count as one space */
static void squeeze(char *v)
{
	char *w = v;
	for (char *r = v; *r; r++) {
		int blank = *r == ' ' || *r == '\t';
		if (blank && (w == v || w[-1] == ' '))
			continue;
		*w++ = blank ? ' ' : *r;
	}
	while (w > v && w[-1] == ' ')
		w--;
	*w = '\0';
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* the value of one key line into d; the key that a continuation line
 * would extend into *cont (0: none); -1 with why */
static int key_line(struct draft *d, const char *key, char *v, int lineno,
		    int *cont, char *why, size_t nwhy)
{
	static const char *single[] = {"lesson", "title",  "paper",
				       "data",	 "epochs", "scores",
				       "whiten-eps", "patches"};
	for (int k = 0; k < 8; k++)
		if (!strcmp(key, single[k]) && d->seen[k]++) {
			snprintf(why, nwhy, "a second '%.12s' line", key);
			return -1;
		}
	*cont = 0;
	if (!strcmp(key, "lesson")) {
		if (!name_ok(v)) {
			snprintf(why, nwhy,
				 "lesson name '%.40s' is not lower-case "
				 "letters, digits, - and _",
				 v);
			return -1;
		}
		snprintf(d->name, sizeof d->name, "%s", v);
	} else if (!strcmp(key, "title") || !strcmp(key, "paper") ||
		   !strcmp(key, "data")) {
		char *dst = key[0] == 't' ? d->title
			    : key[0] == 'p' ? d->paper
					    : d->data;
		size_t cap = key[0] == 't' ? sizeof d->title
			     : key[0] == 'p' ? sizeof d->paper
					     : sizeof d->data;
		if (!*v || strlen(v) >= cap) {
			snprintf(why, nwhy, "%.12s is empty or longer than %zu "
					    "bytes", key, cap - 1);
			return -1;
		}
		snprintf(dst, cap, "%s", v);
		*cont = key[0] == 't' ? 1 : key[0] == 'p' ? 2 : 6;
	} else if (!strcmp(key, "settings")) {
		if (append(d->settings, sizeof d->settings, v, 1) != 0) {
			snprintf(why, nwhy, "settings longer than %zu bytes",
				 sizeof d->settings - 1);
			return -1;
		}
		if (!d->settings_line)
			d->settings_line = lineno;
		*cont = 3;
	} else if (!strcmp(key, "run")) {
		if (d->n_runs >= AS_RUNS_MAX) {
			snprintf(why, nwhy, "more than %d runs", AS_RUNS_MAX);
			return -1;
		}
		char *bar = strchr(v, '|');
		char *set = bar ? bar + 1 : v + strlen(v);
		if (bar)
			*bar = '\0';
		size_t len = strlen(v);
		while (len && v[len - 1] == ' ')
			v[--len] = '\0';
		while (*set == ' ')
			set++;
		if (len == 0 || len >= sizeof d->run_label[0]) {
			snprintf(why, nwhy,
				 "a run needs a label of 1 to %zu bytes "
				 "(run LABEL | SETTINGS)",
				 sizeof d->run_label[0] - 1);
			return -1;
		}
		/* each run writes into the directory its label names: two
		 * labels that name one directory would share it */
		char slug[64], other[64];
		as_lesson_slug(v, slug, sizeof slug);
		for (size_t i = 0; i < d->n_runs; i++) {
			as_lesson_slug(d->run_label[i], other, sizeof other);
			if (!strcmp(d->run_label[i], v)) {
				snprintf(why, nwhy, "run '%.31s' twice", v);
				return -1;
			}
			if (!strcmp(slug, other)) {
				snprintf(why, nwhy,
					 "runs '%.31s' and '%.31s' would share "
					 "the directory %.40s",
					 d->run_label[i], v, slug);
				return -1;
			}
		}
		if (strlen(set) >= sizeof d->run_settings[0]) {
			snprintf(why, nwhy, "run settings longer than %zu "
					    "bytes",
				 sizeof d->run_settings[0] - 1);
			return -1;
		}
		snprintf(d->run_label[d->n_runs], sizeof d->run_label[0], "%s",
			 v);
		snprintf(d->run_settings[d->n_runs], sizeof d->run_settings[0],
			 "%s", set);
		d->run_line[d->n_runs++] = lineno;
		*cont = 4;
	} else if (!strcmp(key, "epochs")) {
		long e;
		if (parse_int(v, 1, 100000, &e) != 0) {
			snprintf(why, nwhy, "epochs '%.20s' is not a whole "
					    "number from 1 to 100000", v);
			return -1;
		}
		d->epochs = (int)e;
	} else if (!strcmp(key, "whiten-eps")) {
		char *end;
		double f = strtod(v, &end);
		if (end == v || *end || !(f <= 100 && (float)f > 0)) {
			snprintf(why, nwhy,
				 "whiten-eps '%.20s' is not a number in (0, "
				 "100]",
				 v);
			return -1;
		}
		d->whiten_eps = (float)f;
	} else if (!strcmp(key, "patches")) {
		long n;
		if (parse_int(v, 10, 10000000, &n) != 0) {
			snprintf(why, nwhy, "patches '%.20s' is not a whole "
					    "number from 10 to 10000000", v);
			return -1;
		}
		d->n_patches = (size_t)n;
	} else if (!strcmp(key, "scores")) {
		char *save = NULL;
		for (char *w = strtok_r(v, " ", &save); w;
		     w = strtok_r(NULL, " ", &save)) {
			size_t k = 0;
			while (k < N_SCORES && strcmp(score_names[k].name, w))
				k++;
			if (k == N_SCORES) { /* the names from the table */
				char names[256] = "";
				for (size_t j = 0; j < N_SCORES; j++)
					snprintf(names + strlen(names),
						 sizeof names - strlen(names),
						 "%s%s", j ? " " : "",
						 score_names[j].name);
				snprintf(why, nwhy, "no score '%.20s' (%s)", w,
					 names);
				return -1;
			}
			d->scores |= score_names[k].bit;
		}
	} else if (!strcmp(key, "text") || !strcmp(key, "look") ||
		   !strcmp(key, "try")) {
		const char *prefix = key[0] == 'l'   ? "Look: "
				     : key[1] == 'r' ? "Try: "
						     : "";
		if (!*v) /* (a paragraph needs words: an empty line adds none) */
			return 0;
		if (text_add(d, prefix, v, 0) != 0) {
			snprintf(why, nwhy, "the notes are longer than %d "
					    "bytes", TEXT_MAX - 1);
			return -1;
		}
		*cont = 5;
	}
	/* other keys: a later version's, skipped */
	return 0;
}

static int continue_line(struct draft *d, int cont, const char *v,
			 char *why, size_t nwhy)
{
	int bad = 0;
	switch (cont) {
	case 1:
		bad = append(d->title, sizeof d->title, v, 1);
		break;
	case 2:
		bad = append(d->paper, sizeof d->paper, v, 1);
		break;
	case 3:
		bad = append(d->settings, sizeof d->settings, v, 1);
		break;
	case 4:
		bad = append(d->run_settings[d->n_runs - 1],
			     sizeof d->run_settings[0], v, 1);
		break;
	case 5:
		bad = text_add(d, "", v, 1);
		break;
	case 6:
		bad = append(d->data, sizeof d->data, v, 1);
		break;
	default:
		snprintf(why, nwhy,
			 "an indented line continues nothing (only title, "
			 "paper, data, settings, run and the notes continue)");
		return -1;
	}
	if (bad)
		snprintf(why, nwhy, "the line above grows too long");
	return bad ? -1 : 0;
}

/* the draft as one allocation: the lesson, then its strings */
static struct as_lesson *build(const struct draft *d)
{
	size_t text_len = strlen(d->paper) + 2 + d->text_len + 1;
	size_t total = sizeof(struct as_lesson) + strlen(d->name) + 1 +
		       strlen(d->title) + 1 + strlen(d->data) + 1 +
		       strlen(d->settings) + 1 + text_len;
	for (size_t i = 0; i < d->n_runs; i++)
		total += strlen(d->run_label[i]) + strlen(d->run_settings[i]) +
			 2;
	struct as_lesson *l = calloc(1, total);
	if (!l)
		return NULL;
	char *at = (char *)(l + 1);
#define KEEP(field, src)                                                \
	do {                                                            \
		size_t n_ = strlen(src) + 1;                            \
		memcpy(at, src, n_);                                    \
		field = at;                                             \
		at += n_;                                               \
	} while (0)
	KEEP(l->name, d->name);
	KEEP(l->title, d->title);
	KEEP(l->data, d->data);
	KEEP(l->settings, d->settings);
	for (size_t i = 0; i < d->n_runs; i++) {
		KEEP(l->runs[i].label, d->run_label[i]);
		KEEP(l->runs[i].settings, d->run_settings[i]);
	}
#undef KEEP
	/* the notes: "paper. text" */
	char *t = at;
	if (d->paper[0])
		at += (size_t)sprintf(at, "%s.%s", d->paper,
				      d->text_len ? " " : "");
	memcpy(at, d->text, d->text_len);
	at[d->text_len] = '\0';
	l->text = t;
	l->n_runs = d->n_runs;
	l->epochs = d->epochs;
	l->scores = d->scores;
	l->whiten_eps = d->whiten_eps;
	l->n_patches = d->n_patches;
	return l;
}

enum as_status as_lesson_parse(const char *text, size_t len, const char *name,
			       struct as_lesson **out, struct as_error *err)
{
	*out = NULL;
	if (len > FILE_MAX)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: larger than %d bytes", name, FILE_MAX);
	if (memchr(text, '\0', len))
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: not a text file (a NUL byte)", name);
	struct draft *d = calloc(1, sizeof *d);
	if (!d)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	d->epochs = 10;
	char line[2 * LINE_MAX_LEN + 2], why[200];
	int lineno = 0, cont = 0;
	size_t at = 0;
	enum as_status st = AS_OK;
	while (at < len && st == AS_OK) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		lineno++;
		/* the limit is on what a line says, not on its indentation
		 * (the formatter indents continuations by two) */
		size_t indent = 0;
		while (indent < n && indent < LINE_MAX_LEN &&
		       (text[at + indent] == ' ' || text[at + indent] == '\t'))
			indent++;
		if (n - indent > LINE_MAX_LEN || n > 2 * LINE_MAX_LEN) {
			st = as_error_set(err, AS_ERR_FORMAT,
					  "%s:%d: a line longer than %d bytes",
					  name, lineno, LINE_MAX_LEN);
			break;
		}
		memcpy(line, text + at, n);
		line[n] = '\0';
		at += n + (nl != NULL);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
				 line[n - 1] == '\t'))
			line[--n] = '\0';
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20 && line[i] != '\t') {
				st = as_error_set(err, AS_ERR_FORMAT,
						  "%s:%d: a control character",
						  name, lineno);
				break;
			}
		if (st != AS_OK)
			break;
		if (n == 0) {
			cont = 0;
			continue;
		}
		if (line[0] == '#')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			char *v = line;
			squeeze(v);
			if (continue_line(d, cont, v, why, sizeof why) != 0)
				st = as_error_set(err, AS_ERR_FORMAT,
						  "%s:%d: %s", name, lineno,
						  why);
			continue;
		}
		char *v = line + strcspn(line, " \t");
		if (*v) {
			*v++ = '\0';
			squeeze(v);
		}
		if (key_line(d, line, v, lineno, &cont, why, sizeof why) != 0)
			st = as_error_set(err, AS_ERR_FORMAT, "%s:%d: %s", name,
					  lineno, why);
	}
	/* what every lesson needs, then every run's settings checked
	 * together, each at its own line */
	static const char *need[] = {"lesson", "title", NULL, "data"};
	for (int k = 0; k < 4 && st == AS_OK; k++)
		if (need[k] && !d->seen[k])
			st = as_error_set(err, AS_ERR_FORMAT,
					  "%s: no '%s' line", name, need[k]);
	/* the notes begin with the paper: together within the limit */
	if (st == AS_OK && d->paper[0] &&
	    strlen(d->paper) + 2 + d->text_len + 1 > TEXT_MAX)
		st = as_error_set(err, AS_ERR_FORMAT,
				  "%s: the notes with the paper are longer "
				  "than %d bytes",
				  name, TEXT_MAX - 1);
	if (st == AS_OK && d->n_runs == 0)
		st = as_error_set(err, AS_ERR_FORMAT,
				  "%s: no 'run' line (run LABEL | SETTINGS)",
				  name);
	struct as_lesson *l = NULL;
	if (st == AS_OK && !(l = build(d)))
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
	if (st == AS_OK) {
		struct as_config c;
		as_config_default(&c);
		struct as_error e;
		if (as_settings_apply(&c, l->settings, &e) != AS_OK)
			st = as_error_set(err, AS_ERR_FORMAT,
					  "%s:%d: settings: %s", name,
					  d->settings_line, e.msg);
		for (size_t i = 0; i < l->n_runs && st == AS_OK; i++)
			if (as_lesson_config(l, i, &c, &e) != AS_OK)
				st = as_error_set(err, AS_ERR_FORMAT,
						  "%s:%d: run '%s': %s", name,
						  d->run_line[i],
						  l->runs[i].label, e.msg);
	}
	free(d);
	if (st != AS_OK) {
		free(l);
		return st;
	}
	*out = l;
	return AS_OK;
}

enum as_status as_lesson_load(const char *path, struct as_lesson **out,
			      struct as_error *err)
{
	unsigned char *buf;
	size_t len;
	*out = NULL;
	enum as_status st =
		as_file_read_all(path, FILE_MAX, &buf, &len, err);
	if (st != AS_OK)
		return st;
	st = as_lesson_parse((const char *)buf, len, path, out, err);
	free(buf);
	return st;
}

/* "key value" wrapped at WRAP columns, continuations indented by two */
static int put_wrapped(char *buf, size_t n, size_t *at, const char *key,
		       const char *v, size_t vlen)
{
	size_t col = 0;
	int w = snprintf(buf + *at, *at < n ? n - *at : 0, "%s", key);
	if (w < 0 || (size_t)w >= n - *at)
		return -1;
	*at += (size_t)w;
	col = (size_t)w;
	size_t i = 0;
	while (i < vlen) {
		size_t e = i;
		while (e < vlen && v[e] != ' ')
			e++;
		size_t wl = e - i;
		/* (a value's first word stays beside its key) */
		const char *sep = col + 1 + wl > WRAP && i > 0 ? "\n  " : " ";
		w = snprintf(buf + *at, n - *at, "%s%.*s", sep, (int)wl, v + i);
		if (w < 0 || (size_t)w >= n - *at)
			return -1;
		*at += (size_t)w;
		col = sep[0] == '\n' ? 2 + wl : col + 1 + wl;
		i = e;
		while (i < vlen && v[i] == ' ')
			i++;
	}
	if (*at + 1 >= n)
		return -1;
	buf[(*at)++] = '\n';
	buf[*at] = '\0';
	return 0;
}

size_t as_lesson_format(const struct as_lesson *l, const char *paper,
			char *buf, size_t n)
{
	size_t at = 0;
	char tmp[640];
	if (n == 0)
		return 0;
	buf[0] = '\0';
#define LINE(key, v)                                                    \
	do {                                                            \
		if (put_wrapped(buf, n, &at, key, v, strlen(v)) != 0)   \
			return 0;                                       \
	} while (0)
	LINE("lesson", l->name);
	LINE("title", l->title);
	/* the notes begin with the paper when it is given */
	const char *text = l->text;
	size_t plen = paper ? strlen(paper) : 0;
	if (plen && !strncmp(text, paper, plen) && text[plen] == '.') {
		LINE("paper", paper);
		text += plen + 1;
		while (*text == ' ')
			text++;
	}
	LINE("data", l->data);
	if (l->whiten_eps > 0) {
		snprintf(tmp, sizeof tmp, "%.9g", (double)l->whiten_eps);
		LINE("whiten-eps", tmp);
	}
	if (l->n_patches > 0) {
		snprintf(tmp, sizeof tmp, "%zu", l->n_patches);
		LINE("patches", tmp);
	}
	if (l->settings[0])
		LINE("settings", l->settings);
	for (size_t i = 0; i < l->n_runs; i++) {
		snprintf(tmp, sizeof tmp, "%s |%s%s", l->runs[i].label,
			 l->runs[i].settings[0] ? " " : "",
			 l->runs[i].settings);
		LINE("run", tmp);
	}
	snprintf(tmp, sizeof tmp, "%d", l->epochs);
	LINE("epochs", tmp);
	tmp[0] = '\0';
	for (size_t k = 0; k < N_SCORES; k++)
		if (l->scores & score_names[k].bit)
			append(tmp, sizeof tmp, score_names[k].name, 1);
	if (tmp[0])
		LINE("scores", tmp);
	/* the notes: a paragraph a line, Look: and Try: as their keys */
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *key = "text";
		if (!strncmp(p, "Look: ", 6)) {
			key = "look";
			p += 6;
			len -= 6;
		} else if (!strncmp(p, "Try: ", 5)) {
			key = "try";
			p += 5;
			len -= 5;
		}
		if (put_wrapped(buf, n, &at, key, p, len) != 0)
			return 0;
		p += len;
		if (*p == '\n')
			p++;
	}
#undef LINE
	return at;
}
