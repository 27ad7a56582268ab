#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "autoscope/blas.h"
#include "autoscope/checkpoint.h"
#include "autoscope/fileio.h"
#include "autoscope/session.h"
#include "options.h"

struct extra {
	const char *name;
	const char *arg;
	const char *help;
};

/* The options that are not hyperparameters, in --help order. */
static const struct extra extras[] = {
	{"data", "SPEC",
	 "mnist (default: the bundled MNIST test set, 8000 train / 2000 "
	 "held-out), an IDX images file (labels found beside it), or "
	 "patches:IMG.png[,IMG.png] (8x8 natural-image patches); after mnist "
	 "or a file, :digits=4,9 keeps those labels and :shift=-6,-3,3,6 adds "
	 "each example's copies moved across by those pixels"},
	{"labels", "PATH", "IDX labels file for --data PATH"},
	{"holdout", "F", "fraction held out for evaluation (default 0.2)"},
	{"patch-size", "K", "patch side for patches: data (default 8)"},
	{"patches", "N", "patches sampled (default 20000)"},
	{"whiten", "MODE", "zca (default), pca or none, for patches: data"},
	{"whiten-eps", "X",
	 "whitening regulariser added to each variance (default 0.01; larger "
	 "keeps more low-frequency contrast)"},
	{"lesson", "NAME",
	 "start a lesson (below, by name or number, or a lesson file: "
	 "assets/lessons/README.md): its runs side by side; with train, into "
	 "DIR/<run>/ and DIR/lesson.csv"},
	{"epochs", "N", "train: stop at N epochs in all (default 10; a "
	 "lesson's own number with --lesson); a stack pretrains each layer "
	 "--pretrain-epochs, then trains its last stage N epochs"},
	{"out", "DIR",
	 "write checkpoint.ascp, filters.png, recon.png, *.npy and log.csv "
	 "here (default autoscope-out)"},
	{"resume", "PATH",
	 "continue a saved run (a checkpoint, or a directory holding one; its "
	 "data and settings), or reopen a saved session: a directory with a "
	 "session.txt, which the explorer's w and q and train --lesson write "
	 "(the lesson and every run side by side, where each stopped)"},
	{"grid", "CxR",
	 "exports also write filters-CxR.png: the first C x R filters in C "
	 "columns and R rows (the classic figure: --grid 10x10)"},
	{"history-mb", "N",
	 "the filter history's memory per run (default 16 MB: 40 frames of "
	 "a 784-500 layer, thinned to keep its whole span; 0: none); b B "
	 "scrub it, H exports it, checkpoints keep it"},
	{"views", NULL,
	 "train: also write the views (history.png and frames/ of the "
	 "filter history; chart.svg is always written)"},
	{"paused", NULL,
	 "explorer: open with every run paused (Space starts them)"},
	{"threads", "N",
	 "OpenBLAS threads for a run alone (default 1; 2 helps at batch >= "
	 "64); runs side by side get 1 each"},
	{"probe", "on|off",
	 "linear probe accuracy at the end (default on with labels and a "
	 "held-out part)"},
	{"quiet", NULL, "no progress output"},
	{"help", NULL, "show this help"},
	{"version", NULL, "show the version"},
};

#define N_EXTRAS (sizeof extras / sizeof extras[0])

