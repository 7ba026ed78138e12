"""The relation step of the build: every pair of actors named in one sentence, labelled by the classifier.

``relations_table(mentions, sentences, model=..., cues=..., corrections=...)`` is a pure function from the
``mentions`` and ``sentences`` tables to the ``relations`` table (one row per sentence and unordered pair of
different actors; the first mention of each actor in the sentence stands for it, as in the annotated items).
Each row has the classifier's label (``coop``, ``conflict``, ``none``, or ``unclear`` when the model is not
confident), the class it leans to (``best_label``) and its probability, the features that decided it, and the cue spans to highlight. An analyst's
correction (``analysis.corrections``) for the same sentence and pair replaces the label (``source = curated``)
when the sentence text is unchanged (same sha1); the model's own label stays in ``model_label``.

Only mentions whose ``role`` is ``actor`` enter relations when the mentions table has a ``role`` column (a
descriptor such as "al-Qaeda-linked" or a place such as "the border with Turkey" is not a party); without the
column every mention does.
"""
from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd

from .checks import require_table
from .relation_features import pair_features
from .relation_model import RelationModel
from .relations import Cues

__all__ = ["RELATION_COLUMNS", "RELATION_LABELS", "MENTION_NEEDS", "empty_relations", "actor_mentions",
           "relations_table"]

RELATION_LABELS = ("coop", "conflict", "none", "unclear")
RELATION_COLUMNS = ["doc_id", "section", "paragraph", "sentence", "group_a", "group_b", "a_start", "a_end", "b_start",
                    "b_end", "label", "best_label", "probability", "why", "cue_spans", "source", "model_label"]
MENTION_NEEDS = ["doc_id", "section", "paragraph", "sentence", "start", "end", "group_id"]
_SENTENCE_NEEDS = ["doc_id", "section", "sentence", "start", "text"]
_INT = ("paragraph", "sentence", "a_start", "a_end", "b_start", "b_end")


def empty_relations() -> pd.DataFrame:
    types = {c: "int64" for c in _INT}
    types["probability"] = "float64"
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, object)) for c in RELATION_COLUMNS})


def actor_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """The mentions that enter relations: those with ``role == 'actor'`` when there is a role column, else all."""
    if "role" in mentions.columns:
        return mentions[mentions["role"] == "actor"]
    return mentions


