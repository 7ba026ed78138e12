"""The annotated relation set: import, agreement, adjudication, and the join with the corpora.

Annotators label (sentence, pair) items from the sentence alone, following ``data/annotations/guideline.md``.
Their labels enter the project as **references only** (``data/annotations/relations.csv``: where the sentence
is, its sha1, the two spans' offsets and group ids, the labels, who gave them), never the sentence text, so
the licensed FA-KES text is never committed. ``load_annotated`` joins the references with a build of each
corpus (``config.ANNOTATED_CORPORA``: the seeds in ``data/raw``, FA-KES beside the project) and checks every
sentence by its sha1; a corpus that is absent is skipped with a message, never guessed.

**Agreement.** ``agreement`` gives Cohen's kappa (``sklearn.metrics.cohen_kappa_score``) per annotator pair on
the items both labelled, and the table of their labels against each other.

**Adjudication rule** (``adjudicate``). One gold label per item:

* an item labelled once keeps its label;
* an item labelled twice with the same relation keeps it;
* a disagreement gives ``none``: a relation counts only when both readers found it stated (the guideline's
  "if the sentence does not state it, it is not there"); such items are flagged ``disputed`` so that the
  evaluation can also be reported without them;
* roles: the agreed role, else the role that is not ``actor`` (a reader saw a descriptor or place), else the
  first annotator's in alphabetical order; ``earlier`` and ``reported`` likewise kept only when both agree.
"""
from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
from typing import Mapping, NamedTuple

import numpy as np
import pandas as pd

from . import config
from .annotation import heldout
from .files import write_atomic

__all__ = ["RELATIONS", "ROLES", "REFERENCE_COLUMNS", "GOLD_COLUMNS", "sentence_sha1", "import_labels",
           "write_references", "read_references", "Agreement", "agreement", "adjudicate", "Annotated",
           "corpus_tables", "load_annotated"]

RELATIONS = ("coop", "conflict", "none")
ROLES = ("actor", "descriptor", "place", "not_actor")
REFERENCE_COLUMNS = ["item_id", "corpus", "doc_id", "section", "sentence", "sentence_sha1", "pair_sha1", "a_start", "a_end",
                     "a_group", "b_start", "b_end", "b_group", "hard", "annotator", "relation", "role_a", "role_b",
                     "earlier", "reported"]
GOLD_COLUMNS = ["item_id", "corpus", "doc_id", "section", "sentence", "sentence_sha1", "pair_sha1", "a_start", "a_end", "a_group",
                "b_start", "b_end", "b_group", "hard", "relation", "role_a", "role_b", "earlier", "reported",
                "annotators", "disputed", "heldout"]
_ITEM_NEEDS = ["item_id", "corpus", "doc_id", "section", "sentence", "text", "a_start", "a_end", "a_group",
               "b_start", "b_end", "b_group"]
_LABEL_NEEDS = ["item_id", "relation", "role_a", "role_b"]
_INT_COLUMNS = ["sentence", "a_start", "a_end", "b_start", "b_end"]


