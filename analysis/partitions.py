"""The stage functions of :mod:`analysis.stages` and the two task bodies the executor runs.

- :func:`read_unit`: one read unit (a table file, or a run of files) -> record partitions on disk;
- :func:`run_partition`: one partition through every stage in ``STAGES`` whose output is missing.

Each stage function takes its input tables (DataFrames), the frozen reference values and the
partition's context, and returns its output tables; it reads no global state and writes nothing
itself (:func:`run_partition` writes). :func:`prepare_document` is the one place where a document is
cleaned, dated and split: it calls :mod:`analysis.clean`, :mod:`analysis.metadata` and
:mod:`analysis.text` and is not re-implemented anywhere else.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Mapping

import pandas as pd

from . import store
from .stages import STAGES, TABLES, to_arrow

__all__ = ["PART_AVG", "parts_file", "text_hash", "read_unit", "prepare_document", "prepare",
           "mentions", "relations", "comentions", "run_partition"]

#: Partition size in documents: a partition ends after a record whose digest is 0 modulo the size
#: (content-defined, so an inserted or changed document moves no other partition boundary).
PART_AVG = 1000  # at least PART_AVG // 4, at most 4 * PART_AVG


def parts_file(out_dir: str | Path, table: str, key: str) -> Path:
    return Path(out_dir) / store.PARTS / table / f"{key}.parquet"


def text_hash(text: str) -> str:
    """The hash by which the build tells texts apart (a copy has the same) and samples a site's texts."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _hash(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


# --------------------------------------------------------------------------- read

