"""Republished copies and near-copies, and which copy is the original.

``near_duplicates`` finds pairs of documents that share most of their text although site chrome,
light edits or truncation make them differ: word shingles (``shingle`` consecutive tokens of
:func:`analysis.text.tokenize`), MinHash signatures (``num_perm`` hash functions, numpy), locality
sensitive hashing with ``bands`` bands so only documents that agree on a whole band become
candidates (all pairs are never compared), then an exact check of every candidate on its shingle
sets. ``syndication`` groups the pairs into clusters and names the original of each cluster;
``drop_syndicated`` keeps one copy per cluster, under its original publisher.

Also the input checks shared with :mod:`analysis.compare`.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import count
from os import PathLike
from typing import Sequence

import numpy as np
import pandas as pd

from .text import tokenize
from .checks import require_table

SECTIONS = ("body", "comments")
PAIR_COLUMNS = ["doc_a", "doc_b", "similarity", "containment"]
SYNDICATION_COLUMNS = ["cluster", "doc_id", "outlet", "publisher", "published", "original", "original_publisher",
                       "is_original"]
_BATCH_DOCS = 2000  # documents hashed at a time (bounds memory)
_CHUNK_SHINGLES = 1 << 16  # shingles per MinHash block: num_perm x this uint64 temporary
_MARGIN = 0.2  # MinHash estimates this far below a threshold still get the exact check
_U = np.uint64


# --------------------------------------------------------------------------- input checks

def check_table(table, *, columns: Sequence[str] = (), name: str = "documents") -> pd.DataFrame:
    """``table`` as a DataFrame with ``columns``; a Corpus gives its attribute ``name``.
    A bare str (or path) is rejected with a message saying what is expected."""
    if not isinstance(table, pd.DataFrame) and isinstance(getattr(table, name, None), pd.DataFrame):
        table = getattr(table, name)
    if isinstance(table, (str, bytes, PathLike)):
        raise TypeError(f"`{name}` must be a pandas DataFrame (the corpus's {name} table, e.g. "
                        f"load_corpus().{name}); got {type(table).__name__} {str(table)[:60]!r}")
    return require_table(table, columns, name, source=f"the corpus's {name} table")


def check_choice(name: str, value, allowed: Sequence) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"`{name}` must be one of {', '.join(map(repr, allowed))}; got {value!r}")


def section_texts(documents: pd.DataFrame, section: str) -> list[str]:
    """The ``section`` column as a list of str ("" for missing)."""
    check_choice("section", section, SECTIONS)
    return ["" if not isinstance(t, str) else t for t in documents[section].tolist()]


# --------------------------------------------------------------------------- hashing

def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits of each uint64."""
    h = h + _U(0x9E3779B97F4A7C15)
    h = (h ^ (h >> _U(30))) * _U(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> _U(27))) * _U(0x94D049BB133111EB)
    return h ^ (h >> _U(31))


