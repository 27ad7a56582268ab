#!/bin/sh
# SIGTERM and SIGHUP in the explorer with a lesson's four runs on screen
# (--lesson capacity): every run is saved (four checkpoint.ascp under
# OUT/capacity/<run>/ that load), the process ends. After SIGTERM: exit
# status 143, the terminal given back (tmux: alternate screen off, cursor
# visible) and the closing lines, one per run, on it. SIGHUP: the tmux
# session is killed under it (the terminal closes); the four checkpoints
# appear and the process is gone within a deadline.
# Usage: e2e_signals.sh path/to/autoscope path/to/save_loop
set -eu
. "$(dirname "$0")/tui_lib.sh"
# a timeout's TERM (or ^C) still unmounts and stops what was started
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
loop=$2
runs="30-units 1000-units 1000-noise 1000-sparse"

# saved_all DIR: the four checkpoints exist and load (save_loop check)
saved_all() {
	for r in $runs; do
		"$loop" check "$1/capacity/$r/checkpoint.ascp" \
			>/dev/null 2>&1 || return 1
	done
}

# SIGTERM
start_tracked --lesson capacity --out "'$work/out'"
pid=$(cat "$work/pid")
wait_for "RUNNING" 30
wait_for "#4 1000 + sparse" 30
kill -TERM "$pid"
wait_status 143 60
[ ! -s "$work/err" ] || fail "stderr after SIGTERM: $(cat "$work/err")"
kill -0 "$pid" 2>/dev/null && fail "pid $pid still runs after it said its exit status"
[ "$(tm display -p -t e2e '#{alternate_on}')" = 0 ] ||
	fail "the terminal is left on the alternate screen"
[ "$(tm display -p -t e2e '#{cursor_flag}')" = 1 ] ||
	fail "the cursor is left hidden"
n=$(screen | grep -c '^autoscope: .*: saved .*/checkpoint\.ascp (step [0-9]*)$' ||
	true)
[ "$n" -eq 4 ] || fail "expected 4 closing lines 'autoscope: RUN: saved ...', saw $n"
for r in $runs; do
	"$loop" check "$work/out/capacity/$r/checkpoint.ascp" >/dev/null \
		2>"$work/err" || fail "after SIGTERM: run $r: $(cat "$work/err")"
done
"$bin" train --resume "$work/out/capacity/30-units/checkpoint.ascp" \
	--epochs 1 --quiet --probe off --out "$work/again" 2>"$work/err" ||
	fail "the 30-units checkpoint saved on SIGTERM does not resume"

# SIGHUP: the terminal goes away under it
new_server
rm -f "$work/exit" "$work/err"
start_tracked --lesson capacity --out "'$work/out2'"
pid=$(cat "$work/pid")
wait_for "RUNNING" 30
wait_for "#4 1000 + sparse" 30
tm kill-session -t e2e
gone() { ! kill -0 "$pid" 2>/dev/null; }
poll 60 "pid $pid still runs 60 s after its terminal closed" gone
poll 10 "not every run saved after SIGHUP" saved_all "$work/out2"
[ ! -s "$work/err" ] || fail "stderr after SIGHUP: $(cat "$work/err")"
echo "ok: SIGTERM and SIGHUP save the four runs"
