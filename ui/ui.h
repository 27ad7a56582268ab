/* ui: the explorer, a full-screen ncurses front end over a trainer thread.
 *
 * Owns: the screen, the keys and the views; reads only snapshots and
 * talks to the trainer only through its command queue. */
#ifndef AUTOSCOPE_UI_H
#define AUTOSCOPE_UI_H

struct cli_opts;

/* Runs the explorer; returns the process exit status. */
int ui_main(struct cli_opts *o);

#endif