void cli_usage(FILE *f)
{
	fprintf(f,
		"usage: autoscope [options]          the explorer (a terminal "
		"UI)\n"
		"       autoscope train [options]    train without a screen\n"
		"\n"
		"Watch an autoencoder learn: h = s(W x~ + b), x^ = s(W' h + "
		"c),\n"
		"trained by SGD to rebuild the clean x from a corrupted x~;\n"
		"or a stack of such layers (--layers 500-250-30), each "
		"pretrained as one\n"
		"(or as an RBM), then fine-tuned whole (--finetune recon or "
		"classify).\n"
		"\nhyperparameters (all but hidden, layers, finetune and seed "
		"can change mid-run):\n");
	char line[64];
	for (size_t i = 0; i < as_param_count(); i++) {
		const struct as_param *p = as_param_at(i);
		struct as_config def;
		as_config_default(&def);
		char dv[32];
		as_param_format(&def, p, dv, sizeof dv);
		char name[40];
		snprintf(name, sizeof name, "%s", p->name);
		for (char *c = name; *c; c++)
			if (*c == '_')
				*c = '-';
		snprintf(line, sizeof line, "  --%s %s", name,
			 p->choices ? "NAME" : "X");
		fprintf(f, "%-28s %s (default %s)\n", line, p->help, dv);
	}
	fprintf(f, "\nrun options:\n");
	for (size_t i = 0; i < N_EXTRAS; i++) {
		snprintf(line, sizeof line, "  --%s%s%s", extras[i].name,
			 extras[i].arg ? " " : "",
			 extras[i].arg ? extras[i].arg : "");
		fprintf(f, "%-28s %s\n", line, extras[i].help);
	}
	fprintf(f, "\nlessons (--lesson NAME, or L in the explorer):\n");
	for (size_t i = 0; i < as_lesson_count(); i++) {
		const struct as_lesson *l = as_lesson_at(i);
		fprintf(f, "  %2zu %-12s %s (%zu run%s; train: %d epochs)\n",
			i + 1,
			l->name, l->title, l->n_runs, l->n_runs > 1 ? "s" : "",
			l->epochs);
	}
	fprintf(f, "\nexamples:\n"
		   "  autoscope --lesson denoising\n"
		   "  autoscope train --lesson edges --out edges-run\n"
		   "  autoscope train --epochs 5 --corruption-level 0.5\n"
		   "  autoscope train --loss mse --encoder linear --hidden 30 "
		   "--tied off\n"
		   "  autoscope train --model drlim --layers 50-2 --encoder linear "
		   "--data mnist:digits=4,9\n"
		   "  autoscope --model sesm --hidden 196 --tied off --sesm-code "
		   "sparsifying --sesm-beta 0.5 --lr 0.05 --momentum 0.5\n"
		   "  autoscope train --data patches:grass.png --sparsity-"
		   "weight 0.1\n"
		   "  autoscope --resume autoscope-out/checkpoint.ascp\n"
		   "  autoscope train --lesson denoising --out class; "
		   "autoscope --resume class --paused\n");
}

