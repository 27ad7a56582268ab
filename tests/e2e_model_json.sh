#!/bin/sh
# model.json: a deep run's export rebuilds its forward pass with numpy
# alone (tests/model_json.py), untied (every decoder its own W') and tied,
# and a PSD run's predicted code through its dictionary.
# Usage: e2e_model_json.sh path/to/autoscope
set -eu
bin=$1
here=$(dirname "$0")
# Debian's python3, where setup.sh installed numpy (not a pyenv shim's)
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tied in off on; do
	"$bin" train --layers 64-32-8 --pretrain ae --pretrain-epochs 1 \
		--finetune recon --epochs 1 --tied $tied --batch-size 50 \
		--quiet --out "$work/$tied" ||
		{ echo "FAIL: train exited $?"; exit 1; }
	"$py" "$here/model_json.py" "$work/$tied" ||
		{ echo "FAIL: model.json of the tied=$tied run"; exit 1; }
done
"$bin" train --model psd --hidden 40 --corruption-level 0 --epochs 1 \
	--batch-size 50 --lr 0.05 --quiet --out "$work/psd" ||
	{ echo "FAIL: train --model psd exited $?"; exit 1; }
"$py" "$here/model_json.py" "$work/psd" ||
	{ echo "FAIL: model.json of the PSD run"; exit 1; }
