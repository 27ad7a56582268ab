/* The control panel, the title bar and the status line. Lines are built
 * from whole fields: one that does not fit is left out, never cut. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

void ui_paint_panel(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full)
{
	(void)full;
	struct ui_fields tf;
	ui_fields_init(&tf, r->w - 6);
	if (u->n_runs > 1) {
		ui_fields_add(&tf, "run %d %s", u->focus + 1,
			      u->runs[u->focus].label);
		ui_fields_add(&tf, " (Tab)");
	} else if (!ui_fields_add(&tf,
				  "controls (jk select, hl change, Enter)")) {
		ui_fields_init(&tf, r->w - 6);
		ui_fields_add(&tf, "controls");
	}
	ui_box(r, tf.text, u);
	/* the settings this run's model uses, scrolled so that the
	 * selected row is always in view */
	int idx[UI_PANEL_MAX];
	int n = ui_panel_params(&s->config, idx), rows = r->h - 2;
	int pos = ui_panel_pos(idx, n, u->sel);
	int top = ui_panel_top(pos, rows);
	int sel = n > 0 ? idx[pos] : u->sel; /* where a key acts (sel_snap) */
	for (int row = top; row < n && row - top < rows; row++) {
		int i = idx[row];
		const struct as_param *p = as_param_at((size_t)i);
		char val[40];
		as_param_format(&s->config, p, val, sizeof val);
		int y = r->y + 1 + row - top, w = r->w - 2;
		if (i == sel)
			ui_on(UI_P_SEL, u);
		else if (!p->live)
			ui_on(UI_P_DIM, u);
		mvhline(y, r->x + 1, ' ', w);
		mvprintw(y, r->x + 2, "%-14s", p->label);
		struct ui_fields f;
		ui_fields_init(&f, w - 17);
		if (i == sel && u->prompt) {
			if (!ui_fields_add(&f, "= %s_", u->input)) {
				/* the end of a long value, as typed */
				size_t keep = w > 24 ? (size_t)(w - 24) : 0;
				size_t len = strlen(u->input);
				ui_fields_init(&f, w - 17);
				ui_fields_add(&f, "= ..%s_",
					      u->input + (len > keep
								  ? len - keep
								  : 0));
			}
		} else {
			ui_fields_add(&f, "%s", val);
			if (!p->live)
				ui_fields_add(&f, " (restart)");
		}
		mvprintw(y, r->x + 17, "%s", f.text);
		if (i == sel)
			ui_off(UI_P_SEL, u);
		else if (!p->live)
			ui_off(UI_P_DIM, u);
	}
	/* rows out of view: say so on the border (j k scroll) */
	if (top > 0 || top + rows < n) {
		ui_on(UI_P_DIM, u);
		mvprintw(r->y + r->h - 1, r->x + r->w - 12, "%s",
			 top + rows < n ? " more: j " : " more: k ");
		ui_off(UI_P_DIM, u);
	}
}

void ui_view_status(const struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.status;
	move(r->y, 0);
	clrtoeol();
	int ok = !s->paused;
	ui_on(ok ? UI_P_OK : UI_P_WARN, u);
	attron(A_BOLD);
	printw(" %s ", s->paused ? "PAUSED " : "RUNNING");
	attroff(A_BOLD);
	ui_off(ok ? UI_P_OK : UI_P_WARN, u);
	size_t hi, hn;
	struct as_frame m;
	int past = ui_history_frame(u, u->focus, &hi, &hn, &m);
	if (past) {
		/* the filters on screen are from then: say when */
		long t = lround(m.time_s);
		attron(A_REVERSE | A_BOLD);
		printw(" HISTORY %zu/%zu ", hi + 1, hn);
		attroff(A_REVERSE | A_BOLD);
		printw(" step %llu, epoch %llu, %ld:%02ld (b B) ",
		       (unsigned long long)m.step,
		       (unsigned long long)m.epoch, t / 60, t % 60);
	}
	const char *hint = " ? help  q quit ";
	int room = r->w - getcurx(stdscr) - (int)strlen(hint);
	struct ui_fields f;
	ui_fields_init(&f, room);
	if (u->n_runs > 1)
		ui_fields_add(&f, " run %d/%d", u->focus + 1, u->n_runs);
	double frac = s->epoch_len ? (double)s->epoch_pos / s->epoch_len : 0;
	char bar[11];
	for (int i = 0; i < 10; i++)
		bar[i] = i < (int)(frac * 10) ? '#' : '.';
	bar[10] = 0;
	long el = lround(s->elapsed_s);
	ui_fields_add(&f, " epoch %llu", (unsigned long long)s->epoch + 1);
	if (r->w >= 100)
		ui_fields_add(&f, " [%s] %3.0f%%", bar, frac * 100);
	if (s->waiting && !s->paused)
		ui_fields_add(&f, "  keeps pace");
	else
		ui_fields_add(&f, "  %.0f ex/s", s->examples_per_s);
	ui_fields_add(&f, "  %ld:%02ld", el / 60, el % 60);
	ui_fields_add(&f, "  step %llu", (unsigned long long)s->step);
	if (isfinite(s->heldout_loss))
		ui_fields_add(&f, "  held-out %.2f", s->heldout_loss);
	if (isfinite(s->probe_accuracy))
		ui_fields_add(&f, "  probe %.3f (raw %.3f)", s->probe_accuracy,
			      s->probe_raw);
	printw("%s", f.text);
	ui_on(UI_P_DIM, u);
	mvprintw(r->y, r->w - (int)strlen(hint), "%s", hint);
	ui_off(UI_P_DIM, u);
}

