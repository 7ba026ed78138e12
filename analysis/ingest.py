"""Read every input under the raw paths into raw records, or a reject with its reason.

Supported: ``.txt`` (any common encoding: see :mod:`analysis.decode`), ``.html``/``.htm`` (main text
and comments: :mod:`analysis.htmlpage`; a page with no markup is read as plain text, a page of link
labels only is navigation), ``.csv``, ``.tsv`` and ``.jsonl`` (one document a row, read strictly by
:mod:`analysis.tables`; column names detected from ``data/reference/columns.yaml`` or mapped
explicitly). Folders are read recursively in sorted order (:mod:`analysis.walk`). A file named
``metadata.csv`` at the top of a raw folder is the analyst's document register (see
:mod:`analysis.register`), never a corpus. Nothing here writes to the raw folders.

Every input file and row ends as a record or a :class:`Reject`. What is read with a change (bytes
replaced, a zero-filled tail dropped, control characters removed) is a reject entry too, whose reason
starts with "kept, but": the record is still made.

With several raw paths, each document's path starts with its root's name (``bbc/sport/001.txt``), so
that equal relative paths in two roots stay two documents.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from . import config, htmlpage, tables
from .decode import decode, decode_bytes, declared_charset, fix_text, remove_controls  # noqa: F401
from .walk import display_path, walk

__all__ = ["FIELDS", "RawRecord", "Reject", "RegisterFile", "ColumnMappingError", "load_column_names",
           "read_inputs", "iter_files", "root_labels", "fix_text", "decode_bytes"]

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
CSV_SUFFIXES = {".csv", ".tsv"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TABLE_SUFFIXES = CSV_SUFFIXES | JSONL_SUFFIXES
FIELDS = ("id", "title", "text", "source", "date", "author", "url")
_ANCHOR_RE = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.I | re.S)
_TAG_RE = re.compile(r"<[^>]*>")
_SEPARATOR_RE = re.compile(r"[\W_]+")
_MARKUP_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*[\s/>]|!--|!doctype)", re.I)


@dataclass
class RawRecord:
    """One input document before cleaning."""

    path: str  # "file.csv#row=12" for tabular rows; relative to the raw root, after the root's name if several
    stem: str  # default doc_id before de-duplication
    folder: str  # parent folder relative to the raw root ("" at the top), after the root's name if several
    kind: str  # "txt", "html" or "row"
    text: str  # decoded, repaired text (for html: the extracted main text)
    fields: dict = field(default_factory=dict)  # title, source, date, author, url, comments (html/rows)
    root: str = ""  # the root's name when there are several raw paths, else ""
    local: str = ""  # path relative to its own root (what that root's register names)


@dataclass
class Reject:
    path: str
    reason: str


@dataclass(frozen=True)
class RegisterFile:
    """A raw root's register ``metadata.csv``: where it is, and the root it applies to."""

    path: Path
    root: str  # the root's name as in RawRecord.root
    shown: str  # its path as rejects name it


class ColumnMappingError(ValueError):
    pass


def load_column_names(path: Path | None = None) -> dict[str, list[str]]:
    data = yaml.safe_load(Path(path or config.COLUMN_NAMES).read_text(encoding="utf-8")) or {}
    return {f: [tables.names_key(c) for c in data.get(f, [])] for f in FIELDS}


def _only_link_labels(body: str, page: str) -> bool:
    """Whether every line of the text extracted from ``page`` is the label of one of its links (or a
    separator such as "|"): a navigation page, not an article."""
    labels = {" ".join(html.unescape(_TAG_RE.sub(" ", m.group(1))).split()) for m in _ANCHOR_RE.finditer(page)}
    lines = [" ".join(line.split()) for line in body.split("\n")]
    words = [line for line in lines if line and not _SEPARATOR_RE.fullmatch(line)]
    return bool(labels) and all(line in labels for line in words)


def _match_columns(header: list[str], names: dict[str, list[str]], mapping: Mapping[str, str] | None) -> dict:
    """Field -> the normalised column name (see :func:`analysis.tables.names_key`) that holds it."""
    keys = {tables.names_key(h) for h in header}
    found = {}
    for f in FIELDS:
        if mapping and f in mapping:
            col = tables.names_key(mapping[f])
            if col not in keys:
                raise ColumnMappingError(
                    f"column mapping {f}={mapping[f]!r}: no such column; the file has {', '.join(map(str, header))}")
            found[f] = col
            continue
        cand = next((c for c in names[f] if c in keys), None)
        if cand is not None:
            found[f] = cand
    return found


