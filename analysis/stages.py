"""The build as declared stages: what each stage reads, writes and depends on, in one place.

A stage is a pure function from one partition of documents (its input tables as DataFrames) plus
frozen reference objects to its output tables. Its cache key (:func:`stage_digest`) is everything
that shapes its output: its code (the modules it runs), the digests of the reference files it reads,
the versions of the libraries it depends on, and the schema version; the build adds the key of its
input partition. To add a stage, add one :class:`Stage` to ``STAGES`` (after the stages whose tables
it reads), its output tables to ``TABLES``, and any new reference file to ``REFERENCES``.

    read        files of the raw folder -> records       (per read unit: a table file, or a run of files)
    prepare     records -> documents, sentences, notes   (clean/metadata/split, per document)
    mentions    sentences -> mentions                    (gazetteer, role rules: actor/descriptor/place)
    relations   mentions, sentences -> relations         (relation cues, classifier model, corrections)
    comentions  mentions, sentences, relations -> comentions   (gazetteer)

Corpus-level facts (document ids, the register, each site's chrome, duplicate texts)
are reduce steps of the build between stages (see :mod:`analysis.build`); they reach a stage as its
partition's context, whose digest is part of the partition's key.

Nothing heavy is imported here: digests read files and package metadata only, so checking that a
build is current stays cheap. The stage functions import their modules when they run.
"""
from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Callable, Mapping

from . import config

__all__ = ["SCHEMA_VERSION", "TABLES", "PUBLIC_TABLES", "Reference", "REFERENCES", "Stage", "READ", "STAGES",
           "arrow_schema", "to_arrow", "stage_digest", "load_references", "library_versions"]

#: Bump when the meaning of a table changes without a code change in the stage's modules.
SCHEMA_VERSION = "3"

# --------------------------------------------------------------------------- tables (columns declared once)

#: Columns and types of every table (docs/data_contract.md explains them). To add a column: one entry.
TABLES: dict[str, list[tuple[str, str]]] = {
    "records": [("path", "str"), ("stem", "str"), ("folder", "str"), ("kind", "str"), ("text", "str"),
                ("fields", "str"), ("source", "str"), ("url", "str"), ("digest", "str"), ("site_hint", "str"),
                ("text_hash", "str")],
    "documents": [("doc_id", "str"), ("path", "str"), ("outlet", "str"), ("outlet_provenance", "str"),
                  ("outlet_source", "str"), ("outlet_evidence", "str"), ("publisher", "str"), ("author", "str"),
                  ("title", "str"), ("published", "time"), ("published_provenance", "str"), ("date_source", "str"),
                  ("date_evidence", "str"), ("date_conflict", "str"), ("date_rejected", "str"),
                  ("republished", "time"), ("republished_provenance", "str"), ("url", "str"),
                  ("curated_fields", "str"), ("body", "str"),
                  ("comments", "str"), ("boilerplate", "str"), ("n_words", "int"), ("n_comment_words", "int"),
                  ("content_hash", "str"), ("source_hash", "str")],
    "sentences": [("doc_id", "str"), ("section", "str"), ("paragraph", "int"), ("sentence", "int"), ("start", "int"),
                  ("end", "int"), ("text", "str")],
    "notes": [("doc_id", "str"), ("path", "str"), ("reason", "str"), ("kept", "bool")],
    "mentions": [("doc_id", "str"), ("section", "str"), ("paragraph", "int"), ("sentence", "int"), ("start", "int"),
                 ("end", "int"), ("alias", "str"), ("group_id", "str"), ("group_name", "str"), ("group_kind", "str"),
                 ("role", "str"), ("role_cue", "str")],
    "comentions": [("doc_id", "str"), ("section", "str"), ("level", "str"), ("paragraph", "Int"), ("sentence", "Int"),
                   ("group_a", "str"), ("group_b", "str"), ("group_a_name", "str"), ("group_b_name", "str"),
                   ("polarity", "str"), ("evidence", "str"), ("n_sentences", "int"), ("n_joint", "int"),
                   ("n_coop", "int"), ("n_conflict", "int"), ("n_unclear", "int"), ("n_curated", "int")],
    "relations": [("doc_id", "str"), ("section", "str"), ("paragraph", "int"), ("sentence", "int"), ("group_a", "str"),
                  ("group_b", "str"), ("a_start", "int"), ("a_end", "int"), ("b_start", "int"), ("b_end", "int"),
                  ("label", "str"), ("best_label", "str"), ("probability", "float"), ("why", "str"),
                  ("cue_spans", "str"), ("source", "str"), ("model_label", "str")],
    "rejects": [("path", "str"), ("reason", "str")],
}
#: The tables a corpus offers (``records`` and ``notes`` are the build's own).
PUBLIC_TABLES = ("documents", "sentences", "rejects", "mentions", "relations", "comentions")


