"""Figures for group mentions and co-mentions (notebook 02). Each takes tables from
``analysis.comention`` (``mentions_over_time(...).dated``, ``comentions_over_time(...).dated``) and returns
a Figure; none mutates its input, shows or saves."""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D

from . import figure_for, new_figure
from .corpus import PROVENANCE_COLOURS

POLARITY_COLOURS = {"coop": "#1b9e77", "conflict": "#d7301f", "mixed": "#7570b3", "neutral": "#bdbdbd"}
KIND_COLOURS = {"jihadist_group": "#252525", "rebel_faction": "#4daf4a", "coalition": "#984ea3",
                "kurdish_force": "#ff7f00", "state_force": "#e41a1c", "foreign_state": "#377eb8", "militia": "#a65628"}


def _period_labels(periods: pd.Index, freq: str) -> list[str]:
    return [str(pd.Timestamp(p).to_period(freq)) for p in periods]


def plot_mentions_timeline(dated: pd.DataFrame, *, documents: pd.DataFrame | None = None, freq: str = "Q",
                           top: int = 8, ax=None):
    """Mentions per period of the ``top`` most mentioned groups (lines) over faint bars of the documents per
    period by date provenance (right axis). ``dated``/``documents``: from ``mentions_over_time(...)``."""
    fig, ax = figure_for(ax, (9, 3.6))
    if dated.empty:
        ax.set_title("Group mentions over time: no dated documents")
        ax.axis("off")
        return fig
    names = dated.groupby("group_name")["n_mentions"].sum().nlargest(top).index
    table = dated[dated["group_name"].isin(names)].pivot_table(index="period", columns="group_name",
                                                              values="n_mentions", aggfunc="sum", fill_value=0)
    full = pd.period_range(table.index.min().to_period(freq), table.index.max().to_period(freq), freq=freq).start_time
    table = table.reindex(full, fill_value=0)[list(names)]
    x = np.arange(len(table))
    if documents is not None and not documents.empty:
        per = documents.set_index("period").reindex(full, fill_value=0)
        ax2 = ax.twinx()
        bottom = np.zeros(len(per))
        for prov in [p for p in PROVENANCE_COLOURS if f"n_{p}" in per.columns]:
            vals = per[f"n_{prov}"].to_numpy(dtype=float)
            ax2.bar(x, vals, bottom=bottom, color=PROVENANCE_COLOURS[prov], alpha=0.3, width=0.8, label=f"documents: {prov}")
            bottom += vals
        ax2.set_ylabel("documents")
        ax2.legend(loc="upper right", frameon=False, fontsize=8)
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
    for name in names:
        ax.plot(x, table[name].to_numpy(), marker="o", ms=3, label=name)
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(_period_labels(table.index[::step], freq), rotation=45, ha="right")
    ax.set_ylabel("mentions")
    ax.set_title("Group mentions by original publication date")
    ax.legend(loc="upper left", frameon=False, fontsize=8, ncol=2)
    return fig


