"""Writes the side-by-side data sets once, as .fvecs/.ivecs, so HMN, hnswlib and FAISS read identical bytes.

lowrank: 100,000 x 128, intrinsic dimension 16 (Gaussian latent times a Gaussian 16x128 basis / 4)
         plus isotropic noise 0.05; 1,000 held-out queries from the same distribution.
blobs:   ann-benchmarks' "random-s-100-euclidean" recipe (sklearn make_blobs: 1,000 centres uniform
         in [-10, 10]^100, unit-variance isotropic clusters, 100,000 points), re-implemented with numpy
         so no scikit-learn is needed; 1,000 held-out queries drawn from the same blobs.
Ground truth: exact L2 top-100 by brute force (faiss.IndexFlatL2). Fixed seed.
"""
import os
import sys

import faiss
import numpy as np

SEED = 20240601


def write_fvecs(path, array):
    array = np.ascontiguousarray(array, dtype=np.float32)
    n, d = array.shape
    out = np.empty((n, d + 1), dtype=np.float32)
    out[:, 0] = np.array([d], dtype=np.int32).view(np.float32)[0]
    out[:, 1:] = array
    out.tofile(path)


def write_ivecs(path, array):
    array = np.ascontiguousarray(array, dtype=np.int32)
    n, d = array.shape
    out = np.empty((n, d + 1), dtype=np.int32)
    out[:, 0] = d
    out[:, 1:] = array
    out.tofile(path)


def lowrank(rng, n, queries, dim=128, intrinsic=16, noise=0.05):
    basis = rng.standard_normal((intrinsic, dim)).astype(np.float32) / np.sqrt(intrinsic)
    def draw(count):
        latent = rng.standard_normal((count, intrinsic)).astype(np.float32)
        return latent @ basis + noise * rng.standard_normal((count, dim)).astype(np.float32)
    return draw(n), draw(queries)


def blobs(rng, n, queries, dim=100, centers=1000):
    centre = rng.uniform(-10.0, 10.0, size=(centers, dim)).astype(np.float32)
    total = n + queries
    labels = np.arange(total) % centers
    rng.shuffle(labels)
    points = centre[labels] + rng.standard_normal((total, dim)).astype(np.float32)
    return points[:n], points[n:]


def ground_truth(base, query, k=100):
    index = faiss.IndexFlatL2(base.shape[1])
    index.add(base)
    _, neighbours = index.search(query, k)
    return neighbours


def main(directory, n=100_000, queries=1_000):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(SEED)
    for name, maker in (("lowrank", lowrank), ("blobs", blobs)):
        if os.path.exists(os.path.join(directory, f"{name}_gt.ivecs")):
            print(f"{name}: already generated")
            continue
        base, query = maker(rng, n, queries)
        write_fvecs(os.path.join(directory, f"{name}_base.fvecs"), base)
        write_fvecs(os.path.join(directory, f"{name}_query.fvecs"), query)
        write_ivecs(os.path.join(directory, f"{name}_gt.ivecs"), ground_truth(base, query))
        print(f"{name}: {base.shape[0]} x {base.shape[1]}, {query.shape[0]} queries")


if __name__ == "__main__":
    main(sys.argv[1], *(int(arg) for arg in sys.argv[2:]))
