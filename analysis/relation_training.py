"""Training and evaluating the relation classifier from the annotations (``make model``).

``training_set()`` reads the references (``data/annotations/relations.csv``), adjudicates them
(``analysis.relation_labels``), joins them with the corpora and adds the analysts' corrections;
``train_and_evaluate()`` then

1. chooses the regularisation ``C`` by cross-validation grouped by document (``GroupKFold``) on the items
   outside the held-out split, and the ``unclear`` thresholds on the same out-of-fold predictions: for coop
   and for conflict the least probability at which that label reaches the target precision (0.85) on the
   rows kept (the grid's highest when none does); a ``none`` needs more than half the probability
   (``NONE_THRESHOLD``), else the row is ``unclear`` (a relation is about as likely);
2. fits the model on every item outside the held-out split and writes it (``config.RELATION_MODEL``);
3. measures it once on the held-out split (``heldout == True``, one document in five; never used to choose
   anything), next to the keyword heuristic (``analysis.relations.sentence_polarities``) on the same items,
   and writes everything to ``config.RELATION_EVAL``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from . import config
from .annotation import heldout
from .corrections import corpus_name, read_corrections
from .files import write_atomic
from .relation_features import pair_features
from .relation_labels import (Annotated, adjudicate, agreement, corpus_tables, load_annotated, read_references,
                              sentence_sha1)
from .relation_model import LABELS, UNCLEAR, RelationModel, fit_model, save_model
from .relations import Cues, load_cues, sentence_polarities

__all__ = ["C_GRID", "THRESHOLD_GRID", "TARGET_PRECISION", "NONE_THRESHOLD", "training_set", "item_features", "cross_validate",
           "choose_threshold", "scores", "heuristic_labels", "train_and_evaluate", "evaluation_tables"]

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
THRESHOLD_GRID = tuple(np.round(np.arange(0.34, 0.96, 0.02), 2))
TARGET_PRECISION = 0.85
NONE_THRESHOLD = 0.5
N_SPLITS = 5


def _correction_items(gold_cols: list[str], *, gazetteer) -> tuple[pd.DataFrame, list[str]]:
    """Corrections of every corpus with a corrections file and a raw path we can find, as training items."""
    folder = config.CORRECTIONS_DIR
    if not folder.exists():
        return pd.DataFrame(columns=gold_cols), []
    raws = {corpus_name(p): Path(p) for p in config.ANNOTATED_CORPORA.values()}
    for manifest in sorted((config.PROCESSED_DIR / "corpora").glob("*/build.json")):
        try:
            raw = json.loads(manifest.read_text(encoding="utf-8")).get("raw") or []
        except (OSError, ValueError):
            continue
        if raw:
            raws.setdefault(corpus_name(raw), Path(raw[0]))
    annotated = {corpus_name(p) for p in config.ANNOTATED_CORPORA.values()}
    notes, rows = [], []
    for path in sorted(folder.glob("*.csv")):
        name = path.stem
        corr = read_corrections(path=path)
        if corr.empty:
            continue
        raw = raws.get(name)
        if raw is None or not raw.exists():
            notes.append(f"corrections of {name!r} skipped: no raw corpus of that name found ({len(corr)} rows)")
            continue
        sentences, mentions = corpus_tables(raw, gazetteer=gazetteer)
        if "role" in mentions.columns:
            mentions = mentions[mentions["role"] == "actor"]
        sents = sentences.set_index(["doc_id", "section", "sentence"])
        used = 0
        for r in corr.itertuples(index=False):
            if name in annotated and heldout(str(r.doc_id)):
                continue  # the held-out documents of the annotated corpora never train the model
            key = (r.doc_id, r.section, int(r.sentence))
            if key not in sents.index:
                continue
            s = sents.loc[key]
            if sentence_sha1(s["text"]) != r.sentence_sha1:
                continue
            here = mentions[(mentions["doc_id"] == r.doc_id) & (mentions["section"] == r.section)
                            & (mentions["sentence"] == int(r.sentence))].sort_values("start")
            first = here.drop_duplicates("group_id").set_index("group_id")
            if r.group_a not in first.index or r.group_b not in first.index:
                continue
            base = int(s["start"])
            a, b = first.loc[r.group_a], first.loc[r.group_b]
            rows.append({"item_id": f"c:{name}:{r.doc_id}:{r.section}:{r.sentence}:{r.group_a}:{r.group_b}",
                         "corpus": name, "doc_id": r.doc_id, "section": r.section, "sentence": int(r.sentence),
                         "sentence_sha1": r.sentence_sha1, "pair_sha1": "", "a_start": int(a["start"]) - base,
                         "a_end": int(a["end"]) - base, "a_group": r.group_a, "b_start": int(b["start"]) - base,
                         "b_end": int(b["end"]) - base, "b_group": r.group_b, "hard": "", "relation": r.label,
                         "role_a": "actor", "role_b": "actor", "earlier": "", "reported": False,
                         "annotators": f"correction:{r.who}", "disputed": False, "heldout": False})
            used += 1
        notes.append(f"corrections of {name!r}: {used} of {len(corr)} used for training")
    return pd.DataFrame(rows, columns=gold_cols), notes


def training_set(refs: pd.DataFrame | None = None, *, corpora: Mapping[str, str | Path] | None = None,
                 corrections: bool = True, gazetteer=None) -> tuple[Annotated, list[str]]:
    """The annotated items joined with their sentences, plus the corrections as items (``corrections``).

    Returns (Annotated, notes): the notes say what was skipped and why. A correction of an annotated item
    (same sentence and pair) replaces its label.
    """
    from .groups import load_gazetteer

    gaz = gazetteer or load_gazetteer()
    refs = read_references() if refs is None else refs
    gold = adjudicate(refs)
    notes = []
    if corrections:
        extra, notes = _correction_items(list(gold.columns), gazetteer=gaz)
        if len(extra):
            key = ["corpus", "doc_id", "section", "sentence", "a_group", "b_group"]
            ab = np.sort(gold[["a_group", "b_group"]].to_numpy(dtype=object), axis=1)
            gkey = pd.DataFrame({"corpus": gold["corpus"].map(lambda c: corpus_name(config.ANNOTATED_CORPORA[c])
                                                                if c in config.ANNOTATED_CORPORA else c),
                                 "doc_id": gold["doc_id"], "section": gold["section"], "sentence": gold["sentence"],
                                 "a_group": ab[:, 0], "b_group": ab[:, 1]})
            dup = gkey.merge(extra[key].assign(_hit=True), on=key, how="left")["_hit"].fillna(False).to_numpy(bool)
            gold = pd.concat([gold[~dup], extra.assign(corpus=extra["corpus"].map(
                {corpus_name(p): c for c, p in config.ANNOTATED_CORPORA.items()}).fillna(extra["corpus"]))],
                ignore_index=True)
    corpora = dict(config.ANNOTATED_CORPORA if corpora is None else corpora)
    for name in set(gold["corpus"]) - set(corpora):
        found = [p for p in _known_raws() if corpus_name(p) == name]
        if found:
            corpora[name] = found[0]
    ann = load_annotated(gold, corpora=corpora, gazetteer=gaz)
    notes += [f"skipped: {why}" for why in ann.skipped.values()]
    if len(ann.rejects):
        notes.append(f"{len(ann.rejects)} annotated item(s) whose document is gone or whose pair's text changed "
                     f"are not used")
    if ann.items["relocated"].any():
        notes.append(f"{int(ann.items['relocated'].sum())} annotated item(s) whose sentence changed since annotation "
                     f"were found again by the unchanged text of their pair")
    return ann, notes


def _known_raws() -> list[Path]:
    out = []
    for manifest in sorted((config.PROCESSED_DIR / "corpora").glob("*/build.json")):
        try:
            raw = json.loads(manifest.read_text(encoding="utf-8")).get("raw") or []
        except (OSError, ValueError):
            continue
        out.extend(Path(p) for p in raw[:1])
    return out


def item_features(items: pd.DataFrame, *, cues: Cues, gazetteer) -> list[list[str]]:
    """The classifier's features of each annotated item (its two spans, the other actors masked)."""
    out = []
    for r in items.itertuples(index=False):
        spans = [(r.a_start, r.a_end, 0, r.group_kind_a), (r.b_start, r.b_end, 1, r.group_kind_b)]
        spans += [(s, e, 2, gazetteer.groups[g].kind if g in gazetteer.groups else "unknown") for s, e, g in r.others]
        spans.sort()
        ia = next(k for k, x in enumerate(spans) if x[2] == 0)
        ib = next(k for k, x in enumerate(spans) if x[2] == 1)
        f, _ = pair_features(r.text, [(s, e) for s, e, _, _ in spans], [(min(ia, ib), max(ia, ib))], cues=cues,
                             kinds=[x[3] for x in spans])
        out.append(f[0])
    return out


