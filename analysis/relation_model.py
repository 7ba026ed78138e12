"""The relation classifier: a multinomial logistic regression over named pair features, stored as JSON.

``fit_model(features, labels)`` learns one weight per (feature, class) with scikit-learn;
``RelationModel.predict`` gives each pair its label (``coop``, ``conflict``, ``none``, or ``unclear`` when the
best class's probability is below that class's threshold in ``thresholds``), the probability, and the features that decided it (the
largest contributions to the chosen class against the runner-up), so an analyst sees why. ``save_model`` writes a
transparent, diffable file (``config.RELATION_MODEL``: one line per feature with its weights); ``load_model``
reads it back. No pickles.

Training and evaluation from the annotations are in ``analysis.relation_training``.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np
import scipy.sparse as sp

from . import config
from .files import write_atomic
from .relation_features import describe

__all__ = ["LABELS", "UNCLEAR", "Prediction", "RelationModel", "fit_model", "save_model", "load_model"]

LABELS = ("coop", "conflict", "none")
UNCLEAR = "unclear"
FORMAT = "relation-model/1"


class Prediction(NamedTuple):
    """Per row: ``label`` (a class, or 'unclear' below its threshold), ``best`` (the most probable class, even
    when unclear), ``probability`` (of ``best``), ``why`` (the features that decided it)."""

    label: np.ndarray
    best: np.ndarray
    probability: np.ndarray
    why: list


@dataclass
class RelationModel:
    """A fitted model. ``classes_``: the labels in weight order; ``vocabulary_``: {feature: column};
    ``coef_``: (classes x features) weights; ``intercept_``: per class; ``thresholds``: {class: the least
    probability for that label}, below it the row is ``unclear`` (a class not listed has none);
    ``meta``: how it was trained (data, parameters, versions)."""

    classes_: tuple[str, ...]
    vocabulary_: dict[str, int]
    coef_: np.ndarray
    intercept_: np.ndarray
    thresholds: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.coef_ = np.asarray(self.coef_, dtype=np.float64)
        self.intercept_ = np.asarray(self.intercept_, dtype=np.float64)
        self.features_ = np.empty(len(self.vocabulary_), dtype=object)
        for f, k in self.vocabulary_.items():
            self.features_[k] = f

    def matrix(self, features: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """Binary (rows x vocabulary) matrix of feature lists; features not in the vocabulary are ignored."""
        import pandas as pd

        lengths = np.fromiter((len(fs) for fs in features), dtype=np.int64, count=len(features))
        flat = np.fromiter(itertools.chain.from_iterable(features), dtype=object, count=int(lengths.sum()))
        # object dtype on both sides: no conversion of millions of strings to Arrow just to look them up
        cols = (self._index().get_indexer(pd.Index(flat, dtype=object, copy=False)) if len(flat)
                else np.zeros(0, dtype=np.int64))
        rows = np.repeat(np.arange(len(features), dtype=np.int64), lengths)
        keep = cols >= 0
        X = sp.csr_matrix((np.ones(int(keep.sum())), (rows[keep], cols[keep])),
                          shape=(len(features), len(self.vocabulary_)))
        X.sum_duplicates()
        X.data[:] = 1.0
        return X

    def _index(self):
        import pandas as pd

        if getattr(self, "index_", None) is None:
            self.index_ = pd.Index(self.features_, dtype=object)
        return self.index_

    def probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        """Class probabilities (rows x classes), softmax of the linear scores."""
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, features: Sequence[Sequence[str]], *, top: int = 3) -> Prediction:
        """A :class:`Prediction` (label, best class, its probability, why) for each feature list.

        A label is ``unclear`` when its probability is below its class's threshold. ``why`` lists the ``top`` present
        features that pushed most towards the best class against the runner-up, with that push in log-odds:
        ``"cue_between_last:conflict +1.9; between:clashes +0.8"``.
        """
        X = self.matrix(features)
        proba = self.probabilities(X)
        best = proba.argmax(axis=1)
        p = proba[np.arange(len(best)), best]
        best_label = np.asarray(self.classes_, dtype=object)[best]
        limit = np.asarray([self.thresholds.get(c, 0.0) for c in self.classes_])[best]
        labels = np.where(p < limit, UNCLEAR, best_label).astype(object)
        return Prediction(labels, best_label, p, self.explain(X, proba, top=top))

    def explain(self, X: sp.csr_matrix, proba: np.ndarray, *, top: int = 3) -> list[str]:
        """For each row, the present features with the largest (best - runner-up) weight difference."""
        X = X.tocsr()
        n = X.shape[0]
        order = np.argsort(-proba, axis=1)
        rows = np.repeat(np.arange(n), np.diff(X.indptr))
        cols = X.indices
        diff = self.coef_[order[rows, 0], cols] - self.coef_[order[rows, 1], cols]
        srt = np.lexsort((-diff, rows))  # by row, then largest push first
        rank = np.arange(len(srt)) - X.indptr[rows[srt]]
        pick = srt[(rank < top) & (diff[srt] > 0)]
        import pyarrow as pa
        import pyarrow.compute as pc

        names = pa.array(self.features_[cols[pick]], type=pa.string())
        tenths = np.rint(diff[pick] * 10).astype(np.int64)  # pushes are positive: "+1.9"
        pushes = pc.binary_join_element_wise(pa.array(tenths // 10).cast(pa.string()),
                                             pa.array(tenths % 10).cast(pa.string()), ".")
        items = pc.binary_join_element_wise(names, pc.binary_join_element_wise("", pushes, "+"), " ")
        offsets = np.concatenate([[0], np.cumsum(np.bincount(rows[pick], minlength=n))])
        lists = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int64()), items)
        return pc.binary_join(lists, "; ").to_numpy(zero_copy_only=False).astype(object).tolist()

    def weights(self) -> "pd.DataFrame":
        """The weights as a table: feature, meaning (in words), and one column per class; for the notebook."""
        import pandas as pd

        df = pd.DataFrame(self.coef_.T, columns=list(self.classes_))
        df.insert(0, "feature", self.features_)
        df.insert(1, "meaning", [describe(f) for f in self.features_])
        return df


def fit_model(features: Sequence[Sequence[str]], labels: Sequence[str], *, C: float = 1.0, min_df: int = 2,
              thresholds: dict | None = None, class_weight: str | None = None, meta: dict | None = None) -> RelationModel:
    """Fit the classifier on feature lists and labels (each one of ``LABELS``).

    ``C``: inverse L2 strength of ``sklearn.linear_model.LogisticRegression`` (newton-cg, multinomial);
    ``min_df``: a feature must occur in at least this many training rows; ``thresholds``: see RelationModel.
    Deterministic: the same inputs give the same weights.
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    labels = list(labels)
    bad = sorted(set(labels) - set(LABELS))
    if bad:
        raise ValueError(f"`labels` must be among {', '.join(LABELS)}; got {bad}")
    if len(features) != len(labels):
        raise ValueError(f"`features` and `labels` must have one entry per row; got {len(features)} and {len(labels)}")
    vec = CountVectorizer(analyzer=_identity, min_df=min_df, binary=True, lowercase=False)
    X = vec.fit_transform(features).astype(np.float64)
    clf = LogisticRegression(C=C, solver="newton-cg", max_iter=1000, tol=1e-8, class_weight=class_weight)
    with threadpool_limits(1):  # small problem: one BLAS thread is faster and never oversubscribes a shared machine
        clf.fit(X, labels)
    order = [list(clf.classes_).index(c) for c in LABELS if c in clf.classes_]
    vocab = {f: int(k) for f, k in vec.vocabulary_.items()}
    return RelationModel(tuple(clf.classes_[order]), vocab, clf.coef_[order], clf.intercept_[order], dict(thresholds or {}),
                         dict(meta or {}, C=C, min_df=min_df, class_weight=class_weight, n_rows=len(labels)))


