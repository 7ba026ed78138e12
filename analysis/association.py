"""Association of co-mentioned actors beyond chance: PMI, NPMI, Jaccard, a hypergeometric test and
Benjamini-Hochberg q-values (``bh_qvalues``, the package's one FDR correction, by scipy)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .checks import require_table
from .comention import LEVELS, MENTION_REQUIRED
from .groups import Gazetteer, lineage_map
from .relations import POLARITIES

__all__ = ["bh_qvalues", "pair_statistics"]


def bh_qvalues(p: np.ndarray, *, m: int | None = None) -> np.ndarray:
    """Benjamini-Hochberg q-values (``scipy.stats.false_discovery_control``) for ``p`` within a family of
    ``m`` >= len(p) tests, the tests not listed having p = 1."""
    from scipy.stats import false_discovery_control

    p = np.asarray(p, dtype=float)
    n = len(p)
    m = n if m is None else m
    if m < n:
        raise ValueError(f"`m` must be at least len(p) = {n}; got {m}")
    if n == 0:
        return p
    return false_discovery_control(np.concatenate([p, np.ones(m - n)]), method="bh")[:n]


def pair_statistics(comentions: pd.DataFrame, mentions: pd.DataFrame, *, level: str = "document",
                    gazetteer: Gazetteer | None = None, collapse_lineage: bool = False) -> pd.DataFrame:
    """Association of each co-mentioned pair beyond chance, over units of ``level``.

    Units are the documents' sections (level 'document'), paragraphs or sentences that mention at least one
    group. ``collapse_lineage`` (needs ``gazetteer``) must match how ``comentions`` was built. Columns:

    * group_a, group_b, group_a_name, group_b_name
    * n_units: units with any group mention (N); n_a, n_b: units mentioning each group; n_ab: units with both
    * expected: n_a * n_b / N; pmi: log2(n_ab * N / (n_a * n_b)); npmi: pmi / -log2(n_ab / N) (1 = always
      together; 0 = independent); jaccard: n_ab / (n_a + n_b - n_ab)
    * p_value: one-sided hypergeometric (Fisher's exact) P(X >= n_ab) of drawing n_b units out of N of
      which n_a mention group_a; q_value: Benjamini-Hochberg over ALL pairs of groups mentioned (k(k-1)/2
      tests, never-co-mentioned pairs counted with p = 1)
    * n_coop, n_conflict, n_mixed, n_neutral, n_unclear: units of the pair by polarity (``relations.POLARITIES``)
    Sorted by q_value, then n_ab descending.
    """
    from scipy.stats import hypergeom

    if level not in LEVELS:
        raise ValueError(f"`level` must be one of {', '.join(repr(x) for x in LEVELS)}; got {level!r}.")
    require_table(comentions, ["level", "group_a", "group_b", "polarity"], "comentions")
    require_table(mentions, MENTION_REQUIRED, "mentions")
    if collapse_lineage and gazetteer is None:
        raise ValueError("`collapse_lineage=True` needs `gazetteer` to map groups to their lineage root.")
    groups = mentions["group_id"]
    if collapse_lineage:
        groups = groups.map(lineage_map(gazetteer, collapse=True))
    unit_cols = {"document": ["doc_id", "section"], "paragraph": ["doc_id", "section", "paragraph"],
                 "sentence": ["doc_id", "section", "sentence"]}[level]
    units = mentions[unit_cols].astype(str).agg("\x1f".join, axis=1) if len(mentions) else pd.Series(dtype=object)
    pres = pd.DataFrame({"unit": units.to_numpy(), "group": groups.to_numpy()}).drop_duplicates()
    N = pres["unit"].nunique()
    n_by = pres.groupby("group")["unit"].nunique()
    c = comentions[comentions["level"] == level]
    cols = ["group_a", "group_b", "group_a_name", "group_b_name", "n_units", "n_a", "n_b", "n_ab", "expected", "pmi",
            "npmi", "jaccard", "p_value", "q_value", "n_coop", "n_conflict", "n_mixed", "n_neutral"]
    if c.empty:
        return pd.DataFrame(columns=cols)
    name_cols = [x for x in ("group_a_name", "group_b_name") if x in c.columns]
    counts = c.groupby(["group_a", "group_b"]).size().rename("n_ab")
    pol = c.groupby(["group_a", "group_b"])["polarity"].value_counts().unstack(fill_value=0)
    pol = pol.reindex(columns=list(POLARITIES), fill_value=0).add_prefix("n_")
    out = pd.concat([counts, pol], axis=1).reset_index()
    if name_cols:
        out = out.merge(c.drop_duplicates(["group_a", "group_b"])[["group_a", "group_b", *name_cols]], on=["group_a", "group_b"])
    out["n_units"] = N
    out["n_a"] = out["group_a"].map(n_by).fillna(0).astype(int)
    out["n_b"] = out["group_b"].map(n_by).fillna(0).astype(int)
    na, nb, nab = (out[k].to_numpy(dtype=float) for k in ("n_a", "n_b", "n_ab"))
    out["expected"] = na * nb / N
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log2(nab * N / (na * nb))
        denom = -np.log2(nab / N)
        out["pmi"] = pmi
        out["npmi"] = np.where(denom > 0, pmi / denom, 1.0)
    out["jaccard"] = nab / (na + nb - nab)
    out["p_value"] = hypergeom.sf(out["n_ab"].to_numpy() - 1, N, out["n_a"].to_numpy(), out["n_b"].to_numpy())
    k = len(n_by)
    out["q_value"] = bh_qvalues(out["p_value"].to_numpy(dtype=float), m=max(len(out), k * (k - 1) // 2))
    for col in ("group_a_name", "group_b_name"):
        if col not in out.columns:
            out[col] = out["group_a" if col == "group_a_name" else "group_b"]
    return out[cols].sort_values(["q_value", "n_ab"], ascending=[True, False], kind="stable").reset_index(drop=True)
