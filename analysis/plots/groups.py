"""Figures for group mentions and co-mentions (notebook 02). Each takes tables from
``analysis.comention`` (``mentions_over_time(...).dated``, ``comentions_over_time(...).dated``) and returns
a Figure; none mutates its input, shows or saves."""
from __future__ import annotations

import math
import textwrap

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


def _gaps(documents: pd.DataFrame | None, periods: pd.DatetimeIndex) -> np.ndarray:
    """True for the periods in which the corpus has no document (drawn as gaps, never as zeros)."""
    if documents is None or documents.empty or "n_documents" not in documents.columns:
        return np.zeros(len(periods), dtype=bool)
    per = documents.set_index("period")["n_documents"].reindex(periods, fill_value=0)
    return per.to_numpy() == 0


def _full_periods(starts: pd.Series, documents: pd.DataFrame | None, freq: str) -> pd.DatetimeIndex:
    lo, hi = starts.min(), starts.max()
    if documents is not None and not documents.empty:
        lo, hi = min(lo, documents["period"].min()), max(hi, documents["period"].max())
    return pd.period_range(pd.Timestamp(lo).to_period(freq), pd.Timestamp(hi).to_period(freq), freq=freq).start_time


def plot_mentions_timeline(dated: pd.DataFrame, *, documents: pd.DataFrame | None = None, freq: str = "Q",
                           top: int = 8, ax=None):
    """Mentions per period of the ``top`` most mentioned groups (lines) over faint bars of the documents per
    period by date provenance (right axis). Periods in which the corpus has no document are gaps (shaded),
    not zeros. ``dated``/``documents``: from ``timeline.mentions_over_time(...)``."""
    fig, ax = figure_for(ax, (9, 3.8))
    if dated.empty:
        ax.set_title("Group mentions over time: no dated documents")
        ax.axis("off")
        return fig
    names = (dated.groupby("group_name")["n_mentions"].sum().sort_values(ascending=False, kind="stable")
             .head(top).index)
    table = dated[dated["group_name"].isin(names)].pivot_table(index="period", columns="group_name",
                                                              values="n_mentions", aggfunc="sum", fill_value=0)
    full = _full_periods(dated["period"], documents, freq)
    table = table.reindex(full, fill_value=0)[list(names)].astype(float)
    gaps = _gaps(documents, full)
    table.loc[gaps] = np.nan
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
    for i in np.flatnonzero(gaps):
        ax.axvspan(i - 0.5, i + 0.5, color="#000000", alpha=0.05, lw=0)
    for name in names:
        ax.plot(x, table[name].to_numpy(), marker="o", ms=3, label=name)
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(_period_labels(table.index[::step], freq), rotation=45, ha="right")
    ax.set_ylabel("mentions")
    title = "Group mentions by original publication date"
    if gaps.any():
        title += f" (shaded: {int(gaps.sum())} periods without documents)"
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left", frameon=False, fontsize=8, ncol=2)
    return fig


