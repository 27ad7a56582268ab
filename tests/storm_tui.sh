#!/bin/sh
# A key storm in the explorer: random bytes and keys for STORM_SECONDS
# (20) at random sizes, then q. The storm has every printable key (the
# explorer's own keys weighted up, so forks, new runs, closes, the lesson
# menu, focus, zoom, paging, probes and saves all happen), control
# characters, named keys (F1-F12, arrows, PgUp PgDn Home End Insert
# Delete, with modifiers), escape sequences whole, cut short or made up,
# bytes that are not UTF-8, and xterm mouse reports in the X10 form
# (ESC [ M b x y, random bytes) and the SGR form (ESC [ < b ; x ; y M/m),
# with tmux resizes between bursts (80x24, 120x40, 200x60, 20x5, 1x1 and
# odd sizes). A lesson with several runs is opened after the first round.
# Never sent: q (it quits, also from the help overlay: the storm must not
# end early), Ctrl-C (ends the explorer by design, saving first: the
# signal tests cover it), Ctrl-Z and Ctrl-\ (the terminal stops or kills
# any program on them: nothing to test), Ctrl-S (XON/XOFF flow control
# would freeze the terminal's output until Ctrl-Q).
# Before the storm, typed values in the prompt (Enter): random text, NaN,
# infinities, overflow, out of range, blanks, backspaces; each must be
# refused with its message. Every ~300 keys the storm waits at a barrier
# (120x40, Escape, select the first control, Enter, type #B and its
# number: the prompt must show it, so every key before it was read); the
# explorer must never exit during the storm. At the end q: exit status 0 (or 1 with a "save
# failed" line), nothing on stderr, every run on screen saved (a closing
# line each, and each checkpoint loads). STORM_SEED replays a storm.
# Usage: storm_tui.sh path/to/autoscope path/to/save_loop
set -eu
. "$(dirname "$0")/tui_lib.sh"
# a timeout's TERM (or ^C) still unmounts and stops what was started
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
loop=$2
seconds=${STORM_SECONDS:-20}
seed=${STORM_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
sizes=${STORM_SIZES:-"80x24 120x40 200x60 20x5 1x1 81x25 79x23 133x41 \
100x30 2x2 300x90 40x12 80x23 79x24 24x80 160x48"}
echo "storm: seed $seed, $seconds s, sizes $sizes"
fail() {
	echo "FAIL (STORM_SEED=$seed, line ${line_no:-0} of the plan): $*"
	echo "--- screen:"
	screen
	[ -f "$work/err" ] && { echo "--- stderr:"; cat "$work/err"; }
	[ -f "$work/exit" ] && echo "--- exit status: $(cat "$work/exit")"
	# still running (stuck?): where its threads are
	p=$(cat "$work/pid" 2>/dev/null || true)
	if [ -n "$p" ] && kill -0 "$p" 2>/dev/null && command -v gdb >/dev/null
	then
		echo "--- threads of pid $p:"
		timeout 60 gdb -p "$p" -batch -ex "thread apply all bt 12" \
			2>/dev/null | grep -E '^(Thread|#)' | head -n 150
	fi
	exit 1
}

# the plan: one action a line. H: raw bytes (hex), K: tmux key names,
# R: resize, B: barrier.
awk -v seed="$seed" -v sizes="$sizes" 'function hx(b) {
	# never q, Ctrl-C, Ctrl-S, Ctrl-Z, Ctrl-\ (see above)
	if (b == 113 || b == 3 || b == 19 || b == 26 || b == 28)
		b = 32
	return sprintf(" %02x", b)
}
function r(n) { return int(rand() * n) }
function chars(s, i, o) {
	o = ""
	for (i = 1; i <= length(s); i++)
		o = o hx(ord[substr(s, i, 1)])
	return o
}
function num(o) {
	if (rand() < 0.05)
		return "99999999999999999999"
	return r(1000) ""
}
function token(p, o, k) {
	p = rand()
	if (p < 0.35)
		return chars(substr(bound, 1 + r(length(bound)), 1))
	if (p < 0.48)
		return hx(32 + r(95))
	if (p < 0.56)
		return hx(rand() < 0.9 ? r(32) : 127)
	if (p < 0.64) {
		k = r(4)
		if (k == 0) return hx(128 + r(128))
		if (k == 1) return " c3 a9"
		if (k == 2) return " e2 96" hx(128 + r(64))
		return " e2 96"
	}
	if (p < 0.76) {
		k = r(5)
		if (k == 0) return " 1b"
		if (k == 1) return " 1b 5b"
		if (k == 2) return " 1b 4f" hx(64 + r(63))
		o = " 1b 5b"
		if (rand() < 0.6) o = o chars(num())
		if (rand() < 0.4) o = o chars(";" num())
		if (k == 3) return o
		return o hx(rand() < 0.5 ? ord[substr("ABCDFHPQRS~", 1 + r(11), 1)] : 64 + r(63))
	}
	if (p < 0.90) {
		o = " 1b 5b 4d"
		k = r(10)
		o = o hx(k < 8 ? ord[substr(" !\"#@A`a", 1 + k, 1)] : r(256))
		if (rand() < 0.7)
			return o hx(33 + r(200)) hx(33 + r(80))
		return o hx(r(256)) hx(r(256))
	}
	o = " 1b 5b 3c" chars(r(100) ";" num() ";" num())
	return o chars(rand() < 0.5 ? "M" : "m")
}
BEGIN {
	srand(seed)
	for (i = 32; i < 127; i++)
		ord[sprintf("%c", i)] = i
	# the explorer keys, Enter and Tab by their bytes below
	bound = " ncCsStkjlh[]<>,.zgmpfNxLirwe?12341234nnccjjkkhhll[[]]"
	n_named = split("Up Down Left Right PPage NPage Home End IC DC BTab " \
		"Escape Enter Enter Tab BSpace Space F1 F2 F3 F4 F5 F6 F7 F8 " \
		"F9 F10 F11 F12 C-a C-b C-d C-e C-f C-g C-h C-k C-l C-n C-o " \
		"C-p C-r C-t C-u C-v C-w C-x C-y M-a M-x M-Enter C-Up S-Left " \
		"M-Right S-F5 C-F12 M-PPage", named, " ")
	n_sizes = split(sizes, size, " ")
	for (l = 1; l <= 50000; l++) {
		if (l % 16 == 0) {
			print "B"
			continue
		}
		p = rand()
		if (p < 0.1) {
			split(size[1 + r(n_sizes)], wh, "x")
			print "R", wh[1], wh[2]
		} else if (p < 0.35) {
			o = "K"
			for (t = 1 + r(8); t > 0; t--)
				o = o " " named[1 + r(n_named)]
			print o
		} else {
			o = "H"
			for (t = 1 + r(24); t > 0; t--)
				o = o token()
			if (rand() < 0.1)
				o = o " 0d" # Enter
			print o
		}
	}
}' >"$work/plan"