def cross_validate(features: Sequence[Sequence[str]], labels: Sequence[str], groups: Sequence[str], *, C: float,
                   min_df: int = 2, n_splits: int = N_SPLITS) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold (forced) labels and their probabilities, folds grouped by document (``GroupKFold``)."""
    from sklearn.model_selection import GroupKFold

    y = np.asarray(labels, dtype=object)
    pred = np.empty(len(y), dtype=object)
    prob = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=n_splits).split(np.zeros(len(y)), y, np.asarray(groups)):
        model = fit_model([features[i] for i in train], y[train], C=C, min_df=min_df)
        X = model.matrix([features[i] for i in test])
        proba = model.probabilities(X)
        pred[test] = np.asarray(model.classes_, dtype=object)[proba.argmax(axis=1)]
        prob[test] = proba.max(axis=1)
    return pred, prob


def choose_threshold(y: np.ndarray, pred: np.ndarray, prob: np.ndarray, *, label: str,
                     target: float = TARGET_PRECISION, grid: Sequence[float] = THRESHOLD_GRID) -> tuple[float, bool]:
    """The least threshold of ``grid`` at which the rows predicted ``label`` with at least that probability
    reach precision ``target``: (threshold, reached). When none does, the grid's highest and False."""
    for t in grid:
        chosen = (prob >= t) & (pred == label)
        if chosen.sum() >= 5 and float(np.mean(y[chosen] == label)) >= target:
            return float(t), True
    return float(grid[-1]), False