def _table_records(rel: str, table: tables.Table, *, names, mapping, line_notes: Mapping[int, str] | None = None
                   ) -> tuple[list[RawRecord], list[Reject]]:
    """Records of a table's rows, and the rejects of its file and rows."""
    rejects: list[Reject] = []
    if table.problem:
        return [], [Reject(rel, table.problem)]
    how = f" (read as {'tab' if table.delimiter == chr(9) else repr(table.delimiter)}-delimited)" \
        if table.delimiter and table.delimiter != "," else ""
    try:
        cols = _match_columns(table.header, names, mapping)
    except ColumnMappingError as exc:
        return [], [Reject(rel, f"{exc}{how}")]
    rejects += [Reject(rel, f"kept, but {n}") for n in table.notes if n.startswith("duplicate")]
    out: list[RawRecord] = []
    stem = Path(rel).stem
    seen = 0
    for row in table.rows:
        seen += 1
        where = f"{rel}#row={row.number}"
        if "text" not in cols and row.values is not None:
            continue  # counted: the file is rejected as a whole below
        if row.problem:
            rejects.append(Reject(where, row.problem))
            continue
        for n in row.notes:
            rejects.append(Reject(where, f"kept, but {n}"))
        if line_notes:
            for ln in range(row.lines[0], row.lines[1] + 1):
                if ln in line_notes:
                    rejects.append(Reject(where, f"kept, but {line_notes[ln]}"))
        text = row.values.get(cols["text"])
        if not isinstance(text, str) or not text.strip():
            rejects.append(Reject(where, "empty text"))
            continue
        fields = {}
        for f in ("title", "source", "date", "author", "url"):
            v = row.values.get(cols[f]) if f in cols else None
            if v is not None and str(v).strip():
                fields[f] = fix_text(str(v)).strip()
        rid = row.values.get(cols["id"]) if "id" in cols else None
        rid = str(rid).strip() if rid is not None and str(rid).strip() else f"{stem}-{row.number}"
        out.append(RawRecord(where, rid, "", "row", fix_text(text), fields))
    if "text" not in cols:
        if not table.header:  # JSON Lines without one object: each row says what it is instead
            return [], rejects if seen else [Reject(rel, "no rows: only blank lines")]
        return [], [Reject(rel, f"no text column: looked for {', '.join(names['text'])}; found "
                                f"{', '.join(map(str, table.header))}{how} (map one with --column text=NAME)")]
    if not seen:
        rejects.append(Reject(rel, "header only: no data rows"))
    return out, rejects


def _stream_table(path: Path, rel: str, suffix: str, *, names, mapping):
    """Read a clean UTF-8 table as a stream, without holding the whole file in memory twice. None when
    the file is not clean UTF-8 (or has NUL bytes at either end): the caller then decodes it whole."""
    try:
        with open(path, "rb") as fb:
            head = fb.read(8192)
            fb.seek(max(0, fb.seek(0, 2) - 4096))
            tail = fb.read()
        if not head or b"\x00" in head or b"\x00" in tail or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None
        with open(path, encoding="utf-8-sig", errors="strict", newline="") as f:
            table = tables.read_jsonl(f.read()) if suffix in JSONL_SUFFIXES else \
                tables.read_csv(f, delimiter="\t" if suffix == ".tsv" else None)
            return _table_records(rel, table, names=names, mapping=mapping)
    except (UnicodeDecodeError, OSError):
        return None