def relations_table(mentions: pd.DataFrame, sentences: pd.DataFrame, *, model: RelationModel, cues: Cues,
                    corrections: pd.DataFrame | None = None, kinds: dict[str, str] | None = None) -> pd.DataFrame:
    """The ``relations`` table (``RELATION_COLUMNS``; see docs/data_contract.md).

    ``mentions``: the mentions table (``group_kind`` column, or ``kinds`` = {group_id: kind}, gives the actor
    kinds the model reads; a ``role`` column restricts to actors); ``sentences``: the sentences table;
    ``corrections``: from ``analysis.corrections.read_corrections`` (or None). Offsets (a_start, ..., cue_spans)
    are into the section text, like the mentions'. Rows in sentence order (doc_id, section, sentence), then by
    the pair's first mention.
    """
    require_table(mentions, MENTION_NEEDS, "mentions")
    require_table(sentences, _SENTENCE_NEEDS, "sentences")
    if not isinstance(model, RelationModel):
        raise TypeError(f"`model` must be a RelationModel (analysis.relation_model.load_model()); got {type(model).__name__}")
    if not isinstance(cues, Cues):
        raise TypeError(f"`cues` must be a Cues (analysis.relations.load_cues()); got {type(cues).__name__}")
    m = actor_mentions(mentions)
    if "group_kind" not in m.columns and kinds is None:
        raise ValueError("`mentions` must have a 'group_kind' column, or pass `kinds` ({group_id: kind})")
    if m.empty:
        return empty_relations()
    kind = m["group_kind"] if "group_kind" in m.columns else m["group_id"].map(kinds).fillna("unknown")
    # integer keys: (document, section) code and sentence number; sentences with two actors or more
    n_m = len(m)
    doc_codes, _ = pd.factorize(pd.concat([m["doc_id"], sentences["doc_id"]], ignore_index=True))
    sec_codes, _ = pd.factorize(pd.concat([m["section"], sentences["section"]], ignore_index=True))
    ds = doc_codes.astype(np.int64) * (int(sec_codes.max()) + 1) + sec_codes
    m_snt = m["sentence"].to_numpy(dtype=np.int64)
    s_snt = sentences["sentence"].to_numpy(dtype=np.int64)
    width = int(max(m_snt.max(), s_snt.max() if len(s_snt) else 0)) + 1
    m_key, s_key = ds[:n_m] * width + m_snt, ds[n_m:] * width + s_snt
    m_start = m["start"].to_numpy(dtype=np.int64)
    grp_codes, _ = pd.factorize(m["group_id"])
    order = np.lexsort((m["end"].to_numpy(dtype=np.int64), m_start, m_key))
    sk, gk = m_key[order], grp_codes[order].astype(np.int64)
    first = np.concatenate([[True], sk[1:] != sk[:-1]])
    sent_id = np.cumsum(first) - 1
    sg = np.sort(sent_id * (int(gk.max()) + 1) + gk)
    pair_seen = sg[np.concatenate([[True], sg[1:] != sg[:-1]])] // (int(gk.max()) + 1)
    distinct = np.bincount(pair_seen, minlength=int(sent_id[-1]) + 1)
    order = order[distinct[sent_id] >= 2]
    if len(order) == 0:
        return empty_relations()
    s_order = np.argsort(s_key, kind="stable")
    wanted = m_key[order]
    at = np.searchsorted(s_key[s_order], wanted)
    found = (at < len(s_key)) & (s_key[s_order][np.minimum(at, len(s_key) - 1)] == wanted)
    order, srow = order[found], s_order[at[found]]
    s_text = sentences["text"].to_numpy(dtype=object)
    s_base = sentences["start"].to_numpy(dtype=np.int64)
    take = lambda col, dtype=object: col.to_numpy(dtype=dtype)[order].tolist()  # noqa: E731
    doc, sec, par = take(m["doc_id"]), take(m["section"]), take(m["paragraph"], np.int64)
    snt, st, en = m_snt[order].tolist(), m_start[order].tolist(), take(m["end"], np.int64)
    grp, knd, key = take(m["group_id"]), kind.to_numpy(dtype=object)[order].tolist(), m_key[order].tolist()
    srow = srow.tolist()
    rows, feats, cue_spans, text_of = [], [], [], {}
    want_text = corrections is not None and len(corrections) > 0
    i, n = 0, len(doc)
    while i < n:
        j = i + 1
        while j < n and key[j] == key[i]:
            j += 1
        text, base = s_text[srow[i]], int(s_base[srow[i]])
        if want_text:
            text_of[(doc[i], sec[i], snt[i])] = (base, text)
        spans, gs, ks, last = [], [], [], -1
        for k in range(i, j):  # mentions in order; drop any that overlaps the previous one
            if st[k] >= last:
                spans.append((st[k] - base, en[k] - base))
                gs.append(grp[k])
                ks.append(knd[k])
                last = en[k]
        first_of: dict[str, int] = {}
        for k, g in enumerate(gs):
            first_of.setdefault(g, k)
        idx = sorted(first_of.values())
        pairs = [(a, b) for x, a in enumerate(idx) for b in idx[x + 1:]]
        f, c = pair_features(text, spans, pairs, cues=cues, kinds=ks)
        feats.extend(f)
        for (a, b), spans_c in zip(pairs, c):
            ga, gb = gs[a], gs[b]
            (sa, ea), (sb, eb) = spans[a], spans[b]
            if gb < ga:
                ga, gb, sa, ea, sb, eb = gb, ga, sb, eb, sa, ea
            cue_spans.append(";".join([f"{x + base}-{y + base}" for x, y in sorted(set(spans_c))]) if spans_c else "")
            rows.append((doc[i], sec[i], par[i], snt[i], ga, gb, sa + base, ea + base, sb + base, eb + base))
        i = j
    if not rows:
        return empty_relations()
    labels, best, proba, why = model.predict(feats)
    cols = list(zip(*rows))
    out = pd.DataFrame({name: (np.asarray(cols[k], dtype=np.int64) if name in _INT else pd.Series(cols[k], dtype=object))
                        for k, name in enumerate(RELATION_COLUMNS[:10])})
    out["label"] = pd.Series(labels, dtype=object)
    out["best_label"] = pd.Series(best, dtype=object)
    out["probability"] = proba
    out["why"] = pd.Series(why, dtype=object)
    out["cue_spans"] = pd.Series(cue_spans, dtype=object)
    out["source"] = pd.Series(np.full(len(out), "model", dtype=object), dtype=object)
    out["model_label"] = out["label"]
    if corrections is not None and len(corrections):
        out = _apply_corrections(out, corrections, text_of)
    return out[RELATION_COLUMNS]


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _apply_corrections(out: pd.DataFrame, corrections: pd.DataFrame, text_of: dict) -> pd.DataFrame:
    need = ["doc_id", "section", "sentence", "sentence_sha1", "group_a", "group_b", "label", "who", "when"]
    require_table(corrections, need, "corrections")
    c = corrections[need].copy()
    ab = np.sort(c[["group_a", "group_b"]].to_numpy(dtype=object), axis=1)
    c["group_a"], c["group_b"] = ab[:, 0], ab[:, 1]
    c["sentence"] = c["sentence"].astype(np.int64)
    c = c.drop_duplicates(["doc_id", "section", "sentence", "group_a", "group_b"], keep="last")
    c = c.rename(columns={"label": "_label", "sentence_sha1": "_csha"})
    key = ["doc_id", "section", "sentence", "group_a", "group_b"]
    merged = out.merge(c, on=key, how="left")
    hit = merged["_label"].notna().to_numpy()
    sha = np.asarray([_sha1(text_of[(d, s, n)][1]) if h else "" for d, s, n, h in
                      zip(merged["doc_id"], merged["section"], merged["sentence"], hit)], dtype=object)
    fresh = hit & (merged["_csha"].to_numpy(dtype=object) == sha)
    stale = int(hit.sum() - fresh.sum())
    unmatched = len(c) - int(hit.sum())
    if stale or unmatched:
        warnings.warn(f"{stale + unmatched} correction(s) not applied: {stale} whose sentence text changed, "
                      f"{unmatched} whose sentence and pair are not in this build", stacklevel=3)
    merged.loc[fresh, "label"] = merged.loc[fresh, "_label"]
    merged.loc[fresh, "source"] = "curated"
    merged.loc[fresh, "why"] = ("curated by " + merged.loc[fresh, "who"].astype(str) + " on "
                                + merged.loc[fresh, "when"].astype(str))
    return merged.drop(columns=["_label", "_csha", "who", "when"])
