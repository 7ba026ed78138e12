"""What is in a corpus: tables for the overview notebook.

All functions take the build's tables (see docs/data_contract.md) and return new DataFrames;
:func:`write_metadata_template` also writes the register template for the documents the build
could not place (no outlet or no date), next to the build's tables, never into a raw folder.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import config
from .build import _reason_kind
from .checks import require_table
from .chrome import template_key
from .metadata import PROVENANCE, REGISTER_COLUMNS

__all__ = ["document_overview", "outlet_overview", "provenance_counts", "reject_summary", "removed_lines",
           "metadata_by_outlet", "date_sources", "missing_metadata", "date_conflicts", "removed_templates",
           "metadata_template", "write_metadata_template", "UNKNOWN"]

#: The label of documents without an outlet in per-outlet tables.
UNKNOWN = "(unknown)"


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


def _outlets(documents: pd.DataFrame) -> pd.Series:
    return documents["outlet"].fillna(UNKNOWN)


def metadata_by_outlet(documents: pd.DataFrame) -> pd.DataFrame:
    """Per outlet (documents without one as "(unknown)"), most documents first: ``documents``, the
    date provenance counts (``explicit``, ``inferred``, ``curated``, ``unknown``), ``date_conflicts``
    (documents whose sources disagree on the date), ``dates_rejected`` (documents with a stated date
    that cannot be right: before 1990 or after the build), ``without_date``."""
    _check(documents, "documents", ("outlet", "published", "published_provenance", "date_conflict", "date_rejected"))
    outlet = _outlets(documents)
    counts = pd.crosstab(outlet, documents["published_provenance"]).reindex(columns=list(PROVENANCE), fill_value=0)
    g = documents.assign(_outlet=outlet).groupby("_outlet", sort=True)
    out = pd.DataFrame({
        "documents": g.size(),
        **{p: counts[p] for p in PROVENANCE},
        "date_conflicts": g["date_conflict"].agg(lambda s: int((s.fillna("") != "").sum())),
        "dates_rejected": g["date_rejected"].agg(lambda s: int((s.fillna("") != "").sum())),
        "without_date": g["published"].agg(lambda s: int(s.isna().sum())),
    }).fillna(0).astype("int64")
    return out.sort_values("documents", ascending=False, kind="stable").rename_axis("outlet").reset_index()


def date_sources(documents: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, how many documents have their date from each source (register, column, html,
    site, dateline, url, filename) and how many have none (``none``)."""
    _check(documents, "documents", ("outlet", "date_source"))
    table = pd.crosstab(_outlets(documents), documents["date_source"].fillna("none"))
    order = [c for c in ("register", "column", "html", "site", "dateline", "url", "filename", "none") if c in table]
    return table[order].rename_axis(index="outlet", columns=None).reset_index()


def missing_metadata(documents: pd.DataFrame) -> pd.DataFrame:
    """One row: ``documents``, ``without_outlet``, ``without_date``, ``without_either`` (the
    documents :func:`metadata_template` lists), ``date_conflicts``, ``dates_rejected``."""
    _check(documents, "documents", ("outlet", "published", "date_conflict", "date_rejected"))
    no_outlet, no_date = documents["outlet"].isna(), documents["published"].isna()
    return pd.DataFrame([{
        "documents": len(documents), "without_outlet": int(no_outlet.sum()), "without_date": int(no_date.sum()),
        "without_either": int((no_outlet | no_date).sum()),
        "date_conflicts": int((documents["date_conflict"].fillna("") != "").sum()),
        "dates_rejected": int((documents["date_rejected"].fillna("") != "").sum()),
    }])


