"""The corpus build: raw inputs -> Parquet tables (documents, sentences, rejects, mentions,
comentions) in one output folder, plus ``build.json`` (what was built from what, and how long it
took). See ``docs/data_contract.md`` for the columns.

Deterministic: the same raw input and reference files give identical tables. Incremental: a
document whose raw text, register entry and rules are unchanged is taken from the previous build
(keyed by ``source_hash``) instead of being cleaned and split again.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from . import __version__, clean, config, ingest, metadata, outlets, text
from .register import apply_registers

#: Bump when the meaning of the tables changes, so old caches are not reused.
SCHEMA_VERSION = "1"
PARALLEL_MIN_DOCS = 2000
PARALLEL_MIN_BYTES = 4_000_000  # raw input size from which worker processes pay off
CHUNK = 500

DOC_COLUMNS = ["doc_id", "path", "outlet", "outlet_provenance", "outlet_source", "outlet_evidence", "publisher",
               "author", "title", "published", "published_provenance", "date_source", "date_evidence",
               "date_conflict", "date_rejected", "republished", "republished_provenance", "url", "curated_fields",
               "body", "comments", "boilerplate", "n_words", "n_comment_words", "content_hash", "source_hash"]
SENT_COLUMNS = ["doc_id", "section", "paragraph", "sentence", "start", "end", "text"]
TABLES = ("documents", "sentences", "rejects", "mentions", "relations", "comentions")


@dataclass
class BuildSummary:
    out_dir: Path
    documents: int
    sentences: int
    rejects: int
    rejects_by_reason: dict
    reused: int
    seconds: float

    def __str__(self) -> str:
        lines = [f"built {self.documents:,} documents, {self.sentences:,} sentences "
                 f"({self.reused:,} documents reused) in {self.seconds:.1f} s -> {self.out_dir}",
                 f"rejects: {self.rejects:,}"]
        lines += [f"  {n:>6,}  {reason}" for reason, n in sorted(self.rejects_by_reason.items(), key=lambda x: -x[1])]
        return "\n".join(lines)


# --------------------------------------------------------------------------- fingerprints

#: Modules whose code shapes the documents and sentences tables, and those behind the analyses.
TEXT_MODULES = ("build", "ingest", "decode", "walk", "tables", "htmlpage", "chrome", "clean", "dates", "outlets",
                "metadata", "register", "text", "config")
ANALYSIS_MODULES = ("groups", "names", "roles", "relations", "comention", "pair_relations", "relation_features",
                    "relation_model")
ANALYSIS_FILES = ("groups.yaml", "roles.yaml", "relation_cues.yaml")


def _code_digest(modules: Sequence[str] = TEXT_MODULES) -> str:
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for name in modules:
        p = Path(__file__).parent / f"{name}.py"
        if p.exists():
            h.update(name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


#: Reference files the build reads (others, such as framing.yaml, are read by the analyses that use them).
BUILD_FILES = ("boilerplate.yaml", "sites.yaml", "outlets.yaml", "columns.yaml", "abbreviations.txt")


def _reference_digest() -> str:
    h = hashlib.sha256()
    for name in BUILD_FILES + ANALYSIS_FILES:
        p = config.REFERENCE_DIR / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()[:16]


def _relation_inputs(corpus: str) -> bytes:
    """The relation model and the corpus's corrections file: the relation step's inputs besides the text."""
    from .corrections import corrections_path

    out = b""
    for p in (config.RELATION_MODEL, corrections_path(corpus) if corpus else None):
        out += p.read_bytes() if p is not None and p.exists() else b"-"
    return out


def fingerprint(raw_paths: Sequence[Path], columns: Mapping[str, str] | None = None) -> str:
    """Cheap fingerprint of what a build depends on: raw file names, sizes and modification
    times, the reference files, the code and the options."""
    h = hashlib.sha256()
    for root in raw_paths:
        root = Path(root)
        h.update(str(root.resolve()).encode("utf-8", "surrogateescape"))
        if not root.exists():
            h.update(b"missing")
            continue
        for p in ingest.iter_files(root):
            st = p.stat()
            h.update(f"{p.relative_to(root if root.is_dir() else root.parent)}|{st.st_size}|{st.st_mtime_ns}\n"
                     .encode("utf-8", "surrogateescape"))  # file names need not be valid UTF-8
    h.update(json.dumps(sorted((columns or {}).items())).encode())
    h.update(_reference_digest().encode())
    h.update(_code_digest(TEXT_MODULES + ANALYSIS_MODULES).encode())
    h.update(_relation_inputs(_corpus(raw_paths)))
    return h.hexdigest()[:24]


# --------------------------------------------------------------------------- per-document work

_W: dict = {}


def _init_worker(rules: clean.Rules, sites: metadata.SiteRules, analyses: bool = False, corpus: str = "") -> None:
    _W["rules"] = rules
    _W["sites"] = sites
    _W["outlets"] = outlets.load_outlets()
    _W["splitter"] = text.sentence_splitter()
    _W["analyses"] = analyses
    if analyses:
        from . import corrections, groups, relation_model, relations, roles

        _W["gazetteer"] = groups.load_gazetteer()
        _W["roles"] = roles.load_role_rules()
        _W["cues"] = relations.load_cues()
        _W["model"] = relation_model.load_model()
        _W["corrections"] = corrections.read_corrections(corpus) if corpus else None


def _analyse(sentences: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Mentions, relations and co-mentions of a chunk of whole documents (all only look within a document)."""
    import warnings

    from . import comention, groups, pair_relations, roles

    mentions = roles.assign_roles(groups.find_mentions(sentences, gazetteer=_W["gazetteer"]), sentences, rules=_W["roles"])
    with warnings.catch_warnings():  # corrections of other chunks' documents are "not in this build" here
        warnings.simplefilter("ignore")
        rel = pair_relations.relations_table(mentions, sentences, model=_W["model"], cues=_W["cues"],
                                             corrections=_W["corrections"])
    return mentions, rel, comention.comentions(mentions, sentences, relations=rel, gazetteer=_W["gazetteer"])


