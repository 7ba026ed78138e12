"""Keyword in context (as in Voyant): every sentence that contains a term (a word, a phrase, a word stem with
a trailing ``*``) or names an actor (any of its spellings, from the mentions table), with the words on each
side, the document's title, outlet, date and period; counts per outlet and period.
"""
from __future__ import annotations

import html
import re

import pandas as pd

from ..checks import require_table
from .style import style_tag
from .tables import datatable_html

__all__ = ["KWIC_COLUMNS", "keyword_in_context", "kwic_counts", "KwicView", "kwic_view"]

KWIC_COLUMNS = ["doc_id", "section", "sentence", "title", "outlet", "published", "period", "left", "keyword", "right",
                "text"]


def _term_pattern(term: str) -> re.Pattern:
    words = term.strip().split()
    if not words:
        raise ValueError(f"`term` must contain a word; got {term!r}")
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") and len(w) > 1 else re.escape(w) for w in words]
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(parts) + r"(?!\w)", re.I)


def keyword_in_context(sentences: pd.DataFrame, documents: pd.DataFrame, *, term: str | None = None,
                       group: str | None = None, mentions: pd.DataFrame | None = None, width: int = 60,
                       freq: str = "M") -> pd.DataFrame:
    """One row per hit: KWIC_COLUMNS. Give ``term`` (case-insensitive, whole words, ``*`` ends a stem:
    "ceasefire", "joint operation*") or ``group`` (a group id or display name, found through ``mentions``, so
    every spelling counts). ``left``/``right`` are cut to ``width`` characters. ``period`` is the start of the
    ``freq`` period of the document's publication date (NaT when undated)."""
    require_table(sentences, ["doc_id", "section", "sentence", "start", "text"], "sentences")
    require_table(documents, ["doc_id", "title", "published"], "documents")
    if (term is None) == (group is None):
        raise ValueError(f"give exactly one of `term` and `group`; got term={term!r}, group={group!r}")
    if not isinstance(width, int) or width < 1:
        raise ValueError(f"`width` must be a whole number of 1 or more; got {width!r}")
    keys = ["doc_id", "section", "sentence"]
    hits: list[tuple] = []
    if term is not None:
        pat = _term_pattern(str(term))
        for d, s, n, text in zip(sentences["doc_id"], sentences["section"], sentences["sentence"], sentences["text"]):
            for m in pat.finditer(text or ""):
                hits.append((d, s, int(n), m.start(), m.end(), text))
    else:
        if mentions is None:
            raise ValueError("`group` needs `mentions` (corpus.mentions)")
        require_table(mentions, keys + ["start", "end", "group_id", "group_name"], "mentions")
        sel = mentions[(mentions["group_id"] == group) | (mentions["group_name"] == group)]
        if sel.empty and group not in set(mentions["group_id"]) | set(mentions["group_name"]):
            raise ValueError(f"`group` {group!r} is not mentioned in this corpus (give a group id or display name)")
        sent = sentences[keys + ["start", "text"]].rename(columns={"start": "_base"})
        got = sel[keys + ["start", "end"]].merge(sent, on=keys, how="inner")
        hits = [(d, s, int(n), int(a - b), int(e - b), t) for d, s, n, a, e, b, t in zip(
            got["doc_id"], got["section"], got["sentence"], got["start"], got["end"], got["_base"], got["text"])]
    if not hits:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in KWIC_COLUMNS})
    out = pd.DataFrame(hits, columns=keys + ["_a", "_b", "text"])
    out["left"] = [" ".join(t[max(0, a - width):a].split()) if a > width else t[:a].strip() for t, a in zip(out["text"], out["_a"])]
    out["left"] = [("…" + x) if a > width else x for x, a in zip(out["left"], out["_a"])]
    out["keyword"] = [t[a:b] for t, a, b in zip(out["text"], out["_a"], out["_b"])]
    out["right"] = [t[b:b + width].strip() + ("…" if len(t) - b > width else "") for t, b in zip(out["text"], out["_b"])]
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    outlet = docs["outlet"] if "outlet" in docs.columns else pd.Series(None, index=docs.index, dtype=object)
    if "publisher" in docs.columns:
        outlet = outlet.fillna(docs["publisher"])
    out["title"] = out["doc_id"].map(docs["title"]).fillna("")
    out["outlet"] = out["doc_id"].map(outlet).fillna("(unknown)").replace("", "(unknown)")
    published = pd.to_datetime(out["doc_id"].map(docs["published"]), errors="coerce")
    if "published_provenance" in docs.columns:
        published = published.where(out["doc_id"].map(docs["published_provenance"]).fillna("unknown") != "unknown")
    out["published"] = published
    out["period"] = published.dt.to_period(freq).dt.start_time
    out = out.sort_values(["published", "doc_id", "section", "sentence", "_a"], na_position="last", kind="stable")
    return out[KWIC_COLUMNS].reset_index(drop=True)


def kwic_counts(hits: pd.DataFrame, *, freq: str = "M") -> pd.DataFrame:
    """Hits and documents per outlet and period ('undated' for documents without a usable date)."""
    require_table(hits, ["doc_id", "outlet", "period"], "hits")
    if hits.empty:
        return pd.DataFrame(columns=["outlet", "period", "hits", "documents"])
    h = hits.assign(period=[("undated" if pd.isna(p) else str(pd.Timestamp(p).to_period(freq))) for p in hits["period"]])
    return (h.groupby(["outlet", "period"]).agg(hits=("doc_id", "size"), documents=("doc_id", "nunique"))
            .reset_index().sort_values(["outlet", "period"], kind="stable").reset_index(drop=True))


class KwicView:
    """Made by :func:`kwic_view`: the hits as aligned text lines and as a searchable table."""

    def __init__(self, hits: pd.DataFrame, *, query: str, freq: str, rows: int) -> None:
        self.hits, self.query, self.freq, self.rows = hits, query, freq, rows

    def __repr__(self) -> str:
        if self.hits.empty:
            return f"Keyword in context: no sentence contains {self.query}."
        h = self.hits.head(self.rows)
        width = max(len(x) for x in h["left"])
        lines = [f"{x:>{width}} [{k}] {y}" for x, k, y in zip(h["left"], h["keyword"], h["right"])]
        more = f"(showing {len(h):,} of {len(self.hits):,})" if len(self.hits) > len(h) else ""
        head = (f"Keyword in context: {self.query}: {len(self.hits):,} hits in {self.hits['doc_id'].nunique():,} "
                f"documents from {self.hits['outlet'].nunique():,} outlets")
        return "\n".join([head, *lines] + ([more] if more else []))

    def _repr_html_(self) -> str:
        if self.hits.empty:
            return f"<p>{html.escape(repr(self))}</p>"
        h = self.hits
        frame = pd.DataFrame({
            "outlet": h["outlet"],
            "period": ["undated" if pd.isna(p) else str(pd.Timestamp(p).to_period(self.freq)) for p in h["period"]],
            "date": ["undated" if pd.isna(p) else pd.Timestamp(p).strftime("%Y-%m-%d") for p in h["published"]],
            "left": [f'<div style="text-align:right">{html.escape(x)}</div>' for x in h["left"]],
            "keyword": [f'<mark class="wb-kw">{html.escape(k)}</mark>' for k in h["keyword"]],
            "right": [html.escape(x) for x in h["right"]], "title": h["title"]})
        table = datatable_html(frame, caption=f"Keyword in context: {self.query}", page_length=self.rows,
                               html_columns=("left", "keyword", "right"),
                               wide={"left": "30%", "right": "30%"})
        return f'<div class="wb-view wb-kwic">{style_tag()}{table}</div>'


def kwic_view(hits: pd.DataFrame, *, query: str, freq: str = "M", rows: int = 15) -> KwicView:
    """A :class:`KwicView` of hits from :func:`keyword_in_context`; ``query`` names what was searched."""
    require_table(hits, KWIC_COLUMNS, "hits", source="from analysis.interactive.kwic.keyword_in_context")
    return KwicView(hits, query=str(query), freq=freq, rows=rows)
