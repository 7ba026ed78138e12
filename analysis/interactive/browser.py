"""The evidence browser: choose a pair, a period, a polarity and an outlet, read every evidence sentence
(names and cues marked) with its document's title, outlet, date and date provenance, the relation's
confidence, and mark a pair-sentence coop, conflict or none.

One display object serves both places: in JupyterLab (a live kernel) it is an ipywidgets form whose
corrections are written to the corpus's corrections file at once; in the HTML report it is a searchable,
filterable table (DataTables) with the same filters, whose corrections download as a CSV in the same format
(``python -m analysis.interactive.corrections`` is not needed: ``import_corrections`` appends it).
"""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from ..checks import require_table
from . import assets
from .corrections import CORRECTION_COLUMNS, LABELS, record_correction, sentence_sha1
from .evidence import EVIDENCE_COLUMNS, highlight_html
from .style import style_tag
from .tables import datatable_html

__all__ = ["EvidenceBrowser", "evidence_browser", "MAX_SHOWN"]

#: Sentences listed at once in the JupyterLab form (the report's table pages through all of them).
MAX_SHOWN = 60
ALL = "(all)"
_COLUMNS = ["pair", "sentence", "polarity", "confidence", "source", "date", "period", "outlet", "title", "provenance",
            "correct"]


def _period_label(value: object, freq: str) -> str:
    return "undated" if pd.isna(value) else str(pd.Timestamp(value).to_period(freq))


def _date_label(value: object) -> str:
    return "undated" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


