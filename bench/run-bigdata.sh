#!/usr/bin/env bash
# Training from a file larger than the heap (issue #14): writes a float32 THWC series of moving
# squares of at least GIB GiB (default 4) frame by frame (`convlstm4j bench series`), trains the
# CPU preset on it for one epoch with CONVLSTM4J_JAVA_OPTS=-Xmx1g through the memory-mapped path
# (`train --data FILE --layout THWC`), then trains the same model on as many in-heap samples of
# the same shape (`generate` + `train --data small.npz`, the in-memory path), and reports for
# both: exit status, wall time, peak RSS (/usr/bin/time -v) with its anonymous and file-backed
# parts (sampled from /proc/PID/status: mapped file pages count in RSS but are page cache the
# kernel can drop), and training samples/s (the "Throughput:" line of train).
#
# Not part of the default tests. Needs GIB + 1 GiB free in WORK (checked first) and about
# 5-15 minutes on 2 cores. Holds /tmp/mvn.lock for the whole run (the machine is shared).
#
# Usage: bench/run-bigdata.sh [WORK_DIR] ; environment: GIB (default 4), STRIDE (frames between
# window starts, default 3000: about 220 training windows of 15 frames in 4 GiB), KEEP=1 to keep
# the big file. Results: WORK_DIR/bigdata-report.txt (default WORK_DIR /tmp/convlstm4j-bigdata).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-/tmp/convlstm4j-bigdata}"
GIB="${GIB:-4}"
STRIDE="${STRIDE:-3000}"
mkdir -p "$WORK"
need_kb=$(awk -v g="$GIB" 'BEGIN {printf "%d", (g + 1) * 1024 * 1024}')
free_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
if (( free_kb < need_kb )); then
  echo "run-bigdata: $WORK has $((free_kb / 1024)) MiB free, needs $((need_kb / 1024)) MiB" >&2
  exit 1
fi
exec flock /tmp/mvn.lock bash -s "$ROOT" "$WORK" "$GIB" "$STRIDE" <<'SCRIPT'
set -euo pipefail
ROOT="$1"; WORK="$2"; GIB="$3"; STRIDE="$4"
cd "$ROOT"
REPORT="$WORK/bigdata-report.txt"
mvn -B -o -q -Dmaven.test.skip=true -pl samples,bench -am package >/dev/null
FRAMES=15

# Runs a command under /usr/bin/time -v, sampling the java process's RssAnon and RssFile.
measure() {
  local name="$1"; shift
  /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  local tpid=$! jpid="" anon=0 file=0
  while kill -0 "$tpid" 2>/dev/null; do
    [[ -z "$jpid" ]] && jpid="$(pgrep -P "$tpid" | head -n 1 || true)"
    if [[ -n "$jpid" && -r "/proc/$jpid/status" ]]; then
      read -r a f < <(awk '/^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {print a+0, f+0}' \
        "/proc/$jpid/status" 2>/dev/null || echo "0 0")
      (( a > anon )) && anon=$a
      (( f > file )) && file=$f
    fi
    sleep 0.5
  done
  local rc=0
  wait "$tpid" || rc=$?
  {
    echo "== $name: exit $rc"
    echo "command: $*"
    grep -E 'Elapsed \(wall|Maximum resident' "$WORK/$name.time" || true
    echo "peak RssAnon sampled: $((anon / 1024)) MiB; peak RssFile sampled: $((file / 1024)) MiB"
    grep -E 'Wrote|windows|Trained|Throughput|Last epoch|Test loss|OutOfMemory' \
      "$WORK/$name.out" "$WORK/$name.err" | sed 's/^[^:]*://' || true
    echo
  } | tee -a "$REPORT"
}

{ date -u; git rev-parse HEAD; nproc; free -m | head -2; } > "$REPORT"
measure series ./convlstm4j bench series --out "$WORK/big.npy" --gigabytes "$GIB"
ls -l "$WORK/big.npy" | tee -a "$REPORT"
export CONVLSTM4J_JAVA_OPTS=-Xmx1g
measure from-file ./convlstm4j train --data "$WORK/big.npy" --layout THWC \
  --input-frames "$FRAMES" --stride "$STRIDE" --split 0.99,0.01,0 --normalize minmax \
  --epochs 1 --checkpoint "$WORK/big-model.npz" --overwrite
# The in-memory path, as many training samples of the same shape (15 x 40 x 40 x 1).
windows=$(grep -oE '[0-9]+ training' "$WORK/from-file.err" | head -n 1 | grep -oE '[0-9]+' || true)
windows="${windows:-220}"
samples=$(( windows * 100 / 99 + 1 ))
measure generate ./convlstm4j generate --samples "$samples" --frames "$FRAMES" \
  --out "$WORK/small.npz"
measure in-heap ./convlstm4j train --data "$WORK/small.npz" --validation-split 0.01 \
  --epochs 1 --checkpoint "$WORK/small-model.npz" --overwrite
[[ "${KEEP:-0}" == 1 ]] || rm -f "$WORK/big.npy"
echo "report: $REPORT"
SCRIPT
