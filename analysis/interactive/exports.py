"""Exports for papers, into the corpus's reports folder (``reports/<corpus name>/``, or ``WORKBOOK_REPORTS``
when ``analysis.publish`` runs the notebooks): tables as CSV, figures as SVG and 300-dpi PNG, the co-mention
network of each period as GEXF (Gephi) or GraphML."""
from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Mapping, Sequence

import networkx as nx
import pandas as pd

from .. import config
from ..checks import require_table

__all__ = ["FORMATS", "reports_folder", "export_table", "export_figure", "export_networks", "Exports", "exports"]

FORMATS = ("gexf", "graphml")
DPI = 300


def reports_folder(raw: Sequence[Path | str] | Path | str | None = None) -> Path:
    """Where exports go: ``WORKBOOK_REPORTS`` when set (a report run), else ``reports/<corpus name>/``."""
    env = os.environ.get("WORKBOOK_REPORTS", "").strip()
    if env:
        return Path(env)
    from ..publish import corpus_name

    return config.REPORTS_DIR / corpus_name(raw)


def _stem(name: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", str(name)).strip("._")
    if not stem:
        raise ValueError(f"`name` must contain a letter or digit; got {name!r}")
    return stem


def export_table(frame: pd.DataFrame, name: str, *, folder: Path | str) -> Path:
    """``frame`` (every row) as ``<folder>/<name>.csv`` (UTF-8); returns the path."""
    require_table(frame, [], "frame")
    frame = frame.drop(columns=[c for c in ("spans", "rows") if c in frame.columns])
    path = Path(folder) / f"{_stem(name)}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)
    return path


def export_figure(fig: object, name: str, *, folder: Path | str) -> list[Path]:
    """A matplotlib figure (or a ``report.figure``) as ``<name>.svg`` and ``<name>.png`` at 300 dpi."""
    fig = getattr(fig, "fig", fig)
    if not hasattr(fig, "savefig"):
        raise TypeError(f"`fig` must be a matplotlib Figure or a report.Figure; got {type(fig).__name__}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in ("svg", "png"):
        path = folder / f"{_stem(name)}.{fmt}"
        fig.savefig(path, format=fmt, dpi=DPI, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
        out.append(path)
    return out


def export_networks(edges: pd.DataFrame, name: str, *, folder: Path | str, kinds: Mapping[str, str],
                    names: Mapping[str, str], format: str = "gexf") -> list[Path]:
    """One network file per period of ``edges`` (``analysis.interactive.network.network_edges``):
    ``<name>_<period>.gexf`` (or .graphml). Nodes carry label and kind; edges weight (evidence sentences),
    n_documents, n_coop, n_conflict and polarity."""
    if format not in FORMATS:
        raise ValueError(f"`format` must be one of {', '.join(map(repr, FORMATS))}; got {format!r}")
    require_table(edges, ["period", "group_a", "group_b", "n_sentences", "n_documents", "n_coop", "n_conflict",
                          "polarity"], "edges", source="from analysis.interactive.network.network_edges")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write = nx.write_gexf if format == "gexf" else nx.write_graphml
    out = []
    for period, g in edges.groupby("period", sort=False):
        graph = nx.Graph(name=f"{name} {period}")
        for gid in sorted(set(g["group_a"]) | set(g["group_b"])):
            graph.add_node(gid, label=str(names.get(gid, gid)), kind=str(kinds.get(gid, "other")))
        for e in g.itertuples(index=False):
            graph.add_edge(e.group_a, e.group_b, weight=int(e.n_sentences), n_documents=int(e.n_documents),
                           n_coop=int(e.n_coop), n_conflict=int(e.n_conflict), polarity=str(e.polarity))
        path = folder / f"{_stem(name)}_{_stem(period)}.{format}"
        write(graph, path)
        out.append(path)
    return out


class Exports:
    """The files written, as text (names) and as links (the report sits in the same folder)."""

    def __init__(self, folder: Path, paths: list[Path]) -> None:
        self.folder, self.paths = folder, paths

    def __repr__(self) -> str:
        return f"Exported {len(self.paths)} files to the reports folder: " + ", ".join(p.name for p in self.paths)

    def _repr_html_(self) -> str:
        links = " · ".join(f'<a href="{html.escape(p.name, quote=True)}" download>{html.escape(p.name)}</a>'
                           for p in self.paths)
        return (f'<p class="wb-meta"><b>Exports</b> (in {html.escape(str(self.folder))}): {links}</p>')


def exports(*, folder: Path | str, tables: Mapping[str, pd.DataFrame] | None = None,
            figures: Mapping[str, object] | None = None, networks: Mapping[str, pd.DataFrame] | None = None,
            kinds: Mapping[str, str] | None = None, names: Mapping[str, str] | None = None,
            network_format: str = "gexf") -> Exports:
    """Write every table, figure and network given (by file name; None values are skipped: an analysis that did
    not run) into ``folder`` and list them."""
    folder = Path(folder)
    paths: list[Path] = []
    for name, frame in (tables or {}).items():
        if frame is not None:
            paths.append(export_table(frame, name, folder=folder))
    for name, fig in (figures or {}).items():
        if fig is not None:
            paths.extend(export_figure(fig, name, folder=folder))
    for name, edges in (networks or {}).items():
        if edges is None or edges.empty:
            continue
        paths.extend(export_networks(edges, name, folder=folder, kinds=kinds or {}, names=names or {},
                                     format=network_format))
    return Exports(folder, paths)
