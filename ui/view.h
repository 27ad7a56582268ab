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
#include "autoscope/session.h"
#include "autoscope/snapshot.h"
#include "autoscope/trainer.h"
#include "layout.h"

enum ui_colors { UI_MONO = 0, UI_COLOR8, UI_COLOR256 };

/* The views, in the registry's order (views.c). The lower left of the
 * dashboard shows one of the panes DIGITS, RUNS, LESSON (i cycles); v
 * shows each view alone on the whole screen in turn (Esc: back). */
enum ui_view_id {
	UI_V_FILTERS = 0,
	UI_V_DIGITS,
	UI_V_CHART,
	UI_V_RUNS,
	UI_V_LESSON,
	UI_V_PANEL,
	UI_V_LAYERS,
	UI_V_PARTS,
	UI_V_PLANE,
	UI_V_TRAVERSE,
	UI_V_INFER,
	UI_VIEWS
};
#define UI_PANE_RECON UI_V_DIGITS
#define UI_PANE_RUNS UI_V_RUNS
#define UI_PANE_LESSON UI_V_LESSON
#define UI_PANE_LAYERS UI_V_LAYERS

/* One run on the screen: its trainer (own thread), its caption and the
 * snapshot held while a frame is drawn. */
struct ui_run {
	struct as_trainer *t;
	char label[32];
	const struct as_snapshot *s; /* NULL outside a frame */
	uint64_t drawn;		     /* generation last drawn */
	uint64_t seen_msg_id;	     /* its trainer's last message shown */
};

/* The focused run's filter grid as last planned: where its tiles are,
 * for the mouse and for paging. Aligned: the runs' grids interleaved, a
 * group of one filter of every run per tile position. */
struct ui_fgrid {
	struct ui_rect area; /* tiles from (area.y + top, area.x + 1) */
	int top;	     /* rows above the first tile row */
	struct ui_tiles t;   /* t.cols: tile positions (groups) across */
	int aligned;	     /* several runs, one group per position */
	int group;	     /* runs in a group (1 when not aligned) */
	int per_page, pages, page, n;
};

/* what a key asks the event loop to do between frames (ui_state.request) */
enum ui_request {
	UI_REQ_NONE = 0,
	UI_REQ_NEW,    /* a new run from the focused run's initialisation */
	UI_REQ_CLOSE,  /* close the focused run */
	UI_REQ_LESSON, /* start lesson number request_arg */
};

struct ui_state {
	struct ui_run runs[AS_RUNS_MAX];
	int n_runs;
	int blas_threads;     /* --threads: for one run; 1 each beside others */
	int focus;	      /* the run the panel and keys edit */
	struct as_trainer *t; /* = runs[focus].t */
	const struct as_dataset *ds;	/* the runs' data (read-only) */
	const struct as_lesson *lesson; /* NULL: free play */
	char lesson_path[4096]; /* its file when not built in, or "" */
	struct as_lesson *own_lesson; /* a file lesson a session reopened */
	char root[2048];		/* new runs write into root/<label> */
	int pane;    /* the dashboard's lower-left view (enum ui_view_id) */
	int full;    /* the view shown alone, or -1: the dashboard */
	int decoder; /* filter views show W' columns (untied) */
	int quads;   /* pictures in quadrants (Q): detail across, tall pixels */
	int xmode;   /* chart x axis (plot.h enum ui_xaxis) */
	int help_page;
	int menu; /* the lesson menu is open */
	int menu_sel;
	int query;   /* hashing pane: the held-out digit shown */
	int notes_skip; /* the notes alone: their first rows scrolled by */
	int request; /* what the loop does between frames */
	int request_arg;
	int fork_pending;    /* forks asked for, not yet handed over */
	struct as_pace pace; /* the runs keep step in examples */
	int colors;	     /* enum ui_colors */
	int glyphs; /* enum ui_glyphs: gray half blocks and quadrants (UTF-8
		     * and 256 colours), 1-bit dithered blocks (UTF-8),
		     * or an ASCII ramp */
	int mouse;
	struct ui_layout lay;
	struct ui_fgrid fgrid; /* the focused run's filter grid, planned */
	int sel;	       /* selected panel row */
	int filter_page;
	int filter_sel; /* selected filter (zoom, mouse) */
	int deep;	/* the focused run is a stack (its layers view) */
	int layer;	/* the layer whose units the filter views show
			 * (0: the first, rows of W; deeper ones projected
			 * into pixels) */
	int zoom;
	int scrub;		 /* filter views show the history (b B) */
	uint64_t scrub_examples; /* at the frames taken at or before this many
				  * examples, every run alike */
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
	UI_P_RUN0, /* 4 pairs: the runs' curves and captions */
	UI_P_LABEL0 = UI_P_RUN0 + 4, /* 10 pairs: digit labels */
	UI_P_GRAY0 = 32,	     /* 24 x 24 pairs of the gray ramp follow */
};

void ui_colors_init(struct ui_state *u);
/* A frame: plan (the layout, the filter grid, the runs' messages: the
 * only step that changes u), then paint (views read u and the
 * snapshots, never change them). */
void ui_draw(struct ui_state *u, const struct as_snapshot *s);

/* A view's own keys: a table like the explorer's, dispatched when the
 * view is on screen, and listed in the help under the view's name; it
 * ends in a row whose fn is NULL. */
