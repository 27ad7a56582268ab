#!/bin/sh
# One command from a fresh Debian 12 machine to a running autoscope:
#   ./setup.sh run [autoscope options]   set up, build, start the explorer
#   ./setup.sh train [options]           set up, build, train headless
#   ./setup.sh test                      set up, build, run every test
#   ./setup.sh sanitize                  the tests under ASan + UBSan
#   ./setup.sh tsan                      threads and the explorer under TSan
#   ./setup.sh bench                     the speed benchmark (bench/)
# Set-up installs the missing Debian packages (as root, or with sudo) and
# configures and builds with meson in ./build.
set -eu
cd "$(dirname "$0")"

mode=${1:-run}
[ $# -gt 0 ] && shift

pkgs="gcc libc6-dev meson ninja-build pkg-config libopenblas-dev \
libpng-dev zlib1g-dev libncurses-dev check tmux"
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
		snapshot trainer e2e_tui stress_tui e2e_lesson "$@"
	;;
bench)
	build build
	exec ./build/bench/bench_step "$@"
	;;
*)
	echo "usage: ./setup.sh run|train|test|sanitize|tsan|bench [options]" >&2
	exit 2
	;;
esac
