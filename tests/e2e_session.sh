#!/bin/sh
# End to end, a class prepared and shown: `train --lesson` writes a
# session, `--resume DIR --paused` reopens the whole lesson paused with
# its numbers, q leaves every checkpoint bit for bit as it was and keeps
# the focus and pane; reopened running, w saves every run and the
# session; a bad session file or a missing run says so in one line and
# writes nothing; --paused opens a new run paused too.
# Usage: e2e_session.sh path/to/autoscope
set -eu
. "$(dirname "$0")/tui_lib.sh"

d="$work/class"
"$bin" train --lesson denoising --epochs 1 --out "$d" --quiet ||
	fail "train --lesson failed"
grep -q '^lesson denoising$' "$d/session.txt" || fail "no session.txt"
# the charts it wrote are valid XML, with a curve per run
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
for svg in "$d/chart.svg" "$d/noise-0/chart.svg"; do
	"$py" -c 'import sys, xml.etree.ElementTree as E
t = E.parse(sys.argv[1]).getroot()
n = len(t.findall("{http://www.w3.org/2000/svg}polyline"))
sys.exit(0 if n >= int(sys.argv[2]) else 1)' "$svg" \
		"$(case $svg in */noise-0/*) echo 2;; *) echo 6;; esac)" ||
		fail "$svg is not a chart"
done
sums() { md5sum "$d"/noise-*/checkpoint.ascp; }
before=$(sums)

# reopened paused: the lesson, three runs, their numbers, no training
start --resume "'$d'" --paused
wait_for "lesson denoising"
wait_for "PAUSED"
wait_re "\*1 noise 0% +1 +[0-9.]+ +0\.9[0-9]+"
wait_re "x3 noise 50% +1 +[0-9.]+ +0\.9[0-9]+"
[ "$(screen_step)" = 400 ] || fail "step $(screen_step), not 400"
# the filter history came back with the checkpoints: scrub to the start
# (the initialisation, step 0) and forward again, every run in step;
# H exports it
tm send-keys -t e2e b
wait_re "HISTORY ([0-9]+)/\1 +step 400, epoch 1"
for i in 1 2 3 4 5 6 7 8; do tm send-keys -t e2e b; done
wait_re "HISTORY 1/[0-9]+ +step 0, epoch 0"
wait_re "mask 0\.5 500h @0 1-"
tm send-keys -t e2e B
wait_re "HISTORY 2/[0-9]+"
tm send-keys -t e2e H
wait_file "$d/noise-0/frames/frames.csv"
wait_file "$d/noise-0/history.png"
grep -q '^1,frame-0001.png,0,0,0,' "$d/noise-0/frames/frames.csv" ||
	fail "frames.csv: $(cat "$d/noise-0/frames/frames.csv")"
for i in 1 2 3 4 5 6 7 8 9; do tm send-keys -t e2e B; done
wait_gone "HISTORY"
tm send-keys -t e2e Tab
tm send-keys -t e2e Tab
wait_for "run 3/3"
tm send-keys -t e2e i
sleep 1
[ "$(screen_step)" = 400 ] || fail "trained while paused"
tm send-keys -t e2e q
wait_exit 30
[ "$(sums)" = "$before" ] || fail "a paused reopen changed a checkpoint"
grep -q '^focus 2$' "$d/session.txt" || fail "focus not kept"
pane=$(sed -n 's/^view pane=\([0-9]*\).*/\1/p' "$d/session.txt")
[ -n "$pane" ] && [ "$pane" != 3 ] || fail "pane not kept ($pane)"

