"""Load a corpus: its tables, read lazily from the build's partitioned Parquet files, building first
when they are missing or stale.

A corpus is a thing with settings: the raw paths (absolute), the column mapping and the register
files it was built with are stored in its manifest, and ``load_corpus`` reuses them when it is
called again for that corpus without them (a build made with ``--column text=story`` keeps its
mapping when a notebook calls ``load_corpus(CORPUS)``).

Loading current tables imports neither the build's text tools (nltk, trafilatura, ftfy) nor the
analyses' (ahocorasick, sklearn): it stats the raw files, reads the manifest and, on first access to
a table, that table's files.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from . import config, store
from .stages import PUBLIC_TABLES, arrow_schema

__all__ = ["Corpus", "load_corpus", "default_out_dir", "REBUILD"]

REBUILD = ("auto", "always", "never")


class Corpus:
    """The build's tables (see docs/data_contract.md) and where they came from.

    ``documents``, ``sentences``, ``rejects``, ``mentions``, ``relations``, ``comentions``: pandas DataFrames, read on
    first access (None for a table the build did not make). ``table(name, columns=...)`` reads only
    some columns; ``partitions(...)`` yields the tables one partition at a time, for counts that
    must scale past memory; ``settings`` are the options it was built with; ``name`` its display name.
    """

    def __init__(self, out_dir: Path, manifest: dict):
        self.out_dir = Path(out_dir)
        self.manifest = manifest
        self.settings = dict(manifest["settings"])
        self.raw = [Path(p) for p in self.settings["raw"]]
        self.name = self.settings.get("name") or "corpus"
        self._cache: dict[str, object] = {}

    # tables -----------------------------------------------------------------------------------
    def files(self, name: str) -> list[Path]:
        """The Parquet files of table ``name``, in document order (for DuckDB, polars, Dask...)."""
        self._check_name(name)
        return store.table_files(self.out_dir, self.manifest, name)

    def table(self, name: str, columns: Sequence[str] | None = None, *, filter=None):
        """Table ``name`` as a DataFrame, reading only ``columns`` (all when None); ``filter``: a
        pyarrow dataset expression (e.g. ``pyarrow.dataset.field("section") == "body"``)."""
        self._check_name(name)
        if name not in self.manifest["tables"]:
            return None
        if columns is not None:
            known = [c for c in arrow_schema(name).names]
            bad = [c for c in columns if c not in known]
            if bad or isinstance(columns, str):
                raise ValueError(f"`columns` must be a list of columns of {name!r} ({', '.join(known)}); got {columns!r}")
        files = self.files(name)
        if not files:
            import pandas as pd

            empty = arrow_schema(name).empty_table().to_pandas()
            return empty if columns is None else empty[list(columns)] if len(columns) else pd.DataFrame(index=[])
        return store.read_table(files, columns=columns, filter=filter, schema=arrow_schema(name))

    def _check_name(self, name: str) -> None:
        if name not in PUBLIC_TABLES:
            raise ValueError(f"`name` must be one of {', '.join(map(repr, PUBLIC_TABLES))}; got {name!r}")

    def _lazy(self, name: str):
        if name not in self._cache:
            self._cache[name] = self.table(name)
        return self._cache[name]

    documents = property(lambda self: self._lazy("documents"), doc="one row per document (read on first access)")
    sentences = property(lambda self: self._lazy("sentences"), doc="one row per sentence (read on first access)")
    rejects = property(lambda self: self._lazy("rejects"), doc="inputs not made documents, with the reason")
    mentions = property(lambda self: self._lazy("mentions"), doc="group mentions (None if not built)")
    relations = property(lambda self: self._lazy("relations"), doc="actor pairs in a sentence with their label "
                         "(None if not built)")
    comentions = property(lambda self: self._lazy("comentions"), doc="co-mentions (None if not built)")

    def partitions(self, tables: Sequence[str] = ("documents",), *, columns: Mapping[str, Sequence[str]] | None = None
                   ) -> Iterator[dict]:
        """Yield one dict per partition, ``{table: DataFrame}`` for ``tables``, each reading only
        ``columns[table]`` when given. A partition holds whole documents, the same in every table:
        compute counts per partition and add them up, and memory stays bounded by a partition."""
        if isinstance(tables, str):
            raise ValueError(f"`tables` must be a list of table names; got the string {tables!r}")
        for t in tables:
            self._check_name(t)
            if t == "rejects":
                raise ValueError("`tables`: rejects are not partitioned (use corpus.rejects)")
        columns = columns or {}
        lists = {t: self.files(t) for t in tables}
        n = len(self.manifest["partitions"])
        for i in range(n):
            yield {t: store.read_table([lists[t][i]], columns=columns.get(t)) if t in self.manifest["tables"] else None
                   for t in tables}

    @property
    def n_partitions(self) -> int:
        return len(self.manifest["partitions"])

    def text(self, doc_id: str, section: str = "body") -> str:
        """The body or comments of one document (read alone, without loading every body)."""
        if section not in ("body", "comments"):
            raise ValueError(f"`section` must be one of 'body', 'comments'; got {section!r}")
        if "documents" in self._cache:
            docs = self._cache["documents"]
            hit = docs.loc[docs["doc_id"] == doc_id, section]
        else:
            import pyarrow.dataset as ds

            hit = self.table("documents", ["doc_id", section], filter=ds.field("doc_id") == doc_id)[section]
        if hit.empty:
            raise KeyError(f"`doc_id`: no document {doc_id!r} in this corpus")
        return hit.iloc[0]

    def __repr__(self) -> str:
        c = self.manifest["counts"]
        return (f"Corpus {self.name!r}: {c['documents']:,} documents, {c['sentences']:,} sentences, "
                f"{c['rejects']:,} rejects; from {', '.join(map(str, self.raw))}")


def default_out_dir(raw: list[Path]) -> Path:
    """``data/processed`` for the project's own raw folder; a folder of its own under
    ``data/processed/corpora/<name>-<hash>/`` for any other corpus, so builds never overwrite each other."""
    raw = [Path(p).absolute() for p in raw]
    if len(raw) == 1 and raw[0].resolve() == config.RAW_DIR.resolve():
        return config.PROCESSED_DIR
    key = hashlib.sha256("|".join(str(p.resolve()) for p in raw).encode()).hexdigest()[:8]
    return config.PROCESSED_DIR / "corpora" / f"{raw[0].stem or 'corpus'}-{key}"


def load_corpus(raw: Iterable[Path | str] | Path | str | None = None, out: Path | str | None = None, *,
                columns: Mapping[str, str] | None = None, rebuild: str = "auto", quiet: bool = True,
                scheduler: object = None, workers: int | None = None) -> Corpus:
    """The corpus for ``raw`` (default ``data/raw``, or ``WORKBOOK_CORPUS`` when set; relative paths
    resolve against the current folder), its tables in ``out`` (default: see :func:`default_out_dir`).

    rebuild: "auto" builds when the tables are missing or stale (raw files, settings, reference
    files, code or libraries changed), "always" builds, "never" only reads. columns: the column
    mapping for tabular inputs; None reuses the mapping the corpus was built with. With ``out`` given
    and ``raw`` None, the corpus is the one built in ``out`` (its stored raw paths). scheduler,
    workers: passed to the build (see :func:`analysis.build.build_corpus`).
    """
    from .build import check_columns, check_raw, is_current

    if rebuild not in REBUILD:
        raise ValueError(f"`rebuild` must be one of {', '.join(map(repr, REBUILD))}; got {rebuild!r}")
    stored = None
    if out is not None:
        out_dir = _folder(out)
        stored = store.read_manifest(out_dir)
    if raw is None:
        raw = [Path(p) for p in stored["settings"]["raw"]] if stored else (config.corpus_from_env() or [config.RAW_DIR])
    raw = check_raw(raw, name="raw")
    if out is None:
        out_dir = default_out_dir(raw)
        stored = store.read_manifest(out_dir)
    if rebuild != "never":
        store.check_out_dir(out_dir, raw=raw, name="out")  # a usage error before any work
    if columns is None and stored and stored["settings"]["raw"] == [str(p) for p in raw]:
        columns = stored["settings"].get("columns") or None  # the corpus keeps its mapping
    columns = check_columns(columns)
    from .build import corpus_name

    size = (stored or {}).get("settings", {}).get("partition_size")
    settings = {"raw": [str(p) for p in raw], "columns": columns, "name": corpus_name(raw),
                **({"partition_size": size} if size else {}),
                "registers": (stored or {}).get("settings", {}).get("registers", [])}
    current = stored is not None and _same(stored["settings"], settings) and is_current(
        out_dir, stored, {**settings, "registers": stored["settings"].get("registers", [])})
    if rebuild == "always" or (rebuild == "auto" and not current):
        from .build import build_corpus

        summary = build_corpus(raw, out_dir, columns=columns, scheduler=scheduler, workers=workers,
                               progress=None if not quiet else False, **({"partition_size": size} if size else {}))
        if not quiet:
            print(summary)
        stored = store.read_manifest(out_dir)
    elif stored is None:
        raise FileNotFoundError(f"no build in {out_dir} and rebuild='never'")
    return Corpus(out_dir, stored)


def _same(a: dict, b: dict) -> bool:
    return all(a.get(k) == b.get(k) for k in ("raw", "columns"))


def _folder(out) -> Path:
    if isinstance(out, str) and out.strip() == "":
        raise store.OutputError("`out` must be a folder path; got an empty string (use '.' for the current folder)")
    if not isinstance(out, (str, Path)):
        raise store.OutputError(f"`out` must be a folder path (str or Path); got {type(out).__name__} {out!r}")
    path = Path(out).expanduser()
    if path.exists() and not path.is_dir():
        raise store.OutputError(f"`out` must be a folder; got {path}, which is an existing file")
    return path