class EvidenceBrowser:
    """Made by :func:`evidence_browser`; displays itself (text, HTML table, and a widget in a kernel)."""

    def __init__(self, rows: pd.DataFrame, *, freq: str, corrections: Path | None, caption: str) -> None:
        self.rows = rows.reset_index(drop=True)
        self.freq = freq
        self.corrections = corrections
        self.caption = caption
        self.rows["period_label"] = [_period_label(p, freq) for p in self.rows["period"]]
        counts = self.rows.groupby("pair", sort=False).agg(n=("text", "size"), rel=("polarity", lambda s: int(
            (s != "neutral").sum())))
        self.pairs = counts.sort_values(["rel", "n"], ascending=False, kind="stable").index.tolist()
        self.periods = sorted(set(self.rows["period_label"]) - {"undated"}) + (
            ["undated"] if (self.rows["period_label"] == "undated").any() else [])
        self.outlets = sorted(self.rows["outlet"].unique().tolist())
        self._widget = None

    # -- plain text (nbval compares it) ---------------------------------------------------------------------
    def __repr__(self) -> str:
        if self.rows.empty:
            return "Evidence browser: no pair of actors is named together in one sentence."
        n_rel = int((self.rows["polarity"] != "neutral").sum())
        cur = int((self.rows["source"] == "curated").sum())
        span = f"{self.periods[0]} to {[p for p in self.periods if p != 'undated'][-1]}" if any(
            p != "undated" for p in self.periods) else "no dated period"
        return (f"Evidence browser: {len(self.rows):,} pair-sentences ({n_rel:,} coop, conflict or mixed; "
                f"{cur:,} corrected by an analyst) for {len(self.pairs):,} pairs from {len(self.outlets):,} outlets; "
                f"{span}. First pair: {self.pairs[0]}.")

    # -- the HTML report --------------------------------------------------------------------------------------
    def table_frame(self) -> pd.DataFrame:
        r = self.rows
        sentence = [highlight_html(t, s) for t, s in zip(r["text"], r["spans"])]
        correct = [self._select_html(row) for row in r.itertuples(index=False)]
        pol = [f'<span class="wb-pol-{html.escape(p)}">{html.escape(p)}</span>' for p in r["polarity"]]
        return pd.DataFrame({"pair": r["pair"], "period": r["period_label"], "date": [_date_label(d) for d in r["published"]],
                             "outlet": r["outlet"], "title": r["title"], "polarity": pol, "confidence": r["confidence"],
                             "source": r["source"], "sentence": sentence, "provenance": r["provenance"],
                             "correct": correct}, columns=_COLUMNS)

    @staticmethod
    def _select_html(row) -> str:
        attrs = {"doc_id": row.doc_id, "section": row.section, "sentence": int(row.sentence),
                 "sentence_sha1": sentence_sha1(row.text), "group_a": row.group_a, "group_b": row.group_b}
        data = " ".join(f'data-{k}="{html.escape(str(v), quote=True)}"' for k, v in attrs.items())
        opts = "".join(f'<option value="{x}">{x}</option>' for x in ("",) + LABELS)
        return f'<select class="wb-correct" title="mark this pair-sentence" {data}>{opts}</select>'

    def _repr_html_(self) -> str:
        if self.rows.empty:
            return f"<p>{html.escape(repr(self))}</p>"
        from itables import __version__ as itables_version

        uid = f"wbev{id(self):x}"
        selects = "".join(
            f'<label>{name} <select data-col="{_COLUMNS.index(col)}"><option value="">{ALL}</option>'
            + "".join(f'<option value="{html.escape(v, quote=True)}">{html.escape(v)}</option>' for v in values)
            + "</select></label>"
            for name, col, values in (("pair", "pair", self.pairs), ("period", "period", self.periods),
                                      ("polarity", "polarity", sorted(set(self.rows["polarity"]))),
                                      ("outlet", "outlet", self.outlets)))
        table = datatable_html(self.table_frame(), caption=self.caption, page_length=10,
                               formatter=_format_cell, formats={"confidence": "{:.2f}"},
                               html_columns=("sentence", "correct", "polarity"),
                               wide={"sentence": "42%", "title": "14%", "pair": "10%"})
        download = (f'<button type="button" class="wb-download" disabled>download corrections (CSV)</button> '
                    f'<span class="wb-meta wb-count">no correction marked; mark a sentence in the last column, then '
                    f'download and append the file with analysis.interactive.corrections.import_corrections</span>')
        script = _BROWSER_JS.replace("__UID__", uid).replace("__ITABLES__", "_itables_" + itables_version.replace(".", "_")) \
            .replace("__COLUMNS__", assets.script_json(CORRECTION_COLUMNS))
        return (f'<div class="wb-view wb-evidence" id="{uid}">{style_tag()}<div class="wb-controls">{selects}</div>'
                f'{table}<div class="wb-controls">{download}</div><script type="module">{script}</script></div>')

    # -- JupyterLab -------------------------------------------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = {"text/plain": repr(self), "text/html": self._repr_html_()}
        if _in_kernel() and not self.rows.empty:
            view = self.widget()._repr_mimebundle_()
            data["application/vnd.jupyter.widget-view+json"] = view["application/vnd.jupyter.widget-view+json"]
        return data

    def filtered(self, *, pair: str = ALL, period: str = ALL, polarity: str = ALL, outlet: str = ALL) -> pd.DataFrame:
        """The rows the filters select (``ALL`` keeps everything)."""
        r = self.rows
        for col, value in (("pair", pair), ("period_label", period), ("polarity", polarity), ("outlet", outlet)):
            if value != ALL:
                r = r[r[col] == value]
        return r

    def card_html(self, row) -> str:
        conf = "" if pd.isna(row.confidence) else f" · confidence {row.confidence:.2f}"
        meta = (f"{html.escape(row.title or '(no title)')} · {html.escape(row.outlet)} · {_date_label(row.published)} "
                f"(date {html.escape(row.provenance)}) · {html.escape(row.section)} sentence {int(row.sentence)}")
        return (f'<div class="wb-view"><div class="wb-meta"><b>{html.escape(row.pair)}</b> · '
                f'<span class="wb-pol-{row.polarity}">{row.polarity}</span>{conf} · {row.source}</div>'
                f'<div class="wb-meta">{meta}</div>'
                f'<div class="wb-sentence">{highlight_html(row.text, row.spans)}</div></div>')

    def widget(self):
        """The ipywidgets form (built once)."""
        if self._widget is None:
            self._widget = _build_widget(self)
        return self._widget

    def correct(self, index: int, label: str, *, who: str | None = None) -> dict:
        """Record the analyst's ``label`` for row ``index`` in the corrections file and show it as curated."""
        if self.corrections is None:
            raise ValueError("this evidence browser has no corrections file (`corrections` was None)")
        row = self.rows.loc[index]
        out = record_correction(self.corrections, doc_id=row["doc_id"], section=row["section"],
                                sentence=int(row["sentence"]), text=row["text"], group_a=row["group_a"],
                                group_b=row["group_b"], label=label, who=who)
        self.rows.loc[index, "polarity"] = "neutral" if label == "none" else label
        self.rows.loc[index, "source"] = "curated"
        return out


