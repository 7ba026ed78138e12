"""The corpus build: raw inputs -> partitioned Parquet tables (documents, sentences, rejects, mentions,
relations, comentions) in one output folder, with a manifest (see :mod:`analysis.store` for the folder and
docs/data_contract.md for the columns).

The build runs the stages declared in :mod:`analysis.stages` over partitions of documents, as Dask
tasks (:mod:`analysis.executor`), with corpus-level reduce steps between them:

1. **scan** (here): list and stat the raw files (:func:`analysis.walk.walk`: what it does not read is
   a reject; with several raw roots, each document's path starts with its root's label). If the stats, the settings and every stage's digest
   equal the manifest's, the build is current and nothing else happens (a no-op rebuild).
2. **read** (tasks, one per read unit: a table file, or a run of files): files -> record partitions,
   cached by the unit's file stats; each record carries a digest, its text hash, its source and URL
   fields and its site signature (:func:`analysis.metadata.site_signature`).
3. **reduce: context** (here, from the records' small columns only, and the texts of a sample):
   document ids (unique across the corpus), the register entry of each document (each root's register
   applies to its own documents: :func:`analysis.register.apply_registers`), each document's
   site (:func:`analysis.metadata.site_key`: register outlet, source field, site signature, URL
   domain, folder), and each site's chrome (:func:`analysis.chrome.learn_chrome`, learned from a
   bounded, deterministic sample of the site's distinct raw texts and cached: see :func:`_chrome`).
   A document's source hash covers its record's digest, its register entry and its site's chrome
   digest, and a partition's prepare key covers its documents' source hashes, so a change in one
   site's chrome re-runs exactly the partitions holding that site's documents.
4. **stages** (tasks, one per partition with a missing output): prepare -> mentions -> relations ->
   comentions.
5. **reduce: duplicates** (here): in input order, the first copy of a text stays; later copies
   become rejects ("duplicate text of <doc_id>") and are filtered out of their partitions.
6. **publish**: table files linked (or, for partitions with duplicates, written filtered) into
   ``<table>/``, the rejects table, then the manifest (last, atomically), then old files removed.

Deterministic: the same raw input, settings, reference files, code and libraries give byte-identical
tables with any scheduler. Incremental by partition: only partitions whose key changed run, and in a
partition that runs, a read unit reads only its new or changed files and the stages run only on the
documents whose source hash or id changed (the others keep their rows from the partition's previous
version, found by its id in the previous manifest, when the stage's digest is unchanged).

Porting a change from another branch: per-document work goes in
:func:`analysis.partitions.prepare_document`; a new document column is one entry in
``analysis.stages.TABLES["documents"]``; a new reference file one entry in ``analysis.stages.REFERENCES``
(named in its stage's ``references``); a new stage one entry in ``analysis.stages.STAGES``; a new
corpus-level step (e.g. per-site template detection) goes in :func:`_context`, computed from small
per-record columns that the read stage writes (add them to ``TABLES["records"]``), and reaches the
stages through the partition context, whose digest is part of the prepare key.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from . import __version__, config, executor, store
from .stages import PUBLIC_TABLES, READ, STAGES, load_references, stage_digest

PART_AVG = 1000  # = analysis.partitions.PART_AVG (not imported here: it would import pandas)

__all__ = ["BuildSummary", "build_corpus", "check_raw", "check_columns", "scan", "is_current", "corpus_name",
           "UNIT_FILES", "UNIT_BYTES"]

#: A read unit of plain files ends after a file whose path hash is 0 modulo UNIT_FILES (content-defined,
#: so adding a file moves no other boundary), or at UNIT_BYTES of input.
UNIT_FILES, UNIT_BYTES = 512, 64_000_000
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")  # = analysis.ingest.TABLE_SUFFIXES (not imported: heavy)


@dataclass
class BuildSummary:
    out_dir: Path
    documents: int
    sentences: int
    rejects: int
    rejects_by_reason: dict
    reused: int
    seconds: float
    partitions: int = 0
    ran: int = 0
    mode: str = ""

    def __str__(self) -> str:
        how = "nothing changed" if self.ran == 0 and self.reused == self.documents else \
            f"{self.ran} of {self.partitions} partitions built{', ' + self.mode if self.mode else ''}"
        lines = [f"built {self.documents:,} documents, {self.sentences:,} sentences ({self.reused:,} documents reused; "
                 f"{how}) in {self.seconds:.1f} s -> {self.out_dir}",
                 f"rejects: {self.rejects:,}"]
        lines += [f"  {n:>6,}  {reason}" for reason, n in sorted(self.rejects_by_reason.items(), key=lambda x: -x[1])]
        return "\n".join(lines)


# --------------------------------------------------------------------------- arguments

def check_raw(raw: object, *, name: str = "raw") -> list[Path]:
    """Raw folders or files as absolute paths (relative ones resolve against the current folder)."""
    if isinstance(raw, (str, Path)):
        raw = [raw]
    if isinstance(raw, (bytes, Mapping)) or not isinstance(raw, Iterable):
        raise TypeError(f"`{name}` must be a raw folder or file (str or Path) or a list of them; "
                        f"got {type(raw).__name__} {raw!r}")
    paths = list(raw)
    if not paths:
        raise ValueError(f"`{name}` must name at least one raw folder or file; got an empty list")
    out = []
    for p in paths:
        if not isinstance(p, (str, Path)) or str(p).strip() == "":
            raise TypeError(f"`{name}` must hold folder or file paths (str or Path); got {p!r} in {paths!r}")
        path = Path(p).expanduser().absolute()
        if not path.exists():
            raise FileNotFoundError(f"`{name}`: no such file or folder: {p}")
        out.append(path)
    return out


def check_columns(columns: object) -> dict[str, str]:
    from .tables import FIELDS

    if columns is None:
        return {}
    if not isinstance(columns, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
        raise TypeError(f"`columns` must map fields to column names, e.g. {{'text': 'story'}}; got {columns!r}")
    bad = sorted(set(columns) - set(FIELDS))
    if bad:
        raise ValueError(f"`columns` keys must be among {', '.join(FIELDS)}; got {', '.join(bad)}")
    return dict(sorted(columns.items()))


def corpus_name(raw: list[Path]) -> str:
    """"seeds" for the project's own data/raw; else the first raw folder's name or file's stem (the
    name of the corpus's reports folder, :func:`analysis.publish.corpus_name`)."""
    from .publish import corpus_name as name

    return name(raw)