def _shingles(texts: Sequence[str], vocab: defaultdict, mult: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every ``w``-token window of each text (a text shorter than ``w`` is one shingle),
    concatenated, and the number per text."""
    get = vocab.__getitem__
    parts, lengths = [], np.zeros(len(texts), dtype=np.int64)
    for i, t in enumerate(texts):
        toks = tokenize(t)
        lengths[i] = len(toks)
        parts.append(np.fromiter(map(get, toks), dtype=np.int64, count=len(toks)))
    x = (np.concatenate(parts) if parts else np.zeros(0, np.int64)).astype(_U) + _U(1)
    starts = np.cumsum(lengths) - lengths
    n_full = np.maximum(lengths - w + 1, 0)
    short = (lengths > 0) & (lengths < w)
    per_doc = np.where(short, 1, n_full)
    out = np.zeros(int(per_doc.sum()), dtype=_U)
    if len(x) >= w and n_full.sum():
        h = np.zeros(len(x) - w + 1, dtype=_U)
        for k in range(w):
            h += x[k:len(x) - w + 1 + k] * mult[k]
        first = np.repeat(starts, n_full)
        idx = first + np.arange(int(n_full.sum())) - np.repeat(np.cumsum(n_full) - n_full, n_full)
        slot_short = np.repeat(short, per_doc)
        out[~slot_short] = h[idx]
    for d in np.flatnonzero(short):
        seg = x[starts[d]:starts[d] + lengths[d]]
        out[int(per_doc[:d].sum())] = (seg * mult[:len(seg)]).sum()
    return _mix(out), per_doc


def _minhash(hashes: np.ndarray, per_doc: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signature (top 32 bits of each minimum) of each text with at least one shingle."""
    sig = np.zeros((len(per_doc), len(a)), dtype=np.uint32)
    offsets = np.concatenate([[0], np.cumsum(per_doc)])
    d = 0
    while d < len(per_doc):
        e = d + 1
        while e < len(per_doc) and offsets[e + 1] - offsets[d] <= _CHUNK_SHINGLES:
            e += 1
        seg = hashes[offsets[d]:offsets[e]]
        if len(seg):
            v = np.multiply.outer(a, seg)
            v += b[:, None]
            keep = per_doc[d:e] > 0
            starts = (offsets[d:e] - offsets[d])[keep]
            sig[d:e][keep] = (np.minimum.reduceat(v, starts, axis=1) >> _U(32)).astype(np.uint32).T
        d = e
    return sig


def _bucket_pairs(keys: np.ndarray) -> np.ndarray:
    """(i, j), i < j, for every two positions with the same key; vectorised over all buckets."""
    order = np.argsort(keys, kind="stable")
    ks = keys[order]
    new = np.concatenate([[True], ks[1:] != ks[:-1]])
    run = np.cumsum(new) - 1
    run_start = np.flatnonzero(new)
    run_len = np.diff(np.concatenate([run_start, [len(ks)]]))
    rank = np.arange(len(ks)) - run_start[run]
    partners = run_len[run] - 1 - rank
    total = int(partners.sum())
    if total == 0:
        return np.zeros((0, 2), dtype=np.int64)
    first = np.repeat(np.arange(len(ks)), partners)
    step = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners) + 1
    i, j = order[first], order[first + step]
    return np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)


