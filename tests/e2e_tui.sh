#!/bin/sh
# End to end: the real explorer in a detached tmux at 120x40, driven with
# keys as a person would, read back with capture-pane. Checks that the
# panel, the change markers and the status show each change, that the
# trainer applied it (the CSV log it writes records the new values), that
# a resize below the minimum and back keeps it alive, and that q saves a
# checkpoint. Usage: e2e_tui.sh path/to/autoscope
set -eu
. "$(dirname "$0")/tui_lib.sh"

# csv_has NAME=VALUE...: some row of the log has all these values
csv_has() {
	awk -F, -v want="$*" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{
			n = split(want, kv, " "); ok = 1
			for (k = 1; k <= n; k++) {
				split(kv[k], p, "=")
				if ($(col[p[1]]) != p[2]) ok = 0
			}
			if (ok) found = 1
		}
		END { exit !found }' "$work/out/log.csv" 2>/dev/null
}
wait_csv() {
	end=$(($(date +%s) + 20))
	while [ "$(date +%s)" -le "$end" ]; do
		csv_has "$@" && return 0
		sleep 0.2
	done
	fail "log.csv never recorded $*"
}

start --out "'$work/out'" --seed 3

wait_for "RUNNING"
wait_for "corruption     0.25"
wait_for "held-out digits: clean / corrupted / reconstructed"
wait_for "loss per example"

# the three headline switches: corruption, tied, sparsity weight
tm send-keys -t e2e c
wait_for "mask 0.30"
wait_for "1 corruption_level 0.25>0.3"
tm send-keys -t e2e t
wait_for "784-500 untied"
wait_for "2 tied on>off"
tm send-keys -t e2e j j Enter
wait_for "sparsity       = _"
tm send-keys -t e2e 0.1 Enter
wait_for "sparsity       0.1"
wait_for "3 sparsity_weight 0>0.1"
wait_csv corruption_level=0.3 tied=off sparsity_weight=0.1

# a mouse click (xterm's report: ESC [ M, button+32, x+33, y+33) on the
# panel's "tied" row at (90, 27) selects it
tm send-keys -t e2e -l "$(printf '\033[M {<')"
tm send-keys -t e2e Enter
wait_for "tied           = _"
tm send-keys -t e2e Escape
wait_for "tied           off"

# a value out of range is refused with a message and changes nothing
tm send-keys -t e2e k k k k Enter 7 Enter
wait_for "refused"
wait_for "corruption     0.3"

# pause, resize below the minimum and back, help
tm send-keys -t e2e Space
wait_for "PAUSED"
tm resize-window -t e2e -x 60 -y 20
wait_for "enlarge the terminal"
tm resize-window -t e2e -x 120 -y 40
wait_for "PAUSED"
wait_for "controls"
tm send-keys -t e2e '?'
wait_re "keys \((PgDn PgUp: pages, any other|any) key closes\)"
wait_for "tie / untie the weights"
tm send-keys -t e2e x
wait_gone "key closes\)"

# q saves a checkpoint first and gives the terminal back
tm send-keys -t e2e q
wait_exit 20
[ "$(head -c 8 "$work/out/checkpoint.ascp")" = "ASCKPT01" ] ||
	fail "no checkpoint after q"
# and the saved run loads again (already past epoch 1: nothing to train)
"$bin" train --resume "$work/out/checkpoint.ascp" --epochs 1 --quiet \
	--probe off --out "$work/again" ||
	fail "the checkpoint written by q does not load"
[ -f "$work/again/filters.png" ] || fail "no filters.png from the resume"
echo "ok: e2e explorer session"
