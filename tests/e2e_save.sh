#!/bin/sh
# End to end, what the reliability review found in the explorer: q saves
# even when keys pressed during a long command filled the command queue;
# two quick presses of space leave the run running (toggles go by the
# trainer's own state, not the last frame); ] pressed past the last page
# of filters stays on it, so the first [ goes back.
# Usage: e2e_save.sh path/to/autoscope
set -eu
. "$(dirname "$0")/tui_lib.sh"

start --out "'$work/out'" --seed 5
wait_for "RUNNING"
wait_re "filters: rows of W, 1-[0-9]+ of 500 \(page 1/[0-9]+"

# paging: presses of ] past the last page end on it; one [ goes back one
pages=$(screen | sed -n 's/.*(page 1\/\([0-9]*\),.*/\1/p' | head -n 1)
[ -n "$pages" ] && [ "$pages" -gt 1 ] || fail "expected pages, saw '$pages'"
i=0
while [ $i -lt $((pages + 5)) ]; do
	tm send-keys -t e2e ']'
	i=$((i + 1))
done
wait_for "(page $pages/$pages"
tm send-keys -t e2e '['
wait_for "(page $((pages - 1))/$pages" 3

# two presses of space in one burst: paused, then running again
tm send-keys -t e2e Space Space
wait_re "running at step [0-9]+"
wait_for "RUNNING"
tm send-keys -t e2e Space
wait_for "PAUSED"
tm send-keys -t e2e Space Space Space
wait_for "RUNNING"

# probes (each a second or more) and 200 keys behind them: the 64-slot
# queue overflows ('busy'); q must still save
tm send-keys -t e2e p p p
keys=""
i=0
while [ $i -lt 200 ]; do
	keys="$keys c"
	i=$((i + 1))
done
# shellcheck disable=SC2086
tm send-keys -t e2e $keys
wait_for "busy"
tm send-keys -t e2e q
wait_exit 60
[ "$(head -c 8 "$work/out/checkpoint.ascp" 2>/dev/null)" = "ASCKPT01" ] ||
	fail "no checkpoint after q behind a full command queue"
"$bin" train --resume "$work/out/checkpoint.ascp" --epochs 1 --quiet \
	--probe off --out "$work/again" ||
	fail "the checkpoint written by q does not load"
echo "ok: saves, toggles and paging"