def auto_bands(threshold: float, num_perm: int) -> int:
    """LSH bands for ``threshold``: the fewest-candidate banding (most rows per band, bands =
    num_perm // rows) that still makes a pair of Jaccard threshold/2 a candidate with probability
    0.9 or more, so a copy truncated to half of the original (Jaccard ~ threshold/2, containment 1)
    is found. With threshold 0.8 and 128 permutations: 42 bands of 3 rows."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1 - (1 - (threshold / 2) ** rows) ** bands >= 0.9:
            return bands
    return num_perm


# --------------------------------------------------------------------------- public API

def near_duplicates(documents: pd.DataFrame, *, section: str = "body", threshold: float = 0.8,
                    min_containment: float | None = 0.8, shingle: int = 5, num_perm: int = 128,
                    bands: int | None = None, min_words: int = 10, random_state: int = 0) -> pd.DataFrame:
    """Pairs of documents whose ``section`` texts are copies or near-copies of each other.

    A pair is reported when the Jaccard similarity of their shingle sets reaches ``threshold``, or
    when their containment (shared shingles / shingles of the shorter text) reaches
    ``min_containment`` (a truncated copy; ``None`` reports on Jaccard only). Texts with fewer than
    ``min_words`` tokens are skipped. ``bands`` (rows per band = num_perm // bands): default
    :func:`auto_bands`. Candidates come only from LSH buckets; a pair that agrees on no band is
    never compared, so recall is probabilistic: with the defaults (42 bands of 3 rows) a pair of
    Jaccard 0.4 is a candidate with probability 0.94, 0.5 with 0.996, 0.6 and above with > 0.9999.

    Returns columns ``doc_a``, ``doc_b`` (``doc_a`` is the earlier row), ``similarity`` (exact
    Jaccard), ``containment``; most similar first.
    """
    docs = check_table(documents, columns=("doc_id", section) if section in SECTIONS else ("doc_id",))
    texts = section_texts(docs, section)
    for name, v in (("threshold", threshold), ("min_containment", 0.5 if min_containment is None else min_containment)):
        if not 0 < v <= 1:
            raise ValueError(f"`{name}` must be in (0, 1]; got {v!r}")
    if not isinstance(shingle, int) or shingle < 1:
        raise ValueError(f"`shingle` must be a positive int (tokens per shingle); got {shingle!r}")
    if not isinstance(num_perm, int) or num_perm < 1:
        raise ValueError(f"`num_perm` must be a positive int (hash functions); got {num_perm!r}")
    bands = auto_bands(threshold, num_perm) if bands is None else bands
    if not isinstance(bands, int) or not 1 <= bands <= num_perm:
        raise ValueError(f"`bands` must be an int from 1 to `num_perm` ({num_perm}); got {bands!r}")
    rows = num_perm // bands  # bands * rows <= num_perm hash values are used for banding
    rng = np.random.default_rng(random_state)
    mult = rng.integers(1, 2**63, size=shingle, dtype=_U) * _U(2) + _U(1)
    a = rng.integers(1, 2**63, size=num_perm, dtype=_U) * _U(2) + _U(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=_U)
    band_mult = rng.integers(1, 2**63, size=rows, dtype=_U) * _U(2) + _U(1)

    vocab: defaultdict = defaultdict(count().__next__)
    sigs, sizes = [], []
    for k in range(0, len(texts), _BATCH_DOCS):
        h, per_doc = _shingles(texts[k:k + _BATCH_DOCS], vocab, mult, shingle)
        sigs.append(_minhash(h, per_doc, a, b))
        sizes.append(per_doc)
    sig = np.concatenate(sigs) if sigs else np.zeros((0, num_perm), np.uint32)
    size = np.concatenate(sizes) if sizes else np.zeros(0, np.int64)
    ids = docs["doc_id"].astype(str).tolist()
    usable = np.flatnonzero(size >= max(min_words - shingle + 1, 1))
    n = len(texts)

    codes = []
    for k in range(bands):
        keys = _mix((sig[usable, k * rows:(k + 1) * rows].astype(_U) * band_mult).sum(axis=1, dtype=_U))
        p = _bucket_pairs(keys)
        codes.append(usable[p[:, 0]].astype(np.int64) * n + usable[p[:, 1]])
    code = np.unique(np.concatenate(codes)) if codes else np.zeros(0, np.int64)
    i, j = code // max(n, 1), code % max(n, 1)

    # MinHash estimates prune candidates far below both thresholds; the rest are checked exactly.
    est = np.concatenate([(sig[i[s:s + 100_000]] == sig[j[s:s + 100_000]]).mean(axis=1)
                          for s in range(0, len(i), 100_000)]) if len(i) else np.zeros(0)
    si, sj = size[i].astype(float), size[j].astype(float)
    est_c = est * (si + sj) / (1 + est) / np.maximum(np.minimum(si, sj), 1)
    keep = est >= threshold - _MARGIN
    if min_containment is not None:
        keep |= est_c >= min_containment - _MARGIN
    i, j = i[keep], j[keep]
    need = np.unique(np.concatenate([i, j]))
    shingle_sets = {}
    for k in range(0, len(need), _BATCH_DOCS):
        part = need[k:k + _BATCH_DOCS]
        h, per_doc = _shingles([texts[d] for d in part], vocab, mult, shingle)
        for d, seg in zip(part, np.split(h, np.cumsum(per_doc)[:-1])):
            shingle_sets[d] = np.unique(seg)
    out = []
    for x, y in zip(i.tolist(), j.tolist()):
        sx, sy = shingle_sets[x], shingle_sets[y]
        inter = np.intersect1d(sx, sy, assume_unique=True).size
        jac = inter / (len(sx) + len(sy) - inter)
        cont = inter / min(len(sx), len(sy))
        if jac >= threshold or (min_containment is not None and cont >= min_containment):
            out.append((ids[x], ids[y], jac, cont))
    pairs = pd.DataFrame(out, columns=PAIR_COLUMNS)
    pairs = pairs.sort_values(["similarity", "containment", "doc_a", "doc_b"], ascending=[False, False, True, True],
                              kind="stable").reset_index(drop=True)
    pairs.attrs.update(bands=bands, rows=rows, candidates=int(len(code)), checked=int(len(i)))
    return pairs


def _clusters(doc_ids: Sequence[str], pairs: pd.DataFrame) -> dict[str, int]:
    """Connected components (union-find) of the documents named in ``pairs``."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    known = set(doc_ids)
    for a, b in zip(pairs["doc_a"].astype(str), pairs["doc_b"].astype(str)):
        if a in known and b in known and a != b:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[rb] = ra
    roots: dict[str, int] = {}
    out = {}
    for d in doc_ids:  # numbered in document order
        if d in parent:
            out[d] = roots.setdefault(find(d), len(roots))
    return out


def syndication(documents: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Clusters of copies (connected components of ``pairs``, from :func:`near_duplicates`) and the
    original of each: the copy with the earliest ``published`` date; among equal or missing dates,
    a copy published by its own outlet (``outlet == publisher``) before one republished elsewhere,
    then the earlier row. ``original_publisher`` is the original's publisher, or else the
    publisher a republished copy names (``outlet != publisher``).

    Returns one row per document in a cluster: ``cluster``, ``doc_id``, ``outlet``, ``publisher``,
    ``published``, ``original`` (doc_id), ``original_publisher``, ``is_original``. Note that a chain
    A~B, B~C puts A and C in one cluster even when A and C differ more than the threshold allows.
    """
    docs = check_table(documents, columns=("doc_id",))
    pairs = check_table(pairs, columns=("doc_a", "doc_b"), name="pairs")
    ids = docs["doc_id"].astype(str).tolist()
    cl = _clusters(ids, pairs)
    if not cl:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SYNDICATION_COLUMNS})
    t = docs.assign(doc_id=ids, _row=np.arange(len(docs)))
    for c in ("outlet", "publisher", "published"):
        if c not in t:
            t[c] = None
    t = t[t["doc_id"].isin(cl)].assign(cluster=lambda d: d["doc_id"].map(cl))
    t["published"] = pd.to_datetime(t["published"])
    own = t["outlet"].isna() | (t["outlet"] == t["publisher"])
    t = t.assign(_own=~own.fillna(True).astype(bool))
    t = t.sort_values(["cluster", "published", "_own", "_row"], na_position="last", kind="stable")
    first = t.groupby("cluster", sort=False).head(1).set_index("cluster")
    t["original"] = t["cluster"].map(first["doc_id"])
    named = t[t["outlet"].notna() & t["publisher"].notna() & (t["outlet"] != t["publisher"])]
    named = named.groupby("cluster")["publisher"].first()
    orig_pub = first["publisher"].where(first["publisher"].notna(), named.reindex(first.index))
    t["original_publisher"] = t["cluster"].map(orig_pub)
    t["is_original"] = t["doc_id"] == t["original"]
    return t.sort_values(["cluster", "_row"])[SYNDICATION_COLUMNS].reset_index(drop=True)


def drop_syndicated(documents: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """``documents`` with each cluster of copies reduced to its original, whose ``publisher`` is set
    to the cluster's original publisher (see :func:`syndication`), so a syndicated text counts once."""
    docs = check_table(documents, columns=("doc_id",))
    s = syndication(docs, pairs)
    drop = set(s.loc[~s["is_original"].astype(bool), "doc_id"])
    out = docs[~docs["doc_id"].astype(str).isin(drop)].copy()
    if len(s) and "publisher" in out:
        pub = s[s["is_original"].astype(bool)].set_index("doc_id")["original_publisher"]
        key = out["doc_id"].astype(str)
        out["publisher"] = key.map(pub).where(key.isin(pub.index) & key.map(pub).notna(), out["publisher"])
    return out