def _process(job: tuple) -> tuple[dict | None, dict | None, str | None]:
    """One document: clean, resolve metadata, split. Returns (document row, sentence columns, reject reason)."""
    doc_id, rec, register, chrome, source_hash = job
    rules, sites, splitter = _W["rules"], _W["sites"], _W["splitter"]
    field_title = rec.fields.get("title")
    cleaned = clean.clean(rec.text, rules=rules, chrome=chrome, title=field_title, find_title=rec.kind == "txt")
    html_comments = rec.fields.get("comments")
    comments = cleaned.comments
    if html_comments:
        extra = clean.clean_comments(html_comments, rules=rules, chrome=chrome)
        comments = "\n\n".join(x for x in (comments, extra.comments) if x)
        cleaned.boilerplate.extend(extra.boilerplate)
    if not cleaned.body.strip():
        return None, None, "no article text after cleaning (every line was boilerplate or comments)"
    meta = metadata.describe(rec.text, rec.fields, kind=rec.kind, path=rec.path, register=register, sites=sites,
                             outlet_rules=_W["outlets"])
    if meta.get("title") is None:
        meta["title"] = cleaned.title
    norm = " ".join(cleaned.body.split()).lower()
    row = {
        "doc_id": doc_id, "path": rec.path,
        **{k: meta.get(k) for k in DOC_COLUMNS[2:DOC_COLUMNS.index("body")]},
        "body": cleaned.body, "comments": comments, "boilerplate": "\n".join(cleaned.boilerplate),
        "n_words": text.count_words(cleaned.body), "n_comment_words": text.count_words(comments),
        "content_hash": hashlib.sha256(norm.encode()).hexdigest()[:32], "source_hash": source_hash,
    }
    cols = {c: [] for c in SENT_COLUMNS}
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
    row["_warning"] = warnings
    return row, cols, None


def _process_chunk(jobs: list) -> tuple[list, pd.DataFrame, tuple | None]:
    """Process a chunk of jobs: (per job (row, reason), the chunk's sentences as one table, and
    its (mentions, comentions) when the build makes the analyses)."""
    out, cols = [], {c: [] for c in SENT_COLUMNS}
    for job in jobs:
        try:
            row, c, reason = _process(job)
        except Exception as exc:  # one bad document never stops a build: it becomes a reject
            row, c, reason = None, None, f"processing failed: {type(exc).__name__}: {str(exc)[:200]}"
        out.append((row, reason))
        if c:
            for k in SENT_COLUMNS:
                cols[k].extend(c[k])
    sents = pd.DataFrame(cols, columns=SENT_COLUMNS)
    return out, sents, (_analyse(sents) if _W.get("analyses") else None)


# --------------------------------------------------------------------------- the build

def _assign_ids(records: list[ingest.RawRecord]) -> list[str]:
    stems = Counter(r.stem for r in records)
    ids = [f"{r.folder}/{r.stem}" if stems[r.stem] > 1 and r.kind != "row" and r.folder else r.stem
           for r in records]
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


