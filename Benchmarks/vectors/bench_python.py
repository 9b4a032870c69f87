"""hnswlib and FAISS HNSW on the generated data, single thread, same M and efConstruction as HMN.

Prints CSV rows: system,dataset,build_s,ef,recall,qps (recall@10 against the exact top-10).
Queries go to each library in one batch call with one thread, so no Python overhead is timed.
"""
import sys
import time

import faiss
import hnswlib
import numpy as np


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    rows = raw.reshape(-1, d + 1)[:, 1:]
    return rows.view(dtype) if dtype == np.float32 else rows


def recall(found, truth):
    return float(np.mean([len(set(a) & set(b[:10])) / 10 for a, b in zip(found, truth)]))


def main(directory, datasets, m, ef_construction, sweep):
    faiss.omp_set_num_threads(1)
    for name in datasets:
        base = np.ascontiguousarray(read_vecs(f"{directory}/{name}_base.fvecs", np.float32))
        query = np.ascontiguousarray(read_vecs(f"{directory}/{name}_query.fvecs", np.float32))
        truth = read_vecs(f"{directory}/{name}_gt.ivecs", np.int32)
        n, d = base.shape

        index = hnswlib.Index(space="l2", dim=d)
        index.init_index(max_elements=n, M=m, ef_construction=ef_construction, random_seed=100)
        index.set_num_threads(1)
        start = time.perf_counter()
        index.add_items(base, np.arange(n))
        build = time.perf_counter() - start
        for ef in sweep:
            index.set_ef(ef)
            index.knn_query(query[:100], k=10)
            start = time.perf_counter()
            labels, _ = index.knn_query(query, k=10)
            elapsed = time.perf_counter() - start
            print(f"hnswlib,{name},{build:.3f},{ef},{recall(labels, truth):.4f},{len(query) / elapsed:.0f}", flush=True)

        flat = faiss.IndexHNSWFlat(d, m)
        flat.hnsw.efConstruction = ef_construction
        start = time.perf_counter()
        flat.add(base)
        build = time.perf_counter() - start
        for ef in sweep:
            flat.hnsw.efSearch = ef
            flat.search(query[:100], 10)
            start = time.perf_counter()
            _, labels = flat.search(query, 10)
            elapsed = time.perf_counter() - start
            print(f"faiss,{name},{build:.3f},{ef},{recall(labels, truth):.4f},{len(query) / elapsed:.0f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4]),
         [int(x) for x in sys.argv[5].split(",")])
