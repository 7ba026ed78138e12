"""Topic clustering of documents or paragraphs: TF-IDF, LSA, stable k-means, c-TF-IDF labels.

``cluster(documents)`` runs the whole pipeline; ``vectorize(documents)`` does the text part alone so
that several clusterings (other k, other seeds) reuse one matrix: ``cluster(vectorize(docs), k=6)``.

* Terms: :func:`analysis.text.tokenize`, the possessive 's dropped, numbers and one-letter tokens
  dropped, scikit-learn's English stop words plus ``data/reference/stopwords_extra.txt`` (a file
  users extend). With ``gazetteer=`` every group alias becomes one term (``grp_hts``) first.
* TF-IDF with sublinear tf; ``min_df``/``max_df`` scale with the number of units.
* LSA (TruncatedSVD, then unit length) with min(``n_components``, units / 8) dimensions: few
  dimensions for a small corpus (a few articles' paragraphs), where k-means on the raw TF-IDF
  space has many near-equal optima and would change with the seed.
* k-means with many initialisations (``n_init=50``), keeping the lowest inertia: the answer does not
  hang on one lucky start; ``scores["stability"]`` measures it (mean ARI against refits with other
  seeds). Above ``fit_sample`` units the starts run on a sample and the best is refined on all.
* ``k=None`` picks k in ``k_range`` (on a sample of ``sample_size`` units) by the product of
  split-half stability (Lange et al. 2004: k-means on random halves, their predictions compared by
  ARI) and silhouette (cosine): a k must give clusters that both come back on other data and are
  separated. Stability alone favours k=2 (one coarse split is always reproducible), silhouette alone
  keeps rising with k in LSA space; ``criterion=`` picks either alone, and ``k_curve`` shows all three.
  Clusters are numbered by size, 0 the largest, so output is stable.
* Labels: class-based TF-IDF (c-TF-IDF, as in BERTopic) over each cluster's pooled term counts.
  Coherence: NPMI of each cluster's top terms over the clustered units (documents or paragraphs).

Tables per source and over time, representative units and summaries are in
:mod:`analysis.topic_tables` (re-exported here).
"""
from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfTransformer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from . import config
from .text import paragraph_spans, tokenize

STOPWORDS_EXTRA = config.REFERENCE_DIR / "stopwords_extra.txt"
UNITS = ("document", "paragraph")
CRITERIA = ("combined", "stability", "silhouette")
DEFAULT_K_RANGE = None  # scaled to the corpus: see default_k_range
STABLE = 0.8  # split-half ARI from which a k counts as stable
K_FLAGS = ("upper edge", "lower edge", "no stable k above 2")


