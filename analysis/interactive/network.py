"""The co-mention network as an interactive view (vis-network, inlined): actors are nodes coloured by kind
(with a legend), an edge joins two actors named together in one sentence, coloured by polarity and as wide as
its evidence; a period selector and a minimum-evidence slider filter the edges; hovering an edge names its
counts, clicking it lists its evidence sentences. Works in JupyterLab and in the offline HTML report.
"""
from __future__ import annotations

import html
import itertools
from typing import Mapping

import numpy as np
import pandas as pd

from ..checks import require_table
from . import assets
from .evidence import EVIDENCE_COLUMNS, highlight_html
from .style import POLARITY_COLOURS, style_tag

__all__ = ["KIND_COLOURS", "network_edges", "NetworkView", "network_view"]

KIND_COLOURS = {"jihadist_group": "#252525", "rebel_faction": "#4daf4a", "coalition": "#984ea3",
                "kurdish_force": "#ff7f00", "state_force": "#e41a1c", "foreign_state": "#377eb8", "militia": "#a65628",
                "other": "#9e9e9e"}
ALL_PERIODS = "all periods"
_IDS = itertools.count()


def _polarity(pols: pd.Series) -> str:
    s = set(pols)
    coop, conflict = bool(s & {"coop", "mixed"}), bool(s & {"conflict", "mixed"})
    return "mixed" if coop and conflict else "coop" if coop else "conflict" if conflict else "neutral"


