"""Tables from a topic clustering (:func:`analysis.topics.cluster`): topics per source, topics over
time, representative units and a one-row-per-cluster summary. Tables in, tables out."""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .topics import TopicResult

FREQS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}
UNKNOWN = "(unknown)"


def _check(result: object, documents: object, columns: list[str]) -> pd.DataFrame:
    from .topics import TopicResult, _require_documents

    if not isinstance(result, TopicResult):
        raise TypeError(f"`result` must be a TopicResult from analysis.topics.cluster; got {type(result).__name__}.")
    return _require_documents(documents, ["doc_id", *columns])


def _doc_values(result: "TopicResult", documents: pd.DataFrame, column: str) -> pd.Series:
    docs = documents.assign(doc_id=documents["doc_id"].astype(str)).drop_duplicates("doc_id").set_index("doc_id")
    return result.assignments["doc_id"].map(docs[column])


def topics_by(result: "TopicResult", documents: pd.DataFrame, *, by: str = "publisher") -> pd.DataFrame:
    """Units per source and cluster: columns ``by``, cluster, n, share (of that source's units).

    Sources missing from the metadata are grouped as "(unknown)"; sources come largest first, and
    every cluster appears for every source (n = 0 where none)."""
    if not isinstance(by, str) or by in ("body", "comments", "boilerplate") or by not in getattr(documents, "columns", []):
        allowed = [c for c in ("publisher", "outlet", "author") if c in getattr(documents, "columns", [])]
        raise ValueError(f"`by` must be a column of documents, e.g. one of {', '.join(map(repr, allowed))}; got {by!r}.")
    documents = _check(result, documents, [by])
    source = _doc_values(result, documents, by).astype(object).where(lambda s: s.notna() & (s != ""), UNKNOWN)
    table = (pd.crosstab(source.astype(str).rename(by), result.assignments["cluster"])
             .reindex(columns=range(result.k), fill_value=0))
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    long = table.stack().rename("n").reset_index()
    long["share"] = long["n"] / long.groupby(by)["n"].transform("sum")
    return long.astype({"n": "int64"})


class TopicsOverTime(NamedTuple):
    table: pd.DataFrame  # period, cluster, n, share (of the period's dated units)
    undated: pd.DataFrame  # cluster, n: units of documents without a publication date


def topics_over_time(result: "TopicResult", documents: pd.DataFrame, *, freq: str = "M") -> TopicsOverTime:
    """Dated units per period and cluster (every period from first to last, n = 0 where none);
    units of undated documents are counted apart in ``undated``."""
    if freq not in FREQS:
        raise ValueError(f"`freq` must be one of {', '.join(map(repr, FREQS))} "
                         f"({', '.join(FREQS.values())}); got {freq!r}.")
    documents = _check(result, documents, ["published"])
    date = pd.to_datetime(_doc_values(result, documents, "published"), errors="coerce")
    clusters = result.assignments["cluster"]
    undated = (clusters[date.isna()].value_counts().reindex(range(result.k), fill_value=0)
               .rename_axis("cluster").rename("n").reset_index())
    dated = date.notna()
    if not dated.any():
        return TopicsOverTime(pd.DataFrame({"period": pd.Series(dtype=str), "cluster": pd.Series(dtype="int64"),
                                            "n": pd.Series(dtype="int64"), "share": pd.Series(dtype=float)}), undated)
    period = date[dated].dt.to_period(freq)
    periods = pd.period_range(period.min(), period.max(), freq=freq)
    table = (pd.crosstab(period.rename("period"), clusters[dated])
             .reindex(index=periods, columns=range(result.k), fill_value=0))
    table.index = table.index.astype(str)
    long = table.rename_axis(index="period", columns="cluster").stack().rename("n").reset_index()
    total = long.groupby("period")["n"].transform("sum")
    long["share"] = np.where(total > 0, long["n"] / total.where(total > 0, 1), 0.0)
    return TopicsOverTime(long.astype({"n": "int64"}), undated)


def representatives(result: "TopicResult", documents: pd.DataFrame, *, n: int = 3,
                    max_chars: int | None = 300) -> pd.DataFrame:
    """The ``n`` units closest to each cluster's centre: cluster, rank, doc_id[, paragraph],
    similarity, title, text (cut to ``max_chars`` with "…"; None keeps it whole)."""
    from .text import paragraph_spans

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"`n` must be an integer of 1 or more; got {n!r}.")
    documents = _check(result, documents, ["body"])
    a = result.assignments.sort_values(["cluster", "similarity"], ascending=[True, False], kind="stable")
    top = a.groupby("cluster", sort=True).head(n).copy()
    top.insert(1, "rank", top.groupby("cluster").cumcount())
    docs = documents.drop_duplicates("doc_id").assign(doc_id=lambda d: d["doc_id"].astype(str)).set_index("doc_id")
    texts = []
    for row in top.itertuples(index=False):
        body = docs.at[row.doc_id, "body"] or ""
        if result.unit == "paragraph":
            spans = paragraph_spans(body)
            a_, b_ = spans[row.paragraph]
            body = body[a_:b_]
        texts.append(body if max_chars is None or len(body) <= max_chars else body[:max_chars].rstrip() + "…")
    top["title"] = top["doc_id"].map(docs["title"]) if "title" in docs.columns else None
    top["text"] = texts
    return top.reset_index(drop=True)


def summary(result: "TopicResult", *, n_terms: int = 6, digits: int = 3) -> pd.DataFrame:
    """One row per cluster: size, share, coherence (NPMI) and its top c-TF-IDF terms, rounded."""
    top = result.top_terms(n_terms)
    out = result.clusters[["cluster", "size", "share", "coherence"]].copy()
    out["top_terms"] = [", ".join(top.get(int(c), [])) for c in out["cluster"]]
    return out.round({"share": digits, "coherence": digits}).set_index("cluster")
