#!/bin/sh
# End to end: lessons and side-by-side runs in the real explorer, in a
# detached tmux at 120x40, driven with keys and read back with
# capture-pane: the lesson menu starts a lesson's three runs, their numbers
# appear after the first epoch, Tab moves the focus, f forks the focused
# run and the fork trains on under its own setting, x closes it (saving
# it), a second lesson replaces the first, the terminal shrinks to 80x24
# and back, and q saves every run. Usage: e2e_lesson.sh path/to/autoscope
set -eu
. "$(dirname "$0")/tui_lib.sh"

# a bad lesson name is refused before the terminal is touched
if "$bin" --lesson nope --out "$work/bad" 2>"$work/bad.err"; then
	fail "--lesson nope was accepted"
fi
grep -q "no lesson 'nope'" "$work/bad.err" || fail "no one-line refusal"
[ ! -e "$work/bad" ] || fail "a refused start wrote $work/bad"

start --out "'$work/out'"
wait_re "RUNNING"

# the menu lists the seven lessons; 1 Enter starts the first
tm send-keys -t e2e L
wait_re "lessons \(Enter starts, Esc closes\)"
wait_re "7 hashing"
tm send-keys -t e2e 1 Enter
wait_re "lesson denoising \|"
wait_re "\*1 noise 0%"
wait_re "\+2 noise 25%"
wait_re "x3 noise 50%"
wait_re "lesson 1/[0-9]+ denoising"
# side by side: three filter grids, one chart key, each run's numbers
wait_re "mask 0\.25 500h"
wait_re "\*1 noise 0%  \+2 noise 25%  x3 noise 50%"
wait_re "\*1 noise 0% +[0-9]+ +[0-9.]+ +0\.9[0-9]+" 60
wait_re "x3 noise 50% +[0-9]+ +[0-9.]+ +0\.9[0-9]+" 60

# Space pauses every run at once, and starts them again
tm send-keys -t e2e Space
wait_re "PAUSED +run 1/3"
tm send-keys -t e2e Tab
wait_re "PAUSED +run 2/3"
tm send-keys -t e2e Space
wait_re "RUNNING +run 2/3"
tm send-keys -t e2e 3
wait_re "RUNNING +run 3/3"

# focus run 2, fork it, change the fork's noise
tm send-keys -t e2e 2
wait_re "run 2 noise 25% \(Tab\)"
tm send-keys -t e2e f
wait_re "run 4 is a fork of run 2"
wait_re "#4 noise 25% f"
wait_re "run 4 noise 25% fork \(Tab\)"
tm send-keys -t e2e c
wait_re "1 corruption_level 0\.25>0\.3"
wait_re "corruption +0\.3 "

# the lower pane cycles to the focused run's digits, a digit by parts,
# its units dialled and back
tm send-keys -t e2e i
wait_re "held-out digits"
tm send-keys -t e2e i
wait_re "held-out digit 1 of 10 by parts"
tm send-keys -t e2e i
wait_re "digit 1 of 10: its largest units dialled from 0 to 1"
wait_re "unit [0-9]+ +▀"
tm send-keys -t e2e i
wait_re "lesson 1/[0-9]+ denoising"

# the smallest terminal still draws every run; back to full size
tm resize-window -t e2e -x 80 -y 24
wait_re "run 4 noise 25% fork \(Tab\)"
wait_re "RUNNING +run 4/4"
# the notes alone there: PgDn scrolls them by five rows, PgUp back
for i in 1 2 3 4 5 6 7 8 9 10; do
	tm send-keys -t e2e v
	sleep 0.3
	tm capture-pane -p -t e2e | sed -n 2p |
		grep -q "lesson 1/[0-9]* denoising" && break
done
wait_re "Vincent, Larochelle, Bengio"
tm send-keys -t e2e NPage
wait_gone "Vincent, Larochelle, Bengio"
wait_re "Try: f on the 0% run"
tm send-keys -t e2e PPage
wait_re "Vincent, Larochelle, Bengio"
tm send-keys -t e2e Escape
tm resize-window -t e2e -x 120 -y 40
wait_re "lesson 1/[0-9]+ denoising"

