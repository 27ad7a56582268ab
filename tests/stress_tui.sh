#!/bin/sh
# Stress: bursts of keys as fast as tmux can send them (every headline
# switch, panel steps, pause and single steps, paging, zoom, resizes) while
# the trainer runs; then the same with a lesson's runs side by side, forks,
# new runs, closes, focus changes and lesson switches in the burst. The
# explorer must stay up, keep the queue bounded, quit cleanly with q and
# write nothing to stderr (under ThreadSanitizer a data race is a report
# there: ./setup.sh tsan). Usage: stress_tui.sh path/to/autoscope
set -eu
. "$(dirname "$0")/tui_lib.sh"

quit_clean() {
	# whatever state the burst left, it is running or paused, never gone
	wait_for "q quit" 30
	tm send-keys -t e2e Escape q
	wait_exit 60
	[ ! -s "$work/err" ] || fail "stderr is not empty"
}

start --out "'$work/out'"
wait_for "RUNNING"
i=0
while [ $i -lt 25 ]; do
	tm send-keys -t e2e c c t s S C Space n n Space j l l h k t g m \
		']' '[' '>' '<' z z C c w
	if [ $((i % 5)) -eq 0 ]; then
		tm resize-window -t e2e -x $((60 + i * 3)) -y $((18 + i))
	fi
	i=$((i + 1))
done
tm resize-window -t e2e -x 120 -y 40
quit_clean
[ "$(head -c 8 "$work/out/checkpoint.ascp")" = "ASCKPT01" ] ||
	fail "no checkpoint after q"

# runs side by side: forks, new runs and closes in bursts (on a new
# tmux server: the last one may still be closing its session)
tm kill-server 2>/dev/null || true
rm -f "$work/exit" "$work/err"
start --lesson denoising --out "'$work/out2'"
wait_for "RUNNING"
i=0
while [ $i -lt 12 ]; do
	tm send-keys -t e2e f Tab c N 2 x Tab Space f i z z 3 s t x 1 i \
		Space n '>' ']' p
	if [ $((i % 4)) -eq 0 ]; then
		tm resize-window -t e2e -x $((70 + i * 5)) -y $((20 + i))
	fi
	if [ $i -eq 6 ]; then
		tm send-keys -t e2e L 3 Enter
	fi
	i=$((i + 1))
done
tm resize-window -t e2e -x 120 -y 40
quit_clean
echo "ok: stress session"
