"""Figures for the corpus overview."""
from __future__ import annotations

import pandas as pd
from matplotlib.ticker import MaxNLocator

from . import figure_for

PROVENANCE_COLOURS = {"explicit": "#1b9e77", "inferred": "#d95f02", "curated": "#7570b3", "unknown": "#999999"}


def plot_lengths(documents: pd.DataFrame, *, ax=None, max_docs: int = 40):
    """Words in each document's body and reader comments (stacked bars); with more than
    ``max_docs`` documents, a histogram of body lengths instead."""
    fig, ax = figure_for(ax, (8, 0.35 * min(len(documents), max_docs) + 1.2))
    if len(documents) <= max_docs:
        titles = documents["title"].fillna("").astype(str) if "title" in documents else documents["doc_id"].astype(str)
        labels = [(t if len(t) <= 40 else t[:39] + "…") or str(d) for t, d in zip(titles, documents["doc_id"])]
        labels = [f"{lab} [{k}]" if labels.count(lab) > 1 else lab for k, lab in enumerate(labels)]
        ax.barh(labels, documents["n_words"], color="#4c72b0", label="article body")
        ax.barh(labels, documents["n_comment_words"], left=documents["n_words"], color="#dd8452",
                label="reader comments")
        ax.invert_yaxis()
        ax.set_xlabel("words")
        ax.legend(loc="lower right", frameon=False)
    else:
        ax.hist(documents["n_words"], bins=40, color="#4c72b0")
        ax.set_xlabel("words in article body")
        ax.set_ylabel("documents")
    ax.set_title("Document lengths")
    return fig


def plot_dates(documents: pd.DataFrame, *, freq: str = "M", ax=None):
    """Documents per period by original publication date, stacked by date provenance; undated
    documents are counted in the title, never placed on a date."""
    fig, ax = figure_for(ax, (8, 3))
    dated = documents[documents["published"].notna()]
    undated = len(documents) - len(dated)
    if len(dated):
        period = dated["published"].dt.to_period(freq)
        table = pd.crosstab(period, dated["published_provenance"])
        full = pd.period_range(table.index.min(), table.index.max(), freq=freq)
        table = table.reindex(full, fill_value=0)
        bottom = None
        for prov in [p for p in PROVENANCE_COLOURS if p in table.columns]:
            ax.bar(table.index.astype(str), table[prov], bottom=bottom, color=PROVENANCE_COLOURS[prov], label=prov)
            bottom = table[prov] if bottom is None else bottom + table[prov]
        step = max(1, len(table) // 12)
        ax.set_xticks(range(0, len(table), step))
        ax.set_xticklabels([str(p) for p in table.index[::step]], rotation=45, ha="right")
        ax.legend(title="date provenance", frameon=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("documents")
    ax.set_title(f"Documents by publication date ({undated} undated, not shown)")
    return fig


def plot_metadata_by_outlet(table: pd.DataFrame, *, ax=None, max_outlets: int = 25):
    """Documents per outlet stacked by date provenance, from
    :func:`analysis.overview.metadata_by_outlet`; outlets with date conflicts or impossible dates
    are marked with their counts."""
    missing = [c for c in ("outlet", *PROVENANCE_COLOURS, "date_conflicts", "dates_rejected") if c not in table]
    if missing:
        raise ValueError(f"`table` must be analysis.overview.metadata_by_outlet(...); missing {', '.join(missing)}")
    rows = table.head(max_outlets)
    fig, ax = figure_for(ax, (8, 0.35 * len(rows) + 1.3))
    left = pd.Series(0, index=rows.index)
    for prov, colour in PROVENANCE_COLOURS.items():
        ax.barh(rows["outlet"].astype(str), rows[prov], left=left, color=colour, label=prov)
        left = left + rows[prov]
    for y, (total, conf, rej) in enumerate(zip(left, rows["date_conflicts"], rows["dates_rejected"])):
        marks = ", ".join(x for x in (f"{conf} conflicts" if conf else "", f"{rej} rejected" if rej else "") if x)
        if marks:
            ax.text(total, y, f"  {marks}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("documents")
    ax.legend(title="date provenance", frameon=False, loc="lower right")
    more = f" (first {max_outlets} of {len(table)})" if len(table) > max_outlets else ""
    ax.set_title(f"Where each outlet's dates come from{more}")
    return fig
