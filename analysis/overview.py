"""What is in a corpus: tables for the overview notebook.

All functions take the build's tables (see docs/data_contract.md) and return new DataFrames.
"""
from __future__ import annotations

import pandas as pd

from .build import _reason_kind
from .checks import require_table


def _check(df, name: str, needed: tuple[str, ...]) -> None:
    require_table(df, needed, name, source=f"the build's {name} table")


def document_overview(documents: pd.DataFrame, *, title_width: int = 60) -> pd.DataFrame:
    """One row per document: doc_id, outlet, publisher, author, title (shortened to ``title_width``),
    published, published_provenance, republished, words (body), comment_words, removed_lines (lines
    the cleaner took out as boilerplate)."""
    _check(documents, "documents", ("doc_id", "title", "body", "boilerplate"))
    out = pd.DataFrame({
        "doc_id": documents["doc_id"],
        "outlet": documents["outlet"],
        "publisher": documents["publisher"],
        "author": documents["author"],
        "title": documents["title"].fillna("").map(
            lambda t: t if len(t) <= title_width else t[: title_width - 1] + "…"),
        "published": documents["published"].dt.strftime("%Y-%m-%d"),
        "published_provenance": documents["published_provenance"],
        "republished": documents["republished"].dt.strftime("%Y-%m-%d"),
        "words": documents["n_words"],
        "comment_words": documents["n_comment_words"],
        "removed_lines": documents["boilerplate"].map(lambda b: len(b.split("\n")) if b else 0),
    })
    return out.reset_index(drop=True)


def outlet_overview(documents: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: documents, words, first and last published date, documents with comments."""
    _check(documents, "documents", ("outlet", "n_words", "n_comment_words", "published"))
    g = documents.assign(outlet=documents["outlet"].fillna("(unknown)"),
                         with_comments=documents["n_comment_words"] > 0).groupby("outlet", sort=True)
    return pd.DataFrame({
        "documents": g.size(),
        "words": g["n_words"].sum(),
        "first": g["published"].min().dt.strftime("%Y-%m-%d"),
        "last": g["published"].max().dt.strftime("%Y-%m-%d"),
        "with_comments": g["with_comments"].sum(),
    }).sort_values(["documents", "words"], ascending=False).reset_index()


def provenance_counts(documents: pd.DataFrame) -> pd.DataFrame:
    """How many documents have their published date from each provenance (all four listed)."""
    _check(documents, "documents", ("published_provenance",))
    order = ["explicit", "inferred", "curated", "unknown"]
    counts = documents["published_provenance"].value_counts().reindex(order, fill_value=0)
    return counts.rename_axis("published_provenance").reset_index(name="documents")


def reject_summary(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejects grouped by kind of reason, most frequent first, with one example path."""
    _check(rejects, "rejects", ("path", "reason"))
    if rejects.empty:
        return pd.DataFrame({"reason": [], "inputs": [], "example": []})
    kinds = rejects.assign(kind=rejects["reason"].map(_reason_kind))
    g = kinds.groupby("kind", sort=True)
    out = pd.DataFrame({"inputs": g.size(), "example": g["path"].first()})
    return out.sort_values("inputs", ascending=False, kind="stable").rename_axis("reason").reset_index()


def removed_lines(documents: pd.DataFrame) -> pd.DataFrame:
    """Every line the cleaner removed: doc_id, line (for audit)."""
    _check(documents, "documents", ("doc_id", "boilerplate"))
    rows = [(d, line) for d, b in zip(documents["doc_id"], documents["boilerplate"]) if b for line in b.split("\n")]
    return pd.DataFrame(rows, columns=["doc_id", "line"])
