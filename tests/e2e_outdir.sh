#!/bin/sh
# Faults of the output directory. Read-only (a tmpfs mounted ro, which
# stops root too): `autoscope train --out` and the explorer's --out there,
# or a level below it that does not exist yet, or a lesson, stop with one
# line on stderr naming the reason and exit 1. Full (a tmpfs of 400 KB:
# one checkpoint of a 784-20 model, 290 KB, fits; a second save, written
# beside the first before it replaces it, does not): w says "save failed"
# on the message line and training goes on; q says the save failed and
# exits 1; the first checkpoint is still there byte for byte, loads and
# resumes; no temporary file is left. The same q on a tmpfs too small for
# any checkpoint. Needs root for the mounts (exit 77, skipped, without).
# Usage: e2e_outdir.sh path/to/autoscope
set -eu
. "$(dirname "$0")/tui_lib.sh"
# a timeout's TERM (or ^C) still unmounts and stops what was started
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mounts=""
cleanup() {
	tm kill-server 2>/dev/null || true
	for m in $mounts; do
		# the explorer, hung up on, may still be closing its files
		k=0
		while ! umount "$m" 2>/dev/null && [ $k -lt 50 ]; do
			sleep 0.1
			k=$((k + 1))
		done
		mountpoint -q "$m" && umount -l "$m"
	done
	rm -rf "$work"
}
# tmpfs DIR OPTIONS: a fresh tmpfs on DIR, unmounted on exit
tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "$2" tmpfs "$1" || return 1
	mounts="$1 $mounts"
}
if ! tmpfs "$work/probe" ro,size=64k 2>"$work/why"; then
	echo "skipped: cannot mount a tmpfs ($(id -un):" \
		"$(head -n 1 "$work/why")); the read-only and full-disk" \
		"checks need one"
	exit 77
fi

# one_line FILE PATTERN: FILE is one line, "autoscope: ..." matching it
one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] ||
		fail "expected one line on stderr, got: $(cat "$1")"
	grep -qE "^autoscope: .*$2" "$1" ||
		fail "the error does not say '$2': $(cat "$1")"
}

ro=$work/ro
tmpfs "$ro" ro,size=64k

# (a) headless: the directory, a missing level under it, a lesson
for out in "$ro" "$ro/a/b" ; do
	rc=0
	"$bin" train --hidden 10 --epochs 1 --quiet --out "$out" \
		>"$work/stdout" 2>"$work/err" || rc=$?
	[ $rc -eq 1 ] || fail "train --out $out: exit status $rc, expected 1"
	one_line "$work/err" "Read-only file system"
done
rc=0
"$bin" train --lesson capacity --epochs 1 --quiet --out "$ro" \
	>"$work/stdout" 2>"$work/err" || rc=$?
[ $rc -eq 1 ] || fail "train --lesson --out read-only: exit status $rc"
one_line "$work/err" "Read-only file system"

# (b) the explorer: it says so before it takes the terminal
for args in "--out '$ro'" "--out '$ro/a/b'" "--lesson capacity --out '$ro'"
do
	new_server
	rm -f "$work/exit" "$work/err"
	start "$args"
	wait_status 1 20
	one_line "$work/err" "Read-only file system"
done
[ -z "$(ls -A "$ro")" ] || fail "something was written to $ro"

# (c) full: the first save fits, the second does not
full=$work/full
tmpfs "$full" size=400k
new_server
rm -f "$work/exit" "$work/err"
# (no filter history: its frames would make the checkpoint's size depend
# on how long the run has trained)
start_tracked --hidden 20 --history-mb 0 --out "'$full'"
wait_for "RUNNING"
tm send-keys -t e2e w
wait_for "saved $full/checkpoint.ascp"
cp "$full/checkpoint.ascp" "$work/first.ascp"
tm send-keys -t e2e w
wait_for "save failed: $full/checkpoint.ascp"
# the run goes on
before=$(screen_step)
[ -n "$before" ] || fail "no step on the status line"
step_past() { now=$(screen_step); [ -n "$now" ] && [ "$now" -gt "$before" ]; }
poll 20 "training stopped after the failed save (step $before)" step_past
wait_for "RUNNING"
tm send-keys -t e2e q
wait_status 1 30
wait_for "autoscope: save failed: $full/checkpoint.ascp"
cmp -s "$full/checkpoint.ascp" "$work/first.ascp" ||
	fail "the checkpoint saved first was changed by the failed saves"
left=$(find "$full" -name '*.tmp*')
[ -z "$left" ] || fail "left after the failed saves: $left"
"$bin" train --resume "$full/checkpoint.ascp" --epochs 1 --quiet \
	--probe off --out "$work/again" ||
	fail "the checkpoint saved before the disk filled does not load"

# q on a disk too small for any checkpoint: no file, no temporary
tiny=$work/tiny
tmpfs "$tiny" size=64k
new_server
rm -f "$work/exit" "$work/err"
start_tracked --hidden 20 --out "'$tiny'"
wait_for "RUNNING"
tm send-keys -t e2e q
wait_status 1 30
wait_for "autoscope: save failed: $tiny/checkpoint.ascp"
left=$(find "$tiny" -name 'checkpoint.ascp*')
[ -z "$left" ] || fail "left on the full disk: $left"
echo "ok: read-only and full output directories"
