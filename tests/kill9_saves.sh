#!/bin/sh
# kill -9 during saves: save_loop (tests/save_loop.c) resumes from
# DIR/checkpoint.ascp and saves after every minibatch (6 MB, fsync'd)
# until it is killed with SIGKILL at a random moment: during its start,
# right after a save, or a few ms into the loop (most land in the middle
# of a write, seen as DIR/checkpoint.ascp.tmp left behind). After every
# kill the checkpoint must load and be no older than before; after the
# last, one clean save must work and leave no *.tmp in DIR.
# Usage: kill9_saves.sh path/to/save_loop
# KILL9_ROUNDS (50) kills; KILL9_SEED replays a run's random moments.
set -eu
loop=$1
rounds=${KILL9_ROUNDS:-50}
seed=${KILL9_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
work=$(mktemp -d)
dir=$work/ck
mkdir "$dir"
pid=""
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
fail() {
	echo "FAIL (seed $seed, round ${i:-0}): $*"
	[ -s "$work/err" ] && { echo "--- save_loop stderr:"; cat "$work/err"; }
	exit 1
}
echo "seed $seed, $rounds rounds"

# one line per round: how it waits before the kill, and for how long
awk -v s="$seed" -v n="$rounds" 'BEGIN {
	srand(s)
	for (i = 0; i < n; i++) {
		r = rand()
		if (i > 0 && i % 5 == 0)
			printf "start %.3f\n", rand() * 0.03
		else if (r < 0.2)
			printf "saved 0\n"
		else
			printf "saved %.3f\n", rand() * 0.08
	}
}' >"$work/plan"

# until_saved: poll (10 s at most) until this run has saved once
until_saved() {
	end=$(($(date +%s) + 10))
	while ! grep -q saved "$work/out" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || fail "save_loop ended by itself"
		[ "$(date +%s)" -le "$end" ] || fail "save_loop never saved"
		sleep 0.005
	done
}

i=0
last=0
mid=0
while read -r how delay; do
	i=$((i + 1))
	: >"$work/out"
	"$loop" run "$dir" >"$work/out" 2>"$work/err" &
	pid=$!
	# the first round waits for a checkpoint to exist
	if [ "$how" = saved ] || [ $i -eq 1 ]; then
		until_saved
	fi
	[ "$delay" = 0 ] || sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	rc=0
	wait "$pid" 2>/dev/null || rc=$?
	pid=""
	[ $rc -eq 137 ] || fail "save_loop exited with $rc before the kill"
	# a killed save may leave checkpoint.ascp.tmp (the next save reuses
	# it), nothing else
	extra=$(find "$dir" -type f ! -name checkpoint.ascp \
		! -name checkpoint.ascp.tmp)
	[ -z "$extra" ] || fail "kill -9 left behind: $(echo "$extra" | tr "\n" " ")"
	# this run saved, and was killed with the temporary file: mid-write
	if grep -q saved "$work/out" && [ -e "$dir/checkpoint.ascp.tmp" ]; then
		mid=$((mid + 1))
	fi
	step=$("$loop" check "$dir/checkpoint.ascp" "$last" 2>"$work/err") ||
		fail "after kill -9 ($how $delay s): the checkpoint is broken"
	last=${step#step }
done <"$work/plan"

# the kills must have hit saves in progress, or nothing was tested
[ $mid -ge $((rounds / 10)) ] ||
	fail "only $mid of $rounds kills landed during a save"

# a clean run after all that: it reuses whatever the kills left
"$loop" run "$dir" 1 >"$work/out" 2>"$work/err" ||
	fail "a clean save after the kills failed"
"$loop" check "$dir/checkpoint.ascp" "$((last + 1))" >/dev/null 2>"$work/err" ||
	fail "the clean save did not load, or is not newer"
left=$(find "$dir" -type f ! -name checkpoint.ascp)
[ -z "$left" ] || fail "left after a clean save: $(echo "$left" | tr "\n" " ")"
echo "ok: $rounds kills ($mid during a save), last step $last; the" \
	"checkpoint loaded after each, no *.tmp after a clean save"