# keys_k: 20 presses of k (the first control is then selected)
keys_k=$(awk 'BEGIN { for (i = 0; i < 20; i++) printf "k " }')

alive() {
	[ ! -f "$work/exit" ] ||
		fail "the explorer exited during the storm (status $(cat "$work/exit"))"
	tm has-session -t e2e 2>/dev/null || fail "the tmux session is gone"
}
# barrier: every key sent so far has been read once the prompt opens
# with what the barrier typed (#B and its number: a prompt the storm
# opened shows something else)
nb=0
barrier() {
	alive
	nb=$((nb + 1))
	tm resize-window -t e2e -x 120 -y 40 || alive
	# shellcheck disable=SC2086
	tm send-keys -t e2e Escape Escape $keys_k Enter || alive
	tm send-keys -t e2e -l "#B$nb" || alive
	end=$(($(date +%s) + 120))
	until screen | grep -qF "= #B${nb}_"; do
		alive
		[ "$(date +%s)" -le "$end" ] ||
			fail "the prompt did not open at barrier $nb in 120 s"
		sleep 0.1
	done
	tm send-keys -t e2e Escape
	wait_gone "= #B${nb}_" 30
}
# typed TEXT_HEX EXPECT: types TEXT (hex bytes) into the prompt of the
# first control and waits for EXPECT (fixed text) on the screen
typed() {
	barrier
	tm send-keys -t e2e Enter
	wait_for "= _" 30
	# shellcheck disable=SC2086
	[ -z "$1" ] || tm send-keys -t e2e -H $1
	tm send-keys -t e2e Enter
	wait_for "$2" 30
	wait_gone "= _" 30
}

start_tracked --seed 7 --out "'$work/out'"
wait_for "RUNNING" 60

