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

__all__ = ["FREQS", "FREQ_NAMES", "TimeSeries", "choose_freq", "documents_per_period", "rank_pairs", "network_periods",
           "mentions_over_time", "comentions_over_time", "RELATION_PERIOD_COLUMNS", "RELATION_CHANGE_COLUMNS",
           "relations_over_time", "relation_changes"]


class TimeSeries(NamedTuple):
    """``dated``: counts per period; ``undated``: the rows of documents without a usable date (never
    guessed); ``documents``: every period of the corpus's dated span with its documents by date provenance
    (period, n_documents, n_explicit, ...; 0 documents: a gap, see ``documents_per_period``)."""

    dated: pd.DataFrame
    undated: pd.DataFrame
    documents: pd.DataFrame


#: Period lengths, finest first, and their names in prose.
FREQS = ("D", "W", "M", "Q", "Y")
FREQ_NAMES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def choose_freq(documents: pd.DataFrame, *, date_column: str = "published", max_periods: int = 40) -> str:
    """The finest period ('D', 'W', 'M', 'Q' or 'Y') that spans the dated documents in at most
    ``max_periods`` periods: one week of news by day, two years by month, a decade by quarter. 'M' when no
    document is dated."""
    require_table(documents, [date_column], "documents")
    if not isinstance(max_periods, int) or isinstance(max_periods, bool) or max_periods < 2:
        raise ValueError(f"`max_periods` must be a whole number of 2 or more; got {max_periods!r}")
    dates = _usable_dates(documents, date_column).dropna()
    if dates.empty:
        return "M"
    lo, hi = dates.min(), dates.max()
    for freq in FREQS:
        if (hi.to_period(freq) - lo.to_period(freq)).n + 1 <= max_periods:
            return freq
    return "Y"


def _usable_dates(documents: pd.DataFrame, date_column: str) -> pd.Series:
    """The dates a timeline may use: parsed, and NaT where the provenance says 'unknown'."""
    dates = pd.to_datetime(documents[date_column], errors="coerce")
    prov_col = f"{date_column}_provenance"
    if prov_col in documents.columns:
        dates = dates.where(~(documents[prov_col].isna() | (documents[prov_col] == "unknown")))
    return dates


def documents_per_period(documents: pd.DataFrame, *, freq: str, date_column: str = "published") -> pd.DataFrame:
    """Every period from the first to the last dated document, with the corpus's documents in it (period,
    n_documents and n_<provenance>); a period with ``n_documents == 0`` has no document at all and is drawn as
    a gap, never as zero mentions."""
    freq = _check_freq(freq)
    require_table(documents, ["doc_id", date_column], "documents")
    dates = _usable_dates(documents, date_column)
    prov_col = f"{date_column}_provenance"
    frame = pd.DataFrame({"doc_id": documents["doc_id"].to_numpy(), "_date": dates.to_numpy(),
                          "provenance": (documents[prov_col].astype(object).to_numpy() if prov_col in documents.columns
                                         else "unknown")})
    frame = frame[frame["_date"].notna()]
    if frame.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"), "n_documents": pd.Series(dtype="int64")})
    frame["period"] = frame["_date"].dt.to_period(freq).dt.start_time
    counts = _pivot_provenance(frame, ["period"], "n_documents").set_index("period")
    full = pd.period_range(frame["_date"].min().to_period(freq), frame["_date"].max().to_period(freq), freq=freq)
    counts = counts.reindex(full.start_time, fill_value=0)
    counts.index.name = "period"
    return counts.reset_index()