def _identity(x):
    return x


def save_model(model: RelationModel, path: str | Path | None = None) -> Path:
    """Write the model as JSON, one line per feature (sorted), weights rounded to 6 decimals; atomic."""
    path = Path(path or config.RELATION_MODEL)
    head = {"format": FORMAT, "classes": list(model.classes_),
            "thresholds": {k: round(float(v), 6) for k, v in sorted(model.thresholds.items())},
            "intercept": [round(float(x), 6) for x in model.intercept_], "meta": model.meta}
    lines = ["{", *[f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}," for k, v in head.items()], '  "weights": {']
    feats = sorted(model.vocabulary_)
    for n, f in enumerate(feats):
        w = [round(float(x), 6) for x in model.coef_[:, model.vocabulary_[f]]]
        lines.append(f"    {json.dumps(f)}: {json.dumps(w)}{',' if n < len(feats) - 1 else ''}")
    lines += ["  }", "}", ""]
    return write_atomic(path, "\n".join(lines))


def load_model(path: str | Path | None = None) -> RelationModel:
    """Read a model written by :func:`save_model` (default ``config.RELATION_MODEL``)."""
    path = Path(path or config.RELATION_MODEL)
    if not path.exists():
        raise FileNotFoundError(f"no relation model at {path}: train it with `make model`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a relation model (invalid JSON: {exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: `format` must be {FORMAT!r}; got {data.get('format') if isinstance(data, dict) else data!r}")
    classes = tuple(data["classes"])
    weights = data["weights"]
    feats = sorted(weights)
    coef = np.asarray([weights[f] for f in feats], dtype=np.float64).reshape(len(feats), len(classes)).T
    return RelationModel(classes, {f: k for k, f in enumerate(feats)}, coef, np.asarray(data["intercept"]),
                         {k: float(v) for k, v in data.get("thresholds", {}).items()}, data.get("meta", {}))