def plot_pair_timeline(dated: pd.DataFrame, *, freq: str = "Q", top: int = 12, ax=None):
    """Co-mentioned pairs (rows) by period (columns): the cell colour is the period's polarity, the number
    the documents co-mentioning the pair. ``dated``: ``comentions_over_time(...).dated``."""
    if dated.empty:
        fig, ax = figure_for(ax, (8, 2))
        ax.set_title("Co-mentions over time: no dated documents")
        ax.axis("off")
        return fig
    label = dated["group_a_name"] + " – " + dated["group_b_name"]
    d = dated.assign(pair=label)
    pairs = d.groupby("pair")["n_documents"].sum().nlargest(top).index
    d = d[d["pair"].isin(pairs)]
    periods = pd.period_range(d["period"].min().to_period(freq), d["period"].max().to_period(freq), freq=freq).start_time
    codes = {p: i for i, p in enumerate(POLARITY_COLOURS)}
    grid = np.full((len(pairs), len(periods)), np.nan)
    counts = np.zeros_like(grid)
    row = {p: i for i, p in enumerate(pairs)}
    col = {p: i for i, p in enumerate(periods)}
    for r in d.itertuples():
        grid[row[r.pair], col[r.period]] = codes[r.polarity]
        counts[row[r.pair], col[r.period]] = r.n_documents
    fig, ax = figure_for(ax, (max(6, 0.45 * len(periods) + 4), 0.38 * len(pairs) + 1.6))
    cmap = ListedColormap(list(POLARITY_COLOURS.values()))
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-0.5, vmax=len(codes) - 0.5, aspect="auto")
    for i, j in zip(*np.nonzero(counts)):
        ax.text(j, i, int(counts[i, j]), ha="center", va="center", fontsize=7, color="white")
    ax.set_yticks(range(len(pairs)))
    ax.set_yticklabels(pairs, fontsize=8)
    step = max(1, len(periods) // 14)
    ax.set_xticks(range(0, len(periods), step))
    ax.set_xticklabels(_period_labels(periods[::step], freq), rotation=45, ha="right", fontsize=8)
    handles = [Line2D([], [], marker="s", ls="", color=c, label=p) for p, c in POLARITY_COLOURS.items()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    ax.set_title("Co-mentioned pairs by period (number: documents)")
    return fig


def plot_comention_network(edges: pd.DataFrame, *, kinds: dict[str, str] | None = None, pos: dict | None = None,
                           seed: int = 0, ax=None, title: str = "Co-mention network", weight: str = "n_documents"):
    """Groups as nodes, co-mentioned pairs as edges coloured by polarity, width by ``weight``.

    ``edges``: rows with group_a_name, group_b_name, polarity and ``weight``; ``kinds``: node name -> kind
    (colours the nodes); ``pos``: fixed positions (to compare periods), else a seeded spring layout.
    """
    fig, ax = figure_for(ax, (7, 6))
    g = nx.Graph()
    for r in edges.itertuples():
        g.add_edge(r.group_a_name, r.group_b_name, polarity=r.polarity, weight=float(getattr(r, weight)))
    ax.set_title(title, fontsize=10)
    ax.axis("off")
    if not g.number_of_edges():
        return fig
    pos = {n: pos[n] for n in g} if pos is not None and all(n in pos for n in g) else nx.spring_layout(g, seed=seed)
    wmax = max(d["weight"] for _, _, d in g.edges(data=True))
    for pol, colour in POLARITY_COLOURS.items():  # neutral first and faint, so polarities stand out
        es = [(a, b) for a, b, d in g.edges(data=True) if d["polarity"] == pol]
        if es and pol == "neutral":
            nx.draw_networkx_edges(g, pos, edgelist=es, edge_color=colour, width=0.8, ax=ax, alpha=0.45)
    for pol, colour in POLARITY_COLOURS.items():
        es = [(a, b) for a, b, d in g.edges(data=True) if d["polarity"] == pol]
        if es and pol != "neutral":
            widths = [1.2 + 4 * g[a][b]["weight"] / wmax for a, b in es]
            nx.draw_networkx_edges(g, pos, edgelist=es, edge_color=colour, width=widths, ax=ax, alpha=0.9)
    ax.margins(0.18)
    colours = [KIND_COLOURS.get((kinds or {}).get(n, ""), "#9e9e9e") for n in g]
    nx.draw_networkx_nodes(g, pos, node_color=colours, node_size=120, ax=ax)
    nx.draw_networkx_labels(g, pos, font_size=7, ax=ax, verticalalignment="bottom")
    handles = [Line2D([], [], color=c, lw=2, label=p) for p, c in POLARITY_COLOURS.items()]
    ax.legend(handles=handles, loc="lower left", frameon=False, fontsize=7)
    return fig


def plot_networks_by_period(dated: pd.DataFrame, *, kinds: dict[str, str] | None = None, freq: str = "Q",
                            max_periods: int = 6, min_documents: int = 1, seed: int = 0):
    """One co-mention network per period (the ``max_periods`` periods with most co-mentions), nodes at the
    same place in every panel. ``dated``: ``comentions_over_time(...).dated``."""
    d = dated[dated["n_documents"] >= min_documents] if not dated.empty else dated
    if d.empty:
        fig, ax = new_figure((6, 2))
        ax.set_title("Networks by period: no dated co-mentions")
        ax.axis("off")
        return fig
    busiest = d.groupby("period")["n_documents"].sum().nlargest(max_periods).index.sort_values()
    union = nx.Graph()
    union.add_edges_from(zip(d["group_a_name"], d["group_b_name"]))
    pos = nx.spring_layout(union, seed=seed)
    ncols = min(3, len(busiest))
    nrows = math.ceil(len(busiest) / ncols)
    fig, axes = new_figure((4.2 * ncols, 4 * nrows), nrows=nrows, ncols=ncols)
    axes = np.atleast_1d(axes).ravel()
    for ax, period in zip(axes, busiest):
        plot_comention_network(d[d["period"] == period], kinds=kinds, pos=pos, ax=ax,
                               title=str(pd.Timestamp(period).to_period(freq)))
    for ax in axes[len(busiest):]:
        ax.axis("off")
    return fig
