/* view: the explorer's state and its views (curses).
 *
 * Owns: struct ui_state (what the user has selected and toggled, the
 * terminal's capabilities, the message line) and one draw function per
 * view. Views read only the snapshot they are given and the state.
 * Threading: the UI thread only. */
#ifndef AUTOSCOPE_UI_VIEW_H
#define AUTOSCOPE_UI_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/lesson.h"
#include "autoscope/snapshot.h"
#include "autoscope/trainer.h"
#include "layout.h"

enum ui_colors { UI_MONO = 0, UI_COLOR8, UI_COLOR256 };

/* the lower left of the screen shows one of these (i cycles) */
enum ui_pane { UI_PANE_RECON = 0, UI_PANE_RUNS, UI_PANE_LESSON, UI_PANES };

/* One run on the screen: its trainer (own thread), its caption and the
 * snapshot held while a frame is drawn. */
struct ui_run {
	struct as_trainer *t;
	char label[32];
	const struct as_snapshot *s; /* NULL outside a frame */
	uint64_t drawn;		     /* generation last drawn */
	uint64_t seen_msg_id;	     /* its trainer's last message shown */
};

struct ui_state {
	struct ui_run runs[AS_RUNS_MAX];
	int n_runs;
	int blas_threads; /* --threads: for one run; 1 each beside others */
	int focus;		     /* the run the panel and keys edit */
	struct as_trainer *t;	     /* = runs[focus].t */
	const struct as_dataset *ds; /* the runs' data (read-only) */
	const struct as_lesson *lesson; /* NULL: free play */
	char root[2048];  /* new runs write into root/<label> */
	int pane;	  /* enum ui_pane */
	int menu;	  /* the lesson menu is open */
	int menu_sel;
	int query;	  /* hashing pane: the held-out digit shown */
	int request;	  /* what the loop does between frames */
	int request_arg;
	int fork_pending; /* forks asked for, not yet handed over */
	struct as_pace pace; /* the runs keep step in examples */
	int colors; /* enum ui_colors */
	int half;   /* half blocks + gray ramp (UTF-8 and 256 colours) */
	int mouse;
	struct ui_layout lay;
	struct ui_tiles ftiles; /* the focused run's filter grid as drawn */
	struct ui_rect frect;	/* and where */
	int sel;		/* selected panel row */
	int filter_page;
	int filter_sel; /* selected filter (zoom, mouse) */
	int zoom;
	int help;
	int log_scale;
	int smooth; /* EMA of the training loss on the chart */
	int prompt; /* typing a value for the selected row */
	char input[48];
	char msg[200];
	int msg_warn;
	double msg_until;
	int quit;
	int last_key; /* the key behind the action being run */
};

/* colour pair roles */
enum {
	UI_P_TITLE = 1,
	UI_P_VALUE,
	UI_P_SEL,
	UI_P_WARN,
	UI_P_OK,
	UI_P_TRAIN,
	UI_P_HELDOUT,
	UI_P_PCA,
	UI_P_MARK,
	UI_P_DIM,
	UI_P_RUN0,	 /* 4 pairs: the runs' curves and captions */
	UI_P_LABEL0 = UI_P_RUN0 + 4, /* 10 pairs: digit labels */
	UI_P_GRAY0 = 32, /* 24 x 24 pairs of the gray ramp follow */
};

void ui_colors_init(struct ui_state *u);
/* The whole screen: layout, then every view (draw.c). */
void ui_draw(struct ui_state *u, const struct as_snapshot *s);

/* One function per view, each in its own file (view_*.c). */
void ui_view_title(struct ui_state *u, const struct as_snapshot *s);
void ui_view_filters(struct ui_state *u, const struct as_snapshot *s);
void ui_view_recon(struct ui_state *u, const struct as_snapshot *s);
void ui_view_curves(struct ui_state *u, const struct as_snapshot *s);
void ui_view_panel(struct ui_state *u, const struct as_snapshot *s);
void ui_view_status(struct ui_state *u, const struct as_snapshot *s);
void ui_view_help(struct ui_state *u);
/* The lower-left pane in a lesson or with several runs: the explanation
 * and a table of every run's numbers (view_lesson.c), the 2-D scatter of
 * codes or the Hamming neighbours (view_lesson.c); the lesson menu. */
void ui_view_runs(struct ui_state *u, const struct ui_rect *r);
void ui_view_lesson(struct ui_state *u, const struct ui_rect *r);
void ui_view_menu(struct ui_state *u);
/* The symbol and colour of run i on the chart and in captions. */
char ui_run_symbol(int i);

/* What the views share (draw.c): a colour role on and off (nothing on a
 * monochrome terminal), a box with a title, an image of rows x cols
 * values drawn px pixels wide (half blocks and the gray ramp, or the
 * ASCII ramp; own_range: scaled to its min..max, else clipped to
 * [0, 1]), and a monotonic clock. */
void ui_on(int pair, const struct ui_state *u);
void ui_off(int pair, const struct ui_state *u);
void ui_box(const struct ui_rect *r, const char *title,
	    const struct ui_state *u);
void ui_image(const struct ui_state *u, int y, int x, const float *img,
	      size_t rows, size_t cols, int px, int own_range);
double ui_wall_s(void);
void ui_say(struct ui_state *u, int warn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A run's caption: "2 noise 25%" (and the focus mark). */
void ui_run_caption(const struct ui_state *u, int i, char *buf, size_t n);

/* The runs (runs.c). add: gives t a directory under the root unless it
 * has one, starts it and shows it (t is freed on failure, -1). close:
 * saves, stops and frees run i, its last word to said or the message
 * line; 0 if the save went well. take_forks: shows the forks that are
 * ready. new: a run of s's settings from its seed's initialisation.
 * lesson_start: opens lesson l's runs under out/<name> (a new directory
 * each time) and only then closes the runs on screen; *ds becomes the
 * lesson's data. */
int ui_run_add(struct ui_state *u, struct as_trainer *t, const char *label);
int ui_run_close(struct ui_state *u, int i, char *said, size_t n,
		 int keep_on_failure);
void ui_runs_take_forks(struct ui_state *u);
void ui_run_new(struct ui_state *u, const struct as_snapshot *s);
void ui_default_pane(struct ui_state *u);
struct cli_opts;
int ui_lesson_start(struct ui_state *u, struct cli_opts *o,
		    const struct as_lesson *l, const char *out,
		    struct as_dataset **ds, int from_menu);

/* Help lines of the key table, for the overlay (explorer.c). */
size_t ui_key_help_count(void);
const char *ui_key_help(size_t i, const char **keys);

#endif