def scores(y: Sequence[str], pred: Sequence[str], *, labels: Sequence[str] = LABELS) -> dict:
    """Accuracy, per-class precision / recall / F1 / support, and the confusion matrix (rows: gold, columns:
    predicted, in ``labels`` order plus any other predicted value such as 'unclear' or 'mixed')."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    y, pred = np.asarray(y, dtype=object), np.asarray(pred, dtype=object)
    cols = list(labels) + sorted(set(pred) - set(labels))
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=list(labels), zero_division=0)
    cm = confusion_matrix(y, pred, labels=cols)[:len(labels)]
    return {"n": int(len(y)), "accuracy": round(float(np.mean(y == pred)), 4) if len(y) else None,
            "per_class": {lab: {"precision": round(float(p[k]), 4), "recall": round(float(r[k]), 4),
                                "f1": round(float(f[k]), 4), "support": int(s[k]),
                                "predicted": int(np.sum(pred == lab))} for k, lab in enumerate(labels)},
            "confusion": {"gold": list(labels), "predicted": cols, "counts": cm.tolist()}}


def heuristic_labels(items: pd.DataFrame, *, cues: Cues) -> np.ndarray:
    """The keyword heuristic's label for each item's pair: coop, conflict, none (its 'neutral') or mixed."""
    out = []
    for r in items.itertuples(index=False):
        spans = [(r.a_start, r.a_end, r.a_group), (r.b_start, r.b_end, r.b_group)]
        spans += [(s, e, g) for s, e, g in r.others if g not in (r.a_group, r.b_group)]
        pol = sentence_polarities(r.text, sorted(spans), cues=cues).get(tuple(sorted((r.a_group, r.b_group))), "neutral")
        out.append("none" if pol == "neutral" else pol)
    return np.asarray(out, dtype=object)


def _with_unclear(y: np.ndarray, pred: np.ndarray, prob: np.ndarray, thresholds: dict) -> dict:
    limit = np.asarray([thresholds.get(p, 0.0) for p in pred], dtype=float)
    lab = np.where(prob >= limit, pred, UNCLEAR).astype(object)
    kept = lab != UNCLEAR
    out = scores(y, lab)
    out["coverage"] = round(float(np.mean(kept)), 4) if len(y) else None
    out["accuracy_on_labelled"] = round(float(np.mean(y[kept] == lab[kept])), 4) if kept.any() else None
    return out


def train_and_evaluate(*, refs: pd.DataFrame | None = None, corpora: Mapping[str, str | Path] | None = None,
                       model_path: str | Path | None = None, eval_path: str | Path | None = None,
                       corrections: bool = True, min_df: int = 2, measure_heldout: bool = True
                       ) -> tuple[RelationModel, dict]:
    """Choose C and the thresholds by grouped cross-validation, fit, save the model, evaluate it once on the
    held-out split (unless ``measure_heldout`` is False: then the evaluation has no held-out part) and save the
    evaluation. Returns (model, evaluation)."""
    import sklearn

    from .groups import load_gazetteer

    gaz = load_gazetteer()
    cues = load_cues()
    refs = read_references() if refs is None else refs
    ann, notes = training_set(refs, corpora=corpora, corrections=corrections, gazetteer=gaz)
    items = ann.items.reset_index(drop=True)
    if items.empty:
        raise ValueError("no annotated item could be joined with its corpus: " + "; ".join(notes))
    feats = item_features(items, cues=cues, gazetteer=gaz)
    y = items["relation"].to_numpy(dtype=object)
    train = ~items["heldout"].to_numpy(dtype=bool)
    tr = np.flatnonzero(train)
    groups = items["doc_id"].astype(str).to_numpy()
    f_tr = [feats[i] for i in tr]
    cv = {}
    for C in C_GRID:
        pred, prob = cross_validate(f_tr, y[tr], groups[tr], C=C, min_df=min_df)
        cv[C] = (float(np.mean(pred == y[tr])), pred, prob)
    C = max(C_GRID, key=lambda c: (round(cv[c][0], 4), -c))
    _, pred, prob = cv[C]
    thresholds, reached = {"none": NONE_THRESHOLD}, {}
    for lab in ("coop", "conflict"):
        thresholds[lab], reached[lab] = choose_threshold(y[tr], pred, prob, label=lab)
    meta = {"annotations": str(config.RELATION_ANNOTATIONS.relative_to(config.PROJECT_ROOT)),
            "n_train": int(len(tr)), "n_corrections": int(items["annotators"].str.startswith("correction:").sum()),
            "thresholds_reach_target": reached, "scikit_learn": sklearn.__version__}
    model = fit_model(f_tr, y[tr], C=C, min_df=min_df, thresholds=thresholds, meta=meta)
    save_model(model, model_path)
    # the held-out split, measured once with the chosen model
    ho = np.flatnonzero(~train) if measure_heldout else np.zeros(0, dtype=np.int64)
    ho_items = items.iloc[ho]
    X = model.matrix([feats[i] for i in ho])
    proba = model.probabilities(X)
    forced = np.asarray(model.classes_, dtype=object)[proba.argmax(axis=1)] if len(ho) else np.asarray([], dtype=object)
    pmax = proba.max(axis=1) if len(ho) else np.zeros(0)
    heur = heuristic_labels(ho_items, cues=cues) if len(ho) else np.asarray([], dtype=object)
    undisputed = ~ho_items["disputed"].to_numpy(dtype=bool)
    y_ho = y[ho]
    kap = agreement(refs)
    evaluation = {
        "about": "relation classifier: cross-validation grouped by document on the training items, and the "
                 "held-out split (one document in five; never used for choices) measured once",
        "data": {"items": int(len(items)), "train": int(len(tr)), "heldout": int(len(ho)),
                 "by_corpus": {k: int(v) for k, v in items["corpus"].value_counts().sort_index().items()},
                 "labels_train": {k: int(v) for k, v in pd.Series(y[tr]).value_counts().sort_index().items()},
                 "labels_heldout": {k: int(v) for k, v in pd.Series(y_ho).value_counts().sort_index().items()},
                 "disputed": int(items["disputed"].sum()), "notes": notes},
        "agreement": {"kappa": kap.kappa.to_dict("records"),
                      "table": {"labels": list(kap.table.index.astype(str)), "counts": kap.table.to_numpy().tolist()}},
        "model": {"C": C, "thresholds": thresholds, "thresholds_reach_target": reached, "min_df": min_df,
                  "n_features": len(model.vocabulary_), "target_precision": TARGET_PRECISION},
        "cross_validation": {"folds": N_SPLITS, "accuracy_by_C": {str(c): round(cv[c][0], 4) for c in C_GRID},
                             "forced": scores(y[tr], pred), "with_unclear": _with_unclear(y[tr], pred, prob, thresholds)},
        "heldout": {"forced": scores(y_ho, forced), "with_unclear": _with_unclear(y_ho, forced, pmax, thresholds),
                    "undisputed_forced": scores(y_ho[undisputed], forced[undisputed]),
                    "keyword_heuristic": scores(y_ho, heur)} if len(ho) else None,
    }
    write_atomic(eval_path or config.RELATION_EVAL, json.dumps(evaluation, indent=1) + "\n")
    return model, evaluation


def evaluation_tables(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The evaluation file (default ``config.RELATION_EVAL``) as tables for a notebook.

    ``agreement``: annotators, n_items, agreement, kappa; ``agreement_table``: first annotator's label x
    second's; ``scores``: one row per (split, method): n, accuracy, coverage (share not unclear),
    accuracy_on_labelled, and precision / recall per class; ``confusion``: the held-out confusion matrix of
    the model with unclear (gold rows x predicted columns)."""
    ev = json.loads(Path(path or config.RELATION_EVAL).read_text(encoding="utf-8"))
    agreement = pd.DataFrame(ev["agreement"]["kappa"])
    t = ev["agreement"]["table"]
    table = pd.DataFrame(t["counts"], index=pd.Index(t["labels"], name="first"),
                         columns=pd.Index(t["labels"], name="second"))
    rows = []
    parts = [("cross-validation", "model", ev["cross_validation"]["forced"]),
             ("cross-validation", "model with unclear", ev["cross_validation"]["with_unclear"])]
    if ev.get("heldout"):
        ho = ev["heldout"]
        parts += [("held-out", "model", ho["forced"]), ("held-out", "model with unclear", ho["with_unclear"]),
                  ("held-out (undisputed)", "model", ho["undisputed_forced"]),
                  ("held-out", "keyword heuristic", ho["keyword_heuristic"])]
    for split, method, s in parts:
        row = {"split": split, "method": method, "n": s["n"], "accuracy": s["accuracy"],
               "coverage": s.get("coverage", 1.0), "accuracy_on_labelled": s.get("accuracy_on_labelled", s["accuracy"])}
        for lab, v in s["per_class"].items():
            row[f"{lab}_precision"], row[f"{lab}_recall"] = v["precision"], v["recall"]
        rows.append(row)
    confusion = pd.DataFrame()
    if ev.get("heldout"):
        c = ev["heldout"]["with_unclear"]["confusion"]
        confusion = pd.DataFrame(c["counts"], index=pd.Index(c["gold"], name="gold"),
                                 columns=pd.Index(c["predicted"], name="predicted"))
    return {"agreement": agreement, "agreement_table": table, "scores": pd.DataFrame(rows), "confusion": confusion}