def sentence_sha1(text: str) -> str:
    """The sha1 (hex) of a sentence's text, UTF-8: how a reference checks it points at the same sentence."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _read_csv(path: Path, needs: list[str], what: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the {what} file: {exc}") from exc
    missing = [c for c in needs if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: the {what} file must have the column(s) {missing}; got {list(df.columns)}")
    return df


def import_labels(items: str | Path, labels: Mapping[str, str | Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """References for the labels in ``labels`` ({annotator: relation_labels.csv}) of the items in ``items``.

    ``items``: the item file (item_id, corpus, doc_id, section, sentence, text, a_start, a_end, a_group,
    b_start, b_end, b_group[, hard]); label files: item_id, relation, role_a, role_b[, earlier, reported,
    note]. Returns (references with ``REFERENCE_COLUMNS``, one row per item and annotator, sorted; rejects:
    file, row (1-based data row), reason). A bad label row is a reject naming its file and row; the rest goes
    on. Notes are not imported (they may quote the sentence).
    """
    items_path = Path(items)
    it = _read_csv(items_path, _ITEM_NEEDS, "items")
    if it["item_id"].duplicated().any():
        dup = it.loc[it["item_id"].duplicated(), "item_id"].iloc[0]
        raise ValueError(f"{items_path}: item_id {dup!r} appears more than once")
    it = it.set_index("item_id")
    rejects: list[tuple[str, int, str]] = []
    rows = []
    for annotator, path in sorted(labels.items()):
        path = Path(path)
        lab = _read_csv(path, _LABEL_NEEDS, "labels")
        seen: set[str] = set()
        for k, r in enumerate(lab.to_dict("records"), start=1):
            item, rel = r["item_id"].strip(), r["relation"].strip().lower()
            roles = (r["role_a"].strip().lower(), r["role_b"].strip().lower())
            earlier = r.get("earlier", "").strip().lower()
            reported = r.get("reported", "").strip()
            reason = None
            if item not in it.index:
                reason = f"item_id {item!r} is not in {items_path.name}"
            elif item in seen:
                reason = f"item_id {item!r} labelled twice by {annotator}; the first label is kept"
            elif rel not in RELATIONS:
                reason = f"relation must be one of {', '.join(RELATIONS)}; got {rel!r}"
            elif any(x not in ROLES for x in roles):
                reason = f"role_a and role_b must be one of {', '.join(ROLES)}; got {roles[0]!r}, {roles[1]!r}"
            elif earlier not in ("", "coop", "conflict"):
                reason = f"earlier must be empty, 'coop' or 'conflict'; got {earlier!r}"
            elif reported not in ("", "0", "1", "1.0", "0.0"):
                reason = f"reported must be empty, 0 or 1; got {reported!r}"
            if reason:
                rejects.append((str(path), k, reason))
                continue
            seen.add(item)
            src = it.loc[item]
            rows.append({"item_id": item, "corpus": src["corpus"], "doc_id": src["doc_id"], "section": src["section"],
                         "sentence": int(src["sentence"]), "sentence_sha1": sentence_sha1(src["text"]),
                         "pair_sha1": sentence_sha1(_stretch(src["text"], src)),
                         "a_start": int(src["a_start"]), "a_end": int(src["a_end"]), "a_group": src["a_group"],
                         "b_start": int(src["b_start"]), "b_end": int(src["b_end"]), "b_group": src["b_group"],
                         "hard": src.get("hard", ""), "annotator": annotator, "relation": rel, "role_a": roles[0],
                         "role_b": roles[1], "earlier": earlier, "reported": reported in ("1", "1.0")})
    refs = pd.DataFrame(rows, columns=REFERENCE_COLUMNS)
    refs = refs.sort_values(["item_id", "annotator"], kind="stable").reset_index(drop=True)
    return refs, pd.DataFrame(rejects, columns=["file", "row", "reason"])


def write_references(refs: pd.DataFrame, path: str | Path | None = None) -> Path:
    """Write the references (atomically: a temporary file, then a rename). Default ``config.RELATION_ANNOTATIONS``."""
    missing = [c for c in REFERENCE_COLUMNS if c not in refs.columns]
    if missing:
        raise ValueError(f"`refs` must have the column(s) {missing}; got {list(refs.columns)}")
    if "text" in refs.columns:
        raise ValueError("`refs` must not carry the sentence text (references only); drop the 'text' column")
    out = refs[REFERENCE_COLUMNS].copy()
    out["reported"] = out["reported"].map({True: "1", False: ""})
    return write_atomic(path or config.RELATION_ANNOTATIONS, out.to_csv(index=False, lineterminator="\n"))


def read_references(path: str | Path | None = None) -> pd.DataFrame:
    """The references file (default ``config.RELATION_ANNOTATIONS``) as a table with ``REFERENCE_COLUMNS``."""
    path = Path(path or config.RELATION_ANNOTATIONS)
    if not path.exists():
        raise FileNotFoundError(f"no relation annotations at {path} (import them with `python -m analysis "
                                f"annotations --items ITEMS --labels NAME=FILE ...`)")
    df = _read_csv(path, REFERENCE_COLUMNS, "relation annotations")
    bad = ~df["relation"].isin(RELATIONS)
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise ValueError(f"{path}: row {k}: relation must be one of {', '.join(RELATIONS)}; got {df['relation'].iloc[k - 1]!r}")
    for c in _INT_COLUMNS:
        df[c] = df[c].astype("int64")
    df["reported"] = df["reported"].isin(["1", "True", "true"])
    return df


class Agreement(NamedTuple):
    """``kappa``: per annotator pair: annotators ("A&B"), n_items, agreement (observed share), kappa
    (Cohen's). ``table``: counts of (first annotator's label, second annotator's label) over every
    double-annotated item, the first being the alphabetically first annotator."""

    kappa: pd.DataFrame
    table: pd.DataFrame


def agreement(refs: pd.DataFrame, *, column: str = "relation") -> Agreement:
    """Cohen's kappa per annotator pair on the items both labelled (``column``: relation, role_a or role_b)."""
    from sklearn.metrics import cohen_kappa_score

    if column not in ("relation", "role_a", "role_b"):
        raise ValueError(f"`column` must be one of 'relation', 'role_a', 'role_b'; got {column!r}")
    values = list(RELATIONS if column == "relation" else ROLES)
    wide = refs.pivot_table(index="item_id", columns="annotator", values=column, aggfunc="first")
    rows, firsts, seconds = [], [], []
    for a, b in itertools.combinations(sorted(wide.columns), 2):
        both = wide[[a, b]].dropna()
        if both.empty:
            continue
        x, y = both[a].to_numpy(), both[b].to_numpy()
        kappa = cohen_kappa_score(x, y, labels=values) if len(set(x) | set(y)) > 1 else float("nan")
        rows.append((f"{a}&{b}", len(both), float(np.mean(x == y)), float(kappa)))
        firsts.extend(x)
        seconds.extend(y)
    kappa = pd.DataFrame(rows, columns=["annotators", "n_items", "agreement", "kappa"])
    if firsts:
        x, y = np.asarray(firsts), np.asarray(seconds)
        kappa.loc[len(kappa)] = ("all pairs", len(x), float(np.mean(x == y)),
                                 float(cohen_kappa_score(x, y, labels=values)))
    table = pd.crosstab(pd.Categorical(firsts, categories=values), pd.Categorical(seconds, categories=values),
                        rownames=["first"], colnames=["second"], dropna=False)
    return Agreement(kappa, table)


def adjudicate(refs: pd.DataFrame) -> pd.DataFrame:
    """One gold row per item by the rule in the module docstring; columns ``GOLD_COLUMNS``, sorted by item_id."""
    missing = [c for c in REFERENCE_COLUMNS if c not in refs.columns]
    if missing:
        raise ValueError(f"`refs` must have the column(s) {missing}; got {list(refs.columns)}")
    out = []
    for item, g in refs.sort_values(["item_id", "annotator"]).groupby("item_id", sort=True):
        first = g.iloc[0].to_dict()
        rels = set(g["relation"])
        disputed = len(rels) > 1
        row = {k: first[k] for k in REFERENCE_COLUMNS if k != "annotator"}
        row["relation"] = "none" if disputed else first["relation"]
        for col in ("role_a", "role_b"):
            vals = list(g[col])
            non_actor = [v for v in vals if v != "actor"]
            row[col] = vals[0] if len(set(vals)) == 1 else (non_actor[0] if non_actor else vals[0])
        row["earlier"] = first["earlier"] if g["earlier"].nunique() == 1 else ""
        row["reported"] = bool(g["reported"].all())
        row["annotators"] = "+".join(g["annotator"])
        row["disputed"] = disputed
        row["heldout"] = heldout(str(first["doc_id"]))
        out.append(row)
    return pd.DataFrame(out, columns=GOLD_COLUMNS)


class Annotated(NamedTuple):
    """``items``: the gold rows joined with their corpus: ``GOLD_COLUMNS`` plus text (the sentence), group_kind_a,
    group_kind_b, others (the other actors the gazetteer finds in the sentence: a list of (start, end,
    group_id), offsets into text) and relocated (True when the sentence's text changed since annotation and the
    item was found again by the unchanged text between and including its two names, ``pair_sha1``).
    ``rejects``: item_id, reason (the document is gone, or the text of the pair changed).
    ``skipped``: {corpus: why it was not loaded}."""

    items: pd.DataFrame
    rejects: pd.DataFrame
    skipped: dict


def corpus_tables(raw: str | Path, *, out_dir: str | Path | None = None, gazetteer=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(sentences, mentions) of a build of ``raw`` (without the relation step, so no model is needed).

    The build goes to ``out_dir`` (default ``data/processed/annotated/<raw stem>``) and is incremental.
    """
    from .build import build_corpus
    from .groups import find_mentions, load_gazetteer

    raw = Path(raw)
    out = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR / "annotated" / (raw.stem or "corpus")
    build_corpus([raw], out, analyses=False, progress=False)
    sentences = pd.read_parquet(out / "sentences.parquet")
    mentions = find_mentions(sentences, gazetteer=gazetteer or load_gazetteer())
    return sentences, mentions


def load_annotated(gold: pd.DataFrame, *, corpora: Mapping[str, str | Path] | None = None, gazetteer=None,
                   tables: Mapping[str, tuple[pd.DataFrame, pd.DataFrame]] | None = None) -> Annotated:
    """Join gold rows (``adjudicate``) with the sentences of their corpora.

    ``corpora``: {corpus name: raw path} (default ``config.ANNOTATED_CORPORA``); a corpus whose raw path is
    absent is skipped with the reason in ``skipped``. ``tables``: {corpus name: (sentences, mentions)} already
    built (else :func:`corpus_tables` builds them). A reference whose sentence number now holds another text is
    looked up by its sha1 in the same document (the splitter may renumber); failing that, by the sha1 of the text
    from its first name to the end of its second, which must occur once in the document (a cleaner that now
    removes a "- YouTube" tail or a dateline changes the sentence, not the pair); else it is a reject.
    """
    from .groups import load_gazetteer

    gaz = gazetteer or load_gazetteer()
    corpora = dict(config.ANNOTATED_CORPORA if corpora is None else corpora)
    tables = dict(tables or {})
    parts, rejects, skipped = [], [], {}
    for name, g in gold.groupby("corpus", sort=True):
        if name not in tables:
            raw = corpora.get(name)
            if raw is None:
                skipped[name] = f"corpus {name!r} has no raw path in `corpora` (known: {sorted(corpora)})"
                continue
            if not Path(raw).exists():
                skipped[name] = f"corpus {name!r} not found at {raw}: its {len(g)} annotated items are not used"
                continue
            tables[name] = corpus_tables(raw, gazetteer=gaz)
        sentences, mentions = tables[name]
        sents = sentences[sentences["doc_id"].isin(set(g["doc_id"]))]
        sha = [sentence_sha1(t) for t in sents["text"]]
        by_key = {(d, s, int(n)): (t, int(st), h) for d, s, n, t, st, h in
                  zip(sents["doc_id"], sents["section"], sents["sentence"], sents["text"], sents["start"], sha)}
        by_sha = {}
        for (d, s, n), (t, st, h) in by_key.items():
            by_sha.setdefault((d, h), []).append((s, n))
        ment = mentions[mentions["doc_id"].isin(set(g["doc_id"]))]
        ment_by = {k: list(zip(v["start"], v["end"], v["group_id"])) for k, v in
                   ment.groupby(["doc_id", "section", "sentence"], sort=False)}
        by_doc: dict[str, list] = {}
        for (d, s, n), (t, st, h) in by_key.items():
            by_doc.setdefault(d, []).append(((d, s, n), t))
        for r in g.to_dict("records"):
            key = (r["doc_id"], r["section"], int(r["sentence"]))
            got = by_key.get(key)
            r["relocated"] = False
            if got is None or got[2] != r["sentence_sha1"]:
                moved = by_sha.get((r["doc_id"], r["sentence_sha1"]), [])
                if len(moved) == 1:
                    key = (r["doc_id"], *moved[0])
                else:  # the sentence changed (a new cleaner, another split): find the pair's stretch, unchanged
                    hit = _relocate(r, by_doc.get(r["doc_id"], []))
                    if hit is None:
                        rejects.append((r["item_id"], "sentence not found in the build (document gone, or the text "
                                                      "between the two names changed)"))
                        continue
                    key, pos = hit
                    shift = pos - min(r["a_start"], r["b_start"])
                    r.update(a_start=r["a_start"] + shift, a_end=r["a_end"] + shift, b_start=r["b_start"] + shift,
                             b_end=r["b_end"] + shift, relocated=True)
                got = by_key[key]
            text, start, _ = got
            if not (0 <= r["a_start"] < r["a_end"] <= len(text) and 0 <= r["b_start"] < r["b_end"] <= len(text)):
                rejects.append((r["item_id"], "span offsets outside the sentence"))
                continue
            others = [(s - start, e - start, gid) for s, e, gid in ment_by.get(key, [])
                      if not _overlaps(s - start, e - start, r) and s - start >= 0]
            kinds = {gid: gaz.groups[gid].kind if gid in gaz.groups else "unknown" for gid in (r["a_group"], r["b_group"])}
            parts.append({**r, "section": key[1], "sentence": key[2], "text": text, "others": others,
                          "group_kind_a": kinds[r["a_group"]], "group_kind_b": kinds[r["b_group"]]})
    items = pd.DataFrame(parts, columns=GOLD_COLUMNS + ["text", "group_kind_a", "group_kind_b", "others", "relocated"])
    return Annotated(items, pd.DataFrame(rejects, columns=["item_id", "reason"]), skipped)


def _stretch(text: str, r: Mapping) -> str:
    """The text from the pair's first mention to the end of its second (what a relocated item must keep)."""
    lo = min(int(r["a_start"]), int(r["b_start"]))
    hi = max(int(r["a_end"]), int(r["b_end"]))
    return text[lo:hi]


def _relocate(r: Mapping, doc_sentences: list) -> tuple | None:
    """The one sentence of the document holding the pair's stretch (by its sha1), and the stretch's start there."""
    lo = min(int(r["a_start"]), int(r["b_start"]))
    width = max(int(r["a_end"]), int(r["b_end"])) - lo
    found = []
    for key, text in doc_sentences:
        for pos in range(0, len(text) - width + 1):
            if hashlib.sha1(text[pos:pos + width].encode("utf-8")).hexdigest() == r["pair_sha1"]:
                found.append((key, pos))
    return found[0] if len(found) == 1 else None


def _overlaps(s: int, e: int, r: Mapping) -> bool:
    return (s < r["a_end"] and r["a_start"] < e) or (s < r["b_end"] and r["b_start"] < e)