def plot_pair_timeline(dated: pd.DataFrame, *, freq: str = "Q", top: int = 12, documents: pd.DataFrame | None = None,
                       ax=None):
    """Co-mentioned pairs (rows, ranked by evidence: ``timeline.rank_pairs``) by period (columns): the cell
    colour is the period's polarity, the number the documents co-mentioning the pair; columns of periods
    without any document are hatched. ``dated``: ``timeline.comentions_over_time(...).dated``."""
    from ..timeline import rank_pairs

    if dated.empty:
        fig, ax = figure_for(ax, (8, 2))
        ax.set_title("Co-mentions over time: no dated documents")
        ax.axis("off")
        return fig
    ranked = rank_pairs(dated).head(top)
    label = dated["group_a_name"] + " – " + dated["group_b_name"]
    d = dated.assign(pair=label)
    pairs = list(ranked["group_a_name"] + " – " + ranked["group_b_name"])
    d = d[d["pair"].isin(pairs)]
    periods = _full_periods(d["period"], documents, freq)
    codes = {p: i for i, p in enumerate(POLARITY_COLOURS)}
    grid = np.full((len(pairs), len(periods)), np.nan)
    counts = np.zeros_like(grid)
    row = {p: i for i, p in enumerate(pairs)}
    col = {p: i for i, p in enumerate(periods)}
    for r in d.itertuples():
        grid[row[r.pair], col[r.period]] = codes.get(r.polarity, codes["neutral"])
        counts[row[r.pair], col[r.period]] = r.n_documents
    fig, ax = figure_for(ax, (max(6, 0.45 * len(periods) + 4), 0.38 * len(pairs) + 1.6))
    cmap = ListedColormap(list(POLARITY_COLOURS.values()))
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-0.5, vmax=len(codes) - 0.5, aspect="auto")
    for j in np.flatnonzero(_gaps(documents, periods)):
        ax.axvspan(j - 0.5, j + 0.5, facecolor="none", edgecolor="#cccccc", hatch="///", lw=0)
    for i, j in zip(*np.nonzero(counts)):
        ax.text(j, i, int(counts[i, j]), ha="center", va="center", fontsize=7, color="white")
    ax.set_yticks(range(len(pairs)))
    ax.set_yticklabels(pairs, fontsize=8)
    step = max(1, len(periods) // 14)
    ax.set_xticks(range(0, len(periods), step))
    ax.set_xticklabels(_period_labels(periods[::step], freq), rotation=45, ha="right", fontsize=8)
    handles = [Line2D([], [], marker="s", ls="", color=c, label=p) for p, c in POLARITY_COLOURS.items()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    ax.set_title("Co-mentioned pairs by period, most evidence first (number: documents; hatched: no documents)",
                 fontsize=9)
    return fig


def _evidence(edges: pd.DataFrame, weight: str) -> pd.Series:
    rel = [c for c in ("n_coop", "n_conflict", "n_mixed") if c in edges.columns]
    return (edges[rel].sum(axis=1) * 1000 if rel else 0) + edges[weight].astype(float)


def plot_comention_network(edges: pd.DataFrame, *, kinds: dict[str, str] | None = None, pos: dict | None = None,
                           seed: int = 0, ax=None, title: str = "Co-mention network", weight: str = "n_documents",
                           max_edges: int | None = 25, legend: bool = True):
    """Groups as nodes (coloured by kind), co-mentioned pairs as edges coloured by polarity, width by
    ``weight``; only the ``max_edges`` edges with the most evidence (non-neutral units first) are drawn.

    ``edges``: rows with group_a_name, group_b_name, polarity and ``weight``; ``kinds``: node name -> kind;
    ``pos``: fixed positions (to compare periods), else a seeded layout.
    """
    fig, ax = figure_for(ax, (7, 6))
    ax.set_title(title, fontsize=10)
    ax.axis("off")
    if edges.empty:
        return fig
    if max_edges is not None and len(edges) > max_edges:
        edges = edges.assign(_e=_evidence(edges, weight)).sort_values(
            ["_e", "group_a_name", "group_b_name"], ascending=[False, True, True], kind="stable").head(max_edges)
    g = nx.Graph()
    for r in edges.itertuples():
        g.add_edge(r.group_a_name, r.group_b_name, polarity=r.polarity, weight=float(getattr(r, weight)))
    pos = {n: pos[n] for n in g} if pos is not None and all(n in pos for n in g) else nx.spring_layout(
        g, seed=seed, k=1.6 / math.sqrt(max(g.number_of_nodes(), 1)))
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
    ax.margins(0.22)
    node_kinds = [(kinds or {}).get(n, "") for n in g]
    nx.draw_networkx_nodes(g, pos, node_color=[KIND_COLOURS.get(k, "#9e9e9e") for k in node_kinds], node_size=110,
                           ax=ax, edgecolors="white", linewidths=0.8)
    for n, (x, y) in pos.items():
        ax.annotate(n, (x, y), xytext=(0, 6), textcoords="offset points", ha="center", va="bottom", fontsize=7.5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
    if legend:
        handles = [Line2D([], [], color=c, lw=2, label=p) for p, c in POLARITY_COLOURS.items()]
        handles += [Line2D([], [], marker="o", ls="", color=KIND_COLOURS[k], label=k.replace("_", " "))
                    for k in KIND_COLOURS if k in node_kinds]
        ax.legend(handles=handles, loc="lower left", frameon=False, fontsize=7, ncol=2)
    return fig


def plot_networks_by_period(dated: pd.DataFrame, *, kinds: dict[str, str] | None = None, freq: str = "Q",
                            max_periods: int = 4, max_edges: int = 20, min_documents: int = 1, seed: int = 0):
    """One co-mention network per period for the ``max_periods`` periods with the most evidence
    (``timeline.network_periods``), each with its ``max_edges`` strongest edges, nodes at the same place in
    every panel, one legend for edge polarity and node kind; the periods not drawn are named under the panels.
    ``dated``: ``timeline.comentions_over_time(...).dated``."""
    from ..timeline import network_periods

    d = dated[dated["n_documents"] >= min_documents] if not dated.empty else dated
    shown, omitted = network_periods(d, max_periods=max_periods)
    if not shown:
        fig, ax = new_figure((6, 2))
        ax.set_title("Networks by period: no dated co-mentions")
        ax.axis("off")
        return fig
    panels = []
    for period in shown:
        e = d[d["period"] == period]
        e = e.assign(_e=_evidence(e, "n_documents")).sort_values(
            ["_e", "group_a_name", "group_b_name"], ascending=[False, True, True], kind="stable").head(max_edges)
        panels.append(e.drop(columns="_e"))
    union = nx.Graph()
    for e in panels:
        union.add_edges_from(zip(e["group_a_name"], e["group_b_name"]))
    pos = nx.kamada_kawai_layout(union) if union.number_of_nodes() > 2 else nx.spring_layout(union, seed=seed)
    ncols = min(2, len(shown))
    nrows = math.ceil(len(shown) / ncols)
    fig, axes = new_figure((6.2 * ncols, 5.4 * nrows + 0.4), nrows=nrows, ncols=ncols)
    axes = np.atleast_1d(axes).ravel()
    for k, (ax, period, e) in enumerate(zip(axes, shown, panels)):
        n_rel = int(e[[c for c in ("n_coop", "n_conflict", "n_mixed") if c in e.columns]].sum().sum())
        plot_comention_network(e, kinds=kinds, pos=pos, ax=ax, max_edges=None, legend=k == 0,
                               title=f"{pd.Timestamp(period).to_period(freq)}: {len(e)} strongest pairs, "
                                     f"{n_rel} units with a relation")
    for ax in axes[len(shown):]:
        ax.axis("off")
    if omitted:
        names = ", ".join(str(pd.Timestamp(p).to_period(freq)) for p in omitted[:24])
        more = f" and {len(omitted) - 24} more" if len(omitted) > 24 else ""
        fig.supxlabel(textwrap.fill(f"Not drawn ({len(omitted)} periods with less evidence): {names}{more}", 140),
                      fontsize=8)
    return fig