static int parse_long(const char *opt, const char *s, long lo, long hi,
		      long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr,
			"autoscope: --%s wants a whole number in [%ld, %ld], "
			"not '%s'\n",
			opt, lo, hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_extra(struct cli_opts *o, const char *name, const char *v)
{
	long n;
	if (!strcmp(name, "data")) {
		o->data = v;
	} else if (!strcmp(name, "labels")) {
		o->data_opts.labels = v;
	} else if (!strcmp(name, "holdout")) {
		char *end;
		double f = strtod(v, &end);
		if (end == v || *end || !(f >= 0 && f < 1)) {
			fprintf(stderr,
				"autoscope: --holdout wants a fraction in [0, "
				"1), not '%s'\n",
				v);
			return -1;
		}
		o->data_opts.holdout = f;
	} else if (!strcmp(name, "patch-size")) {
		if (parse_long(name, v, 2, 64, &n))
			return -1;
		o->data_opts.patch_size = (size_t)n;
	} else if (!strcmp(name, "patches")) {
		if (parse_long(name, v, 10, 10000000, &n))
			return -1;
		o->data_opts.n_patches = (size_t)n;
	} else if (!strcmp(name, "whiten")) {
		if (!strcmp(v, "zca"))
			o->data_opts.whiten = AS_WHITEN_ZCA;
		else if (!strcmp(v, "pca"))
			o->data_opts.whiten = AS_WHITEN_PCA;
		else if (!strcmp(v, "none"))
			o->data_opts.whiten = AS_WHITEN_NONE;
		else {
			fprintf(stderr,
				"autoscope: --whiten wants zca, pca or none, "
				"not '%s'\n",
				v);
			return -1;
		}
	} else if (!strcmp(name, "whiten-eps")) {
		char *end;
		double f = strtod(v, &end);
		/* the float it is kept in must be > 0 too: 1e-300 is 0 */
		if (end == v || *end || !(f <= 100 && (float)f > 0)) {
			fprintf(stderr,
				"autoscope: --whiten-eps wants a number in (0, "
				"100], not '%s'\n",
				v);
			return -1;
		}
		o->data_opts.whiten_eps = (float)f;
	} else if (!strcmp(name, "lesson")) {
		/* the last --lesson wins, a file's or a built-in one */
		free(o->lesson_file);
		o->lesson_file = NULL;
		o->lesson_path[0] = '\0';
		o->lesson = as_lesson_find(v);
		size_t vl = strlen(v);
		struct stat st;
		if (!o->lesson &&
		    (strchr(v, '/') || (vl > 7 && !strcmp(v + vl - 7, ".lesson")) ||
		     stat(v, &st) == 0)) {
			/* a lesson file a teacher wrote */
			struct as_error err;
			struct as_lesson *l;
			if (as_lesson_load(v, &l, &err) != AS_OK) {
				fprintf(stderr, "autoscope: %s\n", err.msg);
				return -1;
			}
			o->lesson_file = l;
			o->lesson = l;
			if (!realpath(v, o->lesson_path))
				snprintf(o->lesson_path, sizeof o->lesson_path,
					 "%s", v);
		}
		if (!o->lesson) {
			fprintf(stderr, "autoscope: no lesson '%s' (a name, "
					"a number or a .lesson file); there are",
				v);
			for (size_t k = 0; k < as_lesson_count(); k++)
				fprintf(stderr, " %s", as_lesson_at(k)->name);
			fprintf(stderr, "\n");
			return -1;
		}
	} else if (!strcmp(name, "epochs")) {
		if (parse_long(name, v, 1, 1000000, &n))
			return -1;
		o->epochs = (int)n;
		o->epochs_given = 1;
	} else if (!strcmp(name, "out")) {
		o->out = v;
	} else if (!strcmp(name, "history-mb")) {
		if (parse_long(name, v, 0, 4096, &n))
			return -1;
		o->history_mb = (size_t)n;
	} else if (!strcmp(name, "grid")) {
		unsigned c, r;
		char tail;
		if (sscanf(v, "%ux%u%c", &c, &r, &tail) != 2 || c < 1 ||
		    r < 1 || c > 100 || r > 100) {
			fprintf(stderr,
				"autoscope: --grid wants CxR with C and R from "
				"1 to 100 (10x10), not '%s'\n",
				v);
			return -1;
		}
		o->grid_cols = c;
		o->grid_rows = r;
	} else if (!strcmp(name, "resume")) {
		o->resume = v;
	} else if (!strcmp(name, "threads")) {
		if (parse_long(name, v, 1, 64, &n))
			return -1;
		o->threads = (int)n;
	} else if (!strcmp(name, "probe")) {
		if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "1"))
			o->probe = 1;
		else if (!strcmp(v, "off") || !strcmp(v, "no") ||
			 !strcmp(v, "0"))
			o->probe = 0;
		else {
			fprintf(stderr,
				"autoscope: --probe wants on or off, not "
				"'%s'\n",
				v);
			return -1;
		}
	}
	return 0;
}

static int resume_target(struct cli_opts *o, const char *command);

