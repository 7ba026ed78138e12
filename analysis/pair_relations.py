"""The relation step of the build: every pair of actors named in one sentence, labelled by the classifier.

``relations_table(mentions, sentences, model=..., cues=..., corrections=...)`` is a pure function from the
``mentions`` and ``sentences`` tables to the ``relations`` table (one row per sentence and unordered pair of
different actors; the first mention of each actor in the sentence stands for it, as in the annotated items).
Each row has the classifier's label (``coop``, ``conflict``, ``none``, or ``unclear`` when the model is not
confident), its probability, the features that decided it, and the cue spans to highlight. An analyst's
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
                    "b_end", "label", "probability", "why", "cue_spans", "source", "model_label"]
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
    are into the section text, like the mentions'. Sorted by doc_id, section, sentence, group_a, group_b.
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
    key = ["doc_id", "section", "sentence"]
    kind = m["group_kind"] if "group_kind" in m.columns else m["group_id"].map(kinds).fillna("unknown")
    m = pd.DataFrame({"doc_id": m["doc_id"].to_numpy(dtype=object), "section": m["section"].to_numpy(dtype=object),
                      "paragraph": m["paragraph"].to_numpy(dtype=np.int64),
                      "sentence": m["sentence"].to_numpy(dtype=np.int64), "start": m["start"].to_numpy(dtype=np.int64),
                      "end": m["end"].to_numpy(dtype=np.int64), "group": m["group_id"].to_numpy(dtype=object),
                      "kind": kind.to_numpy(dtype=object)})
    n_groups = m.groupby(key, sort=False)["group"].transform("nunique")
    m = m[n_groups.to_numpy() >= 2].sort_values(key + ["start", "end"], kind="stable")
    if m.empty:
        return empty_relations()
    sents = sentences[_SENTENCE_NEEDS].drop_duplicates(key)
    texts = m[key].drop_duplicates().merge(
        pd.DataFrame({"doc_id": sents["doc_id"].to_numpy(dtype=object), "section": sents["section"].to_numpy(dtype=object),
                      "sentence": sents["sentence"].to_numpy(dtype=np.int64), "base": sents["start"].to_numpy(dtype=np.int64),
                      "text": sents["text"].to_numpy(dtype=object)}), on=key, how="inner")
    text_of = {(d, s, n): (b, t) for d, s, n, b, t in zip(texts["doc_id"], texts["section"], texts["sentence"],
                                                           texts["base"], texts["text"])}
    doc, sec, par, snt, st, en, grp, knd = (m[c].tolist() for c in m.columns)
    rows, feats, cue_spans = [], [], []
    i, n = 0, len(doc)
    while i < n:
        j = i + 1
        while j < n and snt[j] == snt[i] and doc[j] == doc[i] and sec[j] == sec[i]:
            j += 1
        got = text_of.get((doc[i], sec[i], snt[i]))
        if got is None:
            i = j
            continue
        base, text = got
        spans, gs, ks, last = [], [], [], -1
        for k in range(i, j):  # mentions in order; drop any that overlaps the previous one
            if st[k] >= last:
                spans.append((st[k] - base, en[k] - base))
                gs.append(grp[k])
                ks.append(knd[k])
                last = en[k]
        first: dict[str, int] = {}
        for k, g in enumerate(gs):
            first.setdefault(g, k)
        idx = sorted(first.values())
        pairs = [(a, b) for x, a in enumerate(idx) for b in idx[x + 1:]]
        f, c = pair_features(text, spans, pairs, cues=cues, kinds=ks)
        feats.extend(f)
        for (a, b), spans_c in zip(pairs, c):
            ga, gb = gs[a], gs[b]
            (sa, ea), (sb, eb) = spans[a], spans[b]
            if gb < ga:
                ga, gb, sa, ea, sb, eb = gb, ga, sb, eb, sa, ea
            cue_spans.append(";".join(f"{x + base}-{y + base}" for x, y in sorted(set(spans_c))))
            rows.append((doc[i], sec[i], par[i], snt[i], ga, gb, sa + base, ea + base, sb + base, eb + base,
                         _sha1(text)))
        i = j
    if not rows:
        return empty_relations()
    labels, proba, why = model.predict(feats)
    out = pd.DataFrame(rows, columns=["doc_id", "section", "paragraph", "sentence", "group_a", "group_b", "a_start",
                                      "a_end", "b_start", "b_end", "_sha1"])
    out["label"] = labels
    out["probability"] = proba
    out["why"] = why
    out["cue_spans"] = cue_spans
    out["source"] = "model"
    out["model_label"] = labels
    if corrections is not None and len(corrections):
        out = _apply_corrections(out, corrections)
    out = out.drop(columns="_sha1").sort_values(["doc_id", "section", "sentence", "group_a", "group_b"], kind="stable")
    return out[RELATION_COLUMNS].astype({c: "int64" for c in _INT}).reset_index(drop=True)


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _apply_corrections(out: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
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
    fresh = hit & (merged["_csha"] == merged["_sha1"]).to_numpy()
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
