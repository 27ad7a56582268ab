#!/bin/sh
# bench_deep beside its PyTorch peer, in one run: the same stack and step
# (bench/peer_torch_deep.py), one thread each, taken in turn on the same
# machine load. Usage: bench/bench_deep.sh BUILD_DIR [seconds per cell]
# (PyTorch from Debian: apt-get install python3-torch; skipped without it)
set -eu
build=$1
cell=${2:-1}
here=$(dirname "$0")
"$build/bench/bench_deep" "$cell"
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if "$py" -c "import torch" 2>/dev/null; then
	OMP_NUM_THREADS=1 "$py" "$here/peer_torch_deep.py" \
		"$here/../assets" "$cell"
else
	echo "(no PyTorch: apt-get install python3-torch for the peer)"
fi
