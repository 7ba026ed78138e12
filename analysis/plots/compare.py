"""Figures for :mod:`analysis.compare`: each takes a result table, returns a matplotlib Figure,
never mutates its input, never shows or saves."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import figure_for, new_figure
from ..checks import require_table


def _need(table, columns: Sequence[str], name: str) -> pd.DataFrame:
    return require_table(table, columns, name, source="from analysis.compare")


def _pick(table: pd.DataFrame, column: str, keep: Sequence[str] | None) -> pd.DataFrame:
    if keep is None:
        return table
    unknown = sorted(set(keep) - set(table[column]))
    if unknown:
        raise ValueError(f"`{column}s` must be among {sorted(set(table[column]))}; got unknown {unknown}")
    return table[table[column].isin(keep)]


def distinctive_terms_chart(table: pd.DataFrame, *, sources: Sequence[str] | None = None, top: int = 10,
                            ncols: int = 3) -> Figure:
    """One horizontal bar chart per source of its ``top`` terms by z (from ``distinctive_terms``);
    solid bars pass the multiple-testing threshold, pale bars do not."""
    t = _pick(_need(table, ("source", "term", "z"), "table"), "source", sources)
    names = list(dict.fromkeys(t["source"])) if sources is None else list(sources)
    if not names:
        raise ValueError("`table` has no rows to plot")
    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = new_figure((4.2 * ncols, 0.28 * top * nrows + 1.0 * nrows), nrows=nrows, ncols=ncols, squeeze=False)
    for ax, name in zip(axes.flat, names):
        sub = t[t["source"] == name].nlargest(top, "z").iloc[::-1]
        sig = sub["significant"].to_numpy(dtype=bool) if "significant" in sub else np.ones(len(sub), bool)
        ax.barh(sub["term"].astype(str), sub["z"], color=np.where(sig, "C0", "#b8cde0"))
        ax.set_title(str(name), fontsize=10)
        ax.set_xlabel("z (log-odds, informative prior)")
        ax.tick_params(axis="y", labelsize=8)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.suptitle("Distinctive terms per source (pale: not significant after correction)", fontsize=11)
    return fig


def framing_chart(table: pd.DataFrame, *, sources: Sequence[str] | None = None,
                  frames: Sequence[str] | None = None, ax: Axes | None = None) -> Figure:
    """Framing rates per 1,000 words (dots) with their bootstrap intervals (bars), one row per
    frame and one colour per source (from ``framing``)."""
    t = _need(table, ("source", "frame", "per_1000", "low", "high"), "table")
    t = _pick(_pick(t, "source", sources), "frame", frames)
    srcs = list(dict.fromkeys(t["source"])) if sources is None else list(sources)
    frs = list(dict.fromkeys(t["frame"])) if frames is None else list(frames)
    fig, ax = figure_for(ax, (7.5, 0.45 * len(frs) * max(1, len(srcs)) ** 0.5 + 1.5))
    height = 0.8 / max(len(srcs), 1)
    for k, s in enumerate(srcs):
        sub = t[t["source"] == s].set_index("frame").reindex(frs)
        y = np.arange(len(frs)) - 0.4 + height * (k + 0.5)
        rate = sub["per_1000"].to_numpy(dtype=float)
        low = np.clip(rate - sub["low"].to_numpy(dtype=float), 0, None)
        high = np.clip(sub["high"].to_numpy(dtype=float) - rate, 0, None)
        ax.errorbar(rate, y, xerr=[np.nan_to_num(low), np.nan_to_num(high)], fmt="o", ms=4, capsize=2,
                    color=f"C{k % 10}", label=str(s))
    ax.set_yticks(np.arange(len(frs)), [str(f) for f in frs])
    ax.invert_yaxis()
    ax.set_xlabel("uses per 1,000 words (bars: bootstrap interval over documents)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("How each source names the armed actors")
    return fig


def coverage_heatmap(table: pd.DataFrame, *, value: str = "per_1000", top: int | None = 20,
                     sources: Sequence[str] | None = None, annotate: bool | None = None,
                     ax: Axes | None = None) -> Figure:
    """Heat map of group coverage (from ``coverage``): sources in rows, the ``top`` groups by
    mentions in columns, colour = ``value`` (``per_1000`` or ``mentions``)."""
    if value not in ("per_1000", "mentions"):
        raise ValueError(f"`value` must be one of 'per_1000', 'mentions'; got {value!r}")
    t = _pick(_need(table, ("source", "group_name", "mentions", value), "table"), "source", sources)
    order = t.groupby("group_name", sort=False)["mentions"].sum().sort_values(ascending=False, kind="stable")
    groups = order.index.tolist()[:top] if top is not None else order.index.tolist()
    grid = t.pivot_table(index="source", columns="group_name", values=value, aggfunc="sum", sort=True)
    grid = grid.reindex(columns=groups)
    fig, ax = figure_for(ax, (1.5 + 0.45 * len(groups), 2.0 + 0.35 * len(grid)))
    data = grid.to_numpy(dtype=float)
    im = ax.imshow(data, aspect="auto", cmap="Blues")
    ax.set_xticks(np.arange(len(groups)), [str(g) for g in groups], rotation=60, ha="right", fontsize=8)
    ax.set_yticks(np.arange(len(grid)), [str(s) for s in grid.index], fontsize=8)
    if annotate if annotate is not None else data.size <= 150:
        for (r, c), v in np.ndenumerate(data):
            if np.isfinite(v) and v > 0:
                ax.text(c, r, f"{v:.1f}" if value == "per_1000" else f"{v:.0f}", ha="center", va="center",
                        fontsize=7, color="white" if v > np.nanmax(data) / 2 else "black")
    fig.colorbar(im, ax=ax, label="mentions per 1,000 words" if value == "per_1000" else "mentions")
    ax.set_title("Which groups each source mentions")
    return fig
