"""Evaluate mentions and their roles against the annotations, without keeping any corpus text.

The gold lives in the project as references only (``data/annotations/``):

* ``mentions.csv`` — the mention task: every actor name a reader found in a sampled sentence, one row per
  span (a sentence with none has one row with empty offsets, so it still counts), with the actor's
  gazetteer id (or ``?name`` for an actor the gazetteer lacks) and its role.
* ``mention_roles.csv`` — the roles given to the two marked mentions of each relation item (``actor``,
  ``descriptor``, ``place`` or ``not_actor``), one row per item, side and annotator.

Each row names its sentence (doc_id, section, sentence number), offsets INTO THE SENTENCE, the annotator,
whether its document is in the held-out split, ``sentence_sha1`` (the SHA-1 of the sentence text), and, to
follow a span when the cleaner later trims its sentence, ``sentence_len``, ``head_sha1`` (SHA-1 of the text up
to the span's end) and ``tail_sha1`` (from the span's start). The evaluation joins them with a build of the
corpus (FA-KES from ../shared, the seeds from data/raw): a reference whose sentence has the same hash is
attached as it is; else it is re-anchored in a sentence of the same document with the same hash (renumbered),
or that kept the text up to its span (the end changed) or from its span (the start changed: offsets shift);
what cannot be re-anchored is reported as drift and left out.

:func:`import_annotations` writes the two files from the annotators' label files; :func:`run` builds the
corpora when needed and returns the scores (train and held-out), the role confusion matrices and the errors.
"""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .checks import require_table
from .groups import Gazetteer, load_gazetteer

__all__ = ["MENTION_REF_COLUMNS", "ROLE_REF_COLUMNS", "GOLD_ROLES", "sha1", "mention_references", "role_references",
           "import_annotations", "attach_sentences", "score_mentions", "score_roles", "Evaluation", "run"]

MENTION_REF_COLUMNS = ["item_id", "doc_id", "section", "sentence", "start", "end", "actor", "role", "annotator",
                       "heldout", "sentence_sha1", "sentence_len", "head_sha1", "tail_sha1"]
ROLE_REF_COLUMNS = ["item_id", "side", "corpus", "doc_id", "section", "sentence", "start", "end", "group_id", "role",
                    "annotator", "heldout", "sentence_sha1", "sentence_len", "head_sha1", "tail_sha1"]
GOLD_ROLES = ("actor", "descriptor", "place", "not_actor")
MENTIONS_FILE = "mentions.csv"
ROLES_FILE = "mention_roles.csv"
_KEY = ["doc_id", "section", "sentence"]


