# Shared by the tmux end-to-end scripts (sourced, not run): the binary,
# a scratch directory, a private tmux server and session "e2e", and
# polling helpers that read the screen with capture-pane. The caller sets
# $1 (the binary) before sourcing and starts the session itself.
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
sock="autoscope-$(basename "$0" .sh)-$$"

tm() { tmux -L "$sock" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
screen() { tm capture-pane -p -t e2e 2>/dev/null || true; }
fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	screen
	[ -f "$work/err" ] && { echo "--- stderr:"; cat "$work/err"; }
	exit 1
}
# wait_for TEXT [seconds] (fixed text), wait_re PATTERN [seconds] (an
# extended regular expression): poll the screen until a line matches
wait_match() {
	end=$(($(date +%s) + $3))
	while [ "$(date +%s)" -le "$end" ]; do
		screen | grep -q"$1" -- "$2" && return 0
		sleep 0.1
	done
	fail "the screen never showed '$2'"
}
wait_for() { wait_match F "$1" "${2:-20}"; }
wait_re() { wait_match E "$1" "${2:-30}"; }
wait_gone() {
	end=$(($(date +%s) + ${2:-10}))
	while [ "$(date +%s)" -le "$end" ]; do
		screen | grep -qE -- "$1" || return 0
		sleep 0.1
	done
	fail "the screen still shows '$1'"
}
# wait_file PATH [seconds]: poll until the file exists
wait_file() {
	end=$(($(date +%s) + ${2:-20}))
	while [ "$(date +%s)" -le "$end" ]; do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	fail "no $1"
}
# start ARGS...: the explorer in session e2e at 120x40, its stderr and
# exit status kept in $work; wait_exit [seconds] waits for it to end
start() {
	tm new-session -d -s e2e -x 120 -y 40 \
		"cd '$work' && TERM=tmux-256color '$bin' $* \
		2>'$work/err'; echo \$? > '$work/exit'"
}
wait_exit() {
	end=$(($(date +%s) + ${1:-20}))
	while [ ! -f "$work/exit" ] && [ "$(date +%s)" -le "$end" ]; do
		sleep 0.1
	done
	[ -f "$work/exit" ] || fail "it did not quit"
	[ "$(cat "$work/exit")" = 0 ] || fail "exit status $(cat "$work/exit")"
}
# start_tracked ARGS...: as start, but the explorer's own pid is written
# to $work/pid (it is exec'd by the shell that wrote it) and the pane
# stays after it exits (sleep holds it until the server is killed: cat
# would read what was typed after, and end at a Ctrl-D), so its closing
# lines and the terminal's state can be read
start_tracked() {
	rm -f "$work/exit" "$work/pid"
	tm new-session -d -s e2e -x 120 -y 40 \
		"cd '$work' && TERM=tmux-256color sh -c \
		'echo \$\$ > \"$work/pid\"; exec \"\$0\" \"\$@\"' '$bin' $* \
		2>'$work/err'; echo \$? > '$work/exit'; exec sleep infinity"
	wait_file "$work/pid"
}
# wait_status STATUS [seconds]: as wait_exit, for this exit status
wait_status() {
	end=$(($(date +%s) + ${2:-20}))
	while [ ! -f "$work/exit" ] && [ "$(date +%s)" -le "$end" ]; do
		sleep 0.1
	done
	[ -f "$work/exit" ] || fail "it did not quit"
	[ "$(cat "$work/exit")" = "$1" ] ||
		fail "exit status $(cat "$work/exit"), expected $1"
}
# poll SECONDS WHAT COMMAND...: runs COMMAND until it succeeds; after
# SECONDS, fails saying WHAT never happened
poll() {
	end=$(($(date +%s) + $1))
	what=$2
	shift 2
	until "$@"; do
		[ "$(date +%s)" -le "$end" ] || fail "$what"
		sleep 0.1
	done
}
# screen_step: the step on the status line of the screen now (or empty)
screen_step() {
	screen | sed -n 's/.*  step \([0-9][0-9]*\).*/\1/p' | head -n 1
}
# new_server: kills this script's tmux server and moves to a fresh socket
# (a new session on the old one can meet the old server on its way out:
# "server exited unexpectedly")
new_server() {
	tm kill-server 2>/dev/null || true
	nserver=$((${nserver:-0} + 1))
	sock="autoscope-$(basename "$0" .sh)-$$-$nserver"
}