def read_unit(spec: Mapping, refs: Mapping) -> dict:
    """Read the files of one read unit and write its records in content-defined partitions.

    spec: ``out_dir``, ``base`` (the raw folder the paths are relative to), ``files`` (relative
    paths as shown, size, mtime and the path on disk when it differs), ``label`` (the root's label,
    prefixed to the documents' paths when there are several roots), ``columns`` (explicit column
    mapping), ``key`` (the unit's key), ``digest`` (the read stage's digest). Returns (and writes,
    last, as the unit's index) the partitions' keys and sizes and the unit's rejects."""
    from . import ingest
    from .metadata import site_signature

    sites = refs["sites"]
    base = Path(spec["base"])
    avg = spec.get("partition_size", PART_AVG)
    least, most = max(1, avg // 4), avg * 4
    rejects: list[ingest.Reject] = []
    chunks: list[dict] = []
    rows: list[dict] = []

    def flush():
        if not rows:
            return
        key = _hash(spec["digest"], *(r["digest"] for r in rows))[:24]
        path = parts_file(spec["out_dir"], "records", key)
        if not path.exists():
            store.write_parquet(to_arrow(pd.DataFrame(rows, columns=[c for c, _ in TABLES["records"]]), "records"), path)
        chunks.append({"key": key, "n": len(rows)})
        rows.clear()

    previous = _previous_unit(spec)
    label = spec.get("label", "")
    for rel, size, mtime, on_disk in spec["files"]:
        kept = previous.get((rel, size, mtime, on_disk))
        if kept is not None:  # this file is unchanged since the last build: its records and rejects stand
            rows_, rejects_ = kept
            rejects.extend(ingest.Reject(p, r) for p, r in rejects_)
            for row in rows_:
                rows.append(row)
                if len(rows) >= most or (len(rows) >= least and int(row["digest"][:8], 16) % avg == 0):
                    flush()
            continue
        for rec in ingest.iter_entry(base / (on_disk or rel), rel, label=label, names=refs["columns"],
                                     mapping=spec["columns"] or None, rejects=rejects,
                                     name_escaped=on_disk is not None):
            fields = json.dumps(rec.fields, sort_keys=True, ensure_ascii=False, default=str)
            digest = _hash(rec.path, rec.stem, rec.folder, rec.kind, rec.text, fields)
            hint = site_signature(rec.text, sites=sites) if rec.kind != "row" else None
            rows.append({"path": rec.path, "stem": rec.stem, "folder": rec.folder, "kind": rec.kind, "text": rec.text,
                         "fields": fields, "source": _str(rec.fields.get("source")), "url": _str(rec.fields.get("url")),
                         "digest": digest[:24], "site_hint": hint, "text_hash": text_hash(rec.text)})
            if len(rows) >= most or (len(rows) >= least and int(digest[:8], 16) % avg == 0):
                flush()
    flush()
    index = {"key": spec["key"], "files": spec["files"], "chunks": chunks,
             "rejects": [[r.path, r.reason] for r in rejects]}
    path = Path(spec["out_dir"]) / store.PARTS / "read" / f"{spec['key']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    store.write_json(path, index)
    return index


def _str(value) -> str | None:
    """A field as the records table stores it: a string, or None when missing or empty."""
    return str(value) if value not in (None, "") else None


def _previous_unit(spec: Mapping) -> dict:
    """(file, size, mtime, path on disk) -> (record rows, rejects) of the same read unit's previous version, for the
    plain files it read (a table file is a unit of its own: when it changed, nothing is kept)."""
    from .ingest import TABLE_SUFFIXES

    path = spec.get("previous")
    if not path:
        return {}
    try:
        index = json.loads(Path(path).read_text(encoding="utf-8"))
        frames = [store.read_table([parts_file(spec["out_dir"], "records", c["key"])]) for c in index["chunks"]]
    except (OSError, ValueError):
        return {}
    by_path: dict[str, list] = {}
    for frame in frames:
        for row in frame.to_dict("records"):
            row = {k: (v if not isinstance(v, float) else None) for k, v in row.items()}  # NaN -> None
            by_path.setdefault(row["path"], []).append(row)
    rejected: dict[str, list] = {}
    for p, r in index["rejects"]:
        rejected.setdefault(p, []).append((p, r))
    prefix = f"{spec['label']}/" if spec.get("label") else ""
    return {tuple(f): (by_path.get(prefix + f[0], []), rejected.get(prefix + f[0], [])) for f in index.get("files", [])
            if not f[0].lower().endswith(tuple(TABLE_SUFFIXES)) and (prefix + f[0] in by_path or prefix + f[0] in rejected)}


# --------------------------------------------------------------------------- prepare

def prepare_document(rec: Mapping, *, doc_id: str, register: dict | None, chrome, rules, sites, outlets,
                     splitter) -> tuple[dict | None, dict | None, str | None]:
    """One document: clean (with its site's learned ``chrome``, a :class:`analysis.chrome.Chrome`),
    describe its metadata, split into sentences.

    rec: ``path``, ``kind``, ``text``, ``fields`` (dict), ``source_hash``. Returns (document row,
    sentence columns, None), with the row's ``_warning`` set for a "kept, but" note, or (None, None,
    reason) when the document is rejected."""
    from . import clean, metadata, text

    fields = rec["fields"]
    cleaned = clean.clean(rec["text"], rules=rules, chrome=chrome, title=fields.get("title"),
                          find_title=rec["kind"] == "txt")
    comments = cleaned.comments
    if fields.get("comments"):
        extra = clean.clean_comments(fields["comments"], rules=rules, chrome=chrome)
        comments = "\n\n".join(x for x in (comments, extra.comments) if x)
        cleaned.boilerplate.extend(extra.boilerplate)
    if not cleaned.body.strip():
        return None, None, "no article text after cleaning (every line was boilerplate or comments)"
    meta = metadata.describe(rec["text"], fields, kind=rec["kind"], path=rec["path"], register=register, sites=sites,
                             outlet_rules=outlets)
    if meta.get("title") is None:
        meta["title"] = cleaned.title
    norm = " ".join(cleaned.body.split()).lower()
    names = [c for c, _ in TABLES["documents"]]
    row = {"doc_id": doc_id, "path": rec["path"], **{k: meta.get(k) for k in names[2:names.index("body")]},
           "body": cleaned.body, "comments": comments, "boilerplate": "\n".join(cleaned.boilerplate),
           "n_words": text.count_words(cleaned.body), "n_comment_words": text.count_words(comments),
           "content_hash": hashlib.sha256(norm.encode()).hexdigest()[:32], "source_hash": rec["source_hash"]}
    cols: dict[str, list] = {c: [] for c, _ in TABLES["sentences"]}
    warnings = [meta["_warning"]] if meta["_warning"] else []
    for section, s in (("body", cleaned.body), ("comments", comments)):
        for p, n, a, b in text.iter_sentences(s, splitter=splitter, notes=warnings):
            cols["doc_id"].append(doc_id)
            cols["section"].append(section)
            cols["paragraph"].append(p)
            cols["sentence"].append(n)
            cols["start"].append(a)
            cols["end"].append(b)
            cols["text"].append(s[a:b])
    row["_warnings"] = warnings
    return row, cols, None


def prepare(inputs: Mapping[str, pd.DataFrame], refs: Mapping, context: Mapping) -> dict[str, pd.DataFrame]:
    """Stage ``prepare``: records -> documents, sentences and notes (rejects and "kept, but" warnings).

    context: ``docs`` (per record, in order: ``doc_id``, ``register``, ``site``, ``source_hash``) and
    ``chrome`` (site -> its learned :class:`analysis.chrome.Chrome`)."""
    from .chrome import Chrome

    records = inputs["records"]
    chrome = context["chrome"]
    doc_rows, notes = [], []
    sent = {c: [] for c, _ in TABLES["sentences"]}
    for rec, ctx in zip(records.itertuples(index=False), context["docs"]):
        r = {"path": rec.path, "kind": rec.kind, "text": rec.text, "fields": json.loads(rec.fields),
             "source_hash": ctx["source_hash"]}
        try:
            row, cols, reason = prepare_document(r, doc_id=ctx["doc_id"], register=ctx["register"],
                                                 chrome=chrome.get(ctx["site"]) or Chrome(), rules=refs["rules"],
                                                 sites=refs["sites"], outlets=refs["outlets"],
                                                 splitter=refs["abbreviations"])
        except Exception as exc:  # one bad document never stops a build: it becomes a reject
            row, cols, reason = None, None, f"processing failed: {type(exc).__name__}: {str(exc)[:200]}"
        if reason:
            notes.append((ctx["doc_id"], rec.path, reason, False))
            continue
        for warning in row.pop("_warnings"):
            notes.append((ctx["doc_id"], rec.path, f"kept, but {warning}", True))
        doc_rows.append(row)
        for k in sent:
            sent[k].extend(cols[k])
    documents = pd.DataFrame(doc_rows, columns=[c for c, _ in TABLES["documents"]])
    for c in ("published", "republished"):
        documents[c] = pd.to_datetime(documents[c])
    return {"documents": documents, "sentences": pd.DataFrame(sent),
            "notes": pd.DataFrame(notes, columns=[c for c, _ in TABLES["notes"]])}


# --------------------------------------------------------------------------- analyses

def mentions(inputs: Mapping[str, pd.DataFrame], refs: Mapping, context: Mapping) -> dict[str, pd.DataFrame]:
    """Stage ``mentions``: sentences -> mentions (every gazetteer alias, one automaton), each with its
    role (actor, descriptor or place) and the cue that decided it; the relations stage keeps actors only."""
    from .groups import find_mentions
    from .roles import assign_roles

    sentences = inputs["sentences"]
    found = find_mentions(sentences, gazetteer=refs["gazetteer"])
    return {"mentions": assign_roles(found, sentences, rules=refs["roles"])}


def relations(inputs: Mapping[str, pd.DataFrame], refs: Mapping, context: Mapping) -> dict[str, pd.DataFrame]:
    """Stage ``relations``: each pair of actors named in one sentence, labelled by the relation
    classifier, or by an analyst's correction of the corpus."""
    import warnings

    from .pair_relations import relations_table

    with warnings.catch_warnings():  # corrections of other partitions' documents are "not in this build" here
        warnings.simplefilter("ignore")
        return {"relations": relations_table(inputs["mentions"], inputs["sentences"], model=refs["model"],
                                             cues=refs["cues"], corrections=refs["corrections"])}


def comentions(inputs: Mapping[str, pd.DataFrame], refs: Mapping, context: Mapping) -> dict[str, pd.DataFrame]:
    """Stage ``comentions``: mentions, sentences and relations -> co-mentions with their polarity and evidence."""
    from .comention import comentions as make

    return {"comentions": make(inputs["mentions"], inputs["sentences"], relations=inputs["relations"],
                               gazetteer=refs["gazetteer"])}


# --------------------------------------------------------------------------- one partition, every stage

def run_partition(spec: Mapping, refs: Mapping) -> dict:
    """Run one partition through the stages whose outputs are missing, in order, and write each
    output (atomically, named by its key). spec: ``out_dir``, ``keys`` (table -> key of the stage
    that writes it, ``records`` included), ``context`` (for stages that take it) and ``previous``
    (table -> key of the same partition's output in the last build, for the stages whose digest is
    unchanged). A document whose ``source_hash`` and id are unchanged keeps its rows from there
    (every stage's rows of a document depend on that document alone); only the others run.
    Returns which stages ran and how many documents they reused."""
    out_dir, keys, previous = spec["out_dir"], spec["keys"], spec.get("previous") or {}
    context = spec["context"]
    order = [d["doc_id"] for d in context["docs"]]
    tables: dict[str, pd.DataFrame] = {}
    ran, kept = [], set()
    for stage in STAGES:
        if not all(t in keys for t in stage.outputs):  # a stage this build leaves out (analyses=False)
            continue
        paths = {t: parts_file(out_dir, t, keys[t]) for t in stage.outputs}
        if all(p.exists() for p in paths.values()):
            continue
        inputs = {}
        for t in stage.inputs:
            if t not in tables:
                tables[t] = store.read_table([parts_file(out_dir, t, keys[t])])
            inputs[t] = tables[t]
        old = {t: parts_file(out_dir, t, previous[t]) for t in stage.outputs if t in previous}
        if len(old) != len(stage.outputs) or not all(p.exists() for p in old.values()):
            old, kept = {}, set()
        elif stage.context:
            prev = store.read_table([old["documents"]], columns=["doc_id", "source_hash"])
            now = {d["doc_id"]: d["source_hash"] for d in context["docs"]}
            kept = {d for d, h in zip(prev["doc_id"], prev["source_hash"]) if now.get(d) == h}
        result = _run(stage, inputs, refs, context if stage.context else {}, kept if old else set())
        for t, path in paths.items():
            frame = result[t]
            if old and kept:
                before = store.read_table([old[t]])
                frame = _merge(before[before["doc_id"].isin(kept)], frame, order, by_input=stage.context)
            store.write_parquet(to_arrow(frame, t), path)
            tables[t] = frame
        ran.append(stage.name)
    return {"ran": ran, "kept": len(kept)}


def _run(stage, inputs: dict, refs, context: Mapping, kept: set) -> dict:
    """The stage on the documents not in ``kept``."""
    if kept:
        if stage.context:
            keep = [d["doc_id"] not in kept for d in context["docs"]]
            inputs = {t: df[keep].reset_index(drop=True) if t == "records" else df for t, df in inputs.items()}
            context = {**context, "docs": [d for d, k in zip(context["docs"], keep) if k]}
        else:
            inputs = {t: df[~df["doc_id"].isin(kept)].reset_index(drop=True) for t, df in inputs.items()}
    result = stage.function()(inputs, refs, context)
    if stage.context:
        return result
    # the analyses' rows grouped by document in doc_id order (a document's own rows keep the stage's
    # order): then kept and new rows merge into exactly what a run on the whole partition gives
    return {t: f.iloc[f["doc_id"].to_numpy().argsort(kind="stable")].reset_index(drop=True) if len(f) else f
            for t, f in result.items()}


def _merge(before: pd.DataFrame, new: pd.DataFrame, order: list[str], *, by_input: bool) -> pd.DataFrame:
    """Kept rows and new rows in the order the stage gives on the whole partition: input order of the
    documents (prepare), or document id (the analyses, sorted by it in :func:`_run`); a document's own rows keep
    their order."""
    parts = [f for f in (before, new) if len(f)]
    if not parts:
        return new
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    if by_input:
        rank = {d: i for i, d in enumerate(order)}
        key = frame["doc_id"].map(rank)
    else:
        key = frame["doc_id"]
    return frame.iloc[key.to_numpy().argsort(kind="stable")].reset_index(drop=True)