@lru_cache(maxsize=None)
def arrow_schema(table: str):
    """The pyarrow schema of a declared table (with the pandas dtypes to restore on reading)."""
    import pandas as pd
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "Int": pa.int64(), "bool": pa.bool_(), "float": pa.float64(),
             "time": pa.timestamp("ms"), "list": pa.list_(pa.string())}
    dtypes = {"str": object, "int": "int64", "Int": "Int64", "bool": bool, "float": "float64", "time": "datetime64[ms]", "list": object}
    cols = TABLES[table]
    empty = pd.DataFrame({c: pd.Series(dtype=dtypes[t]) for c, t in cols})
    pandas_meta = pa.Schema.from_pandas(empty, preserve_index=False).metadata  # restores Int64 etc. on reading
    return pa.schema([pa.field(c, types[t]) for c, t in cols], metadata=pandas_meta)


def to_arrow(df, table: str):
    """``df`` as a pyarrow Table with the declared columns of ``table`` (in order); a column that is not
    declared is an error that says where to declare it."""
    import pyarrow as pa

    names = [c for c, _ in TABLES[table]]
    extra = [c for c in df.columns if c not in names]
    missing = [c for c in names if c not in df.columns]
    if extra or missing:
        raise ValueError(f"table {table!r}: columns {extra} are not declared and {missing} are missing; "
                         f"declare a table's columns in analysis.stages.TABLES[{table!r}]")
    return pa.Table.from_pandas(df[names], schema=arrow_schema(table), preserve_index=False)


# --------------------------------------------------------------------------- reference objects

@dataclass(frozen=True)
class Reference:
    """A reference file a stage reads, and how to load it into a frozen value (``module:function``,
    called with the path). A file of the corpus's own (the analysts' corrections) has no fixed path:
    ``locate`` (``module:function``) gives it from the corpus name."""

    path: Path | None
    loader: str
    locate: str | None = None

    def where(self, corpus: str | None = None) -> Path | None:
        if self.locate is None:
            return self.path
        if not corpus:
            return None
        module, func = self.locate.split(":")
        try:
            return getattr(importlib.import_module(module), func)(corpus)
        except ValueError:  # a name that cannot have such a file
            return None

    def digest(self, corpus: str | None = None) -> str:
        path = self.where(corpus)
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path is not None else "missing"
        except OSError:
            return "missing"

    def load(self, corpus: str | None = None):
        module, func = self.loader.split(":")
        return getattr(importlib.import_module(module), func)(self.where(corpus))


REFERENCES: dict[str, Reference] = {
    "columns": Reference(config.COLUMN_NAMES, "analysis.ingest:load_column_names"),
    "rules": Reference(config.BOILERPLATE_RULES, "analysis.clean:load_rules"),
    "sites": Reference(config.SITES, "analysis.metadata:load_sites"),
    "outlets": Reference(config.OUTLETS, "analysis.outlets:load_outlets"),
    "abbreviations": Reference(config.ABBREVIATIONS, "analysis.stages:sentence_splitter"),
    "gazetteer": Reference(config.GAZETTEER, "analysis.groups:load_gazetteer"),
    "roles": Reference(config.ROLE_RULES, "analysis.roles:load_role_rules"),
    "cues": Reference(config.RELATION_CUES, "analysis.relations:load_cues"),
    "model": Reference(config.RELATION_MODEL, "analysis.relation_model:load_model"),
    "corrections": Reference(None, "analysis.stages:corrections", locate="analysis.corrections:corrections_path"),
}


def corrections(path: Path | None):
    """The analysts' corrections of the relation classifier (an empty table when there are none)."""
    from .corrections import read_corrections

    return read_corrections(path=path) if path is not None else None


def sentence_splitter(path: Path):
    from .text import sentence_splitter as make

    return make(abbreviations_path=path)


class References(dict):
    """The frozen values of some references, loaded from their files (``load_references``).

    Pickled (to go to a local worker process), it travels as its names, corpus and the files' digests,
    not as its values (the gazetteer's automaton alone is 6 MB: shipping it with every task cost the
    build 6 MB of memory per partition). A worker process loads the values once per distinct set of
    digests and checks that the files still have the digests the build planned with (a file changed
    during a build is an error, never a silent mix of versions). Distributed workers receive the values
    themselves (:func:`analysis.executor.run_tasks` sends a plain dict, once per worker)."""

    def __init__(self, values: dict, *, names: tuple, corpus: str | None, digests: tuple):
        super().__init__(values)
        self.names, self.corpus, self.digests = names, corpus, digests

    def __reduce__(self):
        return _references_in_worker, (self.names, self.corpus, self.digests)


