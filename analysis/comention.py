"""The ``comentions`` table: pairs of actors named in one sentence, paragraph or document section, with
the relation the sentences state (``analysis.relations``) and the evidence behind each row.

Statistics over the table are in ``analysis.association``, time series in ``analysis.timeline``.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from .checks import require_table
from .groups import SENTENCE_COLUMNS, Gazetteer, lineage_map
from .relations import POLARITIES, Cues, load_cues, sentence_polarities

__all__ = ["LEVELS", "COMENTION_COLUMNS", "MENTION_REQUIRED", "empty_comentions", "comentions",
           "evidence_sentences", "evidence_table"]

LEVELS = ("sentence", "paragraph", "document")
COMENTION_COLUMNS = ["doc_id", "section", "level", "paragraph", "sentence", "group_a", "group_b", "group_a_name",
                     "group_b_name", "polarity", "evidence", "n_sentences", "n_joint", "n_coop", "n_conflict"]
MENTION_REQUIRED = ["doc_id", "section", "paragraph", "sentence", "start", "end", "group_id"]


def empty_comentions() -> pd.DataFrame:
    ints = {"paragraph": "Int64", "sentence": "Int64", "n_sentences": "int64", "n_joint": "int64", "n_coop": "int64",
            "n_conflict": "int64"}
    return pd.DataFrame({c: pd.Series(dtype=ints.get(c, object)) for c in COMENTION_COLUMNS})


def comentions(mentions: pd.DataFrame, sentences: pd.DataFrame, *, cues: Cues | str | Path | None = None,
               collapse_lineage: bool = False, gazetteer: Gazetteer) -> pd.DataFrame:
    """The ``comentions`` table: one row per unordered pair of groups mentioned in the same unit.

    Units are a sentence, a paragraph or a document SECTION (body and comments are never mixed).
    Columns: doc_id, section, level ('sentence'|'paragraph'|'document'), paragraph (Int64; <NA> at document
    level), sentence (Int64; only at sentence level), group_a < group_b (ids), group_a_name, group_b_name,
    polarity ('coop'|'conflict'|'mixed'|'neutral'), evidence (';'-joined sentence ids "section:sentence" of
    the unit's sentences that mention group_a or group_b, e.g. "body:3;body:7"), n_sentences (how many),
    n_joint (sentences mentioning both), n_coop / n_conflict (sentence-level co-mentions in the unit with
    coop / conflict, a mixed sentence counting in both). Self-pairs are excluded; with ``collapse_lineage``
    groups are first mapped to their lineage root (jfs, hts -> nusra). Pure: DataFrames in, DataFrame out.
    """
    require_table(mentions, MENTION_REQUIRED, "mentions")
    require_table(sentences, SENTENCE_COLUMNS, "sentences")
    if not isinstance(gazetteer, Gazetteer):
        raise TypeError(f"`gazetteer` must be a Gazetteer; got {type(gazetteer).__name__}.")
    cues = cues if isinstance(cues, Cues) else load_cues(cues)
    if mentions.empty:
        return empty_comentions()
    gmap = lineage_map(gazetteer, collapse=collapse_lineage)
    unknown = set(mentions["group_id"].unique()) - set(gmap)
    if unknown:
        raise ValueError(f"`mentions` has group ids not in the gazetteer: {sorted(unknown)[:5]}.")
    names = {g: (gazetteer.lineage_name(g) if collapse_lineage else gazetteer.groups[g].name) for g in set(gmap.values())}
    m = pd.DataFrame({
        "doc_id": mentions["doc_id"].to_numpy(dtype=object), "section": mentions["section"].to_numpy(dtype=object),
        "paragraph": mentions["paragraph"].to_numpy(dtype=np.int64),
        "sentence": mentions["sentence"].to_numpy(dtype=np.int64),
        "start": mentions["start"].to_numpy(dtype=np.int64), "end": mentions["end"].to_numpy(dtype=np.int64),
        "group": mentions["group_id"].map(gmap).to_numpy(dtype=object),
    }).sort_values(["doc_id", "section", "sentence", "start"], kind="stable")
    doc, sec, par, snt, st, en, grp = (m[c].tolist() for c in m.columns)
    n = len(doc)
    # runs of one sentence; the sentences with two distinct groups need their text
    runs, i = [], 0
    while i < n:
        j = i + 1
        while j < n and snt[j] == snt[i] and doc[j] == doc[i] and sec[j] == sec[i]:
            j += 1
        runs.append((i, j))
        i = j
    multi = [(a, b) for a, b in runs if len(set(grp[a:b])) >= 2]
    texts: dict[tuple, tuple[int, int, str]] = {}
    if multi:
        want = set()
        for a, _ in multi:
            want.add((doc[a], sec[a], snt[a]))
            want.add((doc[a], sec[a], snt[a] - 1))
        keys = pd.DataFrame(list(want), columns=["doc_id", "section", "sentence"])
        keys["sentence"] = keys["sentence"].astype(np.int64)
        sub = sentences[["doc_id", "section", "sentence", "paragraph", "start", "text"]].copy()
        sub["sentence"] = sub["sentence"].astype(np.int64)
        sub["doc_id"] = sub["doc_id"].astype(object)
        sub["section"] = sub["section"].astype(object)
        got = keys.merge(sub, on=["doc_id", "section", "sentence"], how="inner").drop_duplicates(
            ["doc_id", "section", "sentence"])
        texts = {(d, c, int(k)): (int(p), int(b), t) for d, c, k, p, b, t in zip(
            got["doc_id"], got["section"], got["sentence"], got["paragraph"], got["start"], got["text"])}
    first_start = {(doc[a], sec[a], snt[a]): st[a] for a, _ in runs}
    sent_pol: dict[tuple, dict[tuple[str, str], str]] = {}
    for a, b in multi:
        key = (doc[a], sec[a], snt[a])
        if key not in texts:
            continue
        para, base, text = texts[key]
        spans = [(st[x] - base, en[x] - base, grp[x]) for x in range(a, b)]
        prev_key = (key[0], key[1], key[2] - 1)
        previous = None
        if prev_key in texts and texts[prev_key][0] == para:
            ppara, pbase, ptext = texts[prev_key]
            previous = (ptext, first_start.get(prev_key, pbase + len(ptext)) - pbase)
        sent_pol[key] = sentence_polarities(text, spans, cues=cues, previous=previous)
    # aggregate per document section, paragraph and sentence
    rows: list[tuple] = []
    run_i = 0
    while run_i < len(runs):
        a0 = runs[run_i][0]
        d, c = doc[a0], sec[a0]
        by_doc: dict[str, list[int]] = {}
        by_par: dict[int, dict[str, list[int]]] = {}
        para_order: list[int] = []
        sent_units: list[tuple[int, int, list[str]]] = []
        while run_i < len(runs) and doc[runs[run_i][0]] == d and sec[runs[run_i][0]] == c:
            a, b = runs[run_i]
            s_, p_ = snt[a], par[a]
            gs = sorted(set(grp[a:b]))
            if p_ not in by_par:
                by_par[p_] = {}
                para_order.append(p_)
            for g in gs:
                by_doc.setdefault(g, []).append(s_)
                by_par[p_].setdefault(g, []).append(s_)
            if len(gs) >= 2:
                sent_units.append((p_, s_, gs))
            run_i += 1
        pols_here = {k[2]: v for k, v in ((kk, sent_pol[kk]) for kk in ((d, c, s_) for _, s_, _ in sent_units))
                     if k in sent_pol} if sent_units else {}
        units = [("document", None, None, by_doc)]
        units += [("paragraph", p_, None, by_par[p_]) for p_ in sorted(para_order) if len(by_par[p_]) >= 2]
        units += [("sentence", p_, s_, {g: [s_] for g in gs}) for p_, s_, gs in sent_units]
        for level, para, sent, gsents in units:
            if len(gsents) < 2:
                continue
            for ga, gb in itertools.combinations(sorted(gsents), 2):
                la, lb = gsents[ga], gsents[gb]
                joint = sorted(set(la).intersection(lb))
                n_coop = n_conf = 0
                for s_ in joint:
                    pol = pols_here.get(s_, {}).get((ga, gb), "neutral")
                    n_coop += pol in ("coop", "mixed")
                    n_conf += pol in ("conflict", "mixed")
                pol = "mixed" if (n_coop and n_conf) else "coop" if n_coop else "conflict" if n_conf else "neutral"
                ev = sorted(set(la).union(lb))
                rows.append((d, c, level, para, sent, ga, gb, names[ga], names[gb], pol,
                             ";".join([f"{c}:{x}" for x in ev]), len(ev), len(joint), n_coop, n_conf))
    if not rows:
        return empty_comentions()
    out = pd.DataFrame(rows, columns=COMENTION_COLUMNS)
    out["paragraph"] = out["paragraph"].astype("Int64")
    out["sentence"] = out["sentence"].astype("Int64")
    return out


def evidence_sentences(comentions_rows: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The sentences behind co-mention rows: one row per (comention row, evidence sentence).

    Columns: row (the index label in ``comentions_rows``), doc_id, section, sentence, group_a, group_b,
    polarity, text.
    """
    require_table(comentions_rows, ["doc_id", "evidence", "group_a", "group_b", "polarity"], "comentions_rows")
    require_table(sentences, SENTENCE_COLUMNS, "sentences")
    recs = []
    for idx, r in comentions_rows.iterrows():
        for item in str(r["evidence"]).split(";"):
            if item:
                sec, num = item.rsplit(":", 1)
                recs.append((idx, r["doc_id"], sec, int(num), r["group_a"], r["group_b"], r["polarity"]))
    ev = pd.DataFrame(recs, columns=["row", "doc_id", "section", "sentence", "group_a", "group_b", "polarity"])
    return ev.merge(sentences[["doc_id", "section", "sentence", "text"]], on=["doc_id", "section", "sentence"], how="left")


def evidence_table(comentions_table: pd.DataFrame, sentences: pd.DataFrame, *, group_a: str, group_b: str,
                   level: str = "sentence", width: int | None = 160) -> pd.DataFrame:
    """The sentences behind the pair's rows at ``level``: doc_id, sentence ("section:n"), polarity (of the
    row), text (cut to ``width`` characters). The pair may be given in either order."""
    a, b = sorted((group_a, group_b))
    rows = comentions_table[(comentions_table["level"] == level) & (comentions_table["group_a"] == a)
                            & (comentions_table["group_b"] == b)]
    ev = evidence_sentences(rows, sentences)
    if ev.empty:
        return pd.DataFrame(columns=["doc_id", "sentence", "polarity", "text"])
    text = ev["text"].fillna("")
    if width:
        text = text.where(text.str.len() <= width, text.str.slice(0, width - 1) + "…")
    return pd.DataFrame({"doc_id": ev["doc_id"], "sentence": ev["section"] + ":" + ev["sentence"].astype(str),
                         "polarity": ev["polarity"], "text": text}).reset_index(drop=True)
