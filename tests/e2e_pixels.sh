#!/bin/sh
# End to end, what the screen shows of the corrupted digit: at 120x40
# with 25% masking noise, read the clean and the corrupted digit's cells
# off the screen (their half blocks' colours, tests/screen_pixels.py) and
# check that the masked pixels are there to see: about a quarter of the
# clean digit's bright pixels dark in the corrupted one (binomial over
# ~150 pixels: 0.25 +- 0.04), and nothing brighter than in the clean
# digit (masking only zeroes). With the noise turned off the two agree.
# Usage: e2e_pixels.sh path/to/autoscope
set -eu
. "$(dirname "$0")/tui_lib.sh"
pixels="$(cd "$(dirname "$0")" && pwd)/screen_pixels.py"

start --out "'$work/out'" --seed 2
wait_for "RUNNING"
wait_re "held-out digits: clean / corrupted / reconstructed, 28x28 px"

# share LO HI: the share of the clean digit's bright pixels that are dark
# in the corrupted one lies in [LO, HI] (and none is brighter); 1 if not
share() {
	tm capture-pane -p -e -t e2e > "$work/cap"
	python3 "$pixels" clean 28 14 < "$work/cap" > "$work/clean" ||
		return 1
	python3 "$pixels" noisy 28 14 < "$work/cap" > "$work/noisy" ||
		return 1
	paste -d' ' "$work/clean" "$work/noisy" | awk -v lo="$1" -v hi="$2" '
		{ n = NF / 2
		  for (i = 1; i <= n; i++) {
			c = $i; z = $(i + n)
			if (c >= 12) { bright++; if (z <= 2) dark++ }
			if (z > c + 3) brighter++
		  } }
		END {
			share = bright ? dark / bright : -1
			printf "bright %d, dark in the corrupted %d (%.3f), brighter %d\n", bright, dark, share, brighter
			exit !(bright >= 60 && share >= lo && share <= hi && brighter == 0)
		}'
}
# the same, polled for up to 10 s (the screen follows a change)
expect_share() {
	end=$(($(date +%s) + 10))
	until share "$1" "$2"; do
		[ "$(date +%s)" -le "$end" ] ||
			fail "the corrupted digit does not show the masking ($1..$2)"
		sleep 0.2
	done
}
expect_share 0.12 0.40

# no noise: the corrupted digit is the clean one
tm send-keys -t e2e C C C C C
wait_re "corruption +0 "
expect_share 0 0.02
tm send-keys -t e2e q
wait_exit 30
echo "ok: the masked pixels are on the screen"
