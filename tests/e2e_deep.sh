#!/bin/sh
# End to end, a deep run in the explorer: the title names the stage, o
# moves it on (the trainer records it), y shows a deeper layer's filters
# in pixel space, i the layers pane, O goes back; q saves a checkpoint
# that resumes in the stage it was left in.
# Usage: e2e_deep.sh path/to/autoscope
set -eu
. "$(dirname "$0")/tui_lib.sh"

start --out "'$work/out'" --layers 40-20-10 --pretrain ae \
	--pretrain-epochs 0 --finetune recon
wait_for "RUNNING"
wait_re "784-40-20-10 tied, layer 1 of 3 \(ae\)"
# pretraining epochs 0: the first stage lasts until moved on
tm send-keys -t e2e o
wait_re "stage: 0 -> 1 at step [0-9]+"
wait_re "layer 2 of 3 \(ae\)"
tm send-keys -t e2e o o
wait_re "fine-tuning \(recon\)"
# past the last stage: refused with a word, nothing sent
tm send-keys -t e2e o
wait_re "the last stage: fine-tuning goes on until you stop"
# the deeper layers' filters, projected into pixels
tm send-keys -t e2e y
wait_re "layer 2 in pixels: rows of W2 W1, 1-[0-9]+ of 20"
tm send-keys -t e2e y
wait_re "layer 3 in pixels: W3 W2 W1, 1-[0-9]+ of 10"
tm send-keys -t e2e y
wait_re "layer 1 filters: rows of W1, 1-[0-9]+ of 40"
# the layers pane: every layer training while the stack fine-tunes
tm send-keys -t e2e i
wait_re "layers: fine-tuning \(recon\)"
wait_re ">3 +10 +sig "
# back a stage, then quit: the checkpoint is in that stage
tm send-keys -t e2e O
wait_re "stage: 3 -> 2 at step [0-9]+"
tm send-keys -t e2e q
wait_exit 20
[ "$(cat "$work/exit")" = 0 ] || fail "q exited $(cat "$work/exit")"
"$bin" train --resume "$work/out/checkpoint.ascp" --epochs 1 --quiet \
	--pretrain-epochs 1 \
	--out "$work/again" --probe off 2>"$work/err" ||
	fail "the checkpoint does not resume"
grep -aq '^!layers=40-20-10$' "$work/out/checkpoint.ascp" ||
	fail "no critical layers line in the checkpoint"
grep -aq '^stage=2$' "$work/out/checkpoint.ascp" ||
	fail "the checkpoint is not in stage 2"
# resumed headless with a pretraining length, it goes on to fine-tuning
grep -aq '^stage=3$' "$work/again/checkpoint.ascp" ||
	fail "the resumed run did not reach fine-tuning"
echo "ok: e2e deep run"
