"""The build's output folder: partitioned Parquet tables, a manifest written last, and a lock.

Layout of an output folder (see docs/data_contract.md, "Partitions and the manifest")::

    manifest.json              what the folder holds; written last, atomically (temp file, fsync, rename)
    <table>/<key>.parquet      the tables: one Parquet file per partition (documents, sentences, ...)
    .parts/<table>/<key>.parquet   stage outputs and read records, named by their cache key
    .build.lock                held (flock) while a build writes; a second build into the folder stops

Every file is written to a temporary name in its folder and renamed into place, and every name is the
hash of everything that shapes its content (see :mod:`analysis.stages`): a file that exists is complete
and right for its name. So a build killed at any moment leaves the old manifest (whose files are all
still there: old files are removed only after the new manifest is in place) plus complete files the
next build reuses; a rebuild then equals a clean build. Readers trust only the files the manifest
lists. pyarrow (and so DuckDB, Dask and polars) reads ``<table>/*.parquet`` as one dataset once no
build is running; :func:`table_files` gives the manifest's list.

Only pyarrow, pandas and the standard library are imported here: loading tables stays cheap.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["MANIFEST", "PARTS", "LOCK", "BuildLocked", "OutputError", "check_out_dir", "BuildLock",
           "write_parquet", "read_manifest", "write_manifest", "table_files", "read_table", "collect_garbage",
           "link_into"]

MANIFEST = "manifest.json"
PARTS = ".parts"
LOCK = ".build.lock"
FORMAT = 3  # manifest format; bump when the folder layout changes


class OutputError(ValueError):
    """The output folder cannot be used (names the parameter, what is allowed and what was received)."""


class BuildLocked(RuntimeError):
    """Another build is writing into the same output folder."""


# --------------------------------------------------------------------------- the folder and its lock

def check_out_dir(out: object, *, raw: Sequence[Path] = (), name: str = "out") -> Path:
    """``out`` as a usable output folder (created if missing), or an :class:`OutputError` naming
    ``name``: before any work, so a bad ``--out`` never costs a build."""
    if not isinstance(out, (str, os.PathLike)):
        raise OutputError(f"`{name}` must be a folder path (str or Path); got {type(out).__name__} {out!r}")
    if str(out).strip() == "":
        raise OutputError(f"`{name}` must be a folder path; got an empty string (use '.' for the current folder)")
    path = Path(out).expanduser()
    resolved = path.resolve()
    for r in raw:
        r = Path(r).resolve()
        if resolved == r or r in resolved.parents:
            raise OutputError(f"`{name}` must not be inside a raw folder (raw data is never written to); "
                              f"got {path}, inside raw path {r}")
    if path.exists() and not path.is_dir():
        raise OutputError(f"`{name}` must be a folder; got {path}, which is an existing file")
    for parent in resolved.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"`{name}` must be a folder path; got {path}, below the file {parent}")
            break
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"`{name}` must be a folder the build can write to; got {path} "
                          f"({exc.strerror or exc})") from None
    return path


class BuildLock:
    """An exclusive lock on an output folder for one build (``flock``: released by the kernel when the
    process ends, also on ``kill -9``, so a crashed build never leaves the folder locked)."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / LOCK
        self._fd: int | None = None

    def __enter__(self) -> "BuildLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise BuildLocked(f"another build is writing into {self.path.parent} ({holder or 'unknown process'}); "
                                  f"wait for it to finish, or build into another folder (--out)") from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


# --------------------------------------------------------------------------- writing

def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{time.monotonic_ns()}")


def write_parquet(table, path: Path) -> Path:
    """Write a pyarrow Table to ``path`` atomically (temporary name in the same folder, then rename)."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    try:
        pq.write_table(table, tmp, compression="snappy")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def link_into(src: Path, dst: Path) -> None:
    """Make ``dst`` the same file as ``src`` (a hard link; a copy where links are not allowed), atomically."""
    if dst.exists():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(dst)
    try:
        os.link(src, tmp)
    except OSError:
        import shutil

        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def write_json(path: Path, data: dict) -> None:
    tmp = _tmp(path)
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_manifest(out_dir: Path) -> dict | None:
    """The folder's manifest, or None when there is none, it is from an older layout, or it is damaged
    (then the folder counts as unbuilt: the next build makes it whole)."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        return None
    return data


def write_manifest(out_dir: Path, manifest: dict) -> None:
    """Write the manifest atomically (temporary name, fsync, rename): a reader sees the old manifest
    or the new one, never a part of one."""
    out_dir = Path(out_dir)
    write_json(out_dir / MANIFEST, {"format": FORMAT, **manifest})


def collect_garbage(out_dir: Path, keep: Iterable[str]) -> int:
    """Remove files under the tables and ``.parts`` folders that ``keep`` (paths relative to
    ``out_dir``) does not list, and temporary files left by killed builds. Call with the lock held,
    after the manifest is written. Returns the number of files removed."""
    out_dir = Path(out_dir)
    keep = set(keep)
    removed = 0
    folders = {p.split("/", 1)[0] for p in keep if "/" in p} | {PARTS}
    for folder in folders:
        root = out_dir / folder
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                p = Path(dirpath) / f
                rel = p.relative_to(out_dir).as_posix()
                if rel not in keep:
                    p.unlink(missing_ok=True)
                    removed += 1
    for p in out_dir.glob(f".{MANIFEST}.tmp-*"):
        p.unlink(missing_ok=True)
    return removed


# --------------------------------------------------------------------------- reading

def table_files(out_dir: Path, manifest: dict, table: str) -> list[Path]:
    """The Parquet files of ``table`` in the manifest, in document order."""
    return [Path(out_dir) / f for f in manifest["tables"].get(table, [])]


def read_table(files: Sequence[Path], *, columns: Sequence[str] | None = None, filter=None, schema=None):
    """The partition files as one pandas DataFrame, reading only ``columns`` (all when None) and only
    the rows that pass ``filter`` (a pyarrow dataset expression)."""
    if len(files) == 1 and filter is None:  # one file: the plain Parquet reader is quicker to start
        import pyarrow.parquet as pq

        return pq.read_table(files[0], columns=list(columns) if columns is not None else None).to_pandas()
    import pyarrow.dataset as ds

    dataset = ds.dataset([str(f) for f in files], format="parquet", schema=schema)
    table = dataset.to_table(columns=list(columns) if columns is not None else None, filter=filter)
    return table.to_pandas()
