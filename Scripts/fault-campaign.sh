#!/usr/bin/env bash
# Fault campaigns on real node processes (Docs/FAULT_CAMPAIGNS.md).
#
#   Scripts/fault-campaign.sh [SECONDS] [SEED] [VALIDATOR_COUNTS...]
#
# For each validator count (default: 4 then 7), runs `hmn campaign` for SECONDS (default 120) of
# faults from SEED (default 1): kill -9, SIGSTOP/SIGCONT, SIGTERM + restart, and partitions in
# network namespaces when run as root. Reports land in .fault-campaign/campaign-<N>.json, the
# testnets (with every node's log) in .fault-campaign/net-<N>/. BUILD=release uses a release build
# (default debug; the checks are about correctness, not speed). ONE_WAY=1 adds one-way partitions.
# Exit status 1 if any run found a violation.
set -euo pipefail
SECONDS_PER_RUN=${1:-120}
SEED=${2:-1}
shift $(( $# > 2 ? 2 : $# )) || true
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(4 7)
BUILD=${BUILD:-debug}
cd "$(dirname "$0")/.."
swift build -c "$BUILD" --product hmn >/dev/null
BIN="$(swift build -c "$BUILD" --show-bin-path)/hmn"
PARTITIONS=()
if [ "$(id -u)" = "0" ] && command -v ip >/dev/null && ip netns list >/dev/null 2>&1; then
    PARTITIONS=(--partitions)
    # ONE_WAY=1 adds one-way partitions (nodes that hear nothing but are heard), which changes the schedule.
    if [ "${ONE_WAY:-0}" = "1" ]; then PARTITIONS+=(--one-way-partitions); fi
else
    echo "fault-campaign: not root or no iproute2: signal faults only, no partitions"
fi
mkdir -p .fault-campaign
status=0
for n in "${COUNTS[@]}"; do
    echo "== $n validators, $SECONDS_PER_RUN s, seed $SEED ${PARTITIONS[*]}"
    "$BIN" campaign --validators "$n" --duration "$SECONDS_PER_RUN" --seed "$SEED" "${PARTITIONS[@]}" \
        --dir ".fault-campaign/net-$n" --base-port $(( 30000 + 100 * n )) --build "$BUILD" \
        --report ".fault-campaign/campaign-$n.json" || status=1
done
exit $status
