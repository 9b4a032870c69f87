#!/usr/bin/env bash
# Side-by-side vector search benchmark: HMN's HNSW vs hnswlib vs FAISS HNSW on identical data.
# Usage: Benchmarks/vectors/run.sh [data-dir]   (from anywhere; takes several minutes)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="${1:-$HERE/data}"
M="${M:-16}"
EF_CONSTRUCTION="${EF_CONSTRUCTION:-200}"
SWEEP="${SWEEP:-10,16,24,32,48,64,96,128,192,256,384,512}"
DATASETS="${DATASETS:-lowrank,blobs}"
OUT="$DATA/results.csv"

if [ ! -x "$HERE/.venv/bin/python" ]; then
    python3 -m venv "$HERE/.venv"
    "$HERE/.venv/bin/pip" install --quiet hnswlib faiss-cpu numpy
fi
PY="$HERE/.venv/bin/python"

"$PY" "$HERE/generate.py" "$DATA"

SCRATCH="${SCRATCH:-$ROOT/.build}"
(cd "$ROOT" && swift build -c release --product hmn-bench --scratch-path "$SCRATCH" ${SWIFT_FLAGS:-})
"$SCRATCH/release/hmn-bench" vectors --data "$DATA" --datasets "$DATASETS" \
    --M "$M" --ef-construction "$EF_CONSTRUCTION" --ef "$SWEEP" > "$OUT"
"$PY" "$HERE/bench_python.py" "$DATA" "$DATASETS" "$M" "$EF_CONSTRUCTION" "$SWEEP" >> "$OUT"

echo "M=$M efConstruction=$EF_CONSTRUCTION, single thread, k=10, 1,000 queries; raw rows in $OUT"
"$PY" "$HERE/compare.py" "$OUT"