# --------------------------------------------------------------------------- scan (cheap: stat only)

def scan(raw: list[Path]) -> tuple[list[dict], str]:
    """(one entry per raw root: base, label, files as [path shown, size, mtime_ns, path on disk when it
    differs], registers, what the walk does not read with its reason), digest of it all). Only stats:
    :func:`analysis.walk.walk` lists everything, reads nothing."""
    from .walk import root_labels, walk  # light: a no-op rebuild imports no text tool

    h = hashlib.sha256()
    roots = []
    for root, label in zip(raw, root_labels(raw)):
        base = root if root.is_dir() else root.parent
        files, registers, problems = [], [], []
        for e in walk(root):
            if e.problem:
                problems.append([e.rel, e.problem])
                h.update(f"{root}|{e.rel}|{e.problem}\n".encode("utf-8", "surrogateescape"))
                continue
            st = e.path.stat()
            on_disk = e.path.relative_to(base).as_posix()
            entry = [e.rel, st.st_size, st.st_mtime_ns, on_disk if on_disk != e.rel else None]
            (registers if root.is_dir() and e.rel == config.REGISTER_NAME else files).append(entry)
            h.update(f"{root}|{on_disk}|{st.st_size}|{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
        roots.append({"root": str(root), "base": str(base), "label": label, "files": files, "registers": registers,
                      "problems": problems})
    return roots, h.hexdigest()[:24]


def _stages(analyses: bool):
    return STAGES if analyses else tuple(s for s in STAGES if s.name == "prepare")


def _build_digest(settings: dict, scan_digest: str, analyses: bool) -> str:
    parts = {"settings": settings, "scan": scan_digest, "read": stage_digest(READ),
             "stages": {s.name: stage_digest(s, corpus=settings["name"]) for s in _stages(analyses)}}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


def is_current(out_dir: Path, manifest: dict | None, settings: dict, *, analyses: bool = True) -> bool:
    """True when ``manifest`` describes a build of these settings from the raw files as they are now
    and every file it lists exists: only stats files and reads small reference files."""
    if not manifest or manifest.get("settings") != settings:
        return False
    _roots, digest = scan([Path(p) for p in settings["raw"]])
    if manifest.get("build_digest") != _build_digest(settings, digest, analyses and manifest.get("analyses", True)):
        return False
    return all((Path(out_dir) / f).exists() for files in manifest["tables"].values() for f in files)


# --------------------------------------------------------------------------- the build

def build_corpus(raw_paths: Iterable[Path | str] | Path | str | None = None, out_dir: Path | str | None = None, *,
                 columns: Mapping[str, str] | None = None, workers: int | None = None, scheduler: object = None,
                 progress: bool | None = None, incremental: bool = True, analyses: bool = True,
                 partition_size: int = PART_AVG) -> BuildSummary:
    """Build the processed tables from the raw inputs (see the module docstring for the steps).

    raw_paths: folders or files (default ``data/raw``); out_dir: output folder (default
    ``data/processed``); columns: explicit column mapping for tabular inputs, e.g.
    ``{"text": "story", "date": "day"}``; workers: local processes (default: every core, capped at the
    cores available); scheduler: ``"auto"``/None, ``"sync"``, ``"processes"``, a Dask scheduler address
    (``"tcp://host:8786"``) or a ``distributed.Client``; progress: a progress bar (default: on large
    builds in a terminal); incremental: reuse what is still valid (False: rebuild every partition);
    analyses: also build the ``mentions``, ``relations`` and ``comentions`` tables; partition_size: documents per
    partition on average (the unit of incremental rebuilds and of the tasks).
    """
    t0 = time.perf_counter()
    raw = check_raw([config.RAW_DIR] if raw_paths is None else raw_paths, name="raw_paths")
    out = store.check_out_dir(config.PROCESSED_DIR if out_dir is None else out_dir, raw=raw, name="out_dir")
    columns = check_columns(columns)
    workers = executor.check_workers(workers)
    if isinstance(partition_size, bool) or not isinstance(partition_size, int) or partition_size < 1:
        raise ValueError(f"`partition_size` must be a whole number of documents, 1 or more; got {partition_size!r}")
    executor.resolve_scheduler(scheduler, n_tasks=0, work=0, workers=workers)  # a bad scheduler fails before work
    with store.BuildLock(out):
        return _build(raw, out, columns, t0, workers=workers, scheduler=scheduler, progress=progress,
                      incremental=incremental, analyses=analyses, partition_size=partition_size)


def _h(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _build(raw, out, columns, t0, *, workers, scheduler, progress, incremental, analyses,
           partition_size) -> BuildSummary:
    settings = {"raw": [str(p) for p in raw], "columns": columns, "name": corpus_name(raw)}
    if partition_size != PART_AVG:
        settings["partition_size"] = partition_size
    roots, scan_digest = scan(raw)
    settings["registers"] = [str(Path(r["base"]) / (f[3] or f[0])) for r in roots for f in r["registers"]]
    build_digest = _build_digest(settings, scan_digest, analyses)
    previous = store.read_manifest(out)
    if incremental and previous and previous.get("build_digest") == build_digest and all(
            (out / f).exists() for files in previous["tables"].values() for f in files):
        c = previous["counts"]
        return BuildSummary(out, c["documents"], c["sentences"], c["rejects"], previous["rejects_by_reason"],
                            c["documents"], time.perf_counter() - t0, len(previous["partitions"]), 0)
    if not incremental:
        store.collect_garbage(out, keep=())  # a full rebuild: nothing is reused
    stages = _stages(analyses)
    show = progress if progress is not None else sys.stderr.isatty()

    # read: one task per unit whose index is missing
    read_digest = stage_digest(READ)
    units = _plan_units(roots, columns, read_digest, str(out), partition_size)
    todo = list({u["key"]: u for u in units if not _unit_index(out, u["key"]).exists()}.values())
    old_units = {(u["uid"], u["compat"]): u["key"] for u in (previous or {}).get("units", []) if incremental}
    for u in todo:  # the unit's last version: its unchanged files are not read again
        if (key := old_units.get((u["uid"], u["compat"]))) and _unit_index(out, key).exists():
            u["previous"] = str(_unit_index(out, key))
    mode = ""
    if todo:
        refs = load_references(READ.references)
        work = sum(_files_to_read(u) for u in todo)
        from .partitions import read_unit

        executor.run_tasks(read_unit, todo, refs, scheduler=scheduler, workers=workers, work=work,
                           progress=show and work >= executor.SMALL_WORK)
    indexes = [json.loads(_unit_index(out, u["key"]).read_text(encoding="utf-8")) for u in units]

    # reduce: the corpus-level context of every record
    digests = {s.name: stage_digest(s, corpus=settings["name"]) for s in stages}
    parts, rejects, contexts, chrome_files = _context(out, roots, units, indexes, stages, digests)
    old_parts = {p["pid"]: p["keys"] for p in (previous or {}).get("partitions", []) if "pid" in p} \
        if incremental else {}
    old_digests = (previous or {}).get("digests", {})
    same = {t for s in stages if old_digests.get(s.name) == digests[s.name] for t in s.outputs}
    todo_parts = [p for p in parts if not all(_part(out, t, p["keys"][t]).exists() for s in stages for t in s.outputs)]
    ran = 0
    if todo_parts:
        refs = load_references({r for s in stages for r in s.references}, corpus=settings["name"])
        from .partitions import run_partition

        specs = [{"out_dir": str(out), "keys": p["keys"], "context": contexts[p["index"]],
                  "previous": {t: k for t, k in old_parts.get(p["pid"], {}).items() if t in same}} for p in todo_parts]
        work = sum(_docs_to_run(out, p, spec) for p, spec in zip(todo_parts, specs))
        mode = executor.resolve_scheduler(scheduler, n_tasks=len(specs), work=work, workers=workers)[0]
        results = executor.run_tasks(run_partition, specs, refs, scheduler=scheduler, workers=workers, work=work,
                                     progress=show and work >= executor.SMALL_WORK)
        ran = len(todo_parts)
        kept_docs = sum(r["kept"] for r in results)
    else:
        kept_docs = 0
    del contexts

    # reduce: duplicate texts; then publish
    tables, doc_rejects, counts = _publish(out, parts, stages)
    rejects.extend(doc_rejects)
    rejects_file = _write_rejects(out, rejects)
    tables["rejects"] = [rejects_file]
    by_reason = dict(sorted(Counter(_reason_kind(r) for _, r in rejects).items()))
    seconds = time.perf_counter() - t0
    reused = counts["documents"] - sum(p["n"] for p in todo_parts) + kept_docs
    manifest = {"version": __version__, "settings": settings, "build_digest": build_digest, "analyses": analyses,
                "tables": {t: tables.get(t, []) for t in PUBLIC_TABLES if t in tables},
                "partitions": [{"pid": p["pid"], "keys": p["keys"], "documents": p["documents"]} for p in parts],
                "units": [{"key": u["key"], "uid": u["uid"], "compat": u["compat"]} for u in units],
                "digests": digests,
                "counts": {**counts, "rejects": len(rejects)}, "rejects_by_reason": by_reason,
                "seconds": round(seconds, 2)}
    store.write_manifest(out, manifest)
    keep = {f for files in manifest["tables"].values() for f in files}
    keep |= {f"{store.PARTS}/read/{u['key']}.json" for u in units} | set(chrome_files)
    keep |= {f"{store.PARTS}/{t}/{k}.parquet" for p in parts for t, k in p["keys"].items()}
    store.collect_garbage(out, keep)
    return BuildSummary(out, counts["documents"], counts["sentences"], len(rejects), by_reason, max(reused, 0),
                        seconds, len(parts), ran, mode)


def _files_to_read(unit: dict) -> int:
    """How much a read task has to do, in documents (a table file counts as many): its files that are
    new or changed since the unit's previous version."""
    old: set = set()
    if unit.get("previous"):
        try:
            old = {tuple(f) for f in json.loads(Path(unit["previous"]).read_text(encoding="utf-8")).get("files", [])}
        except (OSError, ValueError):
            pass
    return sum(100 if f[0].lower().endswith(TABLE_SUFFIXES) else 1 for f in unit["files"] if tuple(f) not in old)


def _docs_to_run(out: Path, part: dict, spec: dict) -> int:
    """How many documents of a partition its stages must run on: those whose source hash or id is not
    in the partition's previous version (the executor runs small work in this process)."""
    old = spec["previous"].get("documents")
    if not old or not _part(out, "documents", old).exists():
        return part["n"]
    prev = store.read_table([_part(out, "documents", old)], columns=["doc_id", "source_hash"])
    kept = set(zip(prev["doc_id"], prev["source_hash"]))
    return sum((d["doc_id"], d["source_hash"]) not in kept for d in spec["context"]["docs"])


def _unit_index(out: Path, key: str) -> Path:
    return out / store.PARTS / "read" / f"{key}.json"


def _part(out: Path, table: str, key: str) -> Path:
    return out / store.PARTS / table / f"{key}.parquet"


def _plan_units(roots: list[dict], columns: dict, read_digest: str, out: str, partition_size: int) -> list[dict]:
    """Read units in input order: each table file alone; other files in content-defined runs."""
    units = []
    for r in roots:
        run: list[tuple] = []
        size = 0

        def close():
            nonlocal size
            if run:
                compat = _h(read_digest, columns, partition_size)
                units.append({"out_dir": out, "base": r["base"], "label": r["label"], "files": [list(f) for f in run],
                              "columns": columns, "digest": read_digest, "partition_size": partition_size,
                              "compat": compat, "uid": _h(r["base"], r["label"], run[0][0]),
                              "key": _h(compat, r["base"], r["label"], run)})
                run.clear()
                size = 0

        for entry in r["files"]:
            rel, nbytes = entry[0], entry[1]
            if rel.lower().endswith(TABLE_SUFFIXES):
                close()
                run.append(entry)
                close()
                continue
            run.append(entry)
            size += nbytes
            if size >= UNIT_BYTES or int(hashlib.sha256(rel.encode("utf-8", "surrogateescape")).hexdigest()[:8], 16) \
                    % UNIT_FILES == 0:
                close()
        close()
    return units


# --------------------------------------------------------------------------- reduce: context

SUMMARY_COLUMNS = ["path", "stem", "folder", "kind", "source", "url", "digest", "site_hint", "text_hash"]
#: Chrome is learned per site from at most this many of its distinct raw texts (see :func:`_chrome`).
CHROME_SAMPLE = 2000
#: Raw texts held at once while learning chrome: sites are learned in batches of at most this many.
CHROME_BATCH = 100_000


def _context(out: Path, roots: list[dict], units: list[dict], indexes: list[dict], stages, digests: dict
             ) -> tuple[list[dict], list, dict, list[str]]:
    """Partitions with their keys, the read and register rejects, each partition's prepare context,
    and the files of the learned chrome (kept by the garbage collector)."""
    import pandas as pd

    from . import metadata

    rejects = [(f"{r['label']}/{p}" if r["label"] else p, why) for r in roots for p, why in r["problems"]]
    rejects += [tuple(r) for idx in indexes for r in idx["rejects"]]
    chunks = [{**c, "pid": _h(u["uid"], j), "label": u["label"]}
              for u, idx in zip(units, indexes) for j, c in enumerate(idx["chunks"])]
    frames = [store.read_table([_part(out, "records", c["key"])], columns=SUMMARY_COLUMNS) for c in chunks]
    recs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SUMMARY_COLUMNS)
    del frames
    col = {c: [x if isinstance(x, str) else None for x in recs[c].tolist()]  # missing: None, never NaN
           for c in SUMMARY_COLUMNS}
    del recs
    paths, kinds = col["path"], col["kind"]
    ids = _assign_ids(col["stem"], [f or "" for f in col["folder"]], kinds)
    regs, reg_rejects = _registers(roots, chunks, paths, kinds, ids)
    rejects += reg_rejects

    # each document's site (metadata.site_key, from its signature found when it was read), each site's chrome
    refs = load_references(("sites", "outlets", "rules"))
    rules = refs["rules"]
    sites = [metadata.site_key(None, {"source": src, "url": url}, kind=k, folder=folder or "", register=reg,
                               sites=refs["sites"], outlet_rules=refs["outlets"], signature=hint)
             for src, url, k, folder, reg, hint in zip(col["source"], col["url"], kinds, col["folder"], regs,
                                                        col["site_hint"])]
    chrome, chrome_files = _chrome(out, chunks, sites, col["text_hash"], rules=rules, key=digests["prepare"])
    chrome_digest = {s: c.digest() for s, c in chrome.items()}
    source_hashes = [_h(digests["prepare"], d, reg, chrome_digest.get(s, ""))[:32]
                     for d, reg, s in zip(col["digest"], regs, sites)]

    parts, contexts, pos = [], {}, 0
    for i, c in enumerate(chunks):
        sl = slice(pos, pos + c["n"])
        pos += c["n"]
        doc_ids = ids[sl]
        psites = sorted(set(sites[sl]))
        ctx = {"docs": [{"doc_id": d, "register": reg, "site": s, "source_hash": sh}
                        for d, reg, s, sh in zip(doc_ids, regs[sl], sites[sl], source_hashes[sl])],
               "chrome": {s: chrome[s] for s in psites if s in chrome}}
        keys = {"records": c["key"]}
        for stage in stages:
            k = _h(digests[stage.name], [keys[t] for t in stage.inputs],
                   [doc_ids, source_hashes[sl]] if stage.context else None)
            keys.update({t: k for t in stage.outputs})
        parts.append({"index": i, "pid": c["pid"], "keys": keys, "n": c["n"], "doc_ids": doc_ids})
        contexts[i] = ctx
    _release_arrow_memory()
    return parts, rejects, contexts, chrome_files


def _release_arrow_memory() -> None:
    """Hand the memory pyarrow's pool keeps after reading the records back to the system (it would
    otherwise stay with this process for the rest of the build: 3 GB at 1M documents)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _chrome(out: Path, chunks: list[dict], sites: list[str], text_hashes: list[str], *, rules, key: str
            ) -> tuple[dict, list[str]]:
    """Each site's chrome (:func:`analysis.chrome.learn_chrome`), and the files it is kept in.

    Learning chrome is not map/reduce shaped (a template is judged by a pass over the site's running
    text), so it is learned per site, here, from a bounded and deterministic sample: the site's
    distinct raw texts (a copy counts once), or, past CHROME_SAMPLE of them, the CHROME_SAMPLE with the
    smallest text hashes, given in input order as the old build gave them. Under CHROME_SAMPLE distinct
    texts a site's chrome is the one the whole site gives; above it, a sample of thousands of texts
    finds what repeats in a share of them (``min_share``) just as well, in a time and memory that no
    longer grow with the corpus. The sample does not move when unrelated documents change. A site's
    chrome is kept in ``.parts/chrome/<key>.json``, keyed by the prepare stage's digest (its code and
    rules) and the sample's text hashes: a rebuild reads texts and learns again only for the sites
    whose sample changed."""
    from .chrome import Chrome, learn_chrome

    first: dict[str, dict[str, int]] = defaultdict(dict)  # site -> text hash -> its first position
    for i, (site, th) in enumerate(zip(sites, text_hashes)):
        first[site].setdefault(th, i)
    chrome: dict[str, Chrome] = {}
    files: list[str] = []
    todo: dict[str, tuple[list[int], Path]] = {}
    for site in sorted(first, key=lambda s: min(first[s].values())):
        found = first[site]
        if len(found) < rules.min_docs:  # too few texts to repeat anything
            continue
        sample = sorted(found)[:CHROME_SAMPLE] if len(found) > CHROME_SAMPLE else found
        pos = sorted(found[h] for h in sample)
        rel = f"{store.PARTS}/chrome/{_h(key, [text_hashes[i] for i in pos])}.json"
        files.append(rel)
        try:
            data = json.loads((out / rel).read_text(encoding="utf-8"))
            chrome[site] = Chrome(frozenset(data["lines"]), frozenset(data["templates"]), frozenset(data["sentences"]))
        except (OSError, ValueError, KeyError):
            todo[site] = (pos, out / rel)
    batches: list[list[str]] = [[]]
    size = 0
    for site, (pos, _) in todo.items():
        if batches[-1] and size + len(pos) > CHROME_BATCH:
            batches.append([])
            size = 0
        batches[-1].append(site)
        size += len(pos)
    for batch in batches:
        if not batch:
            continue
        texts = _texts(out, chunks, {i for s in batch for i in todo[s][0]})
        for s in batch:
            pos, path = todo[s]
            c = chrome[s] = learn_chrome([texts[i] for i in pos], rules=rules)
            path.parent.mkdir(parents=True, exist_ok=True)
            store.write_json(path, {"lines": sorted(c.lines), "templates": sorted(c.templates),
                                    "sentences": sorted(c.sentences)})
        del texts
    return chrome, files


def _texts(out: Path, chunks: list[dict], wanted: set[int]) -> dict[int, str]:
    """The raw texts of the records at positions ``wanted`` (reading only the partitions holding some)."""
    texts: dict[int, str] = {}
    start = 0
    for c in chunks:
        idx = [i for i in range(start, start + c["n"]) if i in wanted]
        if idx:
            column = store.read_table([_part(out, "records", c["key"])], columns=["text"])["text"]
            texts.update((i, column.iat[i - start]) for i in idx)
        start += c["n"]
    return texts


def _registers(roots: list[dict], chunks: list[dict], paths: list[str], kinds: list[str], ids: list[str]
               ) -> tuple[list, list]:
    """Each record's register entry (:func:`analysis.register.apply_registers`: a root's register
    applies to its own documents) and the registers' rejects."""
    files = [(r, f) for r in roots for f in r["registers"]]
    if not files:
        return [None] * len(paths), []
    from .ingest import RawRecord, RegisterFile
    from .register import apply_registers

    labels = [c["label"] for c in chunks for _ in range(c["n"])]
    records = [RawRecord(p, "", "", k, "", root=lab, local=p[len(lab) + 1:] if lab else p)
               for p, k, lab in zip(paths, kinds, labels)]
    registers = [RegisterFile(Path(r["base"]) / (f[3] or f[0]), r["label"], f"{r['label']}/{f[0]}" if r["label"] else f[0])
                 for r, f in files]
    regs, rejects = apply_registers(registers, records, ids)
    return regs, [(x.path, x.reason) for x in rejects]


