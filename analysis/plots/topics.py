"""Figures for :mod:`analysis.topics`: each takes a table from a clustering (``result.k_curve``,
``result.terms``, ``result.coords``, ``topics_by(...)``, ``topics_over_time(...).table``), returns a
matplotlib Figure, never mutates its input, never shows or saves. Cluster colours are the same in
every figure (cluster c is colour c of tab10, or tab20 beyond ten clusters)."""
from __future__ import annotations

import math
from typing import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import figure_for, new_figure
from ..checks import require_table


def _need(table: object, columns: Sequence[str], name: str) -> pd.DataFrame:
    require_table(table, columns, name, source="from analysis.topics")
    if table.empty:
        raise ValueError(f"`{name}` has no rows to plot")
    return table


def cluster_colours(k: int) -> list:
    """One colour per cluster 0..k-1, as used by every figure here."""
    cmap = mpl.colormaps["tab10" if k <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(k)]


def _names(labels: pd.DataFrame | None, clusters: Sequence[int]) -> dict[int, str]:
    if labels is None:
        return {int(c): f"{c}" for c in clusters}
    lab = _need(labels, ("cluster", "label"), "labels").set_index("cluster")["label"]
    return {int(c): f"{c}: {lab.get(c, '')}" for c in clusters}


def plot_k_curve(k_curve: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Split-half stability, silhouette and their product per k, the chosen k marked."""
    t = _need(k_curve, ("k", "stability", "silhouette"), "k_curve")
    fig, ax = figure_for(ax, (7, 3.2))
    ax.plot(t["k"], t["stability"], "o-", color="C0", label="stability (split-half ARI)")
    ax.set_xlabel("k (number of clusters)")
    ax.set_ylabel("stability", color="C0")
    ax.set_xticks(t["k"])
    ax2 = ax.twinx()
    ax2.plot(t["k"], t["silhouette"], "s--", color="C1", label="silhouette (cosine)")
    if "combined" in t:
        scale = t["silhouette"].max() / max(t["combined"].max(), 1e-12)
        ax2.plot(t["k"], t["combined"] * scale, "^:", color="C2", label="stability x silhouette (scaled)")
    ax2.set_ylabel("silhouette", color="C1")
    if "chosen" in t and t["chosen"].astype(bool).any():
        k = int(t.loc[t["chosen"].astype(bool), "k"].iloc[0])
        ax.axvline(k, color="0.4", lw=1)
        ax.set_title(f"Choice of k: k = {k} chosen")
    else:
        ax.set_title("Choice of k")
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    names = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(lines, names, loc="best", fontsize=8, frameon=False)
    return fig


def plot_top_terms(terms: pd.DataFrame, *, n_terms: int = 8, ncols: int = 3) -> Figure:
    """One bar chart per cluster of its ``n_terms`` best c-TF-IDF terms."""
    t = _need(terms, ("cluster", "term", "weight"), "terms")
    clusters = sorted(t["cluster"].unique())
    colours = cluster_colours(max(clusters) + 1)
    ncols = max(1, min(ncols, len(clusters)))
    nrows = math.ceil(len(clusters) / ncols)
    fig, axes = new_figure((3.4 * ncols, (0.22 * n_terms + 0.8) * nrows), nrows=nrows, ncols=ncols, squeeze=False)
    for ax, c in zip(axes.flat, clusters):
        sub = t[t["cluster"] == c].nlargest(n_terms, "weight").iloc[::-1]
        ax.barh(sub["term"].astype(str), sub["weight"], color=colours[c])
        ax.set_title(f"cluster {c}", fontsize=10)
        ax.tick_params(axis="y", labelsize=8)
        ax.tick_params(axis="x", labelsize=7)
    for ax in list(axes.flat)[len(clusters):]:
        ax.set_visible(False)
    fig.suptitle("Top terms per cluster (c-TF-IDF)", fontsize=11)
    return fig


def plot_topic_map(coords: pd.DataFrame, *, labels: pd.DataFrame | None = None, max_points: int = 5000,
                   ax: Axes | None = None) -> Figure:
    """Units on the first two principal axes of the LSA space, coloured by cluster, each cluster
    named at its centre (with ``labels`` = ``result.clusters``). Above ``max_points`` units an
    evenly spaced subset is drawn."""
    t = _need(coords, ("cluster", "x", "y"), "coords")
    if len(t) > max_points:
        t = t.iloc[np.linspace(0, len(t) - 1, max_points).astype(int)]
    k = int(coords["cluster"].max()) + 1
    colours = cluster_colours(k)
    names = _names(labels, range(k))
    fig, ax = figure_for(ax, (8, 7))
    size = 30 if len(t) < 200 else 8 if len(t) < 3000 else 3
    for c in range(k):
        sub = t[t["cluster"] == c]
        if len(sub):
            ax.scatter(sub["x"], sub["y"], s=size, color=colours[c], alpha=0.7, label=names[c], linewidths=0)
            ax.annotate(str(c), (sub["x"].mean(), sub["y"].mean()), fontsize=12, weight="bold", ha="center",
                        va="center", bbox=dict(boxstyle="circle,pad=0.2", fc="white", ec=colours[c], alpha=0.9))
    ax.set_xlabel("first principal axis of the LSA space")
    ax.set_ylabel("second principal axis")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, markerscale=2)
    ax.set_title("Map of the units (2-D projection; distances are approximate)")
    return fig


def plot_topics_by(table: pd.DataFrame, *, top: int = 15, labels: pd.DataFrame | None = None,
                   ax: Axes | None = None) -> Figure:
    """Share of each source's units per cluster (stacked bars), the ``top`` largest sources; the
    table is ``topics_by(...)`` (its first column names the source)."""
    t = _need(table, ("cluster", "n", "share"), "table")
    by = t.columns[0]
    wide = t.pivot_table(index=by, columns="cluster", values="n", aggfunc="sum", sort=False, observed=True)
    totals = wide.sum(axis=1)
    wide = wide.loc[totals.sort_values(ascending=False, kind="stable").index[:top]]
    shares = wide.div(wide.sum(axis=1).where(lambda s: s > 0, 1), axis=0)
    k = int(t["cluster"].max()) + 1
    colours, names = cluster_colours(k), _names(labels, range(k))
    fig, ax = figure_for(ax, (8, 0.32 * len(shares) + 1.4))
    left = np.zeros(len(shares))
    ylabels = [f"{s} (n={int(n)})" for s, n in zip(shares.index, wide.sum(axis=1))]
    for c in shares.columns:
        ax.barh(ylabels, shares[c], left=left, color=colours[int(c)], label=names[int(c)])
        left += shares[c].to_numpy()
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the source's units")
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    ax.set_title(f"Topics per {by}")
    return fig


def plot_topics_over_time(table: pd.DataFrame, *, undated: pd.DataFrame | None = None, share: bool = False,
                          labels: pd.DataFrame | None = None, ax: Axes | None = None) -> Figure:
    """Units per period and cluster, stacked (``share=True``: as a share of the period's dated units); the
    table is ``topics_over_time(...).table``; ``undated`` (its ``.undated``) is counted in the title."""
    t = _need(table, ("period", "cluster", "n"), "table")
    wide = t.pivot_table(index="period", columns="cluster", values="n", aggfunc="sum", sort=False, observed=True)
    if share:
        wide = wide.div(wide.sum(axis=1).where(lambda s: s > 0, 1), axis=0)
    k = int(t["cluster"].max()) + 1
    colours, names = cluster_colours(k), _names(labels, range(k))
    fig, ax = figure_for(ax, (9, 3.6))
    x = np.arange(len(wide))
    bottom = np.zeros(len(wide))
    for c in wide.columns:
        ax.bar(x, wide[c], bottom=bottom, width=0.9, color=colours[int(c)], label=names[int(c)])
        bottom += wide[c].to_numpy()
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step], [str(p) for p in wide.index[::step]], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("share of dated units" if share else "units")
    n_undated = int(undated["n"].sum()) if undated is not None else 0
    ax.set_title("Topics over time" + (f" ({n_undated} undated units not shown)" if n_undated else ""))
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig
