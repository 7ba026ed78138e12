"""The evidence behind co-mentions, one row per pair and sentence, ready to browse: the sentence with the two
names and the relation cues marked, its document's title, outlet, date and date provenance, the period, the
polarity, the relation's confidence when a classifier gave one, and whether an analyst corrected it.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..checks import require_table
from ..relations import Cues, load_cues
from .corrections import latest_corrections

__all__ = ["EVIDENCE_COLUMNS", "evidence_rows", "highlight_html", "pair_label"]

EVIDENCE_COLUMNS = ["pair", "group_a", "group_b", "group_a_name", "group_b_name", "doc_id", "section", "sentence",
                    "title", "outlet", "published", "provenance", "period", "polarity", "confidence", "source",
                    "text", "spans"]
_DASH = "–"


def pair_label(name_a: str, name_b: str) -> str:
    """"Ahrar al-Sham – Jabhat al-Nusra"."""
    return f"{name_a} {_DASH} {name_b}"


def highlight_html(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` as HTML with ``spans`` (start, end, kind) wrapped in ``<mark class="wb-KIND">``; kinds 'a' and
    'b' are the two actors, 'coop'/'conflict' a cue. Overlapping spans: the first one (by start) wins."""
    out, pos = [], 0
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos or end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="wb-{html.escape(kind)}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def evidence_rows(comentions: pd.DataFrame, sentences: pd.DataFrame, documents: pd.DataFrame,
                  mentions: pd.DataFrame, *, freq: str = "M", cues: Cues | str | Path | None = None,
                  group_map: Mapping[str, str] | None = None, relations: pd.DataFrame | None = None,
                  corrections: Path | str | None = None) -> pd.DataFrame:
    """One row per sentence-level co-mention (pair and sentence), columns ``EVIDENCE_COLUMNS``.

    ``spans`` lists (start, end, kind) in the sentence: 'a'/'b' for the pair's mentions, 'coop'/'conflict'
    for cue words. ``group_map`` maps mention group ids to the ids used in ``comentions`` (the lineage map when
    lineages are collapsed). ``relations`` (optional, from the relation classifier: doc_id, section, sentence,
    group_a, group_b, and ``probability`` or ``confidence``, optionally ``label``) gives ``confidence``;
    without it the column is empty. ``corrections`` (a corrections CSV) overrides ``polarity`` with the
    analyst's label (``none`` shows as 'neutral') and sets ``source`` to 'curated'; else ``source`` is 'model'.
    ``period`` is the start of the ``freq`` period of the document's publication date (NaT when undated).
    """
    require_table(comentions, ["doc_id", "section", "level", "sentence", "group_a", "group_b", "group_a_name",
                               "group_b_name", "polarity"], "comentions")
    require_table(sentences, ["doc_id", "section", "sentence", "start", "text"], "sentences")
    require_table(documents, ["doc_id", "title", "published"], "documents")
    require_table(mentions, ["doc_id", "section", "sentence", "start", "end", "group_id"], "mentions")
    rows = comentions[comentions["level"] == "sentence"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EVIDENCE_COLUMNS})
    cues = cues if isinstance(cues, Cues) else load_cues(cues)
    keys = ["doc_id", "section", "sentence"]
    ev = pd.DataFrame({"doc_id": rows["doc_id"].astype(object).to_numpy(),
                       "section": rows["section"].astype(object).to_numpy(),
                       "sentence": rows["sentence"].astype("int64").to_numpy(),
                       **{c: rows[c].astype(object).to_numpy() for c in
                          ("group_a", "group_b", "group_a_name", "group_b_name", "polarity")}})
    sent = sentences[keys + ["start", "text"]].astype({"doc_id": object, "section": object, "sentence": "int64"})
    ev = ev.merge(sent.rename(columns={"start": "_base"}), on=keys, how="left")
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    outlet = docs["outlet"] if "outlet" in docs.columns else pd.Series(np.nan, index=docs.index)
    if "publisher" in docs.columns:
        outlet = outlet.fillna(docs["publisher"])
    ev["title"] = ev["doc_id"].map(docs["title"]).fillna("")
    ev["outlet"] = ev["doc_id"].map(outlet).fillna("(unknown)").replace("", "(unknown)")
    published = pd.to_datetime(ev["doc_id"].map(docs["published"]), errors="coerce")
    prov = (ev["doc_id"].map(docs["published_provenance"]).fillna("unknown") if "published_provenance" in docs.columns
            else pd.Series("unknown", index=ev.index))
    published = published.where(prov != "unknown")
    ev["published"], ev["provenance"] = published, prov.astype(object)
    ev["period"] = published.dt.to_period(freq).dt.start_time
    # the spans of the two names and of the cues
    gmap = dict(group_map or {})
    m = mentions[keys + ["start", "end", "group_id"]].astype({"doc_id": object, "section": object, "sentence": "int64"})
    m = m.assign(group=m["group_id"].map(lambda g: gmap.get(g, g)))
    by_sentence = {k: list(zip(g["start"], g["end"], g["group"])) for k, g in m.groupby(keys, sort=False)}
    spans, cue_cache = [], {}
    for d, s, n, a, b, base, text in zip(ev["doc_id"], ev["section"], ev["sentence"], ev["group_a"], ev["group_b"],
                                         ev["_base"], ev["text"]):
        if not isinstance(text, str):
            spans.append([])
            continue
        found = [(int(st - base), int(en - base), "a" if g == a else "b")
                 for st, en, g in by_sentence.get((d, s, n), []) if g in (a, b)]
        if (d, s, n) not in cue_cache:
            cue_cache[(d, s, n)] = [(int(st), int(en), lab) for st, en, lab in cues.find(text)]
        spans.append(found + cue_cache[(d, s, n)])
    ev["spans"] = spans
    ev["text"] = ev["text"].fillna("")
    ev["confidence"] = np.nan
    if relations is not None:
        ev = _with_confidence(ev, relations)
    ev["source"] = "model"
    if corrections is not None:
        ev = _with_corrections(ev, latest_corrections(corrections))
    ev["pair"] = [pair_label(x, y) for x, y in zip(ev["group_a_name"], ev["group_b_name"])]
    ev = ev.sort_values(["pair", "published", "doc_id", "section", "sentence"], na_position="last", kind="stable")
    return ev[EVIDENCE_COLUMNS].reset_index(drop=True)


def _with_confidence(ev: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    col = "confidence" if "confidence" in relations.columns else "probability"
    require_table(relations, ["doc_id", "section", "sentence", "group_a", "group_b", col], "relations")
    r = relations[["doc_id", "section", "sentence", "group_a", "group_b", col]].astype(
        {"doc_id": object, "section": object, "sentence": "int64", "group_a": object, "group_b": object})
    swap = r["group_a"] > r["group_b"]
    r.loc[swap, ["group_a", "group_b"]] = r.loc[swap, ["group_b", "group_a"]].to_numpy()
    r = r.drop_duplicates(["doc_id", "section", "sentence", "group_a", "group_b"], keep="last").rename(
        columns={col: "_conf"})
    out = ev.merge(r, on=["doc_id", "section", "sentence", "group_a", "group_b"], how="left")
    out["confidence"] = out["_conf"].astype(float)
    return out.drop(columns="_conf")


def _with_corrections(ev: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    if latest.empty:
        return ev
    lab = latest.set_index(["doc_id", "section", "sentence", "group_a", "group_b"])["label"]
    key = pd.MultiIndex.from_arrays([ev["doc_id"], ev["section"], ev["sentence"], ev["group_a"], ev["group_b"]])
    got = pd.Series(lab.reindex(key).to_numpy(), index=ev.index)
    hit = got.notna()
    ev.loc[hit, "polarity"] = got[hit].replace({"none": "neutral"})
    ev.loc[hit, "source"] = "curated"
    return ev