def network_edges(rows: pd.DataFrame, *, freq: str) -> pd.DataFrame:
    """Edges per period and over all periods from evidence rows (``evidence_rows``): period (a label such as
    '2015Q2', or 'all periods'), group_a, group_b, pair, n_sentences, n_documents, n_coop, n_conflict, polarity
    (mixed when both were reported) and rows (the evidence rows' positions). Undated evidence counts in 'all
    periods' only."""
    require_table(rows, EVIDENCE_COLUMNS, "rows", source="from analysis.interactive.evidence.evidence_rows")
    cols = ["period", "group_a", "group_b", "pair", "n_sentences", "n_documents", "n_coop", "n_conflict", "polarity",
            "rows"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    r = rows.reset_index(drop=True).assign(_row=np.arange(len(rows)))
    r["_period"] = [None if pd.isna(p) else str(pd.Timestamp(p).to_period(freq)) for p in r["period"]]
    parts = [r.assign(_period=ALL_PERIODS), r[r["_period"].notna()]]
    both = pd.concat(parts, ignore_index=True)
    out = both.groupby(["_period", "group_a", "group_b", "pair"], sort=False).agg(
        n_sentences=("_row", "size"), n_documents=("doc_id", "nunique"),
        n_coop=("polarity", lambda s: int(s.isin(["coop", "mixed"]).sum())),
        n_conflict=("polarity", lambda s: int(s.isin(["conflict", "mixed"]).sum())),
        polarity=("polarity", _polarity), rows=("_row", list)).reset_index().rename(columns={"_period": "period"})
    order = {p: i for i, p in enumerate([ALL_PERIODS] + sorted(set(r["_period"].dropna())))}
    out = out.assign(_o=out["period"].map(order)).sort_values(["_o", "n_sentences", "pair"], ascending=[True, False, True],
                                                              kind="stable")
    return out[cols].reset_index(drop=True)


class NetworkView:
    """Made by :func:`network_view`; displays itself as text and as the interactive network."""

    def __init__(self, rows: pd.DataFrame, edges: pd.DataFrame, kinds: Mapping[str, str], *, freq: str,
                 max_sentences: int, height: int) -> None:
        self.rows, self.edges, self.kinds, self.freq = rows.reset_index(drop=True), edges, dict(kinds), freq
        self.max_sentences, self.height = max_sentences, height

    @property
    def periods(self) -> list[str]:
        return [p for p in dict.fromkeys(self.edges["period"]) if p != ALL_PERIODS]

    def __repr__(self) -> str:
        if self.edges.empty:
            return "Co-mention network: no pair of actors is named together in one sentence."
        allp = self.edges[self.edges["period"] == ALL_PERIODS]
        actors = set(allp["group_a"]) | set(allp["group_b"])
        top = allp.iloc[0]
        return (f"Co-mention network: {len(actors):,} actors, {len(allp):,} pairs named together in one sentence, "
                f"{len(self.periods):,} dated periods; most evidence: {top['pair']} ({top['n_sentences']:,} sentences, "
                f"{top['polarity']}).")

    def data(self) -> dict:
        allp = self.edges[self.edges["period"] == ALL_PERIODS]
        names = dict(zip(self.rows["group_a"], self.rows["group_a_name"])) | dict(
            zip(self.rows["group_b"], self.rows["group_b_name"]))
        weight = pd.concat([allp[["group_a", "n_sentences"]].rename(columns={"group_a": "g"}),
                            allp[["group_b", "n_sentences"]].rename(columns={"group_b": "g"})]).groupby("g")["n_sentences"].sum()
        nodes = [{"id": g, "label": names.get(g, g), "kind": self.kinds.get(g, "other"),
                  "color": KIND_COLOURS.get(self.kinds.get(g, "other"), KIND_COLOURS["other"]), "n": int(n)}
                 for g, n in weight.sort_index().items()]
        used = sorted({i for rows in self.edges["rows"] for i in rows[: self.max_sentences]})
        sentences = {}
        for i in used:
            r = self.rows.iloc[i]
            date = "undated" if pd.isna(r["published"]) else pd.Timestamp(r["published"]).strftime("%Y-%m-%d")
            sentences[int(i)] = {"html": highlight_html(r["text"], r["spans"]), "polarity": r["polarity"],
                                 "meta": f"{r['title'] or '(no title)'} · {r['outlet']} · {date} (date {r['provenance']})"}
        edges = [{"period": e.period, "from": e.group_a, "to": e.group_b, "pair": e.pair, "n": int(e.n_sentences),
                  "docs": int(e.n_documents), "coop": int(e.n_coop), "conflict": int(e.n_conflict), "pol": e.polarity,
                  "rows": [int(i) for i in e.rows[: self.max_sentences]]}
                 for e in self.edges.itertuples(index=False)]
        kinds_used = sorted({n["kind"] for n in nodes})
        return {"nodes": nodes, "edges": edges, "sentences": sentences, "periods": [ALL_PERIODS] + self.periods,
                "kinds": {k: KIND_COLOURS.get(k, KIND_COLOURS["other"]) for k in kinds_used},
                "polarity": POLARITY_COLOURS, "max_sentences": self.max_sentences}

    def _repr_html_(self) -> str:
        if self.edges.empty:
            return f"<p>{html.escape(repr(self))}</p>"
        uid = f"wbnet{next(_IDS)}"
        data = self.data()
        top = max(e["n"] for e in data["edges"])
        legend_nodes = "".join(f'<span><span class="wb-swatch" style="background:{c}"></span>{html.escape(k.replace("_", " "))}</span>'
                               for k, c in data["kinds"].items())
        legend_edges = "".join(f'<span><span class="wb-line" style="background:{c}"></span>{p}</span>'
                               for p, c in POLARITY_COLOURS.items())
        periods = "".join(f'<option value="{html.escape(p, quote=True)}">{html.escape(p)}</option>' for p in data["periods"])
        controls = (f'<div class="wb-controls"><label>period <select class="wb-period">{periods}</select></label>'
                    f'<label>at least <input class="wb-min" type="range" min="1" max="{top}" value="1" step="1"/> '
                    f'<span class="wb-min-value">1</span> evidence sentence(s)</label>'
                    f'<span class="wb-meta wb-shown"></span></div>')
        legend = (f'<div class="wb-legend"><b>actors</b>{legend_nodes}</div>'
                  f'<div class="wb-legend"><b>relation</b>{legend_edges}<span class="wb-meta">width: evidence '
                  f'sentences; click an edge to read them</span></div>')
        panel = '<div class="wb-panel wb-evidence-panel">Click an edge to read the sentences behind it.</div>'
        script = _NETWORK_JS.replace("__UID__", uid).replace("__DATA__", assets.script_json(data))
        return (f'<div class="wb-view wb-network" id="{uid}">{style_tag()}{assets.inline_once("vis-network")}'
                f'{controls}{legend}<div class="wb-canvas" style="height:{self.height}px;border:1px solid #ddd"></div>'
                f'{panel}<script>{script}</script></div>')


def network_view(rows: pd.DataFrame, *, kinds: Mapping[str, str], freq: str = "M", max_sentences: int = 30,
                 height: int = 560) -> NetworkView:
    """A :class:`NetworkView` of the evidence rows (``evidence_rows``); ``kinds`` maps group ids to their kind
    (``gazetteer.frame()``), ``max_sentences`` caps the sentences an edge lists."""
    require_table(rows, EVIDENCE_COLUMNS, "rows", source="from analysis.interactive.evidence.evidence_rows")
    if not isinstance(max_sentences, int) or max_sentences < 1:
        raise ValueError(f"`max_sentences` must be a whole number of 1 or more; got {max_sentences!r}")
    return NetworkView(rows, network_edges(rows, freq=freq), kinds, freq=freq, max_sentences=max_sentences,
                       height=height)


_NETWORK_JS = r"""
(() => {
  const root = document.getElementById("__UID__");
  const data = __DATA__;
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const start = Date.now();
  const draw = () => {
    if (!window.vis || !window.vis.Network) { if (Date.now() - start < 60000) setTimeout(draw, 100); return; }
    const nodes = new vis.DataSet(data.nodes.map((n) => ({id: n.id, label: n.label, title: n.label + " (" + n.kind.replace(/_/g, " ") + ")",
      color: {background: n.color, border: n.color}, value: n.n, font: {size: 14}})));
    const edges = new vis.DataSet([]);
    const net = new vis.Network(root.querySelector(".wb-canvas"), {nodes, edges}, {
      nodes: {shape: "dot", scaling: {min: 8, max: 30}},
      edges: {smooth: false, scaling: {min: 1, max: 12}, selectionWidth: 3, hoverWidth: 2},
      physics: {solver: "forceAtlas2Based", stabilization: {iterations: 250}},
      interaction: {hover: true, tooltipDelay: 100}, layout: {randomSeed: 7}});
    net.once("stabilizationIterationsDone", () => net.setOptions({physics: false}));
    const period = root.querySelector(".wb-period"), min = root.querySelector(".wb-min");
    const minValue = root.querySelector(".wb-min-value"), shown = root.querySelector(".wb-shown");
    const panel = root.querySelector(".wb-evidence-panel");
    const update = () => {
      const p = period.value, m = Number(min.value);
      minValue.textContent = m;
      const keep = data.edges.filter((e) => e.period === p && e.n >= m);
      edges.clear();
      edges.add(keep.map((e, i) => ({id: p + "|" + e.from + "|" + e.to, from: e.from, to: e.to, value: e.n,
        color: {color: data.polarity[e.pol], highlight: data.polarity[e.pol], hover: data.polarity[e.pol]},
        title: e.pair + ": " + e.n + " sentence(s) in " + e.docs + " document(s); " + e.coop + " coop, " + e.conflict + " conflict"})));
      const linked = new Set(keep.flatMap((e) => [e.from, e.to]));
      nodes.update(data.nodes.map((n) => ({id: n.id, hidden: !linked.has(n.id)})));
      shown.textContent = keep.length + " pair(s), " + linked.size + " actor(s) shown";
    };
    net.on("selectEdge", (ev) => {
      if (!ev.edges.length) return;
      const [p, a, b] = ev.edges[0].split("|");
      const e = data.edges.find((x) => x.period === p && x.from === a && x.to === b);
      if (!e) return;
      const items = e.rows.map((i) => data.sentences[i]).map((s) => '<div class="wb-meta">' + esc(s.meta) +
        ' · <span class="wb-pol-' + s.polarity + '">' + s.polarity + '</span></div><div class="wb-sentence">' + s.html + "</div>");
      const more = e.n > e.rows.length ? '<div class="wb-meta">(the first ' + e.rows.length + " of " + e.n + ")</div>" : "";
      panel.innerHTML = "<b>" + esc(e.pair) + "</b> · " + esc(p) + ' · <span class="wb-pol-' + e.pol + '">' + e.pol +
        "</span> · " + e.n + " sentence(s) in " + e.docs + " document(s)" + items.join("") + more;
      root.dataset.selected = e.pair;
    });
    period.addEventListener("change", update);
    min.addEventListener("input", update);
    update();
    root.wbNetwork = net;
    root.dataset.ready = "1";
  };
  draw();
})();
"""
