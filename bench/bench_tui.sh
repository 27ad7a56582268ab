#!/bin/sh
# bench_tui: what the explorer costs the training it shows.
#
# In one run, on the default step (784-500, tied, 25% mask, batch 20, one
# OpenBLAS thread), it measures
#   - training examples per second of `autoscope train` (headless) and of
#     the explorer running in a pseudo-terminal (a detached tmux, 120x40
#     and 200x60, where the pictures are at full resolution), both from
#     the examples and running time in their log.csv, and prints the
#     ratios (the explorer may cost at most 5%).
# The time to the first frame is bench/first_frame.c (no tmux in between).
# Usage: bench/bench_tui.sh path/to/autoscope [seconds, default 8]
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
secs=${2:-8}
work=$(mktemp -d)
sock="autoscope-bench-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

# examples / running time of the last row of a log.csv
rate() {
	awk -F, 'NR > 1 { ex = $3; t = $6 } END { printf "%.0f", ex / t }' "$1"
}

# headless: about the same amount of training
(cd "$work" && timeout -s INT "$secs" "$bin" train --epochs 1000 \
	--probe off --quiet --out "$work/headless" >/dev/null 2>&1) || true
headless=$(rate "$work/headless/log.csv")

echo "headless training:     $headless examples/s"
for size in 120x40 200x60; do
	tm new-session -d -s b -x "${size%x*}" -y "${size#*x}" \
		"cd '$work' && TERM=tmux-256color '$bin' --out '$work/tui-$size'"
	sleep "$secs"
	tm send-keys -t b q
	while tm has-session -t b 2>/dev/null; do sleep 0.1; done
	tui=$(rate "$work/tui-$size/log.csv")
	echo "with the explorer at $size: $tui examples/s"
	awk -v a="$tui" -v b="$headless" -v s="$size" \
		'BEGIN { printf "ratio explorer/headless at %s: %.3f\n", s, a / b }'
done
