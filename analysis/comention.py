"""The ``comentions`` table: pairs of actors named in one sentence, paragraph or document section, with
the relation the sentences state (the ``relations`` table of ``analysis.pair_relations``: the classifier's
label per sentence and pair, or an analyst's correction) and the evidence behind each row.

Statistics over the table are in ``analysis.association``, time series in ``analysis.timeline``.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .checks import require_table
from .groups import SENTENCE_COLUMNS, Gazetteer, lineage_map
from .pair_relations import actor_mentions, relations_table
from .relations import POLARITIES, Cues, load_cues

__all__ = ["LEVELS", "COMENTION_COLUMNS", "MENTION_REQUIRED", "empty_comentions", "comentions",
           "evidence_sentences", "evidence_table"]

LEVELS = ("sentence", "paragraph", "document")
COMENTION_COLUMNS = ["doc_id", "section", "level", "paragraph", "sentence", "group_a", "group_b", "group_a_name",
                     "group_b_name", "polarity", "evidence", "n_sentences", "n_joint", "n_coop", "n_conflict",
                     "n_unclear", "n_curated"]
MENTION_REQUIRED = ["doc_id", "section", "paragraph", "sentence", "start", "end", "group_id"]
_COUNTS = ("n_sentences", "n_joint", "n_coop", "n_conflict", "n_unclear", "n_curated")


def empty_comentions() -> pd.DataFrame:
    ints = {"paragraph": "Int64", "sentence": "Int64", **{c: "int64" for c in _COUNTS}}
    return pd.DataFrame({c: pd.Series(dtype=ints.get(c, object)) for c in COMENTION_COLUMNS})


def _polarity(coop: np.ndarray, conflict: np.ndarray, unclear: np.ndarray) -> np.ndarray:
    return np.select([(coop > 0) & (conflict > 0), coop > 0, conflict > 0, unclear > 0],
                     ["mixed", "coop", "conflict", "unclear"], "neutral").astype(object)


def comentions(mentions: pd.DataFrame, sentences: pd.DataFrame, *, relations: pd.DataFrame | None = None,
               model=None, cues: Cues | None = None, corrections: pd.DataFrame | None = None,
               collapse_lineage: bool = False, gazetteer: Gazetteer) -> pd.DataFrame:
    """The ``comentions`` table: one row per unordered pair of actors mentioned in the same unit.

    Units are a sentence, a paragraph or a document SECTION (body and comments are never mixed). Only
    mentions whose ``role`` is ``actor`` count when the mentions table has a role column. ``relations``: the
    relations table of the same mentions (``analysis.pair_relations.relations_table``; computed here with
    ``model`` (default: ``config.RELATION_MODEL``), ``cues`` and ``corrections`` when not given).

    Columns: doc_id, section, level ('sentence'|'paragraph'|'document'), paragraph (Int64; <NA> at document
    level), sentence (Int64; only at sentence level), group_a < group_b (ids), group_a_name, group_b_name,
    polarity, evidence (';'-joined sentence ids "section:sentence" of the unit's sentences that mention group_a
    or group_b, e.g. "body:3;body:7"), n_sentences (how many), n_joint (sentences naming both), n_coop /
    n_conflict / n_unclear (joint sentences the relations table labels so; a sentence where lineage collapse
    merged a coop and a conflict pair counts in both), n_curated (joint sentences whose label is an analyst's
    correction). polarity: 'mixed' when the unit has coop and conflict sentences, else 'coop' or 'conflict'
    when it has some, else 'unclear' when some joint sentence is unclear, else 'neutral' (no relation stated,
    or only named in different sentences). Self-pairs are excluded; with ``collapse_lineage`` groups are first
    mapped to their lineage root (jfs, hts -> nusra). Rows come level by level (documents, paragraphs,
    sentences), each in document order. Pure: DataFrames in, DataFrame out.
    """
    require_table(mentions, MENTION_REQUIRED, "mentions")
    require_table(sentences, SENTENCE_COLUMNS, "sentences")
    if not isinstance(gazetteer, Gazetteer):
        raise TypeError(f"`gazetteer` must be a Gazetteer; got {type(gazetteer).__name__}.")
    mentions = actor_mentions(mentions)
    if mentions.empty:
        return empty_comentions()
    gmap = lineage_map(gazetteer, collapse=collapse_lineage)
    unknown = set(mentions["group_id"].unique()) - set(gmap)
    if unknown:
        raise ValueError(f"`mentions` has group ids not in the gazetteer: {sorted(unknown)[:5]}.")
    if relations is None:
        from .relation_model import load_model

        if "group_kind" not in mentions.columns:
            mentions = mentions.assign(group_kind=mentions["group_id"].map(
                {g: gazetteer.groups[g].kind for g in gazetteer.groups}))
        relations = relations_table(mentions, sentences, model=model if model is not None else load_model(),
                                    cues=cues if cues is not None else load_cues(), corrections=corrections)
    require_table(relations, ["doc_id", "section", "paragraph", "sentence", "group_a", "group_b", "label", "source"],
                  "relations")
    names = {g: (gazetteer.lineage_name(g) if collapse_lineage else gazetteer.groups[g].name) for g in set(gmap.values())}
    sent_rows = _sentence_level(relations, gmap)
    wider = _wider_levels(mentions, gmap, sent_rows)
    if sent_rows.empty and wider.empty:
        return empty_comentions()
    out = pd.concat([x for x in (wider, sent_rows) if len(x)], ignore_index=True)
    out["group_a_name"] = out["group_a"].map(names)
    out["group_b_name"] = out["group_b"].map(names)
    out = out[COMENTION_COLUMNS]
    out["paragraph"] = out["paragraph"].astype("Int64")
    out["sentence"] = out["sentence"].astype("Int64")
    return out.astype({c: "int64" for c in _COUNTS})


def _sentence_level(relations: pd.DataFrame, gmap: dict[str, str]) -> pd.DataFrame:
    """Sentence rows from the relations table (one per sentence and pair; pairs merged by lineage collapse
    combine their labels)."""
    if relations.empty:
        return pd.DataFrame()
    a = relations["group_a"].map(gmap).to_numpy(dtype=object)
    b = relations["group_b"].map(gmap).to_numpy(dtype=object)
    keep = a != b
    ab = np.sort(np.stack([a[keep], b[keep]], axis=1), axis=1) if keep.any() else np.empty((0, 2), dtype=object)
    lab = relations["label"].to_numpy(dtype=object)[keep]
    r = pd.DataFrame({"doc_id": relations["doc_id"].to_numpy(dtype=object)[keep],
                      "section": relations["section"].to_numpy(dtype=object)[keep],
                      "paragraph": relations["paragraph"].to_numpy(dtype=np.int64)[keep],
                      "sentence": relations["sentence"].to_numpy(dtype=np.int64)[keep],
                      "group_a": ab[:, 0], "group_b": ab[:, 1],
                      "n_coop": (lab == "coop").astype(np.int64), "n_conflict": (lab == "conflict").astype(np.int64),
                      "n_unclear": (lab == "unclear").astype(np.int64),
                      "n_curated": (relations["source"].to_numpy(dtype=object)[keep] == "curated").astype(np.int64)})
    if r.empty:
        return pd.DataFrame()
    key = ["doc_id", "section", "paragraph", "sentence", "group_a", "group_b"]
    if r.duplicated(key).any():  # lineage collapse joined two pairs of one sentence
        r = r.groupby(key, sort=False, as_index=False)[["n_coop", "n_conflict", "n_unclear", "n_curated"]].max()
    r["level"] = "sentence"
    r["polarity"] = _polarity(r["n_coop"].to_numpy(), r["n_conflict"].to_numpy(), r["n_unclear"].to_numpy())
    r["evidence"] = r["section"] + ":" + r["sentence"].astype(str)
    r["n_sentences"] = 1
    r["n_joint"] = 1
    return r


def _wider_levels(mentions: pd.DataFrame, gmap: dict[str, str], sent_rows: pd.DataFrame) -> pd.DataFrame:
    """Paragraph and document rows: every pair of actors named in the unit, the sentences behind each, and the
    sentence-level counts summed over the unit. Vectorised over integer codes (no loop per pair)."""
    n_m, n_r = len(mentions), len(sent_rows)
    docs = pd.concat([mentions["doc_id"], sent_rows["doc_id"]] if n_r else [mentions["doc_id"]], ignore_index=True)
    secs = pd.concat([mentions["section"], sent_rows["section"]] if n_r else [mentions["section"]], ignore_index=True)
    doc_codes, doc_names = pd.factorize(docs)
    sec_codes, sec_names = pd.factorize(secs)
    n_sec = len(sec_names)
    ds_all = doc_codes.astype(np.int64) * n_sec + sec_codes
    grp_codes, grp_names = pd.factorize(mentions["group_id"].map(gmap).to_numpy(dtype=object), sort=True)
    grp_codes = grp_codes.astype(np.int64)
    n_groups = len(grp_names)
    ds = ds_all[:n_m]
    par = mentions["paragraph"].to_numpy(dtype=np.int64)
    snt = mentions["sentence"].to_numpy(dtype=np.int64)
    n_par = int(par.max()) + 1 if n_m else 1
    if n_r:
        group_index = pd.Index(grp_names)
        r_ds = ds_all[n_m:]
        r_a = group_index.get_indexer(sent_rows["group_a"].to_numpy(dtype=object)).astype(np.int64)
        r_b = group_index.get_indexer(sent_rows["group_b"].to_numpy(dtype=object)).astype(np.int64)
        r_par = sent_rows["paragraph"].to_numpy(dtype=np.int64)
        r_counts = np.stack([np.ones(n_r, dtype=np.int64)] + [
            sent_rows[c].to_numpy(dtype=np.int64) for c in ("n_coop", "n_conflict", "n_unclear", "n_curated")], axis=1)
    doc_arr = np.asarray(doc_names, dtype=object)
    sec_arr = np.asarray(sec_names, dtype=object)
    grp_arr = np.asarray(grp_names, dtype=object)
    parts = []
    for level in ("document", "paragraph"):
        unit_key = ds if level == "document" else ds * n_par + par
        out = _pairs_of_units(unit_key, grp_codes, snt, n_groups)
        if out is None:
            continue
        u, ga, gb, evid_snt, offsets = out  # u: unit keys
        u_ds = u if level == "document" else u // n_par
        sections = sec_arr[u_ds % n_sec]
        frame = pd.DataFrame({"doc_id": doc_arr[u_ds // n_sec], "section": sections, "level": level,
                              "paragraph": pd.array(u % n_par, dtype="Int64") if level == "paragraph" else _missing(len(u)),
                              "sentence": _missing(len(u)),
                              "group_a": grp_arr[ga], "group_b": grp_arr[gb]})
        frame["evidence"] = _evidence_strings(np.repeat(sections, np.diff(offsets)), evid_snt, offsets)
        frame["n_sentences"] = np.diff(offsets)
        counts = np.zeros((len(u), 5), dtype=np.int64)
        if n_r:
            r_unit = r_ds if level == "document" else r_ds * n_par + r_par
            ok = (r_a >= 0) & (r_b >= 0)
            rk = (r_unit[ok] * n_groups + r_a[ok]) * n_groups + r_b[ok]
            keys = _unique(rk)
            sums = np.zeros((len(keys), 5), dtype=np.int64)
            np.add.at(sums, np.searchsorted(keys, rk), r_counts[ok])
            pk = (u * n_groups + ga) * n_groups + gb
            pos = np.searchsorted(keys, pk)
            hit = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == pk)
            counts[hit] = sums[pos[hit]]
        for k, c in enumerate(("n_joint", "n_coop", "n_conflict", "n_unclear", "n_curated")):
            frame[c] = counts[:, k]
        parts.append(frame)
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out["polarity"] = _polarity(out["n_coop"].to_numpy(), out["n_conflict"].to_numpy(), out["n_unclear"].to_numpy())
    return out


def _pairs_of_units(unit: np.ndarray, grp: np.ndarray, snt: np.ndarray, n_groups: int):
    """Every pair of different groups within a unit (codes; group a < group b), and for each pair the sorted
    sentences of the unit naming either (``evid_snt``, cut by ``offsets``)."""
    ug = _unique(unit * n_groups + grp)
    u_of, g_of = ug // n_groups, ug % n_groups
    new_unit = np.concatenate([[True], u_of[1:] != u_of[:-1]])
    run = np.cumsum(new_unit) - 1
    multi = np.bincount(run)[run] >= 2
    if not multi.any():
        return None
    left = pd.DataFrame({"u": u_of[multi], "ga": g_of[multi]})
    pairs = left.merge(left.rename(columns={"ga": "gb"}), on="u")
    pairs = pairs[pairs["ga"].to_numpy() < pairs["gb"].to_numpy()]
    u, ga, gb = (pairs[c].to_numpy(dtype=np.int64) for c in ("u", "ga", "gb"))
    order = np.lexsort((gb, ga, u))
    u, ga, gb = u[order], ga[order], gb[order]
    # sentences of each (unit, group), then each pair's union
    ugs = _unique((unit * n_groups + grp) * (int(snt.max()) + 1) + snt)
    n_snt = int(snt.max()) + 1
    ugs_key, ugs_snt = ugs // n_snt, ugs % n_snt
    starts = np.searchsorted(ugs_key, ug)
    ends = np.searchsorted(ugs_key, ug, side="right")
    pair_id = np.arange(len(u))
    ids, sents = [], []
    for g in (ga, gb):
        k = np.searchsorted(ug, u * n_groups + g)
        lo, hi = starts[k], ends[k]
        cnt = hi - lo
        rep = np.repeat(pair_id, cnt)
        idx = np.repeat(lo - np.cumsum(np.concatenate([[0], cnt[:-1]])), cnt) + np.arange(int(cnt.sum()))
        ids.append(rep)
        sents.append(ugs_snt[idx])
    both = _unique(np.concatenate(ids) * n_snt + np.concatenate(sents))
    evid_pair, evid_snt = both // n_snt, both % n_snt
    offsets = np.concatenate([[0], np.cumsum(np.bincount(evid_pair, minlength=len(u)))])
    return u, ga, gb, evid_snt, offsets


def _missing(n: int) -> pd.api.extensions.ExtensionArray:
    """An Int64 column of ``n`` missing values."""
    return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), mask=np.ones(n, dtype=bool))


def _unique(x: np.ndarray) -> np.ndarray:
    """Sorted unique values of an integer array (a sort and a diff: faster here than np.unique's hash)."""
    x = np.sort(x, kind="stable")
    return x[np.concatenate([[True], x[1:] != x[:-1]])] if len(x) else x


def _evidence_strings(sections: np.ndarray, sentences: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """';'-joined "section:sentence" ids per row (``offsets`` cut the flat arrays into rows), by pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pc.binary_join_element_wise(pa.array(sections, type=pa.string()),
                                      pa.array(sentences).cast(pa.string()), ":")
    lists = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int64()).cast(pa.int32())
                                     if offsets[-1] < 2 ** 31 else pa.array(offsets, type=pa.int64()), ids)
    return pc.binary_join(lists, ";").to_numpy(zero_copy_only=False).astype(object)


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