void ui_view_title(const struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.title;
	move(r->y, 0);
	clrtoeol();
	/* the message has the right-hand side first: the title gives way */
	int msg = u->msg[0] && ui_wall_s() < u->msg_until;
	int len = msg ? (int)strlen(u->msg) : 0;
	int mx = r->w - len - 1;
	if (mx < 12)
		mx = 12;
	ui_on(UI_P_TITLE, u);
	attron(A_BOLD);
	printw(" autoscope ");
	attroff(A_BOLD);
	ui_off(UI_P_TITLE, u);
	struct ui_fields f;
	ui_fields_init(&f, (msg ? mx - 1 : r->w) - 12);
	if (u->lesson)
		ui_fields_add(&f, " lesson %s |", u->lesson->name);
	if (u->n_runs > 1)
		ui_fields_add(&f, " %d %s:", u->focus + 1,
			      u->runs[u->focus].label);
	char layers[64], stage[64];
	as_param_format(&s->config, as_param_find("layers"), layers,
			sizeof layers);
	if (s->config.model == AS_MODEL_DRLIM) {
		/* a mapping: no decoder, pairs instead of reconstructions */
		ui_fields_add(&f, " DrLIM mapping %zu-%s, %s code, margin %g, "
				  "%s pairs",
			      s->n_visible, layers,
			      s->config.encoder == AS_ACT_LINEAR ? "linear"
								 : "sigmoid",
			      s->config.drlim_margin,
			      s->config.drlim_pairs == AS_DRLIM_PAIRS_SHIFT
				      ? "neighbours' and shifted"
				      : "Euclidean");
	} else if (s->config.model == AS_MODEL_SESM) {
		/* codes inferred from an encoder's prediction */
		ui_fields_add(&f, " %s %zu-%s %s, %s code, %d steps of %g, "
				  "alpha %g",
			      s->tied ? "SESM" : "predictive AE", s->n_visible,
			      layers, s->tied ? "tied" : "untied",
			      s->config.sesm_code == AS_SESM_SPARSIFYING
				      ? "sparsifying"
				      : "logistic",
			      s->config.sesm_iters, s->config.sesm_step,
			      s->config.sesm_alpha);
		if (s->config.sesm_sparsity > 0)
			ui_fields_add(&f, ", sparsity %g",
				      s->config.sesm_sparsity);
	} else if (s->config.model != AS_MODEL_AE) {
		/* sparse coding: no encoder, the inference is the model;
		 * PSD: and an encoder trained to predict it */
		ui_fields_add(&f, " %s %zu-%s, L1 %g, %s %d",
			      s->psd ? "PSD" : "sparse coding", s->n_visible,
			      layers, s->config.sc_lambda,
			      s->config.sc_fista ? "FISTA" : "ISTA",
			      s->config.sc_iters);
		if (s->psd)
			ui_fields_add(&f, ", alpha %g", s->config.psd_alpha);
		ui_fields_add(&f, ", atoms %s",
			      s->config.renorm ? "renormalised"
					       : "not renormalised");
	} else {
		ui_fields_add(&f, " %zu-%s %s", s->n_visible, layers,
			      s->tied ? "tied" : "untied");
		as_config_stage_name(&s->config, stage, sizeof stage);
		if (strcmp(stage, "training") != 0)
			ui_fields_add(&f, ", %s", stage);
		ui_fields_add(&f, ", %s",
			      s->config.loss == AS_LOSS_CE ? "cross-entropy"
							   : "squared error");
		ui_fields_add(&f, ", %s %.2f",
			      as_param_find("corruption")
				      ->choices[s->config.corruption],
			      s->config.corruption_level);
	}
	if (u->full >= 0)
		ui_fields_add(&f, "  [%s: v next, Esc back]",
			      ui_view_at(u->full)->name);
	printw("%s", f.text);
	if (msg) {
		/* whole words: a long message loses its tail, never half a
		 * number */
		char m[256];
		int room = r->w - mx;
		snprintf(m, sizeof m, "%s", u->msg);
		if ((int)strlen(m) > room && room > 2) {
			m[room - 1] = 0;
			char *sp = strrchr(m, ' ');
			if (sp && sp > m)
				*sp = 0;
			strcat(m, "~");
		}
		ui_on(u->msg_warn ? UI_P_WARN : UI_P_OK, u);
		mvprintw(r->y, mx, "%.*s", room, m);
		ui_off(u->msg_warn ? UI_P_WARN : UI_P_OK, u);
	}
}
