#!/usr/bin/env bash
# Builds sgan-train with the thread sanitizer and runs a short 4-thread training on a small
# dataset it packs itself; exits non-zero when the sanitizer reports a data race.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fashion=/usr/share/datasets/fashion-mnist

swift build -c release --product sgan-pack
.build/release/sgan-pack idx "$fashion/t10k-images-idx3-ubyte.gz" --size 32 \
  -o "$scratch/data.h5" --threads 2

swift build -c release --sanitize=thread --product sgan-train --build-path .build/tsan
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
.build/tsan/release/sgan-train --data "$scratch/data.h5" --out "$scratch/run" \
  --threads 4 --batch-size 16 --filters 8 --nz 16 --steps 4 --sample-every 2 \
  --checkpoint-every 2 --split all --log-every 1
echo "tsan-check: 4-thread training finished without a sanitizer report"