# x closes the focused fork, saving it
tm send-keys -t e2e x
wait_re "closed noise 25% fork: saved"
wait_gone "#4 noise 25% fork"
[ -f "$work/out/denoising/noise-25-fork/checkpoint.ascp" ] ||
	fail "the closed fork left no checkpoint"
# a second fork of run 2 gets a new name and directory: the closed one's
# files stay as they were saved
cp "$work/out/denoising/noise-25-fork/checkpoint.ascp" "$work/kept.ascp"
tm send-keys -t e2e 2 f
wait_re "run 4 is a fork of run 2"
wait_re "run 4 noise 25% fork 2 [─q]"
cmp -s "$work/kept.ascp" "$work/out/denoising/noise-25-fork/checkpoint.ascp" ||
	fail "the second fork wrote over the first one's checkpoint"

# another lesson from the menu replaces these runs (they are saved)
tm send-keys -t e2e L 5 Enter
wait_re "lesson codes \|"
wait_re "raw pixels, PCA"
wait_re "\+2 one layer 2-D"
for r in noise-0 noise-25 noise-50 noise-25-fork-2; do
	[ -f "$work/out/denoising/$r/checkpoint.ascp" ] ||
		fail "lesson switch did not save $r"
done
# the second fork saved into its own directory, the first one's file is
# as it was
cmp -s "$work/kept.ascp" "$work/out/denoising/noise-25-fork/checkpoint.ascp" ||
	fail "the second fork wrote over the first one's checkpoint"

# capacity's lesson view: the random dots and a run's rebuild of them,
# with every run's R2noise once measured (after an epoch)
tm send-keys -t e2e L 3 Enter
wait_re "lesson capacity \|"
wait_re "random dots rebuilt \(R2noise"
wait_re "the dots"
wait_re "R2noise: \*1 -?[0-9.]+ +\+2 -?[0-9.]+ +x3 -?[0-9.]+ +#4 -?[0-9.]+" 90

# hashing's lesson view: a held-out digit, its Hamming and its pixel
# neighbours at a readable size (14 px or more) with their scores; > the
# next digit
tm send-keys -t e2e L 7 Enter
wait_re "lesson hashing \|"
wait_re "precision@10 Hamming 0\.[0-9]+, pixels 0\.[0-9]+" 60
wait_re "^.[^ ]+ +Hamming "
wait_re "^. +pixels "
wait_re "^. +[0-9]+/10 "
wait_re "^.1/24 "
tm send-keys -t e2e '>'
wait_re "^.2/24 "

# the same lesson again goes to a new directory
tm send-keys -t e2e L 5 Enter
wait_file "$work/out/codes-2/deep-2-d/log.csv"
wait_file "$work/out/codes/deep-2-d/checkpoint.ascp"

tm send-keys -t e2e q
wait_exit 30
for r in deep-2-d one-layer-2-d; do
	[ "$(head -c 8 "$work/out/codes-2/$r/checkpoint.ascp")" = "ASCKPT01" ] ||
		fail "no checkpoint for $r after q"
done

# DrLIM's shift lesson: the mapping named in the header, the scatter's
# key of shifts, (no decoder) the digits view as the map, each run saved
# by q
rm -f "$work/exit"
start --lesson drlim-shift --out "'$work/out2'"
wait_re "DrLIM mapping 784-50-2, linear code, margin 1, Euclidean pairs"
wait_re "colour = shift: 0 -6 -3 \+3 \+6" 60
tm send-keys -t e2e i
wait_re "held-out digits at their places on the map" 30
tm send-keys -t e2e q
wait_exit 30
for r in euclidean-pairs shifts-declared; do
	[ "$(head -c 8 "$work/out2/drlim-shift/$r/checkpoint.ascp")" = \
		"ASCKPT01" ] || fail "no checkpoint for $r after q"
done
echo "ok: e2e lessons and side-by-side runs"