def sha1(text: str) -> str:
    """The hash that ties a reference to its sentence text: SHA-1 of the UTF-8 text, as in the corrections
    files (``data/annotations/corrections``)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _actor_id(name: object, gazetteer: Gazetteer, by_name: dict[str, str]) -> str:
    """Gazetteer id for an annotator's actor name: an id, a display name, or a name the gazetteer finds
    as a whole; else ``?<name>`` (an actor the gazetteer lacks: always a miss)."""
    if not isinstance(name, str) or not name.strip():
        return ""
    name = name.strip()
    if name in gazetteer:
        return name
    if name.lower() in by_name:
        return by_name[name.lower()]
    found = gazetteer.scan(name)
    if len(found) == 1 and found[0][0] == 0 and found[0][1] >= len(name.rstrip(")").split(" (")[0]):
        return gazetteer.group_ids(np.asarray([found[0][3]]))[0]
    return "?" + name


def mention_references(items: pd.DataFrame, labels: dict[str, pd.DataFrame], *, gazetteer: Gazetteer) -> pd.DataFrame:
    """References for the mention task: ``items`` (item_id, doc_id, section, sentence, text, heldout) and
    ``labels`` {annotator: table of item_id, span, start, end, actor, role} -> ``MENTION_REF_COLUMNS``.

    A label whose span is not the item text at its offsets raises ValueError naming the annotator and item."""
    require_table(items, ["item_id", *_KEY, "text", "heldout"], "items")
    by_name = {g.name.lower(): g.id for g in gazetteer.groups.values()}
    item = items.set_index("item_id")
    rows = []
    for annotator, lab in labels.items():
        require_table(lab, ["item_id", "span", "start", "end", "actor", "role"], f"labels[{annotator!r}]")
        for r in lab.itertuples(index=False):
            if r.item_id not in item.index:
                raise ValueError(f"labels[{annotator!r}]: item {r.item_id!r} is not in `items`.")
            it = item.loc[r.item_id]
            text = str(it["text"])
            base = [r.item_id, it["doc_id"], it["section"], int(it["sentence"])]
            tail = [annotator, bool(it["heldout"]), sha1(text), len(text)]
            if pd.isna(r.start) or pd.isna(r.end):
                rows.append(base + [None, None, "", ""] + tail + ["", ""])
                continue
            a, b = int(r.start), int(r.end)
            if text[a:b] != str(r.span):
                raise ValueError(f"labels[{annotator!r}], item {r.item_id!r}: span {r.span!r} is not the text at "
                                 f"{a}:{b} ({text[a:b]!r}).")
            rows.append(base + [a, b, _actor_id(r.actor, gazetteer, by_name), str(r.role)] + tail
                        + [sha1(text[:b]), sha1(text[a:])])
    out = pd.DataFrame(rows, columns=MENTION_REF_COLUMNS)
    out[["start", "end"]] = out[["start", "end"]].astype("Int64")
    return out.sort_values(["doc_id", "section", "sentence", "annotator", "start"], kind="stable").reset_index(drop=True)


def role_references(items: pd.DataFrame, labels: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """References for the roles of relation items: ``items`` (item_id, corpus, doc_id, section, sentence, text,
    a_start, a_end, a_group, b_start, b_end, b_group, heldout) and ``labels`` {annotator: item_id, role_a,
    role_b, ...} -> ``ROLE_REF_COLUMNS`` (two rows per labelled item)."""
    require_table(items, ["item_id", "corpus", *_KEY, "text", "a_start", "a_end", "a_group", "b_start", "b_end",
                          "b_group", "heldout"], "items")
    item = items.set_index("item_id")
    rows = []
    for annotator, lab in labels.items():
        require_table(lab, ["item_id", "role_a", "role_b"], f"labels[{annotator!r}]")
        for r in lab.itertuples(index=False):
            if r.item_id not in item.index:
                raise ValueError(f"labels[{annotator!r}]: item {r.item_id!r} is not in `items`.")
            it = item.loc[r.item_id]
            for side, role in (("a", r.role_a), ("b", r.role_b)):
                if role not in GOLD_ROLES:
                    raise ValueError(f"labels[{annotator!r}], item {r.item_id!r}: role_{side} must be one of "
                                     f"{', '.join(GOLD_ROLES)}; got {role!r}.")
                text = str(it["text"])
                a, b = int(it[f"{side}_start"]), int(it[f"{side}_end"])
                rows.append([r.item_id, side, it["corpus"], it["doc_id"], it["section"], int(it["sentence"]), a, b,
                             it[f"{side}_group"], role, annotator, bool(it["heldout"]), sha1(text), len(text),
                             sha1(text[:b]), sha1(text[a:])])
    out = pd.DataFrame(rows, columns=ROLE_REF_COLUMNS)
    return out.sort_values(["item_id", "annotator", "side"], kind="stable").reset_index(drop=True)


def import_annotations(team_dir: str | Path, *, out_dir: str | Path, gazetteer: Gazetteer | None = None) -> dict[str, Path]:
    """Write ``mentions.csv`` and ``mention_roles.csv`` (references, no text) into ``out_dir`` from the
    annotation folder ``team_dir`` (mention_items_all.csv, relation_items_all.csv, annotate/<A>/...)."""
    team = Path(team_dir)
    out = Path(out_dir)
    gaz = gazetteer or load_gazetteer()
    annotators = sorted(p.name for p in (team / "annotate").iterdir() if p.is_dir())
    written = {}
    ml = {a: pd.read_csv(team / "annotate" / a / "mention_labels.csv", dtype={"span": str}) for a in annotators
          if (team / "annotate" / a / "mention_labels.csv").exists()}
    if ml:
        refs = mention_references(pd.read_csv(team / "mention_items_all.csv"), ml, gazetteer=gaz)
        written["mentions"] = out / MENTIONS_FILE
        refs.to_csv(written["mentions"], index=False)
    rl = {a: pd.read_csv(team / "annotate" / a / "relation_labels.csv") for a in annotators
          if (team / "annotate" / a / "relation_labels.csv").exists()}
    if rl:
        refs = role_references(pd.read_csv(team / "relation_items_all.csv"), rl)
        written["mention_roles"] = out / ROLES_FILE
        refs.to_csv(written["mention_roles"], index=False)
    return written


def attach_sentences(refs: pd.DataFrame, sentences: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(references with their sentence's ``sent_start``, ``text`` and how they were ``anchored`` ("exact" or
    "shifted"), the references that could not be attached: the drift). ``sentences`` is a build's sentences
    table. A shifted reference carries the sentence number and offsets of the build."""
    require_table(refs, [*_KEY, "sentence_sha1"], "refs")
    require_table(sentences, [*_KEY, "start", "text"], "sentences")
    sent = sentences[[*_KEY, "start", "text"]].rename(columns={"start": "sent_start"})
    sent = sent.assign(doc_id=sent["doc_id"].astype(str))
    j = refs.assign(doc_id=refs["doc_id"].astype(str)).merge(sent, on=_KEY, how="left")
    ok = j["text"].notna() & (j["text"].fillna("").map(sha1) == j["sentence_sha1"])
    exact = j[ok].assign(anchored="exact")
    lost = j[~ok].drop(columns=["sent_start", "text"])
    moved, drift = [], []
    can = {"sentence_len", "head_sha1", "tail_sha1", "start", "end"} <= set(lost.columns)
    by_doc = {k: g for k, g in sent.groupby(["doc_id", "section"], sort=False)} if can and len(lost) else {}
    for r in lost.itertuples(index=False):
        row = r._asdict()
        cands = by_doc.get((r.doc_id, r.section))
        hit = None
        if cands is not None:  # the same sentence under another number
            same = cands[cands["text"].map(sha1) == r.sentence_sha1]
            if len(same):
                c = next(same.assign(_d=(same["sentence"] - r.sentence).abs()).sort_values("_d").itertuples(index=False))
                hit = (c, r.start, r.end)
        if hit is None and cands is not None and not pd.isna(r.start) and isinstance(r.tail_sha1, str) and r.tail_sha1:
            a, b, n_old = int(r.start), int(r.end), int(r.sentence_len)
            order = cands.assign(_d=(cands["sentence"] - r.sentence).abs()).sort_values("_d", kind="stable")
            for c in order.itertuples(index=False):
                t = c.text
                delta = n_old - len(t)
                if len(t) >= b and sha1(t[:b]) == r.head_sha1:  # the end was trimmed
                    hit = (c, a, b)
                elif 0 <= a - delta <= len(t) and sha1(t[a - delta:]) == r.tail_sha1:  # text before it changed
                    hit = (c, a - delta, b - delta)
                if hit:
                    break
        if hit is None:
            drift.append(row)
            continue
        c, a, b = hit
        row.update(sentence=c.sentence, start=a, end=b, sent_start=c.sent_start, text=c.text, anchored="shifted")
        moved.append(row)
    attached = pd.concat([exact, pd.DataFrame(moved, columns=list(exact.columns))], ignore_index=True) if moved else exact
    return attached.reset_index(drop=True), pd.DataFrame(drift, columns=list(lost.columns)).reset_index(drop=True)


