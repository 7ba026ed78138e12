"""The topic map with hover (as in BERTopic): every unit on the first two axes of the LSA space, coloured by
cluster; hovering a point shows the unit's text, its cluster, its outlet and its date. A plotly figure: in
JupyterLab it renders through plotly's own extension; in the HTML report plotly.js is inlined (once)."""
from __future__ import annotations

import html
import textwrap

import pandas as pd

from ..checks import require_table
from ..text import paragraph_spans
from . import assets

__all__ = ["topic_map_units", "TopicMap", "topic_map"]


def topic_map_units(result, documents: pd.DataFrame, *, max_chars: int = 280) -> pd.DataFrame:
    """One row per unit on the map: doc_id[, paragraph], cluster, label, x, y, title, outlet, date ('undated'
    when unknown) and text (cut to ``max_chars``)."""
    require_table(documents, ["doc_id", "title", "body", "published"], "documents")
    coords = result.coords.copy()
    docs = documents.drop_duplicates("doc_id").assign(doc_id=lambda d: d["doc_id"].astype(str)).set_index("doc_id")
    texts = []
    for row in coords.itertuples(index=False):
        body = docs.at[row.doc_id, "body"] or ""
        if result.unit == "paragraph":
            a, b = paragraph_spans(body)[row.paragraph]
            body = body[a:b]
        body = " ".join(body.split())
        texts.append(body if len(body) <= max_chars else body[:max_chars].rstrip() + "…")
    coords["text"] = texts
    outlet = docs["outlet"] if "outlet" in docs.columns else pd.Series(None, index=docs.index, dtype=object)
    if "publisher" in docs.columns:
        outlet = outlet.fillna(docs["publisher"])
    coords["title"] = coords["doc_id"].map(docs["title"]).fillna("")
    coords["outlet"] = coords["doc_id"].map(outlet).fillna("(unknown)").replace("", "(unknown)")
    published = pd.to_datetime(coords["doc_id"].map(docs["published"]), errors="coerce")
    if "published_provenance" in docs.columns:
        published = published.where(coords["doc_id"].map(docs["published_provenance"]).fillna("unknown") != "unknown")
    coords["date"] = ["undated" if pd.isna(p) else p.strftime("%Y-%m-%d") for p in published]
    labels = dict(zip(result.clusters["cluster"], result.clusters["label"])) if "label" in result.clusters else {}
    coords["label"] = [f"{c}: {labels.get(c, '')}".rstrip(": ") for c in coords["cluster"]]
    return coords


class TopicMap:
    """Made by :func:`topic_map`."""

    def __init__(self, units: pd.DataFrame, *, unit: str, height: int) -> None:
        self.units, self.unit, self.height = units, unit, height
        self.fig = self._figure()

    def _figure(self):
        import plotly.graph_objects as go

        fig = go.Figure()
        esc = lambda s: html.escape(str(s), quote=False)  # noqa: E731 (plotly renders a subset of HTML)
        for _, g in self.units.sort_values("cluster", kind="stable").groupby("cluster", sort=True):
            label = g["label"].iloc[0]
            hover = [f"<b>{esc(t or '(no title)')}</b><br>cluster {esc(lab)}<br>{esc(o)} · {d}"
                     f"<br>{'<br>'.join(textwrap.wrap(esc(x), 70)[:5])}"
                     for t, lab, o, d, x in zip(g["title"], g["label"], g["outlet"], g["date"], g["text"])]
            fig.add_trace(go.Scatter(x=g["x"].round(5).tolist(), y=g["y"].round(5).tolist(), mode="markers",
                                     name=label, text=hover, hovertemplate="%{text}<extra></extra>",
                                     marker={"size": 9, "opacity": 0.8}))
        fig.update_layout(height=self.height, margin={"l": 30, "r": 20, "t": 30, "b": 30}, template="plotly_white",
                          legend={"title": {"text": "cluster"}}, hoverlabel={"align": "left"},
                          title={"text": f"{len(self.units):,} {self.unit}s; hover a point to read it", "x": 0})
        fig.update_xaxes(title_text="axis 1", showticklabels=False)
        fig.update_yaxes(title_text="axis 2", showticklabels=False)
        return fig

    def __repr__(self) -> str:
        return (f"Topic map: {len(self.units):,} {self.unit}s in {self.units['cluster'].nunique():,} clusters from "
                f"{self.units['outlet'].nunique():,} outlets (hover a point for its text, cluster, outlet and date)")

    def _repr_html_(self) -> str:
        if not assets.for_report():
            return ('<p class="wb-meta">The interactive topic map shows in JupyterLab (plotly) and in the HTML '
                    'report.</p>')
        div = self.fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False},
                               div_id="wbmap" + str(id(self)))
        return f'<div class="wb-view wb-topicmap">{assets.inline_once("plotly")}{div}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = {"text/plain": repr(self), "text/html": self._repr_html_()}
        if not assets.for_report():
            data["application/vnd.plotly.v1+json"] = self.fig.to_plotly_json()
        return data


def topic_map(result, documents: pd.DataFrame, *, height: int = 520, max_chars: int = 280) -> TopicMap:
    """A :class:`TopicMap` of ``result`` (``analysis.topics.cluster``) with the units' texts from ``documents``."""
    if not hasattr(result, "coords") or not hasattr(result, "clusters"):
        raise TypeError(f"`result` must be a TopicResult from analysis.topics.cluster; got {type(result).__name__}")
    return TopicMap(topic_map_units(result, documents, max_chars=max_chars), unit=result.unit, height=height)
