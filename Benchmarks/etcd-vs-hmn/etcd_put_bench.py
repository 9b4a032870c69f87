#!/usr/bin/env python3
"""Put latency of an etcd cluster through its HTTP/JSON gateway (POST /v3/kv/put), stdlib only.

One sequential client (each put waits for its answer, which etcd sends once the put is committed
by a quorum and applied), then N concurrent clients, each on its own keep-alive connection.
Values are 100 bytes. Prints a JSON object on stdout; progress on stderr.
"""
import argparse
import base64
import http.client
import json
import sys
import threading
import time


def percentile(sorted_values, q):
    """Nearest rank, as HMN's LatencySummary."""
    if not sorted_values:
        return None
    rank = max(1, int(-(-q * len(sorted_values) // 1)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summary(samples):
    values = sorted(samples)
    return {
        "count": len(values),
        "p50": percentile(values, 0.5),
        "p99": percentile(values, 0.99),
        "max": values[-1] if values else None,
        "mean": sum(values) / len(values) if values else None,
    }


def client(endpoint, prefix, count, out):
    host, port = endpoint.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    value = base64.b64encode(b"v" * 100).decode()
    for index in range(count):
        body = json.dumps({"key": base64.b64encode(f"{prefix}/{index}".encode()).decode(), "value": value})
        start = time.perf_counter()
        connection.request("POST", "/v3/kv/put", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise RuntimeError(f"put failed: {response.status} {payload[:200]!r}")
        out.append(elapsed)
    connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoints", required=True, help="comma-separated host:port client URLs")
    parser.add_argument("--sequential", type=int, default=300)
    parser.add_argument("--concurrent", type=int, default=16)
    parser.add_argument("--per-client", type=int, default=50)
    args = parser.parse_args()
    endpoints = args.endpoints.split(",")

    # Warm-up (leader election done, connections and gateway ready).
    client(endpoints[0], "warmup", 20, [])

    sequential = []
    start = time.perf_counter()
    client(endpoints[0], "sequential", args.sequential, sequential)
    sequential_seconds = time.perf_counter() - start
    print(f"[etcd] sequential: {len(sequential)} puts", file=sys.stderr)

    per_client = [[] for _ in range(args.concurrent)]
    threads = [
        threading.Thread(
            target=client, args=(endpoints[i % len(endpoints)], f"concurrent{i}", args.per_client, per_client[i]))
        for i in range(args.concurrent)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent_seconds = time.perf_counter() - start
    concurrent = [x for samples in per_client for x in samples]
    print(f"[etcd] {args.concurrent} concurrent: {len(concurrent)} puts", file=sys.stderr)
    json.dump({
        "sequential": {"clients": 1, "seconds": sequential_seconds, "latency": summary(sequential),
                       "throughputPerSecond": len(sequential) / sequential_seconds},
        "concurrent": {"clients": args.concurrent, "seconds": concurrent_seconds, "latency": summary(concurrent),
                       "throughputPerSecond": len(concurrent) / concurrent_seconds},
    }, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