# the prompt: every kind of bad value, refused with a message
hex() { printf '%s' "$1" | od -An -tx1 | tr -s ' \n' '  '; }
typed "$(hex '#P1 garbage')" "not '#P1 garbage'"
typed "$(hex nan)" "not nan"
typed "$(hex inf)" "not inf"
typed "$(hex -inf)" "not -inf"
typed "$(hex 1e309)" "not '1e309'"
typed "$(hex 7)" "between 0 and 1, not 7"
typed "" "corruption_level needs a value"
typed "$(hex 1e-400)" "not '1e-400'"
typed "$(hex '   ')" "corruption_level needs a value"
typed "$(hex '0.5.5')" "not '0.5.5'"
# backspaces (7f and 08) take back what was typed
typed "$(hex '#P2abc') 7f 7f 08 $(hex z)" "not '#P2z'"
# past the 47 characters the prompt holds, and bytes it ignores
long=$(awk -v s="$seed" 'BEGIN { srand(s); o = "#P3"
	for (i = 0; i < 80; i++) {
		c = 33 + int(rand() * 94)
		if (c == 39 || c == 113) c = 65
		o = o sprintf("%c", c)
	}
	print o }')
typed "$(hex "$long") c3 a9 ff 01" "not '$(printf '%.47s' "$long")'"
echo "prompt: 12 bad values refused"

# the storm
start_s=$(date +%s)
line_no=0
sent=0
lesson=$(awk -v s="$seed" 'BEGIN { srand(s); split("1 2 3 6", l, " ");
	print l[1 + int(rand() * 4)] }')
while read -r kind rest; do
	line_no=$((line_no + 1))
	case $kind in
	H)
		# shellcheck disable=SC2086
		tm send-keys -t e2e -H $rest
		sent=$((sent + 1))
		;;
	K)
		# shellcheck disable=SC2086
		tm send-keys -t e2e $rest
		sent=$((sent + 1))
		;;
	R)
		tm resize-window -t e2e -x "${rest% *}" -y "${rest#* }"
		;;
	B)
		barrier
		if [ "$line_no" -eq 16 ]; then
			# a lesson with several runs, then on with the storm
			tm send-keys -t e2e L "$lesson" Enter
			wait_re "lesson [a-z]+ \| 1 " 120
		fi
		[ $(($(date +%s) - start_s)) -lt "$seconds" ] || break
		;;
	esac
	alive
done <"$work/plan"
elapsed=$(($(date +%s) - start_s))
echo "storm: $line_no lines of the plan ($sent bursts) in $elapsed s"

# q: every run on screen is saved, and says so
barrier
n=$(screen | sed -n 's/.* run [0-9]*\/\([0-9]*\) .*/\1/p' | head -n 1)
n=${n:-1}
tm send-keys -t e2e q
# (q waits for each run's queued commands: probes take seconds each)
quit_s=${STORM_QUIT_SECONDS:-180}
end=$(($(date +%s) + quit_s))
while [ ! -f "$work/exit" ]; do
	[ "$(date +%s)" -le "$end" ] || fail "q did not end it in $quit_s s"
	sleep 0.1
done
rc=$(cat "$work/exit")
tm capture-pane -p -J -t e2e >"$work/closing"
grep '^autoscope: ' "$work/closing" | grep -v '^autoscope: session ' \
	>"$work/lines" || true
lines=$(wc -l <"$work/lines")
# and one line for the session that puts the runs together
grep -q '^autoscope: session .*session.txt' "$work/closing" ||
	fail "no session line: $(grep '^autoscope: ' "$work/closing")"
if [ "$rc" -ne 0 ]; then
	[ "$rc" -eq 1 ] && grep -q 'save failed' "$work/lines" ||
		fail "exit status $rc after q: $(cat "$work/lines")"
fi
[ ! -s "$work/err" ] || fail "stderr is not empty"
[ "$lines" -ge "$n" ] ||
	fail "$n runs on screen, $lines closing lines: $(cat "$work/lines")"
sed -n 's/^autoscope: \(.*: \)\{0,1\}saved \(.*\) (step [0-9]*)$/\2/p' \
	"$work/lines" >"$work/saved"
while read -r ck; do
	"$loop" check "$ck" >/dev/null 2>"$work/why" ||
		fail "$ck does not load: $(cat "$work/why")"
done <"$work/saved"
[ "$(wc -l <"$work/saved")" -eq "$lines" ] || [ "$rc" -eq 1 ] ||
	fail "a run was not saved: $(cat "$work/lines")"
echo "ok: storm (seed $seed): exit $rc, $lines runs saved and loaded"
