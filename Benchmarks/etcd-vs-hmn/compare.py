#!/usr/bin/env python3
"""Prints etcd's and HMN's figures of one run side by side, with HMN/etcd ratios of p50 and p99."""
import json
import sys


def ms(value):
    return "–" if value is None else f"{value:.2f} ms"


def ratio(a, b):
    return "–" if a is None or not b else f"{a / b:.2f}×"


def main():
    etcd = json.load(open(sys.argv[1]))
    hmn = json.load(open(sys.argv[2]))
    print(f"etcd vs HMN, same machine, same run ({hmn['date']}); HMN profile {hmn['profile']}, "
          f"{hmn['validators']} validators; etcd 3 members")
    print("| Load | etcd put p50 / p99 | HMN submit→finalized p50 / p99 (client observed) | "
          "HMN (node commit time) p50 / p99 | ratio p50 (observed) | ratio p99 |")
    print("|---|---|---|---|---|---|")
    for name in ("sequential", "concurrent"):
        e = etcd[name]["latency"]
        h = hmn[name]["observed"]
        n = hmn[name]["node"]
        label = "1 sequential client" if name == "sequential" else f"{hmn[name]['clients']} concurrent clients"
        print(f"| {label} | {ms(e['p50'])} / {ms(e['p99'])} | {ms(h.get('p50'))} / {ms(h.get('p99'))} | "
              f"{ms(n.get('p50'))} / {ms(n.get('p99'))} | {ratio(h.get('p50'), e['p50'])} | "
              f"{ratio(h.get('p99'), e['p99'])} |")
    print(f"throughput, concurrent: etcd {etcd['concurrent']['throughputPerSecond']:.0f} puts/s, "
          f"HMN {hmn['concurrent']['throughputPerSecond']:.0f} tx/s (each client waits for finality)")
    print(f"HMN round latency (round 0 start → commit): {fmt(hmn['roundLatency'])}")


def fmt(summary):
    return f"p50 {ms(summary.get('p50'))} · p99 {ms(summary.get('p99'))} (n = {summary.get('count')})"


if __name__ == "__main__":
    main()