int cli_parse(int argc, char **argv, int first, struct cli_opts *o,
	      const char *command)
{
	memset(o, 0, sizeof *o);
	as_config_default(&o->cfg);
	as_data_opts_default(&o->data_opts);
	o->data = NULL;
	o->out = NULL;
	o->epochs = 10;
	o->threads = 1;
	o->history_mb = AS_FRAMES_MB_DEFAULT;
	o->probe = -1;
	for (int i = first; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
			fprintf(stderr,
				"autoscope%s%s: unexpected argument '%s' (see "
				"autoscope --help)\n",
				command ? " " : "", command ? command : "",
				arg);
			return -1;
		}
		char name[64];
		const char *value = NULL;
		const char *eq = strchr(arg + 2, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (len >= sizeof name)
			len = sizeof name - 1;
		memcpy(name, arg + 2, len);
		name[len] = 0;
		if (!strcmp(name, "help")) {
			cli_usage(stdout);
			return 1;
		}
		if (!strcmp(name, "version")) {
			printf("autoscope %s (%s)\n", AS_VERSION,
			       as_blas_name());
			return 1;
		}
		if (!strcmp(name, "quiet")) {
			o->quiet = 1;
			continue;
		}
		if (!strcmp(name, "paused")) {
			o->paused = 1;
			continue;
		}
		if (!strcmp(name, "views")) {
			o->views = 1;
			continue;
		}
		const struct as_param *p = as_param_find(name);
		int known = p != NULL;
		for (size_t k = 0; k < N_EXTRAS && !known; k++)
			known = !strcmp(name, extras[k].name) &&
				extras[k].arg != NULL;
		if (!known) {
			fprintf(stderr,
				"autoscope: unknown option --%s (see autoscope "
				"--help)\n",
				name);
			return -1;
		}
		if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			fprintf(stderr, "autoscope: --%s needs a value\n",
				name);
			return -1;
		}
		if (p) {
			struct as_error err;
			if (as_param_parse(&o->cfg, p, value, &err) != AS_OK) {
				fprintf(stderr, "autoscope: --%s: %s\n", name,
					err.msg);
				return -1;
			}
			o->given[as_param_index(p)] = 1;
		} else if (parse_extra(o, name, value)) {
			return -1;
		}
	}
	if (o->views && !command) {
		fprintf(stderr, "autoscope: --views is for train (the "
				"explorer exports with e and H)\n");
		return -1;
	}
	if (o->paused && command) {
		fprintf(stderr, "autoscope: --paused is for the explorer "
				"(train has no Space to start it)\n");
		return -1;
	}
	return resume_target(o, command);
}

/* --resume PATH: a checkpoint file, a directory holding checkpoint.ascp,
 * or a session directory (o->session) */
