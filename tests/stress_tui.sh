#!/bin/sh
# Stress: bursts of keys as fast as tmux can send them (every headline
# switch, panel steps, pause and single steps, paging, zoom, resizes) while
# the trainer runs. The explorer must stay up, keep the queue bounded,
# quit cleanly with q and write nothing to stderr (under ThreadSanitizer a
# data race is a report there: ./setup.sh tsan).
# Usage: stress_tui.sh path/to/autoscope
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
sock="autoscope-stress-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*"
	tm capture-pane -p -t s 2>/dev/null || true
	echo "--- stderr:"
	cat "$work/err" 2>/dev/null || true
	exit 1
}
wait_for() {
	end=$(($(date +%s) + ${2:-30}))
	while [ "$(date +%s)" -le "$end" ]; do
		tm capture-pane -p -t s 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "the screen never showed '$1'"
}

tm new-session -d -s s -x 120 -y 40 \
	"cd '$work' && TERM=tmux-256color '$bin' --out '$work/out' \
	2>'$work/err'; echo \$? > '$work/exit'"
wait_for "RUNNING"
i=0
while [ $i -lt 25 ]; do
	tm send-keys -t s c c t s S C Space n n Space j l l h k t g m \
		']' '[' '>' '<' z z C c w
	if [ $((i % 5)) -eq 0 ]; then
		tm resize-window -t s -x $((60 + i * 3)) -y $((18 + i))
	fi
	i=$((i + 1))
done
tm resize-window -t s -x 120 -y 40
wait_for "autoscope"
# whatever state the burst left, it is running or paused, never gone
wait_for "q quit"
tm send-keys -t s q
end=$(($(date +%s) + 60))
while [ ! -f "$work/exit" ] && [ "$(date +%s)" -le "$end" ]; do
	sleep 0.1
done
[ -f "$work/exit" ] || fail "q did not quit"
[ "$(cat "$work/exit")" = 0 ] || fail "exit status $(cat "$work/exit")"
[ ! -s "$work/err" ] || fail "stderr is not empty"
[ "$(head -c 8 "$work/out/checkpoint.ascp")" = "ASCKPT01" ] ||
	fail "no checkpoint after q"
echo "ok: stress session"