def _assign_ids(stems: list[str], folders: list[str], kinds: list[str]) -> list[str]:
    """Document ids: the file stem (or a row's id), with its folder where stems repeat, then a
    ``_2``, ``_3`` suffix where an id is still taken."""
    counts = Counter(stems)
    ids = [f"{f}/{s}" if counts[s] > 1 and k != "row" and f else s for s, f, k in zip(stems, folders, kinds)]
    taken = set(ids)
    first: set[str] = set()
    out = []
    for i in ids:
        if i not in first:
            first.add(i)
            out.append(i)
            continue
        k = 2
        while f"{i}_{k}" in taken:
            k += 1
        taken.add(f"{i}_{k}")
        out.append(f"{i}_{k}")
    return out


# --------------------------------------------------------------------------- reduce: duplicates, publish

def _publish(out: Path, parts: list[dict], stages) -> tuple[dict, list, dict]:
    """Drop later copies of a text (first copy in input order stays), link or write the final table
    files, and list the per-document rejects in input order."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    tables: dict[str, list[str]] = defaultdict(list)
    first: dict[str, str] = {}
    rejects: list[tuple[str, str]] = []
    public = [t for s in stages for t in s.outputs if t in PUBLIC_TABLES]
    counts = Counter({t: 0 for t in public})
    for p in parts:
        keys = p["keys"]
        docs = pq.read_table(_part(out, "documents", keys["documents"]), columns=["doc_id", "path", "content_hash"])
        notes = pq.read_table(_part(out, "notes", keys["notes"]), columns=["doc_id", "path", "reason"]).to_pylist()
        by_id: dict[str, list] = defaultdict(list)
        for n in notes:
            by_id[n["doc_id"]].append((n["path"], n["reason"]))
        kept = {d: (path, h) for d, path, h in zip(*(docs.column(c).to_pylist() for c in ("doc_id", "path",
                                                                                         "content_hash")))}
        drop = []
        for doc_id in p["doc_ids"]:
            rejects.extend(by_id.get(doc_id, ()))
            if doc_id in kept:
                path, h = kept[doc_id]
                if h in first:
                    drop.append(doc_id)
                    rejects.append((path, f"duplicate text of {first[h]}"))
                else:
                    first[h] = doc_id
        p["documents"] = len(kept) - len(drop)
        suffix = f"-{_h(drop)[:8]}" if drop else ""
        for t in public:
            src = _part(out, t, keys[t])
            rel = f"{t}/{keys[t]}{suffix}.parquet"
            if drop:
                table = pq.read_table(src)
                table = table.filter(pc.invert(pc.is_in(table.column("doc_id"), value_set=pa.array(drop))))
                if not (out / rel).exists():
                    store.write_parquet(table, out / rel)
                n = table.num_rows
            else:
                store.link_into(src, out / rel)
                n = pq.ParquetFile(out / rel).metadata.num_rows
            counts[t] += n
            tables[t].append(rel)
    return {t: tables.get(t, []) for t in public}, rejects, dict(counts)


def _write_rejects(out: Path, rejects: list[tuple[str, str]]) -> str:
    import pandas as pd

    from .stages import to_arrow

    rel = f"rejects/{_h(rejects)}.parquet"
    if not (out / rel).exists():
        store.write_parquet(to_arrow(pd.DataFrame(rejects, columns=["path", "reason"]), "rejects"), out / rel)
    return rel


def _reason_kind(reason: str) -> str:
    """Group reasons for the summary ("duplicate text of X" -> "duplicate text")."""
    for prefix in ("duplicate text", "malformed row", "malformed JSON", "kept, but date not understood",
                   "register", "unsupported file type", "binary file", "HTML extraction failed"):
        if reason.startswith(prefix):
            return prefix
    return reason.split(":", 1)[0]  # "kept, but not valid UTF-8: 3 bytes ..." -> "kept, but not valid UTF-8"