def _read_file(path: Path, rel: str, folder: str, *, names, mapping) -> tuple[list[RawRecord], list[Reject]]:
    """The records and rejects of one input file."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES:
        return [], [Reject(rel, f"unsupported file type {suffix or '(none)'!r}: "
                                f"expected .txt, .html, .htm, .csv, .tsv or .jsonl")]
    if suffix in TABLE_SUFFIXES:
        streamed = _stream_table(path, rel, suffix, names=names, mapping=mapping)
        if streamed is not None:
            return streamed
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Reject(rel, f"unreadable: {exc.strerror or exc}")]
    if suffix in TABLE_SUFFIXES:
        d = decode(data, repair=False)
        del data
        if d.problem:
            return [], [Reject(rel, d.problem)]
        # bytes replaced or read in another encoding are named by row; those of the header by the file
        kept = [Reject(rel, f"kept, but {n}") for n in d.notes if not n.startswith(("not valid UTF-8", "lines in"))]
        if 1 in d.line_notes:
            kept.append(Reject(rel, f"kept, but the header line: {d.line_notes[1]}"))
        if suffix in JSONL_SUFFIXES:
            table = tables.read_jsonl(d.text)
        else:
            table = tables.read_csv(d.text, delimiter="\t" if suffix == ".tsv" else None)
        records, rejects = _table_records(rel, table, names=names, mapping=mapping, line_notes=d.line_notes)
        return records, kept + rejects
    declared = declared_charset(data[:4096]) if suffix in HTML_SUFFIXES else None
    d = decode(data, repair=suffix not in HTML_SUFFIXES, declared=declared)
    del data
    if d.problem:
        return [], [Reject(rel, d.problem)]
    kept = [Reject(rel, f"kept, but {n}") for n in d.notes]
    text, n_ctrl = remove_controls(d.text)
    if n_ctrl:
        kept.append(Reject(rel, f"kept, but control characters: {n_ctrl:,} removed"))
    if not text.strip():
        return [], [Reject(rel, "blank file (only white space)")]
    stem = Path(rel).stem
    if suffix in TEXT_SUFFIXES:
        return [RawRecord(rel, stem, folder, "txt", text)], kept
    repair = d.encoding.startswith("utf")  # mojibake is UTF-8 read as cp1252 and saved again as UTF-8
    if not _MARKUP_RE.search(text):  # a ".html" file with no markup at all is plain text
        kept.append(Reject(rel, "kept, but no HTML markup: read as plain text"))
        return [RawRecord(rel, stem, folder, "txt", fix_text(text, repair=repair))], kept
    try:
        body, fields = htmlpage.read_html(text)
    except Exception as exc:  # a broken page must not stop the build
        return [], [Reject(rel, f"HTML extraction failed: {type(exc).__name__}: {exc}")]
    if not body.strip():
        return [], [Reject(rel, "no main text found in HTML")]
    if _only_link_labels(body, text):
        return [], [Reject(rel, "no main text found in HTML: only navigation (every line is a link label)")]
    if fields.get("comments"):
        fields["comments"] = fix_text(fields["comments"], repair=repair)
    return [RawRecord(rel, stem, folder, "html", fix_text(body, repair=repair), fields)], kept


def root_labels(roots: list[Path]) -> list[str]:
    """The name each raw root's documents are prefixed with: "" for a single root; else the root
    folder's name (a file's folder for a single-file root), with as many parent names as it takes to tell
    the roots apart, and a number where the same folder is given twice."""
    if len(roots) < 2:
        return [""] * len(roots)
    full = [(r.resolve() if r.is_dir() else r.resolve().parent).parts for r in roots]
    depth = [1] * len(full)
    while True:
        labels = [display_path("/".join(p[-k:]).strip("/")) or "root" for p, k in zip(full, depth)]
        clash = [i for i, lab in enumerate(labels) if labels.count(lab) > 1 and depth[i] < len(full[i])]
        if not clash:
            break
        for i in clash:
            depth[i] += 1
    out, seen = [], {}
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        out.append(lab if seen[lab] == 1 else f"{lab}_{seen[lab]}")
    return out


def iter_files(root: Path) -> list[Path]:
    """The files under ``root`` that the build reads (or tries to): for fingerprints and sizes."""
    return [e.path for e in walk(root) if e.problem is None]


def read_inputs(raw_paths: Iterable[Path | str], *, columns: Mapping[str, str] | None = None,
                column_names: dict[str, list[str]] | None = None
                ) -> tuple[list[RawRecord], list[Reject], list[RegisterFile]]:
    """Read all inputs. Returns (records, rejects, registers), registers being each root's metadata.csv."""
    if columns:
        bad = set(columns) - set(FIELDS)
        if bad:
            raise ColumnMappingError(f"`columns` keys must be among {', '.join(FIELDS)}; got {', '.join(sorted(bad))}")
    names = column_names or load_column_names()
    records: list[RawRecord] = []
    rejects: list[Reject] = []
    registers: list[RegisterFile] = []
    roots = [Path(p) for p in raw_paths]
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"raw path not found: {root}")
    for root, label in zip(roots, root_labels(roots)):
        prefix = f"{label}/" if label else ""
        for entry in walk(root):
            rel = prefix + entry.rel
            if entry.problem:
                rejects.append(Reject(rel, entry.problem))
                continue
            if root.is_dir() and entry.rel == config.REGISTER_NAME:
                registers.append(RegisterFile(entry.path, label, rel))
                continue
            folder = prefix + entry.rel.rpartition("/")[0]
            got, rej = _read_file(entry.path, rel, folder.rstrip("/"), names=names, mapping=columns)
            if entry.name_escaped and got:
                rej.insert(0, Reject(rel, f"kept, but file name not valid UTF-8: shown as {rel!r}"))
            for r in got:
                r.root = label
                r.local = r.path[len(prefix):]
                if r.kind == "row":
                    r.folder = folder.rstrip("/")
            records.extend(got)
            rejects.extend(rej)
    return records, rejects, registers
