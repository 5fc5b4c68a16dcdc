#!/usr/bin/env bash
# The main job: installs the packages, builds in release mode, packs Fashion-MNIST from
# Debian's dataset-fashion-mnist package at 32x32, and trains Softmax GAN on all cores for
# a few minutes. Sample grids land in out/fashion-mnist-run/samples/.
#
# STEPS (default 600) sets the iterations; THREADS (default: all cores) the worker threads.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"

tools/install-packages.sh
swift build -c release

bin=.build/release
data=out/fashion-mnist-32.h5
run=out/fashion-mnist-run
fashion=/usr/share/datasets/fashion-mnist
mkdir -p out

if [ ! -f "$data" ]; then
  "$bin/sgan-pack" idx "$fashion/train-images-idx3-ubyte.gz" \
    --labels "$fashion/train-labels-idx1-ubyte.gz" \
    --test-images "$fashion/t10k-images-idx3-ubyte.gz" \
    --test-labels "$fashion/t10k-labels-idx1-ubyte.gz" \
    --size 32 -o "$data"
fi
"$bin/sgan-pack" info "$data"

"$bin/sgan-train" --data "$data" --out "$run" --overwrite \
  --steps "${STEPS:-600}" --sample-every 100 --checkpoint-every 200 --log-every 20 \
  --threads "${THREADS:-$(nproc)}"
"$bin/sgan-sample" --checkpoint "$run/checkpoint.h5" --count 64 --seed 1 -o "$run/final-grid.png"

echo "quickstart: sample grids in $run/samples/, the final grid in $run/final-grid.png"
