"""Reads the CSV rows of all systems and prints the side-by-side table (Markdown).

For each system and target recall (0.95, 0.99), the operating point is the smallest swept ef whose
recall@10 reaches the target; its queries/s is reported. Ratios are HMN / hnswlib.
"""
import csv
import sys
from collections import defaultdict

TARGETS = (0.95, 0.99)


def main(path):
    rows = defaultdict(list)
    builds = {}
    with open(path) as handle:
        for row in csv.DictReader(handle):
            key = (row["system"], row["dataset"])
            rows[key].append((int(row["ef"]), float(row["recall"]), float(row["qps"])))
            builds[key] = float(row["build_s"])
    datasets = sorted({dataset for _, dataset in rows})
    print("| data set | system | build s | ef@0.95 | recall | q/s | ef@0.99 | recall | q/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    points = {}
    for dataset in datasets:
        for system in ("hmn", "hnswlib", "faiss"):
            key = (system, dataset)
            if key not in rows:
                continue
            cells = [dataset, system, f"{builds[key]:.1f}"]
            for target in TARGETS:
                reached = sorted(p for p in rows[key] if p[1] >= target)
                if reached:
                    ef, rec, qps = reached[0]
                    points[(system, dataset, target)] = qps
                    cells += [str(ef), f"{rec:.3f}", f"{qps:.0f}"]
                else:
                    cells += ["—", "not reached", "—"]
            print("| " + " | ".join(cells) + " |")
    print()
    print("| data set | HMN/hnswlib build time | HMN/hnswlib q/s @0.95 | HMN/hnswlib q/s @0.99 |")
    print("|---|---:|---:|---:|")
    for dataset in datasets:
        if ("hmn", dataset) not in builds or ("hnswlib", dataset) not in builds:
            continue
        cells = [dataset, f"{builds[('hmn', dataset)] / builds[('hnswlib', dataset)]:.2f}"]
        for target in TARGETS:
            a = points.get(("hmn", dataset, target))
            b = points.get(("hnswlib", dataset, target))
            cells.append(f"{a / b:.2f}" if a and b else "—")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
