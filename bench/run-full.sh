#!/usr/bin/env bash
# The full benchmark run behind docs/PERFORMANCE.md: builds the bench module (offline), then
# runs `convlstm4j bench` on the seed model and the CPU preset with every backend, the FMA peak
# probe, the GEMM kernels and the Python PyTorch peer. Holds /tmp/mvn.lock for the whole run so
# that no Maven build shares the machine with it (the machine is shared; the lock is how its
# users take turns). Results: bench/results/full.{json,md}, full.txt (the stdout table) and
# full.tree.txt (the commit measured and any uncommitted changes in the tree at the time).
#
# Usage: bench/run-full.sh [extra bench options, e.g. --threads 1]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/results"
mkdir -p "$OUT"
exec flock /tmp/mvn.lock bash -c '
  set -euo pipefail
  cd "$1"; shift
  { date -u; git rev-parse HEAD; git status --short --untracked-files=no; } > bench/results/full.tree.txt
  mvn -B -o -q -Dmaven.test.skip=true -pl bench -am package >/dev/null
  ./convlstm4j bench --reps 5 --warmup 1 --scalar-reps 2 --scalar-warmup 0 \
    --out bench/results/full.json --out bench/results/full.md "$@" | tee bench/results/full.txt
' bench "$ROOT" "$@"