#: A local worker process's loaded references, by (names, corpus, digests): a memo of pure loads
#: keyed by the files' content, so it can never hold a stale value.
_LOADED: dict[tuple, References] = {}


def _references_in_worker(names: tuple, corpus: str | None, digests: tuple) -> References:
    key = (names, corpus, digests)
    if key not in _LOADED:
        refs = load_references(names, corpus=corpus)
        if refs.digests != digests:
            changed = [n for n, a, b in zip(names, refs.digests, digests) if a != b]
            raise RuntimeError(f"reference files changed during the build: {', '.join(changed)}; build again")
        _LOADED.clear()  # one build's references at a time
        _LOADED[key] = refs
    return _LOADED[key]


def load_references(names, *, corpus: str | None = None) -> References:
    """The frozen values of the named references (loaded once per build, shared by every task);
    ``corpus``: the corpus's name, for the references of its own (its corrections)."""
    names = tuple(sorted(set(names)))
    digests = tuple(REFERENCES[n].digest(corpus) for n in names)
    return References({n: REFERENCES[n].load(corpus) for n in names}, names=names, corpus=corpus, digests=digests)


# --------------------------------------------------------------------------- stages

@dataclass(frozen=True)
class Stage:
    """One stage: ``run(inputs, refs, context) -> {table: DataFrame}`` over one partition."""

    name: str
    run: str  # "module:function"
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    references: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()  # analysis modules whose code shapes the output
    libraries: tuple[str, ...] = ()  # distributions whose version shapes the output
    context: bool = False  # takes the partition's corpus-level context (document ids, register, chrome)
    extra: Mapping[str, str] = field(default_factory=dict)

    def function(self) -> Callable:
        module, func = self.run.split(":")
        return getattr(importlib.import_module(module), func)


#: Every stage writes Parquet through pandas and pyarrow: their versions are in every key.
BASE_LIBRARIES = ("pandas", "pyarrow", "numpy")

READ = Stage("read", "analysis.partitions:read_unit", inputs=(), outputs=("records",),
             references=("columns", "sites"),
             modules=("ingest", "walk", "decode", "tables", "htmlpage", "partitions", "metadata"),
             libraries=("ftfy", "charset-normalizer", "trafilatura", "htmldate", "lxml", "pyyaml"))

STAGES: tuple[Stage, ...] = (
    Stage("prepare", "analysis.partitions:prepare", inputs=("records",), outputs=("documents", "sentences", "notes"),
          references=("rules", "sites", "outlets", "abbreviations"),
          modules=("partitions", "chrome", "clean", "dates", "outlets", "metadata", "register", "text"),
          libraries=("nltk", "ftfy", "dateparser", "htmldate", "lxml", "courlan"), context=True),
    Stage("mentions", "analysis.partitions:mentions", inputs=("sentences",), outputs=("mentions",),
          references=("gazetteer", "roles"), modules=("groups", "names", "roles"), libraries=("pyahocorasick",)),
    Stage("relations", "analysis.partitions:relations", inputs=("mentions", "sentences"), outputs=("relations",),
          references=("cues", "model", "corrections"),
          modules=("pair_relations", "relation_features", "relation_model", "relations", "groups", "names", "checks"),
          libraries=("pyahocorasick", "scipy")),
    Stage("comentions", "analysis.partitions:comentions", inputs=("mentions", "sentences", "relations"),
          outputs=("comentions",), references=("gazetteer",),
          modules=("comention", "pair_relations", "relations", "groups", "names", "checks")),
)


@lru_cache(maxsize=None)
def _version(dist: str) -> str:
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return "absent"


def library_versions(stage: Stage) -> dict[str, str]:
    return {d: _version(d) for d in BASE_LIBRARIES + stage.libraries}


def _module_digest(name: str) -> str:
    p = Path(__file__).parent / f"{name}.py"
    return hashlib.sha256(p.read_bytes()).hexdigest()[:16] if p.exists() else "absent"


def stage_digest(stage: Stage, *, corpus: str | None = None) -> str:
    """The part of a stage's key that does not depend on its input: schema version, the declared
    tables it writes, its code, its reference files (``corpus``: the corpus's name, for its own
    corrections) and its libraries."""
    parts = {"schema": SCHEMA_VERSION, "stage": stage.name, "run": stage.run,
             "tables": {t: TABLES[t] for t in stage.outputs},
             "code": {m: _module_digest(m) for m in sorted(set(stage.modules) | {"stages", "store", "config"})},
             "references": {r: REFERENCES[r].digest(corpus) for r in stage.references},
             "libraries": library_versions(stage), "extra": dict(stage.extra)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]
