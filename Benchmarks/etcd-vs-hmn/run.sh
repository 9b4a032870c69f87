#!/usr/bin/env bash
# etcd (Raft, 3 members) vs HMN (4 validators, low-latency profile) on this machine, in one run:
# sequential and 16-client concurrent writes, each figure beside the other, with the ratio.
#
#   Benchmarks/etcd-vs-hmn/run.sh            (after: swift build -c release --scratch-path .build-release)
#
# Environment: HMN_BENCH (the hmn-bench binary; hmn must sit next to it), ETCD_BASE_PORT (default
# 32379; members use base+0..5), HMN_BASE_PORT (default 27400), SEQUENTIAL (300), CONCURRENT (16),
# PER_CLIENT (50). Needs Debian's etcd-server (installed as root when missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bench="${HMN_BENCH:-$root/.build-release/release/hmn-bench}"
etcd_base="${ETCD_BASE_PORT:-32379}"
hmn_base="${HMN_BASE_PORT:-27400}"
sequential="${SEQUENTIAL:-300}"
concurrent="${CONCURRENT:-16}"
per_client="${PER_CLIENT:-50}"
work="$(mktemp -d /tmp/etcd-vs-hmn.XXXXXX)"

if ! command -v etcd >/dev/null; then
    if [ "$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client;
    else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client; fi
fi
[ -x "$bench" ] || { echo "no hmn-bench at $bench: swift build -c release --scratch-path .build-release" >&2; exit 1; }

pids=()
cleanup() {
    # Node processes of this run only (their homes are under this run's temporary directory): a
    # crashed hmn-bench would leave them holding the ports.
    for pid in $(pgrep -f "hmn start --home $work/" || true); do pids+=("$pid"); done
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

cluster=""
for i in 0 1 2; do cluster+="${cluster:+,}m$i=http://127.0.0.1:$((etcd_base + 2 * i + 1))"; done
endpoints=""
for i in 0 1 2; do
    client=$((etcd_base + 2 * i)); peer=$((etcd_base + 2 * i + 1))
    endpoints+="${endpoints:+,}127.0.0.1:$client"
    etcd --name "m$i" --data-dir "$work/m$i" \
        --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
        --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "etcd-vs-hmn-$$" \
        >"$work/m$i.log" 2>&1 &
    pids+=($!)
done
for _ in $(seq 1 100); do
    ETCDCTL_API=3 etcdctl --endpoints "$endpoints" endpoint health >/dev/null 2>&1 && break
    sleep 0.1
done
echo "etcd $(etcd --version | head -1 | awk '{print $3}'): 3 members on 127.0.0.1:$etcd_base…$((etcd_base + 5))" >&2
python3 "$here/etcd_put_bench.py" --endpoints "$endpoints" --sequential "$sequential" \
    --concurrent "$concurrent" --per-client "$per_client" >"$work/etcd.json"
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()

"$bench" finality --profile low-latency --base-port "$hmn_base" --dir "$work/hmn" --sequential "$sequential" \
    --concurrent "$concurrent" --per-client "$per_client" --report "$work/hmn.json" >&2
echo
echo "$ $0   ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
python3 "$here/compare.py" "$work/etcd.json" "$work/hmn.json"
