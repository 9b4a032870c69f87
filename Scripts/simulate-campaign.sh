#!/usr/bin/env bash
# Long random-fault campaign on the consensus simulator, sharded across cores.
#
#   Scripts/simulate-campaign.sh [SEEDS] [JOBS] [FIRST_SEED]
#
# Runs seeds FIRST_SEED ..< FIRST_SEED+SEEDS of SimulationConfiguration.random in JOBS processes
# (release build), one log per shard in .campaign/, then prints the summary: seeds run, seeds with
# violations, and the command that replays each failing seed. Every failing seed, and every
# 1,000th seed, is run twice and must give the same trace hash. Exit status 1 if any seed failed.
set -euo pipefail
SEEDS=${1:-100000}
JOBS=${2:-$(nproc)}
FIRST=${3:-0}
cd "$(dirname "$0")/.."
swift build -c release --product hmn-bench >/dev/null
BIN=.build/release/hmn-bench
mkdir -p .campaign
per=$(( (SEEDS + JOBS - 1) / JOBS ))
pids=()
for ((j = 0; j < JOBS; j++)); do
    start=$(( FIRST + j * per ))
    count=$(( SEEDS - j * per < per ? SEEDS - j * per : per ))
    (( count > 0 )) || break
    "$BIN" consensus --seeds "$count" --first-seed "$start" > ".campaign/shard-$j.log" 2>&1 &
    pids+=($!)
    echo "shard $j: seeds $start ..< $(( start + count )) (pid $!, log .campaign/shard-$j.log)"
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
echo "== summary"
grep -h "^campaign:" .campaign/shard-*.log
grep -h "replay checks" .campaign/shard-*.log
if grep -q "replay gave trace" .campaign/shard-*.log; then
    echo "some seeds did not replay to the same trace (see 'replay gave trace' in the logs)"
    status=1
fi
failing=$(grep -h "failing seeds:" .campaign/shard-*.log | sed 's/.*\[//; s/\]//' | tr ',' '\n' | tr -d ' ' | grep -v '^$' || true)
if [[ -n "$failing" ]]; then
    echo "failing seeds (replay each with: $BIN consensus --seed N):"
    echo "$failing"
    status=1
else
    echo "no seed violated agreement, validity, app-hash equality, double-sign or liveness"
fi
exit $status
