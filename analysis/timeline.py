"""Counts over time: mentions and co-mentions per period by the documents' publication date; documents
without a usable date are listed apart, never placed on a guessed date."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .checks import require_table
from .comention import LEVELS
from .groups import Gazetteer, lineage_map
from .relations import POLARITIES

__all__ = ["TimeSeries", "choose_freq", "mentions_over_time", "comentions_over_time"]


class TimeSeries(NamedTuple):
    """``dated``: counts per period; ``undated``: the rows of documents without a usable date (never
    guessed); ``documents``: per period, the documents behind ``dated`` by date provenance (period,
    n_documents, n_explicit, n_inferred, n_curated)."""

    dated: pd.DataFrame
    undated: pd.DataFrame
    documents: pd.DataFrame


def choose_freq(documents: pd.DataFrame, *, date_column: str = "published", max_months: int = 24) -> str:
    """'M' when the dated documents span at most ``max_months`` months, else 'Q'."""
    dates = pd.to_datetime(documents[date_column], errors="coerce").dropna()
    if dates.empty:
        return "M"
    span = (dates.max().year - dates.min().year) * 12 + dates.max().month - dates.min().month
    return "M" if span <= max_months else "Q"


def _documents_per_period(dated: pd.DataFrame) -> pd.DataFrame:
    if dated.empty:
        return pd.DataFrame(columns=["period", "n_documents"])
    docs = dated.drop_duplicates("doc_id")
    out = _pivot_provenance(docs, ["period"], "n_documents")
    return out.sort_values("period").reset_index(drop=True)


_FREQS = {"M": "M", "ME": "M", "MS": "M", "Q": "Q", "QE": "Q", "QS": "Q", "Y": "Y", "YE": "Y", "A": "Y"}


def _dates(frame: pd.DataFrame, documents: pd.DataFrame, freq: str, date_column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if freq not in _FREQS:
        raise ValueError(f"`freq` must be one of 'M', 'Q', 'Y'; got {freq!r}.")
    require_table(documents, ["doc_id", date_column], "documents")
    prov_col = f"{date_column}_provenance"
    docs = documents[["doc_id", date_column] + ([prov_col] if prov_col in documents.columns else [])].copy()
    docs["_date"] = pd.to_datetime(docs[date_column], errors="coerce")
    docs["provenance"] = docs[prov_col].astype(object) if prov_col in docs.columns else "unknown"
    if prov_col in docs.columns:
        docs.loc[docs["provenance"].isin(["unknown"]) | docs["provenance"].isna(), "_date"] = pd.NaT
    merged = frame.merge(docs[["doc_id", "_date", "provenance"]], on="doc_id", how="left")
    undated = merged[merged["_date"].isna()].drop(columns="_date").reset_index(drop=True)
    dated = merged[merged["_date"].notna()].copy()
    dated["period"] = dated["_date"].dt.to_period(_FREQS[freq]).dt.start_time
    return dated, undated


def _pivot_provenance(frame: pd.DataFrame, keys: list[str], count_col: str) -> pd.DataFrame:
    prov = frame.groupby(keys)["provenance"].value_counts().unstack(fill_value=0).add_prefix("n_")
    total = frame.groupby(keys)["doc_id"].nunique().rename(count_col)
    return pd.concat([total, prov], axis=1).reset_index()


def mentions_over_time(mentions: pd.DataFrame, documents: pd.DataFrame, *, freq: str = "M",
                       date_column: str = "published", gazetteer: Gazetteer | None = None,
                       collapse_lineage: bool = False) -> TimeSeries:
    """Mentions per group per period, by the documents' original publication date.

    ``dated`` columns: period (Timestamp, start of the month/quarter/year), group_id, group_name, n_mentions,
    n_documents, and n_<provenance> (documents by how their date was found: explicit, inferred, curated).
    ``undated``: the mention rows whose document has no date or a date of provenance 'unknown' (listed apart,
    never placed on a guessed date), with the document's provenance.
    """
    require_table(mentions, ["doc_id", "group_id"], "mentions")
    m = mentions.copy()
    if collapse_lineage:
        if gazetteer is None:
            raise ValueError("`collapse_lineage=True` needs `gazetteer`.")
        m["group_id"] = m["group_id"].map(lineage_map(gazetteer, collapse=True))
        m["group_name"] = m["group_id"].map({g: gazetteer.groups[g].name for g in gazetteer.groups})
    dated, undated = _dates(m, documents, freq, date_column)
    cols = ["period", "group_id", "group_name", "n_mentions", "n_documents"]
    if dated.empty:
        return TimeSeries(pd.DataFrame(columns=cols), undated, _documents_per_period(dated))
    if "group_name" not in dated.columns:
        dated["group_name"] = dated["group_id"]
    keys = ["period", "group_id", "group_name"]
    n = dated.groupby(keys).size().rename("n_mentions").reset_index()
    docs = dated.drop_duplicates(["doc_id", *keys])
    out = n.merge(_pivot_provenance(docs, keys, "n_documents"), on=keys)
    return TimeSeries(out.sort_values(["period", "group_id"]).reset_index(drop=True), undated,
                      _documents_per_period(dated))


def comentions_over_time(comentions: pd.DataFrame, documents: pd.DataFrame, *, freq: str = "M",
                         date_column: str = "published", level: str = "document") -> TimeSeries:
    """Co-mentioned pairs per period, by the documents' original publication date.

    ``dated`` columns: period (Timestamp, period start), group_a, group_b, group_a_name, group_b_name,
    n_documents (documents co-mentioning the pair), n_units (rows of ``level``), n_coop, n_conflict, n_mixed,
    n_neutral (rows by polarity), polarity (of the period: coop+conflict or any mixed -> mixed, else the one
    seen, else neutral) and n_<provenance> (documents by date provenance). ``undated``: the ``level`` rows of
    documents without a usable date, listed apart.
    """
    if level not in LEVELS:
        raise ValueError(f"`level` must be one of {', '.join(repr(x) for x in LEVELS)}; got {level!r}.")
    require_table(comentions, ["doc_id", "level", "group_a", "group_b", "polarity"], "comentions")
    c = comentions[comentions["level"] == level]
    dated, undated = _dates(c, documents, freq, date_column)
    keys = ["period", "group_a", "group_b", "group_a_name", "group_b_name"]
    cols = keys + ["n_documents", "n_units", *[f"n_{p}" for p in POLARITIES], "polarity"]
    if dated.empty:
        return TimeSeries(pd.DataFrame(columns=cols), undated, _documents_per_period(dated))
    units = dated.groupby(keys).size().rename("n_units")
    pol = dated.groupby(keys)["polarity"].value_counts().unstack(fill_value=0)
    pol = pol.reindex(columns=list(POLARITIES), fill_value=0).add_prefix("n_")
    out = pd.concat([units, pol], axis=1).reset_index()
    coop, conf, mixed = (out[f"n_{p}"] > 0 for p in ("coop", "conflict", "mixed"))
    out["polarity"] = np.select([mixed | (coop & conf), coop, conf], ["mixed", "coop", "conflict"], "neutral")
    prov = _pivot_provenance(dated.drop_duplicates(["doc_id", *keys]), keys, "n_documents")
    out = out.merge(prov, on=keys)
    front = cols
    rest = [x for x in out.columns if x not in front]
    return TimeSeries(out[front + rest].sort_values(["period", "group_a", "group_b"]).reset_index(drop=True), undated,
                      _documents_per_period(dated))
