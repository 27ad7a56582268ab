#!/bin/sh
# One command from a fresh Debian 12 machine to a running autoscope:
#   ./setup.sh run [autoscope options]   set up, build, start the explorer
#   ./setup.sh train [options]           set up, build, train headless
#   ./setup.sh test                      set up, build, run every test
#   ./setup.sh sanitize                  the tests under ASan + UBSan
#   ./setup.sh tsan                      threads and the explorer under TSan
#   ./setup.sh bench                     the speed benchmarks (bench/; the
#                                        deep one beside PyTorch when
#                                        python3-torch is installed)
#   ./setup.sh fuzz [SECONDS]            each parser's libFuzzer target
#                                        (clang), SECONDS each (default 60)
# Set-up installs the missing Debian packages (as root, or with sudo) and
# configures and builds with meson in ./build.
set -eu
cd "$(dirname "$0")"

mode=${1:-run}
[ $# -gt 0 ] && shift

pkgs="gcc libc6-dev meson ninja-build pkg-config libopenblas-dev \
libpng-dev zlib1g-dev libncurses-dev check tmux python3 python3-numpy"
# libFuzzer comes with clang's runtime libraries: only the fuzz mode needs it
[ "$mode" = fuzz ] && pkgs="$pkgs clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
		--no-install-recommends $missing
fi

# Debian keeps OpenBLAS's own .pc files here; the default path has only an
# alternatives link (and 'blas' there may be the slow reference BLAS).
ob=/usr/lib/$(gcc -print-multiarch)/openblas-pthread/pkgconfig
[ -d "$ob" ] && export PKG_CONFIG_PATH="$ob${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

build() {
	dir=$1
	shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@"
	ninja -C "$dir"
}

case "$mode" in
run)
	build build
	exec ./build/cli/autoscope "$@"
	;;
train)
	build build
	exec ./build/cli/autoscope train "$@"
	;;
test)
	build build
	exec meson test -C build --print-errorlogs "$@"
	;;
sanitize)
	build build-sanitize -Db_sanitize=address,undefined \
		-Db_lundef=false
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		exec meson test -C build-sanitize --print-errorlogs "$@"
	;;
tsan)
	build build-tsan -Db_sanitize=thread -Db_lundef=false
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		exec meson test -C build-tsan --print-errorlogs \
		snapshot trainer trainer_threads e2e_tui stress_tui e2e_lesson e2e_deep \
		e2e_session \
		"$@"
	;;
bench)
	build build
	./build/bench/bench_step "$@"
	./build/bench/bench_sparse
	exec ./bench/bench_deep.sh build "$@"
	;;
fuzz)
	# One target at a time (tests/fuzz/fuzz_<name>.c), niced, for SECONDS
	# on its committed corpus tests/fuzz/corpus/<name>/; what it finds new
	# goes to build-fuzz/corpus-new/<name>/ (merge the useful part back
	# with: build-fuzz/tests/fuzz/fuzz_<name> -merge=1
	# tests/fuzz/corpus/<name> build-fuzz/corpus-new/<name>), crash
	# inputs to build-fuzz/crashes/<name>/, the output to
	# build-fuzz/fuzz-<name>.log. FUZZ_TARGETS="png idx" runs only those.
	secs=${1:-60}
	[ -f build-fuzz/build.ninja ] ||
		CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false
	targets=${FUZZ_TARGETS:-idx idx_gz png checkpoint param settings options session lesson}
	# shellcheck disable=SC2046
	ninja -C build-fuzz $(for t in $targets; do echo "tests/fuzz/fuzz_$t"; done)
	crashed=""
	printf '%-11s %11s %6s %7s %15s  %s\n' target executions cov ft corpus \
		crashes
	for t in $targets; do
		case $t in
		idx | idx_gz) max=4096 ;;
		png | checkpoint | lesson) max=16384 ;;
		param) max=128 ;;
		*) max=1024 ;;
		esac
		new=build-fuzz/corpus-new/$t
		art=build-fuzz/crashes/$t
		log=build-fuzz/fuzz-$t.log
		mkdir -p "$new" "$art"
		dict=""
		[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
		rc=0
		# shellcheck disable=SC2086
		OPENBLAS_NUM_THREADS=1 nice -n 10 "build-fuzz/tests/fuzz/fuzz_$t" \
			-max_total_time="$secs" -max_len=$max -timeout=25 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$art/" $dict "$new" "tests/fuzz/corpus/$t" \
			>"$log" 2>&1 || rc=$?
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		last=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*' \
			"$log" | tail -n 1)
		cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
		ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
		corp=$(echo "$last" | sed -n 's/.*corp: \([^ ]*\).*/\1/p')
		found=$(sed -n 's/.*Test unit written to //p' "$log" |
			grep -v '/slow-unit-' || true)
		if [ "$rc" -ne 0 ]; then
			crashed="$crashed $t"
			[ -n "$found" ] || found="(exit $rc, see $log)"
		fi
		printf '%-11s %11s %6s %7s %15s  %s\n' "$t" "${runs:-?}" \
			"${cov:-?}" "${ft:-?}" "${corp:-?}" "${found:-none}"
	done
	if [ -n "$crashed" ]; then
		echo "setup: fuzz targets crashed:$crashed (inputs above;" \
			"replay one: build-fuzz/tests/fuzz/fuzz_<name> FILE)" >&2
		exit 1
	fi
	;;
*)
	echo "usage: ./setup.sh run|train|test|sanitize|tsan|bench|fuzz [options]" >&2
	exit 2
	;;
esac