def rank_pairs(dated: pd.DataFrame) -> pd.DataFrame:
    """Pairs ranked by evidence: units reporting cooperation or conflict first, then all units, then
    documents; names only break exact ties. Columns: group_a, group_b (and their names when given),
    n_relation (non-neutral units), n_units, n_documents, rank (1 = most evidence)."""
    require_table(dated, ["group_a", "group_b", "n_units", "n_documents"], "dated")
    keys = [c for c in ("group_a", "group_b", "group_a_name", "group_b_name") if c in dated.columns]
    rel_cols = [c for c in ("n_coop", "n_conflict", "n_mixed") if c in dated.columns]
    d = dated.assign(n_relation=dated[rel_cols].sum(axis=1) if rel_cols else 0)
    out = d.groupby(keys, as_index=False)[["n_relation", "n_units", "n_documents"]].sum()
    out = out.sort_values(["n_relation", "n_units", "n_documents", *keys],
                          ascending=[False, False, False] + [True] * len(keys), kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def network_periods(dated: pd.DataFrame, *, max_periods: int = 4) -> tuple[list[pd.Timestamp], list[pd.Timestamp]]:
    """(shown, omitted): the ``max_periods`` periods with the most evidence (non-neutral units, then units),
    in time order, and the other periods that have co-mentions, in time order."""
    if dated.empty:
        return [], []
    rel_cols = [c for c in ("n_coop", "n_conflict", "n_mixed") if c in dated.columns]
    per = dated.assign(n_relation=dated[rel_cols].sum(axis=1) if rel_cols else 0).groupby("period")[
        ["n_relation", "n_units"]].sum()
    per = per.sort_values(["n_relation", "n_units"], ascending=False, kind="stable")
    return ([pd.Timestamp(p) for p in sorted(per.index[:max_periods])],
            [pd.Timestamp(p) for p in sorted(per.index[max_periods:])])


def _check_freq(freq: object) -> str:
    if freq not in _FREQS:
        raise ValueError(f"`freq` must be one of {', '.join(repr(f) for f in FREQS)}; got {freq!r}.")
    return _FREQS[freq]


_FREQS = {"D": "D", "W": "W", "M": "M", "ME": "M", "MS": "M", "Q": "Q", "QE": "Q", "QS": "Q", "Y": "Y", "YE": "Y",
          "A": "Y"}


def _dates(frame: pd.DataFrame, documents: pd.DataFrame, freq: str, date_column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    freq = _check_freq(freq)
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
    dated["period"] = dated["_date"].dt.to_period(freq).dt.start_time
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
        m["group_name"] = m["group_id"].map(gazetteer.lineage_name)
    dated, undated = _dates(m, documents, freq, date_column)
    cols = ["period", "group_id", "group_name", "n_mentions", "n_documents"]
    if dated.empty:
        return TimeSeries(pd.DataFrame(columns=cols), undated,
                          documents_per_period(documents, freq=freq, date_column=date_column))
    if "group_name" not in dated.columns:
        dated["group_name"] = dated["group_id"]
    keys = ["period", "group_id", "group_name"]
    n = dated.groupby(keys).size().rename("n_mentions").reset_index()
    docs = dated.drop_duplicates(["doc_id", *keys])
    out = n.merge(_pivot_provenance(docs, keys, "n_documents"), on=keys)
    return TimeSeries(out.sort_values(["period", "group_id"]).reset_index(drop=True), undated,
                      documents_per_period(documents, freq=freq, date_column=date_column))


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
        return TimeSeries(pd.DataFrame(columns=cols), undated,
                          documents_per_period(documents, freq=freq, date_column=date_column))
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
                      documents_per_period(documents, freq=freq, date_column=date_column))


# ------------------------------------------------------------------------------------ relations over time
RELATION_PERIOD_COLUMNS = ["period", "group_a", "group_b", "n_documents", "n_sentences", "n_coop", "n_conflict",
                           "n_none", "n_unclear", "n_curated", "relation"]
RELATION_CHANGE_COLUMNS = ["group_a", "group_b", "period_before", "relation_before", "n_before", "evidence_before",
                           "period_after", "relation_after", "n_after", "evidence_after"]


def relations_over_time(relations: pd.DataFrame, documents: pd.DataFrame, *, freq: str = "Y",
                        date_column: str = "published", min_sentences: int = 1, majority: float = 2 / 3) -> TimeSeries:
    """A pair's relation per period, from the ``relations`` table (one row per sentence and pair).

    ``dated`` columns: period, group_a, group_b, n_documents, n_sentences, n_coop, n_conflict, n_none, n_unclear
    (sentences by label), n_curated (labels from analysts' corrections), relation: 'coop' or 'conflict' when that
    label has at least ``min_sentences`` sentences and at least ``majority`` of the pair's coop and conflict
    sentences of the period, 'mixed' when both are stated without such a majority, else 'none'.
    ``undated``: the relations rows of documents without a usable date (never placed on a guessed date);
    ``documents``: documents per period by date provenance.
    """
    if not isinstance(min_sentences, int) or min_sentences < 1:
        raise ValueError(f"`min_sentences` must be an int >= 1; got {min_sentences!r}.")
    if not 0.5 < majority <= 1:
        raise ValueError(f"`majority` must be in (0.5, 1]; got {majority!r}.")
    require_table(relations, ["doc_id", "section", "sentence", "group_a", "group_b", "label", "source"], "relations")
    dated, undated = _dates(relations, documents, freq, date_column)
    if dated.empty:
        return TimeSeries(pd.DataFrame(columns=RELATION_PERIOD_COLUMNS), undated, documents_per_period(documents, freq=freq, date_column=date_column))
    keys = ["period", "group_a", "group_b"]
    d = dated.assign(**{f"n_{x}": (dated["label"] == x).astype(int) for x in ("coop", "conflict", "none", "unclear")},
                     n_curated=(dated["source"] == "curated").astype(int))
    g = d.groupby(keys)
    out = g[["n_coop", "n_conflict", "n_none", "n_unclear", "n_curated"]].sum()
    out.insert(0, "n_sentences", g.size())
    out.insert(0, "n_documents", g["doc_id"].nunique())
    out = out.reset_index()
    out["relation"] = _period_relation(out["n_coop"].to_numpy(), out["n_conflict"].to_numpy(), min_sentences, majority)
    return TimeSeries(out[RELATION_PERIOD_COLUMNS].sort_values(keys).reset_index(drop=True), undated,
                      documents_per_period(documents, freq=freq, date_column=date_column))


def _period_relation(coop: np.ndarray, conflict: np.ndarray, min_sentences: int, majority: float) -> np.ndarray:
    signed = coop + conflict
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(signed > 0, coop / np.maximum(signed, 1), 0.5)
    return np.select([(coop >= min_sentences) & (share >= majority),
                      (conflict >= min_sentences) & (1 - share >= majority), signed > 0],
                     ["coop", "conflict", "mixed"], "none").astype(object)


def relation_changes(relations: pd.DataFrame, documents: pd.DataFrame, *, freq: str = "Y",
                     date_column: str = "published", min_sentences: int = 2, majority: float = 2 / 3) -> pd.DataFrame:
    """Where a pair's relation changes sign: allies in one period, enemies in the next one that states a
    relation (or the reverse), with the evidence on both sides.

    Periods and relations as in :func:`relations_over_time` (periods with no clear coop or conflict are
    skipped, so "coop 2014, nothing in 2015, conflict 2016" is one change). Columns: group_a, group_b,
    period_before, relation_before, n_before (sentences of that relation), evidence_before (';'-joined
    "doc_id/section:sentence" of those sentences), period_after, relation_after, n_after, evidence_after.
    """
    series = relations_over_time(relations, documents, freq=freq, date_column=date_column,
                                 min_sentences=min_sentences, majority=majority)
    signed = series.dated[series.dated["relation"].isin(["coop", "conflict"])]
    if signed.empty:
        return pd.DataFrame(columns=RELATION_CHANGE_COLUMNS)
    dated, _ = _dates(relations, documents, freq, date_column)
    ids = dated["doc_id"].astype(str) + "/" + dated["section"].astype(str) + ":" + dated["sentence"].astype(str)
    evidence = (dated.assign(_id=ids).groupby(["period", "group_a", "group_b", "label"])["_id"]
                .agg(lambda x: ";".join(x)).to_dict())
    rows = []
    for (a, b), g in signed.sort_values("period").groupby(["group_a", "group_b"], sort=True):
        per, rel = g["period"].tolist(), g["relation"].tolist()
        n = dict(zip(zip(per, rel), (g["n_coop"].where(g["relation"] == "coop", g["n_conflict"])).tolist()))
        for k in range(1, len(per)):
            if rel[k] != rel[k - 1]:
                rows.append((a, b, per[k - 1], rel[k - 1], n[(per[k - 1], rel[k - 1])],
                             evidence.get((per[k - 1], a, b, rel[k - 1]), ""), per[k], rel[k], n[(per[k], rel[k])],
                             evidence.get((per[k], a, b, rel[k]), "")))
    return pd.DataFrame(rows, columns=RELATION_CHANGE_COLUMNS)
