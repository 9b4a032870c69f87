"""Best-of-N, interleaved query throughput: HMN vs hnswlib on the same prebuilt indexes.

The build machine is shared, so a sequential run (all of HMN, then all of hnswlib) confounds the
systems with whatever else ran in those minutes. Here each system's index is built once and cached;
then the query passes alternate HMN, hnswlib, HMN, hnswlib, ... and each keeps its best pass.
Usage: interleaved.py DATA_DIR HMN_BENCH_BINARY [rounds] [ef,ef,...]
"""
import subprocess
import sys
import time

import hnswlib
import numpy as np

from bench_python import read_vecs, recall


def main(directory, binary, rounds=5, sweep=(16, 24, 48, 96), datasets=("lowrank", "blobs"), m=16, efc=200):
    print("| data set | ef | recall HMN | recall hnswlib | best q/s HMN | best q/s hnswlib | HMN/hnswlib |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in datasets:
        base = np.ascontiguousarray(read_vecs(f"{directory}/{name}_base.fvecs", np.float32))
        query = np.ascontiguousarray(read_vecs(f"{directory}/{name}_query.fvecs", np.float32))
        truth = read_vecs(f"{directory}/{name}_gt.ivecs", np.int32)
        cache = f"{directory}/{name}.hmn-index"
        ef_arg = ",".join(str(ef) for ef in sweep)
        command = [binary, "vectors", "--data", directory, "--datasets", name, "--index-cache", cache,
                   "--M", str(m), "--ef-construction", str(efc), "--ef", ef_arg]
        subprocess.run(command, check=True, capture_output=True)  # builds and caches once
        index = hnswlib.Index(space="l2", dim=base.shape[1])
        index.init_index(max_elements=len(base), M=m, ef_construction=efc, random_seed=100)
        index.set_num_threads(1)
        index.add_items(base, np.arange(len(base)))
        best = {}
        for _ in range(rounds):
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            for line in out.splitlines()[1:]:
                _, _, _, ef, rec, qps = line.split(",")
                key = ("hmn", int(ef))
                best[key] = (float(rec), max(best.get(key, (0, 0))[1], float(qps)))
            for ef in sweep:
                index.set_ef(ef)
                start = time.perf_counter()
                labels, _ = index.knn_query(query, k=10)
                qps = len(query) / (time.perf_counter() - start)
                key = ("hnswlib", ef)
                best[key] = (recall(labels, truth), max(best.get(key, (0, 0))[1], qps))
        for ef in sweep:
            (ra, qa), (rb, qb) = best[("hmn", ef)], best[("hnswlib", ef)]
            print(f"| {name} | {ef} | {ra:.3f} | {rb:.3f} | {qa:.0f} | {qb:.0f} | {qa / qb:.2f} |")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], *( [int(args[2])] if len(args) > 2 else [] ),
         *( [tuple(int(x) for x in args[3].split(","))] if len(args) > 3 else [] ))