def date_conflicts(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents whose date sources disagree or state an impossible date: doc_id, outlet,
    published (the date kept), date_source, date_conflict, date_rejected."""
    cols = ("doc_id", "outlet", "published", "date_source", "date_conflict", "date_rejected")
    _check(documents, "documents", cols)
    flagged = (documents["date_conflict"].fillna("") != "") | (documents["date_rejected"].fillna("") != "")
    out = documents.loc[flagged, list(cols)].copy()
    out["published"] = out["published"].dt.strftime("%Y-%m-%d")
    return out.reset_index(drop=True)


def removed_templates(documents: pd.DataFrame, *, top: int = 5) -> pd.DataFrame:
    """Per outlet, the ``top`` kinds of removed lines, grouped by how they open (their template:
    "image caption", "photo:", "sign up"): outlet, template, documents, lines, example."""
    _check(documents, "documents", ("outlet", "boilerplate"))
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"`top` must be a positive int; got {top!r}")
    rows = [(o, d, line) for o, d, b in zip(_outlets(documents), range(len(documents)), documents["boilerplate"])
            if b for line in b.split("\n") if line.strip()]
    if not rows:
        return pd.DataFrame({"outlet": [], "template": [], "documents": [], "lines": [], "example": []})
    lines = pd.DataFrame(rows, columns=["outlet", "doc", "line"])
    lines["template"] = lines["line"].map(lambda ln: template_key(ln) or ln[:20])
    g = lines.groupby(["outlet", "template"], sort=True)
    out = pd.DataFrame({"documents": g["doc"].nunique(), "lines": g.size(), "example": g["line"].first()})
    out = out.reset_index().sort_values(["outlet", "documents", "lines"], ascending=[True, False, False], kind="stable")
    return out.groupby("outlet", sort=False).head(top).reset_index(drop=True)


def _note(doc: pd.Series) -> str:
    parts = []
    if pd.isna(doc["outlet"]):
        parts.append("outlet: none stated")
    else:
        parts.append(f"outlet: {doc['outlet']} ({doc['outlet_provenance']}; {doc['outlet_evidence']})")
    if pd.isna(doc["published"]):
        parts.append("published: none stated")
    else:
        parts.append(f"published: {doc['published']:%Y-%m-%d} ({doc['published_provenance']}; {doc['date_evidence']})")
    for col in ("date_conflict", "date_rejected"):
        if isinstance(doc.get(col), str) and doc[col]:
            parts.append(f"{col.replace('_', ' ')}: {doc[col]}")
    if isinstance(doc.get("title"), str) and doc["title"]:
        parts.append(f"title: {doc['title']}")
    if isinstance(doc.get("url"), str) and doc["url"]:
        parts.append(f"url: {doc['url']}")
    return "; ".join(parts)


def metadata_template(documents: pd.DataFrame) -> pd.DataFrame:
    """A register template (the columns of ``metadata.csv``) for the documents without an outlet or
    a date: ``path`` and ``doc_id`` filled in, the facts to supply left empty, and ``notes`` saying
    what the build found (so that nothing inferred becomes ``curated`` unless the analyst writes it
    in). Fill the empty cells, then save the rows as ``metadata.csv`` at the top of the raw folder."""
    _check(documents, "documents", ("path", "doc_id", "outlet", "outlet_provenance", "outlet_evidence", "published",
                                    "published_provenance", "date_evidence"))
    todo = documents[documents["outlet"].isna() | documents["published"].isna()]
    out = pd.DataFrame({c: pd.Series([""] * len(todo), dtype="object") for c in REGISTER_COLUMNS})
    out["path"] = todo["path"].to_numpy()
    out["doc_id"] = todo["doc_id"].to_numpy()
    out["notes"] = [_note(d) for _, d in todo.iterrows()]
    return out


def write_metadata_template(documents: pd.DataFrame, out_dir: str | os.PathLike, *,
                            raw: Iterable[str | os.PathLike] = ()) -> Path:
    """Write :func:`metadata_template` as ``out_dir/metadata_template.csv`` (the build's folder or a
    reports folder) and return its path. ``raw``: the corpus's raw paths; ``out_dir`` may not be
    one of them or inside one (raw data is never written to), nor the project's ``data/raw``."""
    out_dir = Path(out_dir)
    for r in [*map(Path, raw), config.RAW_DIR]:
        r = r.resolve()
        base = r if r.is_dir() or not r.exists() else r.parent
        if out_dir.resolve() == base or base in out_dir.resolve().parents:
            raise ValueError(f"`out_dir` must not be a raw folder or inside one (raw data is never written to); "
                             f"got {out_dir}, inside {base}")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "metadata_template.csv"
    tmp = out_dir / ".metadata_template.csv.tmp"
    metadata_template(documents).to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)
    return path
