#!/bin/sh
# The lessons' claims, headless: `autoscope train --lesson NAME --epochs N`
# for each lesson, then the numbers it wrote to lesson.csv checked against
# what the lesson teaches, at a scale that is robust in a few epochs (the
# margins come from runs over several seeds, noted beside each check).
# Usage: lessons.sh path/to/autoscope
set -eu
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
	echo "FAIL: $*"
	[ -f "$work/out.txt" ] && cat "$work/out.txt"
	exit 1
}

# run NAME EPOCHS: trains the lesson into $work/NAME
run() {
	"$bin" train --lesson "$1" --epochs "$2" --out "$work/$1" \
		>"$work/out.txt" 2>&1 || fail "lesson $1 exited $?"
	[ -f "$work/$1/lesson.csv" ] || fail "lesson $1 wrote no lesson.csv"
	echo "lesson $1, $2 epochs:"
	sed 's/^/  /' "$work/out.txt" | grep -v '^  wrote'
}

# val NAME LABEL COLUMN [EPOCH]: a number from lesson.csv (last epoch by
# default)
val() {
	awk -F, -v label="$2" -v col="$3" -v ep="${4:-}" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$3 == label && (ep == "" || $4 == ep) { v = $(c[col]) }
		END { if (v == "") exit 1; print v }' "$work/$1/lesson.csv" ||
		fail "no $3 for '$2' in lesson $1"
}

# check "A OP B" message: compares two numbers with awk
check() {
	awk "BEGIN { exit !($1) }" || fail "$2 ($1)"
	echo "  ok: $2 ($1)"
}

# 1. denoising: the probe orders 0% < 25% and 0% + 0.005 < 50% (over 10
# seeds at 2 epochs the smallest gains were +0.004 and +0.0095)
run denoising 2
p0=$(val denoising "noise 0%" probe_codes)
p25=$(val denoising "noise 25%" probe_codes)
p50=$(val denoising "noise 50%" probe_codes)
raw=$(val denoising "noise 0%" probe_raw)
check "$p25 > $p0" "25% masking beats no noise on the probe"
check "$p50 > $p0 + 0.005" "50% masking beats no noise on the probe"
check "$p0 > $raw" "codes beat raw pixels"

# 2. pca: the untied linear AE within 2% of the rank-30 PCA error after
# 10 epochs (seeds 1-4: 1.0124 to 1.015), and the principal angles fall
run pca 10
ratio=$(val pca untied pca_ratio)
check "$ratio < 1.02" "untied linear AE within 2% of PCA"
check "$ratio > 0.999" "no better than PCA (which is optimal)"
a1=$(val pca untied angle_mean_deg 1)
a10=$(val pca untied angle_mean_deg 10)
check "$a10 < 0.5 * $a1" "mean principal angle falls by more than half"
m1=$(val pca untied angle_max_deg 1)
m10=$(val pca untied angle_max_deg 10)
check "$m10 < $m1" "largest principal angle falls"

# 3. capacity: the plain 1000-unit run copies binary noise (R^2 0.38 at 2
# epochs) where 30 units cannot (-0.34); noise or sparsity cut it (0.24,
# 0.27)
run capacity 2
n30=$(val capacity "30 units" noise_r2)
n1k=$(val capacity "1000 units" noise_r2)
nnz=$(val capacity "1000 + noise" noise_r2)
nsp=$(val capacity "1000 + sparse" noise_r2)
check "$n1k > $n30 + 0.3" "1000 units copy noise, 30 do not"
check "$nnz < $n1k - 0.05" "masking noise stops some of the copying"
check "$nsp < $n1k - 0.05" "sparsity stops some of the copying"

# 4. edges: with the KL penalty the filters localise (0.72 at 50 epochs,
# about 1/3 at the start and without it) and the reconstruction error stays
# well below the variance of the whitened patches (0.25 of it)
run edges 50
l1=$(val edges sparse localisation 1)
ls=$(val edges sparse localisation)
ln=$(val edges "not sparse" localisation)
check "$ls > 0.6" "sparse filters are localised"
check "$ls > $l1 + 0.2" "localisation grows with training"
check "$ln < 0.45" "without sparsity they stay spread out"
he=$(val edges sparse heldout_loss)
va=$(val edges sparse variance)
check "$he < 0.4 * $va" "reconstruction error well below the patch variance"

# 6. contractive: the penalty beats the plain run on the probe (seeds 1-5
# at 2 epochs: +0.0055 to +0.017)
run contractive 2
pp=$(val contractive plain probe_codes)
pc=$(val contractive contractive probe_codes)
check "$pc > $pp" "contractive beats plain on the probe"

# 7. hashing: 32 bits by Hamming distance, far above chance (0.1)
run hashing 2
hp=$(val hashing "32 bits" hash_precision)
check "$hp > 0.75" "Hamming precision@10 of 32-bit codes"

# 5. codes: it runs and scores (the scatter is drawn by the explorer)
run codes 1
val codes "500 units" probe_codes >/dev/null

echo "ok: lessons"