static int resume_target(struct cli_opts *o, const char *command)
{
	struct stat st;
	if (o->resume && stat(o->resume, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (as_session_exists(o->resume)) {
			o->session = o->resume;
			o->resume = NULL;
		} else {
			snprintf(o->resume_buf, sizeof o->resume_buf,
				 "%s/checkpoint.ascp", o->resume);
			if (stat(o->resume_buf, &st) != 0) {
				fprintf(stderr,
					"autoscope: %s holds neither a "
					"session.txt nor a checkpoint.ascp\n",
					o->resume);
				return -1;
			}
			o->resume = o->resume_buf;
		}
	}
	if (o->lesson && (o->resume || o->session)) {
		fprintf(stderr, "autoscope: --lesson starts new runs and "
				"--resume continues saved ones (a saved "
				"lesson's session names its lesson): give "
				"one of them\n");
		return -1;
	}
	if (o->session && command) {
		fprintf(stderr,
			"autoscope: %s is a session (runs side by side): "
			"reopen it in the explorer with autoscope --resume "
			"%s, or give train one run's checkpoint\n",
			o->session, o->session);
		return -1;
	}
	int given = o->data != NULL;
	for (size_t i = 0; i < as_param_count(); i++)
		given |= o->given[i];
	if (o->session && given) {
		fprintf(stderr,
			"autoscope: a session reopens its runs as they were "
			"saved: change their settings live, or resume one "
			"run's checkpoint with settings on the line\n");
		return -1;
	}
	return 0;
}

void cli_trainer_opts(const struct cli_opts *o, struct as_trainer_opts *t)
{
	t->grid_cols = o->grid_cols;
	t->grid_rows = o->grid_rows;
	t->history_mb = o->history_mb;
}

struct as_dataset *cli_load_data(const struct cli_opts *o, const char *spec)
{
	struct as_dataset *ds;
	struct as_error err;
	if (as_dataset_load(spec, &o->data_opts, &ds, &err) != AS_OK) {
		fprintf(stderr, "autoscope: %s\n", err.msg);
		return NULL;
	}
	return ds;
}

void cli_fit_defaults(struct cli_opts *o, const struct as_dataset *ds,
		      FILE *note)
{
	int loss_i = as_param_index(as_param_find("loss"));
	int in_unit = ds->min >= 0.0f && ds->max <= 1.0f;
	if (o->cfg.model != AS_MODEL_AE && !o->given[loss_i]) {
		/* sparse coding's energy is squared error */
		o->cfg.loss = AS_LOSS_MSE;
		return;
	}
	if (!in_unit && !o->given[loss_i] && o->cfg.loss == AS_LOSS_CE) {
		o->cfg.loss = AS_LOSS_MSE;
		if (note)
			fprintf(note,
				"note: %s spans [%.3g, %.3g], not [0, 1]: "
				"using --loss mse\n",
				ds->name, ds->min, ds->max);
	}
}

/* Live parameters given on the command line of a resume. */
static int apply_overrides(struct as_trainer *t, const struct cli_opts *o)
{
	for (size_t i = 0; i < as_param_count(); i++) {
		const struct as_param *p = as_param_at(i);
		struct as_error err;
		if (o->given[i] &&
		    as_trainer_set(t, p, as_param_get(&o->cfg, p), &err) !=
			    AS_OK) {
			fprintf(stderr, "autoscope: --%s: %s\n", p->name,
				err.msg);
			return -1;
		}
	}
	return 0;
}

struct as_trainer *cli_open_run(struct cli_opts *o, const char *out,
				struct as_trainer_opts *topts, FILE *note,
				struct as_dataset **ds_out)
{
	struct as_error err;
	struct as_checkpoint ck;
	memset(&ck, 0, sizeof ck);
	*ds_out = NULL;
	const char *spec = o->data ? o->data : "mnist";
	if (o->resume) {
		if (as_checkpoint_load(o->resume, &ck, &err) != AS_OK) {
			fprintf(stderr, "autoscope: %s\n", err.msg);
			return NULL;
		}
		if (!o->data)
			spec = ck.data;
	}
	struct as_dataset *ds = cli_load_data(o, spec);
	/* only once the inputs are good: a bad --data leaves nothing */
	if (ds && as_mkdir(out, &err) != AS_OK) {
		fprintf(stderr, "autoscope: %s\n", err.msg);
		as_dataset_free(ds);
		ds = NULL;
	}
	if (!ds) {
		as_checkpoint_release(&ck);
		return NULL;
	}
	if (!o->resume)
		cli_fit_defaults(o, ds, note);
	topts->out_dir = out;
	topts->append_csv = o->resume != NULL;
	struct as_trainer *t;
	enum as_status st =
		o->resume ? as_trainer_resume(&ck, ds, topts, &t, &err)
			  : as_trainer_create(&o->cfg, ds, topts, &t, &err);
	as_checkpoint_release(&ck);
	if (st != AS_OK)
		fprintf(stderr, "autoscope: %s\n", err.msg);
	if (st == AS_OK && o->resume && apply_overrides(t, o)) {
		as_trainer_free(t);
		st = AS_ERR_INVALID;
	}
	if (st != AS_OK) {
		as_dataset_free(ds);
		return NULL;
	}
	*ds_out = ds;
	return t;
}