def default_k_range(n: int) -> range:
    """Candidate k for ``n`` units: 2 up to about sqrt(n) (at least 12, at most 30), and never above n / 8,
    so that each half-sample still gives clusters of a few units."""
    top = min(max(12, round(n ** 0.5)), 30, max(2, n // 8))
    return range(2, top + 1)


@lru_cache(maxsize=4)
def _read_words(path: str, mtime_ns: int) -> frozenset[str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.lstrip().startswith("#"))


def default_stop_words(path: Path | str | None = None) -> frozenset[str]:
    """scikit-learn's English stop words plus the words in ``stopwords_extra.txt`` (or ``path``)."""
    p = Path(path) if path is not None else STOPWORDS_EXTRA
    return frozenset(ENGLISH_STOP_WORDS) | _read_words(str(p.resolve()), p.stat().st_mtime_ns)


class TermAnalyzer:
    """text -> terms; picklable, configured by ``stop_words`` and an optional group gazetteer."""

    def __init__(self, *, stop_words: Iterable[str], gazetteer: Any = None) -> None:
        self.stop_words = frozenset(stop_words)
        self.gazetteer = gazetteer

    def __call__(self, text: str) -> list[str]:
        if self.gazetteer is not None:
            from .groups import replace_group_names

            text = replace_group_names(text, gazetteer=self.gazetteer)
        stop, out = self.stop_words, []
        for t in tokenize(text):
            if t.endswith("'s"):
                t = t[:-2]
            if len(t) > 1 and not t[0].isdigit() and t not in stop:
                out.append(t)
        return out


@dataclass
class Vectors:
    """The text side of a clustering: one row per unit (document or paragraph)."""

    units: pd.DataFrame  # doc_id[, paragraph]
    counts: sp.csr_matrix  # term counts, units x terms
    embedding: np.ndarray  # unit-length rows: LSA coordinates
    terms: np.ndarray
    unit: str
    params: dict = field(default_factory=dict)
    skipped: pd.DataFrame = field(default_factory=pd.DataFrame)  # units with no term left

    def __repr__(self) -> str:
        return (f"Vectors({len(self.units):,} {self.unit}s x {len(self.terms):,} terms, "
                f"embedding {self.embedding.shape[1]} dims, {len(self.skipped)} skipped)")


@dataclass
class TopicResult:
    """What :func:`cluster` found. Clusters are numbered by size (0 the largest)."""

    assignments: pd.DataFrame  # doc_id[, paragraph], cluster, similarity (cosine to the cluster centre)
    terms: pd.DataFrame  # cluster, rank, term, weight (c-TF-IDF)
    k: int
    k_curve: pd.DataFrame  # k, stability, silhouette, combined, chosen (empty when k was given)
    scores: dict  # silhouette, coherence, stability, n_units, n_terms
    clusters: pd.DataFrame  # cluster, size, share, coherence, label
    coords: pd.DataFrame  # doc_id[, paragraph], cluster, x, y: a 2-D PCA map of the embedding
    unit: str
    params: dict = field(default_factory=dict)
    skipped: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __repr__(self) -> str:
        s = self.scores
        return (f"TopicResult(k={self.k}, {s['n_units']:,} {self.unit}s, silhouette={s['silhouette']:.3f}, "
                f"coherence={s['coherence']:.3f}, stability={s['stability']:.3f})")

    def top_terms(self, n: int = 8) -> dict[int, list[str]]:
        """The ``n`` best c-TF-IDF terms of each cluster."""
        t = self.terms[self.terms["rank"] < n]
        return {int(c): list(g["term"]) for c, g in t.groupby("cluster", sort=True)}


def _require_documents(documents: object, columns: Iterable[str], name: str = "documents") -> pd.DataFrame:
    if not isinstance(documents, pd.DataFrame):
        hint = " (pass corpus.documents)" if hasattr(documents, "documents") else ""
        raise TypeError(f"`{name}` must be a pandas DataFrame (the documents table){hint}; "
                        f"got {type(documents).__name__}.")
    missing = [c for c in columns if c not in documents.columns]
    if missing:
        raise ValueError(f"`{name}` lacks column(s) {', '.join(missing)}; it has {', '.join(documents.columns)}.")
    return documents


def _units(documents: pd.DataFrame, unit: str, include_title: bool) -> tuple[pd.DataFrame, list[str]]:
    ids = documents["doc_id"].astype(str).tolist()
    bodies = documents["body"].fillna("").astype(str).tolist()
    if unit == "document":
        if include_title and "title" in documents.columns:
            titles = documents["title"].fillna("").astype(str).tolist()
            bodies = [f"{t}\n\n{b}" if t else b for t, b in zip(titles, bodies)]
        return pd.DataFrame({"doc_id": ids}), bodies
    rows, texts = [], []
    for d, body in zip(ids, bodies):
        for p, (a, b) in enumerate(paragraph_spans(body)):
            rows.append((d, p))
            texts.append(body[a:b])
    return pd.DataFrame(rows, columns=["doc_id", "paragraph"]).astype({"paragraph": "int64"}), texts


def vectorize(documents: pd.DataFrame, *, unit: str = "document", gazetteer: Any = None,
              stop_words: Iterable[str] | None = None, min_df: int | float | None = None,
              max_df: int | float | None = None, n_components: int = 100, include_title: bool = True,
              random_state: int = 0) -> Vectors:
    """Units of ``documents`` as term counts and a unit-length embedding (LSA when it helps).

    unit: "document" (title and body) or "paragraph" (paragraphs of the body, split at blank lines,
    numbered as in the sentences table). ``min_df`` defaults to 1 below 10 units, else
    max(2, units / 2000); ``max_df`` to 0.5 from 20 units (1.0 below).
    """
    documents = _require_documents(documents, ["doc_id", "body"])
    if unit not in UNITS:
        raise ValueError(f"`unit` must be one of {', '.join(map(repr, UNITS))}; got {unit!r}.")
    if not isinstance(n_components, (int, np.integer)) or n_components < 2:
        raise ValueError(f"`n_components` must be an integer of 2 or more; got {n_components!r}.")
    units, texts = _units(documents, unit, include_title)
    n = len(texts)
    if n < 3:
        raise ValueError(f"`documents` gives {n} {unit}(s); clustering needs at least 3 "
                         f"(try unit='paragraph' for a few long articles).")
    if min_df is None:
        min_df = 1 if n < 10 else max(2, int(np.ceil(n / 2000)))
    if max_df is None:
        max_df = 0.5 if n >= 20 else 1.0
    stop = default_stop_words() if stop_words is None else frozenset(w.lower() for w in stop_words)
    vec = CountVectorizer(analyzer=TermAnalyzer(stop_words=stop, gazetteer=gazetteer), min_df=min_df,
                          max_df=max_df, dtype=np.float32)
    try:
        counts = vec.fit_transform(texts).tocsr()
    except ValueError as exc:  # no term survives min_df / max_df / stop words
        raise ValueError(f"no terms left to cluster on (min_df={min_df}, max_df={max_df}): {exc}") from None
    keep = np.asarray(counts.sum(axis=1)).ravel() > 0
    skipped = units[~keep].assign(reason="no terms").reset_index(drop=True)
    units, counts = units[keep].reset_index(drop=True), counts[keep]
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    n, v = tfidf.shape
    dims = min(n_components, max(2, n // 8), v - 1)
    params = dict(unit=unit, min_df=min_df, max_df=max_df, include_title=include_title,
                  gazetteer=gazetteer is not None, n_components=dims, random_state=random_state)
    if dims >= 2:
        svd = TruncatedSVD(n_components=dims, algorithm="arpack" if n <= 20_000 else "randomized",
                           n_iter=7, random_state=random_state)
        with threadpool_limits(1 if n <= 20_000 else None):  # small: one thread, no oversubscription on busy cores
            embedding = normalize(svd.fit_transform(tfidf))
        params["explained_variance"] = float(svd.explained_variance_ratio_.sum())
    else:  # two or three terms: nothing to reduce
        embedding, params["n_components"] = tfidf.toarray(), 0
    return Vectors(units=units, counts=counts, embedding=embedding, terms=vec.get_feature_names_out(),
                   unit=unit, params=params, skipped=skipped)


def _kmeans(z: Any, k: int, seed: int, n_init: int, fit_sample: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels numbered by cluster size (0 largest) and matching centres; best of ``n_init`` starts."""
    n = z.shape[0]
    if n > fit_sample:
        idx = np.sort(np.random.default_rng(seed).choice(n, fit_sample, replace=False))
        start = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(z[idx]).cluster_centers_
        km = KMeans(n_clusters=k, init=start, n_init=1).fit(z)
    else:
        km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(z)
    labels = km.labels_
    sizes = np.bincount(labels, minlength=k)
    first = np.array([np.flatnonzero(labels == c)[0] if sizes[c] else n for c in range(k)])
    order = np.lexsort((first, -sizes))  # by size, ties by first member
    rank = np.empty(k, dtype=int)
    rank[order] = np.arange(k)
    return rank[labels], km.cluster_centers_[order]


def _k_curve(z: Any, ks: list[int], *, random_state: int, sample_size: int, n_resamples: int = 8) -> pd.DataFrame:
    """Per k: split-half stability (mean ARI between the predictions of k-means fitted on random halves),
    silhouette (cosine) of a k-means on the sample, and their product ("combined")."""
    n = z.shape[0]
    s = z[np.sort(np.random.default_rng(random_state).choice(n, min(n, sample_size), replace=False))]
    m = s.shape[0]
    rows = []
    for k in ks:
        rng = np.random.default_rng([random_state, k])
        preds = []
        for _ in range(n_resamples):
            half = rng.choice(m, m // 2, replace=False)
            km = KMeans(n_clusters=k, n_init=5, random_state=int(rng.integers(2**31))).fit(s[half])
            preds.append(km.predict(s))
        stability = np.mean([adjusted_rand_score(a, b) for a, b in itertools.combinations(preds, 2)])
        labels = KMeans(n_clusters=k, n_init=5, random_state=int(rng.integers(2**31))).fit_predict(s)
        sil = silhouette_score(s, labels, metric="cosine") if len(set(labels)) > 1 else np.nan
        rows.append((k, float(stability), float(sil)))
    curve = pd.DataFrame(rows, columns=["k", "stability", "silhouette"])
    curve["combined"] = curve["stability"].clip(lower=0) * curve["silhouette"].clip(lower=0)
    return curve


def _ctfidf(counts: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """c-TF-IDF (BERTopic): L1-normalised class term counts x log(1 + mean class size / term count)."""
    onehot = sp.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    m = np.asarray((onehot @ counts).todense(), dtype=float)
    tf = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    f = m.sum(axis=0)
    idf = np.log(1 + m.sum(axis=1).mean() / np.maximum(f, 1))
    return tf * idf


def npmi(binary: sp.csc_matrix, columns: list[int]) -> float:
    """Mean NPMI over pairs of ``columns`` (term indices) of a units x terms presence matrix."""
    if len(columns) < 2:
        return float("nan")
    n = binary.shape[0]
    sub = binary[:, columns]
    co = np.asarray((sub.T @ sub).todense(), dtype=float) / n
    p = np.diag(co)
    vals = []
    for i, j in itertools.combinations(range(len(columns)), 2):
        pij = co[i, j]
        if pij <= 0:
            vals.append(-1.0)
        elif pij >= 1:
            vals.append(1.0)
        else:
            vals.append(np.log(pij / (p[i] * p[j])) / -np.log(pij))
    return float(np.mean(vals))


def _check_k(k: object, n: int | None) -> int:
    """``k`` must be an integer from 2 to n - 1 (``n`` None: only the lower bound is checked yet)."""
    top = "the number of units minus one" if n is None else f"{n - 1} (fewer than the {n} units)"
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2 or (n is not None and k >= n):
        raise ValueError(f"`k` must be None (choose from the data) or an integer from 2 to {top}; got {k!r}.")
    return int(k)


def _check_k_range(k_range: object, n: int, *, warn: bool = True) -> list[int]:
    bad = ValueError(f"`k_range` must be distinct integers of 2 or more (e.g. range(2, 13)); got {k_range!r}.")
    if isinstance(k_range, (str, bytes)) or not isinstance(k_range, Iterable):
        raise bad
    values = list(k_range)
    if not values or any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2 for k in values) \
            or len(set(values)) != len(values):
        raise bad
    ks = sorted(int(k) for k in values)
    top = max(2, n // 8)  # each half-sample must give clusters of a few units
    kept = [k for k in ks if k <= top]
    if not kept:
        raise ValueError(f"`k_range`: with {n} units k can go up to {top}; got {k_range!r}.")
    if warn and len(kept) < len(ks):
        warnings.warn(f"k_range: k above {top} left out: {n} units are too few to test it.", stacklevel=3)
    return kept


def cluster(documents: pd.DataFrame | Vectors, *, k: int | None = None, unit: str | None = None,
            random_state: int = 0, k_range: Iterable[int] | None = DEFAULT_K_RANGE, criterion: str = "combined",
            gazetteer: Any = None, stop_words: Iterable[str] | None = None, min_df: int | float | None = None,
            max_df: int | float | None = None, n_components: int | None = None, include_title: bool | None = None,
            n_init: int = 50, n_top_terms: int = 10, sample_size: int = 4000, fit_sample: int = 20_000,
            n_stability: int = 3) -> TopicResult:
    """Cluster documents (or their paragraphs) into topics; see the module docstring.

    documents: the documents table, or :class:`Vectors` from :func:`vectorize` (then the text options
    ``unit``, ``gazetteer``, ``stop_words``, ``min_df``, ``max_df``, ``n_components``, ``include_title``
    are those of the vectors). k: the number of clusters, or None to choose it from ``k_range`` by
    ``criterion`` ("combined", "stability" or "silhouette") on at most ``sample_size`` units. ``k_range``
    None (the default) tries ``default_k_range(units)`` and, when the best k is the largest tried, widens the
    range once (up to twice as far, at most units / 8 and 60); a range you give is used as it is (k above
    units / 8 left out with a warning). ``params["k_flags"]`` says when the chosen k lies at an edge of the
    range tried or when no k above 2 is stable (``STABLE``): then the corpus has no clear number of topics.
    ``n_stability`` refits with other seeds measure ``scores["stability"]`` (0 skips it).
    """
    if criterion not in CRITERIA:
        raise ValueError(f"`criterion` must be one of {', '.join(map(repr, CRITERIA))}; got {criterion!r}.")
    if unit is not None and unit not in UNITS:
        raise ValueError(f"`unit` must be one of {', '.join(map(repr, UNITS))}; got {unit!r}.")
    if k is not None:
        _check_k(k, None)
    for name, value, low in (("random_state", random_state, 0), ("n_init", n_init, 1), ("n_top_terms", n_top_terms, 2),
                             ("sample_size", sample_size, 100), ("fit_sample", fit_sample, 100),
                             ("n_stability", n_stability, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"`{name}` must be an integer of {low} or more; got {value!r}.")
    text_opts = dict(unit=unit, gazetteer=gazetteer, stop_words=stop_words, min_df=min_df, max_df=max_df,
                     n_components=n_components, include_title=include_title)
    if isinstance(documents, Vectors):
        given = [name for name, v in text_opts.items() if v is not None]
        if given:
            warnings.warn(f"{', '.join(given)} ignored: `documents` is already vectorised "
                          f"(unit={documents.unit!r}); the vectors' settings win.", stacklevel=2)
        vectors = documents
    else:
        opts = {name: v for name, v in text_opts.items() if v is not None}
        vectors = vectorize(documents, random_state=random_state, **opts)
    z, n = vectors.embedding, vectors.embedding.shape[0]
    if k is None:
        auto = k_range is None
        with threadpool_limits(1):  # many small fits: one thread each is faster, and safe on busy cores
            ks = list(default_k_range(n)) if auto else _check_k_range(k_range, n)
            curve = _k_curve(z, ks, random_state=random_state, sample_size=sample_size)
            k = int(curve.loc[curve[criterion].idxmax(), "k"])
            widened = None
            limit = min(2 * max(ks), max(2, n // 8), 60)
            if auto and k == max(ks) and limit > max(ks):  # the best k is the largest tried: look further
                more = list(range(max(ks) + 1, limit + 1))
                curve = pd.concat([curve, _k_curve(z, more, random_state=random_state, sample_size=sample_size)],
                                  ignore_index=True)
                widened = (max(ks), limit)
                k = int(curve.loc[curve[criterion].idxmax(), "k"])
        curve["chosen"] = curve["k"] == k
        flags = []
        if k == curve["k"].max():
            flags.append("upper edge")
        if k == curve["k"].min():
            flags.append("lower edge")
        if (curve["k"] > 2).any() and not (curve.loc[curve["k"] > 2, "stability"] >= STABLE).any():
            flags.append("no stable k above 2")
        k_notes = {"flags": flags, "widened": widened}
    else:
        k = _check_k(k, n)
        if k_range is not None:
            warnings.warn(f"k={k} given, so k_range is ignored.", stacklevel=2)
        curve = pd.DataFrame(columns=["k", "stability", "silhouette", "combined", "chosen"])
        k_notes = {"flags": [], "widened": None}
    with threadpool_limits(1 if n <= fit_sample else None):
        labels, centres = _kmeans(z, k, random_state, n_init, fit_sample)
        refits = [_kmeans(z, k, random_state + i + 1, n_init, fit_sample)[0] for i in range(n_stability)]
    weights = _ctfidf(vectors.counts, labels, k)
    binary = (vectors.counts > 0).astype(np.float32).tocsc()
    term_rows, coherence = [], []
    for c in range(k):
        top = np.lexsort((vectors.terms, -weights[c]))[:n_top_terms]
        top = [t for t in top if weights[c, t] > 0]
        term_rows += [(c, r, vectors.terms[t], float(weights[c, t])) for r, t in enumerate(top)]
        coherence.append(npmi(binary, top))
    terms = pd.DataFrame(term_rows, columns=["cluster", "rank", "term", "weight"])
    unit_z = z.toarray() if sp.issparse(z) else z
    centres_n = normalize(np.asarray(centres))
    similarity = np.einsum("ij,ij->i", unit_z, centres_n[labels])
    assignments = vectors.units.assign(cluster=labels, similarity=similarity)
    xy = PCA(n_components=2, svd_solver="full").fit_transform(unit_z)
    coords = vectors.units.assign(cluster=labels, x=xy[:, 0], y=xy[:, 1])
    sizes = np.bincount(labels, minlength=k)
    clusters = pd.DataFrame({"cluster": np.arange(k), "size": sizes, "share": sizes / n, "coherence": coherence,
                             "label": [", ".join(terms.loc[terms["cluster"] == c, "term"].head(3)) for c in range(k)]})
    sil = silhouette_score(z, labels, metric="cosine", sample_size=min(n, sample_size), random_state=random_state) \
        if k > 1 else np.nan
    scores = {"silhouette": float(sil), "coherence": float(np.nanmean(coherence)),
              "stability": float(np.mean([adjusted_rand_score(labels, r) for r in refits])) if refits else np.nan,
              "n_units": int(n), "n_terms": int(len(vectors.terms))}
    params = {**vectors.params, "criterion": criterion, "n_init": n_init, "k_chosen_from": list(curve["k"]),
              "seed": random_state, "k_flags": k_notes["flags"], "k_widened": k_notes["widened"]}
    return TopicResult(assignments=assignments, terms=terms, k=k, k_curve=curve, scores=scores, clusters=clusters,
                       coords=coords, unit=vectors.unit, params=params, skipped=vectors.skipped)


def describe_k_choice(result: TopicResult) -> list[str]:
    """Sentences that say how k was chosen and what the curve shows, computed from ``result.k_curve`` (empty
    when k was given)."""
    c = result.k_curve
    if c.empty:
        return [f"k = {result.k} was given, not chosen from the data."]
    c = c.astype({"k": int, "stability": float, "silhouette": float, "combined": float})
    lo, hi = int(c["k"].min()), int(c["k"].max())
    crit = result.params.get("criterion", "combined")
    how = {"combined": "the product of split-half stability and silhouette", "stability": "split-half stability",
           "silhouette": "silhouette"}[crit]
    out = [f"k = {result.k} was chosen from k = {lo}–{hi} ({result.scores['n_units']:,} units) by {how}."]
    widened = result.params.get("k_widened")
    if widened:
        out.append(f"The best k was the largest of the first range (2–{widened[0]}), so the range was widened to "
                   f"{widened[1]}.")
    st, si = c.set_index("k")["stability"], c.set_index("k")["silhouette"]
    out.append(f"Stability is highest at k = {st.idxmax()} ({st.max():.2f}) and lowest at k = {st.idxmin()} "
               f"({st.min():.2f}); silhouette goes from {si.iloc[0]:.2f} at k = {lo} to {si.iloc[-1]:.2f} at k = {hi}, "
               f"highest at k = {si.idxmax()} ({si.max():.2f}).")
    flags = result.params.get("k_flags", [])
    above2 = c[c["k"] > 2]
    if "no stable k above 2" in flags and len(above2):
        best = above2.loc[above2["stability"].idxmax()]
        out.append(f"No k above 2 reaches stability {STABLE} (the best is {best['stability']:.2f} at k = {int(best['k'])}): "
                   "the corpus has no clear number of topics, so treat k as a zoom level and compare neighbours "
                   "(`topics.cluster(vectors, k=...)`).")
    if "upper edge" in flags:
        out.append(f"The chosen k is the largest tried ({hi}): the data may support more topics than the range allows.")
    if "lower edge" in flags and len(above2):
        alt = above2.loc[above2[crit].idxmax()]
        out.append(f"k = 2 is the coarsest possible split; the best k above 2 is k = {int(alt['k'])} "
                   f"({crit} {alt[crit]:.3f} against {c.loc[c['k'] == result.k, crit].item():.3f}).")
    return out


def evaluate(result: TopicResult, labels: pd.Series | dict | Iterable) -> dict:
    """NMI and ARI of the clusters against known ``labels``: a Series or dict by doc_id (paragraphs
    take their document's label) or a sequence aligned with ``result.assignments``."""
    a = result.assignments
    if isinstance(labels, (pd.Series, dict)):
        mapping = labels if isinstance(labels, pd.Series) else pd.Series(labels)
        truth = a["doc_id"].map(mapping)
        if truth.isna().any():
            missing = a.loc[truth.isna(), "doc_id"].unique()[:3]
            raise ValueError(f"`labels` has no label for {truth.isna().sum()} unit(s), e.g. doc_id {', '.join(missing)}.")
    else:
        truth = pd.Series(list(labels))
        if len(truth) != len(a):
            raise ValueError(f"`labels` must be keyed by doc_id or have one label per unit ({len(a)}); "
                             f"got {len(truth)} labels.")
    truth = truth.astype(str).to_numpy()
    return {"nmi": float(normalized_mutual_info_score(truth, a["cluster"])),
            "ari": float(adjusted_rand_score(truth, a["cluster"])), "n": int(len(a))}


from .topic_tables import representatives, summary, topics_by, topics_over_time  # noqa: E402

__all__ = ["cluster", "vectorize", "evaluate", "describe_k_choice", "default_k_range", "default_stop_words", "npmi", "TopicResult", "Vectors",
           "TermAnalyzer", "topics_by", "topics_over_time", "representatives", "summary"]