def _format_cell(value: object, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    return fmt.format(value) if fmt else str(value)


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _build_widget(browser: EvidenceBrowser):
    import ipywidgets as w

    layout = w.Layout(width="auto")
    pick = {"pair": w.Dropdown(options=browser.pairs, value=browser.pairs[0], description="pair", layout=layout),
            "period": w.Dropdown(options=[ALL] + browser.periods, value=ALL, description="period"),
            "polarity": w.Dropdown(options=[ALL, "coop", "conflict", "mixed", "neutral"], value=ALL,
                                   description="polarity"),
            "outlet": w.Dropdown(options=[ALL] + browser.outlets, value=ALL, description="outlet")}
    status = w.HTML()
    listing = w.VBox()

    def save(index: int, label: str, note: w.HTML) -> None:
        try:
            browser.correct(index, label)
            note.value = f"<span class='wb-meta'>saved: {label} (curated)</span>"
        except (OSError, ValueError) as exc:
            note.value = f"<span style='color:#b00'>not saved: {html.escape(str(exc))}</span>"

    def refresh(_=None) -> None:
        rows = browser.filtered(**{k: d.value for k, d in pick.items()})
        items = []
        for index, row in zip(rows.index[:MAX_SHOWN], rows.head(MAX_SHOWN).itertuples(index=False)):
            note = w.HTML()
            buttons = []
            for label in LABELS:
                b = w.Button(description=label, layout=w.Layout(width="6em"), tooltip=f"mark as {label}")
                b.on_click(lambda _b, i=index, lab=label, n=note: save(i, lab, n))
                buttons.append(b)
            if browser.corrections is None:
                buttons = []
            items.append(w.VBox([w.HTML(browser.card_html(row)), w.HBox(buttons + [note])],
                                layout=w.Layout(border_bottom="1px solid #eee", padding="2px 0 6px 0")))
        more = f" (the first {MAX_SHOWN})" if len(rows) > MAX_SHOWN else ""
        status.value = f"<span class='wb-meta'><b>{len(rows):,}</b> evidence sentences{more}</span>"
        listing.children = items

    for d in pick.values():
        d.observe(refresh, names="value")
    refresh()
    where = (f"corrections go to {browser.corrections}" if browser.corrections is not None
             else "corrections are off (no corrections file)")
    return w.VBox([w.HTML(style_tag()), w.HBox(list(pick.values())[:2]), w.HBox(list(pick.values())[2:]),
                   w.HTML(f"<span class='wb-meta'>{html.escape(where)}</span>"), status, listing],
                  _dom_classes=["wb-evidence-widget"])


def evidence_browser(rows: pd.DataFrame, *, freq: str = "M", corrections: Path | str | None = None,
                     caption: str = "Evidence sentences") -> EvidenceBrowser:
    """An :class:`EvidenceBrowser` over ``rows`` from :func:`analysis.interactive.evidence.evidence_rows`;
    ``corrections`` is the CSV the analyst's marks go to (``corrections_path(corpus.raw)``; None: no marks)."""
    require_table(rows, EVIDENCE_COLUMNS, "rows", source="from analysis.interactive.evidence.evidence_rows")
    return EvidenceBrowser(rows.copy(), freq=freq, corrections=Path(corrections) if corrections else None,
                           caption=caption)


_BROWSER_JS = r"""
(() => {
  const root = document.getElementById("__UID__");
  const marks = new Map();
  const columns = __COLUMNS__;
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const button = root.querySelector(".wb-download"), count = root.querySelector(".wb-count");
  root.addEventListener("change", (ev) => {
    const sel = ev.target;
    if (!sel.classList || !sel.classList.contains("wb-correct")) return;
    const d = sel.dataset, key = [d.doc_id, d.section, d.sentence, d.group_a, d.group_b].join("|");
    if (sel.value) marks.set(key, {...d, label: sel.value}); else marks.delete(key);
    button.disabled = marks.size === 0;
    count.textContent = marks.size + " correction(s) marked";
  });
  button.addEventListener("click", () => {
    const when = new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00");
    const quote = (v) => /[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
    const lines = [columns.join(",")];
    for (const m of marks.values()) {
      const row = {...m, who: "report", when};
      lines.push(columns.map((c) => quote(String(row[c] ?? ""))).join(","));
    }
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], {type: "text/csv"}));
    a.download = "corrections.csv";
    root.appendChild(a); a.click(); a.remove();
  });
  const start = Date.now();
  const hook = async () => {
    const table = root.querySelector("table.dataTable");
    if (!table || !window.__ITABLES__) { if (Date.now() - start < 60000) setTimeout(hook, 100); return; }
    const { jQuery: $ } = await window.__ITABLES__;
    const api = $(table).DataTable();
    root.querySelectorAll(".wb-controls select[data-col]").forEach((sel) => {
      sel.addEventListener("change", () => {
        const v = sel.value;
        api.column(Number(sel.dataset.col)).search(v ? "^" + esc(v) + "$" : "", true, false).draw();
      });
    });
    root.dataset.ready = "1";
  };
  hook();
})();
"""