def _splits(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    return [("train", frame[~frame["heldout"]]), ("heldout", frame[frame["heldout"]]), ("all", frame)]


def _machine_in(sentences_done: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Machine mentions of the annotated sentences, offsets into the sentence."""
    keys = sentences_done[[*_KEY, "sent_start", "heldout"]].drop_duplicates(_KEY)
    m = mentions.assign(doc_id=mentions["doc_id"].astype(str)).merge(keys, on=_KEY, how="inner")
    return m.assign(start=m["start"] - m["sent_start"], end=m["end"] - m["sent_start"])


def score_mentions(refs: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Precision and recall of the machine mentions against the mention references (attached with
    :func:`attach_sentences`): exact span, exact span and actor, overlapping span and actor; role accuracy on
    the gold mentions found with the right span and actor. Returns {"scores": one row per split (train,
    heldout, all), "confusion": gold role x machine role (with ``missed`` and ``spurious``) per split,
    "errors": the gold mentions missed and the machine mentions not in the gold}."""
    require_table(refs, ["item_id", *_KEY, "start", "end", "actor", "role", "heldout", "sent_start"], "refs")
    require_table(mentions, [*_KEY, "start", "end", "alias", "group_id", "role"], "mentions")
    gold = refs[refs["start"].notna()].assign(start=lambda d: d["start"].astype(int), end=lambda d: d["end"].astype(int))
    mach = _machine_in(refs, mentions)
    g = gold.reset_index(drop=True).assign(gi=lambda d: np.arange(len(d)))
    m = mach.reset_index(drop=True).assign(mi=lambda d: np.arange(len(d)))
    exact = g.merge(m[[*_KEY, "start", "end", "group_id", "role", "mi"]], on=[*_KEY, "start", "end"], how="inner",
                    suffixes=("", "_m"))
    both = exact[exact["actor"] == exact["group_id"]]
    pairs = g.merge(m[[*_KEY, "start", "end", "group_id", "mi"]], on=_KEY, suffixes=("", "_m"))
    lenient = pairs[(pairs["start"] < pairs["end_m"]) & (pairs["start_m"] < pairs["end"]) & (pairs["actor"] == pairs["group_id"])]
    rows, confusions = [], {}
    for split, gs in _splits(g):
        ms = m[m["heldout"] == (split == "heldout")] if split != "all" else m
        n_g, n_m = len(gs), len(ms)
        sub_exact = exact[exact["gi"].isin(gs["gi"])]
        sub_both = both[both["gi"].isin(gs["gi"])]
        sub_len = lenient[lenient["gi"].isin(gs["gi"])]
        rows.append({
            "split": split, "sentences": refs.loc[refs["heldout"] == (split == "heldout") if split != "all" else refs.index,
                                                  "item_id"].nunique(),
            "gold": n_g, "machine": n_m,
            "span_precision": sub_exact["mi"].nunique() / n_m if n_m else np.nan,
            "span_recall": sub_exact["gi"].nunique() / n_g if n_g else np.nan,
            "span_actor_precision": sub_both["mi"].nunique() / n_m if n_m else np.nan,
            "span_actor_recall": sub_both["gi"].nunique() / n_g if n_g else np.nan,
            "overlap_actor_precision": sub_len["mi"].nunique() / n_m if n_m else np.nan,
            "overlap_actor_recall": sub_len["gi"].nunique() / n_g if n_g else np.nan,
            "role_accuracy": (sub_both["role"] == sub_both["role_m"]).mean() if len(sub_both) else np.nan,
        })
        found = sub_both.drop_duplicates("gi")
        gold_roles = pd.concat([found["role"], gs.loc[~gs["gi"].isin(sub_both["gi"]), "role"]], ignore_index=True)
        mach_roles = pd.concat([found["role_m"], pd.Series(["missed"] * int((~gs["gi"].isin(sub_both["gi"])).sum()))],
                               ignore_index=True)
        extra = ms[~ms["mi"].isin(sub_both["mi"])]
        gold_roles = pd.concat([gold_roles, pd.Series(["spurious"] * len(extra))], ignore_index=True)
        mach_roles = pd.concat([mach_roles, extra["role"].reset_index(drop=True)], ignore_index=True)
        confusions[split] = pd.crosstab(gold_roles.rename("gold"), mach_roles.rename("machine"))
    missed = g[~g["gi"].isin(both["gi"])].assign(kind="missed")
    spurious = m[~m["mi"].isin(both["mi"])].assign(kind="spurious", actor=lambda d: d["group_id"])
    errors = pd.concat([missed[["kind", "item_id", *_KEY, "heldout", "start", "end", "actor", "role"]],
                        spurious[["kind", *_KEY, "heldout", "start", "end", "actor", "role", "alias"]]], ignore_index=True)
    return {"scores": pd.DataFrame(rows).set_index("split"), "confusion": confusions, "errors": errors}


def score_roles(refs: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Role accuracy on the relation items' marked mentions (attached with :func:`attach_sentences`): the
    machine role of the build's mention at the same span, ``none`` when the build no longer has a mention
    there (right when the gold says ``not_actor``). Returns {"scores": accuracy per split, "confusion": gold
    x machine per split, "kappa": agreement of the annotators on the doubly annotated items}."""
    require_table(refs, ["item_id", "side", *_KEY, "start", "end", "role", "annotator", "heldout", "sent_start"], "refs")
    require_table(mentions, [*_KEY, "start", "end", "role"], "mentions")
    mach = _machine_in(refs, mentions)[[*_KEY, "start", "end", "role"]].drop_duplicates([*_KEY, "start", "end"])
    j = refs.merge(mach.rename(columns={"role": "machine"}), on=[*_KEY, "start", "end"], how="left")
    j["machine"] = j["machine"].fillna("none")
    right = (j["role"] == j["machine"]) | ((j["role"] == "not_actor") & (j["machine"] == "none"))
    rows, confusions = [], {}
    for split, part in _splits(j.assign(right=right)):
        mask = part["role"] != "not_actor"
        rows.append({"split": split, "items": part["item_id"].nunique(), "mentions": len(part),
                     "accuracy": part["right"].mean() if len(part) else np.nan,
                     "accuracy_without_not_actor": part.loc[mask, "right"].mean() if mask.any() else np.nan})
        confusions[split] = pd.crosstab(part["role"].rename("gold"), part["machine"].rename("machine"))
    from sklearn.metrics import cohen_kappa_score

    twice = j.groupby(["item_id", "side"])["annotator"].transform("nunique") == 2
    d = j[twice].sort_values(["item_id", "side", "annotator"])
    first, second = d.groupby(["item_id", "side"])["role"].first(), d.groupby(["item_id", "side"])["role"].last()
    kappa = pd.DataFrame({"mentions": [len(first)], "agreement": [(first == second).mean() if len(first) else np.nan],
                          "cohen_kappa": [cohen_kappa_score(first, second) if len(first) else np.nan]})
    return {"scores": pd.DataFrame(rows).set_index("split"), "confusion": confusions, "kappa": kappa,
            "errors": j[~right]}


@dataclass
class Evaluation:
    """What :func:`run` measured: mention scores and role scores, with their confusion matrices and errors."""

    mentions: dict[str, pd.DataFrame]
    roles: dict[str, pd.DataFrame]
    drift: pd.DataFrame
    builds: dict[str, Path] = field(default_factory=dict)


def _build(raw: Path, out: Path) -> Path:
    from .build import build_corpus

    build_corpus([raw], out_dir=out, progress=False)
    return out


def run(*, annotations_dir: str | Path | None = None, fakes_build: str | Path | None = None,
        seeds_build: str | Path | None = None, work_dir: str | Path | None = None) -> Evaluation:
    """Evaluate the current gazetteer and role rules against ``data/annotations``. A build folder given is
    used as it is (its mentions must have the ``role`` column); otherwise FA-KES (``config.FAKES_CSV``) and
    the seeds (``config.RAW_DIR``) are built into ``work_dir`` (default: a temporary folder)."""
    ann = Path(annotations_dir) if annotations_dir is not None else config.PROJECT_ROOT / "data" / "annotations"
    mref = pd.read_csv(ann / MENTIONS_FILE, dtype={"doc_id": str, "actor": str}, keep_default_na=False,
                       na_values={"start": [""], "end": [""]})
    rref = pd.read_csv(ann / ROLES_FILE, dtype={"doc_id": str})
    work = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="evaluate-mentions-"))
    builds = {}
    if fakes_build is None:
        if not config.FAKES_CSV.exists():
            raise FileNotFoundError(f"FA-KES not found at {config.FAKES_CSV}: give `fakes_build` (a build folder) or "
                                    "put the shared corpora beside the project.")
        fakes_build = _build(config.FAKES_CSV, work / "fakes")
    builds["fakes"] = Path(fakes_build)
    if seeds_build is None:
        seeds_build = _build(config.RAW_DIR, work / "seeds")
    builds["seeds"] = Path(seeds_build)
    from .corpus import load_corpus

    loaded = [load_corpus(out=b, rebuild="never") for b in builds.values()]
    sents = pd.concat([c.table("sentences") for c in loaded], ignore_index=True)
    ments = pd.concat([c.table("mentions") for c in loaded], ignore_index=True)
    m_ok, m_drift = attach_sentences(mref, sents)
    r_ok, r_drift = attach_sentences(rref, sents)
    return Evaluation(mentions=score_mentions(m_ok, ments), roles=score_roles(r_ok, ments),
                      drift=pd.concat([m_drift.assign(table=MENTIONS_FILE), r_drift.assign(table=ROLES_FILE)],
                                      ignore_index=True), builds=builds)
