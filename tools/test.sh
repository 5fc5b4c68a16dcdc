#!/usr/bin/env bash
# Installs the packages, then builds and runs every test in release mode.
#
# Release mode because the numeric tests (gradient checks, short training runs) run many
# times slower in a debug build; -enable-testing keeps @testable imports working.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"

tools/install-packages.sh
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build