typedef void (*ui_key_fn)(struct ui_state *u, const struct as_snapshot *s);
struct ui_key {
	int key, key2;
	const char *keys; /* NULL: shares the help line above */
	const char *help;
	ui_key_fn fn;
};

/* The registry: one row per view. paint draws it in r (full: alone on
 * the screen); plan (may be NULL) lays it out before painting;
 * available (NULL: always) says whether it has anything to show. */
struct ui_view {
	const char *name;
	void (*paint)(const struct ui_state *u, const struct as_snapshot *s,
		      const struct ui_rect *r, int full);
	void (*plan)(struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full);
	int (*available)(const struct ui_state *u);
	const struct ui_key *keys; /* its table (ends in a NULL fn) */
	/* NULL: its keys act whenever it is on screen */
	int (*keys_active)(const struct ui_state *u);
};
const struct ui_view *ui_view_at(int id);
/* Offers a key to the views on screen (the one shown alone, or the
 * lower pane, the filters and the chart); 1 if one took it. */
int ui_views_key(struct ui_state *u, const struct as_snapshot *s, int ch);
/* Help lines: the explorer's keys, then each view's under its name. */
size_t ui_help_count(void);
const char *ui_help_line(size_t i, const char **keys, int *heading);

/* Each view, in its own file. */
void ui_paint_filters(const struct ui_state *u, const struct as_snapshot *s,
		      const struct ui_rect *r, int full);
void ui_plan_filters(struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full);
extern const struct ui_key ui_filters_keys[];
void ui_paint_digits(const struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full);
void ui_paint_chart(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full);
extern const struct ui_key ui_chart_keys[];
void ui_paint_panel(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full);
void ui_paint_runs(const struct ui_state *u, const struct as_snapshot *s,
		   const struct ui_rect *r, int full);
void ui_paint_lesson(const struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full);
void ui_plan_lesson(struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full);
extern const struct ui_key ui_lesson_keys[];
void ui_paint_parts(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full);
extern const struct ui_key ui_parts_keys[]; /* < >: the sample, for the
					       * parts, a unit and inference */
extern const struct ui_key ui_notes_keys[];
void ui_paint_plane(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full);
void ui_paint_traverse(const struct ui_state *u, const struct as_snapshot *s,
		       const struct ui_rect *r, int full);
void ui_paint_layers(const struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full);
void ui_paint_infer(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full);
void ui_view_title(const struct ui_state *u, const struct as_snapshot *s);
void ui_view_status(const struct ui_state *u, const struct as_snapshot *s);
void ui_view_help(const struct ui_state *u);
int ui_help_pages(void); /* on this screen */
void ui_view_menu(const struct ui_state *u);
/* The symbol and colour of run i on the chart and in captions. */
char ui_run_symbol(int i);

/* What the views share (draw.c): a colour role on and off (its colour,
 * or on a monochrome terminal the attribute of the role table: bold,
 * underline, reverse, dim), a box with a title, an image at one of its
 * sizes (raster.h), and a monotonic clock. */
void ui_on(int pair, const struct ui_state *u);
void ui_off(int pair, const struct ui_state *u);
void ui_box(const struct ui_rect *r, const char *title,
	    const struct ui_state *u);
void ui_image(const struct ui_state *u, int y, int x, const float *img,
	      size_t rows, size_t cols, const struct ui_size *sz,
	      int own_range);
/* a column of rows cells from row y down to its foot, filled from the
 * foot to v in [0, 1] in eighths of a block (ASCII: a ramp a cell); any
 * v > 0 shows */
void ui_bar(const struct ui_state *u, int y, int x, int rows, double v);
double ui_wall_s(void);
void ui_say(struct ui_state *u, int warn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A run's caption: "2 noise 25%" (and the focus mark). */
void ui_run_caption(const struct ui_state *u, int i, char *buf, size_t n);

/* The filter history (frames.h) while scrubbing: the frame run i shows
 * (its index and the count, its metadata); 0 if it has none to show. */
int ui_history_frame(const struct ui_state *u, int run, size_t *index,
		     size_t *count, struct as_frame *meta);
/* b and B: one frame back / forward in the focused run's history (past
 * the newest: live again) */
void ui_history_step(struct ui_state *u, int dir);

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
/* The session on screen (its lesson, runs, focus and views) described,
 * and written to root/session.txt (session.h); runs whose directory is
 * not under root are left out. 0 when written, else why (also with no
 * run to write). */
int ui_session_describe(const struct ui_state *u, struct as_session *ss);
int ui_session_save(struct ui_state *u, char *why, size_t n);
/* Before the terminal is taken: reopens the session saved in dir, every
 * run from its checkpoint where it stopped (paused with --paused), the
 * lesson, focus and views; one line on stderr and -1 on failure, with
 * nothing opened. *ds becomes the runs' data. */
int ui_session_open(struct ui_state *u, struct cli_opts *o, const char *dir,
		    struct as_dataset **ds);

/* Help lines of the explorer's own key table (explorer.c). */
/* A key press (keys.c): the prompt, menu, help pages, mouse, the views'
 * keys, then the bindings. */
void ui_key(struct ui_state *u, const struct as_snapshot *s, int ch);
size_t ui_key_help_count(void);
const char *ui_key_help(size_t i, const char **keys);

#endif