# reopened running: the focus is back; w saves all three and the session
new_server
rm -f "$work/exit"
start --resume "'$d'"
wait_for "run 3/3"
wait_for "RUNNING"
poll 30 "no training after the reopen" \
	sh -c "s=\$(tmux -L '$sock' capture-pane -p -t e2e |
		sed -n 's/.*  step \([0-9][0-9]*\).*/\1/p' | head -n 1);
		[ -n \"\$s\" ] && [ \"\$s\" -gt 450 ]"
touch "$work/mark"
sleep 1 # (mtimes in whole seconds on some file systems)
tm send-keys -t e2e w
wait_re "saving 3 runs; session .*session.txt"
poll 30 "w did not save all three runs" sh -c \
	"[ \$(find '$d' -name checkpoint.ascp -newer '$work/mark' | wc -l) = 3 ]"
rm -f "$d/chart.svg"
tm send-keys -t e2e e
# (its line is soon replaced by the focused run's own export message)
wait_file "$d/chart.svg"
tm send-keys -t e2e q
wait_exit 60
# the focused run trained on (the others may still have been measuring
# their numbers under a slow build): its checkpoint moved on
[ "$(md5sum < "$d/noise-50/checkpoint.ascp")" != \
  "$(echo "$before" | grep "noise-50/" | cut -d' ' -f1)  -" ] ||
	fail "noise-50 was not saved on"

# refusals: one line each, exit 2 or 1, nothing written
after=$(sums)
cp "$d/session.txt" "$work/good.txt"
msg=$("$bin" --resume "$d" --lesson pca 2>&1 >/dev/null) && fail "lesson+session"
echo "$msg" | grep -q "give one of them" || fail "said: $msg"
msg=$("$bin" train --resume "$d" 2>&1 >/dev/null) && fail "train+session"
echo "$msg" | grep -q "is a session" || fail "said: $msg"
msg=$("$bin" train --paused 2>&1 >/dev/null) && fail "train --paused"
echo "$msg" | grep -q "for the explorer" || fail "said: $msg"
printf 'autoscope-session 1\nrun noise-0 a\nfocus x\n' > "$d/session.txt"
new_server
rm -f "$work/exit"
start --resume "'$d'"
wait_status 1
grep -q "session.txt:3: focus 'x' is not a run number" "$work/err" ||
	fail "said: $(cat "$work/err")"
[ "$(wc -l < "$work/err")" = 1 ] || fail "more than one line"
printf 'autoscope-session 1\nrun gone a\n' > "$d/session.txt"
new_server
rm -f "$work/exit"
start --resume "'$d'"
wait_status 1
grep -q "run 'a': .*gone/checkpoint.ascp" "$work/err" ||
	fail "said: $(cat "$work/err")"
[ "$(sums)" = "$after" ] || fail "a refused session changed a checkpoint"

# a session whose one run is gone opens the others, saying so
printf 'autoscope-session 1\nlesson denoising\nrun gone a\nrun noise-0 noise 0%%\n' \
	> "$d/session.txt"
new_server
rm -f "$work/exit"
start --resume "'$d'" --paused
wait_for "1 run of the session left out: run 'a'"
wait_for "PAUSED"
tm send-keys -t e2e q
wait_exit 30
grep -q '^run noise-0 noise 0%$' "$d/session.txt" ||
	fail "the session left is: $(cat "$d/session.txt")"

# a lesson file: trained headless, reopened from its session with its
# notes (the session names the file); a malformed one refused in a line
cat > "$work/mine.lesson" <<'END'
lesson my-lesson
title Two small runs
paper Nobody 2026
data mnist
settings hidden=30 lr=0.1
run small | batch_size=20
run small, "untied" | tied=off
epochs 1
scores probe
look the untied run's decoder has its own filters.
END
"$bin" train --lesson "$work/mine.lesson" --out "$work/mine" --quiet ||
	fail "train --lesson FILE failed"
grep -q "^lesson-file $work/mine.lesson\$" "$work/mine/session.txt" ||
	fail "the session does not name the file"
# a caption with a comma and quotes is one CSV field (RFC 4180)
grep -q '^my-lesson,2,"small, ""untied""",1,' "$work/mine/lesson.csv" ||
	fail "lesson.csv: $(grep '^my-lesson,2' "$work/mine/lesson.csv")"
new_server
rm -f "$work/exit"
start --resume "'$work/mine'" --paused
wait_for "lesson my-lesson, from its file"
wait_for "Look: the untied run's decoder"
wait_re "\+2 small, \"untied\" +1 "
tm send-keys -t e2e q
wait_exit 30
printf 'lesson x\ntitle t\ndata mnist\nrun a | hidden=30\nrun b | tide=off\n' \
	> "$work/bad.lesson"
msg=$("$bin" --lesson "$work/bad.lesson" 2>&1 >/dev/null) && fail "bad lesson"
[ "$msg" = "autoscope: $work/bad.lesson:5: run 'b': no parameter 'tide'" ] ||
	fail "said: $msg"

# a new run with --paused starts paused
new_server
rm -f "$work/exit"
start --out "'$work/free'" --paused
wait_for "PAUSED"
sleep 1
[ "$(screen_step)" = 0 ] || fail "a --paused run trained"
# (i: the digit by parts, from the snapshot of a one-layer run)
tm send-keys -t e2e i
wait_re "held-out digit 1 of 10 by parts: (more than 64|[0-9]+) units"
wait_re "^.units "
tm send-keys -t e2e ' '
wait_for "RUNNING"
tm send-keys -t e2e q
wait_exit 30
grep -q '^run \. run 1$' "$work/free/session.txt" ||
	fail "free play's session: $(cat "$work/free/session.txt")"
echo "ok"