def _source_hash(rec: ingest.RawRecord, register: dict | None, repeated_digest: str, settings: str) -> str:
    h = hashlib.sha256(settings.encode())
    h.update(rec.path.encode())
    h.update(rec.text.encode())
    h.update(json.dumps(rec.fields, sort_keys=True, default=str).encode())
    h.update(json.dumps(register or {}, sort_keys=True, default=str).encode())
    h.update(repeated_digest.encode())
    return h.hexdigest()[:32]


def _corpus(raw_paths: Sequence[Path]) -> str:
    from .corrections import corpus_name

    return corpus_name(raw_paths) if raw_paths else ""


def _analysis_digest(corpus: str = "") -> str:
    """What the mentions, relations and co-mentions depend on besides the sentences: code, reference files,
    the relation model and the corpus's corrections."""
    h = hashlib.sha256(_code_digest(ANALYSIS_MODULES).encode())
    h.update(_relation_inputs(corpus))
    for name in ANALYSIS_FILES:
        p = config.REFERENCE_DIR / name
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()[:16]


def _analyses_available() -> bool:
    try:
        from . import comention, groups  # noqa: F401
    except ImportError:
        return False
    return True


def _previous(out_dir: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    try:
        docs = pd.read_parquet(out_dir / "documents.parquet")
        sents = pd.read_parquet(out_dir / "sentences.parquet")
        return docs, sents
    except Exception:  # no previous build, or one from an older schema: rebuild everything
        return None, None


def build_corpus(raw_paths: Iterable[Path | str] | None = None, out_dir: Path | str | None = None, *,
                 columns: Mapping[str, str] | None = None, workers: int | None = None,
                 progress: bool | None = None, incremental: bool = True, analyses: bool = True) -> BuildSummary:
    """Build the processed tables from the raw inputs.

    raw_paths: folders or files (default ``data/raw``); out_dir: output folder (default
    ``data/processed``); columns: explicit column mapping for tabular inputs, e.g.
    ``{"text": "story", "date": "day"}``; workers: processes for cleaning and splitting (default:
    all cores for large corpora); progress: show a progress bar (default: on large corpora when
    writing to a terminal); analyses: also build the ``mentions`` and ``comentions`` tables.
    """
    if isinstance(raw_paths, (str, Path)):
        raw_paths = [raw_paths]
    raw_paths = [Path(p) for p in (raw_paths or [config.RAW_DIR])]
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    for p in raw_paths:
        if out_dir.resolve() == p.resolve() or p.resolve() in out_dir.resolve().parents:
            raise ValueError(f"`out_dir` must not be inside a raw folder (raw data is never written to); "
                             f"got out_dir={out_dir} inside raw path {p}")
    t0 = time.perf_counter()
    fp = fingerprint(raw_paths, columns)
    rules, sites = clean.load_rules(), metadata.load_sites()
    analyses = analyses and _analyses_available()
    workers = workers or (os.cpu_count() or 1)
    raw_bytes = sum(p.stat().st_size for r in raw_paths for p in ingest.iter_files(r))
    pool = None
    if workers > 1 and raw_bytes >= PARALLEL_MIN_BYTES:
        # Start the workers before the corpus is read, so they do not inherit its memory.
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        pool = ctx.Pool(workers, initializer=_init_worker, initargs=(rules, sites, analyses, _corpus(raw_paths)))
    try:
        return _build(raw_paths, out_dir, fp, t0, rules, sites, pool, columns=columns, progress=progress,
                      incremental=incremental, analyses=analyses)
    finally:
        if pool is not None:
            pool.terminate()


def _build(raw_paths, out_dir, fp, t0, rules, sites, pool, *, columns, progress, incremental, analyses):
    records, rejects, registers = ingest.read_inputs(raw_paths, columns=columns)
    ids = _assign_ids(records)
    regs, reg_rejects = apply_registers(registers, records, ids)
    rejects.extend(reg_rejects)

    # Site of each document (for the chrome detector): register, field, signature, URL domain, folder.
    outlet_rules = outlets.load_outlets()
    site_of = [metadata.site_key(rec.text, rec.fields, kind=rec.kind, folder=rec.folder, register=reg, sites=sites,
                                 outlet_rules=outlet_rules) for rec, reg in zip(records, regs)]
    by_site: dict[str, list[int]] = defaultdict(list)
    for i, site in enumerate(site_of):
        by_site[site].append(i)
    repeated: dict[str, clean.Chrome] = {}
    for site, idx in by_site.items():
        if len(idx) >= rules.min_docs:
            repeated[site] = clean.learn_chrome((records[i].text for i in idx), rules=rules)
    rep_digest = {s: v.digest() for s, v in repeated.items()}

    settings = "|".join([SCHEMA_VERSION, _code_digest(), rules.digest, sites.digest, outlet_rules.digest,
                         hashlib.sha256(config.ABBREVIATIONS.read_bytes()).hexdigest()[:16]])
    jobs = []
    for rec, i, reg, site in zip(records, ids, regs, site_of):
        rep = repeated.get(site, clean.Chrome())
        jobs.append((i, rec, reg, rep, _source_hash(rec, reg, rep_digest.get(site, ""), settings)))

    old_docs, old_sents = _previous(out_dir) if incremental else (None, None)
    reuse = {}
    if old_docs is not None and "source_hash" in old_docs:
        wanted = {j[4] for j in jobs}
        hit = old_docs[old_docs["source_hash"].isin(wanted)]
        reuse = {h: d for h, d in zip(hit["source_hash"], hit.to_dict("records"))}
    todo = [j for j in jobs if j[4] not in reuse]
    show = progress if progress is not None else (len(todo) >= 5000 and sys.stderr.isatty())
    bar = None
    if show:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), unit="doc", desc="cleaning and splitting", file=sys.stderr)
    chunks = [todo[k:k + CHUNK] for k in range(0, len(todo), CHUNK)]
    results: dict[str, tuple] = {}
    sent_parts: list[pd.DataFrame] = []
    mention_parts: list[pd.DataFrame] = []
    relation_parts: list[pd.DataFrame] = []
    comention_parts: list[pd.DataFrame] = []

    def collect(chunk, res):
        rows, sents, found = res
        for job, r in zip(chunk, rows):
            results[job[4]] = r
            job[1].text = ""  # the raw text is no longer needed: free it as we go
        sent_parts.append(sents)
        if found is not None:
            mention_parts.append(found[0])
            relation_parts.append(found[1])
            comention_parts.append(found[2])
        if bar:
            bar.update(len(chunk))

    if pool is not None and len(todo) >= PARALLEL_MIN_DOCS:
        for chunk, res in zip(chunks, pool.imap(_process_chunk, chunks)):
            collect(chunk, res)
    else:
        _init_worker(rules, sites, analyses, _corpus(raw_paths))
        for chunk in chunks:
            collect(chunk, _process_chunk(chunk))
    if bar:
        bar.close()

    # Assemble in input order; drop duplicate texts (the first copy stays).
    doc_rows, first_of = [], {}
    reused_ids: dict[str, str] = {}
    for (doc_id, rec, _reg, _rep, sh) in jobs:
        if sh in reuse:
            row = dict(reuse[sh])
            row["_warning"] = None
            reused_ids[row["doc_id"]] = doc_id
        else:
            row, reason = results.pop(sh)
            if reason:
                rejects.append(ingest.Reject(rec.path, reason))
                continue
        for warning in row.get("_warning") or ():
            rejects.append(ingest.Reject(rec.path, f"kept, but {warning}"))
        if row["content_hash"] in first_of:
            rejects.append(ingest.Reject(rec.path, f"duplicate text of {first_of[row['content_hash']]}"))
            continue
        first_of[row["content_hash"]] = doc_id
        row["doc_id"] = doc_id
        row.pop("_warning", None)
        doc_rows.append(row)
    if reused_ids:
        old = old_sents[old_sents["doc_id"].isin(list(reused_ids))].copy()
        old["doc_id"] = old["doc_id"].map(reused_ids)
        sent_parts.append(old)
        if analyses:
            _reuse_analyses(out_dir, old, reused_ids, pool, rules, sites, mention_parts, comention_parts,
                            relation_parts, _corpus(raw_paths))
    del jobs, records, results

    documents = pd.DataFrame(doc_rows, columns=DOC_COLUMNS)
    del doc_rows
    for c in ("published", "republished"):
        documents[c] = pd.to_datetime(documents[c])
    documents = documents.astype({"n_words": "int64", "n_comment_words": "int64"})
    order = {d: k for k, d in enumerate(documents["doc_id"])}
    sentences = (pd.concat(sent_parts, ignore_index=True) if sent_parts
                 else pd.DataFrame({c: [] for c in SENT_COLUMNS}))
    del sent_parts
    sentences = sentences[sentences["doc_id"].isin(order)]
    sentences = sentences.astype({"paragraph": "int64", "sentence": "int64", "start": "int64", "end": "int64"})
    if reused_ids:  # reused sentences were appended at the end: put every document back in its place
        sentences = (sentences.assign(_o=sentences["doc_id"].map(order), _s=(sentences["section"] == "comments"))
                     .sort_values(["_o", "_s", "sentence"], kind="stable").drop(columns=["_o", "_s"]))
    sentences = sentences.reset_index(drop=True)
    rejects_df = pd.DataFrame([(r.path, r.reason) for r in rejects], columns=["path", "reason"])

    tables = {"documents": documents, "sentences": sentences, "rejects": rejects_df}
    if analyses:
        from . import comention, pair_relations, roles

        tables["mentions"] = _in_order(mention_parts, order, roles.empty_mentions())
        tables["relations"] = _in_order(relation_parts, order, pair_relations.empty_relations())
        tables["comentions"] = _in_order(comention_parts, order, comention.empty_comentions())
        del mention_parts, relation_parts, comention_parts
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        tmp = out_dir / f".{name}.parquet.tmp"
        df.to_parquet(tmp, index=False)
        tmp.replace(out_dir / f"{name}.parquet")
    seconds = time.perf_counter() - t0
    by_reason = Counter(_reason_kind(r.reason) for r in rejects)
    summary = BuildSummary(out_dir, len(documents), len(sentences), len(rejects), dict(by_reason),
                           len(reused_ids), seconds)
    manifest = {"fingerprint": fp, "raw": [str(p) for p in raw_paths], "columns": dict(columns or {}),
                "version": __version__, "documents": len(documents), "sentences": len(sentences),
                "rejects": len(rejects), "rejects_by_reason": dict(sorted(by_reason.items())),
                "tables": sorted(tables), "analysis_digest": _analysis_digest(_corpus(raw_paths)) if analyses else None}
    (out_dir / "build.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return summary


def _reason_kind(reason: str) -> str:
    """Group reasons for the summary ("duplicate text of X" -> "duplicate text")."""
    for prefix in ("duplicate text", "malformed row", "malformed JSON", "kept, but date not understood",
                   "register", "unsupported file type", "binary file", "HTML extraction failed"):
        if reason.startswith(prefix):
            return prefix
    return reason.split(":", 1)[0]  # "kept, but not valid UTF-8: 3 bytes ..." -> "kept, but not valid UTF-8"


def _in_order(parts: list[pd.DataFrame], order: dict[str, int], empty: pd.DataFrame) -> pd.DataFrame:
    """Concatenate per-chunk tables, keep the kept documents, and put them in document order
    (stable: each document's rows keep the order the analysis gave them)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty
    df = pd.concat(parts, ignore_index=True)
    key = df["doc_id"].map(order)
    df = df[key.notna()]
    key = key[key.notna()].astype("int64")
    return df.iloc[key.argsort(kind="stable")].reset_index(drop=True)


def _reuse_analyses(out_dir: Path, old_sents: pd.DataFrame, reused_ids: dict[str, str], pool, rules, sites,
                    mention_parts: list, comention_parts: list, relation_parts: list, corpus: str) -> None:
    """Mentions and co-mentions of reused documents: taken from the previous build when the gazetteer,
    cues and their code are unchanged, else computed again from the reused sentences."""
    try:
        manifest = json.loads((out_dir / "build.json").read_text(encoding="utf-8"))
        if manifest.get("analysis_digest") != _analysis_digest(corpus):
            raise ValueError("analysis inputs changed")
        for name, parts in (("mentions", mention_parts), ("relations", relation_parts), ("comentions", comention_parts)):
            old = pd.read_parquet(out_dir / f"{name}.parquet")
            old = old[old["doc_id"].isin(list(reused_ids))].copy()
            old["doc_id"] = old["doc_id"].map(reused_ids)
            parts.append(old)
        return
    except (OSError, ValueError, KeyError):
        pass
    ids = old_sents["doc_id"].unique()
    chunks = [old_sents[old_sents["doc_id"].isin(ids[k:k + CHUNK * 4])] for k in range(0, len(ids), CHUNK * 4)]
    if pool is not None and len(chunks) > 1:
        results = pool.imap(_analyse, chunks)
    else:
        _init_worker(rules, sites, True, corpus)
        results = map(_analyse, chunks)
    for mentions, rel, comentions in results:
        mention_parts.append(mentions)
        relation_parts.append(rel)
        comention_parts.append(comentions)
